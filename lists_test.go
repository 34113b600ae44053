package main

// The list commands end to end through go-redis, in RESP2 and RESP3,
// against respd and (when installed) a real redis-server: what a Go
// application sees. The exact bytes are testdata/diff/lists.txt's, the
// blocking scenarios blocking_test.go's.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestListsGoRedis drives every list command through go-redis.
func TestListsGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisLists(t, rc) })
		}
	}
}

// listCheck compares a go-redis result with what it should be, by their
// printed forms (an error compares by its text).
func listCheck(t *testing.T) func(what string, got, want any) {
	return func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
}

const listWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func goRedisLists(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)

	// Pushes, length, range, type.
	check("LPUSH", rc.LPush(ctx, "l", "a", "b").Val(), 2)
	check("RPUSH", rc.RPush(ctx, "l", "c", "d").Val(), 4)
	check("LRANGE", rc.LRange(ctx, "l", 0, -1).Val(), []string{"b", "a", "c", "d"})
	check("LRANGE part", rc.LRange(ctx, "l", -2, 10).Val(), []string{"c", "d"})
	check("LRANGE none", rc.LRange(ctx, "l", 3, 1).Val(), []string{})
	check("LRANGE missing", rc.LRange(ctx, "nokey", 0, -1).Val(), []string{})
	check("LLEN", rc.LLen(ctx, "l").Val(), 4)
	check("LLEN missing", rc.LLen(ctx, "nokey").Val(), 0)
	check("TYPE", rc.Type(ctx, "l").Val(), "list")
	check("OBJECT ENCODING", rc.ObjectEncoding(ctx, "l").Val(), "quicklist")
	check("LPUSHX missing", rc.LPushX(ctx, "nokey", "x").Val(), 0)
	check("RPUSHX missing", rc.RPushX(ctx, "nokey", "x", "y").Val(), 0)
	check("EXISTS after PUSHX", rc.Exists(ctx, "nokey").Val(), 0)
	check("LPUSHX", rc.LPushX(ctx, "l", "z").Val(), 5)
	check("RPUSHX", rc.RPushX(ctx, "l", "e", "f").Val(), 7)
	check("LRANGE after PUSHX", rc.LRange(ctx, "l", 0, -1).Val(), []string{"z", "b", "a", "c", "d", "e", "f"})

	// Elements that look like numbers come back as they went in.
	nums := []any{"007", "-5", "1e3", 123, "-0", "9223372036854775808", "+1", " 7", 3.5}
	check("RPUSH numbers", rc.RPush(ctx, "n", nums...).Val(), len(nums))
	check("LRANGE numbers", strings.Join(rc.LRange(ctx, "n", 0, -1).Val(), "|"), "007|-5|1e3|123|-0|9223372036854775808|+1| 7|3.5")
	check("LINDEX 007", rc.LIndex(ctx, "n", 0).Val(), "007")
	check("LPOS 123", rc.LPos(ctx, "n", "123", redis.LPosArgs{}).Val(), 3)
	check("LPOS 7", rc.LPos(ctx, "n", "7", redis.LPosArgs{}).Err(), redis.Nil)
	check("LREM -0", rc.LRem(ctx, "n", 0, "0").Val(), 0)

	// LINDEX, LSET.
	check("LINDEX", rc.LIndex(ctx, "l", 1).Val(), "b")
	check("LINDEX negative", rc.LIndex(ctx, "l", -1).Val(), "f")
	check("LINDEX out of range", rc.LIndex(ctx, "l", 7).Err(), redis.Nil)
	check("LINDEX missing", rc.LIndex(ctx, "nokey", 0).Err(), redis.Nil)
	check("LSET", rc.LSet(ctx, "l", 0, "Z").Val(), "OK")
	check("LSET negative", rc.LSet(ctx, "l", -1, "F").Val(), "OK")
	check("LSET out of range", rc.LSet(ctx, "l", 7, "x").Err(), "ERR index out of range")
	check("LSET missing", rc.LSet(ctx, "nokey", 0, "x").Err(), "ERR no such key")

	// LINSERT.
	check("LINSERT BEFORE", rc.LInsertBefore(ctx, "l", "a", "a0").Val(), 8)
	check("LINSERT AFTER", rc.LInsertAfter(ctx, "l", "a", "a1").Val(), 9)
	check("LINSERT no pivot", rc.LInsert(ctx, "l", "BEFORE", "nope", "x").Val(), -1)
	check("LINSERT missing", rc.LInsert(ctx, "nokey", "AFTER", "a", "x").Val(), 0)
	check("LINSERT bad", rc.LInsert(ctx, "l", "MIDDLE", "a", "x").Err(), "ERR syntax error")
	check("LRANGE after LINSERT", rc.LRange(ctx, "l", 0, -1).Val(), []string{"Z", "b", "a0", "a", "a1", "c", "d", "e", "F"})

	// LREM, LTRIM.
	rc.RPush(ctx, "r", "x", "y", "x", "y", "x")
	check("LREM head", rc.LRem(ctx, "r", 1, "x").Val(), 1)
	check("LREM tail", rc.LRem(ctx, "r", -1, "x").Val(), 1)
	check("LRANGE after LREM", rc.LRange(ctx, "r", 0, -1).Val(), []string{"y", "x", "y"})
	check("LREM all", rc.LRem(ctx, "r", 0, "y").Val(), 2)
	check("LREM last", rc.LRem(ctx, "r", 0, "x").Val(), 1)
	check("EXISTS emptied", rc.Exists(ctx, "r").Val(), 0)
	rc.RPush(ctx, "t", "a", "b", "c", "d", "e")
	check("LTRIM", rc.LTrim(ctx, "t", 1, -2).Val(), "OK")
	check("LRANGE after LTRIM", rc.LRange(ctx, "t", 0, -1).Val(), []string{"b", "c", "d"})
	check("LTRIM to nothing", rc.LTrim(ctx, "t", 5, 10).Val(), "OK")
	check("EXISTS trimmed", rc.Exists(ctx, "t").Val(), 0)

	// LPOS.
	rc.RPush(ctx, "p", "a", "c", "b", "c", "c")
	check("LPOS", rc.LPos(ctx, "p", "c", redis.LPosArgs{}).Val(), 1)
	check("LPOS RANK", rc.LPos(ctx, "p", "c", redis.LPosArgs{Rank: 2}).Val(), 3)
	check("LPOS RANK -1", rc.LPos(ctx, "p", "c", redis.LPosArgs{Rank: -1}).Val(), 4)
	check("LPOS MAXLEN", rc.LPos(ctx, "p", "b", redis.LPosArgs{MaxLen: 2}).Err(), redis.Nil)
	check("LPOS none", rc.LPos(ctx, "p", "x", redis.LPosArgs{}).Err(), redis.Nil)
	check("LPOS COUNT 0", rc.LPosCount(ctx, "p", "c", 0, redis.LPosArgs{}).Val(), []int64{1, 3, 4})
	check("LPOS COUNT 2 RANK -1", rc.LPosCount(ctx, "p", "c", 2, redis.LPosArgs{Rank: -1}).Val(), []int64{4, 3})
	check("LPOS COUNT none", rc.LPosCount(ctx, "p", "x", 0, redis.LPosArgs{}).Val(), []int64{})
	check("LPOS RANK 0", rc.Do(ctx, "LPOS", "p", "c", "RANK", 0).Err(),
		"ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")

	// Pops.
	check("LPOP", rc.LPop(ctx, "p").Val(), "a")
	check("RPOP", rc.RPop(ctx, "p").Val(), "c")
	check("LPOP count", rc.LPopCount(ctx, "p", 2).Val(), []string{"c", "b"})
	check("RPOP count", rc.RPopCount(ctx, "p", 5).Val(), []string{"c"})
	check("LPOP missing", rc.LPop(ctx, "p").Err(), redis.Nil)
	check("RPOP count missing", rc.RPopCount(ctx, "p", 2).Err(), redis.Nil)
	check("LPOP count 0 missing", rc.LPopCount(ctx, "p", 0).Err(), redis.Nil)
	rc.RPush(ctx, "p", "only")
	check("LPOP count 0", rc.LPopCount(ctx, "p", 0).Val(), []string{})
	check("LPOP negative", rc.LPopCount(ctx, "p", -1).Err(), "ERR value is out of range, must be positive")

	// LMOVE, RPOPLPUSH, LMPOP.
	rc.RPush(ctx, "src", "1", "2", "3")
	check("LMOVE", rc.LMove(ctx, "src", "dst", "LEFT", "RIGHT").Val(), "1")
	check("LMOVE right left", rc.LMove(ctx, "src", "dst", "right", "left").Val(), "3")
	check("RPOPLPUSH", rc.RPopLPush(ctx, "src", "dst").Val(), "2")
	check("LRANGE dst", rc.LRange(ctx, "dst", 0, -1).Val(), []string{"2", "3", "1"})
	check("LMOVE missing", rc.LMove(ctx, "src", "dst", "LEFT", "LEFT").Err(), redis.Nil)
	check("RPOPLPUSH rotate", rc.RPopLPush(ctx, "dst", "dst").Val(), "1")
	check("LMOVE bad", rc.LMove(ctx, "dst", "x", "UP", "LEFT").Err(), "ERR syntax error")
	key, vals, err := rc.LMPop(ctx, "left", 2, "nokey", "dst").Result()
	check("LMPOP", fmt.Sprint(key, vals, err), fmt.Sprint("dst", []string{"1", "2"}, nil))
	key, vals, err = rc.LMPop(ctx, "RIGHT", 10, "dst").Result()
	check("LMPOP right", fmt.Sprint(key, vals, err), fmt.Sprint("dst", []string{"3"}, nil))
	check("LMPOP empty", rc.LMPop(ctx, "left", 1, "dst", "nokey").Err(), redis.Nil)

	// Blocking commands on keys with elements reply at once.
	rc.RPush(ctx, "b", "1", "2", "3", "4", "5", "6")
	check("BLPOP", rc.BLPop(ctx, 0, "nokey", "b").Val(), []string{"b", "1"})
	check("BRPOP", rc.BRPop(ctx, time.Second, "b").Val(), []string{"b", "6"})
	check("BLMOVE", rc.BLMove(ctx, "b", "b2", "LEFT", "RIGHT", 0).Val(), "2")
	check("BRPOPLPUSH", rc.BRPopLPush(ctx, "b", "b2", 0).Val(), "5")
	key, vals, err = rc.BLMPop(ctx, 0, "left", 5, "nokey", "b").Result()
	check("BLMPOP", fmt.Sprint(key, vals, err), fmt.Sprint("b", []string{"3", "4"}, nil))
	check("LRANGE b2", rc.LRange(ctx, "b2", 0, -1).Val(), []string{"5", "2"})

	// Inside MULTI a blocking command on an empty key does not block.
	cmds, err := rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.BLPop(ctx, 0, "nokey")
		p.BLMove(ctx, "nokey", "x", "LEFT", "RIGHT", 0)
		p.RPush(ctx, "after", "v")
		return nil
	})
	if err != redis.Nil || len(cmds) != 3 {
		t.Errorf("MULTI: %v, %v", cmds, err)
	} else {
		check("MULTI BLPOP", cmds[0].Err(), redis.Nil)
		check("MULTI BLMOVE", cmds[1].Err(), redis.Nil)
		check("MULTI RPUSH", cmds[2].(*redis.IntCmd).Val(), 1)
	}

	// Against a string.
	rc.Set(ctx, "s", "v", 0)
	check("LPUSH string", rc.LPush(ctx, "s", "a").Err(), listWrongType)
	check("LRANGE string", rc.LRange(ctx, "s", 0, -1).Err(), listWrongType)
	check("LPOP string", rc.LPop(ctx, "s").Err(), listWrongType)
	check("LMOVE to string", rc.LMove(ctx, "b2", "s", "LEFT", "LEFT").Err(), listWrongType)
	check("BLPOP string", rc.BLPop(ctx, 0, "s").Err(), listWrongType)
	check("GET list", rc.Get(ctx, "b2").Err(), listWrongType)
	check("LRANGE b2 kept", rc.LRange(ctx, "b2", 0, -1).Val(), []string{"5", "2"})
}

// TestListsGoRedisBlocking: go-redis's blocking calls block until another
// client pushes, or time out with redis.Nil.
func TestListsGoRedisBlocking(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisListsBlocking(t, rc) })
		}
	}
}

func goRedisListsBlocking(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	blocked := func(n int) {
		t.Helper()
		want := fmt.Sprintf("blocked_clients:%d\r\n", n)
		waitFor(t, func() bool { return strings.Contains(rc.Info(ctx, "clients").Val(), want) })
	}
	// serve runs a blocking call in a goroutine, waits until it blocks,
	// pushes with push, and returns the call's result.
	serve := func(call func() (any, error), push func()) (any, error) {
		t.Helper()
		type result struct {
			v   any
			err error
		}
		done := make(chan result, 1)
		go func() {
			v, err := call()
			done <- result{v, err}
		}()
		blocked(1)
		push()
		select {
		case r := <-done:
			return r.v, r.err
		case <-time.After(10 * time.Second):
			t.Fatal("the blocked call was not served")
			return nil, nil
		}
	}

	v, err := serve(func() (any, error) { return rc.BLPop(ctx, 10*time.Second, "k1", "k2").Result() },
		func() { rc.RPush(ctx, "k2", "x", "y") })
	check("BLPOP served", fmt.Sprint(v, err), fmt.Sprint([]string{"k2", "x"}, nil))
	v, err = serve(func() (any, error) { return rc.BRPop(ctx, 0, "k1").Result() },
		func() { rc.RPush(ctx, "k1", "a", "b") })
	check("BRPOP served", fmt.Sprint(v, err), fmt.Sprint([]string{"k1", "b"}, nil))
	rc.Del(ctx, "k1", "k2")
	v, err = serve(func() (any, error) { return rc.BLMove(ctx, "src", "dst", "RIGHT", "LEFT", 0).Result() },
		func() { rc.LPush(ctx, "src", "m") })
	check("BLMOVE served", fmt.Sprint(v, err), fmt.Sprint("m", nil))
	v, err = serve(func() (any, error) { return rc.BRPopLPush(ctx, "src", "dst", 10*time.Second).Result() },
		func() { rc.RPush(ctx, "src", "n") })
	check("BRPOPLPUSH served", fmt.Sprint(v, err), fmt.Sprint("n", nil))
	check("LRANGE dst", rc.LRange(ctx, "dst", 0, -1).Val(), []string{"n", "m"})
	v, err = serve(func() (any, error) {
		key, vals, err := rc.BLMPop(ctx, 0, "right", 2, "e1", "e2").Result()
		return []any{key, vals}, err
	}, func() { rc.RPush(ctx, "e2", "1", "2", "3") })
	check("BLMPOP served", fmt.Sprint(v, err), fmt.Sprint([]any{"e2", []string{"3", "2"}}, nil))
	check("LRANGE e2", rc.LRange(ctx, "e2", 0, -1).Val(), []string{"1"})
	blocked(0)

	// go-redis's shortest timeout is a second.
	start := time.Now()
	check("BLPOP timeout", rc.BLPop(ctx, time.Second, "nokey").Err(), redis.Nil)
	check("BLMOVE timeout", rc.BLMove(ctx, "nokey", "dst", "LEFT", "LEFT", time.Second).Err(), redis.Nil)
	check("BLMPOP timeout", rc.BLMPop(ctx, time.Second, "left", 1, "nokey").Err(), redis.Nil)
	if took := time.Since(start); took < 3*time.Second-10*time.Millisecond || took > 20*time.Second {
		t.Errorf("three 1 s timeouts took %v", took)
	}
}
