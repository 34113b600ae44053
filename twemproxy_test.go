package main

// respd behind twemproxy (nutcracker), beside the same topology of real
// Redis nodes: three nodes behind one nutcracker each (ketama over fnv1a_64,
// auto_eject_hosts), one script of the commands twemproxy forwards sent
// through both proxies with byte-identical replies required, the keys
// placed on the same nodes, and a node killed then restarted: ejected,
// its keys served elsewhere, readmitted after server_retry_timeout, as
// nutcracker does with Redis nodes.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// twemRetryTimeout is the pools' server_retry_timeout: how long an
// ejected node stays out.
const twemRetryTimeout = 2 * time.Second

// twemTopology is three nodes of one kind behind a nutcracker.
type twemTopology struct {
	nodes []*serverProc
	proxy *serverProc
	db2   string // the address of the pool on database 2
}

// startTwemTopology starts three nodes of bin (redis-server or respd's
// binary) and a nutcracker in front of them, with two pools: the second
// has nutcracker SELECT 2 on each connection it opens to a node.
func startTwemTopology(t *testing.T, bin string) *twemTopology {
	t.Helper()
	topo := &twemTopology{}
	for range 3 {
		topo.nodes = append(topo.nodes, startProc(t, nil, bin, t.TempDir(), "--save", "", "--appendonly", "no"))
	}
	listen, listenDB2 := "127.0.0.1:"+freePort(t), "127.0.0.1:"+freePort(t)
	topo.proxy = startNutcracker(t, twemPool("pool", listen, "", topo.nodes)+
		twemPool("db2", listenDB2, "  redis_db: 2\n", topo.nodes), listen, listenDB2)
	topo.db2 = listenDB2
	return topo
}

// twemPool is one pool of a nutcracker configuration: what every pool
// here has, extra's settings and the nodes. The nodes are named, so that
// ketama places keys by name, not by port: the same key lands on the same
// node index in both topologies.
func twemPool(name, listen, extra string, nodes []*serverProc) string {
	pool := name + ":\n" +
		"  listen: " + listen + "\n" +
		"  hash: fnv1a_64\n" +
		"  distribution: ketama\n" +
		"  redis: true\n" + extra +
		"  auto_eject_hosts: true\n" +
		fmt.Sprintf("  server_retry_timeout: %d\n", twemRetryTimeout.Milliseconds()) +
		"  server_failure_limit: 1\n" +
		"  servers:\n"
	for i, n := range nodes {
		pool += fmt.Sprintf("   - %s:1 node%d\n", n.addr, i)
	}
	return pool
}

// startNutcracker runs nutcracker with this configuration for the test's
// lifetime, and waits until it accepts connections on the pools'
// addresses (listens, the first the process's addr).
func startNutcracker(t *testing.T, conf string, listens ...string) *serverProc {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "nutcracker.yml"), conf)
	p := spawnProc(t, listens[0], dir, []string{"nutcracker", "-c", filepath.Join(dir, "nutcracker.yml"),
		"-s", freePort(t), "-a", "127.0.0.1", "-o", filepath.Join(dir, "nutcracker.log")})
	for _, addr := range listens {
		// nutcracker listens on every pool before it serves any: a
		// connection accepted is one it will read.
		for deadline := time.Now().Add(10 * time.Second); ; {
			c, err := diffDial(addr)
			if err == nil {
				c.close()
				break
			}
			select {
			case <-p.done:
				log, _ := os.ReadFile(filepath.Join(dir, "nutcracker.log"))
				t.Fatalf("nutcracker exited: %s%s", p.out.String(), log)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("nutcracker not listening on %s within 10 s", addr)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return p
}

// twemScript is what an application sends through twemproxy: commands of
// one key each, routed by it, EVAL routed by its first key, and MGET,
// MSET and DEL split across the nodes and their replies merged.
var twemScript = `
PING
LOLWUT VERSION 5 10 1 1
SET s1 hello
GET s1
APPEND s1 " world"
STRLEN s1
GETRANGE s1 0 4
SETRANGE s1 0 J
GETSET s1 x
SETNX s1 y
SET s2 v EX 100 NX
SET s2 v XX GET
SETEX s3 100 v
PSETEX s4 100000 v
MSET m1 a m2 b m3 c m4 d m5 e m6 f
MGET s1 s2 m1 m2 m3 m4 m5 m6 nokey
INCR n1
INCRBY n1 10
DECR n1
DECRBY n1 3
INCRBYFLOAT f1 1.5
INCR s1
EXISTS s1
EXISTS nokey
EXPIRE s1 100
TTL s1
PERSIST s1
TTL s1
TTL nokey
TYPE s1
HSET h f1 v1 f2 v2 f3 3
HGET h f1
HMGET h f1 nofield f2
HGETALL h
HINCRBY h f3 7
HINCRBYFLOAT h f3 0.5
HDEL h f2 nofield
HLEN h
HEXISTS h f1
HKEYS h
HVALS h
HSETNX h f1 other
HSTRLEN h f1
GET h
RPUSH l a b c d
LPUSH l z
LRANGE l 0 -1
LINDEX l 2
LSET l 0 y
LINSERT l BEFORE c bb
LREM l 1 bb
LTRIM l 0 3
LPOP l
RPOP l 2
LLEN l
LPOS l c
SADD st 3 1 2 5
SADD st 2
SMEMBERS st
SISMEMBER st 5
SMISMEMBER st 1 4
SREM st 5 9
SCARD st
ZADD z 1 a 2 b 3 c
ZADD z XX CH 5 a
ZRANGE z 0 -1 WITHSCORES
ZREVRANGE z 0 1
ZSCORE z b
ZINCRBY z 1.5 b
ZRANK z a
ZCOUNT z 2 4
ZRANGEBYSCORE z (2 +inf
ZREM z c
ZCARD z
ZPOPMIN z
EVAL "return redis.call('incr', KEYS[1])" 1 ev1
EVAL "return {KEYS[1], ARGV[1], 3, {redis.call('get', KEYS[1])}}" 1 ev1 arg
EVAL "return redis.call('hgetall', KEYS[1])" 1 h
EVAL "return redis.status_reply('FINE')" 1 ev2
EVAL "return redis.error_reply('MINE failed')" 1 ev2
EVAL "return redis.call('get', KEYS[1], 'extra')" 1 ev2
EVAL "return 1.9" 1 ev2
EVAL "return nil" 1 ev2
EVALSHA 2bab3b661081db58bd2341920e0ba7cf5dc77b25 1 ev1
EVALSHA 0b2f5b5d9cb6f8a2b1c7ab4d3b2b3c8b2e0a2c01 1 ev2
GETEX s2 PERSIST
TTL s2
GETDEL s3
GETDEL s3
SETBIT b 7 1
SETBIT b 100 1
GETBIT b 7
BITCOUNT b
BITPOS b 1 2
BITFIELD b GET u8 0 INCRBY i5 100 1
LPUSHX nolist a
RPUSHX l e
RPOPLPUSH l l
LMOVE l l LEFT RIGHT
LRANGE l 0 -1
SORT l ALPHA
SADD st2 1 7
SINTER st st2
SUNION st st2
SDIFF st st2
SMOVE st st2 1
SRANDMEMBER st 0
SSCAN st 0
HSCAN h 0
ZSCAN z 0
HMSET h2 a 1 b 2
ZADD z2 1 a 4 d
ZUNION 2 z z2 WITHSCORES
ZINTERSTORE z3 2 z z2
ZRANGEBYLEX z - +
ZLEXCOUNT z - +
ZMSCORE z a b nomember
ZREVRANK z a
ZPOPMAX z2
ZRANGESTORE z4 z 0 -1
ZREMRANGEBYRANK z4 0 0
ZREVRANGEBYSCORE z +inf -inf
PFADD hll a b c
PFCOUNT hll
GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
GEODIST g Palermo Catania km
GEOPOS g Palermo nomember
GEOHASH g Palermo Catania
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST
GEORADIUS g 15 37 200 km ASC
DUMP s1
DUMP n1
EXISTS s1 s2 m1 nokey
UNLINK m1 nokey
DEL s1 s2 s3 s4 m1 m2 m3 nokey
MGET s1 m1 m4 m5
EXISTS m4
DEL m4 m5 m6 n1 f1 h l st z ev1 b st2 h2 z2 z3 z4 hll g
MGET m4 m5 m6
`

// twemPlacementKeys are the keys the script holds before its last DEL,
// spread over the three nodes.
var twemPlacementKeys = []string{"m4", "m5", "m6", "n1", "f1", "h", "l", "st", "z", "ev1"}

// twemSend sends one command on c and returns the reply as the
// differential tests compare it.
func twemSend(c *diffConn, args ...string) string {
	return diffOutcome(c.do(diffEncode(stringArgv(args...))))
}

// twemNodeOf is the index of the node that holds key in database db, or
// -1.
func twemNodeOf(t *testing.T, topo *twemTopology, db, key string) int {
	t.Helper()
	for i, n := range topo.nodes {
		c, err := diffDial(n.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		if reply := twemSend(c, "SELECT", db); reply != "+OK\r\n" {
			t.Fatalf("SELECT %s: %q", db, reply)
		}
		if reply := twemSend(c, "EXISTS", key); reply == ":1\r\n" {
			return i
		}
	}
	return -1
}

func TestTwemproxy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs nutcracker, redis-server and respd's binary")
	}
	requireCommand(t, "nutcracker", "nutcracker")
	interopRequireRedis(t)
	kinds := []string{"redis", "respd"}
	topos := map[string]*twemTopology{
		"redis": startTwemTopology(t, "redis-server"),
		"respd": startTwemTopology(t, buildRespd(t)),
	}

	t.Run("script", func(t *testing.T) {
		conns := map[string]*diffConn{}
		for _, kind := range kinds {
			c, err := diffDial(topos[kind].proxy.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			conns[kind] = c
		}
		for i, line := range strings.Split(strings.TrimSpace(twemScript), "\n") {
			args, err := diffSplitArgs(line)
			if err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if strings.HasPrefix(line, "DEL m4") {
				// Before the last DELs: every key on the same node
				// index in both topologies, and on all three nodes.
				used := map[int]bool{}
				for _, key := range twemPlacementKeys {
					want := twemNodeOf(t, topos["redis"], "0", key)
					if got := twemNodeOf(t, topos["respd"], "0", key); got != want || want < 0 {
						t.Errorf("%s: on respd's node %d, redis's %d", key, got, want)
					}
					used[want] = true
				}
				if len(used) != 3 {
					t.Errorf("the keys are on %d node(s) of 3", len(used))
				}
			}
			payload := diffEncode(args)
			redis := diffOutcome(conns["redis"].do(payload))
			respd := diffOutcome(conns["respd"].do(payload))
			if redis != respd {
				t.Errorf("line %d: %s\n  redis: %q\n  respd: %q", i+1, line, redis, respd)
			} else if strings.HasPrefix(redis, "<") {
				t.Fatalf("line %d: %s: %s through nutcracker", i+1, line, redis)
			}
			if os.Getenv("DIFFTEST_VERBOSE") != "" {
				t.Logf("%s -> %q", line, redis)
			}
		}
	})

	// nutcracker passes COMMAND on to a node (for redis-cli): respd's
	// reply, as deep as any, arrives whole.
	t.Run("COMMAND", func(t *testing.T) {
		for _, kind := range kinds {
			direct, err := diffRequest(topos[kind].nodes[0].addr, "COMMAND")
			if err != nil {
				t.Fatal(err)
			}
			if proxied, err := diffRequest(topos[kind].proxy.addr, "COMMAND"); proxied != direct {
				t.Errorf("%s: COMMAND through nutcracker: %d bytes (%v), from a node %d",
					kind, len(proxied), err, len(direct))
			}
		}
	})

	// A pool with redis_db: nutcracker's SELECT on connecting is answered
	// (it parses that reply too), and the keys are in that database.
	t.Run("redis_db", func(t *testing.T) {
		for _, kind := range kinds {
			expectReplies(t, topos[kind].db2, "SET d2key v", "+OK\r\n", "GET d2key", "$1\r\nv\r\n")
		}
		want := twemNodeOf(t, topos["redis"], "2", "d2key")
		if got := twemNodeOf(t, topos["respd"], "2", "d2key"); got != want || want < 0 {
			t.Errorf("d2key in database 2 of respd's node %d, redis's %d", got, want)
		}
		for _, kind := range kinds {
			if n := twemNodeOf(t, topos[kind], "0", "d2key"); n >= 0 {
				t.Errorf("%s: d2key in database 0 of node %d", kind, n)
			}
		}
	})

	// Pools with redis_auth: nutcracker sends AUTH on connecting to a
	// node (and asks its clients for the password itself).
	t.Run("redis_auth", func(t *testing.T) {
		transcripts := map[string][]string{}
		for _, kind := range kinds {
			node := topos[kind].nodes[0]
			node = startProc(t, nil, node.cmd.Args[0], t.TempDir(), "--save", "", "--appendonly", "no")
			if reply, err := diffRequest(node.addr, "CONFIG", "SET", "requirepass", "twempw"); reply != "+OK\r\n" {
				t.Fatalf("CONFIG SET requirepass: %q %v", reply, err)
			}
			good, bad := "127.0.0.1:"+freePort(t), "127.0.0.1:"+freePort(t)
			nodes := []*serverProc{node}
			startNutcracker(t, twemPool("auth", good, "  redis_auth: twempw\n", nodes)+
				twemPool("badauth", bad, "  redis_auth: notpw\n", nodes), good, bad)
			for _, pool := range []struct{ addr, password string }{{good, "twempw"}, {bad, "notpw"}} {
				c, err := diffDial(pool.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.close()
				for _, cmd := range []string{"GET a", "AUTH nopw", "AUTH " + pool.password, "SET a v", "GET a"} {
					transcripts[kind] = append(transcripts[kind], cmd+" -> "+twemSend(c, strings.Fields(cmd)...))
				}
			}
		}
		if !slices.Equal(transcripts["redis"], transcripts["respd"]) {
			t.Errorf("through pools with redis_auth:\n  redis: %q\n  respd: %q", transcripts["redis"], transcripts["respd"])
		}
		if got := transcripts["redis"][4]; got != "GET a -> $1\r\nv\r\n" {
			t.Errorf("through the pool with the password: %q", got)
		}
		t.Logf("through nutcracker to Redis nodes: %q", transcripts["redis"])
	})

	t.Run("eject", func(t *testing.T) {
		transcripts := map[string][]string{}
		for _, kind := range kinds {
			transcripts[kind] = twemEject(t, topos[kind])
		}
		t.Logf("through nutcracker to Redis nodes: %q", transcripts["redis"])
		if !slices.Equal(transcripts["redis"], transcripts["respd"]) {
			t.Errorf("a node killed and restarted:\n  redis: %q\n  respd: %q",
				transcripts["redis"], transcripts["respd"])
		}
	})
}

// twemEject kills the second node of topo, waits until nutcracker has
// ejected it (its keys served by the others), restarts it and waits until
// it is readmitted, no sooner than server_retry_timeout after its last
// ejection. It returns what the proxy answered on the way, less the
// connection errors whose number depends on timing.
func twemEject(t *testing.T, topo *twemTopology) []string {
	c, err := diffDial(topo.proxy.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var transcript []string
	record := func(args ...string) string {
		reply := twemSend(c, args...)
		transcript = append(transcript, strings.Join(args, " ")+" -> "+reply)
		return reply
	}

	// A key of the second node and one of each other node.
	keys := map[int]string{}
	for i := 0; len(keys) < 3; i++ {
		if i == 1000 {
			t.Fatalf("a thousand keys and not one on each node: %v", keys)
		}
		key := fmt.Sprintf("k%d", i)
		if reply := twemSend(c, "SET", key, "v"+key); reply != "+OK\r\n" {
			t.Fatalf("SET %s: %q", key, reply)
		}
		if n := twemNodeOf(t, topo, "0", key); keys[n] == "" {
			keys[n] = key
		}
	}
	victim := keys[1]

	// lastEject is no later than nutcracker's last ejection of the node:
	// the kill (its connections close), or a request sent to it since
	// (nutcracker tries it again after server_retry_timeout, and a
	// refused connection ejects it again).
	lastEject := time.Now()
	topo.nodes[1].kill()
	var errs []string
	ok := func(args ...string) string {
		for deadline := time.Now().Add(10 * time.Second); ; {
			sent := time.Now()
			reply := twemSend(c, args...)
			if !strings.HasPrefix(reply, "-") {
				return reply
			}
			errs = append(errs, reply)
			lastEject = sent
			if time.Now().After(deadline) {
				t.Fatalf("%s: still %q 10 s after the node was killed", strings.Join(args, " "), reply)
			}
		}
	}
	// Ejected: the victim's key is on no node now up, the others' are
	// where they were.
	transcript = append(transcript, "GET "+victim+" -> "+ok("GET", victim))
	transcript = append(transcript, "SET "+victim+" -> "+ok("SET", victim, "elsewhere"))
	transcript = append(transcript, "GET "+victim+" -> "+ok("GET", victim))
	transcript = append(transcript, "MGET -> "+ok("MGET", keys[0], victim, keys[2]))
	for _, reply := range errs {
		// nutcracker's own error for a node it cannot reach.
		if !strings.HasPrefix(reply, "-ERR ") {
			t.Errorf("a request to the killed node: %q", reply)
		}
	}

	// Started again as it was: same port, same directory, same flags.
	old := topo.nodes[1]
	topo.nodes[1] = spawnProc(t, old.addr, old.cmd.Dir, old.cmd.Args)
	if err := awaitPong(old.addr, topo.nodes[1].done); err != nil {
		t.Fatalf("%s again: %v: %s", old.cmd.Args[0], err, topo.nodes[1].out.String())
	}
	if reply, err := diffRequest(topo.nodes[1].addr, "SET", victim, "home"); err != nil || reply != "+OK\r\n" {
		t.Fatalf("SET on the restarted node: %q %v", reply, err)
	}
	for deadline := time.Now().Add(twemRetryTimeout + 10*time.Second); ; {
		reply := twemSend(c, "GET", victim)
		if reply == "$4\r\nhome\r\n" {
			if since := time.Since(lastEject); since < twemRetryTimeout {
				t.Errorf("readmitted %v after its ejection, before server_retry_timeout (%v)", since, twemRetryTimeout)
			}
			break
		}
		if reply != "$9\r\nelsewhere\r\n" {
			t.Fatalf("GET %s while the node is out: %q", victim, reply)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted node not readmitted within %v", twemRetryTimeout+10*time.Second)
		}
	}
	record("MGET", keys[0], victim, keys[2])
	record("DEL", keys[0], victim, keys[2])
	record("MGET", keys[0], victim, keys[2])
	return transcript
}
