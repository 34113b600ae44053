package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// INFO carries the fields monitoring tools read, spelled as Redis spells
// them.
func TestInfoFields(t *testing.T) {
	addr := startServer(t)
	rc := newClients(t, addr)["resp3"]
	rc.ConfigResetStat(ctx)
	rc.Set(ctx, "a", "1", 0)
	rc.Set(ctx, "b", "2", 1e12)
	rc.Get(ctx, "a")
	rc.Get(ctx, "missing")
	rc.Do(ctx, "nosuch")
	rc.Incr(ctx, "a")
	rc.Do(ctx, "INCR", "a", "extra")

	info, err := rc.Info(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{
		"# Server", "redis_version:" + redisVersion, "process_id:", "tcp_port:", "uptime_in_seconds:", "run_id:",
		"# Clients", "connected_clients:", "maxclients:10000",
		"# Memory", "used_memory:", "used_memory_human:", "used_memory_rss:",
		"# Persistence", "rdb_changes_since_last_save:", "aof_enabled:0",
		"# Stats", "total_commands_processed:", "instantaneous_ops_per_sec:", "keyspace_hits:1", "keyspace_misses:1",
		"expired_keys:0", "evicted_keys:0", "total_error_replies:2",
		"# Replication", "role:master", "connected_slaves:0", "master_repl_offset:0",
		"# CPU", "used_cpu_sys:",
		"# Errorstats", "errorstat_ERR:count=2",
		"# Keyspace", "db0:keys=2,expires=1,avg_ttl=",
	} {
		if !strings.Contains(info, field) {
			t.Errorf("INFO lacks %q", field)
		}
	}
	if strings.Contains(info, "# Commandstats") {
		t.Error("commandstats is not a default section")
	}
	replid := info[strings.Index(info, "master_replid:")+len("master_replid:"):]
	if replid = replid[:strings.Index(replid, "\r\n")]; len(replid) != 40 {
		t.Errorf("master_replid %q is not 40 characters", replid)
	}

	stats, _ := rc.Info(ctx, "commandstats").Result()
	for _, field := range []string{"cmdstat_set:calls=2,", "cmdstat_incr:calls=1,", "rejected_calls=1,failed_calls=0", "cmdstat_info:calls="} {
		if !strings.Contains(stats, field) {
			t.Errorf("INFO commandstats lacks %q in %q", field, stats)
		}
	}
	if strings.Contains(stats, "# Server") {
		t.Error("INFO commandstats must show only that section")
	}
	two, _ := rc.Info(ctx, "server", "keyspace").Result()
	if !strings.Contains(two, "# Server") || !strings.Contains(two, "# Keyspace") || strings.Contains(two, "# Memory") {
		t.Errorf("INFO server keyspace = %q", two)
	}
	all, _ := rc.Info(ctx, "all").Result()
	if !strings.Contains(all, "# Commandstats") {
		t.Error("INFO all lacks commandstats")
	}
	if none, _ := rc.Info(ctx, "nosuchsection").Result(); none != "" {
		t.Errorf("INFO of an unknown section = %q, want empty", none)
	}
}

// INFO persistence has Redis's fields in Redis's order, with the AOF on
// and off.
func TestInfoPersistenceFieldsMatchRedis(t *testing.T) {
	interopRequireRedis(t)
	names := func(addr string) string {
		c, err := diffDial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		raw, err := c.do(diffEncode(stringArgv("INFO", "persistence")))
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, line := range strings.Split(string(raw), "\r\n")[1:] {
			if name, _, ok := strings.Cut(line, ":"); ok {
				fields = append(fields, name)
			}
		}
		return strings.Join(fields, "\n")
	}
	for _, aof := range []string{"no", "yes"} {
		want := names(diffStartRedis(t, "--appendonly", aof))
		if got := names(startServer(t, "--appendonly", aof)); got != want {
			t.Errorf("appendonly %s: INFO persistence fields\n%s\nwant (redis-server)\n%s", aof, got, want)
		}
	}
}

// The persistence counters follow saves, loads and rewrites.
func TestInfoPersistenceCounters(t *testing.T) {
	addr := startServer(t, "--appendonly", "yes", "--enable-debug-command", "yes")
	expectReplies(t, addr, "SET a 1", "+OK\r\n", "SET b 2", "+OK\r\n", "PEXPIRE b 1", ":1\r\n")
	time.Sleep(5 * time.Millisecond)
	expectReplies(t, addr, "SAVE", "+OK\r\n", "BGREWRITEAOF", "+Background append only file rewriting started\r\n")
	waitFor(t, func() bool { return interopInfoSection(t, addr, "persistence")["aof_rewrite_in_progress"] == "0" })
	expectReplies(t, addr, "DEBUG RELOAD", "+OK\r\n")
	info := interopInfoSection(t, addr, "persistence")
	// Whole seconds the rewrite took: 0, or more on a machine slow enough;
	// -1 if it never ran.
	if secs, err := strconv.Atoi(info["aof_last_rewrite_time_sec"]); err != nil || secs < 0 {
		t.Errorf("aof_last_rewrite_time_sec:%s, want the rewrite's whole seconds", info["aof_last_rewrite_time_sec"])
	}
	for field, want := range map[string]string{
		"aof_rewrites": "1", "aof_last_bgrewrite_status": "ok",
		"aof_rewrites_consecutive_failures": "0", "aof_current_rewrite_time_sec": "-1",
		"rdb_saves": "2", "rdb_last_load_keys_loaded": "1", "rdb_current_bgsave_time_sec": "-1",
		"current_save_keys_total": "0", "aof_last_write_status": "ok",
	} {
		if info[field] != want {
			t.Errorf("%s:%s, want %s", field, info[field], want)
		}
	}
}

// instantaneous_input_kbps and _output_kbps follow the traffic, sampled
// by the cron as instantaneous_ops_per_sec.
func TestInfoInstantaneousKbps(t *testing.T) {
	rc := dialRaw(t, startServer(t, "--hz", "100"))
	value := strings.Repeat("v", 64<<10)
	waitFor(t, func() bool {
		rc.do("+OK\r\n", "SET", "k", value)
		rc.do("$65536\r\n"+value+"\r\n", "GET", "k")
		stats := rawInfo(t, rc, "stats")
		in, _ := strconv.ParseFloat(stats["instantaneous_input_kbps"], 64)
		out, _ := strconv.ParseFloat(stats["instantaneous_output_kbps"], 64)
		return in > 0 && out > 0
	})
	stats := rawInfo(t, rc, "stats")
	if stats["total_reads_processed"] == "0" || stats["total_writes_processed"] == "0" {
		t.Errorf("reads and writes processed: %s, %s", stats["total_reads_processed"], stats["total_writes_processed"])
	}
}
