package main

import (
	"fmt"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"time"
)

// The latency monitor, as Redis's latency.c: with latency-monitor-threshold
// set (milliseconds; 0 is off), every event that lasts at least that long
// is sampled into its time series — one sample per second, the worst of
// that second, the last 160 seconds that had one — with the worst ever
// seen. The events respd records: "command" and "fast-command" (a command
// flagged fast) for every command call runs, "command-unblocking" for a
// blocked command served, "expire-cycle" for the active expire cycle,
// "aof-write" with "aof-write-alone", "aof-write-pending-fsync" or
// "aof-write-active-child" for a write of the AOF buffer,
// "aof-fsync-always" for appendfsync always's sync, and
// "rdb-unlink-temp-file" for the removal of a background save's file when
// FLUSHALL abandons it.
//
// Beside it, with latency-tracking on, each command's latencies go into a
// histogram (LATENCY HISTOGRAM, INFO latencystats).

// latencySamples is how many seconds an event's series remembers.
const latencySamples = 160

type latencySample struct {
	unix int64  // 0: unused
	ms   uint32 // the worst of that second
}

type latencyEvent struct {
	name    string
	samples [latencySamples]latencySample
	next    int    // where the next second's sample goes
	max     uint32 // the worst ever
}

// latencyMonitor holds the events' series in the order they first
// happened (Redis's are in its hash table's order).
type latencyMonitor struct {
	events []*latencyEvent
}

// latencySample records an event that lasted ms milliseconds if it
// reaches the threshold (Redis's latencyAddSampleIfNeeded; lock held).
func (s *Server) latencySample(name string, ms int64) {
	if threshold := s.cfg.LatencyMonitorThreshold; threshold == 0 || ms < threshold {
		return
	}
	e := s.latency.event(name)
	if e == nil {
		e = &latencyEvent{name: name}
		s.latency.events = append(s.latency.events, e)
	}
	v := uint32(min(ms, 1<<32-1))
	e.max = max(e.max, v)
	now := time.Now().Unix()
	if prev := &e.samples[(e.next+latencySamples-1)%latencySamples]; prev.unix == now {
		prev.ms = max(prev.ms, v)
		return
	}
	e.samples[e.next] = latencySample{unix: now, ms: v}
	e.next = (e.next + 1) % latencySamples
}

// latencySince records an event that began at start.
func (s *Server) latencySince(name string, start time.Time) {
	s.latencySample(name, time.Since(start).Milliseconds())
}

// event finds an event's series by its exact name, as Redis's dict does.
func (m *latencyMonitor) event(name string) *latencyEvent {
	for _, e := range m.events {
		if e.name == name {
			return e
		}
	}
	return nil
}

// history is an event's samples, oldest first.
func (e *latencyEvent) history() []latencySample {
	var list []latencySample
	for j := range latencySamples {
		if smp := e.samples[(e.next+j)%latencySamples]; smp.unix != 0 {
			list = append(list, smp)
		}
	}
	return list
}

// cmdLatencyLatest: each event's latest sample and its worst.
func cmdLatencyLatest(c *Client, args [][]byte) {
	events := c.srv.latency.events
	c.Array(len(events))
	for _, e := range events {
		last := e.samples[(e.next+latencySamples-1)%latencySamples]
		c.Array(4)
		c.BulkString(e.name)
		c.Int(last.unix)
		c.Int(int64(last.ms))
		c.Int(int64(e.max))
	}
}

// cmdLatencyHistory: an event's samples as [unix time, ms] pairs.
func cmdLatencyHistory(c *Client, args [][]byte) {
	var samples []latencySample
	if e := c.srv.latency.event(string(args[2])); e != nil {
		samples = e.history()
	}
	c.Array(len(samples))
	for _, smp := range samples {
		c.Array(2)
		c.Int(smp.unix)
		c.Int(int64(smp.ms))
	}
}

// cmdLatencyReset forgets the named events (case-insensitively, as
// Redis), or all; it replies how many it forgot.
func cmdLatencyReset(c *Client, args [][]byte) {
	m := &c.srv.latency
	resets := 0
	kept := m.events[:0]
	for _, e := range m.events {
		forget := len(args) == 2
		for _, name := range args[2:] {
			forget = forget || strings.EqualFold(e.name, string(name))
		}
		if forget {
			resets++
		} else {
			kept = append(kept, e)
		}
	}
	clear(m.events[len(kept):])
	m.events = kept
	c.Int(int64(resets))
}

// cmdLatencyGraph: an event's samples as Redis's ASCII sparkline.
func cmdLatencyGraph(c *Client, args [][]byte) {
	e := c.srv.latency.event(string(args[2]))
	if e == nil {
		c.Error(fmt.Sprintf(errLatencyNoSamples, args[2]))
		return
	}
	c.Verbatim(e.graph(time.Now().Unix()))
}

// graph draws the series as latencyCommandGenSparkeline: a title, a rule
// of 80 dashes, then four rows of '_', 'o', '#' and '|' (filled) scaled
// between the lowest and the highest sample, a blank row, and each
// sample's age ("12s", "3m", "1h", "2d") written downwards, 80 samples a
// block.
func (e *latencyEvent) graph(now int64) string {
	const cols, rows = 80, 4
	samples := e.history()
	var lo, hi uint32
	labels := make([]string, len(samples))
	for i, smp := range samples {
		if i == 0 {
			lo, hi = smp.ms, smp.ms
		}
		lo, hi = min(lo, smp.ms), max(hi, smp.ms)
		switch age := now - smp.unix; {
		case age < 60:
			labels[i] = strconv.FormatInt(age, 10) + "s"
		case age < 3600:
			labels[i] = strconv.FormatInt(age/60, 10) + "m"
		case age < 86400:
			labels[i] = strconv.FormatInt(age/3600, 10) + "h"
		default:
			labels[i] = strconv.FormatInt(age/86400, 10) + "d"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s - high %d ms, low %d ms (all time high %d ms)\n", e.name, hi, lo, e.max)
	b.WriteString(strings.Repeat("-", cols) + "\n")
	relmax := float64(hi - lo)
	if relmax == 0 {
		relmax = 1
	}
	const fill, steps = "_o#", len("_o#") * rows
	for off := 0; off < len(samples); off += cols {
		if off != 0 {
			b.WriteByte('\n')
		}
		block, blockLabels := samples[off:min(off+cols, len(samples))], labels[off:min(off+cols, len(samples))]
		line := make([]byte, len(block))
		for row := 0; ; row++ {
			more := false
			for j := range line {
				line[j] = ' '
			}
			for j, smp := range block {
				if row < rows {
					step := min(int(float64(smp.ms-lo)*float64(steps)/relmax), steps-1)
					more = true
					switch idx := step - (rows-row-1)*len(fill); {
					case idx >= 0 && idx < len(fill):
						line[j] = fill[idx]
					case idx >= len(fill):
						line[j] = '|'
					}
					continue
				}
				if row == rows { // the blank row above the labels
					more = true
					break
				}
				if label := blockLabels[j]; len(label) > row-rows-1 {
					more = true
					line[j] = label[row-rows-1]
				}
			}
			if !more {
				break
			}
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// cmdLatencyDoctor: Redis's human-readable report on the events and
// advice on them.
func cmdLatencyDoctor(c *Client, args [][]byte) { c.Verbatim(c.srv.latencyReport()) }

// The advice LATENCY DOCTOR can give, in the order it gives it; %d is the
// threshold in microseconds.
const (
	adviseSlowlogEnabled = iota
	adviseSlowlogTuning
	adviseSlowlogInspect
	adviseScheduler
	adviseLocalDisk
	adviseSSD
	adviseDataWriteback
	adviseDiskContention
	adviseNoAppendfsync
	adviseRelaxFsync
	adviseHz
	adviseLargeObjects
	adviseDisableTHP
	adviceKinds
)

var latencyAdvice = [adviceKinds]string{
	adviseSlowlogEnabled: "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than %d'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n",
	adviseSlowlogTuning:  "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %d'.\n",
	adviseSlowlogInspect: "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n",
	adviseScheduler: "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
		"  1) Lower the system load.\n" +
		"  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
		"  3) Check if you have a \"noisy neighbour\" problem.\n" +
		"  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
		"  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n",
	adviseLocalDisk:      "- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n",
	adviseSSD:            "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n",
	adviseDataWriteback:  "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n",
	adviseDiskContention: "- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n",
	adviseNoAppendfsync:  "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n",
	adviseRelaxFsync:     "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n",
	adviseHz:             "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n",
	adviseLargeObjects:   "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n",
	adviseDisableTHP:     "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n",
}

// eventAdvice is the advice each event calls for (the command event's
// slow log advice depends on the configuration: latencyReport).
var eventAdvice = map[string][]int{
	"command":                 {adviseSlowlogInspect, adviseLargeObjects},
	"fast-command":            {adviseScheduler},
	"aof-write-pending-fsync": {adviseLocalDisk, adviseDiskContention, adviseSSD, adviseDataWriteback},
	"aof-write-active-child":  {adviseNoAppendfsync, adviseDataWriteback, adviseSSD},
	"aof-write-alone":         {adviseLocalDisk, adviseDataWriteback, adviseSSD},
	"aof-fsync-always":        {adviseRelaxFsync},
	"rdb-unlink-temp-file":    {adviseDiskContention, adviseLocalDisk},
	"expire-cycle":            {adviseHz, adviseLargeObjects},
}

// latencyReport is Redis's createLatencyReport.
func (s *Server) latencyReport() string {
	m, threshold := &s.latency, s.cfg.LatencyMonitorThreshold
	if len(m.events) == 0 && threshold == 0 {
		return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
	}
	var b strings.Builder
	var advise [adviceKinds]bool
	advices := 0
	for i, e := range m.events {
		if i == 0 {
			b.WriteString("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n")
		}
		samples := e.history()
		var sum, lo, hi uint64
		oldest := samples[0].unix
		for j, smp := range samples {
			v := uint64(smp.ms)
			if j == 0 {
				lo, hi = v, v
			}
			lo, hi, sum = min(lo, v), max(hi, v), sum+v
			oldest = min(oldest, smp.unix)
		}
		avg := sum / uint64(len(samples))
		var dev uint64
		for _, smp := range samples {
			dev += uint64(max(int64(avg)-int64(smp.ms), int64(smp.ms)-int64(avg)))
		}
		period := max(time.Now().Unix()-oldest, 1)
		fmt.Fprintf(&b, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
			i+1, e.name, len(samples), avg, dev/uint64(len(samples)), float64(period)/float64(len(samples)), e.max)
		if e.name == "command" {
			switch {
			case s.cfg.SlowlogLogSlowerThan < 0:
				advise[adviseSlowlogEnabled] = true
				advices++
			case s.cfg.SlowlogLogSlowerThan/1000 > threshold:
				advise[adviseSlowlogTuning] = true
				advices++
			}
		}
		for _, a := range eventAdvice[e.name] {
			advise[a] = true
			advices++
		}
		b.WriteByte('\n')
	}
	if anonHugePages() > 0 {
		advise[adviseDisableTHP] = true
		advices++
	}
	switch {
	case len(m.events) == 0 && advices == 0:
		b.WriteString("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n")
	case advices == 0:
		b.WriteString("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n")
	default:
		b.WriteString("\nI have a few advices for you:\n\n")
		advise[adviseRelaxFsync] = advise[adviseRelaxFsync] && s.cfg.AppendFsync == "always"
		advise[adviseHz] = advise[adviseHz] && s.cfg.Hz < 100
		for a, on := range advise {
			switch {
			case !on:
			case a == adviseSlowlogEnabled || a == adviseSlowlogTuning:
				fmt.Fprintf(&b, latencyAdvice[a], threshold*1000)
			default:
				b.WriteString(latencyAdvice[a])
			}
		}
	}
	return b.String()
}

// anonHugePages is the process's memory in transparent huge pages (kB),
// which LATENCY DOCTOR warns of, as Redis's THPGetAnonHugePagesSize.
func anonHugePages() int64 {
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// cmdLatencyHistogram: LATENCY HISTOGRAM [command ...], the latency
// distribution of the commands named (a container stands for its
// subcommands; unknown names are skipped), or of every command called.
func cmdLatencyHistogram(c *Client, args [][]byte) {
	s := c.srv
	var cmds []*Command
	withData := func(cmd *Command) {
		if s.cmdStats[cmd.index].latency != nil {
			cmds = append(cmds, cmd)
		}
	}
	if len(args) == 2 {
		s.eachCommand(withData)
	}
	for _, name := range args[2:] {
		cmd := commandByFullName(name)
		if cmd == nil {
			continue
		}
		withData(cmd)
		for _, sub := range cmd.sortedSubcommands() {
			withData(sub)
		}
	}
	c.Map(len(cmds))
	for _, cmd := range cmds {
		h := s.cmdStats[cmd.index].latency
		c.BulkString(cmd.FullName)
		c.Map(2)
		c.BulkString("calls")
		c.Int(h.total)
		c.BulkString("histogram_usec")
		cdf := h.cdf()
		c.Map(len(cdf))
		for _, p := range cdf {
			c.Int(p.usec)
			c.Int(p.count)
		}
	}
}

// eachCommand visits every command and, after each container, its
// subcommands, by name: INFO commandstats' and latencystats' order.
func (s *Server) eachCommand(visit func(cmd *Command)) {
	for _, cmd := range sortedCommands() {
		visit(cmd)
		for _, sub := range cmd.sortedSubcommands() {
			visit(sub)
		}
	}
}

func cmdLatencyHelp(c *Client, args [][]byte) {
	c.Help("LATENCY",
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.")
}

// infoLatencyStats is INFO latencystats: each called command's latency
// percentiles (latency-tracking-info-percentiles) in microseconds; none
// while latency-tracking is off, as in Redis (LATENCY HISTOGRAM still
// shows what was tracked).
func (s *Server) infoLatencyStats(b *strings.Builder) {
	if !s.cfg.LatencyTracking {
		return
	}
	s.eachCommand(func(cmd *Command) {
		h := s.cmdStats[cmd.index].latency
		if h == nil {
			return
		}
		fmt.Fprintf(b, "latency_percentiles_usec_%s:", cmd.FullName)
		for i, p := range s.cfg.LatencyTrackingInfoPercentiles {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "p%s=%.3f", percentilesType{}.format([]float64{p}), float64(h.valueAtPercentile(p))/1000)
		}
		b.WriteString("\r\n")
	})
}

// latencyHistogram is one command's latencies in nanoseconds, an
// HdrHistogram as Redis's (hdr_histogram.c) with its settings: values from
// 1 ns to 1 s, 2 significant digits. Its buckets are Redis's, so the
// percentiles and LATENCY HISTOGRAM's rows come out as Redis's. It is
// written here rather than taken from hdrhistogram-go: the arithmetic is a
// few lines, and recording must not allocate or lock.
//
// The counts are 23 buckets of 128 sub-buckets (plus the first bucket's
// lower half): each bucket doubles the range and the resolution of the one
// before, so every value is kept within 1% of itself.
type latencyHistogram struct {
	counts [(hdrBuckets + 1) * hdrHalfCount]int64
	total  int64
}

const (
	hdrHalfCountMagnitude = 7 // 256 sub-buckets: 2 significant digits
	hdrHalfCount          = 1 << hdrHalfCountMagnitude
	hdrSubBucketMask      = 2*hdrHalfCount - 1
	hdrBuckets            = 23 // up to 256<<22 > 1 s
	hdrMaxValue           = int64(time.Second)
)

// record counts a latency of usec microseconds, as Redis's
// updateCommandLatencyHistogram: in nanoseconds, within 1 ns and 1 s.
func (h *latencyHistogram) record(usec int64) {
	ns := min(max(usec*1000, 1), hdrMaxValue)
	h.counts[hdrIndex(ns)]++
	h.total++
}

func hdrBucket(v int64) int {
	return bits.Len64(uint64(v)|hdrSubBucketMask) - (hdrHalfCountMagnitude + 1)
}

func hdrIndex(v int64) int {
	b := hdrBucket(v)
	return (b+1)<<hdrHalfCountMagnitude + int(v>>b) - hdrHalfCount
}

// hdrValueAt is the lowest value counted at index i.
func hdrValueAt(i int) int64 {
	b, sub := i>>hdrHalfCountMagnitude-1, i&(hdrHalfCount-1)+hdrHalfCount
	if b < 0 {
		b, sub = 0, sub-hdrHalfCount
	}
	return int64(sub) << b
}

// hdrHighest is the highest value counted with v.
func hdrHighest(v int64) int64 {
	b := hdrBucket(v)
	return v>>b<<b + 1<<b - 1
}

// valueAtPercentile is hdr_value_at_percentile: the highest value counted
// with the one at that percentile.
func (h *latencyHistogram) valueAtPercentile(p float64) int64 {
	want := max(int64(min(p, 100)/100*float64(h.total)+0.5), 1)
	seen := int64(0)
	for i, n := range h.counts {
		if seen += n; seen >= want {
			if p == 0 {
				return hdrValueAt(i)
			}
			return hdrHighest(hdrValueAt(i))
		}
	}
	return 0
}

type cdfPoint struct{ usec, count int64 }

// cdf is LATENCY HISTOGRAM's rows, as Redis's fillCommandCDF walks the
// histogram with a logarithmic iterator from 1024 ns by powers of two:
// at each step, the calls counted up to it and the highest value counted
// where it stopped, in microseconds; steps that add no call are left out.
func (h *latencyHistogram) cdf() []cdfPoint {
	var points []cdfPoint
	i, value, cumulative, reported := -1, int64(0), int64(0), int64(0)
	for level := int64(1024); ; level *= 2 {
		// A level, a power of two past the first bucket, is the lowest
		// value counted with it.
		more := cumulative < h.total || (i+1 < len(h.counts) && hdrValueAt(i+1) > level)
		if !more {
			return points
		}
		for value < level && i+1 < len(h.counts) {
			i++
			cumulative += h.counts[i]
			value = hdrValueAt(i)
		}
		if cumulative > reported {
			points = append(points, cdfPoint{hdrHighest(value) / 1000, cumulative})
		}
		reported = cumulative
		if i+1 >= len(h.counts) {
			return points
		}
	}
}

// observeCall feeds a command that ran for usec microseconds to the slow
// log, the latency monitor and the command's histogram, as Redis's call
// (lock held). A blocked command being served is sampled as
// "command-unblocking", as Redis's updateStatsOnUnblock does. Nothing here
// allocates unless the command is logged, or is the first of its name.
func (s *Server) observeCall(c *Client, cmd *Command, args [][]byte, usec int64, unblocked bool) {
	s.slowlogPush(c, cmd, args, usec)
	event := "command"
	switch {
	case unblocked:
		event = "command-unblocking"
	case cmd.has(flagFast):
		event = "fast-command"
	}
	s.latencySample(event, usec/1000)
	if s.cfg.LatencyTracking {
		st := &s.cmdStats[cmd.index]
		if st.latency == nil {
			st.latency = new(latencyHistogram)
		}
		st.latency.record(usec)
	}
}

// sampleAOFWrite records a write of the AOF buffer begun at start, under
// the name Redis gives its circumstances (a sync running, a snapshot being
// written — respd's child process — or neither) and as "aof-write".
func (s *Server) sampleAOFWrite(start time.Time) {
	ms := time.Since(start).Milliseconds()
	switch {
	case s.aof.syncing:
		s.latencySample("aof-write-pending-fsync", ms)
	case s.ks.Snapshotting():
		s.latencySample("aof-write-active-child", ms)
	default:
		s.latencySample("aof-write-alone", ms)
	}
	s.latencySample("aof-write", ms)
}
