package main

// Streams across RDB files (respd's in redis-server, redis-server's in
// respd), DUMP payloads (Redis's own bytes), AOF rewrites both ways and
// background saves, compared by XINFO STREAM FULL.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"respd/internal/aof"
)

// testStreamKeys are the keys streamWorkload writes.
var testStreamKeys = []string{"small", "big", "tomb", "groups", "emptied", "mk", "ttl", "bytes"}

// streamWorkload writes streams with explicit IDs, so that two servers
// make the same ones: one node; more than 100 entries, trimmed by nodes;
// tombstones and a node emptied by XDEL; nodes cut by their bytes; groups
// with entries delivered by XREADGROUP to several consumers, acknowledged,
// claimed, deleted from the stream while pending, with their delivery
// times set by XCLAIM TIME; streams emptied or made empty by MKSTREAM; a
// TTL.
func streamWorkload() [][]string {
	cmds := [][]string{
		{"XADD", "small", "1-1", "name", "a", "age", "1"},
		{"XADD", "small", "1-2", "name", "b", "age", "-300000"},
		{"XADD", "small", "2-0", "city", "x"},
		{"XADD", "small", "5-7", "7", "9223372036854775807", "", ""},
	}
	for i := range 300 {
		fv := []string{"field", strconv.Itoa(i * 7919), "n", strconv.Itoa(-i)}
		if i%3 == 0 {
			fv[1] = strings.Repeat("value", i%20) + fv[1]
		}
		if i%10 == 0 {
			fv = append(fv, "extra", "x")
		}
		cmds = append(cmds, append([]string{"XADD", "big", "MAXLEN", "~", "250", fmt.Sprintf("%d-%d", 1000+i/4, i%4)}, fv...))
	}
	for i := range 150 {
		cmds = append(cmds, []string{"XADD", "tomb", fmt.Sprintf("%d-0", i+1), "f", strconv.Itoa(i)})
	}
	cmds = append(cmds, []string{"XDEL", "tomb", "1-0", "3-0", "50-0", "101-0"})
	for i := 101; i <= 150; i++ {
		if i%2 == 0 {
			cmds = append(cmds, []string{"XDEL", "tomb", fmt.Sprintf("%d-0", i)})
		}
	}
	for i := 101; i <= 200; i++ {
		cmds = append(cmds, []string{"XDEL", "tomb", fmt.Sprintf("%d-0", i)})
	}
	for i := range 40 {
		cmds = append(cmds, []string{"XADD", "bytes", fmt.Sprintf("%d-0", i+1), "payload", strings.Repeat(string(rune('a'+i%26)), 300+i*10)})
	}
	cmds = append(cmds, []string{"XTRIM", "bytes", "MAXLEN", "20"})
	for i := range 10 {
		cmds = append(cmds, []string{"XADD", "groups", fmt.Sprintf("1-%d", i+1), "a", strconv.Itoa(i)})
	}
	cmds = append(cmds,
		[]string{"XGROUP", "CREATE", "groups", "g1", "0"},
		[]string{"XGROUP", "CREATE", "groups", "g2", "$"},
		[]string{"XGROUP", "CREATE", "groups", "g3", "1-5", "ENTRIESREAD", "-1"},
		[]string{"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "4", "STREAMS", "groups", ">"},
		[]string{"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "groups", ">"},
		[]string{"XREADGROUP", "GROUP", "g3", "carol", "STREAMS", "groups", ">"},
		[]string{"XACK", "groups", "g1", "1-1", "1-6"},
		[]string{"XGROUP", "CREATECONSUMER", "groups", "g1", "idle"},
		[]string{"XGROUP", "CREATECONSUMER", "groups", "g2", "nobody"},
		[]string{"XCLAIM", "groups", "g1", "bob", "0", "1-2", "TIME", "1700000000000", "RETRYCOUNT", "3", "JUSTID"},
		[]string{"XCLAIM", "groups", "g1", "alice", "0", "1-3", "1-4", "TIME", "1700000000001", "JUSTID"},
		[]string{"XCLAIM", "groups", "g1", "bob", "0", "1-5", "1-7", "TIME", "1700000000002", "RETRYCOUNT", "9", "JUSTID"},
		[]string{"XCLAIM", "groups", "g3", "carol", "0", "1-6", "1-7", "1-8", "1-9", "1-10", "TIME", "1700000000003", "JUSTID"},
		[]string{"XDEL", "groups", "1-4", "1-9"},
		[]string{"XADD", "emptied", "1-0", "a", "1"},
		[]string{"XADD", "emptied", "2-0", "a", "2"},
		[]string{"XGROUP", "CREATE", "emptied", "g", "$"},
		[]string{"XDEL", "emptied", "1-0", "2-0"},
		[]string{"XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM"},
		[]string{"XADD", "ttl", "1-0", "a", "1"},
		[]string{"PEXPIREAT", "ttl", "4102444800000"},
	)
	return cmds
}

// writeStreams runs streamWorkload on rc.
func writeStreams(t *testing.T, rc *redis.Client) {
	t.Helper()
	for _, cmd := range streamWorkload() {
		args := make([]any, len(cmd))
		for i, a := range cmd {
			args[i] = a
		}
		if err := rc.Do(ctx, args...).Err(); err != nil && err != redis.Nil {
			t.Fatalf("%q: %v", cmd, err)
		}
	}
}

// xinfoFull is XINFO STREAM key FULL COUNT 0, with the consumers' seen
// times replaced by 0 unless seen.
func xinfoFull(t *testing.T, rc *redis.Client, key string, seen bool) any {
	t.Helper()
	v, err := rc.Do(ctx, "XINFO", "STREAM", key, "FULL", "COUNT", "0").Result()
	if err != nil {
		t.Fatalf("XINFO STREAM %s FULL: %v", key, err)
	}
	if !seen {
		for _, c := range xinfoConsumers(v) {
			for i := 0; i+1 < len(c); i += 2 {
				if c[i] == "seen-time" {
					c[i+1] = int64(0)
				}
			}
		}
	}
	return v
}

// xinfoGroups are the groups of an XINFO STREAM FULL reply (RESP2), by
// name.
func xinfoGroups(info any) [][]any {
	var out [][]any
	groups, _ := xinfoField(info.([]any), "groups").([]any)
	for _, g := range groups {
		out = append(out, g.([]any))
	}
	return out
}

func xinfoField(kv []any, name string) any {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == name {
			return kv[i+1]
		}
	}
	return nil
}

// xinfoConsumers are the consumers of an XINFO STREAM FULL reply (RESP2:
// arrays of names and values), in its order: groups, then consumers, by
// name.
func xinfoConsumers(info any) [][]any {
	var out [][]any
	for _, g := range xinfoGroups(info) {
		cs, _ := xinfoField(g, "consumers").([]any)
		for _, c := range cs {
			out = append(out, c.([]any))
		}
	}
	return out
}

// seenTimes are the consumers' seen times in XINFO STREAM FULL's order.
func seenTimes(t *testing.T, rc *redis.Client, key string) []int64 {
	var out []int64
	for _, c := range xinfoConsumers(xinfoFull(t, rc, key, true)) {
		for i := 0; i+1 < len(c); i += 2 {
			if c[i] == "seen-time" {
				out = append(out, c[i+1].(int64))
			}
		}
	}
	return out
}

// checkStreams compares every test stream of rc with want's, by XINFO
// STREAM FULL (with the consumers' seen times unless !seen) and TTL.
func checkStreams(t *testing.T, who string, rc *redis.Client, want map[string]any, seen bool) {
	t.Helper()
	for _, k := range testStreamKeys {
		if got := xinfoFull(t, rc, k, seen); !reflect.DeepEqual(got, want[k]) {
			t.Errorf("%s: XINFO STREAM %s FULL:\n%v\nwant\n%v", who, k, got, want[k])
		}
	}
	if ttl := rc.PTTL(ctx, "ttl").Val(); ttl <= 0 {
		t.Errorf("%s: ttl has PTTL %v", who, ttl)
	}
}

func streamInfos(t *testing.T, rc *redis.Client, seen bool) map[string]any {
	infos := map[string]any{}
	for _, k := range testStreamKeys {
		infos[k] = xinfoFull(t, rc, k, seen)
	}
	return infos
}

// withSeenTimes is respd's payload of key with the consumers' seen times
// (Redis's clock at the commands) set to redis-server's, each found after
// the one before: the payloads hold them in the order XINFO lists them.
// The checksum is left off.
func withSeenTimes(t *testing.T, payload []byte, mine, theirs []int64) []byte {
	t.Helper()
	out := bytes.Clone(payload[:len(payload)-8])
	if len(mine) != len(theirs) {
		t.Fatalf("%d consumers in respd, %d in redis-server", len(mine), len(theirs))
	}
	at := 0
	for i := range mine {
		var m [8]byte
		binary.LittleEndian.PutUint64(m[:], uint64(mine[i]))
		j := bytes.Index(out[at:], m[:])
		if j < 0 {
			t.Fatalf("seen time %d not in respd's payload", mine[i])
		}
		binary.LittleEndian.PutUint64(out[at+j:], uint64(theirs[i]))
		at += j + 8
	}
	return out
}

// Streams cross RDB files both ways: respd's dump.rdb passes
// redis-check-rdb and loads in redis-server with the same XINFO STREAM
// FULL (nodes, seen and delivery times included), and in respd, its nodes
// as they were whatever stream-node-max-* say; redis-server's loads in
// respd the same; DUMP payloads of the same writes are redis-server's
// bytes (the consumers' seen times aside, which are each server's clock),
// and redis-server's payloads restore in respd to DUMP the same again.
func TestStreamsPersistRDBInterop(t *testing.T) {
	interopRequireRedis(t)
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir, "--enable-debug-command", "yes")
	mine := newClients(t, addr)["resp2"]
	writeStreams(t, mine)
	want := streamInfos(t, mine, true)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	real := resp2Client(diffStartRedis(t, "--dir", dir))
	defer real.Close()
	checkStreams(t, "respd's RDB in redis-server", real, want, true)
	// Nodes load as stored, whatever the limits are now.
	_, again := startTestServer(t, "--dir", dir, "--stream-node-max-entries", "7", "--stream-node-max-bytes", "100")
	checkStreams(t, "respd's RDB in respd", newClients(t, again)["resp2"], want, true)

	theirDir := t.TempDir()
	fresh := resp2Client(diffStartRedis(t, "--dir", theirDir, "--enable-debug-command", "yes"))
	defer fresh.Close()
	writeStreams(t, fresh)
	theirs := streamInfos(t, fresh, true)
	if !reflect.DeepEqual(streamInfos(t, mine, false), streamInfos(t, fresh, false)) {
		t.Errorf("the same writes give other streams:\n%v\n%v", streamInfos(t, mine, false), streamInfos(t, fresh, false))
	}
	for _, k := range testStreamKeys {
		payload := []byte(fresh.Dump(ctx, k).Val())
		got := withSeenTimes(t, []byte(mine.Dump(ctx, k).Val()), seenTimes(t, mine, k), seenTimes(t, fresh, k))
		if !bytes.Equal(got, payload[:len(payload)-8]) {
			t.Errorf("DUMP %s: respd's payload differs from redis-server's:\n%q\n%q", k, got, payload)
		}
		if got, want := debugSerializedLength(t, mine, k), debugSerializedLength(t, fresh, k); got != want {
			t.Errorf("DEBUG OBJECT %s: serializedlength %s, redis-server's %s", k, got, want)
		}
		restored := k + ":restored"
		if err := mine.Restore(ctx, restored, 0, string(payload)).Err(); err != nil {
			t.Fatalf("RESTORE of redis-server's %s: %v", k, err)
		}
		if got := mine.Dump(ctx, restored).Val(); got != string(payload) {
			t.Errorf("DUMP %s: respd's payload differs from redis-server's:\n%q\n%q", restored, got, payload)
		}
	}
	if err := fresh.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	_, loaded := startTestServer(t, "--dir", theirDir)
	checkStreams(t, "redis-server's RDB in respd", newClients(t, loaded)["resp2"], theirs, true)
}

// resp2Client is a RESP2 client of redis-server, whose XINFO STREAM FULL
// replies are then arrays, as respd's "resp2" client's.
func resp2Client(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
}

// streamCommands are the commands of an AOF that concern each test
// stream, in order (a base lists keys in its own order).
func streamCommands(t *testing.T, base []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	rd := aof.NewReader(bytes.NewReader(base))
	for {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		key := string(argv[1])
		if string(argv[0]) == "XGROUP" {
			key = string(argv[2])
		}
		if string(argv[0]) != "SELECT" {
			out[key] = append(out[key], string(bytes.Join(argv, []byte(" "))))
		}
	}
}

// An AOF rewrite writes streams as redis-server's own rewrite does,
// command for command; respd and redis-server replay it, and respd
// replays redis-server's, with or without an RDB preamble, to the streams
// redis-server makes of its own rewrite: consumers' seen times are the
// replay's, and pending entries deleted from the stream are gone (XCLAIM
// FORCE claims only entries that exist), in both.
func TestStreamsPersistAOFRewrite(t *testing.T) {
	interopRequireRedis(t)
	dir := t.TempDir()
	args := []string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}
	base := rewrittenBase(t, dir, args, func(rc *redis.Client) { writeStreams(t, rc) })
	theirDir, theirs := redisRewrittenAOF(t, []string{"--aof-use-rdb-preamble", "no"}, func(rc *redis.Client) { writeStreams(t, rc) })
	mineCmds, theirCmds := streamCommands(t, base), streamCommands(t, theirs)
	for _, k := range testStreamKeys {
		if !slices.Equal(mineCmds[k], theirCmds[k]) {
			t.Errorf("the rewrite of %s:\n%s\nredis-server's:\n%s", k, strings.Join(mineCmds[k], "\n"), strings.Join(theirCmds[k], "\n"))
		}
	}
	replayed := resp2Client(diffStartRedis(t, "--dir", theirDir, "--appendonly", "yes"))
	defer replayed.Close()
	want := streamInfos(t, replayed, false)

	_, addr := startTestServer(t, args...)
	checkStreams(t, "respd replaying its rewrite", newClients(t, addr)["resp2"], want, false)
	real := resp2Client(diffStartRedis(t, args...))
	defer real.Close()
	checkStreams(t, "redis-server replaying respd's rewrite", real, want, false)

	for _, preamble := range []string{"no", "yes"} {
		var written map[string]any
		dir, _ := redisRewrittenAOF(t, []string{"--aof-use-rdb-preamble", preamble}, func(rc *redis.Client) {
			writeStreams(t, rc)
			arrays := resp2Client(rc.Options().Addr)
			defer arrays.Close()
			written = streamInfos(t, arrays, false)
		})
		_, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
		if preamble == "no" {
			written = want
		}
		// With an RDB preamble, the streams are as written (but for the
		// seen times, which the test leaves out).
		checkStreams(t, "respd replaying redis-server's rewrite (preamble "+preamble+")", newClients(t, addr)["resp2"], written, false)
	}
}

// A background save writes streams as they were when it started, whatever
// is added, deleted, trimmed, read, acknowledged or claimed meanwhile.
func TestStreamsPersistBgsave(t *testing.T) {
	dir := t.TempDir()
	// A second per key: the save lasts until the writes below are done
	// and rdb-key-save-delay is set back to 0.
	_, addr := startTestServer(t, "--dir", dir, "--rdb-key-save-delay", "1000000")
	rc := newClients(t, addr)["resp2"]
	writeStreams(t, rc)
	want := streamInfos(t, rc, true)
	raw := dialRaw(t, addr)
	raw.do("+Background saving started\r\n", "BGSAVE")
	for _, cmd := range [][]any{
		{"XADD", "small", "*", "new", "1"},
		{"XDEL", "small", "1-1"},
		{"XTRIM", "big", "MAXLEN", "10"},
		{"XADD", "tomb", "MAXLEN", "5", "*", "f", "x"},
		{"XREADGROUP", "GROUP", "g2", "dave", "STREAMS", "groups", "0"},
		{"XACK", "groups", "g1", "1-2", "1-3"},
		{"XCLAIM", "groups", "g1", "idle", "0", "1-5", "1-7"},
		{"XGROUP", "DESTROY", "groups", "g3"},
		{"XGROUP", "DELCONSUMER", "groups", "g1", "alice"},
		{"XGROUP", "SETID", "emptied", "g", "0"},
		{"XSETID", "mk", "99-0"},
		{"XADD", "bytes", "*", "payload", "x"},
	} {
		if err := rc.Do(ctx, cmd...).Err(); err != nil && err != redis.Nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	rc.Del(ctx, "ttl")
	raw.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "0")
	waitFor(t, func() bool { return rawInfo(t, raw, "persistence")["rdb_bgsave_in_progress"] == "0" })
	checkRDB(t, filepath.Join(dir, "dump.rdb"))
	_, loaded := startTestServer(t, "--dir", dir)
	checkStreams(t, "the snapshot", newClients(t, loaded)["resp2"], want, true)
}
