package geohash

import "math"

// Limits of the coordinates Redis indexes (geohash.h, from EPSG:900913).
const (
	lonMin = -180.0
	lonMax = 180.0
	latMin = -85.05112878
	latMax = 85.05112878
	// stepMax is GEO_STEP_MAX: 26 bits per coordinate, 52 in a score.
	stepMax = 26
)

// hashBits is GeoHashBits: a cell number of step*2 bits, longitude bits in
// the odd positions and latitude bits in the even ones. The zero value is
// GZERO's "no cell", which no encoded cell equals since its step is not 0.
type hashBits struct {
	bits uint64
	step uint8
}

// hashRange is GeoHashRange.
type hashRange struct{ min, max float64 }

// hashArea is GeoHashArea: a cell and its bounds.
type hashArea struct {
	hash     hashBits
	lon, lat hashRange
}

// The ranges Redis encodes with (geohashGetCoordRange), and the standard
// geohash ranges GEOHASH re-encodes with.
var (
	lonRange         = hashRange{lonMin, lonMax}
	latRange         = hashRange{latMin, latMax}
	standardLatRange = hashRange{-90, 90}
)

// ValidLonLat reports whether GEOADD, GEOSEARCH FROMLONLAT and GEORADIUS
// accept the pair (extractLongLatOrReply): the limits are inclusive. NaN is
// refused too; Redis refuses it earlier, as "value is not a valid float".
func ValidLonLat(lon, lat float64) bool {
	return lon >= lonMin && lon <= lonMax && lat >= latMin && lat <= latMax
}

// EncodeScore returns the sorted-set score GEOADD stores for a valid pair
// (geohashEncodeWGS84 at step 26, geohashAlign52Bits), and false for an
// invalid one.
//
// The score is the 52-bit cell number, except at the upper limits:
// latitude 85.05112878 sets bit 52 and longitude 180 sets bit 53, as the
// cell offset reaches 2^26. Such scores lie outside the ranges of searches
// from anywhere else (Shape.Areas), which never find those points: a
// point at longitude 180 is found from centers at longitude 180 only, one
// at latitude 85.05112878 from centers at that latitude only. Redis
// formats the integer and parses it back as a double, so above 2^53
// (longitude 180) the score is rounded to even, as float64(bits) is: that
// clears the latitude's lowest bit, and the point reads back up to a cell
// (2.5e-6 degrees) further south, e.g. (180, 53.05112878) as
// (180, 53.05112707701586316).
func EncodeScore(lon, lat float64) (float64, bool) {
	hash, ok := encode(lonRange, latRange, lon, lat, stepMax)
	return float64(hash.bits), ok
}

// DecodeScore returns the coordinates GEOPOS reports for a score
// (decodeGeohash): the center of its cell, clamped to the limits. Any
// score decodes, including ones ZADD stored: the score is converted to an
// integer as C's (uint64_t) cast does on x86-64 (see scoreBits).
func DecodeScore(score float64) (lon, lat float64) {
	return decodeToLonLat(hashBits{scoreBits(score), stepMax})
}

// Geohash returns GEOHASH's 11-character string for a score
// (geohashCommand): the cell center re-encoded with the standard latitude
// range ±90 rather than Redis's ±85.05112878, as 52 bits in base32, the
// eleventh character always '0'.
func Geohash(score float64) [11]byte {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	lon, lat := DecodeScore(score)
	// The center is clamped within Redis's limits, which are within the
	// standard ones: the encoding succeeds.
	hash, _ := encode(lonRange, standardLatRange, lon, lat, stepMax)
	var b [11]byte
	for i := range 10 {
		b[i] = alphabet[(hash.bits>>(52-(i+1)*5))&0x1f]
	}
	b[10] = alphabet[0]
	return b
}

// scoreBits is C's (uint64_t) conversion of a double as GCC compiles it for
// x86-64, which Redis applies to scores it decodes: below 2^63 (NaN too)
// the signed conversion, whose result for values out of the int64 range is
// 2^63 (so negative scores wrap around); from 2^63 on the signed
// conversion of score-2^63 with the top bit flipped (so 2^64 and more give
// 0). Go's own conversion is implementation-specific outside [0, 2^64).
func scoreBits(score float64) uint64 {
	const two63 = 1 << 63
	if !(score >= two63) {
		return uint64(cvttsd2si(score))
	}
	return uint64(cvttsd2si(score-two63)) ^ (1 << 63)
}

// cvttsd2si is x86-64's truncating double to int64 conversion: values out
// of range, and NaN, give the "integer indefinite" value -2^63.
func cvttsd2si(f float64) int64 {
	if !(f > -(1<<63) && f < 1<<63) {
		return math.MinInt64
	}
	return int64(f)
}

// encode is geohashEncode: the cell of the given step containing the
// point, within the given ranges. It fails outside Redis's limits or the
// ranges.
func encode(lonR, latR hashRange, lon, lat float64, step uint8) (hashBits, bool) {
	if !ValidLonLat(lon, lat) ||
		lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max {
		return hashBits{}, false
	}
	latOffset := (lat - latR.min) / (latR.max - latR.min)
	lonOffset := (lon - lonR.min) / (lonR.max - lonR.min)
	// To fixed point: the offsets are in [0, 1], so these are in [0, 2^step]
	// (2^step itself at the maximum, which sets bit step*2 or step*2+1).
	scale := float64(uint64(1) << step)
	latOffset *= scale
	lonOffset *= scale
	return hashBits{interleave64(uint32(latOffset), uint32(lonOffset)), step}, true
}

// interleave64 spreads the bits of lat over the even positions and those
// of lon over the odd ones (Redis's interleave64, "Interleave by Binary
// Magic Numbers" from Bit Twiddling Hacks).
func interleave64(lat, lon uint32) uint64 {
	x, y := uint64(lat), uint64(lon)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	y = (y | y<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	y = (y | y<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	y = (y | y<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	y = (y | y<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	y = (y | y<<1) & 0x5555555555555555
	return x | y<<1
}

// deinterleave64 is interleave64's inverse: the even bits gathered in the
// low 32 bits (latitude), the odd ones in the high 32 (longitude).
func deinterleave64(interleaved uint64) uint64 {
	x, y := interleaved, interleaved>>1
	x &= 0x5555555555555555
	y &= 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	y = (y | y>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0F0F0F0F0F0F0F0F
	y = (y | y>>2) & 0x0F0F0F0F0F0F0F0F
	x = (x | x>>4) & 0x00FF00FF00FF00FF
	y = (y | y>>4) & 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	y = (y | y>>8) & 0x0000FFFF0000FFFF
	x = (x | x>>16) & 0x00000000FFFFFFFF
	y = (y | y>>16) & 0x00000000FFFFFFFF
	return x | y<<32
}

// decode is geohashDecode with Redis's ranges: the bounds of a cell. Bits
// beyond step*2 (from scores that are not cell numbers) take the bounds
// past the ranges, as in Redis.
func decode(hash hashBits) hashArea {
	sep := deinterleave64(hash.bits)
	latScale := latRange.max - latRange.min
	lonScale := lonRange.max - lonRange.min
	cells := float64(uint64(1) << hash.step)
	// uint32 arithmetic, as C's: ilato+1 wraps at 2^32.
	ilat, ilon := uint32(sep), uint32(sep>>32)
	return hashArea{
		hash: hash,
		lat: hashRange{
			latRange.min + float64(float64(ilat)/cells*latScale),
			latRange.min + float64(float64(ilat+1)/cells*latScale),
		},
		lon: hashRange{
			lonRange.min + float64(float64(ilon)/cells*lonScale),
			lonRange.min + float64(float64(ilon+1)/cells*lonScale),
		},
	}
}

// decodeToLonLat is geohashDecodeToLongLatWGS84 (geohashDecodeAreaToLongLat):
// the center of the cell, clamped to the limits.
func decodeToLonLat(hash hashBits) (lon, lat float64) {
	area := decode(hash)
	lon = min(max((area.lon.min+area.lon.max)/2, lonMin), lonMax)
	lat = min(max((area.lat.min+area.lat.max)/2, latMin), latMax)
	return lon, lat
}

// moveX is geohash_move_x: the cell d (±1) columns east, wrapping around
// the antimeridian. Longitude bits are the odd ones: filling the even ones
// with 1s lets a carry or borrow run through them.
func moveX(hash hashBits, d int) hashBits {
	x := hash.bits & 0xaaaaaaaaaaaaaaaa
	y := hash.bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - uint(hash.step)*2)
	if d > 0 {
		x += zz + 1
	} else {
		x = (x | zz) - (zz + 1)
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - uint(hash.step)*2)
	hash.bits = x | y
	return hash
}

// moveY is geohash_move_y: the cell d (±1) rows north. It wraps around
// too: north of the northernmost row is the southernmost one.
func moveY(hash hashBits, d int) hashBits {
	x := hash.bits & 0xaaaaaaaaaaaaaaaa
	y := hash.bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - uint(hash.step)*2)
	if d > 0 {
		y += zz + 1
	} else {
		y = (y | zz) - (zz + 1)
	}
	y &= 0x5555555555555555 >> (64 - uint(hash.step)*2)
	hash.bits = x | y
	return hash
}

// neighbors is GeoHashNeighbors.
type neighbors struct {
	north, east, west, south                   hashBits
	northEast, southEast, northWest, southWest hashBits
}

// neighborsOf is geohashNeighbors: the 8 cells around a cell.
func neighborsOf(hash hashBits) neighbors {
	return neighbors{
		north:     moveY(hash, 1),
		east:      moveX(hash, 1),
		west:      moveX(hash, -1),
		south:     moveY(hash, -1),
		northEast: moveY(moveX(hash, 1), 1),
		southEast: moveY(moveX(hash, 1), -1),
		northWest: moveY(moveX(hash, -1), 1),
		southWest: moveY(moveX(hash, -1), -1),
	}
}
