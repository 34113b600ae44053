package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"respd/internal/glob"
	"respd/internal/rdb"
)

// Functions as Redis 7.0's functions.c and function_lua.c: libraries of
// Lua functions loaded with FUNCTION LOAD and called with FCALL. They
// share the scripts' interpreter (scripting.go) but see globals of their
// own: while a library loads, only redis.register_function, redis.log and
// the version; when a function runs, what a script sees but KEYS and ARGV.

// luaLibrary is a loaded library.
type luaLibrary struct {
	name, code string
	functions  []*luaFunction // in registration order
}

// luaFunction is a registered function.
type luaFunction struct {
	name        string
	fn          *lua.LFunction
	flags       uint8      // functionFlagNames bits
	description lua.LValue // a string, or nil
	lib         *luaLibrary
}

// functionFlagNames are the flags register_function takes, in the order
// FUNCTION LIST shows them.
var functionFlagNames = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// functionNoWrites and functionAllowOOM: functionFlagNames[0] and [1].
const (
	functionNoWrites = 1 << iota
	functionAllowOOM
)

// functions are the libraries and their functions (names compared without
// case, as Redis's dict does).
type functions struct {
	libs  map[string]*luaLibrary
	funcs map[string]*luaFunction
	// env is the libraries' globals: a read-only view whose reads go to
	// loading while a library loads (the pending one) and to running
	// otherwise.
	env              *lua.LTable
	envMeta          *lua.LTable
	loading, running *lua.LTable
	pending          *luaLibrary
}

// initFunctions sets up the functions' globals, once the scripts' are.
func (sc *scripting) initFunctions() {
	L := sc.L
	f := &sc.functions
	f.libs, f.funcs = map[string]*luaLibrary{}, map[string]*luaFunction{}
	missing := L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LString(luaWhere(L, 1)+"Script attempted to access nonexistent global variable '"+L.Get(2).String()+"'"), 0)
		return 0
	})
	withMissing := func(t *lua.LTable) *lua.LTable {
		meta := L.NewTable()
		meta.RawSetString("__index", missing)
		L.SetMetatable(t, meta)
		return t
	}
	f.env, f.envMeta = L.NewTable(), L.NewTable()
	f.envMeta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LString(luaWhere(L, 1)+"Attempt to modify a readonly table"), 0)
		return 0
	}))
	f.envMeta.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(f.env, f.envMeta)
	sc.readonly[f.env] = true

	f.running = withMissing(L.NewTable())
	sc.globals.ForEach(func(k, v lua.LValue) {
		if name := k.String(); name != "KEYS" && name != "ARGV" {
			f.running.RawSet(k, v)
		}
	})
	f.running.RawSetString("_G", f.env)

	api := withMissing(L.NewTable())
	api.RawSetString("register_function", L.NewFunction(sc.registerFunction))
	redisTable := sc.redisTable()
	for _, name := range []string{"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"} {
		api.RawSetString(name, redisTable.RawGetString(name))
	}
	f.loading = withMissing(L.NewTable())
	f.loading.RawSetString("redis", sc.readOnly(api, nil))
	f.envMeta.RawSetString("__index", f.running)
}

// loadLibrary is functionsCreateWithLibraryCtx: the library's metadata
// line, its code run to register its functions, then the library in
// place of any of its name (with replace) — or the error to answer.
func (sc *scripting) loadLibrary(code string, replace bool) (*luaLibrary, string) {
	f := &sc.functions
	name, errMsg := parseLibraryMetadata(code)
	if errMsg != "" {
		return nil, errMsg
	}
	old := f.libs[name]
	if old != nil && !replace {
		return nil, fmt.Sprintf(errLibraryExists, name)
	}
	_, body, _ := strings.Cut(code, "\n")
	// The metadata line stays a (commented) line, so positions count from
	// the library's first line.
	fn, err := sc.L.Load(strings.NewReader("--\n"+body), "user_function")
	if err != nil {
		return nil, fmt.Sprintf(errFunctionCompile, strings.TrimSpace(err.Error()))
	}
	sc.L.SetFEnv(fn, f.env)
	lib := &luaLibrary{name: name, code: code}
	f.pending = lib
	f.envMeta.RawSetString("__index", f.loading)
	sc.L.Push(fn)
	sc.hook.startLoad()
	err = sc.L.PCall(0, 0, sc.errHandler)
	sc.hook.loadDeadline = time.Time{}
	f.envMeta.RawSetString("__index", f.running)
	f.pending = nil
	if err != nil {
		msg := err.Error()
		if apiErr, ok := err.(*lua.ApiError); ok {
			if t, ok := apiErr.Object.(*lua.LTable); ok {
				msg = lua.LVAsString(t.RawGetString("err"))
			}
		}
		return nil, errRegisteringFunctions + msg
	}
	if len(lib.functions) == 0 {
		return nil, errNoFunctions
	}
	for _, fn := range lib.functions {
		if other := f.funcs[strings.ToLower(fn.name)]; other != nil && other.lib != old {
			return nil, fmt.Sprintf(errFunctionExists, fn.name)
		}
	}
	return lib, ""
}

// addLibrary puts lib in place of the library of its name, if any.
func (f *functions) addLibrary(lib *luaLibrary) {
	f.deleteLibrary(lib.name)
	f.libs[lib.name] = lib
	for _, fn := range lib.functions {
		f.funcs[strings.ToLower(fn.name)] = fn
	}
}

func (f *functions) deleteLibrary(name string) bool {
	lib := f.libs[name]
	if lib == nil {
		return false
	}
	for _, fn := range lib.functions {
		delete(f.funcs, strings.ToLower(fn.name))
	}
	delete(f.libs, name)
	return true
}

// parseLibraryMetadata reads "#!lua name=<library>" (functionExtractLibMetaData).
func parseLibraryMetadata(code string) (name, errMsg string) {
	if !strings.HasPrefix(code, "#!") {
		return "", errMissingLibraryMetadata
	}
	line, _, found := strings.Cut(code, "\n")
	if !found {
		return "", errInvalidLibraryMetadata
	}
	parts := strings.Split(line[2:], " ")
	if engine := parts[0]; !strings.EqualFold(engine, "lua") {
		return "", fmt.Sprintf(errEngineNotFound, engine)
	}
	named := false
	for _, part := range parts[1:] {
		value, ok := strings.CutPrefix(part, "name=")
		switch {
		case !ok:
			return "", fmt.Sprintf(errInvalidMetadataValue, part)
		case named:
			return "", errMetadataNameTwice
		}
		name, named = value, true
	}
	switch {
	case !named:
		return "", errLibraryNameMissing
	case !validFunctionName(name):
		return "", errLibraryName
	}
	return name, ""
}

// validFunctionName: letters, digits and underscores, at least one.
func validFunctionName(name string) bool {
	if name == "" {
		return false
	}
	for _, ch := range name {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// registerFunction is redis.register_function(name, callback) or
// redis.register_function{function_name=, callback=, flags=, description=}.
func (sc *scripting) registerFunction(L *lua.LState) int {
	fail := func(msg string) int {
		L.Error(luaRedisErrorTable(L, msg), 0)
		return 0
	}
	lib := sc.functions.pending
	fn := &luaFunction{description: lua.LNil, lib: lib}
	var name lua.LValue = lua.LNil
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return fail(errRegisterSingleArg)
		}
		var bad string
		t.ForEach(func(k, v lua.LValue) {
			switch k.String() {
			case "function_name":
				name = v
			case "callback":
				if f, ok := v.(*lua.LFunction); ok {
					fn.fn = f
				}
			case "description":
				fn.description = v
			case "flags":
				flags, ok := v.(*lua.LTable)
				if !ok {
					bad = errRegisterFlagsTable
					return
				}
				flags.ForEach(func(_, flag lua.LValue) {
					i := slices.Index(functionFlagNames, flag.String())
					if i < 0 {
						bad = errRegisterUnknownFlag
						return
					}
					fn.flags |= 1 << i
				})
			default:
				bad = errRegisterUnknownArgument
			}
		})
		switch {
		case bad != "":
			return fail(bad)
		case name == lua.LNil:
			return fail(errRegisterNoName)
		case fn.fn == nil:
			return fail(errRegisterNoCallback)
		}
	case 2:
		name = L.Get(1)
		f, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			return fail(errRegisterNotAFunction)
		}
		fn.fn = f
	default:
		return fail(errRegisterArgs)
	}
	fn.name = luaToString(name)
	if _, isString := fn.description.(lua.LString); fn.description != lua.LNil && !isString {
		fn.description = lua.LString(luaToString(fn.description))
	}
	switch {
	case !validFunctionName(fn.name):
		return fail(functionNameRule)
	case slices.ContainsFunc(lib.functions, func(f *luaFunction) bool { return strings.EqualFold(f.name, fn.name) }):
		return fail(errFunctionInLibrary)
	}
	lib.functions = append(lib.functions, fn)
	return 0
}

// ---- FUNCTION, FCALL ----

func cmdFunctionLoad(c *Client, args [][]byte) {
	replace := false
	for _, opt := range args[2 : len(args)-1] {
		if !strings.EqualFold(string(opt), "replace") {
			c.Error(fmt.Sprintf(errFunctionLoadOption, opt))
			return
		}
		replace = true
	}
	sc := c.srv.lua()
	lib, errMsg := sc.loadLibrary(string(args[len(args)-1]), replace)
	if errMsg != "" {
		c.Error(errMsg)
		return
	}
	sc.functions.addLibrary(lib)
	c.propagate(args...)
	c.BulkString(lib.name)
}

func cmdFunctionDelete(c *Client, args [][]byte) {
	if c.srv.scripting == nil || !c.srv.scripting.functions.deleteLibrary(string(args[2])) {
		c.Error(errLibraryNotFound)
		return
	}
	c.propagate(args...)
	c.OK()
}

func cmdFunctionFlush(c *Client, args [][]byte) {
	switch {
	case len(args) > 3:
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "FUNCTION"))
		return
	case len(args) == 3 && !strings.EqualFold(string(args[2]), "sync") && !strings.EqualFold(string(args[2]), "async"):
		c.Error(errFunctionFlushOption)
		return
	}
	c.srv.flushFunctions()
	c.propagate(args...)
	c.OK()
}

// flushFunctions deletes every library.
func (s *Server) flushFunctions() {
	if s.scripting != nil {
		clear(s.scripting.functions.libs)
		clear(s.scripting.functions.funcs)
	}
}

// cmdFunctionList: FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
func cmdFunctionList(c *Client, args [][]byte) {
	var pattern []byte
	withCode, named := false, false
	for i := 2; i < len(args); i++ {
		switch opt := string(args[i]); {
		case strings.EqualFold(opt, "withcode") && !withCode:
			withCode = true
		case strings.EqualFold(opt, "libraryname") && !named:
			if i+1 >= len(args) {
				c.Error(errFunctionListNoName)
				return
			}
			i++
			pattern, named = args[i], true
		default:
			c.Error(fmt.Sprintf(errFunctionListArgument, args[i]))
			return
		}
	}
	var libs []*luaLibrary
	if c.srv.scripting != nil {
		for _, lib := range c.srv.scripting.functions.libs {
			if !named || glob.Match(pattern, []byte(lib.name), true) {
				libs = append(libs, lib)
			}
		}
	}
	slices.SortFunc(libs, func(a, b *luaLibrary) int { return strings.Compare(a.name, b.name) })
	c.Array(len(libs))
	for _, lib := range libs {
		c.Map(3 + map[bool]int{false: 0, true: 1}[withCode])
		c.BulkString("library_name")
		c.BulkString(lib.name)
		c.BulkString("engine")
		c.BulkString("LUA")
		c.BulkString("functions")
		c.Array(len(lib.functions))
		for _, fn := range lib.functions {
			c.Map(3)
			c.BulkString("name")
			c.BulkString(fn.name)
			c.BulkString("description")
			if d, ok := fn.description.(lua.LString); ok {
				c.BulkString(string(d))
			} else {
				c.Null()
			}
			c.BulkString("flags")
			n := 0
			for i := range functionFlagNames {
				if fn.flags&(1<<i) != 0 {
					n++
				}
			}
			c.Set(n)
			for i, flag := range functionFlagNames {
				if fn.flags&(1<<i) != 0 {
					c.Simple(flag)
				}
			}
		}
		if withCode {
			c.BulkString("library_code")
			c.BulkString(lib.code)
		}
	}
}

// functionCodes are the libraries' code, in name order: what RDB files,
// FUNCTION DUMP and AOF rewrites hold.
func (s *Server) functionCodes() []string {
	if s.scripting == nil {
		return nil
	}
	codes := make([]string, 0, len(s.scripting.functions.libs))
	for _, lib := range s.scripting.functions.libs {
		codes = append(codes, lib.code)
	}
	slices.Sort(codes)
	return codes
}

// loadFunctions restores libraries from an RDB file or a FUNCTION RESTORE
// payload, all or none: with flush the others go, with replace a library
// of the same name is replaced (else it is an error), and a function
// another library has is always one.
func (s *Server) loadFunctions(codes []string, flush, replace bool, libExists string) string {
	sc := s.lua()
	f := &sc.functions
	saved := functions{libs: maps.Clone(f.libs), funcs: maps.Clone(f.funcs)}
	if flush {
		clear(f.libs)
		clear(f.funcs)
	}
	for _, code := range codes {
		name, _ := parseLibraryMetadata(code)
		if f.libs[name] != nil && !replace {
			f.libs, f.funcs = saved.libs, saved.funcs
			return fmt.Sprintf(libExists, name)
		}
		lib, errMsg := sc.loadLibrary(code, true)
		if errMsg != "" {
			f.libs, f.funcs = saved.libs, saved.funcs
			return errMsg
		}
		f.addLibrary(lib)
	}
	return ""
}

func cmdFunctionDump(c *Client, args [][]byte) {
	p := rdb.NewPayload(!c.srv.cfg.RDBCompression)
	p.Functions(c.srv.functionCodes())
	c.Bulk(p.Bytes())
}

// cmdFunctionRestore: FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE].
func cmdFunctionRestore(c *Client, args [][]byte) {
	if len(args) > 4 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "FUNCTION"))
		return
	}
	policy := "append"
	if len(args) == 4 {
		policy = strings.ToLower(string(args[3]))
	}
	if policy != "flush" && policy != "append" && policy != "replace" {
		c.Error(errFunctionRestorePolicy)
		return
	}
	codes, err := rdb.DecodeFunctionsPayload(args[2])
	var ferr *rdb.FunctionError
	switch {
	case errors.Is(err, rdb.ErrBadPayload):
		c.Error(errDumpPayload)
		return
	case errors.As(err, &ferr):
		// Redis compiles each library as it reads it: a compile error
		// among those read comes first.
		for _, code := range codes {
			if _, errMsg := c.srv.lua().loadLibrary(code, true); errMsg != "" {
				c.Error(errMsg)
				return
			}
		}
		c.Error("ERR " + ferr.Reason)
		return
	}
	if errMsg := c.srv.loadFunctions(codes, policy == "flush", policy == "replace", errLibraryExistsRestore); errMsg != "" {
		c.Error(errMsg)
		return
	}
	c.propagate(args...)
	c.OK()
}

func cmdFunctionStats(c *Client, args [][]byte) {
	run := c.srv.busyScript
	if run != nil && !run.function {
		c.Error(errBusyScript) // an EVAL's script is no function's business
		return
	}
	libs, funcs := 0, 0
	if c.srv.scripting != nil {
		libs, funcs = len(c.srv.scripting.functions.libs), len(c.srv.scripting.functions.funcs)
	}
	c.Map(2)
	c.BulkString("running_script")
	if run == nil {
		c.Null()
	} else {
		c.Map(3)
		c.BulkString("name")
		c.BulkString(run.sha)
		c.BulkString("command")
		c.Array(len(run.command))
		for _, arg := range run.command {
			c.Bulk(arg)
		}
		c.BulkString("duration_ms")
		c.Int(time.Since(run.start).Milliseconds())
	}
	c.BulkString("engines")
	c.Map(1)
	c.BulkString("LUA")
	c.Map(2)
	c.BulkString("libraries_count")
	c.Int(int64(libs))
	c.BulkString("functions_count")
	c.Int(int64(funcs))
}

func cmdFunctionKill(c *Client, args [][]byte) { c.srv.killScript(c, true) }

func cmdFunctionHelp(c *Client, args [][]byte) {
	c.Help("FUNCTION",
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>",
		"    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name",
		"    * The engine used to run the Library",
		"    * Library description",
		"    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS",
		"    Return information about the current function running:",
		"    * Function name",
		"    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL",
		"    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]",
		"    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).")
}

func cmdFcall(c *Client, args [][]byte)   { fcall(c, args, false) }
func cmdFcallRo(c *Client, args [][]byte) { fcall(c, args, true) }

// fcall is fcallCommandGeneric: the function, its keys and arguments (as
// its two parameters), then the run.
func fcall(c *Client, args [][]byte, readOnly bool) {
	if len(c.srv.monitors) > 0 {
		// As EVAL: shown before the commands it runs, even if refused.
		c.srv.feedMonitors(c, args)
	}
	var fn *luaFunction
	if c.srv.scripting != nil {
		fn = c.srv.scripting.functions.funcs[strings.ToLower(string(args[1]))]
	}
	if fn == nil {
		c.Error(errFunctionNotFound)
		return
	}
	numkeys, ok := c.numkeysArg(args, errFunctionBadKeys)
	if !ok {
		return
	}
	noWrites := fn.flags&functionNoWrites != 0
	if readOnly && !noWrites {
		c.Error(errScriptWriteFlagInRO)
		return
	}
	sc := c.srv.scripting
	keys := luaStringArray(sc.L, args[3:3+numkeys])
	argv := luaStringArray(sc.L, args[3+numkeys:])
	run := scriptRun{caller: c, command: args, sha: fn.name, function: true, readOnly: readOnly || noWrites, allowOOM: fn.flags&functionAllowOOM != 0}
	sc.execute(run, fn.fn, keys, argv)
}
