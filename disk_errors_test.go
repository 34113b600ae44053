//go:build linux

package main

// The write errors here come from /dev/full and prlimit(1)'s file size
// limit: Linux only.

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"respd/internal/aof"
)

// When the data can't reach the disk, writes are refused with MISCONF, as
// in Redis, and nothing acknowledged is lost. An AOF write fails here
// because the next incremental file is made a link to /dev/full before a
// BGREWRITEAOF opens it.

// failNextIncr makes the AOF's next incremental file /dev/full and switches
// to it with BGREWRITEAOF.
func failNextIncr(t *testing.T, addr, dir string) {
	t.Helper()
	if err := os.Symlink("/dev/full", filepath.Join(dir, "appendonlydir", "appendonly.aof.2.incr.aof")); err != nil {
		t.Fatal(err)
	}
	expectReplies(t, addr, "BGREWRITEAOF", "+Background append only file rewriting started\r\n")
	waitFor(t, func() bool {
		info := interopInfoSection(t, addr, "persistence")
		return info["aof_rewrite_in_progress"] == "0" && info["aof_rewrites"] == "1"
	})
}

const misconfNoSpace = "-MISCONF Errors writing to the AOF file: No space left on device\r\n"

func TestAOFWriteErrorRefusesWrites(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		p := startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes")
		expectReplies(t, p.addr, "SET a 1", "+OK\r\n")
		failNextIncr(t, p.addr, dir)
		// The write that fails was executed and is answered; the next are
		// refused, and so is PING, as in Redis. Reads go on.
		expectReplies(t, p.addr, "SET b 2", "+OK\r\n")
		waitFor(t, func() bool { return interopInfoSection(t, p.addr, "persistence")["aof_last_write_status"] == "err" })
		expectReplies(t, p.addr,
			"SET c 3", misconfNoSpace,
			"PING", misconfNoSpace,
			"GET b", "$1\r\n2\r\n",
			"MULTI", "+OK\r\n",
			"GET b", "+QUEUED\r\n",
			"EXEC", "*1\r\n$1\r\n2\r\n",
			"MULTI", "+OK\r\n",
			"SET c 3", misconfNoSpace,
			"EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n")
		if info := interopInfoSection(t, p.addr, "persistence"); info["aof_buffer_length"] == "0" {
			t.Fatalf("the unwritten commands were dropped: %v", info)
		}
	})
}

// With appendfsync always a failed write ends the process before any reply
// acknowledges it.
func TestAOFAlwaysExitsOnWriteError(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		p := startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always")
		expectReplies(t, p.addr, "SET a 1", "+OK\r\n")
		failNextIncr(t, p.addr, dir)
		expectReplies(t, p.addr, "SET b 2", "<connection closed>")
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Fatal("still running")
		}
		if code := p.cmd.ProcessState.ExitCode(); code != 1 {
			t.Fatalf("exit status %d, want 1", code)
		}
		if want := "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."; !strings.Contains(p.out.String(), want) {
			t.Fatalf("log lacks %q:\n%s", want, p.out.String())
		}
	})
}

// A write cut short (here by the process's file size limit) is cut off
// the file again: the AOF never ends in half a command (unless the process
// dies between the write and the truncation; the load then drops the
// half, as with Redis).
func TestAOFShortWriteIsCutBack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p := startProc(t, []string{"prlimit", "--fsize=8192"}, buildRespd(t), dir, "--save", "", "--appendonly", "yes")
	expectReplies(t, p.addr, "SET a 1", "+OK\r\n", "SET b 2", "+OK\r\n",
		"SET big "+strings.Repeat("x", 10000), "+OK\r\n",
		"SET c 3", "-MISCONF Errors writing to the AOF file: File too large\r\n",
		"SHUTDOWN NOSAVE", "<connection closed>")
	<-p.done
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	f, err := os.Open(incr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	for rd := aof.NewReader(f); ; {
		argv, err := rd.ReadCommand()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("after %v: %v", keys, err)
			}
			break
		}
		if strings.EqualFold(string(argv[0]), "SET") {
			keys = append(keys, string(argv[1]))
		}
	}
	if strings.Join(keys, " ") != "a b" {
		t.Fatalf("AOF holds SETs of %v, want a b", keys)
	}
}

// Once the AOF can be written again (here: the disk was made writable and
// the file reopened), the kept commands are written, writes are accepted,
// and everything acknowledged is there after a restart.
func TestAOFWriteErrorRecovers(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	expectReplies(t, addr, "SET a 1", "+OK\r\n")
	failNextIncr(t, addr, dir)
	expectReplies(t, addr, "SET b 2", "+OK\r\n", "SET c 3", misconfNoSpace)

	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.2.incr.aof")
	os.Remove(incr)
	f, size, err := openIncr(incr)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.aof.file.Close()
	s.aof.file, s.aof.size = f, size
	s.mu.Unlock()
	waitFor(t, func() bool { return interopInfoSection(t, addr, "persistence")["aof_last_write_status"] == "ok" })
	expectReplies(t, addr, "SET c 3", "+OK\r\n")
	s.Shutdown()

	_, addr = startTestServer(t, "--dir", dir, "--appendonly", "yes")
	expectReplies(t, addr, "MGET a b c", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n")
}
