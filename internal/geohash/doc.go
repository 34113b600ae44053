// Package geohash is Redis 7.0's GEO math in pure Go: the 52-bit geohash
// scores GEO commands keep in a sorted set, their decoding, GEOHASH
// strings, haversine distances and the search areas of GEOSEARCH and
// GEORADIUS. It ports src/geohash.c, src/geohash_helper.c and the math of
// src/geo.c, operation for operation, so that results match Redis's bit for
// bit; golden_test.go holds replies of Redis 7.0.15 (written by
// gen_golden.go) that the tests compare with.
//
// # Using it for the GEO commands
//
//   - GEOADD: ValidLonLat (else "invalid longitude,latitude pair %f,%f"),
//     then EncodeScore gives the member's score.
//   - GEOPOS: DecodeScore. Redis replies with addReplyHumanLongDouble:
//     "%.17Lf" less trailing zeros and then a trailing point, e.g.
//     "13.36138933897018433" and "180" (a RESP3 double with that text).
//     That is strconv.FormatFloat(x, 'f', 17, 64) trimmed, or
//     redisconv.FormatLongDouble, not "%.17g" (the tests check it).
//   - GEODIST: Distance between the two decoded positions, divided by
//     UnitToMeters, formatted "%.4f" (strconv's 'f' with 4 digits gives
//     the same bytes), always a bulk string.
//   - GEOHASH: Geohash.
//   - GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER: a Shape,
//     whose Areas are the score ranges to walk in order; for each member in
//     a range, in sorted-set order, Within tells whether it is in the shape
//     and gives its position (WITHCOORD, formatted as GEOPOS) and distance
//     in meters (divided by MetersPerUnit for WITHDIST and STOREDIST, then
//     "%.4f"). WITHHASH is the score as an integer. Without ASC or DESC the
//     members come in that walk order. COUNT without ANY sorts ascending
//     and keeps the first COUNT; with ANY the walk stops as soon as COUNT
//     members are found, which are then sorted only if ASC or DESC was
//     given. The sort is stable (glibc's qsort is a merge sort): equal
//     distances keep the walk order, in DESC too.
//
// # Redis behaviours reproduced
//
//   - Encoding: longitude in [-180, 180], latitude in [-85.05112878,
//     85.05112878] (GEO_LAT_MIN/MAX), both limits inclusive; offsets scaled
//     to 26 bits and interleaved, longitude bits in the odd positions.
//   - At the upper limits the offset reaches 2^26, so latitude 85.05112878
//     sets score bit 52 and longitude 180 bit 53 (and the score, above
//     2^53, is rounded to even as Redis's integer-to-double round trip
//     does). Those scores are outside every search range except those of
//     centers at exactly the same limit: GEOSEARCH from (179.95, 0.5) does
//     not find a member GEOADDed at (180, 0), 56 km away, though it finds
//     one GEOADDed at (-180, 0).
//   - Decoding returns the cell's center, clamped to the limits
//     (geohashDecodeAreaToLongLat), so a member added at 180 reads back as
//     180, one added at -180 as -179.99999731779098511. Any score decodes:
//     for scores ZADD put there, C's (uint64_t) cast is reproduced as x86-64
//     performs it (negative scores wrap, 2^64 and more give 0).
//   - GEOHASH re-encodes the decoded center with latitude range ±90 (the
//     standard geohash) and prints 10 base32 characters of the 52 bits and
//     a constant '0'.
//   - Distance is geohashGetDistance with earth radius 6372797.560856 m,
//     including the shortcut Redis 7.0.15 has (it was backported to 7.0)
//     when the sine of the half longitude difference is 0: the meridian
//     distance, which changes the fourth decimal of some GEODIST replies.
//     Units: m 1, km 1000, ft 0.3048, mi 1609.34, case-insensitive.
//   - Areas: geohashEstimateStepsByRadius (a BYBOX search uses the half
//     diagonal; one step fewer beyond 66° of latitude, two beyond 80°); the
//     bounding box of 7.0, whose longitude span is taken at the latitude
//     edge farther from the equator; the step decreased when a neighbor
//     does not reach the bounding box; the neighbors beyond the bounding
//     box dropped (when step >= 2); and the walk of membersOfAllNeighbors
//     (center, N, S, E, W, NE, NW, SE, SW, skipping a cell equal to the one
//     walked just before). Since the haversine distance across a parallel
//     is shorter than the parallel's arc, at high latitudes members within
//     the shape but beyond the bounding box's longitudes are missed when
//     their cell is dropped: Redis misses them too, and so must a port.
//     Neighbor moves wrap around, north of the top row being the bottom
//     row, as in Redis.
//   - The box test (geohashGetDistanceIfInRectangle) compares the meridian
//     distance with half the height and the distance along the member's
//     parallel with half the width; a NaN distance counts as within, as
//     C's "distance > radius" test lets it.
//
// # Floating point
//
// Every arithmetic operation is the C one, in the same order; products
// that C adds are converted to float64 so that no platform fuses them into
// FMAs. C's sin, cos and asin are glibc's, which Go's math package does not
// reproduce: it differs in the last bit for 20-35% of the arguments geo
// math passes, and in 36% of distances. This package computes them
// correctly rounded instead (double-double arithmetic, libm.go). glibc is
// correctly rounded in all but about 0.1% of arguments, where it is one ulp
// off, so about 0.2% of distances differ from Redis's float64 by a few
// ulps: never visibly in "%.4f", but the golden tests list the two such
// exact-distance cases they found. Reproducing glibc itself would mean
// porting its LGPL code and tables. The price is speed: a distance takes
// about 0.3 µs.
package geohash
