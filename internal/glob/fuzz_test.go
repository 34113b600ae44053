package glob

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzMatch checks properties that must hold for any pattern and string:
//
//   - no panic (the C original reads one byte past the pattern in places;
//     the port must never index out of range instead);
//   - determinism, and agreement between Match and MatchString;
//   - '*' matches every non-empty string, and "" matches only "";
//   - a fully escaped string matches exactly itself;
//   - without classes, nocase matching equals matching ASCII-lowercased
//     inputs;
//   - the result equals that of modelMatch, an independent memoized
//     formulation of the same algorithm without the skipLongerMatches
//     short-cut. That short-cut is an optimisation that must never change
//     an answer, and the model is what catches it if it does.
func FuzzMatch(f *testing.F) {
	for _, tc := range matchCases {
		f.Add(tc.pattern, tc.str, tc.nocase)
	}
	f.Add("a*a*a*a*a*a*a*a*b", strings.Repeat("a", 40), false)
	f.Add("*?*?*[^a]*", "xxxxxxxxxxxxxxxxxxxxxxxa", false)
	f.Add(`[\`, `\`, false)
	f.Add("[^", "", true)
	f.Add("user:*:[0-9][0-9]", "user:abc:42", false)

	f.Fuzz(func(t *testing.T, pattern, str string, nocase bool) {
		p, s := []byte(pattern), []byte(str)
		got := Match(p, s, nocase)
		if again := Match(p, s, nocase); again != got {
			t.Fatalf("Match(%q, %q, %v) not deterministic", pattern, str, nocase)
		}
		if !nocase && MatchString(pattern, str) != got {
			t.Fatalf("MatchString(%q, %q) disagrees with Match", pattern, str)
		}
		if !bytes.Equal(p, []byte(pattern)) || !bytes.Equal(s, []byte(str)) {
			t.Fatal("Match modified its inputs")
		}

		if star := Match([]byte("*"), s, nocase); star != (len(s) > 0) {
			t.Fatalf(`Match("*", %q) = %v`, str, star)
		}
		if empty := Match(nil, s, nocase); empty != (len(s) == 0) {
			t.Fatalf(`Match("", %q) = %v`, str, empty)
		}
		esc := escape(str)
		if !MatchString(esc, str) {
			t.Fatalf("escaped %q does not match itself", str)
		}
		if MatchString(esc, pattern) != (pattern == str) {
			t.Fatalf("escaped %q vs %q: literal match wrong", str, pattern)
		}

		if !strings.Contains(pattern, "[") {
			lower := Match([]byte(asciiLower(pattern)), []byte(asciiLower(str)), false)
			if Match(p, s, true) != lower {
				t.Fatalf("nocase Match(%q, %q) differs from lowercased match", pattern, str)
			}
		}

		// The model ignores the nesting limit, so compare only where the
		// limit cannot be reached: every level needs a '*' in the pattern.
		if strings.Count(pattern, "*") < maxNesting {
			if want := modelMatch(pattern, str, nocase); got != want {
				t.Fatalf("Match(%q, %q, %v) = %v, model says %v", pattern, str, nocase, got, want)
			}
		}
	})
}

// escape returns a pattern matching exactly s: every byte backslash-escaped.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte('\\')
		b.WriteByte(s[i])
	}
	return b.String()
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// modelMatch restates stringmatchlen as a memoized recursion over (pattern
// position, string position) instead of a loop with an early-exit flag, so
// it runs in polynomial time without relying on skipLongerMatches. It
// shares only matchClass and literalEqual with the implementation; the
// control flow (star expansion, trailing-star stripping, the end condition)
// is written independently.
func modelMatch(pat, str string, nocase bool) bool {
	memo := make(map[[2]int]bool)
	// f(p, s) is the result of matching pat[p:] against str[s:] from the
	// top of the loop, i.e. as a fresh call would.
	var f func(p, s int) bool
	// next is where the loop continues after a single byte was consumed,
	// leaving the pattern at p and the string at s.
	next := func(p, s int) bool {
		if s == len(str) {
			for p < len(pat) && pat[p] == '*' {
				p++
			}
			return p == len(pat)
		}
		return f(p, s)
	}
	f = func(p, s int) bool {
		if p == len(pat) || s == len(str) {
			return p == len(pat) && s == len(str)
		}
		key := [2]int{p, s}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch pat[p] {
		case '*':
			q := p
			for q+1 < len(pat) && pat[q+1] == '*' {
				q++
			}
			if q == len(pat)-1 {
				r = true
				break
			}
			for t := s; t < len(str) && !r; t++ {
				r = f(q+1, t)
			}
		case '?':
			r = next(p+1, s+1)
		case '[':
			if ok, last := matchClass(pat, p+1, str[s], nocase); ok {
				r = next(last+1, s+1)
			}
		case '\\':
			q := p
			if q+1 < len(pat) {
				q++
			}
			r = literalEqual(pat[q], str[s], nocase) && next(q+1, s+1)
		default:
			r = literalEqual(pat[p], str[s], nocase) && next(p+1, s+1)
		}
		memo[key] = r
		return r
	}
	return f(0, 0)
}
