package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"respd/internal/aof"
	"respd/internal/resp"
)

// Replication, replica side: one goroutine per master link connects,
// performs Redis's handshake (PING, AUTH, REPLCONF listening-port, REPLCONF
// capa eof capa psync2, PSYNC), loads the RDB of a full resync, then
// executes the master's stream under the data lock as the "master client",
// without replying. The offset counts every byte of the stream processed;
// the stream is forwarded byte for byte to this server's own replicas and
// backlog, so that they share the master's offsets (PSYNC2).

// linkState is the master link's state, as ROLE names it.
type linkState int

const (
	linkConnect    linkState = iota // waiting to (re)connect
	linkConnecting                  // TCP connect
	linkHandshake                   // PING … PSYNC
	linkTransfer                    // receiving the RDB
	linkConnected                   // streaming
)

func (st linkState) String() string {
	return [...]string{"connect", "connecting", "handshake", "sync", "connected"}[st]
}

type masterLink struct {
	s      *Server
	host   string
	port   int
	state  linkState
	client *Client // executes the stream
	// The connection: conn while the link goroutine connects and syncs,
	// then stream, read by the engine, which runs the stream like a
	// client's requests. lost reports the end of the engine's part.
	conn      net.Conn
	stream    masterStream
	reader    *resp.Reader
	lost      chan error
	lastIO    time.Time // when bytes last came from the master
	downSince time.Time
	lastAck   time.Time
	stop      chan struct{}
	stopped   bool
}

var errLinkStopped = errors.New("replication stopped")

// startReplication makes the server a replica of host:port (lock held):
// from --replicaof at start, or REPLICAOF.
func (s *Server) startReplication(host string, port int) {
	if m := s.repl.master; m != nil {
		// A new master continues the same stream, in the database it
		// had selected.
		s.repl.streamDB = m.client.db
		m.shutdown()
	}
	s.cfg.ReplicaOf = ReplicaOf{host, port}
	s.ks.Replica = true
	s.replicaRole.Store(true)
	m := &masterLink{s: s, host: host, port: port, stop: make(chan struct{}), downSince: time.Now()}
	m.client = &Client{srv: s, w: sinkOutbound(io.Discard), replyOff: true, resp: 2,
		authenticated: true, isMaster: true, lastCmd: "NULL", addr: net.JoinHostPort(host, strconv.Itoa(port))}
	m.client.db = max(s.repl.streamDB, 0)
	s.repl.master = m
	s.logf("Connecting to MASTER %s:%d", host, port)
	go m.run()
}

// promote is REPLICAOF NO ONE (lock held): the link stops, and a new
// history starts here whose past is the master's: replicas that followed
// the old master can continue with +CONTINUE (replid2).
func (s *Server) promote() {
	s.repl.master.shutdown()
	s.repl.master = nil
	s.cfg.ReplicaOf = ReplicaOf{}
	s.ks.Replica = false
	s.replicaRole.Store(false)
	r := &s.repl
	r.id2, r.secondOffset, r.id = r.id, r.offset+1, randomHex(40)
	r.seldb = -1
	if r.backlog == nil {
		r.backlog = newBacklog(s.cfg.ReplBacklogSize, r.offset)
	}
	// repl-backlog-ttl counts from now, as replicationUnsetMaster has it:
	// counted from before, the backlog the old master's replicas need to
	// continue here would go at the next cron.
	r.noReplicasSince = time.Now()
	s.disconnectReplicas()
	s.logf("MASTER MODE enabled")
}

// staleRefused is replica-serve-stale-data no while the link is down.
func (s *Server) staleRefused() bool {
	m := s.repl.master
	return m != nil && m.state != linkConnected && !s.cfg.ReplicaServeStaleData
}

func cmdReplicaof(c *Client, args [][]byte) {
	s := c.srv
	if s.failover.status != noFailover {
		c.Error(errReplicaofFailingOver)
		return
	}
	if strings.EqualFold(string(args[1]), "no") && strings.EqualFold(string(args[2]), "one") {
		if s.isReplica() {
			s.promote()
		}
		c.OK()
		return
	}
	if c.replica != nil && c.replica.synced {
		c.Error(errReplicaofFromReplica)
		return
	}
	port, ok := parseInt64(args[2])
	if !ok || port < 0 || port > 65535 {
		c.Error(errInvalidMasterPort)
		return
	}
	host := string(args[1])
	if m := s.repl.master; m != nil && m.host == host && m.port == int(port) {
		c.Simple("OK Already connected to specified master")
		return
	}
	if !s.isReplica() {
		s.demote()
	}
	s.startReplication(host, int(port))
	c.OK()
}

// demote prepares a master to become a replica (lock held): it continues
// its own history, asking the new master for it from its offset (Redis's
// replicationCacheMasterUsingMyself), and its blocked clients are let go.
func (s *Server) demote() {
	s.flushReplication()
	s.repl.continueFrom = true
	s.repl.streamDB = -1
	s.disconnectBlocked()
}

// shutdown stops the link for good (lock held).
func (m *masterLink) shutdown() {
	if m.stopped {
		return
	}
	m.stopped = true
	close(m.stop)
	if m.conn != nil {
		m.conn.Close()
	}
	m.detach(errLinkStopped)
}

// run keeps the link up: on a lost connection it reconnects after a
// second, asking for a partial resync first.
func (m *masterLink) run() {
	for {
		err := m.session()
		s := m.s
		s.lockIdle()
		if m.stopped {
			s.mu.Unlock()
			return
		}
		if m.state == linkConnected {
			m.downSince = time.Now()
		}
		m.state, m.conn = linkConnect, nil
		s.warnf("MASTER <-> REPLICA sync: %v", err)
		s.mu.Unlock()
		select {
		case <-m.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

// setState changes the state unless the link was stopped.
func (m *masterLink) setState(st linkState, conn net.Conn) error {
	m.s.lockIdle()
	defer m.s.mu.Unlock()
	if m.stopped {
		return errLinkStopped
	}
	m.state = st
	if conn != nil {
		m.conn = conn
	}
	return nil
}

// session is one connection to the master, from connect to loss.
func (m *masterLink) session() error {
	if err := m.setState(linkConnecting, nil); err != nil {
		return err
	}
	m.s.lockIdle()
	timeout, noDelay := time.Duration(m.s.cfg.ReplTimeout)*time.Second, !m.s.cfg.ReplDisableTCPNoDelay
	tlsConf := m.s.masterTLS()
	m.s.mu.Unlock()
	conn, err := dialMaster(net.JoinHostPort(m.host, strconv.Itoa(m.port)), timeout, noDelay, tlsConf)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := m.setState(linkHandshake, conn); err != nil {
		return err
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	conn.SetDeadline(time.Now().Add(timeout))
	reply, err := m.handshake(conn, br)
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Time{})
	switch {
	case strings.HasPrefix(reply, "+FULLRESYNC "):
		f := strings.Fields(reply)
		if len(f) != 3 {
			return fmt.Errorf("bad reply to PSYNC: %q", reply)
		}
		offset, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return fmt.Errorf("bad reply to PSYNC: %q", reply)
		}
		if err := m.fullSync(conn, br, f[1], offset); err != nil {
			return err
		}
	case reply == "+CONTINUE" || strings.HasPrefix(reply, "+CONTINUE "):
		if err := m.continueSync(strings.TrimSpace(strings.TrimPrefix(reply, "+CONTINUE"))); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unexpected reply to PSYNC from master: %q", reply)
	}
	return m.handOver(conn, br)
}

// handshake sends Redis's handshake and returns the reply to PSYNC.
func (m *masterLink) handshake(conn net.Conn, br *bufio.Reader) (string, error) {
	s := m.s
	command := func(args ...string) (string, error) {
		if _, err := conn.Write(aof.AppendCommand(nil, stringArgv(args...))); err != nil {
			return "", err
		}
		return readLine(br)
	}
	reply, err := command("PING")
	if err != nil {
		return "", err
	}
	// An error other than "authentication needed" means the master can't
	// serve us now.
	if reply[0] == '-' && !strings.HasPrefix(reply, "-NOAUTH") && !strings.HasPrefix(reply, "-NOPERM") &&
		!strings.HasPrefix(reply, "-ERR operation not permitted") {
		return "", fmt.Errorf("error reply to PING from master: %q", reply)
	}
	s.lockIdle()
	user, pass := s.cfg.MasterUser, s.cfg.MasterAuth
	// The port the master is told: replica-announce-port, else the TLS
	// port when replicating over TLS, else the plain one (as Redis).
	port := s.cfg.ReplicaAnnouncePort
	switch {
	case port != 0:
	case s.cfg.TLSReplication && s.cfg.tls.acceptor != nil:
		port = s.cfg.tls.acceptor.port()
	default:
		port = s.Port()
	}
	announceIP := s.cfg.ReplicaAnnounceIP
	s.mu.Unlock()
	if pass != "" {
		args := []string{"AUTH", pass}
		if user != "" {
			args = []string{"AUTH", user, pass}
		}
		if reply, err := command(args...); err != nil || reply[0] == '-' {
			return "", fmt.Errorf("unable to AUTH to MASTER: %q %v", reply, err)
		}
	}
	// Errors to REPLCONF only mean an older master: go on, as Redis does.
	if _, err := command("REPLCONF", "listening-port", strconv.Itoa(port)); err != nil {
		return "", err
	}
	if announceIP != "" {
		if _, err := command("REPLCONF", "ip-address", announceIP); err != nil {
			return "", err
		}
	}
	if _, err := command("REPLCONF", "capa", "eof", "capa", "psync2"); err != nil {
		return "", err
	}
	s.lockIdle()
	id, offset := "?", "-1"
	if s.repl.continueFrom {
		id, offset = s.repl.id, strconv.FormatInt(s.repl.offset+1, 10)
	}
	failingOver := s.failover.status == failoverInProgress
	s.mu.Unlock()
	s.logf("Trying a partial resynchronization (request %s:%s).", id, offset)
	psync := []string{"PSYNC", id, offset}
	if failingOver {
		psync = append(psync, "FAILOVER") // see failover.go
	}
	reply, err = command(psync...)
	s.lockIdle()
	synced := s.failoverSynced(reply)
	s.mu.Unlock()
	if !synced {
		return "", errLinkStopped // a master again
	}
	return reply, err
}

// readLine reads one reply line, skipping the newlines a master sends to
// keep the link alive while it prepares a sync.
func readLine(br *bufio.Reader) (string, error) {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, nil
		}
	}
}

// fullSync receives the RDB into a temporary file, makes it this server's
// dump.rdb, and loads it in place of the data set.
func (m *masterLink) fullSync(conn net.Conn, br *bufio.Reader, replid string, offset int64) error {
	s := m.s
	if err := m.setState(linkTransfer, nil); err != nil {
		return err
	}
	s.logf("Full resync from master: %s:%d", replid, offset)
	s.lockIdle()
	timeout, dir := time.Duration(s.cfg.ReplTimeout)*time.Second, s.cfg.Dir
	s.mu.Unlock()
	conn.SetReadDeadline(time.Now().Add(timeout))
	header, err := readLine(br)
	if err != nil {
		return err
	}
	if header[0] == '-' {
		return fmt.Errorf("master aborted replication: %s", header)
	}
	if header[0] != '$' {
		return fmt.Errorf("bad protocol from MASTER, the first byte is not '$' (we received %q)", header)
	}
	usemark := strings.HasPrefix(header, "$EOF:")
	tmp := filepath.Join(dir, fmt.Sprintf("temp-%d.%d.rdb", time.Now().Unix(), os.Getpid()))
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = receiveRDB(f, br, header[1:], func() { conn.SetReadDeadline(time.Now().Add(timeout)) })
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("receiving the RDB from the master: %w", err)
	}
	conn.SetReadDeadline(time.Time{})

	s.lockIdle()
	defer s.mu.Unlock()
	if m.stopped {
		return errLinkStopped
	}
	// Our replicas must resync: the data and history are new.
	s.disconnectReplicas()
	for i := range s.ks.DBs {
		s.flushDB(i, s.cfg.ReplicaLazyFlush)
	}
	s.flushFunctions() // the master's RDB holds its own
	path := s.rdbPath()
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// Clients get LOADING meanwhile, as from a Redis replica.
	s.beginLoading(fileSize(path))
	err = s.loadRDBFile(path)
	s.endLoading()
	if err != nil {
		return fmt.Errorf("failed trying to load the MASTER synchronization DB from disk: %w", err)
	}
	r := &s.repl
	r.id, r.offset, r.id2, r.secondOffset = replid, offset, zeroReplID, -1
	r.buf, r.seldb, r.continueFrom = r.buf[:0], -1, true
	r.backlog = newBacklog(s.cfg.ReplBacklogSize, offset)
	m.client.db = max(s.loadedRepl.streamDB, 0)
	switch {
	case s.aof != nil && s.cfg.AppendOnly:
		// The AOF must describe the new data: rewrite it.
		if err := s.bgrewriteaof(); err == errSnapshotBusy {
			s.rewrite.scheduled = true
		}
	case s.aof != nil || s.cfg.AppendOnly:
		s.applyAppendonly() // CONFIG SET appendonly during the load
	}
	m.connected()
	s.logf("MASTER <-> REPLICA sync: Finished with success")
	// After an EOF-marked payload the first ACK goes at once: a diskless
	// master holds the stream until it comes. After "$<len>" (a disk-based
	// master, streaming since the file was sent) the first ACK is the
	// cron's, as in Redis's readSyncBulkPayload.
	if usemark {
		m.sendAck(r.offset)
	}
	return nil
}

// receiveRDB copies the payload after its "$" header: "<len>" bytes, or
// with "EOF:<mark>" everything up to the 40-byte mark. It reads nothing
// past the payload: the stream follows it. progress runs before each read.
func receiveRDB(w io.Writer, br *bufio.Reader, header string, progress func()) error {
	if mark, ok := strings.CutPrefix(header, "EOF:"); ok {
		if len(mark) != 40 {
			return fmt.Errorf("bad EOF mark %q", mark)
		}
		return copyUntilMark(w, br, []byte(mark), progress)
	}
	size, err := strconv.ParseInt(header, 10, 64)
	if err != nil || size < 0 {
		return fmt.Errorf("bad RDB length %q", header)
	}
	for size > 0 {
		progress()
		n, err := io.CopyN(w, br, min(size, 1<<20))
		size -= n
		if err != nil {
			return err
		}
	}
	return nil
}

// copyUntilMark copies br to w up to the mark, which is consumed but not
// copied.
func copyUntilMark(w io.Writer, br *bufio.Reader, mark []byte, progress func()) error {
	var tail []byte // the last len(mark)-1 bytes seen, not yet written
	for {
		progress()
		if _, err := br.Peek(1); err != nil {
			return err
		}
		chunk, _ := br.Peek(br.Buffered())
		window := append(tail, chunk...)
		if i := bytes.Index(window, mark); i >= 0 {
			br.Discard(i + len(mark) - len(tail))
			_, err := w.Write(window[:i])
			return err
		}
		keep := min(len(window), len(mark)-1)
		if _, err := w.Write(window[:len(window)-keep]); err != nil {
			return err
		}
		tail = append(tail[:0:0], window[len(window)-keep:]...)
		br.Discard(len(chunk))
	}
}

// continueSync follows +CONTINUE [replid] (lock taken): a new replication
// id means the master was promoted; our replicas learn it by reconnecting.
func (m *masterLink) continueSync(replid string) error {
	s := m.s
	s.lockIdle()
	defer s.mu.Unlock()
	if m.stopped {
		return errLinkStopped
	}
	r := &s.repl
	if replid != "" && replid != r.id {
		r.id2, r.secondOffset, r.id = r.id, r.offset+1, replid
		s.disconnectReplicas()
	}
	if r.backlog == nil {
		r.backlog = newBacklog(s.cfg.ReplBacklogSize, r.offset)
	}
	m.connected()
	s.logf("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
	return nil
}

func (m *masterLink) connected() {
	m.state = linkConnected
	m.downSince, m.lastAck, m.lastIO = time.Time{}, time.Now(), time.Now()
}

// handOver gives the synced connection to the engine, which runs the
// stream from there on, and waits until the link is lost.
func (m *masterLink) handOver(conn net.Conn, br *bufio.Reader) error {
	received, _ := br.Peek(br.Buffered())
	s := m.s
	s.lockIdle()
	if m.stopped {
		s.mu.Unlock()
		return errLinkStopped
	}
	m.lost, m.conn = make(chan error, 1), nil
	lost := m.lost
	err := s.engine.joinMaster(m, conn, received)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	select {
	case err := <-lost:
		return err
	case <-m.stop:
		return errLinkStopped
	}
}

// streamLimits are the limits on the master's stream: its requests have no
// size limit but proto-max-bulk-len.
func (s *Server) streamLimits() resp.Limits {
	return resp.Limits{MaxBulk: s.cfg.ProtoMaxBulkLen, MaxQuery: 1<<63 - 1, MaxInline: 64 << 10, MaxMultibulk: 1<<31 - 1}
}

// readStream reads what the master sent and executes it (engine, lock
// held).
func (m *masterLink) readStream() {
	cmds, err := m.reader.ReadCommands()
	if raw := m.reader.Raw(); len(raw) > 0 {
		m.lastIO = time.Now()
		m.apply(cmds, raw, m.reader.Ends())
	}
	if err != nil && err != errWouldBlock {
		m.detach(err)
	}
}

// detach ends the engine's part of the link (lock held); the link
// goroutine reconnects.
func (m *masterLink) detach(err error) {
	if m.stream == nil {
		return
	}
	m.stream.close()
	m.stream, m.reader = nil, nil
	m.lost <- err
}

// apply executes one batch of the stream, forwarding it to this server's
// replicas and backlog, and counting its bytes in the offset.
func (m *masterLink) apply(cmds [][][]byte, raw []byte, ends []int) {
	s := m.s
	r := &s.repl
	base := r.offset
	s.ks.ObeyingMaster = true
	now := s.now()
	for i, argv := range cmds {
		// During a command the offset is the bytes before it: what
		// REPLCONF GETACK reports.
		if i > 0 {
			r.offset = base + int64(ends[i-1])
		}
		now = s.dispatchAt(m.client, argv, now)
	}
	s.ks.ObeyingMaster = false
	r.offset = base
	r.feedRaw(raw)
}

// sendAck sends REPLCONF ACK <offset> (lock held).
func (m *masterLink) sendAck(offset int64) {
	if m.state != linkConnected {
		return
	}
	m.lastAck = time.Now()
	ack := aof.AppendCommand(nil, [][]byte{[]byte("REPLCONF"), []byte("ACK"), itoa(offset)})
	switch {
	case m.stream != nil:
		m.stream.send(ack)
	case m.conn != nil:
		m.conn.SetWriteDeadline(time.Now().Add(time.Second))
		m.conn.Write(ack)
	}
}

// cron: an ACK every second, and a master silent for repl-timeout is
// dropped (lock held).
func (m *masterLink) cron(now time.Time) {
	if m.state != linkConnected {
		return
	}
	if now.Sub(m.lastAck) >= time.Second {
		m.sendAck(m.s.repl.offset)
	}
	if timeout := time.Duration(m.s.cfg.ReplTimeout) * time.Second; now.Sub(m.lastIO) > timeout {
		m.detach(errors.New("MASTER timeout: no data nor PING received"))
	}
}

// savedReplication is the replication state a replica's RDB records (AUX
// fields repl-id, repl-offset, repl-stream-db), so that after a restart it
// can ask its master to continue.
type savedReplication struct {
	id       string
	offset   int64
	streamDB int
	expired  []expiredKey // keys not loaded because their TTL passed
}

type expiredKey struct {
	db  int
	key string
}

func (r *savedReplication) aux(key, value []byte) {
	n, _ := strconv.ParseInt(string(value), 10, 64)
	switch string(key) {
	case "repl-id":
		r.id = string(value)
	case "repl-offset":
		r.offset = n
	case "repl-stream-db":
		r.streamDB = int(n)
	}
}

// restoreReplication picks up the replication history an RDB recorded,
// as Redis: a replica asks its master to continue from there; a master
// keeps it as its second id, so that its replicas can continue after its
// restart.
func (s *Server) restoreReplication() {
	r := s.loadedRepl
	if r.id == "" || r.offset < 0 || r.streamDB < 0 {
		return
	}
	if s.cfg.ReplicaOf.Host != "" {
		s.repl.id, s.repl.offset, s.repl.streamDB, s.repl.continueFrom = r.id, r.offset, r.streamDB, true
		return
	}
	s.repl.id2, s.repl.secondOffset, s.repl.offset = r.id, r.offset+1, r.offset
	s.repl.backlog = newBacklog(s.cfg.ReplBacklogSize, r.offset)
	s.repl.noReplicasSince = time.Now()
	// The replicas still have the keys that expired meanwhile.
	for _, k := range r.expired {
		s.repl.feed(k.db, [][]byte{[]byte("DEL"), []byte(k.key)})
	}
	s.flushReplication()
	s.loadedRepl.expired = nil
}
