package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// A write is acknowledged only once it is in the AOF: kill -9 in the middle
// of a write load loses none of them. With appendfsync always it is on
// disk too; with everysec it is in the kernel's page cache, which survives
// the process — unless an fsync slower than a second held the write back
// (up to 2 s, as in Redis), which a quiet disk does not. A power failure
// can lose the last second or two.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildRespd(t)
	for _, fsync := range []string{"always", "everysec"} {
		t.Run(fsync, func(t *testing.T) { crashUnderLoad(t, bin, fsync) })
	}
}

func crashUnderLoad(t *testing.T, bin, fsync string) {
	dir := t.TempDir()
	start := func() *serverProc {
		return startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes", "--appendfsync", fsync, "--loglevel", "nothing")
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
		pipe := rc.Pipeline()
		gets := make([]*redis.StringCmd, acked[w]+1)
		for i := 1; i <= acked[w]; i++ {
			gets[i] = pipe.Get(ctx, fmt.Sprintf("w%d:%d", w, i))
		}
		pipe.Exec(ctx)
		for i := 1; i <= acked[w]; i++ {
			if got, err := gets[i].Int(); err != nil || got != i {
				t.Fatalf("acknowledged write w%d:%d lost after kill -9 (%v)", w, i, err)
			}
		}
	}
	if total < 100 {
		t.Fatalf("only %d writes acknowledged before the kill; the test proves little", total)
	}
	t.Logf("%d acknowledged writes, all present after kill -9 and restart", total)
}
