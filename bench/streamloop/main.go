// Command streamloop times stream commands whose next request depends on
// the last reply, which redis-benchmark can't send: a consumer-group loop
// (XREADGROUP ... COUNT c STREAMS key >, then XACK of the ids it returned,
// repeated) and a walk over a whole stream with XRANGE ... COUNT c, each
// call starting after the last id the previous one returned. bench/run.sh
// runs it against redis-server and respd alike.
//
//	go run ./bench/streamloop -addr 127.0.0.1:6379 -mode group -key s1m -n 50000
//	go run ./bench/streamloop -addr 127.0.0.1:6379 -mode walk -key s1m -n 10000
//
// It prints one CSV line in redis-benchmark's --csv format: the test's name,
// operations per second (group: one XREADGROUP and its XACK; walk: one
// XRANGE), and the latency of one operation in ms (average, minimum, p50,
// p95, p99, maximum). It checks the replies as it goes and at the end, and
// exits with status 1 on any mismatch:
//   - group: the group is created afresh at id 0 (XGROUP DESTROY, CREATE)
//     and each of -consumers connections reads as consumer c<i>; every
//     XREADGROUP must return exactly -count entries with fields (so the
//     stream must hold at least n*count entries), every XACK must acknowledge
//     them all, and at the end XPENDING must count 0 and XINFO GROUPS give
//     the largest id read as last-delivered-id and n*count as entries-read:
//     each entry delivered exactly once.
//   - walk: ids increase within a walk, every call but a walk's last
//     returns -count entries, and each walk completed meets XLEN entries.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"respd/bench/internal/latency"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	mode := flag.String("mode", "group", "group (XREADGROUP + XACK loop) or walk (XRANGE walk)")
	key := flag.String("key", "s1m", "stream key")
	group := flag.String("group", "bench", "consumer group (group mode; destroyed and created at 0)")
	consumers := flag.Int("consumers", 8, "consumer connections, reading in parallel (group mode)")
	count := flag.Int("count", 10, "COUNT of each XREADGROUP / XRANGE")
	n := flag.Int("n", 10000, "operations: XREADGROUP+XACK pairs (group) or XRANGE calls (walk)")
	flag.Parse()
	var (
		lat  []time.Duration
		took time.Duration
		err  error
		name string
	)
	switch *mode {
	case "group":
		name = fmt.Sprintf("XREADGROUP COUNT %d + XACK, %d consumers", *count, *consumers)
		lat, took, err = groupLoop(*addr, *key, *group, *consumers, *count, *n)
	case "walk":
		name = fmt.Sprintf("XRANGE walk COUNT %d", *count)
		lat, took, err = walk(*addr, *key, *count, *n)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "streamloop:", err)
		os.Exit(1)
	}
	latency.PrintCSV(os.Stdout, name, lat, took)
}

// groupLoop runs n XREADGROUP + XACK pairs over consumers connections.
func groupLoop(addr, key, group string, consumers, count, n int) ([]time.Duration, time.Duration, error) {
	admin, err := dial(addr)
	if err != nil {
		return nil, 0, err
	}
	defer admin.conn.Close()
	if _, err := admin.do("XGROUP", "DESTROY", key, group); err != nil {
		return nil, 0, err
	}
	if v, err := admin.do("XGROUP", "CREATE", key, group, "0"); err != nil || !isString(v, "OK") {
		return nil, 0, fmt.Errorf("XGROUP CREATE: %v %v", show(v), err)
	}
	var (
		next    atomic.Int64 // iterations handed out
		wg      sync.WaitGroup
		mu      sync.Mutex
		lat     = make([]time.Duration, 0, n)
		maxID   id
		firstEr error
	)
	conns := make([]*client, consumers)
	for i := range conns {
		if conns[i], err = dial(addr); err != nil {
			return nil, 0, err
		}
		defer conns[i].conn.Close()
	}
	began := time.Now()
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			consumer := fmt.Sprintf("c%d", i)
			var mine []time.Duration
			var top id
			cnt := strconv.Itoa(count)
			err := func() error {
				for next.Add(1) <= int64(n) {
					t0 := time.Now()
					v, err := c.do("XREADGROUP", "GROUP", group, consumer, "COUNT", cnt, "STREAMS", key, ">")
					if err != nil {
						return err
					}
					ids, err := streamEntries(v, key)
					if err != nil {
						return fmt.Errorf("XREADGROUP: %w", err)
					}
					if len(ids) != count {
						return fmt.Errorf("XREADGROUP returned %d entries, want %d (stream too short?)", len(ids), count)
					}
					args := append([]string{"XACK", key, group}, ids...)
					v, err = c.do(args...)
					if err != nil {
						return err
					}
					if acked, ok := v.(int64); !ok || acked != int64(count) {
						return fmt.Errorf("XACK acknowledged %s of %d", show(v), count)
					}
					mine = append(mine, time.Since(t0))
					last, err := parseID(ids[len(ids)-1])
					if err != nil {
						return err
					}
					top = later(top, last)
				}
				return nil
			}()
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, mine...)
			maxID = later(maxID, top)
			if err != nil && firstEr == nil {
				firstEr = fmt.Errorf("consumer %s: %w", consumer, err)
			}
		}()
	}
	wg.Wait()
	took := time.Since(began)
	if firstEr != nil {
		return nil, 0, firstEr
	}
	// Each entry delivered once: nothing pending, the group's last id the
	// largest read, n*count entries read in all.
	v, err := admin.do("XPENDING", key, group)
	if err != nil {
		return nil, 0, err
	}
	if a, ok := v.([]any); !ok || len(a) == 0 || a[0] != int64(0) {
		return nil, 0, fmt.Errorf("XPENDING after the loop: %s, want 0 pending", show(v))
	}
	v, err = admin.do("XINFO", "GROUPS", key)
	if err != nil {
		return nil, 0, err
	}
	info, ok := findGroup(v, group)
	if !ok {
		return nil, 0, fmt.Errorf("XINFO GROUPS: no group %s in %s", group, show(v))
	}
	if last := info["last-delivered-id"]; last != maxID.String() {
		return nil, 0, fmt.Errorf("XINFO GROUPS: last-delivered-id %s, largest id read %s", last, maxID)
	}
	if read := info["entries-read"]; read != strconv.Itoa(n*count) {
		return nil, 0, fmt.Errorf("XINFO GROUPS: entries-read %s, want %d", read, n*count)
	}
	return lat, took, nil
}

// walk runs n XRANGE calls, each from just after the last id the previous
// call returned, starting over at the stream's end.
func walk(addr, key string, count, n int) ([]time.Duration, time.Duration, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, 0, err
	}
	defer c.conn.Close()
	v, err := c.do("XLEN", key)
	if err != nil {
		return nil, 0, err
	}
	xlen, ok := v.(int64)
	if !ok || xlen == 0 {
		return nil, 0, fmt.Errorf("XLEN %s: %s", key, show(v))
	}
	lat := make([]time.Duration, 0, n)
	cnt := strconv.Itoa(count)
	start, walked, walks := "-", int64(0), 0
	var prev id
	began := time.Now()
	for range n {
		t0 := time.Now()
		v, err := c.do("XRANGE", key, start, "+", "COUNT", cnt)
		if err != nil {
			return nil, 0, err
		}
		lat = append(lat, time.Since(t0))
		ids, err := entries(v)
		if err != nil {
			return nil, 0, fmt.Errorf("XRANGE %s: %w", start, err)
		}
		for _, s := range ids {
			x, err := parseID(s)
			if err != nil {
				return nil, 0, err
			}
			if walked > 0 && x.compare(prev) <= 0 {
				return nil, 0, fmt.Errorf("XRANGE %s: id %s after %s", start, x, prev)
			}
			prev = x
			walked++
		}
		if len(ids) < count {
			if walked != xlen {
				return nil, 0, fmt.Errorf("walk %d met %d entries, XLEN %d", walks+1, walked, xlen)
			}
			start, walked, walks = "-", 0, walks+1
			continue
		}
		start = "(" + ids[len(ids)-1]
	}
	return lat, time.Since(began), nil
}

// streamEntries is the ids of XREADGROUP's reply for one key: an array
// (a map in RESP3, not used here) of [key, entries].
func streamEntries(v any, key string) ([]string, error) {
	a, ok := v.([]any)
	if !ok || len(a) != 1 {
		return nil, fmt.Errorf("reply %s", show(v))
	}
	kv, ok := a[0].([]any)
	if !ok || len(kv) != 2 || !isString(kv[0], key) {
		return nil, fmt.Errorf("reply %s", show(v))
	}
	return entries(kv[1])
}

// entries is the ids of an array of [id, [field, value, ...]] entries.
func entries(v any) ([]string, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("entries %s", show(v))
	}
	ids := make([]string, len(a))
	for i, e := range a {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("entry %s", show(e))
		}
		s, ok := pair[0].([]byte)
		fields, ok2 := pair[1].([]any)
		if !ok || !ok2 || len(fields) == 0 || len(fields)%2 != 0 {
			return nil, fmt.Errorf("entry %s", show(e))
		}
		ids[i] = string(s)
	}
	return ids, nil
}

// findGroup is group's XINFO GROUPS fields, as strings.
func findGroup(v any, group string) (map[string]string, bool) {
	a, _ := v.([]any)
	for _, g := range a {
		fields, _ := g.([]any)
		m := map[string]string{}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fmt.Sprint(str(fields[i]))] = fmt.Sprint(str(fields[i+1]))
		}
		if m["name"] == group {
			return m, true
		}
	}
	return nil, false
}

func str(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

func isString(v any, s string) bool {
	b, ok := v.([]byte)
	return ok && string(b) == s
}

func show(v any) string {
	s := fmt.Sprintf("%q", v)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// id is a stream id, ms and seq.
type id struct{ ms, seq uint64 }

func parseID(s string) (id, error) {
	ms, seq, ok := bytes.Cut([]byte(s), []byte("-"))
	a, err1 := strconv.ParseUint(string(ms), 10, 64)
	b, err2 := strconv.ParseUint(string(seq), 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return id{}, fmt.Errorf("bad stream id %q", s)
	}
	return id{a, b}, nil
}

func (x id) String() string { return fmt.Sprintf("%d-%d", x.ms, x.seq) }

func (x id) compare(y id) int {
	if x.ms != y.ms {
		return cmpU(x.ms, y.ms)
	}
	return cmpU(x.seq, y.seq)
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// later is the larger of a and b.
func later(a, b id) id {
	if a.compare(b) >= 0 {
		return a
	}
	return b
}

// client is one RESP2 connection, one request at a time.
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

// do sends one command and reads its reply: int64, []byte (nil for a null
// bulk string), []any (nil for a null array), or an error reply as error.
func (c *client) do(args ...string) (any, error) {
	c.buf = fmt.Appendf(c.buf[:0], "*%d\r\n", len(args))
	for _, a := range args {
		c.buf = fmt.Appendf(c.buf, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.conn.Write(c.buf); err != nil {
		return nil, err
	}
	v, err := c.read()
	if e, ok := v.(replyError); ok {
		return nil, fmt.Errorf("%s: %s", args[0], string(e))
	}
	return v, err
}

type replyError string

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
		if err != nil || size < 0 {
			return []any(nil), err
		}
		a := make([]any, size)
		for i := range a {
			v, err := c.read()
			if err != nil {
				return nil, err
			}
			if e, ok := v.(replyError); ok {
				return nil, errors.New(string(e))
			}
			a[i] = v
		}
		return a, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
