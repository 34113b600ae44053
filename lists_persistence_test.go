package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"respd/internal/keyspace"
)

// testLists are lists that exercise the encodings: integers and text in
// one node, many small nodes, compressed inner nodes, a plain-sized
// element, and a list whose pops left a short head node.
func testLists() map[string][]string {
	many := make([]string, 1000)
	for i := range many {
		if i%3 == 0 {
			many[i] = fmt.Sprint(i - 500)
		} else {
			many[i] = fmt.Sprintf("element-%d-%s", i, strings.Repeat("x", i%40))
		}
	}
	return map[string][]string{
		"small": {"a", "1", "-2", "", "9223372036854775807", "007"},
		"many":  many,
		"big":   {"head", strings.Repeat("compressible ", 6000), "tail"},
		"bin":   {"\x00\x01\xff\r\n", "é"},
	}
}

// listOptions make nodes small and compress all but the end ones, so the
// files hold many nodes, LZF-compressed ones among them.
var listOptions = []string{"--list-max-listpack-size", "4", "--list-compress-depth", "1"}

func pushLists(t *testing.T, rc *redis.Client, lists map[string][]string) {
	t.Helper()
	for k, vs := range lists {
		for _, v := range vs {
			if err := rc.RPush(ctx, k, v).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A short head node: pops from a full one.
	rc.LPop(ctx, "many")
	rc.LPop(ctx, "many")
}

func checkLists(t *testing.T, who string, rc *redis.Client, lists map[string][]string) {
	t.Helper()
	for k, vs := range lists {
		want := vs
		if k == "many" {
			want = vs[2:]
		}
		if got, err := rc.LRange(ctx, k, 0, -1).Result(); err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %s has %d elements (%v), want %d", who, k, len(got), err, len(want))
		}
	}
}

// Lists cross RDB files both ways: what respd saves passes
// redis-check-rdb and loads into redis-server, with DUMP payloads equal to
// Redis's own for the same pushes; what redis-server saves loads into
// respd.
func TestListsRDBInteroperability(t *testing.T) {
	interopRequireRedis(t)
	lists := testLists()

	dir := t.TempDir()
	_, addr := startTestServer(t, append([]string{"--dir", dir}, listOptions...)...)
	mine := newClients(t, addr)["resp2"]
	pushLists(t, mine, lists)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, append([]string{"--dir", dir}, listOptions...)...)})
	defer real.Close()
	checkLists(t, "respd's RDB in redis-server", real, lists)

	fresh := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, listOptions...)})
	defer fresh.Close()
	pushLists(t, fresh, lists)
	for k := range lists {
		if got, want := mine.Dump(ctx, k).Val(), fresh.Dump(ctx, k).Val(); got != want {
			t.Errorf("DUMP %s: respd's payload differs from redis-server's (%d and %d bytes)", k, len(got), len(want))
		}
	}

	checkLists(t, "redis-server's RDB in respd", respdOnRedisRDB(t, listOptions, func(rc *redis.Client) { pushLists(t, rc, lists) }), lists)
}

// An AOF rewrite without an RDB preamble writes lists as RPUSH commands of
// up to 64 elements: respd replays it, and so does redis-server.
func TestListsAOFRewrite(t *testing.T) {
	interopRequireRedis(t)
	lists := testLists()
	dir := t.TempDir()
	args := append([]string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}, listOptions...)
	base := rewrittenBase(t, dir, args, func(rc *redis.Client) { pushLists(t, rc, lists) })
	// "many" holds 998 elements: 15 commands of 64, then one of 38.
	if full, last := bytes.Count(base, []byte("*66\r\n$5\r\nRPUSH\r\n$4\r\nmany\r\n")), bytes.Count(base, []byte("*40\r\n$5\r\nRPUSH\r\n$4\r\nmany\r\n")); full != 15 || last != 1 {
		t.Errorf("the base writes many in %d commands of 64 and %d of 38, want 15 and 1", full, last)
	}

	_, addr2 := startTestServer(t, args...)
	checkLists(t, "respd replaying its rewrite", newClients(t, addr2)["resp2"], lists)
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, args...)})
	defer real.Close()
	checkLists(t, "redis-server replaying respd's rewrite", real, lists)
}

// respdOnRedisRDB has a redis-server started with args write with fill
// and SAVE, then starts respd on that file and returns a client of it.
func respdOnRedisRDB(t *testing.T, args []string, fill func(*redis.Client)) *redis.Client {
	t.Helper()
	dir := t.TempDir()
	theirs := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, append([]string{"--dir", dir}, args...)...)})
	defer theirs.Close()
	fill(theirs)
	if err := theirs.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	_, addr := startTestServer(t, "--dir", dir)
	return newClients(t, addr)["resp2"]
}

// rewrittenBase starts respd with args (an AOF in dir without an RDB
// preamble), has fill write its data, runs BGREWRITEAOF, stops the server
// and returns the base file the rewrite wrote.
func rewrittenBase(t *testing.T, dir string, args []string, fill func(*redis.Client)) []byte {
	t.Helper()
	s, addr := startTestServer(t, args...)
	rc := dialRaw(t, addr)
	fill(newClients(t, addr)["resp2"])
	rc.do("+Background append only file rewriting started\r\n", "BGREWRITEAOF")
	waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["aof_rewrite_in_progress"] == "0" })
	s.Shutdown()
	bases, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.base.aof"))
	if len(bases) != 1 {
		t.Fatalf("bases: %v", bases)
	}
	base, err := os.ReadFile(bases[0])
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// A background save writes lists as they were when it started, whatever
// is pushed, popped, set, inserted, trimmed or removed meanwhile: each
// write copies only the nodes it touches (quicklist's copy-on-write
// Freeze), never the list.
func TestBgsaveKeepsListsAsTheyWere(t *testing.T) {
	dir := t.TempDir()
	// A second per key: the save lasts until the writes below are done
	// and rdb-key-save-delay is set back to 0.
	_, addr := startTestServer(t, "--dir", dir, "--list-max-listpack-size", "16", "--rdb-key-save-delay", "1000000")
	rc := dialRaw(t, addr)
	const n = 200000
	var load strings.Builder
	for i := 0; i < n; i += 1000 {
		load.WriteString(rwCmd(append([]string{"RPUSH", "big"}, listElements(i, i+1000)...)...))
	}
	for i := range 1000 {
		load.WriteString(rwCmd("RPUSH", "small:"+strconv.Itoa(i), "a", "b", "c"))
	}
	rc.send(load.String())
	for i := 0; i < n; i += 1000 {
		rc.expect(":" + strconv.Itoa(i+1000) + "\r\n")
	}
	rc.expect(strings.Repeat(":3\r\n", 1000))
	rc.do("+Background saving started\r\n", "BGSAVE")
	for i := range 1000 {
		switch k := "small:" + strconv.Itoa(i); i % 4 {
		case 0:
			rc.do(":4\r\n", "LPUSH", k, "new")
		case 1:
			rc.do("$1\r\nc\r\n", "RPOP", k)
		case 2:
			rc.do("+OK\r\n", "LSET", k, "1", "changed")
		case 3:
			rc.do(":1\r\n", "DEL", k)
		}
		switch i % 5 {
		case 0:
			rc.send(rwCmd("LPUSH", "big", "pushed"))
		case 1:
			rc.send(rwCmd("LSET", "big", strconv.Itoa(i*100), "set"))
		case 2:
			rc.send(rwCmd("LREM", "big", "1", "e"+strconv.Itoa(i*150)))
		case 3:
			rc.send(rwCmd("LINSERT", "big", "AFTER", "e"+strconv.Itoa(i*170), "inserted"))
		case 4:
			rc.send(rwCmd("RPOP", "big"))
		}
		if reply, err := diffReadReply(rc.r); err != nil || reply[0] == '-' {
			t.Fatalf("writing big: %q %v", reply, err)
		}
	}
	rc.do("+OK\r\n", "LTRIM", "big", "10", "-10")
	rc.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "0")
	waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["rdb_bgsave_in_progress"] == "0" })
	checkRDB(t, filepath.Join(dir, "dump.rdb"))

	cfg, _ := parseArgs([]string{"--dir", dir})
	loaded := NewServer(cfg)
	if err := loaded.LoadRDB(); err != nil {
		t.Fatal(err)
	}
	big := loaded.ks.DBs[0].Peek("big")
	if big == nil || big.Type != keyspace.TypeList {
		t.Fatal("big is not in the snapshot")
	}
	want := listElements(0, n)
	i := 0
	for _, v := range big.List().Elements(0, false) {
		if i >= len(want) || string(v) != want[i] {
			t.Fatalf("big[%d] in the snapshot is %q", i, v)
		}
		i++
	}
	if i != n {
		t.Fatalf("big has %d elements in the snapshot, want %d", i, n)
	}
	for i := range 1000 {
		e := loaded.ks.DBs[0].Peek("small:" + strconv.Itoa(i))
		if e == nil || e.List().Len() != 3 {
			t.Fatalf("small:%d in the snapshot: %v", i, e)
		}
		if v, _ := e.List().Index(1); string(v) != "b" {
			t.Fatalf("small:%d[1] in the snapshot is %q", i, v)
		}
	}
}

func listElements(from, to int) []string {
	els := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		els = append(els, "e"+strconv.Itoa(i))
	}
	return els
}
