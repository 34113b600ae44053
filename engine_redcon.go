package main

import (
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tidwall/redcon"

	"respd/internal/resp"
)

// The redcon engine: github.com/tidwall/redcon's server accepts the
// connections (its accept callback turns away those past maxclients or
// refused by protected mode) and parses their requests, a goroutine per
// connection, on every OS Go runs on. A turn is one batch of a
// connection's pipelined requests — redcon's handler gets the first,
// ReadPipeline the rest — run with the data lock held, then the core's
// endTurn; the output is written after the lock is released.
//
// Output never goes through redcon's writer. Every client's bytes, replies
// and pushes alike (WAIT's reply, a replica's stream), go through its
// outbound queue, written by one goroutine at a time (Client.writing) so
// that they keep their order: the connection's own goroutine after its
// requests, a short-lived one for output that another client's turn, a
// wake or the master's stream put there. A client that does not read
// stalls only the goroutine writing to it.
//
// Where redcon's parser differs from Redis's, what can be enforced around
// it is (admitRequest, redconConn.Read); the README lists the rest.
//
// TLS is served here (tls.go): the TLS port is one more redcon server into
// the same core, on a listener that hands over connections whose handshake
// is done.
type redconEngine struct {
	s       *Server
	servers []*redcon.Server
	serving sync.WaitGroup // the servers' accept loops
	stop    chan struct{}  // closed by the turn that sees the server stopping
	// turnQueued is set while a turn wake asked for has not started.
	turnQueued atomic.Bool
	// deadline takes a turn at the core's next deadline (deadlineAt).
	deadline   *time.Timer
	deadlineAt time.Time
}

func newRedconEngine(s *Server) *redconEngine {
	return &redconEngine{s: s, stop: make(chan struct{})}
}

// run serves the plain port's sockets and the TLS port (tls.go), each
// through a redcon server of its own, into the one core.
func (e *redconEngine) run() {
	for _, ln := range e.s.listeners {
		l := newRedconListener(ln, e.s)
		e.serve(l)
		defer l.closeSpare()
	}
	if a := e.s.cfg.tls.acceptor; a != nil {
		e.serve(a)
	}
	<-e.stop
	// Without the data lock: redcon calls closed with its own lock held,
	// and closed takes the data lock.
	for _, srv := range e.servers {
		srv.Close()
	}
	e.serving.Wait()
}

// serve runs a redcon server on ln until run closes it.
func (e *redconEngine) serve(ln net.Listener) {
	srv := redcon.NewServerNetwork("tcp", ln.Addr().String(), e.serveRESP, e.accept, e.closed)
	srv.AcceptError = e.acceptError
	e.servers = append(e.servers, srv)
	e.serving.Add(1)
	go func() {
		defer e.serving.Done()
		srv.Serve(ln)
	}()
}

func (e *redconEngine) wake() {
	if e.turnQueued.CompareAndSwap(false, true) {
		go e.turn()
	}
}

// serveWhileBusy lets go of the lock for the goroutines waiting for it:
// the clients' turns (their requests refused BUSY), not the others
// (Server.lockIdle).
func (e *redconEngine) serveWhileBusy() {
	e.s.mu.Unlock()
	runtime.Gosched() // a goroutine waiting for the lock takes it now
	e.s.mu.Lock()
}

// turn is a turn without requests: what a wake or a deadline asked for.
func (e *redconEngine) turn() {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	e.turnQueued.Store(false)
	if e.stopped() {
		return
	}
	s.turnStart = time.Now()
	e.endTurn(nil)
}

// accept registers a connection, or turns it away as Redis does.
func (e *redconEngine) accept(rc redcon.Conn) bool {
	s := e.s
	conn := rc.NetConn().(*redconConn)
	peer, _ := netip.ParseAddrPort(conn.RemoteAddr().String())
	s.mu.Lock()
	reject := ""
	switch {
	case s.stopping:
		s.mu.Unlock()
		return false
	case len(s.clients) >= s.cfg.MaxClients:
		reject = errMaxClients
	case s.protectedFrom(peer.Addr()):
		reject = errDenied
	}
	if reject != "" {
		s.stats.rejectedConns++
		s.mu.Unlock()
		turnAway(conn, reject)
		return false
	}
	c := s.newClient(socketFD(conn.Conn), conn.RemoteAddr().String(), conn.LocalAddr().String())
	c.w = newOutbound(nil, &s.stats, &s.replies)
	c.conn = conn
	conn.authenticated.Store(c.authenticated)
	rc.SetContext(c)
	s.mu.Unlock()
	return true
}

// turnAway answers a connection the server will not serve, and closes it.
func turnAway(conn net.Conn, msg string) {
	conn.SetWriteDeadline(time.Now().Add(time.Second))
	conn.Write([]byte(msg))
	conn.Close()
}

// acceptError: an accept failed for a reason other than a shortage of
// descriptors (redconListener handles those); a pause keeps a lasting
// error from spinning the accept loop.
func (e *redconEngine) acceptError(err error) {
	e.s.warnf("Accepting client connection: accept: %s", strerror(err))
	time.Sleep(10 * time.Millisecond)
}

// closed forgets a connection redcon has closed: the client left, or its
// requests broke the protocol.
func (e *redconEngine) closed(rc redcon.Conn, err error) {
	c, _ := rc.Context().(*Client)
	if c == nil {
		return
	}
	e.s.mu.Lock()
	e.closeClient(c)
	e.s.mu.Unlock()
}

// serveRESP runs one batch of a client's pipelined requests: cmd, and
// those redcon read with it.
func (e *redconEngine) serveRESP(rc redcon.Conn, cmd redcon.Command) {
	c := rc.Context().(*Client)
	pipeline := rc.ReadPipeline()
	cmds := append(make([][][]byte, 0, 1+len(pipeline)), cmd.Args)
	raw := len(cmd.Raw)
	for _, p := range pipeline {
		cmds = append(cmds, p.Args)
		raw += len(p.Raw)
	}
	argv := 0
	for _, args := range cmds {
		for _, a := range args {
			argv += len(a)
		}
	}
	s := e.s
	s.mu.Lock()
	// The batch stays the client's query buffer until it has run.
	c.conn.unparsed.Add(-int64(raw))
	s.stats.readsProcessed++ // a batch: the reads redcon made for it
	c.inRaw += raw
	c.inArgv += argv
	s.turnStart = time.Now()
	e.deliver(c, cmds)
	e.endTurn(c)
	bufs, spent := e.claim(c)
	s.mu.Unlock()
	if bufs != nil {
		e.drain(c, bufs, spent)
	}
}

// deliver runs a client's requests, or holds them behind those that wait
// (redcon reads on meanwhile: they are the client's query buffer, bounded
// by client-query-buffer-limit as in Redis).
func (e *redconEngine) deliver(c *Client, cmds [][][]byte) {
	if s := e.s; s.clients[c.id] != c || c.closing {
		return
	}
	if c.blocked == nil && len(c.pending) == 0 {
		e.s.runRequests(c, cmds)
		return
	}
	c.pending = append(c.pending, cmds...)
	if int64(c.inRaw) > e.s.cfg.ClientQueryBufferLimit {
		e.s.warnf("Closing client that reached max query buffer length: %s", c.info(time.Now()))
		e.closeClient(c)
	}
}

// admitRequest applies to a request redcon parsed the limits Redis's
// parser applies while parsing (lock held); a request over them is
// answered with the protocol error and ends the connection.
func (s *Server) admitRequest(c *Client, args [][]byte) bool {
	err := resp.Limits{MaxBulk: s.cfg.ProtoMaxBulkLen}.Check(args, c.authenticated)
	if err == nil {
		return true
	}
	c.w.WriteError(err.Msg)
	c.closing = true
	s.touch(c)
	return false
}

// endTurn ends a turn (lock held): the core's end, then every touched
// client's output is claimed for writing, a goroutine each, but own's:
// the goroutine that ran its requests writes it.
func (e *redconEngine) endTurn(own *Client) {
	s := e.s
	s.endTurn(nil)
	if s.stopping {
		e.stopServing()
		return
	}
	for _, c := range s.closingClients {
		e.closeClient(c)
	}
	s.closingClients = s.closingClients[:0]
	s.eachTouched(func(c *Client) {
		if len(c.pending) == 0 {
			c.inRaw, c.inArgv = 0, 0 // nothing runs or waits
		}
		if c == own {
			return // its goroutine writes it
		}
		if bufs, spent := e.claim(c); bufs != nil {
			go e.drain(c, bufs, spent)
		}
	})
	e.armDeadline()
}

// claim takes a client's unsent output for the caller to write without
// the lock, unless another goroutine is writing it (it takes this too
// when it is done); a closing client with nothing left to send is closed.
func (e *redconEngine) claim(c *Client) (net.Buffers, [][]byte) {
	if c.writing || e.s.clients[c.id] != c {
		return nil, nil
	}
	bufs, spent := c.w.take()
	if bufs == nil {
		if c.closing {
			e.closeClient(c)
		}
		return nil, nil
	}
	c.writing = true
	return bufs, spent
}

// drain writes what claim took, and what was added meanwhile.
func (e *redconEngine) drain(c *Client, bufs net.Buffers, spent [][]byte) {
	s := e.s
	for bufs != nil {
		// The TCP connection's own WriteTo: one writev (a TLS
		// connection's: a write each, in records up to 16 KiB).
		n, err := bufs.WriteTo(c.conn.Conn)
		s.mu.Lock()
		s.stats.netOutput.Add(n)
		s.stats.writesProcessed++
		c.writing = false
		c.w.giveBack(spent)
		if err != nil {
			e.closeClient(c)
			bufs = nil
		} else {
			bufs, spent = e.claim(c)
		}
		s.mu.Unlock()
	}
}

// closeClient closes a client's connection and forgets it (lock held).
func (e *redconEngine) closeClient(c *Client) {
	if e.s.clients[c.id] != c {
		return
	}
	c.conn.Close()
	c.w.release()
	e.s.forgetClient(c)
}

// stopServing closes every client (lock held); run closes the servers.
func (e *redconEngine) stopServing() {
	if e.stopped() {
		return
	}
	for _, c := range e.s.clients {
		if c.conn != nil {
			e.closeClient(c)
		}
	}
	close(e.stop)
}

func (e *redconEngine) stopped() bool {
	select {
	case <-e.stop:
		return true
	default:
		return false
	}
}

// armDeadline has a turn taken at the core's next deadline (lock held).
func (e *redconEngine) armDeadline() {
	next := e.s.nextDeadline()
	switch {
	case next.Equal(e.deadlineAt):
	case next.IsZero():
		if e.deadline != nil {
			e.deadline.Stop()
		}
	case e.deadline == nil:
		e.deadline = time.AfterFunc(time.Until(next)+time.Millisecond, e.wake)
	default:
		e.deadline.Reset(time.Until(next) + time.Millisecond)
	}
	e.deadlineAt = next
}

// joinMaster reads the master's stream in a goroutine of its own, which
// runs what arrives in a turn.
func (e *redconEngine) joinMaster(m *masterLink, conn net.Conn, received []byte) error {
	in := &arrivedInput{}
	m.reader = resp.NewReader(in, e.s.streamLimits())
	m.reader.Prefill(received)
	stream := connMasterStream{conn}
	m.stream = stream
	m.readStream()
	go e.readMaster(m, stream, in)
	return nil
}

func (e *redconEngine) readMaster(m *masterLink, stream connMasterStream, in *arrivedInput) {
	s := e.s
	buf := make([]byte, 16<<10)
	for {
		n, err := stream.conn.Read(buf)
		s.lockIdle() // Redis reads no master's stream while a script is busy
		if m.stream != stream {
			s.mu.Unlock()
			return // the link ended (detach closed the connection)
		}
		s.turnStart = time.Now()
		s.stats.netInput.Add(int64(n))
		for in.p = buf[:n]; len(in.p) > 0 && m.stream == stream; {
			m.readStream()
		}
		if err != nil {
			m.detach(err)
		}
		e.endTurn(nil)
		s.mu.Unlock()
	}
}

// arrivedInput gives the master's Reader what the goroutine read.
type arrivedInput struct{ p []byte }

func (in *arrivedInput) Read(p []byte) (int, error) {
	if len(in.p) == 0 {
		return 0, errWouldBlock
	}
	n := copy(p, in.p)
	in.p = in.p[n:]
	return n, nil
}

// connMasterStream is the master's connection, read by readMaster.
type connMasterStream struct{ conn net.Conn }

// send writes without the lock: a master that does not read stalls only
// the goroutine (ACKs carry the offset, so their order does not matter).
func (m connMasterStream) send(p []byte) {
	go func() {
		m.conn.SetWriteDeadline(time.Now().Add(time.Second))
		m.conn.Write(p)
	}()
}

func (m connMasterStream) close() { closeConn(m.conn) }

// redconListener hands redcon connections that count what they read.
type redconListener struct {
	*net.TCPListener
	s *Server
	// spare is a descriptor held back for when the process has none left.
	spare *os.File
}

func newRedconListener(ln *net.TCPListener, s *Server) *redconListener {
	l := &redconListener{TCPListener: ln, s: s}
	l.spare, _ = os.Open(os.DevNull)
	return l
}

func (l *redconListener) closeSpare() {
	if l.spare != nil {
		l.spare.Close()
	}
}

func (l *redconListener) Accept() (net.Conn, error) {
	conn, err := l.acceptTCP()
	if err != nil {
		return nil, err
	}
	return &redconConn{Conn: conn, s: l.s}, nil
}

// acceptTCP accepts the next connection, one past the descriptors the
// process has turned away meanwhile.
func (l *redconListener) acceptTCP() (net.Conn, error) {
	for {
		conn, err := l.TCPListener.Accept()
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
			conn, err = l.acceptWithSpare(err)
		}
		if err != nil || conn != nil {
			return conn, err
		}
	}
}

// acceptWithSpare accepts a connection while the process is out of
// descriptors, with the one held back: left in the backlog, it would fail
// every accept again at once, and its client would wait for an answer that
// never comes. Unless descriptors are free again by then, it turns the
// connection away as one past maxclients and returns none.
func (l *redconListener) acceptWithSpare(acceptErr error) (net.Conn, error) {
	if l.spare == nil {
		return nil, acceptErr
	}
	l.s.warnf("Accepting client connection: accept: %s", strerror(acceptErr))
	l.spare.Close()
	// Linux fails accept for want of a descriptor with no connection
	// pending too: wait for one only briefly.
	l.SetDeadline(time.Now().Add(10 * time.Millisecond))
	conn, err := l.TCPListener.Accept()
	l.SetDeadline(time.Time{})
	l.spare, _ = os.Open(os.DevNull)
	switch {
	case err != nil:
		return nil, nil
	case l.spare != nil:
		return conn, nil // served after all
	}
	turnAway(conn, errMaxClients)
	l.s.mu.Lock()
	l.s.stats.rejectedConns++
	l.s.mu.Unlock()
	l.spare, _ = os.Open(os.DevNull)
	return nil, nil
}

// redconConn is a client's connection on the redcon engine, over TCP or
// TLS (the bytes it counts are then the plaintext, as Redis's). It counts the
// bytes read and not yet parsed into requests: redcon's reader grows its
// buffer without bound for a request that never ends, so past
// client-query-buffer-limit the read fails and redcon closes the
// connection, as Redis does.
type redconConn struct {
	net.Conn
	s        *Server
	unparsed atomic.Int64
	// authenticated mirrors Client.authenticated: until then the limit is
	// unauthenticatedQuery.
	authenticated atomic.Bool
}

// unauthenticatedQuery bounds what a client that has not authenticated
// makes the server hold: Redis refuses its requests past 10 arguments of
// 16 KiB as soon as their headers say so, redcon's parser only once they
// are complete.
const unauthenticatedQuery = 1 << 20

// errQueryLimit ends a connection whose unparsed input passed
// client-query-buffer-limit.
var errQueryLimit = errors.New("query buffer limit reached")

// Write skips the empty write redcon's writer makes after every batch:
// respd's output goes around it.
func (c *redconConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return c.Conn.Write(p)
}

// Close closes without waiting (closeConn): the caller may hold the data
// lock.
func (c *redconConn) Close() error {
	closeConn(c.Conn)
	return nil
}

func (c *redconConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.s.stats.netInput.Add(int64(n))
	limit := c.s.cfg.queryLimit.Load()
	if !c.authenticated.Load() {
		limit = min(limit, unauthenticatedQuery)
	}
	if c.unparsed.Add(int64(n)) > limit {
		c.s.warnf("Closing client that reached max query buffer length: addr=%s", c.RemoteAddr())
		return n, errQueryLimit
	}
	return n, err
}

// socketFD is the connection's descriptor, for CLIENT LIST.
func socketFD(conn net.Conn) int {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	fd := -1
	if sc, ok := conn.(interface {
		SyscallConn() (syscall.RawConn, error)
	}); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			raw.Control(func(f uintptr) { fd = int(f) })
		}
	}
	return fd
}
