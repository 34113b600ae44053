package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	lua "github.com/yuin/gopher-lua"

	"respd/internal/acl"
	"respd/internal/lualib"
)

// Lua scripts as Redis 7.0's eval.c, script_lua.c and script.c: EVAL and
// EVALSHA (and their _RO forms) run a script in the one Lua interpreter
// (github.com/yuin/gopher-lua, Lua 5.1 in Go); redis.call runs commands
// as a client of the script's own, whose replies are read back into Lua
// values; the script's writes are propagated as they happen, wrapped in
// MULTI/EXEC (7.0's effects replication). A script runs as one command,
// under the data lock.

// scripting is the interpreter, its scripts by SHA1 and the client their
// commands run as.
type scripting struct {
	L *lua.LState
	// env is what a script sees as its globals: empty, reading through to
	// globals and refusing writes, as Redis 7.0's read-only globals.
	env     *lua.LTable
	globals *lua.LTable
	scripts map[string]*luaScript
	client  *Client
	out     bytes.Buffer
	run     *scriptRun // the script running, nil between scripts
	// runState is what run points to.
	runState scriptRun
	argv     [][]byte // redis.call's arguments, reused
	// errHandler turns an error into Redis's error table with the
	// position in the script (__redis__err__handler).
	errHandler *lua.LFunction
	// readonly are the read-only views: the globals and libraries.
	readonly map[*lua.LTable]bool
	// functions are FUNCTION LOAD's libraries (functions.go).
	functions functions
	// hook is how a running script gives way (busy-reply-threshold).
	hook scriptHook
}

// inScript reports whether c is the client scripts run their commands as.
func (c *Client) inScript() bool { return c.srv.scripting != nil && c == c.srv.scripting.client }

// luaScript is a compiled script body.
type luaScript struct {
	fn *lua.LFunction
	// shebang: the script declares its flags (#!lua); noWrites is
	// flags=no-writes, allowOOM flags=allow-oom.
	shebang, noWrites, allowOOM bool
}

// scriptRun is the script running: who called it and how.
type scriptRun struct {
	caller   *Client
	command  [][]byte // the caller's EVAL or FCALL
	sha      string   // the script's SHA1, or the function's name
	function bool     // FCALL's (FUNCTION KILL kills it), not EVAL's
	readOnly bool     // EVAL_RO, EVALSHA_RO or flags=no-writes
	allowOOM bool     // flags=allow-oom: writes even past maxmemory
	resp     int      // redis.setresp: the protocol of redis.call's replies
	// clock is when the last command ended, the next one's start: one
	// clock reading per command (as dispatchAt chains a batch's).
	clock time.Time
	start time.Time
	// timedOut: past busy-reply-threshold (Server.busyScript); wrote: a
	// write command ran, so it can't be killed.
	timedOut, wrote bool
}

// busyError is what other clients are told while the script is busy.
func (run *scriptRun) busyError() string {
	if run.function {
		return errBusyFunction
	}
	return errBusyScript
}

// lua is the server's interpreter, made on first use.
func (s *Server) lua() *scripting {
	if s.scripting == nil {
		s.scripting = newScripting(s)
	}
	return s.scripting
}

func init() {
	// Lua 5.0's arg table for a vararg chunk, which gopher-lua builds on
	// every call (a map allocation per script run); Redis's Lua 5.1 has
	// no use for it either.
	lua.CompatVarArg = false
}

func newScripting(s *Server) *scripting {
	// Redis's Lua lets a C function return up to 8,000 values (cmsgpack.unpack
	// of a long stream): gopher-lua's registry, 5,120 slots by default and
	// fixed, must hold them.
	L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistrySize: 20 << 10})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	lualib.OpenCjson(L)
	lualib.OpenCmsgpack(L)
	lualib.OpenBit(L)
	lualib.OpenStruct(L)
	if s.scriptRand == nil {
		s.scriptRand = lualib.NewRand48()
	}
	lualib.OpenRedisMath(L, s.scriptRand)
	sc := &scripting{L: L, globals: L.NewTable(), scripts: map[string]*luaScript{}, readonly: map[*lua.LTable]bool{}}
	sc.hook.sc = sc
	L.SetContext(&sc.hook)
	sc.client = &Client{srv: s, w: sinkOutbound(&sc.out), resp: 2, authenticated: true, lastCmd: "NULL", addr: "lua"}
	sc.errHandler = L.NewFunction(sc.handleError)
	// What Redis 7.0 lets scripts see (its allow lists); the libraries
	// read-only.
	for _, name := range []string{"assert", "collectgarbage", "getmetatable", "ipairs",
		"next", "pairs", "rawequal", "rawget", "select", "setmetatable",
		"type", "unpack", "xpcall", "_VERSION"} {
		sc.globals.RawSetString(name, L.GetGlobal(name))
	}
	for name, fn := range map[string]lua.LGFunction{
		"error": luaError, "pcall": luaPcall, "tostring": luaTostring, "gcinfo": luaGcinfo,
		"tonumber": luaTonumber,
		"rawset":   func(L *lua.LState) int { return sc.rawset(L) },
	} {
		sc.globals.RawSetString(name, L.NewFunction(fn))
	}
	libs := map[string]*lua.LTable{"redis": sc.redisTable()}
	for _, name := range []string{"string", "table", "math", "coroutine", "cjson", "cmsgpack", "bit", "struct"} {
		libs[name] = L.GetGlobal(name).(*lua.LTable)
	}
	libs["string"].RawSetString("format", L.NewFunction(luaStringFormat))
	libs["math"].RawSetString("huge", lua.LNumber(math.Inf(1)))
	sc.hookThreads(libs["coroutine"])
	for name, lib := range libs {
		sc.globals.RawSetString(name, sc.readOnly(lib, nil))
	}
	sc.env = sc.readOnly(sc.globals, func(L *lua.LState) int {
		L.Error(lua.LString(luaWhere(L, 1)+"Script attempted to access nonexistent global variable '"+L.Get(2).String()+"'"), 0)
		return 0
	})
	for _, name := range []string{"loadstring", "load"} {
		sc.globals.RawSetString(name, L.NewFunction(luaLoadIn(L.GetGlobal(name).(*lua.LFunction), sc.env)))
	}
	sc.globals.RawSetString("_G", sc.env)
	sc.initFunctions()
	return sc
}

// scriptHook is the context.Context gopher-lua asks, before each
// instruction of a script, whether to stop: the only way into running Lua
// code it offers. Every hookInterval instructions it is Redis's
// luaMaskCountHook: past busy-reply-threshold the engine serves the other
// clients meanwhile (serveWhileBusy), and a killed script is stopped, at
// every instruction from then on, so that pcall can't catch it for good.
type scriptHook struct {
	sc        *scripting
	count     int
	threshold time.Duration // 0: the script is never interrupted
	// loadDeadline bounds FUNCTION LOAD's run of a library's code.
	loadDeadline time.Time
	// stop is nil while the script may run on, closed to stop it;
	// stopReason is then the error it ends with.
	stop       chan struct{}
	stopReason string
}

// hookInterval is Redis's: lua_sethook(…, LUA_MASKCOUNT, 100000).
const hookInterval = 100000

// stopped is the channel a stopped script's Done returns.
var stopped = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (h *scriptHook) start(thresholdMs int64) {
	h.count, h.stop, h.threshold = 0, nil, time.Duration(thresholdMs)*time.Millisecond
}

// startLoad is start for a library's code, stopped past Redis's
// LOAD_TIMEOUT_MS.
func (h *scriptHook) startLoad() {
	h.start(0)
	h.loadDeadline = time.Now().Add(500 * time.Millisecond)
}

func (h *scriptHook) kill(reason string) { h.stop, h.stopReason = stopped, reason }

func (h *scriptHook) Done() <-chan struct{} {
	if h.count++; h.count == hookInterval {
		h.count = 0
		h.interrupt()
	}
	return h.stop
}

// Err is the error a stopped script raises (handleError gives it its
// text, stopReason).
func (h *scriptHook) Err() error                  { return context.Canceled }
func (h *scriptHook) Deadline() (time.Time, bool) { return time.Time{}, false }
func (h *scriptHook) Value(any) any               { return nil }

// interrupt is Redis's scriptInterrupt: the first time past the
// threshold the script is logged and the server enters the busy state;
// then, each time, the other clients are served. A shutdown meanwhile
// (SHUTDOWN NOSAVE) stops the script.
func (h *scriptHook) interrupt() {
	run := h.sc.run
	s := h.sc.client.srv
	if !h.loadDeadline.IsZero() && time.Now().After(h.loadDeadline) {
		h.kill(errFunctionLoadTimeout)
		return
	}
	if run == nil || h.threshold == 0 || s.engine == nil || run.caller.loadingAOF {
		return
	}
	if !run.timedOut {
		elapsed := time.Since(run.start)
		if elapsed < h.threshold {
			return
		}
		kill := "SCRIPT KILL"
		if run.function {
			kill = "FUNCTION KILL"
		}
		s.warnf("Slow script detected: still in execution after %d milliseconds. You can try killing the script using the %s command. Script name is: %s.",
			elapsed.Milliseconds(), kill, run.sha)
		run.timedOut = true
		s.busyScript = run
	}
	cmdTimeMs := s.cmdTimeMs // the script's time, for its keys' expiry
	s.engine.serveWhileBusy()
	s.cmdTimeMs = cmdTimeMs
	if s.stopping {
		h.kill(errScriptKilled)
	}
}

// hookThreads has coroutine.create and coroutine.wrap give their threads
// the hook: gopher-lua gives a thread a context of its own, which would
// run a coroutine's loop unserved and unkillable.
func (sc *scripting) hookThreads(coroutine *lua.LTable) {
	create := coroutine.RawGetString("create").(*lua.LFunction).GFunction
	wrap := coroutine.RawGetString("wrap").(*lua.LFunction).GFunction
	coroutine.RawSetString("create", sc.L.NewFunction(func(L *lua.LState) int {
		n := create(L)
		L.CheckThread(L.GetTop()).SetContext(&sc.hook)
		return n
	}))
	coroutine.RawSetString("wrap", sc.L.NewFunction(func(L *lua.LState) int {
		n := wrap(L)
		resume := L.CheckFunction(L.GetTop()) // a closure over the thread
		resume.Upvalues[0].Value().(*lua.LState).SetContext(&sc.hook)
		return n
	}))
}

// readOnly is a view of t that refuses writes, as Redis 7.0 makes its
// globals and libraries read-only; missing, called for a key t lacks. The
// view reads through to t as a table, so that a script's every global and
// library lookup costs no function call.
func (sc *scripting) readOnly(t *lua.LTable, missing lua.LGFunction) *lua.LTable {
	L := sc.L
	view, meta := L.NewTable(), L.NewTable()
	if missing != nil {
		tmeta := L.NewTable()
		tmeta.RawSetString("__index", L.NewFunction(missing))
		L.SetMetatable(t, tmeta)
	}
	meta.RawSetString("__index", t)
	meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LString(luaWhere(L, 1)+"Attempt to modify a readonly table"), 0)
		return 0
	}))
	meta.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(view, meta)
	sc.readonly[view] = true
	return view
}

// rawset refuses the read-only views, which Redis's Lua refuses in its VM.
func (sc *scripting) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if sc.readonly[t] {
		L.Error(lua.LString("Attempt to modify a readonly table"), 0)
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.SetTop(1)
	return 1
}

// luaError is Lua 5.1's error: a string or number message gets the
// position of the code at level (1: the caller).
func luaError(L *lua.LState) int {
	msg := L.Get(1)
	level := L.OptInt(2, 1)
	if t := msg.Type(); (t == lua.LTString || t == lua.LTNumber) && level > 0 {
		msg = lua.LString(luaWhere(L, level) + luaToString(msg))
	}
	L.Error(msg, 0)
	return 0
}

// luaWhere is luaL_where: "user_script:3: ", or nothing for Go code.
func luaWhere(L *lua.LState, level int) string {
	if w := L.Where(level); !strings.HasPrefix(w, "[G]") {
		return w + " "
	}
	return ""
}

// luaPcall is Redis's pcall: an error table's message comes back as a
// string.
func luaPcall(L *lua.LState) int {
	if L.GetTop() == 0 {
		// Redis's pcall calls the result placeholder it pushed: a boolean.
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a boolean value"))
		return 2
	}
	fn := L.Get(1)
	nargs := L.GetTop() - 1
	L.Push(fn)
	for i := 2; i <= nargs+1; i++ {
		L.Push(L.Get(i))
	}
	top := L.GetTop() - nargs - 1
	if err := L.PCall(nargs, lua.MultRet, nil); err != nil {
		errv := err.(*lua.ApiError).Object
		switch v := errv.(type) {
		case *lua.LTable:
			if msg, ok := v.RawGetString("err").(lua.LString); ok {
				errv = msg
			}
		case lua.LString:
			errv = lua.LString(luaMessage(string(v)))
		}
		L.Push(lua.LFalse)
		L.Push(errv)
		return 2
	}
	results := L.GetTop() - top
	L.Insert(lua.LTrue, top+1)
	return results + 1
}

// luaTostring is tostring with Lua 5.1's number format (%.14g).
func luaTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if meta := L.GetMetaField(v, "__tostring"); meta != lua.LNil {
		L.Push(meta)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(luaToString(v)))
	return 1
}

// luaToString formats a value as Lua 5.1's tostring does.
func luaToString(v lua.LValue) string {
	n, ok := v.(lua.LNumber)
	if !ok {
		return v.String()
	}
	f := float64(n)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f) && math.Signbit(f):
		return "-nan"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// luaGcinfo is gcinfo: the heap in KB (Lua's, here Go's).
func luaGcinfo(L *lua.LState) int {
	L.Push(lua.LNumber(0))
	return 1
}

// redisTable is the redis library scripts call.
func (sc *scripting) redisTable() *lua.LTable {
	L := sc.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return sc.call(L, true) },
		"pcall":              func(L *lua.LState) int { return sc.call(L, false) },
		"error_reply":        luaErrorReply,
		"status_reply":       luaStatusReply,
		"sha1hex":            luaSha1hex,
		"log":                func(L *lua.LState) int { return sc.log(L) },
		"setresp":            func(L *lua.LState) int { return sc.setresp(L) },
		"set_repl":           luaSetRepl,
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"acl_check_cmd":      func(L *lua.LState) int { return sc.aclCheckCmd(L) },
		// No debugger: Redis's do nothing outside one either.
		"breakpoint": func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":      func(L *lua.LState) int { return 0 },
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for i, name := range []string{"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"} {
		t.RawSetString(name, lua.LNumber(i))
	}
	for name, v := range map[string]int{"REPL_NONE": 0, "REPL_AOF": 1, "REPL_SLAVE": 2, "REPL_REPLICA": 2, "REPL_ALL": 3} {
		t.RawSetString(name, lua.LNumber(v))
	}
	t.RawSetString("REDIS_VERSION", lua.LString(redisVersion))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(redisVersionNum()))
	return t
}

// redisVersionNum is the version as 0x00MMmmpp.
func redisVersionNum() int {
	num := 0
	for _, part := range strings.SplitN(redisVersion, ".", 3) {
		n, _ := strconv.Atoi(part)
		num = num<<8 | n
	}
	return num
}

// scriptSHA is a script's SHA1, lowercase hex.
func scriptSHA(body []byte) string {
	sum := sha1.Sum(body)
	return hex.EncodeToString(sum[:])
}

// compile is luaCreateFunction: the script's shebang flags, then its body
// compiled, or the error to answer.
func (sc *scripting) compile(body []byte) (*luaScript, string) {
	script := &luaScript{}
	src := string(body)
	if strings.HasPrefix(src, "#!") {
		script.shebang = true
		line, rest, found := strings.Cut(src, "\n")
		if !found {
			return nil, errScriptShebangInvalid
		}
		engine, flags, _ := strings.Cut(line, " ")
		if engine != "#!lua" {
			return nil, fmt.Sprintf(errScriptShebangEngine, engine)
		}
		for _, part := range strings.Fields(flags) {
			list, ok := strings.CutPrefix(part, "flags=")
			if !ok {
				return nil, fmt.Sprintf(errScriptShebangOption, part)
			}
			if list == "" {
				continue // no flags: a script that may write
			}
			for _, flag := range strings.Split(list, ",") {
				switch flag {
				case "no-writes":
					script.noWrites = true
				case "allow-oom":
					script.allowOOM = true
				case "allow-stale", "no-cluster", "allow-cross-slot-keys":
				default:
					return nil, fmt.Sprintf(errScriptShebangFlag, flag)
				}
			}
		}
		// The shebang line stays a (commented) line, so positions count
		// from the script's first line.
		src = "--" + line[2:] + "\n" + rest
	}
	fn, err := sc.L.Load(strings.NewReader(src), "user_script")
	if err != nil {
		return nil, fmt.Sprintf(errScriptCompile, strings.TrimSpace(err.Error()))
	}
	sc.L.SetFEnv(fn, sc.env)
	script.fn = fn
	return script, ""
}

// ---- EVAL, EVALSHA, SCRIPT ----

func cmdEval(c *Client, args [][]byte)      { evalGeneric(c, args, false, false) }
func cmdEvalRo(c *Client, args [][]byte)    { evalGeneric(c, args, false, true) }
func cmdEvalsha(c *Client, args [][]byte)   { evalGeneric(c, args, true, false) }
func cmdEvalshaRo(c *Client, args [][]byte) { evalGeneric(c, args, true, true) }

// evalGeneric is evalGenericCommand: the script by body or SHA1, its keys
// and arguments, then the run.
func evalGeneric(c *Client, args [][]byte, bySHA, readOnly bool) {
	if len(c.srv.monitors) > 0 {
		// EVAL skips call()'s feed (skip_monitor): it is shown first,
		// before the commands it runs, even if it then fails.
		c.srv.feedMonitors(c, args)
	}
	numkeys, ok := c.numkeysArg(args, errNotInteger)
	if !ok {
		return
	}
	sc := c.srv.lua()
	var sha string
	if bySHA {
		sha = strings.ToLower(string(args[1]))
	} else {
		sha = scriptSHA(args[1])
	}
	script := sc.scripts[sha]
	if script == nil {
		if bySHA {
			c.Error(errNoScript)
			return
		}
		var errMsg string
		if script, errMsg = sc.compile(args[1]); errMsg != "" {
			c.Error(errMsg)
			return
		}
		sc.scripts[sha] = script
	}
	if readOnly && script.shebang && !script.noWrites {
		c.Error(errScriptWriteFlagInRO)
		return
	}
	sc.globals.RawSetString("KEYS", luaStringArray(sc.L, args[3:3+numkeys]))
	sc.globals.RawSetString("ARGV", luaStringArray(sc.L, args[3+numkeys:]))
	sc.execute(scriptRun{caller: c, command: args, sha: sha, readOnly: readOnly || script.noWrites, allowOOM: script.allowOOM}, script.fn)
}

// numkeysArg is EVAL's and FCALL's numkeys (args[2]), at most the
// arguments that follow it; notInteger is their text for one that is no
// integer.
func (c *Client) numkeysArg(args [][]byte, notInteger string) (int64, bool) {
	numkeys, ok := parseInt64(args[2])
	switch {
	case !ok:
		c.Error(notInteger)
	case numkeys > int64(len(args)-3):
		c.Error(errScriptTooManyKeys)
	case numkeys < 0:
		c.Error(errScriptNegativeKeys)
	default:
		return numkeys, true
	}
	return 0, false
}

// execute calls fn (with args) for run's caller and replies its result:
// its commands run as the script's client, with the caller's user and
// database, and their writes are propagated in one MULTI/EXEC.
func (sc *scripting) execute(run scriptRun, fn *lua.LFunction, args ...lua.LValue) {
	c, L := run.caller, sc.L
	s := c.srv
	run.resp, run.clock = 2, s.now()
	run.start = run.clock
	sc.runState = run
	sc.run = &sc.runState
	sc.hook.start(s.cfg.BusyReplyThreshold)
	fake := sc.client
	fake.db, fake.resp, fake.user = c.db, 2, c.user
	wrapping := !s.inExec // inside EXEC, EXEC's MULTI wraps the writes too
	if wrapping {
		s.inExec, s.execPropagated = true, false
	}
	L.Push(fn)
	for _, arg := range args {
		L.Push(arg)
	}
	err := L.PCall(len(args), 1, sc.errHandler)
	if sc.run.timedOut {
		s.busyScript = nil
		s.scriptEnded.Broadcast()
	}
	if wrapping {
		// A shutdown stopped the script: its writes stay an unfinished
		// MULTI, which AOF loading and replicas discard, as Redis exits
		// with them unpropagated.
		if s.execPropagated && !s.stopping {
			s.feedStreams(-1, [][]byte{[]byte("EXEC")})
		}
		s.inExec = false
	}
	ran := sc.run
	sc.run = nil
	fake.user = nil
	if s.stopping {
		return // SHUTDOWN NOSAVE stopped it: the caller's connection just closes
	}
	if err != nil {
		sc.replyError(c, ran, err)
		return
	}
	result := L.Get(-1)
	L.Pop(1)
	luaToReply(c, ran, result)
}

// replyError answers a script that raised an error, as luaCallFunction:
// the error's message and, if it has one, the position it was raised at.
func (sc *scripting) replyError(c *Client, run *scriptRun, err error) {
	apiErr, ok := err.(*lua.ApiError)
	t, isTable := lua.LNil, false
	if ok {
		t, isTable = apiErr.Object.(*lua.LTable)
	}
	if !isTable {
		msg := err.Error()
		if ok {
			msg = apiErr.Object.String()
		}
		c.Error(fmt.Sprintf("ERR Error running script %s, %.100s\n", run.sha, msg))
		return
	}
	tbl := t.(*lua.LTable)
	msg := lua.LVAsString(tbl.RawGetString("err"))
	if source, line := tbl.RawGetString("source"), tbl.RawGetString("line"); source != lua.LNil && line != lua.LNil {
		msg += fmt.Sprintf(" script: %s, on %s:%s.", run.sha, source.String(), line.String())
	}
	c.Error(msg)
}

// handleError is __redis__err__handler: an error becomes a table {err=…}
// ("ERR " before a plain message) with the source and line of the script
// code that raised it.
func (sc *scripting) handleError(L *lua.LState) int {
	errv := L.Get(1)
	t, ok := errv.(*lua.LTable)
	switch {
	case sc.hook.stop != nil:
		// Stopped: Redis raises an error table, with no position in its
		// text.
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+sc.hook.stopReason))
	case !ok:
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+luaMessage(luaToString(errv))))
	}
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
			t.RawSetString("source", lua.LString("@"+dbg.Source))
			t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
			break
		}
	}
	L.Push(t)
	return 1
}

// luaStringArray is KEYS or ARGV: fresh tables for each run, as Redis's,
// so nothing a script puts in them reaches the next.
func luaStringArray(L *lua.LState, items [][]byte) *lua.LTable {
	t := L.CreateTable(len(items), 0)
	for i, item := range items {
		t.RawSetInt(i+1, lua.LString(item))
	}
	return t
}

func cmdScriptLoad(c *Client, args [][]byte) {
	sc := c.srv.lua()
	sha := scriptSHA(args[2])
	if sc.scripts[sha] == nil {
		script, errMsg := sc.compile(args[2])
		if errMsg != "" {
			c.Error(errMsg)
			return
		}
		sc.scripts[sha] = script
	}
	c.BulkString(sha)
}

func cmdScriptExists(c *Client, args [][]byte) {
	c.Array(len(args) - 2)
	for _, sha := range args[2:] {
		exists := c.srv.scripting != nil && c.srv.scripting.scripts[strings.ToLower(string(sha))] != nil
		c.Int(map[bool]int64{false: 0, true: 1}[exists])
	}
}

func cmdScriptFlush(c *Client, args [][]byte) {
	if len(args) > 3 || len(args) == 3 && !strings.EqualFold(string(args[2]), "sync") && !strings.EqualFold(string(args[2]), "async") {
		c.Error(errScriptFlushOption)
		return
	}
	if c.srv.scripting != nil {
		// The interpreter stays: the functions live in it, and a script
		// leaves nothing behind in its read-only globals.
		clear(c.srv.scripting.scripts)
	}
	c.OK()
}

func cmdScriptKill(c *Client, args [][]byte) { c.srv.killScript(c, false) }

// scriptDeniesOOM is the DENYOOM of evalGetCommandFlags and
// fcallGetCommandFlags: a script or function that declared its flags may
// run with memory over maxmemory only if it has allow-oom or no-writes.
// An EVAL's script is compiled (and cached) to know.
func (s *Server) scriptDeniesOOM(cmd *Command, args [][]byte) bool {
	switch cmd.Name {
	case "eval", "eval_ro":
		sc := s.lua()
		sha := scriptSHA(args[1])
		script := sc.scripts[sha]
		if script == nil {
			if script, _ = sc.compile(args[1]); script == nil {
				return false // EVAL answers the error
			}
			sc.scripts[sha] = script
		}
		return script.shebang && !script.allowOOM && !script.noWrites
	case "evalsha", "evalsha_ro":
		script := s.lua().scripts[strings.ToLower(string(args[1]))]
		return script != nil && script.shebang && !script.allowOOM && !script.noWrites
	case "fcall", "fcall_ro":
		fn := s.lua().functions.funcs[strings.ToLower(string(args[1]))]
		return fn != nil && fn.flags&(functionNoWrites|functionAllowOOM) == 0
	}
	return false
}

// killScript is SCRIPT KILL (function false) and FUNCTION KILL: the busy
// script stops at its next instruction, unless it wrote, or is the other
// kind.
func (s *Server) killScript(c *Client, function bool) {
	run := s.busyScript
	switch {
	case run == nil:
		c.Error(errNotBusy)
	case run.wrote:
		c.Error(errUnkillable)
	case run.function != function:
		c.Error(run.busyError())
	default:
		s.scripting.hook.kill(errScriptKilled)
		c.OK()
	}
}

func cmdScriptHelp(c *Client, args [][]byte) {
	c.Help("SCRIPT",
		"DEBUG (YES|SYNC|NO)",
		"    Set the debug mode for subsequent scripts executed.",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Very dangerous on replicas.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the scripts cache.",
		"    * SYNC: Synchronously flush the scripts cache.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.")
}

// ---- the redis library ----

// call is redis.call (raise) and redis.pcall: a command run as the
// script's client, its reply converted to Lua; an error is raised or, by
// pcall, returned as a table {err=…}.
func (sc *scripting) call(L *lua.LState, raise bool) int {
	n := L.GetTop()
	if n == 0 {
		return sc.callFailed(L, raise, errScriptNoArgs)
	}
	// The arguments alias the Lua strings, as a connection's alias its
	// read buffer: a command copies what it keeps.
	args := sc.argv[:0]
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args = append(args, unsafe.Slice(unsafe.StringData(string(v)), len(v)))
		case lua.LNumber:
			args = append(args, []byte(luaNumberArg(float64(v))))
		default:
			return sc.callFailed(L, raise, errScriptArgType)
		}
	}
	sc.argv = args
	if errMsg := sc.callCommand(args); errMsg != "" {
		return sc.callFailed(L, raise, errMsg)
	}
	reply := sc.out.Bytes()
	v, _ := respToLua(L, reply)
	sc.out.Reset()
	if raise && len(reply) > 0 && reply[0] == '-' {
		L.Error(v, 0)
	}
	L.Push(v)
	return 1
}

// callFailed raises (redis.call) or returns (redis.pcall) a script call's
// error as a table {err=…}.
func (sc *scripting) callFailed(L *lua.LState, raise bool, msg string) int {
	t := luaRedisErrorTable(L, msg)
	if raise {
		L.Error(t, 0)
	}
	L.Push(t)
	return 1
}

// callCommand runs a command of the script (scriptCall's checks first),
// leaving its reply in sc.out; or it returns why it may not run.
func (sc *scripting) callCommand(args [][]byte) string {
	s, fake, run := sc.client.srv, sc.client, sc.run
	cmd := commandByName(args[0])
	if cmd == nil {
		return errScriptUnknownCommand
	}
	if cmd.subcommands != nil && len(args) >= 2 {
		if sub := cmd.subcommands[strings.ToLower(string(args[1]))]; sub != nil {
			cmd = sub
		}
	}
	switch {
	case (cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity:
		return errScriptWrongArgs
	case cmd.has(flagNoScript):
		return errScriptCommandNotAllowed
	}
	if d, pos := fake.aclCheck(cmd, args); d != acl.Allowed {
		object := cmd.FullName
		if d != acl.DeniedCommand {
			object = string(args[pos])
		}
		s.addACLLogEntry(run.caller, d, "lua", object, run.caller.userName())
		return "The user executing the script " + aclScriptDenials[d]
	}
	if run.readOnly && fake.isWrite(cmd) {
		return errScriptWriteInReadOnly
	}
	// scriptVerifyOOM: a script that declared no flags checks its first
	// write against the memory found at its start (it can't stop after).
	if s.preCommandOOM && !run.allowOOM && !run.wrote && cmd.has(flagDenyOOM) && s.cfg.MaxMemory != 0 && !run.caller.isMaster && !run.caller.loadingAOF {
		return "-" + errOOM
	}
	run.wrote = run.wrote || cmd.has(flagWrite)
	fake.resp = run.resp
	run.clock = s.call(fake, cmd, args, run.clock)
	fake.w.Flush(0)
	return ""
}

// luaNumberArg is a Lua number given to redis.call, as Redis formats it
// (%.17g).
func luaNumberArg(f float64) string {
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// respToLua converts a reply the script's client got into a Lua value
// (redisProtocolToLuaType), returning what follows it.
func respToLua(L *lua.LState, b []byte) (lua.LValue, []byte) {
	if len(b) == 0 {
		return lua.LNil, b
	}
	line, rest, _ := bytes.Cut(b[1:], []byte("\r\n"))
	switch b[0] {
	case ':':
		n, _ := strconv.ParseInt(string(line), 10, 64)
		return lua.LNumber(n), rest
	case '$':
		n, _ := strconv.Atoi(string(line))
		if n < 0 {
			return lua.LFalse, rest
		}
		return lua.LString(rest[:n]), rest[n+2:]
	case '+':
		t := L.NewTable()
		t.RawSetString("ok", lua.LString(line))
		return t, rest
	case '-':
		return luaRedisErrorTable(L, "-"+string(line)), rest
	case '*', '~', '%':
		n, _ := strconv.Atoi(string(line))
		if n < 0 {
			return lua.LFalse, rest
		}
		return respAggregateToLua(L, b[0], n, rest)
	case '_':
		return lua.LNil, rest
	case ',':
		f, _ := strconv.ParseFloat(string(line), 64)
		if string(line) == "inf" {
			f = math.Inf(1)
		} else if string(line) == "-inf" {
			f = math.Inf(-1)
		}
		t := L.NewTable()
		t.RawSetString("double", lua.LNumber(f))
		return t, rest
	case '#':
		return lua.LBool(string(line) == "t"), rest
	case '(':
		t := L.NewTable()
		t.RawSetString("big_number", lua.LString(line))
		return t, rest
	case '=':
		n, _ := strconv.Atoi(string(line))
		body := rest[:n]
		v := L.NewTable()
		v.RawSetString("format", lua.LString(body[:3]))
		v.RawSetString("string", lua.LString(body[4:]))
		t := L.NewTable()
		t.RawSetString("verbatim_string", v)
		return t, rest[n+2:]
	}
	return lua.LNil, nil
}

// respAggregateToLua converts an array (a table), a set ({set={…=true}})
// or a map ({map={…}}).
func respAggregateToLua(L *lua.LState, kind byte, n int, rest []byte) (lua.LValue, []byte) {
	t := L.CreateTable(n, 0)
	for i := 0; i < n; i++ {
		var v lua.LValue
		v, rest = respToLua(L, rest)
		switch kind {
		case '*':
			t.RawSetInt(i+1, v)
		case '~':
			t.RawSet(v, lua.LTrue)
		case '%':
			var value lua.LValue
			value, rest = respToLua(L, rest)
			t.RawSet(v, value)
		}
	}
	if kind == '*' {
		return t, rest
	}
	wrapper := L.NewTable()
	wrapper.RawSetString(map[byte]string{'~': "set", '%': "map"}[kind], t)
	return wrapper, rest
}

// luaRedisErrorTable is luaPushErrorBuff: "-CODE msg" or "msg" as
// {err="CODE msg"}, ERR being the code of a message without one.
func luaRedisErrorTable(L *lua.LState, msg string) *lua.LTable {
	code := "ERR"
	if rest, ok := strings.CutPrefix(msg, "-"); ok {
		if c, m, found := strings.Cut(rest, " "); found {
			code, msg = c, m
		} else {
			msg = rest
		}
	}
	t := L.NewTable()
	t.RawSetString("err", lua.LString(code+" "+strings.TrimRight(msg, "\r\n")))
	return t
}

// luaRaise raises msg as a Lua error from Go code, without a position
// (as luaL_error in a C function has none).
func luaRaise(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// aclCheckCmd is redis.acl_check_cmd: whether the script's user may run
// the command with these arguments.
func (sc *scripting) aclCheckCmd(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		L.Error(luaRedisErrorTable(L, errScriptNoArgs), 0)
	}
	args := make([][]byte, n)
	for i := 1; i <= n; i++ {
		args[i-1] = []byte(L.ToString(i))
	}
	cmd, errMsg := sc.client.srv.lookupCommand(args)
	if cmd == nil || cmd.subcommands != nil && len(args) > 1 {
		L.Error(luaRedisErrorTable(L, errScriptACLCheckCommand), 0)
	}
	if errMsg != "" {
		L.Error(luaRedisErrorTable(L, errScriptACLCheckArgs), 0)
	}
	d, _ := sc.client.aclCheck(cmd, args)
	L.Push(lua.LBool(d == acl.Allowed))
	return 1
}

// luaErrorReply is redis.error_reply.
func luaErrorReply(L *lua.LState) int {
	if L.GetTop() != 1 || L.Get(1).Type() != lua.LTString {
		L.Push(luaRedisErrorTable(L, errScriptReplyArgs))
		return 1
	}
	msg := L.ToString(1)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(luaRedisErrorTable(L, msg))
	return 1
}

// luaStatusReply is redis.status_reply.
func luaStatusReply(L *lua.LState) int {
	if L.GetTop() != 1 || L.Get(1).Type() != lua.LTString {
		L.Push(luaRedisErrorTable(L, errScriptReplyArgs))
		return 1
	}
	t := L.NewTable()
	t.RawSetString("ok", L.Get(1))
	L.Push(t)
	return 1
}

// luaSha1hex is redis.sha1hex.
func luaSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		luaRaise(L, errScriptSha1hexArgs)
	}
	L.Push(lua.LString(scriptSHA([]byte(L.ToString(1)))))
	return 1
}

// log is redis.log: a line in the server's log at the given level.
func (sc *scripting) log(L *lua.LState) int {
	if L.GetTop() < 2 {
		luaRaise(L, errScriptLogArgs)
	}
	level, ok := L.Get(1).(lua.LNumber)
	if !ok || level < 0 || level > 3 {
		luaRaise(L, errScriptLogLevel)
	}
	parts := make([]string, 0, L.GetTop()-1)
	for i := 2; i <= L.GetTop(); i++ {
		parts = append(parts, L.ToString(i))
	}
	s := sc.client.srv
	line := strings.Join(parts, " ")
	if level == 3 {
		s.warnf("%s", line)
	} else {
		s.logf("%s", line)
	}
	return 0
}

// setresp is redis.setresp: the protocol redis.call's replies use.
func (sc *scripting) setresp(L *lua.LState) int {
	if L.GetTop() != 1 {
		luaRaise(L, errScriptSetrespArgs)
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok || (n != 2 && n != 3) {
		luaRaise(L, errScriptSetrespProto)
	}
	sc.run.resp = int(n)
	return 0
}

// luaSetRepl is redis.set_repl: 7.0 replicates effects only, so the
// choice of streams is checked and otherwise kept as Redis keeps it.
func luaSetRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		luaRaise(L, errScriptSetReplArgs)
	}
	flags, ok := L.Get(1).(lua.LNumber)
	if !ok || flags < 0 || flags > 3 {
		luaRaise(L, errScriptSetReplFlags)
	}
	return 0
}

// luaToReply replies a script's result (luaReplyToRedisReply).
func luaToReply(c *Client, run *scriptRun, v lua.LValue) {
	switch v := v.(type) {
	case lua.LString:
		c.Bulk([]byte(v))
	case lua.LBool:
		switch {
		case run.resp == 3:
			c.Bool(bool(v))
		case bool(v):
			c.Int(1)
		default:
			c.Null()
		}
	case lua.LNumber:
		c.Int(int64(v))
	case *lua.LTable:
		luaTableToReply(c, run, v)
	default:
		c.Null()
	}
}

func luaTableToReply(c *Client, run *scriptRun, t *lua.LTable) {
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		c.Error(string(e))
		return
	}
	if ok, isString := t.RawGetString("ok").(lua.LString); isString {
		c.Simple(strings.NewReplacer("\r", " ", "\n", " ").Replace(string(ok)))
		return
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		c.Double(float64(d))
		return
	}
	if big, ok := t.RawGetString("big_number").(lua.LString); ok {
		if c.resp == 3 {
			c.w.WriteRaw([]byte("(" + strings.NewReplacer("\r", " ", "\n", " ").Replace(string(big)) + "\r\n"))
		} else {
			c.BulkString(string(big))
		}
		return
	}
	if vs, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, ok1 := vs.RawGetString("format").(lua.LString)
		str, ok2 := vs.RawGetString("string").(lua.LString)
		if ok1 && ok2 && len(format) == 3 {
			if c.resp == 3 {
				c.w.WriteRaw([]byte("=" + strconv.Itoa(len(str)+4) + "\r\n" + string(format) + ":" + string(str) + "\r\n"))
			} else {
				c.BulkString(string(str))
			}
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		var keys, values []lua.LValue
		m.ForEach(func(k, v lua.LValue) { keys, values = append(keys, k), append(values, v) })
		c.Map(len(keys))
		for i := range keys {
			luaToReply(c, run, keys[i])
			luaToReply(c, run, values[i])
		}
		return
	}
	if set, ok := t.RawGetString("set").(*lua.LTable); ok {
		var keys []lua.LValue
		set.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
		c.Set(len(keys))
		for _, k := range keys {
			luaToReply(c, run, k)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	c.Array(n)
	for i := 1; i <= n; i++ {
		luaToReply(c, run, t.RawGetInt(i))
	}
}

// aclScriptDenials words a denial inside a script (getAclErrorMessage).
var aclScriptDenials = map[acl.Denial]string{
	acl.DeniedCommand: "can't run this command or subcommand",
	acl.DeniedKey:     "can't access at least one of the keys mentioned in the command arguments",
	acl.DeniedChannel: "can't publish to the channel mentioned in the command",
}
