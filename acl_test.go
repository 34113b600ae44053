package main

// End-to-end tests of ACL users (acl.go): go-redis logged in as a user in
// both protocols, AUTH and HELLO AUTH byte for byte, the ACL log under a
// brute-force AUTH loop, what deleting a user or revoking its channels
// does to its connections, EXEC's re-check, key and channel permissions,
// the ACL file and user lines, requirepass as the default user's
// password, the denied counters and protected mode. Most run the same
// expectations against a real redis-server and respd (aclBoth): Redis
// 7.0 is the specification, so a failure only on respd's side is a
// difference from Redis.

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	aclWrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
	aclNoAuth    = "-NOAUTH Authentication required.\r\n"
)

// aclBoth runs f against a redis-server and an in-process respd, both
// started with these flags.
func aclBoth(t *testing.T, args []string, f func(t *testing.T, addr string)) {
	t.Helper()
	t.Run("redis", func(t *testing.T) {
		interopRequireRedis(t)
		f(t, diffStartRedis(t, args...))
	})
	t.Run("respd", func(t *testing.T) { f(t, startServer(t, args...)) })
}

// aclLogin opens a raw connection authenticated as user.
func aclLogin(t *testing.T, addr, user, pass string) *rawConn {
	t.Helper()
	rc := dialRaw(t, addr)
	rwDo(t, rc, "+OK\r\n", "AUTH", user, pass)
	return rc
}

// aclExpectClosed checks that the server closes rc (within 3 s) without
// sending anything more.
func aclExpectClosed(t *testing.T, rc *rawConn) {
	t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	b, err := rc.r.ReadByte()
	var ne net.Error
	switch {
	case err == nil:
		t.Fatalf("the connection is open: unexpected data %q", b)
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatal("the connection is still open")
	}
}

// aclSHA256 is a password's hash as ACL GETUSER and ACL LIST show it.
func aclSHA256(pass string) string {
	sum := sha256.Sum256([]byte(pass))
	return hex.EncodeToString(sum[:])
}

// aclGetUser is ACL GETUSER's reply (RESP2) as fields.
func aclGetUser(t *testing.T, rc *rawConn, name string) map[string]rwValue {
	t.Helper()
	v := rwCall(t, rc, "ACL", "GETUSER", name)
	if v.kind != '*' || v.null {
		t.Fatalf("ACL GETUSER %s: %q", name, v.raw)
	}
	fields := map[string]rwValue{}
	for i := 0; i+1 < len(v.elems); i += 2 {
		fields[v.elems[i].str] = v.elems[i+1]
	}
	return fields
}

// aclLogEntries is ACL LOG's reply (RESP2), newest first, as fields.
func aclLogEntries(t *testing.T, rc *rawConn, args ...string) []map[string]string {
	t.Helper()
	v := rwCall(t, rc, append([]string{"ACL", "LOG"}, args...)...)
	if v.kind != '*' {
		t.Fatalf("ACL LOG: %q", v.raw)
	}
	var entries []map[string]string
	for _, e := range v.elems {
		fields := map[string]string{}
		for i := 0; i+1 < len(e.elems); i += 2 {
			fields[e.elems[i].str] = e.elems[i+1].str
		}
		entries = append(entries, fields)
	}
	return entries
}

// aclCheckEntry compares an ACL LOG entry's fields with want (the fields
// named there only).
func aclCheckEntry(t *testing.T, e map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if e[k] != v {
			t.Errorf("ACL LOG entry %s = %q, want %q (entry %v)", k, e[k], v, e)
		}
	}
}

// aclList is ACL LIST's lines.
func aclList(t *testing.T, rc *rawConn) []string {
	t.Helper()
	return rwCall(t, rc, "ACL", "LIST").argv()
}

// go-redis logged in as a user, in RESP2 and RESP3 (HELLO 3 AUTH user pass):
// what the user may run works, the rest is refused with Redis's NOPERM
// texts; a wrong password or a disabled user cannot log in.
func TestACLGoRedisUser(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "app", "on", ">secret", "~app:*", "&*", "+@all", "-@dangerous")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "sleepy", "off", ">zzz", "~*", "+@all")
		rwDo(t, admin, "+OK\r\n", "SET", "other", "x")
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
				opt := func(user, pass string) *redis.Options {
					return &redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true,
						Username: user, Password: pass, MaxRetries: -1}
				}
				rc := redis.NewClient(opt("app", "secret"))
				defer rc.Close()
				if got, err := rc.Do(ctx, "ACL", "WHOAMI").Text(); got != "app" || err != nil {
					t.Fatalf("ACL WHOAMI: %q, %v", got, err)
				}
				if err := rc.Set(ctx, "app:1", "v", 0).Err(); err != nil {
					t.Fatal(err)
				}
				if got, err := rc.Get(ctx, "app:1").Result(); got != "v" || err != nil {
					t.Fatalf("GET app:1: %q, %v", got, err)
				}
				if got, err := rc.HSet(ctx, fmt.Sprintf("app:h%d", proto), "f", "v").Result(); got != 1 || err != nil {
					t.Fatalf("HSET app:h: %d, %v", got, err)
				}
				refused := []struct {
					name string
					err  error
					want string
				}{
					{"GET other", rc.Get(ctx, "other").Err(), errNoPermKey},
					{"MGET app:1 other", rc.MGet(ctx, "app:1", "other").Err(), errNoPermKey},
					{"DEL other", rc.Del(ctx, "other").Err(), errNoPermKey},
					{"FLUSHALL", rc.FlushAll(ctx).Err(), fmt.Sprintf(errNoPermCommand, "flushall")},
					{"CONFIG SET", rc.ConfigSet(ctx, "maxmemory", "0").Err(), fmt.Sprintf(errNoPermCommand, "config|set")},
					{"ACL SETUSER", rc.Do(ctx, "ACL", "SETUSER", "app", "+@all").Err(), fmt.Sprintf(errNoPermCommand, "acl|setuser")},
				}
				for _, r := range refused {
					if r.err == nil || r.err.Error() != r.want {
						t.Errorf("%s: %v, want %q", r.name, r.err, r.want)
					}
				}
				// The connection is still the user's after the refusals.
				if got, err := rc.Do(ctx, "ACL", "WHOAMI").Text(); got != "app" || err != nil {
					t.Fatalf("ACL WHOAMI: %q, %v", got, err)
				}
				for _, bad := range []*redis.Options{opt("app", "wrong"), opt("nosuch", "secret"), opt("sleepy", "zzz")} {
					c := redis.NewClient(bad)
					err := c.Ping(ctx).Err()
					c.Close()
					if err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS invalid username-password pair or user is disabled.") {
						t.Errorf("%s/%s: %v, want WRONGPASS", bad.Username, bad.Password, err)
					}
				}
			})
		}
	})
}

// AUTH and HELLO AUTH byte for byte: WRONGPASS for a wrong password, an
// unknown or a disabled user; AUTH <pass> without a password for the
// default user; NOAUTH before authenticating once requirepass is set;
// RESET going back to the default user; a failed AUTH in the ACL log.
func TestACLAuthBytes(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "alice", "on", ">apw", "~*", "&*", "+@all")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "dis", "off", ">dpw", "~*", "&*", "+@all")

		c := dialRaw(t, addr)
		rwDo(t, c, "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", "AUTH", "apw")
		rwDo(t, c, aclWrongPass, "AUTH", "alice", "wrong")
		rwDo(t, c, aclWrongPass, "AUTH", "dis", "dpw")
		rwDo(t, c, aclWrongPass, "AUTH", "nosuch", "apw")
		rwDo(t, c, aclWrongPass, "HELLO", "3", "AUTH", "alice", "wrong")
		rwDo(t, c, aclWrongPass, "HELLO", "2", "AUTH", "dis", "dpw")
		rwDo(t, c, "-ERR syntax error\r\n", "AUTH", "a", "b", "c")
		rwDo(t, c, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
		rwDo(t, c, "+OK\r\n", "AUTH", "alice", "apw")
		rwDo(t, c, "$5\r\nalice\r\n", "ACL", "WHOAMI")
		rwDo(t, c, "+RESET\r\n", "RESET")
		rwDo(t, c, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
		if got := rwCall(t, c, "HELLO", "2", "AUTH", "alice", "apw"); got.kind != '*' || got.elems[0].str != "server" {
			t.Fatalf("HELLO 2 AUTH alice apw: %q", got.raw)
		}
		rwDo(t, c, "$5\r\nalice\r\n", "ACL", "WHOAMI")

		// A failed AUTH is logged: reason auth, the command as typed, the
		// username given.
		rwDo(t, admin, "+OK\r\n", "ACL", "LOG", "RESET")
		rwDo(t, c, aclWrongPass, "AuTh", "mallory", "x")
		rwDo(t, c, aclWrongPass, "hello", "3", "auth", "trudy", "y")
		entries := aclLogEntries(t, admin)
		if len(entries) != 2 {
			t.Fatalf("ACL LOG: %v", entries)
		}
		aclCheckEntry(t, entries[0], map[string]string{"count": "1", "reason": "auth", "context": "toplevel", "object": "hello", "username": "trudy"})
		aclCheckEntry(t, entries[1], map[string]string{"count": "1", "reason": "auth", "context": "toplevel", "object": "AuTh", "username": "mallory"})
		if info := entries[1]["client-info"]; !strings.Contains(info, " cmd=auth ") || !strings.Contains(info, " user=alice ") {
			t.Errorf("client-info %q", info)
		}
		// requirepass: a new connection must authenticate; RESET logs out
		// back to the default user, who now needs the password.
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "requirepass", "pw")
		n := dialRaw(t, addr)
		rwDo(t, n, aclNoAuth, "PING")
		rwDo(t, n, aclNoAuth, "ACL", "WHOAMI")
		rwDo(t, n, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n", "HELLO", "3")
		rwDo(t, n, aclWrongPass, "AUTH", "wrong")
		rwDo(t, n, "+OK\r\n", "AUTH", "alice", "apw")
		rwDo(t, n, "+PONG\r\n", "PING")
		rwDo(t, n, "+RESET\r\n", "RESET")
		rwDo(t, n, aclNoAuth, "PING")
		rwDo(t, n, "+OK\r\n", "AUTH", "pw")
		rwDo(t, n, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "requirepass", "")
	})
}

// AUTH is queued in MULTI: its failure at EXEC is logged in the multi
// context (Redis's CLIENT_MULTI flag is still set while EXEC runs the
// queue), as is a command refused when queued.
func TestACLAuthInMultiLogged(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "alice", "on", ">apw", "~*", "&*", "+@all", "-flushdb")
		c := aclLogin(t, addr, "alice", "apw")
		rwDo(t, admin, "+OK\r\n", "ACL", "LOG", "RESET")
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, "+QUEUED\r\n", "AUTH", "eve", "x")
		rwDo(t, c, "-NOPERM this user has no permissions to run the 'flushdb' command\r\n", "FLUSHDB")
		rwDo(t, c, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, "+QUEUED\r\n", "AUTH", "eve", "x")
		rwDo(t, c, "*1\r\n"+aclWrongPass, "EXEC")
		entries := aclLogEntries(t, admin)
		if len(entries) != 2 {
			t.Fatalf("ACL LOG: %v", entries)
		}
		aclCheckEntry(t, entries[0], map[string]string{"count": "1", "reason": "auth", "context": "multi", "object": "AUTH", "username": "eve"})
		aclCheckEntry(t, entries[1], map[string]string{"count": "1", "reason": "command", "context": "multi", "object": "flushdb", "username": "alice"})
	})
}

// One client sends thousands of wrong AUTHs, pipelined, while another's
// PINGs and GETs keep being answered; the ACL log stays acllog-max-len
// long, and failures that match one of its entries count in it.
func TestACLBruteForceAuth(t *testing.T) {
	const n = 3000
	aclBoth(t, []string{"--acllog-max-len", "5"}, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "SET", "k", "v")
		attack := func(username func(i int) string) {
			t.Helper()
			attacker := dialRaw(t, addr)
			var req []byte
			for i := range n {
				req = append(req, rwCmd("AUTH", username(i), "wrong")...)
			}
			sent, answered := make(chan error, 1), make(chan error, 1)
			go func() {
				_, err := attacker.nc.Write(req)
				sent <- err
			}()
			go func() {
				attacker.nc.SetReadDeadline(time.Now().Add(60 * time.Second))
				for i := range n {
					line, err := attacker.r.ReadString('\n')
					if err != nil || line != aclWrongPass {
						answered <- fmt.Errorf("reply %d: %q, %v", i, line, err)
						return
					}
				}
				answered <- nil
			}()
			// Meanwhile another client is served: every request answered.
			pings, slowest := 0, time.Duration(0)
			var attackErr error
		serve:
			for {
				select {
				case attackErr = <-answered:
					break serve
				default:
				}
				start := time.Now()
				rwDo(t, admin, "+PONG\r\n", "PING")
				rwDo(t, admin, "$1\r\nv\r\n", "GET", "k")
				slowest = max(slowest, time.Since(start))
				pings++
			}
			if attackErr != nil {
				t.Fatal(attackErr)
			}
			if err := <-sent; err != nil {
				t.Fatal(err)
			}
			t.Logf("%d PING+GET pairs answered during %d AUTHs, the slowest in %v", pings, n, slowest)
			rwDo(t, admin, "+PONG\r\n", "PING")
		}

		// Different usernames: no entry matches another, the log keeps
		// the newest five.
		attack(func(i int) string { return "u" + strconv.Itoa(i) })
		entries := aclLogEntries(t, admin)
		if len(entries) != 5 {
			t.Fatalf("ACL LOG has %d entries, want 5", len(entries))
		}
		for i, e := range entries {
			aclCheckEntry(t, e, map[string]string{"count": "1", "reason": "auth", "context": "toplevel",
				"object": "AUTH", "username": "u" + strconv.Itoa(n-1-i)})
		}
		if got := aclLogEntries(t, admin, "100"); len(got) != 5 {
			t.Errorf("ACL LOG 100: %d entries", len(got))
		}

		// Three usernames in turn: each failure counts in its user's
		// entry, which moves to the front.
		attack(func(i int) string { return "g" + strconv.Itoa(i%3) })
		entries = aclLogEntries(t, admin)
		if len(entries) != 5 {
			t.Fatalf("ACL LOG has %d entries, want 5", len(entries))
		}
		for i, user := range []string{"g2", "g1", "g0", "u2999", "u2998"} {
			count := "1"
			if i < 3 {
				count = strconv.Itoa(n / 3)
			}
			aclCheckEntry(t, entries[i], map[string]string{"count": count, "reason": "auth", "username": user})
		}

		// A smaller acllog-max-len trims the log at the next entry.
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "acllog-max-len", "2")
		rwDo(t, admin, aclWrongPass, "AUTH", "last", "x")
		entries = aclLogEntries(t, admin)
		if len(entries) != 2 || entries[0]["username"] != "last" || entries[1]["username"] != "g2" {
			t.Errorf("ACL LOG after acllog-max-len 2: %v", entries)
		}
	})
}

// ACL DELUSER closes the user's connections, the one that deleted it too,
// once it has the reply (a command pipelined after it is not run).
func TestACLDeluserDisconnects(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "gone", "on", ">x", "~*", "&*", "+@all")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "stays", "on", ">y", "~*", "&*", "+@all")
		a := aclLogin(t, addr, "gone", "x")
		b := aclLogin(t, addr, "gone", "x")
		rwDo(t, b, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "SUBSCRIBE", "ch")
		other := aclLogin(t, addr, "stays", "y")
		self := aclLogin(t, addr, "gone", "x")
		self.send(rwCmd("ACL", "DELUSER", "gone", "nosuch") + rwCmd("SET", "after", "1"))
		self.expect(":1\r\n")
		aclExpectClosed(t, self)
		aclExpectClosed(t, a)
		aclExpectClosed(t, b)
		rwDo(t, other, "$5\r\nstays\r\n", "ACL", "WHOAMI")
		rwDo(t, admin, "$-1\r\n", "GET", "after")
		rwDo(t, admin, "*2\r\n$7\r\ndefault\r\n$5\r\nstays\r\n", "ACL", "USERS")
		rwDo(t, admin, ":0\r\n", "ACL", "DELUSER", "gone")
		rwDo(t, admin, "-ERR The 'default' user cannot be removed\r\n", "ACL", "DELUSER", "stays", "default")
		rwDo(t, other, "+PONG\r\n", "PING")
	})
}

// ACL SETUSER taking channels away closes the user's connections
// subscribed to one it may no longer use (Redis's
// ACLKillPubsubClientsIfNeeded); its other connections, and other users'
// subscribers to the same channel, stay.
func TestACLRevokedChannelsCloseSubscribers(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "chan", "on", ">x", "~*", "&news.*", "&chat", "+@all")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "all", "on", ">y", "~*", "&*", "+@all")
		news := aclLogin(t, addr, "chan", "x")
		rwDo(t, news, "*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.1\r\n:1\r\n", "SUBSCRIBE", "news.1")
		pattern := aclLogin(t, addr, "chan", "x")
		rwDo(t, pattern, "*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n", "PSUBSCRIBE", "news.*")
		chat := aclLogin(t, addr, "chan", "x")
		rwDo(t, chat, "*3\r\n$9\r\nsubscribe\r\n$4\r\nchat\r\n:1\r\n", "SUBSCRIBE", "chat")
		idle := aclLogin(t, addr, "chan", "x")
		others := aclLogin(t, addr, "all", "y")
		rwDo(t, others, "*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.1\r\n:1\r\n", "SUBSCRIBE", "news.1")

		// news.1 stays allowed, but the pattern news.* is not within
		// &news.1: only the pattern subscriber goes.
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "chan", "resetchannels", "&news.1", "&chat")
		aclExpectClosed(t, pattern)
		rwDo(t, news, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
		// Now news.1 goes too.
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "chan", "resetchannels", "&chat")
		aclExpectClosed(t, news)
		rwDo(t, chat, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
		rwDo(t, idle, "$4\r\nchan\r\n", "ACL", "WHOAMI")
		rwDo(t, others, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
		rwDo(t, admin, ":1\r\n", "PUBLISH", "news.1", "m")
		others.expect("*3\r\n$7\r\nmessage\r\n$6\r\nnews.1\r\n$1\r\nm\r\n")
		rwDo(t, admin, ":1\r\n", "PUBLISH", "chat", "c")
		chat.expect("*3\r\n$7\r\nmessage\r\n$4\r\nchat\r\n$1\r\nc\r\n")
	})
}

// CLIENT KILL USER closes the user's connections; an unknown user is an
// error.
func TestACLClientKillUser(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "k", "on", ">x", "~*", "&*", "+@all")
		rwDo(t, admin, "-ERR No such user 'nosuch'\r\n", "CLIENT", "KILL", "USER", "nosuch")
		rwDo(t, admin, ":0\r\n", "CLIENT", "KILL", "USER", "k")
		a := aclLogin(t, addr, "k", "x")
		b := aclLogin(t, addr, "k", "x")
		bystander := dialRaw(t, addr)
		rwDo(t, bystander, "+PONG\r\n", "PING")
		rwDo(t, admin, ":2\r\n", "CLIENT", "KILL", "USER", "k")
		aclExpectClosed(t, a)
		aclExpectClosed(t, b)
		rwDo(t, bystander, "+PONG\r\n", "PING")
		// The default user's connections, the one asking included unless
		// SKIPME yes (the default).
		rwDo(t, admin, ":1\r\n", "CLIENT", "KILL", "USER", "default")
		aclExpectClosed(t, bystander)
		rwDo(t, admin, "+PONG\r\n", "PING")
	})
}

// EXEC checks every queued command again: rules changed since it was
// queued give a NOPERM entry in EXEC's reply (and an ACL log entry of
// context multi); the commands still allowed run.
func TestACLExecRecheck(t *testing.T) {
	const changed = "-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: "
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "tx", "on", ">x", "~*", "&*", "+@all")
		rwDo(t, admin, "+OK\r\n", "SET", "k", "old")
		c := aclLogin(t, addr, "tx", "x")
		rwDo(t, c, "+OK\r\n", "MULTI")
		for _, cmd := range [][]string{{"SET", "k", "new"}, {"GET", "k"}, {"PUBLISH", "ch", "m"}, {"INCR", "n"}} {
			rwDo(t, c, "+QUEUED\r\n", cmd...)
		}
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "tx", "-set", "resetchannels", "&other")
		rwDo(t, c, "*4\r\n"+
			changed+"no permission to execute the command or subcommand\r\n"+
			"$3\r\nold\r\n"+
			changed+"no permission to access one of the channels used as arguments\r\n"+
			":1\r\n", "EXEC")

		rwDo(t, admin, "+OK\r\n", "ACL", "LOG", "RESET")
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, "+QUEUED\r\n", "GET", "k")
		rwDo(t, c, "+QUEUED\r\n", "GET", "other")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "tx", "resetkeys", "~other")
		rwDo(t, c, "*2\r\n"+changed+"no permission to touch the specified keys\r\n$-1\r\n", "EXEC")
		entries := aclLogEntries(t, admin)
		if len(entries) != 1 {
			t.Fatalf("ACL LOG: %v", entries)
		}
		aclCheckEntry(t, entries[0], map[string]string{"count": "1", "reason": "key", "context": "multi", "object": "k", "username": "tx"})

		// A command refused when queued aborts the transaction instead.
		rwDo(t, c, "+OK\r\n", "MULTI")
		rwDo(t, c, "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n", "GET", "k")
		rwDo(t, c, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	})
}

// Key permissions through go-redis: %R~ patterns may be read, %W~
// written, ~ both; each command needs what its key specs say it does to
// each key.
func TestACLKeyPermissions(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "rw", "on", ">x", "%R~r:*", "%W~w:*", "~rw:*", "&*", "+@all")
		rwDo(t, admin, "+OK\r\n", "MSET", "r:1", "a", "w:1", "b", "rw:1", "c")
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
				rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true,
					Username: "rw", Password: "x", MaxRetries: -1})
				defer rc.Close()
				cases := []struct {
					name    string
					err     error
					allowed bool
				}{
					{"GET r:1", rc.Get(ctx, "r:1").Err(), true},
					{"GET w:1", rc.Get(ctx, "w:1").Err(), false},
					{"GET rw:1", rc.Get(ctx, "rw:1").Err(), true},
					{"SET r:1", rc.Set(ctx, "r:1", "a", 0).Err(), false},
					{"SET w:1", rc.Set(ctx, "w:1", "b", 0).Err(), true},
					{"SET rw:1", rc.Set(ctx, "rw:1", "c", 0).Err(), true},
					{"INCR w:n", rc.Incr(ctx, "w:n").Err(), false}, // reads it too
					{"RPUSH w:l", rc.RPush(ctx, "w:l", "x").Err(), true},
					{"LRANGE w:l", rc.LRange(ctx, "w:l", 0, -1).Err(), false},
					{"LRANGE r:l", rc.LRange(ctx, "r:l", 0, -1).Err(), true},
					{"COPY r:1 w:2", rc.Copy(ctx, "r:1", "w:2", 0, true).Err(), true},
					{"COPY w:1 r:2", rc.Copy(ctx, "w:1", "r:2", 0, true).Err(), false},
					{"GETDEL r:1", rc.GetDel(ctx, "r:1").Err(), false},
					{"DEL w:2", rc.Del(ctx, "w:2").Err(), true},
					{"EXISTS w:1", rc.Exists(ctx, "w:1").Err(), true}, // neither reads nor writes a value
					{"EXISTS other", rc.Exists(ctx, "other").Err(), false},
					{"MGET r:1 rw:1", rc.MGet(ctx, "r:1", "rw:1").Err(), true},
					{"MGET r:1 w:1", rc.MGet(ctx, "r:1", "w:1").Err(), false},
					{"DBSIZE", rc.DBSize(ctx).Err(), true},
				}
				for _, c := range cases {
					switch {
					case c.allowed && c.err != nil && c.err != redis.Nil:
						t.Errorf("%s: %v", c.name, c.err)
					case !c.allowed && (c.err == nil || c.err.Error() != errNoPermKey):
						t.Errorf("%s: %v, want %q", c.name, c.err, errNoPermKey)
					}
				}
			})
		}
	})
}

// Channel permissions through go-redis: PUBLISH and SUBSCRIBE need a
// channel matching one of the user's patterns, PSUBSCRIBE a pattern given
// as is.
func TestACLChannelPermissions(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "ps", "on", ">x", "~*", "&news.*", "+@all")
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
				rc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: true,
					Username: "ps", Password: "x", MaxRetries: -1})
				defer rc.Close()
				if n, err := rc.Publish(ctx, "news.today", "hi").Result(); n != 0 || err != nil {
					t.Errorf("PUBLISH news.today: %d, %v", n, err)
				}
				if err := rc.Publish(ctx, "other", "hi").Err(); err == nil || err.Error() != errNoPermChannel {
					t.Errorf("PUBLISH other: %v", err)
				}
				receive := func(sub *redis.PubSub) error {
					defer sub.Close()
					rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
					defer cancel()
					_, err := sub.Receive(rctx)
					return err
				}
				for _, c := range []struct {
					name string
					sub  *redis.PubSub
					ok   bool
				}{
					{"SUBSCRIBE news.1", rc.Subscribe(ctx, "news.1"), true},
					{"SUBSCRIBE other", rc.Subscribe(ctx, "other"), false},
					{"SUBSCRIBE news.1 other", rc.Subscribe(ctx, "news.1", "other"), false},
					{"PSUBSCRIBE news.*", rc.PSubscribe(ctx, "news.*"), true},
					{"PSUBSCRIBE news.1*", rc.PSubscribe(ctx, "news.1*"), false},
					{"PSUBSCRIBE *", rc.PSubscribe(ctx, "*"), false},
				} {
					err := receive(c.sub)
					switch {
					case c.ok && err != nil:
						t.Errorf("%s: %v", c.name, err)
					case !c.ok && (err == nil || err.Error() != errNoPermChannel):
						t.Errorf("%s: %v, want %q", c.name, err, errNoPermChannel)
					}
				}
			})
		}
	})
}

// acl-pubsub-default set to allchannels gives the users made after it
// every channel (&*); the users made before keep theirs, and reset gives
// the new default.
func TestACLPubsubDefault(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "before", "on", "nopass", "~*", "+@all")
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "acl-pubsub-default", "allchannels")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "after", "on", "nopass", "~*", "+@all")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "reset", "reset", "on", "nopass", "~*", "+@all")
		for user, want := range map[string]string{"before": "", "after": "&*", "reset": "&*"} {
			if got := aclGetUser(t, admin, user)["channels"].str; got != want {
				t.Errorf("%s's channels: %q, want %q", user, got, want)
			}
		}
		list := strings.Join(aclList(t, admin), "\n")
		for _, want := range []string{"user after on nopass ~* &* +@all", "user before on nopass ~* resetchannels +@all"} {
			if !strings.Contains(list, want+"\n") {
				t.Errorf("ACL LIST lacks %q:\n%s", want, list)
			}
		}
		before := aclLogin(t, addr, "before", "")
		rwDo(t, before, "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n", "PUBLISH", "x", "m")
		after := aclLogin(t, addr, "after", "")
		rwDo(t, after, ":0\r\n", "PUBLISH", "x", "m")
		rwDo(t, after, "*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n", "SUBSCRIBE", "x")
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "acl-pubsub-default", "resetchannels")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "later", "on")
		if got := aclGetUser(t, admin, "later")["channels"].str; got != "" {
			t.Errorf("later's channels: %q", got)
		}
		// The users made under allchannels keep it.
		rwDo(t, after, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
	})
}

// The ACL file: users loaded at startup, ACL SAVE writing ACL LIST's
// lines, ACL LOAD reading them back (and closing the connections of the
// users it replaces), a restart loading what was saved, and a broken file
// refused by ACL LOAD with every error found and nothing changed.
func TestACLFile(t *testing.T) {
	for _, server := range []string{"redis", "respd"} {
		t.Run(server, func(t *testing.T) { testACLFile(t, server) })
	}
}

func testACLFile(t *testing.T, server string) {
	if server == "redis" {
		interopRequireRedis(t)
	}
	path := filepath.Join(t.TempDir(), server+".acl")
	writeFile(t, path, "user default on nopass ~* &* +@all\n"+
		"user alice on #"+aclSHA256("apw")+" ~a:* resetchannels -@all +get\n")
	start := func() *rawConn {
		if server == "redis" {
			return dialRaw(t, diffStartRedis(t, "--aclfile", path))
		}
		return dialRaw(t, aclStartRespd(t, "--aclfile", path))
	}
	admin := start()
	addr := admin.nc.RemoteAddr().String()
	want := []string{
		"user alice on #" + aclSHA256("apw") + " ~a:* resetchannels -@all +get",
		"user default on nopass ~* &* +@all",
	}
	if got := aclList(t, admin); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ACL LIST:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	alice := aclLogin(t, addr, "alice", "apw")
	rwDo(t, alice, "$-1\r\n", "GET", "a:1")

	// ACL SAVE writes ACL LIST's lines.
	rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "bob", "on", ">bpw", "~b:*", "+@read")
	rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "op", "on", ">opw", "~*", "&*", "+@all")
	rwDo(t, admin, "+OK\r\n", "ACL", "SAVE")
	saved := aclList(t, admin)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != strings.Join(saved, "\n")+"\n" {
		t.Fatalf("the saved file:\n%s\nACL LIST:\n%s", data, strings.Join(saved, "\n"))
	}

	// ACL LOAD: the file's users replace the server's, whose
	// connections are closed; the default user's stay.
	bob := aclLogin(t, addr, "bob", "bpw")
	rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "carol", "on", ">cpw")
	rwDo(t, admin, "+OK\r\n", "ACL", "LOAD")
	rwDo(t, admin, "*4\r\n$5\r\nalice\r\n$3\r\nbob\r\n$7\r\ndefault\r\n$2\r\nop\r\n", "ACL", "USERS")
	aclExpectClosed(t, alice)
	aclExpectClosed(t, bob)
	rwDo(t, admin, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
	if got := aclList(t, admin); strings.Join(got, "\n") != strings.Join(saved, "\n") {
		t.Fatalf("ACL LIST after LOAD:\n%s", strings.Join(got, "\n"))
	}

	// A restart loads what was saved.
	again := start()
	if got := aclList(t, again); strings.Join(got, "\n") != strings.Join(saved, "\n") {
		t.Fatalf("ACL LIST after a restart:\n%s", strings.Join(got, "\n"))
	}
	aclLogin(t, again.nc.RemoteAddr().String(), "bob", "bpw")

	// A user running ACL LOAD is one of those replaced: it gets the
	// reply, then is closed.
	op := aclLogin(t, addr, "op", "opw")
	op.send(rwCmd("ACL", "LOAD") + rwCmd("PING"))
	op.expect("+OK\r\n")
	aclExpectClosed(t, op)

	// A broken file: every error, and nothing changed.
	writeFile(t, path, "user dave on >d ~* +@all\n"+
		"notuser x\n"+
		"user erin on +nosuchcmd ~*\n"+
		"user frank on ~* ~x\n"+
		"user dave on\n")
	wantErr := "-ERR " + path + ":2 should start with user keyword followed by the username. " +
		path + ":3: Error in applying operation '+nosuchcmd': Unknown command or category name in ACL. " +
		path + ":4: Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns. " +
		"WARNING: Duplicate user 'dave' found on line 5. " +
		"WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n"
	rwDo(t, admin, wantErr, "ACL", "LOAD")
	if got := aclList(t, admin); strings.Join(got, "\n") != strings.Join(saved, "\n") {
		t.Fatalf("ACL LIST after a failed LOAD:\n%s", strings.Join(got, "\n"))
	}
	rwDo(t, admin, "$7\r\ndefault\r\n", "ACL", "WHOAMI")

	// A missing file.
	os.Remove(path)
	rwDo(t, admin, "-ERR Error loading ACLs, opening file '"+path+"': No such file or directory\r\n", "ACL", "LOAD")
}

// Users in the config file (user lines) work; a config with both user
// lines and an ACL file is refused at startup, as Redis refuses it. Run
// as processes: the refusal ends the process.
func TestACLConfigUsersAsRedis(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		conf := func(name string, lines ...string) (string, string) {
			port := freePort(t)
			lines = append([]string{"port " + port, "bind 127.0.0.1", `save ""`, "dir " + dir}, lines...)
			if filepath.Base(bin) == "redis-server" {
				lines = append(lines, "daemonize no")
			} else {
				lines = append(lines, "io-engine "+testEngine())
			}
			path := filepath.Join(dir, name)
			writeFile(t, path, strings.Join(lines, "\n")+"\n")
			return path, "127.0.0.1:" + port
		}
		run := func(path, addr string) *serverProc {
			p := &serverProc{addr: addr, cmd: exec.Command(bin, path), done: make(chan struct{})}
			p.cmd.Dir = dir
			p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
			if err := p.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { p.cmd.Wait(); close(p.done) }()
			t.Cleanup(p.kill)
			return p
		}

		path, addr := conf("users.conf",
			"user alice on >apw ~a:* &* +@all",
			"user default on >defpw ~* &* +@all")
		p := run(path, addr)
		var c *rawConn
		waitFor(t, func() bool {
			select {
			case <-p.done:
				t.Fatalf("exited: %s", p.out.String())
			default:
			}
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				return false
			}
			nc.Close()
			return true
		})
		c = dialRaw(t, addr)
		rwDo(t, c, aclNoAuth, "PING")
		rwDo(t, c, "+OK\r\n", "AUTH", "alice", "apw")
		rwDo(t, c, "$5\r\nalice\r\n", "ACL", "WHOAMI")
		rwDo(t, c, errNoPermKeyReply, "GET", "b")
		rwDo(t, c, "+OK\r\n", "AUTH", "defpw")
		want := []string{
			"user alice on #" + aclSHA256("apw") + " ~a:* &* +@all",
			// a user line for default resets it first, which sets sanitize-payload
			"user default on sanitize-payload #" + aclSHA256("defpw") + " ~* &* +@all",
		}
		if got := aclList(t, c); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("ACL LIST:\n%s", strings.Join(got, "\n"))
		}
		rwDo(t, c, "-ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.\r\n", "ACL", "SAVE")

		aclFile := filepath.Join(dir, "users.acl")
		writeFile(t, aclFile, "user bob on >bpw ~* +@all\n")
		path, addr = conf("both.conf", "user alice on >apw ~* +@all", "aclfile "+aclFile)
		p = run(path, addr)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Fatal("started with user lines and an ACL file")
		}
		if code := p.cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(p.out.String(), errUsersAndACLFile) {
			t.Errorf("exit %d: %s", code, p.out.String())
		}
	})
}

const errNoPermKeyReply = "-" + errNoPermKey + "\r\n"

// requirepass set at run time is the default user's only password (ACL
// GETUSER shows its hash): new connections must authenticate, those made
// while the default user had no password stay logged in, as in Redis.
// Setting it empty makes default nopass again.
func TestACLRequirepass(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		before := dialRaw(t, addr)
		rwDo(t, before, "+PONG\r\n", "PING")
		if got := aclGetUser(t, admin, "default"); strings.Join(got["flags"].argv(), " ") != "on nopass" || len(got["passwords"].elems) != 0 {
			t.Errorf("default: flags %q, passwords %q", got["flags"].raw, got["passwords"].raw)
		}
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "requirepass", "pw")
		got := aclGetUser(t, admin, "default")
		if strings.Join(got["flags"].argv(), " ") != "on" ||
			strings.Join(got["passwords"].argv(), " ") != aclSHA256("pw") {
			t.Errorf("default: flags %q, passwords %q", got["flags"].raw, got["passwords"].raw)
		}
		rwDo(t, before, "+PONG\r\n", "PING")
		rwDo(t, before, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
		after := dialRaw(t, addr)
		rwDo(t, after, aclNoAuth, "PING")
		rwDo(t, after, "+OK\r\n", "AUTH", "default", "pw")
		rwDo(t, after, "+PONG\r\n", "PING")

		// A second CONFIG SET replaces the password, ACL SETUSER's
		// passwords included.
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "default", ">extra")
		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "requirepass", "pw2")
		if got := aclGetUser(t, admin, "default")["passwords"].argv(); strings.Join(got, " ") != aclSHA256("pw2") {
			t.Errorf("passwords %q", got)
		}
		rwDo(t, dialRaw(t, addr), aclWrongPass, "AUTH", "extra")
		if v := rwCall(t, dialRaw(t, addr), "HELLO", "2", "AUTH", "default", "pw2"); v.kind != '*' {
			t.Errorf("HELLO 2 AUTH default pw2: %q", v.raw)
		}

		rwDo(t, admin, "+OK\r\n", "CONFIG", "SET", "requirepass", "")
		if got := aclGetUser(t, admin, "default"); strings.Join(got["flags"].argv(), " ") != "on nopass" {
			t.Errorf("default after requirepass \"\": flags %q", got["flags"].raw)
		}
		rwDo(t, dialRaw(t, addr), "+PONG\r\n", "PING")
	})
}

// INFO stats counts refusals by reason: failed authentications, commands,
// keys and channels. (Redis 7.2's acl_access_denied_* fields: Redis 7.0
// has none, so this runs on respd only.)
func TestACLDeniedStats(t *testing.T) {
	addr := startServer(t)
	admin := dialRaw(t, addr)
	stats := func() [4]string {
		info := rawInfo(t, admin, "stats")
		return [4]string{info["acl_access_denied_auth"], info["acl_access_denied_cmd"],
			info["acl_access_denied_key"], info["acl_access_denied_channel"]}
	}
	if got := stats(); got != [4]string{"0", "0", "0", "0"} {
		t.Fatalf("at start: %v", got)
	}
	rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "u", "on", ">x", "~k*", "&ch", "+@all", "-flushall")
	c := dialRaw(t, addr)
	rwDo(t, c, aclWrongPass, "AUTH", "u", "wrong")
	rwDo(t, c, aclWrongPass, "HELLO", "2", "AUTH", "nosuch", "x")
	rwDo(t, c, "+OK\r\n", "AUTH", "u", "x")
	rwDo(t, c, "-NOPERM this user has no permissions to run the 'flushall' command\r\n", "FLUSHALL")
	rwDo(t, c, errNoPermKeyReply, "GET", "other")
	rwDo(t, c, errNoPermKeyReply, "MGET", "k1", "other")
	rwDo(t, c, errNoPermKeyReply, "SET", "x", "1")
	rwDo(t, c, "-"+errNoPermChannel+"\r\n", "PUBLISH", "other", "m")
	// Allowed commands and ACL DRYRUN's answers count nothing.
	rwDo(t, c, "$-1\r\n", "GET", "k1")
	rwDo(t, admin, "$54\r\nThis user has no permissions to access the 'other' key\r\n", "ACL", "DRYRUN", "u", "GET", "other")
	if got := stats(); got != [4]string{"2", "1", "3", "1"} {
		t.Errorf("acl_access_denied auth, cmd, key, channel: %v, want [2 1 3 1]", got)
	}
	// EXEC's re-check counts too.
	rwDo(t, c, "+OK\r\n", "MULTI")
	rwDo(t, c, "+QUEUED\r\n", "GET", "k1")
	rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "u", "-get")
	if v := rwCall(t, c, "EXEC"); v.kind != '*' || len(v.elems) != 1 || v.elems[0].kind != '-' {
		t.Fatalf("EXEC: %q", v.raw)
	}
	if got := stats(); got != [4]string{"2", "2", "3", "1"} {
		t.Errorf("after EXEC: %v, want [2 2 3 1]", got)
	}
}

// Protected mode asks whether the default user has a password, whatever
// gave it one: ACL SETUSER default >pw lets a client from another host
// in (to be asked for the password), nopass again turns the next one
// away with DENIED. A connection made while the default user had a
// password is served once it has none. Redis 7.0.15 treats only the peer
// addresses 127.0.0.1 and ::1 as local: a client from 127.0.0.2 is
// turned away too. (TestProtectedModeAsRedis covers DENIED itself; the
// test needs an address outside the loopback interface.)
func TestACLProtectedModeDefaultPassword(t *testing.T) {
	interopRequireRedis(t)
	ip := nonLoopbackIP(t)
	cfg, err := parseArgs([]string{"--save", "", "--port", "0", "--bind", "*", "--dir", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, respdAddr := serveConfig(t, cfg)
	for name, addr := range map[string]string{"redis": diffStartRedis(t, "--bind", "*"), "respd": respdAddr} {
		t.Run(name, func(t *testing.T) {
			_, port, _ := net.SplitHostPort(addr)
			local := "127.0.0.1:" + port
			remote := net.JoinHostPort(ip, port)
			admin := dialRaw(t, local)
			rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "default", "resetpass", ">pw")
			c := dialRaw(t, remote)
			rwDo(t, c, aclNoAuth, "PING")
			rwDo(t, c, "+OK\r\n", "AUTH", "pw")
			rwDo(t, c, "+PONG\r\n", "PING")

			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
			nc, err := d.Dial("tcp", local)
			if err != nil {
				t.Skipf("cannot connect from 127.0.0.2: %v", err)
			}
			loop2 := &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
			t.Cleanup(func() { nc.Close() })
			// Answered, so accepted while default had a password: an
			// engine that accepts in a goroutine of its own (redcon) could
			// otherwise take it after the change below.
			rwDo(t, loop2, aclNoAuth, "PING")
			rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "default", "nopass")
			rwDo(t, loop2, "+PONG\r\n", "PING") // default needs no password now
			nc2, err := d.Dial("tcp", local)
			if err != nil {
				t.Fatal(err)
			}
			defer nc2.Close()
			expectReplies(t, local, "PING", "+PONG\r\n")
			// Redis 7.0.15 compares the peer's address with "127.0.0.1"
			// and "::1": 127.0.0.2 is not local to it.
			nc2.SetReadDeadline(time.Now().Add(3 * time.Second))
			if got, err := io.ReadAll(nc2); string(got) != errDenied || err != nil {
				t.Errorf("from 127.0.0.2: %q, %v; want DENIED", got, err)
			}
			rc, err := net.Dial("tcp", remote)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			rc.SetReadDeadline(time.Now().Add(3 * time.Second))
			if got, err := io.ReadAll(rc); string(got) != errDenied || err != nil {
				t.Fatalf("from %s: %q, %v", remote, got, err)
			}
			rwDo(t, c, "+PONG\r\n", "PING") // already in
		})
	}
}

// aclStartRespd is startServer for a server that loads its ACL file at
// startup, as main does (serveConfig does not).
func aclStartRespd(t *testing.T, args ...string) string {
	t.Helper()
	cfg, err := parseArgs(append([]string{"--save", "", "--port", "0", "--bind", "127.0.0.1", "--dir", t.TempDir()}, args...))
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(cfg)
	if err := s.LoadACL(); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve(false)
	t.Cleanup(s.Shutdown)
	return s.Addr()
}

// The default user turned off: connections made before keep working, new
// ones must log in as another user (the default user's AUTH is refused,
// AUTH <pass> is the no-password error, as it is still nopass); RESET goes
// back to needing it; turning it on lets RESET's connection in again.
func TestACLDefaultUserOff(t *testing.T) {
	aclBoth(t, nil, func(t *testing.T, addr string) {
		admin := dialRaw(t, addr)
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "bob", "on", ">b", "~*", "+@all")
		rwDo(t, admin, "+OK\r\n", "ACL", "SETUSER", "default", "off")
		rwDo(t, admin, "+PONG\r\n", "PING")
		rwDo(t, admin, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
		c := dialRaw(t, addr)
		rwDo(t, c, aclNoAuth, "PING")
		rwDo(t, c, "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", "AUTH", "x")
		rwDo(t, c, aclWrongPass, "AUTH", "default", "x")
		rwDo(t, c, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n", "HELLO", "2")
		rwDo(t, c, "+OK\r\n", "AUTH", "bob", "b")
		rwDo(t, c, "+PONG\r\n", "PING")
		rwDo(t, c, "+RESET\r\n", "RESET")
		rwDo(t, c, aclNoAuth, "PING")
		rwDo(t, c, "+OK\r\n", "AUTH", "bob", "b")
		rwDo(t, c, "+OK\r\n", "ACL", "SETUSER", "default", "on")
		rwDo(t, c, "+RESET\r\n", "RESET")
		rwDo(t, c, "+PONG\r\n", "PING")
		rwDo(t, c, "$7\r\ndefault\r\n", "ACL", "WHOAMI")
	})
}
