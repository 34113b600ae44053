package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// MIGRATE end to end: to a real redis-server and to another respd, every
// type with and without COPY and REPLACE, KEYS, AUTH and AUTH2, a target
// that never answers, the cached connection, and the DEL that replicas get.
// Argument errors and NOKEY are in testdata/diff/migrate.txt.

// migrateFill writes one key of every type (and one with a TTL) and
// returns their names.
func migrateFill(t *testing.T, rc *redis.Client) []string {
	t.Helper()
	cmds := [][]any{
		{"SET", "str", "hello"},
		{"SET", "int", "12345"},
		{"SET", "ttl", "soon", "PX", "100000"},
		{"RPUSH", "list", "a", "b", "c"},
		{"HSET", "hash", "f1", "v1", "f2", "v2"},
		{"SADD", "intset", "1", "2", "3"},
		{"SADD", "set", "a", "b", "c"},
		{"ZADD", "zset", "1", "a", "2.5", "b"},
		{"XADD", "stream", "1-1", "f", "v"},
		{"PFADD", "hll", "a", "b", "c"},
	}
	var keys []string
	for _, cmd := range cmds {
		if err := rc.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
		keys = append(keys, cmd[1].(string))
	}
	big := make([]any, 0, 2002)
	big = append(big, "RPUSH", "biglist")
	for i := range 2000 {
		big = append(big, strings.Repeat("x", i%50)+strconv.Itoa(i))
	}
	if err := rc.Do(ctx, big...).Err(); err != nil {
		t.Fatal(err)
	}
	return append(keys, "biglist")
}

// migrateDumps is DUMP of each key: the same payload on both sides means
// the same value in the same encoding.
func migrateDumps(t *testing.T, rc *redis.Client, keys []string) map[string]string {
	t.Helper()
	dumps := map[string]string{}
	for _, k := range keys {
		d, err := rc.Dump(ctx, k).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", k, err)
		}
		dumps[k] = d
	}
	return dumps
}

// migrateTarget is a target server of either kind, with a client on
// database db.
func migrateTarget(t *testing.T, kind string, db int) (host string, port int, rc *redis.Client) {
	t.Helper()
	var addr string
	if kind == interopRedis {
		interopRequireRedis(t)
		p, _ := strconv.Atoi(freePort(t))
		addr = interopStartRedis(t, p, "--save", "", "--dir", t.TempDir()).addr
	} else {
		addr = startServer(t)
	}
	h, ps, _ := net.SplitHostPort(addr)
	port, _ = strconv.Atoi(ps)
	rc = redis.NewClient(&redis.Options{Addr: addr, DB: db, DisableIdentity: true})
	t.Cleanup(func() { rc.Close() })
	return h, port, rc
}

func TestMigrate(t *testing.T) {
	for _, kind := range []string{interopRedis, interopRespd} {
		t.Run("to="+kind, func(t *testing.T) {
			host, port, target := migrateTarget(t, kind, 3)
			for proto, src := range newClients(t, startServer(t)) {
				t.Run(proto, func(t *testing.T) {
					target.FlushAll(ctx)
					keys := migrateFill(t, src)
					want := migrateDumps(t, src, keys)

					// One key at a time, the first with COPY.
					if got, err := src.Migrate(ctx, host, strconv.Itoa(port), "str", 3, time.Second).Result(); err != nil || got != "OK" {
						t.Fatalf("MIGRATE str: %q %v", got, err)
					}
					if n := src.Exists(ctx, "str").Val(); n != 0 {
						t.Fatalf("str still here after MIGRATE")
					}
					if got, err := src.Do(ctx, "MIGRATE", host, port, "int", 3, 1000, "COPY").Text(); err != nil || got != "OK" {
						t.Fatalf("MIGRATE int COPY: %q %v", got, err)
					}
					if n := src.Exists(ctx, "int").Val(); n != 1 {
						t.Fatalf("int gone after MIGRATE COPY")
					}
					// The rest with KEYS, a missing one among them.
					args := []any{"MIGRATE", host, port, "", 3, 1000, "KEYS", "nokey"}
					for _, k := range keys[2:] {
						args = append(args, k)
					}
					if got, err := src.Do(ctx, args...).Text(); err != nil || got != "OK" {
						t.Fatalf("MIGRATE KEYS: %q %v", got, err)
					}
					if n := src.DBSize(ctx).Val(); n != 1 {
						t.Fatalf("DBSIZE after MIGRATE = %d, want 1 (int, copied)", n)
					}
					// A hashtable's order is its hash seed's: the set is
					// compared by its members.
					got := migrateDumps(t, target, keys)
					if m := target.SMembers(ctx, "set").Val(); len(m) != 3 {
						t.Errorf("set on the target: %v", m)
					}
					for _, k := range keys {
						if got[k] != want[k] && k != "set" {
							t.Errorf("%s: the target's DUMP differs from the source's", k)
						}
					}
					if ttl := target.PTTL(ctx, "ttl").Val(); ttl < 90*time.Second || ttl > 100*time.Second {
						t.Fatalf("PTTL ttl on target = %v", ttl)
					}

					// The key is there already: BUSYKEY, unless REPLACE.
					src.Set(ctx, "int", "changed", 0)
					_, err := src.Do(ctx, "MIGRATE", host, port, "int", 3, 1000).Result()
					if err == nil || err.Error() != "ERR Target instance replied with error: BUSYKEY Target key name already exists." {
						t.Fatalf("MIGRATE onto an existing key: %v", err)
					}
					if src.Get(ctx, "int").Val() != "changed" {
						t.Fatal("int gone after a refused MIGRATE")
					}
					// With several keys, those the target took go even if
					// another was refused.
					src.Set(ctx, "fresh", "v", 0)
					_, err = src.Do(ctx, "MIGRATE", host, port, "", 3, 1000, "KEYS", "int", "fresh").Result()
					if err == nil || !strings.Contains(err.Error(), "BUSYKEY") {
						t.Fatalf("MIGRATE KEYS with one refused: %v", err)
					}
					if src.Exists(ctx, "int").Val() != 1 || src.Exists(ctx, "fresh").Val() != 0 || target.Get(ctx, "fresh").Val() != "v" {
						t.Fatal("MIGRATE KEYS with one refused: wrong keys moved")
					}
					if got, err := src.Do(ctx, "MIGRATE", host, port, "int", 3, 1000, "REPLACE").Text(); err != nil || got != "OK" {
						t.Fatalf("MIGRATE REPLACE: %q %v", got, err)
					}
					if target.Get(ctx, "int").Val() != "changed" {
						t.Fatal("REPLACE did not replace")
					}
					// A database the target does not have: its SELECT's error.
					src.Set(ctx, "k", "v", 0)
					_, err = src.Do(ctx, "MIGRATE", host, port, "k", 99, 1000).Result()
					if err == nil || err.Error() != "ERR Target instance replied with error: ERR DB index is out of range" {
						t.Fatalf("MIGRATE to db 99: %v", err)
					}
					src.Del(ctx, "k")
				})
			}
		})
	}
}

// TestMigrateAuth: AUTH with requirepass on the target, AUTH2 with an ACL
// user, and what the target says without them or with a wrong password.
func TestMigrateAuth(t *testing.T) {
	for _, kind := range []string{interopRedis, interopRespd} {
		t.Run("to="+kind, func(t *testing.T) {
			host, port, target := migrateTarget(t, kind, 0)
			if err := target.Do(ctx, "ACL", "SETUSER", "mover", "on", ">moverpw", "~*", "+@all").Err(); err != nil {
				t.Fatal(err)
			}
			if err := target.ConfigSet(ctx, "requirepass", "secret").Err(); err != nil {
				t.Fatal(err)
			}
			src := newClients(t, startServer(t))["resp3"]
			src.Set(ctx, "a", "1", 0)
			src.Set(ctx, "b", "2", 0)
			for _, c := range []struct {
				args []any
				want string
			}{
				{nil, "ERR Target instance replied with error: NOAUTH Authentication required."},
				{[]any{"AUTH", "wrong"}, "ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled."},
				{[]any{"AUTH2", "mover", "wrong"}, "ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled."},
			} {
				_, err := src.Do(ctx, append([]any{"MIGRATE", host, port, "a", 0, 1000}, c.args...)...).Result()
				if err == nil || err.Error() != c.want {
					t.Fatalf("MIGRATE %v: %v, want %q", c.args, err, c.want)
				}
			}
			if got, err := src.Do(ctx, "MIGRATE", host, port, "a", 0, 1000, "AUTH", "secret").Text(); err != nil || got != "OK" {
				t.Fatalf("MIGRATE AUTH: %q %v", got, err)
			}
			if got, err := src.Do(ctx, "MIGRATE", host, port, "b", 0, 1000, "AUTH2", "mover", "moverpw").Text(); err != nil || got != "OK" {
				t.Fatalf("MIGRATE AUTH2: %q %v", got, err)
			}
			authed := redis.NewClient(&redis.Options{Addr: net.JoinHostPort(host, strconv.Itoa(port)), Password: "secret", DisableIdentity: true})
			defer authed.Close()
			if got := authed.MGet(ctx, "a", "b").Val(); len(got) != 2 || got[0] != "1" || got[1] != "2" {
				t.Fatalf("target has %v", got)
			}
		})
	}
}

// TestMigrateTimeout: a target that accepts the connection and never
// answers costs the timeout, and the key stays.
func TestMigrateTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // read nothing, answer nothing
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	src := newClients(t, startServer(t))["resp2"]
	src.Set(ctx, "k", "v", 0)
	start := time.Now()
	_, err = src.Do(ctx, "MIGRATE", "127.0.0.1", port, "k", 0, 200).Result()
	if err == nil || err.Error() != "IOERR error or timeout reading to target instance" {
		t.Fatalf("MIGRATE to a silent target: %v", err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("MIGRATE gave up after %v, before its timeout", d)
	}
	if src.Get(ctx, "k").Val() != "v" {
		t.Fatal("key gone after a failed MIGRATE")
	}
}

// TestMigrateCachedConnection: MIGRATEs reuse one connection; one the
// target closed is dialled again without an error.
func TestMigrateCachedConnection(t *testing.T) {
	host, port, target := migrateTarget(t, interopRespd, 0)
	s, addr := startTestServer(t)
	src := newClients(t, addr)["resp2"]
	connections := func() string {
		return interopInfoSection(t, target.Options().Addr, "stats")["total_connections_received"]
	}
	before := connections()
	for i := range 3 {
		src.Set(ctx, "k", i, 0)
		if got, err := src.Do(ctx, "MIGRATE", host, port, "k", 0, 1000, "REPLACE").Text(); err != nil || got != "OK" {
			t.Fatalf("MIGRATE %d: %q %v", i, got, err)
		}
	}
	after := connections()
	if b, _ := strconv.Atoi(before); after != strconv.Itoa(b+2) { // the MIGRATEs' and INFO's own
		t.Fatalf("total_connections_received %s -> %s: MIGRATE did not reuse its connection", before, after)
	}
	if err := target.Do(ctx, "CLIENT", "KILL", "SKIPME", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	src.Set(ctx, "k", "again", 0)
	if got, err := src.Do(ctx, "MIGRATE", host, port, "k", 0, 1000, "REPLACE").Text(); err != nil || got != "OK" {
		t.Fatalf("MIGRATE after the target closed its connection: %q %v", got, err)
	}
	// The cron closes a connection unused for 10 s.
	s.mu.Lock()
	for _, mc := range s.migrateConns {
		mc.lastUse = time.Now().Add(-migrateConnTTL - time.Second)
	}
	s.mu.Unlock()
	waitFor(t, func() bool { return locked(s, func() bool { return len(s.migrateConns) == 0 }) })
}

// TestMigratePropagatesDel: without COPY the keys moved go to replicas as
// one DEL; MONITOR shows the MIGRATE with its passwords hidden.
func TestMigratePropagatesDel(t *testing.T) {
	host, port, _ := migrateTarget(t, interopRespd, 0)
	master := startServer(t, "--repl-diskless-sync-delay", "0")
	_, mport, _ := net.SplitHostPort(master)
	replica := startServer(t, "--replicaof", "127.0.0.1 "+mport)
	src := newClients(t, master)["resp2"]
	src.MSet(ctx, "a", 1, "b", 2, "c", 3)
	waitReplicaCaughtUp(t, master, replica)
	mon := dialRaw(t, master)
	mon.do("+OK\r\n", "MONITOR")
	// The default user without a password takes any.
	if got, err := src.Do(ctx, "MIGRATE", host, port, "", 0, 1000, "AUTH2", "default", "pw", "KEYS", "a", "b").Text(); err != nil || got != "OK" {
		t.Fatalf("MIGRATE: %q %v", got, err)
	}
	line, _ := mon.r.ReadString('\n')
	if !strings.HasSuffix(line, `"MIGRATE" "`+host+`" "`+strconv.Itoa(port)+`" "" "0" "1000" "AUTH2" "(redacted)" "(redacted)" "KEYS" "a" "b"`+"\r\n") {
		t.Fatalf("MONITOR: %q", line)
	}
	waitReplicaCaughtUp(t, master, replica)
	rr := newClients(t, replica)["resp2"]
	if n := rr.Exists(ctx, "a", "b", "c").Val(); n != 1 {
		t.Fatalf("replica has %d of a, b, c after MIGRATE of a and b, want 1", n)
	}
}
