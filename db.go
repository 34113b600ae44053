package main

import "respd/internal/keyspace"

// A command's view of the keyspace: its clock, its database, lookups that
// expire keys and count hits, and what a write calls after changing a key
// (WATCH, the AOF and replicas).

// nowMs is the time of the command being executed, in Unix milliseconds:
// one clock reading per command, so that all its expiry checks agree (as
// Redis's command time snapshot).
func (c *Client) nowMs() int64 { return c.srv.cmdTimeMs }

// lruClock is the Access of a value created by the command: the LRU clock
// at its time or, under an LFU policy, a new key's LFU stamp.
func (c *Client) lruClock() uint32 { return c.srv.ks.Stamp(c.srv.cmdTimeMs) }

// stamp gives e, a value the command creates, its access stamp (as
// Redis's createObject does) and returns it.
func (c *Client) stamp(e *keyspace.Entry) *keyspace.Entry {
	e.Access = c.lruClock()
	return e
}

// database is the client's selected database.
func (c *Client) database() *keyspace.DB { return c.srv.ks.DBs[c.db] }

// lookupWrite returns the live entry for key in the client's database
// (deleting it first if its TTL has passed), or nil. The access counts for
// the key's idle time unless the client set CLIENT NO-TOUCH.
func (c *Client) lookupWrite(key []byte) *keyspace.Entry {
	return c.srv.ks.Lookup(c.db, str(key), c.nowMs(), !c.noTouch)
}

// lookup is lookupWrite for reads (Redis's lookupKeyRead): they count as
// keyspace hits or misses, and a miss reports "keymiss".
func (c *Client) lookup(key []byte) *keyspace.Entry {
	return c.lookupRead(key, !c.noTouch)
}

// lookupRead is Redis's lookupKeyReadWithFlags: a keyspace hit or miss,
// and a miss reports "keymiss". Without touch it leaves the key's idle
// time alone (LOOKUP_NOTOUCH), for commands that only inspect a key:
// EXISTS, TYPE, TTL, SCAN's TYPE.
func (c *Client) lookupRead(key []byte, touch bool) *keyspace.Entry {
	e := c.countLookup(c.srv.ks.Lookup(c.db, str(key), c.nowMs(), touch))
	if e == nil {
		c.notify(notifyKeyMiss, "keymiss", key)
	}
	return e
}

// lookupNoTouch is a read lookup that leaves the key's idle time alone and
// reports no miss (Redis's LOOKUP_NOTOUCH|LOOKUP_NONOTIFY), for OBJECT.
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

// lookupWriteType is lookupType for a write: the live entry for key if it
// holds type t, nil if missing; a key of another type answers WRONGTYPE
// and returns ok=false.
func (c *Client) lookupWriteType(key []byte, t keyspace.Type) (e *keyspace.Entry, ok bool) {
	e = c.lookupWrite(key)
	if e != nil && e.Type != t {
		c.Error(errWrongType)
		return nil, false
	}
	return e, true
}

// intOf replies with f of key's value when it holds type t, 0 when key is
// missing; another type answers WRONGTYPE (LLEN, HLEN, SCARD, STRLEN...).
func (c *Client) intOf(key []byte, t keyspace.Type, f func(e *keyspace.Entry) int64) {
	e, ok := c.lookupType(key, t)
	switch {
	case !ok:
	case e == nil:
		c.Int(0)
	default:
		c.Int(f(e))
	}
}

// addKey stores e under key, which does not exist, and reports "new"
// (Redis's dbAdd). Where Redis replaces a key by deleting it and adding it
// anew (RENAME, COPY, RESTORE), "new" is reported too.
func (c *Client) addKey(key []byte, e *keyspace.Entry) {
	c.database().Set(keyFor(e, key), e, false)
	c.notify(notifyNew, "new", key)
}

// setKey makes key hold e, replacing its value if it has one, reporting
// "new" otherwise (Redis's setKey); keepTTL keeps the key's TTL. A key
// whose TTL has passed expires first, as Redis's lookupKeyWrite expires
// it: "expired", and a DEL to replicas and the AOF, before "new".
func (c *Client) setKey(key []byte, e *keyspace.Entry, keepTTL bool) {
	old := c.lookupWrite(key)
	if old == nil {
		c.addKey(key, e)
		return
	}
	c.database().Set(keyFor(e, key), e, keepTTL)
	// An overwrite frees the old value (lazyfree-lazy-server-del), unless
	// the new entry carries the same one on.
	if !old.SharesValue(e) {
		c.srv.freeValue(old, c.srv.cfg.LazyfreeServerDel)
	}
}

// keyFor is key as the database keeps it for e: e's own when e was made
// with it (a string's key shares its value's allocation), else a copy.
func keyFor(e *keyspace.Entry, key []byte) string {
	if k := e.Key(); k == str(key) {
		return k
	}
	return string(key)
}

// deleteIfEmpty deletes key once the collection it holds is empty (after a
// pop, a removal, a trim), reporting the "del" event as Redis does.
func (c *Client) deleteIfEmpty(key []byte, empty bool) {
	if empty {
		c.database().Delete(string(key))
		c.notify(notifyGeneric, "del", key)
	}
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

// propagateAll propagates the commands a command stands for in its place
// (Redis's alsoPropagate): several of them in one MULTI/EXEC, as Redis
// wraps them, unless inside a transaction already.
func (c *Client) propagateAll(cmds [][][]byte) {
	s := c.srv
	wrap := len(cmds) > 1 && !s.inExec
	if wrap {
		s.feedStreams(c.db, [][]byte{[]byte("MULTI")})
	}
	for _, argv := range cmds {
		c.propagate(argv...)
	}
	if wrap {
		s.feedStreams(-1, [][]byte{[]byte("EXEC")})
	}
}

// touch marks key as modified for WATCH and client-side caching (Redis's
// signalModifiedKey).
func (c *Client) touch(key []byte) {
	c.srv.ks.DBs[c.db].Touch(string(key))
	c.srv.invalidateTracked(c, str(key))
}
