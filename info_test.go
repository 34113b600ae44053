package main

import (
	"strings"
	"testing"
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
