package rdb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests that check files against a real redis-server and redis-check-rdb
// (skipped when they are not installed).

// ---- a minimal client of a real redis-server ----

type redisConn struct {
	t    *testing.T
	c    net.Conn
	br   *bufio.Reader
	port string
}

// startRedisConn starts redis-server on an RDB file (skipping the test when
// it is not installed) and connects to it once it has loaded the file.
// args are more redis-server flags.
func startRedisConn(t *testing.T, data []byte, args ...string) *redisConn {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed; skipping")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logfile := filepath.Join(dir, "log")
	cmd := exec.Command(bin, append([]string{"--port", strings.Split(addr, ":")[1], "--bind", "127.0.0.1",
		"--dir", dir, "--save", "", "--appendonly", "no", "--logfile", logfile}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	// Until it answers PING (not LOADING), however long a busy machine
	// makes that take, unless it exits.
	var rc *redisConn
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-done:
			log, _ := os.ReadFile(logfile)
			t.Fatalf("redis-server exited:\n%s", log)
		default:
		}
		if rc == nil {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				continue
			}
			rc = &redisConn{t: t, c: c, br: bufio.NewReader(c), port: strings.Split(addr, ":")[1]}
			t.Cleanup(func() { c.Close() })
			c.SetDeadline(time.Now().Add(60 * time.Second))
		}
		if _, err := rc.try("PING"); err == nil {
			return rc
		}
	}
	log, _ := os.ReadFile(logfile)
	t.Fatalf("redis-server did not come up in 30 s:\n%s", log)
	return nil
}

func (rc *redisConn) try(args ...string) (any, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := rc.c.Write(b.Bytes()); err != nil {
		rc.t.Fatal(err)
	}
	return rc.reply()
}

func (rc *redisConn) do(args ...string) any {
	rc.t.Helper()
	v, err := rc.try(args...)
	if err != nil {
		rc.t.Fatalf("%v: %v", args, err)
	}
	return v
}

func (rc *redisConn) reply() (any, error) {
	line, err := rc.br.ReadString('\n')
	if err != nil {
		rc.t.Fatal(err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		p := make([]byte, n+2)
		if _, err := io.ReadFull(rc.br, p); err != nil {
			rc.t.Fatal(err)
		}
		return string(p[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, 0, max(n, 0))
		for i := 0; i < n; i++ {
			v, err := rc.reply()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	rc.t.Fatalf("bad reply %q", line)
	return nil, nil
}

// redisCheckRDB runs redis-check-rdb on data and returns its output; err
// is set unless it says "RDB looks OK".
func redisCheckRDB(t *testing.T, data []byte) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("redis-check-rdb")
	if err != nil {
		t.Skip("redis-check-rdb not installed; skipping")
	}
	path := filepath.Join(t.TempDir(), "check.rdb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).CombinedOutput()
	if err == nil && !strings.Contains(string(out), "RDB looks OK") {
		err = errors.New("no \"RDB looks OK\"")
	}
	return string(out), err
}
