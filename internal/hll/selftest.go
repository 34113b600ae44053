package hll

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
)

// SelfTest is PFSELFTEST: nil for Redis's "+OK", otherwise an error whose
// text is Redis's error reply. It sets random dense registers and reads
// them back, then adds 10 million distinct elements to a dense and a sparse
// HLL (hll-sparse-max-bytes sparseMaxBytes) at once, checking at every
// power of ten that the sparse one is still sparse while small, that both
// estimate the same and that the error stays within six standard errors.
func SelfTest(sparseMaxBytes int) error {
	const cycles = 1000
	dense := make([]byte, DenseSize)
	regs := dense[HeaderSize:]
	var want [NumRegisters]uint8
	for range cycles {
		for i := range want {
			want[i] = uint8(rand.IntN(regMax + 1))
			denseSet(regs, i, want[i])
		}
		for i, w := range want {
			if v := denseGet(regs, i); v != w {
				return fmt.Errorf("TESTFAILED Register %d should be %d but is %d", i, w, v)
			}
		}
	}

	clear(regs)
	sparse := New()
	relerr := 1.04 / math.Sqrt(NumRegisters)
	checkpoint := int64(1)
	seed := rand.Uint64()
	var ele [8]byte
	for j := int64(1); j <= 10000000; j++ {
		binary.LittleEndian.PutUint64(ele[:], uint64(j)^seed)
		index, count := patLen(ele[:])
		denseSetMax(regs, index, count)
		if isDense(sparse) {
			denseSetMax(sparse[HeaderSize:], index, count)
		} else {
			sparse, _ = sparseSet(sparse, index, count, sparseMaxBytes)
		}
		if j != checkpoint {
			continue
		}
		if j < int64(sparseMaxBytes/2) && isDense(sparse) {
			return fmt.Errorf("TESTFAILED sparse encoding not used")
		}
		card, _ := estimate(dense)
		if sc, _ := estimate(sparse); sc != card {
			return fmt.Errorf("TESTFAILED dense/sparse disagree")
		}
		abserr := checkpoint - int64(card)
		maxerr := uint64(math.Ceil(relerr * 6 * float64(checkpoint)))
		// Redis's own bound at cardinality 10, kept so that PFSELFTEST
		// fails where Redis's does.
		if j == 10 {
			maxerr = 1
		}
		if abserr < 0 {
			abserr = -abserr
		}
		if abserr > int64(maxerr) {
			return fmt.Errorf("TESTFAILED Too big error. card:%d abserr:%d", checkpoint, abserr)
		}
		checkpoint *= 10
	}
	return nil
}
