package aof

import (
	"strconv"

	"respd/internal/listpack"
	"respd/internal/stream"
)

// Stream writes the commands that rebuild a stream, as Redis 7.0's
// rewriteStreamObject: an XADD per entry with its ID (an empty stream is
// made by `XADD key MAXLEN 0 0-1 x y`), an XSETID restoring the last ID,
// entries added and max deleted ID, then per group an XGROUP CREATE with
// its last ID and entries read, an XCLAIM ... JUSTID FORCE per pending
// entry of each consumer, with its delivery time and count, and an
// XGROUP CREATECONSUMER per consumer without pending entries; then the
// TTL. A consumer's seen time is the replay's, as in Redis.
func (e *BaseEncoder) Stream(key []byte, s *stream.Stream, expireMs int64) error {
	if expireMs != 0 && expireMs < e.now {
		return e.err
	}
	var idBuf []byte
	id := func(id stream.ID) []byte {
		idBuf = id.Append(idBuf[:0])
		return idBuf
	}
	if s.Len() > 0 {
		var vbuf []byte
		value := func(v listpack.Value) []byte {
			if !v.IsInt() {
				return v.Str
			}
			vbuf = strconv.AppendInt(vbuf[:0], v.Int, 10)
			return vbuf
		}
		var it stream.Iter
		for s.RangeInto(&it, stream.ID{}, stream.MaxID, false); it.Next(); {
			e.buf = appendArrayHeader(e.buf, 3+2*it.NumFields())
			e.buf = appendBulk(appendBulk(e.buf, []byte("XADD")), key)
			e.buf = appendBulk(e.buf, id(it.ID()))
			it.Fields(func(f, v listpack.Value) {
				e.buf = appendBulk(e.buf, value(f))
				e.buf = appendBulk(e.buf, value(v))
			})
			e.flushIfFull()
		}
	} else {
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("XADD"), key, []byte("MAXLEN"), []byte("0"), []byte("0-1"), []byte("x"), []byte("y")})
	}
	e.buf = AppendCommand(e.buf, [][]byte{[]byte("XSETID"), key, id(s.LastID()),
		[]byte("ENTRIESADDED"), strconv.AppendUint(nil, s.EntriesAdded(), 10),
		[]byte("MAXDELETEDID"), s.MaxDeletedID().Append(nil)})
	s.Groups(func(g *stream.Group) bool {
		name := []byte(g.Name)
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("XGROUP"), []byte("CREATE"), key, name, id(g.LastID),
			[]byte("ENTRIESREAD"), strconv.AppendInt(nil, g.EntriesRead, 10)})
		g.Consumers(func(c *stream.Consumer) bool {
			consumer := []byte(c.Name)
			if c.PendingLen() == 0 {
				e.buf = AppendCommand(e.buf, [][]byte{[]byte("XGROUP"), []byte("CREATECONSUMER"), key, name, consumer})
				return true
			}
			c.PendingRange(stream.ID{}, func(pid stream.ID, n *stream.NACK) bool {
				e.buf = AppendCommand(e.buf, [][]byte{[]byte("XCLAIM"), key, name, consumer, []byte("0"), id(pid),
					[]byte("TIME"), strconv.AppendInt(nil, n.DeliveryTime, 10),
					[]byte("RETRYCOUNT"), strconv.AppendUint(nil, n.DeliveryCount, 10),
					[]byte("JUSTID"), []byte("FORCE")})
				e.flushIfFull()
				return e.err == nil
			})
			return e.err == nil
		})
		return e.err == nil
	})
	if expireMs != 0 {
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("PEXPIREAT"), key, strconv.AppendInt(nil, expireMs, 10)})
	}
	return e.err
}

// flushIfFull writes the buffer once it holds 64 KiB.
func (e *BaseEncoder) flushIfFull() {
	if len(e.buf) >= 64<<10 {
		e.Flush()
	}
}
