// Package lzf is the LZF compressor Redis uses for RDB strings and
// quicklist nodes, with Redis's output: liblzf as vendored by Redis 7.0
// (src/lzf_c.c, src/lzf_d.c), with Redis's lzfP.h settings (HLOG 16,
// VERY_FAST, no INIT_HTAB). Without INIT_HTAB Redis's hash table is
// whatever its stack held, and a slot an earlier call left can, rarely,
// point at a match in the new input that a zeroed table would not offer;
// here the table always reads as zeroed, Redis's output from a fresh
// stack.
package lzf

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"
)

// Decompress's errors: liblzf's E2BIG and EINVAL.
var (
	ErrTooBig  = errors.New("lzf: output does not fit (E2BIG)")
	ErrInvalid = errors.New("lzf: invalid compressed data (EINVAL)")
)

// Decompress decompresses in into out (whose length is the expected
// output size) and returns the number of bytes written. It checks all
// bounds (CHECK_INPUT), so arbitrary input cannot make it panic.
func Decompress(in, out []byte) (int, error) {
	ip, op := 0, 0
	inEnd, outEnd := len(in), len(out)
	for ip < inEnd {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 { // literal run
			ctrl++
			if op+ctrl > outEnd {
				return 0, ErrTooBig
			}
			if ip+ctrl > inEnd {
				return 0, ErrInvalid
			}
			copy(out[op:op+ctrl], in[ip:ip+ctrl])
			op += ctrl
			ip += ctrl
		} else { // back reference
			length := ctrl >> 5
			ref := op - ((ctrl & 0x1f) << 8) - 1
			if ip >= inEnd {
				return 0, ErrInvalid
			}
			if length == 7 {
				length += int(in[ip])
				ip++
				if ip >= inEnd {
					return 0, ErrInvalid
				}
			}
			ref -= int(in[ip])
			ip++
			if op+length+2 > outEnd {
				return 0, ErrTooBig
			}
			if ref < 0 {
				return 0, ErrInvalid
			}
			n := length + 2
			if op-ref >= n {
				copy(out[op:op+n], out[ref:ref+n])
				op += n
				continue
			}
			// Byte by byte when the source overlaps what it writes: a run
			// repeats the last op-ref bytes.
			for ; n > 0; n-- {
				out[op] = out[ref]
				op++
				ref++
			}
		}
	}
	return op, nil
}

const (
	hLog   = 16
	hSize  = 1 << hLog
	maxLit = 1 << 5
	maxOff = 1 << 13
	maxRef = (1 << 8) + (1 << 3)
)

// table is the compressor's hash table. Redis's starts zeroed for every
// string; clearing 64K slots per call cost 50 µs for a 1 KiB value, so each
// slot carries the call's generation instead, and a slot of another
// generation reads as zero — the same output, without the clearing.
type table struct {
	gen   uint32
	slots [hSize]uint64 // generation<<32 | position
}

var tables = sync.Pool{New: func() any { return new(table) }}

func (t *table) get(slot uint32) int {
	if v := t.slots[slot]; uint32(v>>32) == t.gen {
		return int(uint32(v))
	}
	return 0
}

func (t *table) set(slot uint32, pos int) { t.slots[slot] = uint64(t.gen)<<32 | uint64(uint32(pos)) }

func idx(h uint32) uint32 {
	return ((h >> (3*8 - hLog)) - h*5) & (hSize - 1)
}

// matchLength extends a match of in[ref:] and in[ip:] from length l and
// returns the first position where they differ, or maxlen: liblzf's
// byte-by-byte "do len++; while (len < maxlen && ref[len] == ip[len])",
// eight bytes at a time.
func matchLength(in []byte, ref, ip, l, maxlen int) int {
	for l+8 <= maxlen {
		if x := binary.LittleEndian.Uint64(in[ref+l:]) ^ binary.LittleEndian.Uint64(in[ip+l:]); x != 0 {
			return l + bits.TrailingZeros64(x)/8
		}
		l += 8
	}
	for l < maxlen && in[ref+l] == in[ip+l] {
		l++
	}
	return l
}

// Compress compresses in into out and returns the compressed size, or 0
// if it does not fit in len(out) bytes (lzf_compress with out_len =
// len(out)); it never writes past len(out).
func Compress(in, out []byte) int {
	inLen, outLen := len(in), len(out)
	if inLen == 0 || outLen == 0 {
		return 0
	}
	htab := tables.Get().(*table)
	defer tables.Put(htab)
	htab.gen++
	if htab.gen == 0 { // wrapped: old stamps could look current
		clear(htab.slots[:])
		htab.gen = 1
	}
	ip, op := 0, 0
	inEnd, outEnd := inLen, outLen
	lit := 0
	op++ // start run

	hval := uint32(in[0]) << 8
	if inLen > 1 {
		hval |= uint32(in[1])
	}
	for ip < inEnd-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := idx(hval)
		ref := htab.get(slot)
		htab.set(slot, ip)

		off := ip - ref - 1
		if ref < ip && off < maxOff && ref > 0 &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			// match found at ref
			length := 2
			maxlen := inEnd - ip - length
			if maxlen > maxRef {
				maxlen = maxRef
			}
			// liblzf stops the run before this test; the test comes first
			// here because a run started at outEnd would put the stop
			// one byte past out (liblzf's callers allocate out_len+1).
			if lit == 0 {
				op-- // undo run if length is zero
			}
			if op+3+1 >= outEnd {
				return 0
			}
			if lit > 0 {
				out[op-lit-1] = byte(lit - 1) // stop run
			}
			if maxlen > 16 {
				// liblzf's unrolled loop compares the next sixteen bytes
				// without testing maxlen (there is room: maxlen > 16 means
				// 19 bytes left), then its "do len++ while" goes one past.
				if length = matchLength(in, ref, ip, length+1, length+17); length == 19 {
					length = matchLength(in, ref, ip, length, maxlen)
				}
			} else {
				length = matchLength(in, ref, ip, length+1, maxlen)
			}
			length -= 2 // now #octets - 1
			ip++
			if length < 7 {
				out[op] = byte((off >> 8) + (length << 5))
				op++
			} else {
				out[op] = byte((off >> 8) + (7 << 5))
				out[op+1] = byte(length - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++ // start run
			ip += length + 1
			if ip >= inEnd-2 {
				break
			}
			// VERY_FAST: rehash the last two positions of the match.
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab.set(idx(hval), ip)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab.set(idx(hval), ip)
			ip++
		} else {
			// one more literal byte we must copy
			if op >= outEnd {
				return 0
			}
			lit++
			out[op] = in[ip]
			op++
			ip++
			if lit == maxLit {
				out[op-lit-1] = byte(lit - 1) // stop run
				lit = 0
				op++ // start run
			}
		}
	}
	if op+3 > outEnd { // at most 3 bytes can be missing here
		return 0
	}
	for ip < inEnd {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == maxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1) // end run
	if lit == 0 {
		op-- // undo run if length is zero
	}
	return op
}
