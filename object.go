package main

// What a key's value is made of, as Redis's object.c: OBJECT (ENCODING,
// REFCOUNT, IDLETIME, FREQ) and MEMORY USAGE.

import (
	"math"
	"strings"

	"respd/internal/jemalloc"
	"respd/internal/keyspace"
)

func cmdObjectEncoding(c *Client, args [][]byte) {
	if e := c.objectLookup(args[2]); e != nil {
		c.BulkString(encoding(e))
	}
}

// stringEncoding: Redis stores a canonical integer as "int", a string of up
// to 44 bytes in one allocation with its object ("embstr"), longer ones and
// strings modified in place as "raw".
func stringEncoding(e *keyspace.Entry) string {
	switch {
	case e.RawString():
		return "raw"
	case isIntString(e.Str()):
		return "int"
	case len(e.Str()) <= 44:
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
	if e.Type == keyspace.TypeString && stringEncoding(e) == "int" && c.sharedInteger(e.Str()) {
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
	return int64(keyspace.IdleMs(e, c.nowMs()) / 1000)
}

// cmdObjectFreq: the key's LFU counter, decayed to now.
func cmdObjectFreq(c *Client, args [][]byte) {
	e := c.objectLookup(args[2])
	if e == nil {
		return
	}
	if !c.lfuPolicy() {
		c.Error(errLFUNotSelected)
		return
	}
	c.Int(int64(c.srv.ks.LFUCounter(e, c.nowMs())))
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
	dictSize      = 56 // struct dict
	embstrHeader  = 3  // the sdshdr8 inside an embstr object
	zsetSize      = 16 // struct zset: dict, zsl
	zskiplistSize = 32 // struct zskiplist: header, tail, length, level
	// zskiplistMaxLevel is ZSKIPLIST_MAXLEVEL, the levels of a skiplist's
	// header node.
	zskiplistMaxLevel = 32
)

// zskiplistNodeSize is what zslCreateNode allocates for a skiplist node
// of levels levels: member, score and backward pointer, then a forward
// pointer and a span per level.
func zskiplistNodeSize(levels int) int { return 24 + 16*levels }

// memoryUsage estimates the bytes key and value would take in Redis 7 with
// jemalloc: the key's sds, its dict entry and the value (valueMemory).
func memoryUsage(e *keyspace.Entry, samples int64) int64 {
	return sdsAllocSize(len(e.Key())) + dictEntrySize + valueMemory(e, samples)
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
	case int64(n) < 1<<32:
		header = 9
	default:
		header = 17
	}
	return jemalloc.Size(header + n + 1)
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
