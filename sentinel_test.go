package main

// Failover under Redis Sentinel (issue 21): three redis-sentinel processes
// watch a master with two replicas, respd's or redis-server's or a mix of
// both. Writers go through go-redis's FailoverClient (RESP2 and RESP3),
// each write acknowledged by WAIT 1; the master is killed with SIGKILL, and
// the test follows what Sentinel does: a replica promoted, the other one
// pointed at it, the old master restarted on its port and made a replica.
// No acknowledged write may be lost. The time from the kill to the first
// write the clients complete on the new master is logged, for respd's
// nodes and Redis's alike.

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// sentinelRequire skips the test, loudly, when redis-sentinel is missing
// (CI installs it and fails instead).
func sentinelRequire(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs servers and sentinels as processes")
	}
	requireCommand(t, "redis-sentinel", "redis-sentinel")
}

// TestSentinelFailover: all three nodes respd's, then all three Redis's
// for the failover time to compare with.
func TestSentinelFailover(t *testing.T) {
	sentinelRequire(t)
	processServers(t, func(t *testing.T, bin string) { sentinelFailover(t, bin, bin) })
}

// TestSentinelFailoverMixed: a Redis master with respd replicas, and the
// reverse; the old master rejoins the promoted replica of the other kind.
func TestSentinelFailoverMixed(t *testing.T) {
	sentinelRequire(t)
	interopRequireRedis(t)
	bin := buildRespd(t)
	t.Run("redis master, respd replicas", func(t *testing.T) { sentinelFailover(t, "redis-server", bin) })
	t.Run("respd master, redis replicas", func(t *testing.T) { sentinelFailover(t, bin, "redis-server") })
}

// sentinelDeadline bounds each step Sentinel takes: a failover is its
// down-after-milliseconds (3 s: at 1 s, Sentinel's once-a-second reconnect
// could judge a just-promoted master down and fail over again, to the
// restarted old master, empty), a vote and a promotion; reconfiguring a
// restarted master waits for two of its INFO periods (10 s each).
const sentinelDeadline = 40 * time.Second

func sentinelFailover(t *testing.T, masterBin, replicaBin string) {
	// No diskless delay: replicas sync as soon as they ask.
	nodeArgs := []string{"--save", "", "--repl-diskless-sync-delay", "0"}
	master := startProc(t, nil, masterBin, t.TempDir(), nodeArgs...)
	replicas := []*serverProc{}
	// The second replica has replica-priority 0: Sentinel must never
	// promote it.
	for _, priority := range []string{"100", "0"} {
		args := append(append([]string{}, nodeArgs...), "--replicaof", strings.Replace(master.addr, ":", " ", 1),
			"--replica-priority", priority)
		replicas = append(replicas, startProc(t, nil, replicaBin, t.TempDir(), args...))
	}
	sentinels := startSentinels(t, master.addr)
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range append(append([]*serverProc{master}, replicas...), sentinels...) {
				p.kill()
				t.Logf("%s %s:\n%s", filepath.Base(p.cmd.Path), p.addr, p.out.String())
			}
		}
	})
	// Each sentinel knows both replicas and the two other sentinels (from
	// the hello messages they publish through the master).
	for _, s := range sentinels {
		sentinelAwait(t, "sentinel "+s.addr+" to know 2 replicas and 3 sentinels", func() bool {
			info, err := interopInfo(s.addr, "sentinel")
			return err == nil && strings.HasSuffix(info["master0"], "slaves=2,sentinels=3")
		})
	}

	w := startSentinelWriters(t, sentinels)
	w.awaitAcked(t, 100)
	master.kill()
	// From its death: writes sent before could still complete.
	killed := time.Now()
	w.markKill(killed)

	// A replica is promoted: the three sentinels name it (the leader first,
	// the others once its hello reaches them).
	var promoted *serverProc
	sentinelAwait(t, "a replica promoted", func() bool {
		promoted = sentinelsMaster(sentinels, replicas)
		return promoted != nil
	})
	switched := time.Since(killed)
	if promoted != replicas[0] {
		t.Errorf("Sentinel promoted %s, whose replica-priority is 0", promoted.addr)
	}
	restarted := spawnProc(t, master.addr, master.cmd.Dir, master.cmd.Args)
	if err := awaitPong(restarted.addr, restarted.done); err != nil {
		t.Fatalf("restarting the old master: %v", err)
	}
	master = restarted
	// The other replica follows the new master and Sentinel makes the old
	// master its replica. A machine too loaded to answer PING within
	// down-after-milliseconds can make Sentinel fail over again, as with
	// Redis: the master is the node the sentinels name once the two others
	// replicate it.
	nodes := append(replicas, master)
	sentinelAwait(t, "the other replica and the old master to replicate the new master", func() bool {
		promoted = sentinelsMaster(sentinels, nodes)
		if promoted == nil {
			return false
		}
		for _, n := range nodes {
			if n != promoted && !sentinelReplicates(n.addr, promoted.addr) {
				return false
			}
		}
		return true
	})
	// The writers go on after all that.
	w.awaitAcked(t, w.ackedCount()+100)
	acked, firstWrite := w.stop()
	t.Logf("failover: the three sentinels named the new master %v after the kill, the first write on it was done after %v",
		switched.Round(time.Millisecond), firstWrite.Round(time.Millisecond))

	// Every acknowledged write is on the new master.
	c := redis.NewClient(&redis.Options{Addr: promoted.addr})
	defer c.Close()
	for i := 0; i < len(acked); i += 1000 {
		keys := acked[i:min(i+1000, len(acked))]
		vals, err := c.MGet(ctx, keys...).Result()
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range vals {
			if _, want, _ := strings.Cut(keys[j], ":"); v != want {
				t.Fatalf("%s acknowledged by WAIT 1, then %v on the new master", keys[j], v)
			}
		}
	}
	if info := interopInfoSection(t, promoted.addr, "replication"); info["connected_slaves"] != "2" {
		t.Errorf("the new master has %s replicas", info["connected_slaves"])
	}
	t.Logf("%d acknowledged writes, all on the new master", len(acked))
}

// sentinelAddrReply is SENTINEL GET-MASTER-ADDR-BY-NAME's reply naming addr.
func sentinelAddrReply(addr string) string {
	host, port, _ := strings.Cut(addr, ":")
	return fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(host), host, len(port), port)
}

// startSentinels runs three sentinels monitoring master, with a quorum of
// two, a master down after 1 s without a reply, and their logs verbose.
func startSentinels(t *testing.T, master string) []*serverProc {
	t.Helper()
	var sentinels []*serverProc
	for range 3 {
		dir, port := t.TempDir(), freePort(t)
		conf := filepath.Join(dir, "sentinel.conf")
		writeFile(t, conf, "port "+port+"\nbind 127.0.0.1\ndir "+dir+"\nloglevel verbose\n"+
			"sentinel resolve-hostnames no\n"+
			"sentinel monitor mymaster "+strings.Replace(master, ":", " ", 1)+" 2\n"+
			"sentinel down-after-milliseconds mymaster 3000\n"+
			"sentinel failover-timeout mymaster 5000\n")
		p := spawnProc(t, "127.0.0.1:"+port, dir, []string{"redis-sentinel", conf})
		if err := awaitPong(p.addr, p.done); err != nil {
			t.Fatalf("redis-sentinel: %v: %s", err, p.out.String())
		}
		sentinels = append(sentinels, p)
	}
	return sentinels
}

// sentinelAwait waits until cond holds, failing past sentinelDeadline.
func sentinelAwait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(sentinelDeadline); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", sentinelDeadline, what)
		}
	}
}

// sentinelsMaster returns the node of nodes that every sentinel names as
// the master, or nil.
func sentinelsMaster(sentinels, nodes []*serverProc) *serverProc {
	var master *serverProc
	for _, s := range sentinels {
		addr, err := diffRequest(s.addr, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")
		if err != nil {
			return nil
		}
		var named *serverProc
		for _, n := range nodes {
			if addr == sentinelAddrReply(n.addr) {
				named = n
			}
		}
		if named == nil || master != nil && named != master {
			return nil
		}
		master = named
	}
	return master
}

// sentinelReplicates reports whether the server at addr is a replica of
// master with its link up.
func sentinelReplicates(addr, master string) bool {
	_, port, _ := strings.Cut(master, ":")
	info, err := interopInfo(addr, "replication")
	return err == nil && info["role"] == "slave" && info["master_port"] == port && info["master_link_status"] == "up"
}

// sentinelWriters are two clients, RESP2 and RESP3, each writing keys
// "<n>:<n>" (its own n, counting up) through the sentinels' master, and
// recording those a replica acknowledged.
type sentinelWriters struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	acked      []string
	killed     time.Time
	firstWrite time.Duration // the kill to the first write started after it and done
}

func startSentinelWriters(t *testing.T, sentinels []*serverProc) *sentinelWriters {
	t.Helper()
	var addrs []string
	for _, s := range sentinels {
		addrs = append(addrs, s.addr)
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &sentinelWriters{cancel: cancel}
	for i, protocol := range []int{2, 3} {
		c := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: "mymaster", SentinelAddrs: addrs, Protocol: protocol,
			// Each attempt is a write of its own, timed from its start:
			// no retries, and a dial that asks the sentinels again every
			// 10 ms. The pool stops dialling for a second after PoolSize
			// failures in a row, which would hide when the new master
			// became writable.
			MaxRetries: -1, DialerRetryTimeout: 10 * time.Millisecond, PoolSize: 1000,
		})
		t.Cleanup(func() { c.Close() })
		w.wg.Add(1)
		go w.write(wctx, c, i)
	}
	t.Cleanup(cancel)
	return w
}

// write sends SET and WAIT 1 in one pipeline, so on one connection, WAIT
// counting the replicas that have that connection's SET.
func (w *sentinelWriters) write(ctx context.Context, c *redis.Client, writer int) {
	defer w.wg.Done()
	for n := writer; ctx.Err() == nil; n += 2 {
		key := fmt.Sprintf("%d:%d", n, n)
		start := time.Now()
		pipe := c.Pipeline()
		set := pipe.Set(ctx, key, n, 0)
		wait := pipe.Do(ctx, "WAIT", 1, 1000)
		// A pipeline that found no connection leaves its commands' errors
		// nil: success is SET's OK.
		pipe.Exec(ctx)
		if set.Val() != "OK" {
			// The master is down, or not yet known: try again shortly.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		w.mu.Lock()
		if !w.killed.IsZero() && start.After(w.killed) && w.firstWrite == 0 {
			w.firstWrite = time.Since(w.killed)
		}
		// WAIT fails when the master dies between the two replies.
		if replicas, err := wait.Int(); err == nil && replicas >= 1 {
			w.acked = append(w.acked, key)
		}
		w.mu.Unlock()
	}
}

func (w *sentinelWriters) markKill(at time.Time) {
	w.mu.Lock()
	w.killed = at
	w.mu.Unlock()
}

func (w *sentinelWriters) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// awaitAcked waits until n writes in all were acknowledged.
func (w *sentinelWriters) awaitAcked(t *testing.T, n int) {
	t.Helper()
	sentinelAwait(t, strconv.Itoa(n)+" acknowledged writes", func() bool { return w.ackedCount() >= n })
}

// stop ends the writers and returns the keys acknowledged and the time
// from the kill to the first write done on the new master.
func (w *sentinelWriters) stop() ([]string, time.Duration) {
	w.cancel()
	w.wg.Wait()
	return w.acked, w.firstWrite
}
