package geohash

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"respd/internal/redisconv"
)

// The golden tables come from golden_test.go, written by gen_golden.go
// from a real Redis 7.0 server.

type goldenPoint struct {
	name, lon, lat string
	err            string // GEOADD's error, or "" when it added the point
	score          string // ZSCORE
	posLon, posLat string // GEOPOS
	hash           string // GEOHASH
}

type goldenRawScore struct {
	score          string // ZADD's score
	posLon, posLat string // GEOPOS
	hash           string // GEOHASH
}

type goldenDistance struct{ a, b, unit, dist string }

type goldenExactDistance struct {
	lon1, lat1, lon2, lat2        string
	radius, halfHeight, halfWidth string
}

type goldenSearch struct {
	args  string // GEOSEARCH pts ARGS WITHDIST
	found string // "member dist" pairs, comma-separated, in reply order
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("ParseFloat(%q): %v", s, err)
	}
	return f
}

// formatCoord is GEOPOS's (and WITHCOORD's) format, Redis's
// addReplyHumanLongDouble: "%.17Lf" less trailing zeros and point, which
// is strconv's 'f' at 17 digits trimmed, or redisconv.FormatLongDouble.
func formatCoord(t *testing.T, x float64) string {
	t.Helper()
	s := strconv.FormatFloat(x, 'f', 17, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	if ld := string(redisconv.FormatLongDouble(new(big.Float).SetFloat64(x))); ld != s {
		t.Fatalf("FormatLongDouble(%v) = %s, strconv gives %s", x, ld, s)
	}
	return s
}

// formatDistance is GEODIST's (and WITHDIST's) format, addReplyDoubleDistance.
func formatDistance(d float64) string { return strconv.FormatFloat(d, 'f', 4, 64) }

func TestGoldenPoints(t *testing.T) {
	for _, g := range goldenPoints {
		lon, lat := parseFloat(t, g.lon), parseFloat(t, g.lat)
		score, ok := EncodeScore(lon, lat)
		if g.err != "" {
			// Redis refuses NaN as "value is not a valid float" before its
			// range check; ValidLonLat refuses it too.
			if ValidLonLat(lon, lat) || ok {
				t.Errorf("%s %s: Redis refused (%s), ValidLonLat %v, EncodeScore ok %v",
					g.lon, g.lat, g.err, ValidLonLat(lon, lat), ok)
			}
			continue
		}
		if !ValidLonLat(lon, lat) || !ok {
			t.Errorf("%s %s: refused, Redis added it", g.lon, g.lat)
			continue
		}
		if want := parseFloat(t, g.score); score != want {
			t.Errorf("EncodeScore(%s, %s) = %.17g, Redis %s", g.lon, g.lat, score, g.score)
		}
		gotLon, gotLat := DecodeScore(score)
		if s := formatCoord(t, gotLon); s != g.posLon {
			t.Errorf("GEOPOS %s %s: longitude %s, Redis %s", g.lon, g.lat, s, g.posLon)
		}
		if s := formatCoord(t, gotLat); s != g.posLat {
			t.Errorf("GEOPOS %s %s: latitude %s, Redis %s", g.lon, g.lat, s, g.posLat)
		}
		if h := Geohash(score); string(h[:]) != g.hash {
			t.Errorf("GEOHASH %s %s = %s, Redis %s", g.lon, g.lat, h[:], g.hash)
		}
	}
}

// TestGoldenRawScores decodes scores that GEOADD never stores (ZADD put
// them there), as GEOPOS and GEOHASH do: through C's (uint64_t) cast.
func TestGoldenRawScores(t *testing.T) {
	for _, g := range goldenRawScores {
		score := parseFloat(t, g.score)
		lon, lat := DecodeScore(score)
		if s := formatCoord(t, lon); s != g.posLon {
			t.Errorf("GEOPOS of score %s: longitude %s, Redis %s", g.score, s, g.posLon)
		}
		if s := formatCoord(t, lat); s != g.posLat {
			t.Errorf("GEOPOS of score %s: latitude %s, Redis %s", g.score, s, g.posLat)
		}
		if h := Geohash(score); string(h[:]) != g.hash {
			t.Errorf("GEOHASH of score %s = %s, Redis %s", g.score, h[:], g.hash)
		}
	}
}

func TestScoreBits(t *testing.T) {
	for _, tc := range []struct {
		score float64
		want  uint64
	}{
		{0, 0},
		{3.9, 3},
		{-5, 1<<64 - 5},
		{-0.5, 0},
		{1 << 52, 1 << 52},
		{1 << 63, 1 << 63},
		{1<<64 - 2048, 1<<64 - 2048},
		{1 << 64, 0},
		{math.Inf(1), 0},
		{-(1 << 63), 1 << 63},
		{-1e19, 1 << 63},
		{math.Inf(-1), 1 << 63},
		{math.NaN(), 1 << 63},
	} {
		if got := scoreBits(tc.score); got != tc.want {
			t.Errorf("scoreBits(%v) = %#x, want %#x", tc.score, got, tc.want)
		}
	}
}

func TestValidLonLat(t *testing.T) {
	for _, tc := range []struct {
		lon, lat float64
		want     bool
	}{
		{0, 0, true},
		{180, 85.05112878, true},
		{-180, -85.05112878, true},
		{math.Nextafter(180, 200), 0, false},
		{math.Nextafter(-180, -200), 0, false},
		{0, math.Nextafter(85.05112878, 90), false},
		{0, math.Nextafter(-85.05112878, -90), false},
		{math.NaN(), 0, false},
		{0, math.NaN(), false},
		{math.Inf(1), 0, false},
		{0, math.Inf(-1), false},
	} {
		if got := ValidLonLat(tc.lon, tc.lat); got != tc.want {
			t.Errorf("ValidLonLat(%v, %v) = %v", tc.lon, tc.lat, got)
		}
	}
}

// TestLimitScores pins the quirk of the upper limits: their offsets reach
// 2^26, setting a bit above the 52 (bit 52 for the latitude, 53 for the
// longitude), so their scores are beyond every search range. (Longitude 0
// is offset 2^25: bit 51.)
func TestLimitScores(t *testing.T) {
	for _, tc := range []struct {
		lon, lat float64
		want     float64
	}{
		{0, latMax, 1<<52 + 1<<51},
		{lonMax, latMin, 1 << 53},
		{lonMax, latMax, 1<<53 + 1<<52},
		{lonMin, latMin, 0},
	} {
		score, ok := EncodeScore(tc.lon, tc.lat)
		if !ok || score != tc.want {
			t.Errorf("EncodeScore(%v, %v) = %v, %v; want %v", tc.lon, tc.lat, score, ok, tc.want)
		}
	}
}

func TestNeighbors(t *testing.T) {
	// At step 2 the world is 4x4 cells; moves wrap around both ways.
	at := func(col, row uint32) hashBits {
		return hashBits{interleave64(row, col), 2}
	}
	nb := neighborsOf(at(3, 3))
	for name, tc := range map[string]struct{ got, want hashBits }{
		"north":      {nb.north, at(3, 0)},
		"south":      {nb.south, at(3, 2)},
		"east":       {nb.east, at(0, 3)},
		"west":       {nb.west, at(2, 3)},
		"north-east": {nb.northEast, at(0, 0)},
		"north-west": {nb.northWest, at(2, 0)},
		"south-east": {nb.southEast, at(0, 2)},
		"south-west": {nb.southWest, at(2, 2)},
	} {
		if tc.got != tc.want {
			t.Errorf("%s of (3, 3): %+v, want %+v", name, tc.got, tc.want)
		}
	}
}

func TestInterleaveRoundTrip(t *testing.T) {
	for _, tc := range [][2]uint32{{0, 0}, {1, 0}, {0, 1}, {0xffffffff, 0}, {0, 0xffffffff}, {0x3ffffff, 0x2aaaaaa}, {12345678, 87654321}} {
		bits := interleave64(tc[0], tc[1])
		sep := deinterleave64(bits)
		if uint32(sep) != tc[0] || uint32(sep>>32) != tc[1] {
			t.Errorf("deinterleave64(interleave64(%#x, %#x)) = %#x", tc[0], tc[1], sep)
		}
	}
	if got := interleave64(1, 0); got != 1 {
		t.Errorf("latitude bit 0 goes to bit %#x, want bit 0", got)
	}
	if got := interleave64(0, 1); got != 2 {
		t.Errorf("longitude bit 0 goes to %#x, want bit 1", got)
	}
}

func TestZeroAllocs(t *testing.T) {
	shape := Shape{Lon: 13.361389, Lat: 38.115556, Radius: 200, MetersPerUnit: 1000}
	box := Shape{Lon: 13.361389, Lat: 38.115556, Box: true, Width: 300, Height: 100, MetersPerUnit: 1000}
	score, _ := EncodeScore(15.087269, 37.502669)
	for name, f := range map[string]func(){
		"EncodeScore": func() { EncodeScore(15.087269, 37.502669) },
		"DecodeScore": func() { DecodeScore(score) },
		"Geohash":     func() { Geohash(score) },
		"Distance":    func() { Distance(13.361389, 38.115556, 15.087269, 37.502669) },
		"Areas":       func() { shape.Areas(); box.Areas() },
		"Within":      func() { shape.Within(score); box.Within(score) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %v times", name, n)
		}
	}
}
