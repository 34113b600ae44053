// Package resp reads client requests the way Redis's networking.c does
// (processMultibulkBuffer, processInlineBuffer): the same protocol errors,
// the same limits, "*0" ignored, inline commands split like sdssplitargs.
// Arguments are slices of the read buffer, so reading a request allocates
// nothing; they stay valid until the next ReadCommands call, and whoever
// keeps one must copy it.
package resp

import (
	"bytes"
	"io"

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

// A client's read buffer starts at Redis's read size, doubles up to 32 KiB
// when reads fill it, and grows further only for requests it must hold; a
// buffer grown past maxIdleBufferSize is released once it is empty, so an
// idle client costs 16 or 32 KiB.
const (
	initialBufferSize   = 16 << 10
	maxGreedyBufferSize = 32 << 10
	maxIdleBufferSize   = 64 << 10
)

// Reader parses the requests of one connection.
type Reader struct {
	rd     io.Reader
	limits Limits
	buf    []byte
	r, w   int // unparsed input is buf[r:w]
	args   [][]byte
	cmds   [][][]byte
	// The last batch of requests was read from buf[batch:r]; ends[i] is
	// where its request i ends, relative to batch (Raw and Ends).
	batch int
	ends  []int
	err   error // the protocol error that ended the stream
}

// NewReader reads requests from rd.
func NewReader(rd io.Reader, limits Limits) *Reader {
	return &Reader{rd: rd, limits: limits, buf: make([]byte, initialBufferSize)}
}

// Buffered is the number of bytes received and not yet parsed.
func (rd *Reader) Buffered() int { return rd.w - rd.r }

// ReadCommands returns the complete requests already received, reading
// from the connection only when there are none. A non-nil error ends the
// connection; the requests returned with it come before the error.
func (rd *Reader) ReadCommands() ([][][]byte, error) {
	if rd.err != nil {
		return nil, rd.err
	}
	rd.args, rd.cmds, rd.ends = rd.args[:0], rd.cmds[:0], rd.ends[:0]
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

// Prefill puts bytes already received from the connection (by whoever
// read it before) ahead of what the reader reads itself.
func (rd *Reader) Prefill(p []byte) {
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
	need += rd.r
	if need > len(rd.buf) {
		// Doubling keeps a request of many small arguments, whose size is
		// learned a bulk at a time, from costing quadratic copying.
		grown := make([]byte, max(need, 2*len(rd.buf)))
		copy(grown, rd.buf[:rd.w])
		rd.buf = grown
	} else if rd.w == 0 && len(rd.buf) > maxIdleBufferSize {
		rd.buf = make([]byte, initialBufferSize)
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
		grown := make([]byte, 2*len(rd.buf))
		copy(grown, rd.buf[:rd.w])
		rd.buf = grown
	}
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
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
