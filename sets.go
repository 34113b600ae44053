package main

import (
	"bytes"
	"math"
	"slices"
	"strings"

	"respd/internal/keyspace"
	"respd/internal/setval"
)

// Sets (t_set.c): an intset while every member is an integer and there
// are few, a table otherwise (internal/setval).

// setArgs are the command names sets propagate in.
var setArgs = struct{ srem, del []byte }{[]byte("SREM"), []byte("DEL")}

// maxIntset is set-max-intset-entries.
func (c *Client) maxIntset() int64 { return c.srv.cfg.SetMaxIntsetEntries }

// cmdSadd: SADD key member [member ...].
func cmdSadd(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
		return
	case e == nil:
		e = c.stamp(keyspace.NewSet(setval.New(args[2])))
		c.addKey(args[1], e)
	default:
		c.database().BeforeChange(e)
	}
	s, added := e.Set(), 0
	for _, m := range args[2:] {
		if s.Add(m, c.maxIntset()) {
			added++
		}
	}
	if added > 0 {
		c.notify(notifySet, "sadd", args[1])
		c.changed(args[1], args...)
	}
	c.Int(int64(added))
}

// setRemoved deletes key if its set is now empty, reporting it.
func (c *Client) setRemoved(key []byte, e *keyspace.Entry) {
	c.deleteIfEmpty(key, e.Set().Len() == 0)
}

// cmdSrem: SREM key member [member ...].
func cmdSrem(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
		return
	case e == nil:
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	s, removed := e.Set(), 0
	for _, m := range args[2:] {
		if s.Remove(m) {
			removed++
			if s.Len() == 0 {
				break
			}
		}
	}
	if removed > 0 {
		c.notify(notifySet, "srem", args[1])
		c.setRemoved(args[1], e)
		c.changed(args[1], args...)
	}
	c.Int(int64(removed))
}

// cmdScard: SCARD key.
func cmdScard(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeSet, func(e *keyspace.Entry) int64 { return int64(e.Set().Len()) })
}

// cmdSismember: SISMEMBER key member.
func cmdSismember(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeSet, func(e *keyspace.Entry) int64 { return int64(boolInt(e.Set().Has(args[2]))) })
}

// cmdSmismember: SMISMEMBER key member [member ...].
func cmdSmismember(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeSet)
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, m := range args[2:] {
		c.Int(int64(boolInt(e != nil && e.Set().Has(m))))
	}
}

// replySet replies a set's members (a set in RESP3).
func (c *Client) replySet(s *setval.Set) {
	c.Set(s.Len())
	s.Each(c.Bulk)
}

// cmdSmembers: SMEMBERS key.
func cmdSmembers(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
	case e == nil:
		c.Set(0)
	default:
		c.replySet(e.Set())
	}
}

// cmdSpop: SPOP key [count] — propagated as SREM of what it took, or DEL
// when it took everything.
func cmdSpop(c *Client, args [][]byte) {
	switch {
	case len(args) == 3:
		spopCount(c, args)
		return
	case len(args) > 3:
		c.Error(errSyntax)
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
		return
	case e == nil:
		c.Null()
		return
	}
	c.database().BeforeChange(e)
	s := e.Set()
	var buf [24]byte
	m := s.Random(c.srv.rand, buf[:0])
	s.Remove(m)
	c.notify(notifySet, "spop", args[1])
	c.setRemoved(args[1], e)
	c.changed(args[1], setArgs.srem, args[1], m)
	c.Bulk(m)
}

// spopCount: SPOP key count (spopWithCountCommand).
func spopCount(c *Client, args [][]byte) {
	count, ok := parseInt64(args[2])
	if !ok || count < 0 {
		c.Error(errMustBePositive)
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
		return
	case e == nil || count == 0:
		c.Set(0)
		return
	}
	c.database().BeforeChange(e)
	s := e.Set()
	c.notify(notifySet, "spop", args[1])
	if count >= int64(s.Len()) {
		c.replySet(s)
		c.deleteIfEmpty(args[1], true)
		c.changed(args[1], setArgs.del, args[1])
		return
	}
	// One SREM of every member taken: atomic for replicas and the AOF, as
	// Redis 7.0 makes its SREM per member by wrapping them in MULTI/EXEC.
	srem := [][]byte{setArgs.srem, args[1]}
	s.Sample(c.srv.rand, int(count), func(m []byte) { srem = append(srem, append([]byte(nil), m...)) })
	c.Set(len(srem) - 2)
	for _, m := range srem[2:] {
		s.Remove(m)
		c.Bulk(m)
	}
	c.changed(args[1], srem...)
}

// cmdSrandmember: SRANDMEMBER key [count].
func cmdSrandmember(c *Client, args [][]byte) {
	switch {
	case len(args) > 3:
		c.Error(errSyntax)
		return
	case len(args) == 2:
		e, ok := c.lookupType(args[1], keyspace.TypeSet)
		switch {
		case !ok:
		case e == nil:
			c.Null()
		default:
			var buf [24]byte
			c.Bulk(e.Set().Random(c.srv.rand, buf[:0]))
		}
		return
	}
	count, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if count == math.MinInt64 {
		c.Error(errOutOfRangeLong)
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeSet)
	switch {
	case !ok:
		return
	case e == nil || count == 0:
		c.Array(0)
		return
	}
	s := e.Set()
	rng := c.srv.rand
	switch {
	case count < 0 || count == 1:
		n := max(count, -count)
		c.Array(int(n))
		var buf [24]byte
		for range n {
			c.Bulk(s.Random(rng, buf[:0]))
		}
	case count >= int64(s.Len()):
		c.Array(s.Len())
		s.Each(c.Bulk)
	default:
		c.Array(int(count))
		s.Sample(rng, int(count), c.Bulk)
	}
}

// cmdSmove: SMOVE source destination member.
func cmdSmove(c *Client, args [][]byte) {
	src, dst, m := args[1], args[2], args[3]
	if c.lookupWrite(src) == nil {
		c.Int(0)
		return
	}
	se, ok := c.lookupWriteType(src, keyspace.TypeSet)
	if !ok {
		return
	}
	de, ok := c.lookupWriteType(dst, keyspace.TypeSet)
	switch {
	case !ok:
		return
	case string(src) == string(dst):
		c.Int(int64(boolInt(se.Set().Has(m))))
		return
	case !se.Set().Has(m):
		c.Int(0)
		return
	}
	c.database().BeforeChange(se)
	se.Set().Remove(m)
	c.notify(notifySet, "srem", src)
	c.setRemoved(src, se)
	if de == nil {
		de = c.stamp(keyspace.NewSet(setval.New(m)))
		c.addKey(dst, de)
	} else {
		c.database().BeforeChange(de)
	}
	if de.Set().Add(m, c.maxIntset()) {
		c.notify(notifySet, "sadd", dst)
	}
	c.touch(src)
	c.touch(dst)
	c.propagate(args...)
	c.Int(1)
}

// inputSets looks up the sets of keys for SINTER and friends, STORE forms
// included (reads for Redis 7.0: keyspace hits or misses, "keymiss"): a
// missing key is a nil set; a key of another type answers WRONGTYPE
// (ok=false), wherever it is among them. missing reports a missing key.
func (c *Client) inputSets(keys [][]byte) (sets []*setval.Set, missing, ok bool) {
	sets = make([]*setval.Set, len(keys))
	for i, key := range keys {
		e, isSet := c.lookupType(key, keyspace.TypeSet)
		switch {
		case !isSet:
			return nil, false, false
		case e == nil:
			missing = true
		default:
			sets[i] = e.Set()
		}
	}
	return sets, missing, true
}

// smallestSet is the first of the smallest sets, which intersect walks.
func smallestSet(sets []*setval.Set) *setval.Set {
	return slices.MinFunc(sets, func(a, b *setval.Set) int { return a.Len() - b.Len() })
}

// intersect calls fn with each member of every set, walking the smallest
// and looking members up in the others smallest first, up to limit
// members (0: no limit).
func intersect(sets []*setval.Set, limit int, fn func(m []byte)) {
	sorted := slices.Clone(sets)
	slices.SortStableFunc(sorted, func(a, b *setval.Set) int { return a.Len() - b.Len() })
	n := 0
	sorted[0].Each(func(m []byte) {
		if limit > 0 && n >= limit {
			return
		}
		for _, other := range sorted[1:] {
			if !other.Has(m) {
				return
			}
		}
		n++
		fn(m)
	})
}

// newResultSet is a STORE command's or a reply's result being built: an
// intset while it can be, as Redis's createIntsetObject.
func newResultSet() *setval.Set { return setval.NewIntset() }

// sinterCommand: SINTER key [key ...] and SINTERSTORE destination key
// [key ...] (dst non-nil).
func sinterCommand(c *Client, keys [][]byte, dst []byte, argv [][]byte) {
	sets, missing, ok := c.inputSets(keys)
	if !ok {
		return
	}
	if dst == nil {
		// The smallest set's members are distinct: no set to build, and
		// a table's members need no copy until the reply (setval.Each).
		var found [][]byte
		if !missing {
			clone := smallestSet(sets).Intset() != nil
			intersect(sets, 0, func(m []byte) {
				if clone {
					m = bytes.Clone(m)
				}
				found = append(found, m)
			})
		}
		c.Set(len(found))
		for _, m := range found {
			c.Bulk(m)
		}
		return
	}
	result := newResultSet()
	if !missing {
		intersect(sets, 0, func(m []byte) { result.Add(m, c.maxIntset()) })
	}
	c.setResult(dst, result, "sinterstore", argv)
}

// setResult replies result, or with dst stores it there (replacing what
// dst held; an empty result deletes dst) and replies its size.
func (c *Client) setResult(dst []byte, result *setval.Set, event string, argv [][]byte) {
	if dst == nil {
		c.replySet(result)
		return
	}
	db := c.database()
	if result.Len() == 0 {
		if c.srv.deleteKey(db, string(dst), c.srv.cfg.LazyfreeServerDel) {
			c.notify(notifyGeneric, "del", dst)
		}
	} else {
		c.setKey(dst, c.stamp(keyspace.NewSet(result)), false)
		c.notify(notifySet, event, dst)
	}
	c.changed(dst, argv...)
	c.Int(int64(result.Len()))
}

func cmdSinter(c *Client, args [][]byte)      { sinterCommand(c, args[1:], nil, args) }
func cmdSinterstore(c *Client, args [][]byte) { sinterCommand(c, args[2:], args[1], args) }

// cmdSintercard: SINTERCARD numkeys key [key ...] [LIMIT limit].
func cmdSintercard(c *Client, args [][]byte) {
	numkeys, ok := parseInt64(args[1])
	switch {
	case !ok || numkeys <= 0:
		c.Error(errNumkeysPositive)
		return
	case numkeys > int64(len(args)-2):
		c.Error(errNumkeysTooMany)
		return
	}
	keys := args[2 : 2+numkeys]
	limit := int64(0)
	for i := 2 + int(numkeys); i < len(args); i += 2 {
		if !strings.EqualFold(string(args[i]), "limit") || i+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		if limit, ok = parseInt64(args[i+1]); !ok || limit < 0 {
			c.Error(errLimitNegative)
			return
		}
	}
	sets, missing, ok := c.inputSets(keys)
	if !ok {
		return
	}
	n := 0
	if !missing {
		intersect(sets, int(min(limit, math.MaxInt32)), func([]byte) { n++ })
	}
	c.Int(int64(n))
}

// Set operations of sunionDiffGenericCommand.
const (
	setUnion = iota
	setDiff
)

// sunionDiffCommand: SUNION, SDIFF and their STORE forms (dst non-nil).
// Missing keys are empty sets.
func sunionDiffCommand(c *Client, keys [][]byte, dst []byte, op int, event string, argv [][]byte) {
	sets, _, ok := c.inputSets(keys)
	if !ok {
		return
	}
	result := newResultSet()
	switch {
	case op == setUnion:
		for _, s := range sets {
			if s != nil {
				s.Each(func(m []byte) { result.Add(m, c.maxIntset()) })
			}
		}
	case sets[0] != nil:
		sets[0].Each(func(m []byte) {
			for _, other := range sets[1:] {
				if other != nil && other.Has(m) {
					return
				}
			}
			result.Add(m, c.maxIntset())
		})
	}
	c.setResult(dst, result, event, argv)
}

func cmdSunion(c *Client, args [][]byte) {
	sunionDiffCommand(c, args[1:], nil, setUnion, "", args)
}
func cmdSunionstore(c *Client, args [][]byte) {
	sunionDiffCommand(c, args[2:], args[1], setUnion, "sunionstore", args)
}
func cmdSdiff(c *Client, args [][]byte) { sunionDiffCommand(c, args[1:], nil, setDiff, "", args) }
func cmdSdiffstore(c *Client, args [][]byte) {
	sunionDiffCommand(c, args[2:], args[1], setDiff, "sdiffstore", args)
}

// cmdSscan: SSCAN key cursor [MATCH pattern] [COUNT count].
func cmdSscan(c *Client, args [][]byte) {
	c.collectionScan(args, keyspace.TypeSet, func(e *keyspace.Entry, cursor uint64, opts scanOpts) {
		s := e.Set()
		c.scanElements(cursor, opts, func(cursor uint64, emit func(...[]byte)) uint64 {
			return s.Scan(cursor, func(m []byte) { emit(m) })
		})
	})
}
