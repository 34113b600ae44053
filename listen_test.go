package main

import (
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Protected mode turns away every client that is not on the loopback
// interface while the default user has no password, whatever the bind
// list (Redis 7.0).
func TestProtectedFrom(t *testing.T) {
	ip := netip.MustParseAddr
	cases := []struct {
		args []string
		peer netip.Addr
		want bool
	}{
		{nil, ip("127.0.0.1"), false},
		{nil, ip("127.1.2.3"), true}, // Redis 7.0 compares the address with "127.0.0.1"
		{nil, ip("::1"), false},
		{nil, ip("192.0.2.2"), true},
		{nil, ip("10.0.0.1"), true},
		{nil, ip("fd00::2"), true},
		{nil, ip("::ffff:127.0.0.1"), true}, // Redis compares the text: "::ffff:127.0.0.1" is not local
		{[]string{"--bind", "0.0.0.0"}, ip("192.0.2.2"), true},
		{[]string{"--protected-mode", "no"}, ip("192.0.2.2"), false},
		{[]string{"--requirepass", "pw"}, ip("192.0.2.2"), false},
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
