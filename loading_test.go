package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slowRDB writes a dump.rdb of n keys into dir, for a load slowed down by
// key-load-delay.
func slowRDB(t *testing.T, dir string, n int) {
	t.Helper()
	var kv []string
	for i := 0; i < n; i++ {
		kv = append(kv, "key:"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), rwBuildRDB(t, kv...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// slowLoadArgs slow a load down to 2 ms a key, with clients answered every
// 1024 bytes read (about nine keys).
var slowLoadArgs = []string{"--save", "", "--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024"}

// longLoadKeys make a load of a minute at 2 ms a key, for the tests that
// end it early (SHUTDOWN, the end of the test): however slow the machine,
// it is still loading when their command arrives.
const longLoadKeys = 30000

// The tests that watch a whole load can't make it that long. They start
// with 500 keys (a second) and count their checks only if the server was
// still loading once they were done (loading:1 after them: a load is one
// stretch of time, and neither server answers a client before it begins);
// if it was not, the load was too short for this machine's load, and the
// test runs again on four times as many keys, up to maxLoadKeys.
const (
	firstLoadKeys = 500
	maxLoadKeys   = 8000
)

// waitLoad polls cond for as long as a slowed load of n keys may take on a
// busy machine: ten times its 2 ms a key, and at least 10 s.
func waitLoad(t *testing.T, n int, cond func() bool) {
	t.Helper()
	limit := max(10*time.Second, 10*time.Duration(n)*2*time.Millisecond)
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not done after %v", limit)
		}
	}
}

const loadingReply = "-LOADING Redis is loading the dataset in memory\r\n"

// While it loads, a server accepts clients and answers LOADING, except to
// the commands Redis allows then; INFO shows the progress, with Redis's
// fields in Redis's order; then it serves the data.
func TestLoadingAnswersLoading(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		for keys := firstLoadKeys; ; keys *= 4 {
			dir := t.TempDir()
			slowRDB(t, dir, keys)
			p := runProc(t, nil, bin, dir, slowLoadArgs...)
			failures, loading := checkWhileLoading(t, p.addr, filepath.Join(dir, "dump.rdb"))
			if !loading {
				if keys >= maxLoadKeys {
					t.Fatalf("a load of %d keys ended before a few commands were answered", keys)
				}
				t.Logf("the load of %d keys ended before the checks were done; again with %d", keys, keys*4)
				p.kill()
				continue
			}
			for _, f := range failures {
				t.Error(f)
			}
			waitLoad(t, keys, func() bool {
				select {
				case <-p.done:
					t.Fatalf("exited while loading: %s", p.out.String())
				default:
				}
				info, err := interopInfo(p.addr, "persistence")
				return err == nil && info["loading"] == "0"
			})
			expectReplies(t, p.addr, "DBSIZE", ":"+strconv.Itoa(keys)+"\r\n")
			if info := interopInfoSection(t, p.addr, "persistence"); info["loading"] != "0" || info["rdb_last_load_keys_loaded"] != strconv.Itoa(keys) {
				t.Errorf("INFO after loading: %v", info)
			}
			return
		}
	})
}

// checkWhileLoading sends the server at addr, which loads file, the
// commands whose replies differ while it loads, and returns how they were
// wrong, and whether it was still loading after them: if not, the replies
// may have come after the load and prove nothing.
func checkWhileLoading(t *testing.T, addr, file string) (failures []string, loading bool) {
	t.Helper()
	var c *diffConn
	waitFor(t, func() bool {
		var err error
		c, err = diffDial(addr)
		return err == nil
	})
	defer c.close()
	for _, x := range []struct{ cmd, want string }{
		{"PING", loadingReply},
		{"GET key:1", loadingReply},
		{"CONFIG GET maxclients", "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"},
	} {
		reply, err := c.do(diffEncode(stringArgv(strings.Fields(x.cmd)...)))
		if got := diffOutcome(reply, err); got != x.want {
			failures = append(failures, fmt.Sprintf("%s while loading: got %q, want %q", x.cmd, got, x.want))
		}
	}
	info := interopInfoSection(t, addr, "persistence")
	if info["loading"] != "1" || info["loading_total_bytes"] != strconv.FormatInt(fileSize(file), 10) {
		failures = append(failures, fmt.Sprintf("INFO while loading: %v", info))
	}
	raw, err := c.do(diffEncode(stringArgv("INFO", "persistence")))
	var names []string
	for _, line := range strings.Split(string(raw), "\r\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(name, "loading") {
			names = append(names, name)
		}
	}
	if got := strings.Join(names, " "); err != nil || got != "loading loading_start_time loading_total_bytes loading_rdb_used_mem loading_loaded_bytes loading_loaded_perc loading_eta_seconds" {
		failures = append(failures, fmt.Sprintf("loading fields: %s (%v)", got, err))
	}
	return failures, interopInfoSection(t, addr, "persistence")["loading"] == "1"
}

// SHUTDOWN while loading exits without saving: the file is left as it was.
func TestShutdownWhileLoading(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		slowRDB(t, dir, longLoadKeys)
		before, _ := os.ReadFile(filepath.Join(dir, "dump.rdb"))
		p := runProc(t, nil, bin, dir, append(slowLoadArgs, "--save", "3600 1")...)
		waitFor(t, func() bool {
			info, err := interopInfo(p.addr, "persistence")
			return err == nil && info["loading"] == "1"
		})
		expectReplies(t, p.addr, "SHUTDOWN", "<connection closed>")
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			t.Fatal("still running")
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "dump.rdb")); string(after) != string(before) {
			t.Fatal("the file changed")
		}
	})
}

// A replica loading its master's RDB answers LOADING meanwhile, as a Redis
// replica does, instead of holding every client until it is done.
func TestReplicaLoadingAnswersLoading(t *testing.T) {
	for keys := firstLoadKeys; !replicaAnswersLoading(t, keys); keys *= 4 {
		if keys >= maxLoadKeys {
			t.Fatalf("a replica loading %d keys never answered LOADING", keys)
		}
		t.Logf("the replica loaded %d keys between two PINGs; again with %d", keys, keys*4)
	}
}

// replicaAnswersLoading syncs a slowly loading replica from a master of n
// keys, sending it PING until one is answered LOADING (true) or its link
// is up, the load done (false: the load was too short to be seen), and
// checks that it has the data.
func replicaAnswersLoading(t *testing.T, n int) bool {
	t.Helper()
	ms, master := startTestServer(t, "--repl-diskless-sync-delay", "0")
	defer ms.Shutdown()
	var kv []string
	for i := 0; i < n; i++ {
		kv = append(kv, "key:"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	expectReplies(t, master, "MSET "+strings.Join(kv, " "), "+OK\r\n")
	host, port, _ := strings.Cut(master, ":")
	rs, replica := startTestServer(t, append(slowLoadArgs, "--replicaof", host+" "+port)...)
	defer rs.Shutdown()
	seen := false
	waitLoad(t, n, func() bool {
		c, err := diffDial(replica)
		if err != nil {
			return false
		}
		defer c.close()
		reply, _ := c.do(diffEncode(stringArgv("PING")))
		if seen = string(reply) == loadingReply; seen {
			return true
		}
		return interopInfoSection(t, replica, "replication")["master_link_status"] == "up"
	})
	waitLoad(t, n, func() bool { return interopInfoSection(t, replica, "replication")["master_link_status"] == "up" })
	expectReplies(t, replica, "DBSIZE", ":"+strconv.Itoa(n)+"\r\n")
	return seen
}

// DEBUG RELOAD, allowed while loading as in Redis, does not save half a
// dataset over the file.
func TestDebugReloadWhileLoading(t *testing.T) {
	dir := t.TempDir()
	slowRDB(t, dir, longLoadKeys)
	before, _ := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	cfg, err := parseArgs(append([]string{"--dir", dir, "--port", "0", "--bind", "127.0.0.1", "--enable-debug-command", "yes"}, slowLoadArgs...))
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(cfg)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve(true)
	t.Cleanup(s.Shutdown)
	waitFor(t, func() bool { return locked(s, func() bool { return s.loading.active }) })
	expectReplies(t, s.Addr(), "DEBUG RELOAD", "-ERR Error trying to save the DB: the dataset is still being loaded\r\n")
	if after, _ := os.ReadFile(filepath.Join(dir, "dump.rdb")); string(after) != string(before) {
		t.Fatal("the file changed")
	}
}
