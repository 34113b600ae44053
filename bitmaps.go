package main

import (
	"crypto/subtle"
	"encoding/binary"
	"math"
	"math/bits"

	"respd/internal/keyspace"
)

// The bitmap commands, as Redis 7.0's bitops.c: SETBIT, GETBIT, BITCOUNT,
// BITPOS, BITOP, BITFIELD and BITFIELD_RO. A bitmap is a string value
// (Entry.Str) whose bit 0 is the most significant bit of its first byte;
// reads see zeros past its end, and writes grow it with zero bytes, once,
// up to the byte they address. BITCOUNT, BITPOS and BITOP work a 64-bit
// word at a time, as Redis does.

// bitopChunk is how many result bytes BITOP combines with every source
// before moving on: small enough to stay in the L1 cache, so that each
// byte of the result is read from memory once whatever the number of keys.
const bitopChunk = 4096

// ---- SETBIT and GETBIT

func cmdSetbit(c *Client, args [][]byte) {
	key := args[1]
	offset, ok := c.bitOffsetArg(args[2], 0)
	if !ok {
		return
	}
	on, ok := parseInt64(args[3])
	if !ok || on&^1 != 0 {
		c.Error(errBitValue)
		return
	}
	e, grew, ok := c.bitmapForWrite(key, uint64(offset))
	if !ok {
		return
	}
	i, mask := offset>>3, byte(0x80)>>(offset&7)
	was := e.Str()[i]&mask != 0
	// Redis counts a write only if the string grew or the bit flips: a
	// SETBIT that changes nothing is neither notified nor propagated.
	if grew || was != (on == 1) {
		c.database().BeforeChange(e)
		if on == 1 {
			e.Str()[i] |= mask
		} else {
			e.Str()[i] &^= mask
		}
		c.notify(notifyString, "setbit", key)
		c.changed(key, args...)
	}
	c.Int(int64(boolInt(was)))
}

func cmdGetbit(c *Client, args [][]byte) {
	offset, ok := c.bitOffsetArg(args[2], 0)
	if !ok {
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeString)
	if !ok {
		return
	}
	var set bool
	if i := offset >> 3; e != nil && i < int64(len(e.Str())) {
		set = e.Str()[i]&(0x80>>(offset&7)) != 0
	}
	c.Int(int64(boolInt(set)))
}

// bitOffsetArg is Redis's getBitOffsetFromArgument: a bit offset, or with
// bits > 0 (BITFIELD) also "#n", meaning n*bits (which wraps as Redis's
// does). It must address a byte below proto-max-bulk-len, except for the
// master's stream and the AOF, which are obeyed whatever the limit now.
func (c *Client) bitOffsetArg(arg []byte, bits int) (int64, bool) {
	byField := bits > 0 && len(arg) > 0 && arg[0] == '#'
	digits := arg
	if byField {
		digits = arg[1:]
	}
	n, ok := parseInt64(digits)
	if byField {
		n *= int64(bits)
	}
	if !ok || n < 0 || (n>>3 >= c.srv.cfg.ProtoMaxBulkLen && !c.isMaster && !c.loadingAOF) {
		c.Error(errBitOffset)
		return 0, false
	}
	return n, true
}

// bitmapForWrite is Redis's lookupStringForBitCommand: key's string, made
// long enough to hold bit maxbit, created (zeroed) if missing. grew says
// whether it was created or lengthened. ok is false when key holds another
// type (WRONGTYPE was replied).
func (c *Client) bitmapForWrite(key []byte, maxbit uint64) (e *keyspace.Entry, grew, ok bool) {
	e, ok = c.lookupWriteType(key, keyspace.TypeString)
	if !ok {
		return nil, false, false
	}
	n := int(maxbit>>3) + 1
	if e == nil {
		e = c.stamp(keyspace.NewString(str(key), make([]byte, n)))
		e.MarkRaw()
		c.addKey(key, e)
		return e, true, true
	}
	// Redis unshares the value for writing, which makes it "raw" even if
	// nothing is written after all.
	e.MarkRaw()
	if n <= len(e.Str()) {
		return e, false, true
	}
	c.database().BeforeChange(e)
	e.GrowStr(n)
	return e, true, true
}

// ---- BITCOUNT and BITPOS

// BITCOUNT key [start end [BYTE|BIT]]. Redis 7.0 looks the key up before
// it reads the range: a missing key counts 0 whatever the arguments.
func cmdBitcount(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeString)
	switch {
	case !ok:
		return
	case e == nil:
		c.Int(0)
		return
	}
	lo, hi := int64(0), int64(len(e.Str()))*8-1
	switch len(args) {
	case 2:
	case 4, 5:
		start, ok := c.intArg(args[2])
		if !ok {
			return
		}
		end, ok := c.intArg(args[3])
		if !ok {
			return
		}
		// Both counted from the end, in the wrong order: empty, even
		// before the unit is read.
		if start < 0 && end < 0 && start > end {
			c.Int(0)
			return
		}
		inBits, ok := c.bitUnitArg(args, 4)
		if !ok {
			return
		}
		lo, hi = bitRange(start, end, len(e.Str()), inBits)
	default:
		c.Error(errSyntax)
		return
	}
	c.Int(countBits(e.Str(), lo, hi))
}

// BITPOS key bit [start [end [BYTE|BIT]]].
func cmdBitpos(c *Client, args [][]byte) {
	bit, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if bit != 0 && bit != 1 {
		c.Error(errBitposBit)
		return
	}
	e, ok := c.lookupType(args[1], keyspace.TypeString)
	switch {
	case !ok:
		return
	case e == nil:
		// A missing key is an endless run of zeros, whatever the range:
		// its first clear bit is bit 0, and no bit is set.
		c.Int(-bit)
		return
	}
	lo, hi := int64(0), int64(len(e.Str()))*8-1
	endGiven := false
	switch len(args) {
	case 3:
	case 4, 5, 6:
		start, ok := c.intArg(args[3])
		if !ok {
			return
		}
		inBits, ok := c.bitUnitArg(args, 5)
		if !ok {
			return
		}
		end := int64(len(e.Str())) - 1
		if endGiven = len(args) >= 5; endGiven {
			if end, ok = c.intArg(args[4]); !ok {
				return
			}
		}
		lo, hi = bitRange(start, end, len(e.Str()), inBits)
	default:
		c.Error(errSyntax)
		return
	}
	pos := int64(-1)
	if lo <= hi {
		pos = findBit(e.Str(), lo, hi, bit == 1)
		// Without an end, the string counts as padded with zeros on
		// the right: the first clear bit is past the range.
		if pos < 0 && bit == 0 && !endGiven {
			pos = hi + 1
		}
	}
	c.Int(pos)
}

// bitUnitArg reads BITCOUNT's and BITPOS's optional BYTE|BIT, args[i]
// when there is one: whether the range is in bits.
func (c *Client) bitUnitArg(args [][]byte, i int) (inBits, ok bool) {
	if i >= len(args) {
		return false, true
	}
	switch unit := cString(args[i]); {
	case asciiEqualFold(unit, "bit"):
		return true, true
	case asciiEqualFold(unit, "byte"):
		return false, true
	}
	c.Error(errSyntax)
	return false, false
}

// bitRange turns a start and end index (inclusive, in bytes or bits,
// negative counting from the end) over a string of n bytes into the bits
// [lo, hi] they cover, clamped to the string; lo > hi when empty.
func bitRange(start, end int64, n int, inBits bool) (lo, hi int64) {
	total := int64(n)
	if inBits {
		total *= 8
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), min(max(end, 0), total-1)
	if start > end {
		return 1, 0 // before a far start could overflow start*8
	}
	if inBits {
		return start, end
	}
	return start * 8, end*8 + 7
}

// countBits counts the set bits of s from bit lo to bit hi, inclusive.
func countBits(s []byte, lo, hi int64) int64 {
	if lo > hi {
		return 0
	}
	first, last := lo>>3, hi>>3
	n := popcount(s[first : last+1])
	// Take away the bits of the edge bytes outside the range.
	n -= int64(bits.OnesCount8(s[first] &^ (0xff >> (lo & 7))))
	n -= int64(bits.OnesCount8(s[last] & (0xff >> (hi&7 + 1))))
	return n
}

// popcount counts the set bits of s, four independent words at a time.
func popcount(s []byte) int64 {
	var n0, n1, n2, n3 int
	for ; len(s) >= 32; s = s[32:] {
		n0 += bits.OnesCount64(binary.LittleEndian.Uint64(s[0:8]))
		n1 += bits.OnesCount64(binary.LittleEndian.Uint64(s[8:16]))
		n2 += bits.OnesCount64(binary.LittleEndian.Uint64(s[16:24]))
		n3 += bits.OnesCount64(binary.LittleEndian.Uint64(s[24:32]))
	}
	for ; len(s) >= 8; s = s[8:] {
		n0 += bits.OnesCount64(binary.LittleEndian.Uint64(s))
	}
	for _, b := range s {
		n0 += bits.OnesCount8(b)
	}
	return int64(n0 + n1 + n2 + n3)
}

// findBit returns the position of the first bit of s between bits lo and
// hi (inclusive) that is set (one) or clear, or -1.
func findBit(s []byte, lo, hi int64, one bool) int64 {
	var flip byte // looking for a clear bit is looking for a set one in ^s
	if !one {
		flip = 0xff
	}
	first, last := lo>>3, hi>>3
	// edge masks a byte at an end of the range to the bits inside it.
	edge := func(i int64) byte {
		b := s[i] ^ flip
		if i == first {
			b &= 0xff >> (lo & 7)
		}
		if i == last {
			b &^= 0xff >> (hi&7 + 1)
		}
		return b
	}
	if b := edge(first); b != 0 {
		return first*8 + int64(bits.LeadingZeros8(b))
	}
	i := first + 1
	// Skip 32 bytes at a time while they hold nothing to find.
	x := uint64(flip) * 0x0101010101010101
	for ; i+32 <= last; i += 32 {
		w := s[i : i+32 : i+32]
		if (binary.LittleEndian.Uint64(w[0:])^x)|(binary.LittleEndian.Uint64(w[8:])^x)|
			(binary.LittleEndian.Uint64(w[16:])^x)|(binary.LittleEndian.Uint64(w[24:])^x) != 0 {
			break
		}
	}
	for ; i+8 <= last; i += 8 {
		if w := binary.BigEndian.Uint64(s[i:]) ^ x; w != 0 {
			return i*8 + int64(bits.LeadingZeros64(w))
		}
	}
	for ; i <= last; i++ {
		if b := edge(i); b != 0 {
			return i*8 + int64(bits.LeadingZeros8(b))
		}
	}
	return -1
}

// ---- BITOP

type bitopKind int

const (
	bitopAnd bitopKind = iota
	bitopOr
	bitopXor
	bitopNot
)

// BITOP AND|OR|XOR|NOT destkey key [key ...]. Missing keys are empty
// strings, shorter strings are padded with zeros; an empty result deletes
// destkey.
func cmdBitop(c *Client, args [][]byte) {
	var op bitopKind
	switch name := cString(args[1]); {
	case asciiEqualFold(name, "and"):
		op = bitopAnd
	case asciiEqualFold(name, "or"):
		op = bitopOr
	case asciiEqualFold(name, "xor"):
		op = bitopXor
	case asciiEqualFold(name, "not"):
		op = bitopNot
	default:
		c.Error(errSyntax)
		return
	}
	if op == bitopNot && len(args) != 4 {
		c.Error(errBitopNot)
		return
	}
	dst, keys := args[2], args[3:]
	srcs := make([][]byte, len(keys))
	longest := 0
	for i, key := range keys {
		e, ok := c.lookupType(key, keyspace.TypeString)
		if !ok {
			return
		}
		if e != nil {
			srcs[i] = e.Str()
			longest = max(longest, len(e.Str()))
		}
	}
	if longest == 0 {
		// Redis deletes without looking the key up: a destination whose
		// TTL has passed is deleted, and the command propagated, too.
		if c.srv.deleteKey(c.database(), str(dst), c.srv.cfg.LazyfreeServerDel) {
			c.notify(notifyGeneric, "del", dst)
			c.changed(dst, args...)
		}
		c.Int(0)
		return
	}
	res := make([]byte, longest)
	for off := 0; off < longest; off += bitopChunk {
		bitopCombine(op, res[off:min(off+bitopChunk, longest)], srcs, off)
	}
	e := c.stamp(keyspace.NewString(str(dst), res))
	e.MarkRaw()
	c.setKey(dst, e, false)
	c.notify(notifyString, "set", dst)
	c.changed(dst, args...)
	c.Int(int64(longest))
}

// bitopCombine computes the bytes of the result r from offset off of the
// sources, into r (zeroed).
func bitopCombine(op bitopKind, r []byte, srcs [][]byte, off int) {
	copy(r, sourceAt(srcs[0], off, len(r)))
	if op == bitopNot {
		notBytes(r)
		return
	}
	for _, src := range srcs[1:] {
		s := sourceAt(src, off, len(r))
		switch op {
		case bitopAnd:
			andBytes(r, s)
		case bitopOr:
			orBytes(r, s)
		default:
			subtle.XORBytes(r, r[:len(s)], s)
		}
	}
}

// andBytes is r &= s, a word at a time; past its end s is zeros.
func andBytes(r, s []byte) {
	n := len(s) &^ 7
	for i := 0; i < n; i += 8 {
		a, b := r[i:i+8:i+8], s[i:i+8:i+8]
		binary.LittleEndian.PutUint64(a, binary.LittleEndian.Uint64(a)&binary.LittleEndian.Uint64(b))
	}
	for i := n; i < len(s); i++ {
		r[i] &= s[i]
	}
	clear(r[len(s):])
}

// orBytes is r |= s, a word at a time; s is no longer than r.
func orBytes(r, s []byte) {
	n := len(s) &^ 7
	for i := 0; i < n; i += 8 {
		a, b := r[i:i+8:i+8], s[i:i+8:i+8]
		binary.LittleEndian.PutUint64(a, binary.LittleEndian.Uint64(a)|binary.LittleEndian.Uint64(b))
	}
	for i := n; i < len(s); i++ {
		r[i] |= s[i]
	}
}

// notBytes inverts r, a word at a time.
func notBytes(r []byte) {
	n := len(r) &^ 7
	for i := 0; i < n; i += 8 {
		a := r[i : i+8 : i+8]
		binary.LittleEndian.PutUint64(a, ^binary.LittleEndian.Uint64(a))
	}
	for i := n; i < len(r); i++ {
		r[i] = ^r[i]
	}
}

// sourceAt is the part of src from offset off, at most n bytes.
func sourceAt(src []byte, off, n int) []byte {
	if off >= len(src) {
		return nil
	}
	return src[off:min(off+n, len(src))]
}

// ---- BITFIELD

// BITFIELD's operations and overflow behaviours.
const (
	fieldGet = iota
	fieldSet
	fieldIncrby
)

const (
	overflowWrap = iota
	overflowSat
	overflowFail
)

// bitfieldOp is one GET, SET or INCRBY of a BITFIELD call.
type bitfieldOp struct {
	offset   uint64
	value    int64 // SET's value, INCRBY's increment
	bits     uint
	signed   bool
	op       int
	overflow int // the OVERFLOW in force where the operation came
}

func cmdBitfield(c *Client, args [][]byte)   { bitfieldCommand(c, args, false) }
func cmdBitfieldRo(c *Client, args [][]byte) { bitfieldCommand(c, args, true) }

// bitfieldCommand is Redis's bitfieldGeneric: every operation is parsed
// before any runs, then they run in order, each replying. readOnly is
// BITFIELD_RO, which takes GET only.
func bitfieldCommand(c *Client, args [][]byte, readOnly bool) {
	key := args[1]
	var buf [4]bitfieldOp
	ops, ok := c.bitfieldArgs(args[2:], buf[:0])
	if !ok {
		return
	}
	var highest uint64 // the last bit written
	writes := false
	for _, op := range ops {
		if op.op != fieldGet {
			writes = true
			highest = max(highest, op.offset+uint64(op.bits)-1)
		}
	}
	var e *keyspace.Entry
	grew := false
	switch {
	case !writes:
		if e, ok = c.lookupType(key, keyspace.TypeString); !ok {
			return
		}
	case readOnly:
		c.Error(errBitfieldRO)
		return
	default:
		if e, grew, ok = c.bitmapForWrite(key, highest); !ok {
			return
		}
	}
	c.Array(len(ops))
	changes := 0
	for _, op := range ops {
		var s []byte
		if e != nil {
			s = e.Str()
		}
		old := readField(s, op.offset, op.bits)
		if op.op == fieldGet {
			c.Int(fieldValue(old, op))
			continue
		}
		newVal, reply, overflowed := bitfieldWrite(old, op)
		if overflowed && op.overflow == overflowFail {
			c.Null()
			continue
		}
		c.Int(reply)
		if grew || newVal != old {
			c.database().BeforeChange(e)
			writeField(e.Str(), op.offset, op.bits, newVal)
			changes++
		}
	}
	// A call whose writes all failed or changed nothing is not a write,
	// even if it created the key: Redis neither notifies nor propagates it.
	if changes > 0 {
		c.notify(notifyString, "setbit", key)
		c.changed(key, args...)
	}
}

// bitfieldArgs parses BITFIELD's operations, appending them to ops.
func (c *Client) bitfieldArgs(args [][]byte, ops []bitfieldOp) ([]bitfieldOp, bool) {
	overflow := overflowWrap
	for j := 0; j < len(args); j++ {
		rest := len(args) - j - 1
		op := bitfieldOp{overflow: overflow}
		switch sub := cString(args[j]); {
		case asciiEqualFold(sub, "get") && rest >= 2:
			op.op = fieldGet
		case asciiEqualFold(sub, "set") && rest >= 3:
			op.op = fieldSet
		case asciiEqualFold(sub, "incrby") && rest >= 3:
			op.op = fieldIncrby
		case asciiEqualFold(sub, "overflow") && rest >= 1:
			j++
			switch name := cString(args[j]); {
			case asciiEqualFold(name, "wrap"):
				overflow = overflowWrap
			case asciiEqualFold(name, "sat"):
				overflow = overflowSat
			case asciiEqualFold(name, "fail"):
				overflow = overflowFail
			default:
				c.Error(errBitfieldOverflow)
				return nil, false
			}
			continue
		default:
			c.Error(errSyntax)
			return nil, false
		}
		var ok bool
		if op.signed, op.bits, ok = bitfieldType(args[j+1]); !ok {
			c.Error(errBitfieldType)
			return nil, false
		}
		offset, ok := c.bitOffsetArg(args[j+2], int(op.bits))
		if !ok {
			return nil, false
		}
		op.offset = uint64(offset)
		if op.op != fieldGet {
			if op.value, ok = c.intArg(args[j+3]); !ok {
				return nil, false
			}
			j++
		}
		j += 2
		ops = append(ops, op)
	}
	return ops, true
}

// bitfieldType parses a type: i1 to i64, u1 to u63 (a u64 could not be
// replied as a RESP integer). Redis reads the width up to a NUL byte.
func bitfieldType(arg []byte) (signed bool, width uint, ok bool) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, false
	}
	signed = arg[0] == 'i'
	n, ok := parseInt64(cString(arg[1:]))
	if !ok || n < 1 || n > 64 || (!signed && n == 64) {
		return false, 0, false
	}
	return signed, uint(n), true
}

// readField reads the width-bit field at bit offset off of s, as an
// unsigned number; past its end s reads as zeros.
func readField(s []byte, off uint64, width uint) uint64 {
	// The field lies in the 9 bytes from the one holding its first bit.
	first := off >> 3
	var w uint64
	var next byte
	for i := range uint64(8) {
		w <<= 8
		if first+i < uint64(len(s)) {
			w |= uint64(s[first+i])
		}
	}
	if first+8 < uint64(len(s)) {
		next = s[first+8]
	}
	shift := off & 7
	w = w<<shift | uint64(next)>>(8-shift)
	return w >> (64 - width)
}

// writeField stores the low width bits of v as the field at bit offset off
// of s, which is long enough.
func writeField(s []byte, off uint64, width uint, v uint64) {
	for j := range uint64(width) {
		pos := off + j
		mask := byte(0x80) >> (pos & 7)
		if v>>(uint64(width)-1-j)&1 != 0 {
			s[pos>>3] |= mask
		} else {
			s[pos>>3] &^= mask
		}
	}
}

// fieldValue is a field's bits as the integer its type makes them.
func fieldValue(raw uint64, op bitfieldOp) int64 {
	if op.signed && op.bits < 64 && raw>>(op.bits-1)&1 != 0 {
		raw |= math.MaxUint64 << op.bits // sign-extend
	}
	return int64(raw)
}

// bitfieldWrite works out a SET or INCRBY on a field holding old: the
// bits to store, the reply (SET's old value, INCRBY's new one) and
// whether the value overflowed the type, as Redis's
// check{Signed,Unsigned}BitfieldOverflow under the op's OVERFLOW.
func bitfieldWrite(old uint64, op bitfieldOp) (newBits uint64, reply int64, overflowed bool) {
	mask := uint64(math.MaxUint64) >> (64 - op.bits)
	if op.signed {
		oldVal := fieldValue(old, op)
		value, incr := op.value, int64(0) // SET checks its value alone
		if op.op == fieldIncrby {
			value, incr = oldVal, op.value
		}
		v, over := signedFieldAdd(value, incr, op.bits, op.overflow)
		if op.op == fieldIncrby {
			reply = v
		} else {
			reply = oldVal
		}
		return uint64(v) & mask, reply, over
	}
	value, incr := uint64(op.value), int64(0)
	if op.op == fieldIncrby {
		value, incr = old, op.value
	}
	v, over := unsignedFieldAdd(value, incr, op.bits, op.overflow)
	if op.op == fieldIncrby {
		reply = int64(v)
	} else {
		reply = int64(old)
	}
	return v, reply, over
}

// unsignedFieldAdd is value+incr in a width-bit unsigned field, wrapped or
// saturated on overflow as Redis's checkUnsignedBitfieldOverflow decides
// (a SET of a negative value is an overflow, its 64-bit pattern wrapped).
func unsignedFieldAdd(value uint64, incr int64, width uint, overflow int) (uint64, bool) {
	limit := uint64(1)<<width - 1
	maxIncr := int64(limit - value)
	minIncr := -int64(value)
	switch {
	case value > limit || (incr > 0 && incr > maxIncr):
		if overflow == overflowSat {
			return limit, true
		}
	case incr < 0 && incr < minIncr:
		if overflow == overflowSat {
			return 0, true
		}
	default:
		return value + uint64(incr), false
	}
	return (value + uint64(incr)) & limit, true
}

// signedFieldAdd is unsignedFieldAdd for a signed field, as Redis's
// checkSignedBitfieldOverflow, whose intermediate sums wrap as int64s.
func signedFieldAdd(value, incr int64, width uint, overflow int) (int64, bool) {
	limit := int64(math.MaxInt64)
	if width < 64 {
		limit = 1<<(width-1) - 1
	}
	least := -limit - 1
	maxIncr := int64(uint64(limit) - uint64(value))
	minIncr := least - value
	switch {
	case value > limit || (width != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		if overflow == overflowSat {
			return limit, true
		}
	case value < least || (width != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		if overflow == overflowSat {
			return least, true
		}
	default:
		return value + incr, false
	}
	sum := uint64(value) + uint64(incr)
	if width < 64 {
		high := uint64(math.MaxUint64) << width
		if sum>>(width-1)&1 != 0 {
			sum |= high
		} else {
			sum &^= high
		}
	}
	return int64(sum), true
}
