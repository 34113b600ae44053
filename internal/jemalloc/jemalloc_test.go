package jemalloc

import "testing"

// The classes jemalloc 5 has for these requests (its size_classes table).
func TestSize(t *testing.T) {
	for _, c := range []struct {
		n    int
		want int64
	}{
		{0, 8}, {1, 8}, {8, 8}, {9, 16}, {16, 16}, {17, 32}, {33, 48}, {128, 128}, {129, 160},
		{160, 160}, {161, 192}, {255, 256}, {256, 256}, {257, 320}, {1025, 1280},
		{4096, 4096}, {4097, 5120}, {50006, 57344}, {1 << 20, 1 << 20}, {1<<20 + 1, 1<<20 + 1<<18},
	} {
		if got := Size(c.n); got != c.want {
			t.Errorf("Size(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
