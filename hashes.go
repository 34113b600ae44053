package main

import (
	"math"
	"strconv"

	"respd/internal/hashval"
	"respd/internal/keyspace"
	"respd/internal/redisconv"
)

// Hashes (t_hash.c): a listpack while small, a table past the limits
// (internal/hashval).

// hashLimits are hash-max-listpack-entries and hash-max-listpack-value.
func (c *Client) hashLimits() hashval.Limits {
	return hashval.Limits{Entries: c.srv.cfg.HashMaxListpackEntries, Value: c.srv.cfg.HashMaxListpackValue}
}

// hashForWrite is key's hash for a write, created empty if missing
// (hashTypeLookupWriteOrCreate); a key of another type answers WRONGTYPE.
func (c *Client) hashForWrite(key []byte) (*keyspace.Entry, bool) {
	e, ok := c.lookupWriteType(key, keyspace.TypeHash)
	switch {
	case !ok:
		return nil, false
	case e == nil:
		e = c.stamp(keyspace.NewHash(hashval.New()))
		c.addKey(key, e)
	default:
		c.database().BeforeChange(e)
	}
	return e, true
}

// setFields is HSET's and HMSET's work: the pairs set, converting first if
// any is too long for a listpack (hashTypeTryConversion); it returns how
// many fields are new.
func (c *Client) setFields(e *keyspace.Entry, pairs [][]byte) int {
	h, lim := e.Hash(), c.hashLimits()
	created := 0
	for i := 0; i < len(pairs); i += 2 {
		if h.Set(pairs[i], pairs[i+1], lim) {
			created++
		}
	}
	return created
}

// hsetCommand: HSET/HMSET key field value [field value ...].
func hsetCommand(c *Client, args [][]byte, replyCreated bool) {
	if len(args)%2 == 1 {
		c.Error(wrongArity(c.cmd.FullName))
		return
	}
	e, ok := c.hashForWrite(args[1])
	if !ok {
		return
	}
	created := c.setFields(e, args[2:])
	c.notify(notifyHash, "hset", args[1])
	c.changed(args[1], args...)
	if replyCreated {
		c.Int(int64(created))
	} else {
		c.OK()
	}
}

func cmdHset(c *Client, args [][]byte)  { hsetCommand(c, args, true) }
func cmdHmset(c *Client, args [][]byte) { hsetCommand(c, args, false) }

// cmdHsetnx: HSETNX key field value.
func cmdHsetnx(c *Client, args [][]byte) {
	e, ok := c.hashForWrite(args[1])
	if !ok {
		return
	}
	if e.Hash().Exists(args[2]) {
		c.Int(0)
		return
	}
	c.setFields(e, args[2:4])
	c.notify(notifyHash, "hset", args[1])
	c.changed(args[1], args...)
	c.Int(1)
}

// cmdHget: HGET key field.
func cmdHget(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeHash)
	if !ok {
		return
	}
	var buf [24]byte
	if e != nil {
		if v, found := e.Hash().Get(args[2], buf[:0]); found {
			c.Bulk(v)
			return
		}
	}
	c.Null()
}

// cmdHmget: HMGET key field [field ...].
func cmdHmget(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeHash)
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	var buf [24]byte
	for _, name := range args[2:] {
		if e != nil {
			if v, found := e.Hash().Get(name, buf[:0]); found {
				c.Bulk(v)
				continue
			}
		}
		c.Null()
	}
}

// cmdHdel: HDEL key field [field ...].
func cmdHdel(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeHash)
	switch {
	case !ok:
		return
	case e == nil:
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	h := e.Hash()
	deleted := 0
	for _, name := range args[2:] {
		if h.Delete(name) {
			deleted++
			if h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.notify(notifyHash, "hdel", args[1])
		c.deleteIfEmpty(args[1], h.Len() == 0)
		c.changed(args[1], args...)
	}
	c.Int(int64(deleted))
}

// cmdHlen: HLEN key.
func cmdHlen(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeHash, func(e *keyspace.Entry) int64 { return int64(e.Hash().Len()) })
}

// cmdHstrlen: HSTRLEN key field.
func cmdHstrlen(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeHash, func(e *keyspace.Entry) int64 { return int64(e.Hash().ValueLen(args[2])) })
}

// cmdHexists: HEXISTS key field.
func cmdHexists(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeHash, func(e *keyspace.Entry) int64 { return int64(boolInt(e.Hash().Exists(args[2]))) })
}

// Which parts of each field HKEYS, HVALS and HGETALL reply.
const (
	hashKeys = 1 << iota
	hashValues
)

// hashGetAll: HKEYS, HVALS, HGETALL (genericHgetallCommand): a map in
// RESP3 for both parts.
func hashGetAll(c *Client, args [][]byte, parts int) {
	e, ok := c.lookupType(args[1], keyspace.TypeHash)
	if !ok {
		return
	}
	n := 0
	if e != nil {
		n = e.Hash().Len()
	}
	if parts == hashKeys|hashValues {
		c.Map(n)
	} else {
		c.Array(n)
	}
	if e == nil {
		return
	}
	e.Hash().Each(func(name, value []byte) {
		if parts&hashKeys != 0 {
			c.Bulk(name)
		}
		if parts&hashValues != 0 {
			c.Bulk(value)
		}
	})
}

func cmdHkeys(c *Client, args [][]byte)   { hashGetAll(c, args, hashKeys) }
func cmdHvals(c *Client, args [][]byte)   { hashGetAll(c, args, hashValues) }
func cmdHgetall(c *Client, args [][]byte) { hashGetAll(c, args, hashKeys|hashValues) }

// cmdHincrby: HINCRBY key field increment.
func cmdHincrby(c *Client, args [][]byte) {
	incr, ok := c.intArg(args[3])
	if !ok {
		return
	}
	e, ok := c.hashForWrite(args[1])
	if !ok {
		return
	}
	h := e.Hash()
	var buf [24]byte
	value := int64(0)
	if v, found := h.Get(args[2], buf[:0]); found {
		if value, ok = parseInt64(v); !ok {
			c.Error(errHashNotInteger)
			return
		}
	}
	if (incr < 0 && value < 0 && incr < math.MinInt64-value) || (incr > 0 && value > 0 && incr > math.MaxInt64-value) {
		c.Error(errOverflow)
		return
	}
	value += incr
	h.Set(args[2], strconv.AppendInt(buf[:0], value, 10), c.hashLimits())
	c.notify(notifyHash, "hincrby", args[1])
	c.changed(args[1], args...)
	c.Int(value)
}

// cmdHincrbyfloat: HINCRBYFLOAT key field increment — propagated as the
// HSET of the value it produced, so replicas and the AOF don't redo the
// float arithmetic.
func cmdHincrbyfloat(c *Client, args [][]byte) {
	incr, ok := redisconv.ParseLongDouble(args[3])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	if incr.IsInf() {
		c.Error(errNaNOrInfinity)
		return
	}
	e, ok := c.hashForWrite(args[1])
	if !ok {
		return
	}
	h := e.Hash()
	var buf [24]byte
	sum := incr
	if v, found := h.Get(args[2], buf[:0]); found {
		value, isFloat := redisconv.ParseLongDouble(v)
		if !isFloat {
			c.Error(errHashNotFloat)
			return
		}
		if sum, ok = redisconv.AddLongDoubles(value, incr); !ok {
			c.Error(errIncrFloatNaN)
			return
		}
	}
	result := redisconv.FormatLongDouble(sum)
	h.Set(args[2], result, c.hashLimits())
	c.notify(notifyHash, "hincrbyfloat", args[1])
	c.changed(args[1], hashArgs.hset, args[1], args[2], result)
	c.Bulk(result)
}

// hashArgs are the command names hashes propagate in.
var hashArgs = struct{ hset []byte }{[]byte("HSET")}

// cmdHrandfield: HRANDFIELD key [count [WITHVALUES]].
func cmdHrandfield(c *Client, args [][]byte) {
	if len(args) == 2 {
		e, ok := c.lookupType(args[1], keyspace.TypeHash)
		switch {
		case !ok:
		case e == nil:
			c.Null()
		default:
			e.Hash().Random(c.srv.rand, func(name, _ []byte) { c.Bulk(name) })
		}
		return
	}
	count, withValues, ok := c.randomCountArgs(args, "withvalues")
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeHash)
	switch {
	case !ok:
	case e == nil || count == 0:
		c.Array(0)
	default:
		c.randomFields(e.Hash(), count, withValues)
	}
}

// randomFields replies HRANDFIELD's count fields (hrandfieldWithCountCommand):
// a negative count asks for -count picks that may repeat, a positive one
// for distinct fields, all of them if count reaches the size. With values,
// RESP2 flattens the pairs, RESP3 nests them.
func (c *Client) randomFields(h *hashval.Hash, count int64, withValues bool) {
	reply := func(name, value []byte) {
		if withValues && c.resp == 3 {
			c.Array(2)
		}
		c.Bulk(name)
		if withValues {
			c.Bulk(value)
		}
	}
	header := func(n int) {
		if withValues && c.resp != 3 {
			n *= 2
		}
		c.Array(n)
	}
	rng := c.srv.rand
	size := int64(h.Len())
	if count < 0 || count == 1 {
		n := max(count, -count)
		header(int(n))
		for range n {
			h.Random(rng, reply)
		}
		return
	}
	if count >= size {
		header(int(size))
		h.Each(reply)
		return
	}
	header(int(count))
	h.Sample(rng, int(count), reply)
}

// cmdHscan: HSCAN key cursor [MATCH pattern] [COUNT count] — the cursor
// is checked first, then the key; a missing key ignores the options.
func cmdHscan(c *Client, args [][]byte) {
	c.collectionScan(args, keyspace.TypeHash, func(e *keyspace.Entry, cursor uint64, opts scanOpts) {
		h := e.Hash()
		c.scanElements(cursor, opts, func(cursor uint64, emit func(...[]byte)) uint64 {
			return h.Scan(cursor, func(name, value []byte) { emit(name, value) })
		})
	})
}
