package main

import (
	"strings"
	"testing"
	"time"
)

func TestDebug(t *testing.T) {
	refused := dialRaw(t, startServer(t))
	refused.do("-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n", "DEBUG", "SLEEP", "0")

	addr := startServer(t, "--enable-debug-command", "local")
	rc, other := dialRaw(t, addr), dialRaw(t, addr)
	rc.do("-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n", "DEBUG", "foo")
	rc.do("-ERR no such key\r\n", "DEBUG", "OBJECT", "nokey")

	// DEBUG SLEEP stops the whole server, as in Redis.
	start := time.Now()
	rc.send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.3\r\n")
	time.Sleep(50 * time.Millisecond)
	other.do("+PONG\r\n", "PING")
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Fatalf("another client was served %v into DEBUG SLEEP 0.3", waited)
	}
	rc.expect("+OK\r\n")

	// With active expiry off, an expired key stays until it is looked up.
	rc.do("+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	rc.do("+OK\r\n", "SET", "k", "v", "PX", "1")
	time.Sleep(300 * time.Millisecond)
	rc.do(":1\r\n", "DBSIZE")
	rc.do("$-1\r\n", "GET", "k")
	rc.do(":0\r\n", "DBSIZE")
	rc.do("+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	rc.do("+OK\r\n", "SET", "k", "v", "PX", "1")
	// The active cycle deletes it (DBSIZE does not look the key up).
	waitFor(t, func() bool { n, err := diffRequest(addr, "DBSIZE"); return err == nil && n == ":0\r\n" })

	rc.do("+OK\r\n", "SET", "s", "hello")
	rc.send("*3\r\n$5\r\nDEBUG\r\n$6\r\nOBJECT\r\n$1\r\ns\r\n")
	if line, _ := rc.r.ReadString('\n'); !strings.HasPrefix(line, "+Value at:") || !strings.Contains(line, " encoding:embstr ") {
		t.Fatalf("DEBUG OBJECT = %q", line)
	}
}

func TestTime(t *testing.T) {
	rc := newClients(t, startServer(t))["resp3"]
	got, err := rc.Time(ctx).Result()
	if err != nil || time.Since(got).Abs() > 2*time.Second {
		t.Fatalf("TIME = %v, %v", got, err)
	}
}
