package main

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"

	"respd/internal/keyspace"
	"respd/internal/listpack"
	"respd/internal/redisconv"
	"respd/internal/stream"
)

// Streams (t_stream.c): entries in listpack nodes, consumer groups with
// their pending entries lists (internal/stream).

// streamLimits are stream-node-max-bytes and stream-node-max-entries.
func (c *Client) streamLimits() stream.Limits {
	return stream.Limits{MaxBytes: c.srv.cfg.StreamNodeMaxBytes, MaxEntries: c.srv.cfg.StreamNodeMaxEntries}
}

// xreadBlockedCount is what a blocked XREAD without COUNT is served at
// most (XREAD_BLOCKED_DEFAULT_COUNT).
const xreadBlockedCount = 1000

// Sizes of Redis 7.0's stream structures, for MEMORY USAGE.
const (
	streamStructSize   = 80 // rax*, length, last_id, first_id, max_deleted_entry_id, entries_added, cgroups*
	streamCGSize       = 40 // last_id, entries_read, pel*, consumers*
	streamNACKSize     = 24 // delivery_time, delivery_count, consumer*
	streamConsumerSize = 24 // seen_time, name, pel*
)

// streamMemory is objectComputeSize's stream: the stream and its radix
// tree, the listpacks as allocated — the first samples measured, the
// others but the last counted at their average, the last (often still
// preallocated) measured — and the groups with their PELs and consumers.
func streamMemory(s *stream.Stream, samples int64) int64 {
	size := int64(robjSize+streamStructSize) + raxMemory(int64(s.NodeCount()), s.RaxNodes())
	var sum, sampled int64
	s.NodeAllocs(func(alloc int64) bool {
		sum += alloc
		sampled++
		return sampled < samples
	})
	if nodes := int64(s.NodeCount()); nodes <= sampled {
		size += sum
	} else {
		size += sum/sampled*(nodes-1) + s.TailNodeAlloc()
	}
	s.Groups(func(g *stream.Group) bool {
		size += streamCGSize + raxMemory(int64(g.PendingLen()), g.PELRaxNodes()) + int64(g.PendingLen())*streamNACKSize
		g.Consumers(func(c *stream.Consumer) bool {
			size += streamConsumerSize + int64(len(c.Name)) + raxMemory(int64(c.PendingLen()), c.PELRaxNodes())
			return true
		})
		return true
	})
	return size
}

// raxMemory is streamRadixTreeMemoryUsage: a key's ID, and per node its
// header and a fixed guess of 30 pointers.
func raxMemory(keys int64, nodes int) int64 { return keys*16 + int64(nodes)*(4+8*30) }

// ---- IDs

// parseStreamID reads an ID as streamGenericParseIDOrReply: "-" and "+"
// (unless strict), <ms> (with missingSeq) or <ms>-<seq>, each part as
// string2ull reads it (redisconv.ParseUlonglong). With seqAuto, <ms>-* is accepted and reported
// by seqGiven false.
func parseStreamID(b []byte, missingSeq uint64, strict, seqAuto bool) (id stream.ID, seqGiven, ok bool) {
	if len(b) > 127 {
		return id, false, false
	}
	b = cString(b)
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if strict {
			return id, false, false
		}
		if b[0] == '-' {
			return stream.ID{}, true, true
		}
		return stream.MaxID, true, true
	}
	msPart, seqPart, hasSeq := bytes.Cut(b, []byte{'-'})
	ms, ok := redisconv.ParseUlonglong(msPart)
	if !ok {
		return id, false, false
	}
	seq, seqGiven := missingSeq, true
	switch {
	case !hasSeq:
	case seqAuto && len(seqPart) == 1 && seqPart[0] == '*':
		seq, seqGiven = 0, false
	default:
		if seq, ok = redisconv.ParseUlonglong(seqPart); !ok {
			return id, false, false
		}
	}
	return stream.ID{Ms: ms, Seq: seq}, seqGiven, true
}

// streamIDArg parses a strict ID argument (no "-" or "+"), replying
// Redis's error if it is not one.
func (c *Client) streamIDArg(b []byte) (stream.ID, bool) {
	id, _, ok := parseStreamID(b, 0, true, false)
	if !ok {
		c.Error(errStreamID)
	}
	return id, ok
}

// streamIDArgs parses XDEL's and XACK's IDs, all of them before the
// command acts, so that it acts on all or none.
func (c *Client) streamIDArgs(args [][]byte) ([]stream.ID, bool) {
	ids := make([]stream.ID, len(args))
	for i, arg := range args {
		var ok bool
		if ids[i], ok = c.streamIDArg(arg); !ok {
			return nil, false
		}
	}
	return ids, true
}

// intervalArgs parses a range's start and end as XRANGE and XPENDING do
// (streamParseIntervalIDOrReply): "-" and "+", incomplete IDs, and "("
// for an exclusive bound.
func (c *Client) intervalArgs(startArg, endArg []byte) (start, end stream.ID, ok bool) {
	if start, ok = c.intervalStart(startArg); !ok {
		return
	}
	end, ok = c.intervalID(endArg, math.MaxUint64, stream.ID.Decr, errStreamEndInterval)
	return start, end, ok
}

// intervalStart is a range's start (XRANGE, XPENDING, XAUTOCLAIM).
func (c *Client) intervalStart(b []byte) (stream.ID, bool) {
	return c.intervalID(b, 0, stream.ID.Incr, errStreamStartInterval)
}

// intervalID is one bound: an exclusive one ("(id") moved inward by step,
// which fails with stepErr at the end of the ID space.
func (c *Client) intervalID(b []byte, missingSeq uint64, step func(stream.ID) (stream.ID, bool), stepErr string) (stream.ID, bool) {
	exclusive := len(b) > 1 && b[0] == '('
	if exclusive {
		b = b[1:]
	}
	id, _, ok := parseStreamID(b, missingSeq, exclusive, false)
	switch {
	case !ok:
		c.Error(errStreamID)
	case exclusive:
		if id, ok = step(id); !ok {
			c.Error(stepErr)
		}
	}
	return id, ok
}

// StreamID replies an ID as a bulk string.
func (c *Client) StreamID(id stream.ID) {
	var buf [41]byte
	c.Bulk(id.Append(buf[:0]))
}

func streamIDArgv(id stream.ID) []byte { return id.Append(nil) }

// ---- replies of entries

// streamEntry replies the iterator's entry: [id, [field, value, ...]].
func (c *Client) streamEntry(it *stream.Iter) {
	c.Array(2)
	c.StreamID(it.ID())
	c.Array(2 * it.NumFields())
	var buf [20]byte
	it.Fields(func(f, v listpack.Value) {
		c.Bulk(f.Append(buf[:0]))
		c.Bulk(v.Append(buf[:0]))
	})
}

// streamRange replies the entries from start to end (reversed if rev), at
// most count of them (0: all), as an array (streamReplyWithRange). It
// counts them first: a reply's length comes before its elements.
func (c *Client) streamRange(s *stream.Stream, start, end stream.ID, count int64, rev bool) {
	var it stream.Iter
	n := c.countRange(s, &it, start, end, count, rev)
	c.Array(int(n))
	for ; n > 0; n-- {
		c.streamEntry(&it)
		it.Next()
	}
}

// countRange counts the entries streamRange replies, leaving it on the
// first of them: the reply's length goes first, and the range is sought
// once.
func (c *Client) countRange(s *stream.Stream, it *stream.Iter, start, end stream.ID, count int64, rev bool) int64 {
	if s.RangeInto(it, start, end, rev); !it.Next() {
		return 0
	}
	first := *it
	n := int64(1)
	for (count == 0 || n < count) && it.Next() {
		n++
	}
	*it = first
	return n
}

// streamEntryOrNull replies the first entry of a range (the last if rev),
// or a null if it has none: one ID's entry, XINFO's first and last.
func (c *Client) streamEntryOrNull(s *stream.Stream, start, end stream.ID, rev bool) {
	var it stream.Iter
	if s.RangeInto(&it, start, end, rev); it.Next() {
		c.streamEntry(&it)
	} else {
		c.Null()
	}
}

// ---- XADD, XTRIM

// trimArgs is XADD's and XTRIM's trimming as parsed: where the strategy's
// argument is (to rewrite for propagation), 0 if none.
type trimArgs struct {
	stream.TrimArgs
	at int
}

// xaddArgs is what streamParseAddOrTrimArgsOrReply parses for XADD.
type xaddArgs struct {
	trimArgs
	id         stream.ID
	idGiven    bool
	seqGiven   bool
	noMkStream bool
	idAt       int
}

// parseTrimOption parses MAXLEN|MINID [=|~] threshold at args[i]; it
// returns the index of the threshold, or -1 having replied an error.
func (c *Client) parseTrimOption(args [][]byte, i int, t *trimArgs) int {
	if t.at != 0 {
		c.Error(errStreamTrimBoth)
		return -1
	}
	t.ByID = asciiEqualFold(cString(args[i]), "minid")
	t.Approx = false
	more := len(args) - 1 - i
	if next := args[i+1]; more >= 2 && len(next) == 1 && (next[0] == '~' || next[0] == '=') {
		t.Approx = next[0] == '~'
		i++
	}
	i++
	if t.ByID {
		id, ok := c.streamIDArg(args[i])
		if !ok {
			return -1
		}
		t.MinID = id
	} else {
		n, ok := c.intArg(args[i])
		if !ok {
			return -1
		}
		if n < 0 {
			c.Error(errStreamMaxlenNegative)
			return -1
		}
		t.MaxLen = n
	}
	t.at = i
	return i
}

// parseAddOrTrim is streamParseAddOrTrimArgsOrReply: XADD's options up to
// its ID (returning the ID's index) or XTRIM's (returning len(args)).
func (c *Client) parseAddOrTrim(args [][]byte, xadd bool) (a xaddArgs, ok bool) {
	a.seqGiven = true
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := cString(args[i])
		switch {
		case xadd && len(args[i]) == 1 && args[i][0] == '*':
			a.idAt = i
		case (asciiEqualFold(opt, "maxlen") || asciiEqualFold(opt, "minid")) && more > 0:
			if i = c.parseTrimOption(args, i, &a.trimArgs); i < 0 {
				return a, false
			}
			continue
		case asciiEqualFold(opt, "limit") && more > 0:
			n, ok := c.intArg(args[i+1])
			if !ok {
				return a, false
			}
			if n < 0 {
				c.Error(errStreamLimitNegative)
				return a, false
			}
			a.Limit, limitGiven = n, true
			i++
			continue
		case xadd && asciiEqualFold(opt, "nomkstream"):
			a.noMkStream = true
			continue
		case xadd:
			id, seqGiven, ok := parseStreamID(args[i], 0, true, true)
			if !ok {
				c.Error(errStreamID)
				return a, false
			}
			a.id, a.seqGiven, a.idGiven, a.idAt = id, seqGiven, true, i
		default:
			c.Error(errSyntax)
			return a, false
		}
		break
	}
	switch {
	case a.Limit != 0 && a.at == 0:
		c.Error(errStreamLimitNoTrim)
		return a, false
	case !xadd && a.at == 0:
		c.Error(errStreamXtrimNoStrategy)
		return a, false
	}
	if c.isMaster || c.loadingAOF {
		// The master's and the AOF's trims were rewritten to be exact.
		a.Limit = 0
	} else if limitGiven {
		if !a.Approx {
			c.Error(errStreamLimitNoApprox)
			return a, false
		}
	} else if a.Approx {
		a.Limit = 100 * c.srv.cfg.StreamNodeMaxEntries
		if a.Limit <= 0 || a.Limit > 10000 {
			a.Limit = 10000
		}
	} else {
		a.Limit = 0
	}
	if !xadd {
		a.idAt = len(args)
	}
	return a, true
}

// cmdXadd: XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT
// count]] *|id field value [field value ...]. Propagated with the ID it
// added, and an approximate trim rewritten as the exact one it did.
func cmdXadd(c *Client, args [][]byte) {
	a, ok := c.parseAddOrTrim(args, true)
	if !ok {
		return
	}
	fields := args[a.idAt+1:]
	if a.idAt == 0 || len(fields) < 2 || len(fields)%2 != 0 {
		c.Error(fmt.Sprintf(errWrongArity, "xadd"))
		return
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		c.Error(errStreamXaddZero)
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeStream)
	switch {
	case !ok:
		return
	case e == nil && a.noMkStream:
		c.Null()
		return
	case e == nil:
		e = c.stamp(keyspace.NewStream(stream.New()))
		c.addKey(args[1], e)
	default:
		c.database().BeforeChange(e)
	}
	s := e.Stream()
	if s.LastID() == stream.MaxID {
		c.Error(errStreamExhausted)
		return
	}
	var given *stream.ID
	if a.idGiven {
		given = &a.id
	}
	id, err := s.NextID(given, a.seqGiven, uint64(c.nowMs()))
	if err == nil {
		err = s.Append(id, fields, c.streamLimits())
	}
	switch err {
	case nil:
	case stream.ErrTooLarge:
		c.Error(errStreamTooLarge)
		return
	case stream.ErrIDExhausted:
		c.Error(errStreamExhausted)
		return
	case stream.ErrSeqExhausted:
		// Redis 7.0 leaves errno unset on this path and so answers as if
		// the fields were too large.
		c.Error(errStreamTooLarge)
		return
	default:
		c.Error(errStreamIDTooSmall)
		return
	}
	c.StreamID(id)
	c.notify(notifyStream, "xadd", args[1])
	if a.at != 0 && s.Trim(a.TrimArgs) > 0 {
		c.notify(notifyStream, "xtrim", args[1])
	}
	argv := args
	if c.srv.propagates() {
		if a.at != 0 && a.Approx {
			argv = c.exactTrimArgv(argv, s, &a.trimArgs)
		}
		if !a.idGiven || !a.seqGiven {
			argv = replaceArg(argv, a.idAt, streamIDArgv(id))
		}
	}
	c.changed(args[1], argv...)
	c.srv.keyReady(c.db, str(args[1]))
}

// exactTrimArgv rewrites an approximate trim as the exact one it did
// (streamRewriteApproxSpecifier, streamRewriteTrimArgument): "=" for "~",
// and the length left or the first ID, deleted or not, as the threshold.
func (c *Client) exactTrimArgv(argv [][]byte, s *stream.Stream, t *trimArgs) [][]byte {
	argv = replaceArg(argv, t.at-1, []byte("="))
	if t.ByID {
		first := s.FirstEntryID()
		return replaceArg(argv, t.at, streamIDArgv(first))
	}
	return replaceArg(argv, t.at, strconv.AppendUint(nil, s.Len(), 10))
}

// replaceArg is argv with argv[i] replaced, argv itself unchanged.
func replaceArg(argv [][]byte, i int, v []byte) [][]byte {
	out := append([][]byte(nil), argv...)
	out[i] = v
	return out
}

// cmdXtrim: XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count].
func cmdXtrim(c *Client, args [][]byte) {
	a, ok := c.parseAddOrTrim(args, false)
	if !ok {
		return
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeStream)
	if !ok {
		return
	}
	if e == nil {
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	s := e.Stream()
	removed := s.Trim(a.TrimArgs)
	if removed > 0 {
		c.notify(notifyStream, "xtrim", args[1])
		argv := args
		if a.Approx {
			argv = c.exactTrimArgv(argv, s, &a.trimArgs)
		}
		c.changed(args[1], argv...)
	}
	c.Int(removed)
}

// ---- XDEL, XLEN, XRANGE, XSETID

// cmdXdel: XDEL key id [id ...] — tombstones; the key stays when empty.
func cmdXdel(c *Client, args [][]byte) {
	e, ok := c.lookupWriteType(args[1], keyspace.TypeStream)
	if !ok {
		return
	}
	if e == nil {
		c.Int(0)
		return
	}
	ids, ok := c.streamIDArgs(args[2:])
	if !ok {
		return
	}
	c.database().BeforeChange(e)
	s := e.Stream()
	deleted, firstDeleted := 0, false
	for _, id := range ids {
		if s.Delete(id) {
			firstDeleted = firstDeleted || id == s.FirstID()
			deleted++
		}
	}
	if deleted > 0 {
		if firstDeleted || s.Len() == 0 {
			s.UpdateFirstID()
		}
		c.notify(notifyStream, "xdel", args[1])
		c.changed(args[1], args...)
	}
	c.Int(int64(deleted))
}

// cmdXlen: XLEN key.
func cmdXlen(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeStream, func(e *keyspace.Entry) int64 { return int64(e.Stream().Len()) })
}

func cmdXrange(c *Client, args [][]byte)    { xrangeCommand(c, args, false) }
func cmdXrevrange(c *Client, args [][]byte) { xrangeCommand(c, args, true) }

// xrangeCommand: XRANGE key start end [COUNT count], XREVRANGE key end
// start [COUNT count]; COUNT 0 (or negative) replies a null array.
func xrangeCommand(c *Client, args [][]byte, rev bool) {
	startArg, endArg := args[2], args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, end, ok := c.intervalArgs(startArg, endArg)
	if !ok {
		return
	}
	count := int64(-1)
	for i := 4; i < len(args); i++ {
		if !asciiEqualFold(cString(args[i]), "count") || i+1 == len(args) {
			c.Error(errSyntax)
			return
		}
		if count, ok = c.intArg(args[i+1]); !ok {
			return
		}
		count = max(count, 0)
		i++
	}
	e, ok := c.lookupType(args[1], keyspace.TypeStream)
	switch {
	case !ok:
	case e == nil:
		c.Array(0)
	case count == 0:
		c.NullArray()
	default:
		c.streamRange(e.Stream(), start, end, max(count, 0), rev)
	}
}

// cmdXsetid: XSETID key last-id [ENTRIESADDED entries-added]
// [MAXDELETEDID max-deleted-id].
func cmdXsetid(c *Client, args [][]byte) {
	id, ok := c.streamIDArg(args[2])
	if !ok {
		return
	}
	entriesAdded := int64(-1)
	var maxDeleted stream.ID
	for i := 3; i < len(args); i += 2 {
		opt := cString(args[i])
		switch {
		case asciiEqualFold(opt, "entriesadded") && i+1 < len(args):
			if entriesAdded, ok = c.intArg(args[i+1]); !ok {
				return
			}
			if entriesAdded < 0 {
				c.Error(errStreamEntriesAddedNegative)
				return
			}
		case asciiEqualFold(opt, "maxdeletedid") && i+1 < len(args):
			if maxDeleted, ok = c.streamIDArg(args[i+1]); !ok {
				return
			}
			if id.Less(maxDeleted) {
				c.Error(errStreamSetidBelowGivenMaxDeleted)
				return
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	e, ok := c.lookupWriteType(args[1], keyspace.TypeStream)
	switch {
	case !ok:
		return
	case e == nil:
		c.Error(errNoSuchKey)
		return
	}
	s := e.Stream()
	if s.Len() > 0 {
		if last, _ := s.EdgeID(true); id.Less(last) {
			c.Error(errStreamSetidBelowTop)
			return
		}
		if entriesAdded != -1 && s.Len() > uint64(entriesAdded) {
			c.Error(errStreamSetidEntriesAdded)
			return
		}
	}
	c.database().BeforeChange(e)
	added := s.EntriesAdded()
	if entriesAdded != -1 {
		added = uint64(entriesAdded)
	}
	if maxDeleted.IsZero() {
		maxDeleted = s.MaxDeletedID()
	}
	s.SetMeta(id, maxDeleted, added)
	c.OK()
	c.notify(notifyStream, "xsetid", args[1])
	c.propagate(args...) // Redis 7.0 does not signal the key modified: WATCH holds
}

// ---- XREAD, XREADGROUP

// xreadArgs is XREAD's and XREADGROUP's parsed arguments.
type xreadArgs struct {
	timeout  time.Duration // -1: no BLOCK
	count    int64
	keys     [][]byte
	idArgs   [][]byte
	group    []byte // XREADGROUP
	consumer []byte
	noack    bool
}

// parseXread parses XREAD [COUNT count] [BLOCK ms] STREAMS key ... id ...
// and XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK]
// STREAMS key ... id ..., in Redis's order of checks.
func (c *Client) parseXread(args [][]byte, group bool) (a xreadArgs, ok bool) {
	a.timeout = -1
	streamsAt := 0
	for i := 1; i < len(args) && streamsAt == 0; i++ {
		more := len(args) - 1 - i
		opt := cString(args[i])
		switch {
		case asciiEqualFold(opt, "block") && more > 0:
			if c.inScript() { // kept from before scripts could not block
				c.Error(fmt.Sprintf(errXreadBlockInScript, args[0]))
				return a, false
			}
			i++
			ms, ok := c.parseTimeoutMs(args[i])
			if !ok {
				return a, false
			}
			a.timeout = blockingTimeout(ms)
		case asciiEqualFold(opt, "count") && more > 0:
			i++
			if a.count, ok = c.intArg(args[i]); !ok {
				return a, false
			}
			a.count = max(a.count, 0)
		case asciiEqualFold(opt, "streams") && more > 0:
			streamsAt = i + 1
			if (len(args)-streamsAt)%2 != 0 {
				c.Error(errStreamUnbalanced)
				return a, false
			}
		case asciiEqualFold(opt, "group") && more >= 2:
			if !group {
				c.Error(errStreamGroupInXread)
				return a, false
			}
			a.group, a.consumer = args[i+1], args[i+2]
			i += 2
		case asciiEqualFold(opt, "noack"):
			if !group {
				c.Error(errStreamNoackInXread)
				return a, false
			}
			a.noack = true
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	if streamsAt == 0 {
		c.Error(errSyntax)
		return a, false
	}
	if group && a.group == nil {
		c.Error(errStreamMissingGroup)
		return a, false
	}
	n := (len(args) - streamsAt) / 2
	a.keys, a.idArgs = args[streamsAt:streamsAt+n], args[streamsAt+n:]
	return a, true
}

// xreadSource is one stream of an XREAD: its key, the ID entries must be
// greater than, and for XREADGROUP the group (">" is MaxID here).
type xreadSource struct {
	key   []byte
	e     *keyspace.Entry
	after stream.ID
	group *stream.Group
}

func cmdXread(c *Client, args [][]byte)      { xreadCommand(c, args, false) }
func cmdXreadgroup(c *Client, args [][]byte) { xreadCommand(c, args, true) }

// xreadCommand is xreadCommand: every stream that has entries after its
// ID is served at once; if none, with BLOCK, the client waits on all the
// keys, "$" taken as the last ID now (its args are rewritten so), and is
// served by the command run again on the key that woke it.
func xreadCommand(c *Client, args [][]byte, group bool) {
	a, ok := c.parseXread(args, group)
	if !ok {
		return
	}
	if c.servedLater() && c.streamGroupGone(a) {
		return
	}
	sources := make([]xreadSource, 0, len(a.keys))
	for i, key := range a.keys {
		if c.servedLater() && string(key) != c.blocked.keys.ready {
			continue
		}
		e := c.lookup(key)
		if e != nil && e.Type != keyspace.TypeStream {
			c.Error(errWrongType)
			return
		}
		src := xreadSource{key: key, e: e}
		if group {
			if e != nil {
				src.group = e.Stream().Group(string(a.group))
			}
			if src.group == nil {
				c.Error(fmt.Sprintf(errStreamNoGroupRead, key, a.group))
				return
			}
		}
		switch idArg := a.idArgs[i]; {
		case len(idArg) == 1 && idArg[0] == '$':
			if group {
				c.Error(errStreamDollarInGroup)
				return
			}
			if e != nil {
				src.after = e.Stream().LastID()
			}
		case len(idArg) == 1 && idArg[0] == '>':
			if !group {
				c.Error(errStreamGreaterInXread)
				return
			}
			src.after = stream.MaxID
		default:
			if src.after, ok = c.streamIDArg(idArg); !ok {
				return
			}
		}
		sources = append(sources, src)
	}
	if c.servedLater() && a.count == 0 {
		a.count = xreadBlockedCount
	}
	if c.serveXread(sources, &a) {
		return
	}
	if a.timeout < 0 || !c.canBlock() {
		c.NullArray() // no BLOCK, or inside MULTI: as if timed out
		return
	}
	c.blockOnKeys(a.keys, keyspace.TypeStream, a.timeout, xreadBlockArgs(args, a, sources))
	c.blocked.keys.goneIsAnswer = group
}

// streamGroupGone answers an XREADGROUP run again after it blocked whose
// key is gone (deleted, expired, flushed, replaced by another type) or
// group destroyed, with Redis's errors; it is unblocked.
func (c *Client) streamGroupGone(a xreadArgs) bool {
	if a.group == nil {
		return false
	}
	e := c.srv.ks.Lookup(c.db, c.blocked.keys.ready, c.nowMs(), false)
	switch {
	case e == nil || e.Type != keyspace.TypeStream:
		c.Error(errStreamKeyGone)
	case e.Stream().Group(string(a.group)) == nil:
		c.Error(errStreamGroupGone)
	default:
		return false
	}
	return true
}

// xreadBlockArgs is the command a blocked XREAD runs again: "$" replaced
// by the ID it stood for when the client blocked.
func xreadBlockArgs(args [][]byte, a xreadArgs, sources []xreadSource) [][]byte {
	idsAt := len(args) - len(a.idArgs)
	for i, idArg := range a.idArgs {
		if len(idArg) == 1 && idArg[0] == '$' {
			args = replaceArg(args, idsAt+i, streamIDArgv(sources[i].after))
		}
	}
	return args
}

// serveXread replies the streams that have entries for the reader, if
// any: an array (RESP3: a map) of [key, entries] (xreadCommand's
// synchronous part).
func (c *Client) serveXread(sources []xreadSource, a *xreadArgs) bool {
	served := 0
	for i := range sources {
		src := &sources[i]
		if !c.xreadHasEntries(src) {
			src.e = nil
			continue
		}
		served++
	}
	if served == 0 {
		return false
	}
	if c.resp == 2 {
		c.Array(served)
	} else {
		c.Map(served)
	}
	var effects [][][]byte
	for i := range sources {
		src := &sources[i]
		if src.e == nil {
			continue
		}
		if c.resp == 2 {
			c.Array(2)
		}
		c.Bulk(src.key)
		if src.group == nil {
			start, _ := src.after.Incr()
			c.streamRange(src.e.Stream(), start, stream.MaxID, a.count, false)
			continue
		}
		effects = c.serveGroup(src, a, effects)
	}
	if len(effects) > 0 {
		c.propagateAll(effects)
	}
	return true
}

// xreadHasEntries reports whether src has something for its reader: for a
// group's history, always; else an entry after its ID (for ">", after the
// group's last delivered ID). A reader that blocked is served once the
// stream's last ID is past that, entries or not (deleted since): Redis
// 7.0's serveClientsBlockedOnStreamKey.
func (c *Client) xreadHasEntries(src *xreadSource) bool {
	if src.e == nil {
		return false
	}
	s := src.e.Stream()
	if src.group != nil && src.after != stream.MaxID {
		return true
	}
	after := src.after
	if src.group != nil {
		after = src.group.LastID
	}
	if c.servedLater() {
		return s.LastID().Compare(after) > 0
	}
	last, ok := s.EdgeID(true)
	return ok && last.Compare(after) > 0
}

// serveGroup replies a group's entries to its consumer, created if need
// be: from the consumer's pending entries for a history ID, else the new
// entries, each then pending for it unless NOACK (streamReplyWithRange).
// It returns effects with what it propagates in its place, as Redis 7.0.15
// does: an XCLAIM per entry delivered, which creates the consumer and
// moves the group on a replica too; with NOACK, the consumer's creation
// and the group's new last ID.
func (c *Client) serveGroup(src *xreadSource, a *xreadArgs, effects [][][]byte) [][][]byte {
	s, g := src.e.Stream(), src.group
	c.database().BeforeChange(src.e)
	consumer, created := c.streamConsumer(src, g, a.consumer)
	if created && a.noack {
		effects = append(effects, [][]byte{[]byte("XGROUP"), []byte("CREATECONSUMER"), src.key, []byte(g.Name), bytes.Clone(a.consumer)})
	}
	now := c.nowMs()
	if src.after != stream.MaxID {
		start, _ := src.after.Incr()
		c.streamHistory(s, consumer, start, a.count, now)
		return effects
	}
	start, _ := g.LastID.Incr()
	lastID := g.LastID
	propagates := c.srv.propagates()
	var it stream.Iter
	n := c.countRange(s, &it, start, stream.MaxID, a.count, false)
	c.Array(int(n))
	for ; n > 0; n-- {
		id := it.ID()
		if g.EntriesRead != stream.EntriesReadUnknown && !s.HasTombstones(id) {
			g.EntriesRead++
		} else if s.EntriesAdded() > 0 {
			g.EntriesRead = s.EstimateEntriesRead(id)
		}
		g.LastID = id
		c.streamEntry(&it)
		it.Next()
		if a.noack {
			continue
		}
		g.Deliver(id, consumer, now)
		if propagates {
			effects = append(effects, xclaimArgv(src.key, g, id, g.Pending(id)))
		} else {
			c.srv.stats.dirty++ // the change the XCLAIM would have counted
		}
	}
	if a.noack && g.LastID != lastID {
		effects = append(effects, xgroupSetidArgv(src.key, g))
	}
	return effects
}

// streamConsumer is a group's consumer called name, created if missing
// (and reported as Redis's streamCreateConsumer does), seen now.
func (c *Client) streamConsumer(src *xreadSource, g *stream.Group, name []byte) (consumer *stream.Consumer, created bool) {
	if consumer = g.Consumer(string(name)); consumer == nil {
		consumer, created = g.CreateConsumer(string(name), c.nowMs())
		c.notify(notifyStream, "xgroup-createconsumer", src.key)
	}
	consumer.SeenTime = c.nowMs()
	return consumer, created
}

// streamHistory replies a consumer's pending entries from start on, at
// most count (0: all), each delivered once more; an entry deleted since
// comes as its ID and a null (streamReplyWithRangeFromConsumerPEL).
func (c *Client) streamHistory(s *stream.Stream, consumer *stream.Consumer, start stream.ID, count int64, now int64) {
	n := int64(0)
	consumer.PendingRange(start, func(stream.ID, *stream.NACK) bool {
		n++
		return count == 0 || n < count
	})
	c.Array(int(n))
	consumer.PendingRange(start, func(id stream.ID, nack *stream.NACK) bool {
		if n == 0 {
			return false
		}
		n--
		var it stream.Iter
		if s.RangeInto(&it, id, id, false); it.Next() {
			c.streamEntry(&it)
			nack.DeliveryTime = now
			nack.DeliveryCount++
		} else {
			c.Array(2)
			c.StreamID(id)
			c.NullArray()
		}
		return true
	})
}

// xclaimArgv is how a delivery or claim propagates (streamPropagateXCLAIM):
// XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID id.
func xclaimArgv(key []byte, g *stream.Group, id stream.ID, nack *stream.NACK) [][]byte {
	return [][]byte{[]byte("XCLAIM"), key, []byte(g.Name), []byte(nack.Consumer.Name), []byte("0"),
		streamIDArgv(id), []byte("TIME"), itoa(nack.DeliveryTime),
		[]byte("RETRYCOUNT"), strconv.AppendUint(nil, nack.DeliveryCount, 10),
		[]byte("FORCE"), []byte("JUSTID"), []byte("LASTID"), streamIDArgv(g.LastID)}
}

// xgroupSetidArgv is how a group's progress propagates
// (streamPropagateGroupID).
func xgroupSetidArgv(key []byte, g *stream.Group) [][]byte {
	return [][]byte{[]byte("XGROUP"), []byte("SETID"), key, []byte(g.Name), streamIDArgv(g.LastID),
		[]byte("ENTRIESREAD"), itoa(g.EntriesRead)}
}

// ---- XGROUP

// xgroupTarget is the stream and group an XGROUP subcommand works on,
// looked up and checked as xgroupCommand does: the key must exist (unless
// mkstream), and the group too (unless needGroup is false).
func (c *Client) xgroupTarget(args [][]byte, mkstream, needGroup bool) (e *keyspace.Entry, g *stream.Group, ok bool) {
	if e, ok = c.lookupWriteType(args[2], keyspace.TypeStream); !ok {
		return nil, nil, false
	}
	if e == nil {
		if !mkstream {
			c.Error(errStreamXgroupNoKey)
			return nil, nil, false
		}
		return nil, nil, true
	}
	g = e.Stream().Group(string(args[3]))
	if g == nil && needGroup {
		c.Error(fmt.Sprintf(errStreamNoGroup, args[3], args[2]))
		return nil, nil, false
	}
	return e, g, true
}

// entriesReadArg parses ENTRIESREAD's value: positive or -1.
func (c *Client) entriesReadArg(b []byte) (int64, bool) {
	n, ok := c.intArg(b)
	if ok && n < 0 && n != stream.EntriesReadUnknown {
		c.Error(errStreamEntriesRead)
		return 0, false
	}
	return n, ok
}

// cmdXgroupCreate: XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n].
func cmdXgroupCreate(c *Client, args [][]byte) {
	mkstream, entriesRead := false, int64(stream.EntriesReadUnknown)
	for i := 5; i < len(args); i++ {
		switch opt := cString(args[i]); {
		case asciiEqualFold(opt, "mkstream"):
			mkstream = true
		case asciiEqualFold(opt, "entriesread") && i+1 < len(args):
			var ok bool
			if entriesRead, ok = c.entriesReadArg(args[i+1]); !ok {
				return
			}
			i++
		default:
			c.Error(fmt.Sprintf(errSubcommandArity, args[1], "XGROUP"))
			return
		}
	}
	e, _, ok := c.xgroupTarget(args, mkstream, false)
	if !ok {
		return
	}
	if len(args) > 8 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "XGROUP"))
		return
	}
	var id stream.ID
	if len(args[4]) == 1 && args[4][0] == '$' {
		if e != nil {
			id = e.Stream().LastID()
		}
	} else if id, ok = c.streamIDArg(args[4]); !ok {
		return
	}
	if e == nil {
		e = c.stamp(keyspace.NewStream(stream.New()))
		c.addKey(args[2], e)
		c.touch(args[2])
	}
	c.database().BeforeChange(e)
	if _, created := e.Stream().CreateGroup(string(args[3]), id, entriesRead); !created {
		c.Error(errStreamBusyGroup)
		return
	}
	c.OK()
	c.notify(notifyStream, "xgroup-create", args[2])
	c.propagate(args...)
}

// cmdXgroupSetid: XGROUP SETID key group id|$ [ENTRIESREAD n].
func cmdXgroupSetid(c *Client, args [][]byte) {
	entriesRead := int64(stream.EntriesReadUnknown)
	if len(args) == 7 {
		if !asciiEqualFold(cString(args[5]), "entriesread") {
			c.Error(fmt.Sprintf(errSubcommandArity, args[1], "XGROUP"))
			return
		}
		var ok bool
		if entriesRead, ok = c.entriesReadArg(args[6]); !ok {
			return
		}
	} else if len(args) != 5 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "XGROUP"))
		return
	}
	e, g, ok := c.xgroupTarget(args, false, true)
	if !ok {
		return
	}
	var id stream.ID
	if len(args[4]) == 1 && args[4][0] == '$' {
		id = e.Stream().LastID()
	} else if id, _, ok = parseStreamID(args[4], 0, false, false); !ok {
		c.Error(errStreamID)
		return
	}
	c.database().BeforeChange(e)
	g.LastID, g.EntriesRead = id, entriesRead
	c.OK()
	c.notify(notifyStream, "xgroup-setid", args[2])
	c.propagate(args...)
}

// cmdXgroupDestroy: XGROUP DESTROY key group — its blocked readers are
// answered with an error.
func cmdXgroupDestroy(c *Client, args [][]byte) {
	e, g, ok := c.xgroupTarget(args, false, false)
	if !ok {
		return
	}
	if g == nil {
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	e.Stream().DestroyGroup(g.Name)
	c.Int(1)
	c.notify(notifyStream, "xgroup-destroy", args[2])
	c.propagate(args...)
	c.srv.keyReady(c.db, str(args[2]))
}

// cmdXgroupCreateconsumer: XGROUP CREATECONSUMER key group consumer.
func cmdXgroupCreateconsumer(c *Client, args [][]byte) {
	e, g, ok := c.xgroupTarget(args, false, true)
	if !ok {
		return
	}
	c.database().BeforeChange(e)
	if _, created := g.CreateConsumer(string(args[4]), c.nowMs()); !created {
		c.Int(0)
		return
	}
	c.Int(1)
	c.notify(notifyStream, "xgroup-createconsumer", args[2])
	c.propagate(args...)
}

// cmdXgroupDelconsumer: XGROUP DELCONSUMER key group consumer — replies
// how many entries were pending for it, now pending for none.
func cmdXgroupDelconsumer(c *Client, args [][]byte) {
	e, g, ok := c.xgroupTarget(args, false, true)
	if !ok {
		return
	}
	consumer := g.Consumer(string(args[4]))
	if consumer == nil {
		c.Int(0)
		return
	}
	c.database().BeforeChange(e)
	pending := g.DeleteConsumer(consumer)
	c.Int(int64(pending))
	c.notify(notifyStream, "xgroup-delconsumer", args[2])
	c.propagate(args...)
}

func cmdXgroupHelp(c *Client, args [][]byte) {
	c.Help("XGROUP",
		"CREATE <key> <groupname> <id|$> [option]",
		"    Create a new consumer group. Options are:",
		"    * MKSTREAM",
		"      Create the empty stream if it does not exist.",
		"    * ENTRIESREAD entries_read",
		"      Set the group's entries_read counter (internal use).",
		"CREATECONSUMER <key> <groupname> <consumer>",
		"    Create a new consumer in the specified group.",
		"DELCONSUMER <key> <groupname> <consumer>",
		"    Remove the specified consumer.",
		"DESTROY <key> <groupname>",
		"    Remove the specified group.",
		"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
		"    Set the current group ID and entries_read counter.")
}

// ---- XACK, XPENDING, XCLAIM, XAUTOCLAIM

// streamGroupOf is key's stream and its group name, nil if either is
// missing; a key of another type answers WRONGTYPE (ok false).
func (c *Client) streamGroupOf(key, name []byte) (e *keyspace.Entry, g *stream.Group, ok bool) {
	if e, ok = c.lookupType(key, keyspace.TypeStream); !ok || e == nil {
		return nil, nil, ok
	}
	return e, e.Stream().Group(string(name)), true
}

// cmdXack: XACK key group id [id ...].
func cmdXack(c *Client, args [][]byte) {
	e, g, ok := c.streamGroupOf(args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Int(0)
		return
	}
	ids, ok := c.streamIDArgs(args[3:])
	if !ok {
		return
	}
	acked := 0
	for _, id := range ids {
		if g.Pending(id) == nil {
			continue
		}
		if acked == 0 {
			c.database().BeforeChange(e)
		}
		g.Ack(id)
		acked++
	}
	if acked > 0 {
		c.propagate(args...)
	}
	c.Int(int64(acked))
}

// cmdXpending: XPENDING key group [[IDLE min-idle] start end count
// [consumer]] — a summary, or the pending entries in the range.
func cmdXpending(c *Client, args [][]byte) {
	if len(args) != 3 && (len(args) < 6 || len(args) > 9) {
		c.Error(errSyntax)
		return
	}
	var start, end stream.ID
	var count, minIdle int64
	var consumerName []byte
	if len(args) >= 6 {
		at := 3
		if asciiEqualFold(cString(args[3]), "idle") {
			var ok bool
			if minIdle, ok = c.intArg(args[4]); !ok {
				return
			}
			if len(args) < 8 {
				c.Error(errSyntax)
				return
			}
			at += 2
		}
		var ok bool
		if count, ok = c.intArg(args[at+2]); !ok {
			return
		}
		count = max(count, 0)
		if start, end, ok = c.intervalArgs(args[at], args[at+1]); !ok {
			return
		}
		if at+3 < len(args) {
			consumerName = args[at+3]
		}
	}
	_, g, ok := c.streamGroupOf(args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Error(fmt.Sprintf(errStreamNoGroupPending, args[1], args[2]))
		return
	}
	if len(args) == 3 {
		c.pendingSummary(g)
		return
	}
	rangePending := g.PendingRange
	if consumerName != nil {
		consumer := g.Consumer(string(consumerName))
		if consumer == nil {
			c.Array(0)
			return
		}
		rangePending = consumer.PendingRange
	}
	now := c.nowMs()
	matches := func(id stream.ID, nack *stream.NACK) bool {
		return minIdle == 0 || now-nack.DeliveryTime >= minIdle
	}
	n := int64(0)
	rangePending(start, func(id stream.ID, nack *stream.NACK) bool {
		if n >= count || end.Less(id) {
			return false
		}
		if matches(id, nack) {
			n++
		}
		return true
	})
	c.Array(int(n))
	rangePending(start, func(id stream.ID, nack *stream.NACK) bool {
		if n == 0 {
			return false
		}
		if !matches(id, nack) {
			return true
		}
		n--
		c.Array(4)
		c.StreamID(id)
		c.BulkString(nack.Consumer.Name)
		c.Int(max(now-nack.DeliveryTime, 0))
		c.Int(int64(nack.DeliveryCount))
		return true
	})
}

// pendingSummary is XPENDING key group: the count, the smallest and
// greatest IDs, and each consumer with pending entries and how many (a
// bulk string, as Redis replies it).
func (c *Client) pendingSummary(g *stream.Group) {
	c.Array(4)
	c.Int(int64(g.PendingLen()))
	if g.PendingLen() == 0 {
		c.Null()
		c.Null()
		c.NullArray()
		return
	}
	c.StreamID(g.FirstPending())
	c.StreamID(g.LastPending())
	n := 0
	g.Consumers(func(consumer *stream.Consumer) bool {
		if consumer.PendingLen() > 0 {
			n++
		}
		return true
	})
	c.Array(n)
	g.Consumers(func(consumer *stream.Consumer) bool {
		if consumer.PendingLen() > 0 {
			c.Array(2)
			c.BulkString(consumer.Name)
			c.BulkInt(int64(consumer.PendingLen()))
		}
		return true
	})
}

// xclaimOptions are XCLAIM's options after its IDs.
type xclaimOptions struct {
	deliveryTime int64 // -1: now
	retryCount   int64 // -1: not given
	force        bool
	justID       bool
	lastID       stream.ID
}

// cmdXclaim: XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME unix-ms] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id] — each
// claim propagated as its own XCLAIM (streamPropagateXCLAIM).
func cmdXclaim(c *Client, args [][]byte) {
	e, g, ok := c.streamGroupOf(args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Error(fmt.Sprintf(errStreamNoGroupPending, args[1], args[2]))
		return
	}
	minIdle, ok := parseInt64(args[4])
	if !ok {
		c.Error(errXclaimMinIdle)
		return
	}
	minIdle = max(minIdle, 0)
	var ids []stream.ID
	j := 5
	for ; j < len(args); j++ {
		id, _, ok := parseStreamID(args[j], 0, true, false)
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	now := c.nowMs()
	opts := xclaimOptions{deliveryTime: -1, retryCount: -1}
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		switch opt := cString(args[j]); {
		case asciiEqualFold(opt, "force"):
			opts.force = true
		case asciiEqualFold(opt, "justid"):
			opts.justID = true
		case asciiEqualFold(opt, "idle") && more > 0:
			j++
			idle, ok := parseInt64(args[j])
			if !ok {
				c.Error(errXclaimIdle)
				return
			}
			opts.deliveryTime = now - idle
		case asciiEqualFold(opt, "time") && more > 0:
			j++
			if opts.deliveryTime, ok = parseInt64(args[j]); !ok {
				c.Error(errXclaimTime)
				return
			}
		case asciiEqualFold(opt, "retrycount") && more > 0:
			j++
			if opts.retryCount, ok = parseInt64(args[j]); !ok {
				c.Error(errXclaimRetryCount)
				return
			}
		case asciiEqualFold(opt, "lastid") && more > 0:
			j++
			if opts.lastID, ok = c.streamIDArg(args[j]); !ok {
				return
			}
		default:
			c.Error(fmt.Sprintf(errXclaimOption, opt))
			return
		}
	}
	if opts.deliveryTime < 0 || opts.deliveryTime > now {
		opts.deliveryTime = now
	}
	c.database().BeforeChange(e)
	s := e.Stream()
	var effects [][][]byte
	propagateLastID := false
	if g.LastID.Less(opts.lastID) {
		g.LastID, propagateLastID = opts.lastID, true
	}
	src := &xreadSource{key: args[1], e: e, group: g}
	var consumer *stream.Consumer
	var claimed []stream.ID
	for _, id := range ids {
		nack := g.Pending(id)
		if !streamHas(s, id) {
			if nack != nil {
				effects = append(effects, xclaimArgv(args[1], g, id, nack))
				propagateLastID = false
				g.Ack(id)
			}
			continue
		}
		if opts.force && nack == nil {
			nack = &stream.NACK{}
			g.AddPending(id, nack)
		}
		if nack == nil || nack.Consumer != nil && minIdle > 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if consumer == nil {
			consumer, _ = c.streamConsumer(src, g, args[3])
		}
		nack.DeliveryTime = opts.deliveryTime
		switch {
		case opts.retryCount >= 0:
			nack.DeliveryCount = uint64(opts.retryCount)
		case !opts.justID:
			nack.DeliveryCount++
		}
		g.SetOwner(id, nack, consumer)
		claimed = append(claimed, id)
		effects = append(effects, xclaimArgv(args[1], g, id, nack))
		propagateLastID = false
	}
	if propagateLastID {
		effects = append(effects, xgroupSetidArgv(args[1], g))
	}
	c.Array(len(claimed))
	for _, id := range claimed {
		if opts.justID {
			c.StreamID(id)
		} else {
			c.streamEntryOrNull(s, id, id, false)
		}
	}
	if len(effects) > 0 {
		c.propagateAll(effects)
	}
}

// streamHas reports whether the stream has entry id (streamEntryExists).
func streamHas(s *stream.Stream, id stream.ID) bool {
	var it stream.Iter
	s.RangeInto(&it, id, id, false)
	return it.Next()
}

// cmdXautoclaim: XAUTOCLAIM key group consumer min-idle-time start [COUNT
// count] [JUSTID] — claims from the group's PEL from start, replying the
// cursor to go on from, the entries claimed, and the IDs found deleted
// (dropped from the PEL).
func cmdXautoclaim(c *Client, args [][]byte) {
	minIdle, ok := parseInt64(args[4])
	if !ok {
		c.Error(errXautoclaimMinIdle)
		return
	}
	minIdle = max(minIdle, 0)
	start, ok := c.intervalStart(args[5])
	if !ok {
		return
	}
	count, justID := int64(100), false
	const attemptsFactor = 10
	for j := 6; j < len(args); j++ {
		switch opt := cString(args[j]); {
		case asciiEqualFold(opt, "count") && j+1 < len(args):
			if count, ok = c.rangeArg(args[j+1], 1, math.MaxInt64/16, errXautoclaimCount); !ok {
				return
			}
			j++
		case asciiEqualFold(opt, "justid"):
			justID = true
		default:
			c.Error(errSyntax)
			return
		}
	}
	e, g, ok := c.streamGroupOf(args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Error(fmt.Sprintf(errStreamNoGroupPending, args[1], args[2]))
		return
	}
	c.database().BeforeChange(e)
	s := e.Stream()
	src := &xreadSource{key: args[1], e: e, group: g}
	now := c.nowMs()
	var consumer *stream.Consumer
	var effects [][][]byte
	var claimedIDs, deleted []stream.ID
	attempts := count * attemptsFactor
	cursor, more := start, true
	for ; attempts > 0 && count > 0; attempts-- {
		id, nack, found := nextPending(g, cursor)
		if !found {
			more = false
			break
		}
		cursor, more = id.Incr()
		if !streamHas(s, id) {
			effects = append(effects, xclaimArgv(args[1], g, id, nack))
			g.Ack(id)
			deleted = append(deleted, id)
			count--
		} else if minIdle == 0 || now-nack.DeliveryTime >= minIdle {
			if consumer == nil {
				consumer, _ = c.streamConsumer(src, g, args[3])
			}
			nack.DeliveryTime = now
			if !justID {
				nack.DeliveryCount++
			}
			g.SetOwner(id, nack, consumer)
			claimedIDs = append(claimedIDs, id)
			count--
			effects = append(effects, xclaimArgv(args[1], g, id, nack))
		}
		if !more {
			break
		}
	}
	next := stream.ID{}
	if more {
		if id, _, found := nextPending(g, cursor); found {
			next = id
		}
	}
	c.Array(3)
	c.StreamID(next)
	c.Array(len(claimedIDs))
	for _, id := range claimedIDs {
		if justID {
			c.StreamID(id)
		} else {
			c.streamEntryOrNull(s, id, id, false)
		}
	}
	c.Array(len(deleted))
	for _, id := range deleted {
		c.StreamID(id)
	}
	if len(effects) > 0 {
		c.propagateAll(effects)
	}
}

// nextPending is the group's first pending entry at or after from.
func nextPending(g *stream.Group, from stream.ID) (id stream.ID, nack *stream.NACK, found bool) {
	g.PendingRange(from, func(pid stream.ID, n *stream.NACK) bool {
		id, nack, found = pid, n, true
		return false
	})
	return id, nack, found
}

// ---- XINFO

// cmdXinfoConsumers: XINFO CONSUMERS key group.
func cmdXinfoConsumers(c *Client, args [][]byte) {
	s, ok := c.xinfoStream(args[2])
	if !ok {
		return
	}
	g := s.Group(string(args[3]))
	if g == nil {
		c.Error(fmt.Sprintf(errStreamNoGroup, args[3], args[2]))
		return
	}
	now := time.Now().UnixMilli()
	c.Array(g.NumConsumers())
	g.Consumers(func(consumer *stream.Consumer) bool {
		c.Map(3)
		c.BulkString("name")
		c.BulkString(consumer.Name)
		c.BulkString("pending")
		c.Int(int64(consumer.PendingLen()))
		c.BulkString("idle")
		c.Int(max(now-consumer.SeenTime, 0))
		return true
	})
}

// cmdXinfoGroups: XINFO GROUPS key.
func cmdXinfoGroups(c *Client, args [][]byte) {
	s, ok := c.xinfoStream(args[2])
	if !ok {
		return
	}
	c.Array(s.NumGroups())
	s.Groups(func(g *stream.Group) bool {
		c.Map(6)
		c.BulkString("name")
		c.BulkString(g.Name)
		c.BulkString("consumers")
		c.Int(int64(g.NumConsumers()))
		c.BulkString("pending")
		c.Int(int64(g.PendingLen()))
		c.BulkString("last-delivered-id")
		c.StreamID(g.LastID)
		c.groupCounters(s, g)
		return true
	})
}

// groupCounters replies a group's entries-read and lag fields.
func (c *Client) groupCounters(s *stream.Stream, g *stream.Group) {
	c.BulkString("entries-read")
	if g.EntriesRead != stream.EntriesReadUnknown {
		c.Int(g.EntriesRead)
	} else {
		c.Null()
	}
	c.BulkString("lag")
	if lag, ok := s.Lag(g); ok {
		c.Int(lag)
	} else {
		c.Null()
	}
}

// cmdXinfoStream: XINFO STREAM key [FULL [COUNT count]].
func cmdXinfoStream(c *Client, args [][]byte) {
	s, ok := c.xinfoStream(args[2])
	if !ok {
		return
	}
	full, count := len(args) > 3, int64(10)
	if full {
		if len(args) != 4 && len(args) != 6 || !asciiEqualFold(cString(args[3]), "full") ||
			len(args) == 6 && !asciiEqualFold(cString(args[4]), "count") {
			c.Error(fmt.Sprintf(errSubcommandArity, args[1], "XINFO"))
			return
		}
		if len(args) == 6 {
			if count, ok = c.intArg(args[5]); !ok {
				return
			}
			if count < 0 {
				count = 10
			}
		}
	}
	if full {
		c.Map(9)
	} else {
		c.Map(10)
	}
	c.BulkString("length")
	c.Int(int64(s.Len()))
	c.BulkString("radix-tree-keys")
	c.Int(int64(s.NodeCount()))
	c.BulkString("radix-tree-nodes")
	c.Int(int64(s.RaxNodes()))
	c.BulkString("last-generated-id")
	c.StreamID(s.LastID())
	c.BulkString("max-deleted-entry-id")
	c.StreamID(s.MaxDeletedID())
	c.BulkString("entries-added")
	c.Int(int64(s.EntriesAdded()))
	c.BulkString("recorded-first-entry-id")
	c.StreamID(s.FirstID())
	if !full {
		c.BulkString("groups")
		c.Int(int64(s.NumGroups()))
		c.BulkString("first-entry")
		c.streamEntryOrNull(s, stream.ID{}, stream.MaxID, false)
		c.BulkString("last-entry")
		c.streamEntryOrNull(s, stream.ID{}, stream.MaxID, true)
		return
	}
	c.BulkString("entries")
	c.streamRange(s, stream.ID{}, stream.MaxID, count, false)
	c.BulkString("groups")
	c.Array(s.NumGroups())
	s.Groups(func(g *stream.Group) bool {
		c.xinfoFullGroup(s, g, count)
		return true
	})
}

// xinfoFullGroup is a group in XINFO STREAM FULL: its PEL and consumers,
// count of each PEL at most (0: all).
func (c *Client) xinfoFullGroup(s *stream.Stream, g *stream.Group, count int64) {
	c.Map(7)
	c.BulkString("name")
	c.BulkString(g.Name)
	c.BulkString("last-delivered-id")
	c.StreamID(g.LastID)
	c.groupCounters(s, g)
	c.BulkString("pel-count")
	c.Int(int64(g.PendingLen()))
	c.BulkString("pending")
	c.fullPending(g.PendingRange, g.PendingLen(), count, true)
	c.BulkString("consumers")
	c.Array(g.NumConsumers())
	g.Consumers(func(consumer *stream.Consumer) bool {
		c.Map(4)
		c.BulkString("name")
		c.BulkString(consumer.Name)
		c.BulkString("seen-time")
		c.Int(consumer.SeenTime)
		c.BulkString("pel-count")
		c.Int(int64(consumer.PendingLen()))
		c.BulkString("pending")
		c.fullPending(consumer.PendingRange, consumer.PendingLen(), count, false)
		return true
	})
}

// fullPending replies a PEL of pending entries as XINFO STREAM FULL
// lists it: at most count of them (0: all), each its ID, the consumer's
// name (a group's PEL), the last delivery time and the deliveries.
func (c *Client) fullPending(rangePEL func(stream.ID, func(stream.ID, *stream.NACK) bool), pending int, count int64, withConsumer bool) {
	c.Array(limitedLen(pending, count))
	n := int64(0)
	rangePEL(stream.ID{}, func(id stream.ID, nack *stream.NACK) bool {
		if count != 0 && n == count {
			return false
		}
		n++
		if withConsumer {
			c.Array(4)
			c.StreamID(id)
			c.BulkString(nack.Consumer.Name)
		} else {
			c.Array(3)
			c.StreamID(id)
		}
		c.Int(nack.DeliveryTime)
		c.Int(int64(nack.DeliveryCount))
		return true
	})
}

// limitedLen is n, at most limit unless limit is 0.
func limitedLen(n int, limit int64) int {
	if limit != 0 && int64(n) > limit {
		return int(limit)
	}
	return n
}

// xinfoStream is the stream XINFO asks about: a missing key is an error.
func (c *Client) xinfoStream(key []byte) (*stream.Stream, bool) {
	e, ok := c.lookupType(key, keyspace.TypeStream)
	switch {
	case !ok:
		return nil, false
	case e == nil:
		c.Error(errNoSuchKey)
		return nil, false
	}
	return e.Stream(), true
}

func cmdXinfoHelp(c *Client, args [][]byte) {
	c.Help("XINFO",
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.")
}
