// Package hll is Redis 7.0's HyperLogLog (src/hyperloglog.c) working on the
// bytes of the string value Redis keeps it in, so that every value this
// package writes is byte for byte the value Redis would hold after the same
// commands, and every value Redis writes (SET, RESTORE, replication) is read
// the way Redis reads it.
//
// A value is a 16-byte header — "HYLL", the encoding (0 dense, 1 sparse),
// three unused bytes, the cached cardinality as 8 little-endian bytes whose
// top bit marks it stale — followed by the registers: 16384 6-bit registers
// packed LSB first (dense, 12288 bytes), or a run-length sequence of ZERO
// (00xxxxxx), XZERO (01xxxxxx yyyyyyyy) and VAL (1vvvvvxx) opcodes (sparse).
//
// Functions that change a value work in place where Redis does (the caller
// must have preserved the old value for snapshots first) and return the
// value to store, which is a new slice when it grew or became dense.
package hll

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

const (
	// HeaderSize is the size of the header both encodings start with.
	HeaderSize = 16
	// NumRegisters is the number of registers (2^14).
	NumRegisters = 1 << hllP
	// DenseSize is the exact length of a dense value.
	DenseSize = HeaderSize + (NumRegisters*regBits+7)/8
)

const (
	hllP    = 14        // bits of the hash that index the register
	hllQ    = 64 - hllP // bits of the hash whose run of zeroes is counted
	regBits = 6
	regMax  = 1<<regBits - 1
	seed    = 0xadc83b19

	encDense  = 0
	encSparse = 1

	cardOffset   = 8  // the cached cardinality, little endian
	staleByte    = 15 // its most significant byte, whose top bit marks it stale
	staleBit     = 0x80
	xzeroBit     = 0x40
	valBit       = 0x80
	opMask       = 0xc0
	valMaxValue  = 32
	valMaxLen    = 4
	zeroMaxLen   = 64
	xzeroMaxLen  = 16384
	alphaInf     = 0.721347520444481703680 // 0.5/ln(2)
	denseRegSize = DenseSize - HeaderSize
)

// ErrInvalid is isHLLObjectOrReply's refusal: the caller answers
// "WRONGTYPE Key is not a valid HyperLogLog string value.".
var ErrInvalid = errors.New("hll: not a valid HyperLogLog string value")

// ErrCorrupt is a sparse value whose opcodes do not cover exactly the 16384
// registers: the caller answers "INVALIDOBJ Corrupted HLL object detected".
var ErrCorrupt = errors.New("hll: corrupted HLL object")

// New returns an empty sparse HyperLogLog as createHLLObject makes it: one
// XZERO covering every register and a valid cached cardinality of 0. (PFADD
// and PFMERGE then mark the cache stale: Add and Merge do so for a nil value.)
func New() []byte {
	b := make([]byte, HeaderSize, 64)
	copy(b, "HYLL")
	b[4] = encSparse
	return appendZeros(b, NumRegisters)
}

// Valid reports whether a string value passes isHLLObjectOrReply: long
// enough for the header, the magic, a known encoding, and a dense value of
// exactly DenseSize bytes. A sparse value's opcodes are checked only when
// they are used (ErrCorrupt).
func Valid(b []byte) bool {
	if len(b) < HeaderSize || string(b[:4]) != "HYLL" || b[4] > encSparse {
		return false
	}
	return b[4] != encDense || len(b) == DenseSize
}

// Encoding is PFDEBUG ENCODING's answer for a valid value.
func Encoding(b []byte) string {
	if b[4] == encDense {
		return "dense"
	}
	return "sparse"
}

func isDense(b []byte) bool { return b[4] == encDense }

func invalidateCache(b []byte) { b[staleByte] |= staleBit }

// StoreCard writes card as the value's valid cached cardinality, as PFCOUNT
// of one key does after Count recomputed it.
func StoreCard(b []byte, card uint64) {
	binary.LittleEndian.PutUint64(b[cardOffset:], card)
}

// murmurHash64A is MurmurHash2's 64-bit variant as Redis has it (endian
// neutral: 8-byte blocks are read little endian), with Redis's seed.
func murmurHash64A(key []byte) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	n := len(key)
	h := uint64(seed) ^ uint64(n)*m
	for p := 0; p+8 <= n; p += 8 {
		k := binary.LittleEndian.Uint64(key[p:])
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	if rem := n & 7; rem > 0 {
		// The last rem bytes as a little-endian integer: one load of the
		// last 8 bytes shifted, when the key is that long.
		var t uint64
		if n >= 8 {
			t = binary.LittleEndian.Uint64(key[n-8:]) >> (64 - 8*rem)
		} else {
			for i := n - 1; i >= 0; i-- {
				t = t<<8 | uint64(key[i])
			}
		}
		h ^= t
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// patLen is hllPatLen: the register an element hashes to, and the length of
// the 000..1 pattern in the remaining 50 bits (51 when they are all zero).
func patLen(ele []byte) (index int, count uint8) {
	h := murmurHash64A(ele)
	index = int(h & (NumRegisters - 1))
	h = h>>hllP | 1<<hllQ
	return index, uint8(bits.TrailingZeros64(h) + 1)
}

// denseGet reads register i of the dense registers regs. A register that
// starts in the low two bits of its byte ends in it: only the others read
// the next byte (Redis reads it anyway, the string's NUL at the very end).
func denseGet(regs []byte, i int) uint8 {
	at := i * regBits / 8
	fb := uint(i * regBits & 7)
	v := regs[at] >> fb
	if fb > 8-regBits {
		v |= regs[at+1] << (8 - fb)
	}
	return v & regMax
}

func denseSet(regs []byte, i int, val uint8) {
	at := i * regBits / 8
	fb := uint(i * regBits & 7)
	regs[at] = regs[at]&^(regMax<<fb) | val<<fb
	if fb > 8-regBits {
		regs[at+1] = regs[at+1]&^(regMax>>(8-fb)) | val>>(8-fb)
	}
}

// denseSetMax is hllDenseSet: raise register i to count, reporting a
// change. It reads and writes the 16-bit word holding the register, but
// for the last register, whose word would run past the value.
func denseSetMax(regs []byte, i int, count uint8) bool {
	at := i * regBits / 8
	if at+1 >= len(regs) {
		if count > denseGet(regs, i) {
			denseSet(regs, i, count)
			return true
		}
		return false
	}
	fb := uint(i * regBits & 7)
	w := binary.LittleEndian.Uint16(regs[at:])
	if uint16(count) <= w>>fb&regMax {
		return false
	}
	binary.LittleEndian.PutUint16(regs[at:], w&^(regMax<<fb)|uint16(count)<<fb)
	return true
}

// Add is PFADD's work: it adds the elements to the value b (nil for a
// missing key, which PFADD creates) with hll-sparse-max-bytes sparseMaxBytes,
// and returns the value to store and whether PFADD answers 1 (a register
// changed or the key was created) — then it also marks the cached
// cardinality stale, and the caller signals, notifies and propagates.
//
// b must be Valid. On ErrCorrupt the returned value is what Redis leaves in
// the key: registers raised by earlier elements stay raised.
func Add(b []byte, elements [][]byte, sparseMaxBytes int) (updated []byte, changed bool, err error) {
	if b == nil {
		b, changed = New(), true
	}
	for k, e := range elements {
		if isDense(b) {
			if addDense(b[HeaderSize:DenseSize], elements[k:]) {
				changed = true
			}
			break
		}
		index, count := patLen(e)
		var r int
		b, r = sparseSet(b, index, count, sparseMaxBytes)
		switch r {
		case -1:
			return b, false, ErrCorrupt
		case 1:
			changed = true
		}
	}
	if changed {
		invalidateCache(b)
	}
	return b, changed, nil
}

// addDense is hllDenseAdd for each element, reporting a change.
func addDense(regs []byte, elements [][]byte) (changed bool) {
	for _, e := range elements {
		index, count := patLen(e)
		if denseSetMax(regs, index, count) {
			changed = true
		}
	}
	return changed
}

// Count is PFCOUNT of one key, whose value b is Valid: the cached
// cardinality when it is valid (not checking the registers, as Redis),
// otherwise the estimate with stale true — Redis then writes it back into
// the value (a write that is propagated): the caller calls StoreCard.
func Count(b []byte) (card uint64, stale bool, err error) {
	if b[staleByte]&staleBit == 0 {
		return binary.LittleEndian.Uint64(b[cardOffset:]), false, nil
	}
	card, err = estimate(b)
	return card, true, err
}

// estimate is hllCount on a dense or sparse value, ignoring the cache.
func estimate(b []byte) (uint64, error) {
	var histo [64]int
	if isDense(b) {
		denseHisto(b[HeaderSize:DenseSize], &histo)
	} else if !sparseHisto(b[HeaderSize:], &histo) {
		return 0, ErrCorrupt
	}
	return histoEstimate(&histo), nil
}

// denseHisto is hllDenseRegHisto: counts of each register value, four
// registers per three bytes. Most registers hold one of a few values, so
// the four registers count into four histograms: increments of one counter
// in a row would wait for each other's stores.
func denseHisto(regs []byte, histo *[64]int) {
	var h [4][64]int32
	for i := 0; i+12 <= len(regs); i += 12 {
		r := regs[i : i+12 : i+12]
		for k := 0; k < 12; k += 3 {
			h[0][r[k]&regMax]++
			h[1][(r[k]>>6|r[k+1]<<2)&regMax]++
			h[2][(r[k+1]>>4|r[k+2]<<4)&regMax]++
			h[3][r[k+2]>>2]++
		}
	}
	for v := range histo {
		histo[v] += int(h[0][v] + h[1][v] + h[2][v] + h[3][v])
	}
}

// sparseHisto is hllSparseRegHisto; false when the opcodes do not cover
// exactly NumRegisters registers.
func sparseHisto(sparse []byte, histo *[64]int) bool {
	idx := 0
	for p := 0; p < len(sparse); {
		c := sparse[p]
		switch {
		case c&opMask == 0:
			n := int(c&0x3f) + 1
			idx += n
			histo[0] += n
			p++
		case c&opMask == xzeroBit:
			n := xzeroLen(sparse, p)
			idx += n
			histo[0] += n
			p += 2
		default:
			n := int(c&3) + 1
			idx += n
			histo[(c>>2&0x1f)+1] += n
			p++
		}
	}
	return idx == NumRegisters
}

// histoEstimate is the estimator of Redis 7.0's hllCount, from Otmar Ertl's
// "New cardinality estimation algorithms for HyperLogLog sketches". The
// float64 conversions keep products from being fused into FMAs on the
// architectures that have them, so results round as Redis's do on x86-64.
func histoEstimate(histo *[64]int) uint64 {
	const m = float64(NumRegisters)
	z := float64(m * hllTau((m-float64(histo[hllQ+1]))/m))
	for j := hllQ; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += float64(m * hllSigma(float64(histo[0])/m))
	// llroundl rounds half away from zero, as math.Round does.
	return uint64(math.Round(float64(float64(alphaInf*m)*m) / z))
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zPrime := z
		z += float64(x * y)
		y += y
		if zPrime == z {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zPrime := z
		y *= 0.5
		d := 1 - x
		// Redis writes pow(1-x, 2), which gcc compiles to d*d.
		z -= float64(float64(d*d) * y)
		if zPrime == z {
			return z / 3
		}
	}
}
