package intset

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/lzf"
)

// widthOf is the narrowest element width holding v, worked out apart
// from the package's valueEncoding.
func widthOf(v int64) int {
	switch {
	case int64(int16(v)) == v:
		return 2
	case int64(int32(v)) == v:
		return 4
	}
	return 8
}

// build is the intset of vals (ascending, unique) at width enc, written
// out apart from the package's code.
func build(enc int, vals ...int64) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(enc))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vals)))
	for _, v := range vals {
		switch enc {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

func addAll(t testing.TB, is []byte, vals ...int64) []byte {
	t.Helper()
	for _, v := range vals {
		var added bool
		if is, added = Add(is, v); !added {
			t.Fatalf("Add(%d): already there", v)
		}
	}
	return is
}

// check checks is against model (ascending) and the width it must have,
// every way it can be read.
func check(t testing.TB, is []byte, model []int64, enc int) {
	t.Helper()
	if want := build(enc, model...); !bytes.Equal(is, want) {
		t.Fatalf("bytes\n got %x\nwant %x", is, want)
	}
	if Len(is) != len(model) || Encoding(is) != enc {
		t.Fatalf("Len %d Encoding %d, want %d and %d", Len(is), Encoding(is), len(model), enc)
	}
	for i, v := range model {
		if got := Get(is, i); got != v {
			t.Fatalf("Get(%d) = %d, want %d", i, got, v)
		}
		if pos, found := Search(is, v); !found || pos != i {
			t.Fatalf("Search(%d) = %d, %v, want %d", v, pos, found, i)
		}
		if !Find(is, v) {
			t.Fatalf("Find(%d) false", v)
		}
	}
	n, err := Validate(is)
	if len(model) == 0 {
		if err == nil {
			t.Fatal("Validate accepted an empty intset")
		}
	} else if err != nil || n != len(model) {
		t.Fatalf("Validate = %d, %v", n, err)
	}
}

func TestNew(t *testing.T) {
	is := New()
	if !bytes.Equal(is, []byte{2, 0, 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("New() = %x", is)
	}
	if pos, found := Search(is, 7); pos != 0 || found {
		t.Fatalf("Search in empty = %d, %v", pos, found)
	}
	if Find(is, 0) {
		t.Fatal("Find in empty")
	}
	if is, removed := Remove(is, 0); removed || !bytes.Equal(is, New()) {
		t.Fatal("Remove from empty")
	}
	check(t, is, nil, 2)
}

func TestAddKeepsOrder(t *testing.T) {
	is := New()
	var model []int64
	for _, v := range []int64{5, -3, 100, 0, math.MinInt16, math.MaxInt16, 7, 6, -4, 1} {
		is = addAll(t, is, v)
		i, _ := slices.BinarySearch(model, v)
		model = slices.Insert(model, i, v)
		check(t, is, model, 2)
	}
	for _, v := range model {
		before := bytes.Clone(is)
		var added bool
		if is, added = Add(is, v); added || !bytes.Equal(is, before) {
			t.Fatalf("Add of %d, already there: %v, %x", v, added, is)
		}
	}
}

// Every upgrade: the old elements widen in place, the new value goes
// first if negative, else last.
func TestUpgrade(t *testing.T) {
	for _, c := range []struct {
		start []int64 // ascending
		add   int64
		enc   int
	}{
		{nil, math.MaxInt16, 2},
		{nil, math.MinInt16, 2},
		{nil, math.MaxInt16 + 1, 4},
		{nil, math.MinInt16 - 1, 4},
		{nil, math.MaxInt32 + 1, 8},
		{nil, math.MinInt64, 8},
		{[]int64{-2, 1, 2}, math.MaxInt16 + 1, 4},
		{[]int64{-2, 1, 2}, math.MinInt16 - 1, 4},
		{[]int64{-2, 1, 2}, math.MaxInt32, 4},
		{[]int64{-2, 1, 2}, math.MinInt32, 4},
		{[]int64{-2, 1, 2}, math.MaxInt32 + 1, 8},
		{[]int64{-2, 1, 2}, math.MinInt32 - 1, 8},
		{[]int64{-2, 1, 2}, math.MaxInt64, 8},
		{[]int64{-2, 1, 2}, math.MinInt64, 8},
		{[]int64{math.MinInt16, -70000, 70000, math.MaxInt16}, math.MaxInt32 + 1, 8},
		{[]int64{math.MinInt32, -70000, 70000, math.MaxInt32}, math.MinInt32 - 1, 8},
		{[]int64{math.MinInt32, 0, math.MaxInt32}, math.MaxInt64, 8},
		{[]int64{math.MinInt32, 0, math.MaxInt32}, math.MinInt64, 8},
	} {
		is := addAll(t, New(), c.start...)
		is = addAll(t, is, c.add)
		want := append(slices.Clone(c.start), c.add)
		slices.Sort(want)
		check(t, is, want, c.enc)
	}
}

// An upgrade in an array with room reads every old element before it is
// overwritten, and nothing of what lay past the end shows.
func TestUpgradeInPlace(t *testing.T) {
	for _, wide := range []int64{1 << 20, -1 << 20, 1 << 40, -1 << 40} {
		room := bytes.Repeat([]byte{0xAA}, 256)
		is := append(room[:0], New()...)
		vals := []int64{-300, -2, 0, 1, 7, 300, 32767}
		is = addAll(t, is, vals...)
		is = addAll(t, is, wide)
		if &is[0] != &room[0] {
			t.Fatal("upgrade with room reallocated")
		}
		want := append(slices.Clone(vals), wide)
		slices.Sort(want)
		check(t, is, want, widthOf(wide))
	}
}

func TestRemove(t *testing.T) {
	vals := []int64{-5, -1, 0, 3, 9}
	is := addAll(t, New(), vals...)
	for _, absent := range []int64{-6, -2, 4, 10, 1 << 20, math.MinInt64} {
		before := bytes.Clone(is)
		var removed bool
		if is, removed = Remove(is, absent); removed || !bytes.Equal(is, before) {
			t.Fatalf("Remove(%d), absent: %v, %x", absent, removed, is)
		}
	}
	model := slices.Clone(vals)
	for _, v := range []int64{0, 9, -5, 3, -1} { // middle, last, first
		var removed bool
		if is, removed = Remove(is, v); !removed {
			t.Fatalf("Remove(%d) false", v)
		}
		model = slices.DeleteFunc(model, func(m int64) bool { return m == v })
		check(t, is, model, 2)
	}
}

// Redis never narrows the elements back: removing the value that widened
// them, or all of them, leaves the width.
func TestRemoveKeepsWidth(t *testing.T) {
	for _, wide := range []int64{math.MaxInt16 + 1, math.MinInt32, math.MaxInt32 + 1, math.MinInt64} {
		is := addAll(t, New(), 1, 2, wide)
		is, _ = Remove(is, wide)
		check(t, is, []int64{1, 2}, widthOf(wide))
		is, _ = Remove(is, 1)
		is, _ = Remove(is, 2)
		check(t, is, nil, widthOf(wide))
		is = addAll(t, is, 5)
		check(t, is, []int64{5}, widthOf(wide))
	}
}

func TestSearchPositions(t *testing.T) {
	is := addAll(t, New(), 10, 20, 30, 40)
	for v, want := range map[int64]int{math.MinInt64: 0, 9: 0, 11: 1, 25: 2, 39: 3, 41: 4, math.MaxInt64: 4} {
		if pos, found := Search(is, v); found || pos != want {
			t.Errorf("Search(%d) = %d, %v, want %d, false", v, pos, found, want)
		}
	}
	if Find(is, 1<<40) || Find(is, 15) {
		t.Error("Find of an absent value")
	}
}

func TestGetOutOfRange(t *testing.T) {
	is := addAll(t, New(), 1, 2)
	for _, i := range []int{-1, 2, -4} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Get(%d) of 2 did not panic", i)
				}
			}()
			Get(is, i)
		}()
	}
}

// Random draws every element about as often.
func TestRandom(t *testing.T) {
	vals := []int64{-1 << 40, -3, 0, 8, 1 << 50}
	is := addAll(t, New(), vals...)
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[int64]int{}
	const draws = 50000
	for range draws {
		counts[Random(is, rng)]++
	}
	for _, v := range vals {
		if c := counts[v]; c < draws/len(vals)*9/10 || c > draws/len(vals)*11/10 {
			t.Errorf("%d drawn %d times of %d", v, c, draws)
		}
	}
	if len(counts) != len(vals) {
		t.Errorf("drew %d distinct values, there are %d", len(counts), len(vals))
	}
}

func TestValidateRejects(t *testing.T) {
	good := build(4, -70000, 1, 70000)
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, b := range map[string][]byte{
		"nil":         nil,
		"short":       {2, 0, 0, 0, 0, 0, 0},
		"empty":       build(2),
		"encoding 0":  mutate(func(b []byte) []byte { b[0] = 0; return b }),
		"encoding 3":  mutate(func(b []byte) []byte { b[0] = 3; return b }),
		"encoding 16": mutate(func(b []byte) []byte { b[0] = 16; return b }),
		"encoding 2^32-4": mutate(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b, 1<<32-4)
			return b
		}),
		"length long":  mutate(func(b []byte) []byte { b[4] = 4; return b }),
		"length short": mutate(func(b []byte) []byte { b[4] = 2; return b }),
		"trailing":     append(bytes.Clone(good), 0),
		"cut":          good[:len(good)-1],
		// 2^29 elements of 8 bytes: 8 bytes in all, in 32 bits.
		"huge length": {8, 0, 0, 0, 0, 0, 0, 0x20},
		"duplicate":   build(2, 1, 1),
		"descending":  build(8, 5, -5),
		"unordered":   build(2, 1, 3, 2),
	} {
		if _, err := Validate(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate(%x) = %v", name, b, err)
		}
	}
	if n, err := Validate(good); err != nil || n != 3 {
		t.Fatalf("Validate(good) = %d, %v", n, err)
	}
	// Validate takes any width holding the values, not only the
	// narrowest: Redis's are wider after removals.
	if n, err := Validate(build(8, 1, 2)); err != nil || n != 2 {
		t.Fatalf("Validate(wide) = %d, %v", n, err)
	}
}

// An intset grown one element at a time holds little spare room: Go's
// size class for the last size it grew to, as jemalloc's would be.
func TestGrowthRoom(t *testing.T) {
	is := New()
	for i := range 2000 {
		is = addAll(t, is, int64(i*3))
		if cap(is) > len(is)+len(is)/4+16 {
			t.Fatalf("%d bytes with capacity %d", len(is), cap(is))
		}
	}
	for Len(is) > 1 {
		is, _ = Remove(is, Get(is, 0))
		if cap(is) > 2*len(is)+64 {
			t.Fatalf("%d bytes with capacity %d after removals", len(is), cap(is))
		}
	}
}

// Verbatim from redis-server 7.0.15, so that the bytes are checked where
// there is none: the DUMP (0b <RDB string> 0a00 <CRC>) of a set made by
// the SADDs and SREMs of ops. The first is raw, the second LZF.
func TestGoldenSmall(t *testing.T) {
	for _, c := range []struct {
		ops  []op
		dump string
	}{
		{ // SADD r 1 -2 3, SADD r 40000: an upgrade to 4 bytes, appended
			adds(1, -2, 3, 40000),
			"0b180400000004000000feffffff0100000003000000409c00000a00d4b01465f1d2f33c",
		},
		{ // SADD s 5 -3 0 32767 -32768, SADD s 70000, SADD s -5000000000 (an
			// upgrade to 8 bytes, prepended), SREM s 70000 -5000000000
			append(adds(5, -3, 0, 32767, -32768, 70000, -5000000000), rems(70000, -5000000000)...),
			"0bc324300408000000052003020080ff600000fd600501ffff20116000601b200001ff7f200420000a00247c5671cea1b025",
		},
	} {
		payload, _ := hex.DecodeString(c.dump)
		want := dumpIntset(t, payload)
		is := New()
		for _, o := range c.ops {
			if o.rem {
				is, _ = Remove(is, o.v)
			} else {
				is, _ = Add(is, o.v)
			}
		}
		if !bytes.Equal(is, want) {
			t.Errorf("got %x want %x", is, want)
		}
	}
}

// dumpIntset is the intset of a DUMP payload of a set (RDB type 11,
// RDB_TYPE_SET_INTSET), however stored (raw, or an LZF string); nil if
// the payload is of another type.
func dumpIntset(t *testing.T, payload []byte) []byte {
	t.Helper()
	if len(payload) < 1+10 || payload[0] != 11 {
		return nil
	}
	b := payload[1 : len(payload)-10] // less the RDB version and CRC
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
			if c != 0x80 {
				t.Fatalf("length byte %#x in an intset's string", c)
			}
			n := int(binary.BigEndian.Uint32(b[1:]))
			b = b[5:]
			return n, false
		}
		b = b[1:]
		return int(c & 0x3F), true
	}
	n, encoded := readLen()
	var is []byte
	if encoded {
		if n != 3 { // RDB_ENC_LZF
			t.Fatalf("string encoding %d in an intset's string", n)
		}
		clen, _ := readLen()
		ulen, _ := readLen()
		is = make([]byte, ulen)
		if got, err := lzf.Decompress(b[:clen], is); err != nil || got != ulen {
			t.Fatalf("LZF: %d, %v", got, err)
		}
		b = b[clen:]
	} else {
		is = b[:n]
		b = b[n:]
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes after the intset", len(b))
	}
	return is
}

type redisConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

// startRedis starts redis-server on a free port (skipping the test when
// there is none) and returns a connection and its version.
func startRedis(t *testing.T) (*redisConn, string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not in PATH: no Redis to compare the bytes with")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", strings.Split(addr, ":")[1], "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--logfile", filepath.Join(dir, "log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			rc := &redisConn{t: t, c: c, br: bufio.NewReader(c)}
			if rc.do("PING") == "PONG" {
				info, _ := rc.do("INFO", "server").(string)
				version, _, _ := strings.Cut(info[strings.Index(info, "redis_version:")+len("redis_version:"):], "\r\n")
				return rc, version
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s does not answer: %v", addr, err)
		}
	}
}

// do sends a command and returns its reply: a string, an int64, []any,
// nil or an error.
func (r *redisConn) do(args ...string) any {
	r.t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
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
		return errors.New(line[1:])
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
		out := make([]any, max(n, 0))
		for i := range out {
			out[i] = r.read()
		}
		return out
	}
	r.t.Fatalf("bad reply %q", line)
	return nil
}

// op is a SADD (or, if rem, SREM) of v.
type op struct {
	rem bool
	v   int64
}

func adds(vs ...int64) []op {
	ops := make([]op, len(vs))
	for i, v := range vs {
		ops[i] = op{v: v}
	}
	return ops
}

func rems(vs ...int64) []op {
	ops := adds(vs...)
	for i := range ops {
		ops[i].rem = true
	}
	return ops
}

// Sets made by the same SADDs and SREMs on redis-server and here: the
// replies and the bytes of DUMP's intset must match.
func TestGoldenRedis(t *testing.T) {
	r, version := startRedis(t)
	var many []int64
	for i := range 400 {
		many = append(many, int64(i*7-1000))
	}
	cases := map[string][]op{
		"small":             adds(3, 1, 2),
		"16-bit bounds":     adds(5, -3, 100, 0, math.MinInt16, math.MaxInt16, 5, -3),
		"2 to 4 up":         adds(1, 2, math.MaxInt16+1),
		"2 to 4 down":       adds(1, 2, math.MinInt16-1),
		"32-bit bounds":     adds(0, math.MaxInt32, math.MinInt32, 1),
		"2 to 8 up":         adds(1, -1, math.MaxInt32+1),
		"2 to 8 down":       adds(1, -1, math.MinInt32-1),
		"4 to 8 up":         adds(70000, -70000, 1<<40),
		"4 to 8 down":       adds(70000, -70000, -1<<40),
		"64-bit bounds":     adds(math.MinInt64, math.MaxInt64, 0),
		"no narrowing":      append(adds(1, 2, 1<<40, 3), rems(1<<40, 2, 7)...),
		"remove ends":       append(adds(1, 2, 3, 4, 5, -70000), rems(-70000, 5, 1)...),
		"many, then 8-byte": append(adds(many...), op{v: 1 << 40}), // LZF in the DUMP
	}
	for name, ops := range cases {
		key := "s:" + name
		is := New()
		for _, o := range ops {
			v := strconv.FormatInt(o.v, 10)
			var changed bool
			var reply any
			if o.rem {
				is, changed = Remove(is, o.v)
				reply = r.do("SREM", key, v)
			} else {
				is, changed = Add(is, o.v)
				reply = r.do("SADD", key, v)
			}
			if want := map[bool]int64{false: 0, true: 1}[changed]; reply != want {
				t.Fatalf("%s: %+v: Redis replied %v, here %v", name, o, reply, changed)
			}
		}
		enc := r.do("OBJECT", "ENCODING", key)
		dump, _ := r.do("DUMP", key).(string)
		want := dumpIntset(t, []byte(dump))
		if enc != "intset" || want == nil {
			if !strings.HasPrefix(version, "7.0.") {
				t.Skipf("redis-server %s keeps %s as %v, not an intset: the bytes compared are Redis 7.0's", version, name, enc)
			}
			t.Fatalf("%s: Redis 7.0 keeps it as %v, DUMP %x", name, enc, dump)
		}
		if !bytes.Equal(is, want) {
			t.Errorf("%s: bytes differ from Redis's\n got %x\nwant %x", name, is, want)
		}
	}
}

// edges are the values on both sides of every width's bounds.
var edges = []int64{
	math.MinInt64, math.MinInt64 + 1, math.MinInt32 - 1, math.MinInt32, math.MinInt32 + 1,
	math.MinInt16 - 1, math.MinInt16, -1, 0, 1, math.MaxInt16, math.MaxInt16 + 1,
	math.MaxInt32 - 1, math.MaxInt32, math.MaxInt32 + 1, math.MaxInt64 - 1, math.MaxInt64,
}

// FuzzOps runs Adds, Removes and Finds coded in ops on an intset and a
// sorted slice, and checks after each that they agree, and that the width
// is the narrowest holding every value ever added.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 4, 9, 8, 200, 1, 1, 12, 255, 2, 3, 5, 14, 13, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{4, 0, 4, 16, 4, 8, 5, 8, 5, 0, 5, 16, 6, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		// check reads the whole set after every step: a longer input
		// would take quadratic time and find nothing a shorter one does
		// not (Redis's intsets hold 512 elements unless configured).
		ops = ops[:min(len(ops), 2048)]
		is := New()
		var model []int64
		enc := 2
		for len(ops) >= 2 {
			o, arg := ops[0], ops[1]
			ops = ops[2:]
			var v int64
			switch (o >> 2) % 4 {
			case 0:
				v = int64(int8(arg))
			case 1:
				v = edges[int(arg)%len(edges)]
			case 2:
				// Next to an element, or one: duplicates and neighbours.
				if len(model) > 0 {
					v = model[int(arg)%len(model)] + int64(arg%3) - 1
				}
			case 3:
				if len(ops) >= 8 {
					v = int64(binary.LittleEndian.Uint64(ops)) >> (arg % 64)
					ops = ops[8:]
				}
			}
			i, there := slices.BinarySearch(model, v)
			switch o % 3 {
			case 0:
				var added bool
				is, added = Add(is, v)
				if added == there {
					t.Fatalf("Add(%d) = %v, there: %v", v, added, there)
				}
				if added {
					model = slices.Insert(model, i, v)
				}
				enc = max(enc, widthOf(v))
			case 1:
				var removed bool
				is, removed = Remove(is, v)
				if removed != there {
					t.Fatalf("Remove(%d) = %v, there: %v", v, removed, there)
				}
				if removed {
					model = slices.Delete(model, i, i+1)
				}
			case 2:
				if pos, found := Search(is, v); pos != i || found != there {
					t.Fatalf("Search(%d) = %d, %v, want %d, %v", v, pos, found, i, there)
				}
				if Find(is, v) != there {
					t.Fatalf("Find(%d) = %v", v, !there)
				}
			}
			check(t, is, model, enc)
		}
		if len(model) > 0 {
			rng := rand.New(rand.NewPCG(uint64(len(model)), 0))
			if _, there := slices.BinarySearch(model, Random(is, rng)); !there {
				t.Fatal("Random drew a value not in the set")
			}
		}
	})
}

// Validate never panics, and what it accepts can be read every way
// without panicking.
func FuzzValidate(f *testing.F) {
	f.Add(build(2, -1, 0, 5))
	f.Add(build(4, -70000, 1, 70000))
	f.Add(build(8, math.MinInt64, math.MaxInt64))
	f.Add(New())
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0x20})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Validate(b)
		if err != nil {
			return
		}
		if Len(b) != n {
			t.Fatalf("Validate said %d elements, Len %d", n, Len(b))
		}
		for i := range n {
			v := Get(b, i)
			if !Find(b, v) {
				t.Fatalf("Find(Get(%d) = %d) false", i, v)
			}
			if pos, found := Search(b, v); pos != i || !found {
				t.Fatalf("Search(%d) = %d, %v, want %d", v, pos, found, i)
			}
			Find(b, v+1)
		}
		b, _ = Add(slices.Clone(b), math.MinInt64)
		b, _ = Remove(b, math.MaxInt64)
		if _, err := Validate(b); err != nil {
			t.Fatalf("after an Add and a Remove: %v", err)
		}
	})
}
