package geohash

import (
	"math"
	"strings"
	"testing"
)

var fuzzCoords = [][2]float64{
	{0, 0}, {13.361389, 38.115556}, {lonMax, latMax}, {lonMin, latMin}, {lonMax, 0}, {0, latMax},
	{-179.9999999, -85}, {math.Nextafter(180, 200), 0}, {0, math.Nextafter(latMax, 90)},
	{math.NaN(), 0}, {0, math.NaN()}, {math.Inf(1), 0}, {0, math.Inf(-1)}, {1e-300, -5e-324},
}

// FuzzEncodeScore: a valid point encodes, decodes to the center of a cell
// within half a cell of it, and that center encodes to the same score.
func FuzzEncodeScore(f *testing.F) {
	for _, c := range fuzzCoords {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		score, ok := EncodeScore(lon, lat)
		if ok != ValidLonLat(lon, lat) {
			t.Fatalf("EncodeScore(%v, %v) ok %v, ValidLonLat %v", lon, lat, ok, ValidLonLat(lon, lat))
		}
		if !ok {
			return
		}
		if score < 0 || score >= 1<<54 || score != math.Trunc(score) {
			t.Fatalf("EncodeScore(%v, %v) = %v", lon, lat, score)
		}
		dlon, dlat := DecodeScore(score)
		const cells = 1 << stepMax
		latCells := 0.5
		if lon == lonMax {
			// Above 2^53 the score loses its lowest bit, the latitude's.
			latCells = 1.5
		}
		// The offsets' rounding can put a point on a cell's edge into the
		// cell beside it, some 1e-14 degrees away.
		const slack = 1e-12
		if math.Abs(dlon-lon) > (lonMax-lonMin)/cells/2+slack ||
			math.Abs(dlat-lat) > (latMax-latMin)/cells*latCells+slack {
			t.Fatalf("(%v, %v) decodes to (%v, %v), beyond half a cell", lon, lat, dlon, dlat)
		}
		if again, _ := EncodeScore(dlon, dlat); again != score {
			t.Fatalf("(%v, %v): score %v, its center (%v, %v) encodes to %v", lon, lat, score, dlon, dlat, again)
		}
	})
}

// FuzzDecodeScore: any score, even one GEOADD never stores, decodes to a
// valid point with a well-formed GEOHASH.
func FuzzDecodeScore(f *testing.F) {
	for _, s := range []float64{0, 1, -5, 1 << 52, 1<<53 + 1<<52, 1e30, 9.3e18, -1e19, math.Inf(1), math.Inf(-1), math.NaN(), 0.5} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, score float64) {
		lon, lat := DecodeScore(score)
		if !ValidLonLat(lon, lat) {
			t.Fatalf("DecodeScore(%v) = (%v, %v)", score, lon, lat)
		}
		h := Geohash(score)
		for _, c := range h {
			if !strings.ContainsRune("0123456789bcdefghjkmnpqrstuvwxyz", rune(c)) {
				t.Fatalf("Geohash(%v) = %q", score, h[:])
			}
		}
		if h[10] != '0' {
			t.Fatalf("Geohash(%v) = %q, not ending in 0", score, h[:])
		}
	})
}

// FuzzDistance: distances are symmetric, zero from a point to itself, at
// most half the circumference, and close to the math package's haversine.
func FuzzDistance(f *testing.F) {
	for _, a := range fuzzCoords {
		f.Add(a[0], a[1], 15.087269, 37.502669)
	}
	f.Add(0.0, 0.0, 180.0, 0.0)
	f.Add(10.0, -80.0, 10.0, 80.0)
	f.Fuzz(func(t *testing.T, lon1, lat1, lon2, lat2 float64) {
		d := Distance(lon1, lat1, lon2, lat2)
		if !ValidLonLat(lon1, lat1) || !ValidLonLat(lon2, lat2) {
			return
		}
		if back := Distance(lon2, lat2, lon1, lat1); back != d {
			t.Fatalf("Distance not symmetric: %v and %v", d, back)
		}
		if self := Distance(lon1, lat1, lon1, lat1); self != 0 {
			t.Fatalf("Distance from (%v, %v) to itself = %v", lon1, lat1, self)
		}
		if !(d >= 0 && d <= math.Pi*earthRadiusMeters*(1+1e-15)) {
			t.Fatalf("Distance(%v, %v, %v, %v) = %v", lon1, lat1, lon2, lat2, d)
		}
		lat1r, lat2r := degRad(lat1), degRad(lat2)
		u, v := math.Sin((lat2r-lat1r)/2), math.Sin((degRad(lon2)-degRad(lon1))/2)
		a := u*u + math.Cos(lat1r)*math.Cos(lat2r)*v*v
		approx := 2 * earthRadiusMeters * math.Asin(math.Sqrt(a))
		// Near antipodes asin magnifies the error of a (a few ulps here)
		// by 1/sqrt(1-a).
		tolerance := 1e-6 + 1e-9*d + earthRadiusMeters*1e-15/math.Sqrt(math.Max(1-a, 0))
		if math.Abs(d-approx) > tolerance {
			t.Fatalf("Distance(%v, %v, %v, %v) = %v, math's haversine %v", lon1, lat1, lon2, lat2, d, approx)
		}
	})
}

// FuzzAreas: any shape gives at most 9 well-formed ranges without
// panicking; a valid one's first range is the center's cell.
func FuzzAreas(f *testing.F) {
	f.Add(13.361389, 38.115556, 200.0, 0.0, false, uint8(1))
	f.Add(0.0, 0.0, 0.0, 0.0, true, uint8(0))
	f.Add(179.99, 85.05112878, 3000.0, 10.0, true, uint8(1))
	f.Add(-180.0, -85.05112878, 1e300, 1e300, false, uint8(3))
	f.Add(20.0898, 84.8592, 588.5, 0.0, false, uint8(1))
	f.Add(math.NaN(), 0.0, math.Inf(1), math.NaN(), true, uint8(2))
	f.Add(0.0, 0.0, -1.0, -1.0, false, uint8(0))
	units := []string{"m", "km", "ft", "mi"}
	f.Fuzz(func(t *testing.T, lon, lat, a, b float64, box bool, unit uint8) {
		perUnit, _ := UnitToMeters([]byte(units[int(unit)%len(units)]))
		shape := Shape{Lon: lon, Lat: lat, Box: box, Radius: a, Width: a, Height: b, MetersPerUnit: perUnit}
		areas := shape.Areas()
		if areas.Len > len(areas.Ranges) {
			t.Fatalf("%d areas", areas.Len)
		}
		// Ranges end at 2^52 but for a center at the upper limits, whose
		// cell numbers have bit step*2 or step*2+1 set; at step 26 those
		// are above 2^53 and round to float64, Min possibly equal to Max.
		for i, r := range areas.Ranges[:areas.Len] {
			if !(r.Min >= 0 && r.Min <= r.Max && r.Max <= 1<<54) {
				t.Fatalf("range %d: %v", i, r)
			}
			if i > 0 && r == areas.Ranges[i-1] {
				t.Fatalf("range %d repeats %v", i, r)
			}
		}
		shape.Within(0)
		center, ok := EncodeScore(lon, lat)
		if !ok || center >= 1<<53 || a < 0 || b < 0 {
			return
		}
		if r := areas.Ranges[0]; areas.Len == 0 || center < r.Min || center >= r.Max {
			t.Fatalf("%+v: center score %v not in the first of %v", shape, center, areas.Ranges[:areas.Len])
		}
	})
}

// FuzzLibm: sin, cos and asin are odd or even as they should be, and
// within rounding of the math package's.
func FuzzLibm(f *testing.F) {
	for _, x := range []float64{0, 0.5, 1, math.Pi / 4, math.Pi, 3e5, 1 << 20, 1e300, 5e-324, math.Inf(1), math.NaN()} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		s, c, a := sin(x), cos(x), asin(x)
		if !sameFloat(sin(-x), -s) || !sameFloat(cos(-x), c) || !sameFloat(asin(-x), -a) {
			t.Fatalf("symmetry broken at %v", x)
		}
		if math.Abs(x) < exactTrigLimit &&
			(math.Abs(s-math.Sin(x)) > 1e-15 || math.Abs(c-math.Cos(x)) > 1e-15) {
			t.Fatalf("sin, cos(%v) = %v, %v; math: %v, %v", x, s, c, math.Sin(x), math.Cos(x))
		}
		if math.Abs(a-math.Asin(x)) > 1e-15 && !(math.IsNaN(a) && math.IsNaN(math.Asin(x))) {
			t.Fatalf("asin(%v) = %v; math: %v", x, a, math.Asin(x))
		}
	})
}

func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}
