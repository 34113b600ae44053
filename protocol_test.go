package main

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Malformed requests get Redis's exact error and a closed connection;
// everything Redis accepts is served.
func TestProtocolErrors(t *testing.T) {
	epollOnly(t, "parses requests with redcon's parser (README: Engines)")
	addr := startServer(t)
	cases := []struct{ in, want string }{
		{"*0\r\n*1\r\n$4\r\nPING\r\n", "+PONG\r\n"},
		{"*-1\r\nPING\r\n", "+PONG\r\n"},
		{"\r\n\r\nPING\r\n", "+PONG\r\n"},
		{"*1\r\n$4\r\nPINGxx", "+PONG\r\n"},
		{"*1\r\n$0\r\n\r\n", "-ERR unknown command '', with args beginning with: \r\n"},
		{"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n<closed>"},
		{"*2\r\nxx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n<closed>"},
		{"*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n<closed>"},
		{"*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n<closed>"},
		{"\"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n<closed>"},
		{"PING\r\n*1\r\n$+4\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n<closed>"},
	}
	for _, tc := range cases {
		if got := exchange(t, addr, tc.in); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnauthenticatedRequestLimits(t *testing.T) {
	addr := startServer(t, "--requirepass", "secret")
	const tooMany = "-ERR Protocol error: unauthenticated multibulk length\r\n<closed>"
	if got := exchange(t, addr, "*11\r\n"+strings.Repeat("$1\r\na\r\n", 11)); got != tooMany {
		t.Errorf("11 arguments: got %q", got)
	}
	if got := exchange(t, addr, "*1\r\n$16385\r\n"+strings.Repeat("a", 16385)+"\r\n"); got != "-ERR Protocol error: unauthenticated bulk length\r\n<closed>" {
		t.Errorf("a 16385-byte argument: got %q", got)
	}
	if got := exchange(t, addr, "*1\r\n$4\r\nPING\r\n"); got != "-NOAUTH Authentication required.\r\n" {
		t.Errorf("got %q", got)
	}
	// A client that has not authenticated can't make the server hold a
	// large request: Redis's parser refuses it at the header, and the
	// redcon engine closes the connection past 1 MiB.
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	nc.Write([]byte("*1\r\n$100000000\r\n"))
	nc.Write(make([]byte, 2<<20)) // fails once closed
	// Closed with the request unread: EOF or a reset.
	if _, err := io.Copy(io.Discard, nc); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("a large request before AUTH: %v, want the connection closed", err)
	}
	// Redis's parser refuses at the header; redcon's reads the request
	// before respd can check it.
	if testEngine() == "epoll" {
		if got := exchange(t, addr, "*11\r\n"); got != tooMany {
			t.Errorf("11 arguments announced: got %q", got)
		}
	}
}

// exchange sends raw bytes on a new connection and returns what came back
// within a short time, with "<closed>" if the server closed it.
func exchange(t testing.TB, addr, in string) string {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write([]byte(in))
	nc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var out strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := nc.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			out.WriteString("<closed>")
			return out.String()
		}
		if err != nil {
			return out.String()
		}
	}
}

// A client sending a large pipeline gets every reply, in order.
func TestLargePipeline(t *testing.T) {
	addr := startServer(t)
	const n = 20000
	var req, want strings.Builder
	for i := 0; i < n; i++ {
		req.WriteString("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n")
		want.WriteString("$5\r\nhello\r\n")
	}
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc.Write([]byte(req.String()))
	}()
	got := make([]byte, want.Len())
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(nc, got); err != nil || string(got) != want.String() {
		t.Fatalf("pipeline replies differ (err %v)", err)
	}
	wg.Wait()
}

// FuzzRequest: any bytes from a client produce replies or a disconnect,
// never a panic or a hang, and the server keeps serving others.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "*0\r\n", "PING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n", "MULTI\r\nSET a b\r\nEXEC\r\n", "\"x\r\n", "*1\r\n$-5\r\n"} {
		f.Add([]byte(s))
	}
	addr := startServer(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		exchangeBounded(t, addr, in)
		if got := exchange(t, addr, "*1\r\n$4\r\nPING\r\n"); got != "+PONG\r\n" {
			t.Fatalf("server stopped answering after %q: %q", in, got)
		}
	})
}

func exchangeBounded(t *testing.T, addr string, in []byte) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write(in)
	nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	io.Copy(io.Discard, nc)
}
