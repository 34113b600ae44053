package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Protected mode turns away every client that is not on the loopback
// interface while the default user has no password, whatever the bind
// list (Redis 7.0).
func TestProtectedFrom(t *testing.T) {
	v4 := func(a, b, c, d byte) syscall.Sockaddr { return &syscall.SockaddrInet4{Addr: [4]byte{a, b, c, d}} }
	v6 := func(last byte, prefix ...byte) syscall.Sockaddr {
		sa := &syscall.SockaddrInet6{}
		copy(sa.Addr[:], prefix)
		sa.Addr[15] = last
		return sa
	}
	mapped := &syscall.SockaddrInet6{Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}}
	cases := []struct {
		args []string
		peer syscall.Sockaddr
		want bool
	}{
		{nil, v4(127, 0, 0, 1), false},
		{nil, v4(127, 1, 2, 3), false},
		{nil, v6(1), false},
		{nil, v4(192, 0, 2, 2), true},
		{nil, v4(10, 0, 0, 1), true},
		{nil, v6(2, 0xfd), true},
		{nil, mapped, true}, // Redis compares the text: "::ffff:127.0.0.1" is not local
		{[]string{"--bind", "0.0.0.0"}, v4(192, 0, 2, 2), true},
		{[]string{"--protected-mode", "no"}, v4(192, 0, 2, 2), false},
		{[]string{"--requirepass", "pw"}, v4(192, 0, 2, 2), false},
	}
	for _, c := range cases {
		cfg, err := parseArgs(c.args)
		if err != nil {
			t.Fatal(err)
		}
		if got := NewServer(cfg).protectedFrom(c.peer); got != c.want {
			t.Errorf("%v from %+v: protected %v, want %v", c.args, c.peer, got, c.want)
		}
	}
}

// nonLoopbackIP is an address of this host outside the loopback interface,
// for connecting as a remote client would; the test is skipped without one.
func nonLoopbackIP(t *testing.T) string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			return ipn.IP.String()
		}
	}
	t.Skip("no IPv4 address outside the loopback interface here")
	return ""
}

// A client from another host reads Redis's DENIED text and is closed; a
// loopback client is served; CONFIG SET protected-mode no lets the other
// host in. Run against redis-server and respd, both bound to every IPv4
// interface.
func TestProtectedModeAsRedis(t *testing.T) {
	interopRequireRedis(t)
	ip := nonLoopbackIP(t)
	cfg, err := parseArgs([]string{"--save", "", "--port", "0", "--bind", "*", "--dir", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, respdAddr := serveConfig(t, cfg)
	for name, addr := range map[string]string{"redis": diffStartRedis(t, "--bind", "*"), "respd": respdAddr} {
		t.Run(name, func(t *testing.T) {
			_, port, _ := net.SplitHostPort(addr)
			remote := net.JoinHostPort(ip, port)
			nc, err := net.Dial("tcp", remote)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetReadDeadline(time.Now().Add(3 * time.Second))
			got, err := io.ReadAll(nc) // sent unasked, then closed
			if string(got) != errDenied || err != nil {
				t.Fatalf("from %s: %q, %v", remote, got, err)
			}
			expectReplies(t, "127.0.0.1:"+port, "PING", "+PONG\r\n", "CONFIG SET protected-mode no", "+OK\r\n")
			expectReplies(t, remote, "PING", "+PONG\r\n")
			if got := interopInfoSection(t, addr, "stats")["rejected_connections"]; got != "1" {
				t.Errorf("rejected_connections: %s", got)
			}
		})
	}
}

// The bind list as Redis reads it, against redis-server and respd: an
// address that is not here stops the start unless it is optional ("-"),
// and an IPv4 address listens on IPv4 only.
func TestBindAsRedis(t *testing.T) {
	const absent = "203.0.113.77" // TEST-NET-3: on no machine's interface
	v6, err := net.Listen("tcp6", "[::1]:0")
	if err == nil {
		v6.Close()
	}
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--bind", "-"+absent, "127.0.0.1")
		expectReplies(t, p.addr, "PING", "+PONG\r\n")
		if err == nil { // this host has IPv6 loopback: 127.0.0.1 is not [::1]
			_, port, _ := net.SplitHostPort(p.addr)
			if nc, err := net.Dial("tcp6", net.JoinHostPort("::1", port)); err == nil {
				nc.Close()
				t.Errorf("an IPv4 bind accepts IPv6 clients")
			}
		}
		failed := runProc(t, nil, bin, t.TempDir(), "--save", "", "--bind", absent, "127.0.0.1")
		select {
		case <-failed.done:
		case <-time.After(10 * time.Second):
			t.Fatal("started with a bind address that is not here")
		}
		if code := failed.cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(failed.out.String(), "Could not create server TCP listening socket "+absent) {
			t.Errorf("exit %d: %s", code, failed.out.String())
		}
	})
}

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
	busy := cpuTime(t)
	time.Sleep(200 * time.Millisecond)
	spun := cpuTime(t) - busy
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	if served == 0 || refused == 0 || spun > 100*time.Millisecond {
		t.Errorf("%d served, %d refused; %v of CPU in 200 ms idle", served, refused, spun)
	}
	expectReplies(t, addr, "PING", "+PONG\r\n")
}

// cpuTime is the CPU time this process has used.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
