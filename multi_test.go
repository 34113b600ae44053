package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestMultiExecBytes(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	rc.do("-ERR EXEC without MULTI\r\n", "EXEC")
	rc.do("-ERR DISCARD without MULTI\r\n", "DISCARD")
	rc.do("+OK\r\n", "MULTI")
	rc.do("-ERR MULTI calls can not be nested\r\n", "MULTI")
	rc.do("-ERR WATCH inside MULTI is not allowed\r\n", "WATCH", "a")
	rc.do("+QUEUED\r\n", "SET", "a", "1")
	rc.do("+QUEUED\r\n", "INCR", "a")
	rc.do("+QUEUED\r\n", "ECHO", "x")
	rc.do("+OK\r\n", "DISCARD")

	// A runtime error is returned in place; the rest still runs.
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "SET", "a", "x")
	rc.do("+QUEUED\r\n", "INCR", "a")
	rc.do("+QUEUED\r\n", "GET", "a")
	rc.do("*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n", "EXEC")

	// A queueing error aborts the transaction.
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "SET", "a", "y")
	rc.do("-ERR unknown command 'nosuch', with args beginning with: \r\n", "nosuch")
	rc.do("-ERR wrong number of arguments for 'get' command\r\n", "GET")
	rc.do("-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	rc.do("$1\r\nx\r\n", "GET", "a")
	rc.do("-ERR EXEC without MULTI\r\n", "EXEC")

	// Commands refused inside MULTI poison it too.
	rc.do("+OK\r\n", "MULTI")
	rc.do("-ERR Command not allowed inside a transaction\r\n", "SHUTDOWN")
	rc.do("-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")

	rc.do("+OK\r\n", "MULTI")
	rc.do("*0\r\n", "EXEC")
}

func TestWatch(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	other := dialRaw(t, addr)

	// A watched key changed by another client: EXEC returns a null array.
	rc.do("+OK\r\n", "WATCH", "k")
	other.do("+OK\r\n", "SET", "k", "1")
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "SET", "k", "2")
	rc.do("*-1\r\n", "EXEC")
	rc.do("$1\r\n1\r\n", "GET", "k")

	// EXEC cleared the watches: the next transaction runs.
	other.do("+OK\r\n", "SET", "k", "3")
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "GET", "k")
	rc.do("*1\r\n$1\r\n3\r\n", "EXEC")

	// A key that did not exist and now does.
	rc.do("+OK\r\n", "WATCH", "new")
	other.do("+OK\r\n", "SET", "new", "v")
	rc.do("+OK\r\n", "MULTI")
	rc.do("*-1\r\n", "EXEC")

	// UNWATCH forgets; DISCARD clears watches too.
	rc.do("+OK\r\n", "WATCH", "k")
	rc.do("+OK\r\n", "UNWATCH")
	other.do("+OK\r\n", "SET", "k", "4")
	rc.do("+OK\r\n", "MULTI")
	rc.do("*0\r\n", "EXEC")

	// FLUSHALL touches watched keys that existed.
	rc.do("+OK\r\n", "WATCH", "k")
	other.do("+OK\r\n", "FLUSHALL")
	rc.do("+OK\r\n", "MULTI")
	rc.do("*-1\r\n", "EXEC")

	// Expiry of a watched key after WATCH fails the transaction. A PTTL
	// after the WATCH shows the key was still there when watched (one that
	// had already expired counts as missing); on a machine too slow for
	// that, again with a longer TTL.
	for ttl := 50; ; ttl *= 4 {
		rc.send(string(diffEncode(stringArgv("SET", "e", "v", "PX", strconv.Itoa(ttl)))) +
			string(diffEncode(stringArgv("WATCH", "e"))) + string(diffEncode(stringArgv("PTTL", "e"))))
		rc.expect("+OK\r\n+OK\r\n:")
		pttl, _ := rc.r.ReadString('\n')
		if pttl != "-2\r\n" {
			time.Sleep(time.Duration(ttl+50) * time.Millisecond)
			rc.do("+OK\r\n", "MULTI")
			rc.do("*-1\r\n", "EXEC")
			break
		}
		if ttl >= 3200 {
			t.Fatalf("a key with a TTL of %d ms expired before WATCH and PTTL in the same packet", ttl)
		}
		rc.do("+OK\r\n", "UNWATCH")
	}

	// A write inside the watcher's own transaction does not abort it.
	rc.do("+OK\r\n", "WATCH", "own")
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "SET", "own", "1")
	rc.do("*1\r\n+OK\r\n", "EXEC")
}

func TestTransactionsThroughGoRedis(t *testing.T) {
	addr := startServer(t)
	for name, rc := range newClients(t, addr) {
		t.Run(name, func(t *testing.T) {
			rc.Del(ctx, "counter")
			incr := func(tx *redis.Tx) error {
				n, err := tx.Get(ctx, "counter").Int()
				if err != nil && err != redis.Nil {
					return err
				}
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "counter", n+1, 0)
					return nil
				})
				return err
			}
			// Concurrent optimistic increments: every lost race is retried, so
			// the final count is exact.
			const workers, each = 4, 50
			done := make(chan error, workers)
			for w := 0; w < workers; w++ {
				go func() {
					for i := 0; i < each; i++ {
						for {
							err := rc.Watch(ctx, incr, "counter")
							if err == redis.TxFailedErr {
								continue
							}
							if err != nil {
								done <- err
								return
							}
							break
						}
					}
					done <- nil
				}()
			}
			for w := 0; w < workers; w++ {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			if n, _ := rc.Get(ctx, "counter").Int(); n != workers*each {
				t.Fatalf("counter = %d, want %d", n, workers*each)
			}
		})
	}
}
