package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// digestDataset writes, in database 0 (and one key in 1), a key of every
// type in each of Redis 7.0's encodings — small and large, integers and
// strings, scores Redis prints with %.17g, a stream with deleted entries
// and a group, keys with a TTL — and returns the keys of database 0.
func digestDataset(t *testing.T, rc *redis.Client) []string {
	t.Helper()
	long := strings.Repeat("x", 100)
	cmds := [][]any{
		{"SET", "str", "hello"},
		{"SET", "int", "12345"},
		{"SET", "empty", ""},
		{"SET", "long", long},
		{"SET", "ttl", "v", "EX", "1000"},
		{"RPUSH", "list", "a", "b", "1", "-2", long},
		{"SADD", "intset", "1", "2", "3", "-5", "1000000"},
		{"SADD", "set", "a", "b", "c", "1"},
		{"ZADD", "zlp", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "0.1", "e", "1e20", "f", "3", "7"},
		{"HSET", "hlp", "f", "v", "n", "12", "-3", "x"},
		{"XADD", "stream", "1-1", "a", "1", "b", "2"},
		{"XADD", "stream", "2-0", "c", "3"},
		{"XADD", "stream", "5-7", "a", "hello", "b", long},
		{"XDEL", "stream", "2-0"},
		{"XGROUP", "CREATE", "stream", "g", "0"},
		{"XADD", "grouped", "1-1", "a", "1"},
		{"HSET", "httl", "a", "1"},
		{"PEXPIRE", "httl", "500000"},
	}
	bigList, bigSet, bigIntset, bigZset, bigHash, bigStream := []any{"RPUSH", "biglist"}, []any{"SADD", "bigset"}, []any{"SADD", "bigintset"}, []any{"ZADD", "bigzset"}, []any{"HSET", "bighash"}, [][]any{}
	for i := range 300 {
		bigList = append(bigList, fmt.Sprint("e", i), i)
		bigSet = append(bigSet, fmt.Sprint("m", i))
		bigIntset = append(bigIntset, i*7)
		bigZset = append(bigZset, float64(i)*1.1, fmt.Sprint("m", i))
		bigHash = append(bigHash, fmt.Sprint("f", i), fmt.Sprint("v", i))
		bigStream = append(bigStream, []any{"XADD", "bigstream", fmt.Sprint(i+1, "-0"), "f", i, "g", fmt.Sprint("v", i)})
	}
	cmds = append(cmds, bigList, bigSet, bigIntset, bigZset, bigHash,
		[]any{"ZADD", "zlong", "1", long}, []any{"HSET", "hlong", "f", long})
	cmds = append(cmds, bigStream...)
	for _, cmd := range cmds {
		if err := rc.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	db1 := redis.NewClient(&redis.Options{Addr: rc.Options().Addr, DB: 1, Protocol: 2, DisableIdentity: true})
	defer db1.Close()
	if err := db1.Set(ctx, "other", "db", 0).Err(); err != nil {
		t.Fatal(err)
	}
	return []string{"str", "int", "empty", "long", "ttl", "list", "intset", "set", "zlp", "hlp", "stream", "grouped",
		"httl", "biglist", "bigset", "bigintset", "bigzset", "bighash", "zlong", "hlong", "bigstream", "missing"}
}

// DEBUG DIGEST and DIGEST-VALUE are Redis's for the same dataset, every
// type and encoding, TTLs and databases included (how tests compare a
// master with its replica), with the encodings checked to be the ones
// meant.
func TestDebugDigestMatchesRedis(t *testing.T) {
	interopRequireRedis(t)
	real := resp2Client(diffStartRedis(t, "--enable-debug-command", "yes"))
	defer real.Close()
	mine := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	for name, rc := range map[string]*redis.Client{"redis-server": real, "respd": mine} {
		if got := rc.Do(ctx, "DEBUG", "DIGEST").Val(); got != strings.Repeat("0", 40) {
			t.Errorf("%s: DEBUG DIGEST of nothing: %q", name, got)
		}
	}
	keys := digestDataset(t, real)
	digestDataset(t, mine)
	for _, k := range keys {
		if got, want := mine.ObjectEncoding(ctx, k).Val(), real.ObjectEncoding(ctx, k).Val(); got != want {
			t.Errorf("%s is a %s in respd, a %s in redis-server", k, got, want)
		}
		args := []any{"DEBUG", "DIGEST-VALUE", k}
		if got, want := fmt.Sprint(mine.Do(ctx, args...).Val()), fmt.Sprint(real.Do(ctx, args...).Val()); got != want {
			t.Errorf("DEBUG DIGEST-VALUE %s: %s, redis-server's %s", k, got, want)
		}
	}
	want := real.Do(ctx, "DEBUG", "DIGEST").Val()
	if got := mine.Do(ctx, "DEBUG", "DIGEST").Val(); got != want {
		t.Errorf("DEBUG DIGEST: %v, redis-server's %v", got, want)
	}
	// Order matters in a list, and a TTL counts.
	for _, rc := range []*redis.Client{mine, real} {
		rc.RPush(ctx, "list", "z")
		rc.Persist(ctx, "ttl")
	}
	after := real.Do(ctx, "DEBUG", "DIGEST").Val()
	if got := mine.Do(ctx, "DEBUG", "DIGEST").Val(); got != after || got == want {
		t.Errorf("after RPUSH and PERSIST: DEBUG DIGEST %v, redis-server's %v (before: %v)", got, after, want)
	}
}

// DIGEST-VALUE without a redis-server at hand: redis-server 7.0.15's
// digests of a score that %.17g prints with 17 digits and of a stream,
// whose consumer groups Redis 7.0 leaves out.
func TestDebugDigestKnownValues(t *testing.T) {
	rc := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	rc.ZAdd(ctx, "z", redis.Z{Score: 0.1, Member: "a"})
	rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"a", "1"}})
	rc.XGroupCreate(ctx, "s", "g", "0")
	for key, want := range map[string]string{
		"z": "b07654932c32238dbd9b8626f0dc40f18d973527",
		"s": "e63bcb852a375e66ef47d37f2575bc03f71e7ecd",
	} {
		if got := rc.Do(ctx, "DEBUG", "DIGEST-VALUE", key).Val(); fmt.Sprint(got) != "["+want+"]" {
			t.Errorf("DIGEST-VALUE %s: %v, redis-server's %s", key, got, want)
		}
	}
}

// A real redis-server replicating respd has respd's DEBUG DIGEST once it
// has caught up, as Redis's tests compare a master with its replica.
func TestDebugDigestOfRedisReplica(t *testing.T) {
	interopRequireRedis(t)
	addr := startServer(t, "--enable-debug-command", "yes")
	mine := newClients(t, addr)["resp2"]
	digestDataset(t, mine)
	host, port, _ := strings.Cut(addr, ":")
	replica := resp2Client(diffStartRedis(t, "--enable-debug-command", "yes", "--replicaof", host+" "+port))
	defer replica.Close()
	mine.RPush(ctx, "list", "after the sync")
	mine.Expire(ctx, "str", time.Hour)
	want := mine.Do(ctx, "DEBUG", "DIGEST").Val()
	deadline := time.Now().Add(10 * time.Second)
	for replica.Do(ctx, "DEBUG", "DIGEST").Val() != want {
		if time.Now().After(deadline) {
			t.Fatalf("the replica's digest is %v, respd's %v (replica: %s)", replica.Do(ctx, "DEBUG", "DIGEST").Val(), want, replica.Info(ctx, "replication").Val())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Through go-redis in both protocols: DIGEST is a status of forty hex
// digits, changed by a write and back when it is undone; DIGEST-VALUE an
// array of them; wrong arities are unknown subcommands.
func TestDebugDigestE2E(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t, "--enable-debug-command", "yes")) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			empty := rc.Do(ctx, "DEBUG", "DIGEST").Val()
			if empty != strings.Repeat("0", 40) {
				t.Fatalf("empty dataset: %q", empty)
			}
			rc.HSet(ctx, "h", "a", "1")
			full := rc.Do(ctx, "DEBUG", "DIGEST").Val().(string)
			if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(full) || full == empty {
				t.Fatalf("after HSET: %q", full)
			}
			rc.HSet(ctx, "h", "a", "2")
			if got := rc.Do(ctx, "DEBUG", "DIGEST").Val(); got == full {
				t.Errorf("HSET changed nothing: %v", got)
			}
			rc.HSet(ctx, "h", "a", "1")
			if got := rc.Do(ctx, "DEBUG", "DIGEST").Val(); got != full {
				t.Errorf("the same data, another digest: %v, was %v", got, full)
			}
			values, err := rc.Do(ctx, "DEBUG", "DIGEST-VALUE", "h", "nokey").StringSlice()
			if err != nil || len(values) != 2 || values[1] != strings.Repeat("0", 40) || values[0] == values[1] {
				t.Errorf("DIGEST-VALUE h nokey: %q, %v", values, err)
			}
			if err := rc.Do(ctx, "DEBUG", "DIGEST", "x").Err(); err == nil ||
				err.Error() != "ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP." {
				t.Errorf("DIGEST x: %v", err)
			}
		})
	}
}

// DEBUG is refused unless enable-debug-command allows it.
func TestDebugRefused(t *testing.T) {
	rc := newClients(t, startServer(t))["resp2"]
	if err := rc.Do(ctx, "DEBUG", "DIGEST").Err(); err == nil || !strings.HasPrefix(err.Error(), "ERR DEBUG command not allowed.") {
		t.Errorf("DEBUG DIGEST without enable-debug-command: %v", err)
	}
}

// DEBUG LOADAOF writes out the AOF buffer and replays the AOF: the data is
// what it was, and the replay adds nothing to the AOF. Without an AOF it
// is refused and the data stays.
func TestDebugLoadAOF(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes", "--enable-debug-command", "yes")
	rc := newClients(t, addr)["resp2"]
	rc.Set(ctx, "a", "1", 0)
	rc.RPush(ctx, "l", "x", "y")
	rc.Expire(ctx, "a", time.Hour)
	before := rc.Do(ctx, "DEBUG", "DIGEST").Val()
	size := func() int64 {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.aof.size
	}
	written := size()
	if err := rc.Do(ctx, "DEBUG", "LOADAOF").Err(); err != nil {
		t.Fatal(err)
	}
	if got := rc.Do(ctx, "DEBUG", "DIGEST").Val(); got != before {
		t.Errorf("after LOADAOF the digest is %v, was %v", got, before)
	}
	if rc.TTL(ctx, "a").Val() <= 0 || rc.LLen(ctx, "l").Val() != 2 {
		t.Errorf("after LOADAOF: TTL a %v, LLEN l %v", rc.TTL(ctx, "a").Val(), rc.LLen(ctx, "l").Val())
	}
	if got := size(); got != written {
		t.Errorf("the replay wrote to the AOF: %d bytes, was %d", got, written)
	}

	plain := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	plain.Set(ctx, "k", "v", 0)
	if err := plain.Do(ctx, "DEBUG", "LOADAOF").Err(); err == nil || err.Error() != errDebugLoadAOF {
		t.Errorf("LOADAOF without an AOF: %v", err)
	}
	if plain.Get(ctx, "k").Val() != "v" {
		t.Error("LOADAOF without an AOF lost the data")
	}
}

// DEBUG CHANGE-REPL-ID: a new master_replid, and the previous one
// forgotten.
func TestDebugChangeReplID(t *testing.T) {
	rc := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	field := func(name string) string {
		for _, line := range strings.Split(rc.Info(ctx, "replication").Val(), "\r\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				return v
			}
		}
		return ""
	}
	old := field("master_replid")
	if err := rc.Do(ctx, "DEBUG", "CHANGE-REPL-ID").Err(); err != nil {
		t.Fatal(err)
	}
	if id := field("master_replid"); id == old || len(id) != 40 {
		t.Errorf("master_replid %q, was %q", id, old)
	}
	if id2 := field("master_replid2"); id2 != strings.Repeat("0", 40) {
		t.Errorf("master_replid2 %q", id2)
	}
}

// DEBUG HTSTATS and HTSTATS-KEY have the shape of Redis's dictGetStats,
// line for line; the chain lengths are respd's own hash's.
func TestDebugHTStatsShape(t *testing.T) {
	interopRequireRedis(t)
	real := resp2Client(diffStartRedis(t, "--enable-debug-command", "yes"))
	defer real.Close()
	mine := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	number := regexp.MustCompile(`\d+(\.\d+)?`)
	chain := regexp.MustCompile(`(?m)^   \d+: \d+ \(\d+\.\d\d%\)\n`)
	shape := func(s string) string { return number.ReplaceAllString(chain.ReplaceAllString(s, ""), "N") }
	for _, rc := range []*redis.Client{mine, real} {
		for i := range 100 {
			rc.Set(ctx, fmt.Sprint("k", i), "v", 0)
			rc.SAdd(ctx, "set", fmt.Sprint("m", i))
		}
		rc.Expire(ctx, "k1", time.Hour)
		// Lookups finish a rehash under way, as in Redis's dicts.
		for i := range 200 {
			rc.Get(ctx, fmt.Sprint("k", i))
			rc.SIsMember(ctx, "set", "m1")
		}
	}
	for _, args := range [][]any{{"DEBUG", "HTSTATS", "0"}, {"DEBUG", "HTSTATS", "1"}, {"DEBUG", "HTSTATS-KEY", "set"}} {
		got, want := mine.Do(ctx, args...).Val().(string), real.Do(ctx, args...).Val().(string)
		if shape(got) != shape(want) {
			t.Errorf("%v:\n%s\nredis-server:\n%s", args, got, want)
		}
		for _, field := range []string{" table size: ", " number of elements: "} {
			if g, w := lineWith(got, field), lineWith(want, field); g != w {
				t.Errorf("%v: %q, redis-server's %q", args, g, w)
			}
		}
	}
}

// lineWith is the first line of s containing field.
func lineWith(s, field string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, field) {
			return line
		}
	}
	return ""
}

// DEBUG POPULATE's keys are Redis's, with RESP2 and RESP3 alike; an
// existing key is left alone.
func TestDebugPopulate(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t, "--enable-debug-command", "yes")) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			rc.Set(ctx, "key:1", "mine", 0)
			if err := rc.Do(ctx, "DEBUG", "POPULATE", "3").Err(); err != nil {
				t.Fatal(err)
			}
			if got := rc.MGet(ctx, "key:0", "key:1", "key:2", "key:3").Val(); fmt.Sprint(got) != "[value:0 mine value:2 <nil>]" {
				t.Errorf("POPULATE 3: %v", got)
			}
			rc.Do(ctx, "DEBUG", "POPULATE", "2", "p", "10")
			if got := rc.Get(ctx, "p:1").Val(); got != "value:1\x00\x00\x00" {
				t.Errorf("POPULATE 2 p 10: %q", got)
			}
		})
	}
}

// DEBUG QUICKLIST-PACKED-THRESHOLD: an element from that size gets a plain
// node of its own.
func TestDebugQuicklistPackedThreshold(t *testing.T) {
	rc := newClients(t, startServer(t, "--enable-debug-command", "yes"))["resp2"]
	if err := rc.Do(ctx, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100").Err(); err != nil {
		t.Fatal(err)
	}
	defer rc.Do(ctx, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
	rc.RPush(ctx, "l", "a", strings.Repeat("x", 100), "b")
	if got := rc.DebugObject(ctx, "l").Val(); !strings.Contains(got, " ql_nodes:3 ") {
		t.Errorf("DEBUG OBJECT: %s", got)
	}
}

// DEBUG STRINGMATCH-TEST runs and says so.
func TestDebugStringmatchTest(t *testing.T) {
	if testing.Short() {
		t.Skip("ten million matches")
	}
	// As Redis's, the test holds the server for a second or so; longer
	// with the race detector.
	rc := redis.NewClient(&redis.Options{Addr: startServer(t, "--enable-debug-command", "yes"), ReadTimeout: time.Minute, DisableIdentity: true})
	defer rc.Close()
	if got := rc.Do(ctx, "DEBUG", "STRINGMATCH-TEST").Val(); got != "Apparently Redis did not crash: test passed" {
		t.Errorf("%v", got)
	}
}

// DEBUG PROTOCOL push in RESP3: the push, then the reply it comes with,
// as Redis sends them.
func TestDebugProtocolPush(t *testing.T) {
	rc := dialRaw(t, startServer(t, "--enable-debug-command", "yes"))
	// HELLO's map, whatever it holds, ends before PING's reply.
	rc.send("HELLO 3\r\nPING\r\n")
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	for line := ""; line != "+PONG\r\n"; {
		var err error
		if line, err = rc.r.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	rc.do(">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n", "DEBUG", "PROTOCOL", "push")
}
