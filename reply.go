package main

import (
	"strconv"
	"strings"

	"respd/internal/redisconv"
)

// The reply writer: handlers say what they mean and the client's protocol
// (RESP2 or RESP3, chosen with HELLO) decides the bytes. RESP2 gets Redis's
// classic downgrades: map → flat array, set → array, double → bulk string,
// boolean → integer, null → $-1 (or *-1 for a null array).
//
// Replies are encoded with redcon's Append functions into the client's
// outbound (outbound.go), a buffer lent for the event loop's turn, and
// reach the socket at its end. A client with CLIENT REPLY OFF/SKIP
// discards them here.

func (c *Client) Simple(s string) {
	if c.muted() {
		return
	}
	c.w.WriteString(s)
}

func (c *Client) OK() { c.Simple("OK") }

// Error sends an error reply; newlines would break the protocol, so they
// become spaces, as in Redis.
func (c *Client) Error(msg string) {
	c.srv.countError(msg)
	c.callErrors++
	if c.muted() {
		return
	}
	if strings.ContainsAny(msg, "\r\n") {
		msg = strings.NewReplacer("\r", " ", "\n", " ").Replace(msg)
	}
	c.w.WriteError(msg)
}

func (c *Client) Int(n int64) {
	if c.muted() {
		return
	}
	c.w.WriteInt64(n)
}

func (c *Client) Bulk(b []byte) {
	if c.muted() {
		return
	}
	c.w.WriteBulk(b)
}

func (c *Client) BulkString(s string) {
	if c.muted() {
		return
	}
	c.w.WriteBulkString(s)
}

// BulkInt sends an integer as a bulk string (as Redis does for INCRBYFLOAT
// results and CONFIG GET values).
func (c *Client) BulkInt(n int64) {
	var buf [20]byte
	c.Bulk(strconv.AppendInt(buf[:0], n, 10))
}

func (c *Client) Array(n int) {
	if c.muted() {
		return
	}
	c.w.WriteArray(n)
}

// Null is the null bulk string (RESP2 $-1, RESP3 _).
func (c *Client) Null() { c.raw("$-1\r\n", "_\r\n") }

// NullArray is the null multi-bulk (RESP2 *-1, RESP3 _).
func (c *Client) NullArray() { c.raw("*-1\r\n", "_\r\n") }

// Map announces n key/value pairs (2n elements follow).
func (c *Client) Map(n int) { c.header('%', 2*n, n) }

// Set announces n elements of an unordered set.
func (c *Client) Set(n int) { c.header('~', n, n) }

// Push announces an out-of-band message of n elements.
func (c *Client) Push(n int) { c.header('>', n, n) }

func (c *Client) Bool(b bool) {
	switch {
	case c.resp == 3 && b:
		c.raw("", "#t\r\n")
	case c.resp == 3:
		c.raw("", "#f\r\n")
	case b:
		c.Int(1)
	default:
		c.Int(0)
	}
}

// Double sends a floating point number formatted as Redis does (%.17g),
// formatted on the stack: scores are on the common path.
func (c *Client) Double(f float64) {
	var buf [32]byte
	if c.resp != 3 {
		c.Bulk(redisconv.AppendDouble(buf[:0], f))
		return
	}
	if c.muted() {
		return
	}
	b := append(redisconv.AppendDouble(append(buf[:0], ','), f), '\r', '\n')
	c.w.WriteRaw(b)
}

// Verbatim sends text (RESP3 =<len>\r\ntxt:...), a bulk string in RESP2.
func (c *Client) Verbatim(s string) {
	if c.resp != 3 {
		c.BulkString(s)
		return
	}
	if c.muted() {
		return
	}
	c.w.WriteRaw([]byte("=" + strconv.Itoa(len(s)+4) + "\r\ntxt:" + s + "\r\n"))
}

// header writes a RESP3 aggregate header, or its RESP2 array equivalent.
func (c *Client) header(kind byte, n2, n3 int) {
	if c.muted() {
		return
	}
	if c.resp != 3 {
		c.w.WriteArray(n2)
		return
	}
	b := append([]byte{kind}, strconv.Itoa(n3)...)
	c.w.WriteRaw(append(b, '\r', '\n'))
}

func (c *Client) raw(resp2, resp3 string) {
	if c.muted() {
		return
	}
	if c.resp == 3 {
		c.w.WriteRaw([]byte(resp3))
	} else {
		c.w.WriteRaw([]byte(resp2))
	}
}

// BulkStrings sends a list of strings as an array of bulk strings.
func (c *Client) BulkStrings(items []string) {
	c.Array(len(items))
	for _, s := range items {
		c.BulkString(s)
	}
}

// Help sends a container command's HELP reply as Redis's addReplyHelp does:
// a usage line, the given lines, and the trailing HELP entry, all as simple
// strings. name is the container, e.g. "CLIENT".
func (c *Client) Help(name string, lines ...string) {
	c.Array(len(lines) + 3)
	c.Simple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.Simple(l)
	}
	c.Simple("HELP")
	c.Simple("    Prints this help.")
}
