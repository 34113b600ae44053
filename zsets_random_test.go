package main

// TestZsetRandomDifferential (issue 13) sends the same seeded random
// sequence of sorted-set and GEO commands to a real redis-server and to
// respd over raw sockets, once in RESP2 and once after HELLO 3, and
// compares every reply byte for byte.
//
// The generator (zrGen) covers every sorted-set command and its options in
// random order and case, valid and not: wrong arity, bad numbers, NaN and
// infinities, 1e300, 5e-324, -0, "(" and "[" bounds, LIMIT with negative
// values, WEIGHTS count mismatches, AGGREGATE, NX/XX/GT/LT/CH/INCR
// combinations, REV/BYSCORE/BYLEX, ZRANGESTORE, ZUNION/ZINTER/ZDIFF(STORE)
// over plain sets too, ZINTERCARD LIMIT, ZMPOP and the pops with counts,
// WRONGTYPE against a string and a list, OBJECT ENCODING and DUMP (then
// RESTORE of the payload) to watch the listpack ↔ skiplist conversions;
// and the GEO commands with their options and invalid coordinates and
// units. The keys are few and the members drawn from a small alphabet, so
// sets collide and grow; stretches
// of the sequence run with zset-max-listpack-entries 4 and
// zset-max-listpack-value 8, or 0 and 0, and some members are long, so the
// skiplist encoding and the conversions get their share.
//
// Left out, because Redis itself is not deterministic there:
//   - ZRANDMEMBER's picks are random: only its errors, the type of its
//     reply and how many it picks are compared.
//   - BZPOPMIN, BZPOPMAX, BZMPOP: whether they block, and for how long,
//     is a matter of timing (their non-blocking forms are covered).
//   - Lex ranges (ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX,
//     ZRANGE/ZRANGESTORE BYLEX) on a key whose members have different
//     scores: on a skiplist Redis's answer then depends on the random
//     levels of its nodes. They read only "lex", whose members all score 0,
//     or keys of another type or none; no command writes another score
//     there.
//   - ZSCAN of a skiplist returns its dict's hash order, which follows each
//     process's random hash seed: ZSCAN is sent with cursor 0 and COUNT
//     1000 (so one call returns everything, cursor 0) and its elements are
//     compared as a multiset, in order too when Redis says the key is a
//     listpack.
//   - STOREDIST scores: respd's correctly rounded trigonometry differs from
//     glibc's in the last bits of some distances (a documented difference,
//     internal/geohash/doc.go), invisible in WITHDIST's "%.4f" but not in a
//     stored double. STOREDIST always goes to the key "dist", which nothing
//     else reads; after each such command "ZRANGE dist 0 -1 WITHSCORES" is
//     compared with numbers equal to 1e-12 relative.
//
// GEO's COUNT n ANY stops after the first n matches in the order Redis
// visits the nine geohash boxes: deterministic, so it is kept.
//
//	go test -run TestZsetRandomDifferential .
//	ZSET_RANDOM_SEED=7 ZSET_RANDOM_N=20000 go test -run TestZsetRandomDifferential .
//	ZSET_RANDOM_VERBOSE=1 go test -v -run TestZsetRandomDifferential/RESP2 .
//	ZSET_RANDOM_AGAINST=redis-server go test -count=1 -run TestZsetRandomDifferential .
//
// The third logs every command and Redis's reply. The last runs the
// sequence against two redis-server processes (different hash seeds)
// instead of redis-server and respd: it must pass, which shows the
// sequence's replies are deterministic.

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

const (
	zrDefaultSeed = 13
	zrDefaultN    = 3000
	zrHistory     = 10 // commands shown before a mismatch
)

func TestZsetRandomDifferential(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "ZSET RANDOM DIFFERENTIAL TEST SKIPPED: redis-server not installed (apt-get install redis-server)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
		t.Skip(msg)
	}
	seed, n := uint64(zrDefaultSeed), zrDefaultN
	if s := os.Getenv("ZSET_RANDOM_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ZSET_RANDOM_SEED=%q: %v", s, err)
		}
		seed = v
	}
	if s := os.Getenv("ZSET_RANDOM_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("ZSET_RANDOM_N=%q: want a positive count", s)
		}
		n = v
	}
	names := [2]string{"redis", "respd"}
	addrs := [2]string{diffStartRedis(t), ""}
	switch against := os.Getenv("ZSET_RANDOM_AGAINST"); against {
	case "":
		addrs[1] = startServer(t)
	case "redis-server":
		addrs[1] = diffStartRedis(t)
		names[1] = "redis2"
	default:
		t.Fatalf("ZSET_RANDOM_AGAINST=%q: the only other server is redis-server", against)
	}
	for _, resp3 := range []bool{false, true} {
		name := "RESP2"
		if resp3 {
			name = "RESP3"
		}
		t.Run(name, func(t *testing.T) { zrRun(t, addrs, names, resp3, seed, n) })
	}
}

// zrRun sends n generated commands to both servers on one connection each.
func zrRun(t *testing.T, addrs, names [2]string, resp3 bool, seed uint64, n int) {
	var conns [2]*diffConn
	for i, addr := range addrs {
		c, err := diffDial(addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.close)
		conns[i] = c
	}
	setup := [][]string{
		{"FLUSHALL"},
		{"CONFIG", "SET", "zset-max-listpack-entries", "128"},
		{"CONFIG", "SET", "zset-max-listpack-value", "64"},
	}
	if resp3 {
		setup = append([][]string{{"HELLO", "3"}}, setup...)
	}
	for _, args := range setup {
		for i, c := range conns {
			reply, err := c.do(diffEncode(stringArgv(args...)))
			if err != nil || len(reply) == 0 || reply[0] == '-' {
				t.Fatalf("%s: %s: %q %v", names[i], strings.Join(args, " "), reply, err)
			}
		}
	}
	verbose := os.Getenv("ZSET_RANDOM_VERBOSE") != ""
	g := newZrGen(seed, n)
	history := make([]zrCmd, 0, n)
	for i := range n {
		cmd := g.next()
		payload := diffEncode(stringArgv(cmd.args...))
		var replies [2][]byte
		for j, c := range conns {
			reply, err := c.do(payload)
			if err != nil {
				t.Fatalf("command %d %s: %s: %v after %q", i, cmd, names[j], err, reply)
			}
			replies[j] = reply
		}
		same := cmd.cmp.same(replies[0], replies[1])
		if same && cmd.cmp == zrScan && !bytes.Equal(replies[0], replies[1]) {
			// Only a skiplist's order may differ: a listpack's is its own.
			enc, err := conns[0].do(diffEncode(stringArgv("OBJECT", "ENCODING", cmd.args[1])))
			same = err == nil && !bytes.Contains(enc, []byte("listpack"))
		}
		if !same {
			var b strings.Builder
			fmt.Fprintf(&b, "seed %d, command %d: %s\n  %s: %q\n  %s: %q\n  after:",
				seed, i, cmd, names[0], replies[0], names[1], replies[1])
			for k := max(0, len(history)-zrHistory); k < len(history); k++ {
				fmt.Fprintf(&b, "\n    %d: %s", k, history[k])
			}
			t.Fatal(b.String())
		}
		if verbose {
			t.Logf("%d: %s\n  %q", i, cmd, replies[0])
		}
		if cmd.then != nil {
			if args := cmd.then(replies[0]); args != nil {
				g.pending = append([]zrCmd{{args: args}}, g.pending...)
			}
		}
		history = append(history, cmd)
	}
}

// zrCompare is how a command's two replies are compared.
type zrCompare int

const (
	zrExact   zrCompare = iota
	zrScan              // ZSCAN: cursor exactly, the elements as a multiset
	zrRounded           // numbers equal to 1e-12 relative, all else exactly
	zrShape             // errors exactly, else the type and an aggregate's length
)

func (c zrCompare) same(a, b []byte) bool {
	switch c {
	case zrScan:
		return diffSameUnordered(a, b, diffUnordered{pairs: true, scan: true})
	case zrRounded:
		return zrSameRounded(a, b)
	case zrShape:
		la, _, _ := bytes.Cut(a, []byte("\r\n"))
		lb, _, _ := bytes.Cut(b, []byte("\r\n"))
		switch {
		case len(la) == 0 || len(lb) == 0 || la[0] != lb[0]:
			return false
		case la[0] == '-' || la[0] == '*' || la[0] == '%':
			return bytes.Equal(la, lb)
		}
		return true
	}
	return bytes.Equal(a, b)
}

// zrSameRounded compares two replies scalar by scalar, numbers (bulk
// strings or RESP3 doubles) as equal when within 1e-12 of each other,
// relative.
func zrSameRounded(a, b []byte) bool {
	ta, oka := zrTokens(a)
	tb, okb := zrTokens(b)
	if !oka || !okb || len(ta) != len(tb) {
		return bytes.Equal(a, b)
	}
	for i := range ta {
		if ta[i] == tb[i] {
			continue
		}
		if ta[i][0] != tb[i][0] || (ta[i][0] != '$' && ta[i][0] != ',') {
			return false
		}
		x, errx := strconv.ParseFloat(ta[i][1:], 64)
		y, erry := strconv.ParseFloat(tb[i][1:], 64)
		if errx != nil || erry != nil || math.Abs(x-y) > 1e-12*math.Max(math.Abs(x), math.Abs(y)) {
			return false
		}
	}
	return true
}

// zrTokens flattens a reply into its lines, a bulk string as "$" and its
// payload.
func zrTokens(reply []byte) (toks []string, ok bool) {
	for len(reply) > 0 {
		line, rest, found := bytes.Cut(reply, []byte("\r\n"))
		if !found || len(line) == 0 {
			return nil, false
		}
		reply = rest
		if line[0] != '$' {
			toks = append(toks, string(line))
			continue
		}
		n, err := strconv.Atoi(string(line[1:]))
		if err != nil || n+2 > len(reply) {
			return nil, false
		}
		if n < 0 {
			toks = append(toks, string(line))
			continue
		}
		toks = append(toks, "$"+string(reply[:n]))
		reply = reply[n+2:]
	}
	return toks, true
}

// zrCmd is one generated command.
type zrCmd struct {
	args []string
	cmp  zrCompare
	// then, when set, is given Redis's reply and may return the next
	// command (RESTORE of what DUMP returned).
	then func(reply []byte) []string
}

// String shows the command as redis-cli would take it.
func (c zrCmd) String() string {
	quoted := make([]string, len(c.args))
	for i, a := range c.args {
		quoted[i] = a
		if a == "" || strings.ContainsAny(a, " \"'\\") || strconv.Quote(a) != `"`+a+`"` {
			quoted[i] = strconv.Quote(a)
		}
	}
	return strings.Join(quoted, " ")
}

// ---- the generator ----

// The key space. General sorted sets take any score; "lex" only 0 (and
// -0), so lex ranges are deterministic on it; g1 and g2 hold geo points;
// "dist" only STOREDIST's distances; "sd" is a string now and then, a
// store's destination otherwise; the rest keep their types.
var (
	zrZsetKeys = []string{"z1", "z2", "z3", "z4", "z5"}
	zrGeoKeys  = []string{"g1", "g2"}
	zrOthers   = []string{"str", "lst", "set", "iset"} // a string, a list, two plain sets

	zrShortMembers = []string{"a", "b", "c", "d", "e", "f", "g", "h", "aa", "ab", "b0",
		"1", "2", "10", "-1", "1.5", ""}
	zrMidMembers  = []string{"eightchr", "abcdefghi", "member-twelve", "123456789012"}
	zrLongMembers = []string{strings.Repeat("long", 18), strings.Repeat("x", 64), strings.Repeat("x", 65)}
	zrGeoMembers  = []string{"Palermo", "Catania", "p1", "p2", "p3", "p4", "p5", "a", "b"}

	zrFloats = []string{"1.5", "-2.25", "0.1", "0.30000000000000004", "3.0000000000000004",
		"1e-5", "2.5e-7", "1e17", "123456789012345678", "9007199254740993", "1e300",
		"-1e300", "5e-324", "-5e-324", "-0", "0.0", "+5", "1.7976931348623157e308",
		"-1.7976931348623157e308", "2.2250738585072014e-308", "1E3", "007", "-.5", ".5", "5."}
	zrInfs     = []string{"inf", "+inf", "-inf", "Inf", "-INF", "infinity", "+Infinity", "-infinity"}
	zrBadFloat = []string{"nan", "NaN", "-nan", "abc", "", "1e", "1e400", "-1e400", "1e-400",
		" 1", "1 ", "0x10", "(1", "[1", "1,5", "--1", "1e+", "\x00"}

	zrUnits    = []string{"m", "km", "mi", "ft"}
	zrBadUnits = []string{"cm", "", "kms", "meters"}
	zrRadii    = []string{"0", "0.5", "1", "5", "10", "50", "100", "200", "500", "1000", "5000", "20000"}
	zrBadRadii = []string{"-1", "abc", "nan", "inf", "1e300", "", "-0"}

	zrCenters = [][2]float64{{13.361389, 38.115556}, {15.087269, 37.502669}, {179.8, 85}, {-179.8, -84.9}, {0, 0}}
	zrBadLons = []string{"180", "-180", "180.0000001", "181", "-181", "abc", "nan", "inf", "1e300", "", "0x1"}
	zrBadLats = []string{"85.05112878", "-85.05112878", "85.05112879", "86", "-90", "abc", "nan", "-inf", ""}
)

// zrListpackLimits are zset-max-listpack-entries and -value, stretch by
// stretch.
var zrListpackLimits = [][2]string{{"128", "64"}, {"4", "8"}, {"128", "64"}, {"0", "0"}}

type zrGen struct {
	r       *rand.Rand
	n       int  // the sequence's length
	i       int  // commands generated so far
	small   bool // zset-max-listpack-entries is not the default 128
	pending []zrCmd
}

func newZrGen(seed uint64, n int) *zrGen {
	g := &zrGen{r: rand.New(rand.NewPCG(seed, 0x5a5e7)), n: n}
	for _, args := range [][]string{
		{"SET", "str", "hello"},
		{"RPUSH", "lst", "a", "b", "c"},
		{"SADD", "set", "a", "b", "c", "1", "10", "zz"},
		{"SADD", "iset", "1", "2", "3", "10", "-1"},
		{"ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "aa"},
		{"GEOADD", "g1", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
			"13.5", "38", "p1", "179.9", "85", "p2", "-0.2", "0.1", "p3"},
		{"GEOADD", "g2", "15", "37.6", "p1", "13.2", "38.3", "p2", "-179.9", "-85", "p3", "0.3", "-0.2", "p4",
			"179.95", "84.8", "p5"},
	} {
		g.pending = append(g.pending, zrCmd{args: args})
	}
	return g
}

// next returns the next command of the sequence.
func (g *zrGen) next() zrCmd {
	if len(g.pending) > 0 {
		c := g.pending[0]
		g.pending = g.pending[1:]
		return c
	}
	g.i++
	if stretch := max(g.n/6, 1); g.i%stretch == 0 {
		// Stretches of the default listpack limits alternate with
		// small ones and with none (every sorted set a skiplist).
		limits := zrListpackLimits[g.i/stretch%len(zrListpackLimits)]
		g.small = limits[0] != "128"
		g.pending = append(g.pending, zrCmd{args: []string{"CONFIG", "SET", "zset-max-listpack-value", limits[1]}})
		return zrCmd{args: []string{"CONFIG", "SET", "zset-max-listpack-entries", limits[0]}}
	}
	total := 0
	for _, b := range zrBuilders {
		total += b.weight
	}
	w := g.r.IntN(total)
	for _, b := range zrBuilders {
		if w -= b.weight; w < 0 {
			c := b.build(g)
			if g.chance(0.02) {
				c.args = g.mutateArity(c.args)
			}
			return c
		}
	}
	panic("unreachable")
}

// mutateArity drops the last argument or adds one.
func (g *zrGen) mutateArity(args []string) []string {
	if len(args) > 1 && g.chance(0.5) {
		return args[:len(args)-1]
	}
	return append(args, g.pick("extra", "1", "WITHSCORES", "-inf"))
}

func (g *zrGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *zrGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *zrGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// kw is a keyword in a random case.
func (g *zrGen) kw(s string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToLower(s)
	case 1:
		b := []byte(s)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' && g.chance(0.5) {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	return s
}

// shuffle puts option groups in a random order and flattens them.
func (g *zrGen) shuffle(groups [][]string) []string {
	g.r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	var out []string
	for _, grp := range groups {
		out = append(out, grp...)
	}
	return out
}

// readKey is a key for a command that reads or only removes (never lex
// ranges: lexKey).
func (g *zrGen) readKey() string {
	switch r := g.r.IntN(100); {
	case r < 60:
		return g.pick(zrZsetKeys...)
	case r < 68:
		return "lex"
	case r < 76:
		return g.pick(zrGeoKeys...)
	case r < 86:
		return g.pick(zrOthers...)
	case r < 91:
		return "sd"
	default:
		return "none"
	}
}

// writeKey is a key for a command that writes any score.
func (g *zrGen) writeKey() string {
	switch r := g.r.IntN(100); {
	case r < 88:
		return g.pick(zrZsetKeys...)
	case r < 95:
		return g.pick(zrOthers...)
	default:
		return "sd"
	}
}

// dstKey is a store's destination.
func (g *zrGen) dstKey() string {
	if g.chance(0.1) {
		return "sd"
	}
	return g.pick(zrZsetKeys...)
}

// lexKey is a key for a lex range: only ones whose members score the same.
func (g *zrGen) lexKey() string {
	if g.chance(0.9) {
		return "lex"
	}
	return g.pick("str", "lst", "set", "none")
}

// sourceKey is an input of ZUNION and the like.
func (g *zrGen) sourceKey() string {
	switch r := g.r.IntN(100); {
	case r < 70:
		return g.pick(zrZsetKeys...)
	case r < 82:
		return g.pick("set", "iset")
	case r < 88:
		return "lex"
	case r < 92:
		return g.pick(zrGeoKeys...)
	case r < 95:
		return g.pick("str", "lst")
	default:
		return "none"
	}
}

func (g *zrGen) member() string {
	switch r := g.r.IntN(100); {
	case r < 10:
		return "m" + strconv.Itoa(g.r.IntN(300)) // sets past 128 entries
	case r < 88:
		return g.pick(zrShortMembers...)
	case r < 96:
		return g.pick(zrMidMembers...)
	default:
		return g.pick(zrLongMembers...)
	}
}

func (g *zrGen) members(lo, hi int) []string {
	out := make([]string, g.between(lo, hi))
	for i := range out {
		out[i] = g.member()
	}
	return out
}

func (g *zrGen) score() string {
	switch r := g.r.IntN(100); {
	case r < 50:
		return strconv.Itoa(g.between(-3, 9))
	case r < 85:
		return g.pick(zrFloats...)
	case r < 95:
		return g.pick(zrInfs...)
	default:
		return g.pick(zrBadFloat...)
	}
}

// scoreBound is a BYSCORE range's end.
func (g *zrGen) scoreBound() string {
	switch r := g.r.IntN(100); {
	case r < 70:
		s := strconv.Itoa(g.between(-3, 9))
		if g.chance(0.2) {
			s = g.pick(zrFloats...)
		}
		if g.chance(0.35) {
			s = "(" + s
		}
		return s
	case r < 90:
		return g.pick("-inf", "+inf", "inf", "(-inf", "(+inf", "-INF", "(inf", "+Inf")
	default:
		return g.pick("[1", "(", "", "abc", "nan", "(nan", "1e400", " 1", "((1", "( 1", "(1 ", "[", "-")
	}
}

// lexBound is a BYLEX range's end.
func (g *zrGen) lexBound() string {
	switch r := g.r.IntN(100); {
	case r < 25:
		return g.pick("-", "+")
	case r < 95:
		return g.pick("[", "(") + g.member()
	default:
		return g.pick("a", "", "*", "-a", "+a", "1", "(")
	}
}

// ranks, scores and lexes are a range's two ends, most often in order
// (the greater first when rev).
func (g *zrGen) ranks() []string {
	return g.ordered(g.index(), g.index(), false, func(s string) (float64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return float64(n), err == nil
	})
}

func (g *zrGen) scores(rev bool) []string {
	return g.ordered(g.scoreBound(), g.scoreBound(), rev, func(s string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.TrimPrefix(s, "("), 64)
		return f, err == nil
	})
}

func (g *zrGen) lexes(rev bool) []string {
	a, b := g.lexBound(), g.lexBound()
	if g.chance(0.7) && zrLexKey(a) > zrLexKey(b) != rev {
		a, b = b, a
	}
	return []string{a, b}
}

// zrLexKey orders lex bounds: "-" first, "+" last, the rest by member.
func zrLexKey(s string) string {
	switch {
	case s == "-":
		return ""
	case s == "+":
		return "\xff"
	case s == "":
		return s
	}
	return "\x01" + s[1:]
}

// ordered puts a before b (after it when rev) unless a number does not
// parse, or 30% of the time.
func (g *zrGen) ordered(a, b string, rev bool, num func(string) (float64, bool)) []string {
	x, okx := num(a)
	y, oky := num(b)
	if okx && oky && g.chance(0.7) && (x > y) != rev {
		a, b = b, a
	}
	return []string{a, b}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// index is a rank.
func (g *zrGen) index() string {
	switch r := g.r.IntN(100); {
	case r < 85:
		return strconv.Itoa(g.between(-8, 8))
	case r < 96:
		return g.pick("-100", "100", "9223372036854775807", "-9223372036854775808", "-1", "0")
	default:
		return g.pick("abc", "1.5", "", "9223372036854775808", " 1", "+1", "0x1")
	}
}

// count is a COUNT or LIMIT's count.
func (g *zrGen) count() string {
	switch r := g.r.IntN(100); {
	case r < 75:
		return strconv.Itoa(g.between(0, 5))
	case r < 88:
		return g.pick("-1", "-2", "100", "9223372036854775807")
	default:
		return g.pick("abc", "1.5", "", "-9223372036854775808", "9223372036854775808")
	}
}

func (g *zrGen) limit() []string {
	off := strconv.Itoa(g.between(0, 4))
	if g.chance(0.2) {
		off = g.pick("-1", "-5", "abc", "100")
	}
	return []string{g.kw("LIMIT"), off, g.count()}
}

func (g *zrGen) numkeys(n int) string {
	if g.chance(0.9) {
		return strconv.Itoa(n)
	}
	return g.pick("0", "-1", "abc", strconv.Itoa(n+1), strconv.Itoa(n-1), "1000")
}

func zrc(args ...string) zrCmd { return zrCmd{args: args} }

// zrBuilders are the kinds of command, with how often each comes.
var zrBuilders = []struct {
	weight int
	build  func(g *zrGen) zrCmd
}{
	{20, zrZadd},
	{3, zrZaddLex},
	{3, func(g *zrGen) zrCmd { return zrc(g.kw("ZINCRBY"), g.writeKey(), g.score(), g.member()) }},
	{4, func(g *zrGen) zrCmd { return zrc(append([]string{g.kw("ZREM"), g.readKey()}, g.members(1, 3)...)...) }},
	{2, func(g *zrGen) zrCmd { return zrc(g.kw("ZCARD"), g.readKey()) }},
	{3, func(g *zrGen) zrCmd { return zrc(g.kw("ZSCORE"), g.readKey(), g.member()) }},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("ZMSCORE"), g.readKey()}, g.members(1, 4)...)...)
	}},
	{3, func(g *zrGen) zrCmd { return zrc(g.kw(g.pick("ZRANK", "ZREVRANK")), g.readKey(), g.member()) }},
	{3, func(g *zrGen) zrCmd { return zrc(append([]string{g.kw("ZCOUNT"), g.readKey()}, g.scores(false)...)...) }},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("ZLEXCOUNT"), g.lexKey()}, g.lexes(false)...)...)
	}},
	{10, func(g *zrGen) zrCmd { return zrZrange(g, false) }},
	{3, func(g *zrGen) zrCmd { return zrZrange(g, true) }},
	{2, zrZrevrange},
	{4, zrZrangeByScore},
	{2, zrZrangeByLex},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("ZREMRANGEBYRANK"), g.readKey()}, g.ranks()...)...)
	}},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("ZREMRANGEBYSCORE"), g.readKey()}, g.scores(false)...)...)
	}},
	{1, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("ZREMRANGEBYLEX"), g.lexKey()}, g.lexes(false)...)...)
	}},
	{4, func(g *zrGen) zrCmd { return zrSetOp(g, g.pick("ZUNION", "ZINTER", "ZDIFF"), false) }},
	{3, func(g *zrGen) zrCmd { return zrSetOp(g, g.pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), true) }},
	{2, zrZintercard},
	{3, zrPop},
	{2, zrZmpop},
	{2, zrZscan},
	{1, zrZrandmember},
	{3, func(g *zrGen) zrCmd {
		return zrc(g.kw("OBJECT"), g.kw("ENCODING"), g.pick(g.readKey(), g.pick(zrZsetKeys...)))
	}},
	{2, zrDump},
	{1, func(g *zrGen) zrCmd { return zrc(g.kw(g.pick("TYPE", "EXISTS")), g.readKey()) }},
	{1, func(g *zrGen) zrCmd {
		if g.chance(0.3) {
			return zrc("SET", "sd", g.member())
		}
		return zrc("DEL", g.pick(append(zrZsetKeys, "lex", "g1", "g2", "sd")...))
	}},
	{1, func(g *zrGen) zrCmd {
		return zrc(append([]string{"SADD", g.pick("set", "iset")}, g.members(1, 3)...)...)
	}},
	{7, zrGeoadd},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("GEOPOS"), g.geoKey()}, g.geoMembers(0, 4)...)...)
	}},
	{2, func(g *zrGen) zrCmd {
		return zrc(append([]string{g.kw("GEOHASH"), g.geoKey()}, g.geoMembers(0, 4)...)...)
	}},
	{2, zrGeodist},
	{5, func(g *zrGen) zrCmd { return zrGeosearch(g, false) }},
	{3, func(g *zrGen) zrCmd { return zrGeosearch(g, true) }},
	{4, zrGeoradius},
}

func zrZadd(g *zrGen) zrCmd {
	flags, has := g.zaddFlags(0.12)
	if len(flags) > 0 && g.chance(0.05) {
		flags = append(flags, flags[0]) // a flag twice
	}
	args := append([]string{g.kw("ZADD"), g.writeKey()}, g.shuffle(flags)...)
	pairs := g.between(1, 6)
	if has["INCR"] && g.chance(0.8) {
		pairs = 1
	} else if g.chance(0.05) {
		pairs = g.pick2(0, 40)
	}
	for range pairs {
		args = append(args, g.score(), g.member())
	}
	return zrc(args...)
}

// zaddFlags are ZADD's flags, each there with probability p.
func (g *zrGen) zaddFlags(p float64) (flags [][]string, has map[string]bool) {
	has = map[string]bool{}
	for _, f := range []string{"NX", "XX", "GT", "LT", "CH", "INCR"} {
		if g.chance(p) {
			flags = append(flags, []string{g.kw(f)})
			has[f] = true
		}
	}
	return flags, has
}

func (g *zrGen) pick2(a, b int) int {
	if g.chance(0.5) {
		return a
	}
	return b
}

// zrZaddLex adds to "lex", always with a score of zero.
func zrZaddLex(g *zrGen) zrCmd {
	flags, _ := g.zaddFlags(0.08)
	args := append([]string{g.kw("ZADD"), "lex"}, g.shuffle(flags)...)
	for range g.between(1, 4) {
		args = append(args, g.pick("0", "0", "0", "-0", "0.0", "+0", "0e5"), g.member())
	}
	return zrc(args...)
}

// zrZrange is ZRANGE or ZRANGESTORE by rank, score or lex.
func zrZrange(g *zrGen, store bool) zrCmd {
	mode := g.r.IntN(3) // rank, BYSCORE, BYLEX
	both := g.chance(0.03)
	key := g.readKey()
	if mode == 2 || both {
		key = g.lexKey() // BYSCORE BYLEX is BYLEX: the last one wins
	}
	rev := g.chance(0.4)
	bounds := []func(bool) []string{func(bool) []string { return g.ranks() }, g.scores, g.lexes}
	r := bounds[mode](rev)
	if g.chance(0.05) {
		r = bounds[g.r.IntN(3)](rev)
	}
	args := []string{g.kw("ZRANGE"), key, r[0], r[1]}
	if store {
		args = []string{g.kw("ZRANGESTORE"), g.dstKey(), key, r[0], r[1]}
	}
	var opts [][]string
	switch {
	case both:
		opts = append(opts, []string{g.kw("BYSCORE")}, []string{g.kw("BYLEX")})
	case mode == 1:
		opts = append(opts, []string{g.kw("BYSCORE")})
	case mode == 2:
		opts = append(opts, []string{g.kw("BYLEX")})
	}
	if rev {
		opts = append(opts, []string{g.kw("REV")})
	}
	if (mode != 0 && g.chance(0.35)) || g.chance(0.04) {
		opts = append(opts, g.limit())
	}
	if (!store && mode != 2 && g.chance(0.5)) || g.chance(0.03) {
		opts = append(opts, []string{g.kw("WITHSCORES")})
	}
	args = append(args, g.shuffle(opts)...)
	return zrc(args...)
}

func zrZrevrange(g *zrGen) zrCmd {
	args := append([]string{g.kw("ZREVRANGE"), g.readKey()}, g.ranks()...)
	if g.chance(0.5) {
		args = append(args, g.kw("WITHSCORES"))
	}
	return zrc(args...)
}

func zrZrangeByScore(g *zrGen) zrCmd {
	rev := g.chance(0.5)
	args := append([]string{g.kw([]string{"ZRANGEBYSCORE", "ZREVRANGEBYSCORE"}[btoi(rev)]), g.readKey()}, g.scores(rev)...)
	var opts [][]string
	if g.chance(0.5) {
		opts = append(opts, []string{g.kw("WITHSCORES")})
	}
	if g.chance(0.4) {
		opts = append(opts, g.limit())
	}
	return zrc(append(args, g.shuffle(opts)...)...)
}

func zrZrangeByLex(g *zrGen) zrCmd {
	rev := g.chance(0.5)
	args := append([]string{g.kw([]string{"ZRANGEBYLEX", "ZREVRANGEBYLEX"}[btoi(rev)]), g.lexKey()}, g.lexes(rev)...)
	var opts [][]string
	if g.chance(0.4) {
		opts = append(opts, g.limit())
	}
	if g.chance(0.05) {
		opts = append(opts, []string{g.kw("WITHSCORES")})
	}
	return zrc(append(args, g.shuffle(opts)...)...)
}

// zrSetOp is ZUNION, ZINTER, ZDIFF or their STORE forms.
func zrSetOp(g *zrGen, op string, store bool) zrCmd {
	args := []string{g.kw(op)}
	if store {
		args = append(args, g.dstKey())
	}
	keys := make([]string, g.between(1, 3))
	for i := range keys {
		keys[i] = g.sourceKey()
	}
	args = append(args, g.numkeys(len(keys)))
	args = append(args, keys...)
	diff := strings.HasPrefix(op, "ZDIFF")
	var opts [][]string
	if (!diff && g.chance(0.4)) || g.chance(0.05) {
		n := len(keys)
		if g.chance(0.1) {
			n += g.pick2(-1, 1)
		}
		w := []string{g.kw("WEIGHTS")}
		for range n {
			w = append(w, g.pick("1", "2", "-1", "0", "1.5", "-0.5", "inf", "-inf", "1e300", "5e-324", "3", "10"))
		}
		if g.chance(0.05) {
			w[len(w)-1] = g.pick("nan", "abc", "")
		}
		opts = append(opts, w)
	}
	if (!diff && g.chance(0.4)) || g.chance(0.05) {
		opts = append(opts, []string{g.kw("AGGREGATE"), g.kw(g.pick("SUM", "MIN", "MAX", "SUM", "MIN", "MAX", "AVG"))})
	}
	if (!store && g.chance(0.5)) || g.chance(0.03) {
		opts = append(opts, []string{g.kw("WITHSCORES")})
	}
	return zrc(append(args, g.shuffle(opts)...)...)
}

func zrZintercard(g *zrGen) zrCmd {
	keys := make([]string, g.between(1, 3))
	for i := range keys {
		keys[i] = g.sourceKey()
	}
	args := append([]string{g.kw("ZINTERCARD"), g.numkeys(len(keys))}, keys...)
	if g.chance(0.5) {
		args = append(args, g.kw("LIMIT"), g.count())
	}
	return zrc(args...)
}

func zrPop(g *zrGen) zrCmd {
	args := []string{g.kw(g.pick("ZPOPMIN", "ZPOPMAX")), g.readKey()}
	if g.chance(0.6) {
		args = append(args, g.count())
	}
	return zrc(args...)
}

func zrZmpop(g *zrGen) zrCmd {
	keys := make([]string, g.between(1, 3))
	for i := range keys {
		keys[i] = g.readKey()
	}
	args := append([]string{g.kw("ZMPOP"), g.numkeys(len(keys))}, keys...)
	if g.chance(0.97) {
		args = append(args, g.kw(g.pick("MIN", "MAX")))
	} else {
		args = append(args, g.pick("MID", "COUNT"))
	}
	if g.chance(0.6) {
		args = append(args, g.kw("COUNT"), g.count())
	}
	return zrc(args...)
}

// zrZscan scans from cursor 0 with a COUNT that returns everything in one
// call: a skiplist's elements come in hash order, compared as a multiset.
func zrZscan(g *zrGen) zrCmd {
	cursor := "0"
	if g.chance(0.05) {
		cursor = g.pick("abc", "", "1.5") // not "-1": strtoul reads it as a cursor
	}
	args := []string{g.kw("ZSCAN"), g.readKey(), cursor}
	var opts [][]string
	if g.chance(0.5) {
		opts = append(opts, []string{g.kw("MATCH"), g.pick("*", "a*", "?", "[ab]*", "*1*", "long*", "")})
	}
	count := "1000"
	if g.chance(0.05) {
		count = g.pick("0", "-1", "abc")
	}
	opts = append(opts, []string{g.kw("COUNT"), count})
	return zrCmd{args: append(args, g.shuffle(opts)...), cmp: zrScan}
}

// zrDump is DUMP, then often RESTORE of its payload to another key. Not
// of the plain sets: a hashtable's DUMP follows its hash order.
func zrDump(g *zrGen) zrCmd {
	key := g.pick(append(zrZsetKeys, "lex", "g1", "g2", "str", "lst", "sd", "none")...)
	return zrCmd{args: []string{g.kw("DUMP"), key}, then: func(reply []byte) []string {
		payload, ok := zrBulk(reply)
		if !ok || g.chance(0.3) {
			return nil
		}
		args := []string{g.kw("RESTORE"), g.dstKey(), "0", payload}
		if g.chance(0.6) {
			args = append(args, g.kw("REPLACE"))
		}
		return args
	}}
}

// zrBulk is a bulk string reply's payload.
func zrBulk(reply []byte) (string, bool) {
	head, rest, ok := bytes.Cut(reply, []byte("\r\n"))
	n, err := strconv.Atoi(strings.TrimPrefix(string(head), "$"))
	if !ok || len(head) == 0 || head[0] != '$' || err != nil || n < 0 || len(rest) != n+2 {
		return "", false
	}
	return string(rest[:n]), true
}

// zrZrandmember is ZRANDMEMBER, whose reply is compared by its shape.
func zrZrandmember(g *zrGen) zrCmd {
	args := []string{g.kw("ZRANDMEMBER"), g.readKey()}
	if g.chance(0.7) {
		count := strconv.Itoa(g.between(-5, 5))
		if g.chance(0.1) {
			count = g.pick("abc", "1.5", "", "-9223372036854775808", "9223372036854775807")
		}
		args = append(args, count)
		if g.chance(0.4) {
			args = append(args, g.kw("WITHSCORES"))
		}
	}
	return zrCmd{args: args, cmp: zrShape}
}

// ---- GEO ----

// geoKey is a key for a GEO command that reads.
func (g *zrGen) geoKey() string {
	switch r := g.r.IntN(100); {
	case r < 80:
		return g.pick(zrGeoKeys...)
	case r < 85:
		return g.pick(zrZsetKeys...)
	case r < 88:
		return "lex"
	case r < 95:
		return g.pick(zrOthers...)
	default:
		return "none"
	}
}

func (g *zrGen) geoMember() string {
	if g.chance(0.9) {
		return g.pick(zrGeoMembers...)
	}
	return g.member()
}

func (g *zrGen) geoMembers(lo, hi int) []string {
	out := make([]string, g.between(lo, hi))
	for i := range out {
		out[i] = g.geoMember()
	}
	return out
}

// lonLat is a point near one of the centers, now and then an invalid one.
func (g *zrGen) lonLat() (lon, lat string) {
	c := zrCenters[g.r.IntN(len(zrCenters))]
	x := math.Max(-180, math.Min(180, c[0]+g.r.Float64()-0.5))
	y := math.Max(-85.05, math.Min(85.05, c[1]+g.r.Float64()-0.5))
	digits := 6
	if g.chance(0.3) {
		digits = 1 // on a coarse grid, where distances tie
	}
	lon, lat = strconv.FormatFloat(x, 'f', digits, 64), strconv.FormatFloat(y, 'f', digits, 64)
	if g.chance(0.015) {
		lon = g.pick(zrBadLons...)
	}
	if g.chance(0.015) {
		lat = g.pick(zrBadLats...)
	}
	return lon, lat
}

func (g *zrGen) unit() string {
	if g.chance(0.04) {
		return g.pick(zrBadUnits...)
	}
	return g.kw(g.pick(zrUnits...))
}

func (g *zrGen) radius() string {
	if g.chance(0.04) {
		return g.pick(zrBadRadii...)
	}
	return g.pick(zrRadii...)
}

// geoDst is a GEO STORE's destination: g1 only now and then, as an empty
// result deletes it.
func (g *zrGen) geoDst() string {
	if g.chance(0.15) {
		return g.pick(zrGeoKeys...)
	}
	return g.pick(zrZsetKeys...)
}

func zrGeoadd(g *zrGen) zrCmd {
	key := g.pick(zrGeoKeys...)
	if g.chance(0.1) {
		key = g.pick(append(zrOthers, zrZsetKeys...)...)
	}
	args := []string{g.kw("GEOADD"), key}
	var flags [][]string
	for _, f := range []string{"NX", "XX", "CH"} {
		if g.chance(0.15) {
			flags = append(flags, []string{g.kw(f)})
		}
	}
	args = append(args, g.shuffle(flags)...)
	for range g.between(1, 5) {
		lon, lat := g.lonLat()
		args = append(args, lon, lat, g.geoMember())
	}
	return zrc(args...)
}

func zrGeodist(g *zrGen) zrCmd {
	args := []string{g.kw("GEODIST"), g.geoKey(), g.geoMember(), g.geoMember()}
	if g.chance(0.6) {
		args = append(args, g.unit())
	}
	return zrc(args...)
}

// geoOptions are the WITH*, COUNT [ANY] and ASC/DESC options.
func (g *zrGen) geoOptions(with bool) [][]string {
	var opts [][]string
	if with {
		for _, w := range []string{"WITHCOORD", "WITHDIST", "WITHHASH"} {
			if g.chance(0.35) {
				opts = append(opts, []string{g.kw(w)})
			}
		}
	}
	if g.chance(0.4) {
		c := []string{g.kw("COUNT"), g.pick("1", "2", "3", "5", "100")}
		if g.chance(0.08) {
			c[1] = g.pick("0", "-1", "abc")
		}
		if g.chance(0.3) {
			c = append(c, g.kw("ANY"))
		}
		opts = append(opts, c)
	} else if g.chance(0.02) {
		opts = append(opts, []string{g.kw("ANY")}) // ANY without COUNT
	}
	if g.chance(0.6) {
		opts = append(opts, []string{g.kw(g.pick("ASC", "DESC"))})
	}
	return opts
}

// storeDist sends STOREDIST's result to "dist" and queues its check.
func (g *zrGen) storeDist() string {
	g.pending = append(g.pending,
		zrCmd{args: []string{"ZRANGE", "dist", "0", "-1", "WITHSCORES"}, cmp: zrRounded},
		zrc("OBJECT", "ENCODING", "dist"))
	return "dist"
}

// zrGeosearch is GEOSEARCH or GEOSEARCHSTORE.
func zrGeosearch(g *zrGen, store bool) zrCmd {
	args := []string{g.kw("GEOSEARCH"), g.geoKey()}
	var opts [][]string
	if store {
		dist := g.chance(0.4)
		dst := g.geoDst()
		if dist {
			dst = g.storeDist()
			opts = append(opts, []string{g.kw("STOREDIST")})
		}
		args = []string{g.kw("GEOSEARCHSTORE"), dst, args[1]}
	}
	from := g.r.IntN(100)
	if from < 50 || from >= 98 {
		opts = append(opts, []string{g.kw("FROMMEMBER"), g.geoMember()})
	}
	if from >= 50 {
		lon, lat := g.lonLat()
		opts = append(opts, []string{g.kw("FROMLONLAT"), lon, lat})
	}
	by := g.r.IntN(100)
	if by < 50 || by >= 98 {
		opts = append(opts, []string{g.kw("BYRADIUS"), g.radius(), g.unit()})
	}
	if by >= 50 && by < 99 {
		opts = append(opts, []string{g.kw("BYBOX"), g.radius(), g.radius(), g.unit()})
	}
	opts = append(opts, g.geoOptions(!store || g.chance(0.05))...)
	return zrc(append(args, g.shuffle(opts)...)...)
}

// zrGeoradius is GEORADIUS, GEORADIUSBYMEMBER or their _RO forms.
func zrGeoradius(g *zrGen) zrCmd {
	byMember := g.chance(0.5)
	ro := g.chance(0.3)
	name := "GEORADIUS"
	if byMember {
		name = "GEORADIUSBYMEMBER"
	}
	if ro {
		name += "_RO"
	}
	args := []string{g.kw(name), g.geoKey()}
	if byMember {
		args = append(args, g.geoMember())
	} else {
		lon, lat := g.lonLat()
		args = append(args, lon, lat)
	}
	args = append(args, g.radius(), g.unit())
	store := (!ro && g.chance(0.3)) || g.chance(0.03)
	opts := g.geoOptions(!store || g.chance(0.05))
	if store {
		if g.chance(0.5) {
			opts = append(opts, []string{g.kw("STOREDIST"), g.storeDist()})
		} else {
			opts = append(opts, []string{g.kw("STORE"), g.geoDst()})
		}
	}
	return zrc(append(args, g.shuffle(opts)...)...)
}
