package rdb

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// describe renders a record's value canonically, for comparisons: list
// elements in order; set members, sorted set members and hash fields
// sorted, since their stored order is not significant.
func describe(r Record) string {
	var items []string
	sorted := true
	switch r.Kind() {
	case "string":
		return "string " + strconv.Quote(string(r.Value))
	case "list":
		sorted = false
		for _, e := range r.List {
			items = append(items, strconv.Quote(string(e)))
		}
	case "set":
		for _, m := range r.Set {
			items = append(items, strconv.Quote(string(m)))
		}
	case "zset":
		for _, m := range r.ZSet {
			items = append(items, strconv.Quote(string(m.Member))+"="+strconv.FormatFloat(m.Score, 'g', -1, 64))
		}
	case "hash":
		for _, f := range r.Hash {
			s := strconv.Quote(string(f.Field)) + "=" + strconv.Quote(string(f.Value))
			if f.ExpireMs != 0 {
				s += "@" + strconv.FormatInt(f.ExpireMs, 10)
			}
			items = append(items, s)
		}
	default:
		return r.Kind()
	}
	if sorted {
		sort.Strings(items)
	}
	return r.Kind() + " [" + strings.Join(items, " ") + "]"
}

// loadRecords loads data, keyed by "db:key".
func loadRecords(t *testing.T, data []byte) (map[string]Record, error) {
	t.Helper()
	got := map[string]Record{}
	err := Load(bytes.NewReader(data), func(r Record) error {
		k := fmt.Sprintf("%d:%s", r.DB, r.Key)
		if _, dup := got[k]; dup {
			t.Errorf("duplicate key %s", k)
		}
		got[k] = r
		return nil
	})
	return got, err
}

// diffRecords compares described values, keyed by "db:key".
func diffRecords(t *testing.T, got map[string]Record, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d", len(got), len(want))
	}
	for k, w := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("missing key %s", k)
			continue
		}
		if g := describe(r); g != w {
			t.Errorf("key %s:\n got %.300s\nwant %.300s", k, g, w)
		}
	}
}

// encodingTypes maps OBJECT ENCODING to the RDB type Redis 7.0 saves.
var encodingTypes = map[string]map[string]byte{
	"list": {"quicklist": typeListQuicklist2},
	"set":  {"intset": typeSetIntset, "hashtable": typeSet},
	"zset": {"listpack": typeZSetListpack, "skiplist": typeZSet2},
	"hash": {"listpack": typeHashListpack, "hashtable": typeHash},
}

type expectedCollection struct {
	kind, encoding string
	expire         int64
	value          string // as describe renders it
}

// readCollectionsExpected parses collections.expected (see gen.sh).
func readCollectionsExpected(t *testing.T) map[string]expectedCollection {
	t.Helper()
	want := map[string]expectedCollection{}
	sc := bufio.NewScanner(bytes.NewReader(readFixture(t, "collections.expected")))
	sc.Buffer(nil, 1<<20)
	unhex := func(s string) string {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatalf("bad hex %q", s)
		}
		return string(b)
	}
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 5 {
			t.Fatalf("bad line %.100q", sc.Text())
		}
		exp, _ := strconv.ParseInt(f[4], 10, 64)
		r := Record{Type: encodingTypes[f[2]][f[3]]}
		for _, item := range f[5:] {
			a, b, _ := strings.Cut(item, ",")
			switch f[2] {
			case "list":
				r.List = append(r.List, []byte(unhex(a)))
			case "set":
				r.Set = append(r.Set, []byte(unhex(a)))
			case "zset":
				score, err := strconv.ParseFloat(b, 64)
				if err != nil {
					t.Fatalf("bad score %q", b)
				}
				r.ZSet = append(r.ZSet, ZMember{Member: []byte(unhex(a)), Score: score})
			case "hash":
				r.Hash = append(r.Hash, HashField{Field: []byte(unhex(a)), Value: []byte(unhex(b))})
			}
		}
		want[f[0]+":"+unhex(f[1])] = expectedCollection{f[2], f[3], exp, describe(r)}
	}
	return want
}

// TestLoadRedisCollections decodes the collections Redis 7.0.15 saved
// (gen.sh): every encoding it writes, checked value by value.
func TestLoadRedisCollections(t *testing.T) {
	data := readFixture(t, "collections.rdb")
	got, err := loadRecords(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := readCollectionsExpected(t)
	types := map[byte]bool{}
	for k, w := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("missing key %s", k)
			continue
		}
		types[r.Type] = true
		if r.Kind() != w.kind || r.Type != encodingTypes[w.kind][w.encoding] || r.ExpireMs != w.expire {
			t.Errorf("key %s: %s type %d expire %d, want %s (%s) expire %d", k, r.Kind(), r.Type, r.ExpireMs, w.kind, w.encoding, w.expire)
		}
		if g := describe(r); g != w.value {
			t.Errorf("key %s:\n got %.300s\nwant %.300s", k, g, w.value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d", len(got), len(want))
	}
	for _, typ := range []byte{typeListQuicklist2, typeSetIntset, typeSet, typeZSetListpack, typeZSet2, typeHashListpack, typeHash} {
		if !types[typ] {
			t.Errorf("fixture lacks type %d", typ)
		}
	}
	// The list nodes the fixture is meant to have: PLAIN ones, and
	// LZF-compressed ones of both kinds.
	plain, packed := quicklistNodes(t, data, "list:plain")
	if plain[false] == 0 || plain[true] == 0 || packed[false] == 0 {
		t.Errorf("list:plain nodes: plain %v packed %v", plain, packed)
	}
	if _, packed := quicklistNodes(t, data, "list:nodes"); packed[true] == 0 || packed[false] < 2 {
		t.Errorf("list:nodes: packed %v", packed)
	}
}

// quicklistNodes counts the PLAIN and PACKED nodes of the quicklist of key
// in an RDB, by whether they are LZF-compressed.
func quicklistNodes(t *testing.T, data []byte, key string) (plain, packed map[bool]int) {
	t.Helper()
	i := bytes.Index(data, append([]byte{typeListQuicklist2, byte(len(key))}, key...))
	if i < 0 {
		t.Fatalf("no quicklist %s", key)
	}
	d := &decoder{r: bufio.NewReader(bytes.NewReader(data[i+2+len(key):]))}
	n, _ := d.readPlainLen("count")
	plain, packed = map[bool]int{}, map[bool]int{}
	for ; n > 0; n-- {
		container, _ := d.readPlainLen("container")
		b, _ := d.r.Peek(1)
		lzf := b[0] == 0xC0|encLZF
		if _, err := d.readString("node"); err != nil {
			t.Fatal(err)
		}
		if container == quicklistPlain {
			plain[lzf]++
		} else {
			packed[lzf]++
		}
	}
	return plain, packed
}

// handBuilt is every list, set, sorted set and hash encoding Redis 7.0
// loads, built as the C code writes them, as a version 10 file (that Redis
// 7.0 accepts), with the values expected, keyed by "db:key". The empty
// collections among them are skipped on loading.
func handBuilt() (data []byte, want map[string]string) {
	r := newRaw(10)
	want = map[string]string{}
	big := strings.Repeat("B", 16384) // a ziplist string with a 32-bit length
	r.b(opSelectDB, 0)

	r.key(typeList, "list").length(4).bstr("a").bstr("").b(0xC1, 0x39, 0x30).bstr(strings.Repeat("x", 300))
	want["0:list"] = `list ["a" "" "12345" "` + strings.Repeat("x", 300) + `"]`

	zlElems := []any{0, 12, 13, -1, -128, 127, 128, -32768, 32767, 32768, -8388608, 8388607, 8388608,
		-2147483648, 2147483647, int64(2147483648), int64(math.MinInt64), int64(math.MaxInt64), "", "007", "-0", "1.5",
		strings.Repeat("s", 63), strings.Repeat("m", 64), strings.Repeat("M", 300), big, "after big"}
	r.key(typeListZiplist, "list:ziplist").bstr(zlBuild(zlElems...))
	var items []string
	for _, e := range zlElems {
		items = append(items, strconv.Quote(elemBytes(e)))
	}
	want["0:list:ziplist"] = "list [" + strings.Join(items, " ") + "]"

	// Quicklist 1: ziplist nodes, an empty one (skipped) among them.
	r.key(typeListQuicklist, "list:quicklist").length(3).
		bstr(zlBuild("a", 1, 2)).bstr(zlBuild()).bstr(zlBuild("b", strings.Repeat("y", 300), -70000))
	want["0:list:quicklist"] = `list ["a" "1" "2" "b" "` + strings.Repeat("y", 300) + `" "-70000"]`

	// Quicklist 2: PACKED and PLAIN nodes.
	r.key(typeListQuicklist2, "list:quicklist2").length(3).
		length(quicklistPacked).bstr(lpBuild("p1", 5, -100000)).
		length(quicklistPlain).bstr("a plain node").
		length(quicklistPacked).bstr(lpBuild("last"))
	want["0:list:quicklist2"] = `list ["p1" "5" "-100000" "a plain node" "last"]`

	r.key(typeSet, "set").length(4).bstr("a").bstr("b").b(0xC0, 7).bstr("")
	want["0:set"] = `set ["" "7" "a" "b"]`
	r.key(typeSetIntset, "set:int16").bstr(isBuild(5, -32768, 32767))
	want["0:set:int16"] = `set ["-32768" "32767" "5"]`
	r.key(typeSetIntset, "set:int32").bstr(isBuild(5, 1<<20, -1<<31))
	want["0:set:int32"] = `set ["-2147483648" "1048576" "5"]`
	r.key(typeSetIntset, "set:int64").bstr(isBuild(math.MinInt64, 0, math.MaxInt64))
	want["0:set:int64"] = `set ["-9223372036854775808" "0" "9223372036854775807"]`

	// RDB_TYPE_ZSET: scores as text, read by sscanf("%lg").
	r.key(typeZSet, "zset").length(8).
		bstr("a").textDouble(1.5).bstr("b").textDouble(math.Inf(1)).bstr("c").textDouble(math.Inf(-1)).
		bstr("d").textDouble(0.1).bstr("e").rawDouble("0x1p-2").bstr("f").rawDouble(" 3").
		bstr("g").rawDouble("2abc").bstr("h").textDouble(-1e300)
	want["0:zset"] = `zset ["a"=1.5 "b"=+Inf "c"=-Inf "d"=0.1 "e"=0.25 "f"=3 "g"=2 "h"=-1e+300]`
	r.key(typeZSet2, "zset2").length(4).bstr("a").binDouble(1.5).bstr("b").binDouble(math.Inf(1)).
		bstr("c").binDouble(math.Inf(-1)).bstr("d").binDouble(5e-324)
	want["0:zset2"] = `zset ["a"=1.5 "b"=+Inf "c"=-Inf "d"=5e-324]`
	r.key(typeZSetZiplist, "zset:ziplist").bstr(zlBuild("c", "-inf", "f", -3, "a", 1, "b", "1.5", "e", int64(12345678901), "d", "inf"))
	want["0:zset:ziplist"] = `zset ["a"=1 "b"=1.5 "c"=-Inf "d"=+Inf "e"=1.2345678901e+10 "f"=-3]`
	r.key(typeZSetListpack, "zset:listpack").bstr(lpBuild("a", -5, "b", "2.5", "c", "3abc", "e", int64(1<<40), "d", "inf"))
	want["0:zset:listpack"] = `zset ["a"=-5 "b"=2.5 "c"=3 "d"=+Inf "e"=1.099511627776e+12]`

	r.key(typeHash, "hash").length(3).bstr("f").bstr("v").bstr("").bstr("empty field").b(0xC0, 1).bstr("")
	want["0:hash"] = `hash [""="empty field" "1"="" "f"="v"]`
	r.key(typeHashZipmap, "hash:zipmap").bstr(zmBuild(zmPair{"a", "1", 0}, zmPair{"f", "shrunk", 2},
		zmPair{strings.Repeat("k", 260), strings.Repeat("v", 300), 1}, zmPair{"", "", 0}))
	want["0:hash:zipmap"] = `hash [""="" "a"="1" "f"="shrunk" "` + strings.Repeat("k", 260) + `"="` + strings.Repeat("v", 300) + `"]`
	r.key(typeHashZiplist, "hash:ziplist").bstr(zlBuild("a", 1, "b", strings.Repeat("z", 100), "c", ""))
	want["0:hash:ziplist"] = `hash ["a"="1" "b"="` + strings.Repeat("z", 100) + `" "c"=""]`
	r.key(typeHashListpack, "hash:listpack").bstr(lpBuild("a", 1, "b", "two", 3, -4000))
	want["0:hash:listpack"] = `hash ["3"="-4000" "a"="1" "b"="two"]`

	// Empty collections, which Redis skips with their expiry; the key
	// after each must not inherit it.
	r.b(opSelectDB, 1)
	for _, empty := range []func(){
		func() { r.key(typeList, "e:list").length(0) },
		func() { r.key(typeSet, "e:set").length(0) },
		func() { r.key(typeZSet2, "e:zset").length(0) },
		func() { r.key(typeHash, "e:hash").length(0) },
		func() { r.key(typeListZiplist, "e:ziplist").bstr(zlBuild()) },
		func() { r.key(typeListQuicklist, "e:quicklist").length(1).bstr(zlBuild()) },
		func() { r.key(typeListQuicklist2, "e:quicklist2").length(1).length(quicklistPacked).bstr(lpBuild()) },
		func() { r.key(typeZSetZiplist, "e:zset:ziplist").bstr(zlBuild()) },
		func() { r.key(typeZSetListpack, "e:zset:listpack").bstr(lpBuild()) },
		func() { r.key(typeHashZiplist, "e:hash:ziplist").bstr(zlBuild()) },
		func() { r.key(typeHashListpack, "e:hash:listpack").bstr(lpBuild()) },
	} {
		r.b(opExpireTimeMs).ms(4102444800000)
		empty()
	}
	r.key(0, "after empties").bstr("v")
	want["1:after empties"] = `string "v"`
	return r.finish(), want
}

// handBuilt74 has the types Redis 7.0 does not know, as a version 12 file:
// sets as listpacks (7.2) and hashes with field TTLs (7.4), per Redis 7.4's
// rdbSaveObject, with the values expected.
func handBuilt74() (data []byte, want map[string]string) {
	r := newRaw(12)
	want = map[string]string{}
	const t1, t2, t3 = 1700000000000, 1700000000500, 1800000000000

	r.key(typeSetListpack, "set:listpack").bstr(lpBuild("a", 1, -5000, "b", ""))
	want["0:set:listpack"] = `set ["" "-5000" "1" "a" "b"]`

	// HASH_METADATA: the smallest TTL, then per field TTL-min+1 (0: none).
	r.key(typeHashMetadata, "hash:metadata").ms(t1).length(4).
		length(0).bstr("plain").bstr("v0").
		length(1).bstr("soonest").bstr("v1").
		length(t2 - t1 + 1).bstr("later").bstr("v2").
		length(t3 - t1 + 1).bstr("latest").bstr(strings.Repeat("v", 100))
	want["0:hash:metadata"] = fmt.Sprintf(`hash ["later"="v2"@%d "latest"="%s"@%d "plain"="v0" "soonest"="v1"@%d]`,
		int64(t2), strings.Repeat("v", 100), int64(t3), int64(t1))
	// The release candidates' form: no smallest TTL, TTLs absolute.
	r.key(typeHashMetadataPreGA, "hash:metadata:rc").length(2).
		length(t2).bstr("f").bstr("v").length(0).bstr("g").bstr("w")
	want["0:hash:metadata:rc"] = fmt.Sprintf(`hash ["f"="v"@%d "g"="w"]`, int64(t2))

	// HASH_LISTPACK_EX: the smallest TTL, then field, value, absolute TTL
	// triples, the fields with a TTL first, by TTL.
	r.key(typeHashListpackEx, "hash:lpex").ms(t1).bstr(lpBuild("a", 1, int64(t1), "b", "two", int64(t3), "c", "3", 0))
	want["0:hash:lpex"] = fmt.Sprintf(`hash ["a"="1"@%d "b"="two"@%d "c"="3"]`, int64(t1), int64(t3))
	// No field has a TTL (left so after HPERSIST): the smallest TTL is 0.
	r.key(typeHashListpackEx, "hash:lpex:none").ms(0).bstr(lpBuild("a", "x", 0))
	want["0:hash:lpex:none"] = `hash ["a"="x"]`
	r.key(typeHashListpackExPreGA, "hash:lpex:rc").bstr(lpBuild("a", 1, int64(t2), "b", 2, 0))
	want["0:hash:lpex:rc"] = fmt.Sprintf(`hash ["a"="1"@%d "b"="2"]`, int64(t2))

	r.key(typeSetListpack, "e:set:listpack").bstr(lpBuild())
	r.key(typeHashListpackEx, "e:lpex").ms(0).bstr(lpBuild())
	r.key(typeHashMetadata, "e:metadata").ms(t1).length(0)
	return r.finish(), want
}

func TestLoadHandBuiltCollections(t *testing.T) {
	for name, build := range map[string]func() ([]byte, map[string]string){"7.0": handBuilt, "7.4": handBuilt74} {
		data, want := build()
		got, err := loadRecords(t, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		diffRecords(t, got, want)
		if r := got["1:after empties"]; r.ExpireMs != 0 {
			t.Errorf("the key after skipped empty keys has expiry %d", r.ExpireMs)
		}
	}
}

// TestRedisLoadsHandBuilt loads the hand-built encodings into the real
// redis-server (7.0), with its deep validation on, and compares what it
// serves with what Load decodes: the builders follow the C code and Load
// reads as Redis does.
func TestRedisLoadsHandBuilt(t *testing.T) {
	data, want := handBuilt()
	rc := startRedisConn(t, data, "--sanitize-dump-payload", "yes")
	got, err := loadRecords(t, data)
	if err != nil {
		t.Fatal(err)
	}
	fromRedis := map[string]string{}
	for _, db := range []string{"0", "1"} {
		rc.do("SELECT", db)
		for _, k := range rc.do("KEYS", "*").([]any) {
			key := k.(string)
			fromRedis[db+":"+key] = rc.describe(key)
		}
	}
	if len(fromRedis) != len(want) {
		t.Errorf("redis has %d keys, want %d (the empty ones skipped)", len(fromRedis), len(want))
	}
	for k, w := range want {
		if fromRedis[k] != w {
			t.Errorf("key %s in redis:\n  %.300s\nwant %.300s", k, fromRedis[k], w)
		}
		if g := describe(got[k]); g != fromRedis[k] {
			t.Errorf("key %s: Load gives\n  %.300s\nredis has %.300s", k, g, fromRedis[k])
		}
	}
	if n := rc.do("DBSIZE"); n != int64(1) {
		t.Errorf("db 1 has %v keys; the empty collections should be skipped", n)
	}
}

// TestRedisRefusesWhatLoadRefuses: corrupt values that Redis 7.0 (with
// deep validation) refuses to load are errors for Load too.
func TestRedisRefusesWhatLoadRefuses(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed; skipping")
	}
	// Control: Redis loads the valid file and keeps running.
	data, _ := handBuilt()
	if refused, log := redisRefuses(t, data); refused {
		t.Fatalf("redis-server refused the valid file:\n%s", log)
	}
	for _, c := range corruptCases() {
		if !c.redis {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			data, _ := c.file()
			if err := Load(bytes.NewReader(data), func(Record) error { return nil }); err == nil {
				t.Fatal("Load accepted it")
			}
			if refused, log := redisRefuses(t, data); !refused {
				t.Fatalf("redis-server loaded it\n%s", log)
			}
		})
	}
}

// redisRefuses starts redis-server (with deep validation) on an RDB file
// and reports whether it exits on reading it, and its log. Its verdict is
// awaited, however long a busy machine makes it take: it exits, or it logs
// that it loaded the file.
func redisRefuses(t *testing.T, data []byte) (bool, string) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "dump.rdb"), data, 0o644)
	logfile := filepath.Join(dir, "log")
	cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", filepath.Join(dir, "sock"),
		"--dir", dir, "--save", "", "--sanitize-dump-payload", "yes", "--logfile", logfile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	refused := false
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		select {
		case <-done:
			refused = true
		default:
		}
		if log, _ := os.ReadFile(logfile); refused || bytes.Contains(log, []byte("DB loaded from disk")) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			log, _ := os.ReadFile(logfile)
			t.Fatalf("redis-server neither loaded the file nor exited in 30 s:\n%s", log)
		}
	}
	if !refused {
		cmd.Process.Kill()
		<-done
	}
	log, _ := os.ReadFile(logfile)
	if refused && !bytes.Contains(log, []byte("rdb file reading failure")) && !bytes.Contains(log, []byte("Short read")) {
		t.Fatalf("redis-server exited, but not on reading the file:\n%s", log)
	}
	return refused, string(log)
}

type corruptCase struct {
	name string
	typ  byte
	body func(r *rawRDB)
	want string // in the error message
	at   int    // error offset from the value's start; -1: anywhere in it
	// redis: Redis 7.0 knows the type and refuses the value too (others
	// are 7.4 types, or stricter checks than Redis's).
	redis bool
}

// file builds a version 10 RDB with the case's key, and the offset of its
// value.
func (c corruptCase) file() ([]byte, int) {
	r := newRaw(10)
	r.key(c.typ, "k")
	at := r.Len()
	c.body(r)
	return r.finish(), at
}

func corruptCases() []corruptCase {
	lp, zl := lpBuild, zlBuild
	bad := func(b []byte, i int, v byte) []byte { b[i] = v; return b }
	return []corruptCase{
		{"quicklist container", typeListQuicklist2, func(r *rawRDB) { r.length(1).length(3).bstr(lp("a")) }, "bad quicklist node container 3", 1, true},
		{"quicklist empty node", typeListQuicklist2, func(r *rawRDB) { r.length(1).length(quicklistPlain).bstr("") }, "empty quicklist node", 2, true},
		{"quicklist bad listpack", typeListQuicklist2, func(r *rawRDB) { r.length(1).length(2).bstr(bad(lp("a"), 6, 0xF5)) }, "corrupt quicklist listpack node", 2, true},
		{"quicklist bad ziplist", typeListQuicklist, func(r *rawRDB) { r.length(1).bstr(bad(zl("a"), 11, 0xC1)) }, "corrupt quicklist ziplist node", 1, true},
		{"list ziplist", typeListZiplist, func(r *rawRDB) { r.bstr(bad(zl("a", "b"), 8, 3)) }, "corrupt list ziplist", 0, true},
		{"intset unsorted", typeSetIntset, func(r *rawRDB) { r.bstr(isBuildRaw(2, 3, 1)) }, "corrupt set intset", 0, true},
		{"intset empty", typeSetIntset, func(r *rawRDB) { r.bstr(isBuildRaw(2)) }, "corrupt set intset", 0, true},
		{"intset width", typeSetIntset, func(r *rawRDB) { r.bstr(isBuildRaw(3, 1)) }, "element width 3", 0, true},
		{"set duplicate", typeSet, func(r *rawRDB) { r.length(3).bstr("a").bstr("b").bstr("a") }, `duplicate set member "a"`, 0, true},
		{"set int duplicate", typeSet, func(r *rawRDB) { r.length(2).bstr("7").b(0xC0, 7) }, `duplicate set member "7"`, 0, true},
		{"set listpack duplicate", typeSetListpack, func(r *rawRDB) { r.bstr(lp("a", 1, "a")) }, `duplicate set member "a"`, 0, false},
		{"set listpack bad", typeSetListpack, func(r *rawRDB) { r.bstr(lp("a")[:7]) }, "corrupt set listpack", 0, false},
		{"zset NaN", typeZSet, func(r *rawRDB) { r.length(1).bstr("m").textDouble(math.NaN()) }, `"m" has a NaN score`, 1, true},
		{"zset2 NaN", typeZSet2, func(r *rawRDB) { r.length(1).bstr("m").binDouble(math.NaN()) }, "NaN score", 1, true},
		{"zset duplicate", typeZSet2, func(r *rawRDB) { r.length(2).bstr("m").binDouble(1).bstr("m").binDouble(2) }, `duplicate zset member "m"`, 11, true},
		{"zset not a number", typeZSet, func(r *rawRDB) { r.length(1).bstr("m").rawDouble("abc") }, `bad zset score "abc"`, 3, true},
		{"zset score infin", typeZSet, func(r *rawRDB) { r.length(1).bstr("m").rawDouble("infin") }, "not a number", 3, true},
		{"zset score 0x", typeZSet, func(r *rawRDB) { r.length(1).bstr("m").rawDouble("0xz") }, "not a number", 3, true},
		{"zset empty score", typeZSet, func(r *rawRDB) { r.length(1).bstr("m").rawDouble("") }, "not a number", 3, true},
		{"zset listpack odd", typeZSetListpack, func(r *rawRDB) { r.bstr(lp("a", 1, "b")) }, "not member/score pairs", 0, true},
		{"zset listpack NaN", typeZSetListpack, func(r *rawRDB) { r.bstr(lp("a", "nan")) }, "NaN score", 0, false},
		{"zset listpack duplicate", typeZSetListpack, func(r *rawRDB) { r.bstr(lp("a", 1, "a", 2)) }, `duplicate member "a"`, 0, true},
		{"zset ziplist duplicate", typeZSetZiplist, func(r *rawRDB) { r.bstr(zl("a", 1, "a", 2)) }, `duplicate member "a"`, 0, true},
		{"zset ziplist odd", typeZSetZiplist, func(r *rawRDB) { r.bstr(zl("a")) }, "not member/score pairs", 0, true},
		{"hash duplicate", typeHash, func(r *rawRDB) { r.length(2).bstr("f").bstr("1").bstr("f").bstr("2") }, `duplicate hash field "f"`, 0, true},
		{"hash ziplist odd", typeHashZiplist, func(r *rawRDB) { r.bstr(zl("f", "v", "g")) }, "not field/value pairs", 0, true},
		{"hash ziplist duplicate", typeHashZiplist, func(r *rawRDB) { r.bstr(zl("f", "v", "f", "w")) }, `duplicate hash field "f"`, 0, true},
		{"hash listpack duplicate", typeHashListpack, func(r *rawRDB) { r.bstr(lp("f", "v", "f", "w")) }, `duplicate hash field "f"`, 0, true},
		{"hash listpack bad", typeHashListpack, func(r *rawRDB) { r.bstr(bad(lp("f", "v"), 0, 0)) }, "corrupt hash listpack", 0, true},
		{"hash zipmap duplicate", typeHashZipmap, func(r *rawRDB) { r.bstr(zmBuild(zmPair{"f", "1", 0}, zmPair{"f", "2", 0})) }, `duplicate hash field "f"`, 0, true},
		{"hash zipmap empty", typeHashZipmap, func(r *rawRDB) { r.bstr(zmBuild()) }, "corrupt hash zipmap", 0, true},
		{"hash zipmap count", typeHashZipmap, func(r *rawRDB) { r.bstr(bad(zmBuild(zmPair{"f", "1", 0}), 0, 2)) }, "corrupt hash zipmap", 0, true},
		{"lpex TTL not a number", typeHashListpackEx, func(r *rawRDB) { r.ms(0).bstr(lp("f", "v", "abc")) }, `field "f" has TTL "abc"`, 8, false},
		{"lpex TTL too big", typeHashListpackEx, func(r *rawRDB) { r.ms(0).bstr(lp("f", "v", int64(1<<48))) }, `has TTL "281474976710656"`, 8, false},
		{"lpex TTL negative", typeHashListpackExPreGA, func(r *rawRDB) { r.bstr(lp("f", "v", -1)) }, `has TTL "-1"`, 0, false},
		{"lpex TTL order", typeHashListpackEx, func(r *rawRDB) { r.ms(5).bstr(lp("f", "v", 9, "g", "w", 5)) }, "TTL 5 after a field with TTL 9", 8, false},
		{"lpex TTL after none", typeHashListpackEx, func(r *rawRDB) { r.ms(5).bstr(lp("f", "v", 0, "g", "w", 5)) }, "TTL 5 after a field with TTL 0", 8, false},
		{"lpex triples", typeHashListpackEx, func(r *rawRDB) { r.ms(0).bstr(lp("f", "v")) }, "not field/value/TTL triples", 8, false},
		{"lpex duplicate", typeHashListpackExPreGA, func(r *rawRDB) { r.bstr(lp("f", "v", 0, "f", "w", 0)) }, `duplicate hash field "f"`, 0, false},
		{"metadata min TTL", typeHashMetadata, func(r *rawRDB) { r.ms(1<<48 + 1).length(1).length(0).bstr("f").bstr("v") }, "bad hash minimum field TTL", 0, false},
		{"metadata TTL overflow", typeHashMetadata, func(r *rawRDB) { r.ms(1 << 47).length(1).length(1<<47 + 1).bstr("f").bstr("v") }, "bad hash field TTL", 9, false},
		{"metadata TTL wraps", typeHashMetadata, func(r *rawRDB) { r.ms(10).length(1).length(math.MaxUint64).bstr("f").bstr("v") }, "bad hash field TTL", 9, false},
		{"metadata rc TTL", typeHashMetadataPreGA, func(r *rawRDB) { r.length(1).length(1 << 48).bstr("f").bstr("v") }, "bad hash field TTL", 1, false},
		{"metadata duplicate", typeHashMetadata, func(r *rawRDB) { r.ms(10).length(2).length(0).bstr("f").bstr("v").length(1).bstr("f").bstr("w") }, `duplicate hash field "f"`, 0, false},
		{"encoded length", typeSet, func(r *rawRDB) { r.b(0xC0) }, "string encoding marker", 0, false},
	}
}

func TestCollectionErrors(t *testing.T) {
	for _, c := range corruptCases() {
		data, at := c.file()
		err := Load(bytes.NewReader(data), func(Record) error { return nil })
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "key 'k'") {
			t.Errorf("%s: got %v, want an *Error with %q", c.name, err, c.want)
			continue
		}
		if c.at >= 0 && e.Offset != int64(at+c.at) || e.Offset < int64(at) || e.Offset >= int64(len(data)) {
			t.Errorf("%s: offset %d, want %d (value at %d): %v", c.name, e.Offset, at+c.at, at, err)
		}
	}
}

// TestCollectionsTruncated: every value cut short is an unexpected end of
// input, never a panic or another error.
func TestCollectionsTruncated(t *testing.T) {
	for _, build := range []func() ([]byte, map[string]string){handBuilt, handBuilt74} {
		data, _ := build()
		for n := 9; n < len(data); n++ {
			err := Load(bytes.NewReader(data[:n]), func(Record) error { return nil })
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("prefix %d: %v", n, err)
			}
		}
	}
}

// TestCollectionHugeCounts: counts claiming far more elements than the input
// holds fail at its end, without allocating for the count.
func TestCollectionHugeCounts(t *testing.T) {
	huge := func(typ byte, elem func(r *rawRDB)) []byte {
		r := newRaw(12).key(typ, "k")
		if typ == typeHashMetadata {
			r.ms(0)
		}
		r.b(0x81, 0, 0, 0, 1, 0, 0, 0, 0) // 2^32 elements
		for i := 0; i < 3; i++ {
			elem(r)
		}
		return r.Bytes()
	}
	str := func(r *rawRDB) { r.bstr("e") }
	cases := map[string][]byte{
		"list":         huge(typeList, str),
		"set":          huge(typeSet, func(r *rawRDB) { r.bstr(strconv.Itoa(r.Len())) }),
		"zset":         huge(typeZSet, func(r *rawRDB) { r.bstr(strconv.Itoa(r.Len())).textDouble(1) }),
		"zset2":        huge(typeZSet2, func(r *rawRDB) { r.bstr(strconv.Itoa(r.Len())).binDouble(1) }),
		"hash":         huge(typeHash, func(r *rawRDB) { r.bstr(strconv.Itoa(r.Len())).bstr("v") }),
		"metadata":     huge(typeHashMetadata, func(r *rawRDB) { r.length(0).bstr(strconv.Itoa(r.Len())).bstr("v") }),
		"quicklist":    huge(typeListQuicklist, func(r *rawRDB) { r.bstr(zlBuild("a")) }),
		"quicklist2":   huge(typeListQuicklist2, func(r *rawRDB) { r.length(quicklistPlain).bstr("a") }),
		"ziplist 64k":  newRaw(12).key(typeListZiplist, "k").bstr(bad16(zlBuild("a"), 8, 0xFFFE)).finish(),
		"listpack 64k": newRaw(12).key(typeHashListpack, "k").bstr(bad16(lpBuild("a", "b"), 4, 0xFFFE)).finish(),
		"intset 4G":    newRaw(12).key(typeSetIntset, "k").bstr([]byte{8, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8}).finish(),
		"zipmap big":   newRaw(12).key(typeHashZipmap, "k").bstr([]byte{1, 0xFE, 0xFF, 0xFF, 0xFF, 0x7F, 'a', 0xFF}).finish(),
	}
	loadFailsWithin(t, cases, 1<<20)
}

func bad16(b []byte, i int, v uint16) []byte {
	b[i], b[i+1] = byte(v), byte(v>>8)
	return b
}

// describe renders a key's value as the package-level describe does, from
// what Redis serves.
func (rc *redisConn) describe(key string) string {
	strs := func(v any) [][]byte {
		var out [][]byte
		for _, e := range v.([]any) {
			out = append(out, []byte(e.(string)))
		}
		return out
	}
	r := Record{}
	switch typ := rc.do("TYPE", key); typ {
	case "string":
		r.Value = []byte(rc.do("GET", key).(string))
	case "list":
		r.Type, r.List = typeList, strs(rc.do("LRANGE", key, "0", "-1"))
	case "set":
		r.Type, r.Set = typeSet, strs(rc.do("SMEMBERS", key))
	case "zset":
		r.Type = typeZSet
		flat := strs(rc.do("ZRANGE", key, "0", "-1", "WITHSCORES"))
		for i := 0; i+1 < len(flat); i += 2 {
			score, err := strconv.ParseFloat(string(flat[i+1]), 64)
			if err != nil {
				rc.t.Fatalf("score %q", flat[i+1])
			}
			r.ZSet = append(r.ZSet, ZMember{Member: flat[i], Score: score})
		}
	case "hash":
		r.Type = typeHash
		flat := strs(rc.do("HGETALL", key))
		for i := 0; i+1 < len(flat); i += 2 {
			r.Hash = append(r.Hash, HashField{Field: flat[i], Value: flat[i+1]})
		}
	default:
		return fmt.Sprint(typ)
	}
	return describe(r)
}

// valueSeeds are valid values of every collection type, for fuzzing.
func valueSeeds() map[byte][]func(r *rawRDB) {
	return map[byte][]func(r *rawRDB){
		typeList:                {func(r *rawRDB) { r.length(2).bstr("a").b(0xC0, 5) }},
		typeSet:                 {func(r *rawRDB) { r.length(2).bstr("a").bstr("b") }},
		typeZSet:                {func(r *rawRDB) { r.length(2).bstr("a").textDouble(1.5).bstr("b").rawDouble("0x1p3") }},
		typeHash:                {func(r *rawRDB) { r.length(1).bstr("f").bstr("v") }},
		typeZSet2:               {func(r *rawRDB) { r.length(1).bstr("a").binDouble(2) }},
		typeHashZipmap:          {func(r *rawRDB) { r.bstr(zmBuild(zmPair{"f", "v", 1}, zmPair{"g", "w", 0})) }},
		typeListZiplist:         {func(r *rawRDB) { r.bstr(zlBuild("a", 1, 300, 70000, int64(1<<40), strings.Repeat("x", 70))) }},
		typeSetIntset:           {func(r *rawRDB) { r.bstr(isBuild(1, 2, 70000)) }},
		typeZSetZiplist:         {func(r *rawRDB) { r.bstr(zlBuild("a", 1, "b", "2.5")) }},
		typeHashZiplist:         {func(r *rawRDB) { r.bstr(zlBuild("f", "v", "g", 7)) }},
		typeListQuicklist:       {func(r *rawRDB) { r.length(2).bstr(zlBuild("a", 2)).bstr(zlBuild("b")) }},
		typeHashListpack:        {func(r *rawRDB) { r.bstr(lpBuild("f", "v", "g", 5000)) }},
		typeZSetListpack:        {func(r *rawRDB) { r.bstr(lpBuild("a", 1, "b", "2.5")) }},
		typeListQuicklist2:      {func(r *rawRDB) { r.length(2).length(2).bstr(lpBuild("a", 2)).length(1).bstr("plain") }},
		typeSetListpack:         {func(r *rawRDB) { r.bstr(lpBuild("a", 1, 100000)) }},
		typeHashMetadataPreGA:   {func(r *rawRDB) { r.length(2).length(5).bstr("f").bstr("v").length(0).bstr("g").bstr("w") }},
		typeHashListpackExPreGA: {func(r *rawRDB) { r.bstr(lpBuild("f", "v", 5, "g", "w", 0)) }},
		typeHashMetadata:        {func(r *rawRDB) { r.ms(5).length(2).length(1).bstr("f").bstr("v").length(0).bstr("g").bstr("w") }},
		typeHashListpackEx:      {func(r *rawRDB) { r.ms(5).bstr(lpBuild("f", "v", 5, "g", "w", 0)) }},
	}
}

// FuzzCollectionValue decodes one value of a collection type: arbitrary
// bytes after the key, so that mutations hit the value decoders directly.
// Decoding never panics, and what it yields is bounded by the input.
func FuzzCollectionValue(f *testing.F) {
	for typ, bodies := range valueSeeds() {
		for _, body := range bodies {
			r := &rawRDB{}
			body(r)
			f.Add(typ, r.Bytes())
		}
	}
	for _, c := range corruptCases() {
		r := &rawRDB{}
		c.body(r)
		f.Add(c.typ, r.Bytes())
	}
	f.Fuzz(func(t *testing.T, typ byte, body []byte) {
		if ti, ok := typeInfo[typ]; !ok || ti[0] == "string" || ti[0] == "stream" || ti[0] == "module" {
			return
		}
		r := newRaw(12).key(typ, "k")
		r.Write(body)
		data := r.finish()
		total := 0
		err := Load(bytes.NewReader(data), func(r Record) error {
			total += collectionSize(r)
			return nil
		})
		if total > len(data)*lzfMaxRatio*12+64 {
			t.Fatalf("decoded %d bytes from %d", total, len(data))
		}
		// Errors are *Error, or an unsupported type of a key that the body
		// makes follow an empty one.
		var e *Error
		var ute *UnsupportedTypeError
		if err != nil && !errors.As(err, &e) && !(errors.As(err, &ute) && string(ute.Key) != "k") {
			t.Fatalf("error %v is not an *Error", err)
		}
	})
}

// FuzzPackedEncodings feeds arbitrary blobs to the blob decoders and to
// strtod: no panics, and results within the blob.
func FuzzPackedEncodings(f *testing.F) {
	f.Add(zlBuild("a", 1, 300, 70000, int64(1<<40), strings.Repeat("x", 300)))
	f.Add(lpBuild("a", 1, 300, 70000, int64(1<<40), strings.Repeat("x", 300)))
	f.Add(zmBuild(zmPair{"f", "v", 2}, zmPair{strings.Repeat("k", 260), "w", 0}))
	f.Add(isBuild(1, 1<<40))
	f.Add([]byte(" -0x1.8p3e"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, decode := range []func([]byte) ([]lpEntry, error){zlDecode, lpDecode} {
			if entries, err := decode(b); err == nil && len(entries) > len(b) {
				t.Fatalf("%d entries from %d bytes", len(entries), len(b))
			}
		}
		if fields, err := zmDecode(b); err == nil && len(fields) > len(b)/3 {
			t.Fatalf("%d zipmap fields from %d bytes", len(fields), len(b))
		}
		if members, err := isDecode(b); err == nil && len(members) > len(b)/2 {
			t.Fatalf("%d intset members from %d bytes", len(members), len(b))
		}
		if _, n := strtod(b); n < 0 || n > len(b) {
			t.Fatalf("strtod used %d of %d bytes", n, len(b))
		}
	})
}

// A sorted set stored as a listpack comes with that listpack, and one
// stored as a ziplist with the listpack redis-server 7.0.15 converts it
// to (its DUMP's); the member and score forms come without.
func TestZSetListpack(t *testing.T) {
	data, _ := handBuilt()
	got, err := loadRecords(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if lp, want := got["0:zset:listpack"].ZSetListpack, lpBuild("a", -5, "b", "2.5", "c", "3abc", "e", int64(1<<40), "d", "inf"); !bytes.Equal(lp, want) {
		t.Errorf("listpack of zset:listpack = %q, want %q", lp, want)
	}
	converted := got["0:zset:ziplist"].ZSetListpack
	if want := lpBuild("c", "-inf", "f", -3, "a", 1, "b", "1.5", "e", int64(12345678901), "d", "inf"); !bytes.Equal(converted, want) {
		t.Errorf("listpack of zset:ziplist = %q, want %q", converted, want)
	}
	for _, k := range []string{"0:zset", "0:zset2"} {
		if lp := got[k].ZSetListpack; lp != nil {
			t.Errorf("%s has the listpack %q", k, lp)
		}
	}

	rc := startRedisConn(t, data)
	rc.do("SELECT", "0")
	payload, _ := rc.do("DUMP", "zset:ziplist").(string)
	r, err := Undump([]byte(payload))
	if err != nil {
		t.Fatalf("Undump of redis-server's DUMP of zset:ziplist: %v", err)
	}
	if !bytes.Equal(r.ZSetListpack, converted) {
		t.Errorf("redis-server converts zset:ziplist to %q, Load to %q", r.ZSetListpack, converted)
	}
}
