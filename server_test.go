package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A request that arrives with the first connection, before the load at
// start has begun, is answered LOADING or from the loaded data: never from
// the empty dataset, where a SET acknowledged then would be lost. The
// request is in the socket before the event loop's first turn, which is
// when the race between that turn and the load used to be lost. And the
// load ends with the server: a Shutdown right after the start leaves no
// load running to open (or create) the AOF after Serve returned.
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
		// Nothing of the load outlives the server: it would open the AOF
		// (and create it again, in a directory being removed).
		s.mu.Lock()
		aofOpen, loading := s.aof != nil, s.loading.active
		s.mu.Unlock()
		if aofOpen || loading {
			t.Fatalf("start %d: after Serve returned, the AOF is open: %v, the load runs: %v", i, aofOpen, loading)
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
	cfg, err := parseArgs([]string{"--daemonize", "yes", "--io-threads", "1", "--tcp-keepalive", "60", "--port", "7000"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.inertSettings(), ", "); got != "daemonize yes, tcp-keepalive 60" {
		t.Fatalf("inert settings: %s", got)
	}
}

// A wake after the event loop has exited writes nothing: its eventfd's
// number, closed, may already be a file or socket opened since (an
// in-process restart read the stray 8 bytes as a request).
func TestWakeAfterTheLoopExited(t *testing.T) {
	s, addr := startTestServer(t)
	expectReplies(t, addr, "PING", "+PONG\r\n") // serving: the loop exists
	s.Shutdown()
	dir := t.TempDir()
	var files []*os.File
	for i := range 16 { // reuses the numbers the loop let go
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files = append(files, f)
	}
	s.engine.wake()
	for _, f := range files {
		if info, _ := f.Stat(); info.Size() != 0 {
			t.Fatalf("a wake wrote %d bytes to %s", info.Size(), f.Name())
		}
	}
}
