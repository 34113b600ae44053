package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"respd/internal/aof"
	"respd/internal/keyspace"
)

// Replication, master side, as Redis's replication.c: every write is
// appended, in its deterministic form, to one stream (with SELECT when the
// database changes and MULTI/EXEC around transactions). The stream's bytes
// are counted by master_repl_offset, kept in a circular backlog for partial
// resyncs, and copied to every online replica. A replica that cannot
// continue from the backlog gets a full resync: +FULLRESYNC, an RDB of a
// keyspace snapshot taken at that offset, then the stream from there.
//
// The stream is built during an event-loop turn in repl.buf and handed to
// the backlog and the replicas at the end of the turn (flushReplication),
// one copy per replica per turn.

type replication struct {
	id, id2      string // master_replid, master_replid2
	offset       int64  // master_repl_offset: bytes of the stream so far
	secondOffset int64  // second_repl_offset: id2 is valid up to here
	backlog      *backlog
	seldb        int    // the database the stream last SELECTed; -1: none
	buf          []byte // stream of this turn, not yet flushed
	replicas     []*Client
	// waiting are the clients blocked in WAIT; getAck asks the replicas
	// for their offsets at the end of the turn.
	waiting         []*Client
	getAck          bool
	lastPing        time.Time
	noReplicasSince time.Time
	// On a replica (replication_replica.go): the link, whether PSYNC asks to continue
	// from id and offset (Redis's cached master), and the database the
	// master's stream had selected (from the RDB a replica saved).
	master       *masterLink
	continueFrom bool
	streamDB     int
}

// replicaState is a replica connection's progress, named as INFO shows it.
type replicaState int

const (
	replicaWaitBgsave    replicaState = iota // waiting for a snapshot to start
	replicaWaitBgsaveEnd                     // its snapshot is being taken
	replicaSendBulk                          // its RDB file is being sent
	replicaOnline                            // receiving the stream
)

var replicaStateNames = [...]string{"wait_bgsave", "wait_bgsave", "send_bulk", "online"}

// replicaInfo is what a master knows of a connected replica. REPLCONF
// creates it (listening-port, capa) before PSYNC makes the client a
// replica.
type replicaInfo struct {
	state      replicaState
	port       int
	ip         string // REPLCONF ip-address, else the connection's
	capaEOF    bool   // can read a diskless "$EOF:" payload
	capaPSYNC2 bool
	synced     bool // PSYNC done: listed in repl.replicas
	oldSync    bool // came with SYNC: no +FULLRESYNC line
	// A full sync: the reply that started it, and whether its RDB is saved
	// to disk first (else sent as it is encoded).
	fullSyncReply []byte
	viaDisk       bool
	// After a diskless transfer the stream waits for the replica's first
	// ACK: it may read past the RDB's end mark otherwise.
	waitFirstAck bool
	ackOffset    int64
	ackTime      time.Time
	// held is the stream since the replica's FULLRESYNC offset, sent once
	// its RDB has been.
	held         []byte
	waitingSince time.Time
}

// backlog is the circular buffer of the last repl-backlog-size bytes of the
// stream.
type backlog struct {
	buf     []byte
	next    int   // where the next byte goes
	histlen int64 // bytes held
	first   int64 // the offset of the first byte held
}

func newBacklog(size int64, offset int64) *backlog {
	return &backlog{buf: make([]byte, size), first: offset + 1}
}

func (b *backlog) write(p []byte) {
	size := len(b.buf)
	if len(p) > size {
		b.first += b.histlen + int64(len(p)-size)
		b.histlen = 0
		p = p[len(p)-size:]
	}
	for len(p) > 0 {
		n := copy(b.buf[b.next:], p)
		b.next = (b.next + n) % size
		p = p[n:]
		b.histlen += int64(n)
	}
	if over := b.histlen - int64(size); over > 0 {
		b.first += over
		b.histlen = int64(size)
	}
}

func backlogStart(b *backlog) int64 {
	if b == nil {
		return -1
	}
	return b.first
}

// since returns the bytes from offset on; the caller checked that the
// backlog holds them.
func (b *backlog) since(offset int64) []byte {
	skip := offset - b.first
	n := b.histlen - skip
	start := (b.next - int(n) + len(b.buf)) % len(b.buf)
	if start+int(n) <= len(b.buf) {
		return slices.Clone(b.buf[start : start+int(n)])
	}
	return append(slices.Clone(b.buf[start:]), b.buf[:start+int(n)-len(b.buf)]...)
}

// resized keeps the newest bytes in a backlog of the new size.
func (b *backlog) resized(size int64, offset int64) *backlog {
	nb := newBacklog(size, offset-b.histlen)
	nb.write(b.since(b.first))
	return nb
}

func (s *Server) isReplica() bool { return s.repl.master != nil }

// feedsReplicas: the stream is kept once a replica has connected (a
// replica forwards its master's stream instead, see replication_replica.go).
func (s *Server) feedsReplicas() bool { return s.repl.backlog != nil && !s.isReplica() }

// feed appends a command to the stream; db -1 needs no SELECT.
func (r *replication) feed(db int, argv [][]byte) {
	n := len(r.buf)
	if db >= 0 && db != r.seldb {
		r.buf = aof.AppendCommand(r.buf, [][]byte{[]byte("SELECT"), itoa(int64(db))})
		r.seldb = db
	}
	r.buf = aof.AppendCommand(r.buf, argv)
	r.offset += int64(len(r.buf) - n)
}

// feedRaw appends bytes exactly as a replica's master sent them.
func (r *replication) feedRaw(p []byte) {
	r.buf = append(r.buf, p...)
	r.offset += int64(len(p))
}

// flushReplication hands this turn's stream to the backlog and the
// replicas (lock held); the event loop writes it with the replies.
func (s *Server) flushReplication() {
	r := &s.repl
	// While clients are paused the stream stays as it is (a FAILOVER
	// waits for a replica to reach its end): GETACK waits, as in Redis.
	if r.getAck && !s.clientsPaused() {
		if s.feedsReplicas() {
			r.feed(-1, [][]byte{[]byte("REPLCONF"), []byte("GETACK"), []byte("*")})
		}
		r.getAck = false
	}
	if len(r.buf) == 0 {
		return
	}
	if r.backlog != nil {
		r.backlog.write(r.buf)
	}
	for _, c := range r.replicas {
		switch {
		case c.replica.state == replicaOnline && !c.replica.waitFirstAck:
			if len(c.w.Buffer()) == 0 {
				c.w.Write(r.buf) // straight to the socket: one copy less
			} else {
				c.w.WriteRaw(r.buf)
			}
			s.touch(c)
		case c.replica.state != replicaWaitBgsave:
			c.replica.held = append(c.replica.held, r.buf...)
		}
		// Its stream may be held rather than touched: checked here.
		s.checkOutputBufferLimits(c)
	}
	r.buf = r.buf[:0]
}

// ---- REPLCONF, PSYNC, SYNC

func cmdReplconf(c *Client, args [][]byte) {
	if len(args)%2 == 0 {
		c.Error(errSyntax)
		return
	}
	s := c.srv
	for i := 1; i < len(args); i += 2 {
		opt, val := strings.ToLower(string(args[i])), args[i+1]
		switch opt {
		case "getack":
			if c.isMaster {
				s.repl.master.sendAck(s.repl.offset)
			}
			return
		case "ack":
			// From an online replica; never answered.
			if off, ok := parseInt64(val); ok && c.replica != nil && c.replica.synced {
				c.replica.ackOffset = max(c.replica.ackOffset, off)
				c.replica.ackTime = time.Now()
				if c.replica.waitFirstAck {
					c.replica.waitFirstAck = false
					s.sendHeld(c)
				}
			}
			return
		}
		info := c.replicaInfo()
		switch opt {
		case "listening-port":
			port, ok := parseInt64(val)
			if !ok {
				c.Error(errNotInteger)
				return
			}
			info.port = int(port)
		case "ip-address":
			info.ip = string(val)
		case "capa":
			switch strings.ToLower(string(val)) {
			case "eof":
				info.capaEOF = true
			case "psync2":
				info.capaPSYNC2 = true
			}
		case "rdb-only", "rdb-filter-only":
		default:
			c.Error(fmt.Sprintf(errReplconfOption, args[i]))
			return
		}
	}
	c.OK()
}

func (c *Client) replicaInfo() *replicaInfo {
	if c.replica == nil {
		host, _, _ := net.SplitHostPort(c.addr)
		c.replica = &replicaInfo{ip: host}
	}
	return c.replica
}

// cmdPsync: PSYNC replid offset [FAILOVER]. A replica that can continue
// from the backlog gets +CONTINUE and the bytes it misses; any other a
// full resync. With FAILOVER, our master hands its role to us first (see
// failover.go), if it still shares our history.
func cmdPsync(c *Client, args [][]byte) {
	if c.startSync(args) {
		c.srv.psync(c, string(args[1]), args[2])
	}
}

// takeOverFromMaster is the target's side of FAILOVER: our master asks us
// to become the master, which we do, as REPLICAOF NO ONE, if replid is
// still our replication id; its PSYNC then makes it our replica.
func (s *Server) takeOverFromMaster(c *Client, replid string) bool {
	s.warnf("Failover request received for replid %s.", replid)
	switch {
	case !s.isReplica():
		c.Error(errPsyncFailoverMaster)
		return false
	case replid != s.repl.id:
		c.Error(errPsyncFailoverReplid)
		return false
	}
	s.promote()
	return true
}

// cmdSync: the pre-PSYNC protocol, a full resync without the +FULLRESYNC
// line (redis-cli --rdb uses it).
func cmdSync(c *Client, args [][]byte) {
	if c.startSync(args) {
		c.srv.fullResync(c, false)
	}
}

// startSync checks that the client may become a replica now (PSYNC's or
// SYNC's arguments).
func (c *Client) startSync(args [][]byte) bool {
	s := c.srv
	switch {
	case c.replica != nil && c.replica.synced:
		return false // already a replica: ignored, as Redis
	case len(args) > 3 && strings.EqualFold(string(args[3]), "failover") && !s.takeOverFromMaster(c, string(args[1])):
		return false
	case s.failover.status != noFailover:
		c.Error(errSyncFailingOver)
		return false
	case s.isReplica() && s.repl.master.state != linkConnected:
		c.Error(errNoMasterLink)
		return false
	}
	return true
}

func (s *Server) psync(c *Client, replid string, offsetArg []byte) {
	s.flushReplication()
	r := &s.repl
	offset, ok := parseInt64(offsetArg)
	knownID := replid == r.id || (replid == r.id2 && offset <= r.secondOffset)
	if ok && knownID && r.backlog != nil && offset >= r.backlog.first && offset <= r.backlog.first+r.backlog.histlen {
		info := c.replicaInfo()
		info.synced, info.state, info.ackTime = true, replicaOnline, time.Now()
		r.replicas = append(r.replicas, c)
		if info.capaPSYNC2 {
			c.w.WriteRaw([]byte("+CONTINUE " + r.id + "\r\n"))
		} else {
			c.w.WriteRaw([]byte("+CONTINUE\r\n"))
		}
		c.w.WriteRaw(r.backlog.since(offset))
		s.stats.syncPartialOK++
		s.logf("Partial resynchronization request from %s accepted. Sending %d bytes of backlog starting from offset %d.",
			c.addr, r.offset-offset+1, offset)
		return
	}
	if replid != "?" {
		s.stats.syncPartialErr++
		s.logf("Partial resynchronization not accepted: replica asked for '%s' offset %s; my replication IDs are '%s' and '%s' (valid up to %d), backlog from %d to %d",
			replid, offsetArg, r.id, r.id2, r.secondOffset, backlogStart(r.backlog), r.offset)
	}
	s.fullResync(c, true)
}

// fullResync queues the client for a full resync; it starts at once unless
// a snapshot is being taken, or a diskless sync waits
// repl-diskless-sync-delay for more replicas to share it.
func (s *Server) fullResync(c *Client, psync bool) {
	info := c.replicaInfo()
	if !psync {
		info.oldSync, info.capaEOF, info.capaPSYNC2 = true, false, false
	}
	info.synced, info.state, info.waitingSince = true, replicaWaitBgsave, time.Now()
	info.ackTime = time.Now()
	s.repl.replicas = append(s.repl.replicas, c)
	s.stats.syncFull++
	if s.repl.backlog == nil {
		s.repl.lastPing = time.Now()
		s.repl.backlog = newBacklog(s.cfg.ReplBacklogSize, s.repl.offset)
		// A new backlog starts a new history, as Redis's
		// createReplicationBacklog after changeReplicationId.
		s.repl.id, s.repl.id2, s.repl.secondOffset = randomHex(40), zeroReplID, -1
	}
	s.logf("Replica %s asks for synchronization", c.addr)
	s.startFullSync()
}

const zeroReplID = "0000000000000000000000000000000000000000"

// startFullSync starts the snapshot for the replicas waiting for one, when
// it can (lock held); the replication cron retries.
func (s *Server) startFullSync() {
	var waiting []*Client
	var sharing *Client // a replica whose BGSAVE to disk is under way
	diskless := s.cfg.ReplDisklessSync
	for _, c := range s.repl.replicas {
		switch {
		case c.replica.state == replicaWaitBgsave:
			waiting = append(waiting, c)
			diskless = diskless && c.replica.capaEOF
		case c.replica.state == replicaWaitBgsaveEnd && c.replica.viaDisk:
			sharing = c
		}
	}
	if len(waiting) > 0 && !diskless && sharing != nil {
		// The file being saved will do for these too, with a copy of the
		// stream held since its offset, as Redis attaches replicas to a
		// BGSAVE in progress.
		for _, c := range waiting {
			c.replica.state, c.replica.viaDisk = replicaWaitBgsaveEnd, true
			c.replica.held = slices.Clone(sharing.replica.held)
			c.replica.fullSyncReply = sharing.replica.fullSyncReply
			if !c.replica.oldSync {
				c.w.WriteRaw(c.replica.fullSyncReply)
				s.touch(c)
			}
		}
		s.logf("Waiting for end of BGSAVE for SYNC")
		return
	}
	if len(waiting) == 0 || s.ks.Snapshotting() {
		return
	}
	if diskless {
		delay := time.Duration(s.cfg.ReplDisklessSyncDelay) * time.Second
		maxReplicas := s.cfg.ReplDisklessSyncMax
		if delay > 0 && time.Since(waiting[0].replica.waitingSince) < delay && (maxReplicas == 0 || len(waiting) < maxReplicas) {
			return // wait for more replicas to share the snapshot
		}
	}
	s.flushReplication()
	s.repl.seldb = -1 // the stream after the RDB starts with a SELECT
	for _, c := range waiting {
		c.replica.state, c.replica.viaDisk = replicaWaitBgsaveEnd, !diskless
		c.replica.fullSyncReply = []byte(fmt.Sprintf("+FULLRESYNC %s %d\r\n", s.repl.id, s.repl.offset))
		if !c.replica.oldSync {
			c.w.WriteRaw(c.replica.fullSyncReply)
			s.touch(c)
		}
	}
	if diskless {
		s.logf("Starting BGSAVE for SYNC with target: replicas sockets")
		go s.sendSnapshot(s.ks.StartSnapshot(), s.rdbEncoder(false), waiting)
		return
	}
	s.logf("Starting BGSAVE for SYNC with target: disk")
	if err := s.bgsave(); err != nil {
		s.warnf("BGSAVE for replication failed: %v", err)
		for _, c := range waiting {
			c.kill()
		}
	}
}

// sendSnapshot is the diskless transfer: the snapshot is encoded straight
// into the replicas' output, framed as "$EOF:<mark>\r\n" <rdb> <mark>.
func (s *Server) sendSnapshot(snap *keyspace.Snapshot, format snapshotFormat, targets []*Client) {
	mark := []byte(randomHex(40))
	targets = s.sendSyncChunk(targets, append(append([]byte("$EOF:"), mark...), "\r\n"...))
	err := s.encodeSnapshot(snap, format, func() error {
		if len(targets) == 0 {
			return errNoReplicas
		}
		return nil
	}, func(chunk []byte) error {
		targets = s.sendSyncChunk(targets, chunk)
		return nil
	})
	s.lockIdle()
	defer s.mu.Unlock()
	snap.Close()
	if err != nil {
		s.warnf("Diskless sync failed: %v", err)
		for _, c := range targets {
			c.kill()
		}
		return
	}
	// The end mark and the switch to online in one step: the replica's
	// first ACK, which starts its stream, can only come after both.
	n := 0
	for _, c := range targets {
		if !c.closing && s.clients[c.id] == c {
			c.w.WriteRaw(mark)
			s.touch(c)
			s.replicaOnline(c, true)
			n++
		}
	}
	s.engine.wake()
	s.logf("Diskless sync to %d replica(s) done", n)
}

var errNoReplicas = fmt.Errorf("no replica is waiting for the snapshot any more")

// sendRDBFile is the disk-based transfer, once a BGSAVE for replication
// has written dump.rdb: "$<len>\r\n" and the file.
func (s *Server) sendRDBFile(path string, targets []*Client) {
	// The open file stays this save's even if a later save replaces it.
	f, err := os.Open(path)
	var info os.FileInfo
	if err == nil {
		defer f.Close()
		info, err = f.Stat()
	}
	s.lockIdle()
	for _, c := range targets {
		c.replica.state = replicaSendBulk
	}
	s.mu.Unlock()
	if err == nil {
		targets = s.sendSyncChunk(targets, []byte("$"+strconv.FormatInt(info.Size(), 10)+"\r\n"))
		buf := make([]byte, 1<<20)
		for left := info.Size(); left > 0 && len(targets) > 0 && err == nil; {
			var n int
			n, err = io.ReadFull(f, buf[:min(left, int64(len(buf)))])
			targets = s.sendSyncChunk(targets, buf[:n])
			left -= int64(n)
		}
	}
	s.lockIdle()
	defer s.mu.Unlock()
	for _, c := range targets {
		if err != nil {
			c.kill() // its payload is cut short
			continue
		}
		s.replicaOnline(c, false)
	}
	if err != nil {
		s.warnf("Can't send the RDB to replicas: %v", err)
	}
}

// bgsaveDoneForReplicas sends a finished BGSAVE's file to the replicas
// waiting for it (lock held).
func (s *Server) bgsaveDoneForReplicas(err error) {
	var targets []*Client
	for _, c := range s.repl.replicas {
		if c.replica.state == replicaWaitBgsaveEnd {
			targets = append(targets, c)
		}
	}
	if len(targets) == 0 {
		return
	}
	if err != nil {
		for _, c := range targets {
			c.kill()
		}
		return
	}
	go s.sendRDBFile(s.rdbPath(), targets)
}

// sendSyncChunk appends p to the output of the targets still waiting for
// their RDB, once their unsent output is under 16 MB (the transfer goes at
// the pace of the slowest replica, not into memory). It returns the
// targets still connected. The lock is not held.
func (s *Server) sendSyncChunk(targets []*Client, p []byte) []*Client {
	for {
		s.lockIdle()
		alive := targets[:0]
		backlogged := false
		for _, c := range targets {
			if c.closing || s.clients[c.id] != c {
				continue
			}
			alive = append(alive, c)
			backlogged = backlogged || c.w.unsent()+len(c.w.Buffer()) > 16<<20
		}
		targets = alive
		if !backlogged || len(targets) == 0 {
			for _, c := range targets {
				c.w.WriteRaw(p)
				s.touch(c)
			}
			s.mu.Unlock()
			s.engine.wake()
			return targets
		}
		s.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

// replicaOnline: the RDB is sent; the stream since its offset follows,
// after a diskless transfer once the replica acknowledges it.
func (s *Server) replicaOnline(c *Client, diskless bool) {
	c.replica.state = replicaOnline
	c.replica.ackTime = time.Now()
	c.replica.waitFirstAck = diskless
	if !diskless {
		s.sendHeld(c)
	}
	s.logf("Synchronization with replica %s succeeded", c.addr)
}

// sendHeld sends the stream held during the replica's sync.
func (s *Server) sendHeld(c *Client) {
	c.w.WriteRaw(c.replica.held)
	c.replica.held = nil
	s.touch(c)
	s.engine.wake()
}

// forgetReplica drops a disconnected client from the replication lists.
func (s *Server) forgetReplica(c *Client) {
	if c.replica != nil && c.replica.synced {
		s.repl.replicas = slices.DeleteFunc(s.repl.replicas, func(r *Client) bool { return r == c })
		if len(s.repl.replicas) == 0 {
			s.repl.noReplicasSince = time.Now()
		}
		s.logf("Connection with replica %s lost.", c.addr)
	}
	if c.blocked != nil && c.blocked.wait != nil {
		s.repl.waiting = slices.DeleteFunc(s.repl.waiting, func(w *Client) bool { return w == c })
	}
}

// disconnectReplicas closes every replica connection (their replication
// id changed: they reconnect and learn the new one).
func (s *Server) disconnectReplicas() {
	for _, c := range s.repl.replicas {
		c.kill()
	}
}

// replicationCron runs once per cron tick (lock held): pings and
// keep-alives, delayed full syncs, replica timeouts, the backlog's TTL, and
// on a replica its ACKs: what comes due with time. (What a CONFIG SET
// changes, such as the backlog's size, it applies at once: applyConfig.)
func (s *Server) replicationCron() {
	r := &s.repl
	now := time.Now()
	if s.isReplica() {
		r.master.cron(now)
	}
	s.updateFailover()
	// No PING while a FAILOVER with a timeout pauses writes: it would
	// move the offset the target must reach (Redis's quirk: without a
	// timeout the PINGs go on).
	failingOver := !s.failover.end.IsZero() && s.clientsPaused()
	if len(r.replicas) > 0 && !s.isReplica() && !failingOver {
		period := time.Duration(s.cfg.ReplPingPeriod) * time.Second
		if now.Sub(r.lastPing) >= period {
			r.lastPing = now
			r.feed(-1, [][]byte{[]byte("PING")})
		}
	}
	timeout := time.Duration(s.cfg.ReplTimeout) * time.Second
	for _, c := range r.replicas {
		switch c.replica.state {
		case replicaWaitBgsave:
			// A newline keeps the link alive while the replica waits, as
			// Redis sends; replicas skip it.
			if now.Sub(c.replica.ackTime) >= time.Second {
				c.replica.ackTime = now
				c.w.WriteRaw([]byte("\n"))
				s.touch(c)
			}
		case replicaOnline:
			if now.Sub(c.replica.ackTime) > timeout {
				s.warnf("Disconnecting timedout replica: %s", c.addr)
				c.kill()
			}
		}
	}
	s.startFullSync()
	if ttl := s.cfg.ReplBacklogTTL; r.backlog != nil && len(r.replicas) == 0 && !s.isReplica() &&
		ttl > 0 && now.Sub(r.noReplicasSince) > time.Duration(ttl)*time.Second {
		// Without replicas for a while: free the backlog; a new history
		// starts with the next replica.
		r.backlog = nil
		s.logf("Replication backlog freed after %d seconds without connected replicas.", ttl)
	}
	if len(r.buf) > 0 || r.getAck {
		s.engine.wake()
	}
}

// ---- min-replicas-to-write

// goodReplicas counts the replicas taking the stream whose last ACK is at
// most min-replicas-max-lag seconds old (Redis's repl_good_slaves_count,
// counted when needed instead of once a second).
func (s *Server) goodReplicas() int {
	now, good := time.Now(), 0
	for _, c := range s.repl.replicas {
		lag := int(now.Sub(c.replica.ackTime) / time.Second)
		if c.replica.state == replicaOnline && !c.replica.waitFirstAck && lag <= s.cfg.MinReplicasMaxLag {
			good++
		}
	}
	return good
}

// minReplicasEnabled: min-replicas-to-write applies (a master, both
// settings non-zero): writes are refused with NOREPLICAS while fewer
// replicas are good.
func (s *Server) minReplicasEnabled() bool {
	return s.cfg.MinReplicasToWrite > 0 && s.cfg.MinReplicasMaxLag > 0 && !s.isReplica()
}

// ---- WAIT

func cmdWait(c *Client, args [][]byte) {
	s := c.srv
	if s.isReplica() {
		c.Error(errWaitOnReplica)
		return
	}
	numReplicas, ok := parseInt64(args[1])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	timeout, ok := c.parseTimeoutMs(args[2])
	if !ok {
		return
	}
	acked := s.replicasAcked(c.woff)
	if acked >= int(numReplicas) || c.multi != nil || s.inExec {
		c.Int(int64(acked))
		return
	}
	c.blocked = &blockState{wait: &waitRequest{offset: c.woff, replicas: int(numReplicas)}}
	if timeout > 0 {
		c.blocked.deadline = time.Now().Add(blockingTimeout(timeout))
	}
	s.repl.waiting = append(s.repl.waiting, c)
	s.repl.getAck = true
}

// waitRequest is what a client blocked in WAIT waits for.
type waitRequest struct {
	offset   int64
	replicas int
}

func (s *Server) replicasAcked(offset int64) int {
	n := 0
	for _, c := range s.repl.replicas {
		if c.replica.state == replicaOnline && c.replica.ackOffset >= offset {
			n++
		}
	}
	return n
}

// serveWaits answers the WAITs that have enough acknowledgements or have
// timed out (lock held). It returns the clients it unblocked.
func (s *Server) serveWaits() []*Client {
	if len(s.repl.waiting) == 0 {
		return nil
	}
	now := time.Now()
	var done []*Client
	s.repl.waiting = slices.DeleteFunc(s.repl.waiting, func(c *Client) bool {
		w, deadline := c.blocked.wait, c.blocked.deadline
		acked := s.replicasAcked(w.offset)
		if acked < w.replicas && (deadline.IsZero() || now.Before(deadline)) {
			return false
		}
		c.blocked = nil
		c.Int(int64(acked))
		done = append(done, c)
		return true
	})
	return done
}

// nextWaitDeadline is the earliest WAIT timeout, or zero.
func (s *Server) nextWaitDeadline() time.Time {
	var next time.Time
	for _, c := range s.repl.waiting {
		if d := c.blocked.deadline; !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next
}

// ---- ROLE and INFO

func cmdRole(c *Client, args [][]byte) {
	s := c.srv
	if m := s.repl.master; m != nil {
		c.Array(5)
		c.BulkString("slave")
		c.BulkString(m.host)
		c.Int(int64(m.port))
		c.BulkString(m.state.String())
		if m.state == linkConnected {
			c.Int(s.repl.offset)
		} else {
			c.Int(-1)
		}
		return
	}
	c.Array(3)
	c.BulkString("master")
	c.Int(s.repl.offset)
	var online []*Client
	for _, r := range s.repl.replicas {
		if r.replica.state == replicaOnline {
			online = append(online, r)
		}
	}
	c.Array(len(online))
	for _, r := range online {
		c.Array(3)
		c.BulkString(r.replica.ip)
		c.BulkString(strconv.Itoa(r.replica.port))
		c.BulkString(strconv.FormatInt(r.replica.ackOffset, 10))
	}
}

func (s *Server) infoReplication(b *strings.Builder) {
	r := &s.repl
	now := time.Now()
	if m := r.master; m != nil {
		infoLine(b, "role", "slave")
		infoLine(b, "master_host", m.host)
		infoLine(b, "master_port", m.port)
		infoLine(b, "master_link_status", map[bool]string{true: "up", false: "down"}[m.state == linkConnected])
		lastIO := int64(-1)
		if m.state == linkConnected {
			lastIO = int64(now.Sub(m.lastIO) / time.Second)
		}
		infoLine(b, "master_last_io_seconds_ago", lastIO)
		infoLine(b, "master_sync_in_progress", boolInt(m.state == linkTransfer))
		infoLine(b, "slave_read_repl_offset", r.offset)
		infoLine(b, "slave_repl_offset", r.offset)
		if m.state != linkConnected {
			down := int64(-1)
			if !m.downSince.IsZero() {
				down = int64(now.Sub(m.downSince) / time.Second)
			}
			infoLine(b, "master_link_down_since_seconds", down)
		}
		infoLine(b, "slave_priority", s.cfg.ReplicaPriority)
		infoLine(b, "slave_read_only", boolInt(s.cfg.ReplicaReadOnly))
		infoLine(b, "replica_announced", boolInt(s.cfg.ReplicaAnnounced))
	} else {
		infoLine(b, "role", "master")
	}
	infoLine(b, "connected_slaves", len(r.replicas))
	if s.cfg.MinReplicasToWrite > 0 && s.cfg.MinReplicasMaxLag > 0 {
		infoLine(b, "min_slaves_good_slaves", s.goodReplicas())
	}
	for i, c := range r.replicas {
		lag := int64(now.Sub(c.replica.ackTime) / time.Second)
		fmt.Fprintf(b, "slave%d:ip=%s,port=%d,state=%s,offset=%d,lag=%d\r\n",
			i, c.replica.ip, c.replica.port, replicaStateNames[c.replica.state], c.replica.ackOffset, lag)
	}
	infoLine(b, "master_failover_state", failoverStatusNames[s.failover.status])
	infoLine(b, "master_replid", r.id)
	infoLine(b, "master_replid2", r.id2)
	infoLine(b, "master_repl_offset", r.offset)
	infoLine(b, "second_repl_offset", r.secondOffset)
	infoLine(b, "repl_backlog_active", boolInt(r.backlog != nil))
	infoLine(b, "repl_backlog_size", s.cfg.ReplBacklogSize)
	first, histlen := int64(0), int64(0)
	if r.backlog != nil {
		first, histlen = r.backlog.first, r.backlog.histlen
	}
	infoLine(b, "repl_backlog_first_byte_offset", first)
	infoLine(b, "repl_backlog_histlen", histlen)
}

// applyBacklogSize resizes the backlog to repl-backlog-size (CONFIG SET,
// lock held), keeping as much of its history as fits.
func (s *Server) applyBacklogSize() string {
	if b := s.repl.backlog; b != nil && int64(len(b.buf)) != s.cfg.ReplBacklogSize {
		s.flushReplication()
		s.repl.backlog = b.resized(s.cfg.ReplBacklogSize, s.repl.offset)
	}
	return ""
}

// replicationAux is the replication history an RDB records, so that
// after a restart replicas resync partially (Redis's rdbSaveInfo): a
// replica's position in its master's stream, or a master's own stream
// once it has replicas' history in a backlog.
func (s *Server) replicationAux() [][2]string {
	db := 0
	switch {
	case s.isReplica() && s.repl.continueFrom:
		db = s.repl.master.client.db
	case !s.isReplica() && s.repl.backlog != nil:
		db = max(s.repl.seldb, 0)
	default:
		return nil
	}
	return [][2]string{
		{"repl-stream-db", strconv.Itoa(db)},
		{"repl-id", s.repl.id},
		{"repl-offset", strconv.FormatInt(s.repl.offset, 10)},
	}
}
