package main

import (
	"bytes"
	"strconv"
	"unsafe"

	"respd/internal/keyspace"
	"respd/internal/redisconv"
)

// parseInt64 parses an integer as Redis does (string2ll).
func parseInt64(b []byte) (int64, bool) { return redisconv.ParseInt(b) }

// cloneArgs copies a request's arguments, which alias the connection's read
// buffer, into one new allocation (for commands kept past their request,
// as in a MULTI queue).
func cloneArgs(args [][]byte) [][]byte {
	size := 0
	for _, a := range args {
		size += len(a)
	}
	data := make([]byte, 0, size)
	clone := make([][]byte, len(args))
	for i, a := range args {
		data = append(data, a...)
		clone[i] = data[len(data)-len(a) : len(data) : len(data)]
	}
	return clone
}

// intArg parses an integer argument, replying with Redis's error if it is
// not one.
func (c *Client) intArg(b []byte) (int64, bool) {
	n, ok := parseInt64(b)
	if !ok {
		c.Error(errNotInteger)
	}
	return n, ok
}

// str views b as a string without copying; only for lookups and
// comparisons that do not retain it, or for a b nothing writes again.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// bytesOf views s as bytes without copying, for reading only.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// itoa formats n as a new byte slice (for propagated arguments).
func itoa(n int64) []byte { return strconv.AppendInt(nil, n, 10) }

// nowMs is the time of the command being executed, in Unix milliseconds:
// one clock reading per command, so that all its expiry checks agree (as
// Redis's command time snapshot).
func (c *Client) nowMs() int64 { return c.srv.cmdTimeMs }

// lruClock is the LRU clock at the command's time.
func (c *Client) lruClock() uint32 { return keyspace.LRUClock(c.srv.cmdTimeMs) }

// db is the client's selected database.
func (c *Client) database() *keyspace.DB { return c.srv.ks.DBs[c.db] }

// lookupWrite returns the live entry for key in the client's database
// (deleting it first if its TTL has passed), or nil. The access counts for
// the key's idle time unless the client set CLIENT NO-TOUCH.
func (c *Client) lookupWrite(key []byte) *keyspace.Entry {
	return c.srv.ks.Lookup(c.db, str(key), c.nowMs(), !c.noTouch)
}

// lookup is lookupWrite for reads, which count as keyspace hits or misses.
func (c *Client) lookup(key []byte) *keyspace.Entry {
	return c.countLookup(c.srv.ks.Lookup(c.db, str(key), c.nowMs(), !c.noTouch))
}

// lookupNoTouch is a read lookup that leaves the key's idle time alone
// (Redis's LOOKUP_NOTOUCH), for commands that only inspect a key.
func (c *Client) lookupNoTouch(key string) *keyspace.Entry {
	return c.countLookup(c.srv.ks.Lookup(c.db, key, c.nowMs(), false))
}

// countLookup records a read lookup as a keyspace hit or miss.
func (c *Client) countLookup(e *keyspace.Entry) *keyspace.Entry {
	if e == nil {
		c.srv.stats.keyspaceMisses++
	} else {
		c.srv.stats.keyspaceHits++
	}
	return e
}

// lookupType returns the live entry for key if it holds type t. A key of
// another type answers WRONGTYPE and returns ok=false; a missing key
// returns nil, true.
func (c *Client) lookupType(key []byte, t keyspace.Type) (e *keyspace.Entry, ok bool) {
	e = c.lookup(key)
	if e != nil && e.Type != t {
		c.Error(errWrongType)
		return nil, false
	}
	return e, true
}

// changed is what a single-key write calls after modifying key: WATCH sees
// it, and argv (the command in its deterministic form) goes to the AOF and
// replicas. Multi-key writes call touch per key and propagate once.
func (c *Client) changed(key []byte, argv ...[]byte) {
	c.touch(key)
	c.propagate(argv...)
}

// propagate sends a write, in its deterministic form, to the AOF and
// replicas in the client's database.
func (c *Client) propagate(argv ...[]byte) { c.srv.propagate(c.db, argv...) }

// cString is b up to its first NUL byte, as C's %s prints it and as
// Redis compares option names ("NX\x00anything" is NX).
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// stringArgv is a command's arguments as bytes.
func stringArgv(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}
