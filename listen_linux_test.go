package main

// Tests that set the process's open-files limit (prlimit(1), setrlimit)
// and count its descriptors in /proc: Linux only.

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Under an open-files limit too low for maxclients, the server either
// raises the limit or lowers maxclients to fit it (which one depends on
// the privileges it runs with: both servers must agree), and a client
// past maxclients reads Redis's error instead of waiting.
func TestMaxclientsFitTheFilesLimit(t *testing.T) {
	limits := map[string]string{}
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, []string{"prlimit", "--nofile=64:64"}, bin, t.TempDir(), "--save", "", "--maxclients", "100")
		maxclients := interopInfoSection(t, p.addr, "clients")["maxclients"]
		limits[filepath.Base(bin)] = maxclients
		n, err := strconv.Atoi(maxclients)
		if err != nil || (n != 100 && n != 64-reservedFDs) {
			t.Fatalf("maxclients %s under a limit of 64 files", maxclients)
		}
		for range n { // each kept open until the test ends
			dialRaw(t, p.addr).do("+PONG\r\n", "PING")
		}
		extra := dialRaw(t, p.addr)
		extra.expect(errMaxClients)
	})
	if len(limits) == 2 && limits["redis-server"] != limits["respd"] {
		t.Errorf("redis and respd fitted maxclients differently: %v", limits)
	}
}

// When the process runs out of descriptors before maxclients (accept
// fails with EMFILE), each waiting client is turned away with Redis's
// error: none is left waiting, and the loop does not spin on the
// listening socket.
func TestOutOfDescriptors(t *testing.T) {
	s, addr := startTestServer(t)
	s.logger.SetOutput(io.Discard) // a warning per client turned away
	// While the loop is held, clients queue in the listen backlog; then
	// the process gets room for only a few more descriptors.
	s.mu.Lock()
	var conns []net.Conn
	for range 20 {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			s.mu.Unlock()
			t.Fatal(err)
		}
		defer nc.Close()
		conns = append(conns, nc)
	}
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old)
	open, _ := os.ReadDir("/proc/self/fd")
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: uint64(len(open) + 3), Max: old.Max})
	s.mu.Unlock()

	// Every connection is taken: kept, or turned away as it was accepted.
	waitFor(t, func() bool {
		return locked(s, func() bool { return len(s.clients)+int(s.stats.rejectedConns) == len(conns) })
	})
	served, refused := 0, 0
	for _, nc := range conns {
		r := bufio.NewReader(nc)
		nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if line, err := r.ReadString('\n'); err == nil {
			if line != errMaxClients {
				t.Errorf("a client turned away read %q", line)
			}
			refused++
			continue
		}
		nc.Write([]byte("PING\r\n"))
		nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if line, err := r.ReadString('\n'); line != "+PONG\r\n" {
			t.Errorf("a client kept got %q, %v", line, err)
		}
		served++
	}
	busy := cpuTime()
	time.Sleep(200 * time.Millisecond)
	spun := cpuTime() - busy
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	if served == 0 || refused == 0 || spun > 100*time.Millisecond {
		t.Errorf("%d served, %d refused; %v of CPU in 200 ms idle", served, refused, spun)
	}
	expectReplies(t, addr, "PING", "+PONG\r\n")
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	sys, user := cpuTimes()
	return sys + user
}
