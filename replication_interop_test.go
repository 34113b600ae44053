package main

// Replication interoperability and fault tests. Each test runs over every
// (master, replica) pair of respd and a real redis-server:
//
//	master=redis,replica=redis   validates the harness itself
//	master=respd,replica=redis   respd as master, Redis as replica
//	master=redis,replica=respd   Redis as master, respd as replica
//	master=respd,replica=respd
//
//	go test -run 'TestRepl(Interop|Fault)'
//	go test -run 'TestReplInterop/master=redis,replica=respd'
//
// Pairs that need redis-server are skipped when it is not installed (they
// fail when the CI environment variable is set).
//
// What real Redis 7.0 needs, learnt by running it:
//   - A replica restarted with the same --dir resyncs partially only if the
//     RDB it loads carries the replication id and offset of its dataset. With
//     --save "" a plain SHUTDOWN saves nothing, and the replica then reloads
//     the RDB left over from its last full sync (kept because
//     rdb-del-sync-files is no): it asks for a partial resync from that old
//     offset, which works only while the master's backlog still holds
//     everything since then. So the replica is stopped with SHUTDOWN SAVE.
//   - A master stopped with SHUTDOWN SAVE and restarted on the same port and
//     --dir keeps its old replication id as master_replid2 (with
//     second_repl_offset) and its offset, so its replica resyncs partially.
//   - A Redis master's SHUTDOWN first waits (up to shutdown-timeout) for its
//     replicas to acknowledge the whole stream.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os/exec"
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

const (
	interopRedis = "redis"
	interopRespd = "respd"
)

// interopPairs are the (master, replica) kinds every test runs over.
var interopPairs = [][2]string{
	{interopRedis, interopRedis},
	{interopRespd, interopRedis},
	{interopRedis, interopRespd},
	{interopRespd, interopRespd},
}

// interopDBs are the databases the workload writes to; interopAllDBs are
// the ones compared (all, to catch writes landing in the wrong database).
var (
	interopDBs    = []int{0, 1, 5}
	interopAllDBs = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
)

// interopTTLTolerance is how far the expire times of a key may differ
// between master and replica (Redis propagates absolute times, so they are
// equal), and how close to expiring a key present on one side only must be.
const interopTTLTolerance = 1000 // ms

// interopForPairs runs f as one subtest per pair.
func interopForPairs(t *testing.T, f func(t *testing.T, master, replica string)) {
	for _, p := range interopPairs {
		t.Run("master="+p[0]+",replica="+p[1], func(t *testing.T) {
			if p[0] == interopRedis || p[1] == interopRedis {
				interopRequireRedis(t)
			}
			f(t, p[0], p[1])
		})
	}
}

// ---- nodes ----

// interopNode is one server of either kind that can be stopped and started
// again on the same port with the same data directory.
type interopNode struct {
	t    *testing.T
	kind string
	name string   // for messages: "master", "replica A", ...
	args []string // redis-server style flags, without --port
	port int      // 0 until first started
	addr string

	srv     *Server           // respd
	proc    *interopRedisProc // redis
	clients map[string]*redis.Client
}

// newInteropNode starts a server of the given kind in a fresh data
// directory, with no save points, diskless sync without delay, and extra.
func newInteropNode(t *testing.T, kind, name string, extra ...string) *interopNode {
	t.Helper()
	n := &interopNode{t: t, kind: kind, name: name}
	n.args = append([]string{"--save", "", "--appendonly", "no", "--dir", t.TempDir(),
		"--repl-diskless-sync-delay", "0"}, extra...)
	n.start()
	return n
}

// replicaOf are the flags that make a server a replica of n.
func (n *interopNode) replicaOf() []string {
	return []string{"--replicaof", "127.0.0.1 " + strconv.Itoa(n.port)}
}

func (n *interopNode) String() string { return fmt.Sprintf("%s (%s, %s)", n.name, n.kind, n.addr) }

// start starts the server, on its previous port if it had one.
func (n *interopNode) start() {
	t := n.t
	t.Helper()
	switch {
	case n.kind == interopRedis:
		if n.port == 0 {
			n.port, _ = strconv.Atoi(freePort(t))
		}
		n.proc = interopStartRedis(t, n.port, n.args...)
		n.addr = n.proc.addr
	case n.port == 0:
		n.srv, n.addr = startTestServer(t, n.args...)
		_, port, _ := net.SplitHostPort(n.addr)
		n.port, _ = strconv.Atoi(port)
	default:
		n.srv, n.addr = interopStartRespdAt(t, n.port, n.args...)
	}
	n.clients = newClients(t, n.addr)
}

// rc is a RESP2 client of the running server.
func (n *interopNode) rc() *redis.Client { return n.clients["resp2"] }

// stop stops the server cleanly with SHUTDOWN SAVE, so that it persists its
// dataset and replication id and offset, and waits until it is gone.
func (n *interopNode) stop() {
	t := n.t
	t.Helper()
	c, err := diffDial(n.addr)
	if err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	defer c.close()
	// A Redis master's SHUTDOWN waits for its replicas (shutdown-timeout).
	c.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.c.Write(diffEncode(stringArgv("SHUTDOWN", "SAVE"))); err != nil {
		t.Fatalf("%v: SHUTDOWN: %v", n, err)
	}
	if reply, err := diffReadReply(c.r); err == nil {
		t.Fatalf("%v: SHUTDOWN SAVE replied %q", n, reply)
	}
	if n.kind == interopRedis {
		select {
		case <-n.proc.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%v: still running 30s after SHUTDOWN", n)
		}
	} else {
		n.srv.Shutdown()
	}
}

// interopStartRespdAt is startTestServer on a given port, for restarting a
// server where its replicas (or master) expect it.
func interopStartRespdAt(t *testing.T, port int, args ...string) (*Server, string) {
	t.Helper()
	cfg, err := parseArgs(append(slices.Clone(args), "--port", strconv.Itoa(port), "--bind", "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	return serveConfig(t, cfg)
}

// interopRedisProc is a redis-server process.
type interopRedisProc struct {
	addr string
	done chan struct{} // closed when the process has exited
}

// interopStartRedis is diffStartRedis on a given port, for a server that is
// stopped and started again during the test. It is killed when the test
// ends; if the test failed, the end of its log is shown.
func interopStartRedis(t *testing.T, port int, args ...string) *interopRedisProc {
	t.Helper()
	p := &interopRedisProc{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), done: make(chan struct{})}
	cmd := exec.Command("redis-server", append([]string{"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1", "--daemonize", "no"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			lines = lines[max(0, len(lines)-40):]
			t.Logf("redis-server %s log (end):\n%s", p.addr, strings.Join(lines, "\n"))
		}
	})
	if err := awaitPong(p.addr, p.done); err != nil {
		t.Fatalf("redis-server on %s %v", p.addr, err)
	}
	return p
}

// ---- INFO ----

// infoReplication returns INFO replication of the server at addr.
func infoReplication(t *testing.T, addr string) map[string]string {
	t.Helper()
	return interopInfoSection(t, addr, "replication")
}

// interopSyncs are a master's counters of the syncs it served.
type interopSyncs struct{ full, partialOK, partialErr int }

func (s interopSyncs) String() string {
	return fmt.Sprintf("sync_full=%d sync_partial_ok=%d sync_partial_err=%d", s.full, s.partialOK, s.partialErr)
}

func interopSyncStats(t *testing.T, addr string) interopSyncs {
	t.Helper()
	info := interopInfoSection(t, addr, "stats")
	n := func(k string) int {
		v, err := strconv.Atoi(info[k])
		if err != nil {
			t.Fatalf("INFO stats on %s: %s is %q", addr, k, info[k])
		}
		return v
	}
	return interopSyncs{n("sync_full"), n("sync_partial_ok"), n("sync_partial_err")}
}

// interopExpectSyncs checks that a master served exactly the syncs want.
func interopExpectSyncs(t *testing.T, master *interopNode, what string, want interopSyncs) {
	t.Helper()
	if got := interopSyncStats(t, master.addr); got != want {
		t.Errorf("%s: %v INFO stats %v, want %v", what, master, got, want)
	}
}

// interopOffset is the master_repl_offset of a server.
func interopOffset(t *testing.T, addr string) int64 {
	t.Helper()
	info := infoReplication(t, addr)
	off, err := strconv.ParseInt(info["master_repl_offset"], 10, 64)
	if err != nil {
		t.Fatalf("INFO replication on %s: master_repl_offset %q", addr, info["master_repl_offset"])
	}
	return off
}

// interopWaitLink waits until the replica reports master_link_status as want.
func interopWaitLink(t *testing.T, replica, want string) {
	t.Helper()
	last := "no reply"
	ok := false
	defer func() {
		if !ok {
			t.Logf("%s: master_link_status never became %q; last INFO replication: %s", replica, want, last)
		}
	}()
	waitFor(t, func() bool {
		info, err := interopInfo(replica, "replication")
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprint(info)
		return info["role"] == "slave" && info["master_link_status"] == want
	})
	ok = true
}

// waitReplicaCaughtUp waits until the replica follows the master with its
// link up and has processed the master's whole stream: the replica's
// master_repl_offset equals the master's.
func waitReplicaCaughtUp(t *testing.T, master, replica string) {
	t.Helper()
	_, masterPort, _ := net.SplitHostPort(master)
	last := "no reply"
	ok := false
	defer func() {
		if !ok {
			t.Logf("replica %s did not catch up with master %s: %s", replica, master, last)
		}
	}()
	waitFor(t, func() bool {
		m, err := interopInfo(master, "replication")
		if err != nil {
			last = "master: " + err.Error()
			return false
		}
		r, err := interopInfo(replica, "replication")
		if err != nil {
			last = "replica: " + err.Error()
			return false
		}
		last = fmt.Sprintf("master: role=%s master_repl_offset=%s; replica: role=%s master_port=%s master_link_status=%s master_repl_offset=%s slave_repl_offset=%s",
			m["role"], m["master_repl_offset"], r["role"], r["master_port"], r["master_link_status"],
			r["master_repl_offset"], r["slave_repl_offset"])
		return m["role"] == "master" && m["master_repl_offset"] != "" &&
			r["role"] == "slave" && r["master_port"] == masterPort && r["master_link_status"] == "up" &&
			r["master_repl_offset"] == m["master_repl_offset"]
	})
	ok = true
}

// interopWaitAck checks WAIT 1 5000 on the master acknowledges one replica.
func interopWaitAck(t *testing.T, master *interopNode) {
	t.Helper()
	n, err := master.rc().Do(ctx, "WAIT", 1, 5000).Int64()
	if err != nil || n != 1 {
		t.Errorf("%v: WAIT 1 5000 = %d, %v; want 1", master, n, err)
	}
}

// ---- data types ----

// interopDataType is what the tests know about one Redis data type: the
// data loaded before a replica attaches, the writes of the mixed workload,
// and how to read a value for comparison. Adding a type is adding an entry to
// interopDataTypes.
type interopDataType struct {
	name string // as TYPE reports it
	// load returns the commands that create the i-th key of a database's
	// initial data.
	load func(g *interopGen, i int) []any
	// ops are the type's writes, each a command with its weight.
	ops []interopOp
	// read queues the commands that read a key's value and returns a
	// function giving it, after the pipeline ran, in a form that compares
	// equal for equal values (ok false if the key is gone).
	read func(p redis.Pipeliner, key string) func() (string, bool, error)
}

type interopOp struct {
	weight int
	cmd    func(g *interopGen) []any
}

var interopDataTypes = []interopDataType{
	{
		name: "string",
		load: func(g *interopGen, i int) []any {
			switch i % 10 {
			case 0:
				return []any{"SET", fmt.Sprintf("n:%d", i/10%200), g.r.Int63n(1000)}
			case 1:
				return []any{"SET", fmt.Sprintf("f:%d", i/10%100), g.floatVal()}
			case 2:
				return []any{"SET", g.key(), g.val(), "EX", 100 + g.r.Intn(10000)}
			}
			return []any{"SET", g.key(), g.val()}
		},
		ops: []interopOp{
			{30, func(g *interopGen) []any { return append([]any{"SET", g.key(), g.val()}, g.setOptions()...) }},
			{6, func(g *interopGen) []any {
				return append([]any{"SET", g.intKey(), g.r.Int63n(1000) - 500}, g.setOptions()...)
			}},
			{3, func(g *interopGen) []any { return []any{"SET", g.floatKey(), g.floatVal()} }},
			{2, func(g *interopGen) []any { return []any{"SETEX", g.key(), 100 + g.r.Intn(10000), g.val()} }},
			{2, func(g *interopGen) []any { return []any{"PSETEX", g.key(), g.shortTTL(), g.val()} }},
			{2, func(g *interopGen) []any { return []any{"SETNX", g.key(), g.val()} }},
			{8, func(g *interopGen) []any { return []any{"INCR", g.intKey()} }},
			{3, func(g *interopGen) []any { return []any{"INCRBY", g.intKey(), g.r.Int63n(2000) - 1000} }},
			{2, func(g *interopGen) []any { return []any{"DECR", g.intKey()} }},
			{2, func(g *interopGen) []any { return []any{"DECRBY", g.intKey(), g.r.Intn(100)} }},
			{4, func(g *interopGen) []any { return []any{"INCRBYFLOAT", g.floatKey(), g.floatVal()} }},
			{6, func(g *interopGen) []any { return []any{"APPEND", g.key(), g.val()} }},
			{3, func(g *interopGen) []any { return []any{"SETRANGE", g.key(), g.r.Intn(100), g.val()} }},
			{3, func(g *interopGen) []any { return []any{"GETSET", g.key(), g.val()} }},
			{3, func(g *interopGen) []any { return []any{"GETDEL", g.key()} }},
			{4, func(g *interopGen) []any { return append([]any{"GETEX", g.key()}, g.getexOptions()...) }},
			{4, func(g *interopGen) []any {
				cmd := []any{"MSET"}
				for range 1 + g.r.Intn(5) {
					cmd = append(cmd, g.key(), g.val())
				}
				return cmd
			}},
			{1, func(g *interopGen) []any { return []any{"MSETNX", g.key(), g.val(), g.key(), g.val()} }},
		},
		read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
			get := p.Get(ctx, key)
			return func() (string, bool, error) {
				v, err := get.Result()
				if err == redis.Nil {
					return "", false, nil
				}
				return v, err == nil, err
			}
		},
	},
	interopList,
	interopHash,
	interopSet,
	interopZSet,
	interopStream,
}

// interopStreamMs is the milliseconds of the explicit stream IDs of every
// workload ("xi:" keys): increasing across connections, so that most
// XADDs succeed and XDEL, XACK and XCLAIM name IDs that were added.
var interopStreamMs atomic.Int64

// interopStream is the stream family: "x:" streams of XADD * (some
// trimmed by MAXLEN ~, rewritten exact for the replica), "xi:" streams of
// explicit IDs whose entries are deleted, acknowledged and claimed by ID;
// consumer groups on both, entries delivered by XREADGROUP (propagated as
// XCLAIMs with their delivery times) and claimed by XAUTOCLAIM. Compared
// by XINFO STREAM FULL (node counts included), consumers' seen times left
// out (each server's clock), and the groups' entries-read and lag too:
// redis-server 7.0.15's own replicas do not always have their master's
// (the redis/redis pair shows it).
var interopStream = interopDataType{
	name: "stream",
	load: func(g *interopGen, i int) []any {
		if i%2 == 0 {
			return []any{"XADD", fmt.Sprintf("x:%d", i/2%60), "MAXLEN", "~", 100, "*", "f", g.val(), "n", i}
		}
		return []any{"XADD", fmt.Sprintf("xi:%d", i/2%60), g.newStreamID(), "f", g.val(), "n", i}
	},
	ops: []interopOp{
		{3, func(g *interopGen) []any {
			cmd := []any{"XADD", g.streamKey()}
			if g.r.Intn(3) == 0 {
				cmd = append(cmd, "MAXLEN", "~", 10+g.r.Intn(40))
			}
			return append(cmd, "*", g.field(), g.val(), "n", g.r.Intn(100))
		}},
		{3, func(g *interopGen) []any { return []any{"XADD", g.idStreamKey(), g.newStreamID(), g.field(), g.val()} }},
		{2, func(g *interopGen) []any { return []any{"XDEL", g.idStreamKey(), g.oldStreamID(), g.oldStreamID()} }},
		{2, func(g *interopGen) []any {
			return []any{"XGROUP", "CREATE", g.anyStreamKey(), g.group(), []string{"$", "0"}[g.r.Intn(2)], "MKSTREAM"}
		}},
		{4, func(g *interopGen) []any {
			return []any{"XREADGROUP", "GROUP", g.group(), g.consumer(), "COUNT", 1 + g.r.Intn(5), "STREAMS", g.anyStreamKey(), ">"}
		}},
		{2, func(g *interopGen) []any {
			return []any{"XACK", g.idStreamKey(), g.group(), g.oldStreamID(), g.oldStreamID()}
		}},
		{1, func(g *interopGen) []any {
			return []any{"XCLAIM", g.idStreamKey(), g.group(), g.consumer(), 0, g.oldStreamID(), g.oldStreamID()}
		}},
		{1, func(g *interopGen) []any {
			return []any{"XAUTOCLAIM", g.anyStreamKey(), g.group(), g.consumer(), 0, "0-0", "COUNT", 1 + g.r.Intn(4)}
		}},
	},
	read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
		r := p.Do(ctx, "XINFO", "STREAM", key, "FULL", "COUNT", 0)
		return func() (string, bool, error) {
			v, err := r.Result()
			if err != nil && strings.Contains(err.Error(), "no such key") {
				return "", false, nil // expired since SCAN
			}
			if err != nil {
				return "", false, err
			}
			for _, c := range xinfoConsumers(v) {
				for i := 0; i+1 < len(c); i += 2 {
					if c[i] == "seen-time" {
						c[i+1] = int64(0)
					}
				}
			}
			for _, g := range xinfoGroups(v) {
				for i := 0; i+1 < len(g); i += 2 {
					if g[i] == "entries-read" || g[i] == "lag" {
						g[i+1] = nil
					}
				}
			}
			return fmt.Sprint(v), true, nil
		}
	},
}

// interopZSet is the sorted set family: listpacks and skiplists (some of
// 200 members, a few for a long member), members added under ZADD's
// options, incremented, removed one by one and by rank, score and lex
// range, popped (blocking pops time out at once, or find a member), and
// ranges and unions, intersections and differences stored.
var interopZSet = interopDataType{
	name: "zset",
	load: func(g *interopGen, i int) []any {
		cmd := []any{"ZADD", g.zsetKey()}
		n := 1 + g.r.Intn(8)
		if i%40 == 0 {
			n = 200 // past zset-max-listpack-entries
		}
		for range n {
			cmd = append(cmd, g.score(), g.zmember())
		}
		return cmd
	},
	ops: []interopOp{
		{8, func(g *interopGen) []any {
			return []any{"ZADD", g.zsetKey(), g.score(), g.zmember(), g.score(), g.zmember()}
		}},
		{3, func(g *interopGen) []any {
			opts := [][]any{{"NX"}, {"XX"}, {"GT"}, {"LT"}, {"XX", "GT", "CH"}, {"NX", "CH"}, {"INCR"}}[g.r.Intn(7)]
			return append(append([]any{"ZADD", g.zsetKey()}, opts...), g.score(), g.zmember())
		}},
		{3, func(g *interopGen) []any { return []any{"ZINCRBY", g.zsetKey(), g.score(), g.zmember()} }},
		{4, func(g *interopGen) []any { return []any{"ZREM", g.zsetKey(), g.zmember(), g.zmember()} }},
		{1, func(g *interopGen) []any { return []any{"ZREMRANGEBYRANK", g.zsetKey(), g.r.Intn(3), g.r.Intn(5) - 2} }},
		{1, func(g *interopGen) []any {
			low := g.r.Intn(100) - 50
			return []any{"ZREMRANGEBYSCORE", g.zsetKey(), fmt.Sprintf("(%d", low), low + g.r.Intn(10)}
		}},
		// Lex ranges only where every score is equal: elsewhere what they
		// remove depends on the encoding, which a full sync may change.
		{2, func(g *interopGen) []any { return []any{"ZADD", g.lexKey(), 0, g.zmember(), 0, g.zmember()} }},
		{1, func(g *interopGen) []any {
			return []any{"ZREMRANGEBYLEX", g.lexKey(), "[" + g.zmember(), "(" + g.zmember()}
		}},
		{2, func(g *interopGen) []any { return []any{"ZPOPMIN", g.zsetKey(), 1 + g.r.Intn(3)} }},
		{1, func(g *interopGen) []any { return []any{"ZPOPMAX", g.zsetKey()} }},
		{1, func(g *interopGen) []any { return []any{"ZMPOP", 2, g.zsetKey(), g.zsetKey(), "MAX", "COUNT", 2} }},
		{1, func(g *interopGen) []any { return []any{"BZPOPMIN", g.zsetKey(), g.zsetKey(), 0.001} }},
		{1, func(g *interopGen) []any { return []any{"ZRANGESTORE", g.zsetKey(), g.zsetKey(), 0, g.r.Intn(10)} }},
		{1, func(g *interopGen) []any { return []any{"ZUNIONSTORE", g.zsetKey(), 2, g.zsetKey(), g.zsetKey()} }},
		{1, func(g *interopGen) []any {
			return []any{"ZINTERSTORE", g.zsetKey(), 2, g.zsetKey(), g.zsetKey(), "WEIGHTS", 2, 0.5, "AGGREGATE", "MAX"}
		}},
		{1, func(g *interopGen) []any { return []any{"ZDIFFSTORE", g.zsetKey(), 2, g.zsetKey(), g.zsetKey()} }},
	},
	read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
		r := p.ZRangeWithScores(ctx, key, 0, -1)
		return func() (string, bool, error) {
			v, err := r.Result()
			pairs := make([]string, len(v))
			for i, z := range v {
				// A zero's sign is the encoding's: a listpack keeps -0 as
				// 0, and a skiplist loaded small becomes a listpack.
				score := z.Score
				if score == 0 {
					score = 0
				}
				pairs[i] = fmt.Sprintf("%s\x01%v", z.Member, score)
			}
			return strings.Join(pairs, "\x00"), err == nil && len(v) > 0, err
		}
	},
}

// interopHash is the hash family: small listpack hashes, some of 600
// fields (a table), fields set, incremented (HINCRBYFLOAT propagates the
// HSET of its result) and deleted.
var interopHash = interopDataType{
	name: "hash",
	load: func(g *interopGen, i int) []any {
		cmd := []any{"HSET", g.hashKey()}
		if i%40 == 0 {
			for j := range 600 { // a table
				cmd = append(cmd, fmt.Sprintf("t%d", j), g.val())
			}
			return cmd
		}
		for range 1 + g.r.Intn(6) {
			cmd = append(cmd, g.field(), g.val())
		}
		return cmd
	},
	ops: []interopOp{
		{8, func(g *interopGen) []any { return []any{"HSET", g.hashKey(), g.field(), g.val(), g.field(), g.val()} }},
		{2, func(g *interopGen) []any { return []any{"HMSET", g.hashKey(), g.field(), g.val()} }},
		{2, func(g *interopGen) []any { return []any{"HSETNX", g.hashKey(), g.field(), g.val()} }},
		{4, func(g *interopGen) []any { return []any{"HDEL", g.hashKey(), g.field(), g.field()} }},
		{3, func(g *interopGen) []any { return []any{"HINCRBY", g.hashKey(), "n" + g.field(), g.r.Intn(200) - 100} }},
		{2, func(g *interopGen) []any { return []any{"HINCRBYFLOAT", g.hashKey(), "x" + g.field(), g.floatVal()} }},
	},
	read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
		r := p.HGetAll(ctx, key)
		return func() (string, bool, error) {
			v, err := r.Result()
			var pairs []string
			for f, x := range v {
				pairs = append(pairs, f+"\x01"+x)
			}
			slices.Sort(pairs)
			return strings.Join(pairs, "\x00"), err == nil && len(v) > 0, err
		}
	},
}

// interopSet is the set family: intsets and tables, members added,
// removed, moved, popped at random (SPOP propagates the SREM of what it
// took) and combined into stored results.
var interopSet = interopDataType{
	name: "set",
	load: func(g *interopGen, i int) []any {
		cmd := []any{"SADD", g.setKey()}
		n := 1 + g.r.Intn(8)
		if i%40 == 0 {
			n = 600 // past set-max-intset-entries
		}
		for range n {
			cmd = append(cmd, g.member())
		}
		return cmd
	},
	ops: []interopOp{
		{8, func(g *interopGen) []any { return []any{"SADD", g.setKey(), g.member(), g.member()} }},
		{4, func(g *interopGen) []any { return []any{"SREM", g.setKey(), g.member(), g.member()} }},
		{2, func(g *interopGen) []any { return []any{"SPOP", g.setKey()} }},
		{2, func(g *interopGen) []any { return []any{"SPOP", g.setKey(), 1 + g.r.Intn(4)} }},
		{2, func(g *interopGen) []any { return []any{"SMOVE", g.setKey(), g.setKey(), g.member()} }},
		{1, func(g *interopGen) []any { return []any{"SINTERSTORE", g.setKey(), g.setKey(), g.setKey()} }},
		{1, func(g *interopGen) []any { return []any{"SUNIONSTORE", g.setKey(), g.setKey(), g.setKey()} }},
		{1, func(g *interopGen) []any { return []any{"SDIFFSTORE", g.setKey(), g.setKey(), g.setKey()} }},
	},
	read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
		r := p.SMembers(ctx, key)
		return func() (string, bool, error) {
			v, err := r.Result()
			slices.Sort(v)
			return strings.Join(v, "\x00"), err == nil && len(v) > 0, err
		}
	},
}

// interopList is the list family: small lists, a few spanning several
// nodes, written at both ends, in the middle and moved between keys,
// including blocking pops that find their list full (a pipeline must not
// block) or time out at once.
var interopList = interopDataType{
	name: "list",
	load: func(g *interopGen, i int) []any {
		cmd := []any{"RPUSH", g.listKey()}
		n := 1 + g.r.Intn(6)
		if i%40 == 0 {
			n = 300 // several nodes
		}
		for range n {
			cmd = append(cmd, g.val())
		}
		return cmd
	},
	ops: []interopOp{
		{8, func(g *interopGen) []any { return []any{"LPUSH", g.listKey(), g.val(), g.val()} }},
		{8, func(g *interopGen) []any { return []any{"RPUSH", g.listKey(), g.val()} }},
		{1, func(g *interopGen) []any { return []any{"RPUSHX", g.listKey(), g.val()} }},
		{4, func(g *interopGen) []any { return []any{"LPOP", g.listKey()} }},
		{2, func(g *interopGen) []any { return []any{"RPOP", g.listKey(), 1 + g.r.Intn(3)} }},
		{2, func(g *interopGen) []any { return []any{"LSET", g.listKey(), g.r.Intn(5) - 2, g.val()} }},
		{2, func(g *interopGen) []any {
			return []any{"LINSERT", g.listKey(), []string{"BEFORE", "AFTER"}[g.r.Intn(2)], g.val(), g.val()}
		}},
		{1, func(g *interopGen) []any { return []any{"LREM", g.listKey(), g.r.Intn(3) - 1, g.val()} }},
		{1, func(g *interopGen) []any { return []any{"LTRIM", g.listKey(), g.r.Intn(3), -1 - g.r.Intn(3)} }},
		{2, func(g *interopGen) []any { return []any{"LMOVE", g.listKey(), g.listKey(), "LEFT", "RIGHT"} }},
		{1, func(g *interopGen) []any { return []any{"RPOPLPUSH", g.listKey(), g.listKey()} }},
		{1, func(g *interopGen) []any { return []any{"LMPOP", 2, g.listKey(), g.listKey(), "RIGHT", "COUNT", 2} }},
		{1, func(g *interopGen) []any { return []any{"BLPOP", g.listKey(), g.listKey(), 0.001} }},
		{1, func(g *interopGen) []any { return []any{"BLMOVE", g.listKey(), g.listKey(), "RIGHT", "LEFT", 0.001} }},
	},
	read: func(p redis.Pipeliner, key string) func() (string, bool, error) {
		r := p.LRange(ctx, key, 0, -1)
		return func() (string, bool, error) {
			v, err := r.Result()
			return strings.Join(v, "\x00"), err == nil && len(v) > 0, err
		}
	},
}

// interopKeyOps are the writes on keys of any type.
var interopKeyOps = []interopOp{
	{5, func(g *interopGen) []any {
		cmd := []any{"DEL"}
		for range 1 + g.r.Intn(3) {
			cmd = append(cmd, g.anyKey())
		}
		return cmd
	}},
	{1, func(g *interopGen) []any { return []any{"UNLINK", g.anyKey()} }},
	{4, func(g *interopGen) []any {
		return append([]any{"EXPIRE", g.anyKey(), 100 + g.r.Intn(10000)}, g.expireFlag()...)
	}},
	{4, func(g *interopGen) []any { return []any{"PEXPIRE", g.anyKey(), g.shortTTL()} }},
	{2, func(g *interopGen) []any {
		return []any{"EXPIREAT", g.anyKey(), time.Now().Unix() + 100 + g.r.Int63n(10000)}
	}},
	{1, func(g *interopGen) []any { return []any{"EXPIREAT", g.anyKey(), time.Now().Unix() - 10} }},
	{2, func(g *interopGen) []any {
		return []any{"PEXPIREAT", g.anyKey(), time.Now().UnixMilli() + g.shortTTL()}
	}},
	{3, func(g *interopGen) []any { return []any{"PERSIST", g.anyKey()} }},
	{1, func(g *interopGen) []any { return []any{"RENAME", g.anyKey(), g.anyKey()} }},
	{1, func(g *interopGen) []any { return []any{"COPY", g.anyKey(), g.anyKey(), "DB", g.pickDB(), "REPLACE"} }},
	{1, func(g *interopGen) []any { return []any{"MOVE", g.anyKey(), g.pickDB()} }},
	{5, func(g *interopGen) []any { return []any{"SELECT", g.pickDB()} }},
}

// ---- workload ----

// interopGen generates the commands of one workload connection.
type interopGen struct {
	r   *rand.Rand
	db  int // the database the connection has selected
	ops []interopOp
	sum int
}

func newInteropGen(seed int64) *interopGen {
	g := &interopGen{r: rand.New(rand.NewSource(seed))}
	g.ops = slices.Clone(interopKeyOps)
	for _, dt := range interopDataTypes {
		g.ops = append(g.ops, dt.ops...)
	}
	for _, op := range g.ops {
		g.sum += op.weight
	}
	return g
}

// op returns one random single command.
func (g *interopGen) op() []any {
	n := g.r.Intn(g.sum)
	for _, op := range g.ops {
		if n -= op.weight; n < 0 {
			cmd := op.cmd(g)
			if cmd[0] == "SELECT" {
				g.db = cmd[1].(int)
			}
			return cmd
		}
	}
	panic("unreachable")
}

// next returns the next commands: mostly one, sometimes a MULTI/EXEC
// transaction (which may SELECT too), rarely a FLUSHDB of database 5.
func (g *interopGen) next() [][]any {
	switch n := g.r.Intn(20000); {
	case n == 0:
		back := g.db
		return [][]any{{"SELECT", 5}, {"FLUSHDB"}, {"SELECT", back}}
	case n < 400:
		cmds := [][]any{{"MULTI"}}
		for range 2 + g.r.Intn(3) {
			cmds = append(cmds, g.op())
		}
		return append(cmds, []any{"EXEC"})
	}
	return [][]any{g.op()}
}

func (g *interopGen) pickDB() int { return interopDBs[g.r.Intn(len(interopDBs))] }

// key is a key for strings: a plain key, sometimes a binary one.
func (g *interopGen) key() string {
	if g.r.Intn(50) == 0 {
		return fmt.Sprintf("b:\x00\r\n\xff%d", g.r.Intn(20))
	}
	return fmt.Sprintf("k:%d", g.r.Intn(1500))
}

func (g *interopGen) intKey() string   { return fmt.Sprintf("n:%d", g.r.Intn(200)) }
func (g *interopGen) listKey() string  { return fmt.Sprintf("l:%d", g.r.Intn(300)) }
func (g *interopGen) floatKey() string { return fmt.Sprintf("f:%d", g.r.Intn(100)) }

// anyKey is a key of any family.
func (g *interopGen) anyKey() string {
	switch g.r.Intn(10) {
	case 0:
		return g.intKey()
	case 1:
		return g.floatKey()
	case 2:
		return g.listKey()
	case 3:
		return g.hashKey()
	case 4:
		return g.setKey()
	case 5:
		return g.zsetKey()
	case 6:
		return g.anyStreamKey()
	}
	return g.key()
}

func (g *interopGen) hashKey() string { return fmt.Sprintf("h:%d", g.r.Intn(300)) }
func (g *interopGen) setKey() string  { return fmt.Sprintf("s:%d", g.r.Intn(300)) }
func (g *interopGen) field() string   { return fmt.Sprintf("f%d", g.r.Intn(40)) }

func (g *interopGen) zsetKey() string { return fmt.Sprintf("z:%d", g.r.Intn(300)) }

// streamKey is a stream of XADD *, idStreamKey one of explicit IDs.
func (g *interopGen) streamKey() string   { return fmt.Sprintf("x:%d", g.r.Intn(60)) }
func (g *interopGen) idStreamKey() string { return fmt.Sprintf("xi:%d", g.r.Intn(60)) }

func (g *interopGen) anyStreamKey() string {
	if g.r.Intn(2) == 0 {
		return g.streamKey()
	}
	return g.idStreamKey()
}

func (g *interopGen) group() string    { return fmt.Sprintf("g%d", g.r.Intn(3)) }
func (g *interopGen) consumer() string { return fmt.Sprintf("c%d", g.r.Intn(4)) }

// newStreamID is the next explicit ID, ms-* (the server picks the
// sequence); oldStreamID one of the 200 before it, most of which were
// added with sequence 0.
func (g *interopGen) newStreamID() string {
	return fmt.Sprintf("%d-*", interopStreamMs.Add(1+int64(g.r.Intn(3))))
}

func (g *interopGen) oldStreamID() string {
	return fmt.Sprintf("%d-0", max(1, interopStreamMs.Load()-int64(g.r.Intn(200))))
}

// lexKey is a sorted set whose scores are all 0 (anyKey never picks one,
// so no RENAME or COPY mixes it with others).
func (g *interopGen) lexKey() string { return fmt.Sprintf("zl:%d", g.r.Intn(50)) }

// zmember is a sorted set member: short, rarely past
// zset-max-listpack-value.
func (g *interopGen) zmember() string {
	if g.r.Intn(200) == 0 {
		return fmt.Sprintf("%s%d", strings.Repeat("long", 20), g.r.Intn(5))
	}
	return fmt.Sprintf("m%d", g.r.Intn(60))
}

// score is a sorted set score: mostly small integers (ties order by
// member), some fractions, rarely infinite.
func (g *interopGen) score() string {
	switch n := g.r.Intn(40); {
	case n == 0:
		return []string{"inf", "-inf"}[g.r.Intn(2)]
	case n < 10:
		return g.floatVal()
	}
	return fmt.Sprint(g.r.Intn(100) - 50)
}

// member is a set member: mostly integers, so sets start as intsets.
func (g *interopGen) member() string {
	if g.r.Intn(5) == 0 {
		return fmt.Sprintf("m%d", g.r.Intn(50))
	}
	return fmt.Sprint(g.r.Intn(2000) - 1000)
}

// val is a value: mostly short text, some binary, a few kilobytes rarely.
func (g *interopGen) val() string {
	var n int
	switch p := g.r.Intn(100); {
	case p < 70:
		n = g.r.Intn(33)
	case p < 97:
		n = 32 + g.r.Intn(224)
	default:
		n = 1000 + g.r.Intn(2000)
	}
	b := make([]byte, n)
	binary := g.r.Intn(10) == 0
	for i := range b {
		if binary {
			b[i] = byte(g.r.Intn(256))
		} else {
			b[i] = byte('a' + g.r.Intn(26))
		}
	}
	return string(b)
}

func (g *interopGen) floatVal() string {
	return strconv.FormatFloat((g.r.Float64()-0.5)*1000, 'f', g.r.Intn(6), 64)
}

// shortTTL is a TTL in milliseconds that runs out during the workload.
func (g *interopGen) shortTTL() int64 { return 1 + g.r.Int63n(500) }

// setOptions are SET's optional arguments: expiry, condition, GET.
func (g *interopGen) setOptions() []any {
	var opts []any
	switch g.r.Intn(12) {
	case 0:
		opts = append(opts, "EX", 100+g.r.Intn(10000))
	case 1:
		opts = append(opts, "PX", g.shortTTL())
	case 2:
		opts = append(opts, "PX", 100000+g.r.Int63n(10000000))
	case 3:
		opts = append(opts, "EXAT", time.Now().Unix()+100+g.r.Int63n(10000))
	case 4:
		opts = append(opts, "PXAT", time.Now().UnixMilli()+g.shortTTL())
	case 5:
		opts = append(opts, "KEEPTTL")
	}
	switch g.r.Intn(20) {
	case 0:
		opts = append(opts, "NX")
	case 1:
		opts = append(opts, "XX")
	}
	if g.r.Intn(10) == 0 {
		opts = append(opts, "GET")
	}
	return opts
}

func (g *interopGen) getexOptions() []any {
	switch g.r.Intn(6) {
	case 0:
		return []any{"EX", 100 + g.r.Intn(10000)}
	case 1:
		return []any{"PX", g.shortTTL()}
	case 2:
		return []any{"EXAT", time.Now().Unix() + 100 + g.r.Int63n(10000)}
	case 3:
		return []any{"PXAT", time.Now().UnixMilli() + g.shortTTL()}
	case 4:
		return []any{"PERSIST"}
	}
	return nil
}

func (g *interopGen) expireFlag() []any {
	switch g.r.Intn(8) {
	case 0:
		return []any{"NX"}
	case 1:
		return []any{"XX"}
	case 2:
		return []any{"GT"}
	case 3:
		return []any{"LT"}
	}
	return nil
}

// interopLoadOpts describe a workload.
type interopLoadOpts struct {
	total   int           // commands in all; 0 means until stopped
	workers int           // concurrent connections, alternately RESP2 and RESP3
	batch   int           // commands per pipeline
	pause   time.Duration // between pipelines, to throttle the load
	seed    int64
}

// interopLoad is a running workload.
type interopLoad struct {
	sent atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error
}

// interopStartLoad starts a workload of mixed writes on the node.
func interopStartLoad(t *testing.T, n *interopNode, o interopLoadOpts) *interopLoad {
	t.Helper()
	l := &interopLoad{stop: make(chan struct{})}
	for w := range o.workers {
		quota := -1
		if o.total > 0 {
			quota = o.total / o.workers
			if w == 0 {
				quota += o.total % o.workers
			}
		}
		// The connections are opened here, one after the other: go-redis
		// v9.17 races with itself when several connections of one RESP3
		// client make their handshake at once.
		conn := n.clients[[]string{"resp2", "resp3"}[w%2]].Conn()
		g := newInteropGen(o.seed + int64(w))
		g.db = g.pickDB()
		if err := conn.Select(ctx, g.db).Err(); err != nil {
			t.Fatalf("%v: SELECT: %v", n, err)
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer conn.Close()
			if err := l.work(conn, g, quota, o); err != nil {
				l.mu.Lock()
				if l.err == nil {
					l.err = fmt.Errorf("workload connection %d to %s: %w", w, n.addr, err)
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

func (l *interopLoad) work(conn *redis.Conn, g *interopGen, quota int, o interopLoadOpts) error {
	for quota != 0 {
		select {
		case <-l.stop:
			return nil
		default:
		}
		p := conn.Pipeline()
		queued := 0
		for queued < o.batch && (quota < 0 || queued < quota) {
			for _, cmd := range g.next() {
				p.Do(ctx, cmd...)
				queued++
			}
		}
		cmds, _ := p.Exec(ctx)
		for _, c := range cmds {
			// Error replies (INCR of a text value...) are part of the
			// workload; anything else is not.
			var rerr redis.Error
			if err := c.Err(); err != nil && err != redis.Nil && !errors.As(err, &rerr) {
				return fmt.Errorf("%v: %w", c.Args(), err)
			}
		}
		l.sent.Add(int64(queued))
		if quota > 0 {
			quota = max(quota-queued, 0)
		}
		if o.pause > 0 {
			select {
			case <-l.stop:
				return nil
			case <-time.After(o.pause):
			}
		}
	}
	return nil
}

// finish stops the workload (if it runs until stopped) and waits for it.
func (l *interopLoad) finish(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.wait(t)
}

// wait waits for a workload with a total to send it all.
func (l *interopLoad) wait(t *testing.T) {
	t.Helper()
	l.wg.Wait()
	if l.err != nil {
		t.Fatal(l.err)
	}
}

// interopRunLoad runs a workload of total commands to the end.
func interopRunLoad(t *testing.T, n *interopNode, total int, seed int64) {
	t.Helper()
	interopStartLoad(t, n, interopLoadOpts{total: total, workers: 4, batch: 100, seed: seed}).wait(t)
}

// interopLoadInitial writes perDB keys of every type to each workload database.
func interopLoadInitial(t *testing.T, n *interopNode, perDB int) {
	t.Helper()
	conn := n.rc().Conn()
	defer conn.Close()
	g := newInteropGen(1)
	for _, db := range interopDBs {
		p := conn.Pipeline()
		p.Select(ctx, db)
		for _, dt := range interopDataTypes {
			for i := range perDB {
				p.Do(ctx, dt.load(g, i)...)
			}
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("%v: initial data: %v", n, err)
		}
	}
}

// ---- comparison ----

type interopEntry struct {
	typ      string
	val      string
	expireAt int64 // PEXPIRETIME: -1 without one
}

// interopSnapshot reads every key of one database: type, value, expire time.
func interopSnapshot(t *testing.T, addr string, db int) map[string]interopEntry {
	t.Helper()
	conn := newClients(t, addr)["resp2"].Conn()
	defer conn.Close()
	if err := conn.Select(ctx, db).Err(); err != nil {
		t.Fatalf("%s: SELECT %d: %v", addr, db, err)
	}
	keys := map[string]bool{}
	for cursor := uint64(0); ; {
		page, next, err := conn.Scan(ctx, cursor, "", 10000).Result()
		if err != nil {
			t.Fatalf("%s: SCAN in db %d: %v", addr, db, err)
		}
		for _, k := range page {
			keys[k] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)

	p := conn.Pipeline()
	types := make([]*redis.StatusCmd, len(names))
	expires := make([]*redis.Cmd, len(names))
	for i, k := range names {
		types[i] = p.Type(ctx, k)
		expires[i] = p.Do(ctx, "PEXPIRETIME", k)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatalf("%s: TYPE/PEXPIRETIME in db %d: %v", addr, db, err)
	}
	p = conn.Pipeline()
	reads := map[string]func() (string, bool, error){}
	entries := map[string]interopEntry{}
	for i, k := range names {
		typ := types[i].Val()
		if typ == "none" {
			continue // expired since SCAN
		}
		at, _ := expires[i].Int64()
		entries[k] = interopEntry{typ: typ, expireAt: at}
		for _, dt := range interopDataTypes {
			if dt.name == typ {
				reads[k] = dt.read(p, k)
			}
		}
		if reads[k] == nil {
			t.Fatalf("%s: key %q has type %s, which the test cannot read", addr, k, typ)
		}
	}
	if len(reads) > 0 {
		p.Exec(ctx) // errors are checked one by one
	}
	for k, read := range reads {
		val, ok, err := read()
		switch {
		case err != nil:
			t.Fatalf("%s: reading %q in db %d: %v", addr, k, db, err)
		case !ok:
			delete(entries, k) // expired since SCAN
		default:
			e := entries[k]
			e.val = val
			entries[k] = e
		}
	}
	return entries
}

// compareDatasets checks that master and replica hold the same keys in the
// databases: same type, value and expire time. A key only one side has must
// be about to expire (it expired between the two reads).
func compareDatasets(t *testing.T, master, replica string, dbs []int) {
	t.Helper()
	total, inexact := 0, 0
	for _, db := range dbs {
		m := interopSnapshot(t, master, db)
		r := interopSnapshot(t, replica, db)
		now := time.Now().UnixMilli()
		var diffs []string
		expiring := func(e interopEntry) bool { return e.expireAt >= 0 && e.expireAt <= now+interopTTLTolerance }
		for k, me := range m {
			re, ok := r[k]
			switch {
			case !ok:
				if !expiring(me) {
					diffs = append(diffs, fmt.Sprintf("%q only on the master: %+v", k, me))
				}
			case me.typ != re.typ || me.val != re.val:
				diffs = append(diffs, fmt.Sprintf("%q master %s %.60q, replica %s %.60q", k, me.typ, me.val, re.typ, re.val))
			case (me.expireAt < 0) != (re.expireAt < 0) ||
				me.expireAt >= 0 && (me.expireAt-re.expireAt > interopTTLTolerance || re.expireAt-me.expireAt > interopTTLTolerance):
				diffs = append(diffs, fmt.Sprintf("%q PEXPIRETIME master %d, replica %d", k, me.expireAt, re.expireAt))
			case me.expireAt != re.expireAt:
				inexact++
			}
		}
		for k, re := range r {
			if _, ok := m[k]; !ok && !expiring(re) {
				diffs = append(diffs, fmt.Sprintf("%q only on the replica: %+v", k, re))
			}
		}
		sort.Strings(diffs)
		for i, d := range diffs {
			if i == 10 {
				t.Errorf("db %d: ... %d differences in all", db, len(diffs))
				break
			}
			t.Errorf("db %d: %s", db, d)
		}
		total += len(m)
	}
	if inexact > 0 {
		t.Logf("%d keys have expire times that differ by up to %d ms (Redis propagates absolute times)", inexact, interopTTLTolerance)
	}
	if total == 0 {
		t.Errorf("compared empty datasets")
	}
	t.Logf("compared %d keys of %s and %s", total, master, replica)
}

// ---- tests ----

// interopWrites is the size of TestReplInterop's workload. Under -race it
// takes about 1.5 s per pair on two cores, so it is not scaled down.
const interopWrites = 100_000

// TestReplInterop: a replica attached to a loaded master gets a full sync,
// then follows a workload of mixed writes on several connections and
// databases (transactions, TTLs that run out during the run, FLUSHDB) and
// ends up with the master's dataset.
func TestReplInterop(t *testing.T) {
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		m := newInteropNode(t, masterKind, "master")
		interopLoadInitial(t, m, 1000)
		r := newInteropNode(t, replicaKind, "replica", m.replicaOf()...)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		interopExpectSyncs(t, m, "after attaching", interopSyncs{full: 1})
		compareDatasets(t, m.addr, r.addr, interopAllDBs)

		start := time.Now()
		interopRunLoad(t, m, interopWrites, 100)
		t.Logf("%d writes in %v", interopWrites, time.Since(start).Round(time.Millisecond))
		interopWaitAck(t, m)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)
		interopExpectSyncs(t, m, "after the workload", interopSyncs{full: 1})
	})
}

// TestReplFaultReplicaRestart: a replica stopped cleanly during a load and
// restarted with its data directory resyncs partially while the master's
// backlog covers what it missed, and fully when it does not.
func TestReplFaultReplicaRestart(t *testing.T) {
	const backlog = 16 * 1024
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		m := newInteropNode(t, masterKind, "master", "--repl-backlog-size", "16kb")
		interopLoadInitial(t, m, 200)
		r := newInteropNode(t, replicaKind, "replica", m.replicaOf()...)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		interopExpectSyncs(t, m, "after attaching", interopSyncs{full: 1})

		// A few writes while the replica is down, fewer bytes than the
		// backlog holds whatever the machine's speed; then a light load
		// (~200 writes/s) once it is back.
		before := interopSyncStats(t, m.addr)
		r.stop()
		offStop := interopOffset(t, m.addr)
		interopRunLoad(t, m, 40, 200)
		missed := interopOffset(t, m.addr) - offStop
		if missed >= backlog {
			t.Fatalf("harness: %d bytes of stream written while the replica was down, more than the backlog (%d)", missed, backlog)
		}
		r.start()
		waitFor(t, func() bool {
			s := interopSyncStats(t, m.addr)
			return s.full+s.partialOK+s.partialErr > before.full+before.partialOK+before.partialErr
		})
		load := interopStartLoad(t, m, interopLoadOpts{workers: 1, batch: 5, pause: 25 * time.Millisecond, seed: 200})
		want := before
		want.partialOK++
		if got := interopSyncStats(t, m.addr); got != want {
			t.Errorf("restart within the backlog (%d bytes of stream missed, backlog %d): %v INFO stats %v, want %v",
				missed, backlog, m, got, want)
		}
		waitFor(t, func() bool { return load.sent.Load() >= 100 })
		load.finish(t)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)

		// More writes than the backlog holds while the replica is down.
		before = interopSyncStats(t, m.addr)
		r.stop()
		offStop = interopOffset(t, m.addr)
		interopRunLoad(t, m, 5000, 300)
		if missed := interopOffset(t, m.addr) - offStop; missed < 4*backlog {
			t.Fatalf("harness: only %d bytes of stream written while the replica was down", missed)
		}
		r.start()
		waitReplicaCaughtUp(t, m.addr, r.addr)
		want = before
		want.full++
		want.partialErr++
		interopExpectSyncs(t, m, "restart beyond the backlog", want)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)
	})
}

// TestReplFaultMasterRestart: a master stopped with SHUTDOWN SAVE and
// restarted on the same port and data directory is found again by its
// replica, which (as with Redis) resyncs partially and matches it again.
func TestReplFaultMasterRestart(t *testing.T) {
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		m := newInteropNode(t, masterKind, "master")
		interopLoadInitial(t, m, 500)
		r := newInteropNode(t, replicaKind, "replica", m.replicaOf()...)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		interopRunLoad(t, m, 10_000, 400)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)

		m.stop()
		interopWaitLink(t, r.addr, "down")
		m.start()
		waitReplicaCaughtUp(t, m.addr, r.addr)
		// Redis keeps its replication id (as master_replid2) and offset in
		// the RDB, so its replica continues with a partial resync.
		interopExpectSyncs(t, m, "after the master restarted", interopSyncs{partialOK: 1})
		compareDatasets(t, m.addr, r.addr, interopAllDBs)

		interopRunLoad(t, m, 5000, 500)
		interopWaitAck(t, m)
		waitReplicaCaughtUp(t, m.addr, r.addr)
		compareDatasets(t, m.addr, r.addr, interopAllDBs)
	})
}

// TestReplFaultPromote: of a master's two replicas, A is promoted with
// REPLICAOF NO ONE (keeping the old replication id as master_replid2) and B
// is pointed at A, which it follows after a partial resync.
//
// A is of the replica kind and B of the master kind, so that in the mixed
// pairs respd is in turn the promoted replica and the replica that changes
// masters.
func TestReplFaultPromote(t *testing.T) {
	interopForPairs(t, func(t *testing.T, masterKind, replicaKind string) {
		// M must not write to its stream once A and B have caught up, or B
		// could get ahead of A: no pings, no active expiry (see below).
		m := newInteropNode(t, masterKind, "master M", "--repl-ping-replica-period", "3600",
			"--enable-debug-command", "yes")
		interopLoadInitial(t, m, 500)
		a := newInteropNode(t, replicaKind, "replica A", append(m.replicaOf(), "--enable-debug-command", "yes")...)
		b := newInteropNode(t, masterKind, "replica B")
		if err := b.rc().Do(ctx, "REPLICAOF", "127.0.0.1", m.port).Err(); err != nil {
			t.Fatalf("%v: REPLICAOF: %v", b, err)
		}
		interopRunLoad(t, m, 10_000, 600)
		// Keys expiring would add DELs, to M's stream or, once promoted, to
		// A's before its offset is read; nothing reads M's keys until B has
		// switched, so none are expired lazily either.
		for _, n := range []*interopNode{m, a} {
			if err := n.rc().Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "0").Err(); err != nil {
				t.Fatalf("%v: DEBUG SET-ACTIVE-EXPIRE 0: %v", n, err)
			}
		}
		waitReplicaCaughtUp(t, m.addr, a.addr)
		waitReplicaCaughtUp(t, m.addr, b.addr)
		mInfo := infoReplication(t, m.addr)

		if err := a.rc().Do(ctx, "REPLICAOF", "NO", "ONE").Err(); err != nil {
			t.Fatalf("%v: REPLICAOF NO ONE: %v", a, err)
		}
		aInfo := infoReplication(t, a.addr)
		off, _ := strconv.ParseInt(aInfo["master_repl_offset"], 10, 64)
		if aInfo["role"] != "master" || aInfo["master_replid2"] != mInfo["master_replid"] ||
			aInfo["master_replid"] == mInfo["master_replid"] ||
			aInfo["second_repl_offset"] != strconv.FormatInt(off+1, 10) ||
			aInfo["master_repl_offset"] != mInfo["master_repl_offset"] {
			t.Errorf("%v after REPLICAOF NO ONE: role=%s master_replid=%s master_replid2=%s master_repl_offset=%s second_repl_offset=%s; "+
				"want a master with a new replid, replid2 %s (M's), M's offset %s and second_repl_offset one more",
				a, aInfo["role"], aInfo["master_replid"], aInfo["master_replid2"], aInfo["master_repl_offset"],
				aInfo["second_repl_offset"], mInfo["master_replid"], mInfo["master_repl_offset"])
		}

		before := interopSyncStats(t, a.addr)
		if err := b.rc().Do(ctx, "REPLICAOF", "127.0.0.1", a.port).Err(); err != nil {
			t.Fatalf("%v: REPLICAOF: %v", b, err)
		}
		waitReplicaCaughtUp(t, a.addr, b.addr)
		want := before
		want.partialOK++
		interopExpectSyncs(t, a, "after B switched to A", want)
		if before.full != 0 {
			t.Errorf("%v served %d full syncs before B switched to it", a, before.full)
		}
		compareDatasets(t, m.addr, a.addr, interopAllDBs)

		interopRunLoad(t, a, 10_000, 700)
		interopWaitAck(t, a)
		waitReplicaCaughtUp(t, a.addr, b.addr)
		compareDatasets(t, a.addr, b.addr, interopAllDBs)
		interopExpectSyncs(t, a, "after writes to A", want)
	})
}
