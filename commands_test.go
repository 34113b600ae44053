package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"respd/internal/keyspace"
	"respd/internal/resp"
)

// The command table's invariants: what COMMAND reports must be consistent
// with what the dispatcher does.
func TestCommandTableInvariants(t *testing.T) {
	seen := map[string]bool{}
	for _, cmd := range commandTable {
		name := cmd.FullName
		if seen[name] {
			t.Errorf("%s: defined twice", name)
		}
		seen[name] = true
		if name != strings.ToLower(name) {
			t.Errorf("%s: names are lower case", name)
		}
		isContainer := cmd.subcommands != nil
		if cmd.Handler == nil && !isContainer {
			t.Errorf("%s: no handler", name)
		}
		if cmd.Arity == 0 || (cmd.parent != nil && cmd.Arity > 0 && cmd.Arity < 2) || (cmd.parent != nil && cmd.Arity < 0 && cmd.Arity > -2) {
			t.Errorf("%s: invalid arity %d", name, cmd.Arity)
		}
		for _, f := range strings.Fields(cmd.FlagNames) {
			if _, ok := flagByName[f]; !ok {
				t.Errorf("%s: unknown flag %q", name, f)
			}
		}
		if cmd.has(flagWrite) && cmd.has(flagReadonly) {
			t.Errorf("%s: both write and readonly", name)
		}
		hasWriteCategory := strings.Contains(cmd.ACLCategories, "@write")
		if hasWriteCategory != cmd.has(flagWrite) {
			t.Errorf("%s: @write category (%v) disagrees with write flag (%v)", name, hasWriteCategory, cmd.has(flagWrite))
		}
		if cmd.has(flagFast) != strings.Contains(cmd.ACLCategories, "@fast") {
			t.Errorf("%s: @fast category disagrees with fast flag", name)
		}
		if (cmd.FirstKey == 0) != (cmd.LastKey == 0) || (cmd.FirstKey != 0 && cmd.KeyStep <= 0) {
			t.Errorf("%s: inconsistent key positions %d %d %d", name, cmd.FirstKey, cmd.LastKey, cmd.KeyStep)
		}
		if cmd.FirstKey > 0 && cmd.Arity > 0 && cmd.FirstKey >= cmd.Arity {
			t.Errorf("%s: first key %d beyond arity %d", name, cmd.FirstKey, cmd.Arity)
		}
		if cmd.Group == "" || cmd.Summary == "" || cmd.Since == "" {
			t.Errorf("%s: missing docs", name)
		}
	}
	for _, name := range []string{"exec", "discard", "multi", "watch", "quit", "reset"} {
		if !commands[name].has(flagMultiControl) {
			t.Errorf("%s must run immediately inside MULTI", name)
		}
	}
}

func TestCommandByNameIsCaseInsensitive(t *testing.T) {
	for _, name := range []string{"get", "GET", "gEt"} {
		if cmd := commandByName([]byte(name)); cmd == nil || cmd.FullName != "get" {
			t.Errorf("commandByName(%q) = %v", name, cmd)
		}
	}
	if commandByName([]byte(strings.Repeat("x", 100))) != nil {
		t.Error("a long unknown name must not resolve")
	}
}

// Dispatch errors, byte for byte as Redis 7 sends them.
func TestDispatchErrors(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	long := strings.Repeat("a", 200)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, "-ERR unknown command 'nosuch', with args beginning with: \r\n"},
		{[]string{"nosuch", "a", "b"}, "-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \r\n"},
		{[]string{"nosuch", long, "b"}, "-ERR unknown command 'nosuch', with args beginning with: '" + long[:128] + "' \r\n"},
		{[]string{"get"}, "-ERR wrong number of arguments for 'get' command\r\n"},
		{[]string{"GET", "a", "b"}, "-ERR wrong number of arguments for 'get' command\r\n"},
		{[]string{"config"}, "-ERR wrong number of arguments for 'config' command\r\n"},
		{[]string{"config", "nosuch"}, "-ERR unknown subcommand 'nosuch'. Try CONFIG HELP.\r\n"},
		{[]string{"CLIENT", "getname", "x"}, "-ERR wrong number of arguments for 'client|getname' command\r\n"},
		{[]string{"nosuch", "a\r\nb"}, "-ERR unknown command 'nosuch', with args beginning with: 'a  b' \r\n"},
		{[]string{"ping"}, "+PONG\r\n"},
		{[]string{"PiNg", "hello"}, "$5\r\nhello\r\n"},
		{[]string{"ping", "a", "b"}, "-ERR wrong number of arguments for 'ping' command\r\n"},
	}
	for _, tc := range cases {
		rc.do(tc.want, tc.args...)
	}
}

func TestInlineCommandsAndQuitPipeline(t *testing.T) {
	addr := startServer(t)
	rc := dialRaw(t, addr)
	rc.send("PING\r\nECHO \"a b\"\r\n")
	rc.expect("+PONG\r\n$3\r\na b\r\n")
	rc.send("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n")
	rc.expect("+OK\r\n")
	buf := make([]byte, 16)
	if n, err := rc.r.Read(buf); err == nil {
		t.Fatalf("after QUIT got %q, want the connection closed", buf[:n])
	}
}

func TestCommandIntrospection(t *testing.T) {
	rc := dialRaw(t, startServer(t))
	rc.do(":"+strconv.Itoa(len(commands))+"\r\n", "command", "count")
	rc.do("*2\r\n$1\r\na\r\n$1\r\nc\r\n", "command", "getkeys", "mset", "a", "b", "c", "d")
	rc.do("-ERR The command has no key arguments\r\n", "command", "getkeys", "ping", "x")
	rc.do("-ERR Invalid command specified\r\n", "command", "getkeys", "nosuch", "x")
	rc.do("*1\r\n$-1\r\n", "command", "info", "nosuch")
	rc.do("*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n", "command", "getkeysandflags", "set", "k", "v")
	rc.do("*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n", "command", "getkeysandflags", "set", "k", "v", "get")
	rc.do("*1\r\n$6\r\ngetdel\r\n", "command", "list", "filterby", "pattern", "getd*")
	rc.do("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n", "command", "info", "get")
}

// Flags must match what handlers do: running every command of the
// differential scripts, a readonly command never propagates a change, and
// only write commands do (expiry DELs aside, which any lookup may cause).
// runsOthers are the commands whose writes are those of the commands they
// run (a transaction's, a script's): their own flags don't say.
var runsOthers = map[string]bool{"exec": true, "eval": true, "evalsha": true}

func TestFlagsMatchBehaviour(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "diff", "*.txt"))
	h := newDirectClient(t)
	expired := int64(0)
	onExpire := h.srv.ks.OnExpire
	h.srv.ks.OnExpire = func(db int, e *keyspace.Entry) { expired++; onExpire(db, e) }
	checked := 0
	for _, file := range files {
		data, _ := os.ReadFile(file)
		lines, err := diffParseScript(filepath.Base(file), data)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range lines {
			if line.kind != diffCmd {
				continue
			}
			cmds, _ := resp.NewReader(bytes.NewReader(line.payload), resp.Limits{MaxBulk: 1 << 30, MaxQuery: 1 << 30, MaxInline: 1 << 16, MaxMultibulk: 1 << 20}).ReadCommands()
			if len(cmds) != 1 {
				continue
			}
			args := cmds[0]
			cmd, errMsg := h.srv.lookupCommand(args)
			if errMsg != "" || cmd.Name == "shutdown" || cmd.Name == "debug" || cmd.Name == "quit" {
				continue
			}
			dirty, exp := h.srv.stats.dirty, expired
			h.do(args...)
			// One client runs the scripts alone: a command that blocks
			// times out at once, as no one else would serve it.
			h.srv.unblockClient(h.Client, false)
			changes := (h.srv.stats.dirty - dirty) - (expired - exp)
			switch {
			case changes > 0 && cmd.has(flagReadonly):
				t.Errorf("%s:%d: readonly %s changed data: %s", file, line.num, cmd.FullName, line.text)
			case changes > 0 && !cmd.has(flagWrite) && !runsOthers[cmd.Name]:
				t.Errorf("%s:%d: %s without the write flag changed data: %s", file, line.num, cmd.FullName, line.text)
			}
			checked++
		}
	}
	if checked < 500 {
		t.Fatalf("only %d commands checked", checked)
	}
}

// The generated metadata (commands_meta.go, `go generate`) and the handlers
// in commands.go must cover the same commands: every handler has Redis's
// metadata, and every generated entry is a handler or a container of them.
func TestCommandMetadataMatchesHandlers(t *testing.T) {
	containers := map[string]bool{}
	for name, h := range commandHandlers {
		if h == nil {
			t.Errorf("%s: nil handler", name)
		}
		if commandMetadata[name] == nil {
			t.Errorf("%s: a handler without metadata; run go generate", name)
		}
		if parent, _, ok := strings.Cut(name, "|"); ok {
			containers[parent] = true
		}
	}
	for name, m := range commandMetadata {
		if commandHandlers[name] == nil && !containers[name] {
			t.Errorf("%s: metadata without a handler; run go generate", name)
		}
		if m.Arity == 0 || len(m.Docs) == 0 || m.docString("summary") == "" {
			t.Errorf("%s: incomplete metadata", name)
		}
		// A command whose keys move (LMPOP's numkeys) has key specs but
		// no legacy positions.
		movable := slices.Contains(m.Flags, "movablekeys")
		if (len(m.KeySpecs) == 0) != (m.FirstKey == 0) && !movable {
			t.Errorf("%s: key specs and legacy key positions disagree", name)
		}
	}
	for name := range containers {
		if commandMetadata[name] == nil {
			t.Errorf("%s: container without metadata", name)
		}
	}
	if len(commandTable) != len(commandMetadata) {
		t.Errorf("command table has %d entries, metadata %d", len(commandTable), len(commandMetadata))
	}
}
