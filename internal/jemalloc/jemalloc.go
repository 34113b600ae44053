// Package jemalloc is the one fact of jemalloc's that Redis's memory
// figures depend on: the size class a request is rounded up to, which is
// what zmalloc_size reports (MEMORY USAGE, objectComputeSize).
package jemalloc

import "math/bits"

// Size is the size class jemalloc rounds a request of n bytes up to: 8,
// multiples of 16 up to 128, then four classes per power of two.
func Size(n int) int64 {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return int64((n + 15) &^ 15)
	}
	spacing := 1 << (bits.Len(uint(n-1)) - 3)
	return int64((n + spacing - 1) &^ (spacing - 1))
}
