package quicklist

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/lzf"
)

// Tests that run the same commands on a real redis-server 7.0 and on a
// List and compare the nodes byte for byte (skipped when redis-server is
// not installed, failed then under CI=1).

type redisConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func startRedis(t testing.TB) *redisConn {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed; skipping")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", strings.Split(addr, ":")[1], "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--logfile", filepath.Join(dir, "log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			rc := &redisConn{t: t, c: c, br: bufio.NewReader(c)}
			if v := rc.do("PING"); v == "PONG" {
				// The comparisons are with Redis 7.0's quicklist: 7.2
				// keeps small lists as a bare listpack.
				info, _ := rc.do("INFO", "server").(string)
				if !strings.Contains(info, "redis_version:7.0.") {
					t.Skip("redis-server is not 7.0: these byte comparisons are with Redis 7.0's lists")
				}
				return rc
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s does not answer: %v", addr, err)
		}
	}
}

// do sends a command and returns its reply: a string, int64, []any, nil,
// or an error value.
func (r *redisConn) do(args ...any) any {
	r.t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		var s []byte
		switch a := a.(type) {
		case string:
			s = []byte(a)
		case []byte:
			s = a
		case int:
			s = strconv.AppendInt(nil, int64(a), 10)
		default:
			panic(a)
		}
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(s), s)
	}
	if _, err := r.c.Write(b.Bytes()); err != nil {
		r.t.Fatal(err)
	}
	return r.read()
}

func (r *redisConn) read() any {
	line, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatal(err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '+':
		return line[1:]
	case '-':
		return fmt.Errorf("%s", line[1:])
	case ':':
		n, _ := strconv.ParseInt(line[1:], 10, 64)
		return n
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r.br, buf); err != nil {
			r.t.Fatal(err)
		}
		return string(buf[:n])
	case '*':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil
		}
		out := make([]any, n)
		for i := range out {
			out[i] = r.read()
		}
		return out
	}
	r.t.Fatalf("bad reply %q", line)
	return nil
}

// dumpNode is a node of a DUMP payload of a list.
type dumpNode struct {
	container int
	data      []byte // uncompressed
	lzf       []byte // the node's LZF bytes, when saved as an LZF blob
}

// decodeDump decodes the nodes of an RDB_TYPE_LIST_QUICKLIST_2 payload.
func decodeDump(t testing.TB, payload []byte) []dumpNode {
	t.Helper()
	b := payload
	readLen := func() (int, bool) {
		c := b[0]
		switch c >> 6 {
		case 0:
			b = b[1:]
			return int(c & 0x3F), false
		case 1:
			n := int(c&0x3F)<<8 | int(b[1])
			b = b[2:]
			return n, false
		case 2:
			if c == 0x80 {
				n := int(binary.BigEndian.Uint32(b[1:]))
				b = b[5:]
				return n, false
			}
			n := int(binary.BigEndian.Uint64(b[1:]))
			b = b[9:]
			return n, false
		}
		b = b[1:]
		return int(c & 0x3F), true
	}
	if b[0] != 18 {
		t.Fatalf("payload of type %d", b[0])
	}
	b = b[1:]
	n, _ := readLen()
	var nodes []dumpNode
	for range n {
		container, _ := readLen()
		l, enc := readLen()
		nd := dumpNode{container: container}
		if enc {
			if l != 3 {
				t.Fatalf("string encoding %d in a list node", l)
			}
			clen, _ := readLen()
			ulen, _ := readLen()
			nd.lzf = b[:clen]
			nd.data = make([]byte, ulen)
			if got, err := lzf.Decompress(nd.lzf, nd.data); err != nil || got != ulen {
				t.Fatalf("LZF node: %d, %v", got, err)
			}
			b = b[clen:]
		} else {
			nd.data = b[:l]
			b = b[l:]
		}
		nodes = append(nodes, nd)
	}
	if len(b) != 10 { // RDB version and CRC
		t.Fatalf("%d bytes after the nodes", len(b))
	}
	return nodes
}

// compareNodes checks l's nodes against a DUMP's, saved with
// rdbcompression no: a node is an LZF blob exactly when it is compressed.
func compareNodes(t testing.TB, l *List, want []dumpNode, context string) {
	t.Helper()
	var got []dumpNode
	l.Nodes(func(n Node) bool {
		d := dumpNode{container: n.Container, data: n.Data, lzf: n.LZF}
		if n.LZF != nil {
			d.data = make([]byte, n.Size)
			lzf.Decompress(n.LZF, d.data)
		}
		got = append(got, d)
		return true
	})
	if len(got) != len(want) {
		t.Fatalf("%s: %d nodes, Redis has %d:\n%s", context, len(got), len(want), describe(got, want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.container != w.container || !bytes.Equal(g.data, w.data) || !bytes.Equal(g.lzf, w.lzf) {
			t.Fatalf("%s: node %d differs:\n%s  data %x\n  LZF %x\n  Redis's LZF %x", context, i, describe(got, want), g.data, g.lzf, w.lzf)
		}
	}
}

func describe(got, want []dumpNode) string {
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		f := func(ns []dumpNode) string {
			if i >= len(ns) {
				return "-"
			}
			n := ns[i]
			return fmt.Sprintf("c%d %d bytes lzf %d", n.container, len(n.data), len(n.lzf))
		}
		fmt.Fprintf(&b, "  %3d: %-28s redis: %s\n", i, f(got), f(want))
	}
	return b.String()
}

// redisRunner runs random list commands on Redis's key "l" and on a List.
type redisRunner struct {
	t           testing.TB
	rc          *redisConn
	rng         *rand.Rand
	l           *List
	fill, depth int
	large       int // values of this size go to plain nodes (0: none)
	last        string
}

func (r *redisRunner) value() []byte {
	switch r.rng.Intn(6) {
	case 0:
		return []byte(strconv.Itoa(r.rng.Intn(40000) - 20000))
	case 1:
		return bytes.Repeat([]byte{'a' + byte(r.rng.Intn(3))}, r.rng.Intn(200))
	case 2:
		b := make([]byte, r.rng.Intn(60))
		for i := range b {
			b[i] = 'a' + byte(r.rng.Intn(26))
		}
		return b
	case 3:
		return []byte("e" + strconv.Itoa(r.rng.Intn(8)))
	case 4:
		if r.large > 0 && r.rng.Intn(4) == 0 {
			return bytes.Repeat([]byte{'L'}, r.large+r.rng.Intn(50))
		}
	}
	return []byte(strconv.Itoa(r.rng.Intn(10)))
}

func (r *redisRunner) index() int {
	n := r.l.Len() + 2
	return r.rng.Intn(2*n) - n
}

// step runs one random command on both and checks the replies agree.
func (r *redisRunner) step() {
	l, rc := r.l, r.rc
	eq := func(got, want any) {
		r.t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			r.t.Fatalf("%s: reply %v, Redis %v", r.last, got, want)
		}
	}
	str := func(v []byte, ok bool) any {
		if !ok {
			return nil
		}
		return string(v)
	}
	switch op := r.rng.Intn(22); op {
	case 0, 1, 2:
		v := r.value()
		r.last = "LPUSH"
		l.PushHead(v)
		eq(int64(l.Len()), rc.do("LPUSH", "l", v))
	case 3, 4, 5:
		v := r.value()
		r.last = "RPUSH"
		l.PushTail(v)
		eq(int64(l.Len()), rc.do("RPUSH", "l", v))
	case 6:
		r.last = "LPOP"
		v, ok := l.PopHead()
		eq(str(v, ok), rc.do("LPOP", "l"))
	case 7:
		r.last = "RPOP"
		v, ok := l.PopTail()
		eq(str(v, ok), rc.do("RPOP", "l"))
	case 8:
		pivot, v := r.value(), r.value()
		after := r.rng.Intn(2) == 0
		where := "BEFORE"
		if after {
			where = "AFTER"
		}
		r.last = "LINSERT " + where
		want := rc.do("LINSERT", "l", where, pivot, v)
		if l.Len() == 0 {
			eq(int64(0), want)
		} else if l.Insert(pivot, v, after) {
			eq(int64(l.Len()), want)
		} else {
			eq(int64(-1), want)
		}
	case 9:
		i, v := r.index(), r.value()
		r.last = fmt.Sprintf("LSET %d", i)
		want := rc.do("LSET", "l", i, v)
		if l.Len() > 0 && l.Replace(i, v) {
			eq("OK", want)
		} else if _, isErr := want.(error); !isErr {
			r.t.Fatalf("LSET %d: Redis replied %v", i, want)
		}
	case 10:
		v, count := r.value(), r.rng.Intn(7)-3
		r.last = fmt.Sprintf("LREM %d", count)
		eq(int64(l.Remove(v, count)), rc.do("LREM", "l", count, v))
	case 11:
		if r.rng.Intn(3) != 0 {
			return // trims empty lists fast
		}
		start, stop := r.index(), r.index()
		if r.rng.Intn(2) == 0 {
			start, stop = r.rng.Intn(3), -1-r.rng.Intn(3)
		}
		r.last = fmt.Sprintf("LTRIM %d %d", start, stop)
		rc.do("LTRIM", "l", start, stop)
		l.Trim(start, stop)
	case 12:
		i := r.index()
		r.last = fmt.Sprintf("LINDEX %d", i)
		eq(str(l.Index(i)), rc.do("LINDEX", "l", i))
	case 13:
		start, stop := r.index(), r.index()
		r.last = fmt.Sprintf("LRANGE %d %d", start, stop)
		var got []any
		l.Range(start, stop, func(_ int, v []byte) bool {
			got = append(got, string(v))
			return true
		})
		want := rc.do("LRANGE", "l", start, stop)
		if got == nil {
			got = []any{}
		}
		eq(got, want)
	case 14, 15:
		// LPOP/RPOP with a count: the range read, then deleted.
		count := r.rng.Intn(6) + 1
		head := op == 14
		cmd := "RPOP"
		if head {
			cmd = "LPOP"
		}
		r.last = fmt.Sprintf("%s %d", cmd, count)
		want := rc.do(cmd, "l", count)
		if l.Len() == 0 {
			eq(nil, want)
			return
		}
		n := min(count, l.Len())
		from := 0
		if !head {
			from = -1
		}
		var got []any
		for _, v := range l.Elements(from, !head) {
			got = append(got, string(v))
			if len(got) == n {
				break
			}
		}
		if head {
			l.DelRange(0, n)
		} else {
			l.DelRange(-n, n)
		}
		eq(got, want)
	case 16:
		// LPOS with RANK, COUNT and MAXLEN: Redis's loop fetches an
		// element before checking MAXLEN, so a walk stops after it.
		v := r.value()
		rank := r.rng.Intn(5) - 2
		if rank == 0 {
			rank = 1
		}
		count, maxlen := r.rng.Intn(3), r.rng.Intn(8)
		r.last = fmt.Sprintf("LPOS RANK %d COUNT %d MAXLEN %d", rank, count, maxlen)
		want := rc.do("LPOS", "l", v, "RANK", rank, "COUNT", count, "MAXLEN", maxlen)
		got := []any{}
		if l.Len() > 0 {
			from, reverse, need := 0, false, rank
			if rank < 0 {
				from, reverse, need = -1, true, -rank
			}
			matches, seen := 0, 0
			for i, e := range l.Elements(from, reverse) {
				if maxlen > 0 && seen == maxlen {
					break
				}
				seen++
				if bytes.Equal(e, v) {
					if matches++; matches >= need {
						got = append(got, int64(i))
						if count > 0 && len(got) == count {
							break
						}
					}
				}
			}
		}
		eq(got, want)
	case 17:
		r.last = "LLEN"
		eq(int64(l.Len()), rc.do("LLEN", "l"))
	case 18:
		// LMPOP: as LPOP/RPOP with a count.
		count, left := r.rng.Intn(6)+1, r.rng.Intn(2) == 0
		where, from := "LEFT", 0
		if !left {
			where, from = "RIGHT", -1
		}
		r.last = fmt.Sprintf("LMPOP %s COUNT %d", where, count)
		want := rc.do("LMPOP", 1, "l", where, "COUNT", count)
		if l.Len() == 0 {
			eq(nil, want)
			return
		}
		n := min(count, l.Len())
		var got []any
		for _, v := range l.Elements(from, !left) {
			got = append(got, string(v))
			if len(got) == n {
				break
			}
		}
		if left {
			l.DelRange(0, n)
		} else {
			l.DelRange(-n, n)
		}
		eq([]any{"l", got}, want)
	case 19:
		// LMOVE within the list: a pop, then a push.
		left := r.rng.Intn(2) == 0
		r.last = fmt.Sprintf("LMOVE left %v", left)
		var want any
		var v []byte
		var ok bool
		if left {
			want = rc.do("LMOVE", "l", "l", "LEFT", "RIGHT")
			if v, ok = l.PopHead(); ok {
				l.PushTail(v)
			}
		} else {
			want = rc.do("LMOVE", "l", "l", "RIGHT", "LEFT")
			if v, ok = l.PopTail(); ok {
				l.PushHead(v)
			}
		}
		eq(str(v, ok), want)
	default:
		v := r.value()
		r.last = "RPUSH x3"
		rc.do("RPUSH", "l", v, v, v)
		l.PushTail(v)
		l.PushTail(v)
		l.PushTail(v)
	}
	if l.Len() == 0 {
		// Redis deleted the key; a push makes a new list.
		r.l = New(r.fill, r.depth)
	}
}

// compare checks the List against Redis's key: nodes, MEMORY USAGE and
// DEBUG OBJECT.
func (r *redisRunner) compare() {
	r.t.Helper()
	dump := r.rc.do("DUMP", "l")
	if r.l.Len() == 0 {
		if dump != nil {
			r.t.Fatalf("after %s: the list is empty, Redis has the key", r.last)
		}
		return
	}
	s, ok := dump.(string)
	if !ok {
		r.t.Fatalf("after %s: DUMP = %v", r.last, dump)
	}
	compareNodes(r.t, r.l, decodeDump(r.t, []byte(s)), "after "+r.last)
	// The key "l" and its dict entry: sdshdr5 "l" (8) and 24.
	for _, samples := range []int{5, 0, 1} {
		want := r.rc.do("MEMORY", "USAGE", "l", "SAMPLES", samples).(int64) - 32
		n := samples
		if n == 0 {
			n = math.MaxInt
		}
		if got := r.l.MemoryUsage(n); int64(got) != want {
			r.t.Fatalf("after %s: MemoryUsage(%d) = %d, Redis %d", r.last, samples, got, want)
		}
	}
	obj := r.rc.do("DEBUG", "OBJECT", "l").(string)
	if want := obj[strings.Index(obj, " ql_nodes"):]; r.l.DebugObject() != want {
		r.t.Fatalf("after %s: DebugObject = %q, Redis %q", r.last, r.l.DebugObject(), want)
	}
}

// checkRestore loads Redis's DUMP of l into a new List, node by node, as
// an RDB load does, and compares it with what Redis's RESTORE made.
func (r *redisRunner) checkRestore() {
	r.t.Helper()
	dump, ok := r.rc.do("DUMP", "l").(string)
	if !ok {
		return
	}
	r.rc.do("RESTORE", "r", 0, dump, "REPLACE")
	loaded := New(r.fill, r.depth)
	for _, n := range decodeDump(r.t, []byte(dump)) {
		var err error
		if n.container == ContainerPlain {
			err = loaded.AppendPlainNode(bytes.Clone(n.data))
		} else {
			err = loaded.AppendNode(bytes.Clone(n.data))
		}
		if err != nil {
			r.t.Fatal(err)
		}
	}
	restored := r.rc.do("DUMP", "r").(string)
	compareNodes(r.t, loaded, decodeDump(r.t, []byte(restored)), "RESTORE after "+r.last)
	if got, want := loaded.MemoryUsage(5), r.rc.do("MEMORY", "USAGE", "r").(int64)-32; int64(got) != want {
		r.t.Fatalf("RESTORE after %s: MemoryUsage = %d, Redis %d", r.last, got, want)
	}
}

// setConfig sets Redis's list configuration and the packed threshold
// here and there (large: 0 for the default).
func setConfig(rc *redisConn, fill, depth, large int) {
	rc.do("CONFIG", "SET", "list-max-listpack-size", fill)
	rc.do("CONFIG", "SET", "list-compress-depth", depth)
	rc.do("DEBUG", "QUICKLIST-PACKED-THRESHOLD", large)
	SetPackedThreshold(int64(large))
}

// TestAgainstRedis runs random commands on Redis and on a List, and after
// each compares the nodes byte for byte, LZF forms included, and MEMORY
// USAGE and DEBUG OBJECT's figures. QUICKLIST_REDIS_ROUNDS=n runs n rounds
// of other random commands.
func TestAgainstRedis(t *testing.T) {
	rc := startRedis(t)
	rc.do("CONFIG", "SET", "rdbcompression", "no")
	defer SetPackedThreshold(0)
	defer rc.do("DEBUG", "QUICKLIST-PACKED-THRESHOLD", 0)
	rounds, _ := strconv.Atoi(os.Getenv("QUICKLIST_REDIS_ROUNDS"))
	for round := range max(rounds, 1) {
		for _, c := range []struct {
			fill, depth, large int
			ops                int
		}{
			{-2, 0, 0, 400},
			{-1, 1, 0, 600},
			{4, 1, 0, 600},
			{3, 2, 0, 600},
			{2, 1, 150, 500},
			{5, 3, 300, 500},
			{1, 1, 0, 300},
			{128, 2, 0, 400},
			{0, 1, 0, 200},
			{-5, 1, 0, 300},
		} {
			t.Run(fmt.Sprintf("round%d,fill%d,depth%d,large%d", round, c.fill, c.depth, c.large), func(t *testing.T) {
				rc.t = t
				rc.do("DEL", "l")
				setConfig(rc, c.fill, c.depth, c.large)
				r := &redisRunner{t: t, rc: rc, rng: rand.New(rand.NewSource(int64(c.fill*100 + c.depth + round*7919))),
					l: New(c.fill, c.depth), fill: c.fill, depth: c.depth, large: c.large}
				for i := range c.ops {
					r.step()
					r.compare()
					if i%25 == 0 {
						r.checkRestore()
					}
				}
			})
		}
	}
}

// TestGoldenAgainstRedis checks the golden cases' dumps are what
// redis-server makes of their commands.
func TestGoldenAgainstRedis(t *testing.T) {
	rc := startRedis(t)
	defer SetPackedThreshold(0)
	defer rc.do("DEBUG", "QUICKLIST-PACKED-THRESHOLD", 0)
	defer rc.do("CONFIG", "SET", "rdbcompression", "no")
	for _, c := range goldenCases {
		rc.do("DEL", "l")
		setConfig(rc, c.fill, c.depth, c.large)
		compression := "no"
		if c.rdbCompression {
			compression = "yes"
		}
		rc.do("CONFIG", "SET", "rdbcompression", compression)
		for _, cm := range c.cmds {
			args := make([]any, len(cm))
			for i, a := range cm {
				args[i] = a
			}
			if err, ok := rc.do(args...).(error); ok {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		if got := hex.EncodeToString([]byte(rc.do("DUMP", "l").(string))); got != c.dump {
			t.Errorf("%s: Redis's DUMP is\n%s", c.name, got)
		}
	}
}
