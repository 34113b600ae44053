package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"respd/internal/resp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// Configuration, as redis-server has it: one table of parameters (params,
// every parameter of Redis 7's redis.conf with its type and default), read
// from a redis.conf-style file and command-line flags at startup, and read
// and written at run time by CONFIG GET/SET/REWRITE (config_cmds.go).

// Config is the server's configuration. A field with a conf tag is the
// storage of that parameter: the loader and CONFIG SET parse into it,
// CONFIG GET and REWRITE format it, so code reads typed values directly.
// Parameters respd does not use yet have no field and are kept in other.
type Config struct {
	Port        int      `conf:"port"`
	BindAddrs   []string `conf:"bind"`
	Databases   int      `conf:"databases"`
	RequirePass string   `conf:"requirepass"` // the default user's password
	MaxClients  int      `conf:"maxclients"`
	Hz          int      `conf:"hz"`
	// With protected mode and no password, only loopback clients connect.
	ProtectedMode bool `conf:"protected-mode"`
	// yes, no or local (loopback clients only).
	EnableDebugCommand     string `conf:"enable-debug-command"`
	EnableProtectedConfigs string `conf:"enable-protected-configs"`
	ClusterEnabled         bool   `conf:"cluster-enabled"` // refused with replicaof; else inert
	// Dir is the working directory as an absolute path. Redis chdirs into
	// it; respd keeps its process directory and resolves files against Dir.
	Dir  string `conf:"dir"`
	File string // absolute path of the config file the server started from, if any

	// ACL (acl.go). Users are the config file's user lines: a name and
	// its rules.
	ACLFile          string `conf:"aclfile"`
	ACLLogMaxLen     int64  `conf:"acllog-max-len"`
	ACLPubsubDefault string `conf:"acl-pubsub-default"`
	Users            [][]string

	// BusyReplyThreshold (ms): a script running longer lets other
	// clients in, to be refused BUSY or to kill it (0: never).
	BusyReplyThreshold int64 `conf:"busy-reply-threshold"`

	// HLLSparseMaxBytes: a sparse HyperLogLog longer than this turns dense.
	HLLSparseMaxBytes int64 `conf:"hll-sparse-max-bytes"`

	// IOEngine is the engine that serves the sockets (engine.go).
	IOEngine string `conf:"io-engine"`

	Timeout  int    `conf:"timeout"`
	LogLevel string `conf:"loglevel"`
	// logLevel is LogLevel's index in logLevelNames, for goroutines that
	// log without the data lock.
	logLevel atomic.Int32
	LogFile  string `conf:"logfile"`

	// Persistence.
	DBFilename     string      `conf:"dbfilename"`
	Save           []SaveParam `conf:"save"`
	RDBCompression bool        `conf:"rdbcompression"`
	RDBChecksum    bool        `conf:"rdbchecksum"`
	AppendOnly     bool        `conf:"appendonly"`
	AppendDirName  string      `conf:"appenddirname"`
	AppendFilename string      `conf:"appendfilename"`
	AppendFsync    string      `conf:"appendfsync"`
	// AOF options.
	AOFTimestamps    bool `conf:"aof-timestamp-enabled"`
	AOFRDBPreamble   bool `conf:"aof-use-rdb-preamble"`
	NoFsyncOnRewrite bool `conf:"no-appendfsync-on-rewrite"`
	AOFLoadTruncated bool `conf:"aof-load-truncated"`
	// An AOF rewrite starts once the AOF has grown by AutoAOFRewritePct
	// percent over its base (0: never) and is AutoAOFRewriteMinSize long.
	AutoAOFRewritePct     int   `conf:"auto-aof-rewrite-percentage"`
	AutoAOFRewriteMinSize int64 `conf:"auto-aof-rewrite-min-size"`
	StopWritesOnBgsaveErr bool  `conf:"stop-writes-on-bgsave-error"`
	// Loading yields (to answer LOADING) every LoadingEventsInterval
	// bytes; KeyLoadDelay (microseconds) slows each key's load, for tests.
	LoadingEventsInterval int64 `conf:"loading-process-events-interval-bytes"`
	KeyLoadDelay          int   `conf:"key-load-delay"`
	// RDBKeySaveDelay (microseconds) slows each key of a background save
	// or full sync, for tests that write while one runs.
	RDBKeySaveDelay int `conf:"rdb-key-save-delay"`

	// The slow log (slowlog.go) keeps the last SlowlogMaxLen commands
	// that took SlowlogLogSlowerThan microseconds or more (-1: none). The
	// latency monitor (latency.go) samples events of at least
	// LatencyMonitorThreshold ms (0: off); with LatencyTracking, each
	// command's latencies are kept for the percentiles INFO shows.
	SlowlogLogSlowerThan           int64     `conf:"slowlog-log-slower-than"`
	SlowlogMaxLen                  int64     `conf:"slowlog-max-len"`
	LatencyMonitorThreshold        int64     `conf:"latency-monitor-threshold"`
	LatencyTracking                bool      `conf:"latency-tracking"`
	LatencyTrackingInfoPercentiles []float64 `conf:"latency-tracking-info-percentiles"`

	// TrackingTableMaxKeys bounds client-side caching's table (0: no
	// limit).
	TrackingTableMaxKeys int64 `conf:"tracking-table-max-keys"`

	// Lazy freeing (lazyfree.go): which deletes leave their values to the
	// background, as Redis's lazyfree thread: evictions, expiries, the server's
	// implicit deletes (RENAME, an overwrite), DEL, FLUSHALL and FLUSHDB
	// without SYNC or ASYNC, and a replica's full-sync flush.
	LazyfreeEviction  bool `conf:"lazyfree-lazy-eviction"`
	LazyfreeExpire    bool `conf:"lazyfree-lazy-expire"`
	LazyfreeServerDel bool `conf:"lazyfree-lazy-server-del"`
	LazyfreeUserDel   bool `conf:"lazyfree-lazy-user-del"`
	LazyfreeUserFlush bool `conf:"lazyfree-lazy-user-flush"`
	ReplicaLazyFlush  bool `conf:"replica-lazy-flush"`

	// Replication.
	ReplicaOf       ReplicaOf `conf:"replicaof"`
	MasterAuth      string    `conf:"masterauth"`
	MasterUser      string    `conf:"masteruser"`
	ReplicaReadOnly bool      `conf:"replica-read-only"`
	ReplBacklogSize int64     `conf:"repl-backlog-size"`
	ReplBacklogTTL  int64     `conf:"repl-backlog-ttl"` // seconds
	ReplTimeout     int       `conf:"repl-timeout"`     // seconds
	// ReplPingPeriod is repl-ping-replica-period, in seconds.
	ReplPingPeriod        int    `conf:"repl-ping-replica-period"`
	ReplDisableTCPNoDelay bool   `conf:"repl-disable-tcp-nodelay"`
	ReplDisklessSync      bool   `conf:"repl-diskless-sync"`
	ReplDisklessSyncDelay int    `conf:"repl-diskless-sync-delay"` // seconds
	ReplDisklessSyncMax   int    `conf:"repl-diskless-sync-max-replicas"`
	ReplicaServeStaleData bool   `conf:"replica-serve-stale-data"`
	ReplicaAnnounceIP     string `conf:"replica-announce-ip"`
	ReplicaAnnouncePort   int    `conf:"replica-announce-port"`
	ReplicaPriority       int    `conf:"replica-priority"`  // INFO only
	ReplicaAnnounced      bool   `conf:"replica-announced"` // INFO only
	// A master takes writes only while MinReplicasToWrite replicas have
	// acknowledged within MinReplicasMaxLag seconds (0 disables it).
	MinReplicasToWrite int `conf:"min-replicas-to-write"`
	MinReplicasMaxLag  int `conf:"min-replicas-max-lag"`

	// Lists: the size of a quicklist node (positive: elements; -1..-5: 4 to
	// 64 KiB), and how many nodes at each end stay uncompressed (0: none
	// is compressed).
	ListMaxListpackSize int `conf:"list-max-listpack-size"`
	ListCompressDepth   int `conf:"list-compress-depth"`
	// Hashes stay listpacks up to HashMaxListpackEntries fields, none
	// longer than HashMaxListpackValue bytes; sets stay intsets up to
	// SetMaxIntsetEntries integers; sorted sets stay listpacks up to
	// ZsetMaxListpackEntries members, none longer than
	// ZsetMaxListpackValue bytes. Past them, tables (skiplists).
	HashMaxListpackEntries int64 `conf:"hash-max-listpack-entries"`
	HashMaxListpackValue   int64 `conf:"hash-max-listpack-value"`
	SetMaxIntsetEntries    int64 `conf:"set-max-intset-entries"`
	ZsetMaxListpackEntries int64 `conf:"zset-max-listpack-entries"`
	ZsetMaxListpackValue   int64 `conf:"zset-max-listpack-value"`
	// A stream's listpack node takes entries while it is under
	// StreamNodeMaxBytes bytes and StreamNodeMaxEntries entries (0: no
	// limit).
	StreamNodeMaxBytes   int64 `conf:"stream-node-max-bytes"`
	StreamNodeMaxEntries int64 `conf:"stream-node-max-entries"`

	// Limits.
	MaxMemory               uint64                     `conf:"maxmemory"`
	MaxMemoryPolicy         string                     `conf:"maxmemory-policy"`
	ProtoMaxBulkLen         int64                      `conf:"proto-max-bulk-len"`
	ClientQueryBufferLimit  int64                      `conf:"client-query-buffer-limit"`
	ClientOutputBufferLimit [bufferClasses]BufferLimit `conf:"client-output-buffer-limit"`
	// NotifyKeyspaceEvents is notify-keyspace-events: the notify* bits
	// (notify.go) of the classes published and where (pubsub.go).
	NotifyKeyspaceEvents int `conf:"notify-keyspace-events"`
	// queryLimit is ClientQueryBufferLimit for the redcon engine's
	// connections, which read without the data lock.
	queryLimit atomic.Int64

	// Eviction (maxmemory.go): maxmemory-policy's sampling and time
	// limit, the LFU counters' parameters, replicas left alone.
	MaxMemorySamples          int   `conf:"maxmemory-samples"`
	MaxMemoryEvictionTenacity int   `conf:"maxmemory-eviction-tenacity"`
	LFULogFactor              int64 `conf:"lfu-log-factor"`
	LFUDecayTime              int64 `conf:"lfu-decay-time"`
	ReplicaIgnoreMaxmemory    bool  `conf:"replica-ignore-maxmemory"`
	// MaxMemoryClients: bytes, or a percentage of maxmemory as -N.
	MaxMemoryClients int64 `conf:"maxmemory-clients"`

	// TLS (tls.go): the TLS port, its certificate, key and CAs, which
	// clients must show one (yes, no or optional), the versions and
	// suites allowed, session resumption, and the master link's TLS.
	TLSPort                int    `conf:"tls-port"`
	TLSCertFile            string `conf:"tls-cert-file"`
	TLSKeyFile             string `conf:"tls-key-file"`
	TLSKeyFilePass         string `conf:"tls-key-file-pass"`
	TLSClientCertFile      string `conf:"tls-client-cert-file"`
	TLSClientKeyFile       string `conf:"tls-client-key-file"`
	TLSClientKeyFilePass   string `conf:"tls-client-key-file-pass"`
	TLSCACertFile          string `conf:"tls-ca-cert-file"`
	TLSCACertDir           string `conf:"tls-ca-cert-dir"`
	TLSAuthClients         string `conf:"tls-auth-clients"`
	TLSProtocols           string `conf:"tls-protocols"`
	TLSCiphers             string `conf:"tls-ciphers"`
	TLSCipherSuites        string `conf:"tls-ciphersuites"`
	TLSSessionCaching      bool   `conf:"tls-session-caching"`
	TLSSessionCacheTimeout int    `conf:"tls-session-cache-timeout"`
	TLSReplication         bool   `conf:"tls-replication"`
	// tls is what the server built from them and the TLS port's sockets.
	tls tlsState

	other map[string]any
}

// SaveParam is one "save <seconds> <changes>" point.
type SaveParam struct {
	Seconds int64
	Changes int
}

// ReplicaOf is the master a replica follows; Host is "" on a master.
type ReplicaOf struct {
	Host string
	Port int
}

// BufferLimit is client-output-buffer-limit for one class of clients
// (bytes; 0 means no limit).
type BufferLimit struct {
	Hard, Soft  int64
	SoftSeconds int
}

// The client classes of client-output-buffer-limit, in Redis's order.
const (
	bufferNormal = iota
	bufferReplica
	bufferPubsub
	bufferClasses
)

var bufferClassNames = [bufferClasses]string{"normal", "slave", "pubsub"}

// A param is one configuration parameter.
type param struct {
	name, alias string
	typ         paramType
	flags       paramFlags
	def         string // the default, in redis.conf syntax
}

type paramFlags uint8

const (
	immutable paramFlags = 1 << iota // set only at startup
	protected                        // CONFIG SET needs enable-protected-configs
	hidden                           // CONFIG GET reports it only by exact name
	// inert: stored, validated and returned, but not acted on (yet); a
	// value other than the default is logged at startup.
	inert
)

// A paramType parses a parameter's arguments and formats its value. Every
// type's values have one Go type (bool, int64, string, or the type's own).
type paramType interface {
	// multiArg reports whether the parameter takes several arguments
	// ("save 3600 1 300 100"); CONFIG SET then splits its value at spaces.
	multiArg() bool
	// parse validates args, returning the value or Redis's error text.
	parse(cfg *Config, args []string) (any, string)
	// format is the value as CONFIG GET shows it.
	format(v any) string
	// rewrite gives CONFIG REWRITE's lines for the value; none means the
	// parameter is left out of the file.
	rewrite(p *param, v, def any) []rewriteLine
}

type rewriteLine struct {
	text  string
	force bool // write it even where the file did not mention the parameter
}

const (
	intMax       = math.MaxInt32
	intMin       = math.MinInt32
	uintMax      = math.MaxUint32
	longMax      = math.MaxInt64
	ulonglongMax = -1 // ULLONG_MAX, as unsigned bounds see it
)

var (
	yesNo       = &boolType{}
	text        = &strType{}
	textOrNull  = &strType{emptyIsNull: true}
	protectedOp = enumOf("no", "yes", "local")
	shutdownOn  = &enumType{names: []string{"default", "save", "nosave", "now", "force"}, flags: true}
)

// params is Redis 7's configuration table: name, alias, type, flags,
// default. CONFIG GET '*' lists them in this order.
var params = []*param{
	{"acl-pubsub-default", "", enumOf("allchannels", "resetchannels"), 0, "resetchannels"},
	{"aclfile", "", text, immutable, ""},
	{"acllog-max-len", "", intRange(0, longMax), 0, "128"},
	{"active-defrag-cycle-max", "", intRange(1, 99), inert, "25"},
	{"active-defrag-cycle-min", "", intRange(1, 99), inert, "1"},
	{"active-defrag-ignore-bytes", "", umemRange(1, longMax), inert, "100mb"},
	{"active-defrag-max-scan-fields", "", intRange(1, longMax), inert, "1000"},
	{"active-defrag-threshold-lower", "", intRange(0, 1000), inert, "10"},
	{"active-defrag-threshold-upper", "", intRange(0, 1000), inert, "100"},
	{"active-expire-effort", "", intRange(1, 10), inert, "1"},
	{"activedefrag", "", &boolType{valid: noActiveDefrag}, inert, "no"},
	{"activerehashing", "", yesNo, inert, "yes"},
	{"always-show-logo", "", yesNo, immutable | inert, "no"},
	{"aof-disable-auto-gc", "", yesNo, inert, "no"},
	{"aof-load-truncated", "", yesNo, 0, "yes"},
	{"aof-rewrite-incremental-fsync", "", yesNo, inert, "yes"},
	{"aof-timestamp-enabled", "", yesNo, 0, "no"},
	{"aof-use-rdb-preamble", "", yesNo, 0, "yes"},
	{"aof_rewrite_cpulist", "", textOrNull, immutable | inert, ""},
	{"appenddirname", "", &strType{valid: validAppendDirName}, immutable, "appendonlydir"},
	{"appendfilename", "", &strType{valid: validAppendFilename}, immutable, "appendonly.aof"},
	{"appendfsync", "", enumOf("everysec", "always", "no"), 0, "everysec"},
	{"appendonly", "", yesNo, 0, "no"},
	{"auto-aof-rewrite-min-size", "", memRange(0, longMax), 0, "64mb"},
	{"auto-aof-rewrite-percentage", "", intRange(0, intMax), 0, "100"},
	{"bgsave_cpulist", "", textOrNull, immutable | inert, ""},
	{"bind", "", bindType{}, 0, "* -::*"},
	{"bind-source-addr", "", textOrNull, inert, ""},
	{"bio_cpulist", "", textOrNull, immutable | inert, ""},
	{"busy-reply-threshold", "lua-time-limit", intRange(0, longMax), 0, "5000"},
	{"client-output-buffer-limit", "", bufferLimitType{}, 0, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
	{"client-query-buffer-limit", "", umemRange(1<<20, longMax), 0, "1gb"},
	{"cluster-allow-pubsubshard-when-down", "", yesNo, inert, "yes"},
	{"cluster-allow-reads-when-down", "", yesNo, inert, "no"},
	{"cluster-allow-replica-migration", "", yesNo, inert, "yes"},
	{"cluster-announce-bus-port", "", intRange(0, 65535), inert, "0"},
	{"cluster-announce-hostname", "", &strType{emptyIsNull: true, valid: validHostname}, inert, ""},
	{"cluster-announce-ip", "", textOrNull, inert, ""},
	{"cluster-announce-port", "", intRange(0, 65535), inert, "0"},
	{"cluster-announce-tls-port", "", intRange(0, 65535), inert, "0"},
	{"cluster-config-file", "", text, immutable | inert, "nodes.conf"},
	{"cluster-enabled", "", yesNo, immutable | inert, "no"},
	{"cluster-link-sendbuf-limit", "", umemRange(0, ulonglongMax), inert, "0"},
	{"cluster-migration-barrier", "", intRange(0, intMax), inert, "1"},
	{"cluster-node-timeout", "", intRange(0, longMax), inert, "15000"},
	{"cluster-port", "", intRange(0, 65535), immutable | inert, "0"},
	{"cluster-preferred-endpoint-type", "", enumOf("ip", "hostname", "unknown-endpoint"), inert, "ip"},
	{"cluster-replica-no-failover", "cluster-slave-no-failover", yesNo, inert, "no"},
	{"cluster-replica-validity-factor", "cluster-slave-validity-factor", intRange(0, intMax), inert, "10"},
	{"cluster-require-full-coverage", "", yesNo, inert, "yes"},
	{"crash-log-enabled", "", yesNo, inert, "yes"},
	{"crash-memcheck-enabled", "", yesNo, inert, "yes"},
	{"daemonize", "", yesNo, immutable | inert, "no"},
	{"databases", "", intRange(1, intMax), immutable, "16"},
	{"dbfilename", "", &strType{valid: validDBFilename}, protected, "dump.rdb"},
	{"dir", "", dirType{}, protected, "."},
	{"disable-thp", "", yesNo, immutable | inert, "yes"},
	{"dynamic-hz", "", yesNo, inert, "yes"},
	{"enable-debug-command", "", protectedOp, immutable, "no"},
	{"enable-module-command", "", protectedOp, immutable | inert, "no"},
	{"enable-protected-configs", "", protectedOp, immutable, "no"},
	{"hash-max-listpack-entries", "hash-max-ziplist-entries", uintRange(0, longMax), 0, "512"},
	{"hash-max-listpack-value", "hash-max-ziplist-value", umemRange(0, longMax), 0, "64"},
	{"hll-sparse-max-bytes", "", umemRange(0, longMax), 0, "3000"},
	{"hz", "", intRange(0, intMax), 0, "10"},
	{"ignore-warnings", "", text, inert, ""},
	// respd's own: CONFIG GET shows it by name, not among Redis's in "*".
	{"io-engine", "", enumOf(ioEngines...), immutable | hidden, ioEngines[0]},
	{"io-threads", "", intRange(1, 128), immutable | inert, "1"},
	{"io-threads-do-reads", "", yesNo, immutable | inert, "no"},
	{"jemalloc-bg-thread", "", yesNo, inert, "yes"},
	{"key-load-delay", "", intRange(intMin, intMax), hidden, "0"},
	{"latency-monitor-threshold", "", intRange(0, longMax), 0, "0"},
	{"latency-tracking", "", yesNo, 0, "yes"},
	{"latency-tracking-info-percentiles", "", percentilesType{}, 0, "50 99 99.9"},
	{"lazyfree-lazy-eviction", "", yesNo, 0, "no"},
	{"lazyfree-lazy-expire", "", yesNo, 0, "no"},
	{"lazyfree-lazy-server-del", "", yesNo, 0, "no"},
	{"lazyfree-lazy-user-del", "", yesNo, 0, "no"},
	{"lazyfree-lazy-user-flush", "", yesNo, 0, "no"},
	{"lfu-decay-time", "", intRange(0, intMax), 0, "1"},
	{"lfu-log-factor", "", intRange(0, intMax), 0, "10"},
	{"list-compress-depth", "", intRange(0, intMax), 0, "0"},
	{"list-max-listpack-size", "list-max-ziplist-size", intRange(intMin, intMax), 0, "-2"},
	{"loading-process-events-interval-bytes", "", intRange(1024, intMax), hidden, "2097152"},
	{"logfile", "", text, immutable, ""},
	{"loglevel", "", enumOf("debug", "verbose", "notice", "warning", "nothing"), 0, "notice"},
	{"masterauth", "", textOrNull, 0, ""},
	{"masteruser", "", textOrNull, 0, ""},
	{"maxclients", "", uintRange(1, uintMax), 0, "10000"},
	{"maxmemory", "", umemRange(0, ulonglongMax), 0, "0"},
	{"maxmemory-clients", "", &numType{lo: -100, hi: longMax, unit: memoryOrPercent}, 0, "0"},
	{"maxmemory-eviction-tenacity", "", intRange(0, 100), 0, "10"},
	{"maxmemory-policy", "", enumOf("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"), 0, "noeviction"},
	{"maxmemory-samples", "", intRange(1, intMax), 0, "5"},
	{"min-replicas-max-lag", "min-slaves-max-lag", intRange(0, intMax), 0, "10"},
	{"min-replicas-to-write", "min-slaves-to-write", intRange(0, intMax), 0, "0"},
	{"no-appendfsync-on-rewrite", "", yesNo, 0, "no"},
	{"notify-keyspace-events", "", keyspaceEventsType{}, 0, ""},
	{"oom-score-adj", "", enumOf("no", "yes|relative", "absolute"), inert, "no"},
	{"oom-score-adj-values", "", oomValuesType{}, inert, "0 200 800"},
	{"pidfile", "", textOrNull, immutable | inert, ""},
	{"port", "", intRange(0, 65535), 0, "6379"},
	{"proc-title-template", "", &strType{valid: validProcTitle}, inert, "{title} {listen-addr} {server-mode}"},
	{"propagation-error-behavior", "", enumOf("ignore", "panic", "panic-on-replicas"), inert, "ignore"},
	{"protected-mode", "", yesNo, 0, "yes"},
	{"proto-max-bulk-len", "", memRange(1<<20, longMax), 0, "512mb"},
	{"rdb-del-sync-files", "", yesNo, inert, "no"},
	{"rdb-key-save-delay", "", intRange(intMin, intMax), hidden, "0"},
	{"rdb-save-incremental-fsync", "", yesNo, inert, "yes"},
	{"rdbchecksum", "", yesNo, immutable, "yes"},
	{"rdbcompression", "", yesNo, 0, "yes"},
	{"repl-backlog-size", "", memRange(1, longMax), 0, "1mb"},
	{"repl-backlog-ttl", "", intRange(0, longMax), 0, "3600"},
	{"repl-disable-tcp-nodelay", "", yesNo, 0, "no"},
	{"repl-diskless-load", "", enumOf("disabled", "on-empty-db", "swapdb"), inert, "disabled"},
	{"repl-diskless-sync", "", yesNo, 0, "yes"},
	{"repl-diskless-sync-delay", "", intRange(0, intMax), 0, "5"},
	{"repl-diskless-sync-max-replicas", "", intRange(0, intMax), 0, "0"},
	{"repl-ping-replica-period", "repl-ping-slave-period", intRange(1, intMax), 0, "10"},
	{"repl-timeout", "", intRange(1, intMax), 0, "60"},
	{"replica-announce-ip", "slave-announce-ip", textOrNull, 0, ""},
	{"replica-announce-port", "slave-announce-port", intRange(0, 65535), 0, "0"},
	{"replica-announced", "", yesNo, inert, "yes"},
	{"replica-ignore-disk-write-errors", "", yesNo, inert, "no"},
	{"replica-ignore-maxmemory", "slave-ignore-maxmemory", yesNo, 0, "yes"},
	{"replica-lazy-flush", "slave-lazy-flush", yesNo, 0, "no"},
	{"replica-priority", "slave-priority", intRange(0, intMax), inert, "100"},
	{"replica-read-only", "slave-read-only", yesNo, 0, "yes"},
	{"replica-serve-stale-data", "slave-serve-stale-data", yesNo, 0, "yes"},
	{"replicaof", "slaveof", replicaOfType{}, immutable, "no one"},
	{"requirepass", "", textOrNull, 0, ""},
	{"sanitize-dump-payload", "", enumOf("no", "yes", "clients"), inert, "no"},
	{"save", "", saveType{}, 0, "3600 1 300 100 60 10000"},
	{"server_cpulist", "", textOrNull, immutable | inert, ""},
	{"set-max-intset-entries", "", uintRange(0, longMax), 0, "512"},
	{"set-proc-title", "", yesNo, immutable | inert, "yes"},
	{"shutdown-on-sigint", "", shutdownOn, inert, "default"},
	{"shutdown-on-sigterm", "", shutdownOn, inert, "default"},
	{"shutdown-timeout", "", intRange(0, intMax), inert, "10"},
	{"slowlog-log-slower-than", "", intRange(-1, longMax), 0, "10000"},
	{"slowlog-max-len", "", intRange(0, longMax), 0, "128"},
	{"socket-mark-id", "", uintRange(0, uintMax), immutable | inert, "0"},
	{"stop-writes-on-bgsave-error", "", yesNo, 0, "yes"},
	{"stream-node-max-bytes", "", umemRange(0, longMax), 0, "4096"},
	{"stream-node-max-entries", "", intRange(0, longMax), 0, "100"},
	{"supervised", "", enumOf("upstart", "systemd", "auto", "no"), immutable | inert, "no"},
	{"syslog-enabled", "", yesNo, immutable | inert, "no"},
	{"syslog-facility", "", enumOf("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"), immutable | inert, "local0"},
	{"syslog-ident", "", text, immutable | inert, "redis"},
	{"tcp-backlog", "", intRange(0, intMax), immutable | inert, "511"},
	{"tcp-keepalive", "", intRange(0, intMax), inert, "300"},
	{"timeout", "", intRange(0, intMax), 0, "0"},
	{"tls-auth-clients", "", enumOf("no", "yes", "optional"), 0, "yes"},
	{"tls-ca-cert-dir", "", textOrNull, 0, ""},
	{"tls-ca-cert-file", "", textOrNull, 0, ""},
	{"tls-cert-file", "", textOrNull, 0, ""},
	{"tls-ciphers", "", textOrNull, 0, ""},
	{"tls-ciphersuites", "", textOrNull, inert, ""},
	{"tls-client-cert-file", "", textOrNull, 0, ""},
	{"tls-client-key-file", "", textOrNull, 0, ""},
	{"tls-client-key-file-pass", "", textOrNull, 0, ""},
	{"tls-cluster", "", yesNo, inert, "no"},
	{"tls-dh-params-file", "", textOrNull, inert, ""},
	{"tls-key-file", "", textOrNull, 0, ""},
	{"tls-key-file-pass", "", textOrNull, 0, ""},
	{"tls-port", "", intRange(0, 65535), 0, "0"},
	{"tls-prefer-server-ciphers", "", yesNo, inert, "no"},
	{"tls-protocols", "", textOrNull, 0, ""},
	{"tls-replication", "", yesNo, 0, "no"},
	{"tls-session-cache-size", "", intRange(0, intMax), inert, "20480"},
	{"tls-session-cache-timeout", "", intRange(0, intMax), 0, "300"},
	{"tls-session-caching", "", yesNo, 0, "yes"},
	{"tracking-table-max-keys", "", uintRange(0, longMax), 0, "1000000"},
	{"unixsocket", "", textOrNull, immutable | inert, ""},
	{"unixsocketperm", "", &numType{lo: 0, hi: 0777, unsigned: true, unit: octal}, immutable | inert, "0"},
	{"use-exit-on-panic", "", yesNo, hidden, "no"},
	{"watchdog-period", "", intRange(0, intMax), hidden, "0"},
	{"zset-max-listpack-entries", "zset-max-ziplist-entries", uintRange(0, longMax), 0, "128"},
	{"zset-max-listpack-value", "zset-max-ziplist-value", umemRange(0, longMax), 0, "64"},
}

// afterSet runs after a parameter is stored, as Redis's apply functions.
var afterSet = map[string]func(cfg *Config){
	// Redis takes any hz but caps it to 1..500.
	"hz": func(cfg *Config) { cfg.Hz = min(max(cfg.Hz, 1), 500) },
	"loglevel": func(cfg *Config) {
		cfg.logLevel.Store(int32(slices.Index(logLevelNames, cfg.LogLevel)))
	},
	"client-query-buffer-limit": func(cfg *Config) { cfg.queryLimit.Store(cfg.ClientQueryBufferLimit) },
}

// paramEntry is a name CONFIG knows: a parameter's name or its alias.
// Redis registers an alias as a parameter of its own, so CONFIG GET lists
// both and CONFIG SET counts them as different parameters.
type paramEntry struct {
	name string
	p    *param
}

var (
	paramEntries []paramEntry                // names and aliases, in table order
	paramByName  = map[string]paramEntry{}   // lower-case name → entry
	paramField   = map[string]int{}          // parameter name → Config field index
	paramGoType  = map[string]reflect.Type{} // parameter name → its values' Go type
)

func init() {
	for _, p := range params {
		paramEntries = append(paramEntries, paramEntry{p.name, p})
		if p.alias != "" {
			paramEntries = append(paramEntries, paramEntry{p.alias, p})
		}
	}
	for _, e := range paramEntries {
		paramByName[e.name] = e
	}
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("conf"); name != "" {
			paramField[name] = i
		}
	}
	// Each parameter's Go type is its default's, as its type parses it
	// (dir relative to "/", which exists).
	for _, p := range params {
		v, err := p.typ.parse(&Config{Dir: "/"}, splitValue(p, p.def))
		if err != "" {
			panic(fmt.Sprintf("config: bad default for %s: %s", p.name, err))
		}
		paramGoType[p.name] = reflect.TypeOf(v)
	}
}

// lookupParam finds a parameter by name or alias, case-insensitively.
func lookupParam(name string) (paramEntry, bool) {
	e, ok := paramByName[strings.ToLower(name)]
	return e, ok
}

// defaultConfig is Redis 7's defaults; dir is the working directory.
func defaultConfig() *Config {
	cfg := &Config{other: map[string]any{}}
	for _, p := range params {
		// Defaults are checked by init; only dir can fail here, when the
		// working directory is gone, and then it is "", as in Redis.
		if v, err := p.typ.parse(cfg, splitValue(p, p.def)); err == "" {
			cfg.store(p, v)
		}
	}
	return cfg
}

// value is p's current value, of p's type's Go type.
func (cfg *Config) value(p *param) any {
	i, ok := paramField[p.name]
	if !ok {
		return cfg.other[p.name]
	}
	return reflect.ValueOf(cfg).Elem().Field(i).Convert(paramGoType[p.name]).Interface()
}

// store sets p's value (already validated by p's type).
func (cfg *Config) store(p *param, v any) {
	if i, ok := paramField[p.name]; ok {
		f := reflect.ValueOf(cfg).Elem().Field(i)
		f.Set(reflect.ValueOf(v).Convert(f.Type()))
	} else {
		cfg.other[p.name] = v
	}
	if apply := afterSet[p.name]; apply != nil {
		apply(cfg)
	}
}

// inertSettings are the parameters set to something other than their
// default that respd accepts but does not act on, as "name value".
func (cfg *Config) inertSettings() []string {
	var set []string
	for _, p := range params {
		if p.flags&inert == 0 {
			continue
		}
		def, _ := p.typ.parse(cfg, splitValue(p, p.def))
		if v := p.typ.format(cfg.value(p)); v != p.typ.format(def) {
			set = append(set, p.name+" "+v)
		}
	}
	return set
}

// replicaReadOnly: a replica refuses writes from its clients unless
// replica-read-only is off.
func (cfg *Config) replicaReadOnly() bool {
	return cfg.ReplicaOf.Host != "" && cfg.ReplicaReadOnly
}

// splitValue turns a CONFIG SET value into arguments: a multi-argument
// parameter's value is split at each space, as Redis does.
func splitValue(p *param, value string) []string {
	if !p.typ.multiArg() {
		return []string{value}
	}
	if value == "" {
		return nil
	}
	return strings.Split(value, " ")
}

// ---- Startup: command line and config file ----

// configError is a startup configuration error, printed as one line.
type configError struct {
	where string // "file:line", or "" for a command-line option
	msg   string
}

func (e *configError) Error() string {
	if e.where == "" {
		return e.msg
	}
	return e.where + ": " + e.msg
}

// A directive is one line of configuration: a file line or a command-line
// option with its arguments.
type directive struct {
	argv  []string
	where string
}

// parseArgs reads redis-server's arguments: an optional config file first,
// then options ("--port 6380"), which override the file.
func parseArgs(args []string) (*Config, error) {
	cfg := defaultConfig()
	ld := &loader{cfg: cfg}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, err := filepath.Abs(args[0])
		if err != nil {
			return nil, err
		}
		cfg.File = path
		if err := ld.include(path, ""); err != nil {
			return nil, err
		}
		args = args[1:]
	}
	options, err := optionDirectives(args)
	if err != nil {
		return nil, err
	}
	for _, d := range options {
		if err := ld.apply(d); err != nil {
			return nil, err
		}
	}
	if cfg.ReplicaOf.Host != "" && cfg.ClusterEnabled {
		return nil, &configError{msg: "replicaof directive not allowed in cluster mode"}
	}
	return cfg, nil
}

// optionDirectives groups command-line options as redis-server does: each
// "--name" starts a directive, and the arguments up to the next "--name"
// are its values. An argument right after an option that has no value yet
// is a value even if it starts with "--" ("--requirepass --secret"), except
// after --save, where it means save "".
func optionDirectives(args []string) ([]directive, error) {
	var ds []directive
	needsValue := false
	for j, a := range args {
		if needsValue || !strings.HasPrefix(a, "--") {
			if len(ds) == 0 {
				return nil, &configError{msg: fmt.Sprintf("unexpected argument '%s' (options are --name value)", a)}
			}
			ds[len(ds)-1].argv = append(ds[len(ds)-1].argv, a)
			needsValue = false
			continue
		}
		// "--port 6380" as one argument is two words, as in Redis.
		words := splitArgs(a[2:])
		if len(words) == 0 {
			return nil, &configError{msg: fmt.Sprintf("bad option '%s'", a)}
		}
		ds = append(ds, directive{argv: words})
		needsValue = len(words) == 1
		if needsValue && strings.EqualFold(a, "--save") && (j == len(args)-1 || strings.HasPrefix(args[j+1], "--")) {
			ds[len(ds)-1].argv = append(ds[len(ds)-1].argv, "")
			needsValue = false
		}
	}
	return ds, nil
}

// loader applies directives in order, as Redis's loadServerConfigFromString.
type loader struct {
	cfg *Config
	// savesSeen: the first save directive replaces the default save
	// points, later ones add to them.
	savesSeen bool
	depth     int
}

// deprecatedDirectives are accepted and ignored, as in Redis 7.
var deprecatedDirectives = map[string]bool{
	"list-max-ziplist-entries": true, "list-max-ziplist-value": true, "lua-replicate-commands": true,
}

func (ld *loader) apply(d directive) error {
	name := strings.ToLower(d.argv[0])
	fail := func(format string, a ...any) error {
		return &configError{where: d.where, msg: fmt.Sprintf(format, a...)}
	}
	e, ok := paramByName[name]
	switch {
	case ok:
	case deprecatedDirectives[name] && len(d.argv) == 2:
		return nil
	case name == "include" && len(d.argv) == 2:
		return ld.include(d.argv[1], d.where)
	case name == "user" && len(d.argv) >= 2:
		if err := validateUserLine(d.argv[1:]); err != nil {
			return &configError{where: d.where, msg: err.Error()}
		}
		for _, line := range ld.cfg.Users {
			if line[0] == d.argv[1] {
				return &configError{where: d.where, msg: fmt.Sprintf(errUserDeclaration, d.argv[1], "Duplicate user found. A user can only be defined once in config files")}
			}
		}
		ld.cfg.Users = append(ld.cfg.Users, d.argv[1:])
		return nil
	case name == "rename-command", name == "loadmodule", name == "sentinel", strings.Contains(name, "."):
		return fail("'%s' is not supported by respd", optionName(d))
	default:
		return fail("unknown option '%s'", optionName(d))
	}
	p := e.p
	args := d.argv[1:]
	if !p.typ.multiArg() && len(args) != 1 {
		return fail("wrong number of arguments for '%s'", optionName(d))
	}
	// A multi-argument option given as one argument is split, so that
	// --save "3600 1 300 100" works like save 3600 1 300 100.
	if p.typ.multiArg() && len(args) == 1 && args[0] != "" {
		if args = splitArgs(args[0]); args == nil {
			return fail("unbalanced quotes in the value of '%s'", optionName(d))
		}
	}
	v, err := p.typ.parse(ld.cfg, args)
	if err != "" {
		return fail("bad value for '%s': %s (%s)", e.name, quoteArgs(d.argv[1:]), err)
	}
	if p.name == "save" {
		if ld.savesSeen {
			v = append(ld.cfg.Save, v.([]SaveParam)...)
		}
		ld.savesSeen = true
	}
	ld.cfg.store(p, v)
	return nil
}

// optionName is how the user spelled a directive's name.
func optionName(d directive) string {
	if d.where == "" {
		return "--" + d.argv[0]
	}
	return d.argv[0]
}

// include reads a config file (or every file a glob pattern matches) and
// applies its directives. A relative path is relative to dir, where Redis
// would be after a "dir" directive.
func (ld *loader) include(pattern, where string) error {
	if ld.depth > 16 {
		return &configError{where: where, msg: "include nested too deeply"}
	}
	ld.depth++
	defer func() { ld.depth-- }()
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(ld.cfg.Dir, pattern)
	}
	paths := []string{pattern}
	if strings.ContainsAny(pattern, "*?[") {
		paths, _ = filepath.Glob(pattern) // no match is fine, as in Redis
	}
	for _, path := range paths {
		ds, err := readConfigFile(path)
		if err != nil {
			return &configError{where: where, msg: err.Error()}
		}
		for _, d := range ds {
			if err := ld.apply(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// readConfigFile splits a redis.conf-style file into directives: one per
// line, arguments as redis-cli quotes them, '#' starting a comment line.
func readConfigFile(path string) ([]directive, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("can't open config file '%s': %s", path, strerror(err))
	}
	var ds []directive
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.Trim(line, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, i+1)
		argv := splitArgs(line)
		if argv == nil {
			return nil, &configError{where: where, msg: "unbalanced quotes in configuration line"}
		}
		if len(argv) > 0 {
			ds = append(ds, directive{argv: argv, where: where})
		}
	}
	return ds, nil
}

// ---- Parameter types ----

type singleArg struct{}

func (singleArg) multiArg() bool { return false }

type multiArgs struct{}

func (multiArgs) multiArg() bool { return true }

// one is the usual rewrite: a single line, written when not the default.
func one(p *param, value string, force bool) []rewriteLine {
	return []rewriteLine{{p.name + " " + value, force}}
}

// boolType is yes/no.
type boolType struct {
	singleArg
	valid func(bool) string
}

func (t *boolType) parse(_ *Config, args []string) (any, string) {
	var v bool
	switch strings.ToLower(args[0]) {
	case "yes":
		v = true
	case "no":
	default:
		return nil, "argument must be 'yes' or 'no'"
	}
	if t.valid != nil {
		if err := t.valid(v); err != "" {
			return nil, err
		}
	}
	return v, ""
}

func (t *boolType) format(v any) string {
	if v.(bool) {
		return "yes"
	}
	return "no"
}

func (t *boolType) rewrite(p *param, v, def any) []rewriteLine {
	return one(p, t.format(v), v != def)
}

// numType is an integer within bounds; Redis's numeric configs.
type numType struct {
	singleArg
	lo, hi   int64
	unsigned bool // a C unsigned type: bounds compare as unsigned
	unit     numUnit
}

type numUnit uint8

const (
	plain           numUnit = iota
	memory                  // 1gb, 100mb, 5k… (printed back as bytes)
	memoryOrPercent         // a memory value or "N%", stored as -N
	octal
)

// The numeric types by C type: int/long (intRange), unsigned int, size_t
// and unsigned long long (uintRange), and byte counts (memRange, umemRange).
func intRange(lo, hi int64) *numType  { return &numType{lo: lo, hi: hi} }
func uintRange(lo, hi int64) *numType { return &numType{lo: lo, hi: hi, unsigned: true} }
func memRange(lo, hi int64) *numType  { return &numType{lo: lo, hi: hi, unit: memory} }
func umemRange(lo, hi int64) *numType { return &numType{lo: lo, hi: hi, unsigned: true, unit: memory} }

func (t *numType) parse(_ *Config, args []string) (any, string) {
	s := args[0]
	v, ok := int64(0), false
	if t.unit == memory || t.unit == memoryOrPercent {
		var u uint64
		u, ok = memToBytes(s)
		v = int64(u)
	}
	if !ok && t.unit == memoryOrPercent && len(s) > 1 && s[len(s)-1] == '%' {
		if n, isInt := parseInt64([]byte(s[:len(s)-1])); isInt && n >= 0 {
			v, ok = -n, true
		}
	}
	if !ok && t.unit == octal {
		n, err := strconv.ParseInt(strings.TrimLeft(s, " \t\n\v\f\r"), 8, 64)
		v, ok = n, err == nil || s == ""
	}
	if !ok && t.unit == plain {
		v, ok = parseInt64([]byte(s))
	}
	if !ok {
		return nil, [...]string{
			plain:           "argument couldn't be parsed into an integer",
			memory:          "argument must be a memory value",
			memoryOrPercent: "argument must be a memory or percent value",
			octal:           "argument couldn't be parsed as an octal number",
		}[t.unit]
	}
	return v, t.checkBounds(v)
}

// checkBounds is Redis's numericBoundaryCheck, with its texts.
func (t *numType) checkBounds(v int64) string {
	if t.unsigned {
		if uint64(v) > uint64(t.hi) || uint64(v) < uint64(t.lo) {
			if t.unit == octal {
				return fmt.Sprintf("argument must be between %o and %o inclusive", t.lo, t.hi)
			}
			return fmt.Sprintf("argument must be between %d and %d inclusive", uint64(t.lo), uint64(t.hi))
		}
		return ""
	}
	if t.unit == memoryOrPercent && v < 0 {
		if v < t.lo {
			return fmt.Sprintf("percentage argument must be less or equal to %d", -t.lo)
		}
		return ""
	}
	if v > t.hi || v < t.lo {
		return fmt.Sprintf("argument must be between %d and %d inclusive", t.lo, t.hi)
	}
	return ""
}

func (t *numType) format(v any) string {
	n := v.(int64)
	switch {
	case t.unit == memoryOrPercent && n < 0:
		return strconv.FormatInt(-n, 10) + "%"
	case t.unit == memory || t.unit == memoryOrPercent:
		return strconv.FormatUint(uint64(n), 10)
	case t.unit == octal:
		return strconv.FormatInt(n, 8)
	}
	return strconv.FormatInt(n, 10)
}

func (t *numType) rewrite(p *param, v, def any) []rewriteLine {
	n := v.(int64)
	switch {
	case t.unit == memoryOrPercent && n < 0:
		// Redis compares the positive percentage with the default here.
		return one(p, strconv.FormatInt(-n, 10)+"%", -n != def.(int64))
	case t.unit == memory || t.unit == memoryOrPercent:
		return one(p, formatMemory(n), v != def)
	}
	return one(p, t.format(v), v != def)
}

// formatMemory writes a byte count the way CONFIG REWRITE does: in gb, mb
// or kb when exact.
func formatMemory(n int64) string {
	for _, u := range []struct {
		size int64
		unit string
	}{{1 << 30, "gb"}, {1 << 20, "mb"}, {1 << 10, "kb"}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.unit
		}
	}
	return strconv.FormatInt(n, 10)
}

// memToBytes is Redis's memtoull: digits and an optional unit, b, k (1000),
// kb (1024), m, mb, g, gb, case-insensitive.
func memToBytes(s string) (uint64, bool) {
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	var mul uint64
	switch strings.ToLower(s[digits:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	var n uint64
	if digits > 0 {
		var err error
		// strtoull saturates on overflow, and Redis does not check.
		if n, err = strconv.ParseUint(s[:digits], 10, 64); err != nil {
			n = math.MaxUint64
		}
	}
	if n > math.MaxUint64/mul {
		return 0, false
	}
	return n * mul, true
}

// enumType is one of a fixed set of names ("yes|relative" makes relative
// a synonym of yes). With flags, it takes several names, each a bit.
type enumType struct {
	names []string
	flags bool
}

func enumOf(names ...string) *enumType { return &enumType{names: names} }

func (t *enumType) multiArg() bool { return t.flags }

func (t *enumType) parse(_ *Config, args []string) (any, string) {
	if len(args) == 0 {
		return nil, t.invalid()
	}
	bits := 0
	for _, a := range args {
		i := slices.IndexFunc(t.names, func(n string) bool {
			return slices.ContainsFunc(strings.Split(n, "|"), func(syn string) bool { return strings.EqualFold(syn, a) })
		})
		switch {
		case i < 0:
			return nil, t.invalid()
		case !t.flags:
			return canonical(t.names[i]), ""
		case i > 0: // names[0] is "default": no flag
			bits |= 1 << (i - 1)
		}
	}
	// The shutdown flags: save and nosave contradict each other.
	if bits&3 == 3 {
		return nil, "shutdown options SAVE and NOSAVE can't be used simultaneously"
	}
	var set []string
	for i, n := range t.names[1:] {
		if bits&(1<<i) != 0 {
			set = append(set, n)
		}
	}
	if len(set) == 0 {
		return t.names[0], ""
	}
	return strings.Join(set, " "), ""
}

func (t *enumType) invalid() string {
	return "argument(s) must be one of the following: " + strings.ReplaceAll(strings.Join(t.names, ", "), "|", ", ")
}

func canonical(name string) string {
	first, _, _ := strings.Cut(name, "|")
	return first
}

func (t *enumType) format(v any) string { return v.(string) }

func (t *enumType) rewrite(p *param, v, def any) []rewriteLine { return one(p, v.(string), v != def) }

// strType is a string. With emptyIsNull, "" means unset, and CONFIG
// REWRITE leaves the parameter out of the file.
type strType struct {
	singleArg
	emptyIsNull bool
	valid       func(cfg *Config, s string) string
}

func (t *strType) parse(cfg *Config, args []string) (any, string) {
	if t.valid != nil {
		if err := t.valid(cfg, args[0]); err != "" {
			return nil, err
		}
	}
	return args[0], ""
}

func (t *strType) format(v any) string { return v.(string) }

func (t *strType) rewrite(p *param, v, def any) []rewriteLine {
	if t.emptyIsNull && v == "" {
		return nil
	}
	return one(p, quote(v.(string)), t.emptyIsNull || v != def)
}

func validDBFilename(_ *Config, s string) string {
	if strings.ContainsAny(s, `/\`) {
		return "dbfilename can't be a path, just a filename"
	}
	return ""
}

func validAppendFilename(_ *Config, s string) string {
	switch {
	case s == "":
		return "appendfilename can't be empty"
	case strings.ContainsAny(s, `/\`):
		return "appendfilename can't be a path, just a filename"
	}
	return ""
}

func validAppendDirName(_ *Config, s string) string {
	switch {
	case s == "":
		return "appenddirname can't be empty"
	case strings.ContainsAny(s, `/\`):
		return "appenddirname can't be a path, just a dirname"
	}
	return ""
}

func validHostname(_ *Config, s string) string {
	if len(s) >= 256 {
		return "Hostnames must be less than 256 characters"
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "Hostnames may only contain alphanumeric characters, hyphens or dots"
		}
	}
	return ""
}

// validProcTitle is Redis's check of proc-title-template: {variables} must
// be known and the title, expanded, must not be blank.
func validProcTitle(cfg *Config, s string) string {
	vars := map[string]string{
		"title": "", "listen-addr": "*:" + strconv.Itoa(cfg.Port), "server-mode": "",
		"port": strconv.Itoa(cfg.Port), "tls-port": strconv.Itoa(cfg.TLSPort), "unixsocket": "", "config-file": cfg.File,
	}
	var out strings.Builder
	for s != "" {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:open])
		s = s[open+1:]
		if strings.HasPrefix(s, "{") { // "{{" is a literal brace
			out.WriteByte('{')
			s = s[1:]
			continue
		}
		name, rest, closed := strings.Cut(s, "}")
		value, known := vars[name]
		if !closed || !known {
			return "template format is invalid or contains unknown variables"
		}
		out.WriteString(value)
		s = rest
	}
	if strings.Trim(out.String(), " ") == "" {
		return "template format is invalid or contains unknown variables"
	}
	return ""
}

// respd has no allocator to defragment, like a Redis built without
// jemalloc's defrag support.
func noActiveDefrag(on bool) string {
	if on {
		return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
	}
	return ""
}

// saveType is the RDB save points: "<seconds> <changes>" pairs, or "" for
// none.
type saveType struct{ multiArgs }

func (saveType) parse(_ *Config, args []string) (any, string) {
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	if len(args)%2 != 0 {
		return nil, "Invalid save parameters"
	}
	points := []SaveParam{}
	for i := 0; i < len(args); i += 2 {
		secs, ok1 := cStrtoll(args[i])
		changes, ok2 := cStrtoll(args[i+1])
		if !ok1 || !ok2 || secs < 1 || changes < 0 {
			return nil, "Invalid save parameters"
		}
		// Redis keeps changes in a C int.
		points = append(points, SaveParam{secs, int(int32(changes))})
	}
	return points, ""
}

func (saveType) format(v any) string {
	var parts []string
	for _, sp := range v.([]SaveParam) {
		parts = append(parts, fmt.Sprintf("%d %d", sp.Seconds, sp.Changes))
	}
	return strings.Join(parts, " ")
}

func (saveType) rewrite(p *param, v, _ any) []rewriteLine {
	points := v.([]SaveParam)
	if len(points) == 0 {
		return []rewriteLine{{`save ""`, true}}
	}
	var lines []rewriteLine
	for _, sp := range points {
		lines = append(lines, rewriteLine{fmt.Sprintf("save %d %d", sp.Seconds, sp.Changes), true})
	}
	return lines
}

// dirType is the working directory. CONFIG SET dir in Redis is chdir: a
// relative path is relative to the current dir, and the directory must
// exist and be searchable. The value is the absolute, symlink-free path,
// as getcwd reports it.
type dirType struct{ singleArg }

func (dirType) parse(cfg *Config, args []string) (any, string) {
	path := args[0]
	if path == "" {
		return nil, strerror(syscall.ENOENT)
	}
	if !filepath.IsAbs(path) {
		base := cfg.Dir
		if base == "" {
			var err error
			if base, err = os.Getwd(); err != nil {
				return nil, strerror(err)
			}
		}
		path = base + "/" + path
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, strerror(err)
	case !st.IsDir():
		return nil, strerror(syscall.ENOTDIR)
	}
	if err := dirSearchable(path); err != nil {
		return nil, strerror(err)
	}
	if path, err = filepath.EvalSymlinks(path); err != nil {
		return nil, strerror(err)
	}
	return path, ""
}

func (dirType) format(v any) string { return v.(string) }

func (dirType) rewrite(p *param, v, _ any) []rewriteLine { return one(p, quote(v.(string)), true) }

// bindType is the list of addresses to listen on.
type bindType struct{ multiArgs }

func (bindType) parse(_ *Config, args []string) (any, string) {
	if len(args) > 16 {
		return nil, "Too many bind addresses specified."
	}
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	return append([]string{}, args...), ""
}

func (bindType) format(v any) string { return strings.Join(v.([]string), " ") }

func (t bindType) rewrite(p *param, v, def any) []rewriteLine {
	if t.format(v) == t.format(def) {
		return nil
	}
	if len(v.([]string)) == 0 {
		return one(p, `""`, true)
	}
	return one(p, t.format(v), true)
}

// replicaOfType is "<host> <port>", or "no one".
type replicaOfType struct{ multiArgs }

func (replicaOfType) parse(_ *Config, args []string) (any, string) {
	if len(args) != 2 {
		return nil, "wrong number of arguments"
	}
	if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
		return ReplicaOf{}, ""
	}
	port, ok := cStrtoll(args[1])
	if !ok || port < 0 || port > 65535 {
		return nil, "Invalid master port"
	}
	return ReplicaOf{args[0], int(port)}, ""
}

func (replicaOfType) format(v any) string {
	r := v.(ReplicaOf)
	if r.Host == "" {
		return ""
	}
	return r.Host + " " + strconv.Itoa(r.Port)
}

func (t replicaOfType) rewrite(p *param, v, _ any) []rewriteLine {
	if v.(ReplicaOf).Host == "" {
		return nil
	}
	return one(p, t.format(v), true)
}

// keyspaceEventsType is notify-keyspace-events: a set of class letters.
type keyspaceEventsType struct{ singleArg }

// The classes in the order Redis prints them; "A" is all of g$lshzxetd.
const keyspaceEventClasses = "g$lshzxetdKEmn"

const notifyAll = 1<<10 - 1

func (keyspaceEventsType) parse(_ *Config, args []string) (any, string) {
	flags := 0
	for _, c := range []byte(args[0]) {
		i := strings.IndexByte(keyspaceEventClasses, c)
		switch {
		case c == 'A':
			flags |= notifyAll
		case i < 0:
			return nil, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
		default:
			flags |= 1 << i
		}
	}
	return flags, ""
}

// format is Redis's keyspaceEventsFlagsToString: "A" stands for its ten
// classes, and (in 7.0) hides "n".
func (keyspaceEventsType) format(v any) string {
	flags := v.(int)
	var b strings.Builder
	put := func(i int) {
		if flags&(1<<i) != 0 {
			b.WriteByte(keyspaceEventClasses[i])
		}
	}
	if flags&notifyAll == notifyAll {
		b.WriteByte('A')
	} else {
		for i := range 10 {
			put(i)
		}
		put(13) // n
	}
	for i := 10; i < 13; i++ { // K E m
		put(i)
	}
	return b.String()
}

func (t keyspaceEventsType) rewrite(p *param, v, _ any) []rewriteLine {
	return one(p, quote(t.format(v)), v.(int) != 0)
}

// bufferLimitType is client-output-buffer-limit: "<class> <hard> <soft>
// <seconds>" groups; classes not named keep their limits.
type bufferLimitType struct{ multiArgs }

func (bufferLimitType) parse(cfg *Config, args []string) (any, string) {
	if len(args)%4 != 0 {
		return nil, "Wrong number of arguments in buffer limit configuration."
	}
	limits := cfg.ClientOutputBufferLimit
	for i := 0; i < len(args); i += 4 {
		class := bufferClass(args[i])
		if class < 0 {
			return nil, "Invalid client class specified in buffer limit configuration."
		}
		hard, ok1 := memToBytes(args[i+1])
		soft, ok2 := memToBytes(args[i+2])
		secs, ok3 := cStrtoll(args[i+3])
		// Redis keeps the seconds in a C int.
		if !ok1 || !ok2 || !ok3 || int32(secs) < 0 {
			return nil, "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
		limits[class] = BufferLimit{int64(hard), int64(soft), int(int32(secs))}
	}
	return limits, ""
}

func bufferClass(name string) int {
	switch strings.ToLower(name) {
	case "normal":
		return bufferNormal
	case "slave", "replica":
		return bufferReplica
	case "pubsub":
		return bufferPubsub
	}
	return -1
}

func (bufferLimitType) format(v any) string {
	var parts []string
	for class, l := range v.([bufferClasses]BufferLimit) {
		parts = append(parts, fmt.Sprintf("%s %d %d %d", bufferClassNames[class], uint64(l.Hard), uint64(l.Soft), l.SoftSeconds))
	}
	return strings.Join(parts, " ")
}

func (bufferLimitType) rewrite(p *param, v, def any) []rewriteLine {
	var lines []rewriteLine
	defs := def.([bufferClasses]BufferLimit)
	for class, l := range v.([bufferClasses]BufferLimit) {
		name := bufferClassNames[class]
		if class == bufferReplica {
			name = "replica"
		}
		text := fmt.Sprintf("%s %s %s %s %d", p.name, name, formatMemory(l.Hard), formatMemory(l.Soft), l.SoftSeconds)
		lines = append(lines, rewriteLine{text, l != defs[class]})
	}
	return lines
}

// oomValuesType is oom-score-adj-values: three scores for master, replica
// and background child.
type oomValuesType struct{ multiArgs }

func (oomValuesType) parse(_ *Config, args []string) (any, string) {
	if len(args) != 3 {
		return nil, "wrong number of arguments"
	}
	var v [3]int
	for i, a := range args {
		n, ok := cStrtoll(a)
		if !ok || n < -2000 || n > 2000 {
			return nil, "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
		}
		v[i] = int(n)
	}
	return v, ""
}

func (oomValuesType) format(v any) string {
	s := v.([3]int)
	return fmt.Sprintf("%d %d %d", s[0], s[1], s[2])
}

func (t oomValuesType) rewrite(p *param, v, def any) []rewriteLine {
	return one(p, t.format(v), v != def)
}

// percentilesType is latency-tracking-info-percentiles: numbers in 0..100.
type percentilesType struct{ multiArgs }

func (percentilesType) parse(_ *Config, args []string) (any, string) {
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	ps := []float64{}
	for _, a := range args {
		f, err := parseCDouble(a)
		if err != nil || math.IsNaN(f) {
			return nil, "Invalid latency-tracking-info-percentiles parameters"
		}
		if f > 100 || f < 0 {
			return nil, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
		}
		ps = append(ps, f)
	}
	return ps, ""
}

func (percentilesType) format(v any) string {
	var parts []string
	for _, f := range v.([]float64) {
		// C's "%f", trailing zeros trimmed.
		s := strings.TrimRight(strconv.FormatFloat(f, 'f', 6, 64), "0")
		parts = append(parts, strings.TrimSuffix(s, "."))
	}
	return strings.Join(parts, " ")
}

// Redis always writes this one, "" when empty.
func (t percentilesType) rewrite(p *param, v, _ any) []rewriteLine {
	if len(v.([]float64)) == 0 {
		return one(p, `""`, true)
	}
	return one(p, t.format(v), true)
}

// ---- Helpers: Redis's string functions ----

// parseCDouble is Redis's string2d (C's strtod on the whole string, no
// leading space): ParseFloat, plus hex floats without a "p" exponent.
func parseCDouble(s string) (float64, error) {
	if s == "" || isSpace(s[0]) {
		return 0, strconv.ErrSyntax
	}
	lower := strings.ToLower(strings.TrimLeft(s, "+-"))
	if strings.HasPrefix(lower, "0x") && !strings.Contains(lower, "p") {
		s += "p0"
	}
	return strconv.ParseFloat(s, 64)
}

// splitArgs is Redis's sdssplitargs (see resp.SplitArgs) on a config
// line; it returns nil for unbalanced quotes.
func splitArgs(line string) []string {
	words, ok := resp.SplitArgs([]byte(line))
	if !ok {
		return nil
	}
	args := make([]string, len(words))
	for i, w := range words {
		args[i] = string(w)
	}
	return args
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// quote is Redis's sdscatrepr: a double-quoted string splitArgs reads back.
func quote(s string) string {
	b := []byte{'"'}
	for _, c := range []byte(s) {
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\a':
			b = append(b, `\a`...)
		case '\b':
			b = append(b, `\b`...)
		default:
			if c >= ' ' && c <= '~' {
				b = append(b, c)
			} else {
				b = fmt.Appendf(b, `\x%02x`, c)
			}
		}
	}
	return string(append(b, '"'))
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// cStrtoll is C's strtoll(s, &end, 10) with *end == '\0' required: leading
// white space and a sign are allowed, overflow saturates, and "" is 0.
func cStrtoll(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, s == ""
	}
	n, err := strconv.ParseUint(t, 10, 64)
	switch {
	case neg && (err != nil || n > 1<<63):
		return math.MinInt64, true
	case neg:
		return -int64(n), true
	case err != nil || n > math.MaxInt64:
		return math.MaxInt64, true
	}
	return int64(n), true
}

// strerror is C's strerror for err's errno; Go spells the same texts
// starting in lower case.
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	return strings.ToUpper(s[:1]) + s[1:]
}

// isLocalClient: a loopback connection, for Redis's "local" settings
// (enable-protected-configs, enable-debug-command).
func (c *Client) isLocalClient() bool {
	host, _, _ := net.SplitHostPort(c.addr)
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
