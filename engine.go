package main

import (
	"errors"
	"net"
	"time"
)

// errWouldBlock: a connection has no more input for now.
var errWouldBlock = errors.New("would block")

// An engine owns the sockets: it accepts connections (turning away those
// past maxclients or refused by protected mode), delivers each client's
// parsed requests to runRequests, and writes a client's output once the
// core has put replies or pushes there and called touch. Everything else —
// dispatch, the end of a turn (endTurn: held requests, beforeSleep), who
// gets which push — is the core's, written once for both engines:
//   - epoll (engine_epoll.go, Linux only, the default there): one goroutine
//     owns every socket through epoll, as Redis's ae loop;
//   - redcon (engine_redcon.go, every OS, the default elsewhere):
//     github.com/tidwall/redcon's server, a goroutine per connection and
//     redcon's RESP parser.
//
// A turn is one pass of the engine with the data lock held: requests run,
// then endTurn, then the touched clients' output is written.
type engine interface {
	// run serves until the server stops, then closes every client.
	run()
	// wake has the engine take a turn soon; any goroutine may call it.
	wake()
	// serveWhileBusy serves the other clients once, from inside a script
	// past busy-reply-threshold (lock held, and given back held): their
	// requests are refused BUSY but for the few allowed then, the
	// script's caller is left alone and the master's stream unread, as
	// Redis's processEventsWhileBlocked.
	serveWhileBusy()
	// joinMaster gives the connection to our master, synced, to the
	// engine (lock held), which feeds the master's stream to m.readStream
	// from then on; received is what the handshake read past the RDB.
	joinMaster(m *masterLink, conn net.Conn, received []byte) error
}

// masterStream is the master's connection once it has joined the engine.
type masterStream interface {
	// send writes a few bytes (REPLCONF ACK) without waiting for a master
	// that does not read: the next ACK repeats the offset.
	send(p []byte)
	// close ends the engine's part of the link.
	close()
}

// touch marks c as having output to write at the end of the turn.
func (s *Server) touch(c *Client) {
	if !c.touched {
		c.touched = true
		s.touched = append(s.touched, c)
	}
}

// eachTouched calls write for every client with output this turn, then
// forgets them: the last touched first, as Redis writes its
// clients_pending_write list, so that a publisher's reply leaves before
// the messages it fanned out and its next request comes while they go.
// Clients touched by the writes themselves come after.
// While a script is busy its caller, whose turn is running it, stays
// touched for that turn to write.
func (s *Server) eachTouched(write func(*Client)) {
	var caller *Client
	if s.busyScript != nil {
		caller = s.busyScript.caller
	}
	n := len(s.touched)
	for i := n - 1; i >= 0; i-- {
		if c := s.touched[i]; c != caller {
			c.touched = false
			write(c)
		}
	}
	for i := n; i < len(s.touched); i++ {
		if c := s.touched[i]; c != caller {
			c.touched = false
			write(c)
		}
	}
	clear(s.touched)
	s.touched = s.touched[:0]
	if caller != nil && caller.touched {
		s.touched = append(s.touched, caller)
	}
}

// runRequests executes a client's requests in order. When CLIENT PAUSE
// holds one, it and the rest wait in c.pending; after a command that
// blocks, the rest wait until it is served. The engine keeps what waits
// valid and does not read the client meanwhile, or holds what it reads
// behind it.
func (s *Server) runRequests(c *Client, cmds [][][]byte) {
	now := s.now()
	for i, args := range cmds {
		if c.closing || s.stopping {
			return
		}
		if c.conn != nil && !s.admitRequest(c, args) {
			return // redcon parsed it: its limits are checked now
		}
		if s.pausedFor(c, args) {
			c.pending = cmds[i:]
			c.paused = true
			s.held = append(s.held, c)
			s.touch(c) // the engine stops reading it until it resumes
			return
		}
		now = s.dispatchAt(c, args, now)
		s.touch(c)
		if c.blocked != nil {
			c.pending = cmds[i+1:]
			return
		}
	}
}

// unblocked resumes a client whose blocking command has replied (lock
// held, any goroutine).
func (s *Server) unblocked(c *Client) {
	s.touch(c)
	if len(c.pending) > 0 {
		s.held = append(s.held, c)
	}
	if s.engine != nil {
		s.engine.wake()
	}
}

// endTurn is the core's end of a turn: it retries the requests CLIENT
// PAUSE held and those that waited behind a blocking command, then runs
// beforeSleep; last, every client given output this turn (replies,
// messages, a replica's stream) is held to its client-output-buffer-limit
// before the engine writes. resumed is called for each client left with
// nothing held (the epoll engine reads what arrived meanwhile).
//
// Inside a busy script (serveWhileBusy) only the output limits apply: what
// waits, the AOF, the replicas and WAIT wait for the script's end.
func (s *Server) endTurn(resumed func(*Client)) {
	if s.busyScript == nil {
		waiting := s.held
		s.held = nil
		for _, c := range waiting {
			if s.clients[c.id] != c {
				continue // gone meanwhile
			}
			cmds := c.pending
			c.pending, c.paused = nil, false
			s.runRequests(c, cmds)
			if len(c.pending) == 0 && !c.closing && resumed != nil {
				resumed(c)
			}
		}
		if len(s.blocking.clients) > 0 {
			s.expireBlocked(s.now())
			s.serveReadyKeys() // what a CLIENT PAUSE that ended held
		}
		if s.eviction.timedOut {
			s.performEvictions() // Redis's evictionTimeProc
		}
		if s.cfg.MaxMemoryClients != 0 {
			s.evictClients()
		}
		for _, c := range s.beforeSleep() {
			s.unblocked(c)
		}
	}
	for _, c := range s.touched {
		s.checkOutputBufferLimits(c)
	}
}

// nextDeadline is when a turn is due without any input: a CLIENT PAUSE
// ending while it holds requests, a WAIT or a command blocked on keys
// timing out; zero if never.
func (s *Server) nextDeadline() time.Time {
	var next time.Time
	if until := s.pauseUntil.Load(); len(s.held) > 0 && until > time.Now().UnixNano() {
		next = time.Unix(0, until) // a FAILOVER's pause wakes the engine as it ends
	}
	for _, d := range []time.Time{s.nextWaitDeadline(), s.nextBlockedDeadline()} {
		if !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	if s.eviction.timedOut {
		next = time.Now() // evictions left at their time limit go on each turn
	}
	return next
}
