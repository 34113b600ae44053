package main

import (
	"fmt"
	"respd/internal/keyspace"
	"respd/internal/listpack"
	"respd/internal/redisconv"
	"respd/internal/setval"
	"respd/internal/zsetval"
	"slices"
	"strings"
)

// Sorted sets (t_zset.c): a listpack while small, a skiplist past the
// limits (internal/zsetval).

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
		e = c.stamp(keyspace.NewZSet(z))
		c.addKey(key, e)
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
	case flags&zsetval.NX != 0 && flags&zsetval.XX != 0:
		c.Error(errZaddNXXX)
		return
	case flags&zsetval.NX != 0 && flags&(zsetval.GT|zsetval.LT) != 0, flags&zsetval.GT != 0 && flags&zsetval.LT != 0:
		c.Error(errZaddGTLTNX)
		return
	case incr && len(pairs) > 2:
		c.Error(errZaddIncrPairs)
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
		z, lim := e.ZSet(), c.zsetLimits()
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

// zsetRemoved deletes key once its sorted set is empty, reporting it.
func (c *Client) zsetRemoved(key []byte, e *keyspace.Entry) {
	c.deleteIfEmpty(key, e.ZSet().Len() == 0)
}

// cmdZrem: ZREM key member [member ...].
func cmdZrem(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	deleted := 0
	if e != nil {
		c.database().BeforeChange(e)
		z := e.ZSet()
		for _, m := range args[2:] {
			if z.Remove(m) {
				deleted++
			}
		}
		if deleted > 0 {
			c.notify(notifyZset, "zrem", args[1])
			c.zsetRemoved(args[1], e)
			c.changed(args[1], args...)
		}
	}
	c.Int(int64(deleted))
}

// cmdZcard: ZCARD key.
func cmdZcard(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeZSet, func(e *keyspace.Entry) int64 { return int64(e.ZSet().Len()) })
}

// cmdZscore: ZSCORE key member.
func cmdZscore(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	if e == nil {
		c.Null()
		return
	}
	if score, ok := e.ZSet().Score(args[2]); ok {
		c.Double(score)
	} else {
		c.Null()
	}
}

// cmdZmscore: ZMSCORE key member [member ...] — a null for each member
// that is missing, all of them on a missing key.
func cmdZmscore(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, m := range args[2:] {
		score, found := 0.0, false
		if e != nil {
			score, found = e.ZSet().Score(m)
		}
		if found {
			c.Double(score)
		} else {
			c.Null()
		}
	}
}

func cmdZrank(c *Client, args [][]byte)    { zrankCommand(c, args, false) }
func cmdZrevrank(c *Client, args [][]byte) { zrankCommand(c, args, true) }

// zrankCommand: Z[REV]RANK key member.
func zrankCommand(c *Client, args [][]byte, reverse bool) {
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	if e == nil {
		c.Null()
		return
	}
	if rank, _, ok := e.ZSet().Rank(args[2], reverse); ok {
		c.Int(int64(rank))
	} else {
		c.Null()
	}
}

// cmdZcount: ZCOUNT key min max — the range is checked before the key.
func cmdZcount(c *Client, args [][]byte) {
	r, ok := zsetval.ParseScoreRange(args[2], args[3])
	if !ok {
		c.Error(errZsetScoreRange)
		return
	}
	c.intOf(args[1], keyspace.TypeZSet, func(e *keyspace.Entry) int64 { return int64(e.ZSet().CountInScoreRange(r)) })
}

// cmdZlexcount: ZLEXCOUNT key min max — the range is checked before the key.
func cmdZlexcount(c *Client, args [][]byte) {
	r, ok := zsetval.ParseLexRange(args[2], args[3])
	if !ok {
		c.Error(errZsetLexRange)
		return
	}
	c.intOf(args[1], keyspace.TypeZSet, func(e *keyspace.Entry) int64 { return int64(e.ZSet().CountInLexRange(r)) })
}

// ---- ZRANGE and its kin

// rangeKind is what a ZRANGE-like command's min and max are.
type rangeKind int

const (
	rangeAuto rangeKind = iota // ZRANGE, ZRANGESTORE: ranks unless BYSCORE/BYLEX
	rangeRank
	rangeScore
	rangeLex
)

// zrangeRequest is a ZRANGE-like command once parsed (zrangeGenericCommand).
type zrangeRequest struct {
	kind          rangeKind
	reverse       bool
	withScores    bool
	offset, limit int64
	start, stop   int64
	scores        zsetval.ScoreRange
	lex           zsetval.LexRange
}

// parseZrange parses key min max [options] at args[at:] for a command of
// kind (rangeAuto: ZRANGE's BYSCORE/BYLEX choose), reversed already or
// (revAllowed) by REV; store refuses WITHSCORES. Errors in Redis's order:
// options, their conflicts, then the range.
func (c *Client) parseZrange(args [][]byte, at int, kind rangeKind, reverse, revAllowed, store bool) (r zrangeRequest, ok bool) {
	r.kind, r.reverse, r.limit = kind, reverse, -1
	for j := at + 3; j < len(args); j++ {
		left := len(args) - j - 1
		switch opt := args[j]; {
		case !store && asciiEqualFold(opt, "withscores"):
			r.withScores = true
		case asciiEqualFold(opt, "limit") && left >= 2:
			if r.offset, ok = c.intArg(args[j+1]); !ok {
				return r, false
			}
			if r.limit, ok = c.intArg(args[j+2]); !ok {
				return r, false
			}
			j += 2
		case revAllowed && !r.reverse && asciiEqualFold(opt, "rev"):
			r.reverse = true
		case kind == rangeAuto && r.kind == rangeAuto && asciiEqualFold(opt, "bylex"):
			r.kind = rangeLex
		case kind == rangeAuto && r.kind == rangeAuto && asciiEqualFold(opt, "byscore"):
			r.kind = rangeScore
		default:
			c.Error(errSyntax)
			return r, false
		}
	}
	if r.kind == rangeAuto {
		r.kind = rangeRank
	}
	switch {
	case r.limit != -1 && r.kind == rangeRank:
		c.Error(errZrangeLimit)
		return r, false
	case r.withScores && r.kind == rangeLex:
		c.Error(errZrangeLexScores)
		return r, false
	}
	min, max := args[at+1], args[at+2]
	if r.reverse && r.kind != rangeRank {
		min, max = max, min // given as max min
	}
	switch r.kind {
	case rangeRank:
		if r.start, ok = c.intArg(min); !ok {
			return r, false
		}
		if r.stop, ok = c.intArg(max); !ok {
			return r, false
		}
	case rangeScore:
		if r.scores, ok = zsetval.ParseScoreRange(min, max); !ok {
			c.Error(errZsetScoreRange)
			return r, false
		}
	case rangeLex:
		if r.lex, ok = zsetval.ParseLexRange(min, max); !ok {
			c.Error(errZsetLexRange)
			return r, false
		}
	}
	return r, true
}

// count is how many members of z the request covers.
func (r *zrangeRequest) count(z *zsetval.ZSet) int {
	if r.kind == rangeRank {
		first, last, ok := zsetval.ClampRanks(r.start, r.stop, z.Len())
		if !ok {
			return 0
		}
		return last - first + 1
	}
	if r.offset < 0 {
		return 0
	}
	var n int64
	if r.kind == rangeScore {
		n = int64(z.CountInScoreRange(r.scores))
	} else {
		n = int64(z.CountInLexRange(r.lex))
	}
	n = max(n-r.offset, 0)
	if r.limit >= 0 {
		n = min(n, r.limit)
	}
	return int(n)
}

// each calls fn with the members the request covers, in its order.
func (r *zrangeRequest) each(z *zsetval.ZSet, fn func(member []byte, score float64) bool) {
	switch r.kind {
	case rangeRank:
		z.RangeByRank(r.start, r.stop, r.reverse, fn)
	case rangeScore:
		z.RangeByScore(r.scores, r.reverse, r.offset, r.limit, fn)
	case rangeLex:
		z.RangeByLex(r.lex, r.reverse, r.offset, r.limit, fn)
	}
}

// replyMembers replies n members from each, with their scores if asked:
// RESP2 flattens the pairs, RESP3 nests them.
func (c *Client) replyMembers(n int, withScores bool, each func(fn func(member []byte, score float64) bool)) {
	if withScores && c.resp != 3 {
		c.Array(2 * n)
	} else {
		c.Array(n)
	}
	each(func(member []byte, score float64) bool {
		if withScores && c.resp == 3 {
			c.Array(2)
		}
		c.Bulk(member)
		if withScores {
			c.Double(score)
		}
		return true
	})
}

// zrangeCommand replies the range of key the request at args[1:] asks for.
func zrangeCommand(c *Client, args [][]byte, kind rangeKind, reverse, revAllowed bool) {
	r, ok := c.parseZrange(args, 1, kind, reverse, revAllowed, false)
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	switch {
	case !ok:
	case e == nil:
		c.Array(0)
	default:
		z := e.ZSet()
		c.replyMembers(r.count(z), r.withScores, func(fn func([]byte, float64) bool) { r.each(z, fn) })
	}
}

func cmdZrange(c *Client, args [][]byte)      { zrangeCommand(c, args, rangeAuto, false, true) }
func cmdZrevrange(c *Client, args [][]byte)   { zrangeCommand(c, args, rangeRank, true, false) }
func cmdZrangebylex(c *Client, args [][]byte) { zrangeCommand(c, args, rangeLex, false, false) }
func cmdZrevrangebylex(c *Client, args [][]byte) {
	zrangeCommand(c, args, rangeLex, true, false)
}
func cmdZrangebyscore(c *Client, args [][]byte) { zrangeCommand(c, args, rangeScore, false, false) }
func cmdZrevrangebyscore(c *Client, args [][]byte) {
	zrangeCommand(c, args, rangeScore, true, false)
}

// cmdZrangestore: ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV]
// [LIMIT offset count] — the range stored in a new sorted set.
func cmdZrangestore(c *Client, args [][]byte) {
	r, ok := c.parseZrange(args, 2, rangeAuto, false, true, true)
	if !ok {
		return
	}
	e, ok := c.lookupType(args[2], keyspace.TypeZSet)
	if !ok {
		return
	}
	// As zrangeResultBeginStore: a rank range's length is known, and one
	// longer than zset-max-listpack-entries is a skiplist from the start
	// (so a -0 score stays -0, where a listpack stores 0); the others start
	// as a listpack.
	size := 0
	if e != nil && r.kind == rangeRank {
		if first, last, ok := zsetval.ClampRanks(r.start, r.stop, e.ZSet().Len()); ok {
			size = last - first + 1
		}
	}
	lim := c.zsetLimits()
	result := zsetval.New(size, 0, lim)
	if e != nil {
		r.each(e.ZSet(), func(member []byte, score float64) bool {
			result.Add(member, score, 0, lim)
			return true
		})
	}
	c.zsetResult(args[1], result, "zrangestore", args)
}

// zsetResult stores result at dst, replacing what dst held, or when it is
// empty deletes dst; it replies the size, and propagates argv if it
// changed anything (ZRANGESTORE, ZUNIONSTORE... and GEO's STORE).
func (c *Client) zsetResult(dst []byte, result *zsetval.ZSet, event string, argv [][]byte) {
	db := c.database()
	switch {
	case result.Len() > 0:
		c.setKey(dst, c.stamp(keyspace.NewZSet(result)), false)
		c.notify(notifyZset, event, dst)
	case c.srv.deleteKey(db, string(dst), c.srv.cfg.LazyfreeServerDel):
		c.notify(notifyGeneric, "del", dst)
	default:
		c.Int(0)
		return
	}
	c.changed(dst, argv...)
	c.Int(int64(result.Len()))
}

// ---- ZREMRANGEBY*

func cmdZremrangebyrank(c *Client, args [][]byte)  { zremrangeCommand(c, args, rangeRank) }
func cmdZremrangebyscore(c *Client, args [][]byte) { zremrangeCommand(c, args, rangeScore) }
func cmdZremrangebylex(c *Client, args [][]byte)   { zremrangeCommand(c, args, rangeLex) }

// zremrangeCommand is zremrangeGenericCommand: ZREMRANGEBY{RANK,SCORE,LEX}
// key min max, the range checked before the key.
func zremrangeCommand(c *Client, args [][]byte, kind rangeKind) {
	r, ok := c.parseZrange(args[:4], 1, kind, false, false, true)
	if !ok {
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	deleted := 0
	if e != nil && r.count(e.ZSet()) > 0 {
		c.database().BeforeChange(e)
		z := e.ZSet()
		switch kind {
		case rangeRank:
			deleted = z.DeleteRangeByRank(r.start, r.stop)
		case rangeScore:
			deleted = z.DeleteRangeByScore(r.scores)
		case rangeLex:
			deleted = z.DeleteRangeByLex(r.lex)
		}
		c.notify(notifyZset, zremrangeEvents[kind], args[1])
		c.zsetRemoved(args[1], e)
		c.changed(args[1], args...)
	}
	c.Int(int64(deleted))
}

var zremrangeEvents = [...]string{rangeRank: "zremrangebyrank", rangeScore: "zremrangebyscore", rangeLex: "zremrangebylex"}

// ---- Pops

// The ends a pop takes from.
const (
	zsetMin = iota
	zsetMax
)

var (
	zpopWords  = [...][]byte{zsetMin: []byte("ZPOPMIN"), zsetMax: []byte("ZPOPMAX")}
	zpopEvents = [...]string{zsetMin: "zpopmin", zsetMax: "zpopmax"}
)

// zsetEnd parses ZMPOP's MIN|MAX.
func (c *Client) zsetEnd(arg []byte) (int, bool) {
	switch {
	case asciiEqualFold(cString(arg), "min"):
		return zsetMin, true
	case asciiEqualFold(cString(arg), "max"):
		return zsetMax, true
	}
	c.Error(errSyntax)
	return 0, false
}

// zsetPop is genericZpopCommand on key's sorted set e: count members (-1:
// one, without COUNT) popped from where and replied in the command's shape
// — with the key first (emitKey), the pairs as arrays (nested) — and
// propagated as argv.
func (c *Client) zsetPop(key []byte, e *keyspace.Entry, where int, count int64, emitKey, nested bool, argv ...[]byte) {
	z := e.ZSet()
	n := int(min(max(count, 1), int64(z.Len())))
	switch {
	case emitKey && nested:
		c.Array(2)
		c.Bulk(key)
		c.Array(n)
	case emitKey:
		c.Array(2*n + 1)
		c.Bulk(key)
	case nested:
		c.Array(n)
	default:
		c.Array(2 * n)
	}
	c.database().BeforeChange(e)
	reply := func(member []byte, score float64) {
		if nested {
			c.Array(2)
		}
		c.Bulk(member)
		c.Double(score)
	}
	if where == zsetMin {
		z.PopMin(int64(n), reply)
	} else {
		z.PopMax(int64(n), reply)
	}
	c.notify(notifyZset, zpopEvents[where], key)
	c.zsetRemoved(key, e)
	c.changed(key, argv...)
}

func cmdZpopmin(c *Client, args [][]byte) { zpopCommand(c, args, zsetMin) }
func cmdZpopmax(c *Client, args [][]byte) { zpopCommand(c, args, zsetMax) }

// zpopCommand: ZPOPMIN|ZPOPMAX key [count] — pairs flat, or in RESP3 with
// a count nested.
func zpopCommand(c *Client, args [][]byte, where int) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	count := int64(-1)
	if len(args) == 3 {
		var ok bool
		if count, ok = c.positiveArg(args[2], errMustBePositive); !ok {
			return
		}
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeZSet)
	switch {
	case !ok:
	case e == nil || count == 0:
		c.Array(0)
	default:
		c.zsetPop(args[1], e, where, count, false, c.resp == 3 && count != -1, args...)
	}
}

// zsetMpop pops from the first sorted set of keys, replying the key and
// the pairs and propagating ZPOPMIN|ZPOPMAX key count; it reports whether
// it found one. A key of another type answers WRONGTYPE (ok=false).
func (c *Client) zsetMpop(keys [][]byte, where int, count int64) (served, ok bool) {
	for _, key := range keys {
		e, ok := c.lookupWriteType(key, keyspace.TypeZSet)
		if !ok {
			return false, false
		}
		if e != nil {
			c.zsetPop(key, e, where, count, true, true, zpopWords[where], key, itoa(count))
			return true, true
		}
	}
	return false, true
}

// cmdZmpop: ZMPOP numkeys key [key ...] MIN|MAX [COUNT count].
func cmdZmpop(c *Client, args [][]byte) {
	keys, where, count, ok := c.mpopArgs(args, 1, c.zsetEnd)
	if !ok {
		return
	}
	if served, ok := c.zsetMpop(keys, where, count); ok && !served {
		c.NullArray()
	}
}

func cmdBzpopmin(c *Client, args [][]byte) { bzpopCommand(c, args, zsetMin) }
func cmdBzpopmax(c *Client, args [][]byte) { bzpopCommand(c, args, zsetMax) }

// bzpopCommand: BZPOPMIN|BZPOPMAX key [key ...] timeout — the first sorted
// set's member with its key and score, propagated as ZPOPMIN|ZPOPMAX key.
func bzpopCommand(c *Client, args [][]byte, where int) {
	timeout, ok := c.parseTimeout(args[len(args)-1])
	if !ok {
		return
	}
	keys := args[1 : len(args)-1]
	for _, key := range c.servedKeys(keys) {
		e, ok := c.lookupWriteType(key, keyspace.TypeZSet)
		if !ok {
			return
		}
		if e != nil {
			c.zsetPop(key, e, where, -1, true, false, zpopWords[where], key)
			return
		}
	}
	c.blockOrNull(keys, keyspace.TypeZSet, timeout, args, c.NullArray)
}

// cmdBzmpop: BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] —
// its arguments are checked before its timeout, as in Redis.
func cmdBzmpop(c *Client, args [][]byte) {
	keys, where, count, ok := c.mpopArgs(args, 2, c.zsetEnd)
	if !ok {
		return
	}
	timeout, ok := c.parseTimeout(args[1])
	if !ok {
		return
	}
	if served, ok := c.zsetMpop(c.servedKeys(keys), where, count); ok && !served {
		c.blockOrNull(keys, keyspace.TypeZSet, timeout, args, c.NullArray)
	}
}

// ---- ZRANDMEMBER, ZSCAN

// cmdZrandmember: ZRANDMEMBER key [count [WITHSCORES]].
func cmdZrandmember(c *Client, args [][]byte) {
	if len(args) == 2 {
		e, ok := c.lookupType(args[1], keyspace.TypeZSet)
		switch {
		case !ok:
		case e == nil:
			c.Null()
		default:
			z := e.ZSet()
			member, _ := z.At(c.srv.rand.IntN(z.Len()), nil)
			c.Bulk(member)
		}
		return
	}
	count, withScores, ok := c.randomCountArgs(args, "withscores")
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	switch {
	case !ok:
	case e == nil || count == 0:
		c.Array(0)
	default:
		c.randomMembers(e.ZSet(), count, withScores)
	}
}

// randomMembers replies ZRANDMEMBER's count members
// (zrandmemberWithCountCommand): a negative count asks for -count picks
// that may repeat, a positive one for distinct members, all of them in
// order if count reaches the size.
func (c *Client) randomMembers(z *zsetval.ZSet, count int64, withScores bool) {
	size := int64(z.Len())
	n := max(count, -count) // picks that may repeat
	if count > 1 {
		n = min(n, size) // distinct members
	}
	c.replyMembers(int(n), withScores, func(fn func([]byte, float64) bool) {
		rng := c.srv.rand
		switch {
		case count < 0 || count == 1:
			var buf []byte
			for range n {
				buf = buf[:0]
				member, score := z.At(rng.IntN(int(size)), buf)
				fn(member, score)
			}
		case count >= size:
			z.RangeByRank(0, -1, true, fn) // zuiNext's order: from the tail
		default:
			// Floyd's sampling: count distinct ranks in O(count).
			picked := make(map[int]bool, count)
			var buf []byte
			for j := size - count; j < size; j++ {
				rank := rng.IntN(int(j) + 1)
				if picked[rank] {
					rank = int(j)
				}
				picked[rank] = true
				buf = buf[:0]
				member, score := z.At(rank, buf)
				fn(member, score)
			}
		}
	})
}

// cmdZscan: ZSCAN key cursor [MATCH pattern] [COUNT count] — the cursor is
// checked first, then the key; a missing key ignores the options. Scores
// come as Redis formats them.
func cmdZscan(c *Client, args [][]byte) {
	c.collectionScan(args, keyspace.TypeZSet, func(e *keyspace.Entry, cursor uint64, opts scanOpts) {
		z := e.ZSet()
		var buf, member []byte
		if lp := z.Listpack(); lp != nil {
			// The scores as the listpack holds them, which is not always %.17g.
			c.scanElements(0, opts, func(_ uint64, emit func(...[]byte)) uint64 {
				for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, listpack.Next(lp, p)) {
					member = listpack.Get(lp, p).Append(member[:0])
					buf = listpack.Get(lp, listpack.Next(lp, p)).Append(buf[:0])
					emit(member, buf)
				}
				return 0
			})
			return
		}
		c.scanElements(cursor, opts, func(cursor uint64, emit func(...[]byte)) uint64 {
			return z.Scan(cursor, func(member []byte, score float64) {
				buf = redisconv.AppendDouble(buf[:0], score)
				emit(member, buf)
			})
		})
	})
}

// ---- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD

// The set operations.
const (
	zsetUnion = iota
	zsetInter
	zsetDiff
)

var zsetStoreEvents = [...]string{zsetUnion: "zunionstore", zsetInter: "zinterstore", zsetDiff: "zdiffstore"}

// zsetSource is an input of a set operation: a sorted set, a set (every
// member scoring 1) or nothing (a missing key), with its weight.
type zsetSource struct {
	zset   *zsetval.ZSet
	set    *setval.Set
	weight float64
}

func (s *zsetSource) len() int {
	switch {
	case s.zset != nil:
		return s.zset.Len()
	case s.set != nil:
		return s.set.Len()
	}
	return 0
}

// each calls fn with every member and score, in zuiNext's order: a sorted
// set from its highest score, a set in its own.
func (s *zsetSource) each(fn func(member []byte, score float64)) {
	switch {
	case s.zset != nil:
		s.zset.RangeByRank(0, -1, true, func(m []byte, score float64) bool { fn(m, score); return true })
	case s.set != nil:
		s.set.Each(func(m []byte) { fn(m, 1) })
	}
}

// score is member's score in s, if s holds it.
func (s *zsetSource) score(member []byte) (float64, bool) {
	switch {
	case s.zset != nil:
		return s.zset.Score(member)
	case s.set != nil:
		return 1, s.set.Has(member)
	}
	return 0, false
}

// aggregate is zunionInterAggregate: SUM (a NaN sum, inf-inf, is 0), MIN
// or MAX of target and val.
func aggregate(target, val float64, how string) float64 {
	switch how {
	case "min":
		return min2(target, val)
	case "max":
		return max2(target, val)
	}
	if sum := target + val; sum == sum {
		return sum
	}
	return 0
}

// min2 and max2 are C's `val < target ? val : target`: a NaN never wins.
func min2(target, val float64) float64 {
	if val < target {
		return val
	}
	return target
}

func max2(target, val float64) float64 {
	if val > target {
		return val
	}
	return target
}

// zsetOperation is zunionInterDiffGenericCommand: numkeys at args[at],
// then the keys and the options; dst names a STORE destination, and
// cardinality is ZINTERCARD.
func zsetOperation(c *Client, args [][]byte, at int, op int, dst []byte, cardinality bool) {
	numkeys, ok := c.intArg(args[at])
	switch {
	case !ok:
		return
	case numkeys < 1:
		c.Error(fmt.Sprintf(errZsetNoKeys, strings.ToLower(string(args[0]))))
		return
	case numkeys > int64(len(args)-at-1):
		c.Error(errSyntax)
		return
	}
	keys := args[at+1 : at+1+int(numkeys)]
	srcs := make([]zsetSource, len(keys))
	for i, key := range keys {
		srcs[i].weight = 1
		e := c.lookup(key)
		switch {
		case e == nil:
		case e.Type == keyspace.TypeZSet:
			srcs[i].zset = e.ZSet()
		case e.Type == keyspace.TypeSet:
			srcs[i].set = e.Set()
		default:
			c.Error(errWrongType)
			return
		}
	}
	how, withScores, limit := "sum", false, int64(0)
	for j := at + 1 + len(keys); j < len(args); j++ {
		left := len(args) - j - 1
		switch opt := args[j]; {
		case op != zsetDiff && !cardinality && left >= len(keys) && asciiEqualFold(opt, "weights"):
			for i := range srcs {
				j++
				w, ok := zsetval.ParseScore(args[j])
				if !ok {
					c.Error(errWeightNotFloat)
					return
				}
				srcs[i].weight = w
			}
		case op != zsetDiff && !cardinality && left >= 1 && asciiEqualFold(opt, "aggregate"):
			j++
			switch a := strings.ToLower(string(args[j])); a {
			case "sum", "min", "max":
				how = a
			default:
				c.Error(errSyntax)
				return
			}
		case dst == nil && !cardinality && asciiEqualFold(opt, "withscores"):
			withScores = true
		case cardinality && left >= 1 && asciiEqualFold(opt, "limit"):
			j++
			if limit, ok = c.positiveArg(args[j], errLimitNegative); !ok {
				return
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	if op != zsetDiff {
		slices.SortStableFunc(srcs, func(a, b zsetSource) int { return a.len() - b.len() })
	}
	if cardinality {
		c.Int(int64(zsetInterCard(srcs, limit)))
		return
	}
	result := zsetCombine(srcs, op, how)
	if dst != nil {
		result.ConvertToListpackIfFits(c.zsetLimits())
		c.zsetResult(dst, result, zsetStoreEvents[op], args)
		return
	}
	c.replyMembers(result.Len(), withScores, func(fn func([]byte, float64) bool) {
		result.RangeByRank(0, -1, false, fn)
	})
}

// zsetInterCard counts the members in every source, up to limit (0: no
// limit).
func zsetInterCard(srcs []zsetSource, limit int64) int64 {
	var n int64
	srcs[0].each(func(member []byte, _ float64) {
		if limit > 0 && n >= limit {
			return
		}
		for i := 1; i < len(srcs); i++ {
			if _, ok := srcs[i].score(member); !ok {
				return
			}
		}
		n++
	})
	return n
}

// zsetCombine is the operation's result, a skiplist as Redis builds it:
// union and intersection weigh and aggregate the scores (a NaN weighed
// score is 0), difference keeps the first source's.
func zsetCombine(srcs []zsetSource, op int, how string) *zsetval.ZSet {
	switch op {
	case zsetInter:
		result := zsetval.NewBuilder(srcs[0].len())
		srcs[0].each(func(member []byte, score float64) {
			score = weigh(score, srcs[0].weight)
			for i := 1; i < len(srcs); i++ {
				s, ok := srcs[i].score(member)
				if !ok {
					return
				}
				score = aggregate(score, s*srcs[i].weight, how)
			}
			result.Add(member, score, nil)
		})
		return result.ZSet()
	case zsetUnion:
		result := zsetval.NewBuilder(srcs[len(srcs)-1].len())
		merge := func(old, score float64) float64 { return aggregate(old, score, how) }
		for i := range srcs {
			srcs[i].each(func(member []byte, score float64) {
				result.Add(member, weigh(score, srcs[i].weight), merge)
			})
		}
		return result.ZSet()
	}
	result := zsetval.NewBuilder(srcs[0].len())
	srcs[0].each(func(member []byte, score float64) {
		for i := 1; i < len(srcs); i++ {
			if _, ok := srcs[i].score(member); ok {
				return
			}
		}
		result.Add(member, score, nil)
	})
	return result.ZSet()
}

// weigh is a source's score times its weight, 0 where that is NaN.
func weigh(score, weight float64) float64 {
	if s := score * weight; s == s {
		return s
	}
	return 0
}

func cmdZunion(c *Client, args [][]byte)      { zsetOperation(c, args, 1, zsetUnion, nil, false) }
func cmdZinter(c *Client, args [][]byte)      { zsetOperation(c, args, 1, zsetInter, nil, false) }
func cmdZdiff(c *Client, args [][]byte)       { zsetOperation(c, args, 1, zsetDiff, nil, false) }
func cmdZunionstore(c *Client, args [][]byte) { zsetOperation(c, args, 2, zsetUnion, args[1], false) }
func cmdZinterstore(c *Client, args [][]byte) { zsetOperation(c, args, 2, zsetInter, args[1], false) }
func cmdZdiffstore(c *Client, args [][]byte)  { zsetOperation(c, args, 2, zsetDiff, args[1], false) }
func cmdZintercard(c *Client, args [][]byte)  { zsetOperation(c, args, 1, zsetInter, nil, true) }
