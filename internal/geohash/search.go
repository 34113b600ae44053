package geohash

import (
	"bytes"
	"math"
)

const (
	// earthRadiusMeters is EARTH_RADIUS_IN_METERS, the quadratic mean
	// radius of WGS-84 that Redis's haversine uses.
	earthRadiusMeters = 6372797.560856
	// mercatorMax is MERCATOR_MAX, the scale geohashEstimateStepsByRadius
	// compares radii with.
	mercatorMax = 20037726.37
	// degToRad is D_R, M_PI/180.0: Go rounds the exact quotient to the
	// same float64 as C's division of the rounded pi (checked by a test).
	degToRad = math.Pi / 180
)

// degRad and radDeg are deg_rad and rad_deg. The conversion rounds the
// product, which callers subtract, so that it is never fused into an FMA.
func degRad(ang float64) float64 { return float64(ang * degToRad) }
func radDeg(ang float64) float64 { return ang / degToRad }

// UnitToMeters returns the meters in one unit of a GEO command's distance
// argument (extractUnitOrReply): m, km, ft or mi, in any case. The second
// result is false for anything else, which Redis refuses with "unsupported
// unit provided. please use M, KM, FT, MI".
func UnitToMeters(unit []byte) (float64, bool) {
	switch {
	case bytes.EqualFold(unit, []byte("m")):
		return 1, true
	case bytes.EqualFold(unit, []byte("km")):
		return 1000, true
	case bytes.EqualFold(unit, []byte("ft")):
		return 0.3048, true
	case bytes.EqualFold(unit, []byte("mi")):
		return 1609.34, true
	}
	return 0, false
}

// Distance is geohashGetDistance: the haversine great-circle distance in
// meters between two points in degrees. Like Redis 7.0 it takes a shortcut
// when the longitudes' half difference has a sine of 0: the distance along
// the meridian, which can differ from the haversine in the last bits.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r := degRad(lon1)
	lon2r := degRad(lon2)
	v := sin((lon2r - lon1r) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	lat1r := degRad(lat1)
	lat2r := degRad(lat2)
	u := sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(cos(lat1r)*cos(lat2r))*v)*v)
	return 2.0 * earthRadiusMeters * asin(math.Sqrt(a))
}

// latDistance is geohashGetLatDistance: the distance along a meridian.
func latDistance(lat1, lat2 float64) float64 {
	return earthRadiusMeters * math.Abs(degRad(lat2)-degRad(lat1))
}

// Shape is Redis's GeoShape: the area a GEOSEARCH or GEORADIUS searches.
type Shape struct {
	// Lon and Lat are the center: a pair ValidLonLat accepts, or a
	// member's position (DecodeScore) for FROMMEMBER and
	// GEORADIUSBYMEMBER.
	Lon, Lat float64
	// Box selects BYBOX (Width by Height); otherwise the shape is BYRADIUS
	// (Radius). The lengths are in the command's unit, not negative:
	// Redis refuses negative ones before searching.
	Box           bool
	Radius        float64
	Width, Height float64
	// MetersPerUnit is the unit's length (UnitToMeters), Redis's
	// "conversion".
	MetersPerUnit float64
}

// boundingBox is geohashBoundingBox: the longitude and latitude bounds of
// the shape. The longitude span is taken at the latitude edge farther from
// the equator (the top one in the northern hemisphere), where meridians
// are closest.
func (s *Shape) boundingBox() (minLon, minLat, maxLon, maxLat float64) {
	halfHeight, halfWidth := s.Radius, s.Radius
	if s.Box {
		halfHeight, halfWidth = s.Height/2, s.Width/2
	}
	height := s.MetersPerUnit * halfHeight
	width := s.MetersPerUnit * halfWidth

	latDelta := radDeg(height / earthRadiusMeters)
	lonDeltaTop := radDeg(width / earthRadiusMeters / cos(degRad(s.Lat+latDelta)))
	lonDeltaBottom := radDeg(width / earthRadiusMeters / cos(degRad(s.Lat-latDelta)))
	lonDelta := lonDeltaTop
	if s.Lat < 0 {
		lonDelta = lonDeltaBottom
	}
	return s.Lon - lonDelta, s.Lat - latDelta, s.Lon + lonDelta, s.Lat + latDelta
}

// radiusMeters is the radius of the circle around the shape: a BYBOX
// search covers the box's half diagonal.
func (s *Shape) radiusMeters() float64 {
	r := s.Radius
	if s.Box {
		r = math.Sqrt(float64((s.Width/2)*(s.Width/2)) + float64((s.Height/2)*(s.Height/2)))
	}
	return r * s.MetersPerUnit
}

// estimateSteps is geohashEstimateStepsByRadius: the cell size (in bits per
// coordinate) for the 9 cells around the center to cover the radius, with
// fewer bits (larger cells) towards the poles.
func estimateSteps(rangeMeters, lat float64) uint8 {
	if rangeMeters == 0 {
		return stepMax
	}
	step := 1
	// Past stepMax+4 the result can only be clamped to stepMax, whatever
	// follows; stopping there also ends the loop for negative ranges, on
	// which Redis's (never reached: it refuses them) would not end.
	for rangeMeters < mercatorMax && step < stepMax+4 {
		rangeMeters *= 2
		step++
	}
	step -= 2 // Make sure the range is included in most base cases.

	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return uint8(min(max(step, 1), stepMax))
}

// searchAreas is GeoHashRadius: the center's cell and its neighbors.
type searchAreas struct {
	hash      hashBits
	area      hashArea
	neighbors neighbors
}

// areasByShape is geohashCalculateAreasByShapeWGS84: the 9 cells that cover
// the shape, with the neighbors wholly outside its bounding box zeroed.
func (s *Shape) areasByShape() searchAreas {
	minLon, minLat, maxLon, maxLat := s.boundingBox()
	steps := estimateSteps(s.radiusMeters(), s.Lat)

	hash, _ := encode(lonRange, latRange, s.Lon, s.Lat, steps)
	nb := neighborsOf(hash)
	area := decode(hash)

	// The estimated step may leave the search area reaching past a
	// neighbor when the center is near an edge of its cell: then use
	// cells twice as large.
	north, south := decode(nb.north), decode(nb.south)
	east, west := decode(nb.east), decode(nb.west)
	decreaseStep := north.lat.max < maxLat || south.lat.min > minLat ||
		east.lon.max < maxLon || west.lon.min > minLon
	if steps > 1 && decreaseStep {
		steps--
		hash, _ = encode(lonRange, latRange, s.Lon, s.Lat, steps)
		nb = neighborsOf(hash)
		area = decode(hash)
	}

	// Exclude the neighbors beyond an edge of the bounding box that the
	// center cell already crosses.
	if steps >= 2 {
		if area.lat.min < minLat {
			nb.south, nb.southWest, nb.southEast = hashBits{}, hashBits{}, hashBits{}
		}
		if area.lat.max > maxLat {
			nb.north, nb.northEast, nb.northWest = hashBits{}, hashBits{}, hashBits{}
		}
		if area.lon.min < minLon {
			nb.west, nb.southWest, nb.northWest = hashBits{}, hashBits{}, hashBits{}
		}
		if area.lon.max > maxLon {
			nb.east, nb.southEast, nb.northEast = hashBits{}, hashBits{}, hashBits{}
		}
	}
	return searchAreas{hash: hash, area: area, neighbors: nb}
}

// ScoreRange is the range of sorted-set scores Min <= score < Max holding
// the members of one cell (scoresOfGeoHashBox).
type ScoreRange struct{ Min, Max float64 }

// Areas is the list of score ranges a search walks, in order.
type Areas struct {
	Ranges [9]ScoreRange
	Len    int
}

// Areas returns the score ranges a search of the shape walks, in Redis's
// order (membersOfAllNeighbors): the center's cell, then north, south,
// east, west, north-east, north-west, south-east and south-west, less the
// excluded neighbors, and less a cell equal to the one walked just before
// (the neighbors coincide when the cells are as large as half the world).
// For each range the caller tests the members, in sorted-set order, with
// Within; with ANY it stops once it has COUNT of them.
func (s *Shape) Areas() Areas {
	sa := s.areasByShape()
	cells := [9]hashBits{
		sa.hash,
		sa.neighbors.north, sa.neighbors.south,
		sa.neighbors.east, sa.neighbors.west,
		sa.neighbors.northEast, sa.neighbors.northWest,
		sa.neighbors.southEast, sa.neighbors.southWest,
	}
	var areas Areas
	lastProcessed := 0
	for i, cell := range cells {
		if cell == (hashBits{}) {
			continue
		}
		// As in Redis, the center (index 0) never counts as walked before.
		if lastProcessed != 0 && cell == cells[lastProcessed] {
			continue
		}
		shift := 52 - uint(cell.step)*2
		areas.Ranges[areas.Len] = ScoreRange{
			Min: float64(cell.bits << shift),
			Max: float64((cell.bits + 1) << shift),
		}
		areas.Len++
		lastProcessed = i
	}
	return areas
}

// Within is geoWithinShape: whether the member with this score lies in the
// shape, with its position (as DecodeScore) and its distance in meters
// from the center. Replies show the distance divided by MetersPerUnit.
func (s *Shape) Within(score float64) (lon, lat, dist float64, ok bool) {
	lon, lat = DecodeScore(score)
	if s.Box {
		dist, ok = inRectangle(s.Width*s.MetersPerUnit, s.Height*s.MetersPerUnit, s.Lon, s.Lat, lon, lat)
	} else {
		// Not dist <= radius: a NaN distance counts as within, as in C.
		dist = Distance(s.Lon, s.Lat, lon, lat)
		ok = !(dist > s.Radius*s.MetersPerUnit)
	}
	return lon, lat, dist, ok
}

// inRectangle is geohashGetDistanceIfInRectangle: whether (x2, y2) is
// within height/2 of the center (x1, y1) along the meridian and within
// width/2 along its own parallel, and if so its distance.
func inRectangle(widthMeters, heightMeters, x1, y1, x2, y2 float64) (float64, bool) {
	if latDistance(y2, y1) > heightMeters/2 {
		return 0, false
	}
	if Distance(x2, y2, x1, y2) > widthMeters/2 {
		return 0, false
	}
	return Distance(x1, y1, x2, y2), true
}
