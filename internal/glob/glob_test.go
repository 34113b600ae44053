package glob

import (
	"math"
	"strings"
	"testing"
	"time"
)

// matchCases is the reference table. Every case-sensitive row was checked
// against a real redis-server 7.0.15 (amd64) by SETting str and running
// KEYS pattern; the exact pattern "*" was checked with PSUBSCRIBE/PUBLISH
// instead, because KEYS and SCAN short-circuit "*" without calling the
// matcher. Rows with nocase set were checked against a transcription of the
// C code compiled with glibc, and the ASCII-only ones also via CONFIG GET,
// which is the one command that matches case-insensitively.
var matchCases = []struct {
	pattern, str string
	nocase       bool
	want         bool
}{
	// Empty inputs.
	{"", "", false, true},
	{"", "a", false, false},
	{"a", "", false, false},
	{"?", "", false, false},
	{"[a]", "", false, false},
	// The matcher never matches "" against a non-empty pattern, not even
	// "*": it only strips trailing stars after consuming a byte. Real Redis
	// shows this via PSUBSCRIBE * not receiving PUBLISH "" and KEYS **
	// not listing the key "".
	{"*", "", false, false},
	{"**", "", false, false},

	// '*' and '?'.
	{"*", "a", false, true},
	{"*", "anything at all", false, true},
	{"**", "abc", false, true},
	{"?", "a", false, true},
	{"?", "ab", false, false},
	{"??", "ab", false, true},
	{"h?llo", "hello", false, true},
	{"h?llo", "hllo", false, false},
	{"h*llo", "hllo", false, true},
	{"h*llo", "heeeello", false, true},
	{"h*llo", "hellox", false, false},
	{"h***llo", "hello", false, true},
	{"*llo", "hello", false, true},
	{"he*", "he", false, true},
	{"he**", "he", false, true},
	{"he*?", "he", false, false},
	{"he*?", "hex", false, true},
	{"a*b*c", "aXXbYYc", false, true},
	{"a*b*c", "aXXbYY", false, false},
	{"*a*b", "xaxb", false, true},
	{"*ab*cd", "xxabyycd", false, true},
	{"*ab*cd", "xxcdyyab", false, false},
	{"hello", "HELLO", false, false},

	// Classes and ranges.
	{"h[ae]llo", "hello", false, true},
	{"h[ae]llo", "hallo", false, true},
	{"h[ae]llo", "hillo", false, false},
	{"h[^e]llo", "hallo", false, true},
	{"h[^e]llo", "hello", false, false},
	{"h[a-b]llo", "hbllo", false, true},
	{"h[a-b]llo", "hcllo", false, false},
	{"[z-a]", "m", false, true}, // reversed range is swapped
	{"[z-a]", "A", false, false},
	{"[Z-a]", "_", false, true}, // '_' lies between 'Z' and 'a' in ASCII
	// Not "a or -": the ']' is taken as the range end, giving ']'..'a' in an
	// unterminated class. "[a-]]" is the same range, closed.
	{"[a-]", "-", false, false},
	{"[a-]", "a", false, true},
	{"[a-]", "_", false, true},
	{"[a-]", "]", false, true},
	{"[a-]", "b", false, false},
	{"[a-]]", "^", false, true},
	{"[a-]]", "a]", false, false},
	{"[-a]", "-", false, true},
	{"[a-c-e]", "-", false, true}, // range a..c, then members '-' and 'e'
	{"[a-c-e]", "e", false, true},
	{"[a-c-e]", "d", false, false},
	{"[]a]", "]", false, false}, // "[]" is an empty class; never matches
	{"[]a]", "a", false, false},
	{"[]", "]", false, false},
	{"[^]", "x", false, true}, // negated empty class: any single byte
	{"[^]", "", false, false},
	{"[^]", "xy", false, false},
	{"[^]]", "x]", false, true},

	// Unterminated classes.
	{"[", "[", false, false},
	{"[", "", false, false},
	{"a[", "a", false, false},
	{"a[", "a[", false, false},
	{"[abc", "b", false, true},
	{"a[bc", "ac", false, true},
	{"[^", "x", false, true},
	{"a[^", "ab", false, true},
	{"[^abc", "d", false, true},
	{"[^abc", "a", false, false},
	{"[a-", "-", false, true},
	{"[a-", "b", false, false},

	// Backslash escapes.
	{`\*`, "*", false, true},
	{`\*`, "a", false, false},
	{`\?`, "?", false, true},
	{`\?`, "x", false, false},
	{`\[a]`, "[a]", false, true},
	{`\[a]`, "a", false, false},
	{`\a`, "a", false, true},
	{`*\*`, "abc*", false, true},
	{`*\*`, "abc", false, false},
	{`\`, `\`, false, true}, // trailing backslash is a literal '\'
	{`a\`, `a\`, false, true},
	{`a\`, "a", false, false},
	{`[\]]`, "]", false, true},
	{`[\]]`, `\`, false, false},
	{`[\^a]`, "^", false, true},
	{`[a\-z]`, "-", false, true}, // escaped '-' is no range
	{`[a\-z]`, "m", false, false},
	{`[\`, `\`, false, true}, // trailing '\' inside an open class: literal
	{`[\`, "x", false, false},
	{`[^\`, "x", false, true},
	{`[^\`, `\`, false, false},

	// Arbitrary bytes, including NUL.
	{"a\x00b", "a\x00b", false, true},
	{"a?b", "a\x00b", false, true},
	{"[\x00]", "\x00", false, true},
	{"*\x00", "ab\x00", false, true},
	// Ranges compare C chars, which are signed on amd64: bytes >= 0x80 are
	// negative, so "[a-\xff]" is the range -1..'a'.
	{"[a-\xff]", "\xff", false, true},
	{"[a-\xff]", "\x00", false, true},
	{"[a-\xff]", "A", false, true},
	{"[a-\xff]", "\x80", false, false},
	{"[a-\xff]", "b", false, false},
	{"[\x80-\xff]", "\x90", false, true},
	{"[\x80-\xff]", "a", false, false},
	{"[\x01-\x80]", "\xc0", false, true},
	{"[\x01-\x80]", "a", false, false},

	// Case-insensitive matching.
	{"HELLO", "hello", true, true},
	{"h?LLO", "Hello", true, true},
	{"*A*", "xay", true, true},
	{"h[A-Z]llo", "hello", true, true},
	{"h[a-z]llo", "hEllo", true, true},
	{"h[AE]llo", "hello", true, true},
	{"h[^E]llo", "hello", true, false},
	{`\A`, "a", true, true},       // escapes outside classes fold...
	{`[\A]`, "a", true, false},    // ...but escapes inside classes do not
	{`[\A]`, "A", true, true},     //
	{"[a-Z]", "a", true, false},   // swapped to Z..a, folded to z..a: empty
	{"[a-Z]", "_", false, true},   // (case-sensitive it is simply Z..a)
	{"[A-a]", "a", true, true},    // folded to a..a
	{"[A-a]", "b", true, false},   //
	{"[A-a]", "_", true, false},   // case-sensitive A..a would accept '_'
	{"[A-a]", "_", false, true},   //
	{"\xc9", "\xe9", true, false}, // only ASCII letters fold
	// glibc's tolower maps the signed chars -128..-2 to 128..254 but leaves
	// -1 (EOF) alone, which reshapes case-insensitive ranges with high bytes.
	{"[\x80-\xff]", "\x90", true, false}, // folds to 128..-1: empty
	{"[\x80-\xfe]", "\x90", true, true},  // folds to 128..254
	{"[a-\xff]", "\xff", true, true},     // -1..'a' keeps -1
	{"[a-\xff]", "\x80", true, false},
}

func TestMatch(t *testing.T) {
	for _, tc := range matchCases {
		if got := Match([]byte(tc.pattern), []byte(tc.str), tc.nocase); got != tc.want {
			t.Errorf("Match(%q, %q, nocase=%v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
		if !tc.nocase {
			if got := MatchString(tc.pattern, tc.str); got != tc.want {
				t.Errorf("MatchString(%q, %q) = %v, want %v", tc.pattern, tc.str, got, tc.want)
			}
		}
	}
}

func TestMatchNilSlices(t *testing.T) {
	if !Match(nil, nil, false) {
		t.Error("Match(nil, nil) = false, want true")
	}
	if Match(nil, []byte("a"), false) || Match([]byte("*"), nil, false) {
		t.Error("nil input matched a non-empty counterpart")
	}
}

// TestNestingLimit pins down Redis' recursion cap: each '*' that has to be
// expanded adds one level, and beyond 1000 levels a branch fails outright.
// Measured on redis-server 7.0.15: KEYS with 1000 "*a" pairs finds the key of
// 1000 'a's, 1001 pairs does not.
func TestNestingLimit(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want bool
	}{{999, true}, {1000, true}, {1001, false}, {1500, false}} {
		pat := strings.Repeat("*a", tc.n)
		str := strings.Repeat("a", tc.n)
		if got := MatchString(pat, str); got != tc.want {
			t.Errorf("%d x \"*a\" vs %d x 'a' = %v, want %v", tc.n, tc.n, got, tc.want)
		}
	}
	// Collapsed runs of '*' do not count as extra levels.
	if !MatchString(strings.Repeat("*", 5000)+"a", "a") {
		t.Error("a long run of '*' should collapse into one")
	}
}

// TestPathologicalPatterns guards the skipLongerMatches optimisation: without
// it, the naive backtracking is exponential in the number of stars (the DoS
// of CVE-2022-36021) and these would effectively never finish.
func TestPathologicalPatterns(t *testing.T) {
	cases := []struct{ pattern, str string }{
		{"a*a*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 60)},
		{strings.Repeat("*a", 50) + "b", strings.Repeat("a", 200)},
		{strings.Repeat("?*", 40) + "b", strings.Repeat("a", 200)},
		{strings.Repeat("*[a]", 40) + "[^a]", strings.Repeat("a", 200)},
	}
	for _, tc := range cases {
		// The fastest of three runs, so that a busy machine's stalls don't
		// count. Generous even under -race; the unprotected algorithm
		// needs many orders of magnitude longer.
		fastest := time.Duration(math.MaxInt64)
		for i := 0; i < 3; i++ {
			start := time.Now()
			if MatchString(tc.pattern, tc.str) {
				t.Errorf("%q unexpectedly matched", tc.pattern)
			}
			fastest = min(fastest, time.Since(start))
		}
		if fastest > 100*time.Millisecond {
			t.Errorf("%q took %v, want < 100ms", tc.pattern, fastest)
		}
	}
}

func TestMatchStringDoesNotAllocate(t *testing.T) {
	pat, str := "user:*:[a-z]?[^0-9]*", "user:1234:ab_cde"
	if !MatchString(pat, str) {
		t.Fatal("sanity: expected a match")
	}
	if n := testing.AllocsPerRun(100, func() { MatchString(pat, str) }); n != 0 {
		t.Errorf("MatchString allocated %v times per run, want 0", n)
	}
	bp, bs := []byte(pat), []byte(str)
	if n := testing.AllocsPerRun(100, func() { Match(bp, bs, true) }); n != 0 {
		t.Errorf("Match allocated %v times per run, want 0", n)
	}
}

func BenchmarkMatchString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MatchString("user:*:session:[0-9]*", "user:12345:session:67890")
	}
}

func BenchmarkPathological(b *testing.B) {
	pat, str := "a*a*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 60)
	for b.Loop() {
		MatchString(pat, str)
	}
}
