package main

import (
	"fmt"
	"time"
)

// The slow log, as Redis's slowlog.c: the last slowlog-max-len commands
// that ran for slowlog-log-slower-than microseconds or more (-1 logs
// none, 0 every command), newest first, for SLOWLOG GET. Entries are fed
// by call for the command that ran — each of a transaction's and a
// script's commands on its own, a blocked command when it is served — with
// its arguments as the client sent them (passwords already redacted).

// Redis keeps at most this many arguments of an entry, and this many
// bytes of each.
const (
	slowlogMaxArgs  = 32
	slowlogMaxBytes = 128
)

type slowlogEntry struct {
	id, unix, usec int64
	args           [][]byte // copied, truncated as Redis truncates them
	peer, name     string
}

type slowlog struct {
	entries []slowlogEntry // oldest first
	nextID  int64
}

// slowlogPush is Redis's slowlogPushCurrentCommand: it logs a command
// that took usec microseconds if it was slow enough, and trims the log to
// its length limit, which CONFIG SET may have lowered (lock held).
func (s *Server) slowlogPush(c *Client, cmd *Command, args [][]byte, usec int64) {
	threshold := s.cfg.SlowlogLogSlowerThan
	if threshold < 0 || cmd.has(flagSkipSlowlog) {
		return
	}
	l := &s.slowlog
	if usec >= threshold {
		l.entries = append(l.entries, slowlogEntry{
			id: l.nextID, unix: time.Now().Unix(), usec: usec,
			args: slowlogArgs(args), peer: s.peerID(c), name: c.name,
		})
		l.nextID++
	}
	if excess := int64(len(l.entries)) - s.cfg.SlowlogMaxLen; excess > 0 {
		clear(l.entries[:excess])
		l.entries = l.entries[excess:]
	}
}

// slowlogArgs copies a command's arguments for its entry: the request's
// buffer is reused. Past 32 arguments the last kept says how many more
// there were; past 128 bytes an argument says how many more it had.
func slowlogArgs(args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	kept := make([][]byte, n)
	for i := range n {
		a := args[i]
		switch {
		case n < len(args) && i == n-1:
			kept[i] = fmt.Appendf(nil, "... (%d more arguments)", len(args)-n+1)
		case len(a) > slowlogMaxBytes:
			kept[i] = fmt.Appendf(append([]byte(nil), a[:slowlogMaxBytes]...), "... (%d more bytes)", len(a)-slowlogMaxBytes)
		default:
			kept[i] = append([]byte(nil), a...)
		}
	}
	return kept
}

// peerID is a client's address as the slow log shows it: a script's
// client has none, "?:0" as Redis's fake clients.
func (s *Server) peerID(c *Client) string {
	if s.scripting != nil && c == s.scripting.client {
		return "?:0"
	}
	return c.addr
}

// cmdSlowlogGet: SLOWLOG GET [count], the newest entries first (10 by
// default, -1 for all).
func cmdSlowlogGet(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "SLOWLOG"))
		return
	}
	entries := c.srv.slowlog.entries
	count := int64(10)
	if len(args) == 3 {
		n, ok := parseInt64(args[2])
		if !ok || n < -1 {
			c.Error(errSlowlogCount)
			return
		}
		count = n
	}
	if count == -1 || count > int64(len(entries)) {
		count = int64(len(entries))
	}
	c.Array(int(count))
	for i := len(entries) - 1; i >= len(entries)-int(count); i-- {
		e := &entries[i]
		c.Array(6)
		c.Int(e.id)
		c.Int(e.unix)
		c.Int(e.usec)
		c.Array(len(e.args))
		for _, a := range e.args {
			c.Bulk(a)
		}
		c.BulkString(e.peer)
		c.BulkString(e.name)
	}
}

func cmdSlowlogLen(c *Client, args [][]byte) { c.Int(int64(len(c.srv.slowlog.entries))) }

// cmdSlowlogReset empties the log; entry ids go on from where they were.
func cmdSlowlogReset(c *Client, args [][]byte) {
	c.srv.slowlog.entries = nil
	c.OK()
}

func cmdSlowlogHelp(c *Client, args [][]byte) {
	c.Help("SLOWLOG",
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.")
}
