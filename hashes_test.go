package main

// Hashes end to end through go-redis, in RESP2 and RESP3, against respd
// and (when installed) a real redis-server, and across RDB files, DUMP
// payloads and AOF rewrites. The exact bytes are testdata/diff/hashes.txt's.

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

type hashUser struct {
	Name  string `redis:"name"`
	Email string `redis:"email"`
	Age   int    `redis:"age"`
}

// TestHashesGoRedis drives the hash commands through go-redis.
func TestHashesGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisHashes(t, rc) })
		}
	}
}

func goRedisHashes(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	check("HSET struct", rc.HSet(ctx, "u", hashUser{"ann", "ann@example.com", 41}).Val(), 3)
	var u hashUser
	if err := rc.HGetAll(ctx, "u").Scan(&u); err != nil || u != (hashUser{"ann", "ann@example.com", 41}) {
		t.Errorf("HGETALL into a struct: %+v, %v", u, err)
	}
	check("HGETALL map", rc.HGetAll(ctx, "u").Val(), map[string]string{"name": "ann", "email": "ann@example.com", "age": "41"})
	check("HGET", rc.HGet(ctx, "u", "name").Val(), "ann")
	check("HGET missing", rc.HGet(ctx, "u", "nope").Err(), redis.Nil)
	check("HMGET", rc.HMGet(ctx, "u", "age", "nope").Val(), []any{"41", nil})
	check("HINCRBY", rc.HIncrBy(ctx, "u", "age", 2).Val(), 43)
	check("HINCRBYFLOAT", rc.HIncrByFloat(ctx, "u", "score", 1.5).Val(), 1.5)
	check("HSETNX", rc.HSetNX(ctx, "u", "name", "bob").Val(), false)
	check("HEXISTS", rc.HExists(ctx, "u", "email").Val(), true)
	check("HLEN", rc.HLen(ctx, "u").Val(), 4)
	check("HSTRLEN", rc.HStrLen(ctx, "u", "email").Val(), 15)
	check("HKEYS", rc.HKeys(ctx, "u").Val(), []string{"name", "email", "age", "score"})
	check("HVALS", rc.HVals(ctx, "u").Val(), []string{"ann", "ann@example.com", "43", "1.5"})
	check("OBJECT ENCODING", rc.ObjectEncoding(ctx, "u").Val(), "listpack")
	check("HDEL", rc.HDel(ctx, "u", "score", "nope").Val(), 1)
	check("HRANDFIELD all", len(rc.HRandField(ctx, "u", 10).Val()), 3)
	check("HRANDFIELD repeats", len(rc.HRandField(ctx, "u", -10).Val()), 10)
	check("HRANDFIELD WITHVALUES", len(rc.HRandFieldWithValues(ctx, "u", 2).Val()), 2)
	check("HSET on a string", rc.Set(ctx, "s", "x", 0).Err(), nil)
	check("HSET WRONGTYPE", rc.HSet(ctx, "s", "f", "v").Err(), listWrongType)

	// A table: every field, through HSCAN's iterator, exactly once.
	want := map[string]string{}
	for i := range 1000 {
		want["f"+strconv.Itoa(i)] = strconv.Itoa(i * i)
	}
	if err := rc.HSet(ctx, "big", want).Err(); err != nil {
		t.Fatal(err)
	}
	check("OBJECT ENCODING big", rc.ObjectEncoding(ctx, "big").Val(), "hashtable")
	got := map[string]string{}
	iter := rc.HScan(ctx, "big", 0, "", 50).Iterator()
	for iter.Next(ctx) {
		field := iter.Val()
		if !iter.Next(ctx) {
			t.Fatal("HSCAN: a field without its value")
		}
		got[field] = iter.Val()
	}
	if iter.Err() != nil || !maps.Equal(got, want) {
		t.Errorf("HSCAN iterated %d fields (%v), want %d", len(got), iter.Err(), len(want))
	}
	check("HGETALL big", len(rc.HGetAll(ctx, "big").Val()), 1000)
	check("HDEL everything", rc.Del(ctx, "big").Val(), 1)
}

// testHashes exercise both encodings: a listpack of integers and text, a
// table grown past the entries limit, one converted by a long value.
func testHashes() map[string]map[string]string {
	table := map[string]string{}
	for i := range 700 {
		table[fmt.Sprintf("field:%d", i)] = fmt.Sprint(i - 300)
	}
	return map[string]map[string]string{
		"lp":    {"a": "1", "b": "-2", "c": "", "d": "9223372036854775807", "e": "007", "\x00\xff": "é"},
		"table": table,
		"long":  {"short": "x", "long": string(bytes.Repeat([]byte("v"), 100))},
	}
}

func writeHashes(t *testing.T, rc *redis.Client, hashes map[string]map[string]string) {
	t.Helper()
	for k, fields := range hashes {
		for f, v := range fields {
			if err := rc.HSet(ctx, k, f, v).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func checkHashes(t *testing.T, who string, rc *redis.Client, hashes map[string]map[string]string) {
	t.Helper()
	for k, want := range hashes {
		if got, err := rc.HGetAll(ctx, k).Result(); err != nil || !maps.Equal(got, want) {
			t.Errorf("%s: %s has %d fields (%v), want %d", who, k, len(got), err, len(want))
		}
		enc := "listpack"
		if len(want) > 512 || k == "long" {
			enc = "hashtable"
		}
		if got := rc.ObjectEncoding(ctx, k).Val(); got != enc {
			t.Errorf("%s: %s is a %s, want %s", who, k, got, enc)
		}
	}
}

// Hashes cross RDB files both ways, and DUMP payloads of listpack hashes
// equal Redis's own.
func TestHashesRDBInteroperability(t *testing.T) {
	interopRequireRedis(t)
	hashes := testHashes()
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir)
	mine := newClients(t, addr)["resp2"]
	writeHashes(t, mine, hashes)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--dir", dir)})
	defer real.Close()
	checkHashes(t, "respd's RDB in redis-server", real, hashes)

	// Same insertion order on both sides: a listpack's bytes are equal.
	fresh := redis.NewClient(&redis.Options{Addr: diffStartRedis(t)})
	defer fresh.Close()
	for _, rc := range []*redis.Client{mine, fresh} {
		rc.Del(ctx, "ordered")
		for i := range 20 {
			rc.HSet(ctx, "ordered", "k"+strconv.Itoa(i), strconv.Itoa(i*1000))
		}
	}
	if got, want := mine.Dump(ctx, "ordered").Val(), fresh.Dump(ctx, "ordered").Val(); got != want {
		t.Errorf("DUMP of a listpack hash: respd's payload differs from redis-server's (%q and %q)", got, want)
	}
	// A table's payload lists fields in table order: it restores equal.
	payload := mine.Dump(ctx, "table").Val()
	if err := fresh.Restore(ctx, "table", 0, payload).Err(); err != nil {
		t.Fatal(err)
	}
	checkHashes(t, "respd's DUMP restored in redis-server", fresh, map[string]map[string]string{"table": hashes["table"]})

	checkHashes(t, "redis-server's RDB in respd", respdOnRedisRDB(t, nil, func(rc *redis.Client) { writeHashes(t, rc, hashes) }), hashes)
}

// An AOF rewrite writes hashes as HMSET commands of up to 64 fields.
func TestHashesAOFRewrite(t *testing.T) {
	interopRequireRedis(t)
	hashes := testHashes()
	dir := t.TempDir()
	args := []string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}
	base := rewrittenBase(t, dir, args, func(rc *redis.Client) { writeHashes(t, rc, hashes) })
	// "table" holds 700 fields: 10 commands of 64, then one of 60.
	if full, last := bytes.Count(base, []byte("*130\r\n$5\r\nHMSET\r\n$5\r\ntable\r\n")), bytes.Count(base, []byte("*122\r\n$5\r\nHMSET\r\n$5\r\ntable\r\n")); full != 10 || last != 1 {
		t.Errorf("the base writes table in %d commands of 64 fields and %d of 60, want 10 and 1", full, last)
	}
	_, addr2 := startTestServer(t, args...)
	checkHashes(t, "respd replaying its rewrite", newClients(t, addr2)["resp2"], hashes)
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, args...)})
	defer real.Close()
	checkHashes(t, "redis-server replaying respd's rewrite", real, hashes)
}
