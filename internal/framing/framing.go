// Package framing checks the framing of client requests before redcon
// parses them, so that respd answers malformed or oversized input exactly
// as Redis does (processMultibulkBuffer / processInlineBuffer in Redis's
// networking.c). redcon's own parser is stricter in some places (it rejects
// "*0", the empty multi-bulk Redis ignores) and unbounded in others (no
// limit on bulk or request size), so it only ever sees requests that passed
// here, in a normalized form.
package framing

import (
	"bytes"

	"respd/internal/redisconv"
)

// Limits are Redis's request limits.
type Limits struct {
	MaxBulk      int64 // proto-max-bulk-len
	MaxQuery     int64 // client-query-buffer-limit, per request
	MaxInline    int   // PROTO_INLINE_MAX_SIZE
	MaxMultibulk int64 // Redis: INT_MAX
	// Authenticated reports whether the client has authenticated; until it
	// has, requests are limited to 10 arguments of 16 KiB each.
	Authenticated func() bool
}

// Error is a protocol error. Msg is the reply to send before closing the
// connection ("" closes without a reply, as Redis does for a request over
// the query buffer limit).
type Error struct{ Msg string }

func (e *Error) Error() string {
	if e.Msg == "" {
		return "client query buffer limit reached"
	}
	return e.Msg
}

func protoErr(msg string) *Error { return &Error{"ERR Protocol error: " + msg} }

type state uint8

const (
	atRequest  state = iota // at the start of a request
	inInline                // collecting an inline request line
	atBulk                  // expecting a "$<len>" header
	inBulkBody              // copying a bulk's bytes (and its CRLF)
)

// Guard follows one connection's request stream.
type Guard struct {
	limits   Limits
	state    state
	args     int64  // bulks left in the current multi-bulk request
	bodyLeft int64  // bytes left of the current bulk, including CRLF
	reqBytes int64  // bulk bytes of the current request so far
	inline   []byte // the current inline request line so far
	pending  []byte // a normalized header not yet delivered
}

// New returns a guard with the given limits.
func New(limits Limits) *Guard { return &Guard{limits: limits} }

// Filter copies the valid part of src into dst and reports how many bytes
// it wrote and how many of src it consumed. When src ends inside a header
// line it stops before that line: call again with src extended by more
// input. A non-nil error means the connection must be closed.
func (g *Guard) Filter(dst, src []byte) (n, consumed int, err error) {
	for {
		if len(g.pending) > 0 {
			c := copy(dst[n:], g.pending)
			n += c
			g.pending = g.pending[c:]
			if len(g.pending) > 0 {
				return n, consumed, nil
			}
		}
		if consumed == len(src) || n == len(dst) {
			return n, consumed, nil
		}
		rest := src[consumed:]
		switch g.state {
		case atRequest:
			if rest[0] != '*' {
				g.state = inInline
				continue
			}
			line, ok, err := g.headerLine(rest, "too big mbulk count string")
			if err != nil || !ok {
				return n, consumed, err
			}
			count, valid := redisconv.ParseInt(line[1:])
			switch {
			case !valid || count > g.limits.MaxMultibulk:
				return n, consumed, protoErr("invalid multibulk length")
			case !g.authenticated() && count > 10:
				return n, consumed, protoErr("unauthenticated multibulk length")
			}
			consumed += len(line) + 2
			if count <= 0 {
				continue // Redis ignores empty multi-bulks
			}
			g.args, g.reqBytes, g.state = count, 0, atBulk
			g.pending = appendHeader(g.pending[:0], '*', count)
		case inInline:
			i := bytes.IndexByte(rest, '\n')
			take := len(rest)
			if i >= 0 {
				take = i + 1
			}
			if len(g.inline)+take > g.limits.MaxInline {
				return n, consumed, protoErr("too big inline request")
			}
			g.inline = append(g.inline, rest[:take]...)
			consumed += take
			if i < 0 {
				continue
			}
			// A whole inline line: split it as Redis does and hand redcon
			// the equivalent multi-bulk request.
			args, ok := SplitArgs(bytes.TrimSuffix(bytes.TrimSuffix(g.inline, []byte("\n")), []byte("\r")))
			if !ok {
				return n, consumed, protoErr("unbalanced quotes in request")
			}
			g.inline, g.state = g.inline[:0], atRequest
			if len(args) > 0 {
				g.pending = appendHeader(g.pending[:0], '*', int64(len(args)))
				for _, a := range args {
					g.pending = appendHeader(g.pending, '$', int64(len(a)))
					g.pending = append(append(g.pending, a...), '\r', '\n')
				}
			}
		case atBulk:
			if rest[0] != '$' {
				return n, consumed, protoErr("expected '$', got '" + string(rest[0]) + "'")
			}
			line, ok, err := g.headerLine(rest, "too big bulk count string")
			if err != nil || !ok {
				return n, consumed, err
			}
			size, valid := redisconv.ParseInt(line[1:])
			switch {
			case !valid || size < 0 || size > g.limits.MaxBulk:
				return n, consumed, protoErr("invalid bulk length")
			case !g.authenticated() && size > 16384:
				return n, consumed, protoErr("unauthenticated bulk length")
			}
			if g.reqBytes += size; g.reqBytes > g.limits.MaxQuery {
				return n, consumed, &Error{}
			}
			consumed += len(line) + 2
			g.bodyLeft, g.state = size+2, inBulkBody
			g.pending = appendHeader(g.pending[:0], '$', size)
		case inBulkBody:
			// The bulk's bytes go through as they are; its two trailing
			// bytes are not checked by Redis, so they are normalized to the
			// CRLF redcon insists on.
			take := int(min(g.bodyLeft, int64(len(rest)), int64(len(dst)-n)))
			data := int(max(0, min(int64(take), g.bodyLeft-2)))
			copy(dst[n:], rest[:data])
			for i := data; i < take; i++ {
				dst[n+i] = "\r\n"[2-(g.bodyLeft-int64(i))]
			}
			n += take
			consumed += take
			if g.bodyLeft -= int64(take); g.bodyLeft == 0 {
				if g.args--; g.args == 0 {
					g.state = atRequest
				} else {
					g.state = atBulk
				}
			}
		}
	}
}

// Pending reports whether output is waiting to be delivered: call Filter
// again before waiting for more input.
func (g *Guard) Pending() bool { return len(g.pending) > 0 }

// headerLine returns the "*<n>" or "$<n>" line at the start of src,
// without its CR and the byte after it (Redis skips two bytes there
// whatever they are). ok is false when src holds no complete line yet.
func (g *Guard) headerLine(src []byte, tooBig string) (line []byte, ok bool, err error) {
	i := bytes.IndexByte(src, '\r')
	if i < 0 || i+1 >= len(src) {
		if len(src) > g.limits.MaxInline/2 {
			return nil, false, protoErr(tooBig)
		}
		return nil, false, nil
	}
	return src[:i], true, nil
}

func (g *Guard) authenticated() bool {
	return g.limits.Authenticated == nil || g.limits.Authenticated()
}

func appendHeader(b []byte, kind byte, n int64) []byte {
	b = append(b, kind)
	b = appendInt(b, n)
	return append(b, '\r', '\n')
}

func appendInt(b []byte, n int64) []byte {
	var digits [20]byte
	i := len(digits)
	for {
		i--
		digits[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, digits[i:]...)
}
