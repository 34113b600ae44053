package main

import (
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// HyperLogLogs end to end: go-redis in both protocols, keyspace events,
// and the values a replica ends with, byte for byte.

func TestHLLGoRedis(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t)) {
		t.Run(proto, func(t *testing.T) {
			rc.ConfigSet(ctx, "notify-keyspace-events", "KEA")
			sub := rc.PSubscribe(ctx, "__keyspace@0__:*")
			defer sub.Close()
			if _, err := sub.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				if n, err := rc.PFAdd(ctx, "visitors", "u1", "u2", fmt.Sprint("u", i+3)).Result(); err != nil || n != 1 {
					t.Fatalf("PFADD = %d, %v", n, err)
				}
			}
			if n, _ := rc.PFAdd(ctx, "visitors", "u1").Result(); n != 0 {
				t.Fatalf("PFADD of a seen element = %d", n)
			}
			if n, err := rc.PFCount(ctx, "visitors").Result(); err != nil || n != 5 {
				t.Fatalf("PFCOUNT = %d, %v", n, err)
			}
			rc.PFAdd(ctx, "others", "u1", "x", "y")
			if err := rc.PFMerge(ctx, "all", "visitors", "others").Err(); err != nil {
				t.Fatal(err)
			}
			if n, _ := rc.PFCount(ctx, "all").Result(); n != 7 {
				t.Fatalf("PFCOUNT after PFMERGE = %d", n)
			}
			if n, _ := rc.PFCount(ctx, "visitors", "others").Result(); n != 7 {
				t.Fatalf("PFCOUNT of two keys = %d", n)
			}
			rc.Set(ctx, "plain", "not an hll", 0)
			if err := rc.PFCount(ctx, "plain").Err(); err == nil || err.Error() != "WRONGTYPE Key is not a valid HyperLogLog string value." {
				t.Fatalf("PFCOUNT of a plain string: %v", err)
			}
			for _, want := range []string{"pfadd", "pfadd", "pfadd", "pfadd", "pfadd"} {
				msg, err := sub.ReceiveMessage(ctx)
				if err != nil || msg.Payload != want {
					t.Fatalf("event %v, %v; want %s", msg, err, want)
				}
			}
			rc.FlushAll(ctx)
			rc.ConfigSet(ctx, "notify-keyspace-events", "")
		})
	}
}

// TestHLLReplicated: PFADD, PFMERGE, PFCOUNT's cache and PFDEBUG TODENSE
// reach respd and Redis replicas as the same bytes.
func TestHLLReplicated(t *testing.T) {
	for _, replicaKind := range []string{interopRespd, interopRedis} {
		t.Run("replica="+replicaKind, func(t *testing.T) {
			if replicaKind == interopRedis {
				interopRequireRedis(t)
			}
			master := newInteropNode(t, interopRespd, "master")
			replica := newInteropNode(t, replicaKind, "replica", master.replicaOf()...)
			waitReplicaCaughtUp(t, master.addr, replica.addr)
			rc := master.rc()
			for i := 0; i < 2000; i += 100 {
				elements := make([]any, 100)
				for j := range elements {
					elements[j] = fmt.Sprint("e", i+j)
				}
				rc.PFAdd(ctx, "big", elements...)
			}
			rc.PFAdd(ctx, "small", "a", "b")
			rc.PFCount(ctx, "big")   // writes the cache
			rc.PFCount(ctx, "small") // writes the cache
			rc.PFMerge(ctx, "merged", "small", "big")
			rc.PFAdd(ctx, "dense", "a")
			rc.Do(ctx, "PFDEBUG", "TODENSE", "dense")
			waitReplicaCaughtUp(t, master.addr, replica.addr)
			rr := redis.NewClient(&redis.Options{Addr: replica.addr, DisableIdentity: true})
			defer rr.Close()
			for _, key := range []string{"big", "small", "merged", "dense"} {
				want, _ := rc.Get(ctx, key).Result()
				if got, _ := rr.Get(ctx, key).Result(); got != want || want == "" {
					t.Errorf("%s: the replica has %q, the master %q", key, got, want)
				}
			}
		})
	}
}
