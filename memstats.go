package main

// MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE, as Redis 7.0's object.c
// (MEMORY USAGE and HELP are in object.go).
//
// The figures are respd's own, in Redis's shape: the total is INFO's
// used_memory (the Go heap's live bytes at the last collection), the
// overheads are what respd's structures take (clients' buffers, the
// replication backlog, the AOF buffer, the scripts' and functions' caches,
// the keyspace's entries and buckets), the dataset is the rest, and the
// allocator's figures are the Go runtime's (allocatorMemory).

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// memoryOverhead is Redis's struct redisMemOverhead: where the memory goes.
type memoryOverhead struct {
	peak, total, startup uint64
	replBacklog          int64
	clientsReplicas      int64
	clientsNormal        int64
	aofBuffer            int64
	luaCaches            int64
	functionsCaches      int64
	dbs                  []dbOverhead // the databases with keys
	overheadTotal        int64
	keys                 int64
	bytesPerKey          int64
	dataset              int64
	datasetPerc          float64
	peakPerc             float64
	alloc                allocatorFigures
	rss                  uint64
	normalClients        int // how many, for DOCTOR
	replicas             int
}

type dbOverhead struct {
	index         int
	main, expires int64
}

// memoryOverhead is getMemoryOverheadData (lock held).
func (s *Server) memoryOverhead() *memoryOverhead {
	m := &memoryOverhead{total: s.usedMemoryFigure(), startup: s.startupMemory, rss: residentMemory(), alloc: allocatorMemory()}
	s.stats.peakMemory = max(s.stats.peakMemory, m.total)
	m.peak = s.stats.peakMemory
	if b := s.repl.backlog; b != nil {
		m.replBacklog = int64(cap(b.buf))
	}
	// As Redis's client types: a replica's connection (not a monitor's)
	// is a replica's, every other one a normal client's.
	for _, c := range s.clients {
		if c.replica != nil && !c.monitor {
			m.clientsReplicas += int64(c.memory().total)
			m.replicas++
		} else {
			m.clientsNormal += int64(c.memory().total)
			m.normalClients++
		}
	}
	if s.aof != nil {
		m.aofBuffer = int64(cap(s.aof.buf))
	}
	m.luaCaches, m.functionsCaches = s.scriptsMemory()
	m.overheadTotal = int64(m.startup) + m.replBacklog + m.clientsReplicas + m.clientsNormal + m.aofBuffer + m.luaCaches + m.functionsCaches
	for i, db := range s.ks.DBs {
		if db.Len() == 0 {
			continue
		}
		main, expires := db.Overhead()
		m.dbs = append(m.dbs, dbOverhead{i, int64(main), int64(expires)})
		m.overheadTotal += int64(main + expires)
		m.keys += int64(db.Len())
	}
	// Redis subtracts unsigned figures; respd's estimates may exceed the
	// heap's live bytes, which leaves no dataset rather than a wrapped one.
	m.dataset = max(int64(m.total)-m.overheadTotal, 0)
	m.peakPerc = float32Ratio(m.total*100, m.peak)
	net := uint64(1)
	if m.total > m.startup {
		net = m.total - m.startup
	}
	m.datasetPerc = float32Ratio(uint64(m.dataset)*100, net)
	if m.keys > 0 {
		m.bytesPerKey = int64(net) / m.keys
	}
	return m
}

// float32Ratio is a/b computed as Redis does, in a float.
func float32Ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(float32(a) / float32(b))
}

// scriptsMemory estimates what the script cache and the function
// libraries take beside their compiled code, which lives in the
// interpreter: per script its SHA1 and dict entry (respd keeps no
// script bodies), per library its code and name, per function its name,
// and their dicts' entries.
func (s *Server) scriptsMemory() (lua, functions int64) {
	sc := s.scripting
	if sc == nil {
		return 0, 0
	}
	lua = int64(len(sc.scripts)) * (sdsAllocSize(40) + dictEntrySize)
	for _, lib := range sc.functions.libs {
		functions += int64(len(lib.code)) + sdsAllocSize(len(lib.name)) + dictEntrySize
	}
	for name := range sc.functions.funcs {
		functions += sdsAllocSize(len(name)) + dictEntrySize
	}
	return lua, functions
}

// statField is one of MEMORY STATS's fields: an int64, a float64 (a
// double) or a dbOverhead (a map).
type statField struct {
	name  string
	value any
}

func cmdMemoryStats(c *Client, args [][]byte) {
	m := c.srv.memoryOverhead()
	ratioBytes := func(a, b uint64) (float64, int64) { return float32Ratio(a, b), int64(a) - int64(b) }
	fields := []statField{
		{"peak.allocated", int64(m.peak)},
		{"total.allocated", int64(m.total)},
		{"startup.allocated", int64(m.startup)},
		{"replication.backlog", m.replBacklog},
		{"clients.slaves", m.clientsReplicas},
		{"clients.normal", m.clientsNormal},
		{"cluster.links", int64(0)},
		{"aof.buffer", m.aofBuffer},
		{"lua.caches", m.luaCaches},
		{"functions.caches", m.functionsCaches},
	}
	for _, db := range m.dbs {
		fields = append(fields, statField{"db." + strconv.Itoa(db.index), db})
	}
	allocFrag, allocFragBytes := ratioBytes(m.alloc.active, m.alloc.allocated)
	allocRSS, allocRSSBytes := ratioBytes(m.alloc.resident, m.alloc.active)
	rssExtra, rssExtraBytes := ratioBytes(m.rss, m.alloc.resident)
	frag, fragBytes := ratioBytes(m.rss, m.total)
	fields = append(fields, []statField{
		{"overhead.total", m.overheadTotal},
		{"keys.count", m.keys},
		{"keys.bytes-per-key", m.bytesPerKey},
		{"dataset.bytes", m.dataset},
		{"dataset.percentage", m.datasetPerc},
		{"peak.percentage", m.peakPerc},
		{"allocator.allocated", int64(m.alloc.allocated)},
		{"allocator.active", int64(m.alloc.active)},
		{"allocator.resident", int64(m.alloc.resident)},
		{"allocator-fragmentation.ratio", allocFrag},
		{"allocator-fragmentation.bytes", allocFragBytes},
		{"allocator-rss.ratio", allocRSS},
		{"allocator-rss.bytes", allocRSSBytes},
		{"rss-overhead.ratio", rssExtra},
		{"rss-overhead.bytes", rssExtraBytes},
		{"fragmentation", frag},
		{"fragmentation.bytes", fragBytes},
	}...)
	c.Map(len(fields))
	for _, f := range fields {
		c.BulkString(f.name)
		switch v := f.value.(type) {
		case int64:
			c.Int(v)
		case float64:
			c.Double(v)
		case dbOverhead:
			c.Map(3)
			c.BulkString("overhead.hashtable.main")
			c.Int(v.main)
			c.BulkString("overhead.hashtable.expires")
			c.Int(v.expires)
			c.BulkString("overhead.hashtable.slot-to-keys")
			c.Int(0) // no cluster mode
		}
	}
}

// The MEMORY DOCTOR texts, as Redis 7.0's getMemoryDoctorReport.
const (
	doctorNoIssues = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	doctorEmpty    = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
		"Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	doctorIssues     = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
	doctorBigPeak    = " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n"
	doctorHighFrag   = " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"%s\".\n\n"
	doctorAllocFrag  = " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n"
	doctorAllocRSS   = " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n"
	doctorProcRSS    = " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n"
	doctorReplicaBuf = " * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n"
	doctorClientBuf  = " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n"
	doctorScripts    = " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n"
	doctorSafe       = "I'm here to keep you safe, Sam. I want to help you.\n"
)

func cmdMemoryDoctor(c *Client, args [][]byte) {
	scripts := 0
	if sc := c.srv.scripting; sc != nil {
		scripts = len(sc.scripts)
	}
	c.Verbatim(memoryDoctor(c.srv.memoryOverhead(), scripts))
}

// memoryDoctor is getMemoryDoctorReport: Redis's checks on respd's
// figures, with the number of cached scripts. Go's collector lets the
// heap grow to twice the live data before it collects, so RSS commonly
// exceeds used_memory by more than Redis's 1.4 and 10 MB: "High total
// RSS" is then reported, truthfully.
func memoryDoctor(m *memoryOverhead, scripts int) string {
	const mb = 1 << 20
	if m.total < 5*mb {
		return doctorEmpty
	}
	high := func(a, b uint64) bool { return float32Ratio(a, b) > 1.1 && int64(a)-int64(b) > 10*mb }
	var report []string
	if float32Ratio(m.peak, m.total) > 1.5 {
		report = append(report, doctorBigPeak)
	}
	if float32Ratio(m.rss, m.total) > 1.4 && int64(m.rss)-int64(m.total) > 10*mb {
		report = append(report, fmt.Sprintf(doctorHighFrag, allocatorName()))
	}
	if high(m.alloc.active, m.alloc.allocated) {
		report = append(report, doctorAllocFrag)
	}
	if high(m.alloc.resident, m.alloc.active) {
		report = append(report, doctorAllocRSS)
	}
	if high(m.rss, m.alloc.resident) {
		report = append(report, doctorProcRSS)
	}
	if m.replicas > 0 && m.clientsReplicas/int64(m.replicas) > 10*mb {
		report = append(report, doctorReplicaBuf)
	}
	if m.normalClients > 0 && m.clientsNormal/int64(m.normalClients) > 200*1024 {
		report = append(report, doctorClientBuf)
	}
	if scripts > 1000 {
		report = append(report, doctorScripts)
	}
	if len(report) == 0 {
		return doctorNoIssues
	}
	return doctorIssues + strings.Join(report, "") + doctorSafe
}

// cmdMemoryMallocStats: respd has no jemalloc, whose report Redis gives
// here, so it reports its allocator's, the Go runtime's: every memory and
// collector metric of runtime/metrics, one "name: value" line each (in
// RESP3 verbatim text, as Redis replies). No client parses this text;
// Redis built without jemalloc answers "Stats not supported for the
// current allocator", which would hide what the operator asking wants to
// see.
func cmdMemoryMallocStats(c *Client, args [][]byte) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s allocator (runtime/metrics)\n", allocatorName())
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if d.Kind == metrics.KindUint64 && (strings.HasPrefix(d.Name, "/memory/") || strings.HasPrefix(d.Name, "/gc/")) {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	for _, s := range samples {
		fmt.Fprintf(&b, "%s: %d\n", s.Name, s.Value.Uint64())
	}
	c.Verbatim(b.String())
}

// cmdMemoryPurge returns the heap's free pages to the system, as Redis
// asks jemalloc to. debug.FreeOSMemory collects first, which takes as
// long as marking the live heap: it runs in the background, sharing
// idleRelease's guard so that purges don't pile up, and the reply does not
// wait for it.
func cmdMemoryPurge(c *Client, args [][]byte) {
	r := &c.srv.idleRelease
	if r.running.CompareAndSwap(false, true) {
		go func() {
			debug.FreeOSMemory()
			r.running.Store(false)
		}()
	}
	c.OK()
}

// allocatorName is INFO's mem_allocator: Go's runtime and its version.
func allocatorName() string { return "go-" + runtime.Version() }
