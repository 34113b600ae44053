package zsetval

import (
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The golden tables (golden_data_test.go) replayed.

// A listpack built by Add is the one Redis's DUMP holds, byte for byte,
// scores included: integers as integers (-0 as 0), others as %.17g.
func TestGoldenListpacks(t *testing.T) {
	lim := Limits{Entries: 128, Value: 64}
	for _, g := range goldenListpacks {
		z := New(1, len(g.adds[1]), lim)
		for i := 0; i < len(g.adds); i += 2 {
			score, ok := ParseScore([]byte(g.adds[i]))
			if !ok {
				t.Fatalf("%v: score %q refused", g.adds, g.adds[i])
			}
			z.Add([]byte(g.adds[i+1]), score, 0, lim)
		}
		if got := hex.EncodeToString(z.Listpack()); got != g.hex {
			t.Errorf("%v:\n got %s\nwant %s", g.adds, got, g.hex)
		}
		lp, _ := hex.DecodeString(g.hex)
		loaded, err := FromListpack(lp, lim)
		if err != nil || !slices.Equal(all(loaded), all(z)) {
			t.Errorf("%v: FromListpack: %v, %v", g.adds, all(loaded), err)
		}
		// A skiplist converted back writes the same bytes (zsetConvert).
		s := New(1, 0, Limits{})
		z.Each(func(member []byte, score float64) { s.Add(member, score, 0, Limits{}) })
		if s.ConvertToListpackIfFits(lim); hex.EncodeToString(s.Listpack()) != g.hex {
			t.Errorf("%v: from a skiplist: %x", g.adds, s.Listpack())
		}
	}
	z := New(0, 0, lim)
	z.Add([]byte("a"), 1, 0, lim)
	z.Add([]byte("b"), 2, 0, lim)
	z.Add([]byte("a"), 0.5, Incr, lim)
	z.Add([]byte("a"), 10, Incr, lim)
	z.Add([]byte("b"), -20, Incr, lim)
	if got := hex.EncodeToString(z.Listpack()); got != goldenIncrListpack {
		t.Errorf("incr: %s, want %s", got, goldenIncrListpack)
	}
}

func TestGoldenScores(t *testing.T) {
	for _, g := range goldenScores {
		score, ok := ParseScore([]byte(g.in))
		if ok != g.ok || ok && formatScore(score) != g.reply {
			t.Errorf("ParseScore(%q) = %v %v, want %q %v", g.in, formatScore(score), ok, g.reply, g.ok)
		}
	}
}

// formatScore is addReplyDouble's text.
func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

func TestGoldenScoreRanges(t *testing.T) {
	for _, enc := range encodings {
		z := New(0, 0, enc.lim)
		for i := 0; i < len(goldenProbe); i += 2 {
			score, _ := ParseScore([]byte(goldenProbe[i+1]))
			z.Add([]byte(goldenProbe[i]), score, 0, enc.lim)
		}
		for _, g := range goldenScoreRanges {
			for _, asMin := range []bool{true, false} {
				min, max, want := []byte(g.arg), []byte("+inf"), g.asMin
				if !asMin {
					min, max, want = []byte("-inf"), []byte(g.arg), g.asMax
				}
				r, ok := ParseScoreRange(min, max)
				if ok != (want != nil) {
					t.Errorf("ParseScoreRange(%q, %q): ok %v", min, max, ok)
					continue
				}
				got := []string{}
				z.RangeByScore(r, false, 0, -1, func(member []byte, _ float64) bool {
					got = append(got, string(member))
					return true
				})
				if ok && !slices.Equal(got, want) {
					t.Errorf("%s: ZRANGEBYSCORE %q %q = %q, want %q", enc.name, min, max, got, want)
				}
			}
		}
	}
}

func TestGoldenLexRanges(t *testing.T) {
	for _, enc := range encodings {
		z := New(0, 0, enc.lim)
		for _, m := range goldenLexMembers {
			z.Add([]byte(m), 0, 0, enc.lim)
		}
		for _, g := range goldenLexRanges {
			for _, asMin := range []bool{true, false} {
				min, max, want := []byte(g.arg), []byte("+"), g.asMin
				if !asMin {
					min, max, want = []byte("-"), []byte(g.arg), g.asMax
				}
				r, ok := ParseLexRange(min, max)
				if ok != (want != nil) {
					t.Errorf("ParseLexRange(%q, %q): ok %v", min, max, ok)
					continue
				}
				got := []string{}
				z.RangeByLex(r, false, 0, -1, func(member []byte, _ float64) bool {
					got = append(got, string(member))
					return true
				})
				if ok && (!slices.Equal(got, want) || z.CountInLexRange(r) != len(want)) {
					t.Errorf("%s: ZRANGEBYLEX %q %q = %q (count %d), want %q", enc.name, min, max, got, z.CountInLexRange(r), want)
				}
			}
		}
	}
}

// The command scripts, replayed through a minimal rendering of the
// sorted-set commands on this package (argument errors aside).
func TestGoldenScripts(t *testing.T) {
	for enc, script := range goldenScripts {
		db := &scriptDB{keys: map[string]*ZSet{}, lim: Limits{Entries: 128, Value: 64}}
		if enc == "skiplist" {
			db.lim.Entries = 0
		}
		for line := range strings.Lines(strings.TrimSpace(script)) {
			cmd, want, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " => ")
			if got := db.run(strings.Split(cmd, " ")); got != want {
				t.Errorf("%s: %.80s = %s, want %s", enc, cmd, got, want)
			}
			for key, z := range db.keys {
				checkStructure(t, z, true)
				if z.Len() == 0 {
					t.Fatalf("%s: %s left key %s empty", enc, cmd, key)
				}
			}
		}
	}
}

type scriptDB struct {
	keys map[string]*ZSet
	lim  Limits
}

func (db *scriptDB) dropIfEmpty(key string) {
	if z := db.keys[key]; z != nil && z.Len() == 0 {
		delete(db.keys, key)
	}
}

func array(items []string) string { return "[" + strings.Join(items, " ") + "]" }

func (db *scriptDB) run(args []string) string {
	name, key := strings.ToUpper(args[0]), args[1]
	z := db.keys[key]
	switch name {
	case "ZADD", "ZINCRBY":
		return db.zadd(name, key, args[2:])
	case "ZRANGE", "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX":
		return zrange(z, name, args[2:])
	case "ZCOUNT", "ZLEXCOUNT":
		var n int
		if name == "ZCOUNT" {
			r, ok := ParseScoreRange([]byte(args[2]), []byte(args[3]))
			if !ok {
				return "ERR"
			}
			if z != nil {
				n = z.CountInScoreRange(r)
			}
		} else {
			r, ok := ParseLexRange([]byte(args[2]), []byte(args[3]))
			if !ok {
				return "ERR"
			}
			if z != nil {
				n = z.CountInLexRange(r)
			}
		}
		return strconv.Itoa(n)
	case "ZRANK", "ZREVRANK":
		if z == nil {
			return "(nil)"
		}
		if rank, _, ok := z.Rank([]byte(args[2]), name == "ZREVRANK"); ok {
			return strconv.Itoa(rank)
		}
		return "(nil)"
	case "ZSCORE":
		if z == nil {
			return "(nil)"
		}
		if score, ok := z.Score([]byte(args[2])); ok {
			return formatScore(score)
		}
		return "(nil)"
	case "ZCARD":
		if z == nil {
			return "0"
		}
		return strconv.Itoa(z.Len())
	case "ZREM":
		n := 0
		for _, m := range args[2:] {
			if z != nil && z.Remove([]byte(m)) {
				n++
			}
		}
		db.dropIfEmpty(key)
		return strconv.Itoa(n)
	case "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX":
		n := 0
		switch name {
		case "ZREMRANGEBYRANK":
			start, _ := strconv.ParseInt(args[2], 10, 64)
			stop, _ := strconv.ParseInt(args[3], 10, 64)
			if z != nil {
				n = z.DeleteRangeByRank(start, stop)
			}
		case "ZREMRANGEBYSCORE":
			r, ok := ParseScoreRange([]byte(args[2]), []byte(args[3]))
			if !ok {
				return "ERR"
			}
			if z != nil {
				n = z.DeleteRangeByScore(r)
			}
		default:
			r, ok := ParseLexRange([]byte(args[2]), []byte(args[3]))
			if !ok {
				return "ERR"
			}
			if z != nil {
				n = z.DeleteRangeByLex(r)
			}
		}
		db.dropIfEmpty(key)
		return strconv.Itoa(n)
	case "ZPOPMIN", "ZPOPMAX":
		count := int64(1)
		if len(args) > 2 {
			count, _ = strconv.ParseInt(args[2], 10, 64)
		}
		items := []string{}
		if z != nil {
			emit := func(member []byte, score float64) { items = append(items, string(member), formatScore(score)) }
			if name == "ZPOPMIN" {
				z.PopMin(count, emit)
			} else {
				z.PopMax(count, emit)
			}
		}
		db.dropIfEmpty(key)
		return array(items)
	case "EXISTS", "DEL":
		if z == nil {
			return "0"
		}
		if name == "DEL" {
			delete(db.keys, key)
		}
		return "1"
	case "OBJECT":
		return db.keys[args[2]].Encoding()
	}
	panic("no such command " + name)
}

func (db *scriptDB) zadd(name, key string, args []string) string {
	var flags Flags
	ch := false
	if name == "ZINCRBY" {
		flags = Incr
	}
	for ; len(args) > 0; args = args[1:] {
		switch strings.ToUpper(args[0]) {
		case "NX":
			flags |= NX
		case "XX":
			flags |= XX
		case "GT":
			flags |= GT
		case "LT":
			flags |= LT
		case "INCR":
			flags |= Incr
		case "CH":
			ch = true
		default:
			goto pairs
		}
	}
pairs:
	scores := make([]float64, len(args)/2)
	for i := range scores {
		var ok bool
		if scores[i], ok = ParseScore([]byte(args[2*i])); !ok {
			return "ERR"
		}
	}
	z := db.keys[key]
	if z == nil {
		if flags&XX != 0 {
			if flags&Incr != 0 {
				return "(nil)"
			}
			return "0"
		}
		z = New(1, len(args[1]), db.lim) // zaddGenericCommand's creation
		db.keys[key] = z
	}
	added, updated, processed := 0, 0, 0
	var score float64
	for i, s := range scores {
		res, newScore := z.Add([]byte(args[2*i+1]), s, flags, db.lim)
		if res&NaNScore != 0 {
			return "ERR"
		}
		if res&Added != 0 {
			added++
		}
		if res&Updated != 0 {
			updated++
		}
		if res&Nop == 0 {
			processed++
		}
		score = newScore
	}
	switch {
	case flags&Incr != 0 && processed == 0:
		return "(nil)"
	case flags&Incr != 0:
		return formatScore(score)
	case ch:
		return strconv.Itoa(added + updated)
	}
	return strconv.Itoa(added)
}

// zrange is zrangeGenericCommand, for the forms the scripts use.
func zrange(z *ZSet, name string, args []string) string {
	byScore := strings.Contains(name, "SCORE")
	byLex := strings.Contains(name, "LEX")
	reverse := strings.HasPrefix(name, "ZREV")
	withScores := false
	offset, limit := int64(0), int64(-1)
	min, max := args[0], args[1]
	for i := 2; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "WITHSCORES":
			withScores = true
		case "LIMIT":
			offset, _ = strconv.ParseInt(args[i+1], 10, 64)
			limit, _ = strconv.ParseInt(args[i+2], 10, 64)
			i += 2
		case "REV":
			reverse = true
		case "BYSCORE":
			byScore = true
		case "BYLEX":
			byLex = true
		}
	}
	if reverse && (byScore || byLex) {
		min, max = max, min
	}
	items := []string{}
	emit := func(member []byte, score float64) bool {
		items = append(items, string(member))
		if withScores {
			items = append(items, formatScore(score))
		}
		return true
	}
	switch {
	case byScore:
		r, ok := ParseScoreRange([]byte(min), []byte(max))
		if !ok {
			return "ERR"
		}
		if z != nil {
			z.RangeByScore(r, reverse, offset, limit, emit)
		}
	case byLex:
		r, ok := ParseLexRange([]byte(min), []byte(max))
		if !ok {
			return "ERR"
		}
		if z != nil {
			z.RangeByLex(r, reverse, offset, limit, emit)
		}
	default:
		start, _ := strconv.ParseInt(min, 10, 64)
		stop, _ := strconv.ParseInt(max, 10, 64)
		if z != nil {
			z.RangeByRank(start, stop, reverse, emit)
		}
	}
	return array(items)
}
