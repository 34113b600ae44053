package main

import (
	"fmt"
	"strings"

	"respd/internal/hll"
	"respd/internal/keyspace"
)

// HyperLogLog commands as Redis 7.0's hyperloglog.c: an HLL is a string
// value in Redis's own bytes (internal/hll), so it travels through RDB
// files, DUMP and replication like any string.

// hllValue is key's value for an HLL command that reads it: nil if the
// key is missing; a non-string answers WRONGTYPE, a string that is not an
// HLL Redis's own WRONGTYPE text (isHLLObjectOrReply).
func (c *Client) hllValue(e *keyspace.Entry) (ok bool) {
	switch {
	case e == nil:
		return true
	case e.Type != keyspace.TypeString:
		c.Error(errWrongType)
		return false
	case !hll.Valid(e.Str()):
		c.Error(errNotHLL)
		return false
	}
	return true
}

// storeHLL makes val key's value: e, changed in place or given val, or a
// new key (Redis's createHLLObject: a raw string).
func (c *Client) storeHLL(e *keyspace.Entry, key, val []byte) {
	if e == nil {
		e = c.stamp(keyspace.NewString(str(key), val))
		e.MarkRaw()
		c.addKey(key, e)
		return
	}
	e.SetStr(val)
	e.MarkRaw()
}

func cmdPfadd(c *Client, args [][]byte) {
	key := args[1]
	e := c.lookupWrite(key)
	if !c.hllValue(e) {
		return
	}
	var old []byte
	if e != nil {
		c.database().BeforeChange(e) // the registers change in place
		old = e.Str()
	}
	val, changed, err := hll.Add(old, args[2:], int(c.srv.cfg.HLLSparseMaxBytes))
	if val != nil && (e != nil || changed) {
		c.storeHLL(e, key, val)
	}
	if err != nil {
		c.Error(errCorruptHLL)
		return
	}
	if changed {
		c.notify(notifyString, "pfadd", key)
		c.changed(key, args...)
		c.Int(1)
		return
	}
	c.Int(0)
}

func cmdPfcount(c *Client, args [][]byte) {
	if len(args) > 2 {
		values := make([][]byte, 0, len(args)-1)
		for _, key := range args[1:] {
			e := c.lookup(key)
			if !c.hllValue(e) {
				return
			}
			if e != nil {
				values = append(values, e.Str())
			}
		}
		card, err := hll.CountMany(values)
		if err != nil {
			c.Error(errCorruptHLL)
			return
		}
		c.Int(int64(card))
		return
	}
	e := c.lookup(args[1])
	switch {
	case !c.hllValue(e):
		return
	case e == nil:
		c.Int(0)
		return
	}
	card, stale, err := hll.Count(e.Str())
	if err != nil {
		c.Error(errCorruptHLL)
		return
	}
	if stale {
		// A read that writes: the cached cardinality goes into the value
		// and, as it is a string, to the replicas and the AOF.
		c.database().BeforeChange(e)
		hll.StoreCard(e.Str(), card)
		c.changed(args[1], args...)
	}
	c.Int(int64(card))
}

func cmdPfmerge(c *Client, args [][]byte) {
	dest := args[1]
	values := make([][]byte, len(args)-1)
	for i, key := range args[1:] {
		e := c.lookup(key)
		if !c.hllValue(e) {
			return
		}
		if e != nil {
			values[i] = e.Str()
		}
	}
	e := c.lookupWrite(dest)
	if e != nil {
		c.database().BeforeChange(e)
		values[0] = e.Str()
	}
	val, err := hll.Merge(values, int(c.srv.cfg.HLLSparseMaxBytes))
	if err != nil {
		c.Error(errCorruptHLL)
		return
	}
	c.storeHLL(e, dest, val)
	// A mass-add of elements: Redis reports it as a PFADD.
	c.notify(notifyString, "pfadd", dest)
	c.changed(dest, args...)
	c.OK()
}

// cmdPfdebug: PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
func cmdPfdebug(c *Client, args [][]byte) {
	sub := strings.ToLower(string(args[1]))
	e := c.lookupWrite(args[2])
	switch {
	case e == nil:
		c.Error(errPfdebugNoKey)
		return
	case !c.hllValue(e):
		return
	}
	switch sub {
	case "getreg", "todense":
		if len(args) != 3 {
			c.Error(fmt.Sprintf(errPfdebugArity, args[1]))
			return
		}
		c.database().BeforeChange(e)
		dense, converted, err := hll.ToDense(e.Str())
		if err != nil {
			c.Error(errCorruptHLL)
			return
		}
		if converted {
			e.SetStr(dense)
			e.MarkRaw()
			c.changed(args[2], args...) // an encoding change is propagated
		}
		if sub == "todense" {
			c.Int(map[bool]int64{false: 0, true: 1}[converted])
			return
		}
		regs, err := hll.Registers(e.Str())
		if err != nil {
			c.Error(errCorruptHLL)
			return
		}
		c.Array(len(regs))
		for _, r := range regs {
			c.Int(int64(r))
		}
	case "decode":
		if len(args) != 3 {
			c.Error(fmt.Sprintf(errPfdebugArity, args[1]))
			return
		}
		text, ok := hll.Decode(e.Str())
		if !ok {
			c.Error(errPfdebugNotSparse)
			return
		}
		c.BulkString(text)
	case "encoding":
		if len(args) != 3 {
			c.Error(fmt.Sprintf(errPfdebugArity, args[1]))
			return
		}
		c.Simple(hll.Encoding(e.Str()))
	default:
		c.Error(fmt.Sprintf(errPfdebugUnknown, args[1]))
	}
}

// cmdPfselftest: PFSELFTEST, Redis's check of the HLL code.
func cmdPfselftest(c *Client, args [][]byte) {
	if err := hll.SelfTest(int(c.srv.cfg.HLLSparseMaxBytes)); err != nil {
		c.Error(err.Error())
		return
	}
	c.OK()
}
