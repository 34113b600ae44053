package hll

import "encoding/binary"

// Union is the register-wise maximum of several HyperLogLogs, one byte per
// register, as PFCOUNT of several keys and PFMERGE compute it (hllMerge).
// Its zero value is the empty union. It is 16 KiB: a caller that needs its
// own order of checks over the keys can keep one and zero it between uses.
type Union struct {
	max      [NumRegisters]uint8
	anyDense bool // PFMERGE writes a dense result when a source was dense
}

// Add merges a Valid value into the union, or returns ErrCorrupt for a
// sparse value whose opcodes do not cover exactly NumRegisters registers.
func (u *Union) Add(b []byte) error {
	if isDense(b) {
		u.anyDense = true
		u.addDense(b[HeaderSize:DenseSize])
		return nil
	}
	sparse := b[HeaderSize:]
	i := 0
	for p := 0; p < len(sparse); {
		c := sparse[p]
		switch {
		case c&opMask == 0:
			i += int(c&0x3f) + 1
			p++
		case c&opMask == xzeroBit:
			i += xzeroLen(sparse, p)
			p += 2
		default:
			n, v := valLen(c), valValue(c)
			if i+n > NumRegisters {
				return ErrCorrupt
			}
			for k := i; k < i+n; k++ {
				u.max[k] = max(u.max[k], v)
			}
			i += n
			p++
		}
	}
	if i != NumRegisters {
		return ErrCorrupt
	}
	return nil
}

// addDense takes the maximum with dense registers eight at a time: six
// bytes spread into one byte per register, then a bytewise max (SWAR; every
// byte is below 128, so the subtraction borrows across no byte).
func (u *Union) addDense(regs []byte) {
	const high = 0x8080808080808080
	for i, j := 0, 0; i+6 <= len(regs); i, j = i+6, j+8 {
		x := uint64(binary.LittleEndian.Uint32(regs[i:])) | uint64(binary.LittleEndian.Uint16(regs[i+4:]))<<32
		// Register k sits at bit 6k and goes to bit 8k.
		a := x&0x3f | x<<2&0x3f00 | x<<4&0x3f0000 | x<<6&0x3f000000 |
			x<<8&0x3f00000000 | x<<10&0x3f0000000000 | x<<12&0x3f000000000000 | x<<14&0x3f00000000000000
		m := u.max[j : j+8 : j+8]
		b := binary.LittleEndian.Uint64(m)
		ge := ((a | high) - b) & high // bit 7 of each byte: a >= b
		keep := (ge >> 7) * 0xff
		binary.LittleEndian.PutUint64(m, a&keep|b&^keep)
	}
}

// Count is hllCount of the union (Redis's internal raw encoding).
func (u *Union) Count() uint64 {
	var histo [64]int
	for i := 0; i+8 <= len(u.max); i += 8 {
		r := u.max[i : i+8 : i+8]
		if binary.LittleEndian.Uint64(r) == 0 {
			histo[0] += 8
			continue
		}
		for _, v := range r {
			histo[v&63]++
		}
	}
	return histoEstimate(&histo)
}

// Store is the end of PFMERGE: it writes the union into the destination's
// value dst (nil for a missing key, which PFMERGE creates), dense if any
// merged value was dense and sparse otherwise (promoted past sparseMaxBytes
// as PFADD would), marks the cache stale, and returns the value to store.
// PFMERGE's first source is its destination, so dst has been through Add:
// ErrCorrupt is only for a dst that was not.
func (u *Union) Store(dst []byte, sparseMaxBytes int) ([]byte, error) {
	if dst == nil {
		dst = New()
	}
	if u.anyDense {
		d, err := sparseToDense(dst)
		if err != nil {
			return dst, err
		}
		dst = d
	}
	for j, v := range u.max {
		if v == 0 {
			continue
		}
		if isDense(dst) {
			denseSetMax(dst[HeaderSize:DenseSize], j, v)
			continue
		}
		var r int
		if dst, r = sparseSet(dst, j, v, sparseMaxBytes); r < 0 {
			return dst, ErrCorrupt
		}
	}
	invalidateCache(dst)
	return dst, nil
}

// addChecked is the loop PFCOUNT and PFMERGE run over their keys, in
// order: a missing key (nil) is an empty HLL, an invalid one stops with
// ErrInvalid, a corrupt one with ErrCorrupt.
func (u *Union) addChecked(values [][]byte) error {
	for _, b := range values {
		if b == nil {
			continue
		}
		if !Valid(b) {
			return ErrInvalid
		}
		if err := u.Add(b); err != nil {
			return err
		}
	}
	return nil
}

// CountMany is PFCOUNT of several keys: the cardinality of the union of
// their string values (nil for a missing key). Nothing is written. A value
// of another type is the caller's WRONGTYPE to find first.
func CountMany(values [][]byte) (uint64, error) {
	var u Union
	if err := u.addChecked(values); err != nil {
		return 0, err
	}
	return u.Count(), nil
}

// Merge is PFMERGE: values are the string values of its keys in argument
// order, the destination first (nil for a missing key); it returns the
// destination's new value, written in place of values[0] where Redis
// writes in place. The caller stores it, signals, notifies "pfadd" and
// propagates.
func Merge(values [][]byte, sparseMaxBytes int) ([]byte, error) {
	var u Union
	if err := u.addChecked(values); err != nil {
		return nil, err
	}
	return u.Store(values[0], sparseMaxBytes)
}

// Registers is the value of every register (PFDEBUG GETREG, after
// ToDense), or ErrCorrupt.
func Registers(b []byte) (*[NumRegisters]uint8, error) {
	var u Union
	if err := u.Add(b); err != nil {
		return nil, err
	}
	return &u.max, nil
}
