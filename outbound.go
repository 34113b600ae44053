package main

import (
	"errors"
	"io"
	"net"
	"strconv"
	"time"
	"unsafe"

	"github.com/tidwall/redcon"
)

// outbound is a client's output, as Redis's reply buffer and reply list.
// Replies are encoded into buf, which the epoll engine's pool lends the
// client until the end of its turn, so an idle client holds no reply
// buffer (Redis gives each 16 KiB, which its cron shrinks to 1 KiB). Flush
// sends them; what the socket does not take waits in blocks at least half
// full (sent when it is writable again), where large replies go straight,
// so unread replies cost little more than their bytes, and a replica far
// behind costs neither copying of what is queued nor one huge allocation.
type outbound struct {
	// sock takes the bytes; nil for the redcon engine, which takes them
	// from the queue and writes them without the data lock (take).
	sock  socket
	stats *stats      // nil: not counted in the server's network totals
	pool  *bufferPool // nil: buf is the client's own
	buf   []byte      // this turn's replies
	peak  int         // the most bytes buf held at a Flush (CLIENT LIST rbp)

	blocks [][]byte // queued output; blocks[0][sent:] goes first
	sent   int
	queued int // bytes queued
	// taken is what take handed a writer and is not written yet, in
	// takenBufs buffers.
	taken, takenBufs int
	err              error
}

const (
	// A queue's blocks are 16 KiB (Redis's PROTO_REPLY_CHUNK_BYTES) while
	// it is small, 64 KiB once it grows, a large reply spanning several:
	// sizes the allocator rounds nothing up.
	minBlock      = 16 << 10
	outboundBlock = 64 << 10
	// maxBuffered is the most buf holds: a reply that would take it past
	// goes to the queue, unsent until Flush like buf.
	maxBuffered = 64 << 10
	// maxWritePerEvent is about the most the turn that made a client's
	// replies sends it (Redis's NET_MAX_WRITES_PER_EVENT; replicas have no
	// limit): the rest of a large reply waits for the client's writable
	// event, so that the turn serves everyone else first. Measured with
	// LRANGE of 100 1 KiB elements at -P 1 (50 clients): writing each
	// whole 100 KiB reply at once cost 5-10% more CPU, in the TCP stack's
	// transmit path, and 1.4x the p99 latency. Unlike Redis, the writable
	// event then sends all the socket takes: limited there too, replies of
	// megabytes (LRANGE of 300 1 KiB elements at -P 16) waited in the
	// queue, and throughput fell to 0.8x Redis's.
	maxWritePerEvent = 64 << 10
)

var errClosed = errors.New("connection closed")

// socket is where an outbound's bytes go: write and writev take what they
// can now, without blocking, and say how much; an error ends the client.
type socket interface {
	write(p []byte) (int, error)
	writev(bufs [][]byte) (int, error)
}

// newOutbound is the output of a client's socket.
func newOutbound(sock socket, stats *stats, pool *bufferPool) *outbound {
	return &outbound{sock: sock, stats: stats, pool: pool}
}

// sinkOutbound is the output of a client without a socket (the AOF's, the
// master's, a test's): w gets what it is sent.
func sinkOutbound(w io.Writer) *outbound { return &outbound{sock: sink{w}} }

// sink is a socket that is an io.Writer: it takes everything.
type sink struct{ w io.Writer }

func (s sink) write(p []byte) (int, error) { return s.w.Write(p) }

func (s sink) writev(bufs [][]byte) (int, error) {
	written := 0
	for _, b := range bufs {
		n, err := s.w.Write(b)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// ---- Encoding replies, as redcon's Writer (the same bytes)

func (o *outbound) WriteString(s string) {
	if o.err == nil {
		o.buf = redcon.AppendString(o.lend(), s)
	}
}

func (o *outbound) WriteError(msg string) {
	if o.err == nil {
		o.buf = redcon.AppendError(o.lend(), msg)
	}
}

func (o *outbound) WriteInt64(n int64) {
	if o.err == nil {
		o.buf = redcon.AppendInt(o.lend(), n)
	}
}

func (o *outbound) WriteArray(n int) {
	if o.err == nil {
		o.buf = redcon.AppendArray(o.lend(), n)
	}
}

func (o *outbound) WriteBulk(b []byte) {
	switch {
	case o.err != nil:
	case len(o.buf)+len(b) < o.limit()-32:
		o.buf = redcon.AppendBulk(o.lend(), b)
	default:
		o.writeLargeBulk(b)
	}
}

func (o *outbound) WriteBulkString(s string) {
	switch {
	case o.err != nil:
	case len(o.buf)+len(s) < o.limit()-32:
		o.buf = redcon.AppendBulkString(o.lend(), s)
	default:
		o.writeLargeBulk(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
}

func (o *outbound) WriteRaw(p []byte) {
	if o.err == nil {
		o.write(p)
	}
}

func (o *outbound) writeLargeBulk(b []byte) {
	o.buf = append(strconv.AppendInt(append(o.lend(), '$'), int64(len(b)), 10), '\r', '\n')
	o.write(b)
	o.buf = append(o.lend(), '\r', '\n')
}

// write appends p to this turn's replies: to buf if it fits there, else
// to the queue after buf's contents, into a fresh buffer if it fits one.
func (o *outbound) write(p []byte) {
	if len(o.buf)+len(p) <= o.limit() {
		o.buf = append(o.lend(), p...)
		return
	}
	o.queueBuf()
	if len(o.buf)+len(p) <= o.limit() {
		o.buf = append(o.lend(), p...)
		return
	}
	o.enqueue(p)
}

// queueBuf moves this turn's replies so far to the end of the queue: buf
// itself when it is at least half full (a large reply's, which would cost
// a copy; the pool lends the next), else a copy, so that a slow reader's
// queue holds no mostly empty buffers.
func (o *outbound) queueBuf() {
	switch {
	case len(o.buf) == 0:
		// Nothing: an empty block would stop writePending's progress.
	case o.pool != nil && 2*len(o.buf) >= cap(o.buf) && cap(o.buf) <= maxBuffered:
		o.queued += len(o.buf)
		o.blocks = append(o.blocks, o.buf)
		o.buf = nil
	default:
		o.enqueue(o.buf)
		o.buf = o.buf[:0]
	}
}

// limit is the most bytes buf takes before a bulk reply goes to the
// queue: its capacity (a pooled buffer's, 16 to 64 KiB), up to
// maxBuffered. Growing it instead left the smaller arrays to the GC at
// each large reply: LRANGE of 100 1 KiB elements made garbage at every
// reply, and the collections' stalls raised its -P 1 p99 by half.
func (o *outbound) limit() int {
	return min(max(cap(o.buf), replyBufferSize), maxBuffered)
}

// lend gives the client a buffer from the pool for this turn's replies.
func (o *outbound) lend() []byte {
	if o.buf == nil && o.pool != nil {
		o.buf = o.pool.get()
	}
	return o.buf
}

// Buffer is this turn's replies not yet flushed (not a copy).
func (o *outbound) Buffer() []byte { return o.buf }

// Flush sends this turn's replies, up to about limit bytes with what was
// queued before (0: no limit), queueing the rest and what the socket does
// not take, and gives the buffer back to the pool.
func (o *outbound) Flush(limit int) error {
	o.peak = max(o.peak, len(o.buf))
	switch {
	case o.err != nil:
	case o.queued == 0:
		o.enqueue(o.buf[o.send(o.buf):])
	default:
		o.queueBuf()
		o.writePending(limit)
	}
	if o.pool != nil {
		o.pool.put(o.buf)
		o.buf = nil
	} else {
		o.buf = o.buf[:0]
	}
	return o.err
}

// Write sends p now, after what waits (a replica's stream, sent with the
// replies; straight to the socket when nothing does: one copy less).
func (o *outbound) Write(p []byte) (int, error) {
	switch {
	case o.err != nil:
		return 0, o.err
	case len(o.buf) > 0:
		o.write(p)
		return len(p), nil
	case o.queued == 0:
		o.enqueue(p[o.send(p):])
	default:
		o.enqueue(p)
		o.writePending(0)
	}
	return len(p), o.err
}

// ---- The queue

// unsent is the number of bytes waiting for the socket, being written
// included.
func (o *outbound) unsent() int { return o.queued + o.taken }

// enqueue copies p to the end of the queue.
func (o *outbound) enqueue(p []byte) {
	o.queued += len(p)
	for len(p) > 0 {
		last := len(o.blocks) - 1
		if last < 0 || len(o.blocks[last]) == cap(o.blocks[last]) {
			size := minBlock
			if o.queued > outboundBlock {
				size = outboundBlock
			}
			o.blocks = append(o.blocks, o.newBlock(size))
			last++
		}
		tail := o.blocks[last]
		n := min(len(p), cap(tail)-len(tail))
		o.blocks[last] = append(tail, p[:n]...)
		p = p[n:]
	}
}

// writePending sends queued output until the socket stops taking it, a
// few blocks per system call, or, with a limit, once it has sent limit
// bytes or more (whole blocks: as Redis, at least limit).
func (o *outbound) writePending(limit int) error {
	for total := 0; len(o.blocks) > 0 && o.err == nil && (limit <= 0 || total < limit); {
		var bufs [16][]byte
		n := copy(bufs[:], o.blocks)
		bufs[0] = bufs[0][o.sent:]
		want := 0
		for i, b := range bufs[:n] {
			if limit > 0 && total+want >= limit {
				n = i
				break
			}
			want += len(b)
		}
		written := o.sendv(bufs[:n])
		o.consume(written)
		if total += written; written < want {
			break
		}
	}
	if len(o.blocks) == 0 {
		o.blocks = nil
	}
	return o.err
}

// consume drops n sent bytes from the front of the queue.
func (o *outbound) consume(n int) {
	o.queued -= n
	for n > 0 {
		left := len(o.blocks[0]) - o.sent
		if n < left {
			o.sent += n
			return
		}
		n -= left
		o.recycle(o.blocks[0])
		o.blocks[0] = nil
		o.blocks, o.sent = o.blocks[1:], 0
	}
}

// newBlock is an empty block for the queue, from the pool if it has one
// (a large reply, such as LRANGE's, fills a few every turn: fresh ones
// would each be zeroed, and their pages faulted in, again), else of size.
func (o *outbound) newBlock(size int) []byte {
	if o.pool != nil {
		if b := o.pool.reuse(); b != nil {
			return b
		}
	}
	return make([]byte, 0, size)
}

// recycle gives a sent block back to the pool.
func (o *outbound) recycle(b []byte) {
	if o.pool != nil {
		o.pool.put(b)
	}
}

// send writes as much of p as the socket takes now.
func (o *outbound) send(p []byte) int {
	if o.sock == nil || o.err != nil {
		return 0
	}
	n, err := o.sock.write(p)
	o.account(n, err)
	return n
}

// sendv is send for up to 16 buffers at once.
func (o *outbound) sendv(bufs [][]byte) int {
	if o.sock == nil || o.err != nil {
		return 0
	}
	n, err := o.sock.writev(bufs)
	o.account(n, err)
	return n
}

func (o *outbound) account(n int, err error) {
	o.err = err
	if o.stats != nil {
		o.stats.netOutput.Add(int64(n))
	}
}

// take hands everything unsent to a writer that works without the data
// lock (the redcon engine), which gives spent, the buffers behind bufs,
// back with giveBack once it has written them (writing empties bufs).
func (o *outbound) take() (bufs net.Buffers, spent [][]byte) {
	if o.queued > 0 {
		bufs = append(bufs, o.blocks...)
		bufs[0] = bufs[0][o.sent:]
		spent = o.blocks
	}
	if len(o.buf) > 0 {
		o.peak = max(o.peak, len(o.buf))
		bufs = append(bufs, o.buf)
		spent = append(spent, o.buf)
	}
	o.taken, o.takenBufs = o.queued+len(o.buf), len(bufs)
	o.blocks, o.sent, o.queued, o.buf = nil, 0, 0, nil
	return bufs, spent
}

// giveBack returns the buffers take handed out, once written, to the pool.
func (o *outbound) giveBack(spent [][]byte) {
	o.taken, o.takenBufs = 0, 0
	for _, b := range spent {
		o.recycle(b)
	}
}

// release drops the client's output (it is gone): the buffer goes back to
// the pool, the queue to the GC; it returns how many bytes that frees.
func (o *outbound) release() int {
	// The queue goes to the collector (collectAfter): a client that left
	// with megabytes unread would otherwise fill the pool with them.
	freed := 0
	for _, b := range o.blocks {
		freed += cap(b)
	}
	if o.buf != nil {
		o.recycle(o.buf)
	}
	o.buf, o.blocks, o.queued, o.sent = nil, nil, 0, 0
	if o.err == nil {
		o.err = errClosed
	}
	return freed
}

// memory is what CLIENT LIST shows of the output: obl (bytes in the reply
// buffer), oll (blocks queued), omem (their size), rbs (the reply buffer's
// size) and rbp (its peak).
func (o *outbound) memory() (obl, oll, omem, rbs, rbp int) {
	for _, b := range o.blocks {
		omem += cap(b)
	}
	// What a writer has taken counts as queued until it is written.
	return len(o.buf), len(o.blocks) + o.takenBufs, omem + o.taken, cap(o.buf), max(o.peak, len(o.buf))
}

// bufferPool lends clients the buffers their replies are encoded into for
// one turn, and the blocks of their queues (the data lock held), as
// jemalloc's caches serve Redis's: large replies to many clients (LRANGE
// of a hundred 1 KiB elements to fifty) take megabytes of blocks a turn,
// which, left to the GC, cost a collection every few turns and fresh
// pages to fault in. It keeps up to maxPooledBytes of buffers, each up to
// maxBuffered: larger ones, and any past that, are left to the GC; what
// stays unused decays (decay), so an idle server holds little.
type bufferPool struct {
	free  [][]byte // the least recently used first
	bytes int
	// low is the fewest bytes kept since the last decay, decayed when.
	low     int
	decayed time.Time
}

const (
	replyBufferSize = 16 << 10
	maxPooledBytes  = 64 << 20
)

// get is an empty buffer: a kept one, else a new one of replyBufferSize.
func (p *bufferPool) get() []byte {
	if b := p.reuse(); b != nil {
		return b
	}
	return make([]byte, 0, replyBufferSize)
}

// reuse is an empty kept buffer, nil if there is none.
func (p *bufferPool) reuse() []byte {
	n := len(p.free)
	if n == 0 {
		return nil
	}
	b := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	p.bytes -= cap(b)
	p.low = min(p.low, p.bytes)
	return b
}

func (p *bufferPool) put(b []byte) {
	if b == nil || cap(b) > maxBuffered || p.bytes+cap(b) > maxPooledBytes {
		return
	}
	p.bytes += cap(b)
	p.free = append(p.free, b[:0])
}

// decay, called by the cron, frees half the bytes no turn needed since
// its last run a second or more ago (the least recently used buffers),
// as jemalloc's decay purges: a burst's buffers are gone within seconds
// of its end, those a steady load reuses stay.
func (p *bufferPool) decay(now time.Time) {
	if now.Sub(p.decayed) < time.Second {
		return
	}
	p.decayed = now
	drop := p.low / 2
	n := 0
	for ; n < len(p.free) && drop > 0; n++ {
		drop -= cap(p.free[n])
		p.bytes -= cap(p.free[n])
	}
	clear(p.free[:n])
	p.free = p.free[n:]
	p.low = p.bytes
}

// drain leaves every buffer to the collector.
func (p *bufferPool) drain() {
	clear(p.free)
	p.free, p.bytes, p.low = nil, 0, 0
}
