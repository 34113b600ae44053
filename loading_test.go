package main

import (
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

var slowLoadArgs = []string{"--save", "", "--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024"}

// While it loads, a server accepts clients and answers LOADING, except to
// the commands Redis allows then; INFO shows the progress, with Redis's
// fields in Redis's order; then it serves the data.
func TestLoadingAnswersLoading(t *testing.T) {
	diskServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		slowRDB(t, dir, 500) // a second at 2 ms a key
		p := runProc(t, nil, bin, dir, slowLoadArgs...)
		var c *diffConn
		waitFor(t, func() bool {
			var err error
			c, err = diffDial(p.addr)
			return err == nil
		})
		defer c.close()
		expectReplies(t, p.addr,
			"PING", "-LOADING Redis is loading the dataset in memory\r\n",
			"GET key:1", "-LOADING Redis is loading the dataset in memory\r\n",
			"CONFIG GET maxclients", "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n")
		info := interopInfoSection(t, p.addr, "persistence")
		if info["loading"] != "1" || info["loading_total_bytes"] != strconv.FormatInt(fileSize(filepath.Join(dir, "dump.rdb")), 10) {
			t.Errorf("INFO while loading: %v", info)
		}
		raw, _ := c.do(diffEncode(stringArgv("INFO", "persistence")))
		var names []string
		for _, line := range strings.Split(string(raw), "\r\n") {
			if name, _, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(name, "loading") {
				names = append(names, name)
			}
		}
		if got := strings.Join(names, " "); got != "loading loading_start_time loading_total_bytes loading_rdb_used_mem loading_loaded_bytes loading_loaded_perc loading_eta_seconds" {
			t.Errorf("loading fields: %s", got)
		}
		if err := awaitPong(p.addr, p.done); err != nil {
			t.Fatal(err)
		}
		expectReplies(t, p.addr, "DBSIZE", ":500\r\n")
		if info := interopInfoSection(t, p.addr, "persistence"); info["loading"] != "0" || info["rdb_last_load_keys_loaded"] != "500" {
			t.Errorf("INFO after loading: %v", info)
		}
	})
}

// SHUTDOWN while loading exits without saving: the file is left as it was.
func TestShutdownWhileLoading(t *testing.T) {
	diskServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		slowRDB(t, dir, 500)
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
	master := startServer(t, "--repl-diskless-sync-delay", "0")
	var kv []string
	for i := 0; i < 500; i++ {
		kv = append(kv, "key:"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	expectReplies(t, master, "MSET "+strings.Join(kv, " "), "+OK\r\n")
	host, port, _ := strings.Cut(master, ":")
	replica := startServer(t, append(slowLoadArgs, "--replicaof", host+" "+port)...)
	waitFor(t, func() bool {
		c, err := diffDial(replica)
		if err != nil {
			return false
		}
		defer c.close()
		reply, _ := c.do(diffEncode(stringArgv("PING")))
		return string(reply) == "-LOADING Redis is loading the dataset in memory\r\n"
	})
	waitFor(t, func() bool { return interopInfoSection(t, replica, "replication")["master_link_status"] == "up" })
	expectReplies(t, replica, "DBSIZE", ":500\r\n")
}

// DEBUG RELOAD, allowed while loading as in Redis, does not save half a
// dataset over the file.
func TestDebugReloadWhileLoading(t *testing.T) {
	dir := t.TempDir()
	slowRDB(t, dir, 500)
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
