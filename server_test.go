package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"respd/internal/aof"
)

// startServer runs respd in-process on a free port for the test's lifetime
// and returns its address. args are redis-server style: an optional config
// file first, then flags.
func startServer(t testing.TB, args ...string) string {
	t.Helper()
	_, addr := startTestServer(t, args...)
	return addr
}

// startTestServer is startServer that also returns the server, for tests
// that look inside it. Unless the arguments set a dir, the server works in
// a temporary directory; without a config file, it has no save points.
func startTestServer(t testing.TB, args ...string) (*Server, string) {
	t.Helper()
	if len(args) == 0 || strings.HasPrefix(args[0], "--") {
		args = append([]string{"--save", ""}, args...)
	}
	cfg, err := parseArgs(append(slices.Clone(args), "--port", "0", "--bind", "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dir == defaultConfig().Dir {
		cfg.Dir = t.TempDir()
	}
	return serveConfig(t, cfg)
}

// serveConfig runs a server with this configuration for the test's
// lifetime.
func serveConfig(t testing.TB, cfg *Config) (*Server, string) {
	t.Helper()
	s := NewServer(cfg)
	if err := s.LoadData(); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve(false)
	t.Cleanup(s.Shutdown)
	return s, s.Addr()
}

// newClients returns go-redis clients for the server in RESP2 and RESP3.
func newClients(t testing.TB, addr string) map[string]*redis.Client {
	t.Helper()
	clients := map[string]*redis.Client{}
	for name, proto := range map[string]int{"resp2": 2, "resp3": 3} {
		rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true})
		t.Cleanup(func() { rc.Close() })
		clients[name] = rc
	}
	return clients
}

// rawConn is a connection for exact-byte tests.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

// send writes bytes as they are.
func (rc *rawConn) send(s string) {
	rc.t.Helper()
	if _, err := rc.nc.Write([]byte(s)); err != nil {
		rc.t.Fatal(err)
	}
}

// expect reads exactly len(want) bytes and compares them.
func (rc *rawConn) expect(want string) {
	rc.t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	got := make([]byte, len(want))
	n, err := io.ReadFull(rc.r, got)
	if string(got[:n]) != want {
		rc.t.Fatalf("got %q (err %v), want %q", got[:n], err, want)
	}
}

// do sends a command in RESP and expects the exact reply bytes.
func (rc *rawConn) do(want string, args ...string) {
	rc.t.Helper()
	rc.send(string(aof.AppendCommand(nil, stringArgv(args...))))
	rc.expect(want)
}

var ctx = context.Background()

// A request that arrives with the first connection, before the load at
// start has begun, is answered LOADING or from the loaded data: never from
// the empty dataset, where a SET acknowledged then would be lost. The
// request is in the socket before the event loop's first turn, which is
// when the race between that turn and the load used to be lost.
func TestFirstRequestWaitsForTheLoad(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	expectReplies(t, addr, "SET k v", "+OK\r\n")
	s.Shutdown()
	for i := 0; i < 10; i++ {
		cfg, err := parseArgs([]string{"--save", "", "--dir", dir, "--appendonly", "yes", "--port", "0", "--bind", "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		s := NewServer(cfg)
		s.logger.SetOutput(io.Discard)
		if err := s.Listen(); err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte("GET k\r\n"))
		served := make(chan struct{})
		go func() { s.Serve(true); close(served) }()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		reply, err := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		s.Shutdown()
		<-served
		if err != nil || (reply != "$1\r\n" && reply != "-LOADING Redis is loading the dataset in memory\r\n") {
			t.Fatalf("start %d: GET k answered %q, %v", i, reply, err)
		}
	}
}

// The log has Redis's level marks (# warning, * notice) and obeys
// loglevel, including CONFIG SET loglevel at run time.
func TestLogLevels(t *testing.T) {
	s, addr := startTestServer(t, "--loglevel", "warning")
	var out strings.Builder
	s.mu.Lock()
	s.logger.SetOutput(&out)
	s.logf("a notice")
	s.warnf("a warning")
	s.mu.Unlock()
	expectReplies(t, addr, "CONFIG SET loglevel notice", "+OK\r\n")
	s.logf("another notice")
	expectReplies(t, addr, "CONFIG SET loglevel nothing", "+OK\r\n")
	s.warnf("silenced")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], " # a warning") || !strings.HasSuffix(lines[1], " * another notice") {
		t.Fatalf("log:\n%s", out.String())
	}
}

// Directives respd accepts but does not act on are named at startup, when
// set to anything but their default.
func TestInertSettingsAreNamed(t *testing.T) {
	cfg, err := parseArgs([]string{"--daemonize", "yes", "--io-threads", "1", "--maxmemory", "1mb", "--port", "7000"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.inertSettings(), ", "); got != "daemonize yes, maxmemory 1048576" {
		t.Fatalf("inert settings: %s", got)
	}
}
