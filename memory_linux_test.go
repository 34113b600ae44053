package main

// The memory tests that read a server process's RSS in /proc: Linux only.

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// procRSS is a process's resident memory, from /proc.
func procRSS(t *testing.T, p *serverProc) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// An idle connection costs no buffers: its RSS, after a first generation of
// connections came and went and a second one made a request each, is about
// 1 KB (redis-server's ~6 KB; respd's was 16 KB, its 16 KiB read buffer and
// 4 KiB writer reused from the memory the first generation touched).
func TestIdleClientMemory(t *testing.T) {
	epollOnly(t, "gives each connection a goroutine and redcon's read and write buffers (about 19 KB)")
	const n = 5000
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil || lim.Max < n+500 {
		t.Skipf("needs %d file descriptors (ulimit -n)", n+500)
	}
	lim.Cur = lim.Max
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--maxclients", strconv.Itoa(n+100))
		base := procRSS(t, p)
		connect := func() []net.Conn {
			conns := make([]net.Conn, n)
			for i := range conns {
				c, err := net.Dial("tcp", p.addr)
				if err != nil {
					t.Fatal(err)
				}
				conns[i] = c
				c.Write([]byte("PING\r\n"))
			}
			buf := make([]byte, 7)
			for _, c := range conns {
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Read(buf); err != nil || string(buf) != "+PONG\r\n" {
					t.Fatalf("PING: %q %v", buf, err)
				}
			}
			return conns
		}
		for _, c := range connect() {
			c.Close()
		}
		waitFor(t, func() bool {
			return interopInfoSection(t, p.addr, "clients")["connected_clients"] == "1"
		})
		conns := connect()
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		time.Sleep(200 * time.Millisecond)
		perClient := (procRSS(t, p) - base) / n
		t.Logf("%s: %d bytes of RSS per idle client", bin, perClient)
		if bin != "redis-server" && perClient > 3000 {
			t.Errorf("an idle client costs %d bytes, want at most 2 KB (with headroom: 3 KB)", perClient)
		}
	})
}

// Replies a client does not read cost little more than their bytes
// (respd's were 1.9-3.7x: a turn's replies grew a buffer by doubling, then
// were copied into half-empty 64 KiB blocks), and their memory goes back
// to the OS soon after the client leaves (it stayed for minutes).
func TestUnreadRepliesMemory(t *testing.T) {
	epollOnly(t, "stops reading a client while its replies are written: they stay one batch")
	for _, tc := range []struct{ value, gets int }{{100000, 300}, {1000, 30000}} {
		t.Run(fmt.Sprintf("value=%d", tc.value), func(t *testing.T) {
			processServers(t, func(t *testing.T, bin string) {
				p := startProc(t, nil, bin, t.TempDir(), "--save", "")
				ctl := memDial(t, p.addr)
				memDo(t, ctl, "SET", "k", strings.Repeat("v", tc.value))
				time.Sleep(100 * time.Millisecond)
				base := procRSS(t, p)

				reader, err := net.DialTCP("tcp", nil, resolveTCP(t, p.addr))
				if err != nil {
					t.Fatal(err)
				}
				reader.SetReadBuffer(4096)
				go func() { // the socket's buffers fill, then the writes block
					reader.Write([]byte(strings.Repeat("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", tc.gets)))
				}()
				var omem int64
				waitFor(t, func() bool {
					fields := clientFields(t, ctl, "cmd", "get")
					if fields == nil {
						return false
					}
					before := omem
					omem = intField(t, fields, "omem")
					time.Sleep(100 * time.Millisecond)
					return omem > 20<<20 && omem == before
				})
				// The replies' bytes, not only what waits (omem): those the
				// socket took were queued too, and their memory is free but
				// resident, in Redis as in respd.
				replies := int64(tc.gets) * int64(len(fmt.Sprintf("$%d\r\n\r\n", tc.value))+tc.value)
				grown := procRSS(t, p) - base
				ratio := float64(grown) / float64(replies)
				t.Logf("%s: %d MB of replies unread (%d MB queued) cost %d MB of RSS: %.2fx (%.2fx omem)",
					bin, replies>>20, omem>>20, grown>>20, ratio, float64(grown)/float64(omem))
				if bin != "redis-server" && ratio > 1.2 {
					t.Errorf("unread replies cost %.2fx their bytes, want at most 1.2x", ratio)
				}

				reader.Close()
				if bin == "redis-server" {
					return // jemalloc returns them within about 30 s
				}
				deadline := time.Now().Add(15 * time.Second)
				for procRSS(t, p)-base > omem/4 {
					if time.Now().After(deadline) {
						t.Fatalf("15 s after the client left, RSS is still %d MB over what it was", (procRSS(t, p)-base)>>20)
					}
					time.Sleep(100 * time.Millisecond)
				}
			})
		})
	}
}

// Once the server goes idle, what the last burst left for the collector
// goes back to the OS: rewriting 32 MB of values left 32 MB of garbage
// that no collection would free while nothing else allocates, in RSS and
// in used_memory (the live heap of the last collection).
func TestIdleServerReturnsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	p := startProc(t, nil, buildRespd(t), t.TempDir(), "--save", "")
	c := memDial(t, p.addr)
	time.Sleep(300 * time.Millisecond)
	base := procRSS(t, p)
	const keys, size = 32, 1 << 20
	for round := range 2 {
		value := strings.Repeat(strconv.Itoa(round), size)
		for i := range keys {
			memDo(t, c, "SET", "key:"+strconv.Itoa(i), value)
		}
	}
	const data = keys * size
	var grown, used int64
	// Only /proc is read meanwhile: a command would keep the server busy.
	waitFor(t, func() bool {
		time.Sleep(100 * time.Millisecond)
		grown = procRSS(t, p) - base
		return grown < data*5/4
	})
	used, _ = strconv.ParseInt(interopInfoSection(t, p.addr, "memory")["used_memory"], 10, 64)
	if used >= data*5/4 {
		t.Errorf("idle with %d MB of values: used_memory %d MB", data>>20, used>>20)
	}
	t.Logf("%d MB of values, rewritten once: RSS grew %d MB, used_memory %d MB", data>>20, grown>>20, used>>20)
}
