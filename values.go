package main

// The value-type seam: every concern that depends on what a key's value
// is, one function each with one case per type. A family adds its case to
// each function here and to nothing elsewhere; a type without its case is
// a bug that panics naming the function and the type (noCase), and a
// value of a type respd doesn't serve, arriving from a file or a payload,
// is refused by name (loadValue).
//
// A snapshot's other half lives in internal/keyspace: the value a write
// is about to change is kept by BeforeChange, which copies a string and
// takes a collection's O(1) frozen view (keyspace's Entry.Frozen).

import (
	"fmt"
	"math"
	"strconv"

	"respd/internal/hashval"
	"respd/internal/jemalloc"
	"respd/internal/keyspace"
	"respd/internal/listpack"
	"respd/internal/quicklist"
	"respd/internal/rdb"
	"respd/internal/redisconv"
	"respd/internal/setval"
	"respd/internal/stream"
	"respd/internal/zsetval"
)

// encoding is the name Redis gives the representation it would use for e's
// value (OBJECT ENCODING, DEBUG OBJECT).
func encoding(e *keyspace.Entry) string {
	switch e.Type {
	case keyspace.TypeString:
		return stringEncoding(e)
	case keyspace.TypeList:
		return "quicklist" // Redis 7.0 keeps every list as one
	case keyspace.TypeHash:
		return e.Hash().Encoding()
	case keyspace.TypeSet:
		return e.Set().Encoding()
	case keyspace.TypeZSet:
		return e.ZSet().Encoding()
	case keyspace.TypeStream:
		return "stream"
	default:
		panic(noCase("encoding", e))
	}
}

// valueMemory estimates the bytes e's value would take in Redis 7 with
// jemalloc (MEMORY USAGE, with memoryUsage's key and dict entry). samples
// bounds how many elements of a collection are measured. A string's
// figure is Redis's own, except for strings grown by APPEND, whose spare
// room Redis counts too.
func valueMemory(e *keyspace.Entry, samples int64) int64 {
	switch e.Type {
	case keyspace.TypeString:
		switch stringEncoding(e) {
		case "int":
			return robjSize
		case "embstr":
			return jemalloc.Size(robjSize + embstrHeader + len(e.Str()) + 1)
		default:
			return robjSize + sdsAllocSize(len(e.Str()))
		}
	case keyspace.TypeList:
		return int64(e.List().MemoryUsage(int(min(samples, math.MaxInt32))))
	case keyspace.TypeHash:
		h := e.Hash()
		if lp := h.Listpack(); lp != nil {
			return robjSize + jemalloc.Size(len(lp))
		}
		// objectComputeSize: the dict and its buckets, then a dictEntry and
		// two sds strings per field, averaged over the first samples.
		return tableMemory(h.Slots(), h.Len(), samples, func(cursor uint64, add func(int64)) uint64 {
			return h.Scan(cursor, func(name, value []byte) {
				add(dictEntrySize + sdsAllocSize(len(name)) + sdsAllocSize(len(value)))
			})
		})
	case keyspace.TypeSet:
		s := e.Set()
		if is := s.Intset(); is != nil {
			return robjSize + jemalloc.Size(len(is))
		}
		return tableMemory(s.Slots(), s.Len(), samples, func(cursor uint64, add func(int64)) uint64 {
			return s.Scan(cursor, func(m []byte) { add(dictEntrySize + sdsAllocSize(len(m))) })
		})
	case keyspace.TypeZSet:
		z := e.ZSet()
		if lp := z.Listpack(); lp != nil {
			return robjSize + jemalloc.Size(len(lp))
		}
		// objectComputeSize: the zset, its skiplist and its header node
		// beside the dict, then a member's sds, dict entry and node,
		// averaged over the skiplist's first samples nodes.
		return zsetSize + zskiplistSize + jemalloc.Size(zskiplistNodeSize(zskiplistMaxLevel)) +
			tableMemory(z.Slots(), z.Len(), samples, func(_ uint64, add func(int64)) uint64 {
				z.SampleNodes(int(min(samples, math.MaxInt32)), func(m []byte, levels int) {
					add(sdsAllocSize(len(m)) + dictEntrySize + jemalloc.Size(zskiplistNodeSize(levels)))
				})
				return 0
			})
	case keyspace.TypeStream:
		return streamMemory(e.Stream(), samples)
	default:
		panic(noCase("valueMemory", e))
	}
}

// freeEffort is Redis's lazyfreeGetFreeEffort: about how many allocations
// freeing e's value takes, which decides whether the lazy path hands it
// to the background. A compact encoding is one allocation; a list counts
// its quicklist nodes, a table its elements, a stream its macro nodes
// (Redis counts its rax's nodes, a few more) and, per consumer group, the
// group and the first group's pending entries.
func freeEffort(e *keyspace.Entry) int {
	switch e.Type {
	case keyspace.TypeString:
		return 1
	case keyspace.TypeList:
		return e.List().NodeCount()
	case keyspace.TypeHash:
		if e.Hash().Listpack() != nil {
			return 1
		}
		return e.Hash().Len()
	case keyspace.TypeSet:
		if e.Set().Intset() != nil {
			return 1
		}
		return e.Set().Len()
	case keyspace.TypeZSet:
		if e.ZSet().Listpack() != nil {
			return 1
		}
		return e.ZSet().Len()
	case keyspace.TypeStream:
		st := e.Stream()
		effort := st.NodeCount()
		st.Groups(func(g *stream.Group) bool {
			effort += st.NumGroups() * (1 + g.PendingLen())
			return false
		})
		return effort
	default:
		panic(noCase("freeEffort", e))
	}
}

// copyValue returns a new entry holding a deep copy of e's value, without
// key or TTL, as Redis's COPY duplicates the object by type.
func copyValue(e *keyspace.Entry, access uint32) *keyspace.Entry {
	var copied *keyspace.Entry
	switch e.Type {
	case keyspace.TypeString:
		copied = keyspace.NewString("", e.Str())
		if e.RawString() {
			copied.MarkRaw()
		}
	case keyspace.TypeList:
		copied = keyspace.NewList(e.List().Dup())
	case keyspace.TypeHash:
		copied = keyspace.NewHash(e.Hash().Dup())
	case keyspace.TypeSet:
		copied = keyspace.NewSet(e.Set().Dup())
	case keyspace.TypeZSet:
		copied = keyspace.NewZSet(e.ZSet().Dup())
	case keyspace.TypeStream:
		copied = keyspace.NewStream(e.Stream().Dup())
	default:
		panic(noCase("copyValue", e))
	}
	copied.Access = access
	return copied
}

// valueEncoder writes a key's value in a persistence format, one method
// per type: rdb.Encoder (a key of an RDB file), aof.BaseEncoder (the
// commands that rebuild it, an AOF base's rewrite form) or rdb.Payload
// (DUMP: the value alone). A family adds its method to each.
type valueEncoder interface {
	String(key, value []byte, expireMs int64) error
	List(key []byte, l *quicklist.List, expireMs int64) error
	Hash(key []byte, h *hashval.Hash, expireMs int64) error
	Set(key []byte, s *setval.Set, expireMs int64) error
	ZSet(key []byte, z *zsetval.ZSet, expireMs int64) error
	Stream(key []byte, s *stream.Stream, expireMs int64) error
}

// writeValue writes e's value under key, with e's TTL, to enc: saves,
// AOF rewrites, full syncs and DUMP.
func writeValue(enc valueEncoder, key []byte, e *keyspace.Entry) error {
	switch e.Type {
	case keyspace.TypeString:
		return enc.String(key, e.Str(), e.Expire)
	case keyspace.TypeList:
		return enc.List(key, e.List(), e.Expire)
	case keyspace.TypeHash:
		return enc.Hash(key, e.Hash(), e.Expire)
	case keyspace.TypeSet:
		return enc.Set(key, e.Set(), e.Expire)
	case keyspace.TypeZSet:
		return enc.ZSet(key, e.ZSet(), e.Expire)
	case keyspace.TypeStream:
		return enc.Stream(key, e.Stream(), e.Expire)
	default:
		panic(noCase("writeValue", e))
	}
}

// debugObjectExtra is what DEBUG OBJECT says of e's value after the
// fields every type has: fields of the type's own, ending the line
// (Redis's lists add ql_nodes and the like).
func debugObjectExtra(e *keyspace.Entry) string {
	switch e.Type {
	case keyspace.TypeString:
		return ""
	case keyspace.TypeList:
		return e.List().DebugObject()
	case keyspace.TypeHash, keyspace.TypeSet, keyspace.TypeZSet, keyspace.TypeStream:
		return ""
	default:
		panic(noCase("debugObjectExtra", e))
	}
}

// valueDigest mixes e's type and value into d as Redis's xorObjectDigest
// (DEBUG DIGEST, DIGEST-VALUE), whatever the encoding: a list's elements
// and a stream's entries in order; a set's members, and a hash's fields
// or a sorted set's members each with its value or %.17g score, xored in
// any order. A TTL adds a constant.
func valueDigest(d *digest, e *keyspace.Entry) {
	d.mixUint32(redisObjectType[e.Type])
	var buf []byte
	switch e.Type {
	case keyspace.TypeString:
		d.mix(e.Str())
	case keyspace.TypeList:
		for _, v := range e.List().Elements(0, false) {
			d.mix(v)
		}
	case keyspace.TypeSet:
		e.Set().Each(func(m []byte) { d.xor(m) })
	case keyspace.TypeZSet:
		e.ZSet().Each(func(m []byte, score float64) {
			var el digest
			el.mix(m)
			buf = redisconv.AppendDouble(buf[:0], score)
			el.mix(buf)
			d.xor(el[:])
		})
	case keyspace.TypeHash:
		e.Hash().Each(func(name, value []byte) {
			var el digest
			el.mix(name)
			el.mix(value)
			d.xor(el[:])
		})
	case keyspace.TypeStream:
		// Entries only: Redis 7.0 leaves consumer groups out.
		for it := e.Stream().Range(stream.ID{}, stream.MaxID, false); it.Next(); {
			id := it.ID()
			buf = strconv.AppendUint(append(strconv.AppendUint(buf[:0], id.Ms, 10), '.'), id.Seq, 10)
			d.mix(buf)
			it.Fields(func(field, value listpack.Value) {
				buf = field.Append(buf[:0])
				d.mix(buf)
				buf = value.Append(buf[:0])
				d.mix(buf)
			})
		}
	default:
		panic(noCase("valueDigest", e))
	}
	if e.Expire != 0 {
		d.xor([]byte("!!expire!!"))
	}
}

// redisObjectType is Redis's number for each type (OBJ_STRING...), which
// a digest mixes in: 5 is OBJ_MODULE's.
var redisObjectType = [...]uint32{
	keyspace.TypeString: 0,
	keyspace.TypeList:   1,
	keyspace.TypeSet:    2,
	keyspace.TypeZSet:   3,
	keyspace.TypeHash:   4,
	keyspace.TypeStream: 6,
}

// serializedLength is the length of e's value as an RDB file would hold
// it (DEBUG OBJECT's serializedlength), compressed or not.
func serializedLength(e *keyspace.Entry, compress bool) int {
	payload := rdb.NewPayload(!compress)
	writeValue(payload, nil, e)
	return payload.ValueLen()
}

// loadValue makes the entry, without TTL or access time, for a value
// decoded from an RDB file (a save, an AOF's RDB base, a master's full
// sync) or a DUMP payload (RESTORE). A value of a type respd does not
// serve is an *rdb.UnsupportedTypeError: refused by name, never dropped.
// A string's entry is made with r's key, which shares its allocation.
func loadValue(r *rdb.Record, cfg *Config) (*keyspace.Entry, error) {
	switch r.Kind() {
	case "string":
		return keyspace.NewString(str(r.Key), r.Value), nil
	case "list":
		l := quicklist.New(cfg.ListMaxListpackSize, cfg.ListCompressDepth)
		for _, v := range r.List {
			l.PushTail(v)
		}
		return keyspace.NewList(l), nil
	case "hash":
		h, lim := hashval.New(), hashval.Limits{Entries: cfg.HashMaxListpackEntries, Value: cfg.HashMaxListpackValue}
		for _, f := range r.Hash {
			if f.ExpireMs != 0 {
				// Redis 7.4's field TTLs: 7.0 has none to keep them in.
				return nil, &rdb.UnsupportedTypeError{Type: r.Type, TypeName: "hash with field TTLs", Key: r.Key}
			}
			h.Set(f.Field, f.Value, lim)
		}
		return keyspace.NewHash(h), nil
	case "set":
		s := setval.NewIntset()
		for _, m := range r.Set {
			s.Add(m, cfg.SetMaxIntsetEntries)
		}
		return keyspace.NewSet(s), nil
	case "zset":
		z, err := loadZSet(r, zsetval.Limits{Entries: cfg.ZsetMaxListpackEntries, Value: cfg.ZsetMaxListpackValue})
		if err != nil {
			return nil, err
		}
		return keyspace.NewZSet(z), nil
	case "stream":
		// The nodes as stored, whatever stream-node-max-bytes and
		// stream-node-max-entries say now, as rdbLoadObject keeps them.
		return keyspace.NewStream(r.Stream.Value()), nil
	default:
		return nil, &rdb.UnsupportedTypeError{Type: r.Type, TypeName: r.Kind(), Key: r.Key}
	}
}

// loadZSet is rdbLoadObject's sorted set: a listpack as it was stored,
// unless it holds more than lim.Entries members; the member and score
// forms into a skiplist sized for them, then a listpack if they fit lim,
// as Redis converts only after loading them all.
func loadZSet(r *rdb.Record, lim zsetval.Limits) (*zsetval.ZSet, error) {
	if r.ZSetListpack != nil {
		z, err := zsetval.FromListpack(r.ZSetListpack, lim)
		if err != nil {
			return nil, fmt.Errorf("key '%s': %w", r.Key, err)
		}
		return z, nil
	}
	z := zsetval.New(len(r.ZSet), 0, zsetval.Limits{})
	for _, m := range r.ZSet {
		z.Add(m.Member, m.Score, 0, zsetval.Limits{})
	}
	z.ConvertToListpackIfFits(lim)
	return z, nil
}

// noCase is the panic of a seam function meeting a type it has no case
// for: a family landed without it, never a client's doing.
func noCase(function string, e *keyspace.Entry) string {
	return fmt.Sprintf("%s: no case for the %s value of key %q", function, e.Type, e.Key())
}

// tableMemory is objectComputeSize of a hashtable-encoded value: the
// object, the dict and its slots, and the average size of its first
// samples entries times its length. scan calls add with the size of each
// entry of the buckets at cursor and returns the next cursor: the walk
// stops once it has its samples, O(samples) as Redis's.
func tableMemory(slots, n int, samples int64, scan func(cursor uint64, add func(size int64)) uint64) int64 {
	total := int64(robjSize + dictSize + 8*slots)
	var sum, sampled int64
	add := func(size int64) {
		if sampled < samples {
			sum += size
			sampled++
		}
	}
	for cursor := scan(0, add); cursor != 0 && sampled < samples; {
		cursor = scan(cursor, add)
	}
	if sampled > 0 {
		total += int64(float64(sum) / float64(sampled) * float64(n))
	}
	return total
}
