package lcs

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// redisLCS is Redis 7.0's lcsCommand transcribed: the full table of lengths
// and the backwards walk, including its branch for a non-contiguous match.
func redisLCS(a, b []byte) ([]byte, []Match) {
	alen, blen := len(a), len(b)
	dp := make([]int, (alen+1)*(blen+1))
	at := func(i, j int) *int { return &dp[j+i*(blen+1)] }
	for i := 0; i <= alen; i++ {
		for j := 0; j <= blen; j++ {
			switch {
			case i == 0 || j == 0:
				*at(i, j) = 0
			case a[i-1] == b[j-1]:
				*at(i, j) = *at(i-1, j-1) + 1
			default:
				*at(i, j) = max(*at(i-1, j), *at(i, j-1))
			}
		}
	}
	idx := *at(alen, blen)
	result := make([]byte, idx)
	var matches []Match
	astart, aend, bstart, bend := alen, 0, 0, 0
	for i, j := alen, blen; i > 0 && j > 0; {
		emit := false
		if a[i-1] == b[j-1] {
			result[idx-1] = a[i-1]
			if astart == alen {
				astart, aend, bstart, bend = i-1, i-1, j-1, j-1
			} else if astart == i && bstart == j {
				astart--
				bstart--
			} else {
				emit = true
			}
			if astart == 0 || bstart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if *at(i-1, j) > *at(i, j-1) {
				i--
			} else {
				j--
			}
			if astart != alen {
				emit = true
			}
		}
		if emit {
			matches = append(matches, Match{astart, aend, bstart, bend})
			astart = alen
		}
	}
	return result, matches
}

func TestLcsExample(t *testing.T) {
	// The example of Redis's LCS documentation.
	common, matches := Compute([]byte("ohmytext"), []byte("mynewtext"))
	if string(common) != "mytext" {
		t.Fatalf("common = %q", common)
	}
	want := []Match{{4, 7, 5, 8}, {2, 3, 0, 1}}
	if !reflect.DeepEqual(matches, want) {
		t.Fatalf("matches = %v, want %v", matches, want)
	}
	if n := Length([]byte("ohmytext"), []byte("mynewtext")); n != 6 {
		t.Fatalf("Length = %d", n)
	}
}

func TestLcsEmpty(t *testing.T) {
	for _, c := range [][2]string{{"", ""}, {"abc", ""}, {"", "abc"}, {"abc", "xyz"}} {
		common, matches := Compute([]byte(c[0]), []byte(c[1]))
		if len(common) != 0 || matches != nil || Length([]byte(c[0]), []byte(c[1])) != 0 {
			t.Errorf("%q %q: %q %v", c[0], c[1], common, matches)
		}
	}
}

// TestLcsMatchesRedis compares with the transcription of Redis on random
// strings over small alphabets, where ties in the walk are frequent.
func TestLcsMatchesRedis(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n, alphabet int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(rng.IntN(alphabet))
		}
		return b
	}
	for range 3000 {
		a := random(rng.IntN(40), 1+rng.IntN(4))
		b := random(rng.IntN(40), 1+rng.IntN(4))
		wantCommon, wantMatches := redisLCS(a, b)
		common, matches := Compute(a, b)
		if string(common) != string(wantCommon) || !reflect.DeepEqual(matches, wantMatches) {
			t.Fatalf("LCS(%q, %q) = %q %v, want %q %v", a, b, common, matches, wantCommon, wantMatches)
		}
		if n := Length(a, b); n != len(wantCommon) {
			t.Fatalf("Length(%q, %q) = %d, want %d", a, b, n, len(wantCommon))
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]byte, 2000), make([]byte, 2000)
	for i := range x {
		x[i], y[i] = 'a'+byte(rng.IntN(4)), 'a'+byte(rng.IntN(4))
	}
	for b.Loop() {
		Compute(x, y)
	}
}
