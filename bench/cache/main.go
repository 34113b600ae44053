// Command cache runs a cache's workload against one server under
// maxmemory: it sets maxmemory and maxmemory-policy, then plays a trace
// of SETs of -size byte values, each followed by -reads GETs, their keys
// drawn from a Zipf distribution over -keys keys (far more than fit), from
// a fixed seed, so every server gets the same trace. A GET that misses is
// followed by a SET of that key, as a cache fills itself. Requests go in
// batches of -pipeline on one connection. bench/run.sh and cache_test.go
// run it against redis-server and respd alike.
//
//	go run ./bench/cache -addr 127.0.0.1:6379 -pid 1234 -policy allkeys-lfu
//
// While it runs, the server's RSS is sampled every 100 ms from
// /proc/<pid>/status (Linux; with -pid). It prints one CSV line: policy,
// maxmemory in bytes, the trace's SETs, its GETs, the GETs that hit, the
// hit rate, the SETs that filled a miss, all requests, seconds, requests
// per second, INFO's evicted_keys and used_memory at the end, RSS at the
// start, at its highest and at the end (bytes; 0 without -pid), the OOM
// replies, and the unexpected replies: any other error, OOM under a
// policy that evicts, a GET's value that is not one the trace wrote for
// that key. It exits with status 1 if the connection fails or the server
// is gone at the end.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	pid := flag.Int("pid", 0, "the server's pid, to sample its RSS (0: none)")
	maxmemory := flag.String("maxmemory", "64mb", "CONFIG SET maxmemory")
	policy := flag.String("policy", "allkeys-lru", "CONFIG SET maxmemory-policy")
	writes := flag.Int("n", 1000000, "the trace's SETs")
	reads := flag.Int("reads", 1, "GETs after each of the trace's SETs")
	keys := flag.Uint64("keys", 2000000, "key space the Zipf distribution draws from")
	skew := flag.Float64("zipf", 1.01, "the Zipf distribution's s (> 1)")
	size := flag.Int("size", 1024, "value bytes")
	pipeline := flag.Int("pipeline", 16, "requests in flight")
	seed := flag.Int64("seed", 1, "the trace's seed")
	flag.Parse()
	w := &workload{
		policy: *policy, writes: *writes, reads: *reads, size: *size, pipeline: *pipeline,
		zipf: rand.NewZipf(rand.New(rand.NewSource(*seed)), *skew, 1, *keys-1),
	}
	if err := w.run(*addr, *pid, *maxmemory); err != nil {
		fmt.Fprintln(os.Stderr, "cache:", err)
		os.Exit(1)
	}
}

type workload struct {
	policy                        string
	writes, reads, size, pipeline int
	zipf                          *rand.Zipf

	c        *client
	written  int // the trace's SETs sent
	batch    []request
	requests int
	hits     int
	fills    int
	oom      int
	errors   int
}

// request is one request of a batch: a GET, or a SET of a value.
type request struct {
	get bool
	key string
}

func (w *workload) run(addr string, pid int, maxmemory string) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.conn.Close()
	w.c = c
	rss := startSampling(pid)
	for _, cfg := range [][]string{{"maxmemory", maxmemory}, {"maxmemory-policy", w.policy}} {
		if _, err := c.do("CONFIG", "SET", cfg[0], cfg[1]); err != nil {
			return err
		}
	}
	v, err := c.do("CONFIG", "GET", "maxmemory")
	if err != nil {
		return err
	}
	limit, err := strconv.ParseUint(string(v.([]any)[1].([]byte)), 10, 64)
	if err != nil {
		return err
	}

	began := time.Now()
	var fills []request
	for w.written < w.writes || len(fills) > 0 {
		// A batch sends the fills the last one's misses asked for first,
		// then the trace's next requests.
		w.batch = append(w.batch[:0], fills...)
		for len(w.batch) < w.pipeline && w.written < w.writes {
			w.written++
			w.batch = append(w.batch, request{key: w.key()})
			for range w.reads {
				w.batch = append(w.batch, request{get: true, key: w.key()})
			}
		}
		if fills, err = w.send(); err != nil {
			return err
		}
	}
	elapsed := time.Since(began)

	stats, err := c.info("stats")
	if err != nil {
		return err
	}
	memory, err := c.info("memory")
	if err != nil {
		return err
	}
	start, highest, final := rss.stop()
	if pid != 0 {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			return fmt.Errorf("the server is gone: %w", err)
		}
	}
	reads := w.writes * w.reads
	fmt.Printf("%s,%d,%d,%d,%d,%.4f,%d,%d,%.2f,%.0f,%s,%s,%d,%d,%d,%d,%d\n",
		w.policy, limit, w.writes, reads, w.hits, float64(w.hits)/float64(max(reads, 1)),
		w.fills, w.requests, elapsed.Seconds(), float64(w.requests)/elapsed.Seconds(),
		stats["evicted_keys"], memory["used_memory"], start, highest, final, w.oom, w.errors)
	return nil
}

// key is the trace's next key.
func (w *workload) key() string { return "key:" + strconv.FormatUint(w.zipf.Uint64(), 10) }

// value is what a SET of key writes: the key, then bytes up to -size.
func (w *workload) value(key string) string {
	return key + ":" + strings.Repeat("v", max(w.size-len(key)-1, 0))
}

// send sends the batch and reads its replies; it returns the fills of the
// trace's GETs that missed.
func (w *workload) send() ([]request, error) {
	c := w.c
	c.buf = c.buf[:0]
	for _, r := range w.batch {
		if r.get {
			c.append("GET", r.key)
		} else {
			c.append("SET", r.key, w.value(r.key))
		}
	}
	if _, err := c.conn.Write(c.buf); err != nil {
		return nil, err
	}
	var fills []request
	for _, r := range w.batch {
		v, err := c.read()
		if err != nil {
			return nil, err
		}
		w.requests++
		if e, ok := v.(replyError); ok {
			if strings.HasPrefix(string(e), "OOM ") {
				w.oom++
				if w.policy == "noeviction" {
					continue
				}
			}
			w.unexpected("%s %s: %s", map[bool]string{true: "GET", false: "SET"}[r.get], r.key, e)
			continue
		}
		switch {
		case !r.get:
			if !bytes.Equal(v.([]byte), []byte("OK")) {
				w.unexpected("SET %s: %q", r.key, v)
			}
		case v.([]byte) == nil: // a miss: the cache fills it
			fills = append(fills, request{key: r.key})
		case string(v.([]byte)) != w.value(r.key):
			w.unexpected("GET %s: %.40q", r.key, v)
		default:
			w.hits++
		}
	}
	w.fills += len(fills)
	return fills, nil
}

// unexpected counts a reply that should not have come, the first few
// told on stderr.
func (w *workload) unexpected(format string, args ...any) {
	if w.errors++; w.errors <= 5 {
		fmt.Fprintf(os.Stderr, "cache: unexpected reply: "+format+"\n", args...)
	}
}

// sampler reads a process's RSS every 100 ms.
type sampler struct {
	pid            int
	start, highest atomic.Int64
	done           chan struct{}
	wg             sync.WaitGroup
}

func startSampling(pid int) *sampler {
	s := &sampler{pid: pid, done: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.start.Store(s.read())
	s.highest.Store(s.start.Load())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				s.note(s.read())
			}
		}
	}()
	return s
}

func (s *sampler) note(rss int64) {
	for {
		h := s.highest.Load()
		if rss <= h || s.highest.CompareAndSwap(h, rss) {
			return
		}
	}
}

// stop ends the sampling: RSS at the start, the highest seen, and now.
func (s *sampler) stop() (start, highest, final int64) {
	if s.pid == 0 {
		return 0, 0, 0
	}
	close(s.done)
	s.wg.Wait()
	final = s.read()
	s.note(final)
	return s.start.Load(), s.highest.Load(), final
}

// read is VmRSS in bytes, 0 if /proc can't tell (the process is gone).
func (s *sampler) read() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}

// client is one RESP2 connection.
type client struct {
	conn net.Conn
	r    *bufio.Reader
	buf  []byte
}

func dial(addr string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &client{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}, nil
}

// append adds a request to buf.
func (c *client) append(args ...string) {
	c.buf = fmt.Appendf(c.buf, "*%d\r\n", len(args))
	for _, a := range args {
		c.buf = fmt.Appendf(c.buf, "$%d\r\n%s\r\n", len(a), a)
	}
}

// do sends one command and reads its reply; an error reply is an error.
func (c *client) do(args ...string) (any, error) {
	c.buf = c.buf[:0]
	c.append(args...)
	if _, err := c.conn.Write(c.buf); err != nil {
		return nil, err
	}
	v, err := c.read()
	if e, ok := v.(replyError); ok {
		return nil, fmt.Errorf("%s: %s", strings.Join(args, " "), string(e))
	}
	return v, err
}

// info is an INFO section's fields.
func (c *client) info(section string) (map[string]string, error) {
	v, err := c.do("INFO", section)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(v.([]byte)), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = v
		}
	}
	return fields, nil
}

type replyError string

// read reads a reply: []byte (nil for a null bulk string), int64, []any,
// or replyError.
func (c *client) read() (any, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, errors.New("short reply line")
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return []byte(string(body)), nil
	case '-':
		return replyError(body), nil
	case ':':
		return strconv.ParseInt(string(body), 10, 64)
	case '$':
		size, err := strconv.Atoi(string(body))
		if err != nil || size < 0 {
			return []byte(nil), err
		}
		b := make([]byte, size+2)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return nil, err
		}
		return b[:size], nil
	case '*':
		size, err := strconv.Atoi(string(body))
		if err != nil {
			return nil, err
		}
		a := make([]any, max(size, 0))
		for i := range a {
			if a[i], err = c.read(); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
