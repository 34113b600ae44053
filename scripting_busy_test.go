package main

import (
	"bufio"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"respd/internal/aof"
)

// A script past busy-reply-threshold, against redis-server and respd
// alike: the other clients are served meanwhile, refused BUSY but for the
// commands allowed then, and SCRIPT KILL, FUNCTION KILL and SHUTDOWN
// NOSAVE stop it as Redis's do. On respd's engine of the run
// (RESPD_IO_ENGINE).

const (
	replyBusyScript   = "-" + errBusyScript + "\r\n"
	replyBusyFunction = "-" + errBusyFunction + "\r\n"
	// spinScript loops forever, pcall or not: a kill must get through it.
	spinScript = "local i = 0 while true do pcall(function() while true do i = i + 1 end end) end"
)

// awaitBusy sends PING until the server answers it with busy, the reply
// of a server inside a script past its threshold (PONG if the PING came
// first).
func awaitBusy(t *testing.T, rc *rawConn, busy string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		rc.send("PING\r\n")
		rc.nc.SetReadDeadline(deadline)
		line, err := rc.r.ReadString('\n')
		switch {
		case err != nil:
			t.Fatalf("waiting for %q: %v", busy, err)
		case line == busy:
			return
		case line != "+PONG\r\n":
			t.Fatalf("waiting for %q: got %q", busy, line)
		}
	}
}

// command is a request in RESP.
func command(args ...string) string { return string(aof.AppendCommand(nil, stringArgv(args...))) }

func TestScriptBusyKill(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--busy-reply-threshold", "100")
		scriptBusyKill(t, p.addr)
	})
}

// In process, for the race detector: the engine serving clients from
// inside a script.
func TestScriptBusyKillInProcess(t *testing.T) {
	scriptBusyKill(t, startServer(t, "--busy-reply-threshold", "100"))
}

func scriptBusyKill(t *testing.T, addr string) {
	caller, other := dialRaw(t, addr), dialRaw(t, addr)
	// Requests that came with the EVAL wait behind it, intact whatever
	// the other clients send meanwhile.
	value := strings.Repeat("v", 3000)
	caller.send(command("EVAL", spinScript, "0") + command("SET", "k", value) + command("GET", "k"))
	awaitBusy(t, other, replyBusyScript)

	other.do(replyBusyScript, "GET", "k")
	other.do(replyBusyScript, "FUNCTION", "KILL")
	other.do(replyBusyScript, "FUNCTION", "STATS")
	other.do(replyBusyScript, "SHUTDOWN")
	other.do("+OK\r\n", "MULTI")
	other.do(replyBusyScript, "INCR", "n")
	other.do("-EXECABORT Transaction discarded because of: "+errBusyScript+"\r\n", "EXEC")
	pipelined := dialRaw(t, addr)
	pipelined.send(strings.Repeat(command("INCR", "n"), 2000))
	pipelined.expect(strings.Repeat(replyBusyScript, 2000))

	other.do("+OK\r\n", "SCRIPT", "KILL")
	caller.expect("-ERR Script killed by user with SCRIPT KILL... script: " + scriptSHA([]byte(spinScript)) +
		", on @user_script:1.\r\n+OK\r\n$3000\r\n" + value + "\r\n")
	other.do("-NOTBUSY No scripts in execution right now.\r\n", "SCRIPT", "KILL")
	other.do("-NOTBUSY No scripts in execution right now.\r\n", "FUNCTION", "KILL")
	other.do(":1\r\n", "INCR", "n") // nothing refused ran
}

func TestFunctionBusyKill(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--busy-reply-threshold", "100")
		caller, other := dialRaw(t, p.addr), dialRaw(t, p.addr)
		caller.do("$4\r\nspin\r\n", "FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function('spin', function() "+spinScript+" end)")
		caller.send(command("FCALL", "spin", "0"))
		awaitBusy(t, other, replyBusyFunction)

		other.do(replyBusyFunction, "SCRIPT", "KILL")
		other.do("-ERR unknown subcommand 'STATZ'. Try FUNCTION HELP.\r\n", "FUNCTION", "STATZ")
		other.do("+OK\r\n", "MULTI") // allowed, as WATCH, AUTH or RESET
		other.do("+OK\r\n", "DISCARD")
		other.send(command("HELLO", "3"))
		if _, err := diffReadReply(other.r); err != nil {
			t.Fatal(err)
		}
		other.send(command("FUNCTION", "STATS"))
		stats, err := diffReadReply(other.r)
		want := regexp.MustCompile(`^%2\r\n\$14\r\nrunning_script\r\n%3\r\n\$4\r\nname\r\n\$4\r\nspin\r\n` +
			`\$7\r\ncommand\r\n\*3\r\n\$5\r\nFCALL\r\n\$4\r\nspin\r\n\$1\r\n0\r\n\$11\r\nduration_ms\r\n:[0-9]+\r\n` +
			`\$7\r\nengines\r\n%1\r\n\$3\r\nLUA\r\n%2\r\n\$15\r\nlibraries_count\r\n:1\r\n\$15\r\nfunctions_count\r\n:1\r\n$`)
		if err != nil || !want.Match(stats) {
			t.Fatalf("FUNCTION STATS: %q, %v", stats, err)
		}
		other.do("+OK\r\n", "FUNCTION", "KILL")
		caller.expect("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n")
		caller.do("$3\r\nend\r\n", "ECHO", "end")
	})
}

// A coroutine's loop is served and killed as the script's own.
func TestScriptBusyCoroutine(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "", "--busy-reply-threshold", "100")
		caller, other := dialRaw(t, p.addr), dialRaw(t, p.addr)
		script := "coroutine.wrap(function() " + spinScript + " end)()"
		caller.send(command("EVAL", script, "0"))
		awaitBusy(t, other, replyBusyScript)
		other.do("+OK\r\n", "SCRIPT", "KILL")
		caller.expect("-ERR Script killed by user with SCRIPT KILL... script: " + scriptSHA([]byte(script)) + ", on @user_script:1.\r\n")
	})
}

// A script that wrote can only be stopped by SHUTDOWN NOSAVE, which keeps
// none of its writes: on restart the AOF holds none.
func TestScriptBusyUnkillable(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		dir := t.TempDir()
		p := startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes", "--busy-reply-threshold", "100")
		caller, other := dialRaw(t, p.addr), dialRaw(t, p.addr)
		other.do("+OK\r\n", "SET", "before", "1")
		caller.send(command("EVAL", "redis.call('SET', 'k', 'v') "+spinScript, "0"))
		awaitBusy(t, other, replyBusyScript)

		other.do("-"+errUnkillable+"\r\n", "SCRIPT", "KILL")
		other.do(replyBusyScript, "SHUTDOWN")
		other.do(replyBusyScript, "SHUTDOWN", "SAVE")
		other.send(command("SHUTDOWN", "NOSAVE"))
		for _, rc := range []*rawConn{other, caller} {
			rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			if got, err := io.ReadAll(bufio.NewReader(rc.r)); len(got) > 0 || err != nil {
				t.Fatalf("after SHUTDOWN NOSAVE: %q, %v", got, err)
			}
		}
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Fatal("still running after SHUTDOWN NOSAVE")
		}

		p = startProc(t, nil, bin, dir, "--save", "", "--appendonly", "yes")
		rc := dialRaw(t, p.addr)
		rc.do("$1\r\n1\r\n", "GET", "before")
		rc.do("$-1\r\n", "GET", "k")
	})
}

// FUNCTION LOAD stops a library's code past 500 ms, pcall or not.
func TestFunctionLoadTimeout(t *testing.T) {
	processServers(t, func(t *testing.T, bin string) {
		p := startProc(t, nil, bin, t.TempDir(), "--save", "")
		rc := dialRaw(t, p.addr)
		rc.do("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
			"FUNCTION", "LOAD", "#!lua name=slow\nlocal i = 0 while true do i = i + 1 end")
		rc.do("*0\r\n", "FUNCTION", "LIST")
	})
}
