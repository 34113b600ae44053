package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"respd/internal/keyspace"
)

// The bitmap commands end to end through go-redis, in both protocols.
func TestBitmapsGoRedis(t *testing.T) {
	for name, rc := range newClients(t, startServer(t)) {
		t.Run(name, func(t *testing.T) {
			rc.FlushAll(ctx)
			check := func(what string, got, want any, err error) {
				t.Helper()
				if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s: got %v (%v), want %v", what, got, err, want)
				}
			}
			n, err := rc.SetBit(ctx, "b", 7, 1).Result()
			check("SETBIT b 7 1", n, 0, err)
			n, err = rc.SetBit(ctx, "b", 7, 1).Result()
			check("SETBIT b 7 1 again", n, 1, err)
			n, err = rc.SetBit(ctx, "b", 22, 1).Result()
			check("SETBIT b 22 1", n, 0, err)
			v, err := rc.Get(ctx, "b").Result()
			check("GET b", []byte(v), []byte{0x01, 0x00, 0x02}, err)
			n, err = rc.GetBit(ctx, "b", 22).Result()
			check("GETBIT b 22", n, 1, err)
			n, err = rc.GetBit(ctx, "b", 1000).Result()
			check("GETBIT past the end", n, 0, err)
			n, err = rc.GetBit(ctx, "nokey", 0).Result()
			check("GETBIT nokey", n, 0, err)

			rc.Set(ctx, "s", "foobar", 0)
			n, err = rc.BitCount(ctx, "s", nil).Result()
			check("BITCOUNT s", n, 26, err)
			n, err = rc.BitCount(ctx, "s", &redis.BitCount{Start: 1, End: 1}).Result()
			check("BITCOUNT s 1 1", n, 6, err)
			n, err = rc.BitCount(ctx, "s", &redis.BitCount{Start: 5, End: 30, Unit: "BIT"}).Result()
			check("BITCOUNT s 5 30 BIT", n, 17, err)
			n, err = rc.BitPos(ctx, "b", 1).Result()
			check("BITPOS b 1", n, 7, err)
			n, err = rc.BitPos(ctx, "b", 1, 1).Result()
			check("BITPOS b 1 1", n, 22, err)
			n, err = rc.BitPos(ctx, "b", 0, 0, -1).Result()
			check("BITPOS b 0 0 -1", n, 0, err)
			n, err = rc.BitPosSpan(ctx, "b", 1, 8, 21, "bit").Result()
			check("BITPOS b 1 8 21 BIT", n, -1, err)
			n, err = rc.BitPosSpan(ctx, "b", 0, 7, 7, "bit").Result()
			check("BITPOS b 0 7 7 BIT", n, -1, err)

			rc.Set(ctx, "x", "\xf0\x0f", 0)
			rc.Set(ctx, "y", "\xff", 0)
			n, err = rc.BitOpAnd(ctx, "d", "x", "y").Result()
			check("BITOP AND", n, 2, err)
			v, _ = rc.Get(ctx, "d").Result()
			check("BITOP AND result", []byte(v), []byte{0xf0, 0x00}, nil)
			rc.BitOpOr(ctx, "d", "x", "y")
			v, _ = rc.Get(ctx, "d").Result()
			check("BITOP OR result", []byte(v), []byte{0xff, 0x0f}, nil)
			rc.BitOpXor(ctx, "d", "x", "y", "y")
			v, _ = rc.Get(ctx, "d").Result()
			check("BITOP XOR result", []byte(v), []byte{0xf0, 0x0f}, nil)
			rc.BitOpNot(ctx, "d", "x")
			v, _ = rc.Get(ctx, "d").Result()
			check("BITOP NOT result", []byte(v), []byte{0x0f, 0xf0}, nil)
			n, err = rc.BitOpAnd(ctx, "d", "nokey").Result()
			check("BITOP of nothing", n, 0, err)
			n, _ = rc.Exists(ctx, "d").Result()
			check("BITOP of nothing deletes", n, 0, nil)
			err = rc.Do(ctx, "BITOP", "NOT", "d", "x", "y").Err()
			check("BITOP NOT of two", err, "ERR BITOP NOT must be called with a single source key.", nil)

			vals, err := rc.BitField(ctx, "f", "SET", "u8", 0, 200, "INCRBY", "u8", 0, 100, "GET", "i8", 0).Result()
			check("BITFIELD", vals, []int64{0, 44, 44}, err)
			vals, err = rc.BitFieldRO(ctx, "f", "u4", "#1", "i64", 0).Result()
			check("BITFIELD_RO", vals, []int64{12, 3170534137668829184}, err)
			all, err := rc.Do(ctx, "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 300, "OVERFLOW", "SAT", "INCRBY", "u8", 0, 300).Slice()
			check("BITFIELD OVERFLOW FAIL then SAT", all, []any{nil, int64(255)}, err)

			rc.LPush(ctx, "l", "a")
			for _, cmd := range []*redis.IntCmd{rc.SetBit(ctx, "l", 0, 1), rc.GetBit(ctx, "l", 0), rc.BitCount(ctx, "l", nil), rc.BitPos(ctx, "l", 1), rc.BitOpNot(ctx, "d", "l")} {
				if err := cmd.Err(); err == nil || err.Error() != errWrongType {
					t.Errorf("%v: got %v, want WRONGTYPE", cmd.Args(), err)
				}
			}
			if err := rc.BitField(ctx, "l", "GET", "u8", 0).Err(); err == nil || err.Error() != errWrongType {
				t.Errorf("BITFIELD of a list: %v", err)
			}
			for _, c := range []struct {
				args []any
				want string
			}{
				{[]any{"SETBIT", "b", -1, 1}, errBitOffset},
				{[]any{"SETBIT", "b", int64(4294967296), 1}, errBitOffset},
				{[]any{"SETBIT", "b", 0, 2}, errBitValue},
				{[]any{"BITPOS", "b", 2}, errBitposBit},
				{[]any{"BITFIELD", "b", "GET", "u64", 0}, errBitfieldType},
				{[]any{"BITFIELD", "b", "OVERFLOW", "NONE"}, errBitfieldOverflow},
				{[]any{"BITFIELD_RO", "b", "SET", "u8", 0, 1}, errBitfieldRO},
				{[]any{"BITCOUNT", "b", 0, 1, "WORD"}, errSyntax},
			} {
				if err := rc.Do(ctx, c.args...).Err(); err == nil || err.Error() != c.want {
					t.Errorf("%v: got %v, want %q", c.args, err, c.want)
				}
			}
		})
	}
}

// BITFIELD's overflow behaviours at the edges of its types, checked
// against redis-server too when it is installed.
func TestBitfieldOverflow(t *testing.T) {
	cases := []struct {
		ops  []any
		want []any // int64, or nil for a FAIL
	}{
		// unsigned: WRAP, SAT, FAIL on the way up and down
		{[]any{"SET", "u8", 0, 255, "INCRBY", "u8", 0, 1}, []any{int64(0), int64(0)}},
		{[]any{"OVERFLOW", "SAT", "INCRBY", "u8", 0, -1, "INCRBY", "u8", 0, 1000, "INCRBY", "u8", 0, 1}, []any{int64(0), int64(255), int64(255)}},
		{[]any{"OVERFLOW", "FAIL", "INCRBY", "u8", 0, 1, "INCRBY", "u8", 0, -256, "INCRBY", "u8", 0, -255}, []any{int64(1), nil, nil}},
		{[]any{"SET", "u8", 0, 256, "SET", "u8", 0, -1, "GET", "u8", 0}, []any{int64(0), int64(0), int64(255)}},
		{[]any{"OVERFLOW", "SAT", "SET", "u8", 0, -1, "GET", "u8", 0, "SET", "u8", 0, 300, "GET", "u8", 0}, []any{int64(0), int64(255), int64(255), int64(255)}},
		{[]any{"SET", "u63", 0, int64(9223372036854775807), "INCRBY", "u63", 0, 1, "OVERFLOW", "SAT", "INCRBY", "u63", 0, -1}, []any{int64(0), int64(0), int64(0)}},
		{[]any{"SET", "u1", 0, 1, "INCRBY", "u1", 0, 1, "OVERFLOW", "FAIL", "INCRBY", "u1", 0, -1}, []any{int64(0), int64(0), nil}},
		// signed
		{[]any{"SET", "i8", 0, 127, "INCRBY", "i8", 0, 1, "INCRBY", "i8", 0, -1}, []any{int64(0), int64(-128), int64(127)}},
		{[]any{"OVERFLOW", "SAT", "INCRBY", "i8", 0, 100, "INCRBY", "i8", 0, -1000, "SET", "i8", 0, 128, "GET", "i8", 0}, []any{int64(100), int64(-128), int64(-128), int64(127)}},
		{[]any{"OVERFLOW", "FAIL", "SET", "i8", 0, 127, "INCRBY", "i8", 0, 1, "SET", "i8", 0, -129, "SET", "i8", 0, -128}, []any{int64(0), nil, nil, int64(127)}},
		{[]any{"SET", "i64", 0, int64(9223372036854775807), "INCRBY", "i64", 0, 1, "OVERFLOW", "SAT", "INCRBY", "i64", 0, -1}, []any{int64(0), int64(-9223372036854775808), int64(-9223372036854775808)}},
		{[]any{"OVERFLOW", "SAT", "SET", "i64", 0, 1, "INCRBY", "i64", 0, int64(9223372036854775807), "OVERFLOW", "FAIL", "INCRBY", "i64", 0, 1}, []any{int64(0), int64(9223372036854775807), nil}},
		{[]any{"SET", "i1", 3, -1, "INCRBY", "i1", 3, 1, "OVERFLOW", "SAT", "INCRBY", "i1", 3, -5, "INCRBY", "i1", 3, 5}, []any{int64(0), int64(0), int64(-1), int64(0)}},
		// a very negative value stored in a small signed field counts as
		// an overflow upwards, as in Redis (its maxincr wraps)
		{[]any{"OVERFLOW", "SAT", "SET", "i8", 0, int64(-9223372036854775808), "GET", "i8", 0}, []any{int64(0), int64(127)}},
		// unaligned fields over byte boundaries
		{[]any{"SET", "i13", 3, -1000, "GET", "i13", 3, "GET", "u16", 0, "INCRBY", "u5", 14, 40}, []any{int64(0), int64(-1000), int64(7192), int64(8)}},
	}
	addrs := map[string]string{"respd": startServer(t)}
	if _, err := exec.LookPath("redis-server"); err == nil {
		addrs["redis"] = diffStartRedis(t)
	}
	for name, addr := range addrs {
		rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3, DisableIdentity: true})
		t.Cleanup(func() { rc.Close() })
		for _, c := range cases {
			rc.Del(ctx, "f")
			got, err := rc.Do(ctx, append([]any{"BITFIELD", "f"}, c.ops...)...).Slice()
			if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: BITFIELD f %v: got %v (%v), want %v", name, c.ops, got, err, c.want)
			}
		}
	}
}

// TestBitmapNoAllocations: SETBIT and GETBIT of an existing bitmap, and a
// BITFIELD of a few operations, allocate nothing (DESIGN.md, "Where the
// time goes").
func TestBitmapNoAllocations(t *testing.T) {
	h := newDirectClient(t)
	h.do(stringArgv("SETBIT", "bm", "100000", "1")...)
	for _, cmd := range [][]string{
		{"SETBIT", "bm", "777", "1"},
		{"SETBIT", "bm", "777", "0"},
		{"GETBIT", "bm", "777"},
		{"GETBIT", "nokey", "777"},
		{"BITFIELD", "bm", "INCRBY", "u8", "100", "1", "GET", "i16", "5", "OVERFLOW", "FAIL", "SET", "i4", "#3", "100"},
		{"BITFIELD_RO", "bm", "GET", "u8", "100"},
		{"BITCOUNT", "bm", "0", "-1", "BIT"},
		{"BITPOS", "bm", "1", "3"},
	} {
		args := stringArgv(cmd...)
		allocs := testing.AllocsPerRun(100, func() {
			h.srv.mu.Lock()
			h.srv.dispatch(h.Client, args)
			h.srv.mu.Unlock()
			h.w.Flush(0)
			h.out.Reset()
		})
		if allocs > 0 {
			t.Errorf("%s: %.1f allocations", cmd, allocs)
		}
	}
}

func BenchmarkBitmaps(b *testing.B) {
	const bitmapBits = 1 << 30 // 128 MB
	h := newDirectClient(b)
	h.do(stringArgv("SETBIT", "big", fmt.Sprint(bitmapBits-1), "1")...)
	h.do(stringArgv("SETBIT", "zeros", fmt.Sprint(bitmapBits-1), "1")...)
	for _, k := range []string{"a", "b", "c", "d"} {
		h.do(stringArgv("SET", k, string(bytes.Repeat([]byte{0x5a}, 16<<20)))...)
	}
	offsets := make([][]byte, 4096)
	for i := range offsets {
		offsets[i] = fmt.Appendf(nil, "%d", uint64(i)*2654435761%bitmapBits)
	}
	run := func(b *testing.B, argv func(i int) [][]byte) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			h.srv.mu.Lock()
			h.srv.dispatch(h.Client, argv(i))
			h.srv.mu.Unlock()
			if i++; i%64 == 0 {
				h.w.Flush(0)
				h.out.Reset()
			}
		}
	}
	// SETBIT and GETBIT at offsets spread over the whole bitmap.
	for _, cmd := range [][]string{{"SETBIT", "big", "", "1"}, {"GETBIT", "big", ""}} {
		argv := make([][][]byte, len(offsets))
		for i, offset := range offsets {
			argv[i] = stringArgv(cmd...)
			argv[i][2] = offset
		}
		b.Run(cmd[0], func(b *testing.B) { run(b, func(i int) [][]byte { return argv[i%len(argv)] }) })
	}
	for _, cmd := range [][]string{
		{"BITFIELD", "bf", "INCRBY", "u8", "100", "1", "GET", "i16", "5"},
		{"BITCOUNT", "big"},
		{"BITPOS", "zeros", "1"},
		{"BITOP", "AND", "dst", "a", "b", "c", "d"},
		{"BITOP", "NOT", "dst", "a"},
	} {
		args := stringArgv(cmd...)
		b.Run(cmd[0]+"-"+cmd[1], func(b *testing.B) { run(b, func(int) [][]byte { return args }) })
	}
}

// TestBitmapRandomDifferential sends a seeded random sequence of bitmap
// commands to redis-server and to respd, in RESP2 and RESP3, and compares
// every reply byte for byte: BITFIELD with every type width, # offsets,
// OVERFLOW changes and values at the edges of the types; BITPOS and
// BITCOUNT with ranges in bytes and bits, negative and out of range;
// SETBIT, GETBIT, BITOP and SETs of strings of up to 300 bytes made of
// runs of one byte (long runs of nothing to find exercise the word-wise
// paths; short strings bring their edges up often), and a GET of the key
// each command touched.
//
//	BITMAP_RANDOM_SEED=7 BITMAP_RANDOM_N=50000 go test -run TestBitmapRandomDifferential .
func TestBitmapRandomDifferential(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "BITMAP RANDOM DIFFERENTIAL TEST SKIPPED: redis-server not installed (apt-get install redis-server)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
		t.Skip(msg)
	}
	seed, n := uint64(18), 5000
	if s := os.Getenv("BITMAP_RANDOM_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BITMAP_RANDOM_SEED=%q: %v", s, err)
		}
		seed = v
	}
	if s := os.Getenv("BITMAP_RANDOM_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("BITMAP_RANDOM_N=%q: want a positive count", s)
		}
		n = v
	}
	addrs := [2]string{diffStartRedis(t), startServer(t)}
	for _, resp3 := range []bool{false, true} {
		name := "RESP2"
		if resp3 {
			name = "RESP3"
		}
		t.Run(name, func(t *testing.T) {
			var conns [2]*diffConn
			for i, addr := range addrs {
				c, err := diffDial(addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(c.close)
				conns[i] = c
				setup := [][]string{{"FLUSHALL"}}
				if resp3 {
					setup = append(setup, []string{"HELLO", "3"})
				}
				for _, args := range setup {
					if _, err := c.do(diffEncode(stringArgv(args...))); err != nil {
						t.Fatal(err)
					}
				}
			}
			g := &bitGen{r: rand.New(rand.NewPCG(seed, 18))}
			var history []string
			for i := range n {
				for _, args := range g.next() {
					payload := diffEncode(stringArgv(args...))
					var replies [2][]byte
					for j, c := range conns {
						reply, err := c.do(payload)
						if err != nil {
							t.Fatalf("command %d %q: %v", i, args, err)
						}
						replies[j] = reply
					}
					history = append(history, fmt.Sprintf("%q", args))
					if !bytes.Equal(replies[0], replies[1]) {
						t.Fatalf("seed %d, command %d: %q\n  redis: %q\n  respd: %q\n  after:\n    %s",
							seed, i, args, replies[0], replies[1], strings.Join(history[max(0, len(history)-10):], "\n    "))
					}
				}
			}
		})
	}
}

// bitGen generates the random commands of TestBitmapRandomDifferential.
type bitGen struct{ r *rand.Rand }

var bitGenKeys = []string{"k1", "k2", "k3", "nokey", "list"}

func (g *bitGen) key() string { return bitGenKeys[g.r.IntN(len(bitGenKeys))] }

// num is an integer argument around the sizes that matter: small ones,
// the edges of the strings (up to 40 bytes) and of int64, now and then
// something that is no integer.
func (g *bitGen) num(limit int) string {
	switch g.r.IntN(20) {
	case 0:
		return []string{"-9223372036854775808", "9223372036854775807", "x", "", "1.5", "-0", "+3", "007"}[g.r.IntN(8)]
	case 1, 2, 3:
		return strconv.Itoa(-g.r.IntN(limit + 10))
	}
	return strconv.Itoa(g.r.IntN(limit + 10))
}

// fieldValue is a BITFIELD value or increment near a type's edges.
func (g *bitGen) fieldValue(bits int) string {
	edge := int64(1)<<(bits-1) - 1
	if bits == 64 {
		edge = 1<<63 - 1
	}
	switch g.r.IntN(6) {
	case 0:
		return strconv.FormatInt(edge+int64(g.r.IntN(3))-1, 10)
	case 1:
		return strconv.FormatInt(-edge-int64(g.r.IntN(3)), 10)
	case 2:
		return strconv.FormatInt(g.r.Int64()-1<<62, 10)
	case 3:
		return []string{"-9223372036854775808", "9223372036854775807", "0", "-1", "1"}[g.r.IntN(5)]
	}
	return strconv.Itoa(g.r.IntN(600) - 300)
}

// span is the scale of a range's indexes: the short strings' or the long
// ones'.
func (g *bitGen) span() int { return []int{45, 45, 310}[g.r.IntN(3)] }

func (g *bitGen) fieldType() (string, int) {
	bits := 1 + g.r.IntN(64)
	sign := "i"
	if g.r.IntN(2) == 0 && bits < 64 {
		sign = "u"
	}
	if g.r.IntN(40) == 0 {
		return []string{"u64", "i65", "i0", "x8", "U8"}[g.r.IntN(5)], 8
	}
	return sign + strconv.Itoa(bits), bits
}

func (g *bitGen) offset(bits int) string {
	if g.r.IntN(4) == 0 {
		return "#" + strconv.Itoa(g.r.IntN(300/bits+2))
	}
	return g.num(320)
}

func (g *bitGen) unit(args []string) []string {
	switch g.r.IntN(8) {
	case 0, 1, 2:
		return append(args, "BIT")
	case 3:
		return append(args, "byte")
	case 4:
		if g.r.IntN(5) == 0 {
			return append(args, "bits")
		}
	}
	return args
}

// next returns the next command, and a GET of the key it wrote.
func (g *bitGen) next() [][]string {
	key := g.key()
	var args []string
	switch op := g.r.IntN(100); {
	case op < 5:
		// Runs of one byte, so that whole words hold nothing to find;
		// now and then longer than the 32 bytes BITPOS skips at once.
		b := make([]byte, 0, 300)
		for n := []int{41, 41, 300}[g.r.IntN(3)]; len(b) < n; {
			run := bytes.Repeat([]byte{[]byte{0, 0xff, 0x55, 0x80, 0x01}[g.r.IntN(5)]}, 1+g.r.IntN(70))
			b = append(b, run[:min(len(run), n-len(b))]...)
		}
		b = b[:g.r.IntN(len(b)+1)]
		if key == "list" {
			return [][]string{{"RPUSH", key, "a"}}
		}
		return [][]string{{"SET", key, string(b)}}
	case op < 15:
		args = []string{"SETBIT", key, g.num(330), []string{"0", "1", "1", "0", "2"}[g.r.IntN(5)]}
	case op < 20:
		args = []string{"GETBIT", key, g.num(330)}
	case op < 35:
		args = []string{"BITCOUNT", key}
		if g.r.IntN(5) > 0 {
			args = g.unit(append(args, g.num(g.span()), g.num(g.span())))
		}
	case op < 55:
		args = []string{"BITPOS", key, []string{"0", "1", "0", "1", "2"}[g.r.IntN(5)]}
		switch g.r.IntN(4) {
		case 1:
			args = append(args, g.num(g.span()))
		case 2:
			args = append(args, g.num(g.span()), g.num(g.span()))
		case 3:
			args = g.unit(append(args, g.num(8*g.span()), g.num(8*g.span())))
		}
	case op < 62:
		args = []string{"BITOP", []string{"AND", "or", "XOR", "NOT"}[g.r.IntN(4)], g.key()}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.key())
		}
		key = args[2]
	default:
		name := "BITFIELD"
		if g.r.IntN(6) == 0 {
			name = "BITFIELD_RO"
		}
		args = []string{name, key}
		for range 1 + g.r.IntN(4) {
			if g.r.IntN(5) == 0 {
				args = append(args, "OVERFLOW", []string{"WRAP", "sat", "FAIL", "fail"}[g.r.IntN(4)])
			}
			typ, bits := g.fieldType()
			switch g.r.IntN(3) {
			case 0:
				args = append(args, "GET", typ, g.offset(bits))
			case 1:
				args = append(args, "SET", typ, g.offset(bits), g.fieldValue(bits))
			default:
				args = append(args, "INCRBY", typ, g.offset(bits), g.fieldValue(bits))
			}
		}
	}
	return [][]string{args, {"GET", key}}
}

// bitmapEventCommands are the writes whose keyspace events
// TestBitmapKeyspaceEvents compares: "setbit" only when a bit or the
// length changed, "set" and "del" from BITOP, nothing from a BITFIELD whose
// writes all failed or changed nothing, though it created the key.
var bitmapEventCommands = []string{
	"SETBIT b 7 1", "SETBIT b 7 1", "SETBIT b 100 0", "SETBIT b 7 0", "GETBIT b 7", "GETBIT nokey 1",
	"BITFIELD f OVERFLOW FAIL SET u8 0 300", "BITFIELD f SET u8 0 3 GET u8 0", "BITFIELD f SET u8 0 3", "BITFIELD f GET u8 0",
	"BITFIELD_RO f GET u8 0", "BITFIELD nof GET u8 0", "BITFIELD f OVERFLOW FAIL INCRBY u8 0 300 OVERFLOW WRAP INCRBY u8 0 1",
	"BITFIELD g SET u8 0 0", "BITCOUNT b", "BITPOS b 1", "BITCOUNT nokey", "BITPOS nokey 1",
	"BITOP AND dest b f", "BITOP AND dest nokey nokey2", "BITOP AND dest2 nokey", "BITOP NOT dest b", `SET e ""`, "BITOP NOT dest e",
	"SET t x PX 1", "@after-ttl", "BITOP OR t nokey", "SET u x PX 1", "@after-ttl", "BITOP OR u b",
	"LPUSH l a", "SETBIT l 0 1", "BITOP OR l b", "TYPE l",
}

// TestBitmapKeyspaceEvents: the bitmap commands report the events
// redis-server reports, in its order.
func TestBitmapKeyspaceEvents(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed (apt-get install redis-server)")
	}
	redisAddr := diffStartRedis(t, "--notify-keyspace-events", "KEAmn", "--enable-debug-command", "yes")
	redisRunner := newEventRunner(t, redisAddr)
	sub := subscribeKeyevents(t, redisAddr)
	wantReplies := redisRunner.run(bitmapEventCommands)
	want := sub.collect(redisRunner)

	s, addr := startTestServer(t, "--enable-debug-command", "yes")
	var got []string
	s.mu.Lock()
	s.keyspaceEvents = func(class int, name string, key []byte, db int) {
		got = append(got, fmt.Sprintf("%d %s %s", db, name, key))
	}
	s.mu.Unlock()
	gotReplies := newEventRunner(t, addr).run(bitmapEventCommands)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("events (db event key):\n\t%s\nredis-server's:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	for i, cmd := range bitmapEventCommands {
		if gotReplies[i] != wantReplies[i] {
			t.Errorf("%s: replied %q, redis-server %q", cmd, gotReplies[i], wantReplies[i])
		}
	}
}

// TestBitmapPropagation: the stream a replica receives, from respd as from
// redis-server: the commands as called when they changed something, and
// nothing for those that changed nothing (a BITFIELD that only created its
// key included); and a real replica ends with the master's bitmaps.
func TestBitmapPropagation(t *testing.T) {
	t.Run("stream", func(t *testing.T) {
		rwForEachTarget(t, func(t *testing.T, target rwTarget) {
			addr := target.start(t, rwMasterArgs()...)
			ctl := blkDial(t, addr, false)
			p := rwDial(t, addr)
			p.handshake()
			p.fullSync(ctl.rawConn)
			ctl.call(":0\r\n", "SETBIT", "b", "9", "1")
			ctl.call(":1\r\n", "SETBIT", "b", "9", "1")  // no change
			ctl.call(":0\r\n", "SETBIT", "b", "15", "0") // no change: no growth
			ctl.call(":0\r\n", "SETBIT", "b", "16", "0") // growth
			ctl.call("*1\r\n:0\r\n", "BITFIELD", "b", "GET", "u8", "0")
			ctl.call("*1\r\n$-1\r\n", "BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "300") // creates f
			ctl.call("*1\r\n:0\r\n", "BITFIELD", "f", "SET", "u8", "0", "0")                        // no change: the FAIL made the byte
			ctl.call("*2\r\n:0\r\n:255\r\n", "BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-1", "INCRBY", "u8", "0", "300")
			ctl.call("-ERR value is not an integer or out of range\r\n", "BITFIELD", "g", "SET", "u4", "#1", "0x", "GET", "u4", "#0")
			ctl.call("*2\r\n:0\r\n:1\r\n", "bitfield", "g", "set", "i8", "#1", "1", "get", "u4", "#3")
			ctl.call(":3\r\n", "BITOP", "OR", "d", "b", "f")
			ctl.call(":0\r\n", "BITOP", "AND", "d", "nokey")
			ctl.call(":0\r\n", "BITOP", "AND", "d", "nokey") // nothing to delete
			ctl.call(":1\r\n", "GETBIT", "b", "9")
			ctl.call(":1\r\n", "BITCOUNT", "b")
			ctl.call("*1\r\n:0\r\n", "BITFIELD_RO", "b", "GET", "u8", "0")
			ctl.call("+OK\r\n", "SET", "end", "1")

			if v := p.nextCmd(); string(v.raw) != rwCmd("SELECT", "0") {
				t.Fatalf("first stream command: got %q, want SELECT 0", v.raw)
			}
			p.expectStream("SETBIT", "b", "9", "1")
			p.expectStream("SETBIT", "b", "16", "0")
			p.expectStream("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-1", "INCRBY", "u8", "0", "300")
			p.expectStream("bitfield", "g", "set", "i8", "#1", "1", "get", "u4", "#3")
			p.expectStream("BITOP", "OR", "d", "b", "f")
			p.expectStream("BITOP", "AND", "d", "nokey")
			p.expectStream("SET", "end", "1")
		})
	})
	t.Run("replica", func(t *testing.T) {
		master := startServer(t, rwMasterArgs()...)
		_, port, _ := net.SplitHostPort(master)
		replica := startServer(t, "--replicaof", "127.0.0.1 "+port)
		waitReplicaCaughtUp(t, master, replica)
		m := redis.NewClient(&redis.Options{Addr: master, DisableIdentity: true})
		defer m.Close()
		m.SetBit(ctx, "b", 100000, 1)
		m.SetBit(ctx, "b", 3, 1)
		m.BitField(ctx, "f", "SET", "i5", "#7", -3, "INCRBY", "u63", 9, int64(12345678901), "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 7)
		m.Set(ctx, "s", "abc", 0)
		m.BitOpXor(ctx, "d", "b", "f", "s")
		m.BitOpNot(ctx, "n", "s")
		m.BitOpAnd(ctx, "s", "nokey")
		waitReplicaCaughtUp(t, master, replica)
		r := redis.NewClient(&redis.Options{Addr: replica, DisableIdentity: true})
		defer r.Close()
		for _, key := range []string{"b", "f", "d", "n", "s"} {
			want, err1 := m.Get(ctx, key).Result()
			got, err2 := r.Get(ctx, key).Result()
			if got != want || !errors.Is(err1, err2) {
				t.Errorf("%s: replica has %q (%v), master %q (%v)", key, got, err2, want, err1)
			}
		}
	})
}

// TestBgsaveKeepsBitmapsAsTheyWere: writes to bitmaps during a background
// save, in place (SETBIT, BITFIELD) or growing them, leave the snapshot
// with the values of the moment it started.
func TestBgsaveKeepsBitmapsAsTheyWere(t *testing.T) {
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir, "--rdb-key-save-delay", "1000000")
	rc := dialRaw(t, addr)
	const keys = 50
	for i := range keys {
		rc.do(":0\r\n", "SETBIT", "bm:"+strconv.Itoa(i), strconv.Itoa(i*8+7), "1")
	}
	rc.do("+Background saving started\r\n", "BGSAVE")
	for i := range keys {
		k := "bm:" + strconv.Itoa(i)
		switch i % 4 {
		case 0:
			rc.do(":1\r\n", "SETBIT", k, strconv.Itoa(i*8+7), "0")
		case 1:
			rc.do(":0\r\n", "SETBIT", k, "100000", "1")
		case 2:
			rc.do("*1\r\n:0\r\n", "BITFIELD", k, "INCRBY", "u8", strconv.Itoa(i*8), "255")
		case 3:
			rc.do(":"+strconv.Itoa(i+1)+"\r\n", "BITOP", "NOT", k, k)
		}
	}
	rc.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "0")
	waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["rdb_bgsave_in_progress"] == "0" })
	checkRDB(t, filepath.Join(dir, "dump.rdb"))

	cfg, _ := parseArgs([]string{"--dir", dir})
	loaded := NewServer(cfg)
	if err := loaded.LoadRDB(); err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		e := loaded.ks.DBs[0].Peek("bm:" + strconv.Itoa(i))
		want := append(make([]byte, i), 1)
		if e == nil || e.Type != keyspace.TypeString || !bytes.Equal(e.Str(), want) {
			t.Fatalf("bm:%d in the snapshot: %v, want %q", i, e, want)
		}
	}
}
