package hll

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Differential tests: the same commands on a real redis-server 7.0 and on
// this package, comparing the values byte for byte (GETRANGE key 0 -1) and
// the replies. Skipped when redis-server is not installed, failed then
// under CI=1.

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
			if v := rc.do("PING"); v == "PONG" {
				info, _ := rc.do("INFO", "server").(string)
				if !strings.Contains(info, "redis_version:7.0.") {
					t.Skip("redis-server is not 7.0: these byte comparisons are with Redis 7.0's HyperLogLog")
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

// value is a key's bytes in Redis, nil for a missing key.
func (r *redisConn) value(key string) []byte {
	r.t.Helper()
	if r.do("EXISTS", key) == int64(0) {
		return nil
	}
	s, ok := r.do("GETRANGE", key, "0", "-1").(string)
	if !ok {
		r.t.Fatalf("GETRANGE %s", key)
	}
	return []byte(s)
}

// model is this package's side of a differential test: the keys' values
// and the hll-sparse-max-bytes in force.
type model struct {
	t        *testing.T
	r        *redisConn
	vals     map[string][]byte
	maxBytes int
}

func newModel(t *testing.T, r *redisConn) *model {
	r.do("FLUSHALL")
	m := &model{t: t, r: r, vals: map[string][]byte{}, maxBytes: 3000}
	m.setMaxBytes(3000)
	return m
}

func (m *model) setMaxBytes(n int) {
	if v := m.r.do("CONFIG", "SET", "hll-sparse-max-bytes", strconv.Itoa(n)); v != "OK" {
		m.t.Fatalf("CONFIG SET: %v", v)
	}
	m.maxBytes = n
}

// check compares key's bytes with Redis's.
func (m *model) check(key, what string) {
	m.t.Helper()
	if got, want := m.vals[key], m.r.value(key); !bytes.Equal(got, want) {
		m.t.Fatalf("%s: %s differs from Redis (len %d vs %d)\n ours:  %x\n redis: %x", what, key, len(got), len(want), head(got), head(want))
	}
}

func head(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

func (m *model) pfadd(key string, elems [][]byte) {
	m.t.Helper()
	args := []any{"PFADD", key}
	for _, e := range elems {
		args = append(args, e)
	}
	want := m.r.do(args...)
	b, changed, err := Add(m.vals[key], elems, m.maxBytes)
	if err != nil {
		m.t.Fatalf("PFADD %s: %v (redis %v)", key, err, want)
	}
	m.vals[key] = b
	if got := int64(0); changed {
		got = 1
		if want != got {
			m.t.Fatalf("PFADD %s: 1, redis %v", key, want)
		}
	} else if want != got {
		m.t.Fatalf("PFADD %s: 0, redis %v", key, want)
	}
}

func (m *model) pfcount(keys ...string) {
	m.t.Helper()
	args := []any{"PFCOUNT"}
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		args = append(args, k)
		vals[i] = m.vals[k]
	}
	want := m.r.do(args...)
	var got uint64
	var err error
	if len(keys) == 1 {
		if b := vals[0]; b != nil {
			var stale bool
			got, stale, err = Count(b)
			if err == nil && stale {
				StoreCard(b, got)
			}
		}
	} else {
		got, err = CountMany(vals)
	}
	if err != nil {
		m.t.Fatalf("PFCOUNT %v: %v (redis %v)", keys, err, want)
	}
	if want != int64(got) {
		m.t.Fatalf("PFCOUNT %v: %d, redis %v", keys, got, want)
	}
}

func (m *model) pfmerge(keys ...string) {
	m.t.Helper()
	args := []any{"PFMERGE"}
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		args = append(args, k)
		vals[i] = m.vals[k]
	}
	if v := m.r.do(args...); v != "OK" {
		m.t.Fatalf("PFMERGE: %v", v)
	}
	b, err := Merge(vals, m.maxBytes)
	if err != nil {
		m.t.Fatalf("PFMERGE %v: %v", keys, err)
	}
	m.vals[keys[0]] = b
	m.check(keys[0], "PFMERGE")
}

func elements(prefix string, from, to int) [][]byte {
	out := make([][]byte, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, []byte(prefix+strconv.Itoa(i)))
	}
	return out
}

func TestRedisSequences(t *testing.T) {
	r := startRedis(t)
	for _, n := range []int{10, 1000, 100000} {
		m := newModel(t, r)
		key := "seq" + strconv.Itoa(n)
		batch := max(1, n/100)
		for i := 0; i < n; i += batch {
			m.pfadd(key, elements("e:", i, min(n, i+batch)))
			m.check(key, "PFADD")
			if i%(5*batch) == 0 {
				m.pfcount(key)
				m.check(key, "PFCOUNT")
			}
		}
		m.pfcount(key)
		m.check(key, "PFCOUNT")
		// Adding them again changes nothing.
		m.pfadd(key, elements("e:", 0, min(n, 1000)))
		m.check(key, "PFADD again")
		m.pfcount(key)
	}
}

func TestRedisRandomAndMaxBytes(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, maxBytes := range []int{0, 1, 17, 100, 500, 3000, 8000, 16000} {
		m := newModel(t, r)
		m.setMaxBytes(maxBytes)
		keys := []string{"a", "b", "c"}
		for step := 0; step < 300; step++ {
			key := keys[rng.IntN(len(keys))]
			var elems [][]byte
			universe := 1 << (4 + rng.IntN(14)) // small universes repeat elements
			for range rng.IntN(120) {
				elems = append(elems, []byte(strconv.Itoa(rng.IntN(universe))))
			}
			m.pfadd(key, elems)
			m.check(key, "PFADD")
			if rng.IntN(4) == 0 {
				m.pfcount(key)
				m.check(key, "PFCOUNT")
			}
		}
		m.pfcount(keys...)
		encodings := map[string]bool{}
		for _, k := range keys {
			m.check(k, "PFCOUNT of several")
			encodings[Encoding(m.vals[k])] = true
		}
		if maxBytes == 3000 && !encodings["dense"] {
			t.Fatal("no key crossed hll-sparse-max-bytes")
		}
	}
}

func TestRedisMerge(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewPCG(3, 4))
	m := newModel(t, r)
	for _, maxBytes := range []int{3000, 200} {
		m.setMaxBytes(maxBytes)
		// Sparse sources, dense ones and a mix, into missing, sparse and
		// dense destinations.
		sizes := map[string]int{"s1": 5, "s2": 50, "s3": 300, "d1": 5000, "d2": 20000}
		for k, n := range sizes {
			m.pfadd(k, elements(k+":", 0, n))
			m.check(k, "PFADD")
		}
		m.pfadd("common", elements("s1:", 0, 3))
		for _, srcs := range [][]string{{"s1", "s2"}, {"s1", "s2", "s3"}, {"s3", "d1"}, {"d1", "d2"}, {"s1", "missing", "d2"}, {"common", "s1"}} {
			for _, dst := range []string{"new", "sdst", "ddst"} {
				m.pfadd("sdst", elements("x:", 0, 20))
				if dst == "ddst" {
					m.pfadd("ddst", elements("y:", 0, 4000))
				}
				if rng.IntN(2) == 0 {
					m.pfcount(dst) // a valid cache in the destination
				}
				m.pfmerge(append([]string{dst}, srcs...)...)
				m.pfcount(dst)
				m.check(dst, "PFCOUNT after PFMERGE")
				m.pfcount(srcs...)
				r.do("DEL", "new")
				delete(m.vals, "new")
			}
		}
		m.pfmerge("self")
		m.pfmerge("s1", "s1")
	}
}

// TestRedisReadsOurs and the other way: values written by one side are
// counted and added to by the other.
func TestRedisCrossValues(t *testing.T) {
	r := startRedis(t)
	m := newModel(t, r)
	for i, n := range []int{0, 3, 100, 2000, 50000} {
		ours, _, err := Add(nil, elements("o:", 0, n), 3000)
		if err != nil {
			t.Fatal(err)
		}
		key := "k" + strconv.Itoa(i)
		r.do("SET", key, ours)
		m.vals[key] = bytes.Clone(ours)
		m.pfcount(key)
		m.check(key, "PFCOUNT of our bytes")
		m.pfadd(key, elements("p:", 0, 500))
		m.check(key, "PFADD to our bytes")

		r.do("DEL", "theirs")
		r.do("PFADD", "theirs", "x")
		args := []any{"PFADD", "theirs"}
		for _, e := range elements("t:", 0, n) {
			args = append(args, e)
		}
		r.do(args...)
		theirs := r.value("theirs")
		card, _, err := Count(theirs)
		if err != nil || int64(card) != r.do("PFCOUNT", "theirs") {
			t.Fatalf("Count of Redis's bytes: %d %v", card, err)
		}
	}
}

// TestRedisCorrupt feeds both sides the same mutated sparse values and
// compares replies and the bytes left behind, corrupt or not.
func TestRedisCorrupt(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewPCG(5, 6))
	m := newModel(t, r)
	base, _, _ := Add(nil, elements("c:", 0, 40), 3000)
	for i := 0; i < 2000; i++ {
		b := bytes.Clone(base)
		for range 1 + rng.IntN(3) {
			switch rng.IntN(3) {
			case 0:
				if len(b) == HeaderSize {
					continue
				}
				b[HeaderSize+rng.IntN(len(b)-HeaderSize)] = byte(rng.Uint32())
			case 1:
				b = b[:HeaderSize+rng.IntN(len(b)-HeaderSize+1)]
			case 2:
				b = append(b, byte(rng.Uint32()))
			}
		}
		r.do("SET", "x", b)
		m.vals["x"] = bytes.Clone(b)
		// One element per PFADD: see the SET below.
		elems := elements(strconv.Itoa(i)+":", 0, 1)
		args := []any{"PFADD", "x"}
		for _, e := range elems {
			args = append(args, e)
		}
		want := r.do(args...)
		got, _, err := Add(m.vals["x"], elems, 3000)
		if _, redisErr := want.(error); redisErr != (err != nil) {
			t.Fatalf("PFADD on %x: %v, redis %v", b, err, want)
		}
		m.vals["x"] = got
		m.check("x", fmt.Sprintf("PFADD on corrupt %x", b))
		// Splitting an XZERO cut short by the end of the value, Redis
		// writes one byte past the new end, where its readers then find it
		// instead of the NUL (see xzeroLen): SET puts the NUL back.
		r.do("SET", "x", got)

		want = r.do("PFCOUNT", "x")
		card, stale, err := Count(got)
		if _, redisErr := want.(error); redisErr != (err != nil) || (err == nil && want != int64(card)) {
			t.Fatalf("PFCOUNT on %x: %d %v, redis %v", got, card, err, want)
		}
		if err == nil && stale {
			StoreCard(got, card)
		}
		m.check("x", "PFCOUNT on corrupt")

		text, _ := Decode(got)
		if want := r.do("PFDEBUG", "DECODE", "x"); want != text {
			t.Fatalf("DECODE %x: %q, redis %q", got, text, want)
		}
	}
}

func TestRedisDebug(t *testing.T) {
	r := startRedis(t)
	m := newModel(t, r)
	m.pfadd("k", elements("d:", 0, 300))
	text, ok := Decode(m.vals["k"])
	if want := r.do("PFDEBUG", "DECODE", "k"); !ok || want != text {
		t.Fatalf("DECODE: %q, redis %q", text, want)
	}
	if want := r.do("PFDEBUG", "ENCODING", "k"); want != Encoding(m.vals["k"]) {
		t.Fatalf("ENCODING: %v", want)
	}
	want := r.do("PFDEBUG", "GETREG", "k").([]any)
	d, conv, err := ToDense(m.vals["k"])
	if err != nil || !conv {
		t.Fatal(err, conv)
	}
	m.vals["k"] = d
	m.check("k", "GETREG")
	regs, err := Registers(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if int64(regs[i]) != w {
			t.Fatalf("register %d: %d, redis %v", i, regs[i], w)
		}
	}
	if want := r.do("PFDEBUG", "TODENSE", "k"); want != int64(0) {
		t.Fatalf("TODENSE: %v", want)
	}
	if _, ok := Decode(d); ok {
		t.Fatal("Decode of a dense value")
	}
	if want := r.do("PFDEBUG", "ENCODING", "k"); want != Encoding(d) {
		t.Fatalf("ENCODING: %v", want)
	}
}

// TestRedisOddValues: values only SET can make — dense registers above 51,
// arbitrary cached cardinalities, corrupt sparse opcodes among valid keys —
// through PFCOUNT of one and several keys, PFMERGE, PFADD and GETREG.
func TestRedisOddValues(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewPCG(9, 10))
	m := newModel(t, r)
	set := func(key string, b []byte) {
		r.do("SET", key, b)
		m.vals[key] = bytes.Clone(b)
	}
	for i := 0; i < 150; i++ {
		dense := make([]byte, DenseSize)
		copy(dense, "HYLL")
		for j := HeaderSize; j < DenseSize; j++ {
			if rng.IntN(4) == 0 {
				dense[j] = byte(rng.Uint32())
			}
		}
		binary.LittleEndian.PutUint64(dense[8:], rng.Uint64()) // valid or stale, any card
		set("dense", dense)

		sparse, _, _ := Add(nil, elements(strconv.Itoa(i)+":", 0, rng.IntN(200)), 3000)
		if rng.IntN(3) == 0 {
			sparse[HeaderSize+rng.IntN(len(sparse)-HeaderSize)] = byte(rng.Uint32())
		}
		set("sparse", sparse)

		keys := []string{"dense", "sparse", "missing"}
		rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
		args := []any{"PFCOUNT"}
		vals := [][]byte{}
		for _, k := range keys {
			args = append(args, k)
			vals = append(vals, m.vals[k])
		}
		want := r.do(args...)
		got, err := CountMany(vals)
		if _, redisErr := want.(error); redisErr != (err != nil) || (err == nil && want != int64(got)) {
			t.Fatalf("PFCOUNT %v: %d %v, redis %v", keys, got, err, want)
		}

		dst := []string{"dense", "sparse", "missing"}[rng.IntN(3)]
		margs := []any{"PFMERGE", dst}
		mvals := [][]byte{m.vals[dst]}
		for _, k := range keys {
			margs = append(margs, k)
			mvals = append(mvals, m.vals[k])
		}
		want = r.do(margs...)
		merged, err := Merge(mvals, m.maxBytes)
		if _, redisErr := want.(error); redisErr != (err != nil) {
			t.Fatalf("PFMERGE %v: %v, redis %v", margs, err, want)
		}
		if err == nil {
			m.vals[dst] = merged
		}
		m.check(dst, "PFMERGE")
		r.do("DEL", "missing")
		delete(m.vals, "missing")

		for _, k := range []string{"dense", "sparse"} {
			b := m.vals[k]
			want := r.do("PFCOUNT", k)
			card, stale, err := Count(b)
			if _, redisErr := want.(error); redisErr != (err != nil) || (err == nil && want != int64(card)) {
				t.Fatalf("PFCOUNT %s: %d %v, redis %v", k, card, err, want)
			}
			if err == nil && stale {
				StoreCard(b, card)
			}
			m.check(k, "PFCOUNT")
			if err == nil {
				m.pfadd(k, elements("more:", 0, rng.IntN(50)))
				m.check(k, "PFADD")
			}
		}
		if regs, err := Registers(m.vals["dense"]); err == nil {
			want := r.do("PFDEBUG", "GETREG", "dense").([]any)
			for j, w := range want {
				if int64(regs[j]) != w {
					t.Fatalf("GETREG %d: %d, redis %v", j, regs[j], w)
				}
			}
		}
	}
}

func TestRedisPromoteForBigCount(t *testing.T) {
	r := startRedis(t)
	m := newModel(t, r)
	m.pfadd("k", elements("b:", 0, 20))
	m.pfcount("k") // a valid cache, carried into the dense header
	m.check("k", "PFCOUNT")
	m.pfadd("k", [][]byte{bigCount})
	m.check("k", "PFADD of a count of 33")
	if Encoding(m.vals["k"]) != "dense" {
		t.Fatal("not promoted")
	}
	m.pfcount("k")
	m.pfadd("one", [][]byte{bigCount})
	m.check("one", "PFADD of a count of 33 to a missing key")
}

// TestRedisValid: Valid refuses exactly the strings PFCOUNT answers
// WRONGTYPE for.
func TestRedisValid(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewPCG(11, 12))
	dense := make([]byte, DenseSize)
	copy(dense, "HYLL")
	bases := [][]byte{New(), dense, []byte("HYLL"), []byte("1234567890123456789"), nil}
	for i := 0; i < 500; i++ {
		b := bytes.Clone(bases[rng.IntN(len(bases))])
		switch rng.IntN(4) {
		case 0:
			if len(b) > 0 {
				b[rng.IntN(min(len(b), HeaderSize))] = byte(rng.IntN(4)) + "\x00HYL"[rng.IntN(4)]
			}
		case 1:
			b = b[:rng.IntN(len(b)+1)]
		case 2:
			b = append(b, make([]byte, rng.IntN(3))...)
		}
		r.do("SET", "v", b)
		want := r.do("PFCOUNT", "v")
		err, _ := want.(error)
		refused := err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE Key is not a valid HyperLogLog string value.")
		if Valid(b) == refused {
			t.Fatalf("Valid(%x) = %v, redis %v", head(b), Valid(b), want)
		}
	}
}
