package main

// The stream commands end to end: through go-redis in RESP2 and RESP3
// (what a Go application sees); blocking reads served from other
// connections, and what becomes of a waiter when its key or group
// changes under it; a random differential of waiters and writes, run on
// redis-server and respd in lockstep; consumers that crash and whose
// entries are claimed; the exact bytes of the replies whose shape
// differs between the protocols; many clients at once; what the AOF and
// replicas get. Every test runs against respd and, when it is installed,
// a real redis-server, and asserts what Redis 7.0.15 answers (the byte
// strings were taken from it). testdata/diff/streams*.txt has the
// replies that come at once, command by command.
//
// As in blocking_test.go, ordering is never left to sleeps: a test waits
// until INFO's blocked_clients (or CLIENT LIST's flags) shows a waiter
// blocked before it writes what serves it, and idle times are set with
// XCLAIM's IDLE, or waited for with XPENDING's IDLE, where they matter.

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestStreamsGoRedis drives every stream command through go-redis.
func TestStreamsGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisStreams(t, rc) })
		}
	}
}

// strMsg is a stream entry as go-redis returns it: fields and values in
// pairs.
func strMsg(id string, kv ...string) redis.XMessage {
	v := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = kv[i+1]
	}
	return redis.XMessage{ID: id, Values: v}
}

// strParseID splits a stream ID into its two parts.
func strParseID(t *testing.T, id string) (ms, seq uint64) {
	t.Helper()
	a, b, ok := strings.Cut(id, "-")
	ms, err1 := strconv.ParseUint(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		t.Errorf("%q is not a stream ID", id)
	}
	return ms, seq
}

func goRedisStreams(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	add := func(a *redis.XAddArgs) {
		t.Helper()
		if err := rc.XAdd(ctx, a).Err(); err != nil {
			t.Fatalf("XADD %s %s: %v", a.Stream, a.ID, err)
		}
	}

	// XADD: explicit IDs in every form, the reply, the errors.
	check("XADD", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"a", "1"}}).Val(), "1-1")
	check("XADD map", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-1", Values: map[string]any{"b": 2}}).Val(), "2-1")
	check("XADD ms-*", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-*", Values: []any{"c", 3}}).Val(), "2-2")
	check("XADD ms", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3", Values: []string{"d", "4"}}).Val(), "3-0")
	check("XADD new ms-*", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "4-*", Values: []string{"e", "5", "f", "6"}}).Val(), "4-0")
	check("XADD equal", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "4-0", Values: []string{"x", "y"}}).Err(),
		"ERR The ID specified in XADD is equal or smaller than the target stream top item")
	check("XADD smaller", rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3-*", Values: []string{"x", "y"}}).Err(),
		"ERR The ID specified in XADD is equal or smaller than the target stream top item")
	check("XADD 0-0", rc.XAdd(ctx, &redis.XAddArgs{Stream: "z", ID: "0-0", Values: []string{"x", "y"}}).Err(),
		"ERR The ID specified in XADD must be greater than 0-0")
	check("XADD bad ID", rc.XAdd(ctx, &redis.XAddArgs{Stream: "z", ID: "1-x", Values: []string{"x", "y"}}).Err(),
		"ERR Invalid stream ID specified as stream command argument")
	check("XADD odd values", rc.Do(ctx, "XADD", "z", "*", "f").Err(), "ERR wrong number of arguments for 'xadd' command")
	check("no z", rc.Exists(ctx, "z").Val(), 0)
	check("XLEN", rc.XLen(ctx, "s").Val(), 5)
	check("XLEN missing", rc.XLen(ctx, "nokey").Val(), 0)
	check("TYPE", rc.Type(ctx, "s").Val(), "stream")

	// "*": the server's clock in milliseconds, then increasing; from an
	// ID in the future, its sequence plus one.
	before := time.Now().UnixMilli()
	id1 := rc.XAdd(ctx, &redis.XAddArgs{Stream: "auto", ID: "*", Values: []string{"f", "v"}}).Val()
	id2 := rc.XAdd(ctx, &redis.XAddArgs{Stream: "auto", Values: []string{"f", "v"}}).Val()
	after := time.Now().UnixMilli()
	ms1, seq1 := strParseID(t, id1)
	ms2, seq2 := strParseID(t, id2)
	if int64(ms1) < before-1000 || int64(ms1) > after+1000 {
		t.Errorf("XADD *: %s, want the time in ms between %d and %d", id1, before, after)
	}
	if ms2 < ms1 || ms2 == ms1 && seq2 != seq1+1 {
		t.Errorf("XADD * twice: %s then %s", id1, id2)
	}
	check("XADD future", rc.XAdd(ctx, &redis.XAddArgs{Stream: "auto", ID: "99999999999999-5", Values: []string{"f", "v"}}).Val(), "99999999999999-5")
	check("XADD * after the future", rc.XAdd(ctx, &redis.XAddArgs{Stream: "auto", Values: []string{"f", "v"}}).Val(), "99999999999999-6")

	// NOMKSTREAM: no key created, a null reply; on a stream it adds.
	check("XADD NOMKSTREAM missing", rc.XAdd(ctx, &redis.XAddArgs{Stream: "nokey", NoMkStream: true, Values: []string{"f", "v"}}).Err(), redis.Nil)
	check("still no key", rc.Exists(ctx, "nokey").Val(), 0)
	check("XADD NOMKSTREAM existing", rc.XAdd(ctx, &redis.XAddArgs{Stream: "auto", NoMkStream: true, ID: "99999999999999-9", Values: []string{"f", "v"}}).Val(), "99999999999999-9")
	check("XLEN auto", rc.XLen(ctx, "auto").Val(), 5)

	// MAXLEN and MINID trim exactly (=) after adding.
	for i := 1; i <= 5; i++ {
		check("XADD MAXLEN", rc.XAdd(ctx, &redis.XAddArgs{Stream: "cap", MaxLen: 3, ID: strconv.Itoa(i), Values: []string{"n", strconv.Itoa(i)}}).Val(), strconv.Itoa(i)+"-0")
	}
	check("XLEN after MAXLEN", rc.XLen(ctx, "cap").Val(), 3)
	check("XRANGE after MAXLEN", rc.XRange(ctx, "cap", "-", "+").Val(),
		[]redis.XMessage{strMsg("3-0", "n", "3"), strMsg("4-0", "n", "4"), strMsg("5-0", "n", "5")})
	check("XADD MINID", rc.XAdd(ctx, &redis.XAddArgs{Stream: "cap", MinID: "5", ID: "6", Values: []string{"n", "6"}}).Val(), "6-0")
	check("XRANGE after MINID", rc.XRange(ctx, "cap", "-", "+").Val(), []redis.XMessage{strMsg("5-0", "n", "5"), strMsg("6-0", "n", "6")})
	check("XADD LIMIT without ~", rc.XAdd(ctx, &redis.XAddArgs{Stream: "cap", MaxLen: 1, Limit: 10, Values: []string{"n", "7"}}).Err(),
		"ERR syntax error, LIMIT cannot be used without the special ~ option")
	check("XLEN cap", rc.XLen(ctx, "cap").Val(), 2)

	// ~ trims whole listpack nodes only, of stream-node-max-entries (100)
	// entries each, and never more than LIMIT entries: with 252 entries in
	// nodes of 100, 100 and 52, MAXLEN ~ 100 LIMIT 50 trims nothing, LIMIT
	// 100 the first node, and then no whole node can go without leaving
	// fewer than 100.
	pipe := rc.Pipeline()
	for i := 1; i <= 250; i++ {
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: "big", ID: strconv.Itoa(i), Values: []string{"f", "v"}})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	add(&redis.XAddArgs{Stream: "big", MaxLen: 100, Approx: true, Limit: 50, ID: "251", Values: []string{"f", "v"}})
	check("MAXLEN ~ LIMIT 50", rc.XLen(ctx, "big").Val(), 251)
	add(&redis.XAddArgs{Stream: "big", MaxLen: 100, Approx: true, Limit: 100, ID: "252", Values: []string{"f", "v"}})
	check("MAXLEN ~ LIMIT 100", rc.XLen(ctx, "big").Val(), 152)
	add(&redis.XAddArgs{Stream: "big", MaxLen: 100, Approx: true, ID: "253", Values: []string{"f", "v"}})
	check("MAXLEN ~ 100", rc.XLen(ctx, "big").Val(), 153)
	check("XRANGE big first", rc.XRangeN(ctx, "big", "-", "+", 1).Val(), []redis.XMessage{strMsg("101-0", "f", "v")})
	add(&redis.XAddArgs{Stream: "big", MinID: "250", Approx: true, ID: "254", Values: []string{"f", "v"}})
	check("MINID ~ 250", rc.XRangeN(ctx, "big", "-", "+", 1).Val(), []redis.XMessage{strMsg("201-0", "f", "v")})
	check("XLEN after MINID ~", rc.XLen(ctx, "big").Val(), 54)

	// XTRIM: exact, and ~ with and without LIMIT.
	check("XTRIM MAXLEN ~ 0 LIMIT 10", rc.XTrimMaxLenApprox(ctx, "big", 0, 10).Val(), 0)
	check("XTRIM MINID ~ 300", rc.XTrimMinIDApprox(ctx, "big", "300", 0).Val(), 54)
	check("XTRIM emptied", rc.XLen(ctx, "big").Val(), 0)
	check("an empty stream stays", rc.Exists(ctx, "big").Val(), 1)
	check("XTRIM MAXLEN", rc.XTrimMaxLen(ctx, "cap", 1).Val(), 1)
	check("XTRIM MAXLEN nothing", rc.XTrimMaxLen(ctx, "cap", 1).Val(), 0)
	add(&redis.XAddArgs{Stream: "cap", ID: "7", Values: []string{"n", "7"}})
	add(&redis.XAddArgs{Stream: "cap", ID: "8", Values: []string{"n", "8"}})
	check("XTRIM MINID", rc.XTrimMinID(ctx, "cap", "7-1").Val(), 2)
	check("XRANGE after XTRIM", rc.XRange(ctx, "cap", "-", "+").Val(), []redis.XMessage{strMsg("8-0", "n", "8")})
	check("XTRIM missing", rc.XTrimMaxLen(ctx, "nokey", 0).Val(), 0)

	// XRANGE, XREVRANGE: inclusive and exclusive ends, an ID without a
	// sequence (all of that millisecond), COUNT.
	all := []redis.XMessage{strMsg("1-1", "a", "1"), strMsg("2-1", "b", "2"), strMsg("2-2", "c", "3"), strMsg("3-0", "d", "4"), strMsg("4-0", "e", "5", "f", "6")}
	check("XRANGE", rc.XRange(ctx, "s", "-", "+").Val(), all)
	check("XRANGE ms", rc.XRange(ctx, "s", "2", "2").Val(), all[1:3])
	check("XRANGE exclusive", rc.XRange(ctx, "s", "(2-1", "(4-0").Val(), all[2:4])
	check("XRANGE COUNT", rc.XRangeN(ctx, "s", "2-2", "+", 2).Val(), all[2:4])
	check("XRANGE none", rc.XRange(ctx, "s", "5", "+").Val(), []redis.XMessage{})
	check("XRANGE missing", rc.XRange(ctx, "nokey", "-", "+").Val(), []redis.XMessage{})
	check("XRANGE bad", rc.XRange(ctx, "s", "x", "+").Err(), "ERR Invalid stream ID specified as stream command argument")
	check("XREVRANGE", rc.XRevRange(ctx, "s", "+", "-").Val(), []redis.XMessage{all[4], all[3], all[2], all[1], all[0]})
	check("XREVRANGE COUNT", rc.XRevRangeN(ctx, "s", "+", "2-2", 2).Val(), []redis.XMessage{all[4], all[3]})
	check("XREVRANGE ms", rc.XRevRange(ctx, "s", "2", "2").Val(), []redis.XMessage{all[2], all[1]})

	// XDEL counts the entries it found.
	check("XDEL", rc.XDel(ctx, "s", "2-1", "9-9", "2-1").Val(), 1)
	check("XDEL missing", rc.XDel(ctx, "nokey", "1-1").Val(), 0)
	check("XLEN after XDEL", rc.XLen(ctx, "s").Val(), 4)
	all = append(all[:1], all[2:]...)

	// XINFO STREAM.
	check("XINFO STREAM", *rc.XInfoStream(ctx, "s").Val(), redis.XInfoStream{
		Length: 4, RadixTreeKeys: 1, RadixTreeNodes: 2, Groups: 0,
		LastGeneratedID: "4-0", MaxDeletedEntryID: "2-1", EntriesAdded: 5,
		FirstEntry: all[0], LastEntry: all[3], RecordedFirstEntryID: "1-1",
	})
	check("XINFO STREAM missing", rc.XInfoStream(ctx, "nokey").Err(), "ERR no such key")
	// Trimming does not move max-deleted-entry-id; only XDEL does.
	check("XINFO STREAM empty", *rc.XInfoStream(ctx, "big").Val(), redis.XInfoStream{
		Length: 0, RadixTreeKeys: 0, RadixTreeNodes: 1, LastGeneratedID: "254-0", MaxDeletedEntryID: "0-0",
		EntriesAdded: 254, RecordedFirstEntryID: "0-0",
	})

	// XREAD without BLOCK: entries after the ID given, COUNT per stream,
	// streams without any left out; nothing at all is a null.
	noBlock := time.Duration(-1)
	check("XREAD", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "nokey", "cap", "0", "0", "0"}, Count: 2, Block: noBlock}).Val(),
		[]redis.XStream{{Stream: "s", Messages: all[:2]}, {Stream: "cap", Messages: []redis.XMessage{strMsg("8-0", "n", "8")}}})
	check("XREAD after", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "3-0"}, Block: noBlock}).Val(),
		[]redis.XStream{{Stream: "s", Messages: all[3:]}})
	check("XREAD ms", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "2"}, Block: noBlock}).Val(),
		[]redis.XStream{{Stream: "s", Messages: all[1:]}})
	check("XREAD nothing", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "nokey", "4-0", "0"}, Block: noBlock}).Err(), redis.Nil)
	check("XREAD $", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s"}, ID: "$", Block: noBlock}).Err(), redis.Nil)
	check("XREAD unbalanced", rc.Do(ctx, "XREAD", "STREAMS", "s", "t", "0").Err(),
		"ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
	check("XREAD >", rc.Do(ctx, "XREAD", "STREAMS", "s", ">").Err(),
		"ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")

	// Consumer groups: creation.
	check("XGROUP CREATE MKSTREAM", rc.XGroupCreateMkStream(ctx, "q", "g1", "$").Val(), "OK")
	check("MKSTREAM made it", rc.XLen(ctx, "q").Val(), 0)
	check("XGROUP CREATE again", rc.XGroupCreate(ctx, "q", "g1", "0").Err(), "BUSYGROUP Consumer Group name already exists")
	check("XGROUP CREATE missing", rc.XGroupCreate(ctx, "nokey", "g", "$").Err(),
		"ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	for i := 1; i <= 5; i++ {
		add(&redis.XAddArgs{Stream: "q", ID: strconv.Itoa(i), Values: []string{"n", strconv.Itoa(i)}})
	}
	q := func(ids ...int) []redis.XMessage {
		out := []redis.XMessage{}
		for _, i := range ids {
			out = append(out, strMsg(strconv.Itoa(i)+"-0", "n", strconv.Itoa(i)))
		}
		return out
	}
	qs := func(ids ...int) []redis.XStream { return []redis.XStream{{Stream: "q", Messages: q(ids...)}} }
	check("XGROUP CREATE", rc.XGroupCreate(ctx, "q", "g2", "0").Val(), "OK")
	check("XGROUP CREATE at 3", rc.XGroupCreate(ctx, "q", "g3", "3").Val(), "OK")
	check("XGROUP CREATECONSUMER", rc.XGroupCreateConsumer(ctx, "q", "g1", "alice").Val(), 1)
	check("XGROUP CREATECONSUMER again", rc.XGroupCreateConsumer(ctx, "q", "g1", "alice").Val(), 0)
	check("XGROUP CREATECONSUMER no group", rc.XGroupCreateConsumer(ctx, "q", "nogroup", "x").Err(),
		"NOGROUP No such consumer group 'nogroup' for key name 'q'")

	// XREADGROUP >: new entries, each to one consumer; NOACK reads
	// without a pending entry; none left is a null.
	rg := func(consumer string, count int64, noAck bool, ids ...string) *redis.XStreamSliceCmd {
		return rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g1", Consumer: consumer, Streams: append([]string{"q"}, ids...), Count: count, Block: noBlock, NoAck: noAck})
	}
	check("XREADGROUP alice", rg("alice", 2, false, ">").Val(), qs(1, 2))
	check("XREADGROUP bob", rg("bob", 2, false, ">").Val(), qs(3, 4))
	check("XREADGROUP carol NOACK", rg("carol", 0, true, ">").Val(), qs(5))
	check("XREADGROUP none left", rg("carol", 0, false, ">").Err(), redis.Nil)
	check("XREADGROUP g3", rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g3", Consumer: "x", Streams: []string{"q", ">"}, Block: noBlock}).Val(), qs(4, 5))
	check("XREADGROUP no group", rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "nogroup", Consumer: "x", Streams: []string{"q", ">"}, Block: noBlock}).Err(),
		"NOGROUP No such key 'q' or consumer group 'nogroup' in XREADGROUP with GROUP option")
	check("XREADGROUP no key", rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g1", Consumer: "x", Streams: []string{"nokey", ">"}, Block: noBlock}).Err(),
		"NOGROUP No such key 'nokey' or consumer group 'g1' in XREADGROUP with GROUP option")
	check("XPENDING", *rc.XPending(ctx, "q", "g1").Val(), redis.XPending{Count: 4, Lower: "1-0", Higher: "4-0", Consumers: map[string]int64{"alice": 2, "bob": 2}})

	// History: the consumer's own pending entries, after the ID given;
	// none is an empty list for the stream, not a null.
	check("XREADGROUP history", rg("alice", 0, false, "0").Val(), qs(1, 2))
	check("XREADGROUP history after", rg("bob", 0, false, "3").Val(), qs(4))
	check("XREADGROUP history COUNT", rg("bob", 1, false, "0").Val(), qs(3))
	check("XREADGROUP history none", rg("carol", 0, false, "0").Val(), []redis.XStream{{Stream: "q", Messages: []redis.XMessage{}}})
	check("XACK", rc.XAck(ctx, "q", "g1", "1-0", "9-0", "5-0").Val(), 1)
	check("XACK again", rc.XAck(ctx, "q", "g1", "1-0").Val(), 0)
	check("XACK no group", rc.XAck(ctx, "q", "nogroup", "1-0").Val(), 0)
	check("XREADGROUP history after XACK", rg("alice", 0, false, "0").Val(), qs(2))

	// XPENDING's extended form: delivery counts (each history read
	// counted), by consumer, by idle time. XCLAIM's IDLE sets the idle
	// time exactly.
	pe := func(idle time.Duration, start, end string, count int64, consumer string) []redis.XPendingExt {
		t.Helper()
		got, err := rc.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "q", Group: "g1", Idle: idle, Start: start, End: end, Count: count, Consumer: consumer}).Result()
		if err != nil {
			t.Fatalf("XPENDING: %v", err)
		}
		for i := range got {
			if got[i].Idle < 0 || got[i].Idle > time.Minute {
				t.Errorf("XPENDING %s idle %v", got[i].ID, got[i].Idle)
			}
			got[i].Idle = 0
		}
		return got
	}
	check("XPENDING extended", pe(0, "-", "+", 10, ""),
		[]redis.XPendingExt{{ID: "2-0", Consumer: "alice", RetryCount: 3}, {ID: "3-0", Consumer: "bob", RetryCount: 2}, {ID: "4-0", Consumer: "bob", RetryCount: 2}})
	check("XPENDING COUNT", pe(0, "-", "+", 1, ""), []redis.XPendingExt{{ID: "2-0", Consumer: "alice", RetryCount: 3}})
	check("XPENDING range", pe(0, "(2-0", "3", 10, ""), []redis.XPendingExt{{ID: "3-0", Consumer: "bob", RetryCount: 2}})
	check("XPENDING consumer", pe(0, "-", "+", 10, "alice"), []redis.XPendingExt{{ID: "2-0", Consumer: "alice", RetryCount: 3}})
	check("XPENDING no consumer", pe(0, "-", "+", 10, "zed"), []redis.XPendingExt{})
	check("XCLAIM IDLE JUSTID", rc.Do(ctx, "XCLAIM", "q", "g1", "bob", "0", "3-0", "IDLE", "3600000", "JUSTID").Val(), []any{"3-0"})
	got, err := rc.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "q", Group: "g1", Idle: 30 * time.Minute, Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(got) != 1 || got[0].ID != "3-0" || got[0].Consumer != "bob" || got[0].RetryCount != 2 ||
		got[0].Idle < time.Hour || got[0].Idle > time.Hour+time.Minute {
		t.Errorf("XPENDING IDLE 30 min: got %v, %v, want 3-0 of bob's, delivered twice, idle an hour", got, err)
	}

	// XCLAIM moves entries to another consumer and counts a delivery;
	// JUSTID does not count; too recent an entry stays.
	check("XCLAIM", rc.XClaim(ctx, &redis.XClaimArgs{Stream: "q", Group: "g1", Consumer: "dave", MinIdle: 0, Messages: []string{"4-0", "1-0"}}).Val(), q(4))
	check("XCLAIM JUSTID", rc.XClaimJustID(ctx, &redis.XClaimArgs{Stream: "q", Group: "g1", Consumer: "dave", MinIdle: 0, Messages: []string{"3-0"}}).Val(), []string{"3-0"})
	check("XCLAIM too recent", rc.XClaim(ctx, &redis.XClaimArgs{Stream: "q", Group: "g1", Consumer: "dave", MinIdle: time.Hour, Messages: []string{"2-0"}}).Val(), []redis.XMessage{})
	check("XPENDING after XCLAIM", pe(0, "-", "+", 10, ""),
		[]redis.XPendingExt{{ID: "2-0", Consumer: "alice", RetryCount: 3}, {ID: "3-0", Consumer: "dave", RetryCount: 2}, {ID: "4-0", Consumer: "dave", RetryCount: 3}})

	// XAUTOCLAIM walks the PEL from start: a cursor to go on from, 0-0
	// at the end.
	msgs, next, err := rc.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "q", Group: "g1", Consumer: "erin", MinIdle: 0, Start: "0", Count: 1}).Result()
	check("XAUTOCLAIM", fmt.Sprint(msgs, next, err), fmt.Sprint(q(2), "3-0", nil))
	ids, next, err := rc.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{Stream: "q", Group: "g1", Consumer: "erin", MinIdle: 0, Start: next, Count: 10}).Result()
	check("XAUTOCLAIM JUSTID", fmt.Sprint(ids, next, err), fmt.Sprint([]string{"3-0", "4-0"}, "0-0", nil))
	// Claiming nothing does not create the consumer.
	msgs, next, err = rc.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "q", Group: "g1", Consumer: "frank", MinIdle: time.Hour, Start: "-"}).Result()
	check("XAUTOCLAIM too recent", fmt.Sprint(msgs, next, err), fmt.Sprint([]redis.XMessage{}, "0-0", nil))
	check("XPENDING after XAUTOCLAIM", pe(0, "-", "+", 10, ""),
		[]redis.XPendingExt{{ID: "2-0", Consumer: "erin", RetryCount: 4}, {ID: "3-0", Consumer: "erin", RetryCount: 2}, {ID: "4-0", Consumer: "erin", RetryCount: 3}})

	// XAUTOCLAIM of entries deleted while pending: go-redis returns those
	// that exist (the deleted IDs, XAUTOCLAIM's third element, are
	// dropped by its parser but are there), and the deleted ones leave the
	// PEL.
	add(&redis.XAddArgs{Stream: "d", ID: "1", Values: []string{"n", "1"}})
	add(&redis.XAddArgs{Stream: "d", ID: "2", Values: []string{"n", "2"}})
	add(&redis.XAddArgs{Stream: "d", ID: "3", Values: []string{"n", "3"}})
	check("XGROUP CREATE d", rc.XGroupCreate(ctx, "d", "g", "0").Val(), "OK")
	check("XREADGROUP d", len(rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "crashed", Streams: []string{"d", ">"}, Block: noBlock}).Val()), 1)
	check("XDEL d", rc.XDel(ctx, "d", "1-0", "3-0").Val(), 2)
	msgs, next, err = rc.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "d", Group: "g", Consumer: "rescuer", MinIdle: 0, Start: "-", Count: 2}).Result()
	check("XAUTOCLAIM deleted", fmt.Sprint(msgs, next, err), fmt.Sprint([]redis.XMessage{strMsg("2-0", "n", "2")}, "3-0", nil))
	ids, next, err = rc.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{Stream: "d", Group: "g", Consumer: "rescuer", MinIdle: 0, Start: next}).Result()
	check("XAUTOCLAIM JUSTID deleted", fmt.Sprint(ids, next, err), fmt.Sprint([]string{}, "0-0", nil))
	check("XPENDING d", *rc.XPending(ctx, "d", "g").Val(), redis.XPending{Count: 1, Lower: "2-0", Higher: "2-0", Consumers: map[string]int64{"rescuer": 1}})
	add(&redis.XAddArgs{Stream: "d", ID: "4", Values: []string{"n", "4"}})
	check("XREADGROUP d again", len(rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "crashed", Streams: []string{"d", ">"}, Block: noBlock}).Val()), 1)
	check("XDEL d 4", rc.XDel(ctx, "d", "4-0").Val(), 1)
	check("XAUTOCLAIM raw", rc.Do(ctx, "XAUTOCLAIM", "d", "g", "rescuer", "0", "3").Val(), []any{"0-0", []any{}, []any{"4-0"}})
	check("XPENDING d after", rc.XPending(ctx, "d", "g").Val().Count, 1)

	// XINFO GROUPS and CONSUMERS.
	check("XINFO GROUPS", rc.XInfoGroups(ctx, "q").Val(), []redis.XInfoGroup{
		{Name: "g1", Consumers: 5, Pending: 3, LastDeliveredID: "5-0", EntriesRead: 5, Lag: 0},
		{Name: "g2", Consumers: 0, Pending: 0, LastDeliveredID: "0-0", EntriesRead: 0, Lag: 5},
		{Name: "g3", Consumers: 1, Pending: 2, LastDeliveredID: "5-0", EntriesRead: 5, Lag: 0},
	})
	consumers, err := rc.XInfoConsumers(ctx, "q", "g1").Result()
	var names []string
	for _, c := range consumers {
		names = append(names, fmt.Sprintf("%s:%d", c.Name, c.Pending))
		if c.Idle < 0 || c.Idle > time.Minute {
			t.Errorf("XINFO CONSUMERS %s idle %v", c.Name, c.Idle)
		}
	}
	check("XINFO CONSUMERS", fmt.Sprint(names, err), fmt.Sprint([]string{"alice:0", "bob:0", "carol:0", "dave:0", "erin:3"}, nil))
	check("XINFO CONSUMERS no group", rc.XInfoConsumers(ctx, "q", "nogroup").Err(), "NOGROUP No such consumer group 'nogroup' for key name 'q'")

	// XINFO STREAM FULL: entries, groups with their PEL and consumers.
	full, err := rc.XInfoStreamFull(ctx, "q", 0).Result()
	if err != nil {
		t.Fatalf("XINFO STREAM FULL: %v", err)
	}
	now := time.Now()
	recent := func(what string, tm time.Time) {
		t.Helper()
		if tm.Before(now.Add(-time.Minute)) || tm.After(now.Add(time.Minute)) {
			t.Errorf("XINFO STREAM FULL %s: %v, want about now (%v)", what, tm, now)
		}
	}
	check("FULL stream", fmt.Sprintln(full.Length, full.RadixTreeKeys, full.RadixTreeNodes, full.LastGeneratedID, full.MaxDeletedEntryID, full.EntriesAdded, full.RecordedFirstEntryID),
		"5 1 2 5-0 0-0 5 1-0\n")
	check("FULL entries", full.Entries, q(1, 2, 3, 4, 5))
	check("FULL groups", len(full.Groups), 3)
	if len(full.Groups) == 3 {
		g := full.Groups[0]
		check("FULL g1", fmt.Sprintln(g.Name, g.LastDeliveredID, g.EntriesRead, g.Lag, g.PelCount), "g1 5-0 5 0 3\n")
		var pel, cons []string
		for _, p := range g.Pending {
			pel = append(pel, fmt.Sprintf("%s:%s:%d", p.ID, p.Consumer, p.DeliveryCount))
			recent("delivery time", p.DeliveryTime)
		}
		check("FULL g1 PEL", pel, []string{"2-0:erin:4", "3-0:erin:2", "4-0:erin:3"})
		for _, c := range g.Consumers {
			s := fmt.Sprintf("%s:%d", c.Name, c.PelCount)
			for _, p := range c.Pending {
				s += fmt.Sprintf(":%s/%d", p.ID, p.DeliveryCount)
				recent("consumer delivery time", p.DeliveryTime)
			}
			recent("seen time", c.SeenTime)
			cons = append(cons, s)
		}
		check("FULL g1 consumers", cons, []string{"alice:0", "bob:0", "carol:0", "dave:0", "erin:3:2-0/4:3-0/2:4-0/3"})
		g = full.Groups[1]
		check("FULL g2", fmt.Sprintln(g.Name, g.LastDeliveredID, g.EntriesRead, g.Lag, g.PelCount, len(g.Pending), len(g.Consumers)), "g2 0-0 0 5 0 0 0\n")
	}
	full, err = rc.XInfoStreamFull(ctx, "q", 2).Result()
	if err != nil {
		t.Fatalf("XINFO STREAM FULL COUNT 2: %v", err)
	}
	check("FULL COUNT entries", full.Entries, q(1, 2))
	if len(full.Groups) == 3 {
		check("FULL COUNT PEL", len(full.Groups[0].Pending), 2)
	}

	// XGROUP DELCONSUMER answers how many entries it had pending, which
	// leave the PEL; XPENDING of none is 0 and nulls.
	check("XGROUP DELCONSUMER", rc.XGroupDelConsumer(ctx, "q", "g1", "erin").Val(), 3)
	check("XGROUP DELCONSUMER again", rc.XGroupDelConsumer(ctx, "q", "g1", "erin").Val(), 0)
	check("XPENDING none", *rc.XPending(ctx, "q", "g1").Val(), redis.XPending{Count: 0, Consumers: map[string]int64{}})
	check("XPENDING none raw", rc.Do(ctx, "XPENDING", "q", "g1").Val(), []any{int64(0), nil, nil, nil})

	// XGROUP SETID: back to the start, everything is new again.
	check("XGROUP SETID", rc.XGroupSetID(ctx, "q", "g1", "0").Val(), "OK")
	check("XREADGROUP after SETID", rg("alice", 0, false, ">").Val(), qs(1, 2, 3, 4, 5))
	check("XGROUP SETID $", rc.XGroupSetID(ctx, "q", "g1", "$").Val(), "OK")
	check("XREADGROUP after SETID $", rg("alice", 0, false, ">").Err(), redis.Nil)
	check("XGROUP SETID no group", rc.XGroupSetID(ctx, "q", "nogroup", "0").Err(), "NOGROUP No such consumer group 'nogroup' for key name 'q'")

	// XGROUP DESTROY.
	check("XGROUP DESTROY", rc.XGroupDestroy(ctx, "q", "g2").Val(), 1)
	check("XGROUP DESTROY again", rc.XGroupDestroy(ctx, "q", "g2").Val(), 0)
	check("XINFO STREAM groups", rc.XInfoStream(ctx, "q").Val().Groups, 2)

	// Other types.
	rc.Set(ctx, "str", "v", 0)
	check("XADD string", rc.XAdd(ctx, &redis.XAddArgs{Stream: "str", Values: []string{"f", "v"}}).Err(), listWrongType)
	check("XRANGE string", rc.XRange(ctx, "str", "-", "+").Err(), listWrongType)
	check("XREAD string", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"str", "0"}, Block: noBlock}).Err(), listWrongType)
	check("LPUSH stream", rc.LPush(ctx, "s", "x").Err(), listWrongType)
}

// TestStreamsGoRedisBlocking: go-redis's XRead and XReadGroup with
// Block, in both protocols: served by an XAdd from another connection of
// the pool, or redis.Nil after the timeout.
func TestStreamsGoRedisBlocking(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisStreamsBlocking(t, rc) })
		}
	}
}

func goRedisStreamsBlocking(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := listCheck(t)
	blocked := func(n int) {
		t.Helper()
		want := fmt.Sprintf("blocked_clients:%d\r\n", n)
		waitFor(t, func() bool { return strings.Contains(rc.Info(ctx, "clients").Val(), want) })
	}
	type result struct {
		v   []redis.XStream
		err error
	}
	start := func(n int, call func() ([]redis.XStream, error)) <-chan result {
		t.Helper()
		done := make(chan result, 1)
		go func() {
			v, err := call()
			done <- result{v, err}
		}()
		blocked(n)
		return done
	}
	await := func(done <-chan result) result {
		t.Helper()
		select {
		case r := <-done:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("the blocked call was not served")
			return result{}
		}
	}
	xadd := func(id string, kv ...string) {
		t.Helper()
		if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: id, Values: kv}).Err(); err != nil {
			t.Fatal(err)
		}
	}

	xadd("1-0", "f", "old")
	done := start(1, func() ([]redis.XStream, error) {
		return rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 0}).Result()
	})
	xadd("2-0", "f", "new")
	r := await(done)
	check("XREAD BLOCK 0", fmt.Sprint(r.v, r.err), fmt.Sprint([]redis.XStream{{Stream: "s", Messages: []redis.XMessage{strMsg("2-0", "f", "new")}}}, nil))

	check("XGROUP CREATE", rc.XGroupCreate(ctx, "s", "g", "$").Val(), "OK")
	first := start(1, func() ([]redis.XStream, error) {
		return rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Block: 10 * time.Second}).Result()
	})
	second := start(2, func() ([]redis.XStream, error) {
		return rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "b", Streams: []string{"s", ">"}, Block: 10 * time.Second}).Result()
	})
	xadd("3-0", "n", "3")
	r = await(first)
	check("XREADGROUP first", fmt.Sprint(r.v, r.err), fmt.Sprint([]redis.XStream{{Stream: "s", Messages: []redis.XMessage{strMsg("3-0", "n", "3")}}}, nil))
	blocked(1)
	xadd("4-0", "n", "4")
	r = await(second)
	check("XREADGROUP second", fmt.Sprint(r.v, r.err), fmt.Sprint([]redis.XStream{{Stream: "s", Messages: []redis.XMessage{strMsg("4-0", "n", "4")}}}, nil))
	check("XPENDING", *rc.XPending(ctx, "s", "g").Val(), redis.XPending{Count: 2, Lower: "3-0", Higher: "4-0", Consumers: map[string]int64{"a": 1, "b": 1}})

	started := time.Now()
	check("XREAD timeout", rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 100 * time.Millisecond}).Err(), redis.Nil)
	check("XREADGROUP timeout", rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Block: 100 * time.Millisecond}).Err(), redis.Nil)
	if took := time.Since(started); took < 196*time.Millisecond || took > 10*time.Second {
		t.Errorf("two 100 ms timeouts took %v", took)
	}
	blocked(0)
}

// ---- blocking reads, from other connections ----

// strEntry is one entry as XRANGE, XREAD and XCLAIM reply it: its ID,
// then its fields and values.
func strEntry(id string, kv ...string) string { return "*2\r\n" + blkBulk(id) + blkArray(kv...) }

// strStream is one stream of XREAD's reply: its name, then its entries
// (strEntry's).
func strStream(key string, entries ...string) string {
	return blkBulk(key) + "*" + strconv.Itoa(len(entries)) + "\r\n" + strings.Join(entries, "")
}

// strRead is XREAD's and XREADGROUP's reply for these streams
// (strStream's): an array of pairs in RESP2, a map in RESP3.
func strRead(resp3 bool, streams ...string) string {
	if resp3 {
		return "%" + strconv.Itoa(len(streams)) + "\r\n" + strings.Join(streams, "")
	}
	s := "*" + strconv.Itoa(len(streams)) + "\r\n"
	for _, st := range streams {
		s += "*2\r\n" + st
	}
	return s
}

// strNull is the null a blocking read times out with.
func strNull(resp3 bool) string {
	if resp3 {
		return "_\r\n"
	}
	return "*-1\r\n"
}

// strNoPending is XPENDING's summary of a group with nothing pending
// (RESP2).
const strNoPending = "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"

// strPendingSummary is XPENDING's summary (RESP2): the count, the
// smallest and greatest IDs, then consumer names and counts in pairs.
func strPendingSummary(count int, lo, hi string, consumers ...string) string {
	s := "*4\r\n:" + strconv.Itoa(count) + "\r\n" + blkBulk(lo) + blkBulk(hi) + "*" + strconv.Itoa(len(consumers)/2) + "\r\n"
	for i := 0; i+1 < len(consumers); i += 2 {
		s += "*2\r\n" + blkBulk(consumers[i]) + blkBulk(consumers[i+1])
	}
	return s
}

// strPendingEntry is one entry of XPENDING's extended form.
type strPendingEntry struct {
	id, consumer string
	idle         time.Duration
	deliveries   string
}

// strPending sends XPENDING's extended form (args after XPENDING, RESP2)
// and returns its entries.
func strPending(t *testing.T, c *blkConn, args ...string) []strPendingEntry {
	t.Helper()
	reply := c.get(append([]string{"XPENDING"}, args...)...)
	v, err := rwReadValue(bufio.NewReader(strings.NewReader(reply)))
	if err != nil || v.kind != '*' {
		t.Fatalf("XPENDING %s: %q (%v)", strings.Join(args, " "), reply, err)
	}
	var out []strPendingEntry
	for _, e := range v.elems {
		if len(e.elems) != 4 || e.elems[2].kind != ':' || e.elems[3].kind != ':' {
			t.Fatalf("XPENDING %s: %q", strings.Join(args, " "), reply)
		}
		idle, _ := strconv.ParseInt(e.elems[2].str, 10, 64)
		out = append(out, strPendingEntry{e.elems[0].str, e.elems[1].str, time.Duration(idle) * time.Millisecond, e.elems[3].str})
	}
	return out
}

// strPEL returns XPENDING key group - + 100 [consumer] as
// "id:consumer:deliveries" strings; the idle times must be at least
// minIdle and under a minute more.
func strPEL(t *testing.T, c *blkConn, key, group, consumer string, minIdle time.Duration) []string {
	t.Helper()
	args := []string{key, group, "-", "+", "100"}
	if consumer != "" {
		args = append(args, consumer)
	}
	out := []string{}
	for _, e := range strPending(t, c, args...) {
		if e.idle < minIdle || e.idle > minIdle+time.Minute {
			t.Errorf("XPENDING %s: %s idle %v, want %v or a little more", strings.Join(args, " "), e.id, e.idle, minIdle)
		}
		out = append(out, e.id+":"+e.consumer+":"+e.deliveries)
	}
	return out
}

// TestStreamBlockingXRead: XREAD BLOCK is served by an XADD from another
// connection, with exactly the entries after the ID it waits for; `$`
// is the stream's last ID when the client blocks, not when it is
// served; an ID with entries after it answers at once; of several
// streams the reply has those that got entries.
func TestStreamBlockingXRead(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		for _, resp3 := range []bool{false, true} {
			ctl.call("+OK\r\n", "FLUSHALL")
			w := blkDial(t, addr, resp3)

			blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
			w.expect(strRead(resp3, strStream("s", strEntry("1-0", "f", "v"))))
			blkWaitBlocked(t, ctl, 0)

			ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "before")
			blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			ctl.call(blkBulk("3-0"), "XADD", "s", "3-0", "f", "after", "g", "x")
			w.expect(strRead(resp3, strStream("s", strEntry("3-0", "f", "after", "g", "x"))))

			// Entries after the ID: at once, BLOCK or not.
			w.call(strRead(resp3, strStream("s", strEntry("2-0", "f", "before"), strEntry("3-0", "f", "after", "g", "x"))),
				"XREAD", "BLOCK", "0", "STREAMS", "s", "1-0")
			w.call(strRead(resp3, strStream("s", strEntry("2-0", "f", "before"))),
				"XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "nokey", "s", "0", "1-0")

			// None after the ID: it waits, here on a key that does not
			// exist yet and on one that has nothing new.
			blkBlock(t, ctl, w, 1, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "nokey", "s", "0", "3-0")
			ctl.call("+OK\r\n", "SET", "other", "v")
			ctl.call(blkBulk("5-0"), "XADD", "nokey", "5-0", "a", "b")
			w.expect(strRead(resp3, strStream("nokey", strEntry("5-0", "a", "b"))))

			blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "t", "$", "$")
			ctl.call(blkBulk("1-1"), "XADD", "t", "1-1", "x", "y")
			w.expect(strRead(resp3, strStream("t", strEntry("1-1", "x", "y"))))

			// An entry in the same key of another database does not serve
			// it; the waiter's database does.
			blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			ctl.call("+OK\r\n", "SELECT", "1")
			ctl.call(blkBulk("9-0"), "XADD", "s", "9-0", "db", "1")
			w.silent(100 * time.Millisecond)
			ctl.call("+OK\r\n", "SELECT", "0")
			ctl.call(blkBulk("4-0"), "XADD", "s", "4-0", "db", "0")
			w.expect(strRead(resp3, strStream("s", strEntry("4-0", "db", "0"))))
			ctl.call(":4\r\n", "XLEN", "s")
			w.call("+PONG\r\n", "PING")
		}
	})
}

// TestStreamBlockingXReadAll: XREAD is not a pop: every client blocked
// on the stream gets the new entry, whatever ID each waits after, and
// the entry stays.
func TestStreamBlockingXReadAll(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "old")
		w := []*blkConn{blkDial(t, addr, false), blkDial(t, addr, true), blkDial(t, addr, false)}
		blkBlock(t, ctl, w[0], 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		blkBlock(t, ctl, w[1], 2, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		blkBlock(t, ctl, w[2], 3, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "s", "$", "1-0")
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "new")
		entry := strStream("s", strEntry("2-0", "f", "new"))
		w[0].expect(strRead(false, entry))
		w[1].expect(strRead(true, entry))
		w[2].expect(strRead(false, entry))
		blkWaitBlocked(t, ctl, 0)
		ctl.call(":2\r\n", "XLEN", "s")
	})
}

// TestStreamBlockingXReadGroup: consumers blocked in XREADGROUP with `>`
// share new entries: each entry goes to exactly one waiting consumer, in
// the order they blocked (one that blocks again goes to the back), and
// is pending for that consumer only. Consumers of another group get the
// same entries. NOACK leaves nothing pending.
func TestStreamBlockingXReadGroup(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		c := []*blkConn{blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, true)}
		read := func(i int, n int, extra ...string) {
			t.Helper()
			args := append([]string{"XREADGROUP", "GROUP", "g", "c" + strconv.Itoa(i), "BLOCK", "0"}, extra...)
			blkBlock(t, ctl, c[i], n, append(args, "STREAMS", "s", ">")...)
		}
		got := func(i int, entries ...string) {
			t.Helper()
			c[i].expect(strRead(i == 2, strStream("s", entries...)))
		}
		for i := range c {
			read(i, i+1)
		}
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "n", "1")
		got(0, strEntry("1-0", "n", "1"))
		c[1].silent(100 * time.Millisecond)
		c[2].silent(0)
		blkWaitBlocked(t, ctl, 2)
		ctl.call(strPendingSummary(1, "1-0", "1-0", "c0", "1"), "XPENDING", "s", "g")

		read(0, 3) // behind c1 and c2 now
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "n", "2")
		got(1, strEntry("2-0", "n", "2"))
		ctl.call(blkBulk("3-0"), "XADD", "s", "3-0", "n", "3")
		got(2, strEntry("3-0", "n", "3"))
		ctl.call(blkBulk("4-0"), "XADD", "s", "4-0", "n", "4")
		got(0, strEntry("4-0", "n", "4"))
		blkWaitBlocked(t, ctl, 0)
		ctl.call(strPendingSummary(4, "1-0", "4-0", "c0", "2", "c1", "1", "c2", "1"), "XPENDING", "s", "g")
		for i, want := range [][]string{{"1-0:c0:1", "4-0:c0:1"}, {"2-0:c1:1"}, {"3-0:c2:1"}} {
			if got := strPEL(t, ctl, "s", "g", "c"+strconv.Itoa(i), 0); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("c%d's pending entries: got %v, want %v", i, got, want)
			}
		}

		// One transaction adds two entries: the first waiter, COUNT 1,
		// gets the first, the second waiter the other.
		read(0, 1, "COUNT", "1")
		read(1, 2)
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "XADD", "s", "5-0", "n", "5")
		ctl.call("+QUEUED\r\n", "XADD", "s", "6-0", "n", "6")
		ctl.call("*2\r\n"+blkBulk("5-0")+blkBulk("6-0"), "EXEC")
		got(0, strEntry("5-0", "n", "5"))
		got(1, strEntry("6-0", "n", "6"))
		blkWaitBlocked(t, ctl, 0)

		// Another group's consumer gets the same entry as this group's;
		// NOACK leaves it unpending.
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "other", "$")
		o := blkDial(t, addr, false)
		read(0, 1, "NOACK")
		blkBlock(t, ctl, o, 2, "XREADGROUP", "GROUP", "other", "x", "BLOCK", "0", "STREAMS", "s", ">")
		ctl.call(blkBulk("7-0"), "XADD", "s", "7-0", "n", "7")
		got(0, strEntry("7-0", "n", "7"))
		o.expect(strRead(false, strStream("s", strEntry("7-0", "n", "7"))))
		ctl.call(strPendingSummary(6, "1-0", "6-0", "c0", "3", "c1", "2", "c2", "1"), "XPENDING", "s", "g")
		ctl.call(strPendingSummary(1, "7-0", "7-0", "x", "1"), "XPENDING", "s", "other")
	})
}

// TestStreamBlockingServedAtExec: entries added inside MULTI serve a
// waiter once, at EXEC, with all of them; an entry added and deleted
// again in the transaction still wakes an XREAD waiter, with no entries.
func TestStreamBlockingServedAtExec(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		w := blkDial(t, addr, false)
		multi := func(want string, cmds ...[]string) {
			t.Helper()
			ctl.call("+OK\r\n", "MULTI")
			for _, cmd := range cmds {
				ctl.call("+QUEUED\r\n", cmd...)
			}
			w.silent(100 * time.Millisecond)
			ctl.call(want, "EXEC")
		}

		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		multi("*2\r\n"+blkBulk("1-0")+blkBulk("2-0"), []string{"XADD", "s", "1-0", "n", "1"}, []string{"XADD", "s", "2-0", "n", "2"})
		w.expect(strRead(false, strStream("s", strEntry("1-0", "n", "1"), strEntry("2-0", "n", "2"))))
		w.silent(100 * time.Millisecond)
		blkWaitBlocked(t, ctl, 0)

		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$")
		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		multi("*2\r\n"+blkBulk("3-0")+blkBulk("4-0"), []string{"XADD", "s", "3-0", "n", "3"}, []string{"XADD", "s", "4-0", "n", "4"})
		w.expect(strRead(false, strStream("s", strEntry("3-0", "n", "3"), strEntry("4-0", "n", "4"))))
		w.silent(100 * time.Millisecond)
		ctl.call(strPendingSummary(2, "3-0", "4-0", "c", "2"), "XPENDING", "s", "g")

		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		multi("*2\r\n"+blkBulk("5-0")+":1\r\n", []string{"XADD", "s", "5-0", "n", "5"}, []string{"XDEL", "s", "5-0"})
		w.expect(strRead(false, strStream("s")))
		blkWaitBlocked(t, ctl, 0)
		w.call("+PONG\r\n", "PING")
	})
}

// TestStreamBlockingTimeout: XREAD and XREADGROUP BLOCK 100 reply a null
// after 100 ms, never before: *-1 in RESP2, _ in RESP3. A waiter served
// in time gets no late reply.
func TestStreamBlockingTimeout(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		for _, resp3 := range []bool{false, true} {
			c := blkDial(t, addr, resp3)
			for _, cmd := range [][]string{
				{"XREAD", "BLOCK", "100", "STREAMS", "s", "$"},
				{"XREAD", "COUNT", "3", "BLOCK", "100", "STREAMS", "nokey", "s", "0", "$"},
				{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", "s", ">"},
				{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "100", "NOACK", "STREAMS", "s", ">"},
			} {
				start := time.Now()
				c.send(cmd...)
				got := c.read()
				took := time.Since(start)
				if got != strNull(resp3) {
					t.Errorf("resp3=%v %s: got %q, want %q", resp3, strings.Join(cmd, " "), got, strNull(resp3))
				}
				// Redis's clock has millisecond resolution: allow 2 ms.
				if took < 98*time.Millisecond || took > 5*time.Second {
					t.Errorf("resp3=%v %s: replied after %v, want 100 ms (up to 5 s on a busy machine)",
						resp3, strings.Join(cmd, " "), took)
				}
				c.call("+PONG\r\n", "PING")
			}
		}
		ctl.call(":0\r\n", "EXISTS", "nokey")

		w := blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "300", "STREAMS", "s", ">")
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		w.expect(strRead(false, strStream("s", strEntry("1-0", "f", "v"))))
		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "300", "STREAMS", "s", "$")
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "v")
		w.expect(strRead(false, strStream("s", strEntry("2-0", "f", "v"))))
		time.Sleep(500 * time.Millisecond)
		w.call("+PONG\r\n", "PING")
		blkWaitBlocked(t, ctl, 0)
	})
}

// TestStreamBlockingEdges: what a blocking read does in the corners, as
// redis-server 7.0.15 does: in MULTI it does not block (a null); with a
// history ID, a wrong type, a missing group or a negative timeout it
// answers at once; served at EXEC it gets COUNT entries, from the first
// of its streams written; an XREADGROUP waiter on two streams is served
// from the one written, and only then is its consumer made.
func TestStreamBlockingEdges(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)

		w.call("+OK\r\n", "MULTI")
		w.call("+QUEUED\r\n", "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		w.call("+QUEUED\r\n", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		w.call("*2\r\n*-1\r\n-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n", "EXEC")
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		w.call("+OK\r\n", "MULTI")
		w.call("+QUEUED\r\n", "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		w.call("+QUEUED\r\n", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		w.call("*2\r\n*-1\r\n*-1\r\n", "EXEC")

		w.call(strRead(false, strStream("s")), "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "0")
		w.call("-ERR timeout is negative\r\n", "XREAD", "BLOCK", "-1", "STREAMS", "s", "$")
		ctl.call("+OK\r\n", "SET", "str", "v")
		w.call(blkWrongType, "XREAD", "BLOCK", "0", "STREAMS", "str", "$")
		w.call(blkWrongType, "XREAD", "BLOCK", "0", "STREAMS", "s", "str", "$", "$")
		w.call("-NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option\r\n",
			"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "nokey", ">")
		blkWaitBlocked(t, ctl, 0)

		blkBlock(t, ctl, w, 1, "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "$")
		ctl.call("+OK\r\n", "MULTI")
		for i := 1; i <= 3; i++ {
			ctl.call("+QUEUED\r\n", "XADD", "s", strconv.Itoa(i)+"-0", "n", strconv.Itoa(i))
		}
		ctl.call("*3\r\n"+blkBulk("1-0")+blkBulk("2-0")+blkBulk("3-0"), "EXEC")
		w.expect(strRead(false, strStream("s", strEntry("1-0", "n", "1"), strEntry("2-0", "n", "2"))))

		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "t", "$", "$")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "XADD", "t", "1-0", "a", "b")
		ctl.call("+QUEUED\r\n", "XADD", "s", "4-0", "c", "d")
		ctl.call("*2\r\n"+blkBulk("1-0")+blkBulk("4-0"), "EXEC")
		w.expect(strRead(false, strStream("t", strEntry("1-0", "a", "b"))))

		// Added and trimmed away in one transaction: woken with nothing.
		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "XADD", "s", "7-0", "n", "7")
		ctl.call("+QUEUED\r\n", "XADD", "s", "MAXLEN", "0", "8-0", "n", "8")
		ctl.call("*2\r\n"+blkBulk("7-0")+blkBulk("8-0"), "EXEC")
		w.expect(strRead(false, strStream("s")))

		ctl.call("+OK\r\n", "XGROUP", "CREATE", "t", "g", "$")
		ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "$")
		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "new", "BLOCK", "0", "STREAMS", "s", "t", ">", ">")
		ctl.call("*0\r\n", "XINFO", "CONSUMERS", "t", "g")
		ctl.call(blkBulk("5-0"), "XADD", "t", "5-0", "x", "y")
		w.expect(strRead(false, strStream("t", strEntry("5-0", "x", "y"))))
		if got := strPEL(t, ctl, "t", "g", "", 0); fmt.Sprint(got) != "[5-0:new:1]" {
			t.Errorf("XPENDING t g: %v, want [5-0:new:1]", got)
		}
		// Not made in the other stream's group (CREATECONSUMER makes it).
		ctl.call(":1\r\n", "XGROUP", "CREATECONSUMER", "s", "g", "new")
		ctl.call(":0\r\n", "XGROUP", "CREATECONSUMER", "t", "g", "new")
		blkWaitBlocked(t, ctl, 0)
	})
}

// TestStreamBlockingFutureID: a client waiting for entries after an ID
// in the future is not served by smaller IDs, `*` included, only by one
// after it.
func TestStreamBlockingFutureID(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "99999999999999-0")
		if got := ctl.get("XADD", "s", "*", "n", "1"); !strings.HasPrefix(got, "$") {
			t.Fatalf("XADD *: %q", got)
		}
		ctl.call(blkBulk("99999999999999-0"), "XADD", "s", "99999999999999-0", "n", "2")
		w.silent(100 * time.Millisecond)
		blkWaitBlocked(t, ctl, 1)
		ctl.call(blkBulk("99999999999999-1"), "XADD", "s", "*", "n", "3")
		w.expect(strRead(false, strStream("s", strEntry("99999999999999-1", "n", "3"))))
	})
}

// TestStreamBlockingPipelined: commands pipelined behind a waiting XREAD
// wait for it, then run in order; the XREADGROUP behind it reads the
// entry that is new to its group.
func TestStreamBlockingPipelined(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		w.rawConn.send(rwCmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$") + rwCmd("PING") + rwCmd("XLEN", "s") +
			rwCmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"))
		blkWaitBlocked(t, ctl, 1)
		w.silent(100 * time.Millisecond)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "n", "1")
		entry := strRead(false, strStream("s", strEntry("1-0", "n", "1")))
		w.expect(entry)
		w.expect("+PONG\r\n")
		w.expect(":1\r\n")
		w.expect(entry)
		blkWaitBlocked(t, ctl, 0)
	})
}

// TestStreamBlockingClientGone: a consumer that disconnects while
// blocked never takes an entry: the next XADD leaves it undelivered (no
// pending entry, the group's last-delivered-id unmoved) for the next
// consumer to read; of two waiters, the one left gets it.
func TestStreamBlockingClientGone(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		w := blkDial(t, addr, false)
		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "gone", "BLOCK", "0", "STREAMS", "s", ">")
		w.nc.Close()
		blkWaitBlocked(t, ctl, 0)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		ctl.call(strNoPending, "XPENDING", "s", "g")
		if got := strPEL(t, ctl, "s", "g", "gone", 0); len(got) != 0 {
			t.Errorf("XPENDING for the consumer gone: %v", got)
		}
		// Blocking made no consumer (Redis makes it when it serves one).
		ctl.call("*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n"+
			"$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n", "XINFO", "GROUPS", "s")
		ctl.call(strRead(false, strStream("s", strEntry("1-0", "f", "v"))), "XREADGROUP", "GROUP", "g", "next", "STREAMS", "s", ">")
		ctl.call(strPendingSummary(1, "1-0", "1-0", "next", "1"), "XPENDING", "s", "g")

		w1, w2 := blkDial(t, addr, false), blkDial(t, addr, false)
		blkBlock(t, ctl, w1, 1, "XREADGROUP", "GROUP", "g", "w1", "BLOCK", "0", "STREAMS", "s", ">")
		blkBlock(t, ctl, w2, 2, "XREADGROUP", "GROUP", "g", "w2", "BLOCK", "0", "STREAMS", "s", ">")
		w1.nc.Close()
		blkWaitBlocked(t, ctl, 1)
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "v")
		w2.expect(strRead(false, strStream("s", strEntry("2-0", "f", "v"))))
		ctl.call(strPendingSummary(2, "1-0", "2-0", "next", "1", "w2", "1"), "XPENDING", "s", "g")

		// An XREAD waiter gone: nothing to leave behind, nothing breaks.
		w3 := blkDial(t, addr, false)
		blkBlock(t, ctl, w3, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		w3.nc.Close()
		blkWaitBlocked(t, ctl, 0)
		ctl.call(blkBulk("3-0"), "XADD", "s", "3-0", "f", "v")
		ctl.call(":3\r\n", "XLEN", "s")
	})
}

// TestStreamBlockingClientUnblock: CLIENT UNBLOCK ends an XREAD or
// XREADGROUP wait as a timeout (the null) or, with ERROR, with the
// UNBLOCKED error; the client is no longer a waiter: a later XADD is not
// sent to it, nor pending for it.
func TestStreamBlockingClientUnblock(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		next := 1
		for _, resp3 := range []bool{false, true} {
			w := blkDial(t, addr, resp3)
			id := w.id()
			for _, c := range []struct {
				cmd    []string
				reason []string
				want   string
			}{
				{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, nil, strNull(resp3)},
				{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, []string{"TIMEOUT"}, strNull(resp3)},
				{[]string{"XREAD", "BLOCK", "10000", "STREAMS", "s", "$"}, []string{"ERROR"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
				{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, []string{"timeout"}, strNull(resp3)},
				{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, []string{"error"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
			} {
				ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "$")
				blkBlock(t, ctl, w, 1, c.cmd...)
				ctl.call(":1\r\n", append([]string{"CLIENT", "UNBLOCK", id}, c.reason...)...)
				w.expect(c.want)
				blkWaitBlocked(t, ctl, 0)
				eid := strconv.Itoa(next) + "-0"
				next++
				ctl.call(blkBulk(eid), "XADD", "s", eid, "f", "v")
				w.silent(50 * time.Millisecond)
				w.call("+PONG\r\n", "PING")
				ctl.call(strNoPending, "XPENDING", "s", "g")
				ctl.call(":0\r\n", "CLIENT", "UNBLOCK", id)
			}
		}
	})
}

// TestStreamBlockingClientPause: under CLIENT PAUSE WRITE the XADD that
// would serve stream waiters is held, and so is XREADGROUP (a write); an
// XREAD waits as usual. INFO counts all three in blocked_clients. CLIENT
// UNPAUSE runs the held commands in order: both readers get the entry.
func TestStreamBlockingClientPause(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		r, g, p := blkDial(t, addr, false), blkDial(t, addr, true), blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		ctl.call("+OK\r\n", "CLIENT", "PAUSE", "60000", "WRITE")
		blkBlock(t, ctl, r, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		blkBlock(t, ctl, g, 2, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		blkBlock(t, ctl, p, 3, "XADD", "s", "1-0", "n", "1")
		p.silent(100 * time.Millisecond)
		ctl.call(":0\r\n", "XLEN", "s")
		ctl.call("+OK\r\n", "CLIENT", "UNPAUSE")
		p.expect(blkBulk("1-0"))
		entry := strStream("s", strEntry("1-0", "n", "1"))
		r.expect(strRead(false, entry))
		g.expect(strRead(true, entry))
		blkWaitBlocked(t, ctl, 0)
		ctl.call(strPendingSummary(1, "1-0", "1-0", "c", "1"), "XPENDING", "s", "g")
	})
}

// TestStreamBlockingNotifications: the keyspace events around a waiting
// XREADGROUP, as redis-server 7.0.15 sends them: none when it blocks,
// nor when its BLOCK runs out; served, xadd and then
// xgroup-createconsumer (the consumer is made as it is served), and for
// a consumer that exists, xadd alone.
func TestStreamBlockingNotifications(t *testing.T) {
	event := func(name string) string {
		return "*4\r\n" + blkBulk("pmessage") + blkBulk("__keyevent@0__:*") + blkBulk("__keyevent@0__:"+name) + blkBulk("s")
	}
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w, sub := blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		ctl.call("+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "KEA")
		sub.call("*3\r\n"+blkBulk("psubscribe")+blkBulk("__keyevent@0__:*")+":1\r\n", "PSUBSCRIBE", "__keyevent@0__:*")

		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		sub.silent(100 * time.Millisecond)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		w.expect(strRead(false, strStream("s", strEntry("1-0", "f", "v"))))
		sub.expect(event("xadd"))
		sub.expect(event("xgroup-createconsumer"))

		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "v")
		w.expect(strRead(false, strStream("s", strEntry("2-0", "f", "v"))))
		sub.expect(event("xadd"))
		sub.silent(100 * time.Millisecond)

		w.call("*-1\r\n", "XREADGROUP", "GROUP", "g", "late", "BLOCK", "50", "STREAMS", "s", ">")
		sub.silent(100 * time.Millisecond)
	})
}

// TestStreamBlockingCommandStats: INFO commandstats counts a blocking
// read once, whether it answers at once, is served later, times out or
// ends in an error (a failed call, in errorstats too), as redis-server
// 7.0.15 does. (CLIENT UNBLOCK is left out: Redis 7.0 counts the calls
// it ends as failed, even with TIMEOUT.)
func TestStreamBlockingCommandStats(t *testing.T) {
	usec := regexp.MustCompile(`usec=[0-9]+,usec_per_call=[0-9.]+,`)
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		ctl.call("+OK\r\n", "CONFIG", "RESETSTAT")
		group := []string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}

		blkBlock(t, ctl, w, 1, group...)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		w.read()
		w.call("*-1\r\n", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">")
		blkBlock(t, ctl, w, 1, group...)
		ctl.call(":1\r\n", "XGROUP", "DESTROY", "s", "g")
		w.expect("-NOGROUP the consumer group this client was blocked on no longer exists\r\n")
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$")
		blkBlock(t, ctl, w, 1, group...)
		ctl.call(":1\r\n", "DEL", "s")
		w.expect("-UNBLOCKED the stream key no longer exists\r\n")
		w.call("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n", group...)

		blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		w.read()
		w.call("*-1\r\n", "XREAD", "BLOCK", "10", "STREAMS", "s", "$")
		w.call(strRead(false, strStream("s", strEntry("1-0", "f", "v"))), "XREAD", "BLOCK", "0", "STREAMS", "s", "0")

		var got []string
		for _, section := range []string{"commandstats", "errorstats"} {
			for _, l := range strings.Split(ctl.get("INFO", section), "\r\n") {
				if strings.HasPrefix(l, "cmdstat_xread") || strings.HasPrefix(l, "errorstat_") {
					got = append(got, usec.ReplaceAllString(l, ""))
				}
			}
		}
		sort.Strings(got)
		want := []string{
			"cmdstat_xread:calls=3,rejected_calls=0,failed_calls=0",
			"cmdstat_xreadgroup:calls=5,rejected_calls=0,failed_calls=3",
			"errorstat_NOGROUP:count=2",
			"errorstat_UNBLOCKED:count=1",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("INFO commandstats and errorstats:\ngot  %q\nwant %q", got, want)
		}
	})
}

// TestStreamBlockingTimeoutTable: INFO clients' clients_in_timeout_table
// counts the waiters with a timeout (BLOCK n > 0), not those with BLOCK
// 0, until they are served, as redis-server 7.0.15.
func TestStreamBlockingTimeoutTable(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		w := []*blkConn{blkDial(t, addr, false), blkDial(t, addr, false), blkDial(t, addr, false)}
		blkBlock(t, ctl, w[0], 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		blkBlock(t, ctl, w[1], 2, "XREAD", "BLOCK", "100000", "STREAMS", "s", "$")
		blkBlock(t, ctl, w[2], 3, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "100000", "STREAMS", "s", ">")
		if got := blkInfo(ctl, "clients", "clients_in_timeout_table"); got != "2" {
			t.Errorf("clients_in_timeout_table: %s, want 2", got)
		}
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
		for _, c := range w {
			c.read()
		}
		blkWaitBlocked(t, ctl, 0)
		if got := blkInfo(ctl, "clients", "clients_in_timeout_table"); got != "0" {
			t.Errorf("clients_in_timeout_table once served: %s, want 0", got)
		}
	})
}

// TestStreamBlockingIntrospection: CLIENT LIST shows a stream waiter
// with flags=b and its command, INFO clients counts it.
func TestStreamBlockingIntrospection(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		w := blkDial(t, addr, false)
		w.call("+OK\r\n", "CLIENT", "SETNAME", "waiter")
		line := func() string {
			t.Helper()
			for _, l := range strings.Split(ctl.get("CLIENT", "LIST"), "\n") {
				if strings.Contains(l, " name=waiter ") {
					return l
				}
			}
			t.Fatal("CLIENT LIST has no name=waiter")
			return ""
		}
		for i, c := range []struct {
			cmd  []string
			name string
		}{
			{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, "xread"},
			{[]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, "xreadgroup"},
		} {
			ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "$")
			blkBlock(t, ctl, w, 1, c.cmd...)
			if l := line(); !strings.Contains(l, " flags=b ") || !strings.Contains(l, " cmd="+c.name+" ") {
				t.Errorf("%s blocked: CLIENT LIST line %q, want flags=b and cmd=%s", c.name, l, c.name)
			}
			id := strconv.Itoa(i+1) + "-0"
			ctl.call(blkBulk(id), "XADD", "s", id, "f", "v")
			w.expect(strRead(false, strStream("s", strEntry(id, "f", "v"))))
			if l := line(); !strings.Contains(l, " flags=N ") || !strings.Contains(l, " cmd="+c.name+" ") {
				t.Errorf("%s served: CLIENT LIST line %q, want flags=N and cmd=%s", c.name, l, c.name)
			}
			if got := blkInfo(ctl, "clients", "blocked_clients"); got != "0" {
				t.Errorf("%s served: blocked_clients:%s, want 0", c.name, got)
			}
		}
	})
}

// ---- a waiter's key or group changing under it ----

// TestStreamBlockingGroupGone: an XREADGROUP waiter whose group is
// destroyed, or whose stream is deleted (DEL, overwritten by SET,
// FLUSHALL, RENAME, SWAPDB, expired), is unblocked with an error, as
// Redis 7.0.15 answers; an XREAD waiter on a deleted stream keeps
// waiting, for an ID after the one it waited for, and is served once
// the key is a stream with such an entry.
func TestStreamBlockingGroupGone(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, resp3 := range []bool{false, true} {
			for _, c := range []struct{ cmd, reply, want string }{
				{"XGROUP DESTROY s g", ":1\r\n", "-NOGROUP the consumer group this client was blocked on no longer exists\r\n"},
				{"DEL s", ":1\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				{"SET s v", "+OK\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				{"FLUSHALL", "+OK\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				{"RENAME s s2", "+OK\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				{"SWAPDB 0 1", "+OK\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				{"EXPIRE s 0", ":1\r\n", "-UNBLOCKED the stream key no longer exists\r\n"},
				// Trimmed to nothing, the stream and its group stay.
				{"XTRIM s MAXLEN 0", ":1\r\n", ""},
			} {
				t.Run(fmt.Sprintf("resp3=%v/%s", resp3, c.cmd), func(t *testing.T) {
					ctl, w := blkDial(t, addr, false), blkDial(t, addr, resp3)
					ctl.call("+OK\r\n", "FLUSHALL")
					ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
					ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
					ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "$")
					blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
					ctl.call(c.reply, strings.Fields(c.cmd)...)
					if c.want != "" {
						w.expect(c.want)
					} else {
						w.silent(100 * time.Millisecond)
						ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "v")
						w.expect(strRead(resp3, strStream("s", strEntry("2-0", "f", "v"))))
					}
					blkWaitBlocked(t, ctl, 0)
					w.call("+PONG\r\n", "PING")
				})
			}
			t.Run(fmt.Sprintf("resp3=%v/XREAD", resp3), func(t *testing.T) {
				ctl, w := blkDial(t, addr, false), blkDial(t, addr, resp3)
				ctl.call("+OK\r\n", "FLUSHALL")
				blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
				ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
				w.expect(strRead(resp3, strStream("s", strEntry("1-0", "f", "v"))))
				blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
				ctl.call(":1\r\n", "DEL", "s")
				w.silent(100 * time.Millisecond)
				blkWaitBlocked(t, ctl, 1)
				// It waits for an ID after the one $ stood for, in the new
				// stream too.
				ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "again")
				w.silent(100 * time.Millisecond)
				ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "f", "new")
				w.expect(strRead(resp3, strStream("s", strEntry("2-0", "f", "new"))))
			})
		}
	})
}

// TestStreamBlockingKeyReplaced: an XREADGROUP waiter whose stream is
// moved away or unlinked gets UNBLOCKED; replaced by COPY ... REPLACE or
// RESTORE ... REPLACE, it is served from the new stream if that has its
// group (entries after the group's last ID there), else gets NOGROUP; an
// XADD that MAXLEN 0 trims away at once serves it an empty list. Other
// group changes (another group, its consumer created or deleted) leave
// it waiting. As in redis-server 7.0.15.
func TestStreamBlockingKeyReplaced(t *testing.T) {
	const unblocked = "-UNBLOCKED the stream key no longer exists\r\n"
	served := strRead(false, strStream("s", strEntry("7-0", "o", "o")))
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, c := range []struct {
			cmd, reply, want string // want "" is still waiting
		}{
			{"MOVE s 1", ":1\r\n", unblocked},
			{"UNLINK s", ":1\r\n", unblocked},
			{"COPY other s REPLACE", ":1\r\n", "-NOGROUP the consumer group this client was blocked on no longer exists\r\n"},
			{"COPY othergroup s REPLACE", ":1\r\n", served},
			{"RESTORE", "+OK\r\n", served},
			{"XADD s MAXLEN 0 5-0 n 5", blkBulk("5-0"), strRead(false, strStream("s"))},
			{"GETDEL s", blkWrongType, ""},
			{"XGROUP CREATE s g2 0", "+OK\r\n", ""},
			{"XGROUP CREATECONSUMER s g c", ":1\r\n", ""},
			{"XGROUP DELCONSUMER s g c", ":0\r\n", ""},
		} {
			t.Run(c.cmd, func(t *testing.T) {
				ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
				ctl.call("+OK\r\n", "FLUSHALL")
				ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
				ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "f", "v")
				ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "$")
				ctl.call(blkBulk("7-0"), "XADD", "other", "7-0", "o", "o")
				ctl.call(blkBulk("7-0"), "XADD", "othergroup", "7-0", "o", "o")
				ctl.call("+OK\r\n", "XGROUP", "CREATE", "othergroup", "g", "0")
				cmd := strings.Fields(c.cmd)
				if c.cmd == "RESTORE" {
					v, err := rwReadValue(bufio.NewReader(strings.NewReader(ctl.get("DUMP", "othergroup"))))
					if err != nil || v.kind != '$' || v.null {
						t.Fatalf("DUMP othergroup: %q, %v", v.raw, err)
					}
					cmd = []string{"RESTORE", "s", "0", v.str, "REPLACE"}
				}
				blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
				ctl.call(c.reply, cmd...)
				if c.want == "" {
					w.silent(100 * time.Millisecond)
					blkWaitBlocked(t, ctl, 1)
					ctl.call(blkBulk("8-0"), "XADD", "s", "8-0", "n", "8")
					w.expect(strRead(false, strStream("s", strEntry("8-0", "n", "8"))))
				} else {
					w.expect(c.want)
				}
				blkWaitBlocked(t, ctl, 0)
			})
		}
	})
}

// TestStreamBlockingGroupChanges: what a waiting XREADGROUP reads is the
// group as it is when an entry serves it, as in redis-server 7.0.15:
// XGROUP SETID back to 0 does not wake it, but the next XADD serves it
// everything after the new last ID; a stream deleted and made again with
// a group of the same name in one transaction serves it from the new
// group. A waiter whose BLOCK runs out made no consumer.
func TestStreamBlockingGroupChanges(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
		ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "n", "1")
		ctl.call(blkBulk("2-0"), "XADD", "s", "2-0", "n", "2")
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$")
		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		ctl.call("+OK\r\n", "XGROUP", "SETID", "s", "g", "0")
		w.silent(100 * time.Millisecond)
		ctl.call(blkBulk("3-0"), "XADD", "s", "3-0", "n", "3")
		w.expect(strRead(false, strStream("s", strEntry("1-0", "n", "1"), strEntry("2-0", "n", "2"), strEntry("3-0", "n", "3"))))
		ctl.call(strPendingSummary(3, "1-0", "3-0", "c", "3"), "XPENDING", "s", "g")

		blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		ctl.call("+OK\r\n", "MULTI")
		ctl.call("+QUEUED\r\n", "DEL", "s")
		ctl.call("+QUEUED\r\n", "XADD", "s", "1-0", "n", "new")
		ctl.call("+QUEUED\r\n", "XGROUP", "CREATE", "s", "g", "0")
		ctl.call("*3\r\n:1\r\n"+blkBulk("1-0")+"+OK\r\n", "EXEC")
		w.expect(strRead(false, strStream("s", strEntry("1-0", "n", "new"))))
		ctl.call(strPendingSummary(1, "1-0", "1-0", "c", "1"), "XPENDING", "s", "g")

		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g2", "$")
		w.call("*-1\r\n", "XREADGROUP", "GROUP", "g2", "late", "BLOCK", "50", "STREAMS", "s", ">")
		ctl.call("*0\r\n", "XINFO", "CONSUMERS", "s", "g2")
	})
}

// TestStreamBlockingReadyOrder: an XREADGROUP waiter on two streams,
// when one write touches both, is handled key by key in the order the
// write made them ready, as redis-server 7.0.15 does: served from a
// stream that got an entry first, or UNBLOCKED by one deleted first.
// RENAME src dst deletes dst, adds dst (now src's stream: the waiter is
// served from it if its last ID is past its group's, even with no entry
// to read), then deletes src (UNBLOCKED, if still waiting).
func TestStreamBlockingReadyOrder(t *testing.T) {
	const unblocked = "-UNBLOCKED the stream key no longer exists\r\n"
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, c := range []struct {
			name string
			cmds [][]string
			want string // "" is still waiting
		}{
			{"XADD a, DEL b", [][]string{{"MULTI"}, {"XADD", "a", "5-0", "n", "a5"}, {"DEL", "b"}, {"EXEC"}},
				strRead(false, strStream("a", strEntry("5-0", "n", "a5")))},
			{"DEL b, XADD a", [][]string{{"MULTI"}, {"DEL", "b"}, {"XADD", "a", "5-0", "n", "a5"}, {"EXEC"}}, unblocked},
			{"DEL b", [][]string{{"DEL", "b"}}, unblocked},
			{"RENAME b a", [][]string{{"RENAME", "b", "a"}}, unblocked},
			{"RENAME b a past", [][]string{{"XSETID", "b", "9-0"}, {"RENAME", "b", "a"}}, strRead(false, strStream("a"))},
			{"RENAME a b past", [][]string{{"XSETID", "a", "9-0"}, {"RENAME", "a", "b"}}, strRead(false, strStream("b"))},
			{"COPY b a REPLACE", [][]string{{"COPY", "b", "a", "REPLACE"}}, ""},
			{"COPY b a REPLACE past", [][]string{{"XSETID", "b", "9-0"}, {"COPY", "b", "a", "REPLACE"}}, strRead(false, strStream("a"))},
		} {
			for _, keys := range [][]string{{"a", "b"}, {"b", "a"}} {
				t.Run(c.name+"/"+strings.Join(keys, ","), func(t *testing.T) {
					ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
					ctl.call("+OK\r\n", "FLUSHALL")
					ctl.call(blkBulk("1-0"), "XADD", "a", "1-0", "n", "a1")
					ctl.call(blkBulk("2-0"), "XADD", "b", "2-0", "n", "b2")
					ctl.call("+OK\r\n", "XGROUP", "CREATE", "a", "g", "$")
					ctl.call("+OK\r\n", "XGROUP", "CREATE", "b", "g", "$")
					blkBlock(t, ctl, w, 1, append(append([]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS"}, keys...), ">", ">")...)
					for _, cmd := range c.cmds {
						if got := ctl.get(cmd...); strings.HasPrefix(got, "-") {
							t.Fatalf("%s: %q", strings.Join(cmd, " "), got)
						}
					}
					if c.want == "" {
						w.silent(100 * time.Millisecond)
						blkWaitBlocked(t, ctl, 1)
						return
					}
					w.expect(c.want)
					blkWaitBlocked(t, ctl, 0)
				})
			}
		}
	})
}

// TestStreamBlockingSwapDB: SWAPDB puts another database's key under a
// waiter, as redis-server 7.0.15 handles it: a stream whose last ID is
// past what the waiter waits for serves it (entries after its group's
// last ID, or after XREAD's ID: maybe none); one that is not leaves it
// waiting; for XREADGROUP, a stream without its group is NOGROUP and
// another type UNBLOCKED, where XREAD keeps waiting.
func TestStreamBlockingSwapDB(t *testing.T) {
	const (
		nogroup   = "-NOGROUP the consumer group this client was blocked on no longer exists\r\n"
		unblocked = "-UNBLOCKED the stream key no longer exists\r\n"
	)
	empty := strRead(false, strStream("s"))
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, c := range []struct {
			name       string
			db1        [][]string
			group, xrd string // the waiters' replies, "" for still waiting
		}{
			{"group past", [][]string{{"XADD", "s", "1-0", "n", "x"}, {"XGROUP", "CREATE", "s", "g", "$"}, {"XSETID", "s", "9-0"}}, empty, empty},
			{"group behind", [][]string{{"XADD", "s", "1-0", "n", "x"}, {"XGROUP", "CREATE", "s", "g", "0"}},
				strRead(false, strStream("s", strEntry("1-0", "n", "x"))), ""},
			{"group at the end", [][]string{{"XADD", "s", "1-0", "n", "x"}, {"XGROUP", "CREATE", "s", "g", "$"}}, "", ""},
			{"no group", [][]string{{"XADD", "s", "1-0", "n", "x"}}, nogroup, ""},
			{"string", [][]string{{"SET", "s", "v"}}, unblocked, ""},
		} {
			for _, group := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/group=%v", c.name, group), func(t *testing.T) {
					ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
					ctl.call("+OK\r\n", "FLUSHALL")
					ctl.call(blkBulk("1-0"), "XADD", "s", "1-0", "n", "a")
					ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$")
					ctl.call("+OK\r\n", "SELECT", "1")
					for _, cmd := range c.db1 {
						if got := ctl.get(cmd...); strings.HasPrefix(got, "-") {
							t.Fatalf("%s: %q", strings.Join(cmd, " "), got)
						}
					}
					ctl.call("+OK\r\n", "SELECT", "0")
					want := c.xrd
					if group {
						want = c.group
						blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
					} else {
						blkBlock(t, ctl, w, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
					}
					ctl.call("+OK\r\n", "SWAPDB", "0", "1")
					if want == "" {
						w.silent(100 * time.Millisecond)
						blkWaitBlocked(t, ctl, 1)
						return
					}
					w.expect(want)
					blkWaitBlocked(t, ctl, 0)
				})
			}
		}
	})
}

// TestStreamBlockingSwapDBOrder: an XREADGROUP waiter on two streams,
// under a SWAPDB that takes one stream away (the other database has a
// string there, or nothing) and puts under the other a stream without
// its group, or with entries new to it: Redis 7.0.15 first handles the
// keys that stopped being streams (scanDatabaseForDeletedStreams, before
// the swap), then those that exist after it, so the waiter gets
// UNBLOCKED whichever way round it named them. (Two keys that both stay
// streams are handled in the order of Redis's dict, which a random seed
// decides: not compared.)
func TestStreamBlockingSwapDBOrder(t *testing.T) {
	const unblocked = "-UNBLOCKED the stream key no longer exists\r\n"
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, c := range []struct {
			name string
			db1  [][]string
		}{
			{"string, no group", [][]string{{"SET", "a", "v"}, {"XADD", "b", "1-0", "n", "x"}}},
			{"nothing, no group", [][]string{{"XADD", "b", "1-0", "n", "x"}}},
			{"string, new entries", [][]string{{"SET", "a", "v"}, {"XADD", "b", "1-0", "n", "x"}, {"XGROUP", "CREATE", "b", "g", "0"}}},
			{"nothing, new entries", [][]string{{"XADD", "b", "1-0", "n", "x"}, {"XGROUP", "CREATE", "b", "g", "0"}}},
		} {
			for _, keys := range [][]string{{"a", "b"}, {"b", "a"}} {
				t.Run(c.name+"/"+strings.Join(keys, ","), func(t *testing.T) {
					ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
					ctl.call("+OK\r\n", "FLUSHALL")
					for _, k := range []string{"a", "b"} {
						ctl.call(blkBulk("1-0"), "XADD", k, "1-0", "n", k)
						ctl.call("+OK\r\n", "XGROUP", "CREATE", k, "g", "$")
					}
					ctl.call("+OK\r\n", "SELECT", "1")
					for _, cmd := range c.db1 {
						if got := ctl.get(cmd...); strings.HasPrefix(got, "-") {
							t.Fatalf("%s: %q", strings.Join(cmd, " "), got)
						}
					}
					ctl.call("+OK\r\n", "SELECT", "0")
					blkBlock(t, ctl, w, 1, append(append([]string{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS"}, keys...), ">", ">")...)
					ctl.call("+OK\r\n", "SWAPDB", "0", "1")
					w.expect(unblocked)
					blkWaitBlocked(t, ctl, 0)
				})
			}
		}
	})
}

// ---- random differential ----

// TestStreamBlockingRandom runs random stream commands on redis-server and
// respd in lockstep, with clients in RESP2 and RESP3 that block in XREAD
// and XREADGROUP now and then, and compares every reply byte for byte:
// the commands' own, which waiters each write serves (CLIENT LIST's
// flags=b right after the write: Redis serves them before it runs the
// next command), what they get, and what answers at once instead of
// blocking. IDs are explicit and no reply holds a time, so the two
// servers must agree exactly. RESPD_STREAM_SEEDS=n runs n seeds.
func TestStreamBlockingRandom(t *testing.T) {
	interopRequireRedis(t)
	seeds := 4
	if n, err := strconv.Atoi(os.Getenv("RESPD_STREAM_SEEDS")); err == nil {
		seeds = n
	}
	for seed := range seeds {
		t.Run("seed="+strconv.Itoa(seed), func(t *testing.T) { strRandom(t, uint64(seed), 300) })
	}
}

// strSide is one server of the random test: a control connection and
// the waiters.
type strSide struct {
	name    string
	ctl     *blkConn
	waiters []*blkConn
	ids     []string // the waiters' CLIENT IDs
}

func strRandom(t *testing.T, seed uint64, steps int) {
	const nWaiters = 4
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	sides := []*strSide{{name: "redis-server"}, {name: "respd"}}
	for i, addr := range []string{diffStartRedis(t), startServer(t)} {
		s := sides[i]
		s.ctl = blkDial(t, addr, false)
		for w := range nWaiters {
			c := blkDial(t, addr, w%2 == 1)
			c.call("+OK\r\n", "CLIENT", "SETNAME", "w"+strconv.Itoa(w))
			s.waiters = append(s.waiters, c)
			s.ids = append(s.ids, c.id())
		}
	}
	var history []string
	fail := func(format string, args ...any) {
		t.Helper()
		from := max(0, len(history)-40)
		t.Fatalf("seed %d, after:\n  %s\n%s", seed, strings.Join(history[from:], "\n  "), fmt.Sprintf(format, args...))
	}
	// same sends a command on every side's connection (picked by conn)
	// and returns the reply, which must be the same on all.
	same := func(conn func(*strSide) *blkConn, args ...string) string {
		t.Helper()
		var replies []string
		for _, s := range sides {
			replies = append(replies, conn(s).get(args...))
		}
		history = append(history, strings.Join(args, " ")+" -> "+fmt.Sprintf("%.200q", replies[0]))
		if replies[0] != replies[1] {
			fail("%s:\n  redis-server %q\n  respd        %q", strings.Join(args, " "), replies[0], replies[1])
		}
		return replies[0]
	}
	ctl := func(args ...string) string {
		t.Helper()
		return same(func(s *strSide) *blkConn { return s.ctl }, args...)
	}
	// blockedOn returns which waiters CLIENT LIST shows blocked.
	blockedOn := func(s *strSide) []bool {
		t.Helper()
		out := make([]bool, nWaiters)
		for _, l := range strings.Split(s.ctl.get("CLIENT", "LIST"), "\n") {
			for w := range nWaiters {
				if strings.Contains(l, " name=w"+strconv.Itoa(w)+" ") {
					f := l[strings.Index(l, " flags=")+7:]
					out[w] = strings.Contains(f[:strings.IndexByte(f, ' ')], "b")
				}
			}
		}
		return out
	}
	waiting := make([]bool, nWaiters)
	twoKeys := make([]bool, nWaiters) // waiting on two streams
	// served reads the replies of the waiters a write served.
	served := func() {
		t.Helper()
		b := [][]bool{blockedOn(sides[0]), blockedOn(sides[1])}
		for w := range nWaiters {
			if !waiting[w] {
				continue
			}
			if b[0][w] != b[1][w] {
				fail("w%d blocked: redis-server %v, respd %v", w, b[0][w], b[1][w])
			}
			if !b[0][w] {
				waiting[w], twoKeys[w] = false, false
				got := []string{sides[0].waiters[w].read(), sides[1].waiters[w].read()}
				history = append(history, fmt.Sprintf("  w%d served %.300q", w, got[0]))
				if got[0] != got[1] {
					fail("w%d served:\n  redis-server %q\n  respd        %q", w, got[0], got[1])
				}
			}
		}
	}
	// block sends a blocking read on waiter w: it blocks or answers, the
	// same on both.
	block := func(w int, args ...string) {
		t.Helper()
		history = append(history, fmt.Sprintf("w%d: %s", w, strings.Join(args, " ")))
		var outcome []string
		for _, s := range sides {
			c := s.waiters[w]
			c.send(args...)
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
				c.nc.SetReadDeadline(time.Now().Add(time.Millisecond))
				if _, err := c.r.Peek(1); err == nil {
					outcome = append(outcome, "replied "+c.read())
					break
				}
				if blockedOn(s)[w] {
					outcome = append(outcome, "blocked")
					break
				}
				if time.Now().After(deadline) {
					fail("w%d on %s neither replied nor blocked", w, s.name)
				}
			}
		}
		history = append(history, fmt.Sprintf("  w%d %.300q", w, outcome[0]))
		if outcome[0] != outcome[1] {
			fail("w%d %s:\n  redis-server %q\n  respd        %q", w, strings.Join(args, " "), outcome[0], outcome[1])
		}
		waiting[w] = outcome[0] == "blocked"
		twoKeys[w] = waiting[w] && slices.Contains(args, "b") && slices.Contains(args, "a")
	}

	keys := []string{"a", "b"}
	groups := []string{"g1", "g2"}
	consumers := []string{"c1", "c2", "c3"}
	lastMs := map[string]int{}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	someID := func(key string) string {
		ms := rng.IntN(lastMs[key] + 2)
		if rng.IntN(4) == 0 {
			return strconv.Itoa(ms) + "-1"
		}
		return strconv.Itoa(ms) + "-0"
	}
	startID := func(key string) string {
		switch rng.IntN(4) {
		case 0:
			return "$"
		case 1:
			return "0"
		default:
			return someID(key)
		}
	}
	xadd := func() []string {
		key := pick(keys)
		args := []string{"XADD", key}
		switch rng.IntN(8) {
		case 0:
			args = append(args, "MAXLEN", strconv.Itoa(rng.IntN(6)))
		case 1:
			args = append(args, "MINID", someID(key))
		}
		id := ""
		switch r := rng.IntN(10); {
		case r == 0:
			id = someID(key) // often too small
		case r < 3:
			id = strconv.Itoa(lastMs[key]) + "-*"
		default:
			lastMs[key] += 1 + rng.IntN(2)
			id = strconv.Itoa(lastMs[key]) + "-0"
		}
		return append(args, id, "f", strconv.Itoa(rng.IntN(100)))
	}
	ids := func(key string) []string {
		var out []string
		for range 1 + rng.IntN(3) {
			out = append(out, someID(key))
		}
		return out
	}
	write := func() []string {
		key, g, c := pick(keys), pick(groups), pick(consumers)
		switch rng.IntN(22) {
		case 0, 1, 2, 3, 4, 5:
			return xadd()
		case 6:
			return append([]string{"XDEL", key}, ids(key)...)
		case 7:
			if rng.IntN(2) == 0 {
				return []string{"XTRIM", key, "MAXLEN", strconv.Itoa(rng.IntN(5))}
			}
			return []string{"XTRIM", key, "MINID", someID(key)}
		case 8, 9:
			return []string{"XGROUP", "CREATE", key, g, startID(key), "MKSTREAM"}
		case 10:
			return []string{"XGROUP", "DESTROY", key, g}
		case 11:
			return []string{"XGROUP", "SETID", key, g, startID(key)}
		case 12:
			return []string{"XGROUP", "CREATECONSUMER", key, g, c}
		case 13:
			return []string{"XGROUP", "DELCONSUMER", key, g, c}
		case 14, 15:
			args := []string{"XREADGROUP", "GROUP", g, c}
			if rng.IntN(2) == 0 {
				args = append(args, "COUNT", strconv.Itoa(1+rng.IntN(3)))
			}
			if rng.IntN(4) == 0 {
				args = append(args, "NOACK")
			}
			id := ">"
			if rng.IntN(4) == 0 {
				id = "0"
			}
			return append(args, "STREAMS", key, id)
		case 16:
			return append([]string{"XACK", key, g}, ids(key)...)
		case 17:
			args := append([]string{"XCLAIM", key, g, c, "0"}, ids(key)...)
			if rng.IntN(2) == 0 {
				args = append(args, "JUSTID")
			}
			return args
		case 18:
			args := []string{"XAUTOCLAIM", key, g, c, "0", "0", "COUNT", strconv.Itoa(1 + rng.IntN(4))}
			if rng.IntN(2) == 0 {
				args = append(args, "JUSTID")
			}
			return args
		case 19:
			if rng.IntN(3) == 0 {
				return []string{"SET", key, "string"}
			}
			return []string{"DEL", key}
		case 20:
			switch rng.IntN(4) {
			case 0:
				// Redis handles a waiter's two keys that stay streams in
				// its dict's order, which a random seed decides.
				if !slices.ContainsFunc(twoKeys, func(b bool) bool { return b }) {
					return []string{"SWAPDB", "0", "1"}
				}
				fallthrough
			case 1:
				return []string{"MOVE", key, "1"}
			case 2:
				a := xadd()
				return append([]string{a[0], a[1], "NOMKSTREAM"}, a[2:]...)
			}
			return []string{"XSETID", key, strconv.Itoa(lastMs[key]+rng.IntN(2)) + "-5"}
		default:
			if rng.IntN(3) == 0 {
				return []string{"RENAME", key, pick(keys)}
			}
			return []string{"COPY", key, pick(keys), "REPLACE"}
		}
	}
	reads := [][]string{}
	for _, key := range keys {
		reads = append(reads, []string{"XINFO", "STREAM", key}, []string{"XINFO", "GROUPS", key},
			[]string{"XRANGE", key, "-", "+"}, []string{"TYPE", key})
		for _, g := range groups {
			reads = append(reads, []string{"XPENDING", key, g})
		}
	}

	for step := range steps {
		switch r := rng.IntN(20); {
		case r < 12:
			ctl(write()...)
		case r < 14:
			ctl("MULTI")
			for range 1 + rng.IntN(3) {
				ctl(write()...)
			}
			ctl("EXEC")
		case r < 15:
			for w := range nWaiters {
				if waiting[w] && rng.IntN(2) == 0 {
					reason := pick([]string{"TIMEOUT", "ERROR"})
					history = append(history, fmt.Sprintf("CLIENT UNBLOCK w%d %s", w, reason))
					for _, s := range sides {
						s.ctl.call(":1\r\n", "CLIENT", "UNBLOCK", s.ids[w], reason)
					}
				}
			}
		default:
			ctl(reads[rng.IntN(len(reads))]...)
		}
		served()
		for w := range nWaiters {
			if waiting[w] || rng.IntN(3) != 0 {
				continue
			}
			var args []string
			key := pick(keys)
			both := rng.IntN(3) == 0
			if rng.IntN(2) == 0 {
				args = []string{"XREAD"}
				if rng.IntN(2) == 0 {
					args = append(args, "COUNT", strconv.Itoa(1+rng.IntN(3)))
				}
				args = append(args, "BLOCK", "0", "STREAMS")
				if both {
					args = append(args, "a", "b", startID("a"), startID("b"))
				} else {
					args = append(args, key, startID(key))
				}
			} else {
				args = []string{"XREADGROUP", "GROUP", pick(groups), pick(consumers)}
				if rng.IntN(2) == 0 {
					args = append(args, "COUNT", strconv.Itoa(1+rng.IntN(3)))
				}
				if rng.IntN(4) == 0 {
					args = append(args, "NOACK")
				}
				args = append(args, "BLOCK", "0", "STREAMS")
				if both {
					args = append(args, "a", "b", ">", ">")
				} else {
					args = append(args, key, ">")
				}
			}
			block(w, args...)
		}
		if t.Failed() {
			t.Fatalf("seed %d: failed at step %d", seed, step)
		}
	}
}

// ---- consumers that crash ----

// TestStreamClaimCrashedConsumer: a consumer reads entries and
// disconnects without acknowledging them. They stay pending for it until
// they have been idle long enough for XAUTOCLAIM (walking the PEL with
// its cursor) or XCLAIM to give them to another consumer, each claim
// counting a delivery; XACK removes them. Idle times come from the
// server's clock: the test waits until XPENDING IDLE shows them idle
// enough, or sets them with XCLAIM's IDLE.
func TestStreamClaimCrashedConsumer(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
		e := map[int]string{}
		for i := 1; i <= 4; i++ {
			id := strconv.Itoa(i) + "-0"
			ctl.call(blkBulk(id), "XADD", "s", id, "n", strconv.Itoa(i))
			e[i] = strEntry(id, "n", strconv.Itoa(i))
		}
		pel := func(want ...string) {
			t.Helper()
			if got := strPEL(t, ctl, "s", "g", "", 0); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("XPENDING: got %v, want %v", got, want)
			}
		}

		crashy := blkDial(t, addr, false)
		crashy.call(strRead(false, strStream("s", e[1], e[2], e[3])), "XREADGROUP", "GROUP", "g", "crashy", "COUNT", "3", "STREAMS", "s", ">")
		crashy.nc.Close()
		pel("1-0:crashy:1", "2-0:crashy:1", "3-0:crashy:1")

		// Not idle for an hour: nothing claimed, the walk is over.
		ctl.call("*3\r\n"+blkBulk("0-0")+"*0\r\n*0\r\n", "XAUTOCLAIM", "s", "g", "rescuer", "3600000", "0")
		ctl.call("*0\r\n", "XCLAIM", "s", "g", "rescuer", "3600000", "1-0")
		pel("1-0:crashy:1", "2-0:crashy:1", "3-0:crashy:1")

		// Idle 50 ms: claimed two at a time, in ID order.
		waitFor(t, func() bool { return len(strPending(t, ctl, "s", "g", "IDLE", "50", "-", "+", "100")) == 3 })
		ctl.call("*3\r\n"+blkBulk("3-0")+"*2\r\n"+e[1]+e[2]+"*0\r\n", "XAUTOCLAIM", "s", "g", "rescuer", "50", "0", "COUNT", "2")
		ctl.call("*3\r\n"+blkBulk("0-0")+"*1\r\n"+e[3]+"*0\r\n", "XAUTOCLAIM", "s", "g", "rescuer", "50", "3-0", "COUNT", "2")
		pel("1-0:rescuer:2", "2-0:rescuer:2", "3-0:rescuer:2")
		ctl.call(strPendingSummary(3, "1-0", "3-0", "rescuer", "3"), "XPENDING", "s", "g")
		ctl.call(":0\r\n", "XGROUP", "DELCONSUMER", "s", "g", "crashy")

		// XCLAIM's IDLE sets the idle time (JUSTID counts no delivery),
		// then only those entries are idle enough for XAUTOCLAIM.
		ctl.call(blkArray("2-0", "3-0"), "XCLAIM", "s", "g", "rescuer", "0", "2-0", "3-0", "IDLE", "3600000", "JUSTID")
		if got := strPending(t, ctl, "s", "g", "IDLE", "1800000", "-", "+", "100"); len(got) != 2 || got[0].id != "2-0" || got[1].id != "3-0" ||
			got[0].idle < time.Hour || got[0].idle > time.Hour+time.Minute || got[0].deliveries != "2" {
			t.Errorf("XPENDING IDLE 1800000 after XCLAIM IDLE 3600000: %v, want 2-0 and 3-0, idle an hour, 2 deliveries", got)
		}
		ctl.call("*3\r\n"+blkBulk("0-0")+"*2\r\n"+e[2]+e[3]+"*0\r\n", "XAUTOCLAIM", "s", "g", "third", "1800000", "-")
		pel("1-0:rescuer:2", "2-0:third:3", "3-0:third:3")
		ctl.call(":2\r\n", "XACK", "s", "g", "1-0", "2-0")
		ctl.call(":0\r\n", "XACK", "s", "g", "1-0", "2-0")
		ctl.call(strPendingSummary(1, "3-0", "3-0", "third", "1"), "XPENDING", "s", "g")
		pel("3-0:third:3")
	})
}

// TestStreamClaimDeletedEntries: entries deleted with XDEL while pending
// stay in the PEL: the consumer's history shows them as nulls, XAUTOCLAIM
// lists them apart (its third element) and removes them from the PEL,
// XCLAIM drops them without a word.
func TestStreamClaimDeletedEntries(t *testing.T) {
	blkEach(t, nil, func(t *testing.T, addr string) {
		ctl := blkDial(t, addr, false)
		ctl.call("+OK\r\n", "XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
		for i := 1; i <= 4; i++ {
			id := strconv.Itoa(i) + "-0"
			ctl.call(blkBulk(id), "XADD", "s", id, "n", strconv.Itoa(i))
		}
		e2, e4 := strEntry("2-0", "n", "2"), strEntry("4-0", "n", "4")
		pel := func(want ...string) {
			t.Helper()
			if got := strPEL(t, ctl, "s", "g", "", 0); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("XPENDING: got %v, want %v", got, want)
			}
		}

		crashy := blkDial(t, addr, false)
		crashy.call(strRead(false, strStream("s", strEntry("1-0", "n", "1"), e2, strEntry("3-0", "n", "3"), e4)),
			"XREADGROUP", "GROUP", "g", "crashy", "STREAMS", "s", ">")
		crashy.nc.Close()
		ctl.call(":2\r\n", "XDEL", "s", "1-0", "3-0")
		pel("1-0:crashy:1", "2-0:crashy:1", "3-0:crashy:1", "4-0:crashy:1")

		// The consumer comes back and reads its history: the deleted
		// entries are their IDs and a null, in RESP2 and RESP3.
		back := blkDial(t, addr, false)
		back.call("*1\r\n*2\r\n"+strStream("s", "*2\r\n"+blkBulk("1-0")+"*-1\r\n", e2, "*2\r\n"+blkBulk("3-0")+"*-1\r\n", e4),
			"XREADGROUP", "GROUP", "g", "crashy", "STREAMS", "s", "0")
		back3 := blkDial(t, addr, true)
		back3.call("%1\r\n"+strStream("s", "*2\r\n"+blkBulk("1-0")+"_\r\n", e2, "*2\r\n"+blkBulk("3-0")+"_\r\n", e4),
			"XREADGROUP", "GROUP", "g", "crashy", "STREAMS", "s", "0")
		back.nc.Close()
		back3.nc.Close()
		pel("1-0:crashy:1", "2-0:crashy:3", "3-0:crashy:1", "4-0:crashy:3")

		// XAUTOCLAIM: the entries that exist, then the IDs deleted, which
		// leave the PEL.
		ctl.call("*3\r\n"+blkBulk("3-0")+"*1\r\n"+e2+blkArray("1-0"), "XAUTOCLAIM", "s", "g", "rescuer", "0", "0", "COUNT", "2")
		pel("2-0:rescuer:4", "3-0:crashy:1", "4-0:crashy:3")
		ctl.call("*3\r\n"+blkBulk("0-0")+blkArray("4-0")+blkArray("3-0"), "XAUTOCLAIM", "s", "g", "rescuer", "0", "3-0", "JUSTID")
		pel("2-0:rescuer:4", "4-0:rescuer:3")
		ctl.call(strPendingSummary(2, "2-0", "4-0", "rescuer", "2"), "XPENDING", "s", "g")

		// XCLAIM of an entry deleted since: not returned, no longer
		// pending.
		ctl.call(blkBulk("5-0"), "XADD", "s", "5-0", "n", "5")
		ctl.call(strRead(false, strStream("s", strEntry("5-0", "n", "5"))), "XREADGROUP", "GROUP", "g", "other", "STREAMS", "s", ">")
		ctl.call(":1\r\n", "XDEL", "s", "5-0")
		ctl.call("*1\r\n"+e4, "XCLAIM", "s", "g", "rescuer", "0", "5-0", "4-0")
		pel("2-0:rescuer:4", "4-0:rescuer:4")
		ctl.call(":2\r\n", "XACK", "s", "g", "2-0", "4-0", "5-0")
		ctl.call(strNoPending, "XPENDING", "s", "g")
	})
}

// ---- exact bytes ----

// TestStreamReplyBytes: the replies whose shape matters, byte for byte
// in RESP2 and RESP3 as redis-server 7.0.15 sends them: XREAD and
// XREADGROUP (RESP3: a map keyed by stream name), XINFO STREAM (a map),
// XINFO STREAM FULL of a stream without groups, XINFO GROUPS (a map per
// group, entries-read null), XPENDING's summary with nothing pending
// (nulls), the nulls of a read with nothing to return, of BLOCK's
// timeout and of XADD NOMKSTREAM.
func TestStreamReplyBytes(t *testing.T) {
	steps := []struct {
		cmd          string
		resp2, resp3 string // resp3 "" is resp2's
	}{
		{"XADD s 1-0 f v", "$3\r\n1-0\r\n", ""},
		{"XADD s 2-0 a 1 b 2", "$3\r\n2-0\r\n", ""},
		{"XADD t 1-5 x y", "$3\r\n1-5\r\n", ""},
		{"XDEL s 1-0", ":1\r\n", ""},
		{"XADD s 3-0 c 3", "$3\r\n3-0\r\n", ""},
		{"XGROUP CREATE s g 0", "+OK\r\n", ""},
		{"XGROUP CREATE s h $", "+OK\r\n", ""},
		{"XREAD STREAMS s t nokey 0 0 0",
			"*2\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-5\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n",
			"%2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-5\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"},
		{"XREAD COUNT 1 STREAMS s t 2-0 1-5",
			"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
			"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{"XREAD STREAMS s 3-0", "*-1\r\n", "_\r\n"},
		{"XREAD BLOCK 10 STREAMS s $", "*-1\r\n", "_\r\n"},
		{"XRANGE s - +", "*2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", ""},
		{"XRANGE s 9 +", "*0\r\n", ""},
		{"XREVRANGE s + - COUNT 1", "*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", ""},
		{"XADD nokey NOMKSTREAM * f v", "$-1\r\n", "_\r\n"},
		{"XINFO STREAM s",
			"*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n1-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n2-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
			"%10\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n1-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n2-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{"XINFO STREAM t FULL",
			"*18\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-5\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-5\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-5\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n$6\r\ngroups\r\n*0\r\n",
			"%9\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-5\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-5\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-5\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n$6\r\ngroups\r\n*0\r\n"},
		{"XINFO GROUPS s",
			"*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n",
			"*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:2\r\n%6\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"},
		{"XPENDING s g", "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"},
		{"XPENDING s g - + 10", "*0\r\n", ""},
		// Nothing new: a null, and no consumer made.
		{"XREADGROUP GROUP h c STREAMS s >", "*-1\r\n", "_\r\n"},
		{"XINFO CONSUMERS s h", "*0\r\n", ""},
		{"XREADGROUP GROUP g c COUNT 1 STREAMS s >",
			"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
			"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{"XREADGROUP GROUP g c STREAMS t s > >", "-NOGROUP No such key 't' or consumer group 'g' in XREADGROUP with GROUP option\r\n", ""},
		{"XPENDING s g", "*4\r\n:1\r\n$3\r\n2-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n", ""},
		{"XCLAIM s g d 0 2-0 JUSTID", "*1\r\n$3\r\n2-0\r\n", ""},
		{"XAUTOCLAIM s g d 0 0 COUNT 1 JUSTID", "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-0\r\n*0\r\n", ""},
		{"XREADGROUP GROUP g c STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", "%1\r\n$1\r\ns\r\n*0\r\n"},
		{"XGROUP CREATE e g $ MKSTREAM", "+OK\r\n", ""},
		{"XINFO STREAM e",
			"*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n",
			"%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n"},
		{"XAUTOCLAIM e g c 0 0", "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", ""},
	}
	blkEach(t, nil, func(t *testing.T, addr string) {
		for _, resp3 := range []bool{false, true} {
			t.Run(fmt.Sprintf("resp3=%v", resp3), func(t *testing.T) {
				c := blkDial(t, addr, resp3)
				c.call("+OK\r\n", "FLUSHALL")
				for _, s := range steps {
					want := s.resp2
					if resp3 && s.resp3 != "" {
						want = s.resp3
					}
					if got := c.get(strings.Fields(s.cmd)...); got != want {
						t.Errorf("%s: got %q, want %q", s.cmd, got, want)
					}
				}
			})
		}
	})
}

// ---- many clients at once ----

// TestStreamConcurrentConsumers: producers XADD from several connections
// while consumers of one group read with XREADGROUP BLOCK and readers
// follow the stream with XREAD BLOCK. Whatever the interleaving, every
// entry is delivered to exactly one consumer and is pending for that
// one, each reader sees every entry in the stream's order, each
// producer's entries keep its order, and XACK of everything empties the
// PEL.
func TestStreamConcurrentConsumers(t *testing.T) {
	for _, target := range stringTargets(t) {
		t.Run(target.name, func(t *testing.T) { streamConcurrentConsumers(t, target.addr) })
	}
}

func streamConcurrentConsumers(t *testing.T, addr string) {
	const producers, perProducer, consumers, readers = 4, 250, 8, 2
	const total = producers * perProducer
	rc := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 32, DisableIdentity: true})
	defer rc.Close()
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.XGroupCreateMkStream(ctx, "s", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	deadline, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var (
		wg        sync.WaitGroup
		delivered atomic.Int64
		errs      = make(chan error, producers+consumers+readers)
		got       = make([][]redis.XMessage, consumers)
		seen      = make([][]redis.XMessage, readers)
	)
	for c := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for delivered.Load() < total {
				res, err := rc.XReadGroup(deadline, &redis.XReadGroupArgs{Group: "g", Consumer: "c" + strconv.Itoa(c),
					Streams: []string{"s", ">"}, Count: 7, Block: 50 * time.Millisecond}).Result()
				if err == redis.Nil {
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("consumer %d: %w", c, err)
					return
				}
				got[c] = append(got[c], res[0].Messages...)
				delivered.Add(int64(len(res[0].Messages)))
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := "0"
			for len(seen[r]) < total {
				res, err := rc.XRead(deadline, &redis.XReadArgs{Streams: []string{"s", last}, Count: 50, Block: 0}).Result()
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				seen[r] = append(seen[r], res[0].Messages...)
				last = seen[r][len(seen[r])-1].ID
			}
		}()
	}
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perProducer {
				if err := rc.XAdd(deadline, &redis.XAddArgs{Stream: "s", Values: []string{"v", fmt.Sprintf("%d:%03d", p, i)}}).Err(); err != nil {
					errs <- fmt.Errorf("producer %d: %w", p, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	all, err := rc.XRange(ctx, "s", "-", "+").Result()
	if err != nil || len(all) != total {
		t.Fatalf("XRANGE: %d entries (%v), want %d", len(all), err, total)
	}
	// Each producer's entries in its order.
	next := make([]int, producers)
	for _, m := range all {
		var p, i int
		if _, err := fmt.Sscanf(m.Values["v"].(string), "%d:%d", &p, &i); err != nil || p >= producers || i != next[p] {
			t.Fatalf("entry %s %v: producer %d's entry %d expected next", m.ID, m.Values, p, next[p])
		}
		next[p]++
	}
	// Every reader saw the stream as it is.
	for r := range readers {
		if fmt.Sprint(seen[r]) != fmt.Sprint(all) {
			t.Errorf("reader %d saw %d entries, not the stream's %d in order", r, len(seen[r]), total)
		}
	}
	// Every entry delivered once, in order within a consumer's reads, and
	// pending for the consumer that got it.
	owner := map[string]string{}
	counts := map[string]int64{}
	for c := range consumers {
		name := "c" + strconv.Itoa(c)
		for i, m := range got[c] {
			if prev, dup := owner[m.ID]; dup {
				t.Errorf("entry %s delivered to %s and %s", m.ID, prev, name)
			}
			owner[m.ID] = name
			if i > 0 && !strIDLess(t, got[c][i-1].ID, m.ID) {
				t.Errorf("%s got %s after %s", name, m.ID, got[c][i-1].ID)
			}
		}
		if len(got[c]) > 0 {
			counts[name] = int64(len(got[c]))
		}
	}
	if len(owner) != total {
		t.Errorf("%d entries delivered, want %d", len(owner), total)
	}
	pending, err := rc.XPending(ctx, "s", "g").Result()
	if err != nil || pending.Count != total || pending.Lower != all[0].ID || pending.Higher != all[total-1].ID ||
		fmt.Sprint(pending.Consumers) != fmt.Sprint(counts) {
		t.Errorf("XPENDING: %+v (%v), want %d pending from %s to %s, by consumer %v", pending, err, total, all[0].ID, all[total-1].ID, counts)
	}
	pel, err := rc.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: total + 1}).Result()
	if err != nil || len(pel) != total {
		t.Fatalf("XPENDING extended: %d entries (%v), want %d", len(pel), err, total)
	}
	for _, p := range pel {
		if p.Consumer != owner[p.ID] || p.RetryCount != 1 {
			t.Errorf("pending %s: consumer %s, deliveries %d; want %s, 1", p.ID, p.Consumer, p.RetryCount, owner[p.ID])
		}
	}
	groups, err := rc.XInfoGroups(ctx, "s").Result()
	if err != nil || len(groups) != 1 || groups[0].LastDeliveredID != all[total-1].ID || groups[0].EntriesRead != total || groups[0].Lag != 0 || groups[0].Pending != total {
		t.Errorf("XINFO GROUPS: %+v (%v)", groups, err)
	}
	var ids []string
	for _, m := range all {
		ids = append(ids, m.ID)
	}
	if n, err := rc.XAck(ctx, "s", "g", ids...).Result(); n != total || err != nil {
		t.Errorf("XACK of all: %d (%v), want %d", n, err, total)
	}
	if p, err := rc.XPending(ctx, "s", "g").Result(); err != nil || p.Count != 0 {
		t.Errorf("XPENDING after XACK: %+v (%v)", p, err)
	}
}

// strIDLess reports whether stream ID a is before b.
func strIDLess(t *testing.T, a, b string) bool {
	t.Helper()
	am, as := strParseID(t, a)
	bm, bs := strParseID(t, b)
	return am < bm || am == bm && as < bs
}

// ---- persistence and replication ----

// strFill writes streams of every shape to the server at addr: deleted
// entries, several listpack nodes, consumer groups with and without
// consumers, PELs with delivery counts and times (XCLAIM's TIME and
// RETRYCOUNT), ENTRIESREAD, NOACK reads, an empty stream with a group,
// XSETID's ENTRIESADDED and MAXDELETEDID, a TTL.
func strFill(t *testing.T, addr string) {
	t.Helper()
	c := blkDial(t, addr, false)
	do := func(args ...string) {
		t.Helper()
		if got := c.get(args...); strings.HasPrefix(got, "-") {
			t.Fatalf("%s: %q", strings.Join(args, " "), got)
		}
	}
	for _, cmd := range []string{
		"XADD s 1-1 a 1", "XADD s 1-2 b 2 c 3", "XADD s 2-0 d 4", "XADD s 3-0 e 5", "XADD s 4-0 f 6 g 7",
		"XDEL s 2-0",
		"XGROUP CREATE s g1 0", "XGROUP CREATE s g2 $", "XGROUP CREATE s g3 1-2 ENTRIESREAD 2",
		"XGROUP CREATECONSUMER s g2 idle",
		"XREADGROUP GROUP g1 alice COUNT 2 STREAMS s >",
		"XREADGROUP GROUP g1 bob STREAMS s >",
		"XCLAIM s g1 bob 0 1-1 TIME 1700000000000 RETRYCOUNT 7",
		"XACK s g1 3-0",
		"XREADGROUP GROUP g3 carol NOACK STREAMS s >",
		"XADD e 1-0 f v", "XDEL e 1-0", "XGROUP CREATE e g $",
		"XADD ttl 1-0 f v", "PEXPIRE ttl 3600000",
		"XADD ids 5-0 f v", "XSETID ids 99-0 ENTRIESADDED 50 MAXDELETEDID 10-0",
	} {
		do(strings.Fields(cmd)...)
	}
	for i := 1; i <= 250; i++ {
		do("XADD", "big", strconv.Itoa(i)+"-0", "field", strings.Repeat("v", i%7), "n", strconv.Itoa(i))
	}
	do("XDEL", "big", "1-0", "50-0", "150-0", "250-0")
	do("XGROUP", "CREATE", "big", "g", "100-0")
	do("XREADGROUP", "GROUP", "g", "c", "COUNT", "20", "STREAMS", "big", ">")
}

// strFillKeys are the keys strFill writes.
var strFillKeys = []string{"s", "e", "ttl", "ids", "big"}

// strSeenTime matches a consumer's seen-time in XINFO STREAM FULL, which
// an AOF replay sets anew; strTime any time in milliseconds (13 digits),
// for comparing streams two servers wrote at different times.
var (
	strSeenTime = regexp.MustCompile(`\$9\r\nseen-time\r\n:[0-9]+\r\n`)
	strTime     = regexp.MustCompile(`:1[0-9]{12}\r\n`)
)

// strMask says which times strState masks.
type strMask int

const (
	strMaskSeen strMask = iota // the consumers' seen-time
	strMaskAll                 // every time but XCLAIM TIME's 1700000000000
)

// strState is what the server at addr holds of strFill's keys: XINFO
// STREAM and XINFO STREAM FULL (all entries) of each, exact bytes, with
// times masked as asked. The TTL must be under an hour, and more than 59
// minutes.
func strState(t *testing.T, addr string, mask strMask) map[string]string {
	t.Helper()
	c := blkDial(t, addr, false)
	state := map[string]string{}
	for _, k := range strFillKeys {
		state[k] = c.get("XINFO", "STREAM", k)
		full := c.get("XINFO", "STREAM", k, "FULL", "COUNT", "0")
		if !strings.HasPrefix(state[k], "*") || !strings.HasPrefix(full, "*") {
			t.Errorf("%s: XINFO STREAM %s: %q, %q", addr, k, state[k], full)
		}
		switch mask {
		case strMaskSeen:
			full = strSeenTime.ReplaceAllString(full, "$$9\r\nseen-time\r\n:(masked)\r\n")
		case strMaskAll:
			full = strTime.ReplaceAllStringFunc(full, func(s string) string {
				if s == ":1700000000000\r\n" {
					return s
				}
				return ":(time)\r\n"
			})
		}
		state[k+" FULL"] = full
	}
	pttl := c.get("PTTL", "ttl")
	if ms, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(pttl, ":"), "\r\n")); err != nil || ms < 59*60*1000 || ms > 60*60*1000 {
		t.Errorf("PTTL ttl: %q, want under an hour, more than 59 minutes", pttl)
	}
	return state
}

// strSameState compares two servers' strState.
func strSameState(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, k := range strFillKeys {
		for _, kk := range []string{k, k + " FULL"} {
			if got[kk] != want[kk] {
				t.Errorf("%s: XINFO STREAM %s:\ngot  %q\nwant %q", what, kk, got[kk], want[kk])
			}
		}
	}
}

// strWrite is strFill, then what propagates otherwise: XREADGROUP
// served after blocking (NOACK too), XAUTOCLAIM of deleted entries,
// XCLAIM with IDLE, TIME and RETRYCOUNT, XACK, DELCONSUMER, XTRIM ~,
// SETID, DESTROY.
func strWrite(t *testing.T, addr string) {
	t.Helper()
	strFill(t, addr)
	ctl, w := blkDial(t, addr, false), blkDial(t, addr, false)
	ctl.call("+OK\r\n", "XGROUP", "CREATE", "big", "blocked", "$")
	blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "blocked", "waiter", "BLOCK", "0", "STREAMS", "big", ">")
	ctl.call(blkBulk("300-0"), "XADD", "big", "300-0", "f", "v")
	w.expect(strRead(false, strStream("big", strEntry("300-0", "f", "v"))))
	blkBlock(t, ctl, w, 1, "XREADGROUP", "GROUP", "blocked", "noack", "BLOCK", "0", "NOACK", "STREAMS", "big", ">")
	ctl.call(blkBulk("301-0"), "XADD", "big", "301-0", "f", "v")
	w.expect(strRead(false, strStream("big", strEntry("301-0", "f", "v"))))
	for _, cmd := range []string{
		"XDEL big 101-0 102-0",
		"XAUTOCLAIM big g rescuer 0 0 COUNT 5",
		"XCLAIM big g other 0 110-0 111-0 IDLE 5000",
		"XCLAIM big g other 0 112-0 TIME 1700000000000 RETRYCOUNT 3 JUSTID",
		"XACK big g 113-0",
		"XGROUP DELCONSUMER big g c",
		"XTRIM big MAXLEN ~ 120",
		"XGROUP SETID s g2 1-2 ENTRIESREAD 2",
		"XGROUP DESTROY s g3",
	} {
		if got := ctl.get(strings.Fields(cmd)...); strings.HasPrefix(got, "-") {
			t.Fatalf("%s: %q", cmd, got)
		}
	}
}

// TestStreamsAOF: the append-only file respd writes as streams are
// written (strWrite) holds what stream commands propagate: XREADGROUP,
// served at once or after blocking, as XCLAIMs with LASTID and, for
// NOACK, XGROUP SETID; XAUTOCLAIM (deleted entries too) and XCLAIM as
// XCLAIMs. respd replays its file to the streams redis-server replays it
// to (the consumers' seen-time aside, which a replay sets anew), and
// those are the streams redis-server replays its own file to for the
// same writes (times aside: the two servers wrote at different times).
// A replay is not always the streams as written, in Redis too: a group's
// entries-read, which XREADGROUP propagates no more than as XCLAIM's
// LASTID, comes back unknown. Rewritten files are left to the
// persistence tests.
func TestStreamsAOF(t *testing.T) {
	interopRequireRedis(t)
	aofArgs := func(dir string) []string {
		return []string{"--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--appendfsync", "always"}
	}
	dir := t.TempDir()
	s, addr := startTestServer(t, aofArgs(dir)...)
	strWrite(t, addr)
	s.Shutdown()
	_, again := startTestServer(t, aofArgs(dir)...)
	redisOnMine := diffStartRedis(t, aofArgs(dir)...)
	strSameState(t, "respd replaying its AOF (want: redis-server replaying it)",
		strState(t, again, strMaskSeen), strState(t, redisOnMine, strMaskSeen))

	dir2 := t.TempDir()
	theirs := diffStartRedis(t, aofArgs(dir2)...)
	strWrite(t, theirs)
	diffRequest(theirs, "SHUTDOWN", "NOSAVE") // it exits: no reply
	strSameState(t, "redis-server replaying respd's AOF (want: replaying its own, times aside)",
		strState(t, redisOnMine, strMaskAll), strState(t, diffStartRedis(t, aofArgs(dir2)...), strMaskAll))
}

// TestStreamsReplication: replicas of a master that strWrite writes to,
// respd's and redis-server's, end with the same streams (the consumers'
// seen-time aside): whichever the master, what respd replicates from it
// is what Redis does, delivery times and counts included.
func TestStreamsReplication(t *testing.T) {
	interopRequireRedis(t)
	for _, respdMaster := range []bool{true, false} {
		t.Run(fmt.Sprintf("respd-master=%v", respdMaster), func(t *testing.T) {
			var master string
			if respdMaster {
				master = startServer(t, rwMasterArgs()...)
			} else {
				master = diffStartRedis(t, rwMasterArgs()...)
			}
			_, port, _ := net.SplitHostPort(master)
			mine := startServer(t, "--replicaof", "127.0.0.1 "+port)
			theirs := diffStartRedis(t, "--replicaof", "127.0.0.1 "+port)
			waitReplicaCaughtUp(t, master, mine)
			waitReplicaCaughtUp(t, master, theirs)
			strWrite(t, master)
			waitReplicaCaughtUp(t, master, mine)
			waitReplicaCaughtUp(t, master, theirs)
			strSameState(t, "respd's replica (want: redis-server's)", strState(t, mine, strMaskSeen), strState(t, theirs, strMaskSeen))
		})
	}
}
