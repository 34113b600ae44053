package main

import (
	"fmt"
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
	bin := buildRespd(t)
	dir := t.TempDir()
	start := func() *serverProc {
		return startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--loglevel", "nothing")
	}
	p := start()
	addr := p.addr
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
	p.kill()
	for w := 0; w < writers; w++ {
		<-done
	}

	rc := redis.NewClient(&redis.Options{Addr: start().addr})
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
