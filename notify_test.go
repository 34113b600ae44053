package main

// Keyspace events, command by command, against redis-server 7.0: each case
// runs on a real redis-server subscribed to __keyevent@*__:* (with
// notify-keyspace-events KEAmn) and on respd with its event sink recording
// in-process, and the two sequences of (db, event, key) must be equal. The
// class of each event (the notify-keyspace-events letter that enables it)
// is learnt from redis-server by running the cases once per single class.

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keyspaceEventCases are command sequences, each run after FLUSHALL on a
// connection in database 0 with active expiry off. Replies must be equal
// too, except a command's marked "?" (a random pick). Besides commands:
//
//	@expire-active 1|0   DEBUG SET-ACTIVE-EXPIRE on both servers
//	@after-ttl           sleep until keys set with PX 1 have expired
//	@dbsize n            wait until DBSIZE is n (active expiry's work)
//	@block cmd…          send a blocking command on a second connection
//	                     and wait until it blocks; its reply is read at
//	                     the end of the case
//	@dump-restore src dst ttl args…  DUMP src, then RESTORE dst ttl with
//	                     its payload
var keyspaceEventCases = []struct {
	name string
	cmds []string
}{
	// Strings
	{"set", []string{"SET s v", "SET s w", "SET s v EX 100", "SET s v PX 100000 NX", "SET s v XX", "SET s v KEEPTTL", "SET x v XX", "SET x v NX"}},
	{"set get", []string{"SET s v GET", "SET s w GET", "HSET h f v", "SET h v GET", "SET x v NX GET", "SET s z XX GET"}},
	{"set past", []string{"SET s v EXAT 1", "SET t v PXAT 1", "SET s v", "SET s v PXAT 100"}},
	{"setnx setex psetex", []string{"SETNX s v", "SETNX s v", "SETEX s 100 v", "PSETEX p 100000 v", "SETEX s 0 v"}},
	{"getset getdel", []string{"GETSET s v", "GETSET s w", "GETDEL s", "GETDEL s", "LPUSH l a", "GETDEL l"}},
	{"getex", []string{"GETEX s", "SET s v", "GETEX s", "GETEX s EX 100", "GETEX s PX 1000000", "GETEX s PERSIST", "GETEX s PERSIST",
		"GETEX s EXAT 4000000000", "GETEX s PXAT 1", "SET s v", "GETEX s EXAT 1"}},
	{"append setrange", []string{"APPEND s v", "APPEND s w", "SETRANGE s 1 x", "SETRANGE t 0 \"\"", "SETRANGE s 1 \"\"", "SETRANGE t 2 x"}},
	{"incr decr", []string{"INCR i", "INCR i", "DECR i", "INCRBY i 5", "DECRBY i 5", "DECR j", "INCRBY k 3", "DECRBY m 1", "SET s x", "INCR s", "INCRBY i 9223372036854775807"}},
	{"incrbyfloat", []string{"INCRBYFLOAT f 1.5", "INCRBYFLOAT f 1", "SET s x", "INCRBYFLOAT s 1"}},
	{"mset msetnx", []string{"MSET a 1 b 2 a 3", "MSETNX a 1 c 2", "MSETNX c 1 d 2"}},
	{"set over other types", []string{"LPUSH l a", "SET l v", "HSET h f v", "SET h v EX 100", "SADD s m", "MSET s v", "ZADD z 1 m", "GETSET z v", "APPEND z w", "INCR l"}},
	{"string reads", []string{"GET s", "MGET s t", "SET s v", "MGET s t", "STRLEN t", "GETRANGE t 0 1", "SUBSTR t 0 1", "LCS s t", "GET s"}},

	// Keys
	{"del unlink", []string{"SET a 1", "SET b 2", "SET c 3", "DEL a x b", "UNLINK c y", "DEL x"}},
	{"key reads", []string{"EXISTS x", "TYPE x", "TTL x", "PTTL x", "EXPIRETIME x", "PEXPIRETIME x", "TOUCH x", "DUMP x",
		"OBJECT ENCODING x", "OBJECT FREQ x", "MEMORY USAGE x", "KEYS *", "SCAN 0", "RANDOMKEY", "DBSIZE"}},
	{"rename", []string{"SET a 1", "RENAME a b", "SET c 1", "RENAME b c", "RENAME c c", "RENAMENX c d", "SET e 1", "RENAMENX d e", "RENAMENX d d", "RENAME x y"}},
	{"rename ttl", []string{"SET a 1 EX 100", "RENAME a b", "LPUSH l x", "RENAME l b"}},
	{"move", []string{"SET a 1", "MOVE a 1", "SET a 2", "MOVE a 1", "MOVE x 1", "SELECT 1", "MOVE a 0", "SELECT 0"}},
	{"copy", []string{"SET a 1", "COPY a b", "COPY a b", "COPY a b REPLACE", "COPY a c DB 2", "COPY x y", "SELECT 2", "COPY c c DB 0 REPLACE", "SELECT 0"}},
	{"expire", []string{"EXPIRE x 100", "SET a 1", "EXPIRE a 100", "PEXPIRE a 100000", "EXPIREAT a 4000000000", "PEXPIREAT a 4000000000000",
		"EXPIRE a 100 NX", "EXPIRE a 50 GT", "EXPIRE a 50 LT", "EXPIRE a -1", "SET b 1", "PEXPIREAT b 1", "SET c 1", "EXPIREAT c 0", "SET d 1", "PEXPIRE d 0"}},
	{"persist", []string{"PERSIST x", "SET a 1", "PERSIST a", "EXPIRE a 100", "PERSIST a", "PERSIST a"}},
	{"restore", []string{"RPUSH l a b", "@dump-restore l m 0", "@dump-restore l m 0", "@dump-restore l m 0 REPLACE", "@dump-restore l n 100000",
		"@dump-restore l n 1 ABSTTL REPLACE", "@dump-restore l o 1 ABSTTL", "@dump-restore l p 0 IDLETIME 10"}},
	{"flush swapdb", []string{"SET a 1", "SELECT 1", "SET b 1", "SWAPDB 0 1", "FLUSHDB", "SELECT 0", "FLUSHALL", "SET c 1 EX 100", "FLUSHALL ASYNC"}},
	{"other databases", []string{"SELECT 5", "LPUSH l a", "GET x", "RENAME l m", "SET e 1 PX 1", "@after-ttl", "GET e", "SELECT 0", "DEBUG RELOAD", "DBSIZE"}},
	{"multi", []string{"MULTI", "SET a 1", "INCR a", "DEL a", "GET a", "EXEC"}},

	// Expiry: lazily on access, and by the cron.
	{"lazy expiry on read", []string{"SET a 1 PX 1", "HSET h f v", "PEXPIRE h 1", "@after-ttl", "GET a", "HGET h f", "DBSIZE"}},
	{"lazy expiry on write", []string{"SET a 1 PX 1", "RPUSH l x", "PEXPIRE l 1", "@after-ttl", "SET a 2", "LPUSH l y", "DEL l"}},
	{"lazy expiry by key commands", []string{"SET a 1 PX 1", "SET b 1 PX 1", "SET c 1 PX 1", "SET d 1 PX 1", "SET e 1 PX 1", "SET f 1 PX 1", "@after-ttl",
		"EXISTS a", "TYPE b", "TTL c", "DEL d", "OBJECT ENCODING e", "RENAME f g", "DBSIZE"}},
	{"lazy expiry of a destination", []string{"SET a 1", "SET b 1 PX 1", "SELECT 1", "SET a 1 PX 1", "SELECT 0", "@after-ttl", "COPY a b", "MOVE a 1"}},
	{"lazy expiry of a store destination", []string{"SADD s a", "ZADD z 1 a", "SET d1 1 PX 1", "SET d2 1 PX 1", "SET d3 1 PX 1", "SET d4 1 PX 1", "@after-ttl",
		"SUNIONSTORE d1 s", "ZUNIONSTORE d2 1 z", "SORT s ALPHA STORE d3", "GEOSEARCHSTORE d4 z FROMLONLAT 0 0 BYRADIUS 1 km"}},
	{"lazy expiry by other commands", []string{"SET b 1 PX 1", "SET c 1 PX 1", "SET d 1 PX 1", "LPUSH l x", "SET w_x 1 PX 1", "SADD s m", "PEXPIRE s 1", "@after-ttl",
		"EXPIRE b 100", "SET c 2 GET", "DUMP d", "SORT l BY w_*", "SMOVE s t m", "DBSIZE"}},
	{"no expiry by inspection", []string{"SET a 1 PX 1", "@after-ttl", "?MEMORY USAGE a", "GET m1", "WATCH a", "GET m2", "KEYS *", "GET m3", "?DEBUG OBJECT a", "GET m4", "UNWATCH", "DEL a"}},
	{"lazy expiry by randomkey", []string{"SET a 1 PX 1", "@after-ttl", "RANDOMKEY"}},
	// One expired key per SCAN: it meets them in its hash order.
	{"lazy expiry by scan", []string{"SET a 1 PX 1", "SET c 1", "@after-ttl", "SCAN 0 TYPE string", "SET b 1 PX 1", "@after-ttl", "SCAN 0",
		"SET d 1 PX 1", "@after-ttl", "SCAN 0 TYPE none", "KEYS *", "DBSIZE"}},
	// One database at a time: the order in which the cron visits them is
	// its own.
	{"active expiry", []string{"@expire-active 1", "SET a 1 PX 1", "@dbsize 0", "SELECT 3", "SADD s m", "PEXPIRE s 1", "@dbsize 0", "SELECT 0"}},

	// Lists
	{"push", []string{"LPUSH l a b", "RPUSH l c", "LPUSHX x a", "RPUSHX x a", "LPUSHX l z", "RPUSHX l z"}},
	{"linsert lset", []string{"RPUSH l a b", "LINSERT l BEFORE a y", "LINSERT l AFTER nope y", "LINSERT x BEFORE a y", "LSET l 0 q", "LSET x 0 q"}},
	{"lrem ltrim", []string{"RPUSH l a b a c", "LREM l 0 a", "LREM l 0 nope", "LTRIM l 0 -1", "LTRIM l 0 0", "LTRIM l 5 6", "LTRIM x 0 1", "RPUSH m a", "LREM m 1 a", "LREM x 0 a"}},
	{"pop", []string{"RPUSH l a b c d e", "LPOP l", "RPOP l", "LPOP l 2", "LPOP l 0", "RPOP l 5", "LPOP x", "RPOP x 2", "RPUSH m a", "LPOP m 0"}},
	{"lmove", []string{"RPUSH s a b", "LMOVE s d LEFT RIGHT", "LMOVE s d RIGHT LEFT", "LMOVE x d LEFT LEFT", "RPUSH r x", "RPOPLPUSH r r", "RPOPLPUSH r q", "LMOVE q q LEFT RIGHT"}},
	{"lmpop blocking", []string{"RPUSH a 1 2", "LMPOP 2 x a LEFT COUNT 5", "RPUSH b 1 2", "BLPOP x b 0", "BRPOP b 0", "RPUSH c 1", "BLMOVE c d LEFT LEFT 0", "BLMPOP 0 1 d RIGHT", "BRPOPLPUSH x y 0.01"}},
	{"blocked pop served", []string{"@block BLPOP w 0", "RPUSH w v", "@block BLMOVE w2 d LEFT RIGHT 0", "LPUSH w2 a b"}},
	{"list reads", []string{"LRANGE x 0 -1", "LINDEX x 0", "LLEN x", "LPOS x a", "RPUSH l a", "LRANGE l 0 -1", "LINDEX l 5", "LPOS l b"}},

	// Hashes
	{"hset hmset hsetnx", []string{"HSET h a 1 b 2", "HSET h a 1", "HMSET h c 3", "HSETNX h a 9", "HSETNX h z 9", "HSETNX g a 1", "SET s v", "HSET s a 1"}},
	{"hdel", []string{"HSET h a 1 b 2 c 3", "HDEL h a x", "HDEL h x", "HDEL h b c", "HDEL x a"}},
	{"hincrby", []string{"HINCRBY h a 1", "HINCRBY h a 2", "HINCRBYFLOAT h b 1.5", "HINCRBYFLOAT g b 1.5", "HSET h s x", "HINCRBY h s 1", "HINCRBYFLOAT h s 1"}},
	{"hash reads", []string{"HGET x f", "HMGET x f", "HGETALL x", "HKEYS x", "HVALS x", "HLEN x", "HSTRLEN x f", "HEXISTS x f", "HRANDFIELD x", "HSCAN x 0"}},

	// Sets
	{"sadd srem", []string{"SADD s a b", "SADD s a", "SADD s c", "SREM s a x", "SREM s x", "SREM s b c", "SREM x a"}},
	{"spop", []string{"SADD s a b c d e", "?SPOP s", "SPOP s 0", "?SPOP s 2", "SPOP x", "SPOP x 2", "SADD t a", "SPOP t", "SADD u a b", "?SPOP u 2", "SADD v a b", "?SPOP v 5"}},
	{"smove", []string{"SADD a 1 2", "SMOVE a b 1", "SADD b 2", "SMOVE a b 2", "SMOVE a b 2", "SMOVE x b 2", "SMOVE b b 1", "SMOVE b b 9", "SADD c 1", "SMOVE b c 1"}},
	{"set stores", []string{"SADD a 1 2 3", "SADD b 2 3 4", "SINTERSTORE d a b", "SUNIONSTORE d a b", "SDIFFSTORE d a b", "SINTERSTORE d a x", "SINTERSTORE d a x",
		"SDIFFSTORE d a a", "SUNIONSTORE d x y", "SUNIONSTORE e a", "SDIFFSTORE e x a"}},
	{"set reads", []string{"SMEMBERS x", "SISMEMBER x a", "SMISMEMBER x a", "SCARD x", "SRANDMEMBER x", "SRANDMEMBER x 2", "SINTER x y", "SUNION x y", "SDIFF x y", "SINTERCARD 2 x y", "SSCAN x 0",
		"SADD a 1", "SINTER a x", "SUNION a x", "SDIFF a x"}},

	// SORT
	{"sort", []string{"RPUSH l 3 1 2", "SORT l STORE d", "SORT x STORE d", "SORT x", "SORT_RO x", "SORT l BY w_* GET o_* GET #", "SORT l BY nosort GET o_*", "SORT l BY h_*->f GET h_*->g", "SET w_1 5", "SORT l BY w_* STORE e", "SORT x STORE e"}},

	// Sorted sets
	{"zadd zincrby", []string{"ZADD z 1 a 2 b", "ZADD z 1 a", "ZADD z 3 a", "ZADD z INCR 1 a", "ZADD z XX 1 c", "ZADD x XX 1 a", "ZADD z NX 1 a", "ZINCRBY z 1 a", "ZINCRBY y 1 a", "ZADD z GT 0 a", "ZADD z CH 9 b"}},
	{"zrem zremrange", []string{"ZADD z 1 a 2 b 3 c 4 d 5 e", "ZREM z a x", "ZREM z x", "ZREMRANGEBYSCORE z 2 2", "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYLEX z - +", "ZREM x a", "ZREMRANGEBYRANK x 0 1"}},
	{"zpop", []string{"ZADD z 1 a 2 b 3 c", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 0", "ZPOPMAX z 5", "ZPOPMIN x", "ZADD y 1 a 2 b", "ZMPOP 2 x y MIN COUNT 1", "BZPOPMIN y 0", "ZADD w 1 a", "BZMPOP 0 1 w MAX", "BZPOPMAX x 0.01"}},
	{"zset stores", []string{"ZADD a 1 x 2 y", "ZADD b 2 y 3 z", "ZUNIONSTORE d 2 a b", "ZINTERSTORE d 2 a b", "ZDIFFSTORE d 2 a b", "ZINTERSTORE d 2 a n", "ZINTERSTORE d 2 a n",
		"ZRANGESTORE e a 0 -1", "ZRANGESTORE e a 5 6", "ZRANGESTORE e n 0 -1", "ZDIFFSTORE e 1 n", "ZUNIONSTORE e 1 n"}},
	{"zset reads", []string{"ZSCORE x a", "ZMSCORE x a", "ZCARD x", "ZCOUNT x 0 1", "ZLEXCOUNT x - +", "ZRANGE x 0 -1", "ZRANGEBYSCORE x 0 1", "ZREVRANGE x 0 -1", "ZRANGEBYLEX x - +",
		"ZRANK x a", "ZREVRANK x a", "ZRANDMEMBER x", "ZSCAN x 0", "ZUNION 2 x y", "ZINTER 2 x y", "ZDIFF 2 x y", "ZINTERCARD 2 x y", "ZADD a 1 m", "ZINTER 2 a x", "ZUNION 2 a x"}},
	{"blocked zpop served", []string{"@block BZPOPMIN w 0", "ZADD w 1 a", "@block BZMPOP 0 1 v MAX COUNT 5", "ZADD v 1 a 2 b"}},

	// Geo
	{"geo", []string{"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g XX 13.361389 38.115556 Palermo", "GEOADD g CH 13.4 38.1 Palermo",
		"GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "GEOSEARCHSTORE d g FROMLONLAT 0 0 BYRADIUS 1 km",
		"GEOSEARCHSTORE d g FROMLONLAT 0 0 BYRADIUS 1 km", "GEORADIUS g 15 37 200 km STORE e", "GEORADIUS g 15 37 200 km STOREDIST e", "GEORADIUSBYMEMBER g Palermo 200 km STORE f",
		"GEORADIUS g 0 0 1 km STORE e", "GEOSEARCHSTORE d x FROMLONLAT 0 0 BYRADIUS 1 km", "GEORADIUS x 0 0 1 km STORE f", "GEOSEARCHSTORE d x FROMLONLAT 0 0 BYRADIUS 1 km"}},
	{"geo reads", []string{"GEOPOS x a", "GEODIST x a b", "GEOHASH x a", "GEOSEARCH x FROMLONLAT 0 0 BYRADIUS 1 km", "GEORADIUS x 0 0 1 km", "GEORADIUS_RO x 0 0 1 km",
		"GEORADIUSBYMEMBER x a 1 km", "GEORADIUSBYMEMBER_RO x a 1 km", "GEOSEARCH x FROMMEMBER a BYRADIUS 1 km"}},
}

// keyspaceEventsPending are the cases that differ from redis-server until
// a fix outside the files of the keyspace events lands: their differences
// are logged, not failed, and a case that passes fails until its entry
// goes, with the fix.
var keyspaceEventsPending = map[string]string{
	"no expiry by inspection": `WATCH (multi.go) deletes a key whose TTL has passed, where Redis only looks (keyIsExpired) and ` +
		`remembers it was expired, so that its later deletion does not abort the transaction`,
}

// eventClassLetters are the notify-keyspace-events letters of respd's
// classes, which redis-server is configured with one at a time.
var eventClassLetters = map[int]string{
	notifyGeneric: "g", notifyString: "$", notifyList: "l", notifySet: "s", notifyHash: "h", notifyZset: "z",
	notifyExpired: "x", notifyEvicted: "e", notifyStream: "t", notifyKeyMiss: "m", notifyNew: "n",
}

func TestKeyspaceEvents(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "KEYSPACE EVENT TESTS SKIPPED: redis-server not installed (apt-get install redis-server)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	redisAddr := diffStartRedis(t, "--notify-keyspace-events", "KEAmn", "--hz", "100", "--enable-debug-command", "yes")
	redis := newEventRunner(t, redisAddr)
	sub := subscribeKeyevents(t, redisAddr)

	s, addr := startTestServer(t, "--hz", "100", "--enable-debug-command", "yes")
	type event struct {
		class int
		text  string
	}
	var recorded []event
	s.mu.Lock()
	s.keyspaceEvents = func(class int, name string, key []byte, db int) {
		recorded = append(recorded, event{class, fmt.Sprintf("%d %s %s", db, name, key)})
	}
	s.mu.Unlock()
	respd := newEventRunner(t, addr)

	// Redis's class of each event: the letter with which it appears.
	classOf := map[string]string{}
	for _, letter := range eventClassLetters {
		redis.do("CONFIG", "SET", "notify-keyspace-events", "E"+letter)
		for _, tc := range keyspaceEventCases {
			redis.run(tc.cmds)
			for _, ev := range sub.collect(redis) {
				name := strings.Fields(ev)[1]
				if had, ok := classOf[name]; ok && had != letter {
					t.Errorf("redis-server reports %q in classes %s and %s", name, had, letter)
				}
				classOf[name] = letter
			}
		}
	}
	redis.do("CONFIG", "SET", "notify-keyspace-events", "KEAmn")

	for _, tc := range keyspaceEventCases {
		redisReplies := redis.run(tc.cmds)
		want := sub.collect(redis)
		s.mu.Lock()
		recorded = recorded[:0]
		s.mu.Unlock()
		respdReplies := respd.run(tc.cmds)
		s.mu.Lock()
		var got, classes []string
		for _, ev := range recorded {
			got = append(got, ev.text)
			classes = append(classes, eventClassLetters[ev.class])
		}
		s.mu.Unlock()
		if testing.Verbose() {
			t.Logf("%s: redis-server's events:\n\t%s", tc.name, strings.Join(want, "\n\t"))
		}
		for i, cmd := range tc.cmds {
			if !strings.HasPrefix(cmd, "?") && redisReplies[i] != respdReplies[i] {
				t.Errorf("%s: %s replied %q, redis-server %q", tc.name, cmd, respdReplies[i], redisReplies[i])
			}
		}
		fix, pending := keyspaceEventsPending[tc.name]
		if !slices.Equal(got, want) {
			report := t.Errorf
			if pending {
				report = t.Logf
				fmt.Printf("KEYSPACE EVENTS OF %q PENDING: %s\n", tc.name, fix)
			}
			report("%s: events (db event key):\n\t%s\nredis-server's:\n\t%s", tc.name, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			continue
		}
		if pending {
			t.Errorf("%s: events as redis-server's now: remove it from keyspaceEventsPending", tc.name)
		}
		for i, ev := range got {
			if name := strings.Fields(ev)[1]; classes[i] != classOf[name] {
				t.Errorf("%s: %q has class %q, redis-server's is %q", tc.name, name, classes[i], classOf[name])
			}
		}
	}
}

// eventRunner runs cases on one server.
type eventRunner struct {
	t       *testing.T
	addr    string
	c       *diffConn
	blocked []*diffConn // connections whose blocking command is pending
}

func newEventRunner(t *testing.T, addr string) *eventRunner {
	c, err := diffDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return &eventRunner{t: t, addr: addr, c: c}
}

// do runs one command and returns its reply.
func (r *eventRunner) do(args ...string) string {
	r.t.Helper()
	reply, err := r.c.do(diffEncode(stringArgv(args...)))
	if err != nil {
		r.t.Fatalf("%s on %s: %v", args, r.addr, err)
	}
	return string(reply)
}

// run runs a case from an empty server and returns each step's reply.
func (r *eventRunner) run(cmds []string) []string {
	r.t.Helper()
	// Active expiry stays off between cases, so that none of their
	// events comes after the case's end.
	if reply := r.do("DEBUG", "SET-ACTIVE-EXPIRE", "0"); reply != "+OK\r\n" {
		r.t.Fatalf("DEBUG SET-ACTIVE-EXPIRE on %s: %q", r.addr, reply)
	}
	r.do("SELECT", "0")
	r.do("FLUSHALL")
	var replies []string
	for _, cmd := range cmds {
		args, err := diffSplitArgs(strings.TrimPrefix(cmd, "?"))
		if err != nil {
			r.t.Fatalf("%s: %v", cmd, err)
		}
		argv := make([]string, len(args))
		for i, a := range args {
			argv[i] = string(a)
		}
		replies = append(replies, r.step(argv))
	}
	for _, c := range r.blocked {
		c.c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := diffReadReply(c.r); err != nil {
			r.t.Fatalf("blocked command on %s: %v", r.addr, err)
		}
		c.close()
	}
	r.blocked = nil
	return replies
}

func (r *eventRunner) step(argv []string) string {
	r.t.Helper()
	switch argv[0] {
	case "@expire-active":
		return r.do("DEBUG", "SET-ACTIVE-EXPIRE", argv[1])
	case "@after-ttl":
		time.Sleep(5 * time.Millisecond) // keys set with PX 1 have expired
		return ""
	case "@dbsize":
		want := ":" + argv[1] + "\r\n"
		for deadline := time.Now().Add(10 * time.Second); r.do("DBSIZE") != want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				r.t.Fatalf("%s: DBSIZE is not %s after 10 s", r.addr, argv[1])
			}
		}
		return ""
	case "@block":
		c, err := diffDial(r.addr)
		if err != nil {
			r.t.Fatal(err)
		}
		blocked := func() int {
			_, n, _ := strings.Cut(r.do("INFO", "clients"), "blocked_clients:")
			n, _, _ = strings.Cut(n, "\r\n")
			i, _ := strconv.Atoi(n)
			return i
		}
		before := blocked()
		if _, err := c.c.Write(diffEncode(stringArgv(argv[1:]...))); err != nil {
			r.t.Fatal(err)
		}
		r.blocked = append(r.blocked, c)
		for deadline := time.Now().Add(10 * time.Second); blocked() == before; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				r.t.Fatalf("%s: %s did not block", r.addr, argv[1:])
			}
		}
		return ""
	case "@dump-restore":
		payload := r.do("DUMP", argv[1])
		_, body, _ := strings.Cut(payload, "\r\n")
		body = strings.TrimSuffix(body, "\r\n")
		return r.do(append([]string{"RESTORE", argv[2], argv[3], body}, argv[4:]...)...)
	}
	return r.do(argv...)
}

// keyeventSub is a redis-server connection subscribed to every keyevent
// channel and to a channel of its own that marks the end of a case.
type keyeventSub struct {
	t *testing.T
	c *diffConn
	n int // cases collected
}

const keyeventSyncChannel = "notify-test-sync"

func subscribeKeyevents(t *testing.T, addr string) *keyeventSub {
	c, err := diffDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	for _, cmd := range [][]string{{"PSUBSCRIBE", "__keyevent@*__:*"}, {"SUBSCRIBE", keyeventSyncChannel}} {
		if _, err := c.do(diffEncode(stringArgv(cmd...))); err != nil {
			t.Fatal(err)
		}
	}
	return &keyeventSub{t: t, c: c}
}

// collect publishes a marker through r and returns the events published
// before it, as "db event key".
func (s *keyeventSub) collect(r *eventRunner) []string {
	s.t.Helper()
	s.n++
	marker := strconv.Itoa(s.n)
	r.do("PUBLISH", keyeventSyncChannel, marker)
	var events []string
	s.c.c.SetDeadline(time.Now().Add(10 * time.Second))
	for {
		reply, err := diffReadReply(s.c.r)
		if err != nil {
			s.t.Fatalf("subscriber: %v", err)
		}
		_, elems, ok := diffSplitReply(reply)
		if !ok || len(elems) < 3 {
			s.t.Fatalf("subscriber got %q", reply)
		}
		fields := make([]string, len(elems))
		for i, e := range elems {
			fields[i] = bulkBody(e)
		}
		switch {
		case fields[0] == "message" && fields[1] == keyeventSyncChannel && fields[2] == marker:
			return events
		case fields[0] == "pmessage" && len(fields) == 4:
			// __keyevent@<db>__:<event>
			channel := strings.TrimPrefix(fields[2], "__keyevent@")
			db, event, _ := strings.Cut(channel, "__:")
			events = append(events, fmt.Sprintf("%s %s %s", db, event, fields[3]))
		default:
			s.t.Fatalf("subscriber got %q", reply)
		}
	}
}

// bulkBody is the content of a RESP bulk string reply.
func bulkBody(reply []byte) string {
	header, body, _ := strings.Cut(string(reply), "\r\n")
	n, err := strconv.Atoi(header[1:])
	if err != nil || n < 0 || n > len(body) {
		return string(reply)
	}
	return body[:n]
}

// On a replica keys expire only by their master's DEL: a read of a key whose
// TTL has passed misses without "expired", and the master's stream reports
// what its commands report (INCRBYFLOAT as set, SPOP as srem, GETEX's
// expire as PEXPIREAT's). A redis-server replica and a respd replica of the
// same redis-server master must report the same.
func TestKeyspaceEventsOnReplica(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "KEYSPACE EVENT TESTS SKIPPED: redis-server not installed (apt-get install redis-server)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	masterAddr := diffStartRedis(t, "--enable-debug-command", "yes")
	_, port, _ := net.SplitHostPort(masterAddr)
	redisAddr := diffStartRedis(t, "--notify-keyspace-events", "KEAmn", "--replicaof", "127.0.0.1", port)
	sub := subscribeKeyevents(t, redisAddr)
	s, addr := startTestServer(t, "--replicaof", "127.0.0.1 "+port)
	var got []string
	s.mu.Lock()
	s.keyspaceEvents = func(class int, name string, key []byte, db int) {
		got = append(got, fmt.Sprintf("%d %s %s", db, name, key))
	}
	s.mu.Unlock()
	master, replicas := newEventRunner(t, masterAddr), []*eventRunner{newEventRunner(t, redisAddr), newEventRunner(t, addr)}
	caughtUp := func() {
		for _, r := range replicas {
			waitReplicaCaughtUp(t, masterAddr, r.addr)
		}
	}

	caughtUp() // past the full sync, whose keys report nothing
	master.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	for _, cmd := range []string{"SET a 1 PX 1", "SET b 1 PX 1", "INCRBYFLOAT f 1.5", "SADD s x y", "SPOP s", "GETEX f EX 100", "RPUSH l a b", "LPOP l 2",
		"SELECT 2", "HSET h f v", "EXPIRE h 0", "SELECT 0"} {
		master.step(strings.Fields(cmd))
	}
	time.Sleep(5 * time.Millisecond) // a's and b's TTL has passed
	caughtUp()
	for _, r := range replicas {
		for _, cmd := range []string{"GET a", "EXISTS b", "TYPE a", "DBSIZE"} {
			if reply := r.step(strings.Fields(cmd)); cmd == "DBSIZE" && reply != ":4\r\n" {
				t.Errorf("%s: DBSIZE %q: keys whose TTL passed stay on a replica", r.addr, reply)
			}
		}
	}
	master.do("GET", "a") // expires a: DEL a
	master.do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	master.step([]string{"@dbsize", "2"}) // the cron expires b: DEL b
	master.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	caughtUp()

	want := sub.collect(replicas[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	if testing.Verbose() {
		t.Logf("redis-server replica's events:\n\t%s", strings.Join(want, "\n\t"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("respd replica's events (db event key):\n\t%s\nredis-server replica's:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
