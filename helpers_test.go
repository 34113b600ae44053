package main

// The helpers the tests share: servers in-process and as processes (respd's
// binary or redis-server, for the same test against both), raw RESP
// exchanges, INFO fields, and waiting for a condition instead of sleeping.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"respd/internal/aof"
)

// TestMain runs the suite on the engine RESPD_IO_ENGINE names, when set
// (.ci/run's second pass: redcon on Linux), by making it io-engine's
// default for every server the tests start, in-process or built.
func TestMain(m *testing.M) {
	i := slices.IndexFunc(params, func(p *param) bool { return p.name == "io-engine" })
	params[i].def = testEngine()
	os.Exit(m.Run())
}

// testEngine is the engine the suite runs on. Tests call it too, which
// makes go test's cache tell the engines' results apart: it keys results
// on the variables tests read, but not on those TestMain reads before
// m.Run.
func testEngine() string {
	if engine := os.Getenv("RESPD_IO_ENGINE"); engine != "" {
		return engine
	}
	return ioEngines[0]
}

// epollOnly skips a test of what only the epoll engine does: why says
// what the engine the suite runs on does instead.
func epollOnly(t testing.TB, why string) {
	t.Helper()
	if e := testEngine(); e != "epoll" {
		t.Skipf("the %s engine %s", e, why)
	}
}

// startServer runs respd in-process on a free port for the test's lifetime
// and returns its address. args are redis-server style: an optional config
// file first, then flags.
func startServer(t testing.TB, args ...string) string {
	t.Helper()
	_, addr := startTestServer(t, args...)
	return addr
}

// startTestServer is startServer that also returns the server, for tests
// that look inside it. Unless the arguments set a dir, the server works in
// a temporary directory; without a config file, it has no save points.
func startTestServer(t testing.TB, args ...string) (*Server, string) {
	t.Helper()
	if len(args) == 0 || strings.HasPrefix(args[0], "--") {
		args = append([]string{"--save", ""}, args...)
	}
	cfg, err := parseArgs(append(slices.Clone(args), "--port", "0", "--bind", "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dir == defaultConfig().Dir {
		cfg.Dir = t.TempDir()
	}
	return serveConfig(t, cfg)
}

// serveConfig runs a server with this configuration for the test's
// lifetime.
func serveConfig(t testing.TB, cfg *Config) (*Server, string) {
	t.Helper()
	s := NewServer(cfg)
	if err := s.LoadData(); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve(false)
	t.Cleanup(s.Shutdown)
	return s, s.Addr()
}

// newClients returns go-redis clients for the server in RESP2 and RESP3.
func newClients(t testing.TB, addr string) map[string]*redis.Client {
	t.Helper()
	clients := map[string]*redis.Client{}
	for name, proto := range map[string]int{"resp2": 2, "resp3": 3} {
		rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true})
		t.Cleanup(func() { rc.Close() })
		clients[name] = rc
	}
	return clients
}

// rawConn is a connection for exact-byte tests.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

// send writes bytes as they are.
func (rc *rawConn) send(s string) {
	rc.t.Helper()
	if _, err := rc.nc.Write([]byte(s)); err != nil {
		rc.t.Fatal(err)
	}
}

// expect reads exactly len(want) bytes and compares them.
func (rc *rawConn) expect(want string) {
	rc.t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	got := make([]byte, len(want))
	n, err := io.ReadFull(rc.r, got)
	if string(got[:n]) != want {
		rc.t.Fatalf("got %q (err %v), want %q", got[:n], err, want)
	}
}

// do sends a command in RESP and expects the exact reply bytes.
func (rc *rawConn) do(want string, args ...string) {
	rc.t.Helper()
	rc.send(string(aof.AppendCommand(nil, stringArgv(args...))))
	rc.expect(want)
}

var ctx = context.Background()

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// processServers runs f against redis-server and respd's binary, each as a
// process of its own, for tests that compare the two from the outside.
func processServers(t *testing.T, f func(t *testing.T, bin string)) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Run("redis", func(t *testing.T) {
		interopRequireRedis(t)
		f(t, "redis-server")
	})
	t.Run("respd", func(t *testing.T) { f(t, buildRespd(t)) })
}

// expectReplies sends each command ("SET k v", split on spaces) on one
// connection and compares the replies, byte for byte.
func expectReplies(t *testing.T, addr string, cmdsAndReplies ...string) {
	t.Helper()
	c, err := diffDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	for i := 0; i < len(cmdsAndReplies); i += 2 {
		reply, err := c.do(diffEncode(stringArgv(strings.Fields(cmdsAndReplies[i])...)))
		if got := diffOutcome(reply, err); got != cmdsAndReplies[i+1] {
			t.Fatalf("%s: got %q, want %q", cmdsAndReplies[i], got, cmdsAndReplies[i+1])
		}
	}
}

// diffRequest sends one command on a new connection and returns its reply.
func diffRequest(addr string, args ...string) (string, error) {
	c, err := diffDial(addr)
	if err != nil {
		return "", err
	}
	defer c.close()
	reply, err := c.do(diffEncode(stringArgv(args...)))
	return string(reply), err
}

func interopRequireRedis(t *testing.T) {
	t.Helper()
	requireCommand(t, "redis-server", "redis-server")
}

// requireCommand skips the test, loudly, when the command is not
// installed; under CI, which installs the package, it fails instead.
func requireCommand(t *testing.T, command, debianPackage string) {
	t.Helper()
	if _, err := exec.LookPath(command); err != nil {
		msg := fmt.Sprintf("SKIPPED: %s not installed (apt-get install %s)", command, debianPackage)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s: %s ***\n\n", t.Name(), msg)
		t.Skip(msg)
	}
}

// interopInfo returns the fields of one INFO section.
func interopInfo(addr, section string) (map[string]string, error) {
	c, err := diffDial(addr)
	if err != nil {
		return nil, err
	}
	defer c.close()
	reply, err := c.do(diffEncode(stringArgv("INFO", section)))
	if err != nil {
		return nil, err
	}
	header, body, ok := strings.Cut(string(reply), "\r\n")
	if !ok || !strings.HasPrefix(header, "$") {
		return nil, fmt.Errorf("INFO %s replied %q", section, reply)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(body, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			fields[k] = v
		}
	}
	return fields, nil
}

func interopInfoSection(t *testing.T, addr, section string) map[string]string {
	t.Helper()
	info, err := interopInfo(addr, section)
	if err != nil {
		t.Fatalf("INFO %s on %s: %v", section, addr, err)
	}
	return info
}

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
	port := freePort(t)
	argv := append(append(append([]string{}, prefix...), bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir), args...)
	if filepath.Base(bin) == "redis-server" {
		argv = append(argv, "--daemonize", "no")
	} else {
		argv = append(argv, "--io-engine", testEngine())
	}
	return spawnProc(t, "127.0.0.1:"+port, dir, argv)
}

// spawnProc runs argv in dir as the server that will listen on addr:
// runProc's, a process started again with its argv (same port, same dir),
// or another server (redis-sentinel).
func spawnProc(t *testing.T, addr, dir string, argv []string) *serverProc {
	t.Helper()
	p := &serverProc{addr: addr, cmd: exec.Command(argv[0], argv[1:]...), done: make(chan struct{})}
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

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawInfo reads INFO's reply (sent already if section is "", else sent
// now) as fields.
func rawInfo(t testing.TB, rc *rawConn, section string) map[string]string {
	t.Helper()
	if section != "" {
		rc.send(rwCmd("INFO", section))
	}
	v := rwRead(t, rc)
	if v.kind != '$' {
		t.Fatalf("INFO: %q", v.raw)
	}
	info := map[string]string{}
	for _, line := range strings.Split(v.str, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok {
			info[k] = val
		}
	}
	return info
}

// logBuffer collects a server's log for a test to read while it runs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// captureLog sends the server's log to a buffer.
func captureLog(s *Server) *logBuffer {
	var buf logBuffer
	s.mu.Lock()
	s.logger.SetOutput(&buf)
	s.mu.Unlock()
	return &buf
}
