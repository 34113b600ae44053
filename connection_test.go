package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestPingEchoHelloBothProtocols(t *testing.T) {
	addr := startServer(t)
	for name, rc := range newClients(t, addr) {
		t.Run(name, func(t *testing.T) {
			if got, err := rc.Ping(ctx).Result(); err != nil || got != "PONG" {
				t.Errorf("PING = %q, %v", got, err)
			}
			if got, err := rc.Echo(ctx, "héllo\r\n").Result(); err != nil || got != "héllo\r\n" {
				t.Errorf("ECHO = %q, %v", got, err)
			}
			if _, err := rc.Get(ctx, "nokey").Result(); err != redis.Nil {
				t.Errorf("GET missing key: %v, want redis.Nil", err)
			}
			info, err := rc.Info(ctx, "server").Result()
			if err != nil || !strings.Contains(info, "redis_version:") || !strings.Contains(info, "tcp_port:") {
				t.Errorf("INFO server = %q, %v", info, err)
			}
		})
	}
}

func TestHello(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	rc.do("-NOPROTO unsupported protocol version\r\n", "HELLO", "4")
	rc.do("-ERR Protocol version is not an integer or out of range\r\n", "HELLO", "abc")
	rc.do("-ERR Syntax error in HELLO option 'foo'\r\n", "HELLO", "3", "foo")
	rc.do("-ERR Syntax error in HELLO option 'auth'\r\n", "HELLO", "3", "auth", "a")
	rc.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "HELLO", "3", "auth", "a", "b")
	rc.do("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", "HELLO", "3", "setname", "a b")
	rc.send("*4\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$7\r\nSETNAME\r\n$3\r\nabc\r\n")
	rc.expect("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$" + itoaLen(redisVersion) + "\r\n" + redisVersion + "\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:")
	rc.r.ReadString('\n')
	rc.expect("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")
	rc.do("$3\r\nabc\r\n", "CLIENT", "GETNAME")
	rc.do("_\r\n", "GET", "nokey")
	rc.do("+RESET\r\n", "RESET")
	rc.do("$-1\r\n", "GET", "nokey")
	rc.do("$-1\r\n", "CLIENT", "GETNAME")
}

func itoaLen(s string) string { return itoa64(int64(len(s))) }

func itoa64(n int64) string { return string(itoa(n)) }

func TestAuth(t *testing.T) {
	addr := startServer(t, "--requirepass", "secret")
	rc := dialRaw(t, addr)
	rc.do("-NOAUTH Authentication required.\r\n", "GET", "a")
	rc.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "wrong")
	rc.do("-ERR syntax error\r\n", "AUTH", "a", "b", "c")
	rc.do("+OK\r\n", "AUTH", "secret")
	rc.do("$-1\r\n", "GET", "a")
	rc.do("+RESET\r\n", "RESET")
	rc.do("-NOAUTH Authentication required.\r\n", "GET", "a")
	rc.do("+OK\r\n", "AUTH", "default", "secret")

	noPass := dialRaw(t, startServer(t))
	noPass.do("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", "AUTH", "x")
	noPass.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "bob", "x")
	noPass.do("+OK\r\n", "AUTH", "default", "anything")

	gr := redis.NewClient(&redis.Options{Addr: addr, Password: "secret"})
	defer gr.Close()
	if err := gr.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("go-redis with a password (HELLO 3 AUTH): %v", err)
	}
}

func TestClientCommands(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	rc.do("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETNAME", "a b")
	rc.do("+OK\r\n", "CLIENT", "SETNAME", "worker-1")
	rc.do("$8\r\nworker-1\r\n", "CLIENT", "GETNAME")
	rc.do("+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "mylib")
	rc.do("-ERR Unrecognized option 'foo'\r\n", "CLIENT", "SETINFO", "foo", "x")
	rc.do("-ERR syntax error\r\n", "CLIENT", "NO-EVICT", "maybe")
	rc.do("+OK\r\n", "CLIENT", "NO-TOUCH", "on")
	rc.do("-ERR timeout is negative\r\n", "CLIENT", "PAUSE", "-1")
	rc.do("-ERR timeout is not an integer or out of range\r\n", "CLIENT", "PAUSE", "abc")
	rc.do("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", "CLIENT", "PAUSE", "10", "foo")
	rc.do("-ERR No such client\r\n", "CLIENT", "KILL", "1.2.3.4:5")
	rc.do("-ERR client-id should be greater than 0\r\n", "CLIENT", "KILL", "ID", "abc")
	rc.do("-ERR Unknown client type 'foo'\r\n", "CLIENT", "KILL", "TYPE", "foo")
	rc.do(":0\r\n", "CLIENT", "KILL", "ID", "99999")
	rc.do("-ERR Invalid client ID\r\n", "CLIENT", "LIST", "ID", "abc")

	gr := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3})
	defer gr.Close()
	list, err := gr.ClientList(ctx).Result()
	if err != nil || !strings.Contains(list, "name=worker-1") || !strings.Contains(list, "lib-name=mylib") || !strings.Contains(list, "flags=T") {
		t.Fatalf("CLIENT LIST = %q, %v", list, err)
	}
	id, _ := gr.ClientID(ctx).Result()
	info, err := gr.ClientInfo(ctx).Result()
	if err != nil || info.ID != id {
		t.Fatalf("CLIENT INFO = %+v, %v", info, err)
	}

	victim := dialRaw(t, addr)
	victim.do("+OK\r\n", "CLIENT", "SETNAME", "victim")
	killed, err := gr.ClientKillByFilter(ctx, "SKIPME", "yes", "TYPE", "normal").Result()
	if err != nil || killed < 2 {
		t.Fatalf("CLIENT KILL TYPE normal = %d, %v", killed, err)
	}
	victim.nc.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := victim.r.ReadByte(); err == nil {
		t.Fatal("killed client still connected")
	}
}

func TestClientReply(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	rc.send("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n")
	rc.expect("$1\r\nb\r\n")
	rc.send("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\n")
	rc.do("+OK\r\n", "CLIENT", "REPLY", "ON")
}

func TestClientPause(t *testing.T) {
	addr := startServer(t)
	admin := dialRaw(t, addr)
	// A WRITE pause that only CLIENT UNPAUSE ends: a read answered before
	// it was not held, a write answered only after it was.
	admin.do("+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE")
	rc := newClients(t, addr)["resp2"]
	if err := rc.Ping(ctx).Err(); err != nil {
		t.Fatalf("reads must not wait during a WRITE pause: %v", err)
	}
	writer := dialRaw(t, addr)
	writer.send(string(diffEncode(stringArgv("SET", "k", "v"))))
	waitFor(t, func() bool { return interopInfoSection(t, addr, "clients")["blocked_clients"] == "1" })
	if v, err := rc.Get(ctx, "k").Result(); err != redis.Nil {
		t.Fatalf("a write ran during the pause: k = %q, %v", v, err)
	}
	admin.do("+OK\r\n", "CLIENT", "UNPAUSE")
	writer.expect("+OK\r\n")
	// ALL pauses every client, the one that paused included (as Redis), so
	// its UNPAUSE waits for the end of the pause, and so does the next
	// command. The clock starts before the pause does.
	start := time.Now()
	admin.do("+OK\r\n", "CLIENT", "PAUSE", "200")
	admin.do("+OK\r\n", "CLIENT", "UNPAUSE")
	if err := rc.Ping(ctx).Err(); err != nil || time.Since(start) < 200*time.Millisecond {
		t.Fatalf("commands must wait during an ALL pause (%v, %v)", err, time.Since(start))
	}
	admin.do("+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE")
	admin.do("+OK\r\n", "CLIENT", "UNPAUSE")
	if err := rc.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
}

// A panic inside one command is answered with an error and the server keeps
// serving.
func TestPanicRecovery(t *testing.T) {
	cmd := &Command{FullName: "test-panic", Name: "test-panic", Arity: 1, Handler: func(c *Client, args [][]byte) { panic("boom") }}
	commands["test-panic"] = cmd
	defer delete(commands, "test-panic")
	addr := startServer(t)
	rc := dialRaw(t, addr)
	rc.do("-ERR internal error while executing 'test-panic'; the server logged the details\r\n", "test-panic")
	rc.do("+PONG\r\n", "PING")
}

func TestIdleClientsAreClosed(t *testing.T) {
	rc := dialRaw(t, startServer(t, "--timeout", "1"))
	start := time.Now() // before the PING: the server can't close before start + 1 s
	rc.do("+PONG\r\n", "PING")
	rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := rc.r.ReadByte(); err == nil || time.Since(start) < time.Second {
		t.Fatalf("idle client: %v after %v, want closed after the 1 s timeout", err, time.Since(start))
	}
}

// CLIENT NO-TOUCH: the client's reads leave the key's idle time alone.
func TestClientNoTouch(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	start := time.Now()
	rc.do("+OK\r\n", "SET", "k", "v")
	time.Sleep(2100 * time.Millisecond)
	rc.do("+OK\r\n", "CLIENT", "NO-TOUCH", "on")
	rc.do("$1\r\nv\r\n", "GET", "k")
	rc.send("*3\r\n$6\r\nOBJECT\r\n$8\r\nIDLETIME\r\n$1\r\nk\r\n")
	line, _ := rc.r.ReadString('\n')
	// Whole seconds of the LRU clock: at least 2 after 2.1 s, at most the
	// seconds that passed, rounded up (more on a slow machine).
	idle, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(line, ":"), "\r\n"))
	if most := int(time.Since(start).Seconds()) + 1; err != nil || idle < 2 || idle > most {
		t.Fatalf("idle time after a NO-TOUCH read = %q, want 2 to %d seconds", line, most)
	}
	rc.do("+OK\r\n", "CLIENT", "NO-TOUCH", "off")
	touched := time.Now()
	rc.do("$1\r\nv\r\n", "GET", "k")
	expectIdle(t, rc, "k", 0, touched)
}

// A client that disconnects while CLIENT PAUSE holds its request is
// dropped at once, and the request it sent never runs, as in Redis; the
// server keeps serving meanwhile.
func TestClientGoneDuringPause(t *testing.T) {
	interopRequireRedis(t)
	for name, addr := range map[string]string{"redis": diffStartRedis(t), "respd": startServer(t)} {
		t.Run(name, func(t *testing.T) {
			admin := dialRaw(t, addr)
			admin.do("+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE") // until UNPAUSE
			gone := dialRaw(t, addr)
			gone.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
			waitFor(t, func() bool { return interopInfoSection(t, addr, "clients")["blocked_clients"] == "1" })
			gone.nc.Close()
			waitFor(t, func() bool { return interopInfoSection(t, addr, "clients")["blocked_clients"] == "0" })
			admin.do("+PONG\r\n", "PING") // a read during the WRITE pause
			admin.do("+OK\r\n", "CLIENT", "UNPAUSE")
			admin.do("$-1\r\n", "GET", "k")
		})
	}
}

// CLIENT PAUSE as in Redis 7.0, run against redis-server and respd: the
// pause is processCommand's last check, so a request it would refuse is
// answered at once; a held client counts in blocked_clients; a write is
// held before MULTI queues it; and the dataset stays as it is, an expired
// key hidden but not deleted (expired_keys unchanged) until the pause ends.
func TestClientPauseAsRedis(t *testing.T) {
	interopRequireRedis(t)
	for name, addr := range map[string]string{"redis": diffStartRedis(t), "respd": startServer(t)} {
		t.Run(name, func(t *testing.T) {
			info := func(section, field string) string { return interopInfoSection(t, addr, section)[field] }
			admin := dialRaw(t, addr)
			// One packet: the pause starts well before the TTL passes.
			admin.send(string(diffEncode(stringArgv("SET", "k", "v", "PX", "200"))) + string(diffEncode(stringArgv("CLIENT", "PAUSE", "100000", "WRITE"))))
			admin.expect("+OK\r\n+OK\r\n")
			waitFor(t, func() bool {
				reply, err := diffRequest(addr, "GET", "k")
				return err == nil && reply == "$-1\r\n"
			})
			admin.do(":1\r\n", "DBSIZE")
			admin.do(":0\r\n", "EXISTS", "k")
			if got := info("stats", "expired_keys"); got != "0" {
				t.Errorf("expired_keys during the pause: %s", got)
			}

			held := dialRaw(t, addr)
			held.do("-ERR wrong number of arguments for 'set' command\r\n", "SET", "x")
			held.do("-ERR unknown command 'NOSUCH', with args beginning with: \r\n", "NOSUCH")
			held.send(string(diffEncode(stringArgv("SET", "k2", "v", "EX", "abc"))))
			waitFor(t, func() bool { return info("clients", "blocked_clients") == "1" })
			if list, _ := diffRequest(addr, "CLIENT", "LIST"); !regexp.MustCompile(` flags=b .* cmd=set `).MatchString(list) {
				t.Errorf("the held client in CLIENT LIST:\n%s", list)
			}

			multi := dialRaw(t, addr)
			multi.do("+OK\r\n", "MULTI")
			multi.send(string(diffEncode(stringArgv("SET", "m", "1"))))
			waitFor(t, func() bool { return info("clients", "blocked_clients") == "2" })

			reader := dialRaw(t, addr) // a transaction of reads runs
			reader.do("+OK\r\n", "MULTI")
			reader.do("+QUEUED\r\n", "GET", "k")
			reader.do("*1\r\n$-1\r\n", "EXEC")

			admin.do("+OK\r\n", "CLIENT", "UNPAUSE")
			held.expect("-ERR value is not an integer or out of range\r\n")
			multi.expect("+QUEUED\r\n")
			multi.do("*1\r\n+OK\r\n", "EXEC")
			admin.do("$-1\r\n", "GET", "k")
			admin.do(":1\r\n", "DBSIZE") // m
			if got := info("stats", "expired_keys"); got != "1" {
				t.Errorf("expired_keys after the pause: %s", got)
			}
			if got := info("clients", "blocked_clients"); got != "0" {
				t.Errorf("blocked_clients after the pause: %s", got)
			}
		})
	}
}
