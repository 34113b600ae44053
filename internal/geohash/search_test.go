package geohash

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// member is a sorted-set element.
type member struct {
	name  string
	score float64
}

// goldenSet is the sorted set "pts" the golden searches ran on, in
// sorted-set order: by score, then by name.
func goldenSet(t *testing.T) []member {
	t.Helper()
	var set []member
	for _, g := range goldenPoints {
		if g.err == "" {
			set = append(set, member{g.name, parseFloat(t, g.score)})
		}
	}
	slices.SortFunc(set, func(a, b member) int {
		if a.score != b.score {
			if a.score < b.score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	return set
}

type found struct {
	name string
	dist float64 // meters
}

// search is what a GEOSEARCH does with this package (geoSearchGenericCommand
// without sorting): walk the areas' score ranges, each from its first
// member at or above Min up to Max excluded, keeping the members within
// the shape; with limit > 0 (COUNT ANY) stop at limit members.
func search(shape *Shape, set []member, limit int) []found {
	var res []found
	areas := shape.Areas()
	for _, r := range areas.Ranges[:areas.Len] {
		i, _ := slices.BinarySearchFunc(set, r.Min, func(m member, min float64) int {
			if m.score < min {
				return -1
			}
			return 1
		})
		for ; i < len(set) && set[i].score < r.Max; i++ {
			if _, _, dist, ok := shape.Within(set[i].score); ok {
				res = append(res, found{set[i].name, dist})
				if limit > 0 && len(res) >= limit {
					return res
				}
			}
		}
	}
	return res
}

// searchOptions are GEOSEARCH's COUNT, ANY, ASC and DESC.
type searchOptions struct {
	count     int
	any       bool
	ascending bool
	sorted    bool
}

// parseSearch reads GEOSEARCH's arguments after the key (without WITH*).
func parseSearch(t *testing.T, args string, set []member) (shape Shape, opt searchOptions) {
	t.Helper()
	f := strings.Fields(args)
	unit := func(s string) float64 {
		m, ok := UnitToMeters([]byte(s))
		if !ok {
			t.Fatalf("%s: bad unit %s", args, s)
		}
		return m
	}
	for len(f) > 0 {
		switch f[0] {
		case "FROMLONLAT":
			shape.Lon, shape.Lat = parseFloat(t, f[1]), parseFloat(t, f[2])
			f = f[3:]
		case "FROMMEMBER":
			i := slices.IndexFunc(set, func(m member) bool { return m.name == f[1] })
			shape.Lon, shape.Lat = DecodeScore(set[i].score)
			f = f[2:]
		case "BYRADIUS":
			shape.Radius, shape.MetersPerUnit = parseFloat(t, f[1]), unit(f[2])
			f = f[3:]
		case "BYBOX":
			shape.Box = true
			shape.Width, shape.Height = parseFloat(t, f[1]), parseFloat(t, f[2])
			shape.MetersPerUnit = unit(f[3])
			f = f[4:]
		case "COUNT":
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("%s: bad count", args)
			}
			opt.count = n
			f = f[2:]
		case "ANY":
			opt.any = true
			f = f[1:]
		case "ASC", "DESC":
			opt.sorted, opt.ascending = true, f[0] == "ASC"
			f = f[1:]
		default:
			t.Fatalf("%s: unknown argument %s", args, f[0])
		}
	}
	return shape, opt
}

// searchSorted completes search as geoSearchGenericCommand does: with ANY
// the walk stops at COUNT members; COUNT without ANY sorts ascending if
// no order was asked; sorting is stable (glibc's qsort is a merge sort),
// so equal distances keep the walk's order, descending too.
func searchSorted(shape *Shape, set []member, opt searchOptions) []found {
	limit := 0
	if opt.any {
		limit = opt.count
	}
	res := search(shape, set, limit)
	if opt.count > 0 && !opt.any && !opt.sorted {
		opt.sorted, opt.ascending = true, true
	}
	if opt.sorted {
		slices.SortStableFunc(res, func(a, b found) int {
			if a.dist == b.dist {
				return 0
			}
			if (a.dist < b.dist) == opt.ascending {
				return -1
			}
			return 1
		})
	}
	if opt.count > 0 && len(res) > opt.count {
		res = res[:opt.count]
	}
	return res
}

// TestGoldenSearches runs the golden searches end to end and compares the
// members, in Redis's order (the order of the areas and, within each, of
// the sorted set), and their distances as WITHDIST shows them.
func TestGoldenSearches(t *testing.T) {
	set := goldenSet(t)
	for _, g := range goldenSearches {
		shape, opt := parseSearch(t, g.args, set)
		var got []string
		for _, f := range searchSorted(&shape, set, opt) {
			got = append(got, f.name+" "+formatDistance(f.dist/shape.MetersPerUnit))
		}
		var want []string
		if g.found != "" {
			want = strings.Split(g.found, ",")
		}
		if !slices.Equal(got, want) {
			t.Errorf("GEOSEARCH pts %s:\n got %d: %v\nwant %d: %v", g.args, len(got), got, len(want), want)
		}
	}
}

func TestGoldenDistances(t *testing.T) {
	scores := map[string]float64{}
	for _, m := range goldenSet(t) {
		scores[m.name] = m.score
	}
	for _, g := range goldenDistances {
		lon1, lat1 := DecodeScore(scores[g.a])
		lon2, lat2 := DecodeScore(scores[g.b])
		perUnit, ok := UnitToMeters([]byte(g.unit))
		if !ok {
			t.Fatalf("bad unit %s", g.unit)
		}
		if got := formatDistance(Distance(lon1, lat1, lon2, lat2) / perUnit); got != g.dist {
			t.Errorf("GEODIST %s %s %s = %s, Redis %s", g.a, g.b, g.unit, got, g.dist)
		}
	}
}

// glibcMisrounded lists the golden exact distances computed through one of
// the rare arguments (about 0.1%) where glibc's sin, cos or asin is one ulp
// off the correctly rounded result, which this package returns: there the
// distance is a few ulps off Redis's.
var glibcMisrounded = map[string]string{
	"35.933341380459666 75.06342007116729 -86.18981465706479 -67.65084266345397 half width": "sin",
	"64.95362114008066 -12.675427413318943 147.3817728520567 27.437297925615823 half width": "asin",
}

// TestGoldenExactDistances checks float64 distances bit for bit: Redis
// finds the point with the golden radius (half height, half width) and not
// with the next smaller float64.
func TestGoldenExactDistances(t *testing.T) {
	for _, g := range goldenExactDistances {
		score, ok := EncodeScore(parseFloat(t, g.lon2), parseFloat(t, g.lat2))
		if !ok {
			t.Fatalf("%s %s: invalid", g.lon2, g.lat2)
		}
		set := []member{{"x", score}}
		center := Shape{Lon: parseFloat(t, g.lon1), Lat: parseFloat(t, g.lat1), MetersPerUnit: 1}
		lon2, lat2 := DecodeScore(score)
		for _, tc := range []struct {
			what   string
			golden string
			ours   float64 // the distance Redis compares
			shape  func(length float64) Shape
		}{
			{"radius", g.radius, Distance(center.Lon, center.Lat, lon2, lat2), func(r float64) Shape {
				s := center
				s.Radius = r
				return s
			}},
			{"half height", g.halfHeight, latDistance(lat2, center.Lat), func(h float64) Shape {
				s := center
				s.Box, s.Width, s.Height = true, 1e9, 2*h
				return s
			}},
			{"half width", g.halfWidth, Distance(lon2, lat2, center.Lon, lat2), func(w float64) Shape {
				s := center
				s.Box, s.Width, s.Height = true, 2*w, 1e9
				return s
			}},
		} {
			length := parseFloat(t, tc.golden)
			in := func(l float64) bool { s := tc.shape(l); return len(search(&s, set, 0)) == 1 }
			exact := in(length) && !in(math.Nextafter(length, 0))
			key := strings.Join([]string{g.lon1, g.lat1, g.lon2, g.lat2, tc.what}, " ")
			if fn, ok := glibcMisrounded[key]; ok {
				ulps := int64(math.Float64bits(tc.ours)) - int64(math.Float64bits(length))
				if exact || ulps == 0 || ulps < -4 || ulps > 4 {
					t.Errorf("%s: listed as misrounded by glibc's %s, but %v is %d ulps off", key, fn, tc.ours, ulps)
				}
				continue
			}
			if !exact || tc.ours != length {
				t.Errorf("from %s %s to %s %s: %s %v, Redis %s", g.lon1, g.lat1, g.lon2, g.lat2, tc.what, tc.ours, tc.golden)
			}
		}
	}
}

func TestUnitToMeters(t *testing.T) {
	for _, tc := range []struct {
		unit string
		want float64
		ok   bool
	}{
		{"m", 1, true}, {"M", 1, true}, {"km", 1000, true}, {"kM", 1000, true},
		{"ft", 0.3048, true}, {"FT", 0.3048, true}, {"mi", 1609.34, true}, {"Mi", 1609.34, true},
		{"", 0, false}, {"meters", 0, false}, {"k", 0, false}, {"mi ", 0, false},
	} {
		got, ok := UnitToMeters([]byte(tc.unit))
		if got != tc.want || ok != tc.ok {
			t.Errorf("UnitToMeters(%q) = %v, %v", tc.unit, got, ok)
		}
	}
}

func TestDegToRad(t *testing.T) {
	// C's M_PI / 180.0, printed with %a: 0x1.1df46a2529d39p-6.
	if got := math.Float64bits(degToRad); got != 0x3F91DF46A2529D39 {
		t.Errorf("degToRad = %#x", got)
	}
}

func TestEstimateSteps(t *testing.T) {
	for _, tc := range []struct {
		meters, lat float64
		want        uint8
	}{
		{0, 0, 26},
		{0, 89, 26},
		{1, 0, 24}, // 25 doublings to reach mercatorMax: 1+25-2
		{mercatorMax, 0, 1},
		{mercatorMax / 4, 0, 1},
		{mercatorMax / 8, 0, 2},
		{mercatorMax / 8, 66, 2},
		{mercatorMax / 8, 66.1, 1},
		{mercatorMax / 32, -80, 3},
		{mercatorMax / 32, -80.5, 2},
		{1e-300, 0, 26},
		{1e-300, 85, 26},
		{5e-324, 85, 26},
		{math.Inf(1), 0, 1},
		{math.NaN(), 0, 1},
		{-1, 0, 26},
	} {
		if got := estimateSteps(tc.meters, tc.lat); got != tc.want {
			t.Errorf("estimateSteps(%v, %v) = %d, want %d", tc.meters, tc.lat, got, tc.want)
		}
	}
}

// TestAreasDedupe: at step 1 (half the world per cell) the neighbors
// repeat; Redis walks each of the 4 cells once: the center (north-east),
// north and south (both the south-east), east and west (the north-west),
// then the 4 diagonal ones (the south-west).
func TestAreasDedupe(t *testing.T) {
	shape := Shape{Lon: 10, Lat: 10, Radius: 20000, MetersPerUnit: 1000}
	if sa := shape.areasByShape(); sa.hash.step != 1 {
		t.Fatalf("step %d, want 1", sa.hash.step)
	}
	areas := shape.Areas()
	want := []ScoreRange{{3 << 50, 4 << 50}, {2 << 50, 3 << 50}, {1 << 50, 2 << 50}, {0, 1 << 50}}
	if !slices.Equal(areas.Ranges[:areas.Len], want) {
		t.Errorf("Areas() = %v, want %v", areas.Ranges[:areas.Len], want)
	}
}

// TestAreasExcludeNeighbors: a 1 km radius around Palermo gets step 14
// cells (about 1.9 by 1.2 km there); the center's cell reaches past the
// bounding box's east edge only, so the east, north-east and south-east
// cells are dropped.
func TestAreasExcludeNeighbors(t *testing.T) {
	shape := Shape{Lon: 13.361389, Lat: 38.115556, Radius: 1, MetersPerUnit: 1000}
	sa := shape.areasByShape()
	if sa.hash.step != 14 {
		t.Fatalf("step %d, want 14", sa.hash.step)
	}
	nb, zero := sa.neighbors, hashBits{}
	for name, tc := range map[string]struct {
		cell    hashBits
		dropped bool
	}{
		"north": {nb.north, false}, "south": {nb.south, false}, "west": {nb.west, false},
		"north-west": {nb.northWest, false}, "south-west": {nb.southWest, false},
		"east": {nb.east, true}, "north-east": {nb.northEast, true}, "south-east": {nb.southEast, true},
	} {
		if (tc.cell == zero) != tc.dropped {
			t.Errorf("%s: dropped %v, want %v", name, tc.cell == zero, tc.dropped)
		}
	}
	areas := shape.Areas()
	if areas.Len != 6 {
		t.Errorf("%d areas, want 6", areas.Len)
	}
	center, _ := EncodeScore(shape.Lon, shape.Lat)
	if r := areas.Ranges[0]; center < r.Min || center >= r.Max {
		t.Errorf("first range %v does not hold the center's score %v", r, center)
	}
}

func TestBoundingBox(t *testing.T) {
	// North of the equator the longitude span is that of the top edge,
	// south of it that of the bottom edge: the wider one.
	north := Shape{Lon: 10, Lat: 60, Radius: 100, MetersPerUnit: 1000}
	south := Shape{Lon: 10, Lat: -60, Radius: 100, MetersPerUnit: 1000}
	nMinLon, nMinLat, nMaxLon, nMaxLat := north.boundingBox()
	sMinLon, sMinLat, sMaxLon, sMaxLat := south.boundingBox()
	if nMinLon != sMinLon || nMaxLon != sMaxLon || nMinLat != -sMaxLat || nMaxLat != -sMinLat {
		t.Errorf("not symmetric: %v %v %v %v and %v %v %v %v",
			nMinLon, nMinLat, nMaxLon, nMaxLat, sMinLon, sMinLat, sMaxLon, sMaxLat)
	}
	latDelta := radDeg(100000 / earthRadiusMeters)
	if nMaxLat != 60+latDelta {
		t.Errorf("max latitude %v, want %v", nMaxLat, 60+latDelta)
	}
	if want := 10 + radDeg(100000/earthRadiusMeters/cos(degRad(60+latDelta))); nMaxLon != want {
		t.Errorf("max longitude %v, want %v", nMaxLon, want)
	}
	box := Shape{Lon: 10, Lat: 60, Box: true, Width: 200, Height: 200, MetersPerUnit: 1000}
	bMinLon, bMinLat, bMaxLon, bMaxLat := box.boundingBox()
	if bMinLon != nMinLon || bMinLat != nMinLat || bMaxLon != nMaxLon || bMaxLat != nMaxLat {
		t.Errorf("a 200 km box is not bounded as a 100 km radius")
	}
}

func BenchmarkDistance(b *testing.B) {
	for i := range b.N {
		Distance(13.361389, 38.115556, 15.087269+float64(i%1000)*1e-4, 37.502669)
	}
}

func BenchmarkAreas(b *testing.B) {
	shape := Shape{Lon: 13.361389, Lat: 38.115556, Radius: 200, MetersPerUnit: 1000}
	for range b.N {
		shape.Areas()
	}
}

func BenchmarkWithin(b *testing.B) {
	shape := Shape{Lon: 13.361389, Lat: 38.115556, Radius: 200, MetersPerUnit: 1000}
	score, _ := EncodeScore(15.087269, 37.502669)
	for range b.N {
		shape.Within(score)
	}
}
