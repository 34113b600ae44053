package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
)

// Memory per client: what an idle connection costs, what replies a client
// does not read cost, CLIENT LIST's account of both, and INFO used_memory.
// The first two (memory_linux_test.go) measure a server process's RSS,
// respd's and (for the record, in the log) redis-server's.

// memDo sends a command on c and returns its reply's text (a bulk
// string's payload).
func memDo(t *testing.T, c *diffConn, args ...string) string {
	t.Helper()
	reply, err := c.do(diffEncode(stringArgv(args...)))
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	s := string(reply)
	if strings.HasPrefix(s, "$") {
		s = s[strings.Index(s, "\r\n")+2 : len(s)-2]
	}
	return s
}

func memDial(t *testing.T, addr string) *diffConn {
	t.Helper()
	c, err := diffDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c
}

// clientFields is the CLIENT LIST line of the client whose field key is
// value, as a map; nil if there is none.
func clientFields(t *testing.T, c *diffConn, key, value string) map[string]string {
	t.Helper()
	for _, line := range strings.Split(memDo(t, c, "CLIENT", "LIST"), "\n") {
		fields := map[string]string{}
		for _, kv := range strings.Fields(line) {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		if fields[key] == value {
			return fields
		}
	}
	return nil
}

func intField(t *testing.T, fields map[string]string, k string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(fields[k], 10, 64)
	if err != nil {
		t.Fatalf("%s=%q", k, fields[k])
	}
	return n
}

func resolveTCP(t *testing.T, addr string) *net.TCPAddr {
	t.Helper()
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// CLIENT LIST's memory fields say what each client holds, as Redis's do
// where respd holds the same: the caller's request and arguments, nothing
// for an idle client, the queue of one that does not read.
func TestClientListMemoryFields(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "")
		ctl := memDial(t, p.addr)
		memDo(t, ctl, "SET", "k", strings.Repeat("v", 100000))
		idle := memDial(t, p.addr)
		memDo(t, idle, "CLIENT", "SETNAME", "idle")
		unread, err := net.DialTCP("tcp", nil, resolveTCP(t, p.addr))
		if err != nil {
			t.Fatal(err)
		}
		defer unread.Close()
		unread.SetReadBuffer(4096)
		unread.Write([]byte("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$6\r\nunread\r\n" + strings.Repeat("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 100)))
		var unreadFields map[string]string
		waitFor(t, func() bool {
			unreadFields = clientFields(t, ctl, "name", "unread")
			return unreadFields != nil && unreadFields["cmd"] == "get" && intField(t, unreadFields, "omem") > 4<<20
		})

		self := clientFields(t, ctl, "cmd", "client|list")
		for k, want := range map[string]int64{"qbuf": 26, "argv-mem": 10, "obl": 0, "oll": 0, "omem": 0} {
			if got := intField(t, self, k); got != want {
				t.Errorf("the caller's %s=%d, want %d", k, got, want)
			}
		}
		idleFields := clientFields(t, ctl, "name", "idle")
		for _, k := range []string{"qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem"} {
			if got := intField(t, idleFields, k); got != 0 {
				t.Errorf("an idle client's %s=%d, want 0", k, got)
			}
		}
		// omem counts the blocks' size: the last one's free space too.
		omem, oll := intField(t, unreadFields, "omem"), intField(t, unreadFields, "oll")
		if oll == 0 || omem > 100*100006+64<<10 {
			t.Errorf("unread replies: oll=%d omem=%d, for 100 replies of 100006 bytes, partly sent", oll, omem)
		}
		if total := intField(t, unreadFields, "tot-mem"); total < omem || total > omem+64<<10 {
			t.Errorf("tot-mem=%d, omem=%d", total, omem)
		}
		t.Logf("%s: caller %s", bin, clientLine(self))
		t.Logf("%s: idle %s", bin, clientLine(idleFields))
		t.Logf("%s: unread %s", bin, clientLine(unreadFields))
		if bin == "redis-server" {
			return
		}
		// respd's own figures: an idle client holds no buffer at all, and
		// little else.
		for _, k := range []string{"qbuf-free", "rbs"} {
			if got := intField(t, idleFields, k); got != 0 {
				t.Errorf("an idle client's %s=%d, want 0", k, got)
			}
		}
		if total := intField(t, idleFields, "tot-mem"); total > 2048 {
			t.Errorf("an idle client's tot-mem=%d", total)
		}
	})
}

func clientLine(fields map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem"} {
		fmt.Fprintf(&b, "%s=%s ", k, fields[k])
	}
	return b.String()
}

// respd's fields for what only it can show: a request arriving in parts,
// MULTI's queue, requests held by CLIENT PAUSE.
func TestClientListMemoryFieldsRespd(t *testing.T) {
	addr := startServer(t)
	ctl := memDial(t, addr)
	partial := dialRaw(t, addr)
	partial.send("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$7\r\npartial\r\n")
	partial.expect("+OK\r\n")
	const partialRequest = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc"
	partial.send(partialRequest)
	multi := dialRaw(t, addr)
	multi.do("+OK\r\n", "CLIENT", "SETNAME", "multi")
	multi.do("+OK\r\n", "MULTI")
	multi.do("+QUEUED\r\n", "SET", "k", "v")
	paused := dialRaw(t, addr)
	paused.do("+OK\r\n", "CLIENT", "SETNAME", "paused")
	memDo(t, ctl, "CLIENT", "PAUSE", "10000", "WRITE")
	const pausedRequest = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"
	paused.send(pausedRequest)
	// Both requests read: the paused one held, the partial one waiting for
	// the rest.
	waitFor(t, func() bool {
		held, part := clientFields(t, ctl, "name", "paused"), clientFields(t, ctl, "name", "partial")
		return held["flags"] == "b" && part["qbuf"] != "0"
	})
	for _, tc := range []struct {
		name string
		want map[string]int64
	}{
		{"partial", map[string]int64{"qbuf": int64(len(partialRequest)), "qbuf-free": 0, "argv-mem": 0}},
		{"multi", map[string]int64{"qbuf": 0, "argv-mem": 0, "multi-mem": 3 + 1 + 1 + 3*24}},
		{"paused", map[string]int64{"qbuf": int64(len(pausedRequest)), "argv-mem": int64(len("SETkeyvalue"))}},
	} {
		fields := clientFields(t, ctl, "name", tc.name)
		for k, want := range tc.want {
			if got := intField(t, fields, k); got != want {
				t.Errorf("%s: %s=%d, want %d", tc.name, k, got, want)
			}
		}
	}
	memDo(t, ctl, "CLIENT", "UNPAUSE")
	paused.expect("+OK\r\n")
	partial.send("defghij\r\n")
	partial.expect("+OK\r\n")
	if v := memDo(t, ctl, "GET", "k"); v != "abcdefghij" {
		t.Errorf("GET k = %q", v)
	}
}

// INFO used_memory counts what is live, not garbage waiting for a
// collection: neither what a client announces and does not send (it read
// 400 MB for one such client, with 20 MB of RSS) nor replies already sent.
func TestUsedMemoryCountsLiveData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	p := startProc(t, nil, buildRespd(t), t.TempDir(), "--save", "")
	usedMemory := func() int64 {
		n, err := strconv.ParseInt(interopInfoSection(t, p.addr, "memory")["used_memory"], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	announcer := memDial(t, p.addr)
	announcer.c.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$400000000\r\nabc"))
	// Once the server has read the announcement: the client is in CLIENT
	// LIST with a command not yet run (cmd=NULL) and bytes in its qbuf.
	ctl := memDial(t, p.addr)
	waitFor(t, func() bool {
		f := clientFields(t, ctl, "cmd", "NULL")
		return f != nil && f["qbuf"] != "0"
	})
	if used := usedMemory(); used > 64<<20 {
		t.Errorf("a client announcing a 400 MB value: used_memory %d MB", used>>20)
	}

	const values, size = 16, 4 << 20
	c := memDial(t, p.addr)
	for i := 0; i < values; i++ {
		memDo(t, c, "SET", "key:"+strconv.Itoa(i), strings.Repeat("x", size))
	}
	const data = values * size
	if used := usedMemory(); used < data/2 || used > data+24<<20 {
		t.Errorf("with %d MB of values: used_memory %d MB", data>>20, used>>20)
	}
	for i := 0; i < 12; i++ { // 48 MB of replies, sent: garbage
		if v := memDo(t, c, "GET", "key:0"); len(v) != size {
			t.Fatalf("GET: %d bytes", len(v))
		}
	}
	if used := usedMemory(); used > data+24<<20 {
		t.Errorf("%d MB of values, 48 MB of replies sent: used_memory %d MB", data>>20, used>>20)
	}
}
