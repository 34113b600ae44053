package main

// respd as a cache under maxmemory, against redis-server: bench/cache's
// trace at a scale for CI, noeviction keeping what it acknowledged, and a
// replica of a master that evicts.

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cacheMaxmemory is the tests' maxmemory: 16 MB, about 14,000 values of
// 1 KiB in Redis.
const cacheMaxmemory = 16 << 20

// buildCacheBench builds bench/cache into the test's temporary directory.
func buildCacheBench(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cachebench")
	if out, err := exec.Command("go", "build", "-o", bin, "./bench/cache").CombinedOutput(); err != nil {
		t.Fatalf("go build ./bench/cache: %v\n%s", err, out)
	}
	return bin
}

// cacheRun is the figures of bench/cache's CSV line.
type cacheRun struct {
	hitRate                       float64
	evicted, usedMemory           int64
	rssStart, rssMax              int64
	oom, errors                   int64
	requests, writes, reads, hits int64
}

// runCacheBench plays bench/cache's trace (seed 1) against p: n SETs of
// 1 KiB values, each followed by a GET, keys Zipf-distributed over 500,000
// keys, under maxmemory 16mb and policy.
func runCacheBench(t *testing.T, bench string, p *serverProc, policy string, n int) cacheRun {
	t.Helper()
	out, err := exec.Command(bench, "-addr", p.addr, "-pid", strconv.Itoa(p.cmd.Process.Pid),
		"-maxmemory", strconv.Itoa(cacheMaxmemory), "-policy", policy, "-n", strconv.Itoa(n),
		"-keys", "500000").Output()
	if err != nil {
		stderr := ""
		if e, ok := err.(*exec.ExitError); ok {
			stderr = string(e.Stderr)
		}
		t.Fatalf("bench/cache %s: %v: %s", policy, err, stderr)
	}
	f := strings.Split(strings.TrimSpace(string(out)), ",")
	if len(f) != 17 {
		t.Fatalf("bench/cache printed %q", out)
	}
	n64 := func(i int) int64 {
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			t.Fatalf("bench/cache's field %d: %q", i, f[i])
		}
		return v
	}
	r := cacheRun{
		writes: n64(2), reads: n64(3), hits: n64(4), requests: n64(7),
		evicted: n64(10), usedMemory: n64(11), rssStart: n64(12), rssMax: n64(13),
		oom: n64(15), errors: n64(16),
	}
	r.hitRate = float64(r.hits) / float64(r.reads)
	t.Logf("%s: hit rate %.4f, %d requests, evicted_keys %d, used_memory %d, RSS %d at the start, %d at most",
		policy, r.hitRate, r.requests, r.evicted, r.usedMemory, r.rssStart, r.rssMax)
	return r
}

// A cache's workload under allkeys-lru and allkeys-lfu, redis-server first,
// then respd on the same trace: respd's hit rate is within 5 points of
// redis-server's, its used_memory ends at maxmemory, its RSS stays within
// the bound maxmemory.go documents, and no reply is an error.
func TestCacheWorkload(t *testing.T) {
	bench := buildCacheBench(t)
	policies := []string{"allkeys-lru", "allkeys-lfu"}
	redisHitRate := map[string]float64{}
	processServers(t, func(t *testing.T, bin string) {
		for _, policy := range policies {
			p := startProc(t, nil, bin, t.TempDir(), "--save", "")
			r := runCacheBench(t, bench, p, policy, 100000)
			if bin != "redis-server" && r.usedMemory > cacheMaxmemory+cacheMaxmemory/100 {
				// respd reads the runtime's figure only once its estimate
				// (grown by each request's size) passes maxmemory, and
				// right after a collection that figure still holds the
				// dead objects not swept yet: INFO, reading it fresh, can
				// be over until the next writes evict. Write on until then.
				rc := dialRaw(t, p.addr)
				value := strings.Repeat("v", 1024)
				for i, deadline := 0, time.Now().Add(10*time.Second); r.usedMemory > cacheMaxmemory+cacheMaxmemory/100 && time.Now().Before(deadline); i++ {
					for j := range 16 {
						rc.do("+OK\r\n", "SET", fmt.Sprintf("settle:%d:%d", i, j), value)
					}
					r.usedMemory, _ = strconv.ParseInt(rawInfo(t, rc, "memory")["used_memory"], 10, 64)
				}
			}
			p.kill()
			if r.errors != 0 || r.oom != 0 {
				t.Errorf("%s: %d unexpected replies, %d of them OOM", policy, r.errors, r.oom)
			}
			if r.evicted == 0 {
				t.Errorf("%s: nothing evicted", policy)
			}
			if bin == "redis-server" {
				redisHitRate[policy] = r.hitRate
				continue
			}
			// The memory counted may pass maxmemory by what a request
			// takes until the next one evicts: 1% is plenty.
			if r.usedMemory > cacheMaxmemory+cacheMaxmemory/100 {
				t.Errorf("%s: used_memory %d at the end, maxmemory %d", policy, r.usedMemory, cacheMaxmemory)
			}
			if redis, ok := redisHitRate[policy]; ok && math.Abs(r.hitRate-redis) > 0.05 {
				t.Errorf("%s: hit rate %.4f, redis-server's %.4f", policy, r.hitRate, redis)
			}
			// The bound: GOMEMLIMIT, which respd sets to maxmemory plus
			// an eighth and 16 MB, plus what is outside the Go heap's
			// accounting, the binary and its first stacks, which the
			// RSS right after the start measures:
			//   max RSS <= maxmemory × 1.125 + 16 MB + RSS at the start.
			// bench/cache samples RSS in /proc, on Linux only.
			if runtime.GOOS == "linux" {
				if bound := cacheMaxmemory*9/8 + 16<<20 + r.rssStart; r.rssMax > bound {
					t.Errorf("%s: max RSS %d over the bound %d (started at %d)", policy, r.rssMax, bound, r.rssStart)
				}
			}
		}
	})
}

// noeviction refuses writes with OOM once memory is full, and keeps every
// key it acknowledged, with its value.
func TestCacheNoeviction(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--maxmemory", strconv.Itoa(cacheMaxmemory))
		rc := dialRaw(t, p.addr)
		value := func(i int) string { return fmt.Sprintf("%d:%s", i, strings.Repeat("v", 1000)) }
		// Twice as many values as maxmemory holds, 100 a batch.
		const keys, batch = 2 * cacheMaxmemory / 1024, 100
		var acknowledged []int
		refused := 0
		for i := 0; i < keys; i += batch {
			var b strings.Builder
			for j := i; j < i+batch; j++ {
				b.WriteString(command("SET", fmt.Sprintf("k:%d", j), value(j)))
			}
			rc.send(b.String())
			refusedBefore := refused
			for j := i; j < i+batch; j++ {
				reply, err := diffReadReply(rc.r)
				switch {
				case err != nil:
					t.Fatal(err)
				case string(reply) == "+OK\r\n":
					acknowledged = append(acknowledged, j)
				case string(reply) == "-"+errOOM+"\r\n":
					refused++
				default:
					t.Fatalf("SET k:%d: %q", j, reply)
				}
			}
			// The last batch comes with memory long full: all refused.
			if i+batch >= keys && refused-refusedBefore != batch {
				t.Errorf("the last %d writes: %d refused", batch, refused-refusedBefore)
			}
		}
		t.Logf("%d writes acknowledged, %d refused", len(acknowledged), refused)
		if len(acknowledged) == 0 || refused == 0 {
			t.Fatalf("%d writes acknowledged, %d refused", len(acknowledged), refused)
		}
		rc.do(":"+strconv.Itoa(len(acknowledged))+"\r\n", "DBSIZE")
		for _, j := range acknowledged {
			v := value(j)
			rc.send(command("GET", fmt.Sprintf("k:%d", j)))
			if reply, err := diffReadReply(rc.r); err != nil || string(reply) != fmt.Sprintf("$%d\r\n%s\r\n", len(v), v) {
				t.Fatalf("GET k:%d: %.40q, %v", j, reply, err)
			}
		}
		if evicted := rawInfo(t, rc, "stats")["evicted_keys"]; evicted != "0" {
			t.Errorf("noeviction evicted %s keys", evicted)
		}
	})
}

// A respd replica of a respd master evicting under allkeys-lru ends with
// the master's dataset: the evictions reach it as DELs.
func TestCacheReplicaOfEvictingMaster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, bench := buildRespd(t), buildCacheBench(t)
	master := startProc(t, nil, bin, t.TempDir(), "--save", "", "--enable-debug-command", "yes")
	replica := startProc(t, nil, bin, t.TempDir(), "--save", "", "--enable-debug-command", "yes",
		"--replicaof", strings.Replace(master.addr, ":", " ", 1))
	waitFor(t, func() bool {
		return interopInfoSection(t, replica.addr, "replication")["master_link_status"] == "up"
	})
	r := runCacheBench(t, bench, master, "allkeys-lru", 50000)
	if r.evicted == 0 || r.errors != 0 {
		t.Fatalf("master: %d evicted, %d unexpected replies", r.evicted, r.errors)
	}
	// WAIT counts the replicas that acknowledged this connection's last
	// write, which comes after the trace's writes and the evictions before
	// it. An eviction that ran out of time goes on in the master's next
	// turns (Redis's evictionTimeProc), after the WAIT: the digests are
	// compared again, after another write and WAIT, until they agree. A
	// DEL that never reaches the replica keeps them apart.
	rc := dialRaw(t, master.addr)
	digests := make([]string, 2)
	for deadline := time.Now().Add(10 * time.Second); ; {
		rc.do("+OK\r\n", "SET", "last", "write")
		rc.do(":1\r\n", "WAIT", "1", "10000")
		for i, addr := range []string{master.addr, replica.addr} {
			reply, err := diffRequest(addr, "DEBUG", "DIGEST")
			if err != nil {
				t.Fatal(err)
			}
			digests[i] = reply
		}
		if digests[0] == digests[1] || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if digests[0] != digests[1] {
		t.Errorf("DEBUG DIGEST: master %q, replica %q", digests[0], digests[1])
	}
	if evicted := interopInfoSection(t, replica.addr, "stats")["evicted_keys"]; evicted != "0" {
		t.Errorf("the replica evicted %s keys itself", evicted)
	}
}
