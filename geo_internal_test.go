package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"respd/internal/geohash"
	"respd/internal/zsetval"
)

// randomGeoShape is a search shape anywhere, of any size from a meter to
// the whole Earth, sometimes centered on a limit.
func randomGeoShape(rng *rand.Rand) geohash.Shape {
	s := geohash.Shape{
		Lon:           rng.Float64()*360 - 180,
		Lat:           rng.Float64()*170.10225756 - 85.05112878,
		MetersPerUnit: []float64{1, 1000, 0.3048, 1609.34}[rng.IntN(4)],
	}
	switch rng.IntN(8) {
	case 0:
		s.Lon = []float64{-180, 180, 0}[rng.IntN(3)]
	case 1:
		s.Lat = []float64{-85.05112878, 85.05112878, 0}[rng.IntN(3)]
	}
	size := math.Pow(10, rng.Float64()*8) / s.MetersPerUnit // 1 m to 100,000 km
	if s.Box = rng.IntN(2) == 0; s.Box {
		s.Width, s.Height = size, size*rng.Float64()*2
	} else {
		s.Radius = size
	}
	return s
}

// randomGeoScore is a member's score near the center of s, or its
// antipode, or anywhere, sometimes at a limit.
func randomGeoScore(rng *rand.Rand, s *geohash.Shape) float64 {
	var lon, lat float64
	switch rng.IntN(4) {
	case 0, 1: // around the center, within a few times the shape's size
		spread := math.Max(s.Radius, math.Max(s.Width, s.Height)) * s.MetersPerUnit / 111e3 * 2
		lon = s.Lon + (rng.Float64()*2-1)*math.Min(spread, 360)
		lat = s.Lat + (rng.Float64()*2-1)*math.Min(spread, 180)
	case 2: // around the antipode
		lon = s.Lon + 180 + (rng.Float64()*2-1)*1e-3
		lat = -s.Lat + (rng.Float64()*2-1)*1e-3
	default:
		lon, lat = rng.Float64()*360-180, rng.Float64()*180-90
	}
	lon = math.Mod(lon+540, 360) - 180
	lat = math.Max(math.Min(lat, 85.05112878), -85.05112878)
	score, _ := geohash.EncodeScore(lon, lat)
	return score
}

// TestGeoMetricDecidesAsWithin checks that the shortcuts of geoMetric
// change nothing: membership, distances once exact, and the order of any
// two members are Shape.Within's.
func TestGeoMetricDecidesAsWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		shape := randomGeoShape(rng)
		m := newGeoMetric(&shape)
		var points []geoPoint
		for k := range 300 {
			score := randomGeoScore(rng, &shape)
			if k%10 == 0 {
				// A shape whose bound runs through the member, give or
				// take a few ulps: the approximations can't decide.
				shape = geoShapeThrough(rng, shape, score)
				m = newGeoMetric(&shape)
				points = points[:0]
			}
			_, _, dist, want := shape.Within(score)
			p, got := m.within(score)
			if got != want {
				t.Fatalf("shape %+v, score %v: within %v, Within %v (distance %v)", shape, score, got, want, dist)
			}
			if !got {
				continue
			}
			m.exact(&p)
			if math.Float64bits(p.dist) != math.Float64bits(dist) && !(math.IsNaN(p.dist) && math.IsNaN(dist)) {
				t.Fatalf("shape %+v, score %v: exact distance %v, Within's %v", shape, score, p.dist, dist)
			}
			approx, _ := m.within(score)
			points = append(points, approx)
			if got, want := m.appendDistance(nil, &approx), appendCFixed(nil, dist/shape.MetersPerUnit, 4); string(got) != string(want) {
				t.Fatalf("shape %+v, score %v: distance %s, Redis's %s", shape, score, got, want)
			}
		}
		for range 4 * len(points) {
			i, j := rng.IntN(len(points)), rng.IntN(len(points))
			if rng.IntN(2) == 0 && i > 0 {
				j = i - 1 // neighbors in the walk are often nearly as far
			}
			{
				a, b := points[i], points[j]
				desc := rng.IntN(2) == 0
				got := m.cmp(&a, &b, desc)
				m.exact(&a)
				m.exact(&b)
				if want := m.cmp(&a, &b, desc); got != want {
					t.Fatalf("shape %+v: cmp(%v, %v) = %d, exactly %d", shape, points[i], points[j], got, want)
				}
			}
		}
	}
}

// TestGeoMetricNearTies checks the order of members equally far from the
// center, mirror images across its meridian, whose approximate distances
// can't tell them apart, and that a member is as far as itself whether
// its distance was made exact or not.
func TestGeoMetricNearTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const cell = 360.0 / (1 << 26) // a cell's width in longitude
	exactFallbacks := 0
	for range 2000 {
		center, _ := geohash.EncodeScore(rng.Float64()*300-150, rng.Float64()*160-80)
		shape := geohash.Shape{Radius: 1e7, MetersPerUnit: 1}
		shape.Lon, shape.Lat = geohash.DecodeScore(center)
		m := newGeoMetric(&shape)
		k := float64(1 + rng.IntN(1<<20))
		east, _ := geohash.EncodeScore(shape.Lon+k*cell, shape.Lat)
		west, _ := geohash.EncodeScore(shape.Lon-k*cell, shape.Lat)
		a, _ := m.within(east)
		b, _ := m.within(west)
		desc := rng.IntN(2) == 0
		if exactA := a; !a.exact {
			if m.exact(&exactA); m.cmp(&exactA, &a, desc) != 0 {
				t.Fatalf("center %v, %v cells east: a member is not as far as itself", center, k)
			}
		}
		got := m.cmp(&a, &b, desc)
		if a.exact && b.exact {
			exactFallbacks++
		}
		_, _, distA, _ := shape.Within(east)
		_, _, distB, _ := shape.Within(west)
		want := m.cmp(&geoPoint{dist: distA, score: east, exact: true}, &geoPoint{dist: distB, score: west, exact: true}, desc)
		if got != want {
			t.Fatalf("center %v, %v cells east and west: cmp %d, exactly %d", center, k, got, want)
		}
	}
	if exactFallbacks == 0 {
		t.Error("no comparison fell back to exact distances")
	}
}

// TestGeoDistanceRounding checks WITHDIST's digits when the distance in
// the unit ends in a 5 at the fifth decimal, or nearly.
func TestGeoDistanceRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for range 10000 {
		shape := geohash.Shape{Lon: rng.Float64()*360 - 180, Lat: rng.Float64()*170 - 85, Radius: math.Inf(1)}
		score, _ := geohash.EncodeScore(rng.Float64()*360-180, rng.Float64()*170-85)
		lon, lat := geohash.DecodeScore(score)
		dist := geohash.Distance(shape.Lon, shape.Lat, lon, lat)
		// A unit in which the distance is k.xxxx5, give or take an ulp.
		shape.MetersPerUnit = dist / (math.Floor(rng.Float64()*1e8)/1e4 + 0.00005)
		shape.MetersPerUnit = math.Nextafter(shape.MetersPerUnit, math.Inf(rng.IntN(3)-1))
		m := newGeoMetric(&shape)
		approx := geoPoint{dist: dist * (1 + (rng.Float64()*2-1)*1e-12), score: score}
		if got, want := m.appendDistance(nil, &approx), appendCFixed(nil, dist/shape.MetersPerUnit, 4); string(got) != string(want) {
			t.Fatalf("distance %v in units of %v m: %s, Redis's %s", dist, shape.MetersPerUnit, got, want)
		}
	}
}

// geoShapeThrough is s resized so that one of its bounds passes through
// the member with this score, or a few ulps away.
func geoShapeThrough(rng *rand.Rand, s geohash.Shape, score float64) geohash.Shape {
	lon, lat := geohash.DecodeScore(score)
	nudge := func(x float64) float64 {
		ulps, toward := rng.IntN(4), math.Inf(1-2*rng.IntN(2))
		for range ulps {
			x = math.Nextafter(x, toward)
		}
		return x / s.MetersPerUnit
	}
	switch {
	case !s.Box:
		s.Radius = nudge(geohash.Distance(s.Lon, s.Lat, lon, lat))
	case rng.IntN(2) == 0:
		s.Width = 2 * nudge(geohash.Distance(lon, lat, s.Lon, lat))
	default:
		s.Height = 2 * nudge(earthRadius*math.Abs(lat*(math.Pi/180)-s.Lat*(math.Pi/180)))
	}
	return s
}

// TestGeoSorts checks the ports of glibc's qsort and Redis's pqsort on
// ties: orders that redis-server 7.0.15 gave (GEOSEARCH ... COUNT n over
// these distances, in this walk order).
func TestGeoSorts(t *testing.T) {
	names := []string{"m28", "m40", "m54", "m77", "m52", "m55", "m32", "m36", "m92", "m41", "m95", "m19", "m76", "m53", "m64", "m90", "m93", "m78", "m2", "m5", "m50", "m87", "m86", "m75", "m79"}
	dists := []float64{0.14, 0.14, 0.14, 0.14, 124934.23, 125322.13, 128347.00, 128484.36, 129202.09, 129633.47, 8777603.94, 1100868.49, 1100884.22, 1100889.41, 1100889.41, 1100889.41, 4129349.52, 4310109.41, 828166.81, 828166.81, 828166.81, 828166.81, 7181162.83, 7458149.99, 3178572.52}
	run := func(count int, desc bool) string {
		var s geoScratch
		for i, name := range names {
			s.members = append(s.members, name...)
			// Equal distances of distinct scores: the ties are decided exactly.
			s.points = append(s.points, geoPoint{dist: dists[i], score: float64(i), start: len(s.members) - len(name), end: len(s.members), exact: true})
		}
		q := geoQuery{order: geoAsc, count: int64(count)}
		if desc {
			q.order = geoDesc
		}
		n := s.sort(&q)
		out := ""
		for i := range s.points[:n] {
			out += string(s.member(&s.points[i])) + " "
		}
		return out
	}
	for _, c := range []struct {
		count int
		desc  bool
		want  string
	}{
		{5, false, "m40 m28 m54 m77 m52 "},
		{24, false, "m40 m28 m54 m77 m52 m55 m32 m36 m92 m41 m5 m87 m2 m50 m19 m76 m64 m53 m90 m79 m93 m78 m86 m75 "},
		{25, false, "m28 m40 m54 m77 m52 m55 m32 m36 m92 m41 m2 m5 m50 m87 m19 m76 m53 m64 m90 m79 m93 m78 m86 m75 m95 "},
	} {
		if got := run(c.count, c.desc); got != c.want {
			t.Errorf("COUNT %d desc=%v: %q, Redis %q", c.count, c.desc, got, c.want)
		}
	}
}

// BenchmarkGeoCollect measures a search's walk and sort over a million
// points in one square degree (about 100 km by 100 km).
func BenchmarkGeoCollect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	lim := zsetval.Limits{Entries: 128, Value: 64}
	z := zsetval.New(1_000_000, 8, lim)
	for i := range 1_000_000 {
		score, _ := geohash.EncodeScore(13+rng.Float64(), 37.5+rng.Float64())
		z.Add(fmt.Appendf(nil, "c%d", i), score, 0, lim)
	}
	for _, km := range []float64{1, 5, 20} {
		b.Run(fmt.Sprintf("%gkm", km), func(b *testing.B) {
			q := geoQuery{shape: geohash.Shape{Lon: 13.5, Lat: 38, Radius: km, MetersPerUnit: 1000}, order: geoAsc}
			for b.Loop() {
				s := geoScratchPool.Get().(*geoScratch)
				s.collect(z, &q)
				s.sort(&q)
				s.release()
			}
		})
	}
}
