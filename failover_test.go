package main

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FAILOVER: between real servers of either kind (interopForPairs: respd
// master to a respd or Redis replica, a Redis master to a respd replica),
// and on the wire against a fake replica or master, where every byte of
// the PSYNC FAILOVER handshake, the pause, the timeout and the aborts are
// checked on respd and on redis-server alike. Argument errors are in
// testdata/diff/failover.txt.

// TestFailover: the master hands its role to its replica; the data written
// before is on both, the old master follows the new one by a partial
// resync, and writes on the new master reach it.
func TestFailover(t *testing.T) {
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		m := newInteropNode(t, masterKind, "master")
		interopLoadInitial(t, m, 200)
		r := newInteropNode(t, replicaKind, "replica", m.replicaOf()...)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		interopRunLoad(t, m, 2000, 7)
		waitReplicaCaughtUp(t, m.addr, r.addr)

		for _, rc := range m.clients {
			if got, err := rc.Do(ctx, "FAILOVER", "TO", "127.0.0.1", r.port, "TIMEOUT", 10000).Text(); err != nil || got != "OK" {
				t.Fatalf("FAILOVER: %q %v", got, err)
			}
			break
		}
		waitReplicaCaughtUp(t, r.addr, m.addr)
		failoverWaitState(t, m.addr, "no-failover")
		// The old master continued from its own history: a partial resync.
		interopExpectSyncs(t, r, "after the failover", interopSyncs{partialOK: 1})
		compareDatasets(t, r.addr, m.addr, interopAllDBs)
		if err := m.rc().Set(ctx, "k", "v", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "READONLY") {
			t.Fatalf("a write on the old master: %v", err)
		}
		interopRunLoad(t, r, 2000, 8)
		waitReplicaCaughtUp(t, r.addr, m.addr)
		compareDatasets(t, r.addr, m.addr, interopAllDBs)

		// And back, to whichever replica catches up first: the only one.
		if got, err := r.rc().Do(ctx, "FAILOVER").Text(); err != nil || got != "OK" {
			t.Fatalf("FAILOVER back: %q %v", got, err)
		}
		waitReplicaCaughtUp(t, m.addr, r.addr)
		failoverWaitState(t, r.addr, "no-failover")
		interopRunLoad(t, m, 2000, 9)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)
	})
}

// failoverWaitState waits until the server reports master_failover_state
// as want.
func failoverWaitState(t *testing.T, addr, want string) {
	t.Helper()
	last := ""
	waitFor(t, func() bool {
		info, err := interopInfo(addr, "replication")
		if err != nil {
			return false
		}
		last = info["master_failover_state"]
		return last == want
	})
	if last != want {
		t.Fatalf("%s: master_failover_state %q, want %q", addr, last, want)
	}
}

// ---- on the wire ----

// failoverSetup starts the target as a master with a fake replica that
// announces the port of a listener of ours (where the target connects
// once it fails over) and has acknowledged everything. It returns the
// replica's link, the listener, a client of the target, the target's port
// and its replication id.
func failoverSetup(t *testing.T, target rwTarget) (p *rwPeer, ln net.Listener, c *rawConn, port, replid string) {
	t.Helper()
	ln, lport := rwListen(t)
	addr := target.start(t, rwMasterArgs()...)
	c = dialRaw(t, addr)
	rwDo(t, c, "+OK\r\n", "SET", "before", "1")
	p = rwDial(t, addr)
	p.handshakeAs(lport)
	_, off, _ := p.fullSync(c)
	p.ack(off)
	_, port, _ = net.SplitHostPort(addr)
	return p, ln, c, port, rawInfo(t, c, "replication")["master_replid"]
}

// failoverOffset is the target's master_repl_offset.
func failoverOffset(t *testing.T, c *rawConn) int64 {
	t.Helper()
	off, _ := strconv.ParseInt(rawInfo(t, c, "replication")["master_repl_offset"], 10, 64)
	return off
}

// failoverAwait waits until INFO replication on c has the fields want.
func failoverAwait(t *testing.T, c *rawConn, want map[string]string) {
	t.Helper()
	var info map[string]string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		info = rawInfo(t, c, "replication")
		ok := true
		for k, v := range want {
			ok = ok && info[k] == v
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			rwCheckInfo(t, info, want)
		}
	}
}

// failoverHeldWrite sends a write on a connection of its own, which the
// failover's pause must hold, and checks that no reply comes for a while.
func failoverHeldWrite(t *testing.T, c *rawConn, key string) *rwPeer {
	t.Helper()
	w := rwDial(t, c.nc.RemoteAddr().String())
	w.send(rwCmd("SET", key, "1"))
	w.expectSilence(200 * time.Millisecond)
	rwDo(t, c, "$-1\r\n", "GET", key) // reads go on
	return w
}

// TestFailoverWire: the master's side. It pauses writes, waits for the
// replica's ACK of its whole stream, becomes its replica and sends
// PSYNC <its replid> <offset+1> FAILOVER; +CONTINUE ends the failover, and
// the write held meanwhile is refused READONLY.
func TestFailoverWire(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		p, ln, c, port, replid := failoverSetup(t, target)
		rwDo(t, c, "+OK\r\n", "SET", "k", "v")
		p.expectStream("SELECT", "0")
		p.expectStream("SET", "k", "v")
		off := failoverOffset(t, c)

		rwDo(t, c, "-ERR FAILOVER target HOST and PORT is not a replica.\r\n", "FAILOVER", "TO", "localhost", p.port)
		rwDo(t, c, "-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n", "FAILOVER", "FORCE", "TIMEOUT", "10")
		rwDo(t, c, "-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n", "FAILOVER", "TO", "127.0.0.1", p.port, "FORCE")
		rwDo(t, c, "+OK\r\n", "FAILOVER", "TO", "127.0.0.1", p.port, "TIMEOUT", "60000")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "master", "master_failover_state": "waiting-for-sync"})
		rwDo(t, c, "-ERR FAILOVER already in progress.\r\n", "FAILOVER")
		rwDo(t, c, "-ERR REPLICAOF not allowed while failing over.\r\n", "REPLICAOF", "NO", "ONE")
		w := failoverHeldWrite(t, c, "held")

		p.ack(off)
		m := rwAccept(t, ln, 5*time.Second)
		rwMasterHandshake(m, port, "")
		m.expectCmd("PSYNC", replid, rwItoa(off+1), "FAILOVER")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "slave", "master_failover_state": "failover-in-progress"})
		newID := strings.Repeat("f", 40)
		m.send("+CONTINUE " + newID + "\r\n")
		w.expect("-READONLY You can't write against a read only replica.\r\n")
		failoverAwait(t, c, map[string]string{"role": "slave", "master_failover_state": "no-failover",
			"master_link_status": "up", "master_replid": newID, "master_replid2": replid})
		m.send(rwCmd("SET", "after", "2"))
		waitFor(t, func() bool { return rwCall(t, c, "GET", "after").str == "2" })
	})
}

// TestFailoverWireAbort: a failover that ends without a switch lets the
// held writes go on, on a master: ABORT while waiting for the replica,
// TIMEOUT passing without FORCE, ABORT once it made itself a replica,
// and a target refusing PSYNC FAILOVER after a FORCE.
func TestFailoverWireAbort(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		p, ln, c, port, _ := failoverSetup(t, target)
		rwDo(t, c, "+OK\r\n", "SET", "k", "v")
		p.expectStream("SELECT", "0")
		p.expectStream("SET", "k", "v") // not acknowledged: it never catches up

		t.Log("ABORT while waiting for sync")
		rwDo(t, c, "+OK\r\n", "FAILOVER")
		w := failoverHeldWrite(t, c, "held1")
		rwDo(t, c, "+OK\r\n", "FAILOVER", "ABORT")
		w.expect("+OK\r\n")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "master", "master_failover_state": "no-failover"})
		rwDo(t, c, "-ERR No failover in progress.\r\n", "FAILOVER", "ABORT")
		p.expectStream("SET", "held1", "1")

		t.Log("TIMEOUT without FORCE")
		start := time.Now()
		rwDo(t, c, "+OK\r\n", "FAILOVER", "TO", "127.0.0.1", p.port, "TIMEOUT", "1000")
		w = failoverHeldWrite(t, c, "held2")
		w.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		w.expect("+OK\r\n")
		if d := time.Since(start); d < time.Second {
			t.Fatalf("the failover ended after %v, before its timeout", d)
		}
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "master", "master_failover_state": "no-failover"})
		p.expectStream("SET", "held2", "1")

		t.Log("FORCE: past the timeout it fails over anyway; ABORT then")
		rwDo(t, c, "+OK\r\n", "FAILOVER", "TO", "127.0.0.1", p.port, "TIMEOUT", "100", "FORCE")
		m := rwAccept(t, ln, 5*time.Second)
		rwMasterHandshake(m, port, "")
		psync := m.readStream().argv()
		if len(psync) != 4 || psync[0] != "PSYNC" || psync[3] != "FAILOVER" {
			t.Fatalf("got %q, want PSYNC <replid> <offset> FAILOVER", psync)
		}
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "slave", "master_failover_state": "failover-in-progress"})
		rwDo(t, c, "+OK\r\n", "FAILOVER", "ABORT")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "master", "master_failover_state": "no-failover"})
		rwDo(t, c, "+OK\r\n", "SET", "k", "again")

		t.Log("FORCE, and the target refuses")
		p2 := rwDial(t, c.nc.RemoteAddr().String()) // the abort made a new history: a new replica
		p2.handshakeAs(p.port)
		p2.fullSync(c)
		rwDo(t, c, "+OK\r\n", "FAILOVER", "TO", "127.0.0.1", p.port, "TIMEOUT", "100", "FORCE")
		m = rwAccept(t, ln, 5*time.Second)
		rwMasterHandshake(m, port, "")
		m.readStream()
		m.send("-ERR no\r\n")
		failoverAwait(t, c, map[string]string{"role": "master", "master_failover_state": "no-failover"})
		rwDo(t, c, "+OK\r\n", "SET", "k", "after")
	})
}

// TestFailoverWireTarget: the target's side. Its master connects anew and
// sends PSYNC <replid> <offset> FAILOVER: with the replica's own replid it
// becomes a master and answers +CONTINUE with its new id, keeping the old
// one as replid2; with another, an error and nothing changes.
func TestFailoverWireTarget(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		_, _, c, _, n := rwReplicaSetup(t, target, "")
		b := rwDial(t, c.nc.RemoteAddr().String())
		rwDo(t, b.rawConn, "+OK\r\n", "REPLCONF", "listening-port", "7777")
		rwDo(t, b.rawConn, "+OK\r\n", "REPLCONF", "capa", "eof", "capa", "psync2")
		b.send(rwCmd("PSYNC", rwReplid2, rwItoa(n+1), "FAILOVER"))
		b.expect("-ERR PSYNC FAILOVER replid must match my replid.\r\n")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "slave", "master_link_status": "up"})

		b.send(rwCmd("PSYNC", rwReplid, rwItoa(n+1), "FAILOVER"))
		line := b.readLine()
		newID, ok := strings.CutPrefix(strings.TrimSuffix(line, "\r\n"), "+CONTINUE ")
		if !ok || len(newID) != 40 || newID == rwReplid {
			t.Fatalf("PSYNC FAILOVER: got %q, want +CONTINUE <new replid>", line)
		}
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"role": "master", "master_replid": newID,
			"master_replid2": rwReplid, "second_repl_offset": rwItoa(n + 1), "connected_slaves": "1"})
		rwDo(t, c, "+OK\r\n", "SET", "new", "1")
		b.expectStream("SELECT", "0")
		b.expectStream("SET", "new", "1")
	})
}

// TestFailoverOtherReplicas: a replica that was not the target stays with
// the old master, which now forwards the new master's stream to it (after
// their partial resync on the new replication id), as in Redis.
func TestFailoverOtherReplicas(t *testing.T) {
	for _, kinds := range [][3]string{
		{interopRespd, interopRespd, interopRespd},
		{interopRespd, interopRespd, interopRedis},
		{interopRedis, interopRedis, interopRespd},
		{interopRespd, interopRedis, interopRespd},
	} {
		t.Run(fmt.Sprintf("master=%s,target=%s,other=%s", kinds[0], kinds[1], kinds[2]), func(t *testing.T) {
			if slices.Contains(kinds[:], interopRedis) {
				interopRequireRedis(t)
			}
			m := newInteropNode(t, kinds[0], "master")
			interopLoadInitial(t, m, 100)
			a := newInteropNode(t, kinds[1], "target", m.replicaOf()...)
			b := newInteropNode(t, kinds[2], "other replica", m.replicaOf()...)
			waitReplicaCaughtUp(t, m.addr, a.addr)
			waitReplicaCaughtUp(t, m.addr, b.addr)
			if got, err := m.rc().Do(ctx, "FAILOVER", "TO", "127.0.0.1", a.port).Text(); err != nil || got != "OK" {
				t.Fatalf("FAILOVER: %q %v", got, err)
			}
			waitReplicaCaughtUp(t, a.addr, m.addr)
			interopRunLoad(t, a, 2000, 11)
			waitReplicaCaughtUp(t, a.addr, m.addr)
			// b follows m, a replica itself: the offsets are a's.
			waitFor(t, func() bool {
				ai, err1 := interopInfo(a.addr, "replication")
				bi, err2 := interopInfo(b.addr, "replication")
				return err1 == nil && err2 == nil && bi["master_link_status"] == "up" &&
					bi["master_repl_offset"] == ai["master_repl_offset"]
			})
			compareDatasets(t, a.addr, b.addr, interopAllDBs)
			// Everyone continued from the backlog: no full sync anywhere.
			interopExpectSyncs(t, a, "the new master", interopSyncs{partialOK: 1})
			if full := interopSyncStats(t, m.addr).full; full != 2 {
				t.Errorf("the old master served %d full syncs, want its first 2", full)
			}
		})
	}
}
