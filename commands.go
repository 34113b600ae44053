package main

import (
	"sort"
	"strings"
	"unsafe"

	"respd/internal/acl"
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
	// Legacy key positions (1-based; LastKey -1 means the last argument).
	FirstKey, LastKey, KeyStep int
	ACLCategories              string
	Group, Since, Summary      string
	// Meta is the generated metadata the above come from.
	Meta *commandMeta

	Name        string // the part after '|' for a subcommand
	flags       commandFlags
	parent      *Command
	subcommands map[string]*Command
	index       int // position in commandTable, for per-server statistics
	acl         *acl.Command
}

// commandMeta is one command's COMMAND INFO and COMMAND DOCS, as a real
// redis-server reports them (commands_meta.go is generated).
type commandMeta struct {
	Arity                      int
	Flags                      []string
	FirstKey, LastKey, KeyStep int
	ACLCategories              []string
	Tips                       []string
	KeySpecs                   []keySpec
	// Docs is COMMAND DOCS's map as key/value pairs, without "subcommands"
	// (a container's are the subcommands respd implements).
	Docs []metaValue
}

// keySpec is one of Redis 7's key specifications.
type keySpec struct {
	Notes string
	Flags []string // RW, RO, OW, RM, access, update, insert, delete, …
	// BeginSearch is "index" (Index) or "keyword" (Keyword, StartFrom).
	BeginSearch string
	Index       int
	Keyword     string
	StartFrom   int
	// FindKeys is "range" (LastKey, KeyStep, Limit) or "keynum"
	// (KeyNumIdx, FirstKey, KeyStep).
	FindKeys                string
	LastKey, KeyStep, Limit int
	KeyNumIdx, FirstKey     int
}

// metaValue is a typed reply value of COMMAND DOCS: '$' bulk string, '+'
// simple string, ':' integer, '*' array, '~' set, '%' map (Items holds keys
// and values alternately).
type metaValue struct {
	Kind  byte
	Str   string
	Int   int64
	Items []metaValue
}

// docString finds a top-level string of a command's docs.
func (m *commandMeta) docString(key string) string {
	for i := 0; i+1 < len(m.Docs); i += 2 {
		if m.Docs[i].Str == key {
			return m.Docs[i+1].Str
		}
	}
	return ""
}

// commandStats is one command's line of INFO commandstats.
type commandStats struct {
	calls, usec, rejected, failed int64
	// latency is the command's latency histogram (latency.go), made at
	// its first call with latency-tracking on.
	latency *latencyHistogram
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
	flagSkipMonitor
	// flagMultiControl marks the commands that run immediately inside
	// MULTI instead of being queued; flagPubsubContext those a RESP2
	// client may send while subscribed. They are not Redis flags.
	flagMultiControl
	flagPubsubContext
)

var flagByName = map[string]commandFlags{
	"write": flagWrite, "readonly": flagReadonly, "denyoom": flagDenyOOM, "admin": flagAdmin,
	"noscript": flagNoScript, "loading": flagLoading, "stale": flagStale, "fast": flagFast,
	"no_auth": flagNoAuth, "may_replicate": flagMayReplicate, "no_multi": flagNoMulti,
	"allow_busy": flagAllowBusy, "skip_slowlog": flagSkipSlowlog, "no_async_loading": flagNoAsyncLoading,
	"skip_monitor": flagSkipMonitor,
	// Flags COMMAND shows that dispatch has no use for: a blocking
	// command's own handler decides whether it may block; movable keys
	// are found through the key specs; subscribed mode names the commands
	// it allows (flagPubsubContext).
	"blocking": 0, "movablekeys": 0, "pubsub": 0,
	// A script's keys are its own business (EVAL with numkeys 0).
	"no_mandatory_keys": 0,
}

func (cmd *Command) has(f commandFlags) bool { return cmd.flags&f != 0 }

//go:generate go run ./internal/cmdgen -table commands.go -out commands_meta.go

// commandHandlers is every command respd serves: lower-case names, and
// "parent|sub" for a container's subcommands (the container itself has no
// handler). Everything else about a command — arity, flags, key specs, ACL
// categories, tips, docs — is Redis's own, generated into commands_meta.go
// from a real redis-server's COMMAND INFO and COMMAND DOCS by `go generate`
// (which reads the names from this map, so adding a line here and running
// it is how a command joins the table).
var commandHandlers = map[string]func(c *Client, args [][]byte){
	"acl|cat":                 cmdACLCat,
	"acl|deluser":             cmdACLDeluser,
	"acl|dryrun":              cmdACLDryrun,
	"acl|genpass":             cmdACLGenpass,
	"acl|getuser":             cmdACLGetuser,
	"acl|help":                cmdACLHelp,
	"acl|list":                cmdACLList,
	"acl|load":                cmdACLLoad,
	"acl|log":                 cmdACLLog,
	"acl|save":                cmdACLSave,
	"acl|setuser":             cmdACLSetuser,
	"acl|users":               cmdACLUsers,
	"acl|whoami":              cmdACLWhoami,
	"append":                  cmdAppend,
	"auth":                    cmdAuth,
	"bgrewriteaof":            cmdBgrewriteaof,
	"bgsave":                  cmdBgsave,
	"bitcount":                cmdBitcount,
	"bitfield":                cmdBitfield,
	"bitfield_ro":             cmdBitfieldRo,
	"bitop":                   cmdBitop,
	"bitpos":                  cmdBitpos,
	"blmove":                  cmdBlmove,
	"blmpop":                  cmdBlmpop,
	"blpop":                   cmdBlpop,
	"brpop":                   cmdBrpop,
	"brpoplpush":              cmdBrpoplpush,
	"client|caching":          cmdClientCaching,
	"client|getname":          cmdClientGetname,
	"client|getredir":         cmdClientGetredir,
	"client|help":             cmdClientHelp,
	"client|id":               cmdClientId,
	"client|info":             cmdClientInfo,
	"client|kill":             cmdClientKill,
	"client|list":             cmdClientList,
	"client|no-evict":         cmdClientNoEvict,
	"client|no-touch":         cmdClientNoTouch,
	"client|pause":            cmdClientPause,
	"client|reply":            cmdClientReply,
	"client|setinfo":          cmdClientSetinfo,
	"client|setname":          cmdClientSetname,
	"client|tracking":         cmdClientTracking,
	"client|trackinginfo":     cmdClientTrackinginfo,
	"client|unblock":          cmdClientUnblock,
	"client|unpause":          cmdClientUnpause,
	"command":                 cmdCommand,
	"command|count":           cmdCommandCount,
	"command|docs":            cmdCommandDocs,
	"command|getkeys":         cmdCommandGetkeys,
	"command|getkeysandflags": cmdCommandGetkeysandflags,
	"command|help":            cmdCommandHelp,
	"command|info":            cmdCommandInfo,
	"command|list":            cmdCommandList,
	"config|get":              cmdConfigGet,
	"config|help":             cmdConfigHelp,
	"config|resetstat":        cmdConfigResetstat,
	"config|rewrite":          cmdConfigRewrite,
	"config|set":              cmdConfigSet,
	"copy":                    cmdCopy,
	"dbsize":                  cmdDbsize,
	"debug":                   cmdDebug,
	"decr":                    cmdDecr,
	"decrby":                  cmdDecrby,
	"del":                     cmdDel,
	"discard":                 cmdDiscard,
	"dump":                    cmdDump,
	"echo":                    cmdEcho,
	"eval":                    cmdEval,
	"eval_ro":                 cmdEvalRo,
	"evalsha":                 cmdEvalsha,
	"evalsha_ro":              cmdEvalshaRo,
	"exec":                    cmdExec,
	"exists":                  cmdExists,
	"expire":                  cmdExpire,
	"expireat":                cmdExpireat,
	"expiretime":              cmdExpiretime,
	"failover":                cmdFailover,
	"fcall":                   cmdFcall,
	"fcall_ro":                cmdFcallRo,
	"flushall":                cmdFlushall,
	"flushdb":                 cmdFlushdb,
	"get":                     cmdGet,
	"getbit":                  cmdGetbit,
	"getdel":                  cmdGetdel,
	"getex":                   cmdGetex,
	"getrange":                cmdGetrange,
	"getset":                  cmdGetset,
	"hdel":                    cmdHdel,
	"hello":                   cmdHello,
	"hexists":                 cmdHexists,
	"hget":                    cmdHget,
	"hgetall":                 cmdHgetall,
	"hincrby":                 cmdHincrby,
	"hincrbyfloat":            cmdHincrbyfloat,
	"hkeys":                   cmdHkeys,
	"hlen":                    cmdHlen,
	"hmget":                   cmdHmget,
	"hmset":                   cmdHmset,
	"hrandfield":              cmdHrandfield,
	"hscan":                   cmdHscan,
	"hset":                    cmdHset,
	"hsetnx":                  cmdHsetnx,
	"hstrlen":                 cmdHstrlen,
	"hvals":                   cmdHvals,
	"incr":                    cmdIncr,
	"incrby":                  cmdIncrby,
	"incrbyfloat":             cmdIncrbyfloat,
	"info":                    cmdInfo,
	"keys":                    cmdKeys,
	"lastsave":                cmdLastsave,
	"latency|doctor":          cmdLatencyDoctor,
	"latency|graph":           cmdLatencyGraph,
	"latency|help":            cmdLatencyHelp,
	"latency|histogram":       cmdLatencyHistogram,
	"latency|history":         cmdLatencyHistory,
	"latency|latest":          cmdLatencyLatest,
	"latency|reset":           cmdLatencyReset,
	"lcs":                     cmdLcs,
	"lindex":                  cmdLindex,
	"linsert":                 cmdLinsert,
	"llen":                    cmdLlen,
	"lmove":                   cmdLmove,
	"lmpop":                   cmdLmpop,
	"lolwut":                  cmdLolwut,
	"lpop":                    cmdLpop,
	"lpos":                    cmdLpos,
	"lpush":                   cmdLpush,
	"lpushx":                  cmdLpushx,
	"lrange":                  cmdLrange,
	"lrem":                    cmdLrem,
	"lset":                    cmdLset,
	"ltrim":                   cmdLtrim,
	"memory|doctor":           cmdMemoryDoctor,
	"memory|help":             cmdMemoryHelp,
	"memory|malloc-stats":     cmdMemoryMallocStats,
	"memory|purge":            cmdMemoryPurge,
	"memory|stats":            cmdMemoryStats,
	"memory|usage":            cmdMemoryUsage,
	"mget":                    cmdMget,
	"migrate":                 cmdMigrate,
	"monitor":                 cmdMonitor,
	"move":                    cmdMove,
	"mset":                    cmdMset,
	"msetnx":                  cmdMsetnx,
	"multi":                   cmdMulti,
	"object|encoding":         cmdObjectEncoding,
	"object|freq":             cmdObjectFreq,
	"object|help":             cmdObjectHelp,
	"object|idletime":         cmdObjectIdletime,
	"object|refcount":         cmdObjectRefcount,
	"pfadd":                   cmdPfadd,
	"pfcount":                 cmdPfcount,
	"pfdebug":                 cmdPfdebug,
	"pfmerge":                 cmdPfmerge,
	"pfselftest":              cmdPfselftest,
	"persist":                 cmdPersist,
	"pexpire":                 cmdPexpire,
	"pexpireat":               cmdPexpireat,
	"pexpiretime":             cmdPexpiretime,
	"ping":                    cmdPing,
	"psetex":                  cmdPsetex,
	"psync":                   cmdPsync,
	"pttl":                    cmdPttl,
	"quit":                    cmdQuit,
	"randomkey":               cmdRandomkey,
	"rename":                  cmdRename,
	"renamenx":                cmdRenamenx,
	"replconf":                cmdReplconf,
	"replicaof":               cmdReplicaof,
	"reset":                   cmdReset,
	"restore":                 cmdRestore,
	"role":                    cmdRole,
	"rpop":                    cmdRpop,
	"rpoplpush":               cmdRpoplpush,
	"rpush":                   cmdRpush,
	"rpushx":                  cmdRpushx,
	"sadd":                    cmdSadd,
	"zadd":                    cmdZadd,
	"zincrby":                 cmdZincrby,
	"zrem":                    cmdZrem,
	"zcard":                   cmdZcard,
	"zcount":                  cmdZcount,
	"zlexcount":               cmdZlexcount,
	"zscore":                  cmdZscore,
	"zmscore":                 cmdZmscore,
	"zrank":                   cmdZrank,
	"zrevrank":                cmdZrevrank,
	"zrange":                  cmdZrange,
	"zrangestore":             cmdZrangestore,
	"zrevrange":               cmdZrevrange,
	"zrangebyscore":           cmdZrangebyscore,
	"zrevrangebyscore":        cmdZrevrangebyscore,
	"zrangebylex":             cmdZrangebylex,
	"zrevrangebylex":          cmdZrevrangebylex,
	"zremrangebyrank":         cmdZremrangebyrank,
	"zremrangebyscore":        cmdZremrangebyscore,
	"zremrangebylex":          cmdZremrangebylex,
	"zpopmin":                 cmdZpopmin,
	"zpopmax":                 cmdZpopmax,
	"zmpop":                   cmdZmpop,
	"zrandmember":             cmdZrandmember,
	"zunion":                  cmdZunion,
	"zinter":                  cmdZinter,
	"zdiff":                   cmdZdiff,
	"zunionstore":             cmdZunionstore,
	"zinterstore":             cmdZinterstore,
	"zdiffstore":              cmdZdiffstore,
	"xadd":                    cmdXadd,
	"xtrim":                   cmdXtrim,
	"xdel":                    cmdXdel,
	"xlen":                    cmdXlen,
	"xrange":                  cmdXrange,
	"xrevrange":               cmdXrevrange,
	"xsetid":                  cmdXsetid,
	"xread":                   cmdXread,
	"xreadgroup":              cmdXreadgroup,
	"xgroup|create":           cmdXgroupCreate,
	"xgroup|setid":            cmdXgroupSetid,
	"xgroup|destroy":          cmdXgroupDestroy,
	"xgroup|createconsumer":   cmdXgroupCreateconsumer,
	"xgroup|delconsumer":      cmdXgroupDelconsumer,
	"xgroup|help":             cmdXgroupHelp,
	"xack":                    cmdXack,
	"xpending":                cmdXpending,
	"xclaim":                  cmdXclaim,
	"xautoclaim":              cmdXautoclaim,
	"xinfo|consumers":         cmdXinfoConsumers,
	"xinfo|groups":            cmdXinfoGroups,
	"xinfo|stream":            cmdXinfoStream,
	"xinfo|help":              cmdXinfoHelp,
	"zintercard":              cmdZintercard,
	"zscan":                   cmdZscan,
	"bzpopmin":                cmdBzpopmin,
	"bzpopmax":                cmdBzpopmax,
	"bzmpop":                  cmdBzmpop,
	"function|delete":         cmdFunctionDelete,
	"function|dump":           cmdFunctionDump,
	"function|restore":        cmdFunctionRestore,
	"function|flush":          cmdFunctionFlush,
	"function|help":           cmdFunctionHelp,
	"function|kill":           cmdFunctionKill,
	"function|list":           cmdFunctionList,
	"function|load":           cmdFunctionLoad,
	"function|stats":          cmdFunctionStats,
	"geoadd":                  cmdGeoadd,
	"geopos":                  cmdGeopos,
	"geodist":                 cmdGeodist,
	"geohash":                 cmdGeohash,
	"geosearch":               cmdGeosearch,
	"geosearchstore":          cmdGeosearchstore,
	"georadius":               cmdGeoradius,
	"georadius_ro":            cmdGeoradiusRo,
	"georadiusbymember":       cmdGeoradiusbymember,
	"georadiusbymember_ro":    cmdGeoradiusbymemberRo,
	"save":                    cmdSave,
	"scan":                    cmdScan,
	"scard":                   cmdScard,
	"sdiff":                   cmdSdiff,
	"sdiffstore":              cmdSdiffstore,
	"script|exists":           cmdScriptExists,
	"script|flush":            cmdScriptFlush,
	"script|help":             cmdScriptHelp,
	"script|kill":             cmdScriptKill,
	"script|load":             cmdScriptLoad,
	"select":                  cmdSelect,
	"set":                     cmdSet,
	"setbit":                  cmdSetbit,
	"setex":                   cmdSetex,
	"setnx":                   cmdSetnx,
	"setrange":                cmdSetrange,
	"shutdown":                cmdShutdown,
	"sinter":                  cmdSinter,
	"sintercard":              cmdSintercard,
	"sinterstore":             cmdSinterstore,
	"sismember":               cmdSismember,
	"slaveof":                 cmdReplicaof,
	"slowlog|get":             cmdSlowlogGet,
	"slowlog|help":            cmdSlowlogHelp,
	"slowlog|len":             cmdSlowlogLen,
	"slowlog|reset":           cmdSlowlogReset,
	"smembers":                cmdSmembers,
	"smismember":              cmdSmismember,
	"smove":                   cmdSmove,
	"sort":                    cmdSort,
	"sort_ro":                 cmdSortRo,
	"spop":                    cmdSpop,
	"srandmember":             cmdSrandmember,
	"srem":                    cmdSrem,
	"sscan":                   cmdSscan,
	"strlen":                  cmdStrlen,
	"substr":                  cmdSubstr,
	"sunion":                  cmdSunion,
	"sunionstore":             cmdSunionstore,
	"swapdb":                  cmdSwapdb,
	"sync":                    cmdSync,
	"time":                    cmdTime,
	"touch":                   cmdTouch,
	"ttl":                     cmdTtl,
	"type":                    cmdType,
	"unlink":                  cmdUnlink,
	"unwatch":                 cmdUnwatch,
	"wait":                    cmdWait,
	"watch":                   cmdWatch,
	// Pub/Sub (pubsub.go)
	"psubscribe":           cmdPsubscribe,
	"publish":              cmdPublish,
	"pubsub|channels":      cmdPubsubChannels,
	"pubsub|help":          cmdPubsubHelp,
	"pubsub|numpat":        cmdPubsubNumpat,
	"pubsub|numsub":        cmdPubsubNumsub,
	"pubsub|shardchannels": cmdPubsubShardchannels,
	"pubsub|shardnumsub":   cmdPubsubShardnumsub,
	"punsubscribe":         cmdPunsubscribe,
	"spublish":             cmdSpublish,
	"ssubscribe":           cmdSsubscribe,
	"subscribe":            cmdSubscribe,
	"sunsubscribe":         cmdSunsubscribe,
	"unsubscribe":          cmdUnsubscribe,
}

// commandTable is every command and container, by name; a command's index
// is its position here.
var commandTable []*Command

// commands maps lower-case names to top-level commands.
var commands = map[string]*Command{}

// commandsByCase also holds the upper-case names clients usually send, so
// that most lookups are one map access.
var commandsByCase = map[string]*Command{}

func init() {
	names := make([]string, 0, len(commandMetadata))
	for name := range commandMetadata {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		m := commandMetadata[name]
		cmd := &Command{FullName: name, Handler: commandHandlers[name], Meta: m, index: i,
			Arity: m.Arity, FlagNames: strings.Join(m.Flags, " "),
			FirstKey: m.FirstKey, LastKey: m.LastKey, KeyStep: m.KeyStep,
			ACLCategories: strings.Join(m.ACLCategories, " "),
			Group:         m.docString("group"), Since: m.docString("since"), Summary: m.docString("summary")}
		commandTable = append(commandTable, cmd)
		for _, f := range m.Flags {
			cmd.flags |= flagByName[f]
		}
		parent, sub, isSub := strings.Cut(name, "|")
		if !isSub {
			cmd.Name = name
			commands[name] = cmd
			continue
		}
		p := commands[parent] // sorted: "client" comes before "client|id"
		cmd.Name, cmd.parent = sub, p
		if p.subcommands == nil {
			p.subcommands = map[string]*Command{}
		}
		p.subcommands[sub] = cmd
	}
	for _, name := range []string{"exec", "discard", "multi", "watch", "quit", "reset"} {
		commands[name].flags |= flagMultiControl
	}
	for _, name := range []string{"subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset"} {
		commands[name].flags |= flagPubsubContext
	}
	for name, cmd := range commands {
		commandsByCase[name] = cmd
		commandsByCase[strings.ToUpper(name)] = cmd
	}
	buildACLTable()
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
