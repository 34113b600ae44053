package main

// Sorted sets across RDB files (respd's in redis-server, redis-server's in
// respd), DUMP payloads (Redis's own bytes in both encodings), AOF
// rewrites both ways and background saves.

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"respd/internal/aof"
	"respd/internal/jemalloc"
	"respd/internal/listpack"
	"respd/internal/rdb"
	"respd/internal/redisconv"
)

// testZSets are sorted sets of each encoding: a listpack of awkward scores
// and members; skiplists for their size and for a long member; and
// "shrunk", grown into a skiplist and then cut down (writeZSets), which
// stays one in memory but loads as a listpack, as Redis converts a
// sorted set stored member by member when it fits.
func testZSets() map[string][]redis.Z {
	large := make([]redis.Z, 300)
	for i := range large {
		large[i] = redis.Z{Score: float64(i%50) / 4, Member: fmt.Sprintf("member:%d", i)} // equal scores: by member
	}
	shrunk := make([]redis.Z, 10)
	for i := range shrunk {
		shrunk[i] = redis.Z{Score: float64(i), Member: strconv.Itoa(i * 1000)}
	}
	return map[string][]redis.Z{
		"small": {{Score: 1, Member: "a"}, {Score: 2.5, Member: "b"}, {Score: math.Inf(-1), Member: "c"}, {Score: math.Inf(1), Member: "d"},
			{Score: 0.1, Member: "e"}, {Score: -3, Member: "12345"}, {Score: 1e20, Member: ""}, {Score: math.Copysign(0, -1), Member: "\x00\xff\r\n"},
			{Score: 1, Member: "é"}, {Score: 5e-324, Member: "tiny"}, {Score: 1 << 53, Member: "2^53"}},
		"large":  large,
		"long":   {{Score: 1, Member: "short"}, {Score: 2, Member: strings.Repeat("l", 100)}},
		"shrunk": shrunk,
	}
}

// writeZSets adds each sorted set's members with one ZADD; "shrunk" gets
// 190 more members first, removed after.
func writeZSets(t *testing.T, rc *redis.Client, zsets map[string][]redis.Z) {
	t.Helper()
	for k, members := range zsets {
		var extra []any
		if k == "shrunk" {
			for i := range 190 {
				m := fmt.Sprintf("gone:%d", i)
				rc.ZAdd(ctx, k, redis.Z{Score: float64(i), Member: m})
				extra = append(extra, m)
			}
		}
		if err := rc.ZAdd(ctx, k, members...).Err(); err != nil {
			t.Fatal(err)
		}
		if len(extra) > 0 {
			if err := rc.ZRem(ctx, k, extra...).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// sortedZ is members by score, then member bytes: a sorted set's order.
func sortedZ(members []redis.Z) []redis.Z {
	sorted := slices.Clone(members)
	slices.SortFunc(sorted, func(a, b redis.Z) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), strings.Compare(a.Member.(string), b.Member.(string)))
	})
	return sorted
}

// checkZSets checks every sorted set's members, scores and encoding;
// loaded says whether they were loaded from a file (or a rewrite), where
// "shrunk" is a listpack.
func checkZSets(t *testing.T, who string, rc *redis.Client, zsets map[string][]redis.Z, loaded bool) {
	t.Helper()
	for k, members := range zsets {
		got, err := rc.ZRangeWithScores(ctx, k, 0, -1).Result()
		if want := sortedZ(members); err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %s holds %v (%v), want %v", who, k, got, err, want)
		}
		enc := "skiplist"
		if k == "small" || k == "shrunk" && loaded {
			enc = "listpack"
		}
		if got := rc.ObjectEncoding(ctx, k).Val(); got != enc {
			t.Errorf("%s: %s is a %s, want %s", who, k, got, enc)
		}
	}
}

// debugSerializedLength is DEBUG OBJECT's serializedlength of key.
func debugSerializedLength(t *testing.T, rc *redis.Client, key string) string {
	t.Helper()
	out, err := rc.Do(ctx, "DEBUG", "OBJECT", key).Text()
	_, after, found := strings.Cut(out, "serializedlength:")
	if err != nil || !found {
		t.Fatalf("DEBUG OBJECT %s: %q, %v", key, out, err)
	}
	return strings.Fields(after)[0]
}

// Sorted sets cross RDB files both ways and DUMP payloads: the same writes
// in respd and in redis-server give the same payloads byte for byte, and
// the same serializedlength, in both encodings; the same MEMORY USAGE of
// a listpack; and Redis's payloads restore in respd as in Redis.
func TestZSetsRDBInteroperability(t *testing.T) {
	interopRequireRedis(t)
	zsets := testZSets()
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir, "--enable-debug-command", "yes")
	mine := newClients(t, addr)["resp2"]
	writeZSets(t, mine, zsets)
	checkZSets(t, "respd", mine, zsets, false)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--dir", dir)})
	defer real.Close()
	checkZSets(t, "respd's RDB in redis-server", real, zsets, true)
	_, again := startTestServer(t, "--dir", dir)
	checkZSets(t, "respd's RDB in respd", newClients(t, again)["resp2"], zsets, true)

	fresh := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--enable-debug-command", "yes")})
	defer fresh.Close()
	writeZSets(t, fresh, zsets)
	for k := range zsets {
		payload := fresh.Dump(ctx, k).Val()
		if got := mine.Dump(ctx, k).Val(); got != payload {
			t.Errorf("DUMP %s (a %s): respd's payload differs from redis-server's:\n%q\n%q", k, mine.ObjectEncoding(ctx, k).Val(), got, payload)
		}
		if got, want := debugSerializedLength(t, mine, k), debugSerializedLength(t, fresh, k); got != want {
			t.Errorf("DEBUG OBJECT %s: serializedlength %s, redis-server's %s", k, got, want)
		}
		// Restored, Redis's payload is what Redis makes of it ("shrunk"
		// becomes a listpack).
		restored := k + ":restored"
		for _, rc := range []*redis.Client{mine, fresh} {
			if err := rc.Restore(ctx, restored, 0, payload).Err(); err != nil {
				t.Fatalf("RESTORE of redis-server's %s: %v", k, err)
			}
		}
		if got, want := mine.Dump(ctx, restored).Val(), fresh.Dump(ctx, restored).Val(); got != want {
			t.Errorf("DUMP %s: respd's payload differs from redis-server's:\n%q\n%q", restored, got, want)
		}
		if got, want := mine.ObjectEncoding(ctx, restored).Val(), fresh.ObjectEncoding(ctx, restored).Val(); got != want {
			t.Errorf("%s is a %s in respd, a %s in redis-server", restored, got, want)
		}
	}
	if got, want := mine.MemoryUsage(ctx, "small").Val(), fresh.MemoryUsage(ctx, "small").Val(); got != want {
		t.Errorf("MEMORY USAGE of a listpack: %d, redis-server's %d", got, want)
	}

	checkZSets(t, "redis-server's RDB in respd", respdOnRedisRDB(t, nil, func(rc *redis.Client) { writeZSets(t, rc, zsets) }), zsets, true)
}

// MEMORY USAGE of a one-member skiplist under key "one" is Redis's
// objectComputeSize: redis-server 7.0.15 answers 904 when the node has one
// level (its header node, dict and the rest being 856 bytes), 920 with two.
func TestZSetsMemoryUsageOfSkiplist(t *testing.T) {
	rc := newClients(t, startServer(t, "--zset-max-listpack-entries", "0"))["resp2"]
	rc.ZAdd(ctx, "one", redis.Z{Score: 1, Member: "a"})
	got := rc.MemoryUsage(ctx, "one").Val()
	for levels := 1; levels <= zskiplistMaxLevel; levels++ {
		if got == 856+jemalloc.Size(zskiplistNodeSize(levels)) {
			return
		}
	}
	t.Errorf("MEMORY USAGE = %d, not 856 and a node's size", got)
}

// loadValue keeps a stored listpack as it is unless it has more members
// than zset-max-listpack-entries, and makes a sorted set stored member by
// member a listpack only if it fits both limits (rdbLoadObject); a
// listpack respd could not have written is refused, naming its key.
func TestLoadZSet(t *testing.T) {
	long := strings.Repeat("x", 100)
	cfg := defaultConfig()
	cfg.ZsetMaxListpackEntries = 2
	for _, c := range []struct {
		name string
		r    rdb.Record
		n    int
		enc  string
	}{
		{"listpack of a long member", rdb.Record{Type: 17, ZSetListpack: listpack.Build([]byte(long), []byte("1"))}, 1, "listpack"},
		{"listpack past the entries", rdb.Record{Type: 17, ZSetListpack: listpack.Build([]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte("c"), []byte("3"))}, 3, "skiplist"},
		{"pairs that fit", rdb.Record{Type: 5, ZSet: []rdb.ZMember{{Member: []byte("b"), Score: 2}, {Member: []byte("a"), Score: 1}}}, 2, "listpack"},
		{"pairs with a long member", rdb.Record{Type: 5, ZSet: []rdb.ZMember{{Member: []byte(long), Score: 1}}}, 1, "skiplist"},
		{"pairs past the entries", rdb.Record{Type: 5, ZSet: []rdb.ZMember{{Member: []byte("c"), Score: 3}, {Member: []byte("b"), Score: 2}, {Member: []byte("a"), Score: 1}}}, 3, "skiplist"},
	} {
		e, err := loadValue(&c.r, cfg)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if n, enc := e.ZSet().Len(), encoding(e); n != c.n || enc != c.enc {
			t.Errorf("%s: a %s of %d members, want a %s of %d", c.name, enc, n, c.enc, c.n)
		}
	}
	_, err := loadValue(&rdb.Record{Key: []byte("z"), Type: 17, ZSetListpack: listpack.Build([]byte("b"), []byte("2"), []byte("a"), []byte("1"))}, cfg)
	if err == nil || !strings.HasPrefix(err.Error(), "key 'z': invalid sorted set listpack") {
		t.Errorf("an unordered listpack: %v", err)
	}
}

// rewrittenZadd is the ZADD command an AOF rewrite writes for a
// listpack's members, in order: scores as rioWriteBulkDouble prints them,
// a zero unsigned (a listpack holds -0 as 0, as Redis writes it).
func rewrittenZadd(key string, members []redis.Z) []byte {
	argv := [][]byte{[]byte("ZADD"), []byte(key)}
	for _, m := range members {
		score := m.Score
		if score == 0 {
			score = 0
		}
		argv = append(argv, redisconv.AppendDouble(nil, score), []byte(m.Member.(string)))
	}
	return aof.AppendCommand(nil, argv)
}

// An AOF rewrite writes sorted sets as ZADD commands of up to 64 pairs,
// a listpack's as redis-server's own rewrite does, byte for byte; respd
// and redis-server replay it, and respd replays redis-server's rewrite,
// with or without an RDB preamble.
func TestZSetsAOFRewrite(t *testing.T) {
	interopRequireRedis(t)
	zsets := testZSets()
	dir := t.TempDir()
	args := []string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}
	base := rewrittenBase(t, dir, args, func(rc *redis.Client) { writeZSets(t, rc, zsets) })
	// "large" holds 300 members: 4 commands of 64 pairs, then one of 44.
	if full, last := bytes.Count(base, []byte("*130\r\n$4\r\nZADD\r\n$5\r\nlarge\r\n")), bytes.Count(base, []byte("*90\r\n$4\r\nZADD\r\n$5\r\nlarge\r\n")); full != 4 || last != 1 {
		t.Errorf("the base writes large in %d commands of 64 pairs and %d of 44, want 4 and 1", full, last)
	}
	small := rewrittenZadd("small", sortedZ(zsets["small"]))
	if !bytes.Contains(base, small) {
		t.Errorf("the base lacks %q", small)
	}
	_, addr := startTestServer(t, args...)
	checkZSets(t, "respd replaying its rewrite", newClients(t, addr)["resp2"], zsets, true)
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, args...)})
	defer real.Close()
	checkZSets(t, "redis-server replaying respd's rewrite", real, zsets, true)

	for _, preamble := range []string{"no", "yes"} {
		dir, theirs := redisRewrittenAOF(t, []string{"--aof-use-rdb-preamble", preamble}, func(rc *redis.Client) { writeZSets(t, rc, zsets) })
		if preamble == "no" && !bytes.Contains(theirs, small) {
			t.Errorf("redis-server's rewrite lacks %q", small)
		}
		_, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
		checkZSets(t, "respd replaying redis-server's rewrite (preamble "+preamble+")", newClients(t, addr)["resp2"], zsets, true)
	}
}

// redisRewrittenAOF has a redis-server with an AOF and args write with
// fill and rewrite its AOF, and returns its directory and the new base.
func redisRewrittenAOF(t *testing.T, args []string, fill func(*redis.Client)) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	addr := diffStartRedis(t, append([]string{"--dir", dir, "--appendonly", "yes"}, args...)...)
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	fill(rc)
	if err := rc.BgRewriteAOF(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	raw := dialRaw(t, addr)
	var bases []string
	waitFor(t, func() bool {
		info := rawInfo(t, raw, "persistence")
		bases, _ = filepath.Glob(filepath.Join(dir, "appendonlydir", "*.base.*"))
		return info["aof_rewrite_in_progress"] == "0" && info["aof_rewrite_scheduled"] == "0" && info["aof_rewrites"] != "0" && len(bases) == 1
	})
	base, err := os.ReadFile(bases[0])
	if err != nil {
		t.Fatal(err)
	}
	return dir, base
}

// A background save writes sorted sets as they were when it started,
// whatever is added, incremented, removed or deleted meanwhile.
func TestBgsaveKeepsZSetsAsTheyWere(t *testing.T) {
	dir := t.TempDir()
	// A second per key: the save lasts until the writes below are done
	// and rdb-key-save-delay is set back to 0.
	_, addr := startTestServer(t, "--dir", dir, "--rdb-key-save-delay", "1000000")
	rc := newClients(t, addr)["resp2"]
	zsets := testZSets()
	writeZSets(t, rc, zsets)
	raw := dialRaw(t, addr)
	raw.do("+Background saving started\r\n", "BGSAVE")
	for k, members := range zsets {
		rc.ZAdd(ctx, k, redis.Z{Score: 7, Member: "new"})
		rc.ZIncrBy(ctx, k, 100, members[0].Member.(string))
		rc.ZRem(ctx, k, members[len(members)-1].Member)
	}
	rc.Del(ctx, "long")
	raw.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "0")
	waitFor(t, func() bool { return rawInfo(t, raw, "persistence")["rdb_bgsave_in_progress"] == "0" })
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	_, loaded := startTestServer(t, "--dir", dir)
	checkZSets(t, "the snapshot", newClients(t, loaded)["resp2"], zsets, true)
}
