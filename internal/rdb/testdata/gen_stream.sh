#!/usr/bin/env bash
# Regenerates the stream fixtures in this directory from a real redis-server
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
# Usage: ./gen_stream.sh   (needs redis-server, redis-cli, python3)
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

redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --daemonize yes \
	--pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" --stream-node-max-entries 4
for _ in $(seq 50); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	sleep 0.1
done
pid=$(cat "$tmp/redis.pid")

cli() { redis-cli -p "$port" "$@"; }
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
cli shutdown nosave >/dev/null 2>&1 || true
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
pid=""
echo "wrote stream.rdb stream.expected"
