package main

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"respd/internal/aof"
	"respd/internal/glob"
	"respd/internal/keyspace"
	"respd/internal/listpack"
	"respd/internal/quicklist"
)

// DEBUG: the subcommands of Redis 7.0's debug.c that tools and tests rely
// on. Like Redis, it is refused unless enable-debug-command allows it.

// cmdDebug dispatches on the subcommand and its argument count as
// debugCommand does: a known name with the wrong count is an unknown
// subcommand.
func cmdDebug(c *Client, args [][]byte) {
	if !c.allowedBy(c.srv.cfg.EnableDebugCommand) {
		c.Error(errDebugNotAllowed)
		return
	}
	sub, n := strings.ToLower(string(args[1])), len(args)
	switch {
	case sub == "help" && n == 2:
		debugHelp(c)
	case sub == "log" && n == 3:
		c.srv.warnf("DEBUG LOG: %s", cString(args[2]))
		c.OK()
	case sub == "reload" && n == 2:
		debugReload(c)
	case sub == "loadaof":
		debugLoadAOF(c)
	case sub == "object" && n == 3:
		debugObject(c, args[2])
	case sub == "listpack" && n == 3:
		debugListpack(c, args[2])
	case sub == "quicklist" && (n == 3 || n == 4):
		debugQuicklist(c, args[2])
	case sub == "populate" && n >= 3 && n <= 5:
		debugPopulate(c, args)
	case sub == "digest" && n == 2:
		c.Simple(hex.EncodeToString(datasetDigest(c.srv.ks)))
	case sub == "digest-value":
		debugDigestValue(c, args[2:])
	case sub == "protocol" && n == 3:
		debugProtocol(c, args[2])
	case sub == "sleep" && n == 3:
		// The whole server stops, as in Redis: the data lock is held.
		secs, _ := strconv.ParseFloat(string(args[2]), 64)
		time.Sleep(time.Duration(secs * float64(time.Second)))
		c.OK()
	case sub == "set-active-expire" && n == 3:
		c.srv.activeExpire = atoi(args[2]) != 0
		c.OK()
	case sub == "quicklist-packed-threshold" && n == 3:
		// memtoull, then quicklistisSetPackedThreshold's bounds.
		size, ok := memToBytes(string(args[2]))
		if !ok || size > 1<<32 || !quicklist.SetPackedThreshold(int64(size)) {
			c.Error(errDebugPackedThreshold)
			return
		}
		c.OK()
	case sub == "error" && n == 3:
		// The string is the whole error, code included.
		c.Error(string(args[2]))
	case sub == "htstats" && n == 3:
		debugHTStats(c, args[2])
	case sub == "htstats-key" && n == 3:
		debugHTStatsKey(c, args[2])
	case sub == "change-repl-id" && n == 2:
		c.srv.logf("Changing replication IDs after receiving DEBUG change-repl-id")
		c.srv.changeReplicationID()
		c.OK()
	case sub == "stringmatch-test" && n == 2:
		stringMatchFuzz()
		c.Simple("Apparently Redis did not crash: test passed")
	case sub == "pause-cron" && n == 3:
		c.srv.cronPaused = atoi(args[2]) != 0
		c.OK()
	default:
		c.Error(fmt.Sprintf(errDebugUnknownSubcommand, args[1]))
	}
}

// debugHelp is Redis 7.0's DEBUG HELP, without the subcommands respd
// doesn't have (crashes, restarts, allocator and cluster knobs).
func debugHelp(c *Client) {
	c.Help("DEBUG",
		"CHANGE-REPL-ID",
		"    Change the replication IDs of the instance.",
		"    Dangerous: should be used only for testing the replication subsystem.",
		"DIGEST",
		"    Output a hex signature representing the current DB content.",
		"DIGEST-VALUE <key> [<key> ...]",
		"    Output a hex signature of the values of all the specified keys.",
		"ERROR <string>",
		"    Return a Redis protocol error with <string> as message. Useful for clients",
		"    unit tests to simulate Redis errors.",
		"LOG <message>",
		"    Write <message> to the server log.",
		"HTSTATS <dbid>",
		"    Return hash table statistics of the specified Redis database.",
		"HTSTATS-KEY <key>",
		"    Like HTSTATS but for the hash table stored at <key>'s value.",
		"LOADAOF",
		"    Flush the AOF buffers on disk and reload the AOF in memory.",
		"OBJECT <key>",
		"    Show low level info about `key` and associated value.",
		"POPULATE <count> [<prefix>] [<size>]",
		"    Create <count> string keys named key:<num>. If <prefix> is specified then",
		"    it is used instead of the 'key' prefix. These are not propagated to",
		"    replicas. Cluster slots are not respected so keys not belonging to the",
		"    current node can be created in cluster mode.",
		"PROTOCOL <type>",
		"    Reply with a test value of the specified type. <type> can be: string,",
		"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
		"    true, false.",
		"RELOAD",
		"    Save the RDB on disk and reload it back to memory.",
		"SET-ACTIVE-EXPIRE <0|1>",
		"    Setting it to 0 disables expiring keys in background when they are not",
		"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
		"    default.",
		"QUICKLIST-PACKED-THRESHOLD <size>",
		"    Sets the threshold for elements to be inserted as plain vs packed nodes",
		"    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
		"SLEEP <seconds>",
		"    Stop the server for <seconds>. Decimals allowed.",
		"STRINGMATCH-TEST",
		"    Run a fuzz tester against the stringmatchlen() function.",
		"LISTPACK <key>",
		"    Show low level info about the listpack encoding of <key>.",
		"QUICKLIST <key> [<0|1>]",
		"    Show low level info about the quicklist encoding of <key>.",
		"    The optional argument (0 by default) sets the level of detail",
		"PAUSE-CRON <0|1>",
		"    Stop periodic cron job processing.",
	)
}

// atoi is C's atoi, how Redis reads DEBUG's switches: the leading
// integer, 0 if there is none.
func atoi(b []byte) int64 {
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// debugReload: save, empty the keyspace and load the file back, as
// Redis's DEBUG RELOAD does to prove a dataset survives the round trip.
func debugReload(c *Client) {
	if err := c.srv.save(); err != nil {
		c.Error(fmt.Sprintf(errDebugReloadSave, err))
		return
	}
	c.srv.emptyData()
	if err := c.srv.LoadRDB(); err != nil {
		c.Error(fmt.Sprintf(errDebugReloadLoad, err))
		return
	}
	c.OK()
}

// emptyData empties every database, telling WATCH of each key that goes.
func (s *Server) emptyData() {
	for _, db := range s.ks.DBs {
		db.TouchAll(nil)
		db.Flush()
	}
}

// debugLoadAOF writes out what the AOF buffer holds, empties the keyspace
// and replays the AOF, as Redis's DEBUG LOADAOF. The replay reaches
// neither the AOF it comes from nor the replicas, which have the data
// already (Redis loads with propagation off). Without an AOF there is
// nothing to load: Redis 7.0 exits there; respd refuses, keeping the data.
func debugLoadAOF(c *Client) {
	s := c.srv
	a := s.aof
	if a == nil {
		c.Error(errDebugLoadAOF)
		return
	}
	if f := s.writeAOFBuffer(true); f != nil {
		s.syncAlways(f)
	}
	data, err := os.ReadFile(s.manifestPath())
	if err != nil {
		s.warnf("DEBUG LOADAOF: %v", err)
		c.Error(errDebugLoadAOF)
		return
	}
	files, err := aof.ParseManifest(data)
	if err != nil {
		s.warnf("DEBUG LOADAOF: %s: %v", s.manifestPath(), err)
		c.Error(errDebugLoadAOF)
		return
	}
	s.emptyData()
	r := &s.repl
	streamLen, offset, seldb := len(r.buf), r.offset, r.seldb
	s.aof = nil
	err = s.loadAOF(files)
	s.aof = a
	r.buf, r.offset, r.seldb = r.buf[:streamLen], offset, seldb
	if err != nil {
		s.warnf("DEBUG LOADAOF: %v", err)
		c.Error(errDebugLoadAOF)
		return
	}
	s.stats.dirty = 0
	s.logf("Append Only File loaded by DEBUG LOADAOF")
	c.OK()
}

// debugObject: as Redis's dictFind, a key whose TTL has passed is shown,
// not expired.
func debugObject(c *Client, key []byte) {
	e := c.database().Peek(string(key))
	if e == nil {
		c.Error(errNoSuchKey)
		return
	}
	c.Simple(fmt.Sprintf("Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d%s",
		e, encoding(e), serializedLength(e, c.srv.cfg.RDBCompression), e.Access, c.idleSeconds(e), debugObjectExtra(e)))
}

// debugListpack prints a listpack-encoded value's elements on standard
// output, where Redis's lpRepr prints its layout, with Redis's reply.
func debugListpack(c *Client, key []byte) {
	e := c.lookupNoTouch(string(key))
	if e == nil {
		c.Error(errNoSuchKey)
		return
	}
	var lp []byte
	switch e.Type {
	case keyspace.TypeHash:
		lp = e.Hash().Listpack()
	case keyspace.TypeZSet:
		lp = e.ZSet().Listpack()
	}
	if lp == nil {
		c.Error(errDebugNotListpack)
		return
	}
	fmt.Printf("{total bytes %d} {num entries %d}\n", len(lp), listpack.Len(lp))
	i := 0
	for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, p) {
		fmt.Printf("{index %d} %q\n", i, listpack.Get(lp, p).Append(nil))
		i++
	}
	fmt.Println("{end}")
	c.Simple("Listpack structure printed on stdout")
}

// debugQuicklist prints a list's nodes on standard output, where Redis's
// quicklistRepr prints them, with Redis's reply. Every list is a
// quicklist in Redis 7.0.
func debugQuicklist(c *Client, key []byte) {
	e := c.lookupNoTouch(string(key))
	if e == nil {
		c.Error(errNoSuchKey)
		return
	}
	if e.Type != keyspace.TypeList {
		c.Error(errDebugNotQuicklist)
		return
	}
	l := e.List()
	fmt.Printf("{count : %d}\n{len : %d}\n{fill : %d}\n{compress : %d}\n", l.Len(), l.NodeCount(), l.Fill(), l.CompressDepth())
	i := 0
	l.Nodes(func(n quicklist.Node) bool {
		container := "PACKED"
		if n.Container == quicklist.ContainerPlain {
			container = "PLAIN"
		}
		fmt.Printf("{quicklist node(%d)\n{container : %s, size: %d, compressed: %t}\n}\n", i, container, n.Size, n.LZF != nil)
		i++
		return true
	})
	c.Simple("Quicklist structure printed on stdout")
}

// debugPopulate: POPULATE count [prefix] [size] creates string keys
// "<prefix>:<n>" (prefix "key") holding "value:<n>", cut or padded with
// NUL bytes to size; existing keys are left alone. Like Redis's, the keys
// are neither propagated nor counted as changes.
func debugPopulate(c *Client, args [][]byte) {
	count, ok := c.positiveArg(args[2], errMustBePositive)
	if !ok {
		return
	}
	var size int64
	if len(args) == 5 {
		if size, ok = c.positiveArg(args[4], errMustBePositive); !ok {
			return
		}
	}
	prefix := []byte("key")
	if len(args) >= 4 {
		prefix = cString(args[3])
	}
	// Unlike Redis, no table is sized for count ahead: a count too large
	// for memory fails there, before a single key.
	var key []byte
	for j := range count {
		// Redis formats the name into a 128-byte buffer.
		key = strconv.AppendInt(append(append(key[:0], prefix...), ':'), j, 10)
		key = key[:min(len(key), 127)]
		if c.lookupWrite(key) != nil {
			continue
		}
		value := strconv.AppendInt([]byte("value:"), j, 10)
		if size > 0 {
			padded := make([]byte, size)
			copy(padded, value)
			value = padded
		}
		c.addKey(key, c.stamp(keyspace.NewString(str(key), value)))
		c.touch(key)
	}
	c.OK()
}

// debugHTStats: HTSTATS dbid describes the keys' table and the TTLs' as
// Redis's dictGetStats does. The numbers are respd's own tables': sizes
// and counts as Redis's, the chains as respd's hash spreads the keys.
func debugHTStats(c *Client, arg []byte) {
	id, ok := c.intArg(arg)
	if !ok {
		return
	}
	if id < 0 || id >= int64(len(c.srv.ks.DBs)) {
		c.Error(errDebugOutOfRangeDB)
		return
	}
	keys, expires := c.srv.ks.DBs[id].HTStats()
	c.Verbatim("[Dictionary HT]\n" + keys + "[Expires HT]\n" + expires)
}

// debugHTStatsKey: HTSTATS-KEY key describes the hash table of a value in
// one (a set's, a hash's, a sorted set's dict).
func debugHTStatsKey(c *Client, key []byte) {
	e := c.lookupNoTouch(string(key))
	if e == nil {
		c.Error(errNoSuchKey)
		return
	}
	var stats string
	switch e.Type {
	case keyspace.TypeHash:
		stats = e.Hash().HTStats()
	case keyspace.TypeSet:
		stats = e.Set().HTStats()
	case keyspace.TypeZSet:
		stats = e.ZSet().HTStats()
	}
	if stats == "" {
		c.Error(errDebugNotHashTable)
		return
	}
	c.Verbatim(stats)
}

// debugDigestValue replies with each key's digest, forty zeros for a
// missing key; a key whose TTL has passed still counts, as Redis looks
// keys up with dictFind.
func debugDigestValue(c *Client, keys [][]byte) {
	c.Array(len(keys))
	for _, key := range keys {
		var d digest
		if e := c.database().Peek(string(key)); e != nil {
			valueDigest(&d, e)
		}
		c.Simple(hex.EncodeToString(d[:]))
	}
}

// debugProtocol replies with Redis's test value of each reply type, in
// the client's protocol.
func debugProtocol(c *Client, kind []byte) {
	switch strings.ToLower(string(kind)) {
	case "string":
		c.BulkString("Hello World")
	case "integer":
		c.Int(12345)
	case "double":
		c.Double(3.141)
	case "bignum":
		const n = "1234567999999999999999999999999999999"
		if c.resp == 3 {
			c.raw("", "("+n+"\r\n")
		} else {
			c.BulkString(n)
		}
	case "null":
		c.Null()
	case "array":
		c.Array(3)
		for j := range int64(3) {
			c.Int(j)
		}
	case "set":
		c.Set(3)
		for j := range int64(3) {
			c.Int(j)
		}
	case "map":
		c.Map(3)
		for j := range int64(3) {
			c.Int(j)
			c.Bool(j == 1)
		}
	case "attrib":
		// An attribute comes before a reply, never alone; RESP2 has none.
		if c.resp == 3 {
			c.raw("", "|1\r\n")
			c.BulkString("key-popularity")
			c.Array(2)
			c.BulkString("key:123")
			c.Int(90)
		}
		c.BulkString("Some real reply following the attribute")
	case "push":
		if c.resp != 3 {
			c.Error(errDebugPushRESP2)
			return
		}
		c.Push(2)
		c.BulkString("server-cpu-usage")
		c.Int(42)
		// A push is not the reply: the real one follows.
		c.BulkString("Some real reply following the push reply")
	case "true":
		c.Bool(true)
	case "false":
		c.Bool(false)
	case "verbatim":
		c.Verbatim("This is a verbatim\nstring")
	default:
		c.Error(errDebugProtocolType)
	}
}

// changeReplicationID gives the server a new replication ID and forgets
// the previous one, as Redis's changeReplicationId and
// clearReplicationId2: no replica can continue from before.
func (s *Server) changeReplicationID() {
	s.repl.id, s.repl.id2, s.repl.secondOffset = randomHex(40), zeroReplID, -1
}

// stringMatchFuzz is Redis's stringmatchlen_fuzz_test: ten million random
// patterns against random strings of up to 31 bytes below 128, which must
// merely not crash (nor hang).
func stringMatchFuzz() {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	fill := func(b []byte) {
		for j := range b {
			b[j] = byte(rng.Uint32() & 127)
		}
	}
	var str, pat [32]byte
	matches := 0
	for range 10_000_000 {
		s, p := str[:rng.IntN(len(str))], pat[:rng.IntN(len(pat))]
		fill(s)
		fill(p)
		if glob.Match(p, s, false) {
			matches++
		}
	}
	fmt.Printf("total matches: %d\n", matches)
}

// digest is a DEBUG DIGEST signature: SHA-1s combined as debug.c
// combines them, by xor where order doesn't matter (a set's members, a
// database's keys) and by hashing again where it does (a list).
type digest [20]byte

// xor is xorDigest: d ^= SHA1(p).
func (d *digest) xor(p []byte) {
	h := sha1.Sum(p)
	for i := range d {
		d[i] ^= h[i]
	}
}

// mix is mixDigest: d = SHA1(d ^ SHA1(p)).
func (d *digest) mix(p []byte) {
	d.xor(p)
	*d = sha1.Sum(d[:])
}

// mixUint32 mixes n in network byte order (htonl).
func (d *digest) mixUint32(n uint32) {
	d.mix(binary.BigEndian.AppendUint32(nil, n))
}

// datasetDigest is computeDatasetDigest: twenty zero bytes for an empty
// dataset; otherwise each non-empty database's number mixed in, then the
// digest of each key with its value xored in. Keys whose TTL has passed
// count until they are deleted.
func datasetDigest(ks *keyspace.Keyspace) []byte {
	var final digest
	for i, db := range ks.DBs {
		if db.Len() == 0 {
			continue
		}
		final.mixUint32(uint32(i))
		db.ForEach(func(e *keyspace.Entry) {
			var d digest
			d.mix(bytesOf(e.Key()))
			valueDigest(&d, e)
			final.xor(d[:])
		})
	}
	return final[:]
}
