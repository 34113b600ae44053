package zsetval

import (
	"runtime"
	"strconv"
	"testing"
)

// Redis 7.0.15's used_memory for the same sorted sets, measured with
// INFO memory around the ZADDs: 109.7 bytes a member for one skiplist of
// 1M 10-byte members; 176 bytes a 10-member listpack value (a 16-byte
// robj and its 147-byte listpack in jemalloc's 160-byte class), 17.6 a
// member.
const (
	redisSkiplistBytes = 109.7
	redisListpackBytes = 17.6
)

// heapBytes is the live heap after a collection.
func heapBytes() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// The memory a member costs stays within 1.3 times Redis's.
func TestMemoryPerMember(t *testing.T) {
	if testing.Short() {
		t.Skip("a million members")
	}
	const n = 1_000_000
	before := heapBytes()
	z := New(n, 10, Limits{})
	var buf [10]byte
	for i := range n {
		member := strconv.AppendInt(buf[:0], int64(1e9+i), 10)
		member[0] = 'm' // for the leading 1: m and 9 digits
		z.Add(member, float64(i)*0.5, 0, Limits{})
	}
	perMember := float64(heapBytes()-before) / n
	runtime.KeepAlive(z)
	t.Logf("skiplist: %.1f bytes a member (Redis %.1f)", perMember, redisSkiplistBytes)
	if z.Len() != n || perMember > 1.3*redisSkiplistBytes {
		t.Errorf("skiplist: %d members, %.1f bytes each", z.Len(), perMember)
	}

	const sets = 100_000
	lim := Limits{Entries: 128, Value: 64}
	before = heapBytes()
	zs := make([]*ZSet, sets)
	for k := range zs {
		zs[k] = New(1, 10, lim)
		for i := range 10 {
			zs[k].Add([]byte("m00000000"+strconv.Itoa(i)), float64(i), 0, lim)
		}
	}
	perMember = float64(heapBytes()-before-8*sets) / (10 * sets) // without zs's pointers
	runtime.KeepAlive(zs)
	t.Logf("listpack: %.1f bytes a member (Redis %.1f)", perMember, redisListpackBytes)
	if perMember > 1.3*redisListpackBytes {
		t.Errorf("listpack: %.1f bytes a member", perMember)
	}
}
