package main

// Keys' time to live, as Redis's expire.c: the EXPIRE family with its NX,
// XX, GT and LT conditions, TTL and its variants, and PERSIST.

import (
	"fmt"
	"math"
	"strings"

	"respd/internal/keyspace"
)

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
		db.Delete(e.Key())
		c.srv.freeValue(e, c.srv.cfg.LazyfreeExpire)
		c.notify(notifyGeneric, "del", key)
		c.changed(key, []byte("DEL"), key)
	} else {
		db.SetExpire(e, when)
		c.notify(notifyGeneric, "expire", key)
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
	e := c.lookupRead(key, false)
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
	c.notify(notifyGeneric, "persist", args[1])
	c.changed(args[1], args...)
	c.Int(1)
}

// keyExpired reports whether e's TTL has passed at now (ms).
func keyExpired(e *keyspace.Entry, now int64) bool {
	return e.Expire != 0 && e.Expire <= now
}
