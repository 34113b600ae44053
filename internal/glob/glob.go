// Package glob implements Redis' glob-style pattern matching, the matcher
// behind KEYS, SCAN ... MATCH, CONFIG GET, PSUBSCRIBE and friends.
//
// It is a byte-exact port of stringmatchlen()/stringmatchlen_impl() from
// Redis 7's src/util.c (checked against redis-server 7.0.15 on amd64). The
// goal is to give clients exactly the answers a real Redis would, including
// in the odd corners, so the code deliberately mirrors the C control flow
// rather than being a "cleaner" glob implementation:
//
//   - '*' matches any run of bytes, '?' any single byte.
//   - '[abc]', '[^abc]' and '[a-z]' are byte classes; a range whose ends are
//     reversed ('[z-a]') is swapped, so it means the same as '[a-z]'.
//   - '\x' matches x literally, both outside and inside brackets.
//   - Malformed patterns are not errors: they get whatever meaning the C
//     code happens to give them (see matchImpl and matchClass), because a
//     client's KEYS "foo[" must behave as it does against Redis.
//   - Everything is byte-oriented; there is no notion of UTF-8.
//
// One consequence worth knowing: the matcher never matches the empty string
// against a non-empty pattern, not even "*". Redis' KEYS and SCAN special-case
// the exact pattern "*" before calling the matcher, so callers that want
// "KEYS *" to return an empty key name must do the same.
package glob

import "unsafe"

// maxNesting bounds the recursion depth (one level per '*' that is being
// expanded). Redis added the same limit ("Protection against abusive
// patterns") because every '*' recurses on the C stack: a client-supplied
// pattern of thousands of "*a" pairs could otherwise overflow the stack and
// crash the server. When the limit is exceeded that branch simply reports "no
// match", so very deep patterns may legitimately fail to match strings they
// would match in a theoretical glob implementation; we keep that behaviour
// for fidelity and because Go's growable stack is not a reason to accept
// unbounded work from a client.
const maxNesting = 1000

// Match reports whether str matches the glob pattern, exactly as Redis'
// stringmatchlen(pattern, str, nocase) would. With nocase set, ASCII letters
// compare case-insensitively (Redis uses this for CONFIG GET and similar
// admin commands; key and channel matching are case-sensitive).
func Match(pattern, str []byte, nocase bool) bool {
	return match(bytesToString(pattern), bytesToString(str), nocase)
}

// MatchString is the case-sensitive string form of Match. It does not
// allocate.
func MatchString(pattern, str string) bool {
	return match(pattern, str, false)
}

// bytesToString views b as a string without copying. The matcher only reads
// its inputs and does not retain them past the call, so this is safe even if
// the caller later mutates b.
func bytesToString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func match(pattern, str string, nocase bool) bool {
	skipLongerMatches := false
	return matchImpl(pattern, str, nocase, &skipLongerMatches, 0)
}

// at returns pat[i], or 0 when i is one past the end. The C code runs over
// NUL-terminated sds strings and in a few places peeks at the byte just past
// the pattern (e.g. "not = pattern[0] == '^'" right after a trailing '['),
// where it sees the terminator. Returning 0 reproduces that exactly; the
// control flow never looks further than one byte past the end.
func at(pat string, i int) byte {
	if i < len(pat) {
		return pat[i]
	}
	return 0
}

// matchImpl is stringmatchlen_impl. Positions are tracked as indices: the C
// variables pattern/patternLen correspond to pat[p:] / len(pat)-p, and
// string/stringLen to str[s:] / len(str)-s.
//
// skipLongerMatches is shared by the whole recursion tree. It is set when a
// '*' has tried every remaining suffix of str for the rest of the pattern and
// none matched. At that point no enclosing '*' can help either: letting an
// earlier '*' swallow more bytes only makes the rest of the pattern start
// later in str, and we just proved that no starting point works. Unwinding
// immediately turns patterns like "a*a*a*a*b" from exponential into
// polynomial time (this was Redis' fix for CVE-2022-36021).
func matchImpl(pat, str string, nocase bool, skipLongerMatches *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}

	p, s := 0, 0
	for p < len(pat) && s < len(str) {
		switch pat[p] {
		case '*':
			// Collapse runs of '*': "a**b" means "a*b", and expanding
			// each star separately would only multiply the work.
			for p+1 < len(pat) && pat[p+1] == '*' {
				p++
			}
			if p == len(pat)-1 {
				return true // trailing '*' matches whatever is left
			}
			for s < len(str) {
				if matchImpl(pat[p+1:], str[s:], nocase, skipLongerMatches, nesting+1) {
					return true
				}
				if *skipLongerMatches {
					return false
				}
				s++
			}
			*skipLongerMatches = true
			return false

		case '?':
			// The loop condition guarantees a byte is available.
			s++

		case '[':
			matched, last := matchClass(pat, p+1, str[s], nocase)
			if !matched {
				return false
			}
			p = last
			s++

		case '\\':
			// Outside brackets, a backslash escapes the next byte. A
			// trailing backslash has nothing to escape and matches a
			// literal '\'.
			if len(pat)-p >= 2 {
				p++
			}
			if !literalEqual(pat[p], str[s], nocase) {
				return false
			}
			s++

		default:
			if !literalEqual(pat[p], str[s], nocase) {
				return false
			}
			s++
		}
		p++
		if s == len(str) {
			// The string is exhausted: only trailing stars may remain.
			for at(pat, p) == '*' {
				p++
			}
			break
		}
	}
	return p == len(pat) && s == len(str)
}

// matchClass evaluates the bracket expression whose body starts at pat[p]
// (just after the '[') against the byte c. It returns whether c is accepted
// and the index of the last pattern byte belonging to the class: the closing
// ']' or, for an unterminated class, the final byte of the pattern. The
// caller resumes right after that index.
func matchClass(pat string, p int, c byte, nocase bool) (matched bool, last int) {
	// For a trailing "[" this peeks at the terminator, like C.
	not := at(pat, p) == '^'
	if not {
		p++
	}
	for {
		if at(pat, p) == '\\' && len(pat)-p >= 2 {
			// Escaped byte inside a class: always literal and always
			// case-sensitive (Redis does not fold here, so with nocase
			// [\A] matches "A" but not "a"). A backslash that is the
			// last pattern byte is not an escape; it falls through to the
			// plain-member branch below.
			p++
			if pat[p] == c {
				matched = true
			}
		} else if at(pat, p) == ']' {
			break
		} else if p == len(pat) {
			// Unterminated class: Redis steps back onto the last pattern
			// byte so that the caller's advance lands exactly at the end.
			// The class is whatever was collected so far, so "a[bc"
			// matches "ab" and "ac", "[" alone never matches, and "[^"
			// matches any single byte.
			p--
			break
		} else if len(pat)-p >= 3 && pat[p+1] == '-' {
			// Range. Ends are swapped if reversed. The only requirement
			// is three bytes left in the pattern, so the closing ']' can
			// be eaten as a range end: "[a-]" is the range ']'..'a' in an
			// unterminated class (matching one of ] ^ _ ` a), and "[a-]]"
			// is that same range properly closed. "[a-" has no room for a
			// range, so there 'a' and '-' are plain members. "[a-c-e]" is
			// the range a..c plus the members '-' and 'e'.
			start, end, ch := charToInt(pat[p]), charToInt(pat[p+2]), charToInt(c)
			if start > end {
				start, end = end, start
			}
			if nocase {
				// Folded after the swap, as in Redis: so with nocase
				// "[a-Z]" becomes 'z'..'a', which is empty.
				start, end, ch = cToLower(start), cToLower(end), cToLower(ch)
			}
			p += 2
			if ch >= start && ch <= end {
				matched = true
			}
		} else if literalEqual(pat[p], c, nocase) {
			matched = true
		}
		p++
	}
	if not {
		matched = !matched
	}
	return matched, p
}

func literalEqual(a, b byte, nocase bool) bool {
	if !nocase {
		return a == b
	}
	return cToLower(charToInt(a)) == cToLower(charToInt(b))
}

// charToInt converts a byte the way C converts a plain `char` to int on the
// platforms Redis is normally built for (x86-64 Linux, where char is
// signed): bytes 0x80..0xff become -128..-1. This only matters for range
// comparisons, where it is observable: "[a-\xff]" is the reversed range
// -1..'a', which contains 0x00..0x61 and 0xff but not 0x80..0xfe. (A Redis
// built where char is unsigned, such as arm64 Linux, answers such patterns
// differently; we follow amd64, the platform the behaviour was measured on.)
func charToInt(b byte) int {
	return int(int8(b))
}

// cToLower reproduces glibc's tolower() in the "C" locale (Redis only
// changes LC_COLLATE, never LC_CTYPE) for inputs in the signed char range.
// Besides folding 'A'..'Z', glibc's table maps -128..-2 to 128..254 (the
// unsigned value of the byte), while -1 is EOF and comes back unchanged.
// This is invisible for equality tests but shifts high bytes around in
// case-insensitive ranges, so it is reproduced exactly.
func cToLower(c int) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A')
	case c < -1:
		return c + 256
	default:
		return c
	}
}
