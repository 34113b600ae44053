package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/aof"
)

// The issue's requirement: "With 1,000,000 keys expiring in the same
// second, no client waits more than 25 ms for a reply, and memory is
// reclaimed." This loads a million keys, gives them all the same PEXPIREAT
// millisecond, and while the active expiry cycle reclaims them measures
// every PING and GET of another client. About 15 s on a 2-core machine;
// skipped with -short and under the race detector (which makes it several
// times slower and its latencies meaningless). On a machine busy with other
// work the latency target cannot be measured: the test then says so and
// skips, after checking that the memory was reclaimed.
func TestMassExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a million keys; skipped with -short")
	}
	if raceEnabled() {
		t.Skip("latency is meaningless under the race detector")
	}
	const (
		n          = 1_000_000
		maxLatency = 25 * time.Millisecond
	)
	s, addr := startTestServer(t)
	heapBefore := liveHeap()

	start := time.Now()
	bulkLoad(t, addr, n, func(b []byte, i int) []byte {
		return aof.AppendCommand(b, stringArgv("SET", "key:"+strconv.Itoa(i), "value:"+strconv.Itoa(i)))
	})
	loadTime := time.Since(start)
	// Far enough ahead that every key gets its TTL before the first one
	// expires: the PEXPIREATs take about as long as the SETs.
	at := time.Now().Add(2*loadTime + time.Second).UnixMilli()
	atArg := strconv.FormatInt(at, 10)
	bulkLoad(t, addr, n, func(b []byte, i int) []byte {
		return aof.AppendCommand(b, stringArgv("PEXPIREAT", "key:"+strconv.Itoa(i), atArg))
	})
	if time.Now().UnixMilli() >= at {
		t.Fatalf("loading took too long: the keys began to expire before all had a TTL")
	}
	probe := dialRaw(t, addr)
	probe.do("+OK\r\n", "SET", "probe", "alive")
	if got := locked(s, func() int { return s.ks.DBs[0].Volatile() }); got != n {
		t.Fatalf("%d keys with a TTL, want %d", got, n)
	}
	heapLoaded := liveHeap()
	t.Logf("loaded %d keys in %v; live heap %d MB before, %d MB loaded", n, loadTime, heapBefore>>20, heapLoaded>>20)

	// Probe from now until the keyspace is back to the probe key alone:
	// the replies before the expiry time measure what this machine does
	// anyway (the baseline), those after it the mass expiry.
	expireStart := time.UnixMilli(at)
	quiet, expiring := probeUntilEmpty(t, probe, expireStart, 60*time.Second)
	t.Logf("all keys reclaimed %v after their expiry time", expiring.end.Sub(expireStart).Round(time.Millisecond))
	t.Logf("before the expiry time: %v", quiet)
	t.Logf("while expiring:         %v", expiring)
	quiet.samples, expiring.samples = nil, nil // not to count in the heap
	if got := locked(s, func() int64 { return s.stats.expiredKeys }); got != n {
		t.Errorf("expired_keys %d, want %d", got, n)
	}
	heapAfter := liveHeap()
	t.Logf("live heap after expiry: %d MB", heapAfter>>20)
	if heapAfter > heapBefore+(heapLoaded-heapBefore)/20 {
		t.Errorf("live heap %d MB after the expiry, %d MB before loading, %d MB loaded: memory not reclaimed",
			heapAfter>>20, heapBefore>>20, heapLoaded>>20)
	}

	if expiring.worst >= maxLatency {
		msg := fmt.Sprintf("a client waited %v for a reply during the mass expiry (limit %v), %v after the expiry time",
			expiring.worst, maxLatency, expiring.worstAt.Sub(expireStart).Round(time.Millisecond))
		// On a machine whose cores other processes share, the OS stalls
		// the server whatever it does (and worse while the expiry cycle
		// holds the data lock): the target cannot be checked there.
		if quiet.worst >= maxLatency || expiring.contended() > 0.2 {
			t.Skipf("%s; but this machine is loaded (load average %s; the test waited for a CPU %.0f%% of the time, and a reply took up to %v with nothing expiring): the target cannot be measured here",
				msg, loadAverage(), 100*expiring.contended(), quiet.worst)
		}
		t.Error(msg)
	}
}

// latencies summarizes the replies of one phase of the probe.
type latencies struct {
	samples    []time.Duration
	worst      time.Duration
	worstAt    time.Time
	start, end time.Time
	// cpuWait is how long the process's threads waited for a CPU during
	// the phase: other load on the machine.
	cpuWait time.Duration
}

// contended is the share of the phase the process's threads spent waiting
// for a CPU.
func (l latencies) contended() float64 {
	return float64(l.cpuWait) / float64(l.end.Sub(l.start))
}

func (l *latencies) add(sent time.Time, d time.Duration) {
	if d > l.worst {
		l.worst, l.worstAt = d, sent
	}
	l.samples = append(l.samples, d)
}

func (l latencies) String() string {
	if len(l.samples) == 0 {
		return "no replies"
	}
	sorted := slices.Sorted(slices.Values(l.samples))
	return fmt.Sprintf("%d replies, p50 %v, p99 %v, p99.99 %v, max %v; waited for a CPU %.1f%% of the time", len(sorted),
		sorted[len(sorted)/2], sorted[len(sorted)*99/100], sorted[len(sorted)*9999/10000], l.worst, 100*l.contended())
}

// probeUntilEmpty sends PING and GET probe in a loop, and DBSIZE every 100
// rounds until only the probe key is left, timing every reply. Replies sent
// before split go to quiet, the others to busy. The probe allocates nothing
// per command, so that the test's own garbage adds no collections.
func probeUntilEmpty(t *testing.T, probe *rawConn, split time.Time, timeout time.Duration) (quiet, busy latencies) {
	probe.nc.SetReadDeadline(time.Time{})
	quiet.start, quiet.cpuWait = time.Now(), -cpuWait()
	quiet.samples = make([]time.Duration, 0, 1<<20)
	busy.samples = make([]time.Duration, 0, 1<<22)
	buf := make([]byte, 64)
	ask := func(cmd []byte, want string) {
		sent := time.Now()
		if _, err := probe.nc.Write(cmd); err != nil {
			t.Fatal(err)
		}
		reply := buf[:len(want)]
		if _, err := io.ReadFull(probe.r, reply); err != nil || string(reply) != want {
			t.Fatalf("%q: got %q %v, want %q", cmd, reply, err, want)
		}
		if sent.Before(split) {
			quiet.add(sent, time.Since(sent))
			return
		}
		if busy.start.IsZero() {
			busy.start, busy.cpuWait = sent, -cpuWait()
			quiet.end, quiet.cpuWait = sent, quiet.cpuWait-busy.cpuWait
		}
		busy.add(sent, time.Since(sent))
	}
	ping := aof.AppendCommand(nil, stringArgv("PING"))
	get := aof.AppendCommand(nil, stringArgv("GET", "probe"))
	dbsize := aof.AppendCommand(nil, stringArgv("DBSIZE"))
	deadline := time.Now().Add(timeout)
	for round := 1; ; round++ {
		if time.Now().After(deadline) {
			t.Fatalf("keys still there %v after they expired", timeout)
		}
		ask(ping, "+PONG\r\n")
		ask(get, "$5\r\nalive\r\n")
		if round%100 == 0 {
			ask(dbsize, ":")
			line, err := probe.r.ReadSlice('\n')
			if err != nil {
				t.Fatal(err)
			}
			if string(line) == "1\r\n" {
				busy.end, busy.cpuWait = time.Now(), busy.cpuWait+cpuWait()
				return quiet, busy
			}
		}
	}
}

// cpuWait is how long this process's threads have waited for a CPU while
// runnable (Linux's schedstat), or 0 where that is not available.
func cpuWait() time.Duration {
	tasks, _ := os.ReadDir("/proc/self/task")
	var total time.Duration
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/schedstat")
		if f := strings.Fields(string(b)); err == nil && len(f) == 3 {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			total += time.Duration(ns)
		}
	}
	return total
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// bulkLoad pipelines n commands built by add on one connection, writing
// in batches while another goroutine reads the single-line replies, and
// fails on any error reply.
func bulkLoad(t *testing.T, addr string, n int, add func(b []byte, i int) []byte) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	replies := make(chan error, 1)
	go func() {
		r := bufio.NewReaderSize(nc, 1<<16)
		for i := 0; i < n; i++ {
			line, err := r.ReadSlice('\n')
			if err != nil || line[0] == '-' {
				replies <- fmt.Errorf("reply %d: %q %v", i, line, err)
				return
			}
		}
		replies <- nil
	}()
	var buf []byte
	for i := 0; i < n; i++ {
		buf = add(buf, i)
		if len(buf) > 1<<16 || i == n-1 {
			if _, err := nc.Write(buf); err != nil {
				t.Fatal(err)
			}
			buf = buf[:0]
		}
	}
	if err := <-replies; err != nil {
		t.Fatal(err)
	}
}
