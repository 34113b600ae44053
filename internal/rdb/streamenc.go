package rdb

import (
	"encoding/binary"

	"respd/internal/stream"
)

// Stream writes a stream key as Redis 7.0 does (RDB_TYPE_STREAM_LISTPACKS_2),
// with its TTL (expireMs, unix ms; 0 for none).
func (e *Encoder) Stream(key []byte, s *stream.Stream, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	e.writeExpire(expireMs)
	e.writeByte(typeStreamListpacks2)
	e.writeString(key)
	e.writeStream(s)
	return e.err
}

// Stream writes a stream value (key and TTL are not part of a payload).
func (p *Payload) Stream(key []byte, s *stream.Stream, expireMs int64) error {
	p.enc.writeByte(typeStreamListpacks2)
	p.enc.writeStream(s)
	return nil
}

// writeStream is Redis 7.0's rdbSaveObject of a stream, after the type
// byte and key: the nodes in ID order, each its 16-byte master ID and its
// listpack as rdbSaveRawString writes strings (LZF-compressed when that
// saves room); the length, last, first and max deleted IDs and entries
// added; then the groups in name order, each with its name, last ID,
// entries read (-1 as 2^64-1, as rdbSaveLen writes it), its PEL (raw IDs,
// delivery times as 8 little-endian bytes, delivery counts) and its
// consumers in name order (name, seen time, the raw IDs of their PEL).
func (e *Encoder) writeStream(s *stream.Stream) {
	e.writeLen(uint64(s.NodeCount()))
	s.Nodes(func(master stream.ID, lp []byte) bool {
		k := master.Key()
		e.writeString(k[:])
		e.writeString(lp)
		e.flushIfFull()
		return e.err == nil
	})
	e.writeLen(s.Len())
	e.writeIDLens(s.LastID())
	e.writeIDLens(s.FirstID())
	e.writeIDLens(s.MaxDeletedID())
	e.writeLen(s.EntriesAdded())
	e.writeLen(uint64(s.NumGroups()))
	s.Groups(func(g *stream.Group) bool {
		e.writeString([]byte(g.Name))
		e.writeIDLens(g.LastID)
		e.writeLen(uint64(g.EntriesRead))
		e.writeLen(uint64(g.PendingLen()))
		g.PendingRange(stream.ID{}, func(id stream.ID, n *stream.NACK) bool {
			k := id.Key()
			e.buf = append(e.buf, k[:]...)
			e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(n.DeliveryTime)) // rdbSaveMillisecondTime
			e.writeLen(n.DeliveryCount)
			e.flushIfFull()
			return e.err == nil
		})
		e.writeLen(uint64(g.NumConsumers()))
		g.Consumers(func(c *stream.Consumer) bool {
			e.writeString([]byte(c.Name))
			e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(c.SeenTime))
			e.writeLen(uint64(c.PendingLen()))
			c.PendingRange(stream.ID{}, func(id stream.ID, _ *stream.NACK) bool {
				k := id.Key()
				e.buf = append(e.buf, k[:]...)
				e.flushIfFull()
				return e.err == nil
			})
			return e.err == nil
		})
		return e.err == nil
	})
}

// writeIDLens writes an ID as two RDB lengths.
func (e *Encoder) writeIDLens(id stream.ID) {
	e.writeLen(id.Ms)
	e.writeLen(id.Seq)
}

// Value is the stream as respd keeps it, for a key loaded from a file or
// a payload: the nodes as stored (Redis's layout, so that XINFO and DUMP
// answer as Redis's after a reload), the metadata, and the groups with
// their consumers and pending entries, each owned by the consumer the
// file assigns it to, as rdbLoadObject rebuilds them. A consumer's active
// time (type 21, Redis 7.2) has nowhere to go in 7.0's stream: it is left
// out.
func (s *Stream) Value() *stream.Stream {
	v := stream.New()
	for _, n := range s.Nodes {
		v.AppendNode(stream.ID(n.Master), n.Listpack)
	}
	v.SetMeta(stream.ID(s.LastID), stream.ID(s.MaxDeletedID), s.EntriesAdded)
	v.SetFirstID(stream.ID(s.FirstID))
	for _, g := range s.Groups {
		vg, ok := v.CreateGroup(string(g.Name), stream.ID(g.LastID), g.EntriesRead)
		if !ok {
			continue // the decoder refuses duplicate names
		}
		for _, c := range g.Consumers {
			vg.CreateConsumer(string(c.Name), c.SeenTime)
		}
		for _, p := range g.PEL {
			vg.AddPending(stream.ID(p.ID), &stream.NACK{DeliveryTime: p.DeliveryTime,
				DeliveryCount: p.DeliveryCount, Consumer: vg.Consumer(string(p.Consumer))})
		}
	}
	return v
}
