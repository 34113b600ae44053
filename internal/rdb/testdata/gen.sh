#!/usr/bin/env bash
# Regenerates the RDB fixtures in this directory from a real redis-server.
#   strings.rdb / strings.expected   every string encoding, TTLs, several DBs
#   nochecksum.rdb                   same data saved with rdbchecksum no (CRC 0)
#   types.rdb                        one string plus a list, hash, set, zset
# strings.expected has one line per key: db<TAB>hex(key)<TAB>hex(value)<TAB>expire_ms
# Usage: ./gen.sh   (needs redis-server, redis-cli, xxd)
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

start
write_strings
cli SAVE >/dev/null
cp "$tmp/dump.rdb" "$here/strings.rdb"
cp "$tmp/expected" "$here/strings.expected"
stop

start --rdbchecksum no
cli FLUSHALL >/dev/null
put 0 a "$(h nochecksum)"
put 0 n "$(h 12345)"
put 2 z "$(h "$(printf 'zz%.0s' $(seq 50))")" 4102444800000
cli SAVE >/dev/null
cp "$tmp/dump.rdb" "$here/nochecksum.rdb"
stop

start
cli SET str v >/dev/null
cli RPUSH mylist a b c >/dev/null
cli HSET myhash f v >/dev/null
cli SADD myset x y >/dev/null
cli ZADD myzset 1 m >/dev/null
cli SAVE >/dev/null
cp "$tmp/dump.rdb" "$here/types.rdb"
stop
echo "wrote strings.rdb strings.expected nochecksum.rdb types.rdb"
