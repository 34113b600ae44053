package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSlowlogGoRedis reads the log through go-redis's SlowLogGet in both
// protocols: entries newest first, arguments truncated as Redis truncates
// them, the client's address and name, and what is never logged.
func TestSlowlogGoRedis(t *testing.T) {
	addr := startServer(t, "--slowlog-log-slower-than", "0")
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			// One connection: its name is in every entry after SETNAME.
			rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, PoolSize: 1, DisableIdentity: true})
			defer rc.Close()
			if err := rc.Do(ctx, "SLOWLOG", "RESET").Err(); err != nil {
				t.Fatal(err)
			}
			rc.Do(ctx, "CLIENT", "SETNAME", "worker")
			long := strings.Repeat("v", 200)
			rc.Set(ctx, "k", long, 0)
			many := []any{"RPUSH", "list"}
			for i := range 40 {
				many = append(many, i)
			}
			rc.Do(ctx, many...)
			rc.Do(ctx, "AUTH", "nobody", "secret") // fails: logged, redacted
			pipe := rc.TxPipeline()
			pipe.Incr(ctx, "n")
			pipe.Exec(ctx) // EXEC itself is skip_slowlog; INCR is logged
			entries, err := rc.SlowLogGet(ctx, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, e := range entries {
				got = append(got, strings.Join(e.Args, " "))
				if name := map[bool]string{true: "worker"}[i < len(entries)-1]; e.ClientName != name || !strings.HasPrefix(e.ClientAddr, "127.0.0.1:") {
					t.Errorf("entry %d: client %q %q", e.ID, e.ClientAddr, e.ClientName)
				}
				if time.Since(e.Time) > time.Minute || e.Duration < 0 {
					t.Errorf("entry %d: time %v, duration %v", e.ID, e.Time, e.Duration)
				}
			}
			var args []string
			for i := range 30 {
				args = append(args, fmt.Sprint(i))
			}
			want := []string{
				"incr n",
				"multi",
				"AUTH (redacted) (redacted)",
				"RPUSH list " + strings.Join(args[:29], " ") + " ... (11 more arguments)",
				"set k " + long[:128] + "... (72 more bytes)",
				"CLIENT SETNAME worker",
				"SLOWLOG RESET",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if entries[0].ID != entries[1].ID+1 {
				t.Fatalf("ids %d %d", entries[0].ID, entries[1].ID)
			}
		})
	}
}

// TestSlowlogRaw checks an entry's bytes in RESP3, SLOWLOG GET's count, the
// length limit (applied as soon as CONFIG SET lowers it, by the next
// command) and the threshold.
func TestSlowlogRaw(t *testing.T) {
	s, addr := startTestServer(t, "--slowlog-log-slower-than", "0")
	c, err := diffDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	do := func(args ...string) string {
		t.Helper()
		reply, err := c.do(diffEncode(stringArgv(args...)))
		return diffOutcome(reply, err)
	}
	expect := func(want string, args ...string) {
		t.Helper()
		if got := do(args...); got != want {
			t.Fatalf("%v: got %q, want %q", args, got, want)
		}
	}
	do("HELLO", "3")
	expect("+OK\r\n", "SLOWLOG", "RESET")
	expect("+PONG\r\n", "PING")
	s.mu.Lock()
	s.slowlog.entries[len(s.slowlog.entries)-1].usec = 7 // fixed: it varies
	s.mu.Unlock()
	// The id, the unix time and the port vary: taken from the reply.
	got := do("SLOWLOG", "GET", "1")
	var id, unix int64
	fmt.Sscanf(got, "*1\r\n*6\r\n:%d\r\n:%d\r\n", &id, &unix)
	local := c.c.LocalAddr().String()
	want := fmt.Sprintf("*1\r\n*6\r\n:%d\r\n:%d\r\n:7\r\n*1\r\n$4\r\nPING\r\n$%d\r\n%s\r\n$0\r\n\r\n", id, unix, len(local), local)
	if got != want || time.Now().Unix()-unix > 60 {
		t.Fatalf("got %q, want %q", got, want)
	}
	expect("*0\r\n", "SLOWLOG", "GET", "0")
	expect("-ERR count should be greater than or equal to -1\r\n", "SLOWLOG", "GET", "-2")
	expect(":5\r\n", "SLOWLOG", "LEN") // RESET, PING, GET 1, GET 0, GET -2
	expect("+OK\r\n", "CONFIG", "SET", "slowlog-max-len", "2")
	expect(":2\r\n", "SLOWLOG", "LEN")
	expect("+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "-1")
	expect("+OK\r\n", "SLOWLOG", "RESET")
	expect("+PONG\r\n", "PING")
	expect(":0\r\n", "SLOWLOG", "LEN")
	expect("+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "1000000")
	expect("+PONG\r\n", "PING")
	expect(":0\r\n", "SLOWLOG", "LEN")
}

// TestSlowlogBlockedAndScripts: a blocked command is logged once, when it
// is served, by the client that sent it, with the time of its first run
// too; a script's commands are logged as run by a client without an
// address.
func TestSlowlogBlockedAndScripts(t *testing.T) {
	s, addr := startTestServer(t, "--slowlog-log-slower-than", "0")
	rc := newClients(t, addr)["resp2"]
	waiter := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { waiter.Close() })
	rc.Do(ctx, "SLOWLOG", "RESET")
	done := make(chan error)
	go func() { done <- waiter.BLPop(ctx, 10*time.Second, "q").Err() }()
	waitFor(t, func() bool { return strings.Contains(rc.Info(ctx, "clients").Val(), "blocked_clients:1") })
	s.mu.Lock()
	s.blocking.clients[0].blocked.keys.usec = 1e6 // as if its first run had taken a second
	s.mu.Unlock()
	rc.RPush(ctx, "q", "x")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rc.Eval(ctx, "return redis.call('get', KEYS[1])", []string{"q"})
	entries := rc.SlowLogGet(ctx, 10).Val()
	var got []string
	for _, e := range entries {
		got = append(got, strings.Join(e.Args, " ")+" @"+e.ClientAddr[:strings.IndexByte(e.ClientAddr, ':')])
	}
	want := "eval return redis.call('get', KEYS[1]) 1 q @127.0.0.1|get q @?|blpop q 10 @127.0.0.1|rpush q x @127.0.0.1"
	// The INFO calls that polled are between RESET and RPUSH.
	if g := strings.Join(got[:4], "|"); g != want {
		t.Fatalf("got %s, want %s", g, want)
	}
	if d := entries[2].Duration; d < time.Second {
		t.Fatalf("blpop logged with %v", d)
	}
}
