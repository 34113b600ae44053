package main

// The blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP)
// where they block: a reply that comes later, on another connection,
// after a write elsewhere. The differential scripts read one reply per
// line at once, so they cannot express these (testdata/diff/lists.txt
// has what replies at once, lists_blocking.txt what times out). Every
// test runs against respd and, when it is installed, a real redis-server
// (rwTargets), and asserts the exact bytes Redis 7.0.15 sends.
//
// Ordering is never left to sleeps: a test waits until INFO's
// blocked_clients counts a waiter before it sends the next one or the
// push that serves it. The only time bounds are a blocking timeout's
// (never before the timeout, generously after it) and the short
// "nothing arrives" checks, which cannot fail on a slow machine.

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// blkConn is a raw connection for exact-byte exchanges.
type blkConn struct {
	*rawConn
	t *testing.T
}

// blkDial connects, in RESP3 if asked (the HELLO reply is not compared).
func blkDial(t *testing.T, addr string, resp3 bool) *blkConn {
	t.Helper()
	c := &blkConn{rawConn: dialRaw(t, addr), t: t}
	if resp3 {
		c.send("HELLO", "3")
		if got := c.read(); !strings.HasPrefix(got, "%") {
			t.Fatalf("HELLO 3: %q", got)
		}
	}
	return c
}

// send sends a command without reading its reply.
func (c *blkConn) send(args ...string) {
	c.t.Helper()
	c.rawConn.send(rwCmd(args...))
}

// read reads one whole reply (10 s deadline) and returns its bytes.
func (c *blkConn) read() string {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := diffReadReply(c.r)
	if err != nil {
		c.t.Fatalf("reading a reply: got %q, %v", reply, err)
	}
	return string(reply)
}

// expect reads one reply, which must be exactly want.
func (c *blkConn) expect(want string) {
	c.t.Helper()
	if got := c.read(); got != want {
		c.t.Fatalf("got %q, want %q", got, want)
	}
}

// call sends a command and expects exactly want back.
func (c *blkConn) call(want string, args ...string) {
	c.t.Helper()
	c.send(args...)
	if got := c.read(); got != want {
		c.t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// get sends a command and returns its reply.
func (c *blkConn) get(args ...string) string {
	c.t.Helper()
	c.send(args...)
	return c.read()
}

// silent asserts that nothing arrives within d: the client is still
// blocked (or held).
func (c *blkConn) silent(d time.Duration) {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(d))
	b, err := c.r.ReadByte()
	if err == nil {
		more, _ := c.r.Peek(c.r.Buffered())
		c.t.Fatalf("expected no reply yet, got %q", append([]byte{b}, more...))
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		c.t.Fatalf("expected no reply yet, got error %v", err)
	}
}

// id is the connection's CLIENT ID.
func (c *blkConn) id() string {
	c.t.Helper()
	reply := c.get("CLIENT", "ID")
	if !strings.HasPrefix(reply, ":") {
		c.t.Fatalf("CLIENT ID: %q", reply)
	}
	return strings.TrimSuffix(reply[1:], "\r\n")
}

// blkInfo returns one field of INFO section through ctl.
func blkInfo(ctl *blkConn, section, field string) string {
	ctl.t.Helper()
	reply := ctl.get("INFO", section)
	for _, line := range strings.Split(reply, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	ctl.t.Fatalf("INFO %s has no %s: %q", section, field, reply)
	return ""
}

// blkWaitBlocked waits until INFO clients counts n blocked clients.
func blkWaitBlocked(t *testing.T, ctl *blkConn, n int) {
	t.Helper()
	want := strconv.Itoa(n)
	last := ""
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if last = blkInfo(ctl, "clients", "blocked_clients"); last == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked_clients is %s, want %s", last, want)
		}
	}
}

// blkBlock sends a blocking command on c and waits until the server
// counts n blocked clients (this one the n-th); a reply instead fails
// the test at once.
func blkBlock(t *testing.T, ctl, c *blkConn, n int, args ...string) {
	t.Helper()
	c.send(args...)
	want := strconv.Itoa(n)
	last := ""
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if last = blkInfo(ctl, "clients", "blocked_clients"); last == want {
			return
		}
		c.nc.SetReadDeadline(time.Now().Add(time.Millisecond))
		if _, err := c.r.Peek(1); err == nil {
			t.Fatalf("%s replied %q instead of blocking", strings.Join(args, " "), c.read())
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: blocked_clients is %s, want %s", strings.Join(args, " "), last, want)
		}
	}
}

// blkEach runs f once per target, against a server of its own started
// with args.
func blkEach(t *testing.T, args []string, f func(t *testing.T, addr string)) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		f(t, target.start(t, args...))
	})
}

// blkBulk is the RESP bulk string of s; blkPair the two-element reply of
// BLPOP and BRPOP (the key, the element).
func blkBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func blkPair(key, elem string) string { return "*2\r\n" + blkBulk(key) + blkBulk(elem) }

// blkArray is an array of bulk strings.
func blkArray(elems ...string) string {
	s := "*" + strconv.Itoa(len(elems)) + "\r\n"
	for _, e := range elems {
		s += blkBulk(e)
	}
	return s
}

const blkWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

// TestBlockingTimeout: on an empty key each blocking command replies a
// null after its timeout, never before. In RESP2 the null is the null
// array *-1 for all five, BLMOVE and BRPOPLPUSH included (which answer
// $-1 in MULTI, where they do not block); in RESP3 it is _. A waiter
// served before its timeout gets no late reply when it would have run
// out.
func TestBlockingTimeout(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, resp3 := range []bool{false, true} {
			null := "*-1\r\n"
			if resp3 {
				null = "_\r\n"
			}
			c := blkDial(t, addr, resp3)
			for _, cmd := range [][]string{
				{"BLPOP", "nokey", "0.1"},
				{"BRPOP", "nokey", "other", "0.1"},
				{"BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.1"},
				{"BRPOPLPUSH", "nokey", "dst", "0.1"},
				{"BLMPOP", "0.1", "2", "nokey", "other", "LEFT", "COUNT", "2"},
			} {
				start := time.Now()
				c.send(cmd...)
				got := c.read()
				took := time.Since(start)
				if got != null {
					t.Errorf("resp3=%v %s: got %q, want %q", resp3, strings.Join(cmd, " "), got, null)
				}
				// Redis's clock has millisecond resolution: allow 2 ms.
				if took < 98*time.Millisecond || took > 5*time.Second {
					t.Errorf("resp3=%v %s: replied after %v, want 100 ms (up to 5 s on a busy machine)",
						resp3, strings.Join(cmd, " "), took)
				}
				c.call("+PONG\r\n", "PING")
			}
			c.call(":0\r\n", "EXISTS", "dst")
		}

		// Served in time: the timeout is forgotten.
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0.3")
		ctl.call(":1\r\n", "RPUSH", "k", "a")
		w.expect(blkPair("k", "a"))
		time.Sleep(500 * time.Millisecond)
		w.call("+PONG\r\n", "PING")
		blkWaitBlocked(t, ctl, 0)
	})
}

// TestBlockingFIFO: the clients blocked on a key are served in the
// order they blocked, one element each; a client that blocks again goes
// to the back. A push of several elements serves several waiters, each
// popping from its own end of the list as it comes.
func TestBlockingFIFO(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := []*blkConn{blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false)}

		t.Run("one-at-a-time", func(t *testing.T) {
			for i, c := range w {
				blkBlock(t, ctl, c, i+1, "BLPOP", "k", "0")
			}
			ctl.call(":1\r\n", "RPUSH", "k", "a")
			w[0].expect(blkPair("k", "a"))
			w[1].silent(100 * time.Millisecond)
			w[2].silent(0)
			// w[0] blocks again: behind w[1] and w[2].
			blkBlock(t, ctl, w[0], 3, "BLPOP", "k", "0")
			ctl.call(":1\r\n", "RPUSH", "k", "b")
			w[1].expect(blkPair("k", "b"))
			ctl.call(":1\r\n", "RPUSH", "k", "c")
			w[2].expect(blkPair("k", "c"))
			ctl.call(":1\r\n", "LPUSH", "k", "d")
			w[0].expect(blkPair("k", "d"))
			ctl.call(":0\r\n", "EXISTS", "k")
			blkWaitBlocked(t, ctl, 0)
		})

		t.Run("rpush-several", func(t *testing.T) {
			for i, c := range w {
				blkBlock(t, ctl, c, i+1, "BLPOP", "k", "0")
			}
			// The pusher's reply is the length before anyone is served.
			ctl.call(":4\r\n", "RPUSH", "k", "a", "b", "c", "d")
			w[0].expect(blkPair("k", "a"))
			w[1].expect(blkPair("k", "b"))
			w[2].expect(blkPair("k", "c"))
			ctl.call(blkArray("d"), "LRANGE", "k", "0", "-1")
			ctl.call(":1\r\n", "DEL", "k")
		})

		t.Run("lpush-several", func(t *testing.T) {
			for i, c := range w {
				blkBlock(t, ctl, c, i+1, "BLPOP", "k", "0")
			}
			ctl.call(":4\r\n", "LPUSH", "k", "a", "b", "c", "d")
			w[0].expect(blkPair("k", "d"))
			w[1].expect(blkPair("k", "c"))
			w[2].expect(blkPair("k", "b"))
			ctl.call(blkArray("a"), "LRANGE", "k", "0", "-1")
			ctl.call(":1\r\n", "DEL", "k")
		})

		t.Run("both-ends", func(t *testing.T) {
			blkBlock(t, ctl, w[0], 1, "BLPOP", "k", "0")
			blkBlock(t, ctl, w[1], 2, "BRPOP", "k", "0")
			ctl.call(":3\r\n", "RPUSH", "k", "a", "b", "c")
			w[0].expect(blkPair("k", "a"))
			w[1].expect(blkPair("k", "c"))
			ctl.call(blkArray("b"), "LRANGE", "k", "0", "-1")
			ctl.call(":1\r\n", "DEL", "k")
		})

		t.Run("blmpop-count", func(t *testing.T) {
			blkBlock(t, ctl, w[0], 1, "BLMPOP", "0", "2", "k1", "k2", "LEFT", "COUNT", "2")
			blkBlock(t, ctl, w[1], 2, "BLMPOP", "0", "1", "k2", "RIGHT", "COUNT", "5")
			ctl.call(":4\r\n", "RPUSH", "k2", "a", "b", "c", "d")
			w[0].expect("*2\r\n" + blkBulk("k2") + blkArray("a", "b"))
			w[1].expect("*2\r\n" + blkBulk("k2") + blkArray("d", "c"))
			ctl.call(":0\r\n", "EXISTS", "k2")
		})
	})
}

// TestBlockingServedAfterExec: a push inside MULTI serves the waiter
// when EXEC runs, with the first element pushed; a transaction that
// pushes and pops the element again leaves the waiter blocked.
func TestBlockingServedAfterExec(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)

		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "RPUSH", "k", "a")
		ctl.call("+QUEUED\r\n", "RPUSH", "k", "b")
		w.silent(100 * time.Millisecond)
		ctl.call("*2\r\n:1\r\n:2\r\n", "EXEC")
		w.expect(blkPair("k", "a"))
		ctl.call(blkArray("b"), "LRANGE", "k", "0", "-1")
		ctl.call(":1\r\n", "DEL", "k")

		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "RPUSH", "k", "a")
		ctl.call("+QUEUED\r\n", "LPOP", "k")
		ctl.call("*2\r\n:1\r\n"+blkBulk("a"), "EXEC")
		w.silent(100 * time.Millisecond)
		blkWaitBlocked(t, ctl, 1)
		ctl.call(":1\r\n", "RPUSH", "k", "later")
		w.expect(blkPair("k", "later"))
		ctl.call(":0\r\n", "EXISTS", "k")
	})
}

// TestBlockingClientGone: a client that disconnects while blocked is
// forgotten: a later push stays in the list.
func TestBlockingClientGone(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		for _, cmd := range [][]string{
			{"BLPOP", "k", "0"},
			{"BLMOVE", "k", "dst", "LEFT", "RIGHT", "0"},
			{"BLMPOP", "0", "1", "k", "LEFT"},
		} {
			w := blkDial(t, addr, false)
			blkBlock(t, ctl, w, 1, cmd...)
			w.nc.Close()
			blkWaitBlocked(t, ctl, 0)
			ctl.call(":1\r\n", "RPUSH", "k", "a")
			ctl.call(":1\r\n", "LLEN", "k")
			ctl.call(blkArray("a"), "LRANGE", "k", "0", "-1")
			ctl.call(":0\r\n", "EXISTS", "dst")
			ctl.call(":1\r\n", "DEL", "k")
		}
		// Of two waiters, the one left gets the element.
		w1, w2 := blkDial(t, addr, false), blkDial(t, addr, false)
		blkBlock(t, ctl, w1, 1, "BLPOP", "k", "0")
		blkBlock(t, ctl, w2, 2, "BLPOP", "k", "0")
		w1.nc.Close()
		blkWaitBlocked(t, ctl, 1)
		ctl.call(":1\r\n", "RPUSH", "k", "a")
		w2.expect(blkPair("k", "a"))
		ctl.call(":0\r\n", "EXISTS", "k")
	})
}

// TestBlockingMove: BLMOVE and BRPOPLPUSH waiters serve each other in
// chains within one push: linked, circular, onto the same list, and into
// a list another client waits on. A destination of another type makes
// the served waiter's reply WRONGTYPE and puts the element back.
func TestBlockingMove(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w1, w2 := blkDial(t, addr, false), blkDial(t, addr, false)
		lists := func(want ...string) {
			t.Helper()
			for i := 0; i < len(want); i += 2 {
				ctl.call(want[i+1], "LRANGE", want[i], "0", "-1")
			}
		}

		t.Run("linked", func(t *testing.T) {
			blkBlock(t, ctl, w1, 1, "BLMOVE", "l1", "l2", "RIGHT", "LEFT", "0")
			blkBlock(t, ctl, w2, 2, "BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0")
			ctl.call(":1\r\n", "RPUSH", "l1", "foo")
			w1.expect(blkBulk("foo"))
			w2.expect(blkBulk("foo"))
			lists("l1", "*0\r\n", "l2", "*0\r\n", "l3", blkArray("foo"))
			ctl.call("+OK\r\n", "FLUSHALL")
		})

		t.Run("circular", func(t *testing.T) {
			blkBlock(t, ctl, w1, 1, "BRPOPLPUSH", "l1", "l2", "0")
			blkBlock(t, ctl, w2, 2, "BRPOPLPUSH", "l2", "l1", "0")
			ctl.call(":1\r\n", "RPUSH", "l1", "foo")
			w1.expect(blkBulk("foo"))
			w2.expect(blkBulk("foo"))
			lists("l1", blkArray("foo"), "l2", "*0\r\n")
			ctl.call("+OK\r\n", "FLUSHALL")
		})

		t.Run("ping-pong", func(t *testing.T) {
			// The element goes l1 -> l2 -> l1 -> l2: each waiter blocks
			// again once served.
			blkBlock(t, ctl, w1, 1, "BLMOVE", "l1", "l2", "LEFT", "RIGHT", "0")
			blkBlock(t, ctl, w2, 2, "BLMOVE", "l2", "l1", "LEFT", "RIGHT", "0")
			ctl.call(":1\r\n", "RPUSH", "l1", "ball")
			w1.expect(blkBulk("ball"))
			w2.expect(blkBulk("ball"))
			lists("l1", blkArray("ball"), "l2", "*0\r\n")
			blkWaitBlocked(t, ctl, 0)
			ctl.call(blkBulk("ball"), "LMOVE", "l1", "l2", "LEFT", "RIGHT")
			blkBlock(t, ctl, w1, 1, "BLMOVE", "l1", "l2", "LEFT", "RIGHT", "0")
			ctl.call(blkBulk("ball"), "LMOVE", "l2", "l1", "LEFT", "RIGHT")
			w1.expect(blkBulk("ball"))
			lists("l1", "*0\r\n", "l2", blkArray("ball"))
			ctl.call("+OK\r\n", "FLUSHALL")
		})

		t.Run("self", func(t *testing.T) {
			blkBlock(t, ctl, w1, 1, "BLMOVE", "l", "l", "LEFT", "RIGHT", "0")
			ctl.call(":1\r\n", "RPUSH", "l", "foo")
			w1.expect(blkBulk("foo"))
			lists("l", blkArray("foo"))
			ctl.call("+OK\r\n", "FLUSHALL")
		})

		t.Run("into-a-waited-list", func(t *testing.T) {
			blkBlock(t, ctl, w1, 1, "BLPOP", "target", "0")
			blkBlock(t, ctl, w2, 2, "BLMOVE", "src", "target", "LEFT", "RIGHT", "0")
			ctl.call(":2\r\n", "RPUSH", "src", "x", "y")
			w2.expect(blkBulk("x"))
			w1.expect(blkPair("target", "x"))
			lists("src", blkArray("y"), "target", "*0\r\n")
			ctl.call("+OK\r\n", "FLUSHALL")
		})

		t.Run("wrong-type-destination", func(t *testing.T) {
			for _, cmd := range [][]string{
				{"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"},
				{"BRPOPLPUSH", "src", "dst", "0"},
			} {
				blkBlock(t, ctl, w1, 1, cmd...)
				ctl.call("+OK\r\n", "SET", "dst", "v")
				ctl.call(":2\r\n", "RPUSH", "src", "a", "b")
				w1.expect(blkWrongType)
				blkWaitBlocked(t, ctl, 0)
				lists("src", blkArray("a", "b"))
				ctl.call(blkBulk("v"), "GET", "dst")
				ctl.call("+OK\r\n", "FLUSHALL")
			}
		})
	})
}

// TestBlockingSeveralKeys: a client blocked on several keys is served by
// the first to get an element, and told its name; when one transaction
// fills several, the first filled; a key of the same name in another
// database does not serve it.
func TestBlockingSeveralKeys(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)

		blkBlock(t, ctl, w, 1, "BLPOP", "k1", "k2", "k3", "0")
		ctl.call(":1\r\n", "RPUSH", "k2", "x")
		w.expect(blkPair("k2", "x"))

		blkBlock(t, ctl, w, 1, "BRPOP", "k1", "k2", "k3", "0")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "RPUSH", "k3", "c")
		ctl.call("+QUEUED\r\n", "RPUSH", "k1", "a")
		ctl.call("*2\r\n:1\r\n:1\r\n", "EXEC")
		w.expect(blkPair("k3", "c"))
		ctl.call(blkArray("a"), "LRANGE", "k1", "0", "-1")
		ctl.call("+OK\r\n", "FLUSHALL")

		blkBlock(t, ctl, w, 1, "BLMPOP", "0", "3", "k1", "k2", "k3", "RIGHT", "COUNT", "2")
		ctl.call(":3\r\n", "RPUSH", "k3", "a", "b", "c")
		w.expect("*2\r\n" + blkBulk("k3") + blkArray("c", "b"))
		ctl.call("+OK\r\n", "FLUSHALL")

		w.call("+OK\r\n", "SELECT", "1")
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call(":1\r\n", "RPUSH", "k", "db0")
		w.silent(100 * time.Millisecond)
		ctl.call("+OK\r\n", "SELECT", "1")
		ctl.call(":1\r\n", "RPUSH", "k", "db1")
		w.expect(blkPair("k", "db1"))
		ctl.call("*0\r\n", "LRANGE", "k", "0", "-1")
		ctl.call("+OK\r\n", "SELECT", "0")
		ctl.call(blkArray("db0"), "LRANGE", "k", "0", "-1")
	})
}

// TestBlockingClientUnblock: CLIENT UNBLOCK ends a wait as a timeout
// (the default, or TIMEOUT) or with an error (ERROR); a client not
// blocked, or no such client, is :0. Redis ends WAIT the same way.
func TestBlockingClientUnblock(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		for _, resp3 := range []bool{false, true} {
			null := "*-1\r\n"
			if resp3 {
				null = "_\r\n"
			}
			w := blkDial(t, addr, resp3)
			id := w.id()
			for _, c := range []struct {
				cmd    []string
				reason []string
				want   string
			}{
				{[]string{"BLPOP", "k", "0"}, nil, null},
				{[]string{"BRPOP", "k", "k2", "100"}, []string{"TIMEOUT"}, null},
				{[]string{"BLMOVE", "k", "dst", "LEFT", "RIGHT", "0"}, []string{"timeout"}, null},
				{[]string{"BRPOPLPUSH", "k", "dst", "0"}, nil, null},
				{[]string{"BLMPOP", "0", "1", "k", "LEFT"}, []string{"TiMeOuT"}, null},
				{[]string{"BLPOP", "k", "0"}, []string{"ERROR"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
				{[]string{"BLMOVE", "k", "dst", "LEFT", "RIGHT", "0"}, []string{"error"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
			} {
				blkBlock(t, ctl, w, 1, c.cmd...)
				ctl.call("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
					"CLIENT", "UNBLOCK", id, "BOGUS")
				w.silent(0)
				ctl.call(":1\r\n", append([]string{"CLIENT", "UNBLOCK", id}, c.reason...)...)
				w.expect(c.want)
				blkWaitBlocked(t, ctl, 0)
				w.call("+PONG\r\n", "PING")
				// Unblocked means gone from the key's waiters.
				ctl.call(":1\r\n", "RPUSH", "k", "a")
				w.silent(50 * time.Millisecond)
				ctl.call(":1\r\n", "LLEN", "k")
				ctl.call(":1\r\n", "DEL", "k")
				ctl.call(":0\r\n", "EXISTS", "dst")
			}
			// Not blocked, or no such client.
			ctl.call(":0\r\n", "CLIENT", "UNBLOCK", id)
			ctl.call(":0\r\n", "CLIENT", "UNBLOCK", id, "ERROR")
			ctl.call(":0\r\n", "CLIENT", "UNBLOCK", ctl.id())
			ctl.call(":0\r\n", "CLIENT", "UNBLOCK", "999999999")
			ctl.call(":0\r\n", "CLIENT", "UNBLOCK", "-1")
			ctl.call("-ERR value is not an integer or out of range\r\n", "CLIENT", "UNBLOCK", "abc")
			ctl.call("-ERR wrong number of arguments for 'client|unblock' command\r\n", "CLIENT", "UNBLOCK")
			ctl.call("-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
				"CLIENT", "UNBLOCK", id, "TIMEOUT", "extra")
			w.call("+PONG\r\n", "PING")
		}

		// WAIT (no replicas): TIMEOUT ends it with the count of replicas
		// that acknowledged, ERROR with the error.
		w := blkDial(t, addr, false)
		id := w.id()
		blkBlock(t, ctl, w, 1, "WAIT", "1", "0")
		ctl.call(":1\r\n", "CLIENT", "UNBLOCK", id)
		w.expect(":0\r\n")
		blkBlock(t, ctl, w, 1, "WAIT", "1", "0")
		ctl.call(":1\r\n", "CLIENT", "UNBLOCK", id, "ERROR")
		w.expect("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
	})
}

// TestBlockingKeyChangesType: a key that becomes a string while clients
// wait on it does not wake them (Redis 7.0: no error, no reply); they
// are served once it is a list again.
func TestBlockingKeyChangesType(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)

		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call("+OK\r\n", "SET", "k", "v")
		w.silent(100 * time.Millisecond)
		ctl.call(blkWrongType, "LPUSH", "k", "a")
		blkWaitBlocked(t, ctl, 1)
		ctl.call(":1\r\n", "DEL", "k")
		ctl.call(":1\r\n", "RPUSH", "k", "x")
		w.expect(blkPair("k", "x"))

		// Pushed, then overwritten, in one transaction: the waiter is not
		// served when the key is a string by the time it would be.
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "RPUSH", "k", "a")
		ctl.call("+QUEUED\r\n", "SET", "k", "v")
		ctl.call("*2\r\n:1\r\n+OK\r\n", "EXEC")
		w.silent(100 * time.Millisecond)
		blkWaitBlocked(t, ctl, 1)
		ctl.call("+string\r\n", "TYPE", "k")
		ctl.call(":1\r\n", "DEL", "k")
		ctl.call(":1\r\n", "RPUSH", "k", "y")
		w.expect(blkPair("k", "y"))
		ctl.call(":0\r\n", "EXISTS", "k")

		// A BLMOVE waiting on its source does not care what its
		// destination becomes until it is served.
		blkBlock(t, ctl, w, 1, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
		ctl.call("+OK\r\n", "SET", "dst", "v")
		ctl.call(":1\r\n", "DEL", "dst")
		ctl.call(":1\r\n", "RPUSH", "src", "z")
		w.expect(blkBulk("z"))
		ctl.call(blkArray("z"), "LRANGE", "dst", "0", "-1")
	})
}

// TestBlockingIntrospection: CLIENT LIST shows a waiter with flags=b and
// its command, INFO clients counts it in blocked_clients; both go back
// once it is served.
func TestBlockingIntrospection(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)
		w.call("+OK\r\n", "CLIENT", "SETNAME", "waiter")
		line := func() string {
			t.Helper()
			for _, l := range strings.Split(ctl.get("CLIENT", "LIST"), "\n") {
				if strings.Contains(l, " name=waiter ") {
					return l
				}
			}
			t.Fatal("CLIENT LIST has no name=waiter")
			return ""
		}
		for _, c := range []struct {
			cmd  []string
			name string
		}{
			{[]string{"BLPOP", "k", "0"}, "blpop"},
			{[]string{"BRPOP", "k", "0"}, "brpop"},
			{[]string{"BLMOVE", "k", "dst", "LEFT", "RIGHT", "0"}, "blmove"},
			{[]string{"BRPOPLPUSH", "k", "dst", "0"}, "brpoplpush"},
			{[]string{"BLMPOP", "0", "1", "k", "LEFT"}, "blmpop"},
		} {
			blkBlock(t, ctl, w, 1, c.cmd...)
			if l := line(); !strings.Contains(l, " flags=b ") || !strings.Contains(l, " cmd="+c.name+" ") {
				t.Errorf("%s blocked: CLIENT LIST line %q, want flags=b and cmd=%s", c.name, l, c.name)
			}
			if got := blkInfo(ctl, "clients", "blocked_clients"); got != "1" {
				t.Errorf("%s blocked: blocked_clients:%s, want 1", c.name, got)
			}
			ctl.call(":1\r\n", "RPUSH", "k", "a")
			w.read()
			if l := line(); !strings.Contains(l, " flags=N ") || !strings.Contains(l, " cmd="+c.name+" ") {
				t.Errorf("%s served: CLIENT LIST line %q, want flags=N and cmd=%s", c.name, l, c.name)
			}
			if got := blkInfo(ctl, "clients", "blocked_clients"); got != "0" {
				t.Errorf("%s served: blocked_clients:%s, want 0", c.name, got)
			}
			ctl.call("+OK\r\n", "FLUSHALL")
		}
	})
}

// TestBlockingIdleTimeout: the timeout setting closes idle clients, never
// a blocked one however long it waits.
func TestBlockingIdleTimeout(t *testing.T) {
	blkEach(t, []string{"--timeout", "1"}, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		idle := blkDial(t, addr, false)
		idle.call("+PONG\r\n", "PING")
		w := blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		// blkWaitBlocked keeps ctl busy; idle, silent since before w
		// blocked, is closed after a second and a bit.
		deadline := time.Now().Add(15 * time.Second)
		for {
			blkWaitBlocked(t, ctl, 1)
			idle.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			b, err := idle.r.ReadByte()
			if err == nil {
				t.Fatalf("the idle client received %q", b)
			}
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				break // closed
			}
			if time.Now().After(deadline) {
				t.Fatal("the idle client was not closed within 15 s (timeout 1)")
			}
		}
		w.silent(0)
		blkWaitBlocked(t, ctl, 1)
		ctl.call(":1\r\n", "RPUSH", "k", "a")
		w.expect(blkPair("k", "a"))
		w.call("+PONG\r\n", "PING")
	})
}

// TestBlockingClientPause: under CLIENT PAUSE WRITE the push that would
// serve a waiter is held, so the waiter waits until CLIENT UNPAUSE; a
// blocking command on a key with elements is held too (it writes).
// blocked_clients counts the held clients with the waiters.
func TestBlockingClientPause(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w, pusher, w2 := blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false)

		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		ctl.call("+OK\r\n", "CLIENT", "PAUSE", "60000", "WRITE")
		blkBlock(t, ctl, pusher, 2, "RPUSH", "k", "a")
		blkBlock(t, ctl, w2, 3, "BLPOP", "k", "0")
		pusher.silent(100 * time.Millisecond)
		w.silent(0)
		w2.silent(0)
		ctl.call(":0\r\n", "LLEN", "k")
		ctl.call("+OK\r\n", "CLIENT", "UNPAUSE")
		pusher.expect(":1\r\n")
		w.expect(blkPair("k", "a"))
		w2.silent(100 * time.Millisecond)
		blkWaitBlocked(t, ctl, 1)
		pusher.call(":1\r\n", "RPUSH", "k", "b")
		w2.expect(blkPair("k", "b"))

		pusher.call(":1\r\n", "RPUSH", "k", "c")
		ctl.call("+OK\r\n", "CLIENT", "PAUSE", "60000", "WRITE")
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		w.silent(100 * time.Millisecond)
		ctl.call(":1\r\n", "LLEN", "k")
		ctl.call("+OK\r\n", "CLIENT", "UNPAUSE")
		w.expect(blkPair("k", "c"))
		ctl.call(":0\r\n", "EXISTS", "k")
	})
}

// TestBlockingPipelined: commands pipelined behind a blocked command wait
// for it, and then run in order.
func TestBlockingPipelined(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)
		w.rawConn.send(rwCmd("BLPOP", "k", "0") + rwCmd("PING") + rwCmd("LLEN", "k") + rwCmd("BLPOP", "k", "0"))
		blkWaitBlocked(t, ctl, 1)
		w.silent(100 * time.Millisecond)
		ctl.call(":2\r\n", "RPUSH", "k", "a", "b")
		w.expect(blkPair("k", "a"))
		w.expect("+PONG\r\n")
		w.expect(":1\r\n")
		w.expect(blkPair("k", "b"))
		ctl.call(":0\r\n", "EXISTS", "k")
	})
}

// TestBlockingInputWhileBlocked: requests a client sends once it is blocked
// wait unanswered until it is served, then run in order; a client that
// sent more while blocked and then hung up is noticed gone all the same,
// so a later push is not handed to it.
func TestBlockingInputWhileBlocked(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "BLPOP", "k", "0")
		w.rawConn.send(rwCmd("PING") + rwCmd("LLEN", "k"))
		w.silent(100 * time.Millisecond)
		ctl.call(":2\r\n", "RPUSH", "k", "a", "b")
		w.expect(blkPair("k", "a"))
		w.expect("+PONG\r\n")
		w.expect(":1\r\n")
		ctl.call(":1\r\n", "DEL", "k")

		g := blkDial(t, addr, false)
		blkBlock(t, ctl, g, 1, "BLPOP", "k", "0")
		g.rawConn.send(rwCmd("PING"))
		g.silent(50 * time.Millisecond)
		g.nc.Close()
		blkWaitBlocked(t, ctl, 0)
		ctl.call(":1\r\n", "RPUSH", "k", "a")
		ctl.call(blkArray("a"), "LRANGE", "k", "0", "-1")
		ctl.call(":1\r\n", "DEL", "k")

		// Blocked again by a request that waited behind one timing out,
		// then gone: noticed too.
		h := blkDial(t, addr, false)
		h.rawConn.send(rwCmd("BLPOP", "k", "0.05") + rwCmd("BLPOP", "k", "0"))
		h.expect("*-1\r\n")
		blkWaitBlocked(t, ctl, 1)
		h.nc.Close()
		blkWaitBlocked(t, ctl, 0)
		ctl.call(":1\r\n", "RPUSH", "k", "a")
		ctl.call(blkArray("a"), "LRANGE", "k", "0", "-1")
	})
}

// TestBlockingPropagation: what a master streams to its replicas for the
// blocking commands. Served at once they go as the non-blocking command
// (BLPOP as LPOP, BLMPOP as LPOP/RPOP with the count popped, BLMOVE as
// LMOVE with the client's words, BRPOPLPUSH as RPOPLPUSH); served after
// blocking likewise, but BLMOVE's words are lowercase, and after a push
// in a transaction the pop follows the EXEC. Commands that change
// nothing are not streamed. A real replica ends with the master's data.
func TestBlockingPropagation(t *testing.T) {
	t.Run("stream", func(t *testing.T) { rwForEachTarget(t, blkPropagationStream) })
	t.Run("replica", func(t *testing.T) { rwForEachTarget(t, blkPropagationReplica) })
}

// blkPropagationStream checks the stream a fake replica receives.
func blkPropagationStream(t *testing.T, target rwTarget) {
	addr := target.start(t, rwMasterArgs()...)
	ctl := blkDial(t, addr, false)
	p := rwDial(t, addr)
	p.handshake()
	p.fullSync(ctl.rawConn)

	ctl.call(":8\r\n", "RPUSH", "s", "a", "b", "c", "d", "e", "f", "g", "h")
	ctl.call(blkPair("s", "a"), "BLPOP", "s", "0")
	ctl.call(blkPair("s", "h"), "BRPOP", "nokey", "s", "0")
	ctl.call(blkBulk("g"), "BLMOVE", "s", "d", "RIGHT", "left", "0")
	ctl.call(blkBulk("f"), "BRPOPLPUSH", "s", "d", "0")
	ctl.call("*2\r\n"+blkBulk("s")+blkArray("b", "c"), "BLMPOP", "0", "2", "nokey", "s", "LEFT", "COUNT", "2")
	ctl.call("*2\r\n"+blkBulk("s")+blkArray("e", "d"), "LMPOP", "1", "s", "RIGHT", "COUNT", "10")
	// Changing nothing.
	ctl.call("*0\r\n", "LPOP", "d", "0")
	ctl.call("$-1\r\n", "LPOP", "nokey")
	ctl.call(":0\r\n", "LREM", "d", "0", "zz")
	ctl.call(":-1\r\n", "LINSERT", "d", "BEFORE", "zz", "q")
	ctl.call("+OK\r\n", "LTRIM", "d", "0", "-1")
	ctl.call(":0\r\n", "LPUSHX", "nokey", "a")
	ctl.call("*-1\r\n", "BLPOP", "nokey", "0.01")

	w1, w2, w3, w4 := blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false)
	blkBlock(t, ctl, w1, 1, "BRPOPLPUSH", "src", "dst", "0")
	blkBlock(t, ctl, w2, 2, "BLMOVE", "src", "dst2", "LEFT", "LEFT", "0")
	blkBlock(t, ctl, w3, 3, "BLPOP", "src", "0")
	blkBlock(t, ctl, w4, 4, "BLMPOP", "0", "1", "src", "RIGHT", "COUNT", "5")
	ctl.call(":6\r\n", "RPUSH", "src", "a", "b", "c", "d", "e", "f")
	w1.expect(blkBulk("f"))
	w2.expect(blkBulk("a"))
	w3.expect(blkPair("src", "b"))
	w4.expect("*2\r\n" + blkBulk("src") + blkArray("e", "d", "c"))

	blkBlock(t, ctl, w1, 1, "BLPOP", "x", "0")
	ctl.call("+OK\r\n", "MULTI")
	ctl.call("+QUEUED\r\n", "RPUSH", "x", "1")
	ctl.call("+QUEUED\r\n", "RPUSH", "x", "2")
	ctl.call("*2\r\n:1\r\n:2\r\n", "EXEC")
	w1.expect(blkPair("x", "1"))
	ctl.call("+OK\r\n", "SET", "end", "1")

	if v := p.nextCmd(); string(v.raw) != rwCmd("SELECT", "0") {
		t.Fatalf("first stream command: got %q, want SELECT 0", v.raw)
	}
	p.expectStream("RPUSH", "s", "a", "b", "c", "d", "e", "f", "g", "h")
	p.expectStream("LPOP", "s")
	p.expectStream("RPOP", "s")
	p.expectStream("LMOVE", "s", "d", "RIGHT", "left")
	p.expectStream("RPOPLPUSH", "s", "d")
	p.expectStream("LPOP", "s", "2")
	p.expectStream("RPOP", "s", "2")
	p.expectStream("RPUSH", "src", "a", "b", "c", "d", "e", "f")
	p.expectStream("RPOPLPUSH", "src", "dst")
	p.expectStream("LMOVE", "src", "dst2", "left", "left")
	p.expectStream("LPOP", "src")
	p.expectStream("RPOP", "src", "3")
	p.expectStream("MULTI")
	p.expectStream("RPUSH", "x", "1")
	p.expectStream("RPUSH", "x", "2")
	p.expectStream("EXEC")
	p.expectStream("LPOP", "x")
	p.expectStream("SET", "end", "1")
}

// blkPropagationReplica checks a real replica's data after chained serves.
func blkPropagationReplica(t *testing.T, target rwTarget) {
	master := target.start(t, rwMasterArgs()...)
	_, port, _ := net.SplitHostPort(master)
	replica := target.start(t, "--replicaof", "127.0.0.1 "+port)
	waitReplicaCaughtUp(t, master, replica)
	ctl := blkDial(t, master, false)
	w1, w2 := blkDial(t, master, false), blkDial(t, master, false)
	blkBlock(t, ctl, w1, 1, "BRPOPLPUSH", "l1", "l2", "0")
	blkBlock(t, ctl, w2, 2, "BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0")
	ctl.call(":3\r\n", "RPUSH", "l1", "a", "b", "c")
	w1.expect(blkBulk("c"))
	w2.expect(blkBulk("c"))
	blkBlock(t, ctl, w1, 1, "BLMPOP", "0", "2", "l2", "l4", "LEFT", "COUNT", "5")
	ctl.call(":1\r\n", "LPUSH", "l2", "z")
	w1.expect("*2\r\n" + blkBulk("l2") + blkArray("z"))
	waitReplicaCaughtUp(t, master, replica)
	r := blkDial(t, replica, false)
	for key, want := range map[string]string{"l1": blkArray("a", "b"), "l2": "*0\r\n", "l3": blkArray("c"), "l4": "*0\r\n"} {
		ctl.call(want, "LRANGE", key, "0", "-1")
		r.call(want, "LRANGE", key, "0", "-1")
	}
}

// A timeout in milliseconds past a century is as good as forever in WAIT
// and XREAD BLOCK, as in Redis: the client waits until let go, where a
// plain conversion to a duration would overflow into the past and answer
// at once. CLIENT PAUSE of LLONG_MAX ms pauses nothing: Redis's end time
// overflows into the past.
func TestMillisecondTimeoutsPastACentury(t *testing.T) {
	const huge = "9223372036854775807"
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		for _, c := range []struct {
			cmd       []string
			unblocked string
		}{
			{[]string{"WAIT", "1", huge}, ":0\r\n"},
			{[]string{"XREAD", "BLOCK", huge, "STREAMS", "s", "$"}, "*-1\r\n"},
		} {
			w := blkDial(t, addr, false)
			id := w.id()
			blkBlock(t, ctl, w, 1, c.cmd...)
			w.silent(100 * time.Millisecond)
			ctl.call(":1\r\n", "CLIENT", "UNBLOCK", id)
			w.expect(c.unblocked)
		}
		w := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "CLIENT", "PAUSE", huge, "WRITE")
		w.call("+OK\r\n", "SET", "k", "v")
	})
}
