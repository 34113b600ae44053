package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"time"

	"respd/internal/acl"
	"respd/internal/keyspace"
)

// INFO: sections and field names as Redis 7 spells them; monitoring tools
// parse these lines.

type infoSection struct {
	name, title string
	inDefault   bool
	write       func(s *Server, b *strings.Builder)
}

var infoSections = []infoSection{
	{"server", "Server", true, (*Server).infoServer},
	{"clients", "Clients", true, (*Server).infoClients},
	{"memory", "Memory", true, (*Server).infoMemory},
	{"persistence", "Persistence", true, (*Server).infoPersistence},
	{"stats", "Stats", true, (*Server).infoStats},
	{"replication", "Replication", true, (*Server).infoReplication},
	{"cpu", "CPU", true, (*Server).infoCPU},
	{"modules", "Modules", true, func(*Server, *strings.Builder) {}},
	{"commandstats", "Commandstats", false, (*Server).infoCommandStats},
	{"errorstats", "Errorstats", true, (*Server).infoErrorStats},
	{"latencystats", "Latencystats", false, (*Server).infoLatencyStats},
	{"cluster", "Cluster", true, func(s *Server, b *strings.Builder) { b.WriteString("cluster_enabled:0\r\n") }},
	{"keyspace", "Keyspace", true, (*Server).infoKeyspace},
}

// cmdInfo: INFO [section ...], where a section may also be "default",
// "all" or "everything".
func cmdInfo(c *Client, args [][]byte) {
	want := map[string]bool{}
	all := false
	for _, a := range args[1:] {
		switch name := strings.ToLower(string(a)); name {
		case "all", "everything":
			all = true
		case "default":
			for _, sec := range infoSections {
				want[sec.name] = want[sec.name] || sec.inDefault
			}
		default:
			want[name] = true
		}
	}
	if len(args) == 1 {
		for _, sec := range infoSections {
			want[sec.name] = sec.inDefault
		}
	}
	var b strings.Builder
	for _, sec := range infoSections {
		if !all && !want[sec.name] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + sec.title + "\r\n")
		sec.write(c.srv, &b)
	}
	c.Verbatim(b.String())
}

func infoLine(b *strings.Builder, key string, value any) {
	fmt.Fprintf(b, "%s:%v\r\n", key, value)
}

func (s *Server) infoServer(b *strings.Builder) {
	exe, _ := os.Executable()
	uptime := time.Since(s.startedAt)
	infoLine(b, "redis_version", redisVersion)
	infoLine(b, "redis_git_sha1", "00000000")
	infoLine(b, "redis_git_dirty", 0)
	infoLine(b, "redis_build_id", "0")
	infoLine(b, "redis_mode", "standalone")
	infoLine(b, "os", osDescription())
	infoLine(b, "arch_bits", strconv.IntSize)
	infoLine(b, "multiplexing_api", multiplexingAPI)
	// Redis's build facts, for exporters that read them: respd is built
	// by Go (go_version), its atomics are sync/atomic's, and Go's
	// monotonic clock is clock_gettime's.
	infoLine(b, "atomicvar_api", "sync/atomic")
	infoLine(b, "gcc_version", "0.0.0")
	infoLine(b, "monotonic_clock", "POSIX clock_gettime")
	infoLine(b, "go_version", runtime.Version())
	infoLine(b, "process_id", os.Getpid())
	infoLine(b, "process_supervised", "no")
	infoLine(b, "run_id", s.runID)
	tcpPort := s.cfg.Port
	if tcpPort == 0 {
		tcpPort = s.cfg.TLSPort // TLS only: Redis shows its port
	}
	infoLine(b, "tcp_port", tcpPort)
	infoLine(b, "server_time_usec", time.Now().UnixMicro())
	infoLine(b, "uptime_in_seconds", int64(uptime/time.Second))
	infoLine(b, "uptime_in_days", int64(uptime/(24*time.Hour)))
	infoLine(b, "hz", s.cfg.Hz)
	infoLine(b, "configured_hz", s.cfg.Hz)
	infoLine(b, "lru_clock", keyspace.LRUClock(time.Now().UnixMilli()))
	infoLine(b, "executable", exe)
	infoLine(b, "config_file", s.cfg.File)
	infoLine(b, "io_threads_active", 0)
}

func (s *Server) infoClients(b *strings.Builder) {
	infoLine(b, "connected_clients", len(s.clients))
	infoLine(b, "cluster_connections", 0)
	infoLine(b, "maxclients", s.cfg.MaxClients)
	infoLine(b, "client_recent_max_input_buffer", 0)
	infoLine(b, "client_recent_max_output_buffer", 0)
	infoLine(b, "blocked_clients", s.blockedClients())
	infoLine(b, "tracking_clients", s.tracking.clients)
	infoLine(b, "clients_in_timeout_table", s.clientsWithTimeout())
}

// blockedClients counts the clients blocked in a command (WAIT) or held
// by CLIENT PAUSE, as Redis's blocked_clients.
func (s *Server) blockedClients() int {
	n := 0
	for _, c := range s.clients {
		if c.blocked != nil || c.paused {
			n++
		}
	}
	return n
}

// usedMemory is INFO's used_memory: the Go heap found live by the last
// collection — the data, client buffers, everything reachable — read
// without stopping the world or collecting. Redis's allocator counts the
// bytes handed out and not freed; the nearest Go knows is this.
//
// Not the heap's current size (HeapAlloc, /memory/classes/heap/objects):
// that also counts every dead object not collected yet, which grows to
// GOGC% of the live heap before a collection, so it swings between one
// and two times the data, and it counted buffers allocated but never
// touched (4.00G used_memory with 20 MB RSS). The live heap lags instead:
// what is allocated or freed after a collection shows at the next one,
// which the runtime starts by the time the heap has doubled, or after two
// minutes. Before the first collection there is no figure, so the heap's
// size stands in.
func usedMemory() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[1].Value.Uint64() == 0 {
		return sample[2].Value.Uint64()
	}
	return sample[0].Value.Uint64()
}

// residentMemory is the process's RSS from /proc/self/statm.
func residentMemory() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(fields[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// humanBytes formats like Redis's bytesToHuman.
func humanBytes(n uint64) string {
	f := float64(n)
	switch {
	case n < 1024:
		return fmt.Sprintf("%dB", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.2fK", f/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", f/(1024*1024))
	case n < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", f/(1024*1024*1024))
	default:
		return fmt.Sprintf("%.2fT", f/(1024*1024*1024*1024))
	}
}

// usedMemoryFigure is INFO's used_memory and MEMORY STATS'
// total.allocated: the live heap (usedMemory) or, under maxmemory, what
// maxmemory is compared with.
func (s *Server) usedMemoryFigure() uint64 {
	if s.cfg.MaxMemory != 0 {
		return s.evictionMemory() + s.memoryNotCounted()
	}
	return usedMemory()
}

func (s *Server) infoMemory(b *strings.Builder) {
	m := s.memoryOverhead()
	used, rss := m.total, m.rss
	infoLine(b, "used_memory", used)
	infoLine(b, "used_memory_human", humanBytes(used))
	infoLine(b, "used_memory_rss", rss)
	infoLine(b, "used_memory_rss_human", humanBytes(rss))
	infoLine(b, "used_memory_peak", s.stats.peakMemory)
	infoLine(b, "used_memory_peak_human", humanBytes(s.stats.peakMemory))
	infoLine(b, "used_memory_peak_perc", fmt.Sprintf("%.2f%%", ratio(used, s.stats.peakMemory)*100))
	// MEMORY STATS' account (memstats.go).
	infoLine(b, "used_memory_overhead", m.overheadTotal)
	infoLine(b, "used_memory_startup", m.startup)
	infoLine(b, "used_memory_dataset", m.dataset)
	infoLine(b, "used_memory_dataset_perc", fmt.Sprintf("%.2f%%", m.datasetPerc))
	// The allocator is Go's: what its objects take, the spans holding
	// them, and what the heap keeps from the system.
	alloc := m.alloc
	infoLine(b, "allocator_allocated", alloc.allocated)
	infoLine(b, "allocator_active", alloc.active)
	infoLine(b, "allocator_resident", alloc.resident)
	total := systemMemory()
	infoLine(b, "total_system_memory", total)
	infoLine(b, "total_system_memory_human", humanBytes(total))
	// The Lua interpreter's memory is in the Go heap, not counted apart.
	for _, field := range []string{"used_memory_lua", "used_memory_vm_eval"} {
		infoLine(b, field, 0)
	}
	infoLine(b, "used_memory_lua_human", "0B")
	infoLine(b, "used_memory_scripts_eval", m.luaCaches)
	scripts, functions, libraries := 0, 0, 0
	if sc := s.scripting; sc != nil {
		scripts, functions, libraries = len(sc.scripts), len(sc.functions.funcs), len(sc.functions.libs)
	}
	infoLine(b, "number_of_cached_scripts", scripts)
	infoLine(b, "number_of_functions", functions)
	infoLine(b, "number_of_libraries", libraries)
	for _, field := range []string{"used_memory_vm_functions", "used_memory_vm_total"} {
		infoLine(b, field, 0)
	}
	infoLine(b, "used_memory_vm_total_human", "0B")
	infoLine(b, "used_memory_functions", m.functionsCaches)
	infoLine(b, "used_memory_scripts", m.luaCaches+m.functionsCaches)
	infoLine(b, "used_memory_scripts_human", humanBytes(uint64(m.luaCaches+m.functionsCaches)))
	infoLine(b, "maxmemory", s.cfg.MaxMemory)
	infoLine(b, "maxmemory_human", humanBytes(s.cfg.MaxMemory))
	infoLine(b, "maxmemory_policy", s.cfg.MaxMemoryPolicy)
	infoLine(b, "allocator_frag_ratio", fmt.Sprintf("%.2f", ratio(alloc.active, alloc.allocated)))
	infoLine(b, "allocator_frag_bytes", int64(alloc.active)-int64(alloc.allocated))
	infoLine(b, "allocator_rss_ratio", fmt.Sprintf("%.2f", ratio(alloc.resident, alloc.active)))
	infoLine(b, "allocator_rss_bytes", int64(alloc.resident)-int64(alloc.active))
	infoLine(b, "rss_overhead_ratio", fmt.Sprintf("%.2f", ratio(rss, alloc.resident)))
	infoLine(b, "rss_overhead_bytes", int64(rss)-int64(alloc.resident))
	infoLine(b, "mem_fragmentation_ratio", fmt.Sprintf("%.2f", ratio(rss, used)))
	infoLine(b, "mem_fragmentation_bytes", int64(rss)-int64(used))
	infoLine(b, "mem_not_counted_for_evict", m.aofBuffer)
	infoLine(b, "mem_replication_backlog", m.replBacklog)
	// The backlog is the only replication buffer: replicas' streams are
	// counted in their clients' output.
	infoLine(b, "mem_total_replication_buffers", m.replBacklog)
	infoLine(b, "mem_clients_slaves", m.clientsReplicas)
	infoLine(b, "mem_clients_normal", m.clientsNormal)
	infoLine(b, "mem_cluster_links", 0)
	infoLine(b, "mem_aof_buffer", m.aofBuffer)
	infoLine(b, "mem_allocator", allocatorName())
	// No active defragmentation; lazy frees are counted (lazyfree.go).
	infoLine(b, "active_defrag_running", 0)
	infoLine(b, "lazyfree_pending_objects", s.lazyfree.pending.Load())
	infoLine(b, "lazyfreed_objects", s.lazyfree.freed.Load())
}

// ratio is a/b, 0 when b is.
func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

type allocatorFigures struct{ allocated, active, resident uint64 }

// allocatorMemory is INFO's allocator_* from Go's runtime: the heap's
// objects, the spans in use that hold them, and all the memory the
// runtime holds from the system but what it released.
func allocatorMemory() allocatorFigures {
	sample := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(sample)
	objects := sample[0].Value.Uint64()
	return allocatorFigures{objects, objects + sample[1].Value.Uint64(), sample[2].Value.Uint64() - sample[3].Value.Uint64()}
}

// systemMemory is the machine's memory from /proc/meminfo (0 elsewhere).
func systemMemory() uint64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func (s *Server) infoPersistence(b *strings.Builder) {
	okOrErr := map[bool]string{true: "ok", false: "err"}
	// No fork, so no copy-on-write to count: the snapshot's own copies
	// are in used_memory.
	saved, keys := s.ks.SnapshotProgress()
	forkPerc := 0.0
	if keys > 0 {
		forkPerc = float64(saved) / float64(keys) * 100
	}
	infoLine(b, "loading", boolInt(s.loading.active))
	infoLine(b, "async_loading", 0)
	infoLine(b, "current_cow_peak", 0)
	infoLine(b, "current_cow_size", 0)
	infoLine(b, "current_cow_size_age", 0)
	infoLine(b, "current_fork_perc", fmt.Sprintf("%.2f", forkPerc))
	infoLine(b, "current_save_keys_processed", saved)
	infoLine(b, "current_save_keys_total", keys)
	infoLine(b, "rdb_changes_since_last_save", s.stats.dirty)
	infoLine(b, "rdb_bgsave_in_progress", boolInt(s.rdb.saving))
	infoLine(b, "rdb_last_save_time", s.rdb.lastSave.Unix())
	infoLine(b, "rdb_last_bgsave_status", okOrErr[s.rdb.lastOK])
	infoLine(b, "rdb_last_bgsave_time_sec", s.rdb.lastSeconds)
	infoLine(b, "rdb_current_bgsave_time_sec", secondsSince(s.rdb.saving, s.rdb.start))
	infoLine(b, "rdb_saves", s.stats.rdbSaves)
	infoLine(b, "rdb_last_cow_size", 0)
	infoLine(b, "rdb_last_load_keys_expired", s.stats.loadKeysExpired)
	infoLine(b, "rdb_last_load_keys_loaded", s.stats.loadKeysLoaded)
	// On from CONFIG SET appendonly yes, as Redis's aof_state: while the
	// rewrite that creates the AOF waits to start too; not for a
	// BGREWRITEAOF with the AOF off.
	infoLine(b, "aof_enabled", boolInt(s.cfg.AppendOnly))
	infoLine(b, "aof_rewrite_in_progress", boolInt(s.rewrite.running))
	infoLine(b, "aof_rewrite_scheduled", boolInt(s.rewrite.scheduled))
	infoLine(b, "aof_last_rewrite_time_sec", s.rewrite.lastSeconds)
	infoLine(b, "aof_current_rewrite_time_sec", secondsSince(s.rewrite.running, s.rewrite.start))
	infoLine(b, "aof_last_bgrewrite_status", okOrErr[s.rewrite.lastOK])
	infoLine(b, "aof_rewrites", s.stats.aofRewrites)
	infoLine(b, "aof_rewrites_consecutive_failures", s.stats.rewriteFailures)
	infoLine(b, "aof_last_write_status", okOrErr[s.aof == nil || s.aof.writeErr == nil && s.aof.syncErr == nil])
	infoLine(b, "aof_last_cow_size", 0)
	infoLine(b, "module_fork_in_progress", 0)
	infoLine(b, "module_fork_last_cow_size", 0)
	if a := s.aof; a != nil {
		current := int64(0)
		for _, f := range a.manifest {
			current += fileSize(filepath.Join(s.aofDir(), f.Name))
		}
		infoLine(b, "aof_current_size", current)
		infoLine(b, "aof_base_size", s.rewrite.baseSize)
		infoLine(b, "aof_pending_rewrite", boolInt(s.rewrite.scheduled))
		infoLine(b, "aof_buffer_length", len(a.buf))
		infoLine(b, "aof_pending_bio_fsync", boolInt(a.syncing))
		infoLine(b, "aof_delayed_fsync", s.stats.aofDelayedFsync)
	}
	if s.loading.active {
		s.infoLoading(func(key string, value any) { infoLine(b, key, value) })
	}
}

// secondsSince is the whole seconds since start while running, else -1,
// as INFO's *_current_*_time_sec.
func secondsSince(running bool, start time.Time) int64 {
	if !running {
		return -1
	}
	return int64(time.Since(start).Seconds())
}

func (s *Server) infoStats(b *strings.Builder) {
	st := &s.stats
	infoLine(b, "total_connections_received", st.connections)
	infoLine(b, "total_commands_processed", st.commands)
	infoLine(b, "instantaneous_ops_per_sec", int64(st.ops.rate()))
	infoLine(b, "total_net_input_bytes", st.netInput.Load())
	infoLine(b, "total_net_output_bytes", st.netOutput.Load())
	infoLine(b, "rejected_connections", st.rejectedConns)
	infoLine(b, "sync_full", st.syncFull)
	infoLine(b, "sync_partial_ok", st.syncPartialOK)
	infoLine(b, "sync_partial_err", st.syncPartialErr)
	infoLine(b, "expired_keys", st.expiredKeys)
	infoLine(b, "evicted_keys", st.evictedKeys)
	infoLine(b, "evicted_clients", st.evictedClients)
	infoLine(b, "keyspace_hits", st.keyspaceHits)
	infoLine(b, "keyspace_misses", st.keyspaceMisses)
	infoLine(b, "pubsub_channels", len(s.pubsub.tables[subChannel]))
	infoLine(b, "pubsub_patterns", len(s.pubsub.patterns))
	infoLine(b, "pubsubshard_channels", len(s.pubsub.tables[subShard]))
	infoLine(b, "tracking_total_keys", len(s.tracking.table))
	infoLine(b, "tracking_total_items", s.tracking.items)
	infoLine(b, "tracking_total_prefixes", len(s.tracking.prefixes))
	infoLine(b, "total_error_replies", st.totalErrorReplies)
	total, current := s.eviction.exceededTime()
	infoLine(b, "total_eviction_exceeded_time", total.Milliseconds())
	infoLine(b, "current_eviction_exceeded_time", current.Milliseconds())
	infoLine(b, "total_reads_processed", st.readsProcessed)
	infoLine(b, "total_writes_processed", st.writesProcessed)
	// Counters of work respd does not do (no fork, no active
	// defragmentation, no I/O threads, no payload sanitizing): zero, as
	// Redis reports them when it does none.
	for _, field := range []string{"expired_stale_perc", "expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds",
		"latest_fork_usec", "total_forks",
		"slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
		"active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time",
		"dump_payload_sanitizations", "io_threaded_reads_processed", "io_threaded_writes_processed",
		"unexpected_error_replies", "reply_buffer_shrinks", "reply_buffer_expands",
		"total_net_repl_input_bytes", "total_net_repl_output_bytes"} {
		infoLine(b, field, 0)
	}
	infoLine(b, "migrate_cached_sockets", len(s.migrateConns))
	infoLine(b, "instantaneous_input_kbps", fmt.Sprintf("%.2f", st.input.rate()/1024))
	infoLine(b, "instantaneous_output_kbps", fmt.Sprintf("%.2f", st.output.rate()/1024))
	// Replication's bytes are in the totals above, not counted apart.
	for _, field := range []string{"instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"} {
		infoLine(b, field, "0.00")
	}
	// Redis 7.2's: exporters alert on them.
	denied := &s.acl.denied
	infoLine(b, "acl_access_denied_auth", denied[acl.DeniedAuth])
	infoLine(b, "acl_access_denied_cmd", denied[acl.DeniedCommand])
	infoLine(b, "acl_access_denied_key", denied[acl.DeniedKey])
	infoLine(b, "acl_access_denied_channel", denied[acl.DeniedChannel])
}

func (s *Server) infoCPU(b *strings.Builder) {
	sys, user := cpuTimes()
	seconds := func(d time.Duration) string {
		return fmt.Sprintf("%d.%06d", int64(d/time.Second), int64(d%time.Second/time.Microsecond))
	}
	infoLine(b, "used_cpu_sys", seconds(sys))
	infoLine(b, "used_cpu_user", seconds(user))
	infoLine(b, "used_cpu_sys_children", "0.000000")
	infoLine(b, "used_cpu_user_children", "0.000000")
	// The event loop's thread is not measured apart: the process's.
	infoLine(b, "used_cpu_sys_main_thread", seconds(sys))
	infoLine(b, "used_cpu_user_main_thread", seconds(user))
}

func (s *Server) infoCommandStats(b *strings.Builder) {
	s.eachCommand(func(cmd *Command) {
		st := s.cmdStats[cmd.index]
		if st.calls > 0 || st.rejected > 0 || st.failed > 0 {
			perCall := 0.0
			if st.calls > 0 {
				perCall = float64(st.usec) / float64(st.calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				cmd.FullName, st.calls, st.usec, perCall, st.rejected, st.failed)
		}
	})
}

func (s *Server) infoErrorStats(b *strings.Builder) {
	prefixes := make([]string, 0, len(s.stats.errorReplies))
	for p := range s.stats.errorReplies {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", p, s.stats.errorReplies[p])
	}
}

func (s *Server) infoKeyspace(b *strings.Builder) {
	for i, db := range s.ks.DBs {
		if db.Len() > 0 {
			fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", i, db.Len(), db.Volatile(), db.AvgTTL)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
