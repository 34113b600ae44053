package main

// Sets end to end through go-redis, in RESP2 and RESP3, against respd and
// (when installed) a real redis-server, and across RDB files, DUMP
// payloads and AOF rewrites. The exact bytes are testdata/diff/sets.txt's.

import (
	"bytes"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestSetsGoRedis drives the set commands through go-redis.
func TestSetsGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisSets(t, rc) })
		}
	}
}

func sortedMembers(rc *redis.Client, key string) []string {
	m := rc.SMembers(ctx, key).Val()
	slices.Sort(m)
	return m
}

func goRedisSets(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	check("SADD ints", rc.SAdd(ctx, "i", 3, 1, 2, 2).Val(), 3)
	check("OBJECT ENCODING intset", rc.ObjectEncoding(ctx, "i").Val(), "intset")
	check("SMEMBERS intset", rc.SMembers(ctx, "i").Val(), []string{"1", "2", "3"})
	check("SADD text", rc.SAdd(ctx, "t", "b", "a", "c", "1").Val(), 4)
	check("OBJECT ENCODING hashtable", rc.ObjectEncoding(ctx, "t").Val(), "hashtable")
	check("SMEMBERSMAP", rc.SMembersMap(ctx, "t").Val(), map[string]struct{}{"a": {}, "b": {}, "c": {}, "1": {}})
	check("SCARD", rc.SCard(ctx, "t").Val(), 4)
	check("SISMEMBER", rc.SIsMember(ctx, "t", "a").Val(), true)
	check("SMISMEMBER", rc.SMIsMember(ctx, "i", 1, 5).Val(), []bool{true, false})
	check("SINTER", rc.SInter(ctx, "i", "t").Val(), []string{"1"})
	check("SINTERCARD", rc.SInterCard(ctx, 0, "i", "t").Val(), 1)
	check("SUNIONSTORE", rc.SUnionStore(ctx, "u", "i", "t").Val(), 6)
	check("SUNION", sortedMembers(rc, "u"), []string{"1", "2", "3", "a", "b", "c"})
	check("SDIFFSTORE", rc.SDiffStore(ctx, "d", "i", "t").Val(), 2)
	check("SDIFF", rc.SDiff(ctx, "i", "t").Val(), []string{"2", "3"})
	check("OBJECT ENCODING result", rc.ObjectEncoding(ctx, "d").Val(), "intset")
	check("SMOVE", rc.SMove(ctx, "t", "i", "a").Val(), true)
	check("OBJECT ENCODING after SMOVE", rc.ObjectEncoding(ctx, "i").Val(), "hashtable")
	check("SREM", rc.SRem(ctx, "i", "a", "nope").Val(), 1)
	check("OBJECT ENCODING never back", rc.ObjectEncoding(ctx, "i").Val(), "hashtable")
	check("SRANDMEMBER all", len(rc.SRandMemberN(ctx, "u", 100).Val()), 6)
	check("SRANDMEMBER repeats", len(rc.SRandMemberN(ctx, "u", -20).Val()), 20)
	check("SPOP count", len(rc.SPopN(ctx, "u", 4).Val()), 4)
	check("SCARD after SPOP", rc.SCard(ctx, "u").Val(), 2)
	check("SPOP rest", len(rc.SPopN(ctx, "u", 10).Val()), 2)
	check("EXISTS emptied", rc.Exists(ctx, "u").Val(), 0)
	check("SADD WRONGTYPE", rc.LPush(ctx, "l", "x").Err(), nil)
	check("SADD on a list", rc.SAdd(ctx, "l", "x").Err(), listWrongType)

	want := map[string]bool{}
	members := make([]any, 0, 1000)
	for i := range 1000 {
		m := "m" + strconv.Itoa(i)
		want[m] = true
		members = append(members, m)
	}
	rc.SAdd(ctx, "big", members...)
	got := map[string]bool{}
	iter := rc.SScan(ctx, "big", 0, "", 50).Iterator()
	for iter.Next(ctx) {
		got[iter.Val()] = true
	}
	if iter.Err() != nil || !maps.Equal(got, want) {
		t.Errorf("SSCAN iterated %d members (%v), want %d", len(got), iter.Err(), len(want))
	}
}

// testSets exercise both encodings: intsets of each width, a table of
// text, one past set-max-intset-entries.
func testSets() map[string][]string {
	var many []string
	for i := range 600 {
		many = append(many, strconv.Itoa(i*7-1000))
	}
	return map[string][]string{
		"i16":   {"1", "-5", "300"},
		"i64":   {"1", "9223372036854775807", "-9223372036854775808"},
		"text":  {"a", "b", "", "\x00\xff", "007"},
		"many":  many,
		"mixed": {"1", "2", "x"},
	}
}

func writeSets(t *testing.T, rc *redis.Client, sets map[string][]string) {
	t.Helper()
	for k, members := range sets {
		for _, m := range members {
			if err := rc.SAdd(ctx, k, m).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func checkSets(t *testing.T, who string, rc *redis.Client, sets map[string][]string) {
	t.Helper()
	for k, members := range sets {
		want := slices.Clone(members)
		slices.Sort(want)
		if got := sortedMembers(rc, k); !slices.Equal(got, want) {
			t.Errorf("%s: %s has %d members, want %d", who, k, len(got), len(want))
		}
		enc := "intset"
		if k == "text" || k == "mixed" || len(members) > 512 {
			enc = "hashtable"
		}
		if got := rc.ObjectEncoding(ctx, k).Val(); got != enc {
			t.Errorf("%s: %s is a %s, want %s", who, k, got, enc)
		}
	}
}

// Sets cross RDB files both ways, and DUMP payloads of intsets equal
// Redis's own.
func TestSetsRDBInteroperability(t *testing.T) {
	interopRequireRedis(t)
	sets := testSets()
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir)
	mine := newClients(t, addr)["resp2"]
	writeSets(t, mine, sets)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--dir", dir)})
	defer real.Close()
	checkSets(t, "respd's RDB in redis-server", real, sets)

	fresh := redis.NewClient(&redis.Options{Addr: diffStartRedis(t)})
	defer fresh.Close()
	writeSets(t, fresh, map[string][]string{"i16": sets["i16"], "i64": sets["i64"]})
	for _, k := range []string{"i16", "i64"} {
		if got, want := mine.Dump(ctx, k).Val(), fresh.Dump(ctx, k).Val(); got != want {
			t.Errorf("DUMP of intset %s: respd's payload differs from redis-server's (%q and %q)", k, got, want)
		}
	}
	if err := fresh.Restore(ctx, "text", 0, mine.Dump(ctx, "text").Val()).Err(); err != nil {
		t.Fatal(err)
	}
	checkSets(t, "respd's DUMP restored in redis-server", fresh, map[string][]string{"text": sets["text"]})

	checkSets(t, "redis-server's RDB in respd", respdOnRedisRDB(t, nil, func(rc *redis.Client) { writeSets(t, rc, sets) }), sets)
}

// An AOF rewrite writes sets as SADD commands of up to 64 members.
func TestSetsAOFRewrite(t *testing.T) {
	interopRequireRedis(t)
	sets := testSets()
	dir := t.TempDir()
	args := []string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}
	base := rewrittenBase(t, dir, args, func(rc *redis.Client) { writeSets(t, rc, sets) })
	// "many" holds 600 members: 9 commands of 64, then one of 24.
	if full, last := bytes.Count(base, []byte("*66\r\n$4\r\nSADD\r\n$4\r\nmany\r\n")), bytes.Count(base, []byte("*26\r\n$4\r\nSADD\r\n$4\r\nmany\r\n")); full != 9 || last != 1 {
		t.Errorf("the base writes many in %d commands of 64 members and %d of 24, want 9 and 1", full, last)
	}
	_, addr2 := startTestServer(t, args...)
	checkSets(t, "respd replaying its rewrite", newClients(t, addr2)["resp2"], sets)
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, args...)})
	defer real.Close()
	checkSets(t, "redis-server replaying respd's rewrite", real, sets)
}
