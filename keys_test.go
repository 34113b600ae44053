package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/keyspace"

	"github.com/redis/go-redis/v9"
)

func (s *Server) dirtyCount() int64 { return locked(s, func() int64 { return s.stats.dirty }) }

// rawSteps sends each command on a fresh raw connection and expects its
// exact reply bytes. A command is split on spaces; "" stands for an empty
// argument.
func rawSteps(t *testing.T, addr string, steps [][2]string) {
	t.Helper()
	rc := dialRaw(t, addr)
	for _, st := range steps {
		args := strings.Split(st[0], " ")
		for i, a := range args {
			if a == `""` {
				args[i] = ""
			}
		}
		rc.do(st[1], args...)
	}
}

func TestDelUnlinkExistsType(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			rc.MSet(ctx, "a", 1, "b", 2, "c", 3)
			if n := rc.Exists(ctx, "a", "a", "b", "nokey").Val(); n != 3 {
				t.Fatalf("EXISTS a a b nokey = %d, want 3 (repeats count)", n)
			}
			if typ := rc.Type(ctx, "a").Val(); typ != "string" {
				t.Fatalf("TYPE a = %q", typ)
			}
			if typ := rc.Type(ctx, "nokey").Val(); typ != "none" {
				t.Fatalf("TYPE nokey = %q", typ)
			}
			if n := rc.Del(ctx, "a", "a", "nokey").Val(); n != 1 {
				t.Fatalf("DEL a a nokey = %d, want 1", n)
			}
			if n := rc.Unlink(ctx, "b", "c", "nokey").Val(); n != 2 {
				t.Fatalf("UNLINK b c nokey = %d, want 2", n)
			}
			if n := rc.DBSize(ctx).Val(); n != 0 {
				t.Fatalf("DBSIZE = %d after deleting everything", n)
			}
		})
	}
}

func TestKeysAndScan(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			var want []string
			pipe := rc.Pipeline()
			for i := 0; i < 1000; i++ {
				k := "key:" + strconv.Itoa(i)
				want = append(want, k)
				pipe.Set(ctx, k, i, 0)
			}
			pipe.Set(ctx, "other", "x", 0)
			pipe.Set(ctx, "gone", "x", time.Millisecond)
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
			slices.Sort(want)

			got := rc.Keys(ctx, "key:*").Val()
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("KEYS key:* returned %d keys, want %d", len(got), len(want))
			}
			if all := rc.Keys(ctx, "*").Val(); len(all) != 1001 || slices.Contains(all, "gone") {
				t.Fatalf("KEYS * returned %d keys (an expired one: %v)", len(all), slices.Contains(all, "gone"))
			}
			if got := rc.Keys(ctx, "key:99[0-9]").Val(); len(got) != 10 {
				t.Fatalf("KEYS key:99[0-9] = %v", got)
			}

			// A full SCAN returns every key at least once, whatever COUNT,
			// and respects MATCH and TYPE.
			for _, tc := range []struct {
				match, typ string
				count      int64
				want       int
			}{
				{"", "", 0, 1001},
				{"", "", 1, 1001},
				{"", "", 7, 1001},
				{"", "", 5000, 1001},
				{"key:*", "", 20, 1000},
				{"oth*", "", 20, 1},
				{"*", "string", 20, 1001},
				{"", "STRING", 20, 1001},
				{"", "list", 20, 0},
			} {
				seen := map[string]bool{}
				cursor := uint64(0)
				for {
					var keys []string
					var err error
					if tc.typ != "" {
						keys, cursor, err = rc.ScanType(ctx, cursor, tc.match, tc.count, tc.typ).Result()
					} else {
						keys, cursor, err = rc.Scan(ctx, cursor, tc.match, tc.count).Result()
					}
					if err != nil {
						t.Fatal(err)
					}
					for _, k := range keys {
						seen[k] = true
					}
					if cursor == 0 {
						break
					}
				}
				if len(seen) != tc.want || seen["gone"] {
					t.Errorf("SCAN MATCH %q COUNT %d TYPE %q: %d distinct keys, want %d", tc.match, tc.count, tc.typ, len(seen), tc.want)
				}
			}
		})
	}
}

// SCAN's guarantee end to end: keys present for the whole iteration are all
// returned, while other clients add and delete thousands of keys (so the
// table grows and shrinks) between calls.
func TestScanGuaranteeUnderWrites(t *testing.T) {
	addr := startServer(t)
	rc := newClients(t, addr)["resp2"]
	for i := 0; i < 300; i++ {
		rc.Set(ctx, "core:"+strconv.Itoa(i), i, 0)
	}
	seen := map[string]bool{}
	cursor, step := uint64(0), 0
	for {
		keys, next, err := rc.Scan(ctx, cursor, "", 10).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			seen[k] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
		pipe := rc.Pipeline()
		switch {
		case step < 10: // grow to 10300 keys
			for i := step * 1000; i < (step+1)*1000; i++ {
				pipe.Set(ctx, "tmp:"+strconv.Itoa(i), i, 0)
			}
		case step < 20: // and shrink back
			for i := (step - 10) * 1000; i < (step-9)*1000; i++ {
				pipe.Del(ctx, "tmp:"+strconv.Itoa(i))
			}
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		step++
	}
	for i := 0; i < 300; i++ {
		if !seen["core:"+strconv.Itoa(i)] {
			t.Fatalf("core:%d never returned by a SCAN over %d calls", i, step+1)
		}
	}
}

func TestScanErrorsRaw(t *testing.T) {
	addr := startServer(t)
	rawSteps(t, addr, [][2]string{
		{"SET k v", "+OK\r\n"},
		// strtoul's cursor: sign allowed (negative wraps), "" is 0.
		{"SCAN 0 COUNT 100", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"},
		{`SCAN ""`, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"},
		{"SCAN +0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"},
		{"SCAN x", "-ERR invalid cursor\r\n"},
		{"SCAN 0x", "-ERR invalid cursor\r\n"},
		{"SCAN 18446744073709551616", "-ERR invalid cursor\r\n"},
		{"SCAN x COUNT 0", "-ERR invalid cursor\r\n"},
		{"SCAN 0 COUNT 0", "-ERR syntax error\r\n"},
		{"SCAN 0 COUNT -1", "-ERR syntax error\r\n"},
		{"SCAN 0 COUNT x", "-ERR value is not an integer or out of range\r\n"},
		{"SCAN 0 COUNT", "-ERR syntax error\r\n"},
		{"SCAN 0 MATCH", "-ERR syntax error\r\n"},
		{"SCAN 0 FOO bar", "-ERR syntax error\r\n"},
		{"SCAN 0 TYPE nosuchtype", "*2\r\n$1\r\n0\r\n*0\r\n"},
		{"KEYS", "-ERR wrong number of arguments for 'keys' command\r\n"},
	})
	rc := dialRaw(t, addr)
	rc.do("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "MATCH", "")
	rc.do("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "TYPE", "")
	// A cursor ends at a NUL, as a C string.
	rc.do("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n", "SCAN", "0\x00junk")
}

func TestRandomkey(t *testing.T) {
	s, addr := startTestServer(t)
	rc := newClients(t, addr)["resp3"]
	if err := rc.RandomKey(ctx).Err(); err != redis.Nil {
		t.Fatalf("RANDOMKEY on an empty db: %v, want nil", err)
	}
	// Logically expired keys are skipped (and deleted), not returned.
	locked(s, func() any { s.activeExpire = false; return nil })
	pipe := rc.Pipeline()
	for i := 0; i < 50; i++ {
		pipe.Set(ctx, "dead:"+strconv.Itoa(i), 1, time.Millisecond)
	}
	pipe.Set(ctx, "live", 1, 0)
	pipe.Exec(ctx)
	time.Sleep(5 * time.Millisecond)
	for i := 0; i < 20; i++ {
		if k := rc.RandomKey(ctx).Val(); k != "live" {
			t.Fatalf("RANDOMKEY = %q, want the only live key", k)
		}
	}
	// Only expired keys left: nil, and the samples were reclaimed.
	rc.Del(ctx, "live")
	for i := 0; i < 60; i++ {
		pipe.Set(ctx, "dead:"+strconv.Itoa(i), 1, time.Millisecond)
	}
	pipe.Exec(ctx)
	time.Sleep(5 * time.Millisecond)
	before := rc.DBSize(ctx).Val()
	if err := rc.RandomKey(ctx).Err(); err != redis.Nil {
		t.Fatalf("RANDOMKEY with only expired keys: %v, want nil", err)
	}
	if after := rc.DBSize(ctx).Val(); after != 0 || before != 60 {
		t.Fatalf("DBSIZE %d before RANDOMKEY, %d after; want 60 and 0", before, after)
	}
}

func TestRename(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			rc.Set(ctx, "a", "va", time.Hour)
			rc.Set(ctx, "b", "vb", 0)
			if err := rc.Rename(ctx, "a", "b").Err(); err != nil {
				t.Fatal(err)
			}
			if v, ttl := rc.Get(ctx, "b").Val(), rc.TTL(ctx, "b").Val(); v != "va" || ttl < 59*time.Minute {
				t.Fatalf("after RENAME a b: b = %q ttl %v; want va with a's TTL", v, ttl)
			}
			if rc.Exists(ctx, "a").Val() != 0 {
				t.Fatal("RENAME left the source")
			}
			// The destination's own TTL goes with its old value.
			rc.Set(ctx, "c", "vc", 0)
			rc.Set(ctx, "d", "vd", time.Hour)
			rc.Rename(ctx, "c", "d")
			if ttl := rc.TTL(ctx, "d").Val(); ttl != -1 {
				t.Fatalf("RENAME onto a key with a TTL: ttl %v, want none", ttl)
			}
			if ok := rc.RenameNX(ctx, "d", "b").Val(); ok {
				t.Fatal("RENAMENX onto an existing key succeeded")
			}
			if ok := rc.RenameNX(ctx, "d", "e").Val(); !ok || rc.Get(ctx, "e").Val() != "vc" {
				t.Fatal("RENAMENX to a new key failed")
			}
		})
	}
	rawSteps(t, addr, [][2]string{
		{"FLUSHALL", "+OK\r\n"},
		{"RENAME nokey x", "-ERR no such key\r\n"},
		{"RENAMENX nokey x", "-ERR no such key\r\n"},
		{"RENAME nokey nokey", "-ERR no such key\r\n"},
		{"RENAMENX nokey nokey", "-ERR no such key\r\n"},
		{"SET k v", "+OK\r\n"},
		{"RENAME k k", "+OK\r\n"},
		{"RENAMENX k k", ":0\r\n"},
		{"GET k", "$1\r\nv\r\n"},
	})
}

func TestCopy(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			rc.Set(ctx, "src", "hello", time.Hour)
			if n := rc.Copy(ctx, "src", "dst", 0, false).Val(); n != 1 {
				t.Fatalf("COPY = %d", n)
			}
			// A deep copy: changing one side leaves the other alone.
			rc.Append(ctx, "src", " world")
			rc.SetRange(ctx, "dst", 0, "J")
			if s, d := rc.Get(ctx, "src").Val(), rc.Get(ctx, "dst").Val(); s != "hello world" || d != "Jello" {
				t.Fatalf("after changing both: src %q dst %q", s, d)
			}
			if ttl := rc.TTL(ctx, "dst").Val(); ttl < 59*time.Minute {
				t.Fatalf("copy's TTL %v, want the source's", ttl)
			}
			if n := rc.Copy(ctx, "src", "dst", 0, false).Val(); n != 0 {
				t.Fatal("COPY onto an existing key without REPLACE succeeded")
			}
			if n := rc.Copy(ctx, "src", "dst", 0, true).Val(); n != 1 || rc.Get(ctx, "dst").Val() != "hello world" {
				t.Fatal("COPY REPLACE did not replace")
			}
			if n := rc.Copy(ctx, "src", "src", 3, false).Val(); n != 1 {
				t.Fatal("COPY to another db failed")
			}
			rc.Do(ctx, "SELECT", 3)
			defer rc.Do(ctx, "SELECT", 0)
			if v := rc.Get(ctx, "src").Val(); v != "hello world" {
				t.Fatalf("db 3 holds %q", v)
			}
			if n := rc.Copy(ctx, "nokey", "x", 0, false).Val(); n != 0 {
				t.Fatal("COPY of a missing key succeeded")
			}
		})
	}
	rawSteps(t, addr, [][2]string{
		{"SET s 1", "+OK\r\n"},
		{"COPY s s", "-ERR source and destination objects are the same\r\n"},
		{"COPY s s DB 0", "-ERR source and destination objects are the same\r\n"},
		{"COPY s s DB x", "-ERR value is not an integer or out of range\r\n"},
		{"COPY s s DB 16", "-ERR DB index is out of range\r\n"},
		{"COPY s s DB -1", "-ERR DB index is out of range\r\n"},
		{"COPY s s DB 99999999999", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{"COPY s s DB", "-ERR syntax error\r\n"},
		{"COPY s t REPLACE REPLACE", ":1\r\n"},
		{"COPY s t FOO", "-ERR syntax error\r\n"},
		{"OBJECT ENCODING t", "$3\r\nint\r\n"},
	})
}

func TestMove(t *testing.T) {
	addr := startServer(t)
	rc := newClients(t, addr)["resp2"]
	rc.Set(ctx, "k", "v", time.Hour)
	if !rc.Move(ctx, "k", 5).Val() {
		t.Fatal("MOVE failed")
	}
	if rc.Exists(ctx, "k").Val() != 0 {
		t.Fatal("MOVE left the key in the source db")
	}
	rc.Set(ctx, "k", "new", 0)
	if rc.Move(ctx, "k", 5).Val() {
		t.Fatal("MOVE onto an existing key succeeded")
	}
	rawSteps(t, addr, [][2]string{
		{"SELECT 5", "+OK\r\n"},
		{"GET k", "$1\r\nv\r\n"},
		{"TTL k", ":3600\r\n"},
		{"MOVE k 5", "-ERR source and destination objects are the same\r\n"},
		{"MOVE nokey 5", "-ERR source and destination objects are the same\r\n"},
		{"MOVE k x", "-ERR value is not an integer or out of range\r\n"},
		{"MOVE k 16", "-ERR DB index is out of range\r\n"},
		{"MOVE k 99999999999", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{"MOVE nokey 1", ":0\r\n"},
	})
}

// Inspecting a key (EXISTS, TYPE, TTL, OBJECT) leaves its idle time alone;
// reading or TOUCHing it resets it.
func TestTouchAndIdletime(t *testing.T) {
	s, addr := startTestServer(t)
	rc := newClients(t, addr)["resp2"]
	rc.Set(ctx, "k", "v", 0)
	age := func() {
		locked(s, func() any { s.ks.DBs[0].Peek("k").Access -= 100; return nil })
	}
	idle := func() int64 { return rc.ObjectIdleTime(ctx, "k").Val().Milliseconds() / 1000 }
	age()
	rc.Exists(ctx, "k")
	rc.Type(ctx, "k")
	rc.TTL(ctx, "k")
	rc.ObjectEncoding(ctx, "k")
	if got := idle(); got < 100 {
		t.Fatalf("idle %d s after inspecting commands, want >= 100", got)
	}
	if n := rc.Touch(ctx, "k", "k", "nokey").Val(); n != 2 {
		t.Fatalf("TOUCH k k nokey = %d, want 2", n)
	}
	if got := idle(); got > 1 {
		t.Fatalf("idle %d s after TOUCH", got)
	}
}

func TestExpireFamily(t *testing.T) {
	s, addr := startTestServer(t)
	rc := newClients(t, addr)["resp3"]
	ttl := func(k string) int64 { return rc.PTTL(ctx, k).Val().Milliseconds() }

	// NX/XX/GT/LT against a key without and with a TTL (no TTL is infinite).
	for _, tc := range []struct {
		cur  int64 // seconds; 0 for no TTL
		opt  string
		secs int64
		ok   bool
	}{
		{0, "", 100, true},
		{0, "NX", 100, true},
		{0, "XX", 100, false},
		{0, "GT", 100, false},
		{0, "LT", 100, true},
		{0, "lt", -1, true},
		{50, "NX", 100, false},
		{50, "XX", 100, true},
		{50, "GT", 100, true},
		{50, "GT", 10, false},
		{50, "GT", 49, false}, // 50 would be later by the time between the two commands
		{50, "LT", 10, true},
		{50, "LT", 100, false},
		{50, "XX GT", 100, true},
		{50, "XX LT", 100, false},
	} {
		rc.Set(ctx, "k", "v", time.Duration(tc.cur)*time.Second)
		args := []any{"EXPIRE", "k", tc.secs}
		for _, o := range strings.Fields(tc.opt) {
			args = append(args, o)
		}
		n, err := rc.Do(ctx, args...).Int64()
		if err != nil || (n == 1) != tc.ok {
			t.Fatalf("TTL %ds, EXPIRE k %d %s = %d %v, want ok=%v", tc.cur, tc.secs, tc.opt, n, err, tc.ok)
		}
	}

	// The four commands: units and bases.
	rc.Set(ctx, "k", "v", 0)
	now := time.Now().UnixMilli()
	rc.Expire(ctx, "k", 100*time.Second)
	if got := ttl("k"); got < 99_000 || got > 100_000 {
		t.Fatalf("EXPIRE 100: pttl %d", got)
	}
	rc.PExpire(ctx, "k", 5500*time.Millisecond)
	if got := ttl("k"); got < 5000 || got > 5500 {
		t.Fatalf("PEXPIRE 5500: pttl %d", got)
	}
	rc.ExpireAt(ctx, "k", time.UnixMilli(now+200_000))
	if got := rc.ExpireTime(ctx, "k").Val(); got != time.Duration((now+200_000)/1000)*time.Second {
		t.Fatalf("EXPIREAT: expiretime %v", got)
	}
	rc.PExpireAt(ctx, "k", time.UnixMilli(now+300_123))
	if got := rc.PExpireTime(ctx, "k").Val(); got != time.Duration(now+300_123)*time.Millisecond {
		t.Fatalf("PEXPIREAT: pexpiretime %v", got)
	}
	if got := rc.TTL(ctx, "k").Val(); got < 299*time.Second || got > 300*time.Second {
		t.Fatalf("TTL %v", got)
	}

	// A time in the past deletes the key and counts as one change.
	dirty := s.dirtyCount()
	if n := rc.Expire(ctx, "k", -time.Second).Val(); !n || rc.Exists(ctx, "k").Val() != 0 {
		t.Fatal("EXPIRE with a negative time did not delete the key")
	}
	if got := s.dirtyCount() - dirty; got != 1 {
		t.Fatalf("dirty +%d after deleting by EXPIRE, want +1", got)
	}
	rc.Set(ctx, "k", "v", 0)
	if n := rc.PExpireAt(ctx, "k", time.UnixMilli(1)).Val(); !n || rc.Exists(ctx, "k").Val() != 0 {
		t.Fatal("PEXPIREAT in the past did not delete the key")
	}
	// A missing key, or a refused condition, changes nothing.
	dirty = s.dirtyCount()
	rc.Expire(ctx, "nokey", time.Second)
	rc.Set(ctx, "k", "v", 0)
	rc.ExpireXX(ctx, "k", time.Second)
	if got := s.dirtyCount() - dirty; got != 1 { // the SET
		t.Fatalf("dirty +%d, want +1", got)
	}
}

func TestExpireTTLPersistRaw(t *testing.T) {
	addr := startServer(t)
	rawSteps(t, addr, [][2]string{
		{"SET k v", "+OK\r\n"},
		{"EXPIRE k 10 NX XX", "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
		{"EXPIRE k 10 NX GT", "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
		{"EXPIRE k 10 GT LT", "-ERR GT and LT options at the same time are not compatible\r\n"},
		{"EXPIRE k 10 foo", "-ERR Unsupported option foo\r\n"},
		// Options are checked before the time.
		{"EXPIRE k x foo", "-ERR Unsupported option foo\r\n"},
		{"EXPIRE k x", "-ERR value is not an integer or out of range\r\n"},
		{"EXPIRE k 9223372036854775807", "-ERR invalid expire time in 'expire' command\r\n"},
		{"expire k 9223372036854775", "-ERR invalid expire time in 'expire' command\r\n"},
		{"PEXPIRE k 9223372036854775807", "-ERR invalid expire time in 'pexpire' command\r\n"},
		{"EXPIREAT k 9223372036854776", "-ERR invalid expire time in 'expireat' command\r\n"},
		{"EXPIREAT k -9223372036854776", "-ERR invalid expire time in 'expireat' command\r\n"},
		{"PEXPIREAT k 9223372036854775807", ":1\r\n"},
		{"PEXPIRETIME k", ":9223372036854775807\r\n"},
		{"EXPIRETIME k", ":9223372036854776\r\n"},
		{"PERSIST k", ":1\r\n"},
		{"PERSIST k", ":0\r\n"},
		{"PERSIST nokey", ":0\r\n"},
		{"TTL k", ":-1\r\n"},
		{"PTTL k", ":-1\r\n"},
		{"EXPIRETIME k", ":-1\r\n"},
		{"PEXPIRETIME k", ":-1\r\n"},
		{"TTL nokey", ":-2\r\n"},
		{"PTTL nokey", ":-2\r\n"},
		{"EXPIRETIME nokey", ":-2\r\n"},
		{"PEXPIRETIME nokey", ":-2\r\n"},
		{"EXPIRE nokey 10", ":0\r\n"},
		{"EXPIREAT k 4102444800", ":1\r\n"},
		{"EXPIRETIME k", ":4102444800\r\n"},
		{"PEXPIRE k 1999", ":1\r\n"},
		{"TTL k", ":2\r\n"}, // rounded, as Redis (for the next 499 ms)
		{"EXPIRE k 0", ":1\r\n"},
		{"EXISTS k", ":0\r\n"},
	})
}

func TestObjectRaw(t *testing.T) {
	addr := startServer(t)
	long := strings.Repeat("x", 45)
	rc := dialRaw(t, addr)
	set := time.Now()
	rc.do("+OK\r\n", "MSET", "s", "hello", "i", "12", "big", "123456", "neg", "-5", "z", "0123", "e44", long[:44], "e45", long)
	expectIdle(t, rc, "s", 0, set)
	for _, st := range [][2]string{
		{"OBJECT ENCODING s", "$6\r\nembstr\r\n"},
		{"OBJECT ENCODING i", "$3\r\nint\r\n"},
		{"OBJECT ENCODING neg", "$3\r\nint\r\n"},
		{"OBJECT ENCODING z", "$6\r\nembstr\r\n"},
		{"OBJECT ENCODING e44", "$6\r\nembstr\r\n"},
		{"OBJECT ENCODING e45", "$3\r\nraw\r\n"},
		{"OBJECT ENCODING nokey", "$-1\r\n"},
		{"OBJECT REFCOUNT i", ":2147483647\r\n"},
		{"OBJECT REFCOUNT big", ":1\r\n"},
		{"OBJECT REFCOUNT neg", ":1\r\n"},
		{"OBJECT REFCOUNT s", ":1\r\n"},
		{"OBJECT REFCOUNT nokey", "$-1\r\n"},
		{"OBJECT IDLETIME nokey", "$-1\r\n"},
		{"OBJECT FREQ s", "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"},
		{"OBJECT FREQ nokey", "$-1\r\n"},
		{"OBJECT HELP", "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n"},
		{"APPEND s !", ":6\r\n"},
		{"OBJECT ENCODING s", "$3\r\nraw\r\n"},
		{"CONFIG SET maxmemory-policy allkeys-lru", "+OK\r\n"},
		{"OBJECT REFCOUNT i", ":2147483647\r\n"},
		{"CONFIG SET maxmemory 100mb", "+OK\r\n"},
		{"OBJECT REFCOUNT i", ":1\r\n"},
		{"CONFIG SET maxmemory 0 maxmemory-policy allkeys-lfu", "+OK\r\n"},
		{"SET lfu v", "+OK\r\n"}, // a key made under LFU starts at LFU_INIT_VAL
		{"OBJECT FREQ lfu", ":5\r\n"},
		{"OBJECT IDLETIME i", "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"},
		{"HELLO 3", ""},
	} {
		args := strings.Split(st[0], " ")
		if st[1] == "" {
			rc.do("", args...)
			skipReply(t, rc)
			continue
		}
		rc.do(st[1], args...)
	}
	rc.do("_\r\n", "OBJECT", "ENCODING", "nokey")
	rc.do("_\r\n", "OBJECT", "IDLETIME", "nokey")
}

// RESTORE IDLETIME sets the idle time OBJECT IDLETIME reports (here, not
// in testdata/diff/dump.txt, where a second beginning between the two
// commands on one server would make the replies differ).
func TestRestoreIdletime(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	restored := time.Now()
	rc.do("+OK\r\n", "RESTORE", "r6", "0", "\x00\x05hello\n\x00cr\xdfve4 \n", "IDLETIME", "1000")
	expectIdle(t, rc, "r6", 1000, restored)
}

// expectIdle checks OBJECT IDLETIME key: want seconds, or one more for
// each second the clock began since the key was last used (at or after
// used). The idle time counts whole seconds of the LRU clock, so a second
// beginning between the access and the question adds one, whatever the
// milliseconds between them.
func expectIdle(t *testing.T, rc *rawConn, key string, want int64, used time.Time) {
	t.Helper()
	rc.send(string(diffEncode(stringArgv("OBJECT", "IDLETIME", key))))
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := rc.r.ReadString('\n')
	most := want + time.Now().Unix() - used.Unix()
	got, perr := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(line, ":"), "\r\n"), 10, 64)
	if err != nil || perr != nil || got < want || got > most {
		t.Fatalf("OBJECT IDLETIME %s = %q (%v), want %d to %d", key, line, err, want, most)
	}
}

// skipReply reads and discards one reply of any type from rc.
func skipReply(t *testing.T, rc *rawConn) {
	t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := rc.r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	switch line[0] {
	case '$', '=':
		if n >= 0 {
			rc.r.Discard(n + 2)
		}
	case '%':
		n *= 2
		fallthrough
	case '*', '~':
		for ; n > 0; n-- {
			skipReply(t, rc)
		}
	}
}

// MEMORY USAGE gives Redis 7's own figures for strings (jemalloc size
// classes of the key's sds, the dict entry and the value object).
func TestMemoryUsageRaw(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	long41 := "k" + strings.Repeat("1234567890", 4)
	rc.do("+OK\r\n", "MSET", "a", "1", "big", "12345", "s", "hello", long41, "x",
		"r4", strings.Repeat("x", 45), "r100", strings.Repeat("x", 100), "r300", strings.Repeat("x", 300),
		"r3", strings.Repeat("x", 50000))
	for _, st := range [][2]string{
		{"MEMORY USAGE a", ":48\r\n"},
		{"MEMORY USAGE big", ":48\r\n"},
		{"MEMORY USAGE s", ":64\r\n"},
		{"MEMORY USAGE " + long41, ":104\r\n"},
		{"MEMORY USAGE r4", ":112\r\n"},
		{"MEMORY USAGE r100", ":160\r\n"},
		{"MEMORY USAGE r300", ":368\r\n"},
		{"MEMORY USAGE r3", ":57392\r\n"},
		{"MEMORY USAGE nokey", "$-1\r\n"},
		{"MEMORY USAGE s SAMPLES 0", ":64\r\n"},
		{"MEMORY USAGE s samples 10 SAMPLES 2", ":64\r\n"},
		{"MEMORY USAGE s SAMPLES -1", "-ERR syntax error\r\n"},
		{"MEMORY USAGE s SAMPLES x", "-ERR value is not an integer or out of range\r\n"},
		{"MEMORY USAGE s SAMPLES", "-ERR syntax error\r\n"},
		{"MEMORY USAGE s foo", "-ERR syntax error\r\n"},
		{"MEMORY USAGE nokey SAMPLES -1", "-ERR syntax error\r\n"},
		{"MEMORY HELP", "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n+    Return memory problems reports.\r\n+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n+STATS\r\n+    Return information about the memory usage of the server.\r\n+USAGE <key> [SAMPLES <count>]\r\n+    Return memory in bytes used by <key> and its value. Nested values are\r\n+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n"},
	} {
		rc.do(st[1], strings.Split(st[0], " ")...)
	}
}

func TestSelectSwapdbDbsizeRaw(t *testing.T) {
	addr := startServer(t)
	rawSteps(t, addr, [][2]string{
		{"SET a 1", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"SELECT 16", "-ERR DB index is out of range\r\n"},
		{"SELECT -1", "-ERR DB index is out of range\r\n"},
		{"SELECT x", "-ERR value is not an integer or out of range\r\n"},
		{"SELECT 01", "-ERR value is not an integer or out of range\r\n"},
		{"SELECT 99999999999", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{"SELECT 2", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SWAPDB 0 2", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"GET a", "$1\r\n1\r\n"},
		{"SWAPDB 2 2", "+OK\r\n"},
		{"SWAPDB x 0", "-ERR invalid first DB index\r\n"},
		{"SWAPDB 0 x", "-ERR invalid second DB index\r\n"},
		{"SWAPDB x x", "-ERR invalid first DB index\r\n"},
		{"SWAPDB 99999999999 0", "-ERR invalid first DB index\r\n"},
		{"SWAPDB 0 99999999999", "-ERR invalid second DB index\r\n"},
		{"SWAPDB 0 16", "-ERR DB index is out of range\r\n"},
		{"SWAPDB -1 0", "-ERR DB index is out of range\r\n"},
		{"SWAPDB 16 x", "-ERR invalid second DB index\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
	})
}

func TestFlushRaw(t *testing.T) {
	s, addr := startTestServer(t)
	rawSteps(t, addr, [][2]string{
		{"SET a 1", "+OK\r\n"},
		{"FLUSHDB x", "-ERR syntax error\r\n"},
		{"FLUSHDB SYNC ASYNC", "-ERR syntax error\r\n"},
		{"FLUSHALL foo", "-ERR syntax error\r\n"},
		{"FLUSHDB async", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"SELECT 3", "+OK\r\n"},
		{"SET b 1", "+OK\r\n"},
		{"FLUSHDB SYNC", "+OK\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"SELECT 3", "+OK\r\n"},
		{"SET b 1", "+OK\r\n"},
		{"FLUSHALL ASYNC", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
	})
	// Like Redis, flushing propagates even when there was nothing to flush.
	dirty := s.dirtyCount()
	rawSteps(t, addr, [][2]string{{"FLUSHDB", "+OK\r\n"}, {"FLUSHALL", "+OK\r\n"}})
	if got := s.dirtyCount() - dirty; got != 2 {
		t.Fatalf("dirty +%d after flushing empty dbs, want +2", got)
	}
}

// Every write of this family makes a transaction watching a key it changed
// fail, and leaves one watching an unrelated key alone.
func TestKeyWritesBreakWatch(t *testing.T) {
	addr := startServer(t)
	for _, tc := range []struct {
		setup   []string // run before WATCH, in db 0
		watchDB string
		watch   string
		write   string // from another connection, in db 0
		breaks  bool
	}{
		{[]string{"SET k v"}, "0", "k", "DEL k", true},
		{[]string{"SET k v"}, "0", "k", "DEL other", false},
		{[]string{"SET k v"}, "0", "k", "UNLINK k", true},
		{[]string{"SET k v"}, "0", "k", "RENAME k k2", true},
		{[]string{"SET k v"}, "0", "k2", "RENAME k k2", true},
		{[]string{"SET k v"}, "0", "k", "RENAME k k", false},
		{[]string{"SET k v", "SET k2 v"}, "0", "k", "RENAMENX k k2", false},
		{[]string{"SET k v"}, "0", "k2", "COPY k k2", true},
		{[]string{"SET k v"}, "0", "k", "COPY k k2", false},
		{[]string{"SET k v"}, "4", "k2", "COPY k k2 DB 4", true},
		{[]string{"SET k v"}, "0", "k", "MOVE k 4", true},
		{[]string{"SET k v"}, "4", "k", "MOVE k 4", true},
		{[]string{"SET k v"}, "0", "k", "EXPIRE k 100", true},
		{[]string{"SET k v"}, "0", "k", "EXPIRE k 100 XX", false},
		{[]string{"SET k v"}, "0", "k", "EXPIRE k -1", true},
		{[]string{"SET k v EX 100"}, "0", "k", "PERSIST k", true},
		{[]string{"SET k v"}, "0", "k", "PERSIST k", false},
		{[]string{"SET k v"}, "0", "k", "TOUCH k", false},
		{[]string{"SET k v"}, "0", "k", "FLUSHDB", true},
		{[]string{"SET k v"}, "4", "k", "FLUSHDB", false},
		{[]string{"SELECT 4", "SET k v", "SELECT 0"}, "4", "k", "FLUSHALL", true},
		{[]string{"SET k v"}, "0", "k", "SWAPDB 0 4", true},
		{[]string{"SET k v"}, "4", "k", "SWAPDB 0 4", true},
		{[]string{"SET k v"}, "5", "k", "SWAPDB 0 4", false},
	} {
		name := tc.write + " watching " + tc.watch + " in db " + tc.watchDB
		t.Run(name, func(t *testing.T) {
			w, o := dialRaw(t, addr), dialRaw(t, addr)
			o.do("+OK\r\n", "FLUSHALL")
			for _, cmd := range tc.setup {
				o.do("+OK\r\n", strings.Split(cmd, " ")...)
			}
			w.do("+OK\r\n", "SELECT", tc.watchDB)
			w.do("+OK\r\n", "WATCH", tc.watch)
			o.do("", strings.Split(tc.write, " ")...)
			skipReply(t, o)
			w.do("+OK\r\n", "MULTI")
			w.do("+QUEUED\r\n", "PING")
			if tc.breaks {
				w.do("*-1\r\n", "EXEC")
			} else {
				w.do("*1\r\n+PONG\r\n", "EXEC")
			}
		})
	}
}

// Writes propagate (count as changes) only when they change something.
func TestKeyWritesDirty(t *testing.T) {
	s, addr := startTestServer(t)
	rc := dialRaw(t, addr)
	for _, tc := range []struct {
		cmd   string
		want  string
		dirty int64
	}{
		{"SET k v", "+OK\r\n", 1},
		{"DEL nokey", ":0\r\n", 0},
		{"DEL k nokey", ":1\r\n", 1},
		{"SET k v", "+OK\r\n", 1},
		{"UNLINK k", ":1\r\n", 1},
		{"SET k v", "+OK\r\n", 1},
		{"RENAME k k", "+OK\r\n", 0},
		{"RENAME k k2", "+OK\r\n", 1},
		{"RENAMENX nokey x", "-ERR no such key\r\n", 0},
		{"COPY k2 k", ":1\r\n", 1},
		{"COPY k2 k", ":0\r\n", 0},
		{"MOVE k 1", ":1\r\n", 1},
		{"MOVE nokey 1", ":0\r\n", 0},
		{"EXPIRE k2 100", ":1\r\n", 1},
		{"EXPIRE k2 100 NX", ":0\r\n", 0},
		{"PERSIST k2", ":1\r\n", 1},
		{"PERSIST k2", ":0\r\n", 0},
		{"TOUCH k2", ":1\r\n", 0},
		{"SWAPDB 0 1", "+OK\r\n", 1},
		{"SELECT 1", "+OK\r\n", 0},
	} {
		before := s.dirtyCount()
		rc.do(tc.want, strings.Split(tc.cmd, " ")...)
		if got := s.dirtyCount() - before; got != tc.dirty {
			t.Errorf("%s: dirty +%d, want +%d", tc.cmd, got, tc.dirty)
		}
	}
}

// On a replica, a time already past does not delete the key: the master's
// DEL will.
func TestExpireOnReplicaKeepsKey(t *testing.T) {
	s, addr := startTestServer(t)
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "SET", "k", "v")
	locked(s, func() any { s.ks.Replica = true; return nil })
	rc.do(":1\r\n", "EXPIRE", "k", "-1")
	if e := locked(s, func() *keyspace.Entry { return s.ks.DBs[0].Peek("k") }); e == nil {
		t.Fatal("a replica deleted a key on EXPIRE in the past")
	}
	rc.do(":0\r\n", "EXISTS", "k")
}
