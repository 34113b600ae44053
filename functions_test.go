package main

import (
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Functions end to end: go-redis in both protocols, and libraries kept
// through RDB files, AOF rewrites, DEBUG RELOAD and replication, with
// redis-server on the other side where it can be.

const testLibrary = "#!lua name=counters\n" +
	"redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
	"redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}"

// checkLibrary checks rc has the test library and that its functions run.
func checkLibrary(t *testing.T, what string, rc *redis.Client) {
	t.Helper()
	libs, err := rc.FunctionList(ctx, redis.FunctionListQuery{WithCode: true}).Result()
	if err != nil || len(libs) != 1 || libs[0].Name != "counters" || libs[0].Code != testLibrary || len(libs[0].Functions) != 2 {
		t.Fatalf("%s: FUNCTION LIST = %+v, %v", what, libs, err)
	}
	if _, err := rc.FCallRO(ctx, "peek", []string{"fn:k"}).Result(); err != nil && err != redis.Nil {
		t.Fatalf("%s: FCALL_RO peek: %v", what, err)
	}
}

func TestFunctionsGoRedis(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t)) {
		t.Run(proto, func(t *testing.T) {
			rc.FunctionFlush(ctx)
			if name, err := rc.FunctionLoad(ctx, testLibrary).Result(); err != nil || name != "counters" {
				t.Fatalf("FUNCTION LOAD = %q, %v", name, err)
			}
			for want := int64(2); want <= 6; want += 2 {
				if n, err := rc.FCall(ctx, "bump", []string{"fn:k"}, 2).Int64(); err != nil || n != want {
					t.Fatalf("FCALL bump = %d, %v", n, err)
				}
			}
			if v, err := rc.FCallRO(ctx, "peek", []string{"fn:k"}).Text(); err != nil || v != "6" {
				t.Fatalf("FCALL_RO peek = %q, %v", v, err)
			}
			if err := rc.FCallRO(ctx, "bump", []string{"fn:k"}, 1).Err(); err == nil || err.Error() != "ERR Can not execute a script with write flag using *_ro command." {
				t.Fatalf("FCALL_RO of a function that writes: %v", err)
			}
			dump, err := rc.FunctionDump(ctx).Result()
			if err != nil {
				t.Fatal(err)
			}
			rc.FunctionFlush(ctx)
			if err := rc.FCall(ctx, "bump", []string{"fn:k"}, 1).Err(); err == nil || err.Error() != "ERR Function not found" {
				t.Fatalf("FCALL after FUNCTION FLUSH: %v", err)
			}
			if err := rc.FunctionRestore(ctx, dump).Err(); err != nil {
				t.Fatal(err)
			}
			checkLibrary(t, "restored", rc)
			rc.FunctionFlush(ctx)
			rc.Del(ctx, "fn:k")
		})
	}
}

// TestFunctionsPersist: libraries survive a restart from the RDB and from
// an AOF rewritten without an RDB preamble, and DEBUG RELOAD.
func TestFunctionsPersist(t *testing.T) {
	for _, args := range [][]string{
		{"--appendonly", "no"},
		{"--appendonly", "yes", "--aof-use-rdb-preamble", "no"},
		{"--appendonly", "yes", "--aof-use-rdb-preamble", "yes"},
	} {
		t.Run(args[1]+"-"+args[len(args)-1], func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"--dir", dir, "--enable-debug-command", "yes"}, args...)
			s, addr := startTestServer(t, args...)
			rc := newClients(t, addr)["resp2"]
			if err := rc.FunctionLoad(ctx, testLibrary).Err(); err != nil {
				t.Fatal(err)
			}
			rc.BgRewriteAOF(ctx)
			if err := rc.Save(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			if err := rc.Do(ctx, "DEBUG", "RELOAD").Err(); err != nil {
				t.Fatal(err)
			}
			checkLibrary(t, "after DEBUG RELOAD", rc)
			waitFor(t, func() bool { return locked(s, func() bool { return !s.rewrite.running }) })
			s.Shutdown()
			_, addr2 := startTestServer(t, args...)
			checkLibrary(t, "after a restart", newClients(t, addr2)["resp2"])
		})
	}
}

// TestFunctionsInterop: respd's RDB loads into redis-server and Redis's
// into respd; libraries replicate both ways.
func TestFunctionsInterop(t *testing.T) {
	interopRequireRedis(t)
	dir := t.TempDir()
	_, addr := startTestServer(t, "--dir", dir)
	mine := newClients(t, addr)["resp2"]
	mine.FunctionLoad(ctx, testLibrary)
	if err := mine.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	real := redis.NewClient(&redis.Options{Addr: diffStartRedis(t, "--dir", dir)})
	defer real.Close()
	checkLibrary(t, "respd's RDB in redis-server", real)
	checkLibrary(t, "redis-server's RDB in respd", respdOnRedisRDB(t, nil, func(rc *redis.Client) { rc.FunctionLoad(ctx, testLibrary) }))

	for _, pair := range [][2]string{{interopRespd, interopRedis}, {interopRedis, interopRespd}, {interopRespd, interopRespd}} {
		t.Run(pair[0]+"->"+pair[1], func(t *testing.T) {
			master := newInteropNode(t, pair[0], "master")
			master.rc().FunctionLoad(ctx, "#!lua name=early\nredis.register_function('e', function() return 1 end)")
			replica := newInteropNode(t, pair[1], "replica", master.replicaOf()...)
			waitReplicaCaughtUp(t, master.addr, replica.addr) // the full sync's RDB
			master.rc().FunctionDelete(ctx, "early")
			master.rc().FunctionLoad(ctx, testLibrary) // the stream
			master.rc().FCall(ctx, "bump", []string{"fn:k"}, 5)
			waitReplicaCaughtUp(t, master.addr, replica.addr)
			checkLibrary(t, "replica", replica.rc())
			if v := replica.rc().Get(ctx, "fn:k").Val(); v != "5" {
				t.Errorf("replica's fn:k = %q", v)
			}
			names := []string{}
			for _, lib := range replica.rc().FunctionList(ctx, redis.FunctionListQuery{}).Val() {
				names = append(names, lib.Name)
			}
			if !slices.Equal(names, []string{"counters"}) {
				t.Errorf("replica's libraries: %v", names)
			}
		})
	}
}
