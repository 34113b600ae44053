#!/usr/bin/env bash
# Regenerates the RDB fixtures in this directory from a real redis-server.
#   strings.rdb / strings.expected   every string encoding, TTLs, several DBs
#   nochecksum.rdb                   same data saved with rdbchecksum no (CRC 0)
#   types.rdb                        one string plus a list, hash, set, zset
#   collections.rdb / collections.expected
#                                    lists, sets, sorted sets and hashes in
#                                    every encoding Redis 7.0 writes
#   stream.rdb / stream.expected     streams with consumer groups (gen_stream)
# strings.expected has one line per key: db<TAB>hex(key)<TAB>hex(value)<TAB>expire_ms
# collections.expected has one line per key:
#   db<TAB>hex(key)<TAB>kind<TAB>OBJECT ENCODING<TAB>expire_ms<TAB>items...
# with items hex(element) for lists (in order) and sets, hex(member),score
# for sorted sets (score as Python's repr, "inf"/"-inf" included) and
# hex(field),hex(value) for hashes.
# Usage: ./gen.sh [strings|nochecksum|types|collections]...   (default: all)
# (needs redis-server, redis-cli, xxd, python3). The files differ on every
# run (ctime, random data): regenerate only the ones you change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

start() { # start <extra args...>
	rm -f "$tmp/dump.rdb"
	redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --daemonize yes \
		--pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" "$@"
	for _ in $(seq 50); do
		redis-cli -p "$port" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	pid=$(cat "$tmp/redis.pid")
}
stop() {
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	pid=""
}
cli() { redis-cli -p "$port" "$@"; }

# put DB KEY VALUE_HEX [EXPIRE_MS]
put() {
	local db=$1 key=$2 hex=$3 exp=${4:-0}
	printf '%s' "$hex" | xxd -r -p | cli -n "$db" -x SET "$key" >/dev/null
	if [ "$exp" != 0 ]; then cli -n "$db" PEXPIREAT "$key" "$exp" >/dev/null; fi
	printf '%s\t%s\t%s\t%s\n' "$db" "$(printf '%s' "$key" | xxd -p | tr -d '\n')" "$hex" "$exp" >>"$tmp/expected"
}
h() { printf '%s' "$1" | xxd -p | tr -d '\n'; }

write_strings() {
	: >"$tmp/expected"
	local far=4102444800000 # 2100-01-01T00:00:00Z
	for v in 0 1 -1 7 127 -128 128 -129 255 32767 -32768 32768 -32769 65535 \
		2147483647 -2147483648 2147483648 -2147483649 9223372036854775807 \
		-9223372036854775808 12345678901234567890 007 -0 +5 " 1" 1.5 12345678901; do
		put 0 "int:$v" "$(h "$v")"
	done
	put 0 empty ""
	put 0 hello "$(h hello)"
	put 0 "twenty" "$(h 01234567890123456789)"
	put 0 "twentyone" "$(h 012345678901234567890)"
	put 0 compressible "$(h "$(printf 'abcabcabc%.0s' $(seq 200))")"
	put 0 longrun "$(h "$(printf 'x%.0s' $(seq 5000))")"
	put 0 incompressible "$(head -c 300 /dev/urandom | xxd -p | tr -d '\n')"
	put 0 binary "00ff0d0a2000c3c0fe"
	put 0 "$(printf 'key\twith tab')" "$(h v)"
	put 0 ttl1 "$(h expiring)" "$far"
	put 0 ttl2 "$(h 42)" 4102444800123
	put 1 db1key "$(h one)"
	put 1 db1ttl "$(h "$(printf 'y%.0s' $(seq 100))")" "$far"
	put 5 db5key "$(h 5)"
	put 15 db15key "$(h fifteen)"
}

gen_strings() {
	start
	write_strings
	cli SAVE >/dev/null
	cp "$tmp/dump.rdb" "$here/strings.rdb"
	cp "$tmp/expected" "$here/strings.expected"
	stop
	echo "wrote strings.rdb strings.expected"
}

gen_nochecksum() {
	start --rdbchecksum no
	cli FLUSHALL >/dev/null
	put 0 a "$(h nochecksum)"
	put 0 n "$(h 12345)"
	put 2 z "$(h "$(printf 'zz%.0s' $(seq 50))")" 4102444800000
	cli SAVE >/dev/null
	cp "$tmp/dump.rdb" "$here/nochecksum.rdb"
	stop
	echo "wrote nochecksum.rdb"
}

gen_types() {
	start
	cli SET str v >/dev/null
	cli RPUSH mylist a b c >/dev/null
	cli HSET myhash f v >/dev/null
	cli SADD myset x y >/dev/null
	cli ZADD myzset 1 m >/dev/null
	cli SAVE >/dev/null
	cp "$tmp/dump.rdb" "$here/types.rdb"
	stop
	echo "wrote types.rdb"
}

# write_collections PORT EXPECTED: fills the server with the collections
# (talking RESP itself, for binary-safe values), checks that each got the
# encoding it is meant to exercise, and writes the expected values.
write_collections() {
	python3 - "$@" <<'PYEOF'
import math, random, socket, sys

port, out = int(sys.argv[1]), sys.argv[2]
sock = socket.create_connection(("127.0.0.1", port))
rd = sock.makefile("rb")

def enc(a):
    return a if isinstance(a, bytes) else str(a).encode()

def reply():
    line = rd.readline()
    t, rest = line[:1], line[1:-2]
    if t == b"-":
        raise SystemExit("redis error: " + rest.decode())
    if t == b"$":
        n = int(rest)
        return None if n < 0 else rd.read(n + 2)[:-2]
    if t == b"*":
        return [reply() for _ in range(int(rest))]
    return rest

def cmd(*args):
    args = [enc(a) for a in args]
    sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    return reply()

lines = []
def record(db, key, kind, encoding, items, expire=0):
    cmd("SELECT", db)
    got = cmd("OBJECT", "ENCODING", key).decode()
    if got != encoding:
        raise SystemExit(f"{key}: encoding {got}, want {encoding}")
    if expire:
        cmd("PEXPIREAT", key, expire)
    lines.append("\t".join([str(db), key.encode().hex(), kind, encoding, str(expire)] + items))

def rpush(db, key, elems, encoding="quicklist", expire=0):
    cmd("SELECT", db)
    for e in elems:
        cmd("RPUSH", key, e)
    record(db, key, "list", encoding, [enc(e).hex() for e in elems], expire)

def sadd(db, key, members, encoding, expire=0):
    cmd("SELECT", db)
    for m in members:
        cmd("SADD", key, m)
    record(db, key, "set", encoding, [enc(m).hex() for m in members], expire)

def zadd(db, key, pairs, encoding, expire=0):
    cmd("SELECT", db)
    for m, s in pairs:
        cmd("ZADD", key, repr(s), m)
    record(db, key, "zset", encoding, [enc(m).hex() + "," + repr(s) for m, s in pairs], expire)

def hset(db, key, pairs, encoding, expire=0):
    cmd("SELECT", db)
    for f, v in pairs:
        cmd("HSET", key, f, v)
    record(db, key, "hash", encoding, [enc(f).hex() + "," + enc(v).hex() for f, v in pairs], expire)

rng = random.Random(42)
far = 4102444800000  # 2100-01-01T00:00:00Z
# Every listpack integer width (7-bit, 13-bit, 16, 24, 32, 64) and string
# length class (6-bit, 12-bit, 32-bit), at their edges, and strings that
# look like numbers but are not in canonical form.
ints = [0, 1, -1, 127, 128, -128, 4095, -4096, 4096, -4097, 32767, -32768,
        32768, -32769, 8388607, -8388608, 8388608, 2147483647, -2147483648,
        2147483648, 9223372036854775807, -9223372036854775808]
texts = [b"", b"a", b"hello", b"007", b"-0", b"+5", b"1.5", b" 1",
         b"9223372036854775808", b"\x00\xff\r\n binary", b"x" * 63, b"y" * 64,
         b"z" * 4095, b"w" * 4096, bytes(rng.randrange(256) for _ in range(300))]

# Lists: Redis 7.0 always uses a quicklist, saved as RDB_TYPE_LIST_QUICKLIST_2.
rpush(0, "list:mixed", ints + texts)
cmd("CONFIG", "SET", "list-max-listpack-size", "4")
cmd("CONFIG", "SET", "list-compress-depth", "1")   # LZF-compressed inner nodes
rpush(0, "list:nodes", [b"element-%04d-" % i + b"abc" * 20 for i in range(30)] + list(range(10)))
cmd("CONFIG", "SET", "list-max-listpack-size", "-2")
rpush(0, "list:bignode", [b"before", b"q" * 9000, b"after"])   # > 8 KB: a node of its own
cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000")
rpush(0, "list:plain", [b"a", b"p" * 1500, bytes(rng.randrange(256) for _ in range(9000)), b"b", b"r" * 2000])
cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", str(1 << 30))
cmd("CONFIG", "SET", "list-compress-depth", "0")
rpush(3, "list:ttl", [b"x", b"y"], expire=far)

# Sets: intsets of each width, hash tables (7.0 has no set listpack).
sadd(0, "set:int16", [1, 2, 3, -5, 32767, -32768], "intset")
sadd(0, "set:int32", [1, 32768, -32769, 2147483647, -2147483648], "intset")
sadd(0, "set:int64", [0, 2147483648, -2147483649, 9223372036854775807, -9223372036854775808], "intset")
sadd(0, "set:strings", [b"a", b"b", b"", b"007", b"\x00\x01"], "hashtable")
sadd(0, "set:manyints", list(range(-300, 300)), "hashtable")   # > set-max-intset-entries
sadd(0, "set:big", [b"member:%d" % i for i in range(600)], "hashtable")
sadd(2, "set:ttl", [7, 8, 9], "intset", expire=far + 1)

# Sorted sets: listpack and skiplist (RDB_TYPE_ZSET_2, binary doubles).
scores = [0.0, 1.0, -1.0, 1.5, 0.1, -2.5e-10, 1e300, -1e-300, 5e-324, 123456789012.0,
          -4096.0, 2.0 ** 53, float("inf"), float("-inf"), 3.141592653589793]
zadd(0, "zset:small", [(b"m%d" % i, s) for i, s in enumerate(scores)] + [(b"", 7.0), (b"\xff\x00", -0.5)], "listpack")
zadd(0, "zset:big", [(b"member:%d" % i, s) for i, s in enumerate(
    scores + [rng.uniform(-1e6, 1e6) for _ in range(200)] + [float(i) for i in range(20)])], "skiplist")
zadd(0, "zset:longmember", [(b"L" * 100, 1.25), (b"short", float("-inf"))], "skiplist")
zadd(2, "zset:ttl", [(b"a", 1.0)], "listpack", expire=far + 2)

# Hashes: listpack and hash table.
hset(0, "hash:small", [(b"f%d" % i, v) for i, v in enumerate(ints + texts[:-3])] + [(b"", b"empty field"), (b"\x00", b"")], "listpack")
hset(0, "hash:big", [(b"field:%d" % i, b"value:%d" % (i * 7)) for i in range(600)], "hashtable")
hset(0, "hash:longvalue", [(b"k", b"v" * 100), (b"n", 42)], "hashtable")
hset(5, "hash:ttl", [(b"a", b"b")], "listpack", expire=far + 3)

open(out, "w").write("\n".join(lines) + "\n")
PYEOF
}

gen_collections() {
	start --enable-debug-command yes
	write_collections "$port" "$tmp/collections.expected"
	cli SAVE >/dev/null
	cp "$tmp/dump.rdb" "$here/collections.rdb"
	cp "$tmp/collections.expected" "$here/collections.expected"
	stop
	echo "wrote collections.rdb collections.expected"
}

# gen_stream: the stream fixtures
# (Redis 7.0 writes RDB_TYPE_STREAM_LISTPACKS_2, type 19).
#   stream.rdb        the streams below, in db 0
#   stream.expected   one line per key: key<TAB>pexpiretime<TAB>JSON of
#                     XINFO STREAM key FULL COUNT 0 (redis-cli --quoted-json:
#                     strings are in Redis's quoted form, without the quotes)
# Keys:
#   s:nodes    several listpack nodes (stream-node-max-entries 4), entries
#              with the master entry's fields and with others, every
#              listpack integer/string encoding, a compressible listpack
#              (LZF), a negative seq diff, XDEL of a node's first entry and
#              of the stream's first entry
#   s:trim     XTRIM MAXLEN (whole nodes and tombstones), XTRIM MINID, a TTL
#   s:groups   groups with pending entries of several consumers (XREADGROUP),
#              XACK, XCLAIM (with TIME/RETRYCOUNT), an idle consumer, a
#              pending entry whose entry was XDELed, NOACK reads, entries-read
#              known and unknown (XGROUP CREATE/SETID [ENTRIESREAD])
#   s:empty    XGROUP CREATE ... MKSTREAM: no entries, one group
#   s:emptied  every entry XDELed: no listpacks, but history and a group
#   s:xsetid   XTRIM MINID + XSETID below a tombstone, then XADD: a node whose
#              live entry is below its master ID and after a larger tombstone
gen_stream() {
	start --stream-node-max-entries 4
	q() { cli "$@" >/dev/null; }
	rep() { printf "$1%.0s" $(seq "$2"); } # rep STR N: STR repeated N times

	# s:nodes
	q XADD s:nodes 1-1 name alice age 30
	q XADD s:nodes 1-2 name bob age 25
	q XADD s:nodes 1-3 city paris
	q XADD s:nodes 1-4 name carol age -7 extra x
	q XADD s:nodes 5-10 name dave age 9223372036854775807
	q XADD s:nodes 6-1 name "" age -9223372036854775808
	q XADD s:nodes 6-2 name erin age 127
	q XADD s:nodes 7-0 name frank age 128
	q XADD s:nodes 8-0 n0 0 n1 -1 n2 -4096 n3 4095 n4 -32768 n5 8388607 n6 -2147483648 \
		n7 2147483648 n8 007 n9 1.5 n10 +5 n11 -0 n12 18446744073709551615
	q XADD s:nodes 8-1 long63 "$(rep a 63)" long64 "$(rep b 64)" long4095 "$(rep c 4095)"
	q XADD s:nodes 9-0 long4096 "$(rep xyz 2000)"
	# (No '"': redis-cli 7.0's --quoted-json leaves it unescaped.)
	printf 'bin\x00\xff\r\n\\end' | cli -x XADD s:nodes 9-1 binary >/dev/null
	q XADD s:nodes 10-0 "$(rep field 30)" v
	q XADD s:nodes 10-1 a 1 b 2 c 3 d 4 e 5 f 6 g 7 h 8 i 9 j 10 k 11 l 12 m 13 n 14 o 15 p 16
	q XDEL s:nodes 1-1 1-3 6-1 8-1

	# s:trim
	for i in $(seq 12); do q XADD s:trim "10-$i" k "v$i"; done
	q XTRIM s:trim MAXLEN 6
	q XTRIM s:trim MINID 10-8
	q PEXPIREAT s:trim 4102444800000

	# s:groups
	for i in $(seq 8); do q XADD s:groups "20-$i" item "$i" qty "$((i * 10))"; done
	q XGROUP CREATE s:groups g1 0
	q XREADGROUP GROUP g1 alice COUNT 3 STREAMS s:groups '>'
	q XREADGROUP GROUP g1 bob COUNT 2 STREAMS s:groups '>'
	q XREADGROUP GROUP g1 'carol c' COUNT 1 STREAMS s:groups '>'
	q XACK s:groups g1 20-2
	q XCLAIM s:groups g1 bob 0 20-1 TIME 1700000000000 RETRYCOUNT 7
	q XCLAIM s:groups g1 'carol c' 0 20-3
	q XREADGROUP GROUP g1 alice STREAMS s:groups 0
	q XGROUP CREATECONSUMER s:groups g1 dan
	q XDEL s:groups 20-4
	q XGROUP CREATE s:groups g2 '$'
	q XADD s:groups 20-9 item 9 qty 90
	q XREADGROUP GROUP g2 zed NOACK STREAMS s:groups '>'
	q XGROUP CREATE s:groups g3 20-5
	q XGROUP CREATE s:groups g4 0
	q XGROUP SETID s:groups g4 20-6 ENTRIESREAD 5
	q XGROUP CREATE s:groups "$(printf 'gr\xc3\xbcppe')" 0
	q XREADGROUP GROUP "$(printf 'gr\xc3\xbcppe')" "$(printf 'c\tx')" COUNT 2 STREAMS s:groups '>'

	# s:empty
	q XGROUP CREATE s:empty g '$' MKSTREAM

	# s:emptied
	q XADD s:emptied 30-1 a 1
	q XADD s:emptied 30-2 a 2
	q XGROUP CREATE s:emptied g 0
	q XREADGROUP GROUP g c STREAMS s:emptied '>'
	q XDEL s:emptied 30-1 30-2

	# s:xsetid
	q XADD s:xsetid 1-0 a 1
	q XADD s:xsetid 2-0 a 2
	q XDEL s:xsetid 2-0
	q XTRIM s:xsetid MINID 2
	q XSETID s:xsetid 0-5
	q XADD s:xsetid 0-6 b 3

	cli SAVE >/dev/null
	cp "$tmp/dump.rdb" "$here/stream.rdb"
	: >"$here/stream.expected"
	for k in s:nodes s:trim s:groups s:empty s:emptied s:xsetid; do
		printf '%s\t%s\t%s\n' "$k" "$(cli PEXPIRETIME "$k")" \
			"$(cli --quoted-json XINFO STREAM "$k" FULL COUNT 0)" >>"$here/stream.expected"
	done
	stop
	echo "wrote stream.rdb stream.expected"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(strings nochecksum types collections stream)
for t in "${targets[@]}"; do
	case "$t" in
	strings | nochecksum | types | collections | stream) "gen_$t" ;;
	*)
		echo "unknown target $t" >&2
		exit 2
		;;
	esac
done
