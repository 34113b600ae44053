package lualib

// The differential test: Lua snippets run by a real redis-server (EVAL) and
// by gopher-lua with these libraries, their replies compared byte for byte.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// newTestState is a gopher-lua state with Redis's libraries as the
// scripting engine would open them. Its registry (the value stack) holds
// the 8000 values a Lua 5.1 C function may return.
func newTestState(r *Rand48) *lua.LState {
	L := lua.NewState(lua.Options{RegistrySize: 1024 * 20})
	OpenCjson(L)
	OpenCmsgpack(L)
	OpenBit(L)
	OpenStruct(L)
	OpenRedisMath(L, r)
	return L
}

// runLocal runs a snippet as Redis runs a script body and renders its
// result as renderReply renders Redis's reply.
func runLocal(L *lua.LState, src string) string {
	fn, err := L.Load(strings.NewReader(src), "user_script")
	if err != nil {
		return "compile error"
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return "uncaught error"
	}
	v := L.Get(-1)
	L.Pop(1)
	return renderValue(v)
}

// renderValue is Redis's conversion of a script's result to a reply
// (luaReplyToRedisReply), rendered.
func renderValue(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return "$" + string(v)
	case lua.LNumber:
		return ":" + strconv.FormatInt(int64(v), 10)
	case lua.LBool:
		if v {
			return ":1"
		}
		return "nil"
	case *lua.LTable:
		if e, ok := v.RawGetString("err").(lua.LString); ok {
			return "-" + string(e)
		}
		if s, ok := v.RawGetString("ok").(lua.LString); ok {
			return "+" + string(s)
		}
		var parts []string
		for i := 1; ; i++ {
			e := v.RawGetInt(i)
			if e == lua.LNil {
				break
			}
			parts = append(parts, renderValue(e))
		}
		return "*[" + strings.Join(parts, " ") + "]"
	}
	return "nil"
}

// redisConn is a minimal RESP2 client.
type redisConn struct {
	c net.Conn
	r *bufio.Reader
}

func (rc *redisConn) eval(script string) (string, error) {
	var b bytes.Buffer
	b.WriteString("*3\r\n$4\r\nEVAL\r\n")
	fmt.Fprintf(&b, "$%d\r\n%s\r\n$1\r\n0\r\n", len(script), script)
	rc.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := rc.c.Write(b.Bytes()); err != nil {
		return "", err
	}
	return rc.readReply()
}

func (rc *redisConn) readReply() (string, error) {
	line, err := rc.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("empty reply line")
	}
	switch line[0] {
	case '+':
		return line, nil
	case '-':
		// An uncaught script error: its text names Redis's function.
		if strings.Contains(line, "script:") || strings.HasPrefix(line, "-ERR Error compiling") {
			if strings.Contains(line, "Error compiling") {
				return "compile error", nil
			}
			return "uncaught error", nil
		}
		return line, nil
	case ':':
		return line, nil
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "nil", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, buf); err != nil {
			return "", err
		}
		return "$" + string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "nil", nil
		}
		parts := make([]string, n)
		for i := range parts {
			if parts[i], err = rc.readReply(); err != nil {
				return "", err
			}
		}
		return "*[" + strings.Join(parts, " ") + "]", nil
	}
	return "", fmt.Errorf("bad reply line %q", line)
}

// startRedis runs a throwaway redis-server for the test, or skips it when
// there is none.
func startRedis(t *testing.T) *redisConn {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server not installed (apt-get install redis-server): differential test skipped"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			rc := &redisConn{c: c, r: bufio.NewReader(c)}
			t.Cleanup(func() { c.Close() })
			return rc
		}
		select {
		case <-done:
			t.Fatalf("redis-server exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// clip shortens what a failure shows.
func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestRedisDifferential runs every snippet through redis-server and
// gopher-lua, in the same order on both: math.random's generator carries
// its state from one script to the next in both.
func TestRedisDifferential(t *testing.T) {
	rc := startRedis(t)
	L := newTestState(NewRand48())
	defer L.Close()
	snippets := append(fixedSnippets(), randomSnippets(20260105)...)
	failures := 0
	for _, s := range snippets {
		want, err := rc.eval(s)
		if err != nil {
			t.Fatalf("redis-server: %v", err)
		}
		got := runLocal(L, s)
		if got != want {
			failures++
			if failures <= 60 {
				i := 0
				for i < len(want) && i < len(got) && want[i] == got[i] {
					i++
				}
				t.Errorf("%s\n  redis: %q\n  respd: %q\n  first difference at byte %d: redis %q, respd %q",
					clip(s), clip(want), clip(got), i, clip(want[i:]), clip(got[i:]))
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d snippets differ", failures, len(snippets))
	}
	t.Logf("%d snippets compared", len(snippets))
}
