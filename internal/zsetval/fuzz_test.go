package zsetval

import (
	"bytes"
	"encoding/hex"
	"math"
	"testing"
)

// The argument parsers never panic nor give NaN, and agree: a score
// ZADD takes is a range end of the same value.
func FuzzParse(f *testing.F) {
	for _, g := range goldenScores {
		f.Add([]byte(g.in), []byte("+inf"))
	}
	for _, g := range goldenScoreRanges {
		f.Add([]byte(g.arg), []byte("(1"))
	}
	for _, g := range goldenLexRanges {
		f.Add([]byte(g.arg), []byte("[b"))
	}
	f.Fuzz(func(t *testing.T, min, max []byte) {
		if score, ok := ParseScore(min); ok {
			r, rok := ParseScoreRange(min, min)
			if math.IsNaN(score) || !rok || r.Min != score || r.Max != score || r.MinEx || r.MaxEx {
				t.Fatalf("ParseScore(%q) = %v, but ParseScoreRange gives %+v %v", min, score, r, rok)
			}
		}
		if r, ok := ParseScoreRange(min, max); ok {
			if math.IsNaN(r.Min) || math.IsNaN(r.Max) || r.MinEx != bytes.HasPrefix(min, []byte("(")) || r.MaxEx != bytes.HasPrefix(max, []byte("(")) {
				t.Fatalf("ParseScoreRange(%q, %q) = %+v", min, max, r)
			}
		}
		if r, ok := ParseLexRange(min, max); ok {
			for _, c := range []struct {
				b   LexBound
				arg []byte
			}{{r.Min, min}, {r.Max, max}} {
				switch c.b.Kind {
				case LexInclusive, LexExclusive:
					if !bytes.Equal(c.b.Value, c.arg[1:]) || (c.arg[0] == '(') != (c.b.Kind == LexExclusive) {
						t.Fatalf("ParseLexRange: %q is %+v", c.arg, c.b)
					}
				case LexMinusInf, LexPlusInf:
					if c.arg[0] != "-+"[c.b.Kind-LexMinusInf] || len(c.arg) > 1 && c.arg[1] != 0 {
						t.Fatalf("ParseLexRange: %q is %+v", c.arg, c.b)
					}
				}
			}
		}
	})
}

// FromListpack never panics, and what it accepts is a sound sorted set
// that takes further changes.
func FuzzFromListpack(f *testing.F) {
	for _, g := range goldenListpacks {
		lp, _ := hex.DecodeString(g.hex)
		f.Add(lp)
	}
	f.Fuzz(func(t *testing.T, lp []byte) {
		lim := Limits{Entries: 4, Value: 64}
		z, err := FromListpack(lp, lim)
		if err != nil {
			return
		}
		checkStructure(t, z, false)
		if z.small() && !bytes.Equal(z.Listpack(), lp) {
			t.Fatalf("FromListpack(%x) holds %x", lp, z.Listpack())
		}
		members := all(z)
		for i := 1; i < len(members); i++ {
			if comparePairs(members[i-1], members[i]) >= 0 {
				t.Fatalf("FromListpack(%x) is out of order: %v", lp, members)
			}
		}
		want := len(members)
		if res, _ := z.Add([]byte("new"), 1.5, 0, lim); res == Added {
			want++
		}
		if len(members) > 0 {
			z.Add([]byte(members[len(members)-1].member), -1, Incr, lim)
			z.Remove([]byte(members[0].member))
			want--
		}
		checkStructure(t, z, false)
		if z.Len() != want {
			t.Fatalf("FromListpack(%x): %d members after an add and a removal, want %d", lp, z.Len(), want)
		}
	})
}
