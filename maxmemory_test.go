package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxmemory against redis-server and respd alike: each test fills a
// server, then sets maxmemory under what it uses, and checks what the
// policy kept and refused. (Memory is the whole process's, so these run
// servers as processes.) How much is evicted differs: respd's figure
// counts the dead objects the collector has not freed yet (RESTORE leaves
// some), so it evicts more; the tests ask for little.

// usedMemory is INFO's used_memory.
func infoUsedMemory(t *testing.T, rc *rawConn) uint64 {
	t.Helper()
	used, err := strconv.ParseUint(rawInfo(t, rc, "memory")["used_memory"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return used
}

// restoreKeys creates n keys prefix:i holding a 10 KB string, idle for
// idle seconds (RESTORE … IDLETIME), with ttl seconds to live unless 0.
func restoreKeys(t *testing.T, rc *rawConn, prefix string, n int, idle, ttl int) {
	t.Helper()
	rc.do("+OK\r\n", "SET", "payload:src", strings.Repeat("x", 10000))
	rc.send(command("DUMP", "payload:src"))
	payload, err := diffReadReply(rc.r)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(payload), "\r\n")
	body = strings.TrimSuffix(body, "\r\n")
	// In batches: a server's query buffer holding them all would count
	// in the memory used.
	for i := range n {
		rc.send(command("RESTORE", fmt.Sprintf("%s:%d", prefix, i), "0", body, "IDLETIME", strconv.Itoa(idle)))
		if ttl != 0 {
			rc.send(command("EXPIRE", fmt.Sprintf("%s:%d", prefix, i), strconv.Itoa(ttl)))
		}
		if i%20 == 19 || i == n-1 {
			for range i%20 + 1 {
				rc.expect("+OK\r\n")
				if ttl != 0 {
					rc.expect(":1\r\n")
				}
			}
		}
	}
	rc.do(":1\r\n", "DEL", "payload:src")
}

// countKeys is how many of prefix:0 … prefix:n-1 exist.
func countKeys(t *testing.T, rc *rawConn, prefix string, n int) int {
	t.Helper()
	args := []string{"EXISTS"}
	for i := range n {
		args = append(args, fmt.Sprintf("%s:%d", prefix, i))
	}
	rc.send(command(args...))
	reply, err := diffReadReply(rc.r)
	if err != nil {
		t.Fatal(err)
	}
	count, _ := strconv.Atoi(strings.TrimSpace(string(reply[1:])))
	return count
}

// shrinkTo sets maxmemory to a fraction of the memory used now.
func shrinkTo(t *testing.T, rc *rawConn, fraction float64) {
	t.Helper()
	limit := uint64(float64(infoUsedMemory(t, rc)) * fraction)
	rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", strconv.FormatUint(limit, 10))
}

// shrinkUntilEvicted lowers maxmemory to 85% of the memory used until a
// write evicts keys. respd's figure holds dead objects until the next
// collection: one that runs between INFO and the write leaves the data
// under a limit computed from it, and the next step goes lower.
func shrinkUntilEvicted(t *testing.T, rc *rawConn) {
	t.Helper()
	evicted := func() string { return rawInfo(t, rc, "stats")["evicted_keys"] }
	before := evicted()
	for range 10 {
		shrinkTo(t, rc, 0.85)
		rc.do("+OK\r\n", "SET", "trigger", "v")
		if evicted() != before {
			return
		}
	}
	t.Fatal("no key evicted with maxmemory at 85% of the memory used, ten times over")
}

func TestMaxmemoryNoeviction(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "")
		rc := dialRaw(t, p.addr)
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1gb")
		restoreKeys(t, rc, "k", 2000, 0, 0)
		shrinkTo(t, rc, 0.5)
		oom := "-" + errOOM + "\r\n"
		rc.do(oom, "SET", "new", "v")
		rc.do(oom, "LPUSH", "list", "v")
		rc.do("$5\r\nvalue\r\n", "ECHO", "value")
		rc.do(":1\r\n", "EXISTS", "k:0")
		// In a transaction everything queued takes memory.
		rc.do("+OK\r\n", "MULTI")
		rc.do(oom, "EXISTS", "k:0")
		rc.do("-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
		// A script without flags: its first write is refused.
		set := "return redis.call('SET', 'new', 'v')"
		rc.do("-"+errOOM+" script: "+scriptSHA([]byte(set))+", on @user_script:1.\r\n", "EVAL", set, "0")
		rc.do(":1\r\n", "EVAL", "return redis.call('EXISTS', 'k:1')", "0")
		// With flags: refused unless allow-oom or no-writes.
		rc.do(oom, "EVAL", "#!lua\nreturn redis.call('EXISTS', 'k:1')", "0")
		rc.do(":1\r\n", "EVAL", "#!lua flags=no-writes\nreturn redis.call('EXISTS', 'k:1')", "0")
		rc.do("+OK\r\n", "EVAL", "#!lua flags=allow-oom\nreturn redis.call('SET', 'new', 'v')", "0")
		rc.do(":2001\r\n", "DBSIZE")
		// Refused writes: memory has been over maxmemory since the first.
		stats := rawInfo(t, rc, "stats")
		total, err1 := strconv.ParseInt(stats["total_eviction_exceeded_time"], 10, 64)
		current, err2 := strconv.ParseInt(stats["current_eviction_exceeded_time"], 10, 64)
		if err1 != nil || err2 != nil || total < current || current < 0 {
			t.Errorf("eviction exceeded time: total %d, current %d", total, current)
		}
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "0")
		rc.do("+OK\r\n", "SET", "new2", "v")
		if evicted := rawInfo(t, rc, "stats")["evicted_keys"]; evicted != "0" {
			t.Fatalf("noeviction evicted %s keys", evicted)
		}
	})
}

// The LRU and LFU policies evict the keys least recently or least
// frequently used first, from every database; the TTL policy the keys
// closest to expiring, and only volatile keys.
func TestMaxmemoryPolicies(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--notify-keyspace-events", "Ee")
		rc, sub := dialRaw(t, p.addr), dialRaw(t, p.addr)
		sub.do("*3\r\n$10\r\npsubscribe\r\n$22\r\n__keyevent@*__:evicted\r\n:1\r\n", "PSUBSCRIBE", "__keyevent@*__:evicted")

		// With maxmemory set, respd's used_memory is the figure it
		// compares with maxmemory.
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1gb")
		// allkeys-lru: cold keys idle for an hour, hot ones just used.
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
		restoreKeys(t, rc, "cold", 600, 3600, 0)
		rc.do("+OK\r\n", "SELECT", "1")
		restoreKeys(t, rc, "hot", 600, 0, 0)
		shrinkUntilEvicted(t, rc)
		if hot := countKeys(t, rc, "hot", 600); hot < 594 {
			t.Errorf("allkeys-lru kept %d of 600 recently used keys", hot)
		}
		rc.do("+OK\r\n", "SELECT", "0")
		if cold := countKeys(t, rc, "cold", 600); cold > 590 {
			t.Errorf("allkeys-lru kept %d of 600 idle keys", cold)
		}
		sub.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if msg, err := diffReadReply(sub.r); err != nil || !strings.Contains(string(msg), "__keyevent@0__:evicted\r\n$") {
			t.Errorf("evicted event: %q, %v", msg, err)
		}

		// allkeys-lfu: hot keys read ten times (lfu-log-factor 0 counts
		// every access).
		rc.do("+OK\r\n", "FLUSHALL")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1gb")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
		rc.do("+OK\r\n", "CONFIG", "SET", "lfu-log-factor", "0")
		restoreKeys(t, rc, "cold", 600, 0, 0)
		restoreKeys(t, rc, "hot", 600, 0, 0)
		var reads strings.Builder
		for i := range 600 {
			for range 10 {
				reads.WriteString(command("STRLEN", fmt.Sprintf("hot:%d", i)))
			}
		}
		rc.send(reads.String())
		rc.expect(strings.Repeat(":10000\r\n", 6000))
		shrinkUntilEvicted(t, rc)
		if hot, cold := countKeys(t, rc, "hot", 600), countKeys(t, rc, "cold", 600); hot < 594 || cold > 590 {
			t.Errorf("allkeys-lfu kept %d of 600 frequent keys, %d of 600 others", hot, cold)
		}

		// volatile-ttl: the keys closest to expiring go first; keys
		// without a TTL never.
		rc.do("+OK\r\n", "FLUSHALL")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1gb")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "volatile-ttl")
		restoreKeys(t, rc, "persistent", 400, 0, 0)
		restoreKeys(t, rc, "soon", 400, 0, 1000)
		restoreKeys(t, rc, "late", 400, 0, 100000)
		shrinkUntilEvicted(t, rc)
		persistent, soon, late := countKeys(t, rc, "persistent", 400), countKeys(t, rc, "soon", 400), countKeys(t, rc, "late", 400)
		if persistent != 400 || soon > 390 || late < 390 {
			t.Errorf("volatile-ttl kept %d persistent keys, %d expiring soon, %d later (of 400 each)", persistent, soon, late)
		}

		// volatile-lru with nothing volatile: OOM.
		rc.do("+OK\r\n", "FLUSHALL")
		rc.do("+OK\r\n", "SET", "persistent", "v")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "volatile-lru")
		rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1")
		rc.do("-"+errOOM+"\r\n", "SET", "new", "v")
	})
}

// maxmemory-clients: a client whose buffers take the clients past it is
// closed, one in CLIENT NO-EVICT mode is not.
func TestMaxmemoryClients(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--maxmemory-clients", "1mb")
		kept, big := dialRaw(t, p.addr), dialRaw(t, p.addr)
		kept.do("+OK\r\n", "CLIENT", "NO-EVICT", "on")
		// Half a 3 MB request: its query buffer alone is over the limit.
		// (The server may close the connection before it is all sent.)
		big.nc.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + strings.Repeat("v", 1500000)))
		big.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := big.r.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Fatalf("the client over maxmemory-clients was not closed: %d, %v", n, err)
		}
		kept.do("+PONG\r\n", "PING")
		if evicted := rawInfo(t, kept, "stats")["evicted_clients"]; evicted != "1" {
			t.Fatalf("evicted_clients: %s", evicted)
		}
	})
}

// RDB files carry the keys' idle times under an LRU policy and their LFU
// counters under an LFU one, both ways between respd and redis-server.
func TestMaxmemoryRDBAccess(t *testing.T) {
	interopRequireRedis(t)
	for _, tc := range []struct {
		policy, restoreOpt, objectCmd string
		value                         int64
	}{
		{"allkeys-lru", "IDLETIME", "IDLETIME", 5000},
		{"allkeys-lfu", "FREQ", "FREQ", 100},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			fill := func(rc *redis.Client) {
				rc.Set(ctx, "src", "value", 0)
				payload := rc.Dump(ctx, "src").Val()
				if err := rc.Do(ctx, "RESTORE", "k", 0, payload, tc.restoreOpt, tc.value).Err(); err != nil {
					t.Fatal(err)
				}
			}
			check := func(who string, rc *redis.Client) {
				t.Helper()
				got, err := rc.Do(ctx, "OBJECT", tc.objectCmd, "k").Int64()
				// An idle time goes on growing while the test runs.
				if err != nil || got < tc.value || got > tc.value+5 {
					t.Errorf("%s: OBJECT %s k = %d, %v; want %d", who, tc.objectCmd, got, err, tc.value)
				}
			}
			args := []string{"--maxmemory-policy", tc.policy}

			// SAVE writes the live keys; BGSAVE the copies it takes of
			// them (Entry.Frozen).
			for _, save := range []string{"SAVE", "BGSAVE"} {
				dir := t.TempDir()
				_, addr := startTestServer(t, append([]string{"--dir", dir}, args...)...)
				mine := newClients(t, addr)["resp2"]
				fill(mine)
				check("respd", mine)
				if err := mine.Do(ctx, save).Err(); err != nil {
					t.Fatal(err)
				}
				waitFor(t, func() bool {
					return mine.LastSave(ctx).Val() > 0 && !strings.Contains(mine.Info(ctx, "persistence").Val(), "rdb_bgsave_in_progress:1")
				})
				real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, append([]string{"--dir", dir}, args...)...)})
				defer real.Close()
				check("respd's RDB ("+save+") in redis-server", real)
			}

			dir := t.TempDir()
			theirs := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, append([]string{"--dir", dir}, args...)...)})
			defer theirs.Close()
			fill(theirs)
			if err := theirs.Save(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			_, addr := startTestServer(t, append([]string{"--dir", dir}, args...)...)
			check("redis-server's RDB in respd", newClients(t, addr)["resp2"])
		})
	}
}

// lazyfree-lazy-eviction: an evicted key reaches replicas and the AOF as
// UNLINK, as propagateDeletion sends it.
func TestMaxmemoryLazyEviction(t *testing.T) {
	dir := t.TempDir()
	rc := dialRaw(t, startServer(t, "--dir", dir, "--appendonly", "yes", "--lazyfree-lazy-eviction", "yes",
		"--maxmemory-policy", "allkeys-random"))
	rc.do("+OK\r\n", "SET", "k", strings.Repeat("v", 1<<20))
	rc.do("+OK\r\n", "CONFIG", "SET", "maxmemory", "1")
	rc.do("-"+errOOM+"\r\n", "SET", "other", "v")
	rc.do(":0\r\n", "DBSIZE")
	waitFor(t, func() bool {
		aof, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
		return strings.Contains(string(aof), "$6\r\nUNLINK\r\n$1\r\nk\r\n")
	})
}
