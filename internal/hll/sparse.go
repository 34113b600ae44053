package hll

import (
	"encoding/binary"
	"math/bits"
	"strconv"
)

// xzeroLen is the run length of the XZERO opcode at p. An XZERO cut short
// by the end of the value reads its second byte as 0, as Redis reads the
// NUL that terminates every sds string there; Redis's readers accept such a
// value when the runs still add up, so this package must too. (One corrupt
// case differs: when PFADD splits such an XZERO, Redis writes one byte past
// the new end over the NUL and reads that byte there until the string is
// copied; this package reads 0.)
func xzeroLen(sparse []byte, p int) int {
	var lo byte
	if p+1 < len(sparse) {
		lo = sparse[p+1]
	}
	return (int(sparse[p]&0x3f)<<8 | int(lo)) + 1
}

func zeroOp(n int) byte { return byte(n - 1) }

func valOp(val uint8, n int) byte { return (val-1)<<2 | byte(n-1) | valBit }

func valValue(c byte) uint8 { return c>>2&0x1f + 1 }

func valLen(c byte) int { return int(c&3) + 1 }

// locate is hllSparseSet's step 1: p is the opcode covering register
// index (len(b) if none does), first the register it starts at, span the
// registers it covers and prev the opcode before it (-1 if none).
func locate(b []byte, index int) (p, prev, first, span int) {
	p, prev = HeaderSize, -1
	for p < len(b) {
		if p+8 <= len(b) {
			// The one-byte opcodes among the next eight bytes, up to an
			// XZERO, are skipped at once when index is past them.
			if n, k := spanOfOneByteOps(binary.LittleEndian.Uint64(b[p:])); k > 0 && index >= first+n {
				prev = p + k - 1
				p += k
				first += n
				if k == 8 {
					continue
				}
			}
		}
		// One opcode at a time: ZERO and VAL by a table lookup rather than
		// a branch on their kind (they come mixed at random).
		oplen := 1
		span = int(oneByteSpan[b[p]])
		if span == 0 {
			span = xzeroLen(b, p)
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	return p, prev, first, span
}

// spanOfOneByteOps takes eight bytes of opcodes w (little endian, the
// first an opcode) and returns k, how many ZERO and VAL opcodes open it
// before any XZERO, and n, the registers those k cover. Bytewise (SWAR):
// a ZERO covers its low six bits plus one, a VAL its low two plus one.
func spanOfOneByteOps(w uint64) (n, k int) {
	const (
		ones  = 0x0101010101010101
		bit6  = 0x4040404040404040
		low16 = 0x00ff00ff00ff00ff
	)
	k = 8
	if xz := w &^ (w >> 1) & bit6; xz != 0 { // bit 6 set, bit 7 clear
		k = bits.TrailingZeros64(xz) >> 3
	}
	vals := w >> 7 & ones // 1 in each byte holding a VAL
	spans := (w&(0x3f*ones^vals*0x3c) + ones) & (^uint64(0) >> (64 - 8*k))
	// Each span is at most 64: add them in 16-bit lanes, then across.
	pairs := spans&low16 + spans>>8&low16
	return int(pairs * 0x0001000100010001 >> 48), k
}

// oneByteSpan is the number of registers a ZERO or VAL opcode covers, by
// its byte; 0 for the first byte of an XZERO.
var oneByteSpan = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c&opMask == 0:
			t[c] = uint8(c&0x3f) + 1
		case c&valBit != 0:
			t[c] = uint8(valLen(byte(c)))
		}
	}
	return t
}()

// appendZeros appends the ZERO or XZERO opcode for n zero registers, as
// hllSparseSet splits a run.
func appendZeros(seq []byte, n int) []byte {
	if n > zeroMaxLen {
		return append(seq, byte((n-1)>>8)|xzeroBit, byte(n-1))
	}
	return append(seq, zeroOp(n))
}

// sparseSet is hllSparseSet on the whole value b: it raises register index
// to count, splitting the opcode that covers it, merging equal VAL opcodes
// around it, and promoting b to dense when count does not fit a VAL opcode
// or the value would grow past sparseMaxBytes. It returns the value and 1
// (changed), 0 (register already at least count) or -1 (corrupt).
func sparseSet(b []byte, index int, count uint8, sparseMaxBytes int) ([]byte, int) {
	if count > valMaxValue {
		return promote(b, index, count)
	}

	// Step 1: find the opcode covering index.
	p, prev, first, span := locate(b, index)
	if span == 0 || p >= len(b) {
		return b, -1
	}

	c := b[p]
	isZero := c&opMask == 0
	isXZero := c&opMask == xzeroBit
	isVal := c&valBit != 0

	// Step 2: the trivial cases update one byte in place.
	if isVal {
		if valValue(c) >= count {
			return b, 0
		}
		if span == 1 {
			b[p] = valOp(count, 1)
			return updated(b, prev), 1
		}
	}
	if isZero && span == 1 {
		b[p] = valOp(count, 1)
		return updated(b, prev), 1
	}

	// Otherwise the opcode is split into up to three: the registers before
	// index, index itself, those after it (at worst XZERO-VAL-XZERO).
	var buf [5]byte
	seq := buf[:0]
	last := first + span - 1
	if isVal {
		cur := valValue(c)
		if index != first {
			seq = append(seq, valOp(cur, index-first))
		}
		seq = append(seq, valOp(count, 1))
		if index != last {
			seq = append(seq, valOp(cur, last-index))
		}
	} else {
		if index != first {
			seq = appendZeros(seq, index-first)
		}
		seq = append(seq, valOp(count, 1))
		if index != last {
			seq = appendZeros(seq, last-index)
		}
	}

	// Step 3: put the sequence in place of the opcode.
	oldlen := 1
	if isXZero {
		oldlen = 2
	}
	delta := len(seq) - oldlen
	if delta > 0 && len(b)+delta > sparseMaxBytes {
		return promote(b, index, count)
	}
	newLen := len(b) + delta
	if p+oldlen < len(b) {
		tail := len(b) - (p + oldlen)
		if delta > 0 {
			b = append(b, make([]byte, delta)...)
		}
		copy(b[p+len(seq):], b[p+oldlen:p+oldlen+tail])
		copy(b[p:], seq)
	} else {
		// The opcode was the last one. An XZERO cut short (see xzeroLen)
		// counts as two bytes all the same, so the sequence's last byte
		// falls past the new end, as it does in Redis.
		b = append(b[:p], seq...)
	}
	return updated(b[:newLen], prev), 1
}

// updated is hllSparseSet's step 4 and end: merge adjacent VAL opcodes of
// equal value (scanning up to five opcodes from prev, or from the start),
// then mark the cached cardinality stale.
func updated(b []byte, prev int) []byte {
	p := prev
	if p < 0 {
		p = HeaderSize
	}
	end := len(b)
	for scan := 5; p < end && scan > 0; scan-- {
		c := b[p]
		if c&opMask == xzeroBit {
			p += 2
			continue
		}
		if c&opMask == 0 {
			p++
			continue
		}
		if p+1 < end && b[p+1]&valBit != 0 {
			v := valValue(c)
			if v == valValue(b[p+1]) {
				if n := valLen(c) + valLen(b[p+1]); n <= valMaxLen {
					b[p+1] = valOp(v, n)
					copy(b[p:], b[p+1:end])
					end--
					// Try the merged opcode with the one on its right.
					continue
				}
			}
		}
		p++
	}
	b = b[:end]
	invalidateCache(b)
	return b
}

// promote is hllSparseSet's promote: convert to dense (the header, cached
// cardinality included, is kept) and set the register there.
func promote(b []byte, index int, count uint8) ([]byte, int) {
	d, err := sparseToDense(b)
	if err != nil {
		return b, -1
	}
	denseSetMax(d[HeaderSize:], index, count)
	return d, 1
}

// sparseToDense is hllSparseToDense: a new dense value with b's header, or
// ErrCorrupt. A dense b is returned as it is.
func sparseToDense(b []byte) ([]byte, error) {
	if isDense(b) {
		return b, nil
	}
	d := make([]byte, DenseSize)
	copy(d, b[:HeaderSize])
	d[4] = encDense
	regs := d[HeaderSize:]
	sparse := b[HeaderSize:]
	idx := 0
	for p := 0; p < len(sparse); {
		c := sparse[p]
		switch {
		case c&opMask == 0:
			idx += int(c&0x3f) + 1
			p++
		case c&opMask == xzeroBit:
			idx += xzeroLen(sparse, p)
			p += 2
		default:
			n, v := valLen(c), valValue(c)
			if idx+n > NumRegisters {
				return nil, ErrCorrupt
			}
			for ; n > 0; n-- {
				denseSet(regs, idx, v)
				idx++
			}
			p++
		}
	}
	if idx != NumRegisters {
		return nil, ErrCorrupt
	}
	return d, nil
}

// ToDense is PFDEBUG TODENSE (and the first step of PFDEBUG GETREG): the
// value converted to dense and whether it was sparse — then Redis counts a
// write, so the caller stores and propagates it.
func ToDense(b []byte) (dense []byte, converted bool, err error) {
	if isDense(b) {
		return b, false, nil
	}
	d, err := sparseToDense(b)
	if err != nil {
		return b, false, err
	}
	return d, true, nil
}

// Decode is PFDEBUG DECODE: the sparse opcodes as "Z:<n>" (XZERO), "z:<n>"
// (ZERO) and "v:<value>,<n>" (VAL) separated by spaces; ok is false for a
// dense value ("HLL encoding is not sparse"). Like Redis it prints whatever
// opcodes are there, corrupt or not.
func Decode(b []byte) (text string, ok bool) {
	if isDense(b) {
		return "", false
	}
	sparse := b[HeaderSize:]
	out := make([]byte, 0, 6*len(sparse))
	for p := 0; p < len(sparse); {
		if p > 0 {
			out = append(out, ' ')
		}
		c := sparse[p]
		switch {
		case c&opMask == 0:
			out = append(out, "z:"...)
			out = strconv.AppendInt(out, int64(c&0x3f)+1, 10)
			p++
		case c&opMask == xzeroBit:
			out = append(out, "Z:"...)
			out = strconv.AppendInt(out, int64(xzeroLen(sparse, p)), 10)
			p += 2
		default:
			out = append(out, "v:"...)
			out = strconv.AppendInt(out, int64(valValue(c)), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(valLen(c)), 10)
			p++
		}
	}
	return string(out), true
}
