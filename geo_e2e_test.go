package main

// The GEO commands end to end through go-redis, in RESP2 and RESP3,
// against respd and (when installed) a real redis-server. The values are
// redis-server 7.0.15's (coordinates are the geohash cell's, as Redis
// decodes them, not what was added); the exact bytes are in
// testdata/diff/geo.txt.

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestGeoGoRedis drives the GEO commands through go-redis.
func TestGeoGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisGeo(t, rc) })
		}
	}
}

// geoE2EFloat is the float64 a decimal reads as, for comparing with what
// go-redis parses from a reply.
func geoE2EFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// geoE2EPositions prints GEOPOS's positions (go-redis gives pointers,
// nil for a missing member).
func geoE2EPositions(ps []*redis.GeoPos) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "nil"
		if p != nil {
			out[i] = fmt.Sprint(*p)
		}
	}
	return out
}

func goRedisGeo(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	f := func(s string) float64 { return geoE2EFloat(t, s) }
	loc := func(name string, lon, lat float64) *redis.GeoLocation {
		return &redis.GeoLocation{Name: name, Longitude: lon, Latitude: lat}
	}

	// GEOADD stores 52-bit geohashes as scores.
	check("GEOADD", rc.GeoAdd(ctx, "Sicily", loc("Palermo", 13.361389, 38.115556), loc("Catania", 15.087269, 37.502669)).Val(), 2)
	check("GEOADD again", rc.GeoAdd(ctx, "Sicily", loc("Palermo", 13.361389, 38.115556)).Val(), 0)
	check("ZSCORE is the geohash", rc.ZScore(ctx, "Sicily", "Palermo").Val(), float64(3479099956230698))
	check("ZRANGE WITHSCORES", rc.ZRangeWithScores(ctx, "Sicily", 0, -1).Val(),
		[]redis.Z{{Score: 3479099956230698, Member: "Palermo"}, {Score: 3479447370796909, Member: "Catania"}})
	check("TYPE", rc.Type(ctx, "Sicily").Val(), "zset")
	check("GEOADD invalid", rc.GeoAdd(ctx, "Sicily", loc("x", 200, 100)).Err(),
		"ERR invalid longitude,latitude pair 200.000000,100.000000")
	check("GEOADD beyond the latitude limit", rc.GeoAdd(ctx, "Sicily", loc("x", 0, 85.05112879)).Err(),
		"ERR invalid longitude,latitude pair 0.000000,85.051129")
	check("GEOADD XX CH", rc.Do(ctx, "GEOADD", "Sicily", "XX", "CH", 13, 38, "Palermo", 14, 37, "Nowhere").Val(), 1)
	check("GEOADD NX", rc.Do(ctx, "GEOADD", "Sicily", "NX", 13.361389, 38.115556, "Palermo", 12.5, 37.8, "Marsala").Val(), 1)
	check("GEOADD NX XX", rc.Do(ctx, "GEOADD", "Sicily", "NX", "XX", 13, 38, "Palermo").Err(), "ERR syntax error")
	check("GEOADD back", rc.GeoAdd(ctx, "Sicily", loc("Palermo", 13.361389, 38.115556)).Val(), 0)
	check("ZCARD", rc.ZCard(ctx, "Sicily").Val(), 3)

	// GEOPOS, GEODIST, GEOHASH.
	check("GEOPOS", geoE2EPositions(rc.GeoPos(ctx, "Sicily", "Palermo", "nomember", "Catania").Val()), geoE2EPositions([]*redis.GeoPos{
		{Longitude: f("13.36138933897018433"), Latitude: f("38.11555639549629859")},
		nil,
		{Longitude: f("15.08726745843887329"), Latitude: f("37.50266842333162032")},
	}))
	check("GEOPOS missing key", geoE2EPositions(rc.GeoPos(ctx, "nokey", "a").Val()), geoE2EPositions([]*redis.GeoPos{nil}))
	check("GEODIST m", rc.GeoDist(ctx, "Sicily", "Palermo", "Catania", "m").Val(), 166274.1516)
	check("GEODIST km", rc.GeoDist(ctx, "Sicily", "Palermo", "Catania", "km").Val(), 166.2742)
	check("GEODIST mi", rc.GeoDist(ctx, "Sicily", "Palermo", "Catania", "mi").Val(), 103.3182)
	check("GEODIST ft", rc.GeoDist(ctx, "Sicily", "Palermo", "Catania", "ft").Val(), 545518.87)
	check("GEODIST missing member", rc.GeoDist(ctx, "Sicily", "Palermo", "nomember", "km").Err(), redis.Nil)
	check("GEODIST bad unit", rc.GeoDist(ctx, "Sicily", "Palermo", "Catania", "cm").Err(),
		"ERR unsupported unit provided. please use M, KM, FT, MI")
	check("GEOHASH", rc.GeoHash(ctx, "Sicily", "Palermo", "Catania").Val(), []string{"sqc8b49rny0", "sqdtr74hyu0"})

	// GEOSEARCH.
	rc.GeoAdd(ctx, "pts", loc("Rome", 12.496366, 41.902782), loc("Paris", 2.352222, 48.856613),
		loc("London", -0.127758, 51.507351), loc("Sydney", 151.2093, -33.8688), loc("NewYork", -74.006, 40.7128))
	check("GEOSEARCH BYRADIUS ASC", rc.GeoSearch(ctx, "pts", &redis.GeoSearchQuery{
		Member: "Paris", Radius: 1500, RadiusUnit: "km", Sort: "ASC"}).Val(), []string{"Paris", "London", "Rome"})
	check("GEOSEARCH BYBOX DESC COUNT", rc.GeoSearch(ctx, "pts", &redis.GeoSearchQuery{
		Member: "Paris", BoxWidth: 3000, BoxHeight: 3000, BoxUnit: "km", Sort: "DESC", Count: 2}).Val(), []string{"Rome", "London"})
	check("GEOSEARCH FROMLONLAT", rc.GeoSearch(ctx, "pts", &redis.GeoSearchQuery{
		Longitude: 0, Latitude: 0, Radius: 20000, RadiusUnit: "km", Sort: "ASC", Count: 3}).Val(), []string{"Rome", "Paris", "London"})
	check("GEOSEARCH WITHCOORD WITHDIST WITHHASH", rc.GeoSearchLocation(ctx, "pts", &redis.GeoSearchLocationQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Longitude: 2.35, Latitude: 48.85, Radius: 1000, RadiusUnit: "km", Sort: "ASC"},
		WithCoord:      true, WithDist: true, WithHash: true}).Val(), []redis.GeoLocation{
		{Name: "Paris", Longitude: f("2.35221952199935913"), Latitude: f("48.85661220395509474"), Dist: 0.7532, GeoHash: 3663832779125283},
		{Name: "London", Longitude: f("-0.12775629758834839"), Latitude: f("51.50735008547815141"), Dist: 344.2025, GeoHash: 2163557714754256},
	})
	check("GEOSEARCH WITHDIST", rc.GeoSearchLocation(ctx, "pts", &redis.GeoSearchLocationQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Member: "Paris", Radius: 1500, RadiusUnit: "km", Sort: "ASC"},
		WithDist:       true}).Val(), []redis.GeoLocation{{Name: "Paris"}, {Name: "London", Dist: 343.6462}, {Name: "Rome", Dist: 1105.5914}})
	check("GEOSEARCH missing member", rc.GeoSearch(ctx, "pts", &redis.GeoSearchQuery{
		Member: "nomember", Radius: 1, RadiusUnit: "km"}).Err(), "ERR could not decode requested zset member")
	check("GEOSEARCH missing key", rc.GeoSearch(ctx, "nokey", &redis.GeoSearchQuery{
		Member: "a", Radius: 1, RadiusUnit: "km"}).Val(), []string{})
	check("GEOSEARCH ANY without COUNT", rc.Do(ctx, "GEOSEARCH", "pts", "FROMMEMBER", "Paris", "BYRADIUS", 1, "km", "ANY").Err(),
		"ERR the ANY argument requires COUNT argument")
	check("GEOSEARCH negative radius", rc.Do(ctx, "GEOSEARCH", "pts", "FROMMEMBER", "Paris", "BYRADIUS", -1, "km").Err(),
		"ERR radius cannot be negative")

	// GEOSEARCHSTORE: geohashes, or distances with STOREDIST.
	check("GEOSEARCHSTORE", rc.GeoSearchStore(ctx, "pts", "dst", &redis.GeoSearchStoreQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Member: "Paris", Radius: 1500, RadiusUnit: "km"}}).Val(), 3)
	check("GEOSEARCHSTORE result", rc.ZRangeWithScores(ctx, "dst", 0, -1).Val(), []redis.Z{
		{Score: 2163557714754256, Member: "London"}, {Score: 3480343273965391, Member: "Rome"}, {Score: 3663832779125283, Member: "Paris"}})
	check("GEOPOS of the stored set", geoE2EPositions(rc.GeoPos(ctx, "dst", "Paris").Val()),
		geoE2EPositions([]*redis.GeoPos{{Longitude: f("2.35221952199935913"), Latitude: f("48.85661220395509474")}}))
	check("GEOSEARCHSTORE STOREDIST", rc.GeoSearchStore(ctx, "pts", "dst", &redis.GeoSearchStoreQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Member: "Paris", Radius: 1500, RadiusUnit: "km"}, StoreDist: true}).Val(), 3)
	check("GEOSEARCHSTORE STOREDIST result", rc.ZRangeWithScores(ctx, "dst", 0, -1).Val(), []redis.Z{
		{Score: 0, Member: "Paris"}, {Score: f("343.64621965608768"), Member: "London"}, {Score: f("1105.5913934228595"), Member: "Rome"}})
	check("GEOSEARCHSTORE empty", rc.GeoSearchStore(ctx, "pts", "dst", &redis.GeoSearchStoreQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Longitude: 0, Latitude: 0, Radius: 1, RadiusUnit: "km"}}).Val(), 0)
	check("GEOSEARCHSTORE empty deletes", rc.Exists(ctx, "dst").Val(), 0)

	// GEORADIUS and GEORADIUSBYMEMBER, and their STORE forms.
	check("GEORADIUS", rc.GeoRadius(ctx, "pts", 2.35, 48.85, &redis.GeoRadiusQuery{Radius: 1000, Unit: "km"}).Val(),
		[]redis.GeoLocation{{Name: "Paris"}, {Name: "London"}})
	check("GEORADIUS WITHDIST DESC", rc.GeoRadius(ctx, "pts", 2.35, 48.85, &redis.GeoRadiusQuery{Radius: 1000, Unit: "km", WithDist: true, Sort: "DESC"}).Val(),
		[]redis.GeoLocation{{Name: "London", Dist: 344.2025}, {Name: "Paris", Dist: 0.7532}})
	check("GEORADIUS WITHCOORD COUNT", rc.GeoRadius(ctx, "pts", 2.35, 48.85, &redis.GeoRadiusQuery{Radius: 1000, Unit: "km", WithCoord: true, WithGeoHash: true, Count: 1}).Val(),
		[]redis.GeoLocation{{Name: "Paris", Longitude: f("2.35221952199935913"), Latitude: f("48.85661220395509474"), GeoHash: 3663832779125283}})
	check("GEORADIUS STORE", rc.GeoRadiusStore(ctx, "pts", 2.35, 48.85, &redis.GeoRadiusQuery{Radius: 1000, Unit: "km", Store: "dst"}).Val(), 2)
	check("GEORADIUS STORE result", rc.ZRange(ctx, "dst", 0, -1).Val(), []string{"London", "Paris"})
	check("GEORADIUS STOREDIST", rc.GeoRadiusStore(ctx, "pts", 2.35, 48.85, &redis.GeoRadiusQuery{Radius: 1000, Unit: "km", StoreDist: "dst"}).Val(), 2)
	check("GEORADIUS STOREDIST result", rc.ZRangeWithScores(ctx, "dst", 0, -1).Val(), []redis.Z{
		{Score: f("0.75317594974883817"), Member: "Paris"}, {Score: f("344.20247154357736"), Member: "London"}})
	check("GEORADIUS STORE with WITHDIST", rc.Do(ctx, "GEORADIUS", "pts", 2.35, 48.85, 1000, "km", "WITHDIST", "STORE", "dst").Err(),
		"ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
	check("GEORADIUS_RO STORE", rc.Do(ctx, "GEORADIUS_RO", "pts", 2.35, 48.85, 1000, "km", "STORE", "dst").Err(), "ERR syntax error")
	check("GEORADIUSBYMEMBER", rc.GeoRadiusByMember(ctx, "pts", "Paris", &redis.GeoRadiusQuery{Radius: 1500, Unit: "km"}).Val(),
		[]redis.GeoLocation{{Name: "Paris"}, {Name: "Rome"}, {Name: "London"}})
	check("GEORADIUSBYMEMBER ASC WITHDIST", rc.GeoRadiusByMember(ctx, "pts", "Paris", &redis.GeoRadiusQuery{Radius: 1500, Unit: "km", WithDist: true, Sort: "ASC"}).Val(),
		[]redis.GeoLocation{{Name: "Paris"}, {Name: "London", Dist: 343.6462}, {Name: "Rome", Dist: 1105.5914}})
	check("GEORADIUSBYMEMBER STORE", rc.GeoRadiusByMemberStore(ctx, "pts", "Paris", &redis.GeoRadiusQuery{Radius: 1500, Unit: "km", Store: "dst"}).Val(), 3)
	check("GEORADIUSBYMEMBER missing member", rc.GeoRadiusByMember(ctx, "pts", "nomember", &redis.GeoRadiusQuery{Radius: 1, Unit: "km"}).Err(),
		"ERR could not decode requested zset member")
	check("GEORADIUS missing key", rc.GeoRadius(ctx, "nokey", 0, 0, &redis.GeoRadiusQuery{Radius: 1, Unit: "km"}).Val(), []redis.GeoLocation{})

	// Across the antimeridian: the distance is short, and a search from
	// -180 finds both sides.
	rc.GeoAdd(ctx, "am", loc("east", 179.99, 0), loc("west", -179.99, 0))
	check("GEODIST across the antimeridian", rc.GeoDist(ctx, "am", "east", "west", "km").Val(), 2.225)
	check("GEOSEARCH across the antimeridian", rc.GeoSearch(ctx, "am", &redis.GeoSearchQuery{
		Longitude: -180, Latitude: 0, Radius: 50, RadiusUnit: "km", Sort: "ASC"}).Val(), []string{"east", "west"})

	// A sorted set of arbitrary scores is read as geohashes.
	rc.ZAdd(ctx, "notgeo", redis.Z{Score: 0, Member: "zero"}, redis.Z{Score: 1, Member: "one"})
	check("GEOPOS of a non-GEO score", geoE2EPositions(rc.GeoPos(ctx, "notgeo", "zero").Val()),
		geoE2EPositions([]*redis.GeoPos{{Longitude: f("-179.99999731779098511"), Latitude: f("-85.05112751263942528")}}))
	check("GEOHASH of a non-GEO score", rc.GeoHash(ctx, "notgeo", "zero", "one").Val(), []string{"00bh0hbj200", "00bh0hbj210"})
	check("GEODIST of non-GEO scores", rc.GeoDist(ctx, "notgeo", "zero", "one", "m").Val(), 0.2819)

	// Against other types.
	rc.Set(ctx, "str", "v", 0)
	check("GEOADD string", rc.GeoAdd(ctx, "str", loc("a", 1, 1)).Err(), listWrongType)
	check("GEOPOS string", rc.GeoPos(ctx, "str", "a").Err(), listWrongType)
	check("GEOSEARCH string", rc.GeoSearch(ctx, "str", &redis.GeoSearchQuery{Member: "a", Radius: 1, RadiusUnit: "km"}).Err(), listWrongType)
	check("GET of a GEO set", fmt.Sprint(rc.Get(ctx, "pts").Err()), listWrongType)
}
