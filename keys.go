package main

// The generic key commands, as Redis's db.c, expire.c and object.c: delete,
// inspect, iterate, rename, copy and move keys, their TTLs, and the database
// commands SELECT, SWAPDB, DBSIZE, FLUSHDB and FLUSHALL.
//
// Lookups follow Redis's flags: commands that only inspect a key (EXISTS,
// TYPE, TTL, OBJECT) use lookupNoTouch, so looking does not make a key seem
// recently used to eviction; write commands use lookupWrite, which counts no
// keyspace hit or miss. Either way a key whose TTL has passed is deleted (and
// the DEL propagated) before the command sees the keyspace.

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"respd/internal/glob"
	"respd/internal/keyspace"
)

func cmdDel(c *Client, args [][]byte) {
	db := c.database()
	var deleted int64
	for _, key := range args[1:] {
		if c.lookupWrite(key) != nil && db.Delete(str(key)) {
			c.touch(key)
			deleted++
		}
	}
	if deleted > 0 {
		c.propagate(args...)
	}
	c.Int(deleted)
}

// cmdUnlink is DEL: Go's collector already frees the values in the
// background. It propagates as UNLINK, as Redis does.
func cmdUnlink(c *Client, args [][]byte) { cmdDel(c, args) }

// cmdExists counts every argument that names a live key, so a key given
// twice counts twice.
func cmdExists(c *Client, args [][]byte) {
	var n int64
	for _, key := range args[1:] {
		if c.lookupNoTouch(str(key)) != nil {
			n++
		}
	}
	c.Int(n)
}

func cmdType(c *Client, args [][]byte) {
	c.Simple(typeName(c.lookupNoTouch(str(args[1]))))
}

// typeName is TYPE's answer for an entry, "none" for a missing key.
func typeName(e *keyspace.Entry) string {
	if e == nil {
		return "none"
	}
	return e.Type.String()
}

func cmdKeys(c *Client, args [][]byte) {
	pattern := str(args[1])
	// glob never matches the empty key, so Redis special-cases "*".
	all := pattern == "*"
	now := c.nowMs()
	var keys []string
	c.database().ForEach(func(e *keyspace.Entry) {
		if (all || glob.MatchString(pattern, e.Key)) && !keyExpired(e, now) {
			keys = append(keys, e.Key)
		}
	})
	c.BulkStrings(keys)
}

// cmdScan is SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The
// cursor is the dict's reverse-binary cursor, which returns every key present
// for the whole iteration at least once, even across resizes. Like Redis, a
// call visits buckets until it has collected COUNT keys (or ten times COUNT
// buckets), then filters them, so a call may return fewer keys, or none.
func cmdScan(c *Client, args [][]byte) {
	cursor, ok := parseCursor(args[1])
	if !ok {
		c.Error(errInvalidCursor)
		return
	}
	count := int64(10)
	var pattern, typ string
	usePattern, useType := false, false
	for i := 2; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		switch strings.ToLower(string(args[i])) {
		case "count":
			if count, ok = c.intArg(args[i+1]); !ok {
				return
			}
			if count < 1 {
				c.Error(errSyntax)
				return
			}
		case "match":
			pattern = string(args[i+1])
			usePattern = pattern != "*"
		case "type":
			// Type names are ASCII, so lowering compares as strcasecmp.
			typ, useType = strings.ToLower(string(args[i+1])), true
		default:
			c.Error(errSyntax)
			return
		}
	}

	db := c.database()
	var keys []string
	collect := func(e *keyspace.Entry) { keys = append(keys, e.Key) }
	// Redis's loop, with C's wrapping arithmetic on a huge COUNT.
	for maxIterations := count * 10; ; maxIterations-- {
		cursor = db.Scan(cursor, collect)
		if cursor == 0 || maxIterations == 0 || int64(len(keys)) >= count {
			break
		}
	}

	// Filter, in Redis's order. The TYPE check is a read lookup, which
	// deletes an expired key, so "TYPE none" reports it as Redis 7.0 does.
	now := c.nowMs()
	found := keys[:0]
	for _, key := range keys {
		if usePattern && !glob.MatchString(pattern, key) {
			continue
		}
		if useType && typeName(c.lookupNoTouch(key)) != typ {
			continue
		}
		if e := db.Peek(key); e != nil && keyExpired(e, now) {
			c.srv.ks.Lookup(c.db, key, now, false) // deletes it (on a master)
			continue
		}
		found = append(found, key)
	}
	c.Array(2)
	c.Bulk(strconv.AppendUint(nil, cursor, 10))
	c.BulkStrings(found)
}

// parseCursor reads a SCAN cursor as Redis does with C's strtoul: decimal
// digits with an optional sign (a negative cursor wraps around), nothing
// before or after them. The argument ends at a NUL as a C string would, and
// an empty one is cursor 0.
func parseCursor(b []byte) (uint64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, true
	}
	neg := b[0] == '-'
	if b[0] == '-' || b[0] == '+' {
		b = b[1:]
	}
	// ParseUint takes no sign or space, so those after the first are errors.
	n, err := strconv.ParseUint(str(b), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func cmdRandomkey(c *Client, args [][]byte) {
	e := c.randomLiveKey()
	if e == nil {
		c.Null()
		return
	}
	c.BulkString(e.Key)
}

// randomLiveKey is Redis's dbRandomKey: sample keys, deleting the expired
// ones met on the way. Redis keeps sampling on a master; respd gives up
// after 100 expired keys (answering nil) so that a mass expiry cannot hold
// the lock for a long time. A replica, which cannot delete, returns an
// expired name after 100 tries when every key has a TTL, as Redis does.
func (c *Client) randomLiveKey() *keyspace.Entry {
	const maxTries = 100
	ks, db := c.srv.ks, c.database()
	allVolatile := db.Len() == db.Volatile()
	now := c.nowMs()
	for tries := maxTries; ; {
		e := ks.Random(c.db)
		if e == nil || !keyExpired(e, now) {
			return e
		}
		tries--
		if ks.KeepsExpired(now) {
			if allVolatile && tries == 0 {
				return e
			}
			continue
		}
		ks.Lookup(c.db, e.Key, now, false) // deletes it
		if tries == 0 {
			return nil
		}
	}
}

func cmdRename(c *Client, args [][]byte)   { rename(c, args, false) }
func cmdRenamenx(c *Client, args [][]byte) { rename(c, args, true) }

// rename moves the value and TTL of args[1] to args[2]. Renaming a key to
// itself succeeds without a change (RENAMENX answers 0), but still needs
// the key to exist.
func rename(c *Client, args [][]byte, nx bool) {
	src, dst := args[1], args[2]
	e := c.lookupWrite(src)
	switch {
	case e == nil:
		c.Error(errNoSuchKey)
		return
	case bytes.Equal(src, dst):
		c.renameReply(nx, false)
		return
	case c.lookupWrite(dst) != nil && nx:
		c.renameReply(nx, false)
		return
	}
	db := c.database()
	db.Delete(e.Key)
	db.Set(string(dst), e, false) // e.Expire moves with it
	c.touch(src)
	c.touch(dst)
	c.propagate(args...)
	c.renameReply(nx, true)
}

func (c *Client) renameReply(nx, renamed bool) {
	switch {
	case !nx:
		c.OK()
	case renamed:
		c.Int(1)
	default:
		c.Int(0)
	}
}

// cmdCopy is COPY source destination [DB index] [REPLACE].
func cmdCopy(c *Client, args [][]byte) {
	src, dst := args[1], args[2]
	dstIndex, replace := c.db, false
	for i := 3; i < len(args); i++ {
		switch opt := strings.ToLower(string(args[i])); {
		case opt == "replace":
			replace = true
		case opt == "db" && i+1 < len(args):
			n, ok := c.dbIndexArg(args[i+1])
			if !ok {
				return
			}
			dstIndex = n
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	if dstIndex == c.db && bytes.Equal(src, dst) {
		c.Error(errSameObject)
		return
	}
	e := c.lookup(src)
	if e == nil {
		c.Int(0)
		return
	}
	if c.srv.ks.Lookup(dstIndex, str(dst), c.nowMs(), false) != nil && !replace {
		c.Int(0)
		return
	}
	copied := copyValue(e, c.lruClock())
	copied.Expire = e.Expire
	dstDB := c.srv.ks.DBs[dstIndex]
	dstDB.Set(string(dst), copied, false)
	dstDB.Touch(str(dst))
	c.propagate(args...)
	c.Int(1)
}

// copyValue returns a new entry holding a deep copy of e's value, without
// key or TTL, as Redis's COPY duplicates the object by type. Each type's
// case copies its own structure.
func copyValue(e *keyspace.Entry, access uint32) *keyspace.Entry {
	copied := &keyspace.Entry{Type: e.Type, Access: access}
	switch e.Type {
	case keyspace.TypeString:
		copied.Str = bytes.Clone(e.Str)
		copied.RawString = e.RawString
	default:
		panic("copyValue: no copy for type " + e.Type.String())
	}
	return copied
}

func cmdMove(c *Client, args [][]byte) {
	key := args[1]
	dstIndex, ok := c.dbIndexArg(args[2])
	if !ok {
		return
	}
	if dstIndex == c.db {
		c.Error(errSameObject)
		return
	}
	e := c.lookupWrite(key)
	if e == nil || c.srv.ks.Lookup(dstIndex, str(key), c.nowMs(), false) != nil {
		c.Int(0)
		return
	}
	dstDB := c.srv.ks.DBs[dstIndex]
	c.database().Delete(e.Key)
	dstDB.Set(e.Key, e, false) // e.Expire moves with it
	c.touch(key)
	dstDB.Touch(str(key))
	c.propagate(args...)
	c.Int(1)
}

// cmdTouch counts the keys that exist, updating their access time.
func cmdTouch(c *Client, args [][]byte) {
	var n int64
	for _, key := range args[1:] {
		if c.lookup(key) != nil {
			n++
		}
	}
	c.Int(n)
}

func cmdExpire(c *Client, args [][]byte)    { expire(c, args, "expire", c.nowMs(), 1000) }
func cmdPexpire(c *Client, args [][]byte)   { expire(c, args, "pexpire", c.nowMs(), 1) }
func cmdExpireat(c *Client, args [][]byte)  { expire(c, args, "expireat", 0, 1000) }
func cmdPexpireat(c *Client, args [][]byte) { expire(c, args, "pexpireat", 0, 1) }

// expire is the EXPIRE family: args[2] counts units of unit ms from base
// (now, or 0 for a Unix time). A time already past deletes the key (except
// on a replica, which waits for its master's DEL).
func expire(c *Client, args [][]byte, name string, base, unit int64) {
	key := args[1]
	cond, ok := c.expireConditionArgs(args[3:])
	if !ok {
		return
	}
	when, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if when > (math.MaxInt64-base)/unit || when < math.MinInt64/unit {
		c.Error(fmt.Sprintf(errInvalidExpire, name))
		return
	}
	when = when*unit + base
	e := c.lookupWrite(key)
	if e == nil || !cond.allows(e.Expire, when) {
		c.Int(0)
		return
	}
	db := c.database()
	if when <= c.nowMs() && !c.srv.ks.Replica {
		db.Delete(e.Key)
		c.changed(key, []byte("DEL"), key)
	} else {
		db.SetExpire(e, when)
		c.changed(key, []byte("PEXPIREAT"), key, itoa(when))
	}
	c.Int(1)
}

// expireCondition is the NX/XX/GT/LT options of the EXPIRE family.
type expireCondition struct{ nx, xx, gt, lt bool }

func (c *Client) expireConditionArgs(opts [][]byte) (cond expireCondition, ok bool) {
	for _, opt := range opts {
		switch strings.ToLower(string(opt)) {
		case "nx":
			cond.nx = true
		case "xx":
			cond.xx = true
		case "gt":
			cond.gt = true
		case "lt":
			cond.lt = true
		default:
			c.Error(fmt.Sprintf(errUnsupportedOption, opt))
			return cond, false
		}
	}
	switch {
	case cond.nx && (cond.xx || cond.gt || cond.lt):
		c.Error(errExpireOptions)
		return cond, false
	case cond.gt && cond.lt:
		c.Error(errGTLTNX)
		return cond, false
	}
	return cond, true
}

// allows reports whether a key whose TTL is cur (0 for none) may get the
// expiry time at. No TTL counts as infinite: GT never passes it, LT always.
func (cond expireCondition) allows(cur, at int64) bool {
	switch {
	case cond.nx && cur != 0, cond.xx && cur == 0:
		return false
	case cond.gt && (cur == 0 || at <= cur):
		return false
	case cond.lt && cur != 0 && at >= cur:
		return false
	}
	return true
}

func cmdTtl(c *Client, args [][]byte)         { ttl(c, args[1], false, false) }
func cmdPttl(c *Client, args [][]byte)        { ttl(c, args[1], true, false) }
func cmdExpiretime(c *Client, args [][]byte)  { ttl(c, args[1], false, true) }
func cmdPexpiretime(c *Client, args [][]byte) { ttl(c, args[1], true, true) }

// ttl answers the remaining time to live (or, with abs, the expiry as a
// Unix time) in ms or rounded seconds: -2 for a missing key, -1 for no TTL.
func ttl(c *Client, key []byte, ms, abs bool) {
	e := c.lookupNoTouch(str(key))
	switch {
	case e == nil:
		c.Int(-2)
		return
	case e.Expire == 0:
		c.Int(-1)
		return
	}
	t := e.Expire
	if !abs {
		t -= c.nowMs()
	}
	t = max(t, 0)
	if !ms {
		// Rounded without overflow near MaxInt64, as Redis's compiled
		// arithmetic answers.
		t = int64((uint64(t) + 500) / 1000)
	}
	c.Int(t)
}

func cmdPersist(c *Client, args [][]byte) {
	e := c.lookupWrite(args[1])
	if e == nil || e.Expire == 0 {
		c.Int(0)
		return
	}
	c.database().SetExpire(e, 0)
	c.changed(args[1], args...)
	c.Int(1)
}

func cmdObjectEncoding(c *Client, args [][]byte) {
	if e := c.objectLookup(args[2]); e != nil {
		c.BulkString(encoding(e))
	}
}

// encoding is the name Redis gives the representation it would use for e's
// value. Each type's case names its own.
func encoding(e *keyspace.Entry) string {
	switch e.Type {
	case keyspace.TypeString:
		return stringEncoding(e)
	default:
		panic("encoding: no encoding for type " + e.Type.String())
	}
}

// stringEncoding: Redis stores a canonical integer as "int", a string of up
// to 44 bytes in one allocation with its object ("embstr"), longer ones and
// strings modified in place as "raw".
func stringEncoding(e *keyspace.Entry) string {
	switch {
	case e.RawString:
		return "raw"
	case isIntString(e.Str):
		return "int"
	case len(e.Str) <= 44:
		return "embstr"
	default:
		return "raw"
	}
}

func isIntString(b []byte) bool {
	_, ok := parseInt64(b)
	return ok
}

func cmdObjectRefcount(c *Client, args [][]byte) {
	e := c.objectLookup(args[2])
	if e == nil {
		return
	}
	if e.Type == keyspace.TypeString && stringEncoding(e) == "int" && c.sharedInteger(e.Str) {
		c.Int(math.MaxInt32)
		return
	}
	c.Int(1)
}

// sharedInteger reports whether Redis would store b as one of its shared
// objects for the integers 0..9999 (reported with refcount INT_MAX). It
// does not when LRU/LFU eviction needs each key's own access time. Redis
// decides when the value is written; respd answers by the configuration in
// force now.
func (c *Client) sharedInteger(b []byte) bool {
	n, _ := parseInt64(b)
	policy := c.srv.cfg.MaxMemoryPolicy
	evictsByAccess := c.srv.cfg.MaxMemory != 0 && (strings.HasSuffix(policy, "-lru") || strings.HasSuffix(policy, "-lfu"))
	return n >= 0 && n < 10000 && !evictsByAccess
}

func cmdObjectIdletime(c *Client, args [][]byte) {
	e := c.objectLookup(args[2])
	if e == nil {
		return
	}
	if c.lfuPolicy() {
		c.Error(errLFUSelected)
		return
	}
	c.Int(c.idleSeconds(e))
}

// idleSeconds is the time since e was last accessed, on Redis's 24-bit
// wrapping LRU clock.
func (c *Client) idleSeconds(e *keyspace.Entry) int64 {
	now := c.lruClock()
	if now >= e.Access {
		return int64(now - e.Access)
	}
	return int64(now + (keyspace.LRUClockMax - e.Access))
}

// cmdObjectFreq: respd keeps no LFU counter, so under an LFU policy it
// answers for a key accessed once, LFU_INIT_VAL (5) decayed by one per idle
// minute (lfu-decay-time's default), as Redis's LFUDecrAndReturn would.
func cmdObjectFreq(c *Client, args [][]byte) {
	const lfuInitVal = 5
	e := c.objectLookup(args[2])
	if e == nil {
		return
	}
	if !c.lfuPolicy() {
		c.Error(errLFUNotSelected)
		return
	}
	c.Int(max(lfuInitVal-c.idleSeconds(e)/60, 0))
}

// objectLookup is OBJECT's lookup: nil (after replying null) for a
// missing key.
func (c *Client) objectLookup(key []byte) *keyspace.Entry {
	e := c.lookupNoTouch(str(key))
	if e == nil {
		c.Null()
	}
	return e
}

// lfuPolicy reports whether maxmemory-policy is an LFU one, under which
// Redis tracks access frequency instead of idle time.
func (c *Client) lfuPolicy() bool {
	return strings.HasSuffix(c.srv.cfg.MaxMemoryPolicy, "-lfu")
}

func cmdObjectHelp(c *Client, args [][]byte) {
	c.Help("OBJECT",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.")
}

// cmdMemoryUsage is MEMORY USAGE key [SAMPLES count]. Like Redis it looks
// at the dict directly: no expiry check, no statistics.
func cmdMemoryUsage(c *Client, args [][]byte) {
	samples := int64(5)
	for i := 3; i < len(args); i += 2 {
		if strings.ToLower(string(args[i])) != "samples" || i+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		n, ok := c.intArg(args[i+1])
		if !ok {
			return
		}
		if n < 0 {
			c.Error(errSyntax)
			return
		}
		samples = n
		if samples == 0 {
			samples = math.MaxInt64
		}
	}
	e := c.database().Peek(str(args[2]))
	if e == nil {
		c.Null()
		return
	}
	c.Int(memoryUsage(e, samples))
}

// Sizes of Redis 7's structures on 64-bit platforms.
const (
	robjSize      = 16 // robj: type, encoding, lru, refcount, ptr
	dictEntrySize = 24 // key, value, next
	embstrHeader  = 3  // the sdshdr8 inside an embstr object
)

// memoryUsage estimates the bytes key and value would take in Redis 7 with
// jemalloc: the key's sds, its dict entry and the value. For strings the
// figure is Redis's own (except for strings grown by APPEND, whose spare
// room Redis counts too). samples bounds how many elements of an aggregate
// value are measured; each type's case sizes its own value.
func memoryUsage(e *keyspace.Entry, samples int64) int64 {
	n := sdsAllocSize(len(e.Key)) + dictEntrySize
	switch e.Type {
	case keyspace.TypeString:
		switch stringEncoding(e) {
		case "int":
			n += robjSize
		case "embstr":
			n += jemallocSize(robjSize + embstrHeader + len(e.Str) + 1)
		default:
			n += robjSize + sdsAllocSize(len(e.Str))
		}
	default:
		panic("memoryUsage: no size for type " + e.Type.String())
	}
	return n
}

// sdsAllocSize is the allocation of an sds string of n bytes: the smallest
// header that holds its length, the bytes, and a NUL.
func sdsAllocSize(n int) int64 {
	var header int
	switch {
	case n < 1<<5:
		header = 1 // sdshdr5
	case n < 1<<8:
		header = 3
	case n < 1<<16:
		header = 5
	case n < 1<<32:
		header = 9
	default:
		header = 17
	}
	return jemallocSize(header + n + 1)
}

// jemallocSize is the size class jemalloc rounds a request of n bytes up
// to: 8, multiples of 16 up to 128, then four classes per power of two.
func jemallocSize(n int) int64 {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return int64((n + 15) &^ 15)
	}
	spacing := 1 << (bits.Len(uint(n-1)) - 3)
	return int64((n + spacing - 1) &^ (spacing - 1))
}

func cmdMemoryHelp(c *Client, args [][]byte) {
	c.Help("MEMORY",
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).")
}

func cmdSelect(c *Client, args [][]byte) {
	if n, ok := c.dbIndexArg(args[1]); ok {
		c.db = n
		c.OK()
	}
}

// dbIndexArg parses a database number as SELECT, MOVE and COPY do in Redis
// (an int, then a database that exists), replying with the matching error.
func (c *Client) dbIndexArg(b []byte) (int, bool) {
	n, ok := c.intArg(b)
	switch {
	case !ok:
		return 0, false
	case n < math.MinInt32 || n > math.MaxInt32:
		c.Error(fmt.Sprintf(errValueRange, math.MinInt32, math.MaxInt32))
		return 0, false
	case n < 0 || n >= int64(len(c.srv.ks.DBs)):
		c.Error(errDBIndex)
		return 0, false
	}
	return int(n), true
}

// cmdSwapdb exchanges two databases' contents; clients stay on their
// database number. A transaction watching a key that exists on either side
// fails, as the key's value changes under it.
func cmdSwapdb(c *Client, args [][]byte) {
	a, okA := parseInt32(args[1])
	if !okA {
		c.Error(errSwapdbFirstIndex)
		return
	}
	b, okB := parseInt32(args[2])
	if !okB {
		c.Error(errSwapdbSecondIndex)
		return
	}
	ks := c.srv.ks
	if a < 0 || a >= len(ks.DBs) || b < 0 || b >= len(ks.DBs) {
		c.Error(errDBIndex)
		return
	}
	if a != b {
		ks.DBs[a].TouchAll(ks.DBs[b])
		ks.DBs[b].TouchAll(ks.DBs[a])
		ks.Swap(a, b)
	}
	c.propagate(args...)
	c.OK()
}

func parseInt32(b []byte) (int, bool) {
	n, ok := parseInt64(b)
	return int(n), ok && n >= math.MinInt32 && n <= math.MaxInt32
}

func cmdDbsize(c *Client, args [][]byte) { c.Int(int64(c.database().Len())) }

// cmdFlushdb empties the client's database. Like Redis it propagates even
// when the database was already empty.
func cmdFlushdb(c *Client, args [][]byte) {
	if !c.flushArgs(args) {
		return
	}
	db := c.database()
	db.TouchAll(nil)
	db.Flush()
	c.propagate(args...)
	c.OK()
}

func cmdFlushall(c *Client, args [][]byte) {
	if !c.flushArgs(args) {
		return
	}
	for _, db := range c.srv.ks.DBs {
		db.TouchAll(nil)
		db.Flush()
	}
	c.propagate(args...)
	c.srv.afterFlushAll()
	c.OK()
}

// flushArgs checks FLUSHDB/FLUSHALL's optional SYNC|ASYNC. Both mean the
// same here: dropping the tables is O(1) and the collector frees the rest.
func (c *Client) flushArgs(args [][]byte) bool {
	if len(args) == 1 {
		return true
	}
	if opt := strings.ToLower(string(args[1])); len(args) == 2 && (opt == "sync" || opt == "async") {
		return true
	}
	c.Error(errSyntax)
	return false
}

// keyExpired reports whether e's TTL has passed at now (ms).
func keyExpired(e *keyspace.Entry, now int64) bool {
	return e.Expire != 0 && e.Expire <= now
}
