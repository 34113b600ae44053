package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"
)

// TestBacklog: the circular backlog keeps the newest repl-backlog-size
// bytes of the stream, with their offsets, across wrap-arounds, writes
// larger than the backlog, and resizes.
func TestBacklog(t *testing.T) {
	var stream []byte
	b := newBacklog(10, 100) // the next byte is offset 101
	check := func(what string) {
		t.Helper()
		held := min(int64(len(stream)), 10)
		if b.histlen != held || b.first != 101+int64(len(stream))-held {
			t.Fatalf("%s: histlen %d first %d, want %d %d", what, b.histlen, b.first, held, 101+int64(len(stream))-held)
		}
		for off := b.first; off <= b.first+b.histlen; off++ {
			want := stream[off-101:]
			if got := b.since(off); !bytes.Equal(got, want) {
				t.Fatalf("%s: since(%d) = %q, want %q", what, off, got, want)
			}
		}
	}
	for i, p := range []string{"abc", "defg", "hij", "klmnopq", "r", "0123456789ABCDEF", "xyz"} {
		b.write([]byte(p))
		stream = append(stream, p...)
		check("write " + string(rune('0'+i)))
	}
	end := 101 + int64(len(stream)) // the offset of the next byte
	b = b.resized(4, end-1)
	if got, want := b.since(b.first), stream[len(stream)-4:]; !bytes.Equal(got, want) || b.first != end-4 {
		t.Fatalf("after shrinking: %q from %d, want %q from %d", got, b.first, want, end-4)
	}
	b = b.resized(16, end-1)
	b.write([]byte("++"))
	if got, want := b.since(b.first), append(stream[len(stream)-4:], "++"...); !bytes.Equal(got, want) || b.first != end-4 {
		t.Fatalf("after growing: %q from %d, want %q from %d", got, b.first, want, end-4)
	}
}

// CONFIG SET repl-backlog-size resizes the backlog before its reply (respd
// left it to the next cron tick): the INFO that follows in the same turn
// shows the history cut to the new size.
func TestConfigSetBacklogSizeAtOnce(t *testing.T) {
	addr := startServer(t, "--repl-diskless-sync-delay", "0")
	_, rc := attachReplica(t, addr, 0)
	rc.do("+OK\r\n", "SET", "k", strings.Repeat("x", 100<<10))
	if h := rawInfo(t, rc, "replication")["repl_backlog_histlen"]; len(h) < 6 {
		t.Fatalf("repl_backlog_histlen %s after a 100 KB write", h)
	}
	reply, info := configSetThenInfo(t, rc, "replication", "repl-backlog-size", "16384")
	if reply != "+OK\r\n" || info["repl_backlog_size"] != "16384" || info["repl_backlog_histlen"] != "16384" {
		t.Fatalf("CONFIG SET repl-backlog-size: %q, then size %s histlen %s", reply, info["repl_backlog_size"], info["repl_backlog_histlen"])
	}
}

// TestReplicaOutputLimit: a replica that stops reading is disconnected at
// client-output-buffer-limit replica, and the master goes on serving.
func TestReplicaOutputLimit(t *testing.T) {
	addr := startServer(t, "--repl-diskless-sync-delay", "0", "--client-output-buffer-limit", "replica 1mb 0 0")
	replica, rc := attachReplica(t, addr, 4096)
	replica.Write([]byte(rwCmd("REPLCONF", "ACK", "0"))) // the stream starts
	value := strings.Repeat("x", 64<<10)
	for i := 0; i < 200 && rawInfo(t, rc, "replication")["connected_slaves"] != "0"; i++ {
		rc.do("+OK\r\n", "SET", "k", value)
	}
	waitFor(t, func() bool { return rawInfo(t, rc, "replication")["connected_slaves"] == "0" })
	rc.do("+PONG\r\n", "PING")
}

// TestWaitClientGone: a client that disconnects while blocked in WAIT is
// forgotten; the others' WAITs are unaffected.
func TestWaitClientGone(t *testing.T) {
	s, addr := startTestServer(t, "--repl-diskless-sync-delay", "0")
	_, rc := attachReplica(t, addr, 0)
	rc.do("+OK\r\n", "SET", "k", "v")
	gone := dialRaw(t, addr)
	gone.do("+OK\r\n", "SET", "k", "v2")
	gone.send(rwCmd("WAIT", "1", "0"))
	waitFor(t, func() bool { return locked(s, func() int { return len(s.repl.waiting) }) == 1 })
	gone.nc.Close()
	waitFor(t, func() bool { return locked(s, func() int { return len(s.repl.waiting) }) == 0 })
	// It times out: at 100 ms (ms clock, so 90 to be safe), not much later
	// however busy the machine (the read gives up after 3 s).
	start := time.Now()
	rc.do(":0\r\n", "WAIT", "1", "100")
	if d := time.Since(start); d < 90*time.Millisecond || d > 2500*time.Millisecond {
		t.Errorf("WAIT 1 100 took %v", d)
	}
}

// TestReplicaServeStaleData: with replica-serve-stale-data no, a replica
// whose link is down answers MASTERDOWN to data commands, but not to
// commands flagged stale (INFO, PING is not one).
func TestReplicaServeStaleData(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // nobody listens: the link stays down
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	addr := startServer(t, "--replicaof", "127.0.0.1 "+port, "--replica-serve-stale-data", "no")
	rc := dialRaw(t, addr)
	rc.do("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n", "GET", "k")
	if info := rawInfo(t, rc, "replication"); info["master_link_status"] != "down" || info["role"] != "slave" {
		t.Errorf("INFO replication: %v", info)
	}
	rc.do("+OK\r\n", "CONFIG", "SET", "replica-serve-stale-data", "yes")
	rc.do("$-1\r\n", "GET", "k")
	rc.do("-READONLY You can't write against a read only replica.\r\n", "SET", "k", "v")
	// The link retries the refused port: between attempts it is in
	// state connect, during one connecting (as Redis's ROLE says).
	role, err := diffRequest(addr, "ROLE")
	head := "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + port + "\r\n"
	if err != nil || (role != head+"$7\r\nconnect\r\n:-1\r\n" && role != head+"$10\r\nconnecting\r\n:-1\r\n") {
		t.Errorf("ROLE: %q, %v", role, err)
	}
	rc.do("+OK\r\n", "REPLICAOF", "NO", "ONE")
	rc.do("+OK\r\n", "SET", "k", "v")
}

// A promoted replica keeps its backlog for repl-backlog-ttl from its
// promotion, not from its start, so that the old master's replicas can
// continue with it however late they come.
func TestPromotedReplicaKeepsItsBacklog(t *testing.T) {
	host, port, _ := strings.Cut(startServer(t, "--repl-diskless-sync-delay", "0"), ":")
	rc := dialRaw(t, startServer(t, "--replicaof", host+" "+port))
	waitFor(t, func() bool { return rawInfo(t, rc, "replication")["master_link_status"] == "up" })
	rc.do("+OK\r\n", "REPLICAOF", "NO", "ONE")
	time.Sleep(300 * time.Millisecond) // crons pass
	if info := rawInfo(t, rc, "replication"); info["role"] != "master" || info["repl_backlog_active"] != "1" {
		t.Errorf("after REPLICAOF NO ONE: role %s, repl_backlog_active %s", info["role"], info["repl_backlog_active"])
	}
}

// TestDiskSyncShared: replicas that ask for a full sync while a BGSAVE to
// disk for another replica is under way share its file, and get the same
// data and stream.
func TestDiskSyncShared(t *testing.T) {
	s, addr := startTestServer(t, "--repl-diskless-sync", "no")
	rc := dialRaw(t, addr)
	bulkLoad(t, addr, 200_000, func(b []byte, i int) []byte {
		return append(b, rwCmd("SET", "key:"+itoa64(int64(i)), "value")...)
	})
	var peers []*rwPeer
	for range 3 {
		p := rwDial(t, addr)
		p.handshake()
		p.send(rwCmd("PSYNC", "?", "-1"))
		peers = append(peers, p)
	}
	rc.do("+OK\r\n", "SET", "after", "sync")
	for _, p := range peers {
		p.skipNewlines()
		replid, off := rwParseFullResync(t, p.readLine())
		if replid != locked(s, func() string { return s.repl.id }) {
			t.Fatalf("FULLRESYNC %s %d", replid, off)
		}
		data, _ := p.readRDB()
		if n := len(rwLoadRDB(t, data)); n != 200_000 {
			t.Fatalf("the RDB holds %d keys", n)
		}
		p.expectStream("SELECT", "0")
		p.expectStream("SET", "after", "sync")
	}
	if saves := locked(s, func() int64 { return s.stats.rdbSaves }); saves != 1 {
		t.Errorf("%d BGSAVEs for 3 replicas", saves)
	}
}

// attachReplica connects a fake replica to the master at addr (with a
// socket receive buffer of readBuffer bytes, if not 0) and waits until the
// master counts it online; rc is a client of the master. The replica
// closes when the test ends.
func attachReplica(t *testing.T, addr string, readBuffer int) (replica net.Conn, rc *rawConn) {
	t.Helper()
	replica, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica.Close() })
	if readBuffer > 0 {
		replica.(*net.TCPConn).SetReadBuffer(readBuffer)
	}
	replica.Write([]byte(rwCmd("REPLCONF", "capa", "eof") + rwCmd("PSYNC", "?", "-1")))
	rc = dialRaw(t, addr)
	waitFor(t, func() bool { return strings.Contains(rawInfo(t, rc, "replication")["slave0"], "online") })
	return replica, rc
}
