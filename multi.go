package main

import (
	"fmt"
	"strings"
)

// Transactions: MULTI queues commands (see dispatch), EXEC runs them
// atomically under the data lock, WATCH makes EXEC fail if a key changed.

func cmdMulti(c *Client, args [][]byte) {
	if c.multi != nil {
		c.Error(errNestedMulti)
		return
	}
	c.multi = &multiState{}
	c.OK()
}

func cmdDiscard(c *Client, args [][]byte) {
	if c.multi == nil {
		c.Error(errDiscardNoMulti)
		return
	}
	c.multi = nil
	c.unwatchAll()
	c.OK()
}

func cmdExec(c *Client, args [][]byte) {
	if c.multi == nil {
		c.Error(errExecNoMulti)
		return
	}
	m := c.multi
	c.multi = nil
	watchesBroken := c.watchesBroken()
	c.unwatchAll()
	switch {
	case m.dirty:
		c.Error(errExecAbort)
		return
	case watchesBroken:
		c.NullArray()
		return
	}
	s := c.srv
	s.inExec, s.execPropagated = true, false
	c.Array(len(m.queue))
	now := s.now()
	for _, q := range m.queue {
		// A reply mode set inside the transaction applies to the commands
		// after it, as in Redis.
		c.skipThis = c.replySkip
		c.replySkip = false
		if errMsg := s.aclDeniedInExec(c, q.cmd, q.args); errMsg != "" {
			c.Error(errMsg)
			continue
		}
		now = s.call(c, q.cmd, q.args, now)
	}
	c.skipThis = false
	s.inExec = false
	if s.execPropagated {
		s.feedStreams(-1, [][]byte{[]byte("EXEC")})
	}
}

// abortExec answers an EXEC that was itself rejected (arity, auth, …): the
// transaction, if any, is discarded, as Redis's execCommandAbort does.
func (c *Client) abortExec(errMsg string) {
	c.multi = nil
	c.unwatchAll()
	c.Error(fmt.Sprintf(errExecAbortBecause, strings.TrimPrefix(errMsg, "ERR ")))
}

func cmdWatch(c *Client, args [][]byte) {
	if c.multi != nil {
		c.Error(errWatchInMulti)
		return
	}
	db := c.database()
	for _, key := range args[1:] {
		if c.isWatching(key) {
			continue
		}
		live := c.lookupWrite(key) != nil
		c.watches = append(c.watches, watchedKey{db: c.db, key: string(key), version: db.Watch(string(key)), live: live})
	}
	c.OK()
}

func cmdUnwatch(c *Client, args [][]byte) {
	c.unwatchAll()
	c.OK()
}

func (c *Client) isWatching(key []byte) bool {
	for _, w := range c.watches {
		if w.db == c.db && w.key == str(key) {
			return true
		}
	}
	return false
}

// watchesBroken reports whether any watched key was modified since WATCH,
// or has logically expired since (Redis 7 treats that as a change too).
func (c *Client) watchesBroken() bool {
	now := c.nowMs()
	for _, w := range c.watches {
		db := c.srv.ks.DBs[w.db]
		if db.Version(w.key) != w.version {
			return true
		}
		if e := db.Peek(w.key); w.live && e != nil && e.Expire != 0 && e.Expire <= now {
			return true
		}
	}
	return false
}

func (c *Client) unwatchAll() {
	for _, w := range c.watches {
		c.srv.ks.DBs[w.db].Unwatch(w.key)
	}
	c.watches = nil
}
