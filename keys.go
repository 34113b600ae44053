package main

// The generic key commands, as Redis's db.c: delete, inspect, iterate,
// rename, copy and move keys, and the database commands SELECT, SWAPDB,
// DBSIZE, FLUSHDB and FLUSHALL. TTLs are in expire.go, OBJECT and MEMORY in
// object.go.
//
// Lookups follow Redis's flags: commands that only inspect a key (EXISTS,
// TYPE, TTL, OBJECT) leave its idle time alone, so looking does not make a
// key seem recently used to eviction; write commands use lookupWrite, which
// counts no keyspace hit or miss and reports no "keymiss". Either way a key
// whose TTL has passed is deleted (and the DEL propagated) before the
// command sees the keyspace.

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"respd/internal/glob"
	"respd/internal/keyspace"
	"respd/internal/redisconv"
)

// cmdDel frees lazily under lazyfree-lazy-user-del (lazyfree.go).
func cmdDel(c *Client, args [][]byte) { c.deleteKeys(args, c.srv.cfg.LazyfreeUserDel) }

// cmdUnlink is DEL freeing lazily. It propagates as UNLINK, as Redis does.
func cmdUnlink(c *Client, args [][]byte) { c.deleteKeys(args, true) }

func (c *Client) deleteKeys(args [][]byte, lazy bool) {
	db := c.database()
	var deleted int64
	for _, key := range args[1:] {
		if e := c.lookupWrite(key); e != nil && db.Delete(str(key)) {
			c.srv.freeValue(e, lazy)
			c.touch(key)
			c.notify(notifyGeneric, "del", key)
			deleted++
		}
	}
	if deleted > 0 {
		c.propagate(args...)
	}
	c.Int(deleted)
}

// cmdExists counts every argument that names a live key, so a key given
// twice counts twice.
func cmdExists(c *Client, args [][]byte) {
	var n int64
	for _, key := range args[1:] {
		if c.lookupRead(key, false) != nil {
			n++
		}
	}
	c.Int(n)
}

func cmdType(c *Client, args [][]byte) {
	c.Simple(typeName(c.lookupRead(args[1], false)))
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
		if (all || glob.MatchString(pattern, e.Key())) && !keyExpired(e, now) {
			keys = append(keys, e.Key())
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
	cursor, ok := c.scanCursor(args[1])
	if !ok {
		return
	}
	opts, ok := c.scanOptions(args[2:], true)
	if !ok {
		return
	}

	db := c.database()
	var keys []string
	collect := func(e *keyspace.Entry) { keys = append(keys, e.Key()) }
	// Redis's loop, with C's wrapping arithmetic on a huge COUNT.
	for maxIterations := opts.count * 10; ; maxIterations-- {
		cursor = db.Scan(cursor, collect)
		if cursor == 0 || maxIterations == 0 || int64(len(keys)) >= opts.count {
			break
		}
	}

	// Filter, in Redis's order. The TYPE check is a read lookup, which
	// deletes an expired key (reporting a miss), so "TYPE none" reports it
	// as Redis 7.0 does.
	now := c.nowMs()
	found := keys[:0]
	for _, key := range keys {
		if opts.usePattern && !glob.MatchString(opts.pattern, key) {
			continue
		}
		if opts.useType && typeName(c.lookupRead(bytesOf(key), false)) != opts.typ {
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

// scanCursor parses the cursor of SCAN and the H/S/ZSCAN commands.
func (c *Client) scanCursor(arg []byte) (uint64, bool) {
	cursor, ok := redisconv.ParseUlong(arg)
	if !ok {
		c.Error(errInvalidCursor)
	}
	return cursor, ok
}

// scanOpts are the options of SCAN (TYPE too) and the H/S/ZSCAN commands.
type scanOpts struct {
	count               int64
	pattern, typ        string
	usePattern, useType bool
}

// scanOptions parses [MATCH pattern] [COUNT count] (and [TYPE type] when
// allowType) in any order, the last of each winning.
func (c *Client) scanOptions(args [][]byte, allowType bool) (opts scanOpts, ok bool) {
	opts.count = 10
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.Error(errSyntax)
			return opts, false
		}
		switch strings.ToLower(string(args[i])) {
		case "count":
			if opts.count, ok = c.intArg(args[i+1]); !ok {
				return opts, false
			}
			if opts.count < 1 {
				c.Error(errSyntax)
				return opts, false
			}
		case "match":
			opts.pattern = string(args[i+1])
			opts.usePattern = opts.pattern != "*"
		case "type":
			if !allowType {
				c.Error(errSyntax)
				return opts, false
			}
			// Type names are ASCII, so lowering compares as strcasecmp.
			opts.typ, opts.useType = strings.ToLower(string(args[i+1])), true
		default:
			c.Error(errSyntax)
			return opts, false
		}
	}
	return opts, true
}

// matches reports whether an element passes MATCH.
func (o *scanOpts) matches(b []byte) bool {
	return !o.usePattern || glob.Match([]byte(o.pattern), b, false)
}

// collectionScan is HSCAN's, SSCAN's and ZSCAN's common part
// (scanGenericCommand): the cursor is checked first, then the key, of type
// t; a missing key ends the scan whatever the options, an existing one is
// scanned with them.
func (c *Client) collectionScan(args [][]byte, t keyspace.Type, scan func(e *keyspace.Entry, cursor uint64, opts scanOpts)) {
	cursor, ok := c.scanCursor(args[2])
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], t)
	switch {
	case !ok:
		return
	case e == nil:
		c.scanElements(0, scanOpts{}, func(uint64, func(...[]byte)) uint64 { return 0 })
		return
	}
	if opts, ok := c.scanOptions(args[3:], false); ok {
		scan(e, cursor, opts)
	}
}

// scanElements is the H/S/ZSCAN loop (scanGenericCommand on a value):
// scan calls emit with each element of the buckets at cursor (a field
// with its value, which count as two elements) and returns the next
// cursor; the loop stops at cursor 0, after count*10 calls, or once count
// elements are in. MATCH is on an element's first part.
func (c *Client) scanElements(cursor uint64, opts scanOpts, scan func(cursor uint64, emit func(...[]byte)) uint64) {
	var found [][]byte
	emit := func(elems ...[]byte) {
		if opts.matches(elems[0]) {
			for _, e := range elems {
				found = append(found, append([]byte(nil), e...))
			}
		}
	}
	for iterations := opts.count * 10; ; iterations-- {
		cursor = scan(cursor, emit)
		if cursor == 0 || iterations == 0 || int64(len(found)) >= opts.count {
			break
		}
	}
	c.Array(2)
	c.Bulk(strconv.AppendUint(nil, cursor, 10))
	c.Array(len(found))
	for _, e := range found {
		c.Bulk(e)
	}
}

func cmdRandomkey(c *Client, args [][]byte) {
	e := c.randomLiveKey()
	if e == nil {
		c.Null()
		return
	}
	c.BulkString(e.Key())
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
		ks.Lookup(c.db, e.Key(), now, false) // deletes it
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
	// Redis replaces dst before it deletes src: dst's waiters come first.
	c.srv.keyReady(c.db, str(dst))
	db.Delete(e.Key())
	// As Redis, which then adds dst anew: "new".
	c.srv.deleteKey(db, str(dst), c.srv.cfg.LazyfreeServerDel)
	c.addKey(dst, e) // e.Expire moves with it
	c.touch(src)
	c.touch(dst)
	c.notify(notifyGeneric, "rename_from", src)
	c.notify(notifyGeneric, "rename_to", dst)
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
	replaced := dstDB.Peek(str(dst))
	dstDB.Set(string(dst), copied, false)
	if replaced != nil {
		c.srv.freeValue(replaced, c.srv.cfg.LazyfreeServerDel)
	}
	// A replaced key is deleted and added anew in Redis: "new" either way.
	c.srv.notify(notifyNew, "new", dst, dstIndex)
	dstDB.Touch(str(dst))
	c.srv.invalidateTracked(c, str(dst))
	c.srv.notify(notifyGeneric, "copy_to", dst, dstIndex)
	c.propagate(args...)
	c.Int(1)
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
	c.database().Delete(e.Key())
	dstDB.Set(e.Key(), e, false) // e.Expire moves with it
	c.srv.notify(notifyNew, "new", key, dstIndex)
	c.touch(key)
	dstDB.Touch(str(key))
	c.notify(notifyGeneric, "move_from", key)
	c.srv.notify(notifyGeneric, "move_to", key, dstIndex)
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
		c.srv.keysReplaced(a, b)
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
	lazy, ok := c.flushArgs(args)
	if !ok {
		return
	}
	c.srv.flushDB(c.db, lazy)
	c.srv.invalidateAllTracked()
	c.propagate(args...)
	c.OK()
}

func cmdFlushall(c *Client, args [][]byte) {
	lazy, ok := c.flushArgs(args)
	if !ok {
		return
	}
	for i := range c.srv.ks.DBs {
		c.srv.flushDB(i, lazy)
	}
	c.srv.invalidateAllTracked()
	c.propagate(args...)
	c.srv.afterFlushAll()
	c.OK()
}

// flushArgs checks FLUSHDB/FLUSHALL's optional SYNC|ASYNC and says whether
// the flush is lazy: ASYNC, or neither under lazyfree-lazy-user-flush.
func (c *Client) flushArgs(args [][]byte) (lazy, ok bool) {
	if len(args) == 1 {
		return c.srv.cfg.LazyfreeUserFlush, true
	}
	if opt := strings.ToLower(string(args[1])); len(args) == 2 && (opt == "sync" || opt == "async") {
		return opt == "async", true
	}
	c.Error(errSyntax)
	return false, false
}
