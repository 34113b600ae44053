package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"respd/internal/keyspace"
)

// maxmemory, as Redis's evict.c: before a command, while the memory
// counted against maxmemory is over it, keys chosen by maxmemory-policy
// are evicted; a command that may grow memory (denyoom) is refused OOM if
// that can't bring it under.
//
// The memory counted. Redis's allocator counts every byte it hands out;
// Go's runtime knows the heap's objects — the live ones and the dead ones
// the collector has not freed yet — which is what evictionMemory starts
// from, less the size of the keys deleted or overwritten since the last
// collection (evicted ones included: the collector frees them later;
// keyspace's OnFree) and less what Redis does not count (the AOF buffer,
// the replicas' output). INFO's used_memory is that figure, with what is
// not counted, while maxmemory is set. Reading the runtime costs ~0.3 µs, so
// between readings the figure grows by the size of the requests
// (mem.estimate), and the runtime is read only once that estimate passes
// maxmemory.
//
// RSS. With maxmemory set, respd sets the runtime's soft memory limit
// (GOMEMLIMIT, unless the environment sets one) to maxmemory plus an
// eighth and 16 MB, so the collector runs before dead objects push the
// heap far past maxmemory, and the scavenger returns what it frees: RSS
// stays under that limit plus the memory outside Go's heap accounting
// (the binary, thread stacks: a few MB). Dead objects not collected yet
// count until a collection, so respd evicts a little early rather than
// late, by at most that headroom.

// evictionPoolSize is EVPOOL_SIZE: the best candidates kept across runs.
const evictionPoolSize = 16

type evictionCandidate struct {
	idle uint64 // the higher, the better a candidate
	key  string // "" for an empty slot
	db   int
}

// evictionState is the eviction pool and the memory figure's state.
type evictionState struct {
	pool    [evictionPoolSize]evictionCandidate
	sampled []*keyspace.Entry
	nextDB  int // the random policies' round robin
	// freed is what eviction deleted since the collection numbered gcs.
	freed int64
	gcs   uint64
	// estimate is the last reading plus the requests' size since.
	estimate uint64
	samples  []metrics.Sample
	// timedOut: the last eviction stopped at its time limit with memory
	// still to free; the cron goes on with it.
	timedOut bool
	// memoryLimitSet: respd set the runtime's memory limit.
	memoryLimitSet bool
	// collectedHeap is the heap's objects after collectedUnder collected.
	collectedHeap uint64
	// collecting is set while collectFlushed's collection runs.
	collecting atomic.Bool
	// overSince is when memory last went over maxmemory (zero while
	// under); overTotal the time it was over before that (INFO's
	// *_eviction_exceeded_time).
	overSince time.Time
	overTotal time.Duration
}

// applyEvictionPolicy applies maxmemory-policy and the LFU parameters:
// how accesses are recorded.
func (s *Server) applyEvictionPolicy() string {
	cfg := s.cfg
	s.ks.LFU = nil
	if strings.HasSuffix(cfg.MaxMemoryPolicy, "-lfu") {
		s.ks.LFU = &keyspace.LFU{LogFactor: cfg.LFULogFactor, DecayTime: cfg.LFUDecayTime}
	}
	return ""
}

// applyMaxmemory applies maxmemory: the runtime's memory limit, and
// evictions if memory is now over it.
func (s *Server) applyMaxmemory() string {
	cfg := s.cfg
	ev := &s.eviction
	switch {
	case cfg.MaxMemory != 0 && (ev.memoryLimitSet || !envMemoryLimit()):
		debug.SetMemoryLimit(int64(min(cfg.MaxMemory+cfg.MaxMemory/8+16<<20, math.MaxInt64/2)))
		ev.memoryLimitSet = true
	case cfg.MaxMemory == 0 && ev.memoryLimitSet:
		debug.SetMemoryLimit(math.MaxInt64)
		ev.memoryLimitSet = false
	}
	ev.estimate = cfg.MaxMemory // read the runtime at the next command
	s.ks.OnFree = nil
	if cfg.MaxMemory != 0 {
		s.ks.OnFree = func(e *keyspace.Entry) { ev.freed += memoryUsage(e, 5) }
		if used := s.evictionMemory(); used > cfg.MaxMemory {
			s.warnf("WARNING: the new maxmemory value set via CONFIG SET (%d) is smaller than the current memory usage (%d). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.", cfg.MaxMemory, used)
		}
		s.performEvictions()
	}
	return ""
}

// envMemoryLimit reports whether GOMEMLIMIT set the runtime's limit.
func envMemoryLimit() bool {
	_, set := os.LookupEnv("GOMEMLIMIT")
	return set
}

// evictionMemory is the memory counted against maxmemory (see above).
func (s *Server) evictionMemory() uint64 {
	ev := &s.eviction
	if ev.samples == nil {
		ev.samples = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	}
	metrics.Read(ev.samples)
	heap, gcs := ev.samples[0].Value.Uint64(), ev.samples[1].Value.Uint64()
	if gcs != ev.gcs {
		ev.gcs, ev.freed = gcs, 0
	}
	used := int64(heap) - ev.freed - int64(s.memoryNotCounted())
	ev.estimate = uint64(max(used, 0))
	return ev.estimate
}

// memoryNotCounted is freeMemoryGetNotCountedMemory: the replicas' output
// and the AOF buffer, which eviction can't shrink (evicting writes more).
func (s *Server) memoryNotCounted() uint64 {
	var n uint64
	for _, r := range s.repl.replicas {
		n += uint64(r.w.unsent())
	}
	if s.aof != nil {
		n += uint64(len(s.aof.buf))
	}
	return n
}

// outOfMemory is processCommand's maxmemory step for a request of args:
// it evicts if memory is over maxmemory and reports whether it still is.
func (s *Server) outOfMemory(args [][]byte) bool {
	ev := &s.eviction
	for _, a := range args {
		ev.estimate += uint64(len(a))
	}
	if ev.estimate <= s.cfg.MaxMemory && !ev.timedOut {
		return false
	}
	return !s.performEvictions()
}

// evictionSafe is isSafeToPerformEvictions: not while a script is busy or
// the data loads, not on a replica that leaves it to its master, not
// while clients are paused (the dataset must not change).
func (s *Server) evictionSafe() bool {
	switch {
	case s.busyScript != nil, s.loading.active, s.clientsPaused():
		return false
	case s.repl.master != nil && s.cfg.ReplicaIgnoreMaxmemory:
		return false
	}
	return true
}

// performEvictions evicts keys until the memory counted is back under
// maxmemory, for at most the time maxmemory-eviction-tenacity allows (the
// following turns go on); false if it is over and nothing can be evicted.
func (s *Server) performEvictions() bool {
	ev := &s.eviction
	if !s.evictionSafe() {
		return true
	}
	ok := s.evict()
	// Redis's update_metrics: the time over maxmemory runs while eviction
	// fails or goes on in the following turns.
	switch {
	case !ok || ev.timedOut:
		if ev.overSince.IsZero() {
			ev.overSince = time.Now()
		}
	case !ev.overSince.IsZero():
		ev.overTotal += time.Since(ev.overSince)
		ev.overSince = time.Time{}
	}
	return ok
}

// evict is performEvictions's work: false if memory stays over
// maxmemory with nothing to evict. It frees a thousandth of maxmemory more
// than Redis would (at most 64 KB): the next commands then grow the
// estimate without reading the runtime each time.
func (s *Server) evict() bool {
	ev := &s.eviction
	ev.timedOut = false
	used := s.evictionMemory()
	if used <= s.cfg.MaxMemory {
		return true
	}
	if s.cfg.MaxMemoryPolicy == "noeviction" {
		return s.collectedUnder()
	}
	target := s.cfg.MaxMemory - min(s.cfg.MaxMemory/1024, 64<<10)
	toFree := int64(used - target)
	start := time.Now()
	limit := evictionTimeLimit(s.cfg.MaxMemoryEvictionTenacity)
	for evicted := 0; toFree > 0; {
		db, e := s.evictionCandidate()
		if e == nil {
			return s.collectedUnder()
		}
		toFree -= memoryUsage(e, 5)
		s.evictKey(db, e) // counted in freed by OnFree
		if evicted++; evicted%16 == 0 && time.Since(start) > limit {
			ev.timedOut = true
			break
		}
	}
	ev.estimate = uint64(int64(target) + toFree)
	return true
}

// exceededTime is how long memory was over maxmemory in all, and this
// time if it is now.
func (ev *evictionState) exceededTime() (total, current time.Duration) {
	if !ev.overSince.IsZero() {
		current = time.Since(ev.overSince)
	}
	return ev.overTotal + current, current
}

// collectedUnder is the last resort before OOM: the memory counted holds
// the dead objects not collected yet (a FLUSHALL's whole dataset, values
// overwritten), so unless a collection found the heap as it is now, one
// runs and memory is measured again. A server refusing writes allocates
// little: it collects again only once the heap has grown since.
func (s *Server) collectedUnder() bool {
	ev := &s.eviction
	heap := ev.samples[0].Value.Uint64()
	if heap <= ev.collectedHeap+s.cfg.MaxMemory/64 {
		return false
	}
	runtime.GC()
	used := s.evictionMemory()
	ev.collectedHeap = ev.samples[0].Value.Uint64()
	return used <= s.cfg.MaxMemory
}

// collectFlushed has the collector free a flushed database at once, under
// maxmemory: its keys, too many to size one by one, count until then.
func (s *Server) collectFlushed() {
	ev := &s.eviction
	if s.cfg.MaxMemory != 0 {
		collectInBackground(&ev.collecting)
	}
}

// evictionTimeLimit is evictionTimeLimitUs: 50 µs per tenacity point up
// to 10, then 15% more per point, unlimited at 100.
func evictionTimeLimit(tenacity int) time.Duration {
	switch {
	case tenacity <= 10:
		return time.Duration(50*tenacity) * time.Microsecond
	case tenacity < 100:
		return time.Duration(500*math.Pow(1.15, float64(tenacity)-10)) * time.Microsecond
	}
	return math.MaxInt64
}

// evictionCandidate picks the key to evict by the policy: the best of the
// pool, refilled from every database, for the LRU, LFU and TTL policies;
// a database's random key, databases taken in turn, for the random ones.
// nil if there is none.
func (s *Server) evictionCandidate() (int, *keyspace.Entry) {
	ev := &s.eviction
	policy := s.cfg.MaxMemoryPolicy
	volatile := strings.HasPrefix(policy, "volatile-")
	if strings.HasSuffix(policy, "-random") {
		for range s.ks.DBs {
			ev.nextDB = (ev.nextDB + 1) % len(s.ks.DBs)
			if e := s.ks.DBs[ev.nextDB].RandomKey(volatile); e != nil {
				return ev.nextDB, e
			}
		}
		return 0, nil
	}
	for {
		total := 0
		for i, db := range s.ks.DBs {
			keys := db.Len()
			if volatile {
				keys = db.Volatile()
			}
			if keys > 0 {
				s.populateEvictionPool(i, volatile)
				total += keys
			}
		}
		if total == 0 {
			return 0, nil
		}
		for k := evictionPoolSize - 1; k >= 0; k-- {
			c := ev.pool[k]
			if c.key == "" {
				continue
			}
			ev.pool[k] = evictionCandidate{}
			// A key deleted (or made persistent, for volatile-*)
			// since it was sampled is a ghost: the next one then.
			if e := s.ks.DBs[c.db].Peek(c.key); e != nil && (!volatile || e.Expire != 0) {
				return c.db, e
			}
		}
	}
}

// populateEvictionPool is evictionPoolPopulate: maxmemory-samples keys of
// db, each put in the pool (sorted by idle, ascending) if better than its
// worst.
func (s *Server) populateEvictionPool(db int, volatile bool) {
	ev := &s.eviction
	ev.sampled = s.ks.DBs[db].SampleKeys(ev.sampled[:0], s.cfg.MaxMemorySamples, volatile)
	now := time.Now().UnixMilli()
	pool := &ev.pool
	for _, e := range ev.sampled {
		var idle uint64
		switch {
		case s.ks.LFU != nil:
			// The inverted frequency: the least used first.
			idle = 255 - uint64(s.ks.LFUCounter(e, now))
		case s.cfg.MaxMemoryPolicy == "volatile-ttl":
			idle = math.MaxUint64 - uint64(e.Expire) // the sooner, the better
		default:
			idle = keyspace.IdleMs(e, now)
		}
		k := 0
		for k < evictionPoolSize && pool[k].key != "" && pool[k].idle < idle {
			k++
		}
		switch {
		case k == 0 && pool[evictionPoolSize-1].key != "":
			continue // worse than the worst, and the pool is full
		case k < evictionPoolSize && pool[k].key == "":
		case pool[evictionPoolSize-1].key == "":
			copy(pool[k+1:], pool[k:evictionPoolSize-1]) // room on the right
		default:
			k-- // full: drop the worst, on the left
			copy(pool[:k], pool[1:k+1])
		}
		pool[k] = evictionCandidate{idle: idle, key: e.Key(), db: db}
	}
	clear(ev.sampled)
}

// evictKey deletes e as maxmemory's victim: its value freed lazily under
// lazyfree-lazy-eviction, the evicted event, WATCH and tracking told, a
// DEL (UNLINK if lazy) propagated, as Redis's performEvictions.
func (s *Server) evictKey(db int, e *keyspace.Entry) {
	key := e.Key()
	lazy := s.cfg.LazyfreeEviction
	s.deleteKey(s.ks.DBs[db], key, lazy)
	s.stats.evictedKeys++
	s.ks.DBs[db].Touch(key)
	s.invalidateTracked(nil, key)
	s.notify(notifyEvicted, "evicted", bytesOf(key), db)
	del := evictionArgs.del
	if lazy {
		del = evictionArgs.unlink // propagateDeletion
	}
	s.propagate(db, del, bytesOf(key))
}

// evictionArgs are the command names an eviction propagates.
var evictionArgs = struct{ del, unlink []byte }{[]byte("DEL"), []byte("UNLINK")}

// evictClients is Redis 7.0's client eviction: while the normal and
// pub/sub clients take at least maxmemory-clients, the largest are closed,
// but those in CLIENT NO-EVICT mode. Redis keeps every client's memory in
// buckets as it changes; respd adds it up, once a turn (endTurn), only
// while maxmemory-clients is set.
func (s *Server) evictClients() {
	limit := s.clientEvictionLimit()
	if limit == 0 {
		return
	}
	total := 0
	var evictable []*Client
	for _, c := range s.clients {
		if c.replica != nil || c.isMaster || c.closing {
			continue
		}
		total += c.memory().total
		if !c.noEvict {
			evictable = append(evictable, c)
		}
	}
	if uint64(total) < limit {
		return
	}
	slices.SortFunc(evictable, func(a, b *Client) int { return b.memory().total - a.memory().total })
	for _, c := range evictable {
		s.logf("Evicting client: %s", c.info(time.Now()))
		total -= c.memory().total
		c.kill()
		s.stats.evictedClients++
		if uint64(total) < limit {
			return
		}
	}
	s.warnf("Over client maxmemory after evicting all evictable clients")
}

// clientEvictionLimit is getClientEvictionLimit: maxmemory-clients, in
// bytes or as a percentage of maxmemory, never under 128 KB (a server
// must stay reachable); 0 when off.
func (s *Server) clientEvictionLimit() uint64 {
	var limit uint64
	switch n := s.cfg.MaxMemoryClients; {
	case n > 0:
		limit = uint64(n)
	case n < 0 && s.cfg.MaxMemory > 0:
		limit = uint64(float64(s.cfg.MaxMemory) * float64(-n) / 100)
	default:
		return 0
	}
	return max(limit, 128<<10)
}
