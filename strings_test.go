package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"respd/internal/keyspace"
)

// The string commands' tests. The raw-reply cases are checked against a
// real redis-server too (when one is installed), so every expected byte in
// them is Redis 7.0.15's.

// stringStep is one command and the exact reply expected.
type stringStep struct {
	args   []string
	want   string
	prefix bool // want is only the reply's beginning (for very long replies)
}

func strReply(want string, args ...string) stringStep { return stringStep{args: args, want: want} }

func strReplyPrefix(want string, args ...string) stringStep {
	return stringStep{args: args, want: want, prefix: true}
}

// A far future absolute expiry, so that PEXPIRETIME answers exactly.
const farPXAT = "99999999999999"

var (
	lcsLongA = strings.Repeat("a", 16384)
	lcsLongB = strings.Repeat("b", 8193)
)

// stringRawCases each run on a fresh connection to a flushed server. LPUSH
// makes a key of another type (see plantList).
var stringRawCases = []struct {
	name  string
	resp3 bool
	steps []stringStep
}{
	{"set-options", false, []stringStep{
		strReply("+OK\r\n", "SET", "k", "v", "EX", "10", "EX", "20"),
		strReply(":20\r\n", "TTL", "k"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "PX", "10", "EX", "20"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "EX", "10", "PX", "20"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "EXAT", "10", "PXAT", "20"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "nx", "xx"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "XX", "NX"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "KEEPTTL", "EX", "10"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "PX", "10", "keepttl"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "EX"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "PERSIST"),
		strReply("-ERR syntax error\r\n", "SET", "k", "v", "BOGUS"),
		strReply("$-1\r\n", "SET", "k", "v", "NX", "NX"),
		strReply("+OK\r\n", "SET", "k", "v2", "xX", "Xx"),
		// Option names compare as C strings: a NUL ends them.
		strReply("$-1\r\n", "SET", "k", "v", "NX\x00abc"),
		strReply("$2\r\nv2\r\n", "SET", "k", "v3", "GET\x00abc"),
		strReply("$2\r\nv3\r\n", "SET", "k", "v4", "get", "GET"),
	}},
	{"set-expire-errors", false, []stringStep{
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EX", "0"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EX", "-1"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "PX", "0"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EXAT", "0"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SeT", "k", "v", "PXAT", "-5"),
		strReply("-ERR value is not an integer or out of range\r\n", "SET", "k", "v", "EX", "abc"),
		strReply("-ERR value is not an integer or out of range\r\n", "SET", "k", "v", "PX", "9223372036854775808"),
		// Overflow on the way to absolute milliseconds.
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EX", "9223372036854775"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EX", "9223372036854776"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "PX", "9223372036854775807"),
		strReply("-ERR invalid expire time in 'set' command\r\n", "SET", "k", "v", "EXAT", "9223372036854776"),
		strReply(":0\r\n", "EXISTS", "k"),
		strReply("+OK\r\n", "SET", "k", "v", "EXAT", "9223372036854775"),
		strReply(":9223372036854775000\r\n", "PEXPIRETIME", "k"),
		strReply("+OK\r\n", "SET", "k", "v", "PXAT", "9223372036854775807"),
		strReply(":9223372036854775807\r\n", "PEXPIRETIME", "k"),
		strReply("-ERR invalid expire time in 'setex' command\r\n", "SETEX", "k", "0", "v"),
		strReply("-ERR invalid expire time in 'setex' command\r\n", "setEX", "k", "-10", "v"),
		strReply("-ERR invalid expire time in 'psetex' command\r\n", "PSETEX", "k", "0", "v"),
		strReply("-ERR value is not an integer or out of range\r\n", "SETEX", "k", "abc", "v"),
		strReply("$1\r\nv\r\n", "GET", "k"),
	}},
	{"set-expiry", false, []stringStep{
		// An absolute time in the past sets a key that is already gone.
		strReply("+OK\r\n", "SET", "k", "v", "EXAT", "1"),
		strReply("$-1\r\n", "GET", "k"),
		strReply(":0\r\n", "EXISTS", "k"),
		strReply("+OK\r\n", "SET", "k", "v", "PXAT", farPXAT),
		strReply("+OK\r\n", "SET", "k", "v2", "KEEPTTL"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "k"),
		strReply("+OK\r\n", "SET", "k", "v3", "XX", "KEEPTTL"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "k"),
		strReply("+OK\r\n", "SET", "k", "v4"),
		strReply(":-1\r\n", "PEXPIRETIME", "k"),
		strReply("+OK\r\n", "SET", "k", "v", "PXAT", farPXAT),
		strReply("$1\r\nv\r\n", "SET", "k", "v5", "GET"),
		strReply(":-1\r\n", "PEXPIRETIME", "k"),
		strReply("+OK\r\n", "SETEX", "k", "100", "v"),
		strReply(":100\r\n", "TTL", "k"),
		strReply("+OK\r\n", "PSETEX", "k", "100000", "v"),
		strReply(":100\r\n", "TTL", "k"),
		strReply("+OK\r\n", "SET", "k", "v", "px", "100000", "xx"),
		strReply(":100\r\n", "TTL", "k"),
	}},
	{"set-get-nx-xx", false, []stringStep{
		strReply("$-1\r\n", "SET", "k", "v", "GET"),
		strReply("$1\r\nv\r\n", "SET", "k", "v2", "GET", "NX"),
		strReply("$1\r\nv\r\n", "GET", "k"),
		strReply("$-1\r\n", "SET", "k2", "v", "NX", "GET"),
		strReply("$1\r\nv\r\n", "GET", "k2"),
		strReply("$-1\r\n", "SET", "nokey", "v", "XX", "GET"),
		strReply(":0\r\n", "EXISTS", "nokey"),
		strReply("$-1\r\n", "SET", "nokey", "v", "XX"),
		strReply("$1\r\nv\r\n", "SET", "k", "v3", "XX", "GET"),
		strReply("$-1\r\n", "SET", "k", "v4", "NX"),
		strReply("$2\r\nv3\r\n", "GET", "k"),
		strReply(":0\r\n", "SETNX", "k", "v5"),
		strReply(":1\r\n", "SETNX", "k3", "v"),
		strReply("$1\r\nv\r\n", "GET", "k3"),
		strReply("$-1\r\n", "GETSET", "k4", "a"),
		strReply("$1\r\na\r\n", "GETSET", "k4", "b"),
		strReply("+OK\r\n", "SET", "k4", "c", "PXAT", farPXAT),
		strReply("$1\r\nc\r\n", "GETSET", "k4", "d"),
		strReply(":-1\r\n", "PEXPIRETIME", "k4"),
		strReply("$-1\r\n", "GETDEL", "nokey"),
		strReply("$1\r\nd\r\n", "GETDEL", "k4"),
		strReply(":0\r\n", "EXISTS", "k4"),
	}},
	{"wrongtype", false, []stringStep{
		strReply(":1\r\n", "LPUSH", "l", "x"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GET", "l"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "SET", "l", "v", "GET"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GETSET", "l", "v"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GETDEL", "l"),
		// GETEX checks the type before the expiry; a missing key neither.
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GETEX", "l", "EX", "-1"),
		strReply("$-1\r\n", "GETEX", "nokey", "EX", "-1"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "STRLEN", "l"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "APPEND", "l", "x"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GETRANGE", "l", "0", "1"),
		strReply("-ERR value is not an integer or out of range\r\n", "GETRANGE", "l", "a", "1"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "SETRANGE", "l", "0", "x"),
		strReply("-ERR offset is out of range\r\n", "SETRANGE", "l", "-1", "x"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "INCR", "l"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCRBY", "l", "x"),
		strReply("-ERR value is not an integer or out of range\r\n", "DECRBY", "l", "x"),
		strReply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "INCRBYFLOAT", "l", "abc"),
		strReply("-ERR The specified keys must contain string values\r\n", "LCS", "l", "nokey"),
		strReply("-ERR The specified keys must contain string values\r\n", "LCS", "nokey", "l", "BOGUS"),
		strReply("*2\r\n$-1\r\n$-1\r\n", "MGET", "l", "nokey"),
		strReply(":0\r\n", "MSETNX", "a", "1", "l", "2"),
		strReply(":0\r\n", "EXISTS", "a"),
		strReply(":0\r\n", "SETNX", "l", "v"),
		// SET without GET replaces a key of any type.
		strReply("+OK\r\n", "SET", "l", "v"),
		strReply("$1\r\nv\r\n", "GET", "l"),
	}},
	{"getex", false, []stringStep{
		strReply("-ERR syntax error\r\n", "GETEX", "nokey", "foo"),
		strReply("-ERR syntax error\r\n", "GETEX", "nokey", "EX"),
		strReply("-ERR syntax error\r\n", "GETEX", "nokey", "EX", "10", "PX", "10"),
		strReply("+OK\r\n", "SET", "k", "v"),
		strReply("-ERR invalid expire time in 'getex' command\r\n", "GETEX", "k", "EX", "0"),
		strReply("-ERR invalid expire time in 'getex' command\r\n", "getex", "k", "PX", "9223372036854775807"),
		strReply("-ERR value is not an integer or out of range\r\n", "GETEX", "k", "EX", "abc"),
		strReply("-ERR syntax error\r\n", "GETEX", "k", "PERSIST", "EX", "10"),
		strReply("-ERR syntax error\r\n", "GETEX", "k", "EX", "10", "PERSIST"),
		strReply("-ERR syntax error\r\n", "GETEX", "k", "KEEPTTL"),
		strReply("-ERR syntax error\r\n", "GETEX", "k", "NX"),
		strReply("-ERR syntax error\r\n", "GETEX", "k", "GET"),
		strReply("$1\r\nv\r\n", "GETEX", "k"),
		strReply(":-1\r\n", "PEXPIRETIME", "k"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "pxat", farPXAT),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "k"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "PERSIST\x00x"),
		strReply(":-1\r\n", "PEXPIRETIME", "k"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "PERSIST"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "EXAT", "99999999999"),
		strReply(":99999999999000\r\n", "PEXPIRETIME", "k"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "EX", "100"),
		strReply(":100\r\n", "TTL", "k"),
		strReply("$1\r\nv\r\n", "GETEX", "k", "PX", "100000", "PX", "200000"),
		strReply(":200\r\n", "TTL", "k"),
		// An absolute time in the past deletes the key after replying.
		strReply("$1\r\nv\r\n", "GETEX", "k", "EXAT", "1"),
		strReply(":0\r\n", "EXISTS", "k"),
	}},
	{"mget-mset", false, []stringStep{
		strReply("-ERR wrong number of arguments for 'mset' command\r\n", "MSET", "a"),
		strReply("-ERR wrong number of arguments for 'mset' command\r\n", "MSET", "a", "b", "c"),
		strReply("-ERR wrong number of arguments for 'msetnx' command\r\n", "MSETNX", "a", "b", "c"),
		strReply("+OK\r\n", "MSET", "a", "1", "b", "2", "a", "3"),
		strReply("*3\r\n$1\r\n3\r\n$1\r\n2\r\n$-1\r\n", "MGET", "a", "b", "c"),
		strReply(":0\r\n", "MSETNX", "c", "1", "a", "2"),
		strReply(":0\r\n", "EXISTS", "c"),
		strReply(":1\r\n", "MSETNX", "c", "1", "c", "2", "d", ""),
		strReply("*2\r\n$1\r\n2\r\n$0\r\n\r\n", "MGET", "c", "d"),
		strReply("+OK\r\n", "SET", "e", "v", "PXAT", farPXAT),
		strReply("+OK\r\n", "MSET", "e", "w"),
		strReply(":-1\r\n", "PEXPIRETIME", "e"),
	}},
	{"incr-decr", false, []stringStep{
		strReply(":1\r\n", "INCR", "n"),
		strReply(":0\r\n", "DECR", "n"),
		strReply(":5\r\n", "INCRBY", "n", "5"),
		strReply(":2\r\n", "DECRBY", "n", "3"),
		strReply(":-5\r\n", "DECRBY", "m", "5"),
		strReply("-ERR decrement would overflow\r\n", "DECRBY", "n", "-9223372036854775808"),
		strReply("-ERR decrement would overflow\r\n", "DECRBY", "nokey", "-9223372036854775808"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCRBY", "n", "9223372036854775808"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCRBY", "n", "1.5"),
		strReply("-ERR increment or decrement would overflow\r\n", "INCRBY", "n", "9223372036854775807"),
		strReply("+OK\r\n", "SET", "n", "-2"),
		strReply("-ERR increment or decrement would overflow\r\n", "DECRBY", "n", "9223372036854775807"),
		strReply("-ERR increment or decrement would overflow\r\n", "INCRBY", "n", "-9223372036854775807"),
		strReply("+OK\r\n", "SET", "n", "9223372036854775807"),
		strReply("-ERR increment or decrement would overflow\r\n", "INCR", "n"),
		strReply(":9223372036854775806\r\n", "DECR", "n"),
		strReply("+OK\r\n", "SET", "n", "-9223372036854775808"),
		strReply("-ERR increment or decrement would overflow\r\n", "DECR", "n"),
		strReply("+OK\r\n", "SET", "n", " 1"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCR", "n"),
		strReply("+OK\r\n", "SET", "n", "01"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCR", "n"),
		strReply("+OK\r\n", "SET", "n", "1.0"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCR", "n"),
		strReply("+OK\r\n", "SET", "n", "+1"),
		strReply("-ERR value is not an integer or out of range\r\n", "INCR", "n"),
		strReply("+OK\r\n", "SET", "n", ""),
		strReply("-ERR value is not an integer or out of range\r\n", "INCR", "n"),
		// The TTL stays; the result is int-encoded again.
		strReply("+OK\r\n", "SET", "n", "10", "PXAT", farPXAT),
		strReply(":5\r\n", "APPEND", "n", "000"),
		strReply("$3\r\nraw\r\n", "OBJECT", "ENCODING", "n"),
		strReply(":10001\r\n", "INCR", "n"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "n"),
		strReply("$3\r\nint\r\n", "OBJECT", "ENCODING", "n"),
		strReply(":6\r\n", "APPEND", "n", "x"),
	}},
	{"incrbyfloat", false, []stringStep{
		strReply("+OK\r\n", "SET", "f", "10.5"),
		strReply("$4\r\n10.6\r\n", "INCRBYFLOAT", "f", "0.1"),
		// long double precision shows in the digits.
		strReply("$22\r\n1010.59999999999999998\r\n", "INCRBYFLOAT", "f", "1e3"),
		strReply("$3\r\n0.1\r\n", "INCRBYFLOAT", "g", "0.1"),
		strReply("$3\r\n0.3\r\n", "INCRBYFLOAT", "g", "0.2"),
		strReply("+OK\r\n", "SET", "h", "5"),
		strReply("$1\r\n0\r\n", "INCRBYFLOAT", "h", "-5"),
		strReply("$4\r\n-0.5\r\n", "INCRBYFLOAT", "h", "-0.5"),
		strReply("+OK\r\n", "SET", "h", "1", "PXAT", farPXAT),
		strReply("$3\r\n2.5\r\n", "INCRBYFLOAT", "h", "1.5"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "h"),
		strReply("+OK\r\n", "SET", "i", "abc"),
		strReply("-ERR value is not a valid float\r\n", "INCRBYFLOAT", "i", "1"),
		strReply("-ERR value is not a valid float\r\n", "INCRBYFLOAT", "i", "x"),
		strReply("+OK\r\n", "SET", "i", "inf"),
		strReply("-ERR increment would produce NaN or Infinity\r\n", "INCRBYFLOAT", "i", "1"),
		strReply("-ERR value is not a valid float\r\n", "INCRBYFLOAT", "i", "x"),
		// The sum overflowing, or cancelling to zero.
		strReplyPrefix("$4933\r\n100000000000000000000601894938796389132383777425453311477378504135253301948660872240753332777943314277366652556366627768206186090644046033662341616493109754210865362", "INCRBYFLOAT", "big", "1e4932"),
		strReply("-ERR increment would produce NaN or Infinity\r\n", "INCRBYFLOAT", "big", "2e4931"),
		strReply("$1\r\n0\r\n", "INCRBYFLOAT", "big", "-1e4932"),
		strReplyPrefix("$4933\r\n118973149535723176502126385303097020516906332229462420044032373389173700552297072261641029033652888285354569780749557731442744315367028843419812", "INCRBYFLOAT", "max", "0x1.fffffffffffffffep16383"),
		strReplyPrefix("$4933\r\n118973149535723176502126385303097020516906332229462420044032373389173700552297072261641029033652888285354569780749557731442744315367028843419812", "INCRBYFLOAT", "max", "1e4900"),
		strReply("-ERR increment would produce NaN or Infinity\r\n", "INCRBYFLOAT", "max", "1e4931"),
	}},
	{"incrbyfloat-formats", false, incrbyfloatFormatSteps()},
	{"getrange-setrange", false, []stringStep{
		strReply("+OK\r\n", "SET", "s", "hello"),
		strReply("$5\r\nhello\r\n", "GETRANGE", "s", "0", "-1"),
		strReply("$0\r\n\r\n", "GETRANGE", "s", "-1", "-5"),
		strReply("$1\r\nh\r\n", "GETRANGE", "s", "0", "-100"),
		strReply("$1\r\nh\r\n", "GETRANGE", "s", "-100", "-100"),
		strReply("$3\r\nhel\r\n", "GETRANGE", "s", "-100", "2"),
		strReply("$0\r\n\r\n", "GETRANGE", "s", "3", "1"),
		strReply("$0\r\n\r\n", "GETRANGE", "s", "10", "20"),
		strReply("$2\r\nlo\r\n", "GETRANGE", "s", "3", "20"),
		strReply("$5\r\nhello\r\n", "GETRANGE", "s", "-9223372036854775808", "9223372036854775807"),
		strReply("-ERR value is not an integer or out of range\r\n", "GETRANGE", "s", "0", "9223372036854775808"),
		strReply("$0\r\n\r\n", "GETRANGE", "nokey", "0", "-1"),
		strReply("$2\r\nel\r\n", "SUBSTR", "s", "1", "2"),
		strReply("+OK\r\n", "SET", "e", ""),
		strReply("$0\r\n\r\n", "GETRANGE", "e", "0", "-1"),
		strReply("$0\r\n\r\n", "GETRANGE", "e", "-1", "-1"),
		strReply("+OK\r\n", "SET", "i", "12345"),
		strReply("$2\r\n23\r\n", "GETRANGE", "i", "1", "2"),
		strReply(":5\r\n", "STRLEN", "i"),
		strReply(":0\r\n", "STRLEN", "nokey"),
		strReply("-ERR offset is out of range\r\n", "SETRANGE", "s", "-1", "x"),
		strReply("-ERR value is not an integer or out of range\r\n", "SETRANGE", "s", "a", "x"),
		strReply("-ERR value is not an integer or out of range\r\n", "SETRANGE", "s", "9223372036854775808", "x"),
		strReply("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "s", "536870911", "xx"),
		strReply("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "s", "9223372036854775807", "xx"),
		strReply("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "nk", "536870911", "xx"),
		// Writing nothing changes nothing, at any offset.
		strReply(":5\r\n", "SETRANGE", "s", "536870912", ""),
		strReply(":0\r\n", "SETRANGE", "nk", "536870912", ""),
		strReply(":0\r\n", "EXISTS", "nk"),
		strReply(":8\r\n", "SETRANGE", "s", "7", "x"),
		strReply("$8\r\nhello\x00\x00x\r\n", "GET", "s"),
		strReply(":8\r\n", "SETRANGE", "s", "0", "J"),
		strReply("$8\r\nJello\x00\x00x\r\n", "GET", "s"),
		strReply(":3\r\n", "SETRANGE", "n", "1", "12"),
		strReply("$3\r\n\x0012\r\n", "GET", "n"),
		strReply("$3\r\nraw\r\n", "OBJECT", "ENCODING", "n"),
		strReply("+OK\r\n", "SET", "t", "v", "PXAT", farPXAT),
		strReply(":2\r\n", "SETRANGE", "t", "1", "w"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "t"),
	}},
	{"append-strlen-encoding", false, []stringStep{
		strReply(":0\r\n", "APPEND", "a", ""),
		strReply(":1\r\n", "EXISTS", "a"),
		strReply(":3\r\n", "APPEND", "a", "123"),
		strReply("$3\r\nraw\r\n", "OBJECT", "ENCODING", "a"),
		strReply(":3\r\n", "APPEND", "b", "123"),
		strReply("$3\r\nint\r\n", "OBJECT", "ENCODING", "b"),
		strReply(":4\r\n", "APPEND", "b", "4"),
		strReply("$3\r\nraw\r\n", "OBJECT", "ENCODING", "b"),
		strReply(":1235\r\n", "INCR", "b"),
		strReply("$3\r\nint\r\n", "OBJECT", "ENCODING", "b"),
		strReply(":4\r\n", "STRLEN", "b"),
		strReply("+OK\r\n", "SET", "c", "hello"),
		strReply("$6\r\nembstr\r\n", "OBJECT", "ENCODING", "c"),
		strReply("+OK\r\n", "SET", "c", strings.Repeat("x", 45)),
		strReply("$3\r\nraw\r\n", "OBJECT", "ENCODING", "c"),
		strReply("+OK\r\n", "SET", "c", "hello", "PXAT", farPXAT),
		strReply(":11\r\n", "APPEND", "c", " world"),
		strReply(":"+farPXAT+"\r\n", "PEXPIRETIME", "c"),
		strReply("$11\r\nhello world\r\n", "GET", "c"),
		strReply(":11\r\n", "STRLEN", "c"),
	}},
	{"lcs", false, []stringStep{
		strReply("$0\r\n\r\n", "LCS", "nokey", "nokey2"),
		strReply("+OK\r\n", "SET", "a", "ohmytext"),
		strReply("+OK\r\n", "SET", "b", "mynewtext"),
		strReply("$0\r\n\r\n", "LCS", "a", "nokey"),
		strReply("$6\r\nmytext\r\n", "LCS", "a", "b"),
		strReply(":6\r\n", "LCS", "a", "b", "len"),
		strReply("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n", "LCS", "a", "b", "IDX"),
		strReply("*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n", "LCS", "a", "b", "idx", "withmatchlen"),
		strReply("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n", "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
		strReply("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n", "LCS", "a", "b", "MINMATCHLEN", "-5", "IDX\x00x"),
		strReply("-ERR If you want both the length and indexes, please just use IDX.\r\n", "LCS", "a", "b", "IDX", "LEN"),
		strReply("-ERR If you want both the length and indexes, please just use IDX.\r\n", "LCS", "a", "b", "len", "idx"),
		strReply("-ERR syntax error\r\n", "LCS", "a", "b", "MINMATCHLEN"),
		strReply("-ERR value is not an integer or out of range\r\n", "LCS", "a", "b", "MINMATCHLEN", "x"),
		strReply("-ERR syntax error\r\n", "LCS", "a", "b", "foo"),
		strReply(":6\r\n", "LCS", "a", "b", "LEN", "MINMATCHLEN", "2"),
		strReply("+OK\r\n", "SET", "c", "abcabcabc"),
		strReply("+OK\r\n", "SET", "d", "cbacbacba"),
		strReply("$5\r\ncbabc\r\n", "LCS", "c", "d"),
		strReply("*4\r\n$7\r\nmatches\r\n*5\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:6\r\n:6\r\n*2\r\n*2\r\n:7\r\n:7\r\n*2\r\n:4\r\n:4\r\n*2\r\n*2\r\n:6\r\n:6\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:5\r\n", "LCS", "c", "d", "IDX"),
		// The transient table Redis would need is capped at proto-max-bulk-len.
		// (16383+1) * (8191+1) cells would be allowed; one more byte is not.
		strReply("+OK\r\n", "SET", "x", lcsLongA[:16383]),
		strReply("+OK\r\n", "SET", "y", lcsLongB[:8192]),
		strReply("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n", "LCS", "x", "y", "LEN"),
		strReply("+OK\r\n", "SET", "x", lcsLongA),
		strReply("+OK\r\n", "SET", "y", lcsLongB),
		strReply("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n", "LCS", "x", "y"),
		strReply("-ERR syntax error\r\n", "LCS", "x", "y", "foo"),
	}},
	{"watch", false, []stringStep{
		// A write invalidates WATCH, even the client's own.
		strReply("+OK\r\n", "WATCH", "k"),
		strReply("+OK\r\n", "SET", "k", "v"),
		strReply("+OK\r\n", "MULTI"),
		strReply("+QUEUED\r\n", "PING"),
		strReply("*-1\r\n", "EXEC"),
		// A SET that NX refused did not write.
		strReply("+OK\r\n", "WATCH", "k"),
		strReply("$-1\r\n", "SET", "k", "v", "NX"),
		strReply("+OK\r\n", "MULTI"),
		strReply("+QUEUED\r\n", "PING"),
		strReply("*1\r\n+PONG\r\n", "EXEC"),
		strReply("+OK\r\n", "WATCH", "k"),
		strReply(":1\r\n", "APPEND", "j", "x"),
		strReply("+OK\r\n", "MSET", "i", "1", "k", "2"),
		strReply("+OK\r\n", "MULTI"),
		strReply("+QUEUED\r\n", "PING"),
		strReply("*-1\r\n", "EXEC"),
		strReply("+OK\r\n", "WATCH", "k"),
		strReply(":3\r\n", "INCR", "k"),
		strReply("+OK\r\n", "MULTI"),
		strReply("*-1\r\n", "EXEC"),
		strReply("+OK\r\n", "WATCH", "k"),
		strReply("$1\r\n3\r\n", "GETDEL", "k"),
		strReply("+OK\r\n", "MULTI"),
		strReply("*-1\r\n", "EXEC"),
	}},
	{"resp3", true, []stringStep{
		strReply("_\r\n", "GET", "nokey"),
		strReply("+OK\r\n", "SET", "a", "ohmytext"),
		strReply("+OK\r\n", "SET", "b", "mynewtext"),
		strReply("%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n", "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
		strReply("*2\r\n$8\r\nohmytext\r\n_\r\n", "MGET", "a", "nokey"),
		strReply("_\r\n", "SET", "nokey", "v", "XX"),
		strReply("_\r\n", "SET", "nokey", "v", "XX", "GET"),
		strReply("_\r\n", "SET", "a", "v", "NX"),
		strReply(":0\r\n", "SETNX", "a", "v"),
		strReply("_\r\n", "GETEX", "nokey"),
		strReply("_\r\n", "GETDEL", "nokey"),
		strReply("_\r\n", "GETSET", "nokey", "v"),
		strReply("$3\r\n1.5\r\n", "INCRBYFLOAT", "f", "1.5"),
		strReply("$0\r\n\r\n", "GETRANGE", "none", "0", "1"),
		strReply(":1\r\n", "LPUSH", "l", "x"),
		strReply("*1\r\n_\r\n", "MGET", "l"),
	}},
}

// incrbyfloatFormatSteps are INCRBYFLOAT increments on a missing key, one
// key each: what strtold accepts, and the "%.17Lf"-then-trimmed result.
func incrbyfloatFormatSteps() []stringStep {
	notFloat := "-ERR value is not a valid float\r\n"
	nanInf := "-ERR increment would produce NaN or Infinity\r\n"
	bulk := func(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }
	cases := []struct{ incr, want string }{
		{"1.23456789012345678901234567890", bulk("1.23456789012345679")},
		{"100000000000000000000000000", bulk("100000000000000000000000000")},
		{"12345678901234567890", bulk("12345678901234567890")},
		{"3.0e3", bulk("3000")},
		{"1.23e+5", bulk("123000")},
		{"1E-2", bulk("0.01")},
		{"+.5e1", bulk("5")},
		{"-.5E+1", bulk("-5")},
		{"5.", bulk("5")},
		{".5", bulk("0.5")},
		{"00012.5", bulk("12.5")},
		{"017", bulk("17")},
		{"-0", bulk("0")},
		{"-0.0", bulk("0")},
		{"-1e-30", bulk("0")},
		{"1e-18", bulk("0")},
		{"5e-18", bulk("0")},
		{"1e-17", bulk("0.00000000000000001")},
		{"-1e-17", bulk("-0.00000000000000001")},
		{"1.5e-17", bulk("0.00000000000000002")},
		{"2.5e-17", bulk("0.00000000000000002")},
		// Exact ties at the 17th decimal round to even, as glibc's printf.
		{"0x1p-18", bulk("0.00000381469726562")},
		{"0x3p-18", bulk("0.00001144409179688")},
		{"0x5p-18", bulk("0.00001907348632812")},
		{"0x10", bulk("16")},
		{"0x1p-2", bulk("0.25")},
		{"0X.8", bulk("0.5")},
		{"0x1.", bulk("1")},
		{"0x.1", bulk("0.0625")},
		{"0X1P1", bulk("2")},
		{"0x1p+1", bulk("2")},
		{"0x1e5", bulk("485")},
		{"0x0p99999999999999999999", bulk("0")},
		{"0e99999999999999999999", bulk("0")},
		{"1." + strings.Repeat("0", 5117), bulk("1")},
		{"1." + strings.Repeat("0", 5118), notFloat},
		// Subnormals are fine; what rounds to zero is an underflow.
		{"1e-4950", bulk("0")},
		{"2e-4951", bulk("0")},
		{"-2e-4951", bulk("0")},
		{"1e-4951", notFloat},
		{"1.8225997659412373012e-4951", notFloat},
		{"1.8225997659412373013e-4951", bulk("0")},
		{"0x1p-16445", bulk("0")},
		{"0x1.0000000000000000000001p-16446", bulk("0")},
		{"0x1p-16446", notFloat},
		{"0x0.8p-16445", notFloat},
		{"1e-5000", notFloat},
		{"0x1p-99999999999999999999999", notFloat},
		// Overflow, after rounding to 64 bits.
		{"1.2e4932", notFloat},
		{"-2e4932", notFloat},
		{"1e5000", notFloat},
		{"1e99999999999999999999", notFloat},
		{"0x1p16384", notFloat},
		{"0x1p99999999999999999999999", notFloat},
		{"0x0.ffffffffffffffff8p16384", notFloat},
		{"0x1.ffffffffffffffffp16383", notFloat},
		// What strtold does not take whole.
		{"", notFloat},
		{" 1", notFloat},
		{"1 ", notFloat},
		{"\t1", notFloat},
		{"1\n", notFloat},
		{"5. ", notFloat},
		{"1\x00abc", notFloat},
		{".", notFloat},
		{"1e", notFloat},
		{"1e+", notFloat},
		{"1e5.5", notFloat},
		{"1..5", notFloat},
		{"--1", notFloat},
		{"+-1", notFloat},
		{"0x", notFloat},
		{"0x1p", notFloat},
		{"1_000", notFloat},
		{"1/2", notFloat},
		{"0b101", notFloat},
		{"0o17", notFloat},
		{"nan", notFloat},
		{"-nan", notFloat},
		{"nan(123)", notFloat},
		{"infinit", notFloat},
		{"inf", nanInf},
		{"+inf", nanInf},
		{"-inf", nanInf},
		{"Infinity", nanInf},
		{"INF", nanInf},
	}
	steps := make([]stringStep, len(cases))
	for i, c := range cases {
		steps[i] = strReply(c.want, "INCRBYFLOAT", fmt.Sprintf("f%d", i), c.incr)
	}
	return steps
}

func TestStringsRawReplies(t *testing.T) {
	for _, target := range stringTargets(t) {
		t.Run(target.name, func(t *testing.T) {
			for _, tc := range stringRawCases {
				t.Run(tc.name, func(t *testing.T) {
					runRawSteps(t, target.addr, tc.resp3, target.plant, tc.steps)
				})
			}
		})
	}
}

// stringTarget is a server the tests run against.
type stringTarget struct {
	name  string
	addr  string
	plant func(key string) // see plantList
}

// stringTargets are respd and, when it is installed, a real redis-server:
// each expected reply is checked against both.
func stringTargets(t *testing.T) []stringTarget {
	srv, addr := startTestServer(t)
	targets := []stringTarget{{"respd", addr, plantList(srv)}}
	if _, err := exec.LookPath("redis-server"); err == nil {
		targets = append(targets, stringTarget{"redis-server", diffStartRedis(t), nil})
	}
	return targets
}

// runRawSteps sends steps on a new connection after FLUSHALL (and HELLO 3
// for resp3). With plant set, LPUSH steps plant a list instead.
func runRawSteps(t *testing.T, addr string, resp3 bool, plant func(string), steps []stringStep) {
	rc := dialRaw(t, addr)
	exchange := func(args ...string) string {
		t.Helper()
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		rc.send(string(diffEncode(b)))
		rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		reply, err := diffReadReply(rc.r)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return string(reply)
	}
	if got := exchange("FLUSHALL"); got != "+OK\r\n" {
		t.Fatalf("FLUSHALL: %q", got)
	}
	if resp3 {
		if got := exchange("HELLO", "3"); !strings.HasPrefix(got, "%") {
			t.Fatalf("HELLO 3: %q", got)
		}
	}
	for _, st := range steps {
		if st.args[0] == "LPUSH" && plant != nil {
			plant(st.args[1])
			continue
		}
		got := exchange(st.args...)
		if got != st.want && !(st.prefix && strings.HasPrefix(got, st.want)) {
			t.Errorf("%s: got %s, want %s", describeStringArgs(st.args), abbreviateReply(got), abbreviateReply(st.want))
		}
	}
}

func describeStringArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = abbreviateReply(a)
	}
	return strings.Join(q, " ")
}

func abbreviateReply(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q...(%d bytes)", s[:200], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// TestIncrbyfloatMatchesRedis compares INCRBYFLOAT with a real
// redis-server on random numbers in the forms strtold reads, and on sums of
// them, where the long double emulation's parsing, rounding and formatting
// all show.
func TestIncrbyfloatMatchesRedis(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	digits := func(n int, set string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	sign := func() string { return []string{"", "-", "+"}[rng.IntN(3)] }
	number := func() string {
		if rng.IntN(4) == 0 {
			n := "0x" + digits(rng.IntN(20), "0123456789abcdefABCDEF")
			if rng.IntN(2) == 0 {
				n += "." + digits(rng.IntN(20), "0123456789abcdef")
			}
			if rng.IntN(2) == 0 {
				n += "p" + sign() + digits(1+rng.IntN(5), "0123456789")
			}
			return sign() + n
		}
		n := digits(rng.IntN(25), "0123456789")
		if rng.IntN(2) == 0 {
			n += "." + digits(rng.IntN(25), "0123456789")
		}
		if rng.IntN(3) == 0 {
			n += "e" + sign() + digits(1+rng.IntN(4), "0123456789")
		}
		return sign() + n
	}
	compareWithRedis(t, 3000, func(i int) []string {
		key := fmt.Sprintf("f%d", i%50)
		if rng.IntN(10) == 0 {
			return []string{"SET", key, number()}
		}
		return []string{"INCRBYFLOAT", key, number()}
	})
}

// TestSetOptionsMatchRedis compares SET and GETEX with a real redis-server
// on random option lists.
func TestSetOptionsMatchRedis(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	words := []string{"NX", "xx", "GET", "get\x00x", "KEEPTTL", "PERSIST", "EX", "px", "EXAT", "PXAT",
		"0", "-1", "abc", "100000", "3000000", farPXAT, "9223372036854775807", "bogus"}
	compareWithRedis(t, 5000, func(i int) []string {
		key := fmt.Sprintf("k%d", rng.IntN(3))
		args := []string{"SET", key, fmt.Sprint(i)}
		switch rng.IntN(4) {
		case 0:
			args = []string{"GETEX", key}
		case 1:
			return []string{"GET", key}
		}
		for range rng.IntN(5) {
			args = append(args, words[rng.IntN(len(words))])
		}
		return args
	})
}

// TestLcsMatchesRedis compares LCS with a real redis-server on random
// strings over small alphabets, where the walk back meets many ties.
func TestLcsMatchesRedis(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	random := func() string {
		b := make([]byte, rng.IntN(30))
		alphabet := 1 + rng.IntN(4)
		for i := range b {
			b[i] = 'a' + byte(rng.IntN(alphabet))
		}
		return string(b)
	}
	compareWithRedis(t, 3000, func(i int) []string {
		switch i % 3 {
		case 0:
			return []string{"SET", "a", random()}
		case 1:
			return []string{"SET", "b", random()}
		}
		args := []string{"LCS", "a", "b"}
		switch rng.IntN(3) {
		case 0:
			args = append(args, "LEN")
		case 1:
			args = append(args, "IDX", "MINMATCHLEN", fmt.Sprint(rng.IntN(4)))
			if rng.IntN(2) == 0 {
				args = append(args, "WITHMATCHLEN")
			}
		}
		return args
	})
}

// compareWithRedis sends n generated commands to respd and to a real
// redis-server; their replies must be identical.
func compareWithRedis(t *testing.T, n int, command func(i int) []string) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed")
	}
	_, respd := startTestServer(t)
	conns := []*rawConn{dialRaw(t, respd), dialRaw(t, diffStartRedis(t))}
	for i := range n {
		args := command(i)
		b := make([][]byte, len(args))
		for k, a := range args {
			b[k] = []byte(a)
		}
		var replies [2]string
		for j, rc := range conns {
			rc.send(string(diffEncode(b)))
			rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			reply, err := diffReadReply(rc.r)
			if err != nil {
				t.Fatal(err)
			}
			replies[j] = string(reply)
		}
		if replies[0] != replies[1] {
			t.Fatalf("%q: respd %q, redis-server %q", args, replies[0], replies[1])
		}
	}
}

// plantList returns a function that makes key a list in database 0, for
// WRONGTYPE cases while respd has no list commands; nil once it has LPUSH.
func plantList(s *Server) func(key string) {
	if commandByName([]byte("lpush")) != nil {
		return nil
	}
	return func(key string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ks.DBs[0].Set(key, &keyspace.Entry{Type: keyspace.TypeList}, false)
	}
}

// TestStringsGoRedis drives the family through go-redis in both protocols.
func TestStringsGoRedis(t *testing.T) {
	for _, target := range stringTargets(t) {
		for name, rc := range newClients(t, target.addr) {
			t.Run(target.name+"/"+name, func(t *testing.T) { goRedisStrings(t, rc) })
		}
	}
}

func goRedisStrings(t *testing.T, rc *redis.Client) {
	if err := rc.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	check("SET", rc.Set(ctx, "k", "v", 0).Val(), "OK")
	check("GET", rc.Get(ctx, "k").Val(), "v")
	check("GET missing", rc.Get(ctx, "nokey").Err(), redis.Nil)
	check("SET EX", rc.Set(ctx, "k", "v", 100*time.Second).Val(), "OK")
	check("TTL", rc.TTL(ctx, "k").Val(), 100*time.Second)
	check("SET KEEPTTL", rc.SetArgs(ctx, "k", "w", redis.SetArgs{KeepTTL: true}).Val(), "OK")
	check("TTL kept", rc.TTL(ctx, "k").Val(), 100*time.Second)
	check("SET XX GET", rc.SetArgs(ctx, "k", "x", redis.SetArgs{Mode: "XX", Get: true}).Val(), "w")
	check("SET NX", rc.SetNX(ctx, "k", "y", 0).Val(), false)
	check("SET NX GET", rc.SetArgs(ctx, "k", "y", redis.SetArgs{Mode: "NX", Get: true}).Val(), "x")
	check("SETNX new", rc.SetNX(ctx, "n", "1", 0).Val(), true)
	check("SET EXAT", rc.SetArgs(ctx, "at", "v", redis.SetArgs{ExpireAt: time.Unix(4000000000, 0)}).Val(), "OK")
	check("EXPIRETIME", rc.ExpireTime(ctx, "at").Val(), 4000000000*time.Second)
	check("SETEX", rc.SetEx(ctx, "e", "v", 50*time.Second).Val(), "OK")
	check("TTL SETEX", rc.TTL(ctx, "e").Val(), 50*time.Second)
	check("SETEX error", rc.SetEx(ctx, "e", "v", -time.Second).Err(), "ERR invalid expire time in 'setex' command")
	check("GETEX PERSIST", rc.GetEx(ctx, "e", 0).Val(), "v")
	check("TTL PERSIST", rc.TTL(ctx, "e").Val(), time.Duration(-1))
	check("GETEX EX", rc.GetEx(ctx, "e", 30*time.Second).Val(), "v")
	check("TTL GETEX", rc.TTL(ctx, "e").Val(), 30*time.Second)
	check("GETDEL", rc.GetDel(ctx, "e").Val(), "v")
	check("EXISTS", rc.Exists(ctx, "e").Val(), 0)
	check("GETSET", rc.GetSet(ctx, "g", "1").Err(), redis.Nil)
	check("GETSET old", rc.GetSet(ctx, "g", "2").Val(), "1")
	check("MSET", rc.MSet(ctx, "m1", "a", "m2", "b").Val(), "OK")
	check("MGET", rc.MGet(ctx, "m1", "nokey", "m2").Val(), []any{"a", nil, "b"})
	check("MSETNX", rc.MSetNX(ctx, "m1", "x", "m3", "c").Val(), false)
	check("MSETNX new", rc.MSetNX(ctx, "m3", "c", "m4", "d").Val(), true)
	check("APPEND", rc.Append(ctx, "m1", "bc").Val(), 3)
	check("STRLEN", rc.StrLen(ctx, "m1").Val(), 3)
	check("GETRANGE", rc.GetRange(ctx, "m1", 1, -1).Val(), "bc")
	check("SETRANGE", rc.SetRange(ctx, "m1", 5, "z").Val(), 6)
	check("GET padded", rc.Get(ctx, "m1").Val(), "abc\x00\x00z")
	check("INCR", rc.Incr(ctx, "c").Val(), 1)
	check("INCRBY", rc.IncrBy(ctx, "c", 10).Val(), 11)
	check("DECR", rc.Decr(ctx, "c").Val(), 10)
	check("DECRBY", rc.DecrBy(ctx, "c", 20).Val(), -10)
	check("INCR error", rc.Incr(ctx, "m1").Err(), "ERR value is not an integer or out of range")
	check("INCRBYFLOAT", rc.IncrByFloat(ctx, "c", 10.5).Val(), 0.5)
	check("GET float", rc.Get(ctx, "c").Val(), "0.5")
	check("INCRBYFLOAT error", rc.IncrByFloat(ctx, "m1", 1).Err(), "ERR value is not a valid float")

	rc.MSet(ctx, "a", "ohmytext", "b", "mynewtext")
	check("LCS", rc.LCS(ctx, &redis.LCSQuery{Key1: "a", Key2: "b"}).Val().MatchString, "mytext")
	check("LCS LEN", rc.LCS(ctx, &redis.LCSQuery{Key1: "a", Key2: "b", Len: true}).Val().Len, 6)
	idx, err := rc.LCS(ctx, &redis.LCSQuery{Key1: "a", Key2: "b", Idx: true, WithMatchLen: true, MinMatchLen: 2}).Result()
	if err != nil {
		t.Fatal(err)
	}
	check("LCS IDX", *idx, redis.LCSMatch{Len: 6, Matches: []redis.LCSMatchedPosition{
		{Key1: redis.LCSPosition{Start: 4, End: 7}, Key2: redis.LCSPosition{Start: 5, End: 8}, MatchLen: 4},
		{Key1: redis.LCSPosition{Start: 2, End: 3}, Key2: redis.LCSPosition{Start: 0, End: 1}, MatchLen: 2},
	}})
}

// ---- Running handlers without a network

// directClient is a client of a server without a listener, whose commands
// go through the dispatcher like a connection's.
type directClient struct {
	*Client
	out *bytes.Buffer
}

func newDirectClient(t testing.TB) directClient {
	out := &bytes.Buffer{}
	cfg := defaultConfig()
	cfg.Dir = t.TempDir() // SAVE, FLUSHALL with save points write there
	s := NewServer(cfg)
	return directClient{&Client{srv: s, w: sinkOutbound(out), resp: 2, authenticated: true, lastCmd: "NULL"}, out}
}

// do runs a command and returns its reply.
func (h directClient) do(args ...[]byte) string {
	h.out.Reset()
	h.srv.mu.Lock()
	h.srv.dispatch(h.Client, args)
	h.srv.mu.Unlock()
	h.w.Flush(0)
	return h.out.String()
}

// TestStringsDoNotAliasArgs checks that stored values are copies: the
// arguments' memory belongs to the connection and is reused.
func TestStringsDoNotAliasArgs(t *testing.T) {
	h := newDirectClient(t)
	for _, cmd := range [][]string{
		{"SET", "k", "value"},
		{"SET", "k", "other"}, // in place over an existing string
		{"MSET", "k", "value"},
		{"SETEX", "k", "100", "value"},
		{"GETSET", "k", "value"},
		{"APPEND", "new", "value"},
	} {
		args := stringArgv(cmd...)
		h.do(args...)
		key := args[1]
		val := args[len(args)-1]
		want := string(val)
		copy(val, "XXXXX")
		copy(key, "X")
		if got := h.do(stringArgv("GET", cmd[1])...); got != "$5\r\n"+want+"\r\n" {
			t.Errorf("%v: GET after reusing the arguments: %q", cmd, got)
		}
		h.do(stringArgv("DEL", "new")...)
	}
}

// TestStringsReuseEntry checks the in-place paths keep one entry per key
// and drop an oversized buffer.
func TestStringsReuseEntry(t *testing.T) {
	h := newDirectClient(t)
	db := h.srv.ks.DBs[0]
	h.do(stringArgv("SET", "k", strings.Repeat("x", 1024))...)
	e := db.Peek("k")
	h.do(stringArgv("SET", "k", strings.Repeat("y", 1000))...)
	h.do(stringArgv("INCR", "n")...)
	n := db.Peek("n")
	h.do(stringArgv("INCRBY", "n", "1000")...)
	if db.Peek("k") != e || db.Peek("n") != n {
		t.Fatal("overwriting a string replaced its entry")
	}
	if got := h.do(stringArgv("GET", "n")...); got != "$4\r\n1001\r\n" {
		t.Fatalf("GET n = %q", got)
	}
}

// ---- Benchmarks: the SET and GET of redis-benchmark -d 1024 -r 100000.

const stringBenchKeys = 100000

func stringBenchArgv(cmd string, extra ...[]byte) [][][]byte {
	argv := make([][][]byte, stringBenchKeys)
	for i := range argv {
		argv[i] = append([][]byte{[]byte(cmd), fmt.Appendf(nil, "key:%012d", i)}, extra...)
	}
	return argv
}

func runStringBench(b *testing.B, h directClient, argv [][][]byte) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.srv.mu.Lock()
		h.srv.dispatch(h.Client, argv[i%len(argv)])
		h.srv.mu.Unlock()
		if i++; i%64 == 0 {
			h.w.Flush(0)
			h.out.Reset()
		}
	}
}

func BenchmarkSet(b *testing.B) {
	value := bytes.Repeat([]byte("x"), 1024)
	b.Run("overwrite", func(b *testing.B) {
		h := newDirectClient(b)
		argv := stringBenchArgv("SET", value)
		for _, args := range argv {
			h.do(args...)
		}
		runStringBench(b, h, argv)
	})
	b.Run("new-key", func(b *testing.B) {
		h := newDirectClient(b)
		argv := stringBenchArgv("SET", value)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i == len(argv) {
				b.StopTimer()
				h.srv.ks.DBs[0].Flush()
				i = 0
				b.StartTimer()
			}
			h.srv.mu.Lock()
			h.srv.dispatch(h.Client, argv[i])
			h.srv.mu.Unlock()
			if i++; i%64 == 0 {
				h.w.Flush(0)
				h.out.Reset()
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	h := newDirectClient(b)
	for _, args := range stringBenchArgv("SET", bytes.Repeat([]byte("x"), 1024)) {
		h.do(args...)
	}
	runStringBench(b, h, stringBenchArgv("GET"))
}

func BenchmarkIncr(b *testing.B) {
	runStringBench(b, newDirectClient(b), stringBenchArgv("INCR"))
}
