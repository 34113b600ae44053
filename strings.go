package main

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"respd/internal/keyspace"
	"respd/internal/lcs"
	"respd/internal/redisconv"
)

// The string commands, as Redis's t_string.c. A string lives in its Entry,
// always a private copy of the bytes it was given. Writes reuse a string
// entry and its buffer in place where Redis's semantics allow: overwriting a
// string with a value of similar size allocates nothing, which is what keeps
// SET and INCR at Redis's speed (DESIGN.md, "Where the time goes").

// maxStringLen is proto-max-bulk-len's default: APPEND and SETRANGE refuse
// to grow a string past it, and LCS to use more transient memory.
const maxStringLen = 512 << 20

// stringArgs are the words of the deterministic forms the string commands
// propagate.
var stringArgs = struct{ set, pxat, del, pexpireat, persist, keepttl []byte }{
	[]byte("SET"), []byte("PXAT"), []byte("DEL"), []byte("PEXPIREAT"), []byte("PERSIST"), []byte("KEEPTTL"),
}

// ---- GET and SET and their variants

func cmdGet(c *Client, args [][]byte) { getString(c, args[1]) }

// getString replies with key's string value, or null when the key is
// missing; ok is false when it holds another type (WRONGTYPE was replied).
func getString(c *Client, key []byte) (e *keyspace.Entry, ok bool) {
	e, ok = c.lookupType(key, keyspace.TypeString)
	switch {
	case !ok:
	case e == nil:
		c.Null()
	default:
		c.Bulk(e.Str())
	}
	return e, ok
}

func cmdMget(c *Client, args [][]byte) {
	c.Array(len(args) - 1)
	for _, key := range args[1:] {
		// Keys of other types read as null, not as an error.
		if e := c.lookup(key); e != nil && e.Type == keyspace.TypeString {
			c.Bulk(e.Str())
		} else {
			c.Null()
		}
	}
}

func cmdSet(c *Client, args [][]byte) {
	key, val := args[1], args[2]
	flags, expire, ok := parseStringOptions(c, args[3:], true)
	if !ok {
		return
	}
	at, ok := setGeneric(c, args[0], key, val, flags, expire, false)
	switch {
	case !ok:
	case expire != nil:
		propagateSetPXAT(c, key, val, at)
	case flags&setGet != 0:
		c.changed(key, withoutGet(args)...)
	default:
		c.changed(key, args...)
	}
}

func cmdSetnx(c *Client, args [][]byte) {
	if _, ok := setGeneric(c, args[0], args[1], args[2], setNX, nil, true); ok {
		c.changed(args[1], args...)
	}
}

func cmdSetex(c *Client, args [][]byte)  { setWithTTL(c, args, setEX) }
func cmdPsetex(c *Client, args [][]byte) { setWithTTL(c, args, setPX) }

// setWithTTL is SETEX and PSETEX: key, time to live, value.
func setWithTTL(c *Client, args [][]byte, unit setFlags) {
	key, val := args[1], args[3]
	if at, ok := setGeneric(c, args[0], key, val, unit, args[2], false); ok {
		propagateSetPXAT(c, key, val, at)
	}
}

func cmdGetset(c *Client, args [][]byte) {
	key, val := args[1], args[2]
	if _, ok := setGeneric(c, args[0], key, val, setGet, nil, false); ok {
		c.changed(key, stringArgs.set, key, val)
	}
}

// setGeneric is Redis's setGenericCommand, behind SET, SETNX, SETEX, PSETEX
// and GETSET: it validates the expiry, answers the old value for GET,
// applies NX/XX, stores val and replies (1/0 instead of OK/null with
// intReply). It returns whether the key was set, and its absolute expiry;
// the caller propagates. name is the command's, for the expiry error.
func setGeneric(c *Client, name, key, val []byte, flags setFlags, expire []byte, intReply bool) (at int64, ok bool) {
	if expire != nil {
		if at, ok = expireAtArg(c, name, expire, flags); !ok {
			return 0, false
		}
	}
	if flags&setGet != 0 {
		if _, ok := getString(c, key); !ok {
			return 0, false
		}
	}
	e := c.lookupWrite(key)
	if (flags&setNX != 0 && e != nil) || (flags&setXX != 0 && e == nil) {
		switch {
		case flags&setGet != 0: // the old value was the reply
		case intReply:
			c.Int(0)
		default:
			c.Null()
		}
		return 0, false
	}
	storeString(c, e, key, val, flags&setKeepTTL != 0, at)
	c.notify(notifyString, "set", key)
	if expire != nil {
		c.notify(notifyGeneric, "expire", key)
	}
	switch {
	case flags&setGet != 0:
	case intReply:
		c.Int(1)
	default:
		c.OK()
	}
	return at, true
}

// propagateSetPXAT propagates a SET with an expiry in the form Redis 7.0
// does for every one of them: SET key value PXAT <absolute ms>, whatever
// the other options were.
func propagateSetPXAT(c *Client, key, val []byte, at int64) {
	c.changed(key, stringArgs.set, key, val, stringArgs.pxat, itoa(at))
}

// withoutGet is SET's arguments without its GET options, which Redis does
// not propagate.
func withoutGet(args [][]byte) [][]byte {
	argv := make([][]byte, 0, len(args))
	for j, a := range args {
		if j < 3 || !asciiEqualFold(cString(a), "get") {
			argv = append(argv, a)
		}
	}
	return argv
}

// storeString makes key hold a copy of val, as Redis's setKey; old is the
// key's live entry or nil (then the key is new, and reported so). keepTTL
// keeps the key's TTL, otherwise at (0 for none) becomes it. A string entry
// is reused, with its buffer when val fits it. It returns the key's entry.
func storeString(c *Client, old *keyspace.Entry, key, val []byte, keepTTL bool, at int64) *keyspace.Entry {
	if old != nil && old.Type == keyspace.TypeString {
		c.database().BeforeChange(old) // a background save may still need it
		old.SetStr(val)
		if !keepTTL {
			c.database().SetExpire(old, at)
		}
		return old
	}
	e := c.stamp(keyspace.NewString(str(key), val))
	e.Expire = at
	if old == nil {
		c.addKey(key, e)
	} else {
		c.database().Set(e.Key(), e, keepTTL)
		c.srv.freeValue(old, c.srv.cfg.LazyfreeServerDel)
	}
	return e
}

func cmdMset(c *Client, args [][]byte)   { msetGeneric(c, args, false) }
func cmdMsetnx(c *Client, args [][]byte) { msetGeneric(c, args, true) }

// msetGeneric is MSET and MSETNX; MSETNX sets nothing if any key exists.
// A key given twice takes its last value.
func msetGeneric(c *Client, args [][]byte, nx bool) {
	if len(args)%2 == 0 {
		c.Error(fmt.Sprintf(errWrongArity, strings.ToLower(string(args[0]))))
		return
	}
	if nx {
		for j := 1; j < len(args); j += 2 {
			if c.lookupWrite(args[j]) != nil {
				c.Int(0)
				return
			}
		}
	}
	for j := 1; j < len(args); j += 2 {
		storeString(c, c.lookupWrite(args[j]), args[j], args[j+1], false, 0)
		c.notify(notifyString, "set", args[j])
		c.touch(args[j])
	}
	c.propagate(args...)
	if nx {
		c.Int(1)
	} else {
		c.OK()
	}
}

func cmdGetdel(c *Client, args [][]byte) {
	key := args[1]
	if e, ok := getString(c, key); ok && e != nil {
		c.database().Delete(str(key))
		c.notify(notifyGeneric, "del", key)
		c.changed(key, stringArgs.del, key)
	}
}

func cmdGetex(c *Client, args [][]byte) {
	key := args[1]
	flags, expire, ok := parseStringOptions(c, args[2:], false)
	if !ok {
		return
	}
	e, ok := c.lookupType(key, keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.Null()
		return
	}
	// Redis validates the expiry only once it knows the key is a string.
	var at int64
	if expire != nil {
		if at, ok = expireAtArg(c, args[0], expire, flags); !ok {
			return
		}
	}
	c.Bulk(e.Str())
	db := c.database()
	switch {
	case flags&(setEXAT|setPXAT) != 0 && at <= c.nowMs():
		// An absolute time already past deletes the key.
		db.Delete(str(key))
		c.notify(notifyGeneric, "del", key)
		c.changed(key, stringArgs.del, key)
	case expire != nil:
		db.SetExpire(e, at)
		c.notify(notifyGeneric, "expire", key)
		c.changed(key, stringArgs.pexpireat, key, itoa(at))
	case flags&setPersist != 0 && e.Expire != 0:
		db.SetExpire(e, 0)
		c.notify(notifyGeneric, "persist", key)
		c.changed(key, stringArgs.persist, key)
	}
}

// ---- SET and GETEX options

// setFlags are the options of SET and GETEX (Redis's OBJ_* flags).
type setFlags uint16

const (
	setNX setFlags = 1 << iota
	setXX
	setGet
	setKeepTTL
	setPersist
	setEX
	setPX
	setEXAT
	setPXAT

	setExpiry = setEX | setPX | setEXAT | setPXAT
)

// stringOption is an option of SET or GETEX.
type stringOption struct {
	name          string
	flag          setFlags
	set, getex    bool     // which commands take it
	conflictsWith setFlags // a syntax error after any of these
}

// Repeating an option is allowed, as in Redis (the last expiry wins).
var stringOptions = []stringOption{
	{"nx", setNX, true, false, setXX},
	{"xx", setXX, true, false, setNX},
	{"get", setGet, true, false, 0},
	{"keepttl", setKeepTTL, true, false, setPersist | setExpiry},
	{"persist", setPersist, false, true, setKeepTTL | setExpiry},
	{"ex", setEX, true, true, setKeepTTL | setPersist | setExpiry&^setEX},
	{"px", setPX, true, true, setKeepTTL | setPersist | setExpiry&^setPX},
	{"exat", setEXAT, true, true, setKeepTTL | setPersist | setExpiry&^setEXAT},
	{"pxat", setPXAT, true, true, setKeepTTL | setPersist | setExpiry&^setPXAT},
}

// findStringOption returns the option named opt (in any case), or nil.
func findStringOption(opt []byte) *stringOption {
	for i := range stringOptions {
		if asciiEqualFold(opt, stringOptions[i].name) {
			return &stringOptions[i]
		}
	}
	return nil
}

// parseStringOptions is Redis's parseExtendedStringArgumentsOrReply for SET
// (forSet) or GETEX: options in any order and case; an unknown, misplaced or
// conflicting one, or an expiry without its argument, is a syntax error.
// The expiry option's argument is returned as expire.
func parseStringOptions(c *Client, opts [][]byte, forSet bool) (flags setFlags, expire []byte, ok bool) {
	for j := 0; j < len(opts); j++ {
		o := findStringOption(cString(opts[j]))
		allowed := o != nil && ((forSet && o.set) || (!forSet && o.getex))
		takesArg := allowed && o.flag&setExpiry != 0
		if !allowed || flags&o.conflictsWith != 0 || (takesArg && j+1 == len(opts)) {
			c.Error(errSyntax)
			return 0, nil, false
		}
		flags |= o.flag
		if takesArg {
			j++
			expire = opts[j]
		}
	}
	return flags, expire, true
}

// expireAtArg is Redis's getExpireMillisecondsOrReply: an EX, PX, EXAT or
// PXAT argument as an absolute Unix time in ms. A time that is not positive,
// or overflows on the way to ms, is refused with the command's name.
func expireAtArg(c *Client, name, arg []byte, flags setFlags) (int64, bool) {
	ms, ok := c.intArg(arg)
	if !ok {
		return 0, false
	}
	seconds := flags&(setEX|setEXAT) != 0
	if ms > 0 && !(seconds && ms > math.MaxInt64/1000) {
		if seconds {
			ms *= 1000
		}
		if flags&(setEX|setPX) != 0 {
			ms += c.nowMs() // wraps negative on overflow, as in Redis
		}
		if ms > 0 {
			return ms, true
		}
	}
	c.Error(fmt.Sprintf(errInvalidExpire, strings.ToLower(string(name))))
	return 0, false
}

// asciiEqualFold is strcasecmp(b, lower) == 0 for a lower-case ASCII word;
// unlike strings.EqualFold it folds no Unicode (the Kelvin sign is no K).
func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range len(b) {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// ---- Counters

func cmdIncr(c *Client, args [][]byte) { incrDecr(c, args, 1) }
func cmdDecr(c *Client, args [][]byte) { incrDecr(c, args, -1) }

func cmdIncrby(c *Client, args [][]byte) {
	if by, ok := c.intArg(args[2]); ok {
		incrDecr(c, args, by)
	}
}

func cmdDecrby(c *Client, args [][]byte) {
	by, ok := c.intArg(args[2])
	switch {
	case !ok:
	case by == math.MinInt64: // cannot be negated
		c.Error(errDecrOverflow)
	default:
		incrDecr(c, args, -by)
	}
}

// incrDecr adds by to the integer at args[1] (0 when missing), keeping its
// TTL, and propagates the command as it came.
func incrDecr(c *Client, args [][]byte, by int64) {
	key := args[1]
	e, ok := c.lookupWriteType(key, keyspace.TypeString)
	if !ok {
		return
	}
	var n int64
	if e != nil {
		if n, ok = parseInt64(e.Str()); !ok {
			c.Error(errNotInteger)
			return
		}
	}
	if (by < 0 && n < 0 && by < math.MinInt64-n) || (by > 0 && n > 0 && by > math.MaxInt64-n) {
		c.Error(errOverflow)
		return
	}
	n += by
	var buf [20]byte
	storeString(c, e, key, strconv.AppendInt(buf[:0], n, 10), true, 0)
	c.notify(notifyString, "incrby", key)
	c.changed(key, args...)
	c.Int(n)
}

func cmdIncrbyfloat(c *Client, args [][]byte) {
	key := args[1]
	e, ok := c.lookupWriteType(key, keyspace.TypeString)
	if !ok {
		return
	}
	value := new(big.Float) // 0 for a missing key; the sum is rounded to a long double
	if e != nil {
		if value, ok = redisconv.ParseLongDouble(e.Str()); !ok {
			c.Error(errNotFloat)
			return
		}
	}
	incr, ok := redisconv.ParseLongDouble(args[2])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	sum, ok := redisconv.AddLongDoubles(value, incr)
	if !ok {
		c.Error(errIncrFloatNaN)
		return
	}
	result := redisconv.FormatLongDouble(sum)
	storeString(c, e, key, result, true, 0)
	c.notify(notifyString, "incrbyfloat", key)
	// Propagated as the value it produced, so that replicas and the AOF
	// do not depend on float arithmetic.
	c.changed(key, stringArgs.set, key, result, stringArgs.keepttl)
	c.Bulk(result)
}

// ---- Substrings and in-place edits

func cmdStrlen(c *Client, args [][]byte) {
	c.intOf(args[1], keyspace.TypeString, func(e *keyspace.Entry) int64 { return int64(len(e.Str())) })
}

func cmdAppend(c *Client, args [][]byte) {
	key, val := args[1], args[2]
	e, ok := c.lookupWriteType(key, keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		e = storeString(c, nil, key, val, false, 0)
	} else {
		if len(e.Str())+len(val) > maxStringLen {
			c.Error(errStringTooLong)
			return
		}
		c.database().BeforeChange(e)
		n := len(e.Str())
		copy(e.GrowStr(n + len(val))[n:], val)
		e.MarkRaw()
	}
	c.notify(notifyString, "append", key)
	c.changed(key, args...)
	c.Int(int64(len(e.Str())))
}

func cmdGetrange(c *Client, args [][]byte) {
	start, ok := c.intArg(args[2])
	if !ok {
		return
	}
	end, ok := c.intArg(args[3])
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeString)
	switch {
	case !ok:
	case e == nil:
		c.Bulk(nil)
	default:
		c.Bulk(getrangeSlice(e.Str(), start, end))
	}
}

// SUBSTR is GETRANGE's old name.
func cmdSubstr(c *Client, args [][]byte) { cmdGetrange(c, args) }

// getrangeSlice is s[start..end], both inclusive and counted from the end
// when negative, clamped to s as Redis 7.0's GETRANGE does: "hello" 0 -100
// is "h", but -1 -5 is empty.
func getrangeSlice(s []byte, start, end int64) []byte {
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		return nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), min(max(end, 0), n-1)
	if start > end {
		return nil
	}
	return s[start : end+1]
}

func cmdSetrange(c *Client, args [][]byte) {
	key, val := args[1], args[3]
	offset, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if offset < 0 {
		c.Error(errOffsetRange)
		return
	}
	e, ok := c.lookupWriteType(key, keyspace.TypeString)
	if !ok {
		return
	}
	// Writing nothing changes nothing, not even a missing key, and is
	// allowed at any offset.
	if len(val) == 0 {
		if e == nil {
			c.Int(0)
		} else {
			c.Int(int64(len(e.Str())))
		}
		return
	}
	if offset > maxStringLen-int64(len(val)) {
		c.Error(errStringTooLong)
		return
	}
	if e == nil {
		e = storeString(c, nil, key, nil, false, 0)
	}
	c.database().BeforeChange(e)
	copy(e.GrowStr(int(offset) + len(val))[offset:], val) // zero-filled, as Redis pads
	e.MarkRaw()
	c.notify(notifyString, "setrange", key)
	c.changed(key, args...)
	c.Int(int64(len(e.Str())))
}

// ---- LCS

func cmdLcs(c *Client, args [][]byte) {
	ea, eb := c.lookup(args[1]), c.lookup(args[2])
	if (ea != nil && ea.Type != keyspace.TypeString) || (eb != nil && eb.Type != keyspace.TypeString) {
		c.Error(errLcsWrongType)
		return
	}
	var a, b []byte // a missing key is the empty string
	if ea != nil {
		a = ea.Str()
	}
	if eb != nil {
		b = eb.Str()
	}
	var idx, length, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(args); j++ {
		opt := cString(args[j])
		switch {
		case asciiEqualFold(opt, "idx"):
			idx = true
		case asciiEqualFold(opt, "len"):
			length = true
		case asciiEqualFold(opt, "withmatchlen"):
			withMatchLen = true
		case asciiEqualFold(opt, "minmatchlen") && j+1 < len(args):
			var ok bool
			if minMatchLen, ok = c.intArg(args[j+1]); !ok {
				return
			}
			j++
		default:
			c.Error(errSyntax)
			return
		}
	}
	if idx && length {
		c.Error(errLcsIdxAndLen)
		return
	}
	// Redis refuses what would need a table of 4-byte lengths larger than
	// proto-max-bulk-len, whichever reply was asked for.
	if (int64(len(a))+1)*(int64(len(b))+1)*4 > maxStringLen {
		c.Error(errLcsTooBig)
		return
	}
	switch {
	case length:
		c.Int(int64(lcs.Length(a, b)))
	case !idx:
		common, _ := lcs.Compute(a, b)
		c.Bulk(common)
	default:
		common, matches := lcs.Compute(a, b)
		kept := matches[:0]
		for _, m := range matches {
			if int64(m.Len()) >= minMatchLen {
				kept = append(kept, m)
			}
		}
		c.Map(2)
		c.BulkString("matches")
		c.Array(len(kept))
		for _, m := range kept {
			if withMatchLen {
				c.Array(3)
			} else {
				c.Array(2)
			}
			c.Array(2)
			c.Int(int64(m.A0))
			c.Int(int64(m.A1))
			c.Array(2)
			c.Int(int64(m.B0))
			c.Int(int64(m.B1))
			if withMatchLen {
				c.Int(int64(m.Len()))
			}
		}
		c.BulkString("len")
		c.Int(int64(len(common)))
	}
}
