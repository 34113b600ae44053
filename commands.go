package main

import (
	"sort"
	"strings"
	"unsafe"
)

// Command is one entry of the command table: what COMMAND reports and what
// the dispatcher needs. A container (CONFIG, CLIENT, …) has no handler of its
// own; its subcommands are entries named "parent|sub".
type Command struct {
	FullName string // "get", or "config|get" for a subcommand
	Handler  func(c *Client, args [][]byte)
	// Arity counts the command name; negative means "at least -Arity".
	Arity int
	// Flags as COMMAND INFO spells them, space separated.
	FlagNames string
	// Key positions (1-based; LastKey -1 means the last argument).
	FirstKey, LastKey, KeyStep int
	ACLCategories              string
	Group, Since, Summary      string

	Name        string // the part after '|' for a subcommand
	flags       commandFlags
	parent      *Command
	subcommands map[string]*Command
	index       int // position in commandTable, for per-server statistics
}

// commandStats is one command's line of INFO commandstats.
type commandStats struct {
	calls, usec, rejected, failed int64
}

type commandFlags uint32

const (
	flagWrite commandFlags = 1 << iota
	flagReadonly
	flagDenyOOM
	flagAdmin
	flagNoScript
	flagLoading
	flagStale
	flagFast
	flagNoAuth
	flagMayReplicate
	flagNoMulti
	flagAllowBusy
	flagSkipSlowlog
	flagNoAsyncLoading
	// flagMultiControl marks the commands that run immediately inside
	// MULTI instead of being queued. It is not a Redis flag.
	flagMultiControl
)

var flagByName = map[string]commandFlags{
	"write": flagWrite, "readonly": flagReadonly, "denyoom": flagDenyOOM, "admin": flagAdmin,
	"noscript": flagNoScript, "loading": flagLoading, "stale": flagStale, "fast": flagFast,
	"no_auth": flagNoAuth, "may_replicate": flagMayReplicate, "no_multi": flagNoMulti,
	"allow_busy": flagAllowBusy, "skip_slowlog": flagSkipSlowlog, "no_async_loading": flagNoAsyncLoading,
}

func (cmd *Command) has(f commandFlags) bool { return cmd.flags&f != 0 }

// commandTable is every command respd serves. Metadata (arity, flags, key
// positions, ACL categories, group, since, summary) is Redis 7's own, as
// COMMAND INFO and COMMAND DOCS report it.
var commandTable = []*Command{
	define("append", cmdAppend, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "2.0.0", "Append a value to a key"),
	define("auth", cmdAuth, -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "connection", "1.0.0", "Authenticate to the server"),
	define("bgrewriteaof", cmdBgrewriteaof, 1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Asynchronously rewrite the append-only file"),
	define("bgsave", cmdBgsave, -1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Asynchronously save the dataset to disk"),
	define("client", nil, -2, "", 0, 0, 0, "@slow", "connection", "2.4.0", "A container for client connection commands"),
	define("client|getname", cmdClientGetname, 2, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "2.6.9", "Get the current connection name"),
	define("client|help", cmdClientHelp, 2, "loading stale", 0, 0, 0, "@slow @connection", "connection", "5.0.0", "Show helpful text about the different subcommands"),
	define("client|id", cmdClientId, 2, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "5.0.0", "Returns the client ID for the current connection"),
	define("client|info", cmdClientInfo, 2, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "6.2.0", "Returns information about the current client connection."),
	define("client|kill", cmdClientKill, -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "connection", "2.4.0", "Kill the connection of a client"),
	define("client|list", cmdClientList, -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "connection", "2.4.0", "Get the list of client connections"),
	define("client|no-evict", cmdClientNoEvict, 3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "connection", "7.0.0", "Set client eviction mode for the current connection"),
	define("client|no-touch", cmdClientNoTouch, 3, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "7.2.0", "Controls whether commands sent by the client will alter the LRU/LFU of the keys they access."),
	define("client|pause", cmdClientPause, -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "connection", "2.9.50", "Stop processing commands from clients for some time"),
	define("client|reply", cmdClientReply, 3, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "3.2.0", "Instruct the server whether to reply to commands"),
	define("client|setinfo", cmdClientSetinfo, 4, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "7.2.0", "Set client or connection specific info"),
	define("client|setname", cmdClientSetname, 3, "noscript loading stale", 0, 0, 0, "@slow @connection", "connection", "2.6.9", "Set the current connection name"),
	define("client|unpause", cmdClientUnpause, 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "connection", "6.2.0", "Resume processing of clients that were paused"),
	define("command", cmdCommand, -1, "loading stale", 0, 0, 0, "@slow @connection", "server", "2.8.13", "Get array of Redis command details"),
	define("command|count", cmdCommandCount, 2, "loading stale", 0, 0, 0, "@slow @connection", "server", "2.8.13", "Get total number of Redis commands"),
	define("command|docs", cmdCommandDocs, -2, "loading stale", 0, 0, 0, "@slow @connection", "server", "7.0.0", "Get array of specific Redis command documentation"),
	define("command|getkeys", cmdCommandGetkeys, -4, "loading stale", 0, 0, 0, "@slow @connection", "server", "2.8.13", "Extract keys given a full Redis command"),
	define("command|help", cmdCommandHelp, 2, "loading stale", 0, 0, 0, "@slow @connection", "server", "5.0.0", "Show helpful text about the different subcommands"),
	define("command|info", cmdCommandInfo, -2, "loading stale", 0, 0, 0, "@slow @connection", "server", "2.8.13", "Get array of specific Redis command details, or all when no argument is given."),
	define("command|list", cmdCommandList, -2, "loading stale", 0, 0, 0, "@slow @connection", "server", "7.0.0", "Get an array of Redis command names"),
	define("config", nil, -2, "", 0, 0, 0, "@slow", "server", "2.0.0", "A container for server configuration commands"),
	define("config|get", cmdConfigGet, -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "server", "2.0.0", "Get the values of configuration parameters"),
	define("config|help", cmdConfigHelp, 2, "loading stale", 0, 0, 0, "@slow", "server", "5.0.0", "Show helpful text about the different subcommands"),
	define("config|resetstat", cmdConfigResetstat, 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "server", "2.0.0", "Reset the stats returned by INFO"),
	define("config|rewrite", cmdConfigRewrite, 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "server", "2.8.0", "Rewrite the configuration file with the in memory configuration"),
	define("config|set", cmdConfigSet, -4, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "server", "2.0.0", "Set configuration parameters to the given values"),
	define("copy", cmdCopy, -3, "write denyoom", 1, 2, 1, "@keyspace @write @slow", "generic", "6.2.0", "Copy a key"),
	define("dbsize", cmdDbsize, 1, "readonly fast", 0, 0, 0, "@keyspace @read @fast", "server", "1.0.0", "Return the number of keys in the selected database"),
	define("debug", cmdDebug, -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "A container for debugging commands"),
	define("decr", cmdDecr, 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Decrement the integer value of a key by one"),
	define("decrby", cmdDecrby, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Decrement the integer value of a key by the given number"),
	define("del", cmdDel, -2, "write", 1, -1, 1, "@keyspace @write @slow", "generic", "1.0.0", "Delete a key"),
	define("discard", cmdDiscard, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "transactions", "2.0.0", "Discard all commands issued after MULTI"),
	define("dump", cmdDump, 2, "readonly", 1, 1, 1, "@keyspace @read @slow", "generic", "2.6.0", "Return a serialized version of the value stored at the specified key."),
	define("echo", cmdEcho, 2, "loading stale fast", 0, 0, 0, "@fast @connection", "connection", "1.0.0", "Echo the given string"),
	define("exec", cmdExec, 1, "noscript loading stale skip_slowlog", 0, 0, 0, "@slow @transaction", "transactions", "1.2.0", "Execute all commands issued after MULTI"),
	define("exists", cmdExists, -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "generic", "1.0.0", "Determine if a key exists"),
	define("expire", cmdExpire, -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0", "Set a key's time to live in seconds"),
	define("expireat", cmdExpireat, -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.2.0", "Set the expiration for a key as a UNIX timestamp"),
	define("expiretime", cmdExpiretime, 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0", "Get the expiration Unix timestamp for a key"),
	define("flushall", cmdFlushall, -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "server", "1.0.0", "Remove all keys from all databases"),
	define("flushdb", cmdFlushdb, -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "server", "1.0.0", "Remove all keys from the current database"),
	define("get", cmdGet, 2, "readonly fast", 1, 1, 1, "@read @string @fast", "string", "1.0.0", "Get the value of a key"),
	define("getdel", cmdGetdel, 2, "write fast", 1, 1, 1, "@write @string @fast", "string", "6.2.0", "Get the value of a key and delete the key"),
	define("getex", cmdGetex, -2, "write fast", 1, 1, 1, "@write @string @fast", "string", "6.2.0", "Get the value of a key and optionally set its expiration"),
	define("getrange", cmdGetrange, 4, "readonly", 1, 1, 1, "@read @string @slow", "string", "2.4.0", "Get a substring of the string stored at a key"),
	define("getset", cmdGetset, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Set the string value of a key and return its old value"),
	define("hello", cmdHello, -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "connection", "6.0.0", "Handshake with Redis"),
	define("incr", cmdIncr, 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Increment the integer value of a key by one"),
	define("incrby", cmdIncrby, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Increment the integer value of a key by the given amount"),
	define("incrbyfloat", cmdIncrbyfloat, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "2.6.0", "Increment the float value of a key by the given amount"),
	define("info", cmdInfo, -1, "loading stale", 0, 0, 0, "@slow @dangerous", "server", "1.0.0", "Get information and statistics about the server"),
	define("keys", cmdKeys, 2, "readonly", 0, 0, 0, "@keyspace @read @slow @dangerous", "generic", "1.0.0", "Find all keys matching the given pattern"),
	define("lcs", cmdLcs, -3, "readonly", 1, 2, 1, "@read @string @slow", "string", "7.0.0", "Find longest common substring"),
	define("lastsave", cmdLastsave, 1, "loading stale fast", 0, 0, 0, "@admin @fast @dangerous", "server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk"),
	define("memory", nil, -2, "", 0, 0, 0, "@slow", "server", "4.0.0", "A container for memory diagnostics commands"),
	define("memory|help", cmdMemoryHelp, 2, "loading stale", 0, 0, 0, "@slow", "server", "4.0.0", "Show helpful text about the different subcommands"),
	define("memory|usage", cmdMemoryUsage, -3, "readonly", 2, 2, 1, "@read @slow", "server", "4.0.0", "Estimate the memory usage of a key"),
	define("mget", cmdMget, -2, "readonly fast", 1, -1, 1, "@read @string @fast", "string", "1.0.0", "Get the values of all the given keys"),
	define("move", cmdMove, 3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0", "Move a key to another database"),
	define("mset", cmdMset, -3, "write denyoom", 1, -1, 2, "@write @string @slow", "string", "1.0.1", "Set multiple keys to multiple values"),
	define("msetnx", cmdMsetnx, -3, "write denyoom", 1, -1, 2, "@write @string @slow", "string", "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist"),
	define("multi", cmdMulti, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "transactions", "1.2.0", "Mark the start of a transaction block"),
	define("object", nil, -2, "", 0, 0, 0, "@slow", "generic", "2.2.3", "A container for object introspection commands"),
	define("object|encoding", cmdObjectEncoding, 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "Inspect the internal encoding of a Redis object"),
	define("object|freq", cmdObjectFreq, 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "4.0.0", "Get the logarithmic access frequency counter of a Redis object"),
	define("object|help", cmdObjectHelp, 2, "loading stale", 0, 0, 0, "@keyspace @slow", "generic", "6.2.0", "Show helpful text about the different subcommands"),
	define("object|idletime", cmdObjectIdletime, 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "Get the time since a Redis object was last accessed"),
	define("object|refcount", cmdObjectRefcount, 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "Get the number of references to the value of the key"),
	define("persist", cmdPersist, 2, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.2.0", "Remove the expiration from a key"),
	define("pexpire", cmdPexpire, -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0", "Set a key's time to live in milliseconds"),
	define("pexpireat", cmdPexpireat, -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0", "Set the expiration for a key as a UNIX timestamp specified in milliseconds"),
	define("pexpiretime", cmdPexpiretime, 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds"),
	define("ping", cmdPing, -1, "fast", 0, 0, 0, "@fast @connection", "connection", "1.0.0", "Ping the server"),
	define("psetex", cmdPsetex, 4, "write denyoom", 1, 1, 1, "@write @string @slow", "string", "2.6.0", "Set the value and expiration in milliseconds of a key"),
	define("psync", cmdPsync, -3, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "server", "2.8.0", "Internal command used for replication"),
	define("pttl", cmdPttl, 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "2.6.0", "Get the time to live for a key in milliseconds"),
	define("quit", cmdQuit, -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "connection", "1.0.0", "Close the connection"),
	define("randomkey", cmdRandomkey, 1, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "1.0.0", "Return a random key from the keyspace"),
	define("replconf", cmdReplconf, -1, "admin noscript loading stale allow_busy", 0, 0, 0, "@admin @slow @dangerous", "server", "3.0.0", "An internal command for configuring the replication stream"),
	define("replicaof", cmdReplicaof, 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "server", "5.0.0", "Make the server a replica of another instance, or promote it as master."),
	define("restore", cmdRestore, -4, "write denyoom", 1, 1, 1, "@keyspace @write @slow @dangerous", "generic", "2.6.0", "Create a key using the provided serialized value, previously obtained using DUMP."),
	define("rename", cmdRename, 3, "write", 1, 2, 1, "@keyspace @write @slow", "generic", "1.0.0", "Rename a key"),
	define("renamenx", cmdRenamenx, 3, "write fast", 1, 2, 1, "@keyspace @write @fast", "generic", "1.0.0", "Rename a key, only if the new key does not exist"),
	define("reset", cmdReset, 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "connection", "6.2.0", "Reset the connection"),
	define("role", cmdRole, 1, "noscript loading stale fast", 0, 0, 0, "@admin @fast @dangerous", "server", "2.8.12", "Return the role of the instance in the context of replication"),
	define("save", cmdSave, 1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Synchronously save the dataset to disk"),
	define("scan", cmdScan, -2, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "2.8.0", "Incrementally iterate the keys space"),
	define("select", cmdSelect, 2, "loading stale fast", 0, 0, 0, "@fast @connection", "connection", "1.0.0", "Change the selected database for the current connection"),
	define("set", cmdSet, -3, "write denyoom", 1, 1, 1, "@write @string @slow", "string", "1.0.0", "Set the string value of a key"),
	define("setex", cmdSetex, 4, "write denyoom", 1, 1, 1, "@write @string @slow", "string", "2.0.0", "Set the value and expiration of a key"),
	define("setnx", cmdSetnx, 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "string", "1.0.0", "Set the value of a key, only if the key does not exist"),
	define("setrange", cmdSetrange, 4, "write denyoom", 1, 1, 1, "@write @string @slow", "string", "2.2.0", "Overwrite part of a string at key starting at the specified offset"),
	define("shutdown", cmdShutdown, -1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server"),
	define("slaveof", cmdReplicaof, 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Make the server a replica of another instance, or promote it as master."),
	define("strlen", cmdStrlen, 2, "readonly fast", 1, 1, 1, "@read @string @fast", "string", "2.2.0", "Get the length of the value stored in a key"),
	define("substr", cmdSubstr, 4, "readonly", 1, 1, 1, "@read @string @slow", "string", "1.0.0", "Get a substring of the string stored at a key"),
	define("swapdb", cmdSwapdb, 3, "write fast", 0, 0, 0, "@keyspace @write @fast @dangerous", "server", "4.0.0", "Swaps two Redis databases"),
	define("sync", cmdSync, 1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "server", "1.0.0", "Internal command used for replication"),
	define("time", cmdTime, 1, "loading stale fast", 0, 0, 0, "@fast", "server", "2.6.0", "Return the current server time"),
	define("touch", cmdTouch, -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "generic", "3.2.1", "Alters the last access time of a key(s). Returns the number of existing keys specified."),
	define("ttl", cmdTtl, 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0", "Get the time to live for a key in seconds"),
	define("type", cmdType, 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0", "Determine the type stored at key"),
	define("unlink", cmdUnlink, -2, "write fast", 1, -1, 1, "@keyspace @write @fast", "generic", "4.0.0", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking."),
	define("unwatch", cmdUnwatch, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "transactions", "2.2.0", "Forget about all watched keys"),
	define("wait", cmdWait, 3, "noscript", 0, 0, 0, "@slow @connection", "generic", "3.0.0", "Wait for the synchronous replication of all the write commands sent in the context of the current connection"),
	define("watch", cmdWatch, -2, "noscript loading stale fast allow_busy", 1, -1, 1, "@fast @transaction", "transactions", "2.2.0", "Watch the given keys to determine execution of the MULTI/EXEC block"),
}

func define(name string, handler func(*Client, [][]byte), arity int, flags string,
	firstKey, lastKey, keyStep int, acl, group, since, summary string) *Command {
	return &Command{FullName: name, Handler: handler, Arity: arity, FlagNames: flags,
		FirstKey: firstKey, LastKey: lastKey, KeyStep: keyStep,
		ACLCategories: acl, Group: group, Since: since, Summary: summary}
}

// commands maps lower-case names to top-level commands.
var commands = map[string]*Command{}

// commandsByCase also holds the upper-case names clients usually send, so
// that most lookups are one map access.
var commandsByCase = map[string]*Command{}

func init() {
	for i, cmd := range commandTable {
		cmd.index = i
		for _, f := range strings.Fields(cmd.FlagNames) {
			cmd.flags |= flagByName[f]
		}
		parent, sub, isSub := strings.Cut(cmd.FullName, "|")
		if !isSub {
			cmd.Name = cmd.FullName
			commands[cmd.FullName] = cmd
			continue
		}
		p := commands[parent]
		cmd.Name, cmd.parent = sub, p
		if p.subcommands == nil {
			p.subcommands = map[string]*Command{}
		}
		p.subcommands[sub] = cmd
	}
	for _, name := range []string{"exec", "discard", "multi", "watch", "quit", "reset"} {
		commands[name].flags |= flagMultiControl
	}
	for name, cmd := range commands {
		commandsByCase[name] = cmd
		commandsByCase[strings.ToUpper(name)] = cmd
	}
}

// commandByName finds a top-level command, case-insensitively, without
// allocating for names of up to 32 bytes.
func commandByName(name []byte) *Command {
	if cmd := commandsByCase[unsafe.String(unsafe.SliceData(name), len(name))]; cmd != nil {
		return cmd
	}
	var buf [32]byte
	if len(name) > len(buf) {
		return nil
	}
	lower := buf[:len(name)]
	for i, ch := range name {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		lower[i] = ch
	}
	return commands[string(lower)]
}

// sortedCommands returns the top-level commands by name.
func sortedCommands() []*Command {
	list := make([]*Command, 0, len(commands))
	for _, cmd := range commands {
		list = append(list, cmd)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// sortedSubcommands returns a container's subcommands by name.
func (cmd *Command) sortedSubcommands() []*Command {
	list := make([]*Command, 0, len(cmd.subcommands))
	for _, sub := range cmd.subcommands {
		list = append(list, sub)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}
