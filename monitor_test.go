package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// monitorSession is a MONITOR connection and the connections whose
// commands it sees, named so that lines can be compared between servers
// whose clients have other ports.
type monitorSession struct {
	t     *testing.T
	addr  string
	mon   *diffConn
	names map[string]string // "127.0.0.1:port" → connection name
	conns map[string]*diffConn
}

func newMonitorSession(t *testing.T, addr string) *monitorSession {
	ms := &monitorSession{t: t, addr: addr, names: map[string]string{}, conns: map[string]*diffConn{}}
	ms.mon = ms.conn("monitor")
	if got := ms.do("monitor", "MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR: %q", got)
	}
	return ms
}

func (ms *monitorSession) conn(name string) *diffConn {
	if c := ms.conns[name]; c != nil {
		return c
	}
	c, err := diffDial(ms.addr)
	if err != nil {
		ms.t.Fatal(err)
	}
	ms.t.Cleanup(c.close)
	ms.conns[name] = c
	ms.names[c.c.LocalAddr().String()] = name
	return c
}

// do sends a command on a named connection and returns its reply.
func (ms *monitorSession) do(name string, args ...string) string {
	ms.t.Helper()
	reply, err := ms.conn(name).do(diffEncode(stringArgv(args...)))
	if err != nil {
		ms.t.Fatalf("%s %q: %v", name, args, err)
	}
	return string(reply)
}

// send sends a command without reading its reply.
func (ms *monitorSession) send(name string, args ...string) {
	ms.t.Helper()
	if _, err := ms.conn(name).c.Write(diffEncode(stringArgv(args...))); err != nil {
		ms.t.Fatal(err)
	}
}

var monitorLineRE = regexp.MustCompile(`^\+(\d+)\.(\d{6}) \[(\d+) ([0-9.]+:\d+|lua)\] (.*)\r\n$`)

// next reads the monitor's next line, masked.
func (ms *monitorSession) next() string {
	ms.t.Helper()
	ms.mon.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := ms.mon.r.ReadString('\n')
	if err != nil {
		ms.t.Fatalf("monitor: %v (read %q)", err, line)
	}
	return ms.mask(line)
}

// mask turns a monitor line into "<conn> <db> <args>" once its time is
// checked to be now; it leaves anything else as it is.
func (ms *monitorSession) mask(line string) string {
	m := monitorLineRE.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	sec, _ := strconv.ParseInt(m[1], 10, 64)
	if d := time.Since(time.Unix(sec, 0)); d < -time.Second || d > time.Minute {
		ms.t.Errorf("line %q: time %v away", line, d)
	}
	name := ms.names[m[4]]
	if m[4] == "lua" {
		name = "lua" // a script's command
	}
	if name == "" {
		name = "?"
	}
	return name + " " + m[3] + " " + m[5]
}

// until reads lines up to one showing ECHO end, which it leaves out.
func (ms *monitorSession) until() []string {
	ms.t.Helper()
	var lines []string
	for {
		l := ms.next()
		if strings.HasSuffix(l, `"ECHO" "end"`) {
			return lines
		}
		lines = append(lines, l)
	}
}

// monitorScenario runs what MONITOR must show as Redis 7.0 shows it, and
// returns the lines and the replies the monitoring client got.
func monitorScenario(t *testing.T, addr string) (lines, replies []string) {
	ms := newMonitorSession(t, addr)
	for _, cmd := range [][]string{
		{"SET", "k", "v"},
		{"SELECT", "5"}, // shown with the database it selected
		{"SET", "a\x00b\n\"\\\x7f\xff\t\r\a\b", "12345"},
		{"SELECT", "0"},
		{"GETX"},                       // unknown: not shown
		{"GET"},                        // wrong arity: not shown
		{"CONFIG", "GET", "maxmemory"}, // admin: not shown
		{"CLIENT", "LIST"},             // admin subcommand: not shown
		{"CLIENT", "ID"},
		{"MULTI"},
		{"SET", "x", "1"}, // shown at EXEC
		{"INCR", "x"},
		{"EXEC"},
		{"MULTI"},
		{"GETX"},
		{"EXEC"},      // EXECABORT: EXEC is shown all the same
		{"EXEC", "x"}, // refused EXEC: shown too
		{"AUTH", "pw"},
		{"AUTH", "u", "pw"},
		{"AUTH", "a", "b", "c"}, // syntax error before the redaction
		{"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"},
		{"HELLO", "2", "AUTH", "default"}, // refused before the redaction
		{"HELLO", "4", "AUTH", "default", "pw"},
		{"BLPOP", "nolist", "0.01"},
		// a script: shown first, then its commands as "lua"; shown even
		// when refused
		{"EVAL", "redis.call('SET', KEYS[1], 'v'); return redis.call('GET', KEYS[1])", "1", "sk"},
		{"EVAL", "return 1", "-1"},
		{"EVALSHA", "0000000000000000000000000000000000000000", "0"},
		{"FUNCTION", "LOAD", "#!lua name=monlib\nredis.register_function('mf', function(k) return redis.call('SET', k[1], 'f') end)"},
		{"FCALL", "mf", "1", "fk"},
		{"FCALL", "nosuch", "0"},
		{"FUNCTION", "DELETE", "monlib"},
		{"ECHO", "end"},
	} {
		ms.do("client", cmd...)
	}
	lines = ms.until()

	// A blocked command is shown when it runs, not again when served.
	ms.send("blocked", "BLPOP", "list", "0")
	if got := ms.next(); got != `blocked 0 "BLPOP" "list" "0"` {
		t.Fatalf("blocked BLPOP: %q", got)
	}
	ms.do("client", "LPUSH", "list", "a")
	ms.do("client", "ECHO", "end")
	lines = append(lines, ms.until()...)

	// What the monitoring client itself may send, and its own lines:
	// each command is followed by ECHO end, whose reply ends its output.
	monitoring := true
	for _, cmd := range [][]string{
		{"PING"}, {"GET", "k"}, {"SET", "k", "1"}, {"MONITOR"}, {"ECHO", "x"},
		{"SUBSCRIBE", "ch"}, {"PING"}, {"RESET"}, {"GET", "k"},
	} {
		ms.send("monitor", cmd...)
		ms.send("monitor", "PING", "end") // allowed when subscribed too
		monitoring = monitoring && cmd[0] != "RESET"
		var got []string
		for {
			reply, err := diffReadReply(ms.mon.r)
			if err != nil {
				t.Fatalf("monitor's %q: %v", cmd, err)
			}
			if r := string(reply); r == "$3\r\nend\r\n" || r == "*2\r\n$4\r\npong\r\n$3\r\nend\r\n" {
				break
			}
			got = append(got, ms.mask(string(reply)))
		}
		if monitoring {
			if l := ms.next(); l != `monitor 0 "PING" "end"` {
				t.Fatalf("after %q: %q", cmd, l)
			}
		}
		replies = append(replies, strings.Join(got, ""))
	}
	return lines, replies
}

func TestMonitorMatchesRedis(t *testing.T) {
	interopRequireRedis(t)
	redisLines, redisReplies := monitorScenario(t, startProc(t, nil, "redis-server", t.TempDir(), "--save", "").addr)
	lines, replies := monitorScenario(t, startServer(t))
	if strings.Join(lines, "\n") != strings.Join(redisLines, "\n") {
		t.Errorf("lines:\n%s\nredis-server's:\n%s", strings.Join(lines, "\n"), strings.Join(redisLines, "\n"))
	}
	if strings.Join(replies, "|") != strings.Join(redisReplies, "|") {
		t.Errorf("the monitor's replies:\n%q\nredis-server's:\n%q", replies, redisReplies)
	}
	for _, want := range []string{
		`client 5 "SELECT" "5"`,
		`client 5 "SET" "a\x00b\n\"\\\x7f\xff\t\r\a\b" "12345"`,
		`client 0 "AUTH" "(redacted)" "(redacted)"`,
		`client 0 "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"`,
		`client 0 "EXEC" "x"`,
	} {
		if !strings.Contains(strings.Join(lines, "\n"), want) {
			t.Errorf("no line %s in\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

// A monitor's own line follows its reply; after RESET no line comes.
func TestMonitorOwnCommandsAndReset(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "MONITOR")
	rc.send(string(diffEncode(stringArgv("PING"))))
	rc.expect("+PONG\r\n+")
	line, err := rc.r.ReadString('\n')
	if err != nil || !strings.HasSuffix(line, `] "PING"`+"\r\n") {
		t.Fatalf("own line %q, %v", line, err)
	}
	rc.do("+RESET\r\n", "RESET")
	rc.do("+PONG\r\n", "PING")
	rc.do("$-1\r\n", "GET", "k") // a normal client again
}

// CLIENT LIST shows O, TYPE normal includes monitors, and they are gone
// from the feed once disconnected.
func TestMonitorClientFlagsAndDisconnect(t *testing.T) {
	s, addr := startTestServer(t)
	for name, rc := range newClients(t, addr) {
		t.Run(name, func(t *testing.T) {
			mon := dialRaw(t, addr)
			mon.do("+OK\r\n", "MONITOR")
			list := rc.ClientList(ctx).Val()
			if !strings.Contains(list, " flags=O ") {
				t.Fatalf("no monitor in CLIENT LIST:\n%s", list)
			}
			if normal := rc.Do(ctx, "CLIENT", "LIST", "TYPE", "normal").String(); !strings.Contains(normal, "flags=O") {
				t.Fatalf("TYPE normal leaves the monitor out: %s", normal)
			}
			mon.nc.Close()
			waitFor(t, func() bool { return locked(s, func() int { return len(s.monitors) }) == 0 })
			if err := rc.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A monitoring client may not touch the keyspace, isn't held by CLIENT
// PAUSE, and its second MONITOR gets no reply (raw bytes: Redis's).
func TestMonitorRefusals(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	rc.do("+OK\r\n", "MULTI")
	rc.do("+QUEUED\r\n", "MONITOR")
	rc.do("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n", "EXEC")
	rc.do("+OK\r\n", "MONITOR")
	rc.send(string(diffEncode(stringArgv("MONITOR"))) + string(diffEncode(stringArgv("GET", "k"))))
	rc.expect("-ERR Replica can't interact with the keyspace\r\n")
	other := dialRaw(t, addr)
	other.do("+OK\r\n", "CLIENT", "PAUSE", "10000", "ALL")
	rc.send(string(diffEncode(stringArgv("PING"))))
	rc.expect("+PONG\r\n+")
	if _, err := rc.r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	rc.do("+OK\r\n", "CLIENT", "UNPAUSE") // admin: no line
	other.do("+PONG\r\n", "PING")
}
