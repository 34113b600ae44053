package main

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// With appendfsync always, a write is acknowledged only once it is on
// disk: kill -9 in the middle of a write load loses none of them.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "respd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	start := func() (*exec.Cmd, string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "",
			"--appendonly", "yes", "--appendfsync", "always", "--loglevel", "nothing")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		addr := "127.0.0.1:" + port
		for i := 0; ; i++ {
			if nc, err := net.Dial("tcp", addr); err == nil {
				nc.Close()
				return cmd, addr
			}
			if i == 200 {
				t.Fatal("respd did not start")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	cmd, addr := start()
	// Eight writers; each records the last write the server acknowledged.
	const writers = 8
	acked := make([]int, writers)
	done := make(chan int, writers)
	for w := 0; w < writers; w++ {
		go func(w int) {
			rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
			defer rc.Close()
			for i := 1; ; i++ {
				if rc.Set(ctx, fmt.Sprintf("w%d:%d", w, i), i, 0).Err() != nil {
					done <- w
					return
				}
				acked[w] = i
			}
		}(w)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	for w := 0; w < writers; w++ {
		<-done
	}

	cmd, addr = start()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	total := 0
	for w := 0; w < writers; w++ {
		total += acked[w]
		for i := 1; i <= acked[w]; i++ {
			if got, err := rc.Get(ctx, fmt.Sprintf("w%d:%d", w, i)).Int(); err != nil || got != i {
				t.Fatalf("acknowledged write w%d:%d lost after kill -9 (%v)", w, i, err)
			}
		}
	}
	if total < 100 {
		t.Fatalf("only %d writes acknowledged before the kill; the test proves little", total)
	}
	t.Logf("%d acknowledged writes, all present after kill -9 and restart", total)
}
