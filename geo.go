package main

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	"respd/internal/geohash"
	"respd/internal/keyspace"
	"respd/internal/zsetval"
)

// GEO commands (geo.c): a position is the score of a sorted-set member,
// its 52-bit geohash; internal/geohash does the math bit for bit as Redis.
// GEOADD is ZADD with computed scores; the searches walk the score ranges
// of the cells around the center and keep the members within the shape.

// cmdGeoadd: GEOADD key [NX|XX] [CH] longitude latitude member [...].
// Redis rewrites it into ZADD key [options] score member ... and runs
// ZADD, which is what it replies, notifies ("zadd") and propagates.
func cmdGeoadd(c *Client, args [][]byte) {
	var flags zsetval.Flags
	ch := false
	at := 2 // the first longitude
options:
	for ; at < len(args); at++ {
		switch opt := cString(args[at]); {
		case asciiEqualFold(opt, "nx"):
			flags |= zsetval.NX
		case asciiEqualFold(opt, "xx"):
			flags |= zsetval.XX
		case asciiEqualFold(opt, "ch"):
			ch = true
		default:
			break options
		}
	}
	if (len(args)-at)%3 != 0 || flags&zsetval.NX != 0 && flags&zsetval.XX != 0 {
		c.Error(errSyntax)
		return
	}
	// The options stay as the client wrote them, in place.
	zargs := make([][]byte, 0, at+(len(args)-at)/3*2)
	zargs = append(zargs, []byte("zadd"))
	zargs = append(zargs, args[1:at]...)
	for i := at; i < len(args); i += 3 {
		lon, lat, ok := c.lonLatArgs(args[i], args[i+1])
		if !ok {
			return
		}
		zargs = append(zargs, geoaddScore(lon, lat), args[i+2])
	}
	zaddCommand(c, zargs, flags, ch, at)
}

// geoaddScore is the score argument GEOADD gives ZADD: the geohash as a
// decimal integer (sdsfromlonglong), which ZADD parses back as a double.
// At longitude 180 the integer sets bit 53 and is not a float64 exactly,
// so it is rebuilt from its parts to propagate the same digits as Redis:
// the latitude's bits (those of longitude -180, whose offset is 0) and
// bit 53, longitude 180's offset of 2^26 in the odd positions.
func geoaddScore(lon, lat float64) []byte {
	score, _ := geohash.EncodeScore(lon, lat)
	if lon != 180 {
		return strconv.AppendInt(nil, int64(score), 10)
	}
	latBits, _ := geohash.EncodeScore(-180, lat)
	return strconv.AppendUint(nil, uint64(latBits)|1<<53, 10)
}

// lonLatArgs is extractLongLatOrReply: two floats within GEO's limits.
func (c *Client) lonLatArgs(lonArg, latArg []byte) (lon, lat float64, ok bool) {
	if lon, ok = c.floatArg(lonArg, errNotFloat); !ok {
		return 0, 0, false
	}
	if lat, ok = c.floatArg(latArg, errNotFloat); !ok {
		return 0, 0, false
	}
	if !geohash.ValidLonLat(lon, lat) {
		c.Error(fmt.Sprintf(errGeoPair, appendCFixed(nil, lon, 6), appendCFixed(nil, lat, 6)))
		return 0, 0, false
	}
	return lon, lat, true
}

// floatArg parses a double as getDoubleFromObjectOrReply, replying msg if
// it is not one.
func (c *Client) floatArg(b []byte, msg string) (float64, bool) {
	f, ok := zsetval.ParseScore(b)
	if !ok {
		c.Error(msg)
	}
	return f, ok
}

// unitArg is extractUnitOrReply: the meters in one unit.
func (c *Client) unitArg(unit []byte) (float64, bool) {
	// Redis compares C strings: "km\x00..." is km.
	m, ok := geohash.UnitToMeters(cString(unit))
	if !ok {
		c.Error(errGeoUnit)
	}
	return m, ok
}

// cmdGeopos: GEOPOS key [member ...], each position or a null array.
func cmdGeopos(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, member := range args[2:] {
		score, found := geoScore(e, member)
		if !found {
			c.NullArray()
			continue
		}
		lon, lat := geohash.DecodeScore(score)
		c.Array(2)
		c.coordinate(lon)
		c.coordinate(lat)
	}
}

// cmdGeohash: GEOHASH key [member ...], each one's standard geohash or a
// null.
func cmdGeohash(c *Client, args [][]byte) {
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, member := range args[2:] {
		score, found := geoScore(e, member)
		if !found {
			c.Null()
			continue
		}
		hash := geohash.Geohash(score)
		c.Bulk(hash[:])
	}
}

// geoScore is member's score in the sorted set of e, which may be nil (a
// missing key).
func geoScore(e *keyspace.Entry, member []byte) (float64, bool) {
	if e == nil {
		return 0, false
	}
	return e.ZSet().Score(member)
}

// cmdGeodist: GEODIST key member1 member2 [M|KM|FT|MI], null unless both
// members are there.
func cmdGeodist(c *Client, args [][]byte) {
	perUnit := 1.0
	switch {
	case len(args) > 5:
		c.Error(errSyntax)
		return
	case len(args) == 5:
		var ok bool
		if perUnit, ok = c.unitArg(args[4]); !ok {
			return
		}
	}
	e, ok := c.lookupType(args[1], keyspace.TypeZSet)
	if !ok {
		return
	}
	score1, found := geoScore(e, args[2])
	if !found {
		c.Null()
		return
	}
	score2, found := geoScore(e, args[3])
	if !found {
		c.Null()
		return
	}
	lon1, lat1 := geohash.DecodeScore(score1)
	lon2, lat2 := geohash.DecodeScore(score2)
	var buf [32]byte
	c.Bulk(appendCFixed(buf[:0], geohash.Distance(lon1, lat1, lon2, lat2)/perUnit, 4))
}

// The searches, as georadiusGeneric's flags tell them apart.
const (
	geoFromCoords  = 1 << iota // GEORADIUS: key longitude latitude radius unit ...
	geoFromMember              // GEORADIUSBYMEMBER: key member radius unit ...
	geoSearch                  // GEOSEARCH: key, then FROM... and BY... options
	geoSearchStore             // with geoSearch, GEOSEARCHSTORE: destination key ...
	geoNoStore                 // the _RO forms: no STORE or STOREDIST
)

func cmdGeoradius(c *Client, args [][]byte) { geoSearchCommand(c, args, geoFromCoords) }
func cmdGeoradiusRo(c *Client, args [][]byte) {
	geoSearchCommand(c, args, geoFromCoords|geoNoStore)
}
func cmdGeoradiusbymember(c *Client, args [][]byte) { geoSearchCommand(c, args, geoFromMember) }
func cmdGeoradiusbymemberRo(c *Client, args [][]byte) {
	geoSearchCommand(c, args, geoFromMember|geoNoStore)
}
func cmdGeosearch(c *Client, args [][]byte) { geoSearchCommand(c, args, geoSearch) }
func cmdGeosearchstore(c *Client, args [][]byte) {
	geoSearchCommand(c, args, geoSearch|geoSearchStore)
}

// Result orders.
const (
	geoUnsorted = iota
	geoAsc
	geoDesc
)

// geoQuery is a search's arguments.
type geoQuery struct {
	shape                         geohash.Shape
	withDist, withHash, withCoord bool
	order                         int
	count                         int64 // 0: no limit
	any                           bool  // stop the walk at count members
	store                         []byte
	storeDist                     bool
}

// geoSearchCommand is georadiusGeneric: GEOSEARCH, GEOSEARCHSTORE,
// GEORADIUS, GEORADIUSBYMEMBER and their _RO forms, as flags say.
func geoSearchCommand(c *Client, args [][]byte, flags int) {
	src := args[1]
	if flags&geoSearchStore != 0 {
		src = args[2]
	}
	e, ok := c.lookupType(src, keyspace.TypeZSet)
	if !ok {
		return
	}
	var z *zsetval.ZSet
	if e != nil {
		z = e.ZSet()
	}
	q, ok := c.parseGeoQuery(args, flags, z)
	if !ok {
		return
	}
	s := geoScratchPool.Get().(*geoScratch)
	defer s.release()
	// A missing key finds nothing: with a destination, that deletes it.
	if z != nil {
		s.collect(z, &q)
	}
	n := s.sort(&q)
	if q.store == nil {
		c.replyGeoPoints(s.points[:n], s, &q)
		return
	}
	event := "georadiusstore"
	if flags&geoSearch != 0 {
		event = "geosearchstore"
	}
	c.storeGeoPoints(s.points[:n], s, &q, event, args)
}

// parseGeoQuery parses a search's arguments as georadiusGeneric, in its
// order: the center of GEORADIUS and GEORADIUSBYMEMBER and their radius,
// then the options. z is the source sorted set, nil if the key is
// missing. Members are looked up as they come, so that FROMMEMBER's error
// comes before a later syntax error; without z they are not, and, as in
// Redis, neither is GEORADIUSBYMEMBER's radius: the search finds nothing.
func (c *Client) parseGeoQuery(args [][]byte, flags int, z *zsetval.ZSet) (q geoQuery, ok bool) {
	var base int // where the options begin
	switch {
	case flags&geoFromCoords != 0:
		base = 6
		if q.shape.Lon, q.shape.Lat, ok = c.lonLatArgs(args[2], args[3]); !ok {
			return q, false
		}
		if !c.radiusArgs(args[4], args[5], &q.shape) {
			return q, false
		}
	case flags&geoFromMember != 0:
		base = 5
		if z != nil && (!c.memberCenter(z, args[2], &q.shape) || !c.radiusArgs(args[3], args[4], &q.shape)) {
			return q, false
		}
	case flags&geoSearchStore != 0:
		base = 3
		q.store = args[1]
	default:
		base = 2
	}
	search := flags&geoSearch != 0
	canStore := flags&(geoSearch|geoNoStore) == 0
	var fromMember, fromLonLat, byRadius, byBox bool
	for i := base; i < len(args); i++ {
		left := len(args) - 1 - i // arguments after this one
		switch opt := cString(args[i]); {
		case asciiEqualFold(opt, "withdist"):
			q.withDist = true
		case asciiEqualFold(opt, "withhash"):
			q.withHash = true
		case asciiEqualFold(opt, "withcoord"):
			q.withCoord = true
		case asciiEqualFold(opt, "any"):
			q.any = true
		case asciiEqualFold(opt, "asc"):
			q.order = geoAsc
		case asciiEqualFold(opt, "desc"):
			q.order = geoDesc
		case asciiEqualFold(opt, "count") && left >= 1:
			if q.count, ok = c.intArg(args[i+1]); !ok {
				return q, false
			}
			if q.count <= 0 {
				c.Error(errGeoCount)
				return q, false
			}
			i++
		case asciiEqualFold(opt, "store") && left >= 1 && canStore:
			q.store, q.storeDist = args[i+1], false
			i++
		case asciiEqualFold(opt, "storedist") && left >= 1 && canStore:
			q.store, q.storeDist = args[i+1], true
			i++
		case asciiEqualFold(opt, "storedist") && flags&geoSearchStore != 0:
			q.storeDist = true
		case asciiEqualFold(opt, "frommember") && left >= 1 && search && !fromLonLat:
			if z != nil && !c.memberCenter(z, args[i+1], &q.shape) {
				return q, false
			}
			fromMember = true
			i++
		case asciiEqualFold(opt, "fromlonlat") && left >= 2 && search && !fromMember:
			if q.shape.Lon, q.shape.Lat, ok = c.lonLatArgs(args[i+1], args[i+2]); !ok {
				return q, false
			}
			fromLonLat = true
			i += 2
		case asciiEqualFold(opt, "byradius") && left >= 2 && search && !byBox:
			if !c.radiusArgs(args[i+1], args[i+2], &q.shape) {
				return q, false
			}
			byRadius = true
			i += 2
		case asciiEqualFold(opt, "bybox") && left >= 3 && search && !byRadius:
			if !c.boxArgs(args[i+1], args[i+2], args[i+3], &q.shape) {
				return q, false
			}
			byBox = true
			i += 3
		default:
			c.Error(errSyntax)
			return q, false
		}
	}
	switch {
	case q.store != nil && (q.withDist || q.withHash || q.withCoord):
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		c.Error(fmt.Sprintf(errGeoStoreWith, what))
	case search && !fromMember && !fromLonLat:
		c.Error(fmt.Sprintf(errGeoFrom, args[0]))
	case search && !byRadius && !byBox:
		c.Error(fmt.Sprintf(errGeoBy, args[0]))
	case q.any && q.count == 0:
		c.Error(errGeoAnyCount)
	default:
		// COUNT keeps the nearest members, unless ANY takes the first found.
		if q.count != 0 && q.order == geoUnsorted && !q.any {
			q.order = geoAsc
		}
		return q, true
	}
	return q, false
}

// memberCenter centers s on member's position, replying an error if z
// has no such member.
func (c *Client) memberCenter(z *zsetval.ZSet, member []byte, s *geohash.Shape) bool {
	score, ok := z.Score(member)
	if !ok {
		c.Error(errGeoMember)
		return false
	}
	s.Lon, s.Lat = geohash.DecodeScore(score)
	return true
}

// radiusArgs is extractDistanceOrReply: makes s a circle of that radius.
func (c *Client) radiusArgs(radius, unit []byte, s *geohash.Shape) bool {
	r, ok := c.floatArg(radius, errGeoRadius)
	switch {
	case !ok:
		return false
	case r < 0:
		c.Error(errGeoRadiusNegative)
		return false
	}
	if s.MetersPerUnit, ok = c.unitArg(unit); !ok {
		return false
	}
	s.Box, s.Radius = false, r
	return true
}

// boxArgs is extractBoxOrReply: makes s a box of that width and height.
func (c *Client) boxArgs(width, height, unit []byte, s *geohash.Shape) bool {
	w, ok := c.floatArg(width, errGeoWidth)
	if !ok {
		return false
	}
	h, ok := c.floatArg(height, errGeoHeight)
	switch {
	case !ok:
		return false
	case h < 0 || w < 0:
		c.Error(errGeoBoxNegative)
		return false
	}
	if s.MetersPerUnit, ok = c.unitArg(unit); !ok {
		return false
	}
	s.Box, s.Width, s.Height = true, w, h
	return true
}

// geoPoint is a member found by a search (Redis's geoPoint), kept small
// for sorting: its position is decoded again from the score if replied.
type geoPoint struct {
	// dist is the distance from the center in meters: Redis's if exact,
	// else an approximation (geoMetric) good to a relative 1e-11.
	dist       float64
	score      float64
	start, end int // the member, in geoScratch.members
	exact      bool
}

// geoScratch holds a search's results, pooled so that a search allocates
// nothing per member once its buffers have grown.
type geoScratch struct {
	points  []geoPoint
	members []byte     // the members' bytes, one after the other
	tmp     []geoPoint // msort's merge buffer
	metric  geoMetric
	limit   int // ANY's count, 0 for none
	visit   func(member []byte, score float64) bool
}

var geoScratchPool = sync.Pool{New: func() any {
	s := new(geoScratch)
	s.visit = s.add // made once, not a closure per search
	return s
}}

func (s *geoScratch) release() {
	s.points, s.members, s.tmp, s.metric = s.points[:0], s.members[:0], s.tmp[:0], geoMetric{}
	geoScratchPool.Put(s)
}

func (s *geoScratch) member(p *geoPoint) []byte { return s.members[p.start:p.end] }

// collect finds the members of z within q's shape (membersOfAllNeighbors):
// the cells' score ranges in Redis's order, each in score order, stopping
// with ANY once count members are found.
func (s *geoScratch) collect(z *zsetval.ZSet, q *geoQuery) {
	s.metric = newGeoMetric(&q.shape)
	if q.any {
		s.limit = int(q.count)
	} else {
		s.limit = 0
	}
	areas := q.shape.Areas()
	for _, r := range areas.Ranges[:areas.Len] {
		if s.limit > 0 && len(s.points) >= s.limit {
			return
		}
		z.RangeByScore(zsetval.ScoreRange{Min: r.Min, Max: r.Max, MaxEx: true}, false, 0, -1, s.visit)
	}
}

// add is collect's visit of one member (geoGetPointsInRange's loop body).
func (s *geoScratch) add(member []byte, score float64) bool {
	if p, ok := s.metric.within(score); ok {
		p.start = len(s.members)
		s.members = append(s.members, member...)
		p.end = len(s.members)
		s.points = append(s.points, p)
	}
	return s.limit == 0 || len(s.points) < s.limit
}

// earthRadius is EARTH_RADIUS_IN_METERS, the radius of Redis's haversine.
const earthRadius = 6372797.560856

// geoMetric decides which members are within a shape and orders them as
// Shape.Within and its distances would, at a fraction of their cost:
// Within's correctly rounded trigonometry takes about 0.3 µs a distance,
// more than the walk of the sorted set. So that a search computes few of
// them:
//
//   - Most members out of the shape are rejected from bounds on their
//     latitude and longitude differences with the center, beyond which
//     the shape's distances are exceeded: the great-circle angle is at
//     least the latitude difference, and its haversine at least
//     cos(lat1)·cos(lat2)·hav(Δlon).
//   - The others are decided with the same haversines computed with Go's
//     math, good to about 1e-15: Within is asked only when one is within
//     a relative 1e-11 (tolerance) of a bound.
//   - Distances stay approximate until needed: two points are compared
//     with them unless they are within tolerance of each other, and the
//     replied or stored ones are made exact.
//
// Members nearly antipodal to the center always go to Within: their
// haversine may round above 1, and the NaN distance that makes counts as
// within any radius in Redis. The bounds are widened by a relative 1e-9
// and an absolute 1e-10 degree, so that a rejection is certain too.
type geoMetric struct {
	shape            *geohash.Shape
	lonRad, latRad   float64 // the center
	cosLat           float64
	maxDLat, maxDLon float64 // in degrees, beyond which a member is out; +Inf: no bound
	radius           float64 // Within's bounds, in meters
	halfHeight       float64
	halfWidth        float64
}

func newGeoMetric(s *geohash.Shape) geoMetric {
	const widen = 1 + 1e-9
	m := geoMetric{shape: s, lonRad: s.Lon * (math.Pi / 180), latRad: s.Lat * (math.Pi / 180)}
	m.cosLat = math.Cos(m.latRad)
	var angle float64 // the central angle of the radius or the half width
	if s.Box {
		m.halfHeight, m.halfWidth = s.Height*s.MetersPerUnit/2, s.Width*s.MetersPerUnit/2
		m.maxDLat = m.halfHeight / earthRadius
		angle = m.halfWidth / earthRadius * widen
	} else {
		m.radius = s.Radius * s.MetersPerUnit
		angle = m.radius / earthRadius * widen
		m.maxDLat = angle
	}
	m.maxDLat = m.maxDLat*widen*180/math.Pi + 1e-10
	// No member lies beyond GEO_LAT_MAX: the cosine of its latitude is
	// at least that of the latitude farthest from the equator it can
	// have and still pass the latitude test.
	cosLat2 := math.Cos(min(math.Abs(s.Lat)+m.maxDLat, 85.0511288) * (math.Pi / 180))
	cosLat1 := m.cosLat
	if s.Box {
		cosLat1 = cosLat2 // the width is measured along the member's parallel
	}
	m.maxDLon = math.Inf(1)
	if angle < math.Pi {
		hav := math.Sin(angle/2) * math.Sin(angle/2)
		if x := hav / (cosLat1 * cosLat2 * (1 - 1e-9)) * widen; x < 1 {
			m.maxDLon = 2*math.Asin(math.Sqrt(x))*180/math.Pi*widen + 1e-10
		}
	}
	return m
}

// tolerance bounds the error of an approximate distance d.
func tolerance(d float64) float64 { return d*1e-11 + 1e-9 }

// within is Shape.Within: whether the member with this score is in the
// shape, and its point, whose distance may be approximate.
func (m *geoMetric) within(score float64) (geoPoint, bool) {
	lon, lat := geohash.DecodeScore(score)
	dLon := math.Abs(lon - m.shape.Lon)
	if dLon > 180 {
		dLon = 360 - dLon
	}
	if dLon > 179.9 && math.Abs(lat+m.shape.Lat) < 0.01 {
		return m.exactWithin(score) // nearly antipodal
	}
	if math.Abs(lat-m.shape.Lat) > m.maxDLat || dLon > m.maxDLon {
		return geoPoint{}, false
	}
	lonRad, latRad := lon*(math.Pi/180), lat*(math.Pi/180)
	dist, hav := m.haversine(lonRad, latRad)
	var in int
	if m.shape.Box {
		width, widthHav := m.alongParallel(lonRad, latRad)
		hav = max(hav, widthHav)
		in = min(near(earthRadius*math.Abs(latRad-m.latRad), m.halfHeight), near(width, m.halfWidth))
	} else {
		in = near(dist, m.radius)
	}
	if hav > 0.98 {
		return m.exactWithin(score) // asin is ill-conditioned near 1
	}
	switch in {
	case inside:
		return geoPoint{dist: dist, score: score}, true
	case outside:
		return geoPoint{}, false
	}
	return m.exactWithin(score)
}

func (m *geoMetric) exactWithin(score float64) (geoPoint, bool) {
	_, _, dist, ok := m.shape.Within(score)
	return geoPoint{dist: dist, score: score, exact: true}, ok
}

// The position of an approximate distance relative to a bound, ordered
// so that min combines two of them.
const (
	outside = iota
	borderline
	inside
)

func near(d, bound float64) int {
	switch {
	case d > bound+tolerance(d):
		return outside
	case d < bound-tolerance(d):
		return inside
	}
	return borderline
}

// haversine is geohashGetDistance's computation with Go's math: the
// distance from the center to a point (in radians), and the haversine of
// their angle.
func (m *geoMetric) haversine(lonRad, latRad float64) (dist, hav float64) {
	u := math.Sin((latRad - m.latRad) / 2)
	v := math.Sin((lonRad - m.lonRad) / 2)
	hav = u*u + m.cosLat*math.Cos(latRad)*v*v
	return 2 * earthRadius * math.Asin(math.Sqrt(hav)), hav
}

// alongParallel is haversine for geohashGetDistanceIfInRectangle's width
// test: the distance from the point to the center's meridian along the
// point's parallel.
func (m *geoMetric) alongParallel(lonRad, latRad float64) (dist, hav float64) {
	x := math.Abs(math.Cos(latRad) * math.Sin((m.lonRad-lonRad)/2))
	return 2 * earthRadius * math.Asin(x), x * x
}

// exact makes p's distance Redis's.
func (m *geoMetric) exact(p *geoPoint) {
	if !p.exact {
		lon, lat := geohash.DecodeScore(p.score)
		p.dist, p.exact = geohash.Distance(m.shape.Lon, m.shape.Lat, lon, lat), true
	}
}

// appendDistance is addReplyDoubleDistance: "%.4f" of p's distance in
// the unit. An approximate distance has the same digits as the exact one
// unless it is within tolerance of a rounding boundary (a 5 in the fifth
// decimal), where the exact one is computed.
func (m *geoMetric) appendDistance(b []byte, p *geoPoint) []byte {
	perUnit := m.shape.MetersPerUnit
	if !p.exact {
		x := p.dist / perUnit
		y := x * 1e4
		if math.Abs(y-math.Floor(y)-0.5) <= (tolerance(p.dist)/perUnit+x*1e-15)*1e4 {
			m.exact(p)
		}
	}
	return appendCFixed(b, p.dist/perUnit, 4)
}

// cmp is sort_gp_asc, or with desc sort_gp_desc, on the exact distances:
// C's comparisons, so that a NaN distance sorts as in Redis. Approximate
// distances decide unless they are too close.
func (m *geoMetric) cmp(a, b *geoPoint, desc bool) int {
	if !a.exact || !b.exact {
		if a.score == b.score {
			// As far, and not NaN: a NaN distance is always exact.
			return 0
		}
		if math.Abs(a.dist-b.dist) <= tolerance(a.dist)+tolerance(b.dist) {
			m.exact(a)
			m.exact(b)
		}
	}
	r := -1
	if a.dist > b.dist {
		r = 1
	} else if a.dist == b.dist {
		r = 0
	}
	if desc {
		return -r
	}
	return r
}

// sort orders the points as q asks and returns how many to reply or
// store: all of them, or COUNT. As Redis, a full sort is glibc's qsort, a
// stable merge sort, and a partial one Redis's pqsort, which is not
// stable: both are ported so that equal distances come in Redis's order.
func (s *geoScratch) sort(q *geoQuery) int {
	n := len(s.points)
	if q.count != 0 && q.count < int64(n) {
		n = int(q.count)
	}
	if q.order == geoUnsorted {
		return n
	}
	desc := q.order == geoDesc
	if n == len(s.points) {
		s.tmp = append(s.tmp[:0], s.points...)
		msort(s.points, s.tmp, &s.metric, desc)
	} else {
		pqsort(s.points, 0, len(s.points), n-1, &s.metric, desc)
	}
	return n
}

// msort is glibc's qsort (msort_with_tmp): a top-down merge sort taking
// from the first half on ties. tmp is as long as b.
func msort(b, tmp []geoPoint, m *geoMetric, desc bool) {
	n := len(b)
	if n <= 1 {
		return
	}
	n1 := n / 2
	msort(b[:n1], tmp, m, desc)
	msort(b[n1:], tmp, m, desc)
	i, j, k := 0, n1, 0
	for i < n1 && j < n {
		if m.cmp(&b[i], &b[j], desc) <= 0 {
			tmp[k] = b[i]
			i++
		} else {
			tmp[k] = b[j]
			j++
		}
		k++
	}
	// What is left of the second half is in place already.
	k += copy(tmp[k:], b[i:n1])
	copy(b, tmp[:k])
}

// pqsort is Redis 7.0's pqsort (pqsort.c, NetBSD's qsort without its
// switch to an insertion sort when a partition swapped nothing, which
// redis-server 7.0.15's order of equal distances shows): it sorts
// a[lo:lo+n] enough that ranks 0 to last hold what a full sort puts there,
// skipping the partitions that begin after last. Indexes stand for its
// pointers.
func pqsort(a []geoPoint, lo, n, last int, m *geoMetric, desc bool) {
	cmp := func(i, j int) int { return m.cmp(&a[i], &a[j], desc) }
	med3 := func(i, j, k int) int {
		if cmp(i, j) < 0 {
			if cmp(j, k) < 0 {
				return j
			}
			if cmp(i, k) < 0 {
				return k
			}
			return i
		}
		if cmp(j, k) > 0 {
			return j
		}
		if cmp(i, k) < 0 {
			return i
		}
		return k
	}
	vecswap := func(i, j, n int) {
		for k := range n {
			a[i+k], a[j+k] = a[j+k], a[i+k]
		}
	}
	for {
		if n < 7 {
			for m := lo + 1; m < lo+n; m++ {
				for l := m; l > lo && cmp(l-1, l) > 0; l-- {
					a[l], a[l-1] = a[l-1], a[l]
				}
			}
			return
		}
		pm := lo + n/2
		if n > 7 {
			pl, pn := lo, lo+n-1
			if n > 40 {
				d := n / 8
				pl = med3(pl, pl+d, pl+2*d)
				pm = med3(pm-d, pm, pm+d)
				pn = med3(pn-2*d, pn-d, pn)
			}
			pm = med3(pl, pm, pn)
		}
		a[lo], a[pm] = a[pm], a[lo]
		pa, pb := lo+1, lo+1
		pc, pd := lo+n-1, lo+n-1
		for {
			for pb <= pc {
				r := cmp(pb, lo)
				if r > 0 {
					break
				}
				if r == 0 {
					a[pa], a[pb] = a[pb], a[pa]
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(pc, lo)
				if r < 0 {
					break
				}
				if r == 0 {
					a[pc], a[pd] = a[pd], a[pc]
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			a[pb], a[pc] = a[pc], a[pb]
			pb++
			pc--
		}
		pn := lo + n
		r := min(pa-lo, pb-pa)
		vecswap(lo, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(pb, pn-r, r)
		// The partitions of the smaller and greater elements, each sorted
		// only if it begins at or before last.
		if r = pb - pa; r > 1 && lo <= last {
			pqsort(a, lo, r, last, m, desc)
		}
		if r = pd - pc; r <= 1 || pn-r > last {
			return
		}
		lo, n = pn-r, r
	}
}

// replyGeoPoints replies the members found, each with what q asks for.
func (c *Client) replyGeoPoints(points []geoPoint, s *geoScratch, q *geoQuery) {
	extras := 0
	for _, with := range [...]bool{q.withDist, q.withHash, q.withCoord} {
		if with {
			extras++
		}
	}
	c.Array(len(points))
	var buf [32]byte
	for i := range points {
		p := &points[i]
		if extras > 0 {
			c.Array(1 + extras)
		}
		c.Bulk(s.member(p))
		if q.withDist {
			c.Bulk(s.metric.appendDistance(buf[:0], p))
		}
		if q.withHash {
			c.Int(int64(p.score))
		}
		if q.withCoord {
			lon, lat := geohash.DecodeScore(p.score)
			c.Array(2)
			c.coordinate(lon)
			c.coordinate(lat)
		}
	}
}

// storeGeoPoints stores the members found in q.store as a sorted set,
// their scores kept or, with STOREDIST, their distances in the unit
// (zsetResult: none deletes the destination), and replies how many.
func (c *Client) storeGeoPoints(points []geoPoint, s *geoScratch, q *geoQuery, event string, args [][]byte) {
	maxLen := 0
	for i := range points {
		maxLen = max(maxLen, points[i].end-points[i].start)
	}
	lim := c.zsetLimits()
	// Redis fills a skiplist and converts it to a listpack if it fits the
	// limits, which is what New decides from the size beforehand.
	z := zsetval.New(len(points), maxLen, lim)
	for i := range points {
		p := &points[i]
		score := p.score
		if q.storeDist {
			s.metric.exact(p)
			score = p.dist / q.shape.MetersPerUnit
		}
		z.Add(s.member(p), score, 0, lim)
	}
	c.zsetResult(q.store, z, event, args)
}

// coordinate replies a longitude or latitude as addReplyHumanLongDouble:
// "%.17Lf" without trailing zeros (nor then a trailing point), a RESP3
// double or a RESP2 bulk string.
func (c *Client) coordinate(f float64) {
	var buf [48]byte
	if c.resp != 3 {
		c.Bulk(appendHumanDouble(buf[:0], f))
		return
	}
	if c.muted() {
		return
	}
	b := appendHumanDouble(append(buf[:0], ','), f)
	c.w.WriteRaw(append(b, '\r', '\n'))
}

// appendHumanDouble is ld2string's LD_STR_HUMAN form of a finite f (the
// coordinates of a cell's center): the long double holds f exactly, so
// Go's correctly rounded 'f' gives C's 17 decimals.
func appendHumanDouble(b []byte, f float64) []byte {
	b = strconv.AppendFloat(b, f, 'f', 17, 64)
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	return b
}

// appendCFixed is C's printf("%.*f", prec, f): Go's 'f' rounds the same
// exact value the same way (half to even), but spells infinities and NaN
// otherwise.
func appendCFixed(b []byte, f float64, prec int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if math.Signbit(f) {
			b = append(b, '-')
		}
		if math.IsNaN(f) {
			return append(b, "nan"...)
		}
		return append(b, "inf"...)
	}
	return strconv.AppendFloat(b, f, 'f', prec, 64)
}
