package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLatencyHistogramAsRedis compares the histogram with what redis-server
// 7.0 answered for the same latencies (DEBUG SLEEP 0.002 twice, 0.004,
// 0.033, 0.067; DEBUG DIGEST-like short commands): LATENCY HISTOGRAM's
// rows and INFO latencystats' percentiles come from HdrHistogram's
// buckets, so they must fall on the same values.
func TestLatencyHistogramAsRedis(t *testing.T) {
	var h latencyHistogram
	for _, usec := range []int64{2000, 2000, 4000, 33000, 67000} {
		h.record(usec)
	}
	if got, want := fmt.Sprint(h.cdf()), "[{2113 2} {4227 3} {33816 4} {67633 5}]"; got != want {
		t.Errorf("cdf %s, want %s", got, want)
	}
	if got := h.valueAtPercentile(50); got != 4014079 {
		t.Errorf("p50 %d", got)
	}
	for usec, want := range map[int64]string{0: "0.001", 1: "1.003", 3: "3.007", 634: "634.879", 20100: "20185.087", 5_000_000: "1002438.655"} {
		var h latencyHistogram
		h.record(usec)
		if got := fmt.Sprintf("%.3f", float64(h.valueAtPercentile(99.9))/1000); got != want {
			t.Errorf("%d µs: p99.9 %s, want %s", usec, got, want)
		}
	}
	var one latencyHistogram // p0 is the lowest value counted with it
	one.record(3090)
	if lo, hi := one.valueAtPercentile(0), one.valueAtPercentile(100); lo != 3080192 || hi != 3096575 {
		t.Errorf("p0 %d, p100 %d", lo, hi)
	}
	var fast latencyHistogram
	fast.record(0) // a command under a microsecond counts in the first row
	fast.record(1)
	fast.record(33) // 33000 ns is within the 32768 ns step's bucket
	if got, want := fmt.Sprint(fast.cdf()), "[{1 2} {33 3}]"; got != want {
		t.Errorf("cdf %s, want %s", got, want)
	}
}

// TestLatencyMonitor: events at or over the threshold are sampled, one a
// second; LATEST, HISTORY, GRAPH, DOCTOR, RESET and HISTOGRAM read them.
func TestLatencyMonitor(t *testing.T) {
	s, addr := startTestServer(t, "--enable-debug-command", "yes")
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			if got := rc.Do(ctx, "LATENCY", "DOCTOR").Val(); !strings.HasPrefix(got.(string), "I'm sorry, Dave, I can't do that.") {
				t.Fatalf("doctor while off: %q", got)
			}
			rc.ConfigSet(ctx, "latency-monitor-threshold", "5")
			rc.Do(ctx, "LATENCY", "RESET")
			rc.Do(ctx, "DEBUG", "SLEEP", "0")    // under the threshold
			rc.Do(ctx, "DEBUG", "SLEEP", "0.01") // over it
			latest := rc.Do(ctx, "LATENCY", "LATEST").Val().([]any)
			if len(latest) != 1 {
				t.Fatalf("latest %v", latest)
			}
			ev := latest[0].([]any)
			if ev[0] != "command" || ev[2].(int64) < 10 || ev[3] != ev[2] || time.Now().Unix()-ev[1].(int64) > 60 {
				t.Fatalf("latest %v", ev)
			}
			if h := rc.Do(ctx, "LATENCY", "HISTORY", "command").Val().([]any); len(h) != 1 {
				t.Fatalf("history %v", h)
			}
			graph := rc.Do(ctx, "LATENCY", "GRAPH", "command").Val().(string)
			if !regexp.MustCompile(`^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n {1}\n {1}\n {1}\n_\n {1}\n\d\n(\d\n)?s\n$`).MatchString(graph) {
				t.Fatalf("graph %q", graph)
			}
			doctor := rc.Do(ctx, "LATENCY", "DOCTOR").Val().(string)
			for _, part := range []string{
				"Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n1. command: 1 latency spikes (average ",
				"- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 5000'.\n",
				"- Check your Slow Log",
			} {
				if !strings.Contains(doctor, part) {
					t.Fatalf("doctor lacks %q:\n%s", part, doctor)
				}
			}
			if n := rc.Do(ctx, "LATENCY", "RESET", "COMMAND", "nothing").Val(); n != int64(1) {
				t.Fatalf("reset %v", n)
			}
			rc.ConfigSet(ctx, "latency-monitor-threshold", "0")
			if h := rc.Do(ctx, "LATENCY", "HISTOGRAM", "debug", "nosuchcommand").Val(); fmt.Sprint(h) != fmt.Sprint(rc.Do(ctx, "LATENCY", "HISTOGRAM", "DEBUG").Val()) || !strings.Contains(fmt.Sprint(h), "debug") {
				t.Fatalf("histogram %v", h)
			}
		})
	}
	// A blocked command served is sampled as command-unblocking, the
	// expire cycle as expire-cycle: both fed through the same path.
	s.mu.Lock()
	s.cfg.LatencyMonitorThreshold = 1
	s.latencySample("expire-cycle", 3)
	s.latencySample("expire-cycle", 2) // the same second: the worst stays
	e := s.latency.event("expire-cycle")
	s.mu.Unlock()
	if h := e.history(); len(h) != 1 || h[0].ms != 3 || e.max != 3 {
		t.Fatalf("expire-cycle %v max %d", h, e.max)
	}
}

// TestLatencyStatsInfo: INFO latencystats as Redis prints it, following
// latency-tracking and latency-tracking-info-percentiles; CONFIG RESETSTAT
// forgets the histograms.
func TestLatencyStatsInfo(t *testing.T) {
	addr := startServer(t)
	rc := newClients(t, addr)["resp2"]
	rc.Set(ctx, "k", "v", 0)
	rc.ConfigSet(ctx, "latency-tracking-info-percentiles", "0 50 99.99 100")
	info := rc.Info(ctx, "latencystats").Val()
	if !regexp.MustCompile(`\r\nlatency_percentiles_usec_set:p0=\d+\.\d{3},p50=\d+\.\d{3},p99\.99=\d+\.\d{3},p100=\d+\.\d{3}\r\n`).MatchString(info) ||
		!strings.HasPrefix(info, "# Latencystats\r\n") {
		t.Fatalf("latencystats %q", info)
	}
	if strings.Contains(rc.Info(ctx).Val(), "latency_percentiles") {
		t.Fatal("latencystats is not a default section")
	}
	rc.ConfigResetStat(ctx)
	rc.ConfigSet(ctx, "latency-tracking", "no")
	rc.Get(ctx, "k")
	// RESETSTAT itself is counted after it ran, as in Redis; nothing after
	// tracking was turned off.
	if got := fmt.Sprint(rc.Do(ctx, "LATENCY", "HISTOGRAM").Val()); !strings.HasPrefix(got, "[config|resetstat [calls 1 histogram_usec [") || strings.Count(got, "calls") != 1 {
		t.Fatalf("after RESETSTAT, tracking off: %v", got)
	}
}

// TestLatencyAOFEvents: a write of the AOF buffer is sampled under the
// name of its circumstances and as aof-write.
func TestLatencyAOFEvents(t *testing.T) {
	s, _ := startTestServer(t, "--appendonly", "yes", "--latency-monitor-threshold", "1")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sampleAOFWrite(time.Now().Add(-5 * time.Millisecond))
	for _, name := range []string{"aof-write-alone", "aof-write"} {
		if e := s.latency.event(name); e == nil || e.max < 5 {
			t.Fatalf("%s: %+v", name, e)
		}
	}
	if s.latency.event("aof-write-pending-fsync") != nil || s.latency.event("aof-write-active-child") != nil {
		t.Fatal("a lone write sampled as another kind")
	}
}

// TestLatencyGraph draws a series as Redis's sparkline does, worked out by
// hand from sparkline.c: four rows scaled from the lowest sample to the
// highest ('_', 'o', '#', then '|' below a filled cell), a blank row, and
// each sample's age written downwards.
func TestLatencyGraph(t *testing.T) {
	const now = 1_000_000
	e := &latencyEvent{name: "ev", max: 40, next: 3}
	e.samples[0] = latencySample{now - 30, 10}
	e.samples[1] = latencySample{now - 5, 20}
	e.samples[2] = latencySample{now, 40}
	want := "ev - high 40 ms, low 10 ms (all time high 40 ms)\n" + strings.Repeat("-", 80) + "\n" +
		"  #\n  |\n o|\n_||\n   \n350\n0ss\ns  \n"
	if got := e.graph(now); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestLatencyDoctorAdvice: each event's advice, in Redis's order, once.
func TestLatencyDoctorAdvice(t *testing.T) {
	s, _ := startTestServer(t, "--latency-monitor-threshold", "1")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencySample("rdb-unlink-temp-file", 5)
	s.latencySample("expire-cycle", 7)
	report := s.latencyReport()
	var advice []string
	for line := range strings.Lines(report) {
		// The huge pages advice depends on the machine: left out.
		if strings.HasPrefix(line, "- ") && !strings.HasPrefix(line, "- I detected") {
			advice = append(advice, strings.Fields(line)[1])
		}
	}
	// local disks, disk contention; hz, large objects.
	if got := strings.Join(advice, " "); got != "It Try In Deleting," {
		t.Fatalf("advice %q in\n%s", got, report)
	}
	if !strings.Contains(report, "1. rdb-unlink-temp-file: 1 latency spikes (average 5ms, mean deviation 0ms, period 1.00 sec). Worst all time event 5ms.\n2. expire-cycle: ") {
		t.Fatalf("report:\n%s", report)
	}
}
