package main

// Pub/Sub end to end: go-redis's PubSub in RESP2 and RESP3 (against
// redis-server too, when installed), redis-cli SUBSCRIBE, keyspace
// notifications, PUBLISH across replication in both directions with real
// Redis, a subscriber that never reads, and what INFO, CLIENT LIST and
// CLIENT KILL show of subscribers. The exact bytes are
// testdata/diff/pubsub.txt's.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestPubSubGoRedis drives SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their
// UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB through go-redis.
func TestPubSubGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", target.name, proto), func(t *testing.T) {
				goRedisPubSub(t, target.addr, proto)
			})
		}
	}
}

func goRedisPubSub(t *testing.T, addr string, proto int) {
	check := listCheck(t)
	opts := &redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true}
	pub, sub := redis.NewClient(opts), redis.NewClient(opts)
	defer pub.Close()
	defer sub.Close()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ps := sub.Subscribe(ctx, "news", "sport")
	defer ps.Close()
	next := func() string {
		t.Helper()
		msg, err := ps.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		return fmt.Sprint(msg)
	}
	check("subscribe news", next(), "subscribe: news")
	check("subscribe sport", next(), "subscribe: sport")
	if err := ps.PSubscribe(ctx, "weather.*"); err != nil {
		t.Fatal(err)
	}
	check("psubscribe", next(), "psubscribe: weather.*")
	if err := ps.SSubscribe(ctx, "shard"); err != nil {
		t.Fatal(err)
	}
	check("ssubscribe", next(), "ssubscribe: shard")

	check("PUBSUB NUMSUB", pub.PubSubNumSub(ctx, "news", "sport", "none").Val(),
		map[string]int64{"news": 1, "sport": 1, "none": 0})
	check("PUBSUB NUMPAT", pub.PubSubNumPat(ctx).Val(), 1)
	channels := pub.PubSubChannels(ctx, "*").Val()
	slices.Sort(channels)
	check("PUBSUB CHANNELS", channels, []string{"news", "sport"})
	check("PUBSUB SHARDCHANNELS", pub.PubSubShardChannels(ctx, "sh*").Val(), []string{"shard"})
	check("PUBSUB SHARDNUMSUB", pub.PubSubShardNumSub(ctx, "shard").Val(), map[string]int64{"shard": 1})

	check("PUBLISH", pub.Publish(ctx, "news", "hello").Val(), 1)
	check("message", next(), "Message<news: hello>")
	check("PUBLISH to a pattern", pub.Publish(ctx, "weather.today", "rain").Val(), 1)
	msg, err := ps.Receive(ctx)
	if m, ok := msg.(*redis.Message); !ok || err != nil || m.Pattern != "weather.*" || m.Channel != "weather.today" || m.Payload != "rain" {
		t.Errorf("pmessage: %#v, %v", msg, err)
	}
	check("PUBLISH to no one", pub.Publish(ctx, "weather", "none").Val(), 0)
	check("SPUBLISH", pub.SPublish(ctx, "shard", "s").Val(), 1)
	check("smessage", next(), "Message<shard: s>")
	if err := ps.Ping(ctx, "hi"); err != nil {
		t.Fatal(err)
	}
	check("PING while subscribed", next(), "Pong<hi>")

	// Channel(): many messages, in order, from channel and pattern alike.
	ch := ps.Channel()
	const n = 500
	for i := range n {
		channel := "sport"
		if i%2 == 1 {
			channel = "weather.x"
		}
		if err := pub.Publish(ctx, channel, strconv.Itoa(i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		select {
		case m := <-ch:
			if m.Payload != strconv.Itoa(i) {
				t.Fatalf("message %d: %v", i, m)
			}
		case <-ctx.Done():
			t.Fatalf("message %d did not arrive", i)
		}
	}

	// Unsubscribing: the server forgets the channels and patterns.
	if err := ps.Unsubscribe(ctx, "sport"); err != nil {
		t.Fatal(err)
	}
	if err := ps.PUnsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		return pub.PubSubNumSub(ctx, "sport").Val()["sport"] == 0 && pub.PubSubNumPat(ctx).Val() == 0
	})
	check("PUBLISH after UNSUBSCRIBE", pub.Publish(ctx, "sport", "x").Val(), 0)
	check("PUBLISH still subscribed", pub.Publish(ctx, "news", "still").Val(), 1)
	select {
	case m := <-ch:
		check("message after unsubscribing others", m.String(), "Message<news: still>")
	case <-ctx.Done():
		t.Fatal("message did not arrive")
	}

	// Closing the PubSub closes its connection: nothing is left.
	ps.Close()
	waitFor(t, func() bool {
		return pub.PubSubNumSub(ctx, "news").Val()["news"] == 0 && len(pub.PubSubShardChannels(ctx, "*").Val()) == 0
	})
}

// TestPubSubRedisCli: redis-cli SUBSCRIBE and PSUBSCRIBE (with -3: RESP3)
// print what they receive.
func TestPubSubRedisCli(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		msg := "REDIS-CLI TEST SKIPPED: redis-cli not installed (apt-get install redis-tools)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
		t.Skip(msg)
	}
	addr := startServer(t)
	host, port, _ := net.SplitHostPort(addr)
	pub := newClients(t, addr)["resp2"]
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"SUBSCRIBE", "ch"}, []string{"subscribe", "ch", "1", "message", "ch", "hello world"}},
		{[]string{"-3", "PSUBSCRIBE", "c*"}, []string{"psubscribe", "c*", "1", "pmessage", "c*", "ch", "hello world"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := exec.Command(cli, append([]string{"-h", host, "-p", port}, tc.args...)...)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			lines := make(chan string, 16)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var got []string
			for len(got) < len(tc.want) {
				if len(got) == 3 {
					// Subscribed: publish once.
					if n := pub.Publish(ctx, "ch", "hello world").Val(); n != 1 {
						t.Fatalf("PUBLISH reached %d subscribers", n)
					}
				}
				select {
				case line, ok := <-lines:
					if !ok {
						t.Fatalf("redis-cli exited after %q", got)
					}
					got = append(got, line)
				case <-time.After(10 * time.Second):
					t.Fatalf("redis-cli printed %q, then nothing", got)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("redis-cli printed %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPubSubKeyspaceNotifications: with notify-keyspace-events set, list
// and sorted set commands publish their events, keyspace then keyevent;
// the list is what redis-server 7.0 publishes (checked against it when
// installed).
func TestPubSubKeyspaceNotifications(t *testing.T) {
	want := []string{
		"__keyspace@0__:l rpush", "__keyevent@0__:rpush l",
		"__keyspace@0__:l lpop", "__keyevent@0__:lpop l",
		"__keyspace@0__:l rpop", "__keyevent@0__:rpop l",
		"__keyspace@0__:z zadd", "__keyevent@0__:zadd z",
		"__keyspace@0__:z zincr", "__keyevent@0__:zincr z",
		"__keyspace@0__:z zrem", "__keyevent@0__:zrem z",
		"__keyspace@0__:z zpopmin", "__keyevent@0__:zpopmin z",
		"__keyspace@3__:l3 lpush", "__keyevent@3__:lpush l3",
	}
	for _, target := range stringTargets(t) {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", target.name, proto), func(t *testing.T) {
				opts := &redis.Options{Addr: target.addr, Protocol: proto, DisableIdentity: true}
				rc := redis.NewClient(opts)
				defer rc.Close()
				rc.FlushAll(ctx)
				if err := rc.ConfigSet(ctx, "notify-keyspace-events", "KElz").Err(); err != nil {
					t.Fatal(err)
				}
				defer rc.ConfigSet(ctx, "notify-keyspace-events", "")
				ps := rc.PSubscribe(ctx, "__key*__:*")
				defer ps.Close()
				if _, err := ps.Receive(ctx); err != nil {
					t.Fatal(err)
				}
				for _, cmd := range []string{
					"RPUSH l a b c", "LPOP l", "RPOP l 2", "HSET h f v", "SADD s m",
					"ZADD z 1 a 2 b", "ZINCRBY z 1 a", "ZREM z b", "ZPOPMIN z",
					"SELECT 3", "LPUSH l3 x", "SELECT 0",
				} {
					if err := rc.Do(ctx, strArgs(cmd)...).Err(); err != nil {
						t.Fatalf("%s: %v", cmd, err)
					}
				}
				var got []string
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				for len(got) < len(want) {
					m, err := ps.ReceiveMessage(ctx)
					if err != nil {
						t.Fatalf("after %q: %v", got, err)
					}
					got = append(got, m.Channel+" "+m.Payload)
				}
				if !slices.Equal(got, want) {
					t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		}
	}
}

// strArgs splits a command at spaces for go-redis's Do.
func strArgs(cmd string) []any {
	var args []any
	for _, f := range strings.Fields(cmd) {
		args = append(args, f)
	}
	return args
}

// Keyspace events cost nothing while notify-keyspace-events is empty: no
// sink is installed; K or E without a class (or a class without K or E)
// publishes nothing either, as in Redis. The setting applies from startup
// and at CONFIG SET.
func TestPubSubKeyspaceSinkOnlyWhenEnabled(t *testing.T) {
	if s, _ := startTestServer(t, "--notify-keyspace-events", "Kl"); s.keyspaceEvents == nil {
		t.Error("notify-keyspace-events Kl at startup: no sink")
	}
	s, addr := startTestServer(t)
	sinkSet := func() bool { return locked(s, func() bool { return s.keyspaceEvents != nil }) }
	for _, tc := range []struct {
		flags string
		set   bool
	}{{"", false}, {"KE", false}, {"gl", false}, {"Kl", true}, {"Eg", true}, {"A", false}, {"KEA", true}, {"", false}} {
		if reply, err := diffRequest(addr, "CONFIG", "SET", "notify-keyspace-events", tc.flags); reply != "+OK\r\n" {
			t.Fatalf("CONFIG SET notify-keyspace-events %q: %q, %v", tc.flags, reply, err)
		}
		if sinkSet() != tc.set {
			t.Errorf("notify-keyspace-events %q: sink installed %v, want %v", tc.flags, sinkSet(), tc.set)
		}
	}
}

// TestPubSubReplication: PUBLISH and SPUBLISH on a master reach the
// subscribers of its replica, respd or Redis on either side; inside MULTI
// too.
func TestPubSubReplication(t *testing.T) {
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		m := newInteropNode(t, masterKind, "master")
		r := newInteropNode(t, replicaKind, "replica", m.replicaOf()...)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		for proto, sub := range map[int]*redis.Client{2: r.clients["resp2"], 3: r.clients["resp3"]} {
			ps := sub.Subscribe(ctx, "news")
			if err := ps.PSubscribe(ctx, "n*"); err != nil {
				t.Fatal(err)
			}
			if err := ps.SSubscribe(ctx, "shard"); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := ps.Receive(ctx); err != nil {
					t.Fatal(err)
				}
			}
			// From another database than the replica's master client's:
			// subscriptions have none.
			master := redis.NewClient(&redis.Options{Addr: m.addr, DB: 5, DisableIdentity: true})
			if n := master.Publish(ctx, "news", "hello").Val(); n != 0 {
				t.Errorf("PUBLISH on the master reached %d of its subscribers", n)
			}
			master.SPublish(ctx, "shard", "sharded")
			m.rc().TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "k", "v", 0)
				p.Publish(ctx, "news", "in multi")
				return nil
			})
			var got []string
			for range 4 {
				msg, err := ps.ReceiveMessage(ctx)
				if err != nil {
					t.Fatalf("resp%d: after %q: %v", proto, got, err)
				}
				got = append(got, fmt.Sprintf("%s %s %s", msg.Pattern, msg.Channel, msg.Payload))
			}
			want := []string{" news hello", "n* news hello", " shard sharded", " news in multi"}
			if !slices.Equal(got, want) {
				t.Errorf("resp%d: the replica's subscriber got %q, want %q", proto, got, want)
			}
			ps.Close()
			master.Close()
		}
		waitReplicaCaughtUp(t, m.addr, r.addr)
		if v, err := r.rc().Do(ctx, "GET", "k").Result(); v != "v" {
			t.Errorf("the transaction's SET did not reach the replica: %q, %v", v, err)
		}
	})
}

// PUBLISH goes to the replicas but not to the AOF, and counts no change.
func TestPubSubPublishNotInAOF(t *testing.T) {
	dir := t.TempDir()
	s, addr := startTestServer(t, "--dir", dir, "--appendonly", "yes")
	dirty := func() int64 { return locked(s, func() int64 { return s.stats.dirty }) }
	before := dirty()
	expectReplies(t, addr, "PUBLISH ch m", ":0\r\n", "SET k v", "+OK\r\n", "PUBLISH ch2 m2", ":0\r\n")
	if d := dirty() - before; d != 1 {
		t.Errorf("PUBLISH counted as a change: dirty +%d, want +1 (the SET)", d)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	var aof []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		aof = append(aof, b...)
	}
	if !bytes.Contains(aof, []byte("SET")) || bytes.Contains(bytes.ToUpper(aof), []byte("PUBLISH")) {
		t.Errorf("AOF: %q", aof)
	}
}

// rawSubscriber subscribes a connection that will not read again, its
// receive buffer small so that what it does not read piles up in the
// server soon.
func rawSubscriber(t *testing.T, addr string, channel string) *rawConn {
	t.Helper()
	rc := dialRaw(t, addr)
	rc.nc.(*net.TCPConn).SetReadBuffer(4 << 10)
	rc.do(fmt.Sprintf("*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n", len(channel), channel), "SUBSCRIBE", channel)
	return rc
}

// closedByServer reads what the server sent until it closes the
// connection; false if it is still open after 10 s.
func closedByServer(rc *rawConn) bool {
	rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, rc.r)
	return err == nil
}

// serverSide is the server's client at rc's end, nil once it is gone;
// with the lock held, fn sees it. (A test can't read to the end what the
// server had sent a reader that stalled: with a receive buffer smaller
// than a segment, Linux's window updates wait for probes that back off to
// minutes.)
func serverSide[T any](s *Server, rc *rawConn, fn func(*Client) T) T {
	local := rc.nc.LocalAddr().String()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		if c.addr == local {
			return fn(c)
		}
	}
	return fn(nil)
}

// A subscriber that never reads is closed at the hard limit of
// client-output-buffer-limit pubsub, logged as Redis logs it, its output
// never far past the limit meanwhile; the publisher, a subscriber that
// reads and another client are served all along.
func TestPubSubSlowSubscriberHardLimit(t *testing.T) {
	const limit = 1 << 20
	s, addr := startTestServer(t, "--client-output-buffer-limit", "pubsub 1mb 0 0")
	log := captureLog(s)
	slow := rawSubscriber(t, addr, "flood")

	// A subscriber that reads, as fast as it can: it gets every message.
	// The publisher keeps at most 64 messages (256 KiB) ahead of it, so
	// that it stays under the limit however busy the machine (on the
	// redcon engine what a writer goroutine has yet to write counts too).
	fast := dialRaw(t, addr)
	fast.do("*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n", "SUBSCRIBE", "flood")
	const messages, ahead = 4000, 64 // of 4 KiB: 16 MiB, 16 times the limit
	payload := strings.Repeat("x", 4<<10)
	message := fmt.Sprintf("*3\r\n$7\r\nmessage\r\n$5\r\nflood\r\n$%d\r\n%s\r\n", len(payload), payload)
	var read atomic.Int64
	received := make(chan int64)
	go func() {
		fast.nc.SetReadDeadline(time.Now().Add(60 * time.Second))
		buf := make([]byte, 64<<10)
		for read.Load() < int64(messages*len(message)) {
			n, err := fast.r.Read(buf)
			read.Add(int64(n))
			if err != nil {
				break
			}
		}
		received <- read.Load()
	}()
	// Another client, pinging all along.
	stop := make(chan struct{})
	pingWorst := make(chan time.Duration)
	go func() {
		other := newClients(t, addr)["resp2"]
		worst := time.Duration(0)
		for {
			select {
			case <-stop:
				pingWorst <- worst
				return
			default:
			}
			start := time.Now()
			other.Ping(ctx)
			worst = max(worst, time.Since(start))
			time.Sleep(time.Millisecond)
		}
	}()

	pub := newClients(t, addr)["resp2"]
	publishWorst, mostHeld := time.Duration(0), 0
	for i := range messages {
		for deadline := time.Now().Add(60 * time.Second); read.Load() < int64((i-ahead)*len(message)); {
			if time.Now().After(deadline) {
				t.Fatalf("the subscriber that reads got %d bytes of the first %d messages in 60 s", read.Load(), i-ahead)
			}
			time.Sleep(100 * time.Microsecond)
		}
		start := time.Now()
		n, err := pub.Publish(ctx, "flood", payload).Result()
		publishWorst = max(publishWorst, time.Since(start))
		if err != nil || n < 1 {
			t.Fatalf("PUBLISH %d: %d, %v; log:\n%s", i, n, err, log.String())
		}
		if i%50 == 0 {
			mostHeld = max(mostHeld, serverSide(s, slow, func(c *Client) int {
				if c == nil {
					return 0
				}
				return c.outputSize()
			}))
		}
	}
	close(stop)
	if n := <-received; n != int64(messages*len(message)) {
		t.Errorf("the subscriber that reads got %d bytes of %d messages' %d", n, messages, messages*len(message))
	}
	waitFor(t, func() bool { return serverSide(s, slow, func(c *Client) bool { return c == nil }) })
	if mostHeld > limit+64<<10 {
		t.Errorf("the server held %d bytes for the subscriber that does not read, past the %d limit", mostHeld, limit)
	}
	if !strings.Contains(log.String(), "scheduled to be closed ASAP for overcoming of output buffer limits.") {
		t.Errorf("log:\n%s", log.String())
	}
	// Generous bounds: without the limit the slow reader would hold 16 MiB,
	// and a publisher waiting for it would wait for good.
	if publishWorst > 2*time.Second {
		t.Errorf("a PUBLISH took %v", publishWorst)
	}
	if w := <-pingWorst; w > 2*time.Second {
		t.Errorf("a PING took %v", w)
	}
}

// Over the soft limit for longer than its seconds, a subscriber is closed
// too.
func TestPubSubSlowSubscriberSoftLimit(t *testing.T) {
	s, addr := startTestServer(t, "--client-output-buffer-limit", "pubsub 0 64kb 1")
	log := captureLog(s)
	slow := rawSubscriber(t, addr, "trickle")
	pub := newClients(t, addr)["resp2"]
	payload := strings.Repeat("x", 64<<10)
	deadline := time.Now().Add(30 * time.Second)
	for serverSide(s, slow, func(c *Client) bool { return c != nil && !c.closing }) {
		if time.Now().After(deadline) {
			t.Fatal("still connected after 30 s over the soft limit")
		}
		pub.Publish(ctx, "trickle", payload)
		time.Sleep(10 * time.Millisecond) // a trickle: the soft limit's case
	}
	waitFor(t, func() bool { return serverSide(s, slow, func(c *Client) bool { return c == nil }) })
	if !strings.Contains(log.String(), "for overcoming of output buffer limits.") {
		t.Errorf("log:\n%s", log.String())
	}
}

// INFO counts channels, patterns and shard channels; CLIENT LIST shows a
// subscriber's sub, psub, ssub and P flag; CLIENT KILL TYPE pubsub closes
// subscribers only.
func TestPubSubIntrospection(t *testing.T) {
	addr := startServer(t)
	sub := dialRaw(t, addr)
	sub.send(rwCmd("SUBSCRIBE", "a", "b") + rwCmd("PSUBSCRIBE", "p*") + rwCmd("SSUBSCRIBE", "s"))
	for range 4 {
		rwRead(t, sub)
	}
	other := dialRaw(t, addr)
	info := rawInfo(t, other, "stats")
	for k, v := range map[string]string{"pubsub_channels": "2", "pubsub_patterns": "1", "pubsubshard_channels": "1"} {
		if info[k] != v {
			t.Errorf("INFO %s = %q, want %q", k, info[k], v)
		}
	}
	list := rwCall(t, other, "CLIENT", "LIST", "TYPE", "pubsub").str
	if !strings.Contains(list, " flags=P db=0 sub=2 psub=1 ssub=1 ") || strings.Count(list, "\n") != 1 {
		t.Errorf("CLIENT LIST TYPE pubsub: %q", list)
	}
	if normal := rwCall(t, other, "CLIENT", "LIST", "TYPE", "normal").str; strings.Contains(normal, "flags=P") {
		t.Errorf("CLIENT LIST TYPE normal lists the subscriber: %q", normal)
	}
	if v := rwCall(t, other, "CLIENT", "KILL", "TYPE", "pubsub"); v.raw == nil || string(v.raw) != ":1\r\n" {
		t.Errorf("CLIENT KILL TYPE pubsub: %q", v.raw)
	}
	if !closedByServer(sub) {
		t.Fatal("subscriber not killed")
	}
	if v := rwCall(t, other, "PING"); v.str != "PONG" {
		t.Errorf("the other client: %q", v.raw)
	}
	info = rawInfo(t, other, "stats")
	if info["pubsub_channels"] != "0" || info["pubsub_patterns"] != "0" || info["pubsubshard_channels"] != "0" {
		t.Errorf("after the kill: %v", info)
	}
}

// PUBLISH to a few subscribers allocates nothing per request: the message
// is encoded once into a buffer the server keeps.
func TestPubSubPublishDoesNotAllocate(t *testing.T) {
	epollOnly(t, "allocates in redcon's parser: a copy of each request and its argument slice")
	addr := startServer(t)
	for _, resp3 := range []bool{false, true} {
		sub := dialRaw(t, addr)
		cmds := []string{rwCmd("SUBSCRIBE", "ch"), rwCmd("PSUBSCRIBE", "c*")}
		if resp3 {
			cmds = append([]string{rwCmd("HELLO", "3")}, cmds...)
		}
		for _, cmd := range cmds {
			sub.send(cmd)
			sub.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
			if _, err := diffReadReply(sub.r); err != nil {
				t.Fatal(err)
			}
		}
		go func() { // reads and drops, allocating nothing
			buf := make([]byte, 64<<10)
			sub.nc.SetReadDeadline(time.Time{})
			for {
				if _, err := sub.nc.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	batch := bytes.Repeat([]byte(rwCmd("PUBLISH", "ch", "a message of some length")), 16)
	buf := make([]byte, 1<<16)
	run := func(rounds int) {
		for range rounds {
			nc.Write(batch)
			for lines := 0; lines < 16; {
				n, err := nc.Read(buf)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(buf[:n], []byte(":4\r\n")) {
					t.Fatalf("PUBLISH replied %q", buf[:n])
				}
				lines += bytes.Count(buf[:n], []byte("\r\n"))
			}
		}
	}
	run(100)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	run(500)
	runtime.ReadMemStats(&after)
	if perRequest := float64(after.Mallocs-before.Mallocs) / (500 * 16); perRequest > 0.05 {
		t.Errorf("%.2f allocations per PUBLISH", perRequest)
	}
}

// The timeout setting spares subscribers, as Redis does: they wait for
// messages by design.
func TestPubSubSubscriberNotTimedOut(t *testing.T) {
	s, addr := startTestServer(t, "--timeout", "1")
	sub := rawSubscriber(t, addr, "ch")
	idle := dialRaw(t, addr)
	idle.do("+PONG\r\n", "PING")
	waitFor(t, func() bool { return serverSide(s, idle, func(c *Client) bool { return c == nil }) })
	if serverSide(s, sub, func(c *Client) bool { return c == nil }) {
		t.Fatal("the subscriber was timed out with the idle client")
	}
}

// A RESP3 subscriber blocked in BLPOP still gets its messages, as pushes
// before the reply that ends the wait.
func TestPubSubBlockedSubscriberGetsMessages(t *testing.T) {
	for _, target := range stringTargets(t) {
		t.Run(target.name, func(t *testing.T) {
			sub := dialRaw(t, target.addr)
			sub.send(rwCmd("HELLO", "3") + rwCmd("SUBSCRIBE", "ch") + rwCmd("BLPOP", "pubsub:list", "0"))
			for range 2 { // HELLO's map and the confirmation
				sub.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
				if _, err := diffReadReply(sub.r); err != nil {
					t.Fatal(err)
				}
			}
			other := dialRaw(t, target.addr)
			waitFor(t, func() bool { return rawInfo(t, other, "clients")["blocked_clients"] == "1" })
			other.do(":1\r\n", "PUBLISH", "ch", "while blocked")
			sub.expect(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$13\r\nwhile blocked\r\n")
			other.do(":1\r\n", "LPUSH", "pubsub:list", "v")
			sub.expect("*2\r\n$11\r\npubsub:list\r\n$1\r\nv\r\n")
		})
	}
}
