package main

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// rueidis turns client-side caching on by default in RESP3 (CLIENT
// TRACKING ON OPTIN, then CLIENT CACHING YES, MULTI, PTTL, GET, EXEC per
// read through the cache): a read is served from the cache until another
// client's write invalidates it.
func TestTrackingRueidisClientSideCaching(t *testing.T) {
	addr := startServer(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableRetry: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	other := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
	defer other.Close()

	read := func() (string, bool) {
		t.Helper()
		resp := client.DoCache(ctx, client.B().Get().Key("k").Cache(), time.Minute)
		v, err := resp.ToString()
		if err != nil {
			t.Fatalf("GET through the cache: %v", err)
		}
		return v, resp.IsCacheHit()
	}
	if err := other.Set(ctx, "k", "v1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, hit := read(); v != "v1" || hit {
		t.Fatalf("first read: %q, hit %v", v, hit)
	}
	if v, hit := read(); v != "v1" || !hit {
		t.Fatalf("second read: %q, hit %v (want it from the cache)", v, hit)
	}
	if err := other.Set(ctx, "k", "v2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// The invalidation is a push the client reads on its own: wait for
	// the cache to let the new value through.
	waitFor(t, func() bool { v, _ := read(); return v == "v2" })
	if v, hit := read(); v != "v2" || !hit {
		t.Fatalf("read after the invalidation: %q, hit %v", v, hit)
	}
	// A flush invalidates everything.
	if err := other.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		resp := client.DoCache(ctx, client.B().Get().Key("k").Cache(), time.Minute)
		return rueidis.IsRedisNil(resp.Error())
	})
}

// trackingScenario runs steps against a server and returns what each
// connection received at each step: the reply and whatever pushes or
// messages came with it. "$id:<conn>" in an argument is that connection's
// CLIENT ID. After each step every connection is synchronised with PING
// sync, so each step's output is complete and in order.
func trackingScenario(t *testing.T, addr string, steps [][]string) []string {
	conns := map[string]*diffConn{}
	ids := map[string]string{}
	open := func(name string) *diffConn {
		if c := conns[name]; c != nil {
			return c
		}
		c, err := diffDial(addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.close)
		reply, err := c.do(diffEncode(stringArgv("CLIENT", "ID")))
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = strings.Trim(string(reply), ":\r\n")
		conns[name] = c
		return c
	}
	drain := func(name string) string {
		c := conns[name]
		if _, err := c.c.Write(diffEncode(stringArgv("PING", "sync"))); err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
			reply, err := diffReadReply(c.r)
			if err != nil {
				t.Fatalf("%s: %v after %q", name, err, got)
			}
			if r := string(reply); r == "$4\r\nsync\r\n" || r == "*2\r\n$4\r\npong\r\n$4\r\nsync\r\n" {
				return strings.Join(got, "")
			}
			got = append(got, string(reply))
		}
	}
	var out []string
	inMulti := map[string]bool{}
	for _, step := range steps {
		name, args := step[0], slices.Clone(step[1:])
		c := open(name)
		for i, a := range args {
			if other, ok := strings.CutPrefix(a, "$id:"); ok {
				open(other)
				args[i] = ids[other]
			}
		}
		if _, err := c.c.Write(diffEncode(stringArgv(args...))); err != nil {
			t.Fatal(err)
		}
		var got string
		switch cmd := strings.ToUpper(args[0]); {
		case cmd == "QUIT":
			reply, err := diffReadReply(c.r)
			if err != nil {
				t.Fatal(err)
			}
			got = string(reply)
			delete(conns, name)
		case cmd == "MULTI" || (inMulti[name] && cmd != "EXEC" && cmd != "DISCARD"):
			// Queued: PING sync would be too, so one reply is read.
			inMulti[name] = true
			reply, err := diffReadReply(c.r)
			if err != nil {
				t.Fatal(err)
			}
			got = string(reply)
		default:
			inMulti[name] = false
			got = drain(name)
		}
		// Client ids differ between servers: named where they are shown.
		maskIDs := func(got string) string {
			for n, id := range ids {
				for _, before := range []string{"redirect\r\n", "tracking-redir-broken\r\n"} {
					got = strings.ReplaceAll(got, before+":"+id+"\r\n", before+":<id of "+n+">\r\n")
				}
				if strings.EqualFold(strings.Join(args, " "), "CLIENT GETREDIR") && got == ":"+id+"\r\n" {
					got = ":<id of " + n + ">\r\n"
				}
			}
			return got
		}
		line := fmt.Sprintf("%s %q: %q", name, step[1:], maskIDs(got))
		names := make([]string, 0, len(conns))
		for n := range conns {
			if n != name {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			if got := drain(n); got != "" {
				line += fmt.Sprintf(" | %s got %q", n, maskIDs(got))
			}
		}
		out = append(out, line)
	}
	return out
}

// trackingSteps are what the comparison with redis-server runs: each mode,
// RESP2 redirection to a subscriber, RESP3 pushes, the pushes' order
// around replies and transactions, flushes, NOLOOP, OPTIN/OPTOUT, BCAST
// prefixes, broken redirections, the errors, TRACKINGINFO and GETREDIR.
var trackingSteps = [][]string{
	// Default mode, RESP3: pushes to the client itself.
	{"a", "HELLO", "3"},
	{"a", "CLIENT", "TRACKING", "on"},
	{"a", "GET", "k"},
	{"b", "SET", "k", "1"},
	{"b", "SET", "k", "2"}, // no longer tracked: nothing
	{"a", "MGET", "k", "k2", "k3"},
	{"b", "DEL", "k2", "k3"},
	{"a", "INCR", "k"}, // its own change: after the reply
	{"a", "GET", "k"},
	{"a", "MULTI"},
	{"a", "INCR", "k"},
	{"a", "GET", "k"},
	{"a", "INCR", "k"},
	{"a", "EXEC"}, // both invalidations after EXEC's reply
	{"a", "SELECT", "1"},
	{"a", "GET", "k"},
	{"a", "SELECT", "0"},
	{"b", "SET", "k", "x"}, // the table is global: db 0's k
	{"a", "GET", "k"},
	{"a", "EXISTS", "e1"},
	{"a", "TYPE", "e2"},
	{"a", "STRLEN", "e3"},
	{"b", "MSET", "e1", "1", "e2", "2", "e3", "3"},
	{"a", "GET", "k"},
	{"b", "FLUSHALL"}, // a null
	{"a", "GET", "k"},
	{"a", "FLUSHDB"}, // its own: after the reply
	{"a", "CLIENT", "TRACKINGINFO"},
	{"a", "CLIENT", "GETREDIR"},
	{"a", "CLIENT", "TRACKING", "off"},
	{"a", "GET", "k"},
	{"b", "SET", "k", "1"}, // off: nothing
	// NOLOOP.
	{"a", "CLIENT", "TRACKING", "on", "NOLOOP"},
	{"a", "GET", "n"},
	{"a", "SET", "n", "1"},
	{"a", "GET", "n"},
	{"b", "SET", "n", "2"},
	{"a", "CLIENT", "TRACKING", "off"},
	// OPTIN / OPTOUT and CLIENT CACHING.
	{"a", "CLIENT", "TRACKING", "on", "OPTIN"},
	{"a", "GET", "o1"},
	{"a", "CLIENT", "CACHING", "yes"},
	{"a", "CLIENT", "TRACKINGINFO"},
	{"a", "CLIENT", "ID"}, // another CLIENT subcommand keeps it
	{"a", "GET", "o2"},
	{"a", "GET", "o3"},
	{"b", "MSET", "o1", "1", "o2", "2", "o3", "3"},
	{"a", "CLIENT", "CACHING", "yes"},
	{"a", "MULTI"},
	{"a", "GET", "o4"},
	{"a", "GET", "o5"},
	{"a", "EXEC"},
	{"a", "GET", "o6"},
	{"b", "MSET", "o4", "1", "o5", "2", "o6", "3"},
	{"a", "CLIENT", "TRACKING", "on", "OPTOUT"},
	{"a", "CLIENT", "CACHING", "no"},
	{"a", "CLIENT", "CACHING", "yes"},
	{"a", "CLIENT", "TRACKING", "off"},
	{"a", "CLIENT", "TRACKING", "on", "OPTOUT"},
	{"a", "CLIENT", "CACHING", "no"},
	{"a", "GET", "p1"},
	{"a", "GET", "p2"},
	{"b", "MSET", "p1", "1", "p2", "2"},
	{"a", "CLIENT", "TRACKINGINFO"},
	{"a", "CLIENT", "TRACKING", "off"},
	// BCAST.
	{"a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "cart:", "NOLOOP"},
	{"a", "CLIENT", "TRACKINGINFO"},
	{"b", "MSET", "user:2", "x", "user:1", "y", "other", "z", "cart:9", "w"},
	{"a", "SET", "user:3", "mine"}, // NOLOOP: its own changes left out
	{"b", "SET", "user:4", "theirs"},
	{"a", "MULTI"},
	{"a", "SET", "user:5", "1"},
	{"a", "EXEC"},
	{"a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:x"},
	{"a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "z", "PREFIX", "zz"},
	{"a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "y", "PREFIX", "q", "PREFIX", "qq"},
	{"a", "CLIENT", "TRACKINGINFO"},
	{"a", "CLIENT", "TRACKING", "on"},
	{"a", "CLIENT", "TRACKING", "off"},
	{"a", "CLIENT", "TRACKING", "on", "BCAST"},
	{"b", "SET", "anything", "1"},
	{"a", "CLIENT", "TRACKING", "off"},
	// RESP2: redirection to a subscriber, as __redis__:invalidate messages.
	{"r", "SUBSCRIBE", "__redis__:invalidate"},
	{"c", "CLIENT", "TRACKING", "on", "REDIRECT", "$id:r"},
	{"c", "CLIENT", "GETREDIR"},
	{"c", "GET", "rk"},
	{"b", "SET", "rk", "1"},
	{"c", "GET", "rk"},
	{"c", "SET", "rk", "2"},
	{"c", "FLUSHALL"},
	{"c", "GET", "x"},
	{"r", "UNSUBSCRIBE"},
	{"b", "SET", "x", "1"}, // the target isn't subscribed: lost
	{"c", "CLIENT", "TRACKING", "on", "REDIRECT", "$id:c"},
	{"c", "GET", "x"},
	{"b", "SET", "x", "2"}, // RESP2, not subscribed: nothing
	{"c", "CLIENT", "TRACKING", "on", "REDIRECT", "$id:a"},
	{"c", "GET", "y"},
	{"b", "SET", "y", "2"}, // a is RESP3: a push
	{"c", "CLIENT", "TRACKING", "off"},
	// A broken redirection.
	{"d", "HELLO", "3"},
	{"d", "CLIENT", "TRACKING", "on", "REDIRECT", "$id:gone"},
	{"d", "GET", "g"},
	{"gone", "QUIT"},
	{"b", "SET", "g", "1"},
	{"d", "CLIENT", "TRACKINGINFO"},
	// Errors.
	{"e", "CLIENT", "TRACKING", "on", "REDIRECT", "0"},
	{"e", "CLIENT", "TRACKING", "on", "REDIRECT", "x"},
	{"e", "CLIENT", "TRACKING", "on", "REDIRECT", "$id:b", "REDIRECT", "$id:b"},
	{"e", "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"},
	{"e", "CLIENT", "TRACKING", "on", "BCAST", "OPTIN"},
	{"e", "CLIENT", "TRACKING", "on", "PREFIX", "a"},
	{"e", "CLIENT", "TRACKING", "maybe"},
	{"e", "CLIENT", "TRACKING", "on", "foo"},
	{"e", "CLIENT", "TRACKING", "on", "PREFIX"},
	{"e", "CLIENT", "CACHING", "yes"},
	{"e", "CLIENT", "CACHING", "maybe"},
	{"e", "CLIENT", "TRACKINGINFO"},
	{"e", "CLIENT", "GETREDIR"},
	{"e", "CLIENT", "TRACKING", "on", "OPTIN"},
	{"e", "CLIENT", "CACHING", "maybe"},
	{"e", "CLIENT", "TRACKING", "on", "OPTOUT"},
	{"e", "CLIENT", "TRACKING", "on", "BCAST"},
	{"e", "RESET"},
	{"e", "CLIENT", "TRACKINGINFO"},
}

func TestTrackingMatchesRedis(t *testing.T) {
	interopRequireRedis(t)
	want := trackingScenario(t, startProc(t, nil, "redis-server", t.TempDir(), "--save", "").addr, trackingSteps)
	got := trackingScenario(t, startServer(t), trackingSteps)
	for i := range want {
		if got[i] != want[i] && !strings.Contains(want[i], `"HELLO"`) && !strings.Contains(want[i], `"CLIENT" "ID"`) {
			t.Errorf("step %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// The tracking flags and redir field of CLIENT LIST, and INFO's counters.
func TestTrackingClientListAndInfo(t *testing.T) {
	addr := startServer(t)
	rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3, DisableIdentity: true, PoolSize: 1})
	defer rc.Close()
	info := func(field string) string {
		t.Helper()
		for _, line := range strings.Split(rc.Info(ctx).Val(), "\r\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				return v
			}
		}
		t.Fatalf("no %s in INFO", field)
		return ""
	}
	if err := rc.Do(ctx, "CLIENT", "TRACKING", "on").Err(); err != nil {
		t.Fatal(err)
	}
	rc.MGet(ctx, "a", "b", "c")
	if s := rc.Do(ctx, "CLIENT", "INFO").String(); !strings.Contains(s, "flags=t ") || !strings.Contains(s, " redir=0 ") {
		t.Fatalf("CLIENT INFO: %s", s)
	}
	for field, want := range map[string]string{"tracking_clients": "1", "tracking_total_keys": "3", "tracking_total_items": "3", "tracking_total_prefixes": "0"} {
		if got := info(field); got != want {
			t.Errorf("%s: %s, want %s", field, got, want)
		}
	}
	rc.Do(ctx, "CLIENT", "TRACKING", "off")
	rc.Do(ctx, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b")
	if s := rc.Do(ctx, "CLIENT", "INFO").String(); !strings.Contains(s, "flags=tB ") {
		t.Fatalf("CLIENT INFO in BCAST mode: %s", s)
	}
	// The table keeps what a client read after it turned tracking off,
	// as Redis, until the keys are invalidated.
	for field, want := range map[string]string{"tracking_clients": "1", "tracking_total_keys": "3", "tracking_total_prefixes": "2"} {
		if got := info(field); got != want {
			t.Errorf("%s: %s, want %s", field, got, want)
		}
	}
	rc.Do(ctx, "RESET")
	if s := rc.Do(ctx, "CLIENT", "INFO").String(); !strings.Contains(s, "flags=N ") || !strings.Contains(s, " redir=-1 ") {
		t.Fatalf("CLIENT INFO after RESET: %s", s)
	}
	if got := info("tracking_clients") + " " + info("tracking_total_prefixes"); got != "0 0" {
		t.Errorf("after RESET: tracking_clients and prefixes %s", got)
	}
}

// Over tracking-table-max-keys, keys are evicted from the table before
// the next command, each with an invalidation; a key's expiry, active or
// lazy, invalidates it too. Raw RESP3 bytes, as Redis sends them.
func TestTrackingTableLimitAndExpiry(t *testing.T) {
	addr := startServer(t, "--tracking-table-max-keys", "2")
	rc := dialRaw(t, addr)
	rc.send("HELLO 3\r\n")
	if _, err := diffReadReply(rc.r); err != nil {
		t.Fatal(err)
	}
	rc.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	rc.do("*3\r\n_\r\n_\r\n_\r\n", "MGET", "a", "b", "c")
	// Before PING runs, one random key of three goes.
	rc.send("PING\r\n")
	reply, err := diffReadReply(rc.r)
	if err != nil || !strings.HasPrefix(string(reply), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\n") {
		t.Fatalf("eviction: %q, %v", reply, err)
	}
	rc.expect("+PONG\r\n")
	rc.do("+OK\r\n", "CONFIG", "SET", "tracking-table-max-keys", "0")

	// An expiry invalidates: the active expiry's, with nothing else
	// happening (the cron's turn sends it). CLIENT PAUSE WRITE keeps the
	// key from expiring until the client has read it, whatever the time.
	other := dialRaw(t, addr)
	other.do("+OK\r\n", "SET", "temp", "v", "PX", "50")
	other.do("+OK\r\n", "CLIENT", "PAUSE", "60000", "WRITE")
	rc.send("GET temp\r\n")
	if reply, err := diffReadReply(rc.r); err != nil || (string(reply) != "$1\r\nv\r\n" && string(reply) != "_\r\n") {
		t.Fatalf("GET temp: %q, %v", reply, err)
	}
	other.do("+OK\r\n", "CLIENT", "UNPAUSE")
	rc.expect(">2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\ntemp\r\n")
}

// go-redis in RESP2: a PubSub subscribed to __redis__:invalidate receives
// the keys of the client that redirects to it (Message.PayloadSlice), and
// a null (no payload) on a flush.
func TestTrackingGoRedisRedirect(t *testing.T) {
	addr := startServer(t)
	sub := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
	defer sub.Close()
	ps := sub.Subscribe(ctx, "__redis__:invalidate")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	var subID string
	for _, line := range strings.Split(sub.ClientList(ctx).Val(), "\n") {
		if strings.Contains(line, " flags=P ") {
			subID = strings.TrimPrefix(strings.Fields(line)[0], "id=")
		}
	}
	if _, err := strconv.Atoi(subID); err != nil {
		t.Fatalf("no subscriber in CLIENT LIST: %q", subID)
	}
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			tracker := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true, PoolSize: 1})
			defer tracker.Close()
			if err := tracker.Do(ctx, "CLIENT", "TRACKING", "on", "REDIRECT", subID).Err(); err != nil {
				t.Fatal(err)
			}
			if got := tracker.Do(ctx, "CLIENT", "GETREDIR").Val(); fmt.Sprint(got) != subID {
				t.Fatalf("GETREDIR %v, want %s", got, subID)
			}
			tracker.Get(ctx, "k1")
			tracker.HGet(ctx, "h1", "f")
			sub.Set(ctx, "k1", "v", 0) // the subscriber's pool has another connection
			sub.HSet(ctx, "h1", "f", "v")
			for _, want := range []string{"k1", "h1"} {
				msg, err := ps.ReceiveMessage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if msg.Channel != "__redis__:invalidate" || len(msg.PayloadSlice) != 1 || msg.PayloadSlice[0] != want {
					t.Fatalf("message %+v, want %s invalidated", msg, want)
				}
			}
			tracker.Do(ctx, "CLIENT", "TRACKING", "off")
		})
	}
}
