package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"respd/internal/aof"
	"respd/internal/keyspace"
	"respd/internal/rdb"
)

// writeAOFWorkload runs writes of every kind the AOF must carry: relative
// TTLs (stored as absolute), INCRBYFLOAT, several databases, a transaction,
// and a key that expires.
func writeAOFWorkload(t *testing.T, addr string) {
	t.Helper()
	rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer rc.Close()
	rc.Set(ctx, "a", "1", 0)
	rc.Set(ctx, "ttl", "v", time.Hour)
	rc.IncrByFloat(ctx, "f", 1.5)
	rc.Append(ctx, "a", "23")
	rc.Set(ctx, "gone", "v", 50*time.Millisecond)
	rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "x", "1", 0)
		p.Incr(ctx, "x")
		return nil
	})
	db2 := redis.NewClient(&redis.Options{Addr: addr, DB: 2, Protocol: 2})
	defer db2.Close()
	db2.Set(ctx, "in2", "two", 0)
	rc.Del(ctx, "nothing")
	// "gone" expires: the active cycle deletes it (a DEL in the AOF), and
	// DBSIZE, which doesn't look it up, sees a, ttl, f and x left.
	waitFor(t, func() bool { return rc.DBSize(ctx).Val() == 4 })
}

func checkAOFWorkload(t *testing.T, addr, who string) {
	t.Helper()
	rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer rc.Close()
	for k, want := range map[string]string{"a": "123", "ttl": "v", "f": "1.5", "x": "2"} {
		if got := rc.Get(ctx, k).Val(); got != want {
			t.Errorf("%s: %s = %q, want %q", who, k, got, want)
		}
	}
	if ttl := rc.TTL(ctx, "ttl").Val(); ttl < 59*time.Minute {
		t.Errorf("%s: TTL %v", who, ttl)
	}
	if rc.Exists(ctx, "gone").Val() != 0 {
		t.Errorf("%s: an expired key came back", who)
	}
	db2 := redis.NewClient(&redis.Options{Addr: addr, DB: 2, Protocol: 2})
	defer db2.Close()
	if got := db2.Get(ctx, "in2").Val(); got != "two" {
		t.Errorf("%s: db 2 in2 = %q", who, got)
	}
}

// appendonly yes: the multi-part layout is created at once, every write
// lands in the incremental file, and a restart replays it.
func TestAOFReplay(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes", "--appendfsync", "always")
	aofDir := filepath.Join(dir, "appendonlydir")
	manifest, err := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.manifest"))
	want := "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
	if err != nil || string(manifest) != want {
		t.Fatalf("manifest %q, %v", manifest, err)
	}
	writeAOFWorkload(t, addr)
	s.Shutdown()
	incr, _ := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.1.incr.aof"))
	for _, want := range []string{"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n", "$4\r\nPXAT\r\n", "$7\r\nKEEPTTL\r\n", "*1\r\n$5\r\nMULTI\r\n", "*1\r\n$4\r\nEXEC\r\n", "$3\r\nDEL\r\n$4\r\ngone\r\n"} {
		if !strings.Contains(string(incr), want) {
			t.Errorf("incremental AOF lacks %q:\n%s", want, incr)
		}
	}
	if strings.Contains(string(incr), "nothing") {
		t.Error("a DEL that changed nothing was appended")
	}
	checkAOF(t, filepath.Join(aofDir, "appendonly.aof.manifest"))

	_, addr2 := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	checkAOFWorkload(t, addr2, "respd after restart")
}

func checkAOF(t *testing.T, manifest string) {
	t.Helper()
	if _, err := exec.LookPath("redis-check-aof"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-check-aof not installed")
		}
		t.Log("redis-check-aof not installed; skipping the check")
		return
	}
	out, err := exec.Command("redis-check-aof", manifest).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "is valid") {
		t.Fatalf("redis-check-aof: %v\n%s", err, out)
	}
}

// An AOF directory written by respd loads into redis-server, and one
// written by redis-server loads into respd.
func TestAOFInteroperability(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed")
	}
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	writeAOFWorkload(t, addr)
	s.Shutdown()
	checkAOFWorkload(t, diffStartRedis(t, "--dir", dir, "--appendonly", "yes"), "redis-server from respd's AOF")

	dir2 := t.TempDir()
	redisAddr := diffStartRedis(t, "--dir", dir2, "--appendonly", "yes", "--appendfsync", "always")
	writeAOFWorkload(t, redisAddr)
	_, addr2 := startTestServer(t, "--dir", dir2, "--appendonly", "yes")
	checkAOFWorkload(t, addr2, "respd from redis-server's AOF")
}

// aof-use-rdb-preamble no writes bases as commands (".base.aof"), and
// aof-timestamp-enabled yes puts "#TS:" annotations in the files (a base
// starts with one), as in Redis; each server loads the other's directory.
func TestAOFWithoutPreambleWithTimestamps(t *testing.T) {
	interopRequireRedis(t)
	args := []string{"--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes"}
	start := map[string]func(dir string) string{
		"respd": func(dir string) string { return startServer(t, append([]string{"--dir", dir}, args...)...) },
		"redis": func(dir string) string { return diffStartRedis(t, append([]string{"--dir", dir}, args...)...) },
	}
	dirs := map[string]string{}
	for name, startIn := range start {
		dir := t.TempDir()
		addr := startIn(dir)
		writeAOFWorkload(t, addr)
		expectReplies(t, addr, "BGREWRITEAOF", "+Background append only file rewriting started\r\n")
		waitFor(t, func() bool {
			info := interopInfoSection(t, addr, "persistence")
			return info["aof_rewrite_in_progress"] == "0" && info["aof_rewrites"] == "1"
		})
		expectReplies(t, addr, "SET later yes", "+OK\r\n")
		aofDir := filepath.Join(dir, "appendonlydir")
		manifest, _ := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.manifest"))
		if want := "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; string(manifest) != want {
			t.Fatalf("%s: manifest %q, want %q", name, manifest, want)
		}
		for _, file := range []string{"appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof"} {
			data, _ := os.ReadFile(filepath.Join(aofDir, file))
			if file == "appendonly.aof.2.base.aof" && !strings.HasPrefix(string(data), "#TS:") {
				t.Errorf("%s: %s starts %.30q, not with a timestamp", name, file, data)
			}
			rd := aof.NewReader(bytes.NewReader(data))
			for {
				argv, err := rd.ReadCommand()
				if err != nil {
					if err != io.EOF {
						t.Fatalf("%s: %s: %v", name, file, err)
					}
					break
				}
				if cmd := strings.ToUpper(string(argv[0])); file == "appendonly.aof.2.base.aof" && cmd != "SELECT" && cmd != "SET" && cmd != "PEXPIREAT" {
					t.Errorf("%s: base holds %s", name, argv[0])
				}
			}
		}
		checkAOF(t, filepath.Join(aofDir, "appendonly.aof.manifest"))
		dirs[name] = dir
	}
	for from, to := range map[string]string{"respd": "redis", "redis": "respd"} {
		addr := start[to](copyDir(t, dirs[from]))
		checkAOFWorkload(t, addr, to+" from "+from+"'s AOF")
		expectReplies(t, addr, "GET later", "$3\r\nyes\r\n")
	}
}

// What a crash can leave at the end of the AOF is cut off, and the file
// truncated to the commands before it, by redis-server and respd alike:
// a command cut short, or a transaction without its EXEC. Annotations
// (aof-timestamp-enabled) are no damage. One difference, on purpose: for a
// transaction cut short inside a command, redis-server truncates after its
// MULTI, so the writes it appends next would be reverted with that
// transaction at its following start; respd truncates before the MULTI.
func TestAOFTruncatedTail(t *testing.T) {
	for _, tc := range []struct {
		name, tail string
		kept       bool // the tail is whole and stays
	}{
		{"command cut short", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nhal", false},
		{"transaction without EXEC", "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n", false},
		{"transaction cut short", "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r", false},
		{"annotations", "#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n#TS:1700000001\r\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := damagedAOF(t, tc.tail)
			incr := filepath.Join("appendonlydir", "appendonly.aof.1.incr.aof")
			clean := fileSize(filepath.Join(dir, incr)) - int64(len(tc.tail))
			want, wantX := clean, "$-1\r\n"
			if tc.kept {
				want, wantX = clean+int64(len(tc.tail)), "$1\r\n1\r\n"
			}
			servers := map[string]func(dir string) string{
				"respd": func(dir string) string { return startServer(t, "--dir", dir, "--appendonly", "yes") },
			}
			if _, err := exec.LookPath("redis-server"); err == nil || os.Getenv("CI") != "" {
				servers["redis"] = func(dir string) string { return diffStartRedis(t, "--dir", dir, "--appendonly", "yes") }
			}
			for name, start := range servers {
				d := copyDir(t, dir)
				addr := start(d)
				expectReplies(t, addr, "GET k", "$1\r\nv\r\n", "GET x", wantX)
				if got := fileSize(filepath.Join(d, incr)); got != want && (name == "respd" || tc.name != "transaction cut short") {
					t.Errorf("%s: incremental file is %d bytes after loading, want %d", name, got, want)
				}
			}
		})
	}
}

// With aof-load-truncated no, a damaged tail stops the start, as in Redis.
func TestAOFTruncatedTailRefused(t *testing.T) {
	dir := damagedAOF(t, "*1\r\n$5\r\nMULTI\r\n")
	cfg, err := parseArgs([]string{"--dir", dir, "--appendonly", "yes", "--aof-load-truncated", "no"})
	if err != nil {
		t.Fatal(err)
	}
	err = NewServer(cfg).LoadData()
	if err == nil || !strings.Contains(err.Error(), "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof") {
		t.Fatalf("LoadData: %v", err)
	}
}

// damagedAOF is the AOF directory of a server that set k, with tail
// appended to its incremental file.
func damagedAOF(t *testing.T, tail string) string {
	t.Helper()
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	expectReplies(t, addr, "SET k v", "+OK\r\n")
	s.Shutdown()
	f, err := os.OpenFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(tail)
	f.Close()
	return dir
}

// copyDir copies a server's directory (its files, and those of its AOF
// directory) into a new one.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	for _, sub := range []string{"", "appendonlydir"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		os.MkdirAll(filepath.Join(to, sub), 0o755)
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(to, sub, e.Name()), data, 0o644)
		}
	}
	return to
}

// BGREWRITEAOF: a new base from a snapshot, a new incremental file for the
// writes since, an atomic manifest switch, and the old files gone.
func TestBgrewriteaof(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	writeAOFWorkload(t, addr)
	rc := dialRaw(t, addr)
	rc.do("+Background append only file rewriting started\r\n", "BGREWRITEAOF")
	rc.do("+OK\r\n", "SET", "after-rewrite", "yes")
	waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return !s.rewrite.running })
	aofDir := filepath.Join(dir, "appendonlydir")
	manifest, _ := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.manifest"))
	if want := "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; string(manifest) != want {
		t.Fatalf("manifest after rewrite: %q", manifest)
	}
	if _, err := os.Stat(filepath.Join(aofDir, "appendonly.aof.1.incr.aof")); err == nil {
		t.Error("the old incremental file is still there")
	}
	if aux := rdbAux(t, filepath.Join(aofDir, "appendonly.aof.2.base.rdb")); aux["aof-base"] != "1" || aux["used-mem"] == "0" || aux["repl-id"] != "" {
		t.Errorf("base file's AUX fields: %v", aux)
	}
	rc.do("+OK\r\n", "SET", "later", "yes")
	s.Shutdown()
	checkAOF(t, filepath.Join(aofDir, "appendonly.aof.manifest"))
	_, addr2 := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	checkAOFWorkload(t, addr2, "respd after rewrite and restart")
	rc2 := dialRaw(t, addr2)
	rc2.do("$3\r\nyes\r\n", "GET", "after-rewrite")
	rc2.do("$3\r\nyes\r\n", "GET", "later")
}

// rdbAux reads the AUX fields of an RDB file.
func rdbAux(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	aux := map[string]string{}
	err = rdb.Loader{Record: func(rdb.Record) error { return nil }, Aux: func(k, v []byte) { aux[string(k)] = string(v) }}.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return aux
}

// CONFIG SET appendonly yes turns the AOF on from a rewrite.
func TestConfigSetAppendonly(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir)
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "SET", "before", "1")
	rc.do("+OK\r\n", "CONFIG", "SET", "appendonly", "yes")
	manifest := filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")
	waitFor(t, func() bool { _, err := os.Stat(manifest); return err == nil })
	rc.do("+OK\r\n", "SET", "after", "2")
	s.Shutdown()
	_, addr2 := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	rc2 := dialRaw(t, addr2)
	rc2.do("$1\r\n1\r\n", "GET", "before")
	rc2.do("$1\r\n2\r\n", "GET", "after")
}

// CONFIG SET appendonly takes effect before its reply, as in Redis (respd
// left it to the next cron tick): on, the rewrite that creates the AOF has
// started by the INFO that follows in the same turn; off, the next write
// is in no AOF file.
func TestConfigSetAppendonlyAtOnce(t *testing.T) {
	configBothServers(t, nil, func(t *testing.T, addr, dir string) {
		rc := dialRaw(t, addr)
		rc.do("+OK\r\n", "SET", "before", "1")
		reply, info := configSetThenInfo(t, rc, "persistence", "appendonly", "yes")
		if reply != "+OK\r\n" || info["aof_enabled"] != "1" || info["aof_rewrites"] != "1" {
			t.Fatalf("CONFIG SET appendonly yes: %q, then aof_enabled %s, aof_rewrites %s", reply, info["aof_enabled"], info["aof_rewrites"])
		}
		waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["aof_rewrite_in_progress"] == "0" })
		rc.send(rwCmd("CONFIG", "SET", "appendonly", "no") + rwCmd("SET", "after", "2") + rwCmd("INFO", "persistence"))
		rc.expect("+OK\r\n+OK\r\n")
		if info := rawInfo(t, rc, ""); info["aof_enabled"] != "0" {
			t.Fatalf("CONFIG SET appendonly no, then aof_enabled %s", info["aof_enabled"])
		}
		files, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*"))
		if len(files) == 0 {
			t.Fatal("no AOF files")
		}
		for _, f := range files {
			if data, _ := os.ReadFile(f); bytes.Contains(data, []byte("after")) {
				t.Errorf("%s has the write made after appendonly no", filepath.Base(f))
			}
		}
	})
}

// An AOF turned off and on again starts afresh, as in Redis: its files
// are numbered after those of its last time, which it replaces (respd
// appended to them, so that a restart replayed writes undone while it was
// off).
func TestConfigSetAppendonlyOffOn(t *testing.T) {
	offOn := func(t *testing.T, addr, dir string) {
		rc := dialRaw(t, addr)
		on := func() {
			rc.do("+OK\r\n", "CONFIG", "SET", "appendonly", "yes")
			waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["aof_rewrite_in_progress"] == "0" })
		}
		on()
		rc.do("+OK\r\n", "SET", "k", "old")
		rc.do("+OK\r\n", "CONFIG", "SET", "appendonly", "no")
		rc.do(":1\r\n", "DEL", "k")
		on()
		rc.do("+OK\r\n", "SET", "k2", "new")
		aofDir := filepath.Join(dir, "appendonlydir")
		manifest, _ := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.manifest"))
		if want := "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; string(manifest) != want {
			t.Fatalf("manifest:\n%s\nwant:\n%s", manifest, want)
		}
		if files, _ := filepath.Glob(filepath.Join(aofDir, "appendonly.aof.1.*")); len(files) > 0 {
			t.Errorf("the files of the AOF's first time are left: %v", files)
		}
	}
	configBothServers(t, nil, offOn)
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir)
	offOn(t, addr, dir)
	s.Shutdown()
	_, addr2 := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	expectReplies(t, addr2, "GET k", "$-1\r\n", "GET k2", "$3\r\nnew\r\n")
}

// An AOF rewrite completes in the AOF's directory of its start when
// CONFIG SET dir follows in the same turn (it read dir without the lock).
func TestConfigSetDirDuringRewrite(t *testing.T) {
	dir := t.TempDir()
	addr := startServer(t, "--dir", dir, "--appendonly", "yes", "--enable-protected-configs", "yes")
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "SET", "k", "v")
	rc.send(rwCmd("BGREWRITEAOF") + rwCmd("CONFIG", "SET", "dir", t.TempDir()))
	rc.expect("+Background append only file rewriting started\r\n+OK\r\n")
	waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["aof_rewrite_in_progress"] == "0" })
	if info := rawInfo(t, rc, "persistence"); info["aof_last_bgrewrite_status"] != "ok" {
		t.Fatalf("aof_last_bgrewrite_status %s", info["aof_last_bgrewrite_status"])
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if want := "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; string(manifest) != want {
		t.Fatalf("manifest:\n%s\nwant:\n%s", manifest, want)
	}
}

// An AOF that can't be turned on stays off: the server goes on without it
// (respd's half-made AOF, without a file, took the writes that followed).
func TestConfigSetAppendonlyFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, "--dir", dir)
	expectReplies(t, addr,
		"CONFIG SET appendonly yes", "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.\r\n",
		"SET k v", "+OK\r\n",
		"GET k", "$1\r\nv\r\n")
}

// aof-timestamp-enabled: a "#TS:" line before the first write of each
// second.
func TestAOFTimestamps(t *testing.T) {
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes", "--aof-timestamp-enabled", "yes")
	before := time.Now().Unix()
	expectReplies(t, addr, "SET a 1", "+OK\r\n", "SET b 2", "+OK\r\n")
	data, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
	var stamp int64
	rest, ok := strings.CutPrefix(string(data), "#TS:")
	if ok {
		fmt.Sscanf(rest, "%d", &stamp)
	}
	if stamp < before || stamp > time.Now().Unix() || strings.Count(string(data), "#TS:") > 2 {
		t.Fatalf("incremental file: %q", data)
	}
}

// no-appendfsync-on-rewrite: with appendfsync always, writes made while a
// snapshot is written are not synced until it is done (then the cron
// syncs them).
func TestNoAppendfsyncOnRewrite(t *testing.T) {
	s, addr := startTestServer(t, "--appendonly", "yes", "--appendfsync", "always", "--no-appendfsync-on-rewrite", "yes")
	snap := locked(s, func() *keyspace.Snapshot { return s.ks.StartSnapshot() })
	expectReplies(t, addr, "SET a 1", "+OK\r\n")
	if !locked(s, func() bool { return s.aof.dirty }) {
		t.Fatal("the write was synced during the snapshot")
	}
	locked(s, func() bool { snap.Close(); return true })
	waitFor(t, func() bool { return !locked(s, func() bool { return s.aof.dirty }) })
}

// A replica replays its AOF at restart as Redis does, past the checks
// clients face: its master's writes are neither refused as READONLY nor,
// with the master gone and replica-serve-stale-data no, as MASTERDOWN.
func TestReplicaReplaysItsAOF(t *testing.T) {
	master := startServer(t, "--repl-diskless-sync-delay", "0")
	expectReplies(t, master, "SET a 1", "+OK\r\n")
	host, port, _ := strings.Cut(master, ":")
	dir := t.TempDir()
	s, replica := startTestServer(t, "--dir", dir, "--appendonly", "yes", "--replicaof", host+" "+port)
	waitFor(t, func() bool { return interopInfoSection(t, replica, "replication")["master_link_status"] == "up" })
	// a is in the AOF base the full sync rewrote (once that rewrite is
	// done: Shutdown doesn't wait for it); b and c in the incremental file.
	waitFor(t, func() bool { return interopInfoSection(t, replica, "persistence")["aof_rewrite_in_progress"] == "0" })
	expectReplies(t, master, "SET b 2", "+OK\r\n", "SET c 3", "+OK\r\n")
	waitFor(t, func() bool { return strings.HasPrefix(interopInfoSection(t, replica, "keyspace")["db0"], "keys=3,") })
	s.Shutdown()
	_, replica = startTestServer(t, "--dir", dir, "--appendonly", "yes", "--replicaof", "127.0.0.1 1", "--replica-serve-stale-data", "no")
	if db0 := interopInfoSection(t, replica, "keyspace")["db0"]; !strings.HasPrefix(db0, "keys=3,") {
		t.Fatalf("after restart: db0 %q, want 3 keys", db0)
	}
}

// An AOF holding a command respd can't run refuses to load, naming it, as
// Redis refuses an unknown command: never a silent drop.
func TestAOFWithUnknownCommandRefusesToLoad(t *testing.T) {
	dir := damagedAOF(t, "*3\r\n$9\r\nNOSUCHCMD\r\n$1\r\nx\r\n$1\r\nv\r\n")
	cfg, _ := parseArgs([]string{"--dir", dir, "--appendonly", "yes"})
	err := NewServer(cfg).LoadData()
	if err == nil || err.Error() != "Unknown command 'NOSUCHCMD' reading the append only file appendonly.aof.1.incr.aof" {
		t.Fatalf("LoadData: %v", err)
	}
}

// BGSAVE and BGREWRITEAOF while the other, or the same, runs, or inside a
// transaction: Redis's replies, byte for byte. Each batch is one pipeline,
// so the first job is still running when the next command arrives.
func TestBackgroundJobsOverlap(t *testing.T) {
	interopRequireRedis(t)
	cmd := func(args ...string) string { return string(diffEncode(stringArgv(args...))) }
	batches := []struct{ send, want string }{
		{cmd("BGREWRITEAOF") + cmd("BGSAVE") + cmd("BGREWRITEAOF") + cmd("BGSAVE", "SCHEDULE"),
			"+Background append only file rewriting started\r\n" +
				"-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n" +
				"-ERR Background append only file rewriting already in progress\r\n" +
				"+Background saving scheduled\r\n"},
		{cmd("BGSAVE") + cmd("BGSAVE", "SCHEDULE") + cmd("BGREWRITEAOF"),
			"+Background saving started\r\n-ERR Background save already in progress\r\n+Background append only file rewriting scheduled\r\n"},
		{cmd("MULTI") + cmd("BGSAVE") + cmd("BGREWRITEAOF") + cmd("EXEC"),
			"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+Background saving scheduled\r\n+Background append only file rewriting scheduled\r\n"},
	}
	for name, addr := range map[string]string{
		"redis": diffStartRedis(t, "--appendonly", "yes"),
		"respd": startServer(t, "--appendonly", "yes"),
	} {
		t.Run(name, func(t *testing.T) {
			rc := dialRaw(t, addr)
			for _, b := range batches {
				waitFor(t, func() bool {
					info := interopInfoSection(t, addr, "persistence")
					return info["rdb_bgsave_in_progress"] == "0" && info["aof_rewrite_in_progress"] == "0" &&
						info["aof_rewrite_scheduled"] == "0"
				})
				rc.send(b.send)
				rc.expect(b.want)
			}
		})
	}
}

// Under appendfsync always, a turn's end waits for the syncs other turns
// started (the redcon engine ends turns concurrently): the replies it
// sends may acknowledge writes only those syncs put on disk.
func TestCommitWaitsForSyncsInFlight(t *testing.T) {
	s := NewServer(defaultConfig())
	s.mu.Lock()
	s.commits.started = 1 // another turn's sync, still running
	s.mu.Unlock()
	returned := make(chan struct{})
	go func() {
		s.mu.Lock()
		s.commitAOF()
		s.mu.Unlock()
		close(returned)
	}()
	select {
	case <-returned:
		t.Fatal("a turn ended while another turn's sync ran")
	case <-time.After(50 * time.Millisecond):
	}
	s.mu.Lock()
	s.commits.durable = 1
	s.commits.done.Broadcast()
	s.mu.Unlock()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the turn still waits after the sync ended")
	}
}

// SHUTDOWN during a background save or an AOF rewrite abandons it, as
// Redis kills its child: the final save goes ahead, the temporary file
// goes, the manifest stays as the rewrite's start left it, and nothing of
// the abandoned save lands after Shutdown returns, where a server
// restarted on the same directory would find it.
func TestShutdownAbandonsBackgroundSaves(t *testing.T) {
	for _, tc := range []struct{ name, start, started, info string }{
		{"bgsave", "BGSAVE", "+Background saving started\r\n", "rdb_bgsave_in_progress"},
		{"bgrewriteaof", "BGREWRITEAOF", "+Background append only file rewriting started\r\n", "aof_rewrite_in_progress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// 10 s a key: neither save could end during the test.
			s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
			logs := captureLog(s)
			rc := dialRaw(t, addr)
			for _, k := range []string{"a", "b", "c"} {
				rc.do("+OK\r\n", "SET", k, "v")
			}
			rc.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "10000000")
			rc.do(tc.started, tc.start)
			waitFor(t, func() bool { return rawInfo(t, rc, "persistence")[tc.info] == "1" })
			manifestPath := filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")
			manifest, err := os.ReadFile(manifestPath)
			if err != nil {
				t.Fatal(err)
			}
			rc.send(rwCmd("SHUTDOWN", "SAVE"))
			select {
			case <-s.done:
			case <-time.After(20 * time.Second):
				t.Fatal("Shutdown is still waiting for the abandoned save")
			}
			kill := map[string]string{"bgsave": "There is a child saving an .rdb. Killing it!", "bgrewriteaof": "There is a child rewriting the AOF. Killing it!"}[tc.name]
			if !strings.Contains(logs.String(), kill) || strings.Contains(logs.String(), "failed") || !strings.Contains(logs.String(), "DB saved on disk") {
				t.Errorf("log:\n%s", logs)
			}
			if after, _ := os.ReadFile(manifestPath); string(after) != string(manifest) {
				t.Errorf("manifest changed by the abandoned rewrite:\n%s\nwas:\n%s", after, manifest)
			}
			for _, d := range []string{dir, filepath.Join(dir, "appendonlydir")} {
				if tmp, _ := filepath.Glob(filepath.Join(d, "temp-*")); len(tmp) > 0 {
					t.Errorf("temporary files left: %v", tmp)
				}
			}
			// The final save holds every key, and so does the AOF.
			for _, args := range [][]string{{"--dir", dir}, {"--dir", dir, "--appendonly", "yes"}} {
				rc2 := dialRaw(t, startServer(t, args...))
				rc2.do(":3\r\n", "DBSIZE")
			}
		})
	}
}

// A shutdown while the rewrite that creates the AOF runs (appendonly
// turned on) would lose what the AOF is to hold: refused, as Redis does,
// unless FORCE.
func TestShutdownWaitsForTheInitialAOF(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir)
	logs := captureLog(s)
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "SET", "k", "v")
	rc.do("+OK\r\n", "CONFIG", "SET", "rdb-key-save-delay", "10000000")
	rc.do("+OK\r\n", "CONFIG", "SET", "appendonly", "yes")
	waitFor(t, func() bool { return rawInfo(t, rc, "persistence")["aof_rewrite_in_progress"] == "1" })
	rc.do("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", "SHUTDOWN", "NOSAVE")
	if !strings.Contains(logs.String(), "Writing initial AOF, can't exit.") {
		t.Errorf("log:\n%s", logs)
	}
	rc.do("$1\r\nv\r\n", "GET", "k")
	rc.send(rwCmd("SHUTDOWN", "NOSAVE", "FORCE"))
	<-s.done
	if !strings.Contains(logs.String(), "Writing initial AOF. Exit anyway.\n") || !strings.Contains(logs.String(), "There is a child rewriting the AOF. Killing it!") {
		t.Errorf("log:\n%s", logs)
	}
}
