package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Requests and replies larger than the socket buffers: the loop grows the
// request buffer and queues reply bytes until the client reads them.
func TestLargeValuesThroughSlowReader(t *testing.T) {
	addr := startServer(t)
	rc := newClients(t, addr)["resp2"]
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	if err := rc.Set(ctx, "big", big, 0).Err(); err != nil {
		t.Fatal(err)
	}
	raw := dialRaw(t, addr)
	raw.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n*1\r\n$4\r\nPING\r\n")
	time.Sleep(200 * time.Millisecond) // the reply waits in the server
	raw.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	want := append(append([]byte(fmt.Sprintf("$%d\r\n", len(big))), big...), "\r\n+PONG\r\n"...)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(raw.r, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("big reply differs (err %v)", err)
	}
}

// Many clients at once, each with its own pipeline, all get their replies.
func TestManyConcurrentClients(t *testing.T) {
	addr := startServer(t)
	const clients, each = 200, 50
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer nc.Close()
			var req, want bytes.Buffer
			for j := 0; j < each; j++ {
				v := fmt.Sprintf("%d-%d", i, j)
				fmt.Fprintf(&req, "*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n", len(v), v)
				fmt.Fprintf(&want, "$%d\r\n%s\r\n", len(v), v)
			}
			nc.Write(req.Bytes())
			got := make([]byte, want.Len())
			nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(nc, got); err != nil || !bytes.Equal(got, want.Bytes()) {
				errs <- fmt.Errorf("client %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A client that vanishes mid-request or with replies pending costs nothing
// to the others.
func TestClientVanishing(t *testing.T) {
	addr := startServer(t)
	for _, partial := range []string{"*3\r\n$3\r\nSET\r\n$1\r\na", "*1\r\n$100000\r\nxx", "PIN"} {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		nc.Write([]byte(partial))
		nc.Close()
	}
	flood, _ := net.Dial("tcp", addr)
	flood.Write(bytes.Repeat([]byte("*1\r\n$4\r\nPING\r\n"), 100000))
	flood.Close()
	rc := dialRaw(t, addr)
	rc.do("+PONG\r\n", "PING")
	rc.do("$-1\r\n", "GET", "a")
	if n := len(newClients(t, addr)["resp2"].ClientList(ctx).Val()); n == 0 {
		t.Fatal("CLIENT LIST failed")
	}
}

// SHUTDOWN closes every connection and the listener.
func TestShutdownCommand(t *testing.T) {
	s, addr := startTestServer(t)
	other := dialRaw(t, addr)
	rc := dialRaw(t, addr)
	rc.send("*1\r\n$8\r\nSHUTDOWN\r\n")
	for _, c := range []*rawConn{rc, other} {
		c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.r.ReadByte(); err == nil {
			t.Fatal("a connection survived SHUTDOWN")
		}
	}
	select { // Serve closes the listener, then loopDone
	case <-s.loopDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the event loop still runs after SHUTDOWN")
	}
	if nc, err := net.Dial("tcp", addr); err == nil {
		nc.Close()
		t.Fatal("still accepting after SHUTDOWN")
	}
}

func TestMaxClients(t *testing.T) {
	addr := startServer(t, "--maxclients", "2")
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	a.do("+PONG\r\n", "PING")
	b.do("+PONG\r\n", "PING")
	if got := exchange(t, addr, ""); got != "-ERR max number of clients reached\r\n<closed>" {
		t.Fatalf("third client got %q", got)
	}
}

// The request path allocates nothing in steady state: no garbage per
// command means no GC work under load (measured process-wide, client
// included).
func TestNoAllocationsPerRequest(t *testing.T) {
	epollOnly(t, "allocates in redcon's parser: a copy of each request and its argument slice")
	nc, err := net.Dial("tcp", startServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	buf := make([]byte, 1<<16)
	for _, tc := range []struct{ req, reply string }{
		{"*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$3\r\nabc\r\n", "+OK\r\n"},
		{"*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n", "$3\r\nabc\r\n"},
		{"*2\r\n$4\r\nINCR\r\n$9\r\ncounter:1\r\n", ""},
		{"*1\r\n$4\r\nPING\r\n", "+PONG\r\n"},
	} {
		batch := bytes.Repeat([]byte(tc.req), 16)
		replyLines := 16 * max(strings.Count(tc.reply, "\r\n"), 1)
		run := func(rounds int) {
			for i := 0; i < rounds; i++ {
				nc.Write(batch)
				for lines := 0; lines < replyLines; {
					n, err := nc.Read(buf)
					if err != nil {
						t.Fatal(err)
					}
					lines += bytes.Count(buf[:n], []byte("\r\n"))
					if tc.reply != "" && !bytes.HasPrefix(buf[:n], []byte(tc.reply[:1])) {
						t.Fatalf("%q: unexpected reply %q", tc.req, buf[:n])
					}
				}
			}
		}
		run(100)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		run(500)
		runtime.ReadMemStats(&after)
		if perRequest := float64(after.Mallocs-before.Mallocs) / (500 * 16); perRequest > 0.05 {
			t.Errorf("%q: %.2f allocations per request", tc.req, perRequest)
		}
	}
}

// io-engine is respd's own parameter: CONFIG GET shows it by name only
// (CONFIG GET * lists Redis's), it is set only at startup, and it takes
// only the engines this OS has.
func TestIOEngineParameter(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	engine := testEngine()
	rc.do(fmt.Sprintf("*2\r\n$9\r\nio-engine\r\n$%d\r\n%s\r\n", len(engine), engine), "CONFIG", "GET", "io-engine")
	rc.do("-ERR CONFIG SET failed (possibly related to argument 'io-engine') - can't set immutable config\r\n",
		"CONFIG", "SET", "io-engine", "redcon")
	rc.send(rwCmd("CONFIG", "GET", "*"))
	if all, err := diffReadReply(rc.r); err != nil || bytes.Contains(all, []byte("io-engine")) {
		t.Errorf("CONFIG GET * lists io-engine (%v)", err)
	}
	if !slices.Equal(ioEngines, []string{"epoll", "redcon"}) {
		t.Errorf("io-engine takes %v on Linux", ioEngines)
	}
	if _, err := parseArgs([]string{"--io-engine", "kqueue"}); err == nil {
		t.Error("--io-engine kqueue accepted")
	}
}
