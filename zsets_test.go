package main

// Sorted sets end to end through go-redis, in RESP2 and RESP3, against
// respd and (when installed) a real redis-server: what a Go application
// sees. The values are redis-server 7.0.15's; the exact bytes are in
// testdata/diff/zsets*.txt, the blocking scenarios here.

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestZsetsGoRedis drives the sorted set commands through go-redis.
func TestZsetsGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisZsets(t, rc) })
		}
	}
}

func goRedisZsets(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	z := func(score float64, member string) redis.Z { return redis.Z{Score: score, Member: member} }

	// ZADD and its options through ZAddArgs.
	check("ZADD", rc.ZAdd(ctx, "z", z(1, "a"), z(2, "b"), z(3, "c")).Val(), 3)
	check("ZADD again", rc.ZAdd(ctx, "z", z(1, "a")).Val(), 0)
	check("ZADD update", rc.ZAdd(ctx, "z", z(5, "a")).Val(), 0)
	check("ZSCORE updated", rc.ZScore(ctx, "z", "a").Val(), 5)
	check("ZADD GT lower", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, Ch: true, Members: []redis.Z{z(4, "a")}}).Val(), 0)
	check("ZADD GT higher", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, Ch: true, Members: []redis.Z{z(6, "a")}}).Val(), 1)
	check("ZADD GT new member", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, Members: []redis.Z{z(0, "d")}}).Val(), 1)
	check("ZADD LT", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{LT: true, Ch: true, Members: []redis.Z{z(7, "a"), z(-1, "d")}}).Val(), 1)
	check("ZADD NX", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{NX: true, Members: []redis.Z{z(100, "a"), z(4, "e")}}).Val(), 1)
	check("ZADD XX", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{XX: true, Members: []redis.Z{z(8, "a"), z(9, "nope")}}).Val(), 0)
	check("ZADD XX CH", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{XX: true, Ch: true, Members: []redis.Z{z(6, "a"), z(9, "nope")}}).Val(), 1)
	check("ZADD XX GT CH", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{XX: true, GT: true, Ch: true, Members: []redis.Z{z(5, "a"), z(3, "b")}}).Val(), 1)
	check("ZSCORE nope", rc.ZScore(ctx, "z", "nope").Err(), redis.Nil)
	check("ZRANGE WITHSCORES after ZADDs", rc.ZRangeWithScores(ctx, "z", 0, -1).Val(),
		[]redis.Z{z(-1, "d"), z(3, "b"), z(3, "c"), z(4, "e"), z(6, "a")})
	check("ZADD INCR", rc.ZAddArgsIncr(ctx, "z", redis.ZAddArgs{Members: []redis.Z{z(1.5, "a")}}).Val(), 7.5)
	check("ZADD INCR NX existing", rc.ZAddArgsIncr(ctx, "z", redis.ZAddArgs{NX: true, Members: []redis.Z{z(1, "a")}}).Err(), redis.Nil)
	check("ZADD INCR GT not greater", rc.ZAddArgsIncr(ctx, "z", redis.ZAddArgs{GT: true, Members: []redis.Z{z(-1, "a")}}).Err(), redis.Nil)
	check("ZADD XX GT lower", rc.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, XX: true, Members: []redis.Z{z(1, "a")}}).Val(), 0)
	check("ZSCORE kept", rc.ZScore(ctx, "z", "a").Val(), 7.5)
	check("ZADD NX XX", rc.Do(ctx, "ZADD", "z", "NX", "XX", 1, "a").Err(),
		"ERR XX and NX options at the same time are not compatible")
	check("ZADD NX GT", rc.Do(ctx, "ZADD", "z", "NX", "GT", 1, "a").Err(),
		"ERR GT, LT, and/or NX options at the same time are not compatible")
	check("ZADD INCR pairs", rc.Do(ctx, "ZADD", "z", "INCR", 1, "a", 2, "b").Err(),
		"ERR INCR option supports a single increment-element pair")
	check("ZADD nan", rc.Do(ctx, "ZADD", "z", "nan", "a").Err(), "ERR value is not a valid float")
	check("ZADD odd", rc.Do(ctx, "ZADD", "z", 1, "a", 2).Err(), "ERR syntax error")
	check("ZCARD", rc.ZCard(ctx, "z").Val(), 5)
	check("TYPE", rc.Type(ctx, "z").Val(), "zset")
	check("OBJECT ENCODING", rc.ObjectEncoding(ctx, "z").Val(), "listpack")

	// ZINCRBY, and scores at the edges of a double.
	check("ZINCRBY 0.1", rc.ZIncrBy(ctx, "f", 0.1, "m").Val(), 0.1)
	check("ZINCRBY 0.2", rc.ZIncrBy(ctx, "f", 0.2, "m").Val(), 0.30000000000000004)
	check("ZSCORE 0.1+0.2 as text", rc.Do(ctx, "ZSCORE", "f", "m").Val(), "0.30000000000000004")
	check("ZADD inf", rc.ZAdd(ctx, "f", z(math.Inf(1), "pinf"), z(math.Inf(-1), "ninf"), z(1e300, "big"), z(5e-324, "tiny")).Val(), 4)
	check("ZSCORE inf", rc.ZScore(ctx, "f", "pinf").Val(), math.Inf(1))
	check("ZSCORE -inf", rc.ZScore(ctx, "f", "ninf").Val(), math.Inf(-1))
	check("ZSCORE 1e300", rc.ZScore(ctx, "f", "big").Val(), 1e300)
	check("ZSCORE 5e-324", rc.ZScore(ctx, "f", "tiny").Val(), 5e-324)
	check("ZINCRBY inf + -inf", rc.ZIncrBy(ctx, "f", math.Inf(-1), "pinf").Err(), "ERR resulting score is not a number (NaN)")
	check("ZINCRBY max", rc.ZIncrBy(ctx, "f", math.MaxFloat64, "max").Val(), math.MaxFloat64)
	check("ZINCRBY to inf", rc.ZIncrBy(ctx, "f", math.MaxFloat64, "max").Val(), math.Inf(1))
	check("ZRANGE f", rc.ZRange(ctx, "f", 0, -1).Val(), []string{"ninf", "tiny", "m", "big", "max", "pinf"})

	// Reads of single members.
	rc.Del(ctx, "z")
	rc.ZAdd(ctx, "z", z(1, "a"), z(2, "b"), z(2, "bb"), z(3, "c"), z(4, "d"), z(5, "e"))
	check("ZSCORE", rc.ZScore(ctx, "z", "bb").Val(), 2)
	check("ZSCORE missing key", rc.ZScore(ctx, "nokey", "a").Err(), redis.Nil)
	check("ZMSCORE", rc.ZMScore(ctx, "z", "a", "nope", "e").Val(), []float64{1, 0, 5})
	check("ZRANK", rc.ZRank(ctx, "z", "bb").Val(), 2)
	check("ZRANK missing", rc.ZRank(ctx, "z", "nope").Err(), redis.Nil)
	check("ZREVRANK", rc.ZRevRank(ctx, "z", "bb").Val(), 3)
	check("ZCOUNT", rc.ZCount(ctx, "z", "(1", "3").Val(), 3)
	check("ZCOUNT inf", rc.ZCount(ctx, "z", "-inf", "+inf").Val(), 6)
	check("ZCOUNT bad", rc.ZCount(ctx, "z", "a", "3").Err(), "ERR min or max is not a float")

	// ZRANGE with ZRangeArgs: by rank, by score, by lex, reversed, limited.
	check("ZRANGE rank", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: 1, Stop: 3}).Val(), []string{"b", "bb", "c"})
	check("ZRANGE rank rev", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: 0, Stop: 1, Rev: true}).Val(), []string{"e", "d"})
	check("ZRANGE BYSCORE", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: "(1", Stop: 3, ByScore: true}).Val(),
		[]string{"b", "bb", "c"})
	check("ZRANGE BYSCORE REV", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: 2, Stop: "+inf", ByScore: true, Rev: true}).Val(),
		[]string{"e", "d", "c", "bb", "b"})
	check("ZRANGE BYSCORE LIMIT", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: 1, Count: 2}).Val(),
		[]string{"b", "bb"})
	check("ZRANGE BYSCORE REV LIMIT", rc.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Rev: true, Offset: 1, Count: 2}).Val(),
		[]redis.Z{z(4, "d"), z(3, "c")})
	check("ZRANGE BYSCORE LIMIT -1", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: 2, Stop: 10, ByScore: true, Offset: 2, Count: -1}).Val(),
		[]string{"c", "d", "e"})
	check("ZRANGE LIMIT by rank", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: 0, Stop: -1, Offset: 1, Count: 1}).Err(),
		"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	rc.ZAdd(ctx, "l", z(0, "a"), z(0, "b"), z(0, "c"), z(0, "d"), z(0, "e"))
	check("ZRANGE BYLEX", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "l", Start: "[b", Stop: "(d", ByLex: true}).Val(), []string{"b", "c"})
	check("ZRANGE BYLEX REV LIMIT", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "l", Start: "-", Stop: "+", ByLex: true, Rev: true, Offset: 1, Count: 2}).Val(),
		[]string{"d", "c"})
	check("ZRANGE BYLEX WITHSCORES", rc.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "l", Start: "-", Stop: "+", ByLex: true}).Err(),
		"ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	check("ZRANGE BYLEX bad", rc.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "l", Start: "b", Stop: "+", ByLex: true}).Err(),
		"ERR min or max not valid string range item")
	check("ZLEXCOUNT", rc.ZLexCount(ctx, "l", "(a", "[d").Val(), 3)
	check("ZRANGEBYSCORE", rc.ZRangeByScore(ctx, "z", &redis.ZRangeBy{Min: "2", Max: "4", Offset: 1, Count: 2}).Val(), []string{"bb", "c"})
	check("ZREVRANGEBYSCORE WITHSCORES", rc.ZRevRangeByScoreWithScores(ctx, "z", &redis.ZRangeBy{Min: "(3", Max: "+inf"}).Val(),
		[]redis.Z{z(5, "e"), z(4, "d")})
	check("ZRANGEBYLEX", rc.ZRangeByLex(ctx, "l", &redis.ZRangeBy{Min: "-", Max: "[c"}).Val(), []string{"a", "b", "c"})
	check("ZREVRANGEBYLEX", rc.ZRevRangeByLex(ctx, "l", &redis.ZRangeBy{Min: "[c", Max: "+"}).Val(), []string{"e", "d", "c"})
	check("ZREVRANGE WITHSCORES", rc.ZRevRangeWithScores(ctx, "z", 0, 1).Val(), []redis.Z{z(5, "e"), z(4, "d")})
	check("ZRANGE WITHSCORES", rc.ZRangeWithScores(ctx, "z", -2, -1).Val(), []redis.Z{z(4, "d"), z(5, "e")})
	check("ZRANGESTORE", rc.ZRangeStore(ctx, "dst", redis.ZRangeArgs{Key: "z", Start: 2, Stop: 4, ByScore: true}).Val(), 4)
	check("ZRANGESTORE result", rc.ZRangeWithScores(ctx, "dst", 0, -1).Val(), []redis.Z{z(2, "b"), z(2, "bb"), z(3, "c"), z(4, "d")})
	check("ZRANGESTORE empty", rc.ZRangeStore(ctx, "dst", redis.ZRangeArgs{Key: "z", Start: 10, Stop: 20, ByScore: true}).Val(), 0)
	check("ZRANGESTORE empty deletes", rc.Exists(ctx, "dst").Val(), 0)

	// ZREM and the ZREMRANGEBY* commands.
	check("ZREM", rc.ZRem(ctx, "z", "a", "nope").Val(), 1)
	check("ZREMRANGEBYRANK", rc.ZRemRangeByRank(ctx, "z", 0, 0).Val(), 1)
	check("ZREMRANGEBYSCORE", rc.ZRemRangeByScore(ctx, "z", "(2", "3").Val(), 1)
	check("ZRANGE after removals", rc.ZRange(ctx, "z", 0, -1).Val(), []string{"bb", "d", "e"})
	check("ZREMRANGEBYLEX", rc.ZRemRangeByLex(ctx, "l", "[b", "(e").Val(), 3)
	check("ZRANGE l", rc.ZRange(ctx, "l", 0, -1).Val(), []string{"a", "e"})
	check("ZREMRANGEBYLEX all", rc.ZRemRangeByLex(ctx, "l", "-", "+").Val(), 2)
	check("EXISTS emptied", rc.Exists(ctx, "l").Val(), 0)

	// The set algebra.
	rc.Del(ctx, "z")
	rc.ZAdd(ctx, "za", z(1, "a"), z(2, "b"), z(3, "c"))
	rc.ZAdd(ctx, "zb", z(10, "b"), z(20, "c"), z(30, "d"))
	rc.SAdd(ctx, "s", "a", "x")
	check("ZUNIONSTORE WEIGHTS", rc.ZUnionStore(ctx, "u", &redis.ZStore{Keys: []string{"za", "zb"}, Weights: []float64{2, 3}}).Val(), 4)
	check("ZUNIONSTORE result", rc.ZRangeWithScores(ctx, "u", 0, -1).Val(),
		[]redis.Z{z(2, "a"), z(34, "b"), z(66, "c"), z(90, "d")})
	check("ZUNIONSTORE MAX", rc.ZUnionStore(ctx, "u", &redis.ZStore{Keys: []string{"za", "zb", "s"}, Weights: []float64{100, 1, 5}, Aggregate: "MAX"}).Val(), 5)
	check("ZUNIONSTORE MAX result", rc.ZRangeWithScores(ctx, "u", 0, -1).Val(),
		[]redis.Z{z(5, "x"), z(30, "d"), z(100, "a"), z(200, "b"), z(300, "c")})
	check("ZUNION WITHSCORES", rc.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"za", "s"}}).Val(),
		[]redis.Z{z(1, "x"), z(2, "a"), z(2, "b"), z(3, "c")})
	check("ZINTER", rc.ZInter(ctx, &redis.ZStore{Keys: []string{"za", "zb"}}).Val(), []string{"b", "c"})
	check("ZINTER MIN", rc.ZInterWithScores(ctx, &redis.ZStore{Keys: []string{"za", "zb"}, Aggregate: "MIN"}).Val(),
		[]redis.Z{z(2, "b"), z(3, "c")})
	check("ZINTERSTORE", rc.ZInterStore(ctx, "i", &redis.ZStore{Keys: []string{"za", "zb", "nokey"}}).Val(), 0)
	check("ZINTERSTORE empty deletes", rc.Exists(ctx, "i").Val(), 0)
	check("ZINTERCARD", rc.ZInterCard(ctx, 0, "za", "zb").Val(), 2)
	check("ZINTERCARD LIMIT", rc.ZInterCard(ctx, 1, "za", "zb").Val(), 1)
	check("ZDIFF WITHSCORES", rc.ZDiffWithScores(ctx, "zb", "za").Val(), []redis.Z{z(30, "d")})
	check("ZDIFFSTORE", rc.ZDiffStore(ctx, "d", "za", "zb", "s").Val(), 0)
	check("ZUNIONSTORE numkeys 0", rc.Do(ctx, "ZUNIONSTORE", "u", 0, "za").Err(),
		"ERR at least 1 input key is needed for 'zunionstore' command")

	// Pops.
	rc.ZAdd(ctx, "p", z(1, "a"), z(2, "b"), z(3, "c"), z(4, "d"), z(5, "e"))
	check("ZPOPMIN", rc.ZPopMin(ctx, "p").Val(), []redis.Z{z(1, "a")})
	check("ZPOPMAX count", rc.ZPopMax(ctx, "p", 2).Val(), []redis.Z{z(5, "e"), z(4, "d")})
	check("ZPOPMIN count", rc.ZPopMin(ctx, "p", 10).Val(), []redis.Z{z(2, "b"), z(3, "c")})
	check("ZPOPMIN emptied", rc.Exists(ctx, "p").Val(), 0)
	check("ZPOPMIN missing", rc.ZPopMin(ctx, "p").Val(), []redis.Z{})
	check("ZPOPMIN negative", rc.ZPopMin(ctx, "p", -1).Err(), "ERR value is out of range, must be positive")
	rc.ZAdd(ctx, "p", z(1, "a"), z(2, "b"), z(3, "c"))
	key, zs, err := rc.ZMPop(ctx, "max", 2, "nokey", "p").Result()
	check("ZMPOP", fmt.Sprint(key, zs, err), fmt.Sprint("p", []redis.Z{z(3, "c"), z(2, "b")}, nil))
	check("ZMPOP empty", rc.ZMPop(ctx, "min", 1, "nokey").Err(), redis.Nil)
	// Blocking pops on a sorted set with members reply at once.
	check("BZPOPMIN", fmt.Sprint(rc.BZPopMin(ctx, 0, "nokey", "p").Val()), fmt.Sprint(&redis.ZWithKey{Z: z(1, "a"), Key: "p"}))
	rc.ZAdd(ctx, "p", z(7, "x"), z(8, "y"))
	check("BZPOPMAX", fmt.Sprint(rc.BZPopMax(ctx, time.Second, "p").Val()), fmt.Sprint(&redis.ZWithKey{Z: z(8, "y"), Key: "p"}))
	key, zs, err = rc.BZMPop(ctx, 0, "min", 5, "nokey", "p").Result()
	check("BZMPOP", fmt.Sprint(key, zs, err), fmt.Sprint("p", []redis.Z{z(7, "x")}, nil))
	check("BZMPOP emptied", rc.Exists(ctx, "p").Val(), 0)

	// ZRANDMEMBER: a count of at least the size is the whole set, from the
	// highest score down (Redis 7.0 replies it in ZREVRANGE order); a
	// negative count may repeat members.
	rc.ZAdd(ctx, "r", z(1, "a"), z(2, "b"), z(3, "c"))
	check("ZRANDMEMBER all", rc.ZRandMember(ctx, "r", 10).Val(), []string{"c", "b", "a"})
	check("ZRANDMEMBER all WITHSCORES", rc.ZRandMemberWithScores(ctx, "r", 3).Val(), []redis.Z{z(3, "c"), z(2, "b"), z(1, "a")})
	some := rc.ZRandMember(ctx, "r", 2).Val()
	if len(some) != 2 || some[0] == some[1] || !slices.Contains([]string{"a", "b", "c"}, some[0]) || !slices.Contains([]string{"a", "b", "c"}, some[1]) {
		t.Errorf("ZRANDMEMBER 2: %q, want two distinct members", some)
	}
	repeats := rc.ZRandMemberWithScores(ctx, "r", -20).Val()
	if len(repeats) != 20 {
		t.Errorf("ZRANDMEMBER -20 WITHSCORES: %d members, want 20", len(repeats))
	}
	for _, m := range repeats {
		if want := map[string]float64{"a": 1, "b": 2, "c": 3}[fmt.Sprint(m.Member)]; want != m.Score {
			t.Errorf("ZRANDMEMBER -20 WITHSCORES: %v", m)
		}
	}
	check("ZRANDMEMBER missing", rc.ZRandMember(ctx, "nokey", 5).Val(), []string{})

	// ZSCAN: a listpack in one call; a skiplist by cursor.
	keys, cursor, err := rc.ZScan(ctx, "r", 0, "", 1).Result()
	check("ZSCAN listpack", fmt.Sprint(keys, cursor, err), fmt.Sprint([]string{"a", "1", "b", "2", "c", "3"}, 0, nil))
	keys, cursor, err = rc.ZScan(ctx, "r", 0, "[ab]", 0).Result()
	check("ZSCAN MATCH", fmt.Sprint(keys, cursor, err), fmt.Sprint([]string{"a", "1", "b", "2"}, 0, nil))
	want := map[string]string{}
	big := make([]redis.Z, 0, 300)
	for i := range 300 {
		m := "m" + strconv.Itoa(i)
		want[m] = strconv.Itoa(i * 3)
		big = append(big, z(float64(i*3), m))
	}
	check("ZADD big", rc.ZAdd(ctx, "big", big...).Val(), 300)
	check("OBJECT ENCODING big", rc.ObjectEncoding(ctx, "big").Val(), "skiplist")
	got := map[string]string{}
	for cursor := uint64(0); ; {
		keys, next, err := rc.ZScan(ctx, "big", cursor, "", 20).Result()
		if err != nil || len(keys)%2 != 0 {
			t.Fatalf("ZSCAN big: %q, %v", keys, err)
		}
		for i := 0; i < len(keys); i += 2 {
			got[keys[i]] = keys[i+1]
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("ZSCAN big: %d members, want %d", len(got), len(want))
	}
	check("ZRANK big", rc.ZRank(ctx, "big", "m250").Val(), 250)
	check("ZRANGE big", rc.ZRange(ctx, "big", 150, 152).Val(), []string{"m150", "m151", "m152"})
	check("ZRANGE big BYSCORE LIMIT", rc.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "big", Start: "(600", Stop: "+inf", ByScore: true, Offset: 5, Count: 2}).Val(),
		[]redis.Z{z(618, "m206"), z(621, "m207")})
	check("ZREMRANGEBYRANK big", rc.ZRemRangeByRank(ctx, "big", 0, 199).Val(), 200)
	check("ZCARD big", rc.ZCard(ctx, "big").Val(), 100)
	check("OBJECT ENCODING stays skiplist", rc.ObjectEncoding(ctx, "big").Val(), "skiplist")
	check("ZUNIONSTORE small from a skiplist", rc.ZUnionStore(ctx, "small", &redis.ZStore{Keys: []string{"big"}}).Val(), 100)
	check("OBJECT ENCODING of the result", rc.ObjectEncoding(ctx, "small").Val(), "listpack")
	long := strings.Repeat("x", 65)
	check("ZADD long member", rc.ZAdd(ctx, "small", z(0, long)).Val(), 1)
	check("OBJECT ENCODING long member", rc.ObjectEncoding(ctx, "small").Val(), "skiplist")
	check("ZSCORE long member", rc.ZScore(ctx, "small", long).Val(), 0)

	// Against other types.
	rc.Set(ctx, "str", "v", 0)
	check("ZADD string", rc.ZAdd(ctx, "str", z(1, "a")).Err(), listWrongType)
	check("ZRANGE string", rc.ZRange(ctx, "str", 0, -1).Err(), listWrongType)
	check("ZUNION string", rc.ZUnion(ctx, redis.ZStore{Keys: []string{"za", "str"}}).Err(), listWrongType)
	check("BZPOPMIN string", rc.BZPopMin(ctx, 0, "nokey", "str").Err(), listWrongType)
	check("GET zset", rc.Get(ctx, "za").Err(), listWrongType)
	check("SMEMBERS zset", rc.SMembers(ctx, "za").Err(), listWrongType)
	check("ZRANGE za kept", rc.ZRange(ctx, "za", 0, -1).Val(), []string{"a", "b", "c"})
}

// TestZsetsGoRedisBlocking: go-redis's blocking pops block until another
// client adds members, are served first come first served, or time out
// with redis.Nil.
func TestZsetsGoRedisBlocking(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisZsetsBlocking(t, rc) })
		}
	}
}

func goRedisZsetsBlocking(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	z := func(score float64, member string) redis.Z { return redis.Z{Score: score, Member: member} }
	blocked := func(n int) {
		t.Helper()
		want := fmt.Sprintf("blocked_clients:%d\r\n", n)
		waitFor(t, func() bool { return strings.Contains(rc.Info(ctx, "clients").Val(), want) })
	}
	type result struct {
		v   string
		err error
	}
	// start runs a blocking call in a goroutine (on a connection of the
	// pool of its own) and waits until the server counts n blocked clients.
	start := func(n int, call func() (any, error)) <-chan result {
		t.Helper()
		done := make(chan result, 1)
		go func() {
			v, err := call()
			done <- result{fmt.Sprint(v), err}
		}()
		blocked(n)
		return done
	}
	// served checks what a blocked call got.
	served := func(what string, r result, want any) {
		t.Helper()
		check(what+": error", r.err, nil)
		check(what, r.v, fmt.Sprint(want))
	}
	await := func(done <-chan result) result {
		t.Helper()
		select {
		case r := <-done:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("the blocked call was not served")
			return result{}
		}
	}

	// A ZADD serves the blocked client.
	done := start(1, func() (any, error) { return rc.BZPopMin(ctx, 10*time.Second, "k1", "k2").Result() })
	check("ZADD to a waiter", rc.ZAdd(ctx, "k2", z(2, "b"), z(1, "a")).Val(), 2)
	r := await(done)
	served("BZPOPMIN served", r, &redis.ZWithKey{Z: z(1, "a"), Key: "k2"})
	check("the rest stays", rc.ZRangeWithScores(ctx, "k2", 0, -1).Val(), []redis.Z{z(2, "b")})
	rc.Del(ctx, "k2")
	done = start(1, func() (any, error) { return rc.BZPopMax(ctx, 0, "k1").Result() })
	rc.ZAdd(ctx, "k1", z(1, "a"), z(3, "c"), z(2, "b"))
	r = await(done)
	served("BZPOPMAX served", r, &redis.ZWithKey{Z: z(3, "c"), Key: "k1"})
	rc.Del(ctx, "k1")
	done = start(1, func() (any, error) {
		key, zs, err := rc.BZMPop(ctx, 0, "max", 2, "e1", "e2").Result()
		return []any{key, zs}, err
	})
	rc.ZAdd(ctx, "e2", z(1, "x"), z(2, "y"), z(3, "z"))
	r = await(done)
	served("BZMPOP served", r, []any{"e2", []redis.Z{z(3, "z"), z(2, "y")}})
	check("ZRANGE e2", rc.ZRange(ctx, "e2", 0, -1).Val(), []string{"x"})
	rc.Del(ctx, "e2")

	// Two clients blocked on one key are served in the order they blocked;
	// one ZADD of two members serves both.
	first := start(1, func() (any, error) { return rc.BZPopMin(ctx, 0, "fifo").Result() })
	second := start(2, func() (any, error) { return rc.BZPopMin(ctx, 0, "fifo").Result() })
	rc.ZAdd(ctx, "fifo", z(1, "a"))
	r = await(first)
	served("first served first", r, &redis.ZWithKey{Z: z(1, "a"), Key: "fifo"})
	blocked(1)
	rc.ZAdd(ctx, "fifo", z(2, "b"))
	r = await(second)
	served("then the second", r, &redis.ZWithKey{Z: z(2, "b"), Key: "fifo"})
	first = start(1, func() (any, error) { return rc.BZPopMax(ctx, 0, "fifo").Result() })
	second = start(2, func() (any, error) { return rc.BZPopMax(ctx, 0, "fifo").Result() })
	rc.ZAdd(ctx, "fifo", z(1, "a"), z(2, "b"), z(3, "c"))
	r = await(first)
	served("one ZADD, first waiter", r, &redis.ZWithKey{Z: z(3, "c"), Key: "fifo"})
	r = await(second)
	served("one ZADD, second waiter", r, &redis.ZWithKey{Z: z(2, "b"), Key: "fifo"})
	check("what is left", rc.ZRange(ctx, "fifo", 0, -1).Val(), []string{"a"})
	blocked(0)

	// go-redis's shortest timeout is a second.
	started := time.Now()
	check("BZPOPMIN timeout", rc.BZPopMin(ctx, time.Second, "nokey").Err(), redis.Nil)
	check("BZPOPMAX timeout", rc.BZPopMax(ctx, time.Second, "nokey", "nokey2").Err(), redis.Nil)
	check("BZMPOP timeout", rc.BZMPop(ctx, time.Second, "min", 1, "nokey").Err(), redis.Nil)
	if took := time.Since(started); took < 3*time.Second-10*time.Millisecond || took > 20*time.Second {
		t.Errorf("three 1 s timeouts took %v", took)
	}
	check("nothing created", rc.Exists(ctx, "nokey", "nokey2").Val(), 0)
}
