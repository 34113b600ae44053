//go:build linux

package main

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"respd/internal/resp"
)

// The epoll engine: one goroutine owns every client socket, as Redis's ae
// loop does. Each turn it waits in epoll, then — holding the data lock —
// reads what arrived, runs the complete requests, and writes all replies,
// one read and one write system call per client per turn. Measured on
// this machine, a goroutine per connection spends ~40% more CPU per
// request in the Go scheduler and its netpoller (an extra EAGAIN read and
// a park/unpark per batch), which put pipelined small-value throughput at
// 0.65× Redis's. The one goroutine parks in the runtime's poller only
// once the server is idle (wait).

// The io-engine parameter's values here, the default first.
var ioEngines = []string{"epoll", "redcon"}

// newEngine starts the engine io-engine names.
func (s *Server) newEngine() (engine, error) {
	if s.cfg.IOEngine == "redcon" {
		return newRedconEngine(s), nil
	}
	return newEpollEngine(s)
}

type epollEngine struct {
	s    *Server
	epfd int
	lfds []int // the listening sockets (owned by s.listeners)
	// wakefd is an eventfd other goroutines write to wake the loop; -1
	// once the loop has closed it. wakeMu keeps a late wake (a shutdown
	// racing the loop's exit) from writing to the number after its close,
	// which may by then be a socket or file opened since.
	wakeMu sync.Mutex
	wakefd int
	// spare is a descriptor held back for when the process has none left
	// (EMFILE): closed, it lets accept take a connection to turn away.
	spare   int
	clients map[int]*Client
	// interest is the events epoll reports for each client's socket.
	interest map[int]uint32
	// master is the socket of the link to our master once it is synced
	// (-1 without one); its stream is read like a client's requests.
	master int
	events []syscall.EpollEvent
	// The buffers clients read into, lent for a turn: an idle client
	// holds none (nor one for replies: Server.replies).
	scratch resp.Scratch
	// busyScratch and busyEvents are scratch and events for the turns
	// taken inside a busy script (serveWhileBusy), whose caller's requests
	// are in scratch and whose turn is iterating events.
	busyScratch resp.Scratch
	busyEvents  []syscall.EpollEvent
	// collecting is set while a collection started by close runs.
	collecting atomic.Bool
}

func newEpollEngine(s *Server) (*epollEngine, error) {
	l := &epollEngine{s: s, clients: map[int]*Client{}, interest: map[int]uint32{}, master: -1, events: make([]syscall.EpollEvent, 256)}
	for _, ln := range s.listeners {
		raw, err := ln.SyscallConn()
		if err != nil {
			return nil, err
		}
		raw.Control(func(fd uintptr) { l.lfds = append(l.lfds, int(fd)) })
	}
	var err error
	if l.spare, err = syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != nil {
		return nil, err
	}
	if l.epfd, err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC); err != nil {
		return nil, err
	}
	wakefd, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		syscall.Close(l.epfd)
		return nil, errno
	}
	l.wakefd = int(wakefd)
	for _, fd := range append([]int{l.wakefd}, l.lfds...) {
		if err := l.watch(syscall.EPOLL_CTL_ADD, fd, syscall.EPOLLIN); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *epollEngine) watch(op, fd int, events uint32) error {
	return syscall.EpollCtl(l.epfd, op, fd, &syscall.EpollEvent{Events: events, Fd: int32(fd)})
}

// wake makes the loop take a turn soon; any goroutine may call it.
func (l *epollEngine) wake() {
	l.wakeMu.Lock()
	defer l.wakeMu.Unlock()
	if l.wakefd >= 0 {
		one := uint64(1)
		syscall.Write(l.wakefd, (*[8]byte)(unsafe.Pointer(&one))[:])
	}
}

// run serves until the server shuts down.
func (l *epollEngine) run() {
	timeout, hold := locked(l.s, l.timeoutMs), false
	for {
		n, err := l.wait(timeout, hold)
		if err != nil && err != syscall.EINTR {
			l.s.warnf("epoll_wait: %v", err)
			time.Sleep(10 * time.Millisecond)
		}
		l.s.mu.Lock()
		l.s.turnStart = time.Now()
		l.handle(l.events[:max(n, 0)])
		// A turn that fans out (PUBLISH to many subscribers) ends in a
		// write per receiving client. Taking in what arrived meanwhile
		// first makes each of those writes carry more messages: fewer
		// syscalls per message here, fewer reads for the receivers.
		for extra := 0; extra < fanOutRereads && len(l.s.touched) >= fanOutClients; extra++ {
			n, err := epollWaitNow(l.epfd, l.events)
			if n <= 0 || err != nil {
				break
			}
			l.handle(l.events[:n])
		}
		l.s.endTurn(l.read)
		l.flush()
		stopping := l.s.stopping
		// A snapshot being written or a load in the background wants
		// the Ps (and CPUs) the loop leaves while it waits.
		timeout, hold = l.timeoutMs(), !l.s.ks.Snapshotting() && !l.s.loading.active
		if stopping {
			for _, c := range l.clients {
				l.close(c)
			}
		}
		l.s.mu.Unlock()
		if stopping {
			syscall.Close(l.epfd)
			syscall.Close(l.spare)
			l.wakeMu.Lock()
			syscall.Close(l.wakefd)
			l.wakefd = -1
			l.wakeMu.Unlock()
			return
		}
	}
}

// wait returns the events ready, waiting for some for up to timeout ms (-1
// for no limit) in two stages:
//   - if hold is set, for up to heldWaitMs it blocks in epoll_wait as
//     Redis's thread does: a raw system call, so the scheduler sees a
//     running goroutine and leaves it its thread and P;
//   - if nothing came meanwhile, the server is idle: it parks in the Go
//     runtime's poller for the rest, giving the thread and P back (and
//     letting sysmon sleep). Without hold (work in the background wants
//     the P) it parks at once.
//
// Measured pinned to one CPU against redis-server, a wait the scheduler
// takes part in — epoll_wait through syscall.Syscall, or parking in the
// poller at each wait — costs at every turn: the goroutine moved between
// three threads, sysmon woke ~3,000 times a second, the loop used ~12%
// more CPU than Redis's, and -P 1 p99 latency was 1.2–1.7× Redis's
// (redis-benchmark, 50 clients); behind twemproxy (small batches with
// gaps) a scheduler-visible epoll_wait lost 10–15% of the throughput.
// Held, CPU and epoll calls per request are Redis's, -P 1 p99 1.0–1.15× of
// it, and twemproxy's throughput at parity. A held wait is not
// preemptible, but the signal a stop-the-world or sysmon sends interrupts
// it (EINTR, which run takes as an empty turn), and it is short.
func (l *epollEngine) wait(timeout int, hold bool) (int, error) {
	if !hold {
		return l.park(timeout)
	}
	held := heldWaitMs
	if timeout >= 0 && timeout < held {
		held = timeout
	}
	n, err := epollWaitHeld(l.epfd, l.events, held)
	if n != 0 || err != nil || held == timeout {
		return n, err
	}
	rest := -1
	if timeout >= 0 {
		rest = timeout - held
	}
	return l.park(rest)
}

// heldWaitMs is how long wait blocks holding its thread before it parks.
const heldWaitMs = 10

// park waits for events parked in the runtime's poller until timeout
// (ms, -1 for none), through a duplicate of epfd registered there only
// meanwhile: left in the poller, it would wake the runtime's threads at
// every event while the loop serves (-P 16 lost 10–20%).
func (l *epollEngine) park(timeout int) (int, error) {
	fd, err := syscall.Dup(l.epfd)
	if err != nil {
		return syscall.EpollWait(l.epfd, l.events, timeout)
	}
	// Non-blocking, the descriptor joins the runtime's poller, which
	// reports it readable when epfd has events.
	syscall.SetNonblock(fd, true)
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "epoll")
	defer f.Close()
	conn, err := f.SyscallConn()
	if err != nil {
		return syscall.EpollWait(l.epfd, l.events, timeout)
	}
	if timeout >= 0 {
		f.SetReadDeadline(time.Now().Add(time.Duration(timeout) * time.Millisecond))
	}
	// Read polls first (it forgets readiness reported before it started),
	// then each time the poller reports the descriptor readable.
	var n int
	var pollErr error
	err = conn.Read(func(uintptr) bool {
		n, pollErr = epollWaitNow(l.epfd, l.events)
		return n != 0 || pollErr != nil
	})
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, err
	}
	return n, pollErr
}

// serveWhileBusy is a turn inside a busy script's turn: on buffers of its
// own, reading every client but the script's caller, not the master.
func (l *epollEngine) serveWhileBusy() {
	if l.busyEvents == nil {
		l.busyEvents = make([]syscall.EpollEvent, len(l.events))
	}
	l.scratch, l.busyScratch = l.busyScratch, l.scratch
	n, _ := epollWaitNow(l.epfd, l.busyEvents)
	l.handle(l.busyEvents[:max(n, 0)])
	l.s.endTurn(nil)
	l.flush()
	l.scratch.Vacate()
	l.scratch, l.busyScratch = l.busyScratch, l.scratch
}

// timeoutMs is how long epoll may wait: until the core's next deadline,
// else until woken (-1). Lock held.
func (l *epollEngine) timeoutMs() int {
	next := l.s.nextDeadline()
	if next.IsZero() {
		return -1
	}
	return max(int(time.Until(next)/time.Millisecond), 0) + 1
}

// accept takes every connection pending on the listening socket lfd,
// turning away, as Redis does, one past maxclients and, in protected mode,
// one from another host.
func (l *epollEngine) accept(lfd int) {
	for {
		fd, sa, err := syscall.Accept4(lfd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
		if err == syscall.EMFILE || err == syscall.ENFILE {
			l.s.warnf("Accepting client connection: accept: %s", strerror(err))
			if !l.turnAwayOne(lfd) {
				return
			}
			continue
		}
		if err != nil {
			return // EAGAIN, or an error the next turn retries
		}
		if len(l.s.clients) >= l.s.cfg.MaxClients {
			l.reject(fd, errMaxClients)
			continue
		}
		if l.s.protectedFrom(sockaddrAddr(sa).Addr()) {
			l.reject(fd, errDenied)
			continue
		}
		syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
		local, _ := syscall.Getsockname(fd)
		c := l.s.newClient(fd, sockaddrString(sa), sockaddrString(local))
		c.w = newOutbound(fdSocket{fd}, &l.s.stats, &l.s.replies)
		c.reader = resp.NewSharedReader(fdReader{fd, &l.s.stats}, l.s.requestLimits(c), &l.scratch)
		if err := l.watch(syscall.EPOLL_CTL_ADD, fd, reading); err != nil {
			syscall.Close(fd)
			delete(l.s.clients, c.id)
			continue
		}
		l.clients[fd] = c
		l.interest[fd] = reading
	}
}

// requestLimits are Redis's limits on a client's requests, for the
// loop's parser.
func (s *Server) requestLimits(c *Client) resp.Limits {
	return resp.Limits{
		MaxBulk:       s.cfg.ProtoMaxBulkLen,
		MaxQuery:      s.cfg.ClientQueryBufferLimit,
		MaxInline:     64 << 10,
		MaxMultibulk:  1<<31 - 1,
		Authenticated: func() bool { return !c.authRequired() }, // as Redis asks authRequired(c)
	}
}

// reject answers a connection it turns away with msg and closes it.
func (l *epollEngine) reject(fd int, msg string) {
	rawWrite(fd, []byte(msg))
	syscall.Close(fd)
	l.s.stats.rejectedConns++
}

// turnAwayOne accepts a connection while the process is out of
// descriptors, with the one held back, and turns it away as a client past
// maxclients: left in the backlog, it would wake the loop again at once,
// and its client would wait for an answer that never comes. It reports
// whether one was turned away.
func (l *epollEngine) turnAwayOne(lfd int) bool {
	syscall.Close(l.spare)
	fd, _, err := syscall.Accept4(lfd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
	if err == nil {
		l.reject(fd, errMaxClients)
	}
	l.spare, _ = syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	return err == nil
}

// read takes what a client sent and runs its complete requests.
func (l *epollEngine) read(c *Client) {
	if c.closing || len(c.pending) > 0 {
		return
	}
	// One read per turn; epoll reports the socket again if more is there.
	l.s.stats.readsProcessed++
	cmds, err := c.reader.ReadCommands()
	l.s.runRequests(c, cmds)
	if len(c.pending) > 0 {
		// Other clients' reads must not overwrite them.
		c.pending = c.reader.Retain(c.pending)
	}
	c.reader.Release()
	if err != nil && err != errWouldBlock {
		if perr, ok := err.(*resp.Error); ok && perr.Msg != "" {
			c.w.WriteError(perr.Msg)
		}
		c.closing = true
		l.s.touch(c)
	}
}

// fanOutClients and fanOutRereads: a turn with output for at least
// fanOutClients clients polls again, up to fanOutRereads times, before it
// writes (see run).
const (
	fanOutClients = 16
	fanOutRereads = 2
)

// handle serves a poll's events: accepts, reads, writes that waited.
func (l *epollEngine) handle(events []syscall.EpollEvent) {
	for _, ev := range events {
		fd := int(ev.Fd)
		switch {
		case slices.Contains(l.lfds, fd):
			l.accept(fd)
		case fd == l.wakefd:
			var buf [8]byte
			syscall.Read(l.wakefd, buf[:])
		case fd == l.master:
			if l.s.busyScript == nil {
				l.s.repl.master.readStream()
			}
		default:
			c := l.clients[fd]
			if c == nil || l.s.busyScript != nil && c == l.s.busyScript.caller {
				continue
			}
			if ev.Events&syscall.EPOLLOUT != 0 {
				l.writePending(c)
			}
			switch {
			case ev.Events&(syscall.EPOLLHUP|syscall.EPOLLERR) != 0 && len(c.pending) > 0,
				ev.Events&(syscall.EPOLLHUP|syscall.EPOLLERR|syscall.EPOLLRDHUP) != 0 && (c.blocked != nil || c.paused):
				// Gone while blocked, or while CLIENT PAUSE holds its
				// requests (it is not read meanwhile): close now.
				l.close(c)
			case ev.Events&syscall.EPOLLIN != 0 && (c.blocked != nil || c.paused):
				// More input while it waits, left unread until it resumes:
				// watch it for a hang-up only (see updateInterest).
				l.interest[fd] &^= syscall.EPOLLIN
				l.watch(syscall.EPOLL_CTL_MOD, fd, l.interest[fd])
			case ev.Events&(syscall.EPOLLIN|syscall.EPOLLHUP|syscall.EPOLLERR) != 0:
				l.read(c)
			}
		}
	}
}

// flush writes this turn's replies and closes the clients that are done.
func (l *epollEngine) flush() {
	l.s.eachTouched(l.write)
	for _, c := range l.s.closingClients {
		if l.clients[c.fd] == c {
			l.close(c)
		}
	}
	l.s.closingClients = l.s.closingClients[:0]
}

// write sends a client's output of this turn.
func (l *epollEngine) write(c *Client) {
	if l.clients[c.fd] != c {
		return
	}
	l.s.stats.writesProcessed++
	if err := c.w.Flush(writeLimit(c)); err != nil {
		c.closing = true
	}
	l.updateInterest(c)
}

// writePending sends replies the socket could not take earlier, or a turn
// left (writeLimit), as much as it takes now.
func (l *epollEngine) writePending(c *Client) {
	if err := c.w.writePending(0); err != nil {
		c.closing = true
	}
	l.updateInterest(c)
}

// writeLimit is about the most the turn that made c's replies sends it:
// maxWritePerEvent, or no limit for a replica, whose stream has to keep
// up (as Redis's writeToClient).
func writeLimit(c *Client) int {
	if c.replica != nil {
		return 0
	}
	return maxWritePerEvent
}

// reading is a client's interest while it is read: its input, and a hang-up
// (EPOLLRDHUP) told apart from input for when it waits unread.
const reading = syscall.EPOLLIN | syscall.EPOLLRDHUP

// updateInterest asks epoll for writability while replies wait, and closes
// a closing client once its replies are out.
func (l *epollEngine) updateInterest(c *Client) {
	if c.closing && (c.w.unsent() == 0 || c.w.err != nil) {
		l.close(c)
		return
	}
	want := uint32(0)
	switch {
	case c.blocked != nil || c.paused:
		// Not read while it waits, but watched for a hang-up, its input
		// interest left as it was: a client rarely sends more while it
		// waits (handle narrows the interest then), and leaving it saves
		// two epoll_ctl calls per blocking command served.
		want |= l.interest[c.fd]&syscall.EPOLLIN | syscall.EPOLLRDHUP
	case len(c.pending) == 0:
		want |= reading
	}
	if c.w.unsent() > 0 {
		want |= syscall.EPOLLOUT
	}
	if want != l.interest[c.fd] {
		l.interest[c.fd] = want
		l.watch(syscall.EPOLL_CTL_MOD, c.fd, want)
	}
}

func (l *epollEngine) close(c *Client) {
	delete(l.clients, c.fd)
	delete(l.interest, c.fd)
	syscall.Close(c.fd)
	freed := c.w.release() + c.reader.Size()
	c.reader.Close()
	l.s.forgetClient(c)
	l.collectAfter(freed)
}

// collectAfter collects in the background when a client that left freed
// a large part of the heap (unread replies, a large request). Else, with
// nothing else allocating, that memory would stay in use until the
// runtime's forced collection two minutes later, and in RSS after it,
// where Redis frees it at once. Twice: the runtime's scavenger sizes the
// memory it keeps by the previous cycle's heap goal (which counted what
// was freed), so only after a second cycle does it return the pages to the
// OS, within seconds; debug.FreeOSMemory would return them at once, but
// all the heap's free pages with them, to be faulted in again.
func (l *epollEngine) collectAfter(freed int) {
	if freed < 1<<20 || uint64(freed) < usedMemory()/4 || !l.collecting.CompareAndSwap(false, true) {
		return
	}
	go func() {
		runtime.GC()
		runtime.GC()
		l.collecting.Store(false)
	}()
}

// fdReader reads a client socket for resp.Reader without blocking.
type fdReader struct {
	fd    int
	stats *stats
}

func (r fdReader) Read(p []byte) (int, error) {
	for {
		n, err := rawRead(r.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, errWouldBlock
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		r.stats.netInput.Add(int64(n))
		return n, nil
	}
}

// joinMaster reads the master's stream in the loop, from a copy of the
// connection's socket (Go's poller keeps the original).
func (l *epollEngine) joinMaster(m *masterLink, conn net.Conn, received []byte) error {
	fd, err := dupFD(conn)
	if err != nil {
		return err
	}
	if err := l.watch(syscall.EPOLL_CTL_ADD, fd, syscall.EPOLLIN); err != nil {
		syscall.Close(fd)
		return err
	}
	m.reader = resp.NewReader(fdReader{fd, &l.s.stats}, l.s.streamLimits())
	m.reader.Prefill(received)
	m.stream = epollMasterStream{l, fd}
	l.master = fd
	m.readStream() // what the handshake's reads took already
	l.wake()
	return nil
}

// epollMasterStream is the master's socket, in the loop.
type epollMasterStream struct {
	l  *epollEngine
	fd int
}

// send: a few bytes on a socket the master drains.
func (m epollMasterStream) send(p []byte) { rawWrite(m.fd, p) }

func (m epollMasterStream) close() {
	m.l.watch(syscall.EPOLL_CTL_DEL, m.fd, 0)
	syscall.Close(m.fd)
	m.l.master = -1
}

// dupFD returns a copy of the connection's (non-blocking) socket, which
// stays open when the connection is closed.
func dupFD(conn net.Conn) (int, error) {
	raw, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, err
	}
	fd, errno := -1, syscall.Errno(0)
	raw.Control(func(f uintptr) {
		var r uintptr
		r, _, errno = syscall.Syscall(syscall.SYS_FCNTL, f, syscall.F_DUPFD_CLOEXEC, 0)
		fd = int(r)
	})
	if errno != 0 {
		return -1, errno
	}
	return fd, nil
}

// fdSocket is a client's non-blocking socket, written with raw system
// calls.
type fdSocket struct{ fd int }

func (s fdSocket) write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := rawWrite(s.fd, p[written:])
		switch err {
		case nil:
			written += n
		case syscall.EINTR:
		case syscall.EAGAIN:
			return written, nil
		default:
			return written, err
		}
	}
	return written, nil
}

func (s fdSocket) writev(bufs [][]byte) (int, error) {
	written := 0
	for {
		var iov [16]syscall.Iovec
		n := 0
		for _, b := range bufs {
			if len(b) > 0 && n < len(iov) {
				iov[n].Base = &b[0]
				iov[n].SetLen(len(b))
				n++
			}
		}
		if n == 0 {
			return written, nil
		}
		done, err := rawWritev(s.fd, iov[:n])
		switch err {
		case nil:
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return written, nil
		default:
			return written, err
		}
		written += done
		for done > 0 {
			k := min(done, len(bufs[0]))
			bufs[0], done = bufs[0][k:], done-k
			if len(bufs[0]) == 0 {
				bufs = bufs[1:]
			}
		}
	}
}

func rawWritev(fd int, iov []syscall.Iovec) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// The loop's reads, writes and polls never block (the sockets are
// non-blocking, the poll has a zero timeout), so they use raw system calls:
// the scheduler's syscall bookkeeping would let sysmon hand the loop's P to
// another thread and cost a futex handshake to get it back — measured as
// thousands of futex calls a second on a pinned core.
func rawRead(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func rawWrite(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// epollWaitNow polls epfd without blocking.
func epollWaitNow(epfd int, events []syscall.EpollEvent) (int, error) {
	return epollWaitHeld(epfd, events, 0)
}

// epollWaitHeld waits on epfd for up to timeout ms without telling the
// scheduler (see wait).
func epollWaitHeld(epfd int, events []syscall.EpollEvent, timeout int) (int, error) {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(timeout), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// sockaddrAddr is a socket's IP address and port.
func sockaddrAddr(sa syscall.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *syscall.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
	}
	return netip.AddrPort{}
}

// sockaddrString formats a socket address as Go's net package does.
func sockaddrString(sa syscall.Sockaddr) string {
	if a := sockaddrAddr(sa); a.IsValid() {
		return a.String()
	}
	return ""
}
