package main

import (
	"bytes"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Servers run as processes, for tests that kill one or watch it exit:
// respd's own binary, or redis-server for the same test against Redis.

// buildRespd builds the server binary into the test's temporary directory.
func buildRespd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "respd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProc is a server process, killed when the test ends.
type serverProc struct {
	addr string
	cmd  *exec.Cmd
	out  bytes.Buffer  // its log; read it only once done is closed
	done chan struct{} // closed when it has exited
}

// startProc runs bin (respd's binary, or redis-server) on a free port with
// redis-server style flags, in dir (its --dir too), and waits until it
// answers PING. Prefix is run in front of it (e.g. prlimit and its flags).
func startProc(t *testing.T, prefix []string, bin, dir string, args ...string) *serverProc {
	t.Helper()
	p := runProc(t, prefix, bin, dir, args...)
	if err := awaitPong(p.addr, p.done); err != nil {
		t.Fatalf("%s: %v: %s", bin, err, p.out.String())
	}
	return p
}

// runProc is startProc without the wait.
func runProc(t *testing.T, prefix []string, bin, dir string, args ...string) *serverProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	argv := append(append(append([]string{}, prefix...), bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir), args...)
	if filepath.Base(bin) == "redis-server" {
		argv = append(argv, "--daemonize", "no")
	}
	p := &serverProc{addr: "127.0.0.1:" + port, cmd: exec.Command(argv[0], argv[1:]...), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	return p
}

// awaitPong waits until the server at addr answers PING with PONG (not
// LOADING): an error if it exits first (done closes) or takes over 10 s.
func awaitPong(addr string, done <-chan struct{}) error {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c, err := diffDial(addr); err == nil {
			reply, err := c.do(diffEncode(stringArgv("PING")))
			c.close()
			if err == nil && string(reply) == "+PONG\r\n" {
				return nil
			}
		}
		select {
		case <-done:
			return errors.New("exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return errors.New("did not answer PING within 10 s")
		}
	}
}

// kill ends the process with SIGKILL and waits for it.
func (p *serverProc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}
