package main

// Wire-level replication tests: raw sockets pin the exact bytes of Redis's
// replication protocol (PSYNC2), in both roles. Every test runs against a
// real redis-server and against respd (subtests "redis" and "respd"):
//
//	go test -run 'TestReplWire' -v .           # everything
//	go test -run 'TestReplWire/redis' -v .     # only the real Redis target
//	go test -run 'TestReplWireWait/respd' -v . # one test, one target
//
// As a master, the target serves a fake replica driven by hand (rwPeer):
// PING, REPLCONF listening-port/capa, PSYNC, then the RDB payload and the
// command stream. As a replica (--replicaof pointing at a listener of ours),
// the target talks to a fake master that checks each handshake command and
// feeds it an RDB (built with respd/internal/rdb) and a command stream.
//
// Masters run with --repl-diskless-sync-delay 0 (full syncs start at once)
// and, where exact stream bytes matter, --repl-ping-replica-period 3600 so
// that no PING from the master's replication cron lands in the stream.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/aof"
	"respd/internal/rdb"
)

// ---- targets ----

// rwTarget is a server the wire tests run against; start takes
// redis-server style flags and returns the address.
type rwTarget struct {
	name  string
	start func(t *testing.T, args ...string) string
}

var rwTargets = []rwTarget{
	{"redis", func(t *testing.T, args ...string) string {
		t.Helper()
		if _, err := exec.LookPath("redis-server"); err != nil {
			t.Skip("redis-server not installed (apt-get install redis-server)")
		}
		return diffStartRedis(t, args...)
	}},
	{"respd", func(t *testing.T, args ...string) string {
		t.Helper()
		return startServer(t, args...)
	}},
}

// rwForEachTarget runs f as one subtest per target.
func rwForEachTarget(t *testing.T, f func(t *testing.T, target rwTarget)) {
	for _, target := range rwTargets {
		t.Run(target.name, func(t *testing.T) { f(t, target) })
	}
}

// rwMasterArgs are the flags every master target gets, then extra.
func rwMasterArgs(extra ...string) []string {
	return append([]string{"--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600"}, extra...)
}

// ---- RESP ----

// rwValue is one RESP2 value with the exact bytes it was read from.
type rwValue struct {
	raw   []byte
	kind  byte // '+', '-', ':', '$' or '*'
	str   string
	null  bool
	elems []rwValue
}

// argv returns an array of bulk strings as strings (nil otherwise).
func (v rwValue) argv() []string {
	if v.kind != '*' {
		return nil
	}
	out := make([]string, len(v.elems))
	for i, e := range v.elems {
		out[i] = e.str
	}
	return out
}

// rwReadValue reads one RESP2 value.
func rwReadValue(r *bufio.Reader) (rwValue, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return rwValue{raw: []byte(line)}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return rwValue{raw: []byte(line)}, fmt.Errorf("bad RESP line %q", line)
	}
	v := rwValue{raw: []byte(line), kind: line[0]}
	body := line[1 : len(line)-2]
	switch v.kind {
	case '+', '-', ':':
		v.str = body
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, fmt.Errorf("bad bulk length %q", line)
		}
		if n < 0 {
			v.null = true
			return v, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return v, err
		}
		if !bytes.HasSuffix(buf, []byte("\r\n")) {
			return v, fmt.Errorf("bulk string %q not followed by CRLF", buf)
		}
		v.raw = append(v.raw, buf...)
		v.str = string(buf[:n])
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, fmt.Errorf("bad array length %q", line)
		}
		if n < 0 {
			v.null = true
			return v, nil
		}
		for range n {
			e, err := rwReadValue(r)
			v.raw = append(v.raw, e.raw...)
			if err != nil {
				return v, err
			}
			v.elems = append(v.elems, e)
		}
	default:
		return v, fmt.Errorf("bad RESP type byte in %q", line)
	}
	return v, nil
}

// rwCmd encodes a command as a RESP array of bulk strings.
func rwCmd(args ...string) string {
	return string(aof.AppendCommand(nil, stringArgv(args...)))
}

// rwRead reads one reply from a raw connection (3 s deadline).
func rwRead(t testing.TB, c *rawConn) rwValue {
	t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	v, err := rwReadValue(c.r)
	if err != nil {
		t.Fatalf("reading a RESP value: got %q, %v", v.raw, err)
	}
	return v
}

// rwCall sends a command and returns its reply.
func rwCall(t testing.TB, c *rawConn, args ...string) rwValue {
	t.Helper()
	c.send(rwCmd(args...))
	return rwRead(t, c)
}

// rwDo sends a command and reads one whole reply, which must be
// exactly want (a wrong reply is shown in full, unlike rawConn.do).
func rwDo(t testing.TB, c *rawConn, want string, args ...string) {
	t.Helper()
	if got := rwCall(t, c, args...); string(got.raw) != want {
		t.Fatalf("%q: got %q, want %q", args, got.raw, want)
	}
}

// rwCheckInfo compares INFO replication fields with want.
func rwCheckInfo(t testing.TB, info map[string]string, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got, ok := info[k]; !ok || got != w {
			t.Errorf("INFO replication %s: got %q (present %v), want %q", k, got, ok, w)
		}
	}
}

func rwItoa(n int64) string { return strconv.FormatInt(n, 10) }

// ---- one end of a replication link ----

// rwPeer is the connection we drive by hand: a fake replica connected to
// the target master, or the target replica connected to our fake master.
// read counts the stream bytes read with readStream.
type rwPeer struct {
	*rawConn
	read int64
	port string // the listening port a fake replica announced
}

func rwDial(t *testing.T, addr string) *rwPeer {
	t.Helper()
	return &rwPeer{rawConn: dialRaw(t, addr)}
}

// rwAccept waits (up to wait) for the target replica to connect.
func rwAccept(t *testing.T, ln net.Listener, wait time.Duration) *rwPeer {
	t.Helper()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(wait))
	nc, err := ln.Accept()
	if err != nil {
		t.Fatalf("the replica did not connect: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rwPeer{rawConn: &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}}
}

// expectCmd reads exactly the RESP encoding of args.
func (p *rwPeer) expectCmd(args ...string) {
	p.t.Helper()
	p.expect(rwCmd(args...))
}

// readStream reads one value of the replication stream and counts it.
func (p *rwPeer) readStream() rwValue {
	p.t.Helper()
	p.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	v, err := rwReadValue(p.r)
	if err != nil {
		p.t.Fatalf("reading the replication stream: got %q, %v", v.raw, err)
	}
	p.read += int64(len(v.raw))
	return v
}

// nextCmd is readStream skipping the master's PINGs (still counted).
func (p *rwPeer) nextCmd() rwValue {
	p.t.Helper()
	for {
		v := p.readStream()
		if a := v.argv(); len(a) == 1 && a[0] == "PING" {
			continue
		}
		return v
	}
}

// expectStream reads the next non-PING stream command, which must be
// exactly the encoding of args.
func (p *rwPeer) expectStream(args ...string) {
	p.t.Helper()
	if v, want := p.nextCmd(), rwCmd(args...); string(v.raw) != want {
		p.t.Fatalf("stream: got %q, want %q", v.raw, want)
	}
}

// expectSilence asserts that nothing arrives within d.
func (p *rwPeer) expectSilence(d time.Duration) {
	p.t.Helper()
	p.nc.SetReadDeadline(time.Now().Add(d))
	b, err := p.r.ReadByte()
	if err == nil {
		more, _ := p.r.Peek(p.r.Buffered())
		p.t.Fatalf("expected nothing, got %q", append([]byte{b}, more...))
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		p.t.Fatalf("expected nothing, got error %v", err)
	}
}

// drain discards input until the peer has been quiet for quiet.
func (p *rwPeer) drain(quiet time.Duration) {
	p.t.Helper()
	buf := make([]byte, 4096)
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
		p.nc.SetReadDeadline(time.Now().Add(quiet))
		if _, err := p.r.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return
			}
			p.t.Fatalf("draining: %v", err)
		}
	}
	p.t.Fatal("the peer never went quiet")
}

// readLine reads a CRLF-terminated line, skipping the "\n" keepalives a
// master sends while the replica waits for its RDB.
func (p *rwPeer) readLine() string {
	p.t.Helper()
	p.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	p.skipNewlines()
	line, err := p.r.ReadString('\n')
	if err != nil {
		p.t.Fatalf("reading a line: got %q, %v", line, err)
	}
	return line
}

func (p *rwPeer) skipNewlines() {
	p.t.Helper()
	for {
		b, err := p.r.ReadByte()
		if err != nil {
			p.t.Fatalf("reading: %v", err)
		}
		if b != '\n' {
			p.r.UnreadByte()
			return
		}
	}
}

// ---- fake replica ----

// handshake is a replica's handshake up to (not including) PSYNC.
func (p *rwPeer) handshake() { p.handshakeAs("7777") }

// handshakeAs is handshake announcing port as the replica's.
func (p *rwPeer) handshakeAs(port string) {
	p.t.Helper()
	p.port = port
	rwDo(p.t, p.rawConn, "+PONG\r\n", "PING")
	rwDo(p.t, p.rawConn, "+OK\r\n", "REPLCONF", "listening-port", port)
	rwDo(p.t, p.rawConn, "+OK\r\n", "REPLCONF", "capa", "eof", "capa", "psync2")
}

var rwFullResyncRE = regexp.MustCompile(`^\+FULLRESYNC ([0-9a-f]{40}) ([0-9]+)\r\n$`)

func rwParseFullResync(t testing.TB, line string) (replid string, off int64) {
	t.Helper()
	m := rwFullResyncRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("PSYNC: got %q, want +FULLRESYNC <replid> <offset>", line)
	}
	off, _ = strconv.ParseInt(m[2], 10, 64)
	return m[1], off
}

// psync sends PSYNC and returns the reply line.
func (p *rwPeer) psync(replid string, off int64) string {
	p.t.Helper()
	p.send(rwCmd("PSYNC", replid, rwItoa(off)))
	return p.readLine()
}

// readRDB reads the RDB payload after +FULLRESYNC: "$<len>\r\n" and len
// bytes, or (diskless, capa eof) "$EOF:<40-byte mark>\r\n", the RDB and
// the mark again. mark is "" for the former.
func (p *rwPeer) readRDB() (data []byte, mark string) {
	p.t.Helper()
	header := p.readLine()
	p.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	body, ok := strings.CutPrefix(header, "$")
	body, ok2 := strings.CutSuffix(body, "\r\n")
	if !ok || !ok2 {
		p.t.Fatalf("RDB payload header: got %q", header)
	}
	if m, ok := strings.CutPrefix(body, "EOF:"); ok {
		if len(m) != 40 {
			p.t.Fatalf("EOF mark %q is not 40 bytes", m)
		}
		for !bytes.HasSuffix(data, []byte(m)) {
			b, err := p.r.ReadByte()
			if err != nil {
				p.t.Fatalf("reading the RDB after %d bytes: %v", len(data), err)
			}
			data = append(data, b)
		}
		return data[:len(data)-40], m
	}
	n, err := strconv.Atoi(body)
	if err != nil || n < 0 {
		p.t.Fatalf("RDB payload header: got %q", header)
	}
	data = make([]byte, n)
	if _, err := io.ReadFull(p.r, data); err != nil {
		p.t.Fatalf("reading the %d-byte RDB: %v", n, err)
	}
	return data, ""
}

// ack sends REPLCONF ACK <off>.
func (p *rwPeer) ack(off int64) {
	p.t.Helper()
	p.send(rwCmd("REPLCONF", "ACK", rwItoa(off)))
}

// fullSync does PSYNC ? -1, reads the payload and acks the offset, as a
// real replica does after loading an EOF-marked payload. A diskless
// Redis master starts streaming to a replica on its first ACK once the
// replica is online, and ignores an ACK that beats the end of the RDB
// child, so we ack until INFO (on client c) lists the replica online, and
// once more then. Repeated ACKs of the same offset are harmless.
func (p *rwPeer) fullSync(c *rawConn) (replid string, off int64, payload []byte) {
	p.t.Helper()
	replid, off = rwParseFullResync(p.t, p.psync("?", -1))
	payload, _ = p.readRDB()
	online := regexp.MustCompile(`(?m)^slave[0-9]+:ip=127\.0\.0\.1,port=` + p.port + `,state=online,`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.ack(off)
		v := rwCall(p.t, c, "INFO", "replication")
		if online.MatchString(v.str) {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the fake replica never came online: %s", v.str)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.ack(off)
	return replid, off, payload
}

type rwKey struct {
	db  int
	key string
}

type rwVal struct {
	val      string
	expireMs int64
}

// rwLoadRDB checks an RDB's framing and checksum and returns its keys.
func rwLoadRDB(t testing.TB, data []byte) map[rwKey]rwVal {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("REDIS00")) {
		t.Fatalf("RDB starts with %q, want REDIS00", data[:min(len(data), 9)])
	}
	if len(data) < 18 || data[len(data)-9] != 0xFF {
		t.Fatalf("RDB does not end with EOF opcode + 8-byte checksum: ...%q", data[max(0, len(data)-16):])
	}
	if bytes.Equal(data[len(data)-8:], make([]byte, 8)) {
		t.Fatal("RDB checksum is zero (rdbchecksum is on by default)")
	}
	keys := map[rwKey]rwVal{}
	err := rdb.Load(bytes.NewReader(data), func(r rdb.Record) error {
		keys[rwKey{r.DB, string(r.Key)}] = rwVal{string(r.Value), r.ExpireMs}
		return nil
	})
	if err != nil {
		t.Fatalf("loading the RDB (checksum verified): %v", err)
	}
	return keys
}

// ---- fake master ----

// rwListen listens for the target replica.
func rwListen(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// rwMasterHandshake plays the master's side of the handshake up to the
// PSYNC command (which it leaves unread), checking every byte.
func rwMasterHandshake(m *rwPeer, replicaPort, auth string) {
	m.t.Helper()
	m.expectCmd("PING")
	m.send("+PONG\r\n")
	if auth != "" {
		m.expectCmd("AUTH", auth)
		m.send("+OK\r\n")
	}
	m.expectCmd("REPLCONF", "listening-port", replicaPort)
	m.send("+OK\r\n")
	m.expectCmd("REPLCONF", "capa", "eof", "capa", "psync2")
	m.send("+OK\r\n")
}

// rwBuildRDB encodes string keys (key, value, key, value...) in db 0.
func rwBuildRDB(t testing.TB, kv ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	e, err := rdb.NewEncoder(&buf, rdb.Header{Version: redisVersion})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SelectDB(0, uint64(len(kv)/2), 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := e.String([]byte(kv[i]), []byte(kv[i+1]), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	rwReplid     = "0123456789abcdef0123456789abcdef01234567"
	rwReplid2    = "fedcba9876543210fedcba9876543210fedcba98"
	rwZeroReplid = "0000000000000000000000000000000000000000"
	rwGetack     = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"
)

// rwReplicaSetup starts the target as a replica of a fake master, does the
// handshake (with AUTH if auth is set) and a full sync (RDB with k1=v1, k2=v2; replid rwReplid;
// offset 0), streams SELECT 0, SET k3 v3, PING and waits until the
// replica has applied them. It returns the link, the listener, a client
// of the replica, the master's port and the stream length.
func rwReplicaSetup(t *testing.T, target rwTarget, auth string) (m *rwPeer, ln net.Listener, c *rawConn, mport string, n int64) {
	t.Helper()
	ln, mport = rwListen(t)
	args := []string{"--replicaof", "127.0.0.1 " + mport}
	if auth != "" {
		args = append(args, "--masterauth", auth)
	}
	addr := target.start(t, args...)
	_, rport, _ := net.SplitHostPort(addr)
	m = rwAccept(t, ln, 5*time.Second)
	rwMasterHandshake(m, rport, auth)
	m.expectCmd("PSYNC", "?", "-1")
	payload := rwBuildRDB(t, "k1", "v1", "k2", "v2")
	m.send(fmt.Sprintf("+FULLRESYNC %s 0\r\n$%d\r\n%s", rwReplid, len(payload), payload))
	stream := rwCmd("SELECT", "0") + rwCmd("SET", "k3", "v3") + rwCmd("PING")
	m.send(stream)
	n = int64(len(stream))
	c = dialRaw(t, addr)
	rwWaitOffset(t, c, n)
	return m, ln, c, mport, n
}

// rwWaitOffset waits until the replica's link is up and it has
// processed the stream up to off.
func rwWaitOffset(t *testing.T, c *rawConn, off int64) {
	t.Helper()
	var info map[string]string
	deadline := time.Now().Add(5 * time.Second)
	for {
		info = rawInfo(t, c, "replication")
		if info["master_link_status"] == "up" && info["master_repl_offset"] == rwItoa(off) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica never reached offset %d with the link up: link %q, master_repl_offset %q",
				off, info["master_link_status"], info["master_repl_offset"])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var rwAckRE = regexp.MustCompile(`^\*3\r\n\$8\r\nREPLCONF\r\n\$3\r\nACK\r\n\$[0-9]+\r\n([0-9]+)\r\n$`)

// readAck reads one REPLCONF ACK from the replica and returns its offset.
func (m *rwPeer) readAck() int64 {
	m.t.Helper()
	v := m.readStream()
	g := rwAckRE.FindSubmatch(v.raw)
	if g == nil {
		m.t.Fatalf("got %q, want REPLCONF ACK <offset>", v.raw)
	}
	off, _ := strconv.ParseInt(string(g[1]), 10, 64)
	return off
}

// ---- 1. full sync from the target master ----

func TestReplWireFullSync(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		for _, tc := range []struct {
			name, diskless string
		}{{"diskless", "yes"}, {"disk", "no"}} {
			t.Run(tc.name, func(t *testing.T) {
				addr := target.start(t, rwMasterArgs("--repl-diskless-sync", tc.diskless)...)
				c := dialRaw(t, addr)
				rwDo(t, c, "+OK\r\n", "SET", "k0", "v0")
				rwDo(t, c, "+OK\r\n", "SET", "counter", "12345")
				rwDo(t, c, "+OK\r\n", "SET", "ttl", "tv", "EX", "100")
				now := time.Now().UnixMilli()
				rwDo(t, c, "+OK\r\n", "SELECT", "3")
				rwDo(t, c, "+OK\r\n", "SET", "k3", "v3")
				rwDo(t, c, "+OK\r\n", "SELECT", "0")

				p := rwDial(t, addr)
				p.handshake()
				replid, off := rwParseFullResync(t, p.psync("?", -1))
				rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{
					"role":               "master",
					"master_replid":      replid,
					"master_repl_offset": rwItoa(off),
				})
				data, mark := p.readRDB()
				if diskless := tc.diskless == "yes"; diskless != (mark != "") {
					t.Errorf("payload EOF mark %q with repl-diskless-sync %s", mark, tc.diskless)
				}
				keys := rwLoadRDB(t, data)
				// The RDB records where the stream starts, so that a replica
				// restarted from it can continue partially.
				aux := map[string]string{}
				rdb.Loader{Record: func(rdb.Record) error { return nil }, Aux: func(k, v []byte) { aux[string(k)] = string(v) }}.Load(bytes.NewReader(data))
				if aux["repl-id"] != replid || aux["repl-offset"] != rwItoa(off) || aux["aof-base"] != "0" {
					t.Errorf("RDB AUX fields %v, want repl-id %s repl-offset %d aof-base 0", aux, replid, off)
				}
				for k, want := range map[rwKey]string{
					{0, "k0"}: "v0", {0, "counter"}: "12345", {0, "ttl"}: "tv", {3, "k3"}: "v3",
				} {
					if got, ok := keys[k]; !ok || got.val != want {
						t.Errorf("RDB db %d key %q: got %+v (present %v), want %q", k.db, k.key, got, ok, want)
					}
				}
				if len(keys) != 4 {
					t.Errorf("RDB has %d keys, want 4: %v", len(keys), keys)
				}
				if exp := keys[rwKey{0, "ttl"}].expireMs; exp < now+90_000 || exp > now+101_000 {
					t.Errorf("RDB ttl expiry %d, want about %d", exp, now+100_000)
				}
				if keys[rwKey{0, "k0"}].expireMs != 0 {
					t.Errorf("RDB k0 has an expiry")
				}
				// Nothing but the stream may follow (the ACK put us online).
				p.ack(off)
				p.expectSilence(100 * time.Millisecond)
			})
		}
	})
}

// ---- 2. the command stream ----

func TestReplWireStream(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		// Default ping period: a master PING may land in the stream; it is
		// skipped when comparing commands but counts for the offset.
		addr := target.start(t, "--repl-diskless-sync-delay", "0")
		c := dialRaw(t, addr)
		p := rwDial(t, addr)
		p.handshake()
		_, off, _ := p.fullSync(c)

		rwDo(t, c, "+OK\r\n", "SET", "a", "1")
		rwDo(t, c, "+OK\r\n", "SELECT", "3")
		rwDo(t, c, "+OK\r\n", "SET", "b", "2")
		rwDo(t, c, "+OK\r\n", "SELECT", "0")
		rwDo(t, c, ":2\r\n", "INCR", "a")
		before := time.Now().UnixMilli()
		rwDo(t, c, ":1\r\n", "EXPIRE", "a", "100")
		after := time.Now().UnixMilli()
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, "+QUEUED\r\n", "SET", "c", "3")
		rwDo(t, c, "+QUEUED\r\n", "SET", "d", "4")
		rwDo(t, c, "*2\r\n+OK\r\n+OK\r\n", "EXEC")
		rwDo(t, c, ":1\r\n", "DEL", "c")

		// The first command after the RDB is SELECT 0, exactly.
		if v := p.nextCmd(); string(v.raw) != "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" {
			t.Fatalf("first stream command: got %q, want SELECT 0", v.raw)
		}
		p.expectStream("SET", "a", "1")
		p.expectStream("SELECT", "3")
		p.expectStream("SET", "b", "2")
		p.expectStream("SELECT", "0")
		p.expectStream("INCR", "a")
		// EXPIRE is propagated as PEXPIREAT with an absolute unix time in ms.
		v := p.nextCmd()
		if a := v.argv(); len(a) != 3 || a[0] != "PEXPIREAT" || a[1] != "a" {
			t.Fatalf("stream: got %q, want PEXPIREAT a <ms>", v.raw)
		} else if ms, err := strconv.ParseInt(a[2], 10, 64); err != nil ||
			ms < before+100_000 || ms > after+100_000 {
			t.Errorf("PEXPIREAT %s, want between %d and %d", a[2], before+100_000, after+100_000)
		}
		p.expectStream("MULTI")
		p.expectStream("SET", "c", "3")
		p.expectStream("SET", "d", "4")
		p.expectStream("EXEC")
		p.expectStream("DEL", "c")

		// The master's offset advanced by exactly the bytes streamed.
		masterOff, _ := strconv.ParseInt(rawInfo(t, c, "replication")["master_repl_offset"], 10, 64)
		for p.read < masterOff-off {
			if v := p.readStream(); string(v.raw) != rwCmd("PING") {
				t.Fatalf("unexpected stream command %q", v.raw)
			}
		}
		if p.read != masterOff-off {
			t.Errorf("master_repl_offset %d, want FULLRESYNC offset %d + %d bytes streamed",
				masterOff, off, p.read)
		}
	})
}

// ---- 3. REPLCONF ACK and WAIT ----

var rwSlave0RE = regexp.MustCompile(`^ip=127\.0\.0\.1,port=7777,state=online,offset=([0-9]+),lag=([0-9]+)$`)

func TestReplWireWait(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		addr := target.start(t, rwMasterArgs()...)
		c := dialRaw(t, addr)
		p := rwDial(t, addr)
		p.handshake()
		_, off, _ := p.fullSync(c)
		// REPLCONF ACK has no reply.
		p.expectSilence(100 * time.Millisecond)

		slave0Offset := func() string {
			m := rwSlave0RE.FindStringSubmatch(rawInfo(t, c, "replication")["slave0"])
			if m == nil {
				return ""
			}
			return m[1]
		}
		timed := func(want string, args ...string) time.Duration {
			t.Helper()
			start := time.Now()
			rwDo(t, c, want, args...)
			return time.Since(start)
		}

		rwDo(t, c, "+OK\r\n", "SET", "x", "1")
		p.expectStream("SELECT", "0")
		p.expectStream("SET", "x", "1")
		acked := off + p.read
		p.ack(acked)
		waitFor(t, func() bool { return slave0Offset() == rwItoa(acked) })

		// The ack covers the client's last write: WAIT returns at once.
		if d := timed(":1\r\n", "WAIT", "1", "0"); d > time.Second {
			t.Errorf("WAIT 1 0 took %v", d)
		}
		if d := timed(":1\r\n", "WAIT", "0", "0"); d > time.Second {
			t.Errorf("WAIT 0 0 took %v", d)
		}
		info := rawInfo(t, c, "replication")
		rwCheckInfo(t, info, map[string]string{"role": "master", "connected_slaves": "1"})
		if m := rwSlave0RE.FindStringSubmatch(info["slave0"]); m == nil || m[1] != rwItoa(acked) {
			t.Errorf("INFO slave0:%s, want ip=127.0.0.1,port=7777,state=online,offset=%d,lag=<n>", info["slave0"], acked)
		}

		// A write not yet acked: WAIT times out with :0, and the master
		// asks its replicas for an ACK (REPLCONF GETACK * in the stream).
		rwDo(t, c, "+OK\r\n", "SET", "x", "2")
		if d := timed(":0\r\n", "WAIT", "1", "200"); d < 150*time.Millisecond || d > 2*time.Second {
			t.Errorf("WAIT 1 200 took %v", d)
		}
		p.expectStream("SET", "x", "2")
		if v := p.nextCmd(); string(v.raw) != rwGetack {
			t.Fatalf("stream: got %q, want REPLCONF GETACK *", v.raw)
		}

		// The replica acks while WAIT is blocked: WAIT returns :1 promptly.
		rwDo(t, c, "+OK\r\n", "SET", "x", "3")
		start := time.Now()
		c.send(rwCmd("WAIT", "1", "5000"))
		p.expectStream("SET", "x", "3")
		if v := p.nextCmd(); string(v.raw) != rwGetack {
			t.Fatalf("stream: got %q, want REPLCONF GETACK *", v.raw)
		}
		p.ack(off + p.read)
		c.expect(":1\r\n")
		if d := time.Since(start); d > time.Second {
			t.Errorf("WAIT 1 5000 returned after %v although the replica acked", d)
		}
	})
}

// ---- 4. partial resync ----

func TestReplWirePartialResync(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		addr := target.start(t, rwMasterArgs()...)
		c := dialRaw(t, addr)
		a := rwDial(t, addr)
		a.handshake()
		replid, off, _ := a.fullSync(c)

		rwDo(t, c, "+OK\r\n", "SET", "p", "1")
		rwDo(t, c, "+OK\r\n", "SET", "q", "2")
		a.expectStream("SELECT", "0")
		a.expectStream("SET", "p", "1")
		processed := off + a.read // what A has applied (SET q 2 is unread)
		a.nc.Close()
		rwDo(t, c, "+OK\r\n", "SET", "r", "3")

		missing := rwCmd("SET", "q", "2") + rwCmd("SET", "r", "3")
		masterOff := processed + int64(len(missing))
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{
			"master_replid": replid, "master_repl_offset": rwItoa(masterOff),
		})

		t.Run("continue", func(t *testing.T) {
			b := rwDial(t, addr)
			b.handshake()
			b.send(rwCmd("PSYNC", replid, rwItoa(processed+1)))
			// capa psync2: the reply names the replication ID.
			b.expect("+CONTINUE " + replid + "\r\n")
			b.expect(missing)
			b.expectSilence(100 * time.Millisecond)
			// ...and the link goes on streaming.
			rwDo(t, c, "+OK\r\n", "SET", "s", "4")
			b.expect(rwCmd("SET", "s", "4"))
			masterOff += int64(len(rwCmd("SET", "s", "4")))
		})

		// The remaining cases read the master's offset afresh, so that each
		// stands on its own.
		offset := func() int64 {
			t.Helper()
			n, err := strconv.ParseInt(rawInfo(t, c, "replication")["master_repl_offset"], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("caught-up", func(t *testing.T) {
			b := rwDial(t, addr)
			b.handshake()
			b.send(rwCmd("PSYNC", replid, rwItoa(offset()+1)))
			b.expect("+CONTINUE " + replid + "\r\n")
			b.expectSilence(100 * time.Millisecond)
		})

		t.Run("no-psync2", func(t *testing.T) {
			b := rwDial(t, addr)
			rwDo(t, b.rawConn, "+PONG\r\n", "PING")
			rwDo(t, b.rawConn, "+OK\r\n", "REPLCONF", "listening-port", "7777")
			rwDo(t, b.rawConn, "+OK\r\n", "REPLCONF", "capa", "eof")
			b.send(rwCmd("PSYNC", replid, rwItoa(offset()+1)))
			b.expect("+CONTINUE\r\n")
		})

		fullCases := []struct {
			name, replid string
			off          func(cur int64) int64
		}{
			{"unknown-replid", rwReplid, func(int64) int64 { return processed + 1 }},
			{"beyond-backlog", replid, func(cur int64) int64 { return cur + 2 }},
			{"before-backlog", replid, func(int64) int64 { return off }}, // the backlog starts at off+1
		}
		for _, tc := range fullCases {
			t.Run(tc.name, func(t *testing.T) {
				b := rwDial(t, addr)
				b.handshake()
				cur := offset()
				gotID, gotOff := rwParseFullResync(t, b.psync(tc.replid, tc.off(cur)))
				if gotID != replid || gotOff != cur {
					t.Errorf("+FULLRESYNC %s %d, want %s %d", gotID, gotOff, replid, cur)
				}
				// Read the whole payload so the next sync need not wait.
				rwLoadRDB(t, func() []byte { d, _ := b.readRDB(); return d }())
			})
		}
	})
}

// ---- 5. the target as a replica of a fake master ----

func TestReplWireReplica(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		m, _, c, mport, n := rwReplicaSetup(t, target, "")

		rwDo(t, c, "$2\r\nv1\r\n", "GET", "k1")
		rwDo(t, c, "$2\r\nv2\r\n", "GET", "k2")
		rwDo(t, c, "$2\r\nv3\r\n", "GET", "k3")
		rwDo(t, c, ":3\r\n", "DBSIZE")
		rwDo(t, c, "-READONLY You can't write against a read only replica.\r\n", "SET", "k9", "x")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{
			"role":               "slave",
			"master_host":        "127.0.0.1",
			"master_port":        mport,
			"master_link_status": "up",
			"master_replid":      rwReplid,
			"master_replid2":     rwZeroReplid,
			"master_repl_offset": rwItoa(n),
			"slave_repl_offset":  rwItoa(n),
			"second_repl_offset": "-1",
		})

		// GETACK: the answer is the offset before the GETACK itself.
		m.drain(150 * time.Millisecond)
		m.send(rwGetack)
		m.expectCmd("REPLCONF", "ACK", rwItoa(n))

		// On its own, the replica acks about once a second; the GETACK
		// now counts.
		want := n + int64(len(rwGetack))
		var first time.Time
		for first.IsZero() {
			switch got := m.readAck(); got {
			case want:
				first = time.Now()
			case n: // sent before the GETACK was processed
			default:
				t.Fatalf("REPLCONF ACK %d, want %d", got, want)
			}
		}
		// Timed over three periods, so that a test stalled for a moment
		// while reading one of them doesn't fail it.
		for range 3 {
			if got := m.readAck(); got != want {
				t.Fatalf("REPLCONF ACK %d, want %d", got, want)
			}
		}
		if d := time.Since(first) / 3; d < 700*time.Millisecond || d > 1400*time.Millisecond {
			t.Errorf("periodic ACKs %v apart on average, want about 1s", d)
		}
	})
}

// ---- 6. masterauth ----

func TestReplWireMasterAuth(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		// rwReplicaSetup expects AUTH secret right after PING.
		_, _, c, _, _ := rwReplicaSetup(t, target, "secret")
		rwDo(t, c, "$2\r\nv3\r\n", "GET", "k3")
	})
}

// ---- 7. reconnect and PSYNC continue ----

func TestReplWireReplicaReconnect(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		for _, tc := range []struct{ name, newID string }{{"same-id", ""}, {"new-id", rwReplid2}} {
			t.Run(tc.name, func(t *testing.T) {
				m, ln, c, _, n := rwReplicaSetup(t, target, "")
				_, rport, _ := net.SplitHostPort(c.nc.RemoteAddr().String())

				m.nc.Close()
				m = rwAccept(t, ln, 3*time.Second)
				rwMasterHandshake(m, rport, "")
				m.expectCmd("PSYNC", rwReplid, rwItoa(n+1))
				if tc.newID == "" {
					m.send("+CONTINUE\r\n")
				} else {
					m.send("+CONTINUE " + tc.newID + "\r\n")
				}
				// No SELECT: the link keeps the db it had selected.
				stream := rwCmd("SET", "k4", "v4") + rwCmd("DEL", "k3")
				m.send(stream)
				rwWaitOffset(t, c, n+int64(len(stream)))

				rwDo(t, c, "$2\r\nv1\r\n", "GET", "k1") // no new full sync: the data stays
				rwDo(t, c, "$2\r\nv4\r\n", "GET", "k4")
				rwDo(t, c, "$-1\r\n", "GET", "k3")
				want := map[string]string{
					"master_replid":      rwReplid,
					"master_replid2":     rwZeroReplid,
					"second_repl_offset": "-1",
					"master_repl_offset": rwItoa(n + int64(len(stream))),
				}
				if tc.newID != "" {
					want["master_replid"] = tc.newID
					want["master_replid2"] = rwReplid
					want["second_repl_offset"] = rwItoa(n + 1)
				}
				rwCheckInfo(t, rawInfo(t, c, "replication"), want)
			})
		}
	})
}

// ---- 8. ROLE ----

// TestReplWireRole: ROLE's exact bytes on a master with an online replica
// (its acknowledged offset) and on a replica whose link is up.
func TestReplWireRole(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		t.Run("master", func(t *testing.T) {
			addr := target.start(t, rwMasterArgs()...)
			c := dialRaw(t, addr)
			p := rwDial(t, addr)
			p.handshake()
			_, off, _ := p.fullSync(c)
			rwDo(t, c, "+OK\r\n", "SET", "k", "v")
			p.expectStream("SELECT", "0")
			p.expectStream("SET", "k", "v")
			acked := rwItoa(off + p.read)
			p.ack(off + p.read)
			waitFor(t, func() bool { return strings.Contains(rawInfo(t, c, "replication")["slave0"], "offset="+acked+",") })
			rwDo(t, c, "*3\r\n$6\r\nmaster\r\n:"+acked+"\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n7777\r\n$"+
				rwItoa(int64(len(acked)))+"\r\n"+acked+"\r\n", "ROLE")
		})
		t.Run("replica", func(t *testing.T) {
			_, _, c, mport, n := rwReplicaSetup(t, target, "")
			rwDo(t, c, "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:"+mport+"\r\n$9\r\nconnected\r\n:"+rwItoa(n)+"\r\n", "ROLE")
		})
	})
}

// min-replicas-to-write: a master refuses writes (NOREPLICAS; a
// transaction holding one aborts) until enough replicas are online with a
// recent ACK, and again once their last ACK is older than
// min-replicas-max-lag; INFO counts them.
func TestReplWireMinReplicas(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		addr := target.start(t, rwMasterArgs("--min-replicas-to-write", "1", "--min-replicas-max-lag", "1")...)
		c := dialRaw(t, addr)
		const refused = "-NOREPLICAS Not enough good replicas to write.\r\n"
		rwDo(t, c, refused, "SET", "k", "v")
		rwDo(t, c, "$-1\r\n", "GET", "k")
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, refused, "SET", "k", "v")
		rwDo(t, c, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
		rwCheckInfo(t, rawInfo(t, c, "replication"), map[string]string{"min_slaves_good_slaves": "0"})

		p := rwDial(t, addr)
		p.handshake()
		_, off, _ := p.fullSync(c)
		// Redis recounts its good replicas once a second.
		waitFor(t, func() bool { return rawInfo(t, c, "replication")["min_slaves_good_slaves"] == "1" })
		rwDo(t, c, "+OK\r\n", "SET", "k", "v")
		p.expectStream("SELECT", "0")
		p.expectStream("SET", "k", "v")
		p.ack(off + p.read)

		// No ACK for over a second: the replica is lagging.
		waitFor(t, func() bool { return rawInfo(t, c, "replication")["min_slaves_good_slaves"] == "0" })
		rwDo(t, c, refused, "SET", "k", "w")
	})
}

// ---- 9. what the replica sends after the RDB payload ----

// rwMark is the EOF mark of our diskless payloads.
const rwMark = "abcdefghij0123456789ABCDEFGHIJ9876543210"

// TestReplWireReplicaAckAfterPayload pins all the replica sends once the
// RDB payload has arrived, in both framings. After "$EOF:<mark>" (from a
// diskless master, which holds the stream back until the replica's first
// ACK) it acks at once; after "$<len>" (from a disk-based master, which
// streams as soon as the file is sent) it sends nothing unasked. Redis's
// readSyncBulkPayload ends with "if (usemark) replicationSendAck();".
// Once the link is up, our GETACK's answer ends the sequence.
//
// The replica's cron acks too, once a second, and in Redis at any moment
// after the sync (replicationCron keeps its own phase). It is kept out of
// the comparison: DEBUG PAUSE-CRON 1 stops the cron until the sequence is
// checked, and the first ACK after DEBUG PAUSE-CRON 0 must be the cron's,
// with the final offset.
func TestReplWireReplicaAckAfterPayload(t *testing.T) {
	rwForEachTarget(t, func(t *testing.T, target rwTarget) {
		for _, tc := range []struct {
			name string
			eof  bool
		}{{"len", false}, {"eof", true}} {
			t.Run(tc.name, func(t *testing.T) {
				ln, mport := rwListen(t)
				addr := target.start(t, "--replicaof", "127.0.0.1 "+mport, "--enable-debug-command", "yes")
				_, rport, _ := net.SplitHostPort(addr)
				m := rwAccept(t, ln, 5*time.Second)
				// Redis's cron made the connection; the handshake and
				// the sync need it no more.
				c := dialRaw(t, addr)
				rwDo(t, c, "+OK\r\n", "DEBUG", "PAUSE-CRON", "1")
				rwMasterHandshake(m, rport, "")
				m.expectCmd("PSYNC", "?", "-1")

				const off = 1000
				payload := rwBuildRDB(t, "k1", "v1")
				if tc.eof {
					m.send(fmt.Sprintf("+FULLRESYNC %s %d\r\n$EOF:%s\r\n%s%s", rwReplid, off, rwMark, payload, rwMark))
				} else {
					m.send(fmt.Sprintf("+FULLRESYNC %s %d\r\n$%d\r\n%s", rwReplid, off, len(payload), payload))
				}
				// The link is up: whatever the sync's end sent is on its
				// way (even the EOF case's ACK, which a diskless master
				// would wait for), and the stream can't be taken for RDB.
				rwWaitOffset(t, c, off)
				set := rwCmd("SET", "k2", "v2")
				m.send(set + rwGetack)

				ack := func(n int) string { return rwCmd("REPLCONF", "ACK", strconv.Itoa(n)) }
				var want []string
				if tc.eof {
					want = append(want, ack(off))
				}
				want = append(want, ack(off+len(set))) // GETACK's answer
				for i, w := range want {
					if v := rwRead(t, m.rawConn); string(v.raw) != w {
						t.Fatalf("after the payload, the replica sent %q as its value #%d, want %q (all: %q)", v.raw, i+1, w, want)
					}
				}
				rwDo(t, c, "$2\r\nv1\r\n", "GET", "k1")
				rwDo(t, c, "$2\r\nv2\r\n", "GET", "k2")

				// Then only the cron's ACKs, at the offset after GETACK.
				rwDo(t, c, "+OK\r\n", "DEBUG", "PAUSE-CRON", "0")
				if v, w := rwRead(t, m.rawConn), ack(off+len(set)+len(rwGetack)); string(v.raw) != w {
					t.Fatalf("after GETACK's answer, the replica sent %q, want the periodic %q", v.raw, w)
				}
			})
		}
	})
}
