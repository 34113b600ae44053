package main

import (
	"strconv"
	"strings"
	"time"
	"unsafe"

	"respd/internal/acl"
	"respd/internal/resp"
)

// Client is one connection's state. Everything here is read and written
// under the server's data lock; the event loop does the client's I/O.
type Client struct {
	srv    *Server
	fd     int
	reader *resp.Reader // the epoll engine's parser
	w      *outbound    // replies, written at the end of each turn
	// Engine state: whether the client has output to write this turn, and
	// requests held by CLIENT PAUSE or waiting behind a blocked command.
	touched bool
	pending [][][]byte
	// paused is set while CLIENT PAUSE holds the first of c.pending.
	paused bool
	// The redcon engine's: the connection; whether a goroutine is writing
	// the output (one at a time keeps it in order); the size, as received
	// and of their arguments, of the requests running or held in c.pending
	// (CLIENT LIST's qbuf and argv-mem).
	conn          *redconConn
	writing       bool
	inRaw, inArgv int

	id        int64
	addr      string
	laddr     string
	createdAt time.Time
	lastCmdAt time.Time
	lastCmd   string

	db      int
	resp    int // 2 or 3
	name    string
	libName string
	libVer  string
	// user is who the client runs as (nil for the master's stream and
	// the AOF: no rules apply); authenticated, once it has passed AUTH
	// or if no password was needed when it connected (authRequired).
	user          *acl.User
	authenticated bool
	noEvict       bool
	noTouch       bool

	// CLIENT REPLY: replies are dropped while off, or for the next command
	// after SKIP.
	replyOff  bool
	replySkip bool
	skipThis  bool

	// cmd is the command being run (or blocked).
	cmd     *Command
	multi   *multiState
	watches []watchedKey

	// Replication: replica is set for a replica connected to us (from its
	// REPLCONF or PSYNC); isMaster for the client executing our master's
	// stream; woff is the replication offset after this client's last
	// command (what WAIT waits for); blocked is set while a command
	// blocks (WAIT, BLPOP…: blocking.go).
	replica  *replicaInfo
	isMaster bool
	// loadingAOF is the client replaying the AOF, obeyed like the master.
	loadingAOF bool
	woff       int64
	blocked    *blockState
	// subs are the client's Pub/Sub subscriptions, nil while it has none
	// (pubsub.go).
	subs *subscriptions
	// monitor is set after MONITOR (monitor.go).
	monitor bool
	// tracking is the client's CLIENT TRACKING mode, nil while off
	// (tracking.go).
	tracking *clientTracking
	// obufSoftLimitSince is when the client's output last went past the
	// soft client-output-buffer-limit of its class (zero: it is under).
	obufSoftLimitSince time.Time

	// closing is set by QUIT and CLIENT KILL: commands still in the pipeline
	// are ignored.
	closing bool
	// callErrors counts error replies of the command being executed
	// (commandstats' failed_calls).
	callErrors int
}

type multiState struct {
	queue  []queuedCommand
	dirty  bool // a command was rejected while queueing: EXEC must abort
	writes bool // a write is queued: EXEC is checked as a write
}

type queuedCommand struct {
	cmd  *Command
	args [][]byte
}

type watchedKey struct {
	db      int
	key     string
	version uint64
	// live records that the key existed unexpired at WATCH time: if it
	// has logically expired by EXEC, the transaction fails, as in Redis.
	live bool
}

// outputSize is the client's unsent output, for its output buffer limit:
// replies not yet written, and a syncing replica's held stream.
func (c *Client) outputSize() int {
	n := len(c.w.Buffer()) + c.w.unsent()
	if c.replica != nil {
		n += len(c.replica.held)
	}
	return n
}

// bufferClass is the client's class of client-output-buffer-limit, as
// Redis's getClientType: a replica, a subscriber, else a normal client
// (our master's client too).
func (c *Client) bufferClass() int {
	switch {
	case c.replica != nil && c.replica.synced:
		return bufferReplica
	case c.subs != nil:
		return bufferPubsub
	}
	return bufferNormal
}

// checkOutputBufferLimits closes a client whose unsent output reached the
// client-output-buffer-limit of its class — the hard limit, or the soft
// one for longer than its seconds — rather than let it grow without bound
// (Redis's checkClientOutputBufferLimits). A replica's hard limit is at
// least repl-backlog-size: a partial resync would succeed only to be cut.
func (s *Server) checkOutputBufferLimits(c *Client) {
	class := c.bufferClass()
	limit := s.cfg.ClientOutputBufferLimit[class]
	if (limit.Hard == 0 && limit.Soft == 0) || c.closing {
		return
	}
	if class == bufferReplica && limit.Hard > 0 {
		limit.Hard = max(limit.Hard, s.cfg.ReplBacklogSize)
	}
	size := int64(c.outputSize())
	over := limit.Hard > 0 && size >= limit.Hard
	switch {
	case limit.Soft == 0 || size < limit.Soft:
		c.obufSoftLimitSince = time.Time{}
	case c.obufSoftLimitSince.IsZero():
		c.obufSoftLimitSince = time.Now()
	default:
		over = over || time.Since(c.obufSoftLimitSince) > time.Duration(limit.SoftSeconds)*time.Second
	}
	if over {
		c.kill()
		s.warnf("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.", c.info(time.Now()))
	}
}

// userName is the client's user as CLIENT LIST and the ACL log show it.
func (c *Client) userName() string {
	if c.user == nil {
		return "(superuser)"
	}
	return c.user.Name
}

// setAuthenticated records whether the client has authenticated (lock
// held); the redcon engine's connection bounds its input until then.
func (c *Client) setAuthenticated(yes bool) {
	c.authenticated = yes
	if c.conn != nil {
		c.conn.authenticated.Store(yes)
	}
}

func (c *Client) muted() bool { return c.replyOff || c.skipThis }

// kill disconnects the client (with the lock held, from any goroutine):
// the event loop closes it at the end of its turn.
func (c *Client) kill() {
	if !c.closing {
		c.closing = true
		c.srv.closingClients = append(c.srv.closingClients, c)
		if c.srv.engine != nil {
			c.srv.engine.wake()
		}
	}
}

// flags renders CLIENT LIST's flags field.
func (c *Client) flags() string {
	var f []byte
	if c.monitor {
		f = append(f, 'O')
	}
	if c.replica != nil && c.replica.synced {
		f = append(f, 'S')
	}
	if c.isMaster {
		f = append(f, 'M')
	}
	if c.subs != nil {
		f = append(f, 'P')
	}
	if c.multi != nil {
		f = append(f, 'x')
	}
	if c.blocked != nil || c.paused {
		f = append(f, 'b')
	}
	f = c.trackingFlags(f)
	if c.closing {
		f = append(f, 'A')
	}
	if c.noEvict {
		f = append(f, 'e')
	}
	if c.noTouch {
		f = append(f, 'T')
	}
	if len(f) == 0 {
		return "N"
	}
	return string(f)
}

// info renders one CLIENT LIST / CLIENT INFO line, fields as Redis 7.2.
func (c *Client) info(now time.Time) string {
	var b strings.Builder
	field := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	multi := int64(-1)
	if c.multi != nil {
		multi = int64(len(c.multi.queue))
	}
	field("id", itoa(c.id))
	field("addr", c.addr)
	field("laddr", c.laddr)
	field("fd", strconv.Itoa(c.fd))
	field("name", c.name)
	field("age", itoa(int64(now.Sub(c.createdAt)/time.Second)))
	field("idle", itoa(int64(now.Sub(c.lastCmdAt)/time.Second)))
	field("flags", c.flags())
	field("db", itoa(int64(c.db)))
	field("sub", strconv.Itoa(c.subscribedTo(subChannel)))
	field("psub", strconv.Itoa(c.subscribedTo(subPattern)))
	field("ssub", strconv.Itoa(c.subscribedTo(subShard)))
	field("multi", itoa(multi))
	m := c.memory()
	field("qbuf", strconv.Itoa(m.qbuf))
	field("qbuf-free", strconv.Itoa(m.qbufFree))
	field("argv-mem", strconv.Itoa(m.argv))
	field("multi-mem", strconv.Itoa(m.multi))
	field("rbs", strconv.Itoa(m.rbs))
	field("rbp", strconv.Itoa(m.rbp))
	field("obl", strconv.Itoa(m.obl))
	field("oll", strconv.Itoa(m.oll))
	field("omem", strconv.Itoa(m.omem))
	field("tot-mem", strconv.Itoa(m.total))
	field("events", "r")
	field("cmd", c.lastCmd)
	field("user", c.userName())
	field("redir", c.trackingRedirect())
	field("resp", itoa(int64(c.resp)))
	field("lib-name", c.libName)
	field("lib-ver", c.libVer)
	return b.String()
}

// clientMemory is CLIENT LIST's account of a client's memory, field by
// field as Redis 7.0's catClientInfoString and getClientMemoryUsage.
type clientMemory struct {
	qbuf, qbufFree int // input held, and the free space of its own buffer
	argv           int // the arguments of the requests being run
	multi          int // MULTI's queue: its arguments and pointers to them
	rbs, rbp       int // the reply buffer's size and peak
	obl            int // replies in the reply buffer
	oll, omem      int // the queue's blocks, and their size
	total          int // all of it, the client's structures included
}

// applyRequestLimits gives every client, and the master link, the
// proto-max-bulk-len and client-query-buffer-limit set (CONFIG SET, lock
// held): the next request they parse obeys them, as in Redis.
func (s *Server) applyRequestLimits() string {
	for _, c := range s.clients {
		if c.reader != nil {
			c.reader.SetMaxBulk(s.cfg.ProtoMaxBulkLen)
			c.reader.SetMaxQuery(s.cfg.ClientQueryBufferLimit)
		}
	}
	if m := s.repl.master; m != nil && m.reader != nil {
		m.reader.SetMaxBulk(s.cfg.ProtoMaxBulkLen) // its requests have no size limit
	}
	return ""
}

func (c *Client) memory() clientMemory {
	var m clientMemory
	m.total = int(unsafe.Sizeof(*c))
	if c.reader != nil {
		m.qbuf, m.qbufFree = c.reader.QueryBuf()
		m.argv = c.reader.ArgvLen()
		m.total += c.reader.Size()
	}
	if c.conn != nil {
		// redcon's buffer is not ours to see: what it read and has not
		// parsed yet, and the requests running or held.
		m.qbuf = max(int(c.conn.unparsed.Load()), 0) + c.inRaw
		m.argv = c.inArgv
		m.total += m.qbuf // held in redcon's buffers
	}
	if c.multi != nil {
		for _, q := range c.multi.queue {
			m.multi += int(unsafe.Sizeof([]byte(nil))) * len(q.args)
			for _, a := range q.args {
				m.multi += len(a)
			}
		}
	}
	m.obl, m.oll, m.omem, m.rbs, m.rbp = c.w.memory()
	if c.replica != nil {
		m.omem += cap(c.replica.held)
	}
	m.total += int(unsafe.Sizeof(*c.w)) + m.rbs + m.omem + m.argv + m.multi
	return m
}
