package main

import (
	"bytes"
	"time"

	"respd/internal/keyspace"
	"respd/internal/quicklist"
)

// The list commands, as Redis 7.0's t_list.c. A list lives in an Entry as
// a *quicklist.List (listpack nodes, as Redis keeps every list); an empty
// list is never stored: the command that empties it deletes the key.
// Writes propagate only when they changed something, as Redis's call()
// does when server.dirty moved; blocking commands propagate their
// non-blocking form (BLPOP as LPOP), whether they served at once or later.

// Ends of a list.
const (
	listHead = iota
	listTail
)

// newList is an empty list with the configured node size and compression.
func (c *Client) newList() *quicklist.List {
	return quicklist.New(c.srv.cfg.ListMaxListpackSize, c.srv.cfg.ListCompressDepth)
}

// listPush pushes values at one end of key's list, creating it unless
// onlyExisting; it returns the new length, or -1 if nothing was pushed.
func (c *Client) listPush(key []byte, e *keyspace.Entry, where int, values [][]byte, onlyExisting bool) int {
	if e == nil {
		if onlyExisting {
			return -1
		}
		e = c.stamp(keyspace.NewList(c.newList()))
		c.addKey(key, e)
	} else {
		c.database().BeforeChange(e) // a background save may still need it
	}
	l := e.List()
	for _, v := range values {
		if where == listHead {
			l.PushHead(v)
		} else {
			l.PushTail(v)
		}
	}
	c.notify(notifyList, endEvent(where, "lpush", "rpush"), key)
	return l.Len()
}

// endEvent is the event of a push or pop: head's at the head, else tail's.
func endEvent(where int, head, tail string) string {
	if where == listHead {
		return head
	}
	return tail
}

// listPopped reports a pop from key's list, and deletes key if the list
// is now empty.
func (c *Client) listPopped(key []byte, e *keyspace.Entry, where int) {
	c.notify(notifyList, endEvent(where, "lpop", "rpop"), key)
	c.listRemoved(key, e)
}

// listRemoved deletes key if its list is now empty (after a pop, a trim
// or a removal), reporting it.
func (c *Client) listRemoved(key []byte, e *keyspace.Entry) {
	c.deleteIfEmpty(key, e.List().Len() == 0)
}

// pushCommand: LPUSH/RPUSH key element [element ...], and the X forms
// that push only to an existing list.
func pushCommand(c *Client, args [][]byte, where int, onlyExisting bool) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	if !ok {
		return
	}
	n := c.listPush(args[1], e, where, args[2:], onlyExisting)
	if n < 0 {
		c.Int(0)
		return
	}
	c.changed(args[1], args...)
	c.Int(int64(n))
}

func cmdLpush(c *Client, args [][]byte)  { pushCommand(c, args, listHead, false) }
func cmdRpush(c *Client, args [][]byte)  { pushCommand(c, args, listTail, false) }
func cmdLpushx(c *Client, args [][]byte) { pushCommand(c, args, listHead, true) }
func cmdRpushx(c *Client, args [][]byte) { pushCommand(c, args, listTail, true) }

// cmdLinsert: LINSERT key BEFORE|AFTER pivot element.
func cmdLinsert(c *Client, args [][]byte) {
	var after bool
	switch {
	case asciiEqualFold(cString(args[2]), "after"):
		after = true
	case asciiEqualFold(cString(args[2]), "before"):
	default:
		c.Error(errSyntax)
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil:
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	if !e.List().Insert(args[3], args[4], after) {
		c.Int(-1)
		return
	}
	c.notify(notifyList, "linsert", args[1])
	c.changed(args[1], args...)
	c.Int(int64(e.List().Len()))
}

func cmdLlen(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeList, func(e *keyspace.Entry) int64 { return int64(e.List().Len()) })
}

// cmdLindex: LINDEX key index — a missing key answers nil before the index
// is parsed, as in Redis.
func cmdLindex(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil:
		c.Null()
		return
	}
	index, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if v, found := e.List().Index(int(index)); found {
		c.Bulk(v)
	} else {
		c.Null()
	}
}

// cmdLset: LSET key index element.
func cmdLset(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil:
		c.Error(errNoSuchKey)
		return
	}
	index, ok := c.intArg(args[2])
	if !ok {
		return
	}
	c.database().BeforeChange(e)
	if !e.List().Replace(int(index), args[3]) {
		c.Error(errIndexOutOfRange)
		return
	}
	c.notify(notifyList, "lset", args[1])
	c.changed(args[1], args...)
	c.OK()
}

// popCommand: LPOP/RPOP key [count].
func popCommand(c *Client, args [][]byte, where int) {
	if len(args) > 3 {
		c.Error(wrongArity(c.cmd.FullName))
		return
	}
	count := int64(-1)
	if len(args) == 3 {
		n, ok := c.positiveArg(args[2], errMustBePositive)
		if !ok {
			return
		}
		count = n
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil && count >= 0:
		c.NullArray()
		return
	case e == nil:
		c.Null()
		return
	case count == 0:
		c.Array(0)
		return
	}
	c.database().BeforeChange(e)
	if count < 0 {
		e.List().Pop(where == listHead, c.Bulk)
	} else {
		replyPopped(c, e.List(), where, count)
	}
	c.listPopped(args[1], e, where)
	c.changed(args[1], args...)
}

// popOne takes the element at one end of a non-empty list.
func popOne(l *quicklist.List, where int) []byte {
	if where == listHead {
		v, _ := l.PopHead()
		return v
	}
	v, _ := l.PopTail()
	return v
}

// replyPopped pops up to count elements from one end of a non-empty list,
// replying with them in the order popped, and returns how many: read,
// then deleted as one range, as Redis's listPopRangeAndReplyWithKey (which
// leaves the nodes, compressed or not, as Redis's do).
func replyPopped(c *Client, l *quicklist.List, where int, count int64) int {
	n := int(min(count, int64(l.Len())))
	from, start := 0, 0
	if where == listTail {
		from, start = -1, -n
	}
	c.Array(n)
	replied := 0
	for _, v := range l.Elements(from, where == listTail) {
		if replied == n {
			break
		}
		c.Bulk(v)
		replied++
	}
	l.DelRange(start, n)
	return n
}

func cmdLpop(c *Client, args [][]byte) { popCommand(c, args, listHead) }
func cmdRpop(c *Client, args [][]byte) { popCommand(c, args, listTail) }

// rangeArgs parses LRANGE/LTRIM's start and stop, which quicklist
// normalizes as Redis does.
func (c *Client) rangeArgs(args [][]byte) (start, stop int, ok bool) {
	from, ok := c.intArg(args[2])
	if !ok {
		return 0, 0, false
	}
	to, ok := c.intArg(args[3])
	return int(from), int(to), ok
}

// cmdLrange: LRANGE key start stop — the indexes are parsed before the key
// is looked up, as in Redis.
func cmdLrange(c *Client, args [][]byte) {
	start, stop, ok := c.rangeArgs(args)
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeList)
	switch {
	case !ok:
	case e == nil:
		c.Array(0)
	default:
		l := e.List()
		c.Array(l.RangeLen(start, stop))
		l.Range(start, stop, func(_ int, v []byte) bool { c.Bulk(v); return true })
	}
}

// cmdLtrim: LTRIM key start stop.
func cmdLtrim(c *Client, args [][]byte) {
	start, stop, ok := c.rangeArgs(args)
	if !ok {
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil:
		c.OK()
		return
	}
	l := e.List()
	if l.RangeLen(start, stop) == l.Len() {
		// Nothing trimmed: WATCH and subscribers see it, nothing propagates.
		c.notify(notifyList, "ltrim", args[1])
		c.touch(args[1])
		c.OK()
		return
	}
	c.database().BeforeChange(e)
	l.Trim(start, stop)
	c.notify(notifyList, "ltrim", args[1])
	c.listRemoved(args[1], e)
	c.changed(args[1], args...)
	c.OK()
}

// cmdLrem: LREM key count element.
func cmdLrem(c *Client, args [][]byte) {
	count, ok := c.intArg(args[2])
	if !ok {
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil:
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	removed := e.List().Remove(args[3], int(count))
	if removed > 0 {
		c.notify(notifyList, "lrem", args[1])
		c.listRemoved(args[1], e)
		c.changed(args[1], args...)
	}
	c.Int(int64(removed))
}

// cmdLpos: LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
func cmdLpos(c *Client, args [][]byte) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for i := 3; i < len(args); i++ {
		more := i < len(args)-1
		switch opt := cString(args[i]); {
		case asciiEqualFold(opt, "rank") && more:
			i++
			n, ok := c.intArg(args[i])
			if !ok {
				return
			}
			if n == 0 {
				c.Error(errLposRankZero)
				return
			}
			rank = n
		case asciiEqualFold(opt, "count") && more:
			i++
			n, ok := c.positiveArg(args[i], errLposCountNegative)
			if !ok {
				return
			}
			count = n
		case asciiEqualFold(opt, "maxlen") && more:
			i++
			n, ok := c.positiveArg(args[i], errLposMaxlenNegative)
			if !ok {
				return
			}
			maxlen = n
		default:
			c.Error(errSyntax)
			return
		}
	}
	e, ok := c.lookupType(args[1], keyspace.TypeList)
	switch {
	case !ok:
		return
	case e == nil && count >= 0:
		c.Array(0)
		return
	case e == nil:
		c.Null()
		return
	}
	matches := listPositions(e.List(), args[2], rank, count, maxlen)
	if count >= 0 {
		c.Array(len(matches))
		for _, m := range matches {
			c.Int(int64(m))
		}
	} else if len(matches) > 0 {
		c.Int(int64(matches[0]))
	} else {
		c.Null()
	}
}

// listPositions finds element's positions for LPOS: from the head for a
// positive rank, from the tail for a negative one, skipping the first
// |rank|-1 matches, up to count of them (0: all; -1: one), looking at no
// more than maxlen elements (0: all).
func listPositions(l *quicklist.List, element []byte, rank, count, maxlen int64) []int {
	fromTail := rank < 0
	rank = max(rank, -rank)
	want := count
	if want < 0 {
		want = 1
	}
	var positions []int
	matches, seen := int64(0), int64(0)
	from := 0
	if fromTail {
		from = -1
	}
	for index, v := range l.Elements(from, fromTail) {
		if maxlen > 0 && seen >= maxlen {
			break
		}
		seen++
		if !bytes.Equal(v, element) {
			continue
		}
		matches++
		if matches >= rank {
			positions = append(positions, index)
			if want > 0 && int64(len(positions)) >= want {
				break
			}
		}
	}
	return positions
}

// listEnd parses LEFT or RIGHT, replying a syntax error otherwise.
func (c *Client) listEnd(arg []byte) (int, bool) {
	switch {
	case asciiEqualFold(cString(arg), "left"):
		return listHead, true
	case asciiEqualFold(cString(arg), "right"):
		return listTail, true
	}
	c.Error(errSyntax)
	return 0, false
}

// listMove is LMOVE's work on a non-empty source: pop at from, push at to
// of destination (created if need be), reply the element, propagate argv.
// A destination of another type answers WRONGTYPE and moves nothing.
func (c *Client) listMove(src, dst []byte, e *keyspace.Entry, from, to int, argv ...[]byte) {
	d, ok := c.lookupWriteType(dst, keyspace.TypeList)
	if !ok {
		return
	}
	c.database().BeforeChange(e)
	v := popOne(e.List(), from)
	c.listPush(dst, d, to, [][]byte{v}, false)
	c.listPopped(src, e, from)
	c.touch(src)
	c.touch(dst)
	c.propagate(argv...)
	c.Bulk(v)
}

// listEnds parses LMOVE's two LEFT|RIGHT arguments.
func (c *Client) listEnds(args [][]byte) (from, to int, ok bool) {
	if from, ok = c.listEnd(args[3]); !ok {
		return 0, 0, false
	}
	to, ok = c.listEnd(args[4])
	return from, to, ok
}

// moveCommand is LMOVE and its kin once parsed: the move from a non-empty
// source, propagated as argv; on a missing one null, or, for the blocking
// forms, a wait for one.
func moveCommand(c *Client, args [][]byte, from, to int, block bool, timeout time.Duration, argv ...[]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeList)
	switch {
	case !ok:
	case e != nil:
		c.listMove(args[1], args[2], e, from, to, argv...)
	case block:
		c.blockOrNull(args[1:2], keyspace.TypeList, timeout, args, c.Null)
	default:
		c.Null()
	}
}

// cmdLmove: LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
func cmdLmove(c *Client, args [][]byte) {
	if from, to, ok := c.listEnds(args); ok {
		moveCommand(c, args, from, to, false, 0, args...)
	}
}

// cmdRpoplpush: RPOPLPUSH source destination, LMOVE RIGHT LEFT.
func cmdRpoplpush(c *Client, args [][]byte) {
	moveCommand(c, args, listTail, listHead, false, 0, args...)
}

// mpopArgs parses LMPOP's numkeys key [key ...] LEFT|RIGHT [COUNT count]
// (ZMPOP's MIN|MAX, read by end) from args[i]: the keys, the end and the
// count (1 by default).
func (c *Client) mpopArgs(args [][]byte, i int, end func([]byte) (int, bool)) (keys [][]byte, where int, count int64, ok bool) {
	numkeys, ok := c.rangeArg(args[i], 1, maxLong, errNumkeysPositive)
	if !ok {
		return nil, 0, 0, false
	}
	if numkeys >= int64(len(args)-i-1) {
		c.Error(errSyntax) // LEFT|RIGHT would be past the end
		return nil, 0, 0, false
	}
	whereAt := i + int(numkeys) + 1
	if where, ok = end(args[whereAt]); !ok {
		return nil, 0, 0, false
	}
	count = -1
	for j := whereAt + 1; j < len(args); j++ {
		if count == -1 && asciiEqualFold(cString(args[j]), "count") && j < len(args)-1 {
			j++
			if count, ok = c.rangeArg(args[j], 1, maxLong, errCountPositive); !ok {
				return nil, 0, 0, false
			}
			continue
		}
		c.Error(errSyntax)
		return nil, 0, 0, false
	}
	return args[i+1 : whereAt], where, max(count, 1), true
}

// listMpop pops from the first non-empty list of keys: it replies the key
// and the elements, propagates LPOP/RPOP key count, and reports whether it
// found one. A key of another type answers WRONGTYPE (ok=false).
func (c *Client) listMpop(keys [][]byte, where int, count int64) (served, ok bool) {
	for _, key := range keys {
		e, ok := c.lookupWriteType(key, keyspace.TypeList)
		if !ok {
			return false, false
		}
		if e == nil {
			continue
		}
		c.database().BeforeChange(e)
		c.Array(2)
		c.Bulk(key)
		n := replyPopped(c, e.List(), where, count)
		c.listPopped(key, e, where)
		c.changed(key, popName(where), key, itoa(int64(n)))
		return true, true
	}
	return false, true
}

func popName(where int) []byte {
	if where == listHead {
		return []byte("LPOP")
	}
	return []byte("RPOP")
}

// cmdLmpop: LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count].
func cmdLmpop(c *Client, args [][]byte) {
	keys, where, count, ok := c.mpopArgs(args, 1, c.listEnd)
	if !ok {
		return
	}
	if served, ok := c.listMpop(keys, where, count); ok && !served {
		c.NullArray()
	}
}

// ---- Blocking

// blockingPop: BLPOP/BRPOP key [key ...] timeout — the first non-empty
// list's element, with its key; propagated as LPOP/RPOP key.
func blockingPop(c *Client, args [][]byte, where int) {
	timeout, ok := c.parseTimeout(args[len(args)-1])
	if !ok {
		return
	}
	keys := args[1 : len(args)-1]
	for _, key := range c.servedKeys(keys) {
		e, ok := c.lookupWriteType(key, keyspace.TypeList)
		if !ok {
			return
		}
		if e == nil {
			continue
		}
		c.database().BeforeChange(e)
		c.Array(2)
		c.Bulk(key)
		e.List().Pop(where == listHead, c.Bulk)
		c.listPopped(key, e, where)
		c.changed(key, popName(where), key)
		return
	}
	c.blockOrNull(keys, keyspace.TypeList, timeout, args, c.NullArray)
}

// blockOrNull blocks on keys for a value of type want, or, where a client
// can't block, replies with null at once.
func (c *Client) blockOrNull(keys [][]byte, want keyspace.Type, timeout time.Duration, args [][]byte, null func()) {
	if c.canBlock() {
		c.blockOnKeys(keys, want, timeout, args)
	} else {
		null()
	}
}

func cmdBlpop(c *Client, args [][]byte) { blockingPop(c, args, listHead) }
func cmdBrpop(c *Client, args [][]byte) { blockingPop(c, args, listTail) }

// cmdBlmove: BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
func cmdBlmove(c *Client, args [][]byte) {
	from, to, ok := c.listEnds(args)
	if !ok {
		return
	}
	timeout, ok := c.parseTimeout(args[5])
	if !ok {
		return
	}
	argv := append([][]byte{[]byte("LMOVE")}, args[1:5]...)
	if c.servedLater() {
		argv[3], argv[4] = endWord(from), endWord(to) // Redis's own words then
	}
	moveCommand(c, args, from, to, true, timeout, argv...)
}

func endWord(where int) []byte {
	if where == listHead {
		return []byte("left")
	}
	return []byte("right")
}

// cmdBrpoplpush: BRPOPLPUSH source destination timeout.
func cmdBrpoplpush(c *Client, args [][]byte) {
	timeout, ok := c.parseTimeout(args[3])
	if !ok {
		return
	}
	moveCommand(c, args, listTail, listHead, true, timeout, []byte("RPOPLPUSH"), args[1], args[2])
}

// cmdBlmpop: BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
// — its arguments are checked before its timeout, as in Redis.
func cmdBlmpop(c *Client, args [][]byte) {
	keys, where, count, ok := c.mpopArgs(args, 2, c.listEnd)
	if !ok {
		return
	}
	timeout, ok := c.parseTimeout(args[1])
	if !ok {
		return
	}
	if served, ok := c.listMpop(c.servedKeys(keys), where, count); ok && !served {
		c.blockOrNull(keys, keyspace.TypeList, timeout, args, c.NullArray)
	}
}
