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

// writeHLLs makes a sparse HLL, a dense one with its cache written, and a
// merge of both.
func writeHLLs(t *testing.T, rc *redis.Client) {
	t.Helper()
	rc.PFAdd(ctx, "sparse", "a", "b", "c")
	for i := 0; i < 3000; i += 100 {
		elements := make([]any, 100)
		for j := range elements {
			elements[j] = fmt.Sprint("e", i+j)
		}
		rc.PFAdd(ctx, "dense", elements...)
	}
	rc.PFCount(ctx, "dense")
	if err := rc.PFMerge(ctx, "merged", "sparse", "dense").Err(); err != nil {
		t.Fatal(err)
	}
}

// hllBytes are the three HLLs' values.
func hllBytes(rc *redis.Client) map[string]string {
	values := map[string]string{}
	for _, key := range []string{"sparse", "dense", "merged"} {
		values[key] = rc.Get(ctx, key).Val()
	}
	return values
}

// TestHLLRDBInteroperability: HLLs cross RDB files both ways, and a Redis
// master's HLLs reach a respd replica, as the same bytes and counts.
func TestHLLRDBInteroperability(t *testing.T) {
	interopRequireRedis(t)
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir)
	mine := newClients(t, addr)["resp2"]
	writeHLLs(t, mine)
	want := hllBytes(mine)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--dir", dir)})
	defer real.Close()
	if got := hllBytes(real); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("respd's RDB in redis-server: %q, want %q", got, want)
	}
	if n := real.PFCount(ctx, "merged").Val(); n != mine.PFCount(ctx, "merged").Val() || n == 0 {
		t.Errorf("PFCOUNT of respd's HLL in redis-server: %d", n)
	}

	fresh := redis.NewClient(&redis.Options{Addr: diffStartRedis(t)})
	defer fresh.Close()
	writeHLLs(t, fresh)
	loaded := respdOnRedisRDB(t, nil, func(rc *redis.Client) { writeHLLs(t, rc) })
	if got, want := hllBytes(loaded), hllBytes(fresh); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("redis-server's RDB in respd: %q, want %q", got, want)
	}

	master := newInteropNode(t, interopRedis, "master")
	replica := newInteropNode(t, interopRespd, "replica", master.replicaOf()...)
	writeHLLs(t, master.rc())
	waitReplicaCaughtUp(t, master.addr, replica.addr)
	if got, want := hllBytes(replica.rc()), hllBytes(master.rc()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("respd replica of redis-server: %q, want %q", got, want)
	}
}
