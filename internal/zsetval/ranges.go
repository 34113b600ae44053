package zsetval

import (
	"bytes"
	"math"
)

// ScoreRange is a score interval (zrangespec): Min to Max, each end
// included unless its Ex flag is set.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// ParseScoreRange parses the min and max arguments of ZRANGEBYSCORE,
// ZCOUNT and the like as zslParseRange does: an optional '(' for an
// excluded end, then what strtod reads from the rest as a C string. So
// white space may lead, a NUL byte ends the number, an empty number is 0
// ("" and "(" are valid ends), an overflow is ±inf and an underflow 0;
// NaN is refused, and so is anything after the number.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var okMin, okMax bool
	r.Min, r.MinEx, okMin = parseScoreBound(min)
	r.Max, r.MaxEx, okMax = parseScoreBound(max)
	return r, okMin && okMax
}

func parseScoreBound(b []byte) (f float64, ex, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		ex, b = true, b[1:]
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, ex, true // strtod reads nothing and stops at the end
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	// With no number after the white space strtod stops at its start, a
	// space: refused, as any other byte left over.
	f, _, ok = strtod(b[i:])
	return f, ex, ok && !math.IsNaN(f)
}

// gteMin and lteMax are zslValueGteMin and zslValueLteMax.
func (r *ScoreRange) gteMin(score float64) bool {
	if r.MinEx {
		return score > r.Min
	}
	return score >= r.Min
}

func (r *ScoreRange) lteMax(score float64) bool {
	if r.MaxEx {
		return score < r.Max
	}
	return score <= r.Max
}

// empty reports whether no score can be in the range (zslIsInRange's
// first test).
func (r *ScoreRange) empty() bool {
	return r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx)
}

// LexRange is a member interval (zlexrangespec).
type LexRange struct{ Min, Max LexBound }

// LexBound is an end of a LexRange.
type LexBound struct {
	Kind  LexKind
	Value []byte // for LexInclusive and LexExclusive
}

// LexKind is what a LexBound is.
type LexKind uint8

const (
	LexInclusive LexKind = iota // "[value"
	LexExclusive                // "(value"
	LexMinusInf                 // "-": below every member
	LexPlusInf                  // "+": above every member
)

// ParseLexRange parses the min and max arguments of ZRANGEBYLEX,
// ZLEXCOUNT and the like as zslParseLexRange does: "[value" includes
// value, "(value" excludes it, "-" and "+" are below and above every
// member (and, read as C strings, may be followed by a NUL byte and
// anything). Anything else is refused. The values alias min and max.
func ParseLexRange(min, max []byte) (LexRange, bool) {
	var r LexRange
	var okMin, okMax bool
	r.Min, okMin = parseLexBound(min)
	r.Max, okMax = parseLexBound(max)
	return r, okMin && okMax
}

func parseLexBound(b []byte) (LexBound, bool) {
	if len(b) == 0 {
		return LexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return LexBound{}, false
		}
		if b[0] == '+' {
			return LexBound{Kind: LexPlusInf}, true
		}
		return LexBound{Kind: LexMinusInf}, true
	case '(':
		return LexBound{Kind: LexExclusive, Value: b[1:]}, true
	case '[':
		return LexBound{Kind: LexInclusive, Value: b[1:]}, true
	}
	return LexBound{}, false
}

// compareTo compares member with the bound as sdscmplex does: "-" is
// below and "+" above every member.
func (b *LexBound) compareTo(member []byte) int {
	switch b.Kind {
	case LexMinusInf:
		return 1
	case LexPlusInf:
		return -1
	}
	return bytes.Compare(member, b.Value)
}

// excludes reports whether the bound leaves out a member equal to it;
// Redis's "-" and "+" do too.
func (b *LexBound) excludes() bool { return b.Kind != LexInclusive }

// gteMin and lteMax are zslLexValueGteMin and zslLexValueLteMax.
func (r *LexRange) gteMin(member []byte) bool {
	c := r.Min.compareTo(member)
	return c > 0 || c == 0 && !r.Min.excludes()
}

func (r *LexRange) lteMax(member []byte) bool {
	c := r.Max.compareTo(member)
	return c < 0 || c == 0 && !r.Max.excludes()
}

// empty reports whether no member can be in the range (zslIsInLexRange's
// first test, sdscmplex(min, max)).
func (r *LexRange) empty() bool {
	var c int
	switch {
	case r.Min.Kind == r.Max.Kind && (r.Min.Kind == LexMinusInf || r.Min.Kind == LexPlusInf):
		c = 0
	case r.Min.Kind == LexMinusInf || r.Max.Kind == LexPlusInf:
		c = -1
	case r.Min.Kind == LexPlusInf || r.Max.Kind == LexMinusInf:
		c = 1
	default:
		c = bytes.Compare(r.Min.Value, r.Max.Value)
	}
	return c > 0 || c == 0 && (r.Min.excludes() || r.Max.excludes())
}

// interval is a score or a lex range, for the walks both take. A
// concrete type, not an interface, so that the member bytes its methods
// are given may stay on the caller's stack.
type interval struct {
	byLex bool
	score ScoreRange
	lex   LexRange
}

func (iv *interval) empty() bool {
	if iv.byLex {
		return iv.lex.empty()
	}
	return iv.score.empty()
}

func (iv *interval) gteMin(member []byte, score float64) bool {
	if iv.byLex {
		return iv.lex.gteMin(member)
	}
	return iv.score.gteMin(score)
}

func (iv *interval) lteMax(member []byte, score float64) bool {
	if iv.byLex {
		return iv.lex.lteMax(member)
	}
	return iv.score.lteMax(score)
}

// ClampRanks turns the start and stop ranks of ZRANGE and
// ZREMRANGEBYRANK (negative: from the end, -1 being the last) into the
// first and last ranks they cover in a sorted set of n members, as
// genericZrangebyrankCommand does; ok is false when they cover none.
func ClampRanks(start, stop int64, n int) (first, last int, ok bool) {
	length := int64(n)
	if start < 0 {
		start += length
	}
	if stop < 0 {
		stop += length
	}
	start = max(start, 0)
	if start > stop || start >= length {
		return 0, 0, false
	}
	return int(start), int(min(stop, length-1)), true
}
