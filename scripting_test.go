package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lua scripts as their libraries use them, end to end through go-redis in
// both protocols; their effects replicated to real Redis replicas.

// TestScriptGoRedisNewScript: redis.NewScript runs EVALSHA and, on
// NOSCRIPT, EVAL; SCRIPT LOAD/EXISTS/FLUSH follow.
func TestScriptGoRedisNewScript(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t)) {
		t.Run(proto, func(t *testing.T) {
			rc.ScriptFlush(ctx)
			incr := redis.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)
			for want := int64(5); want <= 15; want += 5 {
				if n, err := incr.Run(ctx, rc, []string{"counter:" + proto}, 5).Int64(); err != nil || n != want {
					t.Fatalf("Run = %d, %v; want %d", n, err, want)
				}
			}
			if ex, err := incr.Exists(ctx, rc).Result(); err != nil || !slices.Equal(ex, []bool{true}) {
				t.Fatalf("SCRIPT EXISTS = %v, %v", ex, err)
			}
			rc.ScriptFlush(ctx)
			if ex, _ := incr.Exists(ctx, rc).Result(); !slices.Equal(ex, []bool{false}) {
				t.Fatalf("SCRIPT EXISTS after FLUSH = %v", ex)
			}
			// After the flush, Run's EVALSHA gets NOSCRIPT and falls back.
			if n, err := incr.Run(ctx, rc, []string{"counter:" + proto}, 1).Int64(); err != nil || n != 16 {
				t.Fatalf("Run after FLUSH = %d, %v", n, err)
			}
			tables := redis.NewScript(`redis.setresp(3); return {KEYS[1], ARGV[1], {ok='fine'}, redis.call('HGETALL', KEYS[1])}`)
			rc.HSet(ctx, "h:"+proto, "f", "v")
			got, err := tables.Run(ctx, rc, []string{"h:" + proto}, "arg").Slice()
			if err != nil || len(got) != 4 || got[0] != "h:"+proto || got[1] != "arg" || got[2] != "fine" {
				t.Fatalf("tables = %#v, %v", got, err)
			}
			if _, err := redis.NewScript(`return redis.call('LPUSH', KEYS[1], 'x')`).Run(ctx, rc, []string{"h:" + proto}).Result(); err == nil ||
				err.Error() != "WRONGTYPE Operation against a key holding the wrong kind of value script: "+scriptSHA([]byte(`return redis.call('LPUSH', KEYS[1], 'x')`))+", on @user_script:1." {
				t.Fatalf("WRONGTYPE from a script: %v", err)
			}
		})
	}
}

// TestScriptLockAndRateLimiter: a redsync-style lock (SET NX PX, then a
// compare-and-delete and a compare-and-extend script) and a sliding-window
// rate limiter on a sorted set, as their libraries write them.
func TestScriptLockAndRateLimiter(t *testing.T) {
	rc := newClients(t, startServer(t))["resp3"]
	release := redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`)
	extend := redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`)
	if ok, err := rc.SetNX(ctx, "lock", "token-a", 10*time.Second).Result(); err != nil || !ok {
		t.Fatalf("acquire = %v, %v", ok, err)
	}
	if ok, _ := rc.SetNX(ctx, "lock", "token-b", 10*time.Second).Result(); ok {
		t.Fatal("a second holder acquired the lock")
	}
	if n, err := extend.Run(ctx, rc, []string{"lock"}, "token-b", 60000).Int64(); err != nil || n != 0 {
		t.Fatalf("extend by another token = %d, %v", n, err)
	}
	if n, err := extend.Run(ctx, rc, []string{"lock"}, "token-a", 60000).Int64(); err != nil || n != 1 {
		t.Fatalf("extend = %d, %v", n, err)
	}
	if ttl := rc.PTTL(ctx, "lock").Val(); ttl <= 10*time.Second {
		t.Fatalf("PTTL after extend = %v", ttl)
	}
	if n, _ := release.Run(ctx, rc, []string{"lock"}, "token-b").Int64(); n != 0 {
		t.Fatal("released by another token")
	}
	if n, err := release.Run(ctx, rc, []string{"lock"}, "token-a").Int64(); err != nil || n != 1 {
		t.Fatalf("release = %d, %v", n, err)
	}

	limiter := redis.NewScript(`
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1}
end
return {0, 0}`)
	allowed := 0
	for i := 0; i < 15; i++ {
		now := 1000 + i*10 // ms: all within one 1000 ms window
		res, err := limiter.Run(ctx, rc, []string{"rate:user1"}, now, 1000, 10, "req"+strconv.Itoa(i)).Int64Slice()
		if err != nil {
			t.Fatal(err)
		}
		allowed += int(res[0])
	}
	if allowed != 10 {
		t.Fatalf("allowed %d of 15 in one window, want 10", allowed)
	}
	res, _ := limiter.Run(ctx, rc, []string{"rate:user1"}, 2200, 1000, 10, "late").Int64Slice()
	if !slices.Equal(res, []int64{1, 9}) {
		t.Fatalf("after the window = %v, want [1 9]", res)
	}
}

// TestScriptEffectsReplication: a script's writes reach the AOF stream and
// the replicas as the commands it ran (in MULTI/EXEC), so replicas of
// respd, Redis's and respd's own, end with the master's data even when
// the script wrote something random (SPOP, SRANDMEMBER) or time-dependent.
func TestScriptEffectsReplication(t *testing.T) {
	for _, replicaKind := range []string{interopRespd, interopRedis} {
		t.Run("replica="+replicaKind, func(t *testing.T) {
			if replicaKind == interopRedis {
				interopRequireRedis(t)
			}
			master := newInteropNode(t, interopRespd, "master")
			replica := newInteropNode(t, replicaKind, "replica", master.replicaOf()...)
			waitReplicaCaughtUp(t, master.addr, replica.addr)
			rc := master.rc()
			rc.SAdd(ctx, "pool", "a", "b", "c", "d", "e", "f")
			script := `
local picked = redis.call('SPOP', KEYS[1])
redis.call('RPUSH', KEYS[2], picked)
redis.call('SET', KEYS[3], redis.call('SRANDMEMBER', KEYS[1]))
redis.call('HSET', KEYS[4], 'at', redis.call('TIME')[1])
redis.call('SELECT', 3)
redis.call('INCR', 'in-db-3')
return picked`
			for i := 0; i < 4; i++ {
				if err := rc.Eval(ctx, script, []string{"pool", "picked", "random", "meta"}).Err(); err != nil {
					t.Fatal(err)
				}
			}
			rc.Eval(ctx, `return redis.call('GET', KEYS[1])`, []string{"pool"}) // an error, no effects
			waitReplicaCaughtUp(t, master.addr, replica.addr)
			for _, check := range []struct {
				db   int
				args []any
			}{
				{0, []any{"SMEMBERS", "pool"}}, {0, []any{"LRANGE", "picked", 0, -1}},
				{0, []any{"GET", "random"}}, {0, []any{"HGETALL", "meta"}}, {3, []any{"GET", "in-db-3"}},
			} {
				want := interopDo(t, master.addr, check.db, check.args...)
				if got := interopDo(t, replica.addr, check.db, check.args...); got != want {
					t.Errorf("%v in db %d: master %s, replica %s", check.args, check.db, want, got)
				}
			}
		})
	}
}

// interopDo runs a command in a database and formats its reply (a set's
// members sorted).
func interopDo(t *testing.T, addr string, db int, args ...any) string {
	t.Helper()
	rc := redis.NewClient(&redis.Options{Addr: addr, DB: db, DisableIdentity: true})
	defer rc.Close()
	v, err := rc.Do(ctx, args...).Result()
	if list, ok := v.([]any); ok && args[0] == "SMEMBERS" {
		slices.SortFunc(list, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	}
	return fmt.Sprintf("%v %v", v, err)
}

// BenchmarkEvalsha: a script doing one INCR and one doing ten, through
// the dispatcher.
func BenchmarkEvalsha(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"incr1", "return redis.call('INCR', KEYS[1])"},
		{"incr10", "for i = 1, 10 do redis.call('INCR', KEYS[1]) end return 1"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := newDirectClient(b)
			sha := []byte(scriptSHA([]byte(bc.body)))
			h.do([]byte("SCRIPT"), []byte("LOAD"), []byte(bc.body))
			args := [][]byte{[]byte("EVALSHA"), sha, []byte("1"), []byte("counter")}
			b.ReportAllocs()
			for b.Loop() {
				h.srv.mu.Lock()
				h.srv.dispatch(h.Client, args)
				h.srv.mu.Unlock()
				h.w.Flush(0)
				h.out.Reset()
			}
		})
	}
}
