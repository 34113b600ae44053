package main

import (
	"respd/internal/keyspace"
	"respd/internal/zsetval"
)

// Sorted sets (t_zset.c): a listpack while small, a skiplist past the
// limits (internal/zsetval).

func zsetOf(e *keyspace.Entry) *zsetval.ZSet { return e.Obj.(*zsetval.ZSet) }

// zsetLimits are zset-max-listpack-entries and zset-max-listpack-value.
func (c *Client) zsetLimits() zsetval.Limits {
	return zsetval.Limits{Entries: c.srv.cfg.ZsetMaxListpackEntries, Value: c.srv.cfg.ZsetMaxListpackValue}
}

// zsetForWrite is key's sorted set for a write, created empty if missing
// for a first member of firstLen bytes (zaddGenericCommand's creation: a
// skiplist if that member can't be in a listpack); a key of another type
// answers WRONGTYPE.
func (c *Client) zsetForWrite(key []byte, firstLen int) (*keyspace.Entry, bool) {
	e, ok := c.lookupWriteType(key, keyspace.TypeZSet)
	switch {
	case !ok:
		return nil, false
	case e == nil:
		z := zsetval.New(1, firstLen, c.zsetLimits())
		e = &keyspace.Entry{Type: keyspace.TypeZSet, Obj: z, Access: c.lruClock()}
		c.database().Set(string(key), e, false)
	default:
		c.database().BeforeChange(e)
	}
	return e, true
}

// zaddFlags parses ZADD's options from args[2], returning them and where
// the score, member pairs begin (zaddGenericCommand).
func zaddFlags(args [][]byte) (flags zsetval.Flags, ch bool, at int) {
	for at = 2; at < len(args); at++ {
		switch opt := cString(args[at]); {
		case asciiEqualFold(opt, "nx"):
			flags |= zsetval.NX
		case asciiEqualFold(opt, "xx"):
			flags |= zsetval.XX
		case asciiEqualFold(opt, "gt"):
			flags |= zsetval.GT
		case asciiEqualFold(opt, "lt"):
			flags |= zsetval.LT
		case asciiEqualFold(opt, "ch"):
			ch = true
		case asciiEqualFold(opt, "incr"):
			flags |= zsetval.Incr
		default:
			return flags, ch, at
		}
	}
	return flags, ch, at
}

// cmdZadd: ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...].
func cmdZadd(c *Client, args [][]byte) {
	flags, ch, at := zaddFlags(args)
	zaddCommand(c, args, flags, ch, at)
}

// cmdZincrby: ZINCRBY key increment member.
func cmdZincrby(c *Client, args [][]byte) { zaddCommand(c, args, zsetval.Incr, false, 2) }

// zaddCommand is zaddGenericCommand: the pairs from args[at] added with
// flags, replying how many were added (with CH, added or changed), or
// with INCR the member's new score (null when an option prevented it).
// It propagates as it came.
func zaddCommand(c *Client, args [][]byte, flags zsetval.Flags, ch bool, at int) {
	pairs := args[at:]
	incr := flags&zsetval.Incr != 0
	switch {
	case len(pairs) == 0 || len(pairs)%2 != 0:
		c.Error(errSyntax)
		return
	case incr && len(pairs) > 2:
		c.Error(errZaddIncrPairs)
		return
	case flags&zsetval.NX != 0 && flags&zsetval.XX != 0:
		c.Error(errZaddNXXX)
		return
	case flags&zsetval.NX != 0 && flags&(zsetval.GT|zsetval.LT) != 0, flags&zsetval.GT != 0 && flags&zsetval.LT != 0:
		c.Error(errZaddGTLTNX)
		return
	}
	for i := 0; i < len(pairs); i += 2 {
		if _, ok := zsetval.ParseScore(pairs[i]); !ok {
			c.Error(errNotFloat)
			return
		}
	}
	var e *keyspace.Entry
	if flags&zsetval.XX != 0 {
		var ok bool
		if e, ok = c.lookupWriteType(args[1], keyspace.TypeZSet); !ok {
			return
		}
		if e != nil {
			c.database().BeforeChange(e)
		}
	} else if e, _ = c.zsetForWrite(args[1], len(pairs[1])); e == nil {
		return
	}
	added, updated, processed, score := 0, 0, 0, 0.0
	var failed bool
	if e != nil {
		z, lim := zsetOf(e), c.zsetLimits()
		for i := 0; i < len(pairs); i += 2 {
			s, _ := zsetval.ParseScore(pairs[i])
			result, newScore := z.Add(pairs[i+1], s, flags, lim)
			if result&zsetval.NaNScore != 0 {
				failed = true
				break
			}
			if result&zsetval.Added != 0 {
				added++
			}
			if result&zsetval.Updated != 0 {
				updated++
			}
			if result&zsetval.Nop == 0 {
				processed++
			}
			score = newScore
		}
	}
	switch {
	case failed:
		c.Error(errZsetNaN)
	case incr && processed > 0:
		c.Double(score)
	case incr:
		c.Null()
	case ch:
		c.Int(int64(added + updated))
	default:
		c.Int(int64(added))
	}
	if added+updated > 0 {
		event := "zadd"
		if incr {
			event = "zincr"
		}
		c.notify(notifyZset, event, args[1])
		c.changed(args[1], args...)
	}
}
