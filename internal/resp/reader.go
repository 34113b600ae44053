// Package resp reads client requests the way Redis's networking.c does
// (processMultibulkBuffer, processInlineBuffer): the same protocol errors,
// the same limits, "*0" ignored, inline commands split like sdssplitargs.
// Arguments are slices of the read buffer, so reading a request allocates
// nothing; they stay valid until the next ReadCommands call (in shared mode,
// until another Reader of the Scratch reads, unless retained), and whoever
// keeps one must copy it.
package resp

import (
	"bytes"
	"io"
	"unsafe"

	"respd/internal/redisconv"
)

// Limits are Redis's request limits.
type Limits struct {
	MaxBulk      int64 // proto-max-bulk-len
	MaxQuery     int64 // client-query-buffer-limit, for one request
	MaxInline    int   // PROTO_INLINE_MAX_SIZE
	MaxMultibulk int64 // Redis: INT_MAX
	// Authenticated reports whether the client has authenticated; until it
	// has, requests are limited to 10 arguments of 16 KiB each.
	Authenticated func() bool
}

// Error is a protocol error. Msg is the error reply to send before closing
// the connection; "" closes without a reply, as Redis does for a request
// over the query buffer limit.
type Error struct{ Msg string }

func (e *Error) Error() string {
	if e.Msg == "" {
		return "client query buffer limit reached"
	}
	return e.Msg
}

func protoErr(msg string) *Error { return &Error{"ERR Protocol error: " + msg} }

// A Reader's own buffer starts at Redis's read size, doubles up to 32 KiB
// when reads fill it, and grows further only for requests it must hold.
// Past bigReserve it grows with what arrives, not at once to the size a
// request announces: a client announcing a 512 MB bulk and sending nothing
// gets no 512 MB.
const (
	initialBufferSize   = 16 << 10
	maxGreedyBufferSize = 32 << 10
	bigReserve          = 1 << 20
	// maxKeptSlots bounds the argument and request slices kept between
	// batches: one request of 100,000 arguments does not leave 2.4 MB of
	// slice headers behind. A full read of small requests fits.
	maxKeptSlots = 16 << 10
)

// Scratch is a read buffer the Readers of one goroutine take turns with,
// as Redis 7.4's reusable query buffer: a Reader reads into it unless it
// holds input of its own (part of a request, or a batch retained), so an
// idle connection costs no read buffer at all. What the Reader whose
// input is in the Scratch still needs is copied out, lazily, when another
// Reader reads into it. The slices a batch's requests are cut into are
// shared too. The Readers must not run concurrently. The zero Scratch is
// ready to use.
type Scratch struct {
	buf    []byte
	holder *Reader // the Reader whose input is in buf
	args   [][]byte
	cmds   [][][]byte
	ends   []int
}

// Vacate has the Reader whose input is in s take its own copy of what it
// still needs, leaving s unheld: a Scratch lent to Readers for a while
// (another, nested, turn's) gives them back their input.
func (s *Scratch) Vacate() {
	if s.holder != nil {
		s.holder.leaveScratch()
	}
}

// ScratchSize is a Scratch's size: the most a Reader reads at once.
const ScratchSize = maxGreedyBufferSize

// Reader parses the requests of one connection.
type Reader struct {
	rd      io.Reader
	limits  Limits
	scratch *Scratch // nil: the Reader reads into its own buffer only
	buf     []byte   // scratch.buf while it holds it, else its own (or nil)
	r, w    int      // unparsed input is buf[r:w]
	args    [][]byte
	cmds    [][][]byte
	// The last batch of requests was read from buf[batch:r]; ends[i] is
	// where its request i ends, relative to batch (Raw and Ends).
	batch int
	ends  []int
	// want is the size of the request at r, as far as known, when this
	// batch ended waiting for the rest of it.
	want int
	// retain: the caller keeps the last batch past other Readers' reads;
	// released: the caller is done with it (Retain and Release).
	retain, released bool
	err              error // the protocol error that ended the stream
}

// NewReader reads requests from rd into a buffer of its own.
func NewReader(rd io.Reader, limits Limits) *Reader {
	return &Reader{rd: rd, limits: limits}
}

// NewSharedReader reads requests from rd into s when it can (see Scratch).
func NewSharedReader(rd io.Reader, limits Limits, s *Scratch) *Reader {
	return &Reader{rd: rd, limits: limits, scratch: s}
}

// SetMaxBulk and SetMaxQuery change those limits for the requests parsed
// from now on, as CONFIG SET proto-max-bulk-len and
// client-query-buffer-limit apply to every client at once in Redis.
func (rd *Reader) SetMaxBulk(n int64)  { rd.limits.MaxBulk = n }
func (rd *Reader) SetMaxQuery(n int64) { rd.limits.MaxQuery = n }

// Buffered is the number of bytes received and not yet parsed.
func (rd *Reader) Buffered() int { return rd.w - rd.r }

// ReadCommands returns the complete requests already received, reading
// from the connection only when there are none. A non-nil error ends the
// connection; the requests returned with it come before the error.
func (rd *Reader) ReadCommands() ([][][]byte, error) {
	if rd.err != nil {
		return nil, rd.err
	}
	rd.retain, rd.released, rd.want = false, false, 0
	s := rd.scratch
	if s == nil {
		rd.args, rd.cmds, rd.ends = trim(rd.args), trim(rd.cmds), trim(rd.ends)
		return rd.readCommands()
	}
	rd.takeScratch()
	rd.args, rd.cmds, rd.ends = trim(s.args), trim(s.cmds), trim(s.ends)
	cmds, err := rd.readCommands()
	s.args, s.cmds, s.ends = rd.args, rd.cmds, rd.ends
	return cmds, err
}

// trim empties a slice kept from the last batch, or drops it if large.
func trim[T any](s []T) []T {
	if cap(s) > maxKeptSlots {
		return nil
	}
	return s[:0]
}

func (rd *Reader) readCommands() ([][][]byte, error) {
	rd.batch = rd.r
	for {
		need, err := rd.parse()
		if err != nil {
			rd.err = err
			return rd.cmds, err
		}
		if len(rd.cmds) > 0 {
			return rd.cmds, nil
		}
		if err := rd.fill(need); err != nil {
			return nil, err
		}
	}
}

// takeScratch moves the unparsed input into the scratch buffer to read
// after it there, unless it is more than half of it (a large request being
// received keeps the Reader's own buffer).
func (rd *Reader) takeScratch() {
	s := rd.scratch
	if s.buf == nil {
		s.buf = make([]byte, ScratchSize)
	}
	rest := rd.w - rd.r
	if s.holder == rd || rest > len(s.buf)/2 {
		return
	}
	if s.holder != nil {
		s.holder.leaveScratch()
	}
	copy(s.buf, rd.buf[rd.r:rd.w])
	rd.buf, rd.r, rd.w = s.buf, 0, rest
	s.holder = rd
}

// leaveScratch gives the Reader holding the scratch buffer its own copy of
// what it still needs there, before another Reader reads into it: its
// unparsed input, and a retained batch, whose arguments are moved along.
func (rd *Reader) leaveScratch() {
	from := rd.r
	if rd.retain {
		from = rd.batch
	}
	var own []byte
	if rd.w > from {
		own = make([]byte, rd.w-from)
		copy(own, rd.buf[from:rd.w])
	}
	if rd.retain {
		// The requests' slices are shared with the caller (and rd.args may
		// have been reallocated since the first requests were cut from it):
		// move each argument through the requests.
		base := uintptr(unsafe.Pointer(unsafe.SliceData(rd.buf)))
		for _, args := range rd.cmds {
			for i, a := range args {
				off := int(uintptr(unsafe.Pointer(unsafe.SliceData(a))) - base)
				if off >= from && off+len(a) <= rd.w { // not an inline argument (a copy)
					off -= from
					args[i] = own[off : off+len(a) : off+len(a)]
				}
			}
		}
	}
	rd.buf, rd.r, rd.w, rd.batch = own, rd.r-from, rd.w-from, max(rd.batch-from, 0)
	rd.scratch.holder = nil
}

// Retain keeps cmds, the last of the last batch's requests, valid
// whatever other Readers of the Scratch read, until this Reader's next
// ReadCommands: requests that wait (CLIENT PAUSE, a blocked command before
// them). It returns them, in slices of their own.
func (rd *Reader) Retain(cmds [][][]byte) [][][]byte {
	rd.retain = true
	if rd.scratch == nil {
		return cmds
	}
	n := 0
	for _, args := range cmds {
		n += len(args)
	}
	rd.args, rd.cmds, rd.ends = make([][]byte, 0, n), make([][][]byte, len(cmds)), nil
	for i, args := range cmds {
		first := len(rd.args)
		rd.args = append(rd.args, args...)
		rd.cmds[i] = rd.args[first:len(rd.args):len(rd.args)]
	}
	return rd.cmds
}

// Release says the caller is done with the last batch: an idle connection
// then holds no slices, nor a large buffer of its own (the input of a
// large request).
func (rd *Reader) Release() {
	rd.released = true
	if rd.retain || rd.scratch == nil {
		return
	}
	rd.args, rd.cmds, rd.ends = nil, nil, nil // the Scratch's
	if rd.scratch.holder == rd {
		return
	}
	// Its own buffer goes once empty (the next read is into the
	// Scratch), or shrinks to what is left when the request that is
	// arriving needs little of it.
	switch rest := rd.w - rd.r; {
	case rest == 0:
		rd.buf, rd.r, rd.w, rd.batch = nil, 0, 0, 0
	case len(rd.buf) > 4*max(rest, rd.want)+initialBufferSize:
		rd.buf, rd.r, rd.w, rd.batch = append([]byte(nil), rd.buf[rd.r:rd.w]...), 0, rest, 0
	}
}

// Close drops the Reader's buffers; it reads nothing more.
func (rd *Reader) Close() {
	if rd.scratch != nil && rd.scratch.holder == rd {
		rd.scratch.holder = nil
	}
	rd.buf, rd.args, rd.cmds, rd.ends, rd.r, rd.w, rd.batch = nil, nil, nil, nil, 0, 0, 0
	if rd.err == nil {
		rd.err = io.ErrClosedPipe
	}
}

// QueryBuf is what CLIENT LIST shows as qbuf and qbuf-free: the input the
// Reader holds (what it has not parsed, and the last batch until the caller
// is done with it), and the free space of its own buffer (none while it
// reads into the Scratch: that is not the connection's).
func (rd *Reader) QueryBuf() (used, free int) {
	used = rd.w - rd.r
	if rd.retain || !rd.released {
		used = rd.w - rd.batch
	}
	if rd.scratch == nil || rd.scratch.holder != rd {
		free = len(rd.buf) - rd.w
	}
	return used, free
}

// ArgvLen is the length of the arguments of the last batch until the
// caller is done with it, or of the requests retained (CLIENT LIST's
// argv-mem).
func (rd *Reader) ArgvLen() int {
	if !rd.retain && rd.released {
		return 0
	}
	n := 0
	for _, args := range rd.cmds {
		for _, a := range args {
			n += len(a)
		}
	}
	return n
}

// Size is the memory the Reader holds: itself, its own buffer and slices
// (not the Scratch's).
func (rd *Reader) Size() int {
	n := int(unsafe.Sizeof(*rd))
	if rd.scratch == nil || rd.retain {
		n += cap(rd.args)*int(unsafe.Sizeof([]byte(nil))) + cap(rd.cmds)*int(unsafe.Sizeof([][]byte(nil))) +
			cap(rd.ends)*int(unsafe.Sizeof(0))
	}
	if rd.scratch == nil || rd.scratch.holder != rd {
		n += cap(rd.buf)
	}
	return n
}

// Prefill puts bytes already received from the connection (by whoever
// read it before) ahead of what the reader reads itself.
func (rd *Reader) Prefill(p []byte) {
	if rd.scratch != nil && rd.scratch.holder == rd {
		rd.leaveScratch()
	}
	if rd.w+len(p) > len(rd.buf) {
		grown := make([]byte, max(rd.w+len(p), 2*len(rd.buf)))
		copy(grown, rd.buf[:rd.w])
		rd.buf = grown
	}
	rd.w += copy(rd.buf[rd.w:], p)
}

// Raw is the bytes of the last batch of requests, exactly as received
// (empty requests and blank lines between them included); valid until the
// next ReadCommands. A replica forwards its master's stream with it.
func (rd *Reader) Raw() []byte { return rd.buf[rd.batch:rd.r] }

// Ends gives, for each request of the last batch, the length of Raw up to
// its end: a replica's offset before and after each command.
func (rd *Reader) Ends() []int { return rd.ends }

// fill makes room for a request of need bytes and reads more input. The
// bytes the current batch consumed so far (empty requests) are kept, for
// Raw.
func (rd *Reader) fill(need int) error {
	if rd.batch > 0 {
		n := copy(rd.buf, rd.buf[rd.batch:rd.w])
		rd.r, rd.w, rd.batch = rd.r-rd.batch, n, 0
	}
	rd.want = need
	// A request larger than the buffer grows it once it is three quarters
	// full: a large one arriving slowly is not copied at every part.
	if need += rd.r; need > len(rd.buf) && len(rd.buf)-rd.w < max(len(rd.buf)/4, 1) {
		rd.grow(need)
	}
	n, err := rd.rd.Read(rd.buf[rd.w:])
	full := n == len(rd.buf)-rd.w
	rd.w += n
	if full && len(rd.buf) < maxGreedyBufferSize {
		// The read filled the buffer: more is waiting. A bigger buffer
		// takes a client's whole pipeline in one read next time, as
		// Redis's greedy query buffer does; under appendfsync always
		// that makes the group commits larger. Up to 32 KiB only: bigger
		// reads made turns long enough to double MSET's p99 at -P16.
		rd.grow(2 * len(rd.buf))
	}
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// grow gives the Reader a buffer of its own of at least need bytes, or of
// room to read towards them, keeping buf[:w]. The buffer doubles, which
// keeps a request whose size is learned a bulk at a time (many small
// arguments) from costing quadratic copying; but past bigReserve it is
// never more than twice what has arrived.
func (rd *Reader) grow(need int) {
	size := max(min(max(need, 2*len(rd.buf)), rd.w+max(rd.w, bigReserve)), initialBufferSize)
	grown := make([]byte, size)
	copy(grown, rd.buf[:rd.w])
	if rd.scratch != nil && rd.scratch.holder == rd {
		rd.scratch.holder = nil
	}
	rd.buf = grown
}

// parse appends every complete request in buf[r:w] to cmds. It returns
// the buffer size the next incomplete request needs.
func (rd *Reader) parse() (need int, err error) {
	for rd.r < rd.w {
		var n int
		var ok bool
		if rd.buf[rd.r] == '*' {
			n, ok, err = rd.parseMultibulk(rd.buf[rd.r:rd.w])
		} else {
			n, ok, err = rd.parseInline(rd.buf[rd.r:rd.w])
		}
		if err != nil || !ok {
			return max(n, rd.w-rd.r+1), err
		}
		rd.r += n
		if len(rd.cmds) > len(rd.ends) {
			rd.ends = append(rd.ends, rd.r-rd.batch)
		}
	}
	return 1, nil
}

// parseMultibulk parses one "*<n>\r\n" request at the start of b. When b
// holds only part of it, ok is false and n is the total size it needs, if
// known.
func (rd *Reader) parseMultibulk(b []byte) (n int, ok bool, err error) {
	count, pos, ok, err := rd.header(b, "too big mbulk count string")
	if err != nil || !ok {
		return 0, false, err
	}
	switch {
	case count > rd.limits.MaxMultibulk:
		return 0, false, protoErr("invalid multibulk length")
	case count > 10 && !rd.authenticated():
		return 0, false, protoErr("unauthenticated multibulk length")
	case count <= 0:
		return pos, true, nil // Redis ignores empty multi-bulks
	}
	first := len(rd.args)
	var total int64
	for i := int64(0); i < count; i++ {
		if pos == len(b) {
			rd.args = rd.args[:first]
			return 0, false, nil
		}
		if b[pos] != '$' {
			return 0, false, protoErr("expected '$', got '" + string(b[pos]) + "'")
		}
		size, hdr, ok, err := rd.header(b[pos:], "too big bulk count string")
		if err != nil || !ok {
			rd.args = rd.args[:first]
			return 0, false, err
		}
		switch {
		case size < 0 || size > rd.limits.MaxBulk:
			return 0, false, protoErr("invalid bulk length")
		case size > 16384 && !rd.authenticated():
			return 0, false, protoErr("unauthenticated bulk length")
		}
		if total += size; total > rd.limits.MaxQuery {
			return 0, false, &Error{}
		}
		pos += hdr
		// Redis skips the two bytes after a bulk without checking them.
		if end := int64(pos) + size + 2; end > int64(len(b)) {
			rd.args = rd.args[:first]
			return int(end), false, nil
		}
		rd.args = append(rd.args, b[pos:pos+int(size):pos+int(size)])
		pos += int(size) + 2
	}
	rd.cmds = append(rd.cmds, rd.args[first:len(rd.args):len(rd.args)])
	return pos, true, nil
}

// header parses the "*<n>" or "$<n>" line at the start of b and returns
// the number and the line's length including the two bytes after its CR
// (Redis does not check that the second is LF).
func (rd *Reader) header(b []byte, tooBig string) (v int64, n int, ok bool, err error) {
	// Most counts and lengths have one or two digits: no search, no parse.
	if len(b) >= 5 && b[3] == '\r' && b[1] >= '1' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9' {
		return int64(b[1]-'0')*10 + int64(b[2]-'0'), 5, true, nil
	}
	if len(b) >= 4 && b[2] == '\r' && b[1] >= '0' && b[1] <= '9' {
		return int64(b[1] - '0'), 4, true, nil
	}
	return rd.parseHeader(b, tooBig)
}

// parseHeader is header for any line.
func (rd *Reader) parseHeader(b []byte, tooBig string) (v int64, n int, ok bool, err error) {
	i := bytes.IndexByte(b, '\r')
	if i < 0 || i+1 >= len(b) {
		if len(b) > rd.limits.MaxInline {
			return 0, 0, false, protoErr(tooBig)
		}
		return 0, 0, false, nil
	}
	v, valid := redisconv.ParseInt(b[1:i])
	if !valid {
		if b[0] == '*' {
			return 0, 0, false, protoErr("invalid multibulk length")
		}
		return 0, 0, false, protoErr("invalid bulk length")
	}
	return v, i + 2, true, nil
}

// parseInline parses one inline request line at the start of b.
func (rd *Reader) parseInline(b []byte) (n int, ok bool, err error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(b) > rd.limits.MaxInline {
			return 0, false, protoErr("too big inline request")
		}
		return 0, false, nil
	}
	args, ok := SplitArgs(bytes.TrimSuffix(b[:i], []byte("\r")))
	if !ok {
		return 0, false, protoErr("unbalanced quotes in request")
	}
	if len(args) > 0 {
		first := len(rd.args)
		rd.args = append(rd.args, args...)
		rd.cmds = append(rd.cmds, rd.args[first:len(rd.args):len(rd.args)])
	}
	return i + 1, true, nil
}

func (rd *Reader) authenticated() bool {
	return rd.limits.Authenticated == nil || rd.limits.Authenticated()
}

// Check applies the limits to a request another parser read (redcon's),
// after the fact, with the errors the Reader gives while parsing: the
// arguments of an unauthenticated client, and proto-max-bulk-len.
func (l Limits) Check(args [][]byte, authenticated bool) *Error {
	if len(args) > 10 && !authenticated {
		return protoErr("unauthenticated multibulk length")
	}
	for _, a := range args {
		switch {
		case int64(len(a)) > l.MaxBulk:
			return protoErr("invalid bulk length")
		case len(a) > 16384 && !authenticated:
			return protoErr("unauthenticated bulk length")
		}
	}
	return nil
}
