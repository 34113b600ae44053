package main

import (
	"slices"
	"strconv"
	"time"
)

// MONITOR, as Redis 7.0's: a monitoring client receives a line for every
// command the server executes, as call() feeds replicationFeedMonitors —
// after the command ran (so SELECT shows the database it selected, and
// AUTH's and HELLO's passwords are already redacted), never for admin
// commands (CONFIG, DEBUG, CLIENT LIST…: too dangerous to show), nor for
// commands replayed from the AOF or run again when a blocked client is
// served. Inside EXEC each command is shown as it runs, then EXEC.
//
// Redis marks a monitor as a replica (CLIENT_SLAVE|CLIENT_MONITOR), which
// is why it may not touch the keyspace ("Replica can't interact with the
// keyspace"), why CLIENT PAUSE and the timeout spare it, and why a second
// MONITOR is ignored without a reply.
//
// The lines are simple strings, in RESP3 too, written like any reply: a
// monitor with CLIENT REPLY OFF receives none. With nobody monitoring,
// call() pays one length check.

// redactedArg replaces a password in what MONITOR shows, as Redis's
// redactClientCommandArgument.
var redactedArg = []byte("(redacted)")

// cmdMonitor: MONITOR.
func cmdMonitor(c *Client, args [][]byte) {
	s := c.srv
	if s.inExec {
		// Redis's CLIENT_DENY_BLOCKING: a transaction expects one reply
		// per command.
		c.Error(errMonitorDenyBlocking)
		return
	}
	if c.monitor || c.replica != nil {
		return
	}
	c.monitor = true
	s.monitors = append(s.monitors, c)
	c.OK()
}

// stopMonitoring ends the client's monitor mode, if on (RESET, or it
// disconnected).
func (c *Client) stopMonitoring() {
	if !c.monitor {
		return
	}
	c.monitor = false
	s := c.srv
	i := slices.Index(s.monitors, c)
	s.monitors = slices.Delete(s.monitors, i, i+1)
}

// redact hides args[i] from MONITOR: the handler has read it already.
func redact(args [][]byte, i int) { args[i] = redactedArg }

// feedMonitors sends every monitor the line of a command c executed:
// +<unix time>.<microseconds> [<db> <address>] "arg" "arg" …
func (s *Server) feedMonitors(c *Client, args [][]byte) {
	now := time.Now()
	b := append(s.monitorLine[:0], '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	usec := now.Nanosecond() / 1000
	for div := 100000; div > usec && div > 1; div /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(usec), 10)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(c.db), 10)
	b = append(b, ' ')
	b = append(b, c.addr...)
	b = append(b, "] "...)
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendRepr(b, a)
	}
	b = append(b, "\r\n"...)
	for _, m := range s.monitors {
		// Like any reply: dropped under CLIENT REPLY OFF, or SKIP while
		// the skipped command is the monitor's own.
		if m.closing || m.replyOff || (m == c && m.skipThis) {
			continue
		}
		m.w.WriteRaw(b)
		s.touch(m)
	}
	if cap(b) > 64<<10 {
		b = nil // a huge command's line is not kept for good
	}
	s.monitorLine = b
}

// appendRepr quotes s as Redis's sdscatrepr: printable ASCII as it is, \\
// \" \n \r \t \a \b escaped, any other byte as \xhh.
func appendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= ' ' && ch <= '~' {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}
