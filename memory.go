package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// idleRelease gives memory back to the OS once the server goes idle after
// a burst of work. The Go runtime lets the heap reach twice the live data
// before it collects (GOGC=100), keeps the pages below that, and collects
// only when something allocates: values overwritten, or deleted, by the
// last commands stayed in RSS, and in used_memory, until the runtime's
// forced collection two minutes later; Redis's allocator frees them at
// once. When a cron tick finds that no command ran since the previous
// one, and the heap grew by a quarter of the live data and 4 MB since the
// last release or values were freed lazily since (lazyfree.go), the reply
// pool is left to the collector, and two collections (the second frees
// what sync.Pools kept through the first) and a full scavenge
// (debug.FreeOSMemory) run in the background. That
// is once per burst, at most a few times as often as the runtime collects
// anyway, and never while clients are served.
type idleRelease struct {
	lastCommands int64
	allocated    uint64 // the heap's total allocations at the last release
	lazyFreed    int64  // lazyFree.handed at the last release
	running      atomic.Bool
}

// releaseMemoryWhenIdle is the cron's part of idleRelease (lock held).
func (s *Server) releaseMemoryWhenIdle() {
	r := &s.idleRelease
	busy := s.stats.commands != r.lastCommands
	r.lastCommands = s.stats.commands
	if busy || r.running.Load() {
		return
	}
	live, allocated := heapMemory()
	lazyFreed := s.lazyfree.handed.Load()
	if allocated-r.allocated < live/4+4<<20 && lazyFreed == r.lazyFreed {
		return
	}
	r.allocated, r.lazyFreed = allocated, lazyFreed
	s.replies.drain()
	r.running.Store(true)
	go func() {
		runtime.GC()
		debug.FreeOSMemory()
		r.running.Store(false)
	}()
}

// heapMemory is the live heap as of the last collection, and the bytes
// the heap has allocated since the start.
func heapMemory() (live, allocated uint64) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64(), sample[1].Value.Uint64()
}

// collectInBackground starts a collection in a goroutine of its own,
// unless the last one started with the same flag still runs.
func collectInBackground(running *atomic.Bool) {
	if running.CompareAndSwap(false, true) {
		go func() {
			runtime.GC()
			running.Store(false)
		}()
	}
}
