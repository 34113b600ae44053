package main

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"respd/internal/keyspace"
	"respd/internal/redisconv"
)

// Blocking commands, once for every family, as Redis's blocked.c: a client
// that finds nothing to serve it waits — in WAIT for replicas'
// acknowledgements, or on keys (BLPOP, BLMOVE, BLMPOP; BZPOPMIN and XREAD
// BLOCK to come) in each key's FIFO. A key a value is stored under is
// marked ready (keyspace's OnStore, Redis's signalKeyAsReady); after the
// command that did it — after EXEC as a whole, after each command of the
// master's stream — the waiters of each ready key are served in FIFO
// order: each runs its command again, which now finds the value, replies
// and propagates itself in its non-blocking form (BLPOP as LPOP…), or
// finds it gone and keeps waiting in its place. A waiter that disconnected
// is gone from the FIFOs, so it never takes an element it can't receive.

// blockState is what a blocked client waits for.
type blockState struct {
	deadline time.Time    // zero: no timeout
	wait     *waitRequest // WAIT's
	keys     *keyWait     // a command's, on keys
}

// keyWait is a command blocked on keys: served when one of them holds a
// value of type want, by running cmd with args again in database db.
type keyWait struct {
	db   int
	keys []string
	want keyspace.Type
	cmd  *Command
	args [][]byte // the client's own copy: the request's buffer is reused
	// ready is the key the command runs again for; stays is set when it
	// still has nothing to serve.
	ready string
	stays bool
	// usec is what its runs took before it is served or gives up.
	usec int64
	// goneIsAnswer makes the command run again when a key it waits on is
	// gone or holds another type: XREADGROUP answers it with an error.
	goneIsAnswer bool
}

type blockKey struct {
	db  int
	key string
}

// blockingState is the server's side: the FIFO of each key clients wait
// on, the keys made ready since they were last served, and every client
// blocked on keys (for timeouts and INFO).
type blockingState struct {
	byKey   map[blockKey][]*Client
	ready   []blockKey
	isReady map[blockKey]bool
	clients []*Client
}

// blockOnKeys makes c wait until one of keys holds a value of type want,
// or timeout passes (0: forever): the command being run will run again
// then. Run again and still unserved, it keeps its place. Commands check
// canBlock first: inside a transaction they reply at once instead.
func (c *Client) blockOnKeys(keys [][]byte, want keyspace.Type, timeout time.Duration, args [][]byte) {
	if c.blocked != nil {
		c.blocked.keys.stays = true
		return
	}
	s := c.srv
	kw := &keyWait{db: c.db, want: want, cmd: c.cmd, args: cloneArgs(args)}
	for _, k := range keys {
		bk := blockKey{c.db, string(k)}
		if slices.Contains(kw.keys, bk.key) {
			continue // BLPOP k k: one place in k's FIFO
		}
		kw.keys = append(kw.keys, bk.key)
		if s.blocking.byKey == nil {
			s.blocking.byKey = map[blockKey][]*Client{}
		}
		s.blocking.byKey[bk] = append(s.blocking.byKey[bk], c)
	}
	c.blocked = &blockState{keys: kw}
	if timeout > 0 {
		c.blocked.deadline = s.now().Add(timeout)
	}
	s.blocking.clients = append(s.blocking.clients, c)
}

// servedKeys is the keys a blocking command looks at: all of them, or,
// when it runs again because one became ready, that one — Redis serves a
// client from the key that woke it, whatever its place among the keys.
func (c *Client) servedKeys(keys [][]byte) [][]byte {
	if c.blocked == nil {
		return keys
	}
	return [][]byte{bytesOf(c.blocked.keys.ready)}
}

// servedLater reports whether a blocking command is running again, served
// after it blocked.
func (c *Client) servedLater() bool { return c.blocked != nil }

// canBlock reports whether a blocking command may block c: not inside
// MULTI/EXEC, where it replies at once as if it had timed out.
func (c *Client) canBlock() bool { return c.multi == nil && !c.srv.inExec }

// unblockKeys takes a client blocked on keys off their FIFOs (lock held).
func (s *Server) unblockKeys(c *Client) {
	b := &s.blocking
	for _, k := range c.blocked.keys.keys {
		bk := blockKey{c.blocked.keys.db, k}
		waiters := slices.DeleteFunc(b.byKey[bk], func(w *Client) bool { return w == c })
		if len(waiters) == 0 {
			delete(b.byKey, bk)
		} else {
			b.byKey[bk] = waiters
		}
	}
	b.clients = slices.DeleteFunc(b.clients, func(w *Client) bool { return w == c })
	c.blocked = nil
}

// keyReady marks a key ready if clients wait on it (Redis's
// signalKeyAsReady): a value stored under it, or changed in place (XADD),
// or the key gone. key may alias a request: it is copied if kept.
func (s *Server) keyReady(db int, key string) {
	b := &s.blocking
	if len(b.byKey) == 0 {
		return
	}
	bk := blockKey{db, key}
	if _, waited := b.byKey[bk]; !waited || b.isReady[bk] {
		return
	}
	if b.isReady == nil {
		b.isReady = map[blockKey]bool{}
	}
	bk.key = strings.Clone(key)
	b.isReady[bk] = true
	b.ready = append(b.ready, bk)
}

// keysReplaced marks ready every key clients wait on in the databases
// dbs, whose contents were replaced at once (SWAPDB, FLUSHALL): first the
// keys now gone or holding another type than their waiters want, then the
// others, as Redis's swapdb scans for deleted keys before ready ones; by
// name within each, where Redis's order is its hash table's.
func (s *Server) keysReplaced(dbs ...int) {
	var gone, present []blockKey
	for bk, waiters := range s.blocking.byKey {
		if !slices.Contains(dbs, bk.db) {
			continue
		}
		if e := s.ks.DBs[bk.db].Peek(bk.key); e == nil || e.Type != waiters[0].blocked.keys.want {
			gone = append(gone, bk)
		} else {
			present = append(present, bk)
		}
	}
	byName := func(a, b blockKey) int { return cmp.Or(cmp.Compare(a.db, b.db), cmp.Compare(a.key, b.key)) }
	slices.SortFunc(gone, byName)
	slices.SortFunc(present, byName)
	for _, bk := range append(gone, present...) {
		s.keyReady(bk.db, bk.key)
	}
}

// clientsWithTimeout counts the blocked clients with a timeout (INFO's
// clients_in_timeout_table).
func (s *Server) clientsWithTimeout() int {
	n := 0
	for _, c := range s.clients {
		if c.blocked != nil && !c.blocked.deadline.IsZero() {
			n++
		}
	}
	return n
}

// serveReadyKeys serves, in FIFO order, the clients waiting on the keys
// made ready (lock held, after a command). A serve can make more keys
// ready (BLMOVE pushes): those are served in the same pass. While clients
// are paused (writes at least), serving, a write, waits for the end.
func (s *Server) serveReadyKeys() {
	b := &s.blocking
	for len(b.ready) > 0 && !s.clientsPaused() {
		ready := b.ready
		b.ready = nil
		clear(b.isReady)
		for _, bk := range ready {
			waiters := slices.Clone(b.byKey[bk])
			for i, c := range waiters {
				if e := s.ks.Lookup(bk.db, bk.key, s.cmdTimeMs, false); e == nil || e.Type != c.blocked.keys.want {
					// Emptied by the ones before, gone, or now of another
					// type: only the waiters that answer that are served.
					for _, w := range waiters[i:] {
						if w.blocked.keys.goneIsAnswer {
							s.serveBlocked(w, bk.key)
						}
					}
					break
				}
				s.serveBlocked(c, bk.key)
			}
		}
	}
}

// serveBlocked runs a blocked client's command again; served, it is
// unblocked and its held requests resume.
func (s *Server) serveBlocked(c *Client, key string) {
	kw := c.blocked.keys
	kw.ready, kw.stays = key, false
	c.db = kw.db
	s.call(c, kw.cmd, kw.args, s.now())
	if kw.stays {
		return
	}
	s.unblockKeys(c)
	s.unblocked(c)
}

// expireBlocked answers the clients blocked on keys whose timeout passed
// (lock held): a null array, as Redis's replyToBlockedClientTimedOut.
func (s *Server) expireBlocked(now time.Time) {
	for _, c := range slices.Clone(s.blocking.clients) {
		if d := c.blocked.deadline; !d.IsZero() && !now.Before(d) {
			s.countBlockedCall(c, false)
			s.unblockKeys(c)
			c.NullArray()
			s.unblocked(c)
		}
	}
}

// countBlockedCall counts the call of a command blocked on keys that ends
// without running again (a timeout, CLIENT UNBLOCK), as Redis's
// updateStatsOnUnblock: call counts a blocked command when it is served.
func (s *Server) countBlockedCall(c *Client, failed bool) {
	st := &s.cmdStats[c.blocked.keys.cmd.index]
	st.calls++
	st.usec += c.blocked.keys.usec
	if failed {
		st.failed++
	}
}

// nextBlockedDeadline is the earliest timeout of a client blocked on keys.
func (s *Server) nextBlockedDeadline() time.Time {
	var next time.Time
	for _, c := range s.blocking.clients {
		if d := c.blocked.deadline; !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next
}

// parseTimeoutMs reads a timeout in milliseconds (Redis's
// getTimeoutFromObjectOrReply with UNIT_MILLISECONDS: WAIT, CLIENT PAUSE,
// XREAD BLOCK): an integer, not negative.
func (c *Client) parseTimeoutMs(arg []byte) (ms int64, ok bool) {
	ms, ok = parseInt64(arg)
	switch {
	case !ok:
		c.Error(errTimeoutNotInteger)
	case ms < 0:
		c.Error(errTimeoutNegative)
		ok = false
	}
	return ms, ok
}

// blockingTimeout is a blocked command's timeout of ms milliseconds. One
// past a century is as good as forever, as in Redis (whose end time
// overflows to a key its timeout table never reaches), and capped there:
// converted as it is, it would overflow a Duration into the past.
func blockingTimeout(ms int64) time.Duration {
	const century = 100 * 365 * 24 * time.Hour
	return time.Duration(min(ms, int64(century/time.Millisecond))) * time.Millisecond
}

// unblockClient ends a client's wait at CLIENT UNBLOCK (lock held): as if
// it had timed out, or with an error. It reports whether it was blocked.
func (s *Server) unblockClient(c *Client, withError bool) bool {
	switch {
	case c.blocked == nil:
		return false
	case c.blocked.wait != nil:
		s.repl.waiting = slices.DeleteFunc(s.repl.waiting, func(w *Client) bool { return w == c })
		offset := c.blocked.wait.offset
		c.blocked = nil
		if withError {
			c.Error(errUnblocked)
		} else {
			c.Int(int64(s.replicasAcked(offset)))
		}
	default:
		s.countBlockedCall(c, true) // failed even with TIMEOUT, as in Redis 7.0
		s.unblockKeys(c)
		if withError {
			c.Error(errUnblocked)
		} else {
			c.NullArray()
		}
	}
	s.unblocked(c)
	return true
}

// disconnectBlocked ends every wait with an error and the connection,
// when a master becomes a replica: its data is no longer its own to serve
// (Redis's disconnectAllBlockedClients).
func (s *Server) disconnectBlocked() {
	for _, c := range s.clients {
		if c.blocked == nil {
			continue
		}
		if c.blocked.wait != nil {
			s.repl.waiting = slices.DeleteFunc(s.repl.waiting, func(w *Client) bool { return w == c })
			c.blocked = nil
		} else {
			s.unblockKeys(c)
		}
		c.Error(errUnblockedRoleChange)
		c.closing = true
		s.unblocked(c)
	}
}

// parseTimeout reads a blocking command's timeout, in seconds (Redis's
// getTimeoutFromObjectOrReply with UNIT_SECONDS): a long double, times
// 1000 rounded up to whole milliseconds, then cast to a long long — so a
// value past its range, infinity included, is "negative" as in Redis,
// and one that rounds to 0 (-0.0001) waits forever. 0 is forever.
func (c *Client) parseTimeout(arg []byte) (time.Duration, bool) {
	// Whole seconds, the usual timeout, are exact without the long double
	// (up to 136 years, within a Duration).
	if secs, err := strconv.ParseUint(str(arg), 10, 32); err == nil {
		return time.Duration(secs) * time.Second, true
	}
	f, ok := redisconv.ParseLongDouble(arg)
	if !ok {
		c.Error(errTimeoutNotFloat)
		return 0, false
	}
	ms := int64(math.MinInt64) // C's cast of what does not fit
	if v := new(big.Float).Mul(f, big.NewFloat(1000)); !v.IsInf() {
		i, acc := v.Int(nil) // toward zero
		if acc == big.Below {
			i.Add(i, big.NewInt(1))
		}
		if i.IsInt64() {
			ms = i.Int64()
		}
	}
	if ms < 0 {
		c.Error(errTimeoutNegative)
		return 0, false
	}
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64, true // centuries: as good as forever
	}
	return time.Duration(ms) * time.Millisecond, true
}
