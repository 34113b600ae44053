#!/usr/bin/env bash
# bench/run.sh — side-by-side benchmark of respd vs. redis-server.
#
# Throughput/latency: redis-benchmark (ping,set,get,incr,mset by default; the
# list, hash and set tests on request) at -P 1 / -P 16 and -d 3 / -d 1024,
# servers alternated over several rounds, medians reported.
# Memory: 1,000,000 SETs (14-byte keys, 16-byte values) into freshly started
# servers, RSS growth and INFO used_memory growth per key; then SAVE, BGSAVE
# and loading the RDB at a restart, timed on that data. Then seven more cases,
# each in freshly started servers: one list of 1,000,000 10-byte elements,
# 100,000 lists of 5 2-byte elements, 100,000 hashes of 10 fields, one hash of
# 1,000,000 fields, 100,000 sets of 20 integers, one sorted set of 1,000,000
# 10-byte members and 100,000 sorted sets of 10 members; and two stream
# cases: one stream of 1,000,000 entries of 3 fields, and a stream of 100,000
# entries all pending in a consumer group.
# Timed operations: SINTER / SUNIONSTORE of two 100k-member sets, HGETALL of a
# 1,000-field hash, SORT of a 10k-number list and SORT ... ALPHA LIMIT 0 10 of
# a 10k-string set and more, by redis-benchmark -c 1 on freshly loaded
# servers; a job queue's round trip through BLPOP (bench/queueloop); XRANGE
# on a 1M-entry stream, and an XREADGROUP + XACK loop (bench/streamloop).
# --streams runs only the stream parts (the xadd test
# included), --no-streams none. --tls runs only the throughput part (set and
# get by default) with redis-benchmark over TLS to each server's TLS port.
# --cache runs only a cache workload (bench/cache) under maxmemory 64mb with
# allkeys-lru and allkeys-lfu: hit rates, ops/s and RSS against maxmemory.
# --twemproxy runs only redis-benchmark through nutcracker (twemproxy) in
# front of three nodes of each server.
#
# See bench/README.md. Run `bench/run.sh --help` for options.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [--rounds N] [--quick] [options]

  --rounds N         benchmark rounds per server/config (default 3; --quick: 1)
  --quick            smaller request counts (x0.2) and 1 round: a smoke test
  --scale F          multiply every per-test request count by F (default 1)
  --respd-bin PATH   use this binary as "respd" instead of building the repo
                     (e.g. /usr/bin/redis-server to check the harness itself)
  --redis-bin PATH   reference server (default: redis-server from PATH)
  --mem-keys N       keys loaded for the SET memory test (default 1000000;
                     the list memory cases have fixed sizes)
  --no-bench         skip the throughput/latency part
  --no-mem           skip the memory, persistence and timed-operations parts
                     (everything that runs on loaded data)
  --no-ops           skip only the timed operations (SINTER, SUNIONSTORE,
                     HGETALL, SORT, ZRANGEBYSCORE, ZADD, ZUNIONSTORE,
                     GEOSEARCH, XRANGE and an XREADGROUP + XACK loop on
                     loaded data)
  --no-pubsub        skip the Pub/Sub part (bench/pubsub: PUBLISH to 1, 100
                     and 1,000 subscribers of a channel or a pattern)
  --streams          run only the stream parts: --tests xadd (unless --tests
                     says otherwise), the two stream memory cases and the
                     three stream timed operations; no SET memory,
                     persistence, other memory cases or operations, Pub/Sub
  --no-streams       skip the stream memory cases and timed operations
  --keep             keep the temp dir (raw CSVs, logs, summary.csv)
  --tests "T ..."    redis-benchmark tests to run (default: ping set get incr mset)
                     also: lpush rpush lpop rpop lrange_100 lrange_300
                     lrange_500 lrange_600, e.g. --tests "lpush rpush lpop
                     rpop lrange_100 lrange_300 lrange_600"; hset sadd
                     spop (myhash / myset; spop pops from a pre-filled set);
                     zadd zpopmin (myzset; zpopmin pops from a pre-filled
                     sorted set); xadd (XADD mystream * myfield <-d bytes>,
                     a command line: redis-benchmark 7.0 has no xadd test);
                     evalsha evalsha10 (EVALSHA of a script doing one INCR,
                     or ten); pfadd pfcount (PFADD myhll <random>; PFCOUNT
                     of myhll pre-filled with 100,000 elements)
  --respd-args "A"   extra flags for respd only, e.g. --respd-args "--io-engine redcon"
  --server-args "A"  extra flags for both servers, e.g. for the AOF:
                     --server-args "--appendonly yes --appendfsync always"
  --replica          give each server a replica of its own kind during the
                     throughput part (pinned with the servers, on CPU 0: the
                     replica's work counts as the write's cost)
  --cache            only the cache workload (bench/cache): maxmemory 64mb,
                     allkeys-lru and allkeys-lfu, 1,000,000 SETs of 1 KiB
                     values and as many GETs, keys Zipf-distributed over 2M
                     keys, a missed GET filled by a SET; hit rates, ops/s,
                     max RSS against maxmemory (default 1 round)
  --twemproxy        only redis-benchmark -t set,get,incr -r 100000 at -P 1
                     and -P 16 through nutcracker (twemproxy: ketama over
                     fnv1a_64, redis: true) in front of three respd nodes,
                     and in front of three redis-server nodes
  --tls              only the throughput part, over TLS: each server gets a
                     TLS port (certificates made with openssl, ECDSA P-256,
                     tls-auth-clients yes) and redis-benchmark --tls measures
                     there; --tests defaults to "set get"
  -h, --help         this text

Servers are pinned to CPU 0, redis-benchmark / loaders to CPU 1.
EOF
}

# ---------------------------------------------------------------- options
ROUNDS=""
SCALE=1
QUICK=0
RESPD_BIN=""
REDIS_BIN="$(command -v redis-server || true)"
MEM_KEYS=1000000
DO_BENCH=1
DO_MEM=1
DO_OPS=1
DO_PUBSUB=1
KEEP=0
TESTS=(ping set get incr mset)
TESTS_GIVEN=0
STREAMS=all         # all: stream cases with the others; only: --streams; none: --no-streams
SERVER_ARGS=()
RESPD_ARGS=()
REPLICA=0
TLS=0
DO_CACHE=0
DO_TWEMPROXY=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds|--scale|--respd-bin|--redis-bin|--mem-keys|--tests|--server-args|--respd-args)
            [[ $# -ge 2 ]] || { echo "$1 needs a value" >&2; exit 2; } ;;&
        --rounds)    ROUNDS="$2"; shift 2 ;;
        --quick)     QUICK=1; shift ;;
        --scale)     SCALE="$2"; shift 2 ;;
        --respd-bin) RESPD_BIN="$2"; shift 2 ;;
        --redis-bin) REDIS_BIN="$2"; shift 2 ;;
        --mem-keys)  MEM_KEYS="$2"; shift 2 ;;
        --no-bench)  DO_BENCH=0; shift ;;
        --no-mem)    DO_MEM=0; DO_OPS=0; shift ;;
        --no-ops)    DO_OPS=0; shift ;;
        --no-pubsub) DO_PUBSUB=0; shift ;;
        --keep)      KEEP=1; shift ;;
        --tests)     read -r -a TESTS <<<"${2//,/ }"; TESTS_GIVEN=1; shift 2 ;;
        --streams)   STREAMS=only; shift ;;
        --no-streams) STREAMS=none; shift ;;
        --server-args) read -r -a SERVER_ARGS <<<"$2"; shift 2 ;;
        --respd-args)  read -r -a RESPD_ARGS <<<"$2"; shift 2 ;;
        --replica)   REPLICA=1; shift ;;
        --tls)       TLS=1; shift ;;
        --cache)     DO_CACHE=1; shift ;;
        --twemproxy) DO_TWEMPROXY=1; shift ;;
        -h|--help)   usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ $QUICK == 1 ]]; then
    SCALE=$(python3 -c "print($SCALE * 0.2)")
    ROUNDS=${ROUNDS:-1}
fi
if [[ $DO_CACHE == 1 ]]; then
    DO_BENCH=0; DO_MEM=0; DO_OPS=0; DO_PUBSUB=0; STREAMS=none
    ROUNDS=${ROUNDS:-1}
fi
if [[ $DO_TWEMPROXY == 1 ]]; then
    DO_BENCH=0; DO_MEM=0; DO_OPS=0; DO_PUBSUB=0; STREAMS=none
fi
ROUNDS=${ROUNDS:-3}
if [[ $STREAMS == only ]]; then
    [[ $TESTS_GIVEN == 1 ]] || TESTS=(xadd)
    DO_PUBSUB=0
fi
if [[ $TLS == 1 ]]; then
    [[ $TESTS_GIVEN == 1 ]] || TESTS=(set get)
    DO_MEM=0; DO_OPS=0; DO_PUBSUB=0; STREAMS=none
fi

# Requests per test, chosen for ~1-2 s per test on one pinned core (redis 7.0);
# multiplied by --scale. Each test gets its own redis-benchmark invocation so
# that fast tests (PING at -P 16) and slow ones (MSET) both run long enough.
# A "test/1024" entry overrides "test" at -d 1024: LRANGE replies carry N
# elements of -d bytes each, so at -d 1024 they are bound by bytes, not
# requests (LRANGE_600 sends ~600 KB per reply), and run ~10x fewer per second.
declare -A N_P1=([ping]=200000 [set]=250000 [get]=250000 [incr]=250000 [mset]=100000
    [lpush]=250000 [rpush]=250000 [lpop]=250000 [rpop]=250000
    [hset]=250000 [sadd]=250000 [spop]=250000 [zadd]=250000 [zpopmin]=250000
    [xadd]=200000 [xadd/1024]=200000
    [evalsha]=200000 [evalsha10]=150000 [pfadd]=250000 [pfcount]=250000
    [lrange_100]=100000 [lrange_300]=60000 [lrange_500]=45000 [lrange_600]=40000
    [lrange_100/1024]=30000 [lrange_300/1024]=7000 [lrange_500/1024]=4000
    [lrange_600/1024]=3000)
declare -A N_P16=([ping]=3000000 [set]=1000000 [get]=1000000 [incr]=1500000 [mset]=150000
    [lpush]=1000000 [rpush]=1000000 [lpop]=1000000 [rpop]=1000000
    [hset]=1000000 [sadd]=1000000 [spop]=1000000 [zadd]=1000000 [zpopmin]=1000000
    [xadd]=1500000 [xadd/1024]=600000
    [evalsha]=600000 [evalsha10]=250000 [pfadd]=1000000 [pfcount]=1000000
    [lrange_100]=300000 [lrange_300]=100000 [lrange_500]=50000 [lrange_600]=40000
    [lrange_100/1024]=15000 [lrange_300/1024]=2000 [lrange_500/1024]=1200
    [lrange_600/1024]=1000)

n_for() {  # pipeline test datasize
    local base key=$2
    [[ -n ${N_P1[$2/$3]:-} ]] && key=$2/$3
    if [[ $1 == 1 ]]; then base=${N_P1[$key]}; else base=${N_P16[$key]}; fi
    python3 -c "print(max(1000, int($base * $SCALE)))"
}

for t in "${TESTS[@]}"; do
    if [[ -z ${N_P1[$t]:-} ]]; then
        echo "unknown test for --tests: $t (known:" \
            "$(printf '%s\n' "${!N_P1[@]}" | grep -v / | sort | tr '\n' ' '| sed 's/ $//'))" >&2
        exit 2
    fi
done

for tool in redis-benchmark redis-cli python3 taskset; do
    command -v "$tool" >/dev/null || { echo "missing required tool: $tool" >&2; exit 1; }
done
[[ -x "$REDIS_BIN" ]] || { echo "redis-server not found (use --redis-bin)" >&2; exit 1; }
if [[ $DO_TWEMPROXY == 1 ]]; then
    command -v nutcracker >/dev/null || { echo "missing required tool for --twemproxy: nutcracker" >&2; exit 1; }
fi
if [[ $TLS == 1 ]]; then
    command -v openssl >/dev/null || { echo "missing required tool for --tls: openssl" >&2; exit 1; }
    redis-benchmark --help 2>&1 | grep -q -- '--tls' \
        || { echo "redis-benchmark was built without TLS (--tls)" >&2; exit 1; }
fi

# CPU pinning: servers on core 0, load generator on core 1.
if [[ $(nproc) -ge 2 ]]; then
    PIN_SRV=(taskset -c 0)
    PIN_CLI=(taskset -c 1)
else
    echo "warning: fewer than 2 CPUs, running without pinning" >&2
    PIN_SRV=()
    PIN_CLI=()
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/respd-bench.XXXXXX")"
declare -A PID=()   # server name -> pid of running servers

cleanup() {
    local pid
    for pid in "${PID[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PID[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ $KEEP == 1 ]]; then
        echo "kept temp dir: $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Other work on the machine skews everything; note it up front (sampled before
# our own build / servers add load).
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
if python3 -c "import sys; sys.exit(0 if $LOAD_START > 0.5 else 1)"; then
    echo "warning: 1-min load average is $LOAD_START before start;" \
         "other processes will add noise to the results" >&2
fi

# ---------------------------------------------------------------- binaries
if [[ -z "$RESPD_BIN" ]]; then
    log "building respd from $ROOT"
    if ! (cd "$ROOT" && go build -o "$TMP/respd" .) >"$TMP/build.log" 2>&1; then
        cat "$TMP/build.log" >&2
        echo "go build failed; use --respd-bin PATH to benchmark another binary" >&2
        exit 1
    fi
    RESPD_BIN="$TMP/respd"
fi
[[ -x "$RESPD_BIN" ]] || { echo "not executable: $RESPD_BIN" >&2; exit 1; }
log "respd = $RESPD_BIN"
if [[ $DO_PUBSUB == 1 ]]; then
    if ! (cd "$ROOT" && go build -o "$TMP/pubsubbench" ./bench/pubsub) >"$TMP/build-pubsub.log" 2>&1; then
        cat "$TMP/build-pubsub.log" >&2
        exit 1
    fi
fi
if [[ $DO_OPS == 1 && $STREAMS != none ]]; then
    if ! (cd "$ROOT" && go build -o "$TMP/streamloop" ./bench/streamloop) >"$TMP/build-streamloop.log" 2>&1; then
        cat "$TMP/build-streamloop.log" >&2
        exit 1
    fi
fi
if [[ $DO_OPS == 1 && $STREAMS != only ]]; then
    if ! (cd "$ROOT" && go build -o "$TMP/queueloop" ./bench/queueloop) >"$TMP/build-queueloop.log" 2>&1; then
        cat "$TMP/build-queueloop.log" >&2
        exit 1
    fi
fi
if [[ $DO_CACHE == 1 ]]; then
    if ! (cd "$ROOT" && go build -o "$TMP/cachebench" ./bench/cache) >"$TMP/build-cache.log" 2>&1; then
        cat "$TMP/build-cache.log" >&2
        exit 1
    fi
fi
log "redis = $REDIS_BIN ($("$REDIS_BIN" --version | head -1))"

# ---------------------------------------------------------------- ports
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {  # start [port-to-avoid]
    local p=$1
    while port_busy "$p" || [[ $p == "${2:-}" ]]; do
        p=$((p + 1))
        [[ $p -lt 17000 ]] || { echo "no free port found" >&2; return 1; }
    done
    echo "$p"
}
PORT_REDIS=$(pick_port 16379)
PORT_RESPD=$(pick_port 16380 "$PORT_REDIS")
log "ports: redis=$PORT_REDIS respd=$PORT_RESPD"

declare -A BIN=([redis]="$REDIS_BIN" [respd]="$RESPD_BIN"
              [redis-replica]="$REDIS_BIN" [respd-replica]="$RESPD_BIN")
declare -A PORT=([redis]="$PORT_REDIS" [respd]="$PORT_RESPD")
if [[ $REPLICA == 1 ]]; then
    PORT[redis-replica]=$(pick_port 17100)
    PORT[respd-replica]=$(pick_port 17101 "${PORT[redis-replica]}")
fi

# ---------------------------------------------------------------- TLS
# With --tls, a CA and a certificate for 127.0.0.1 serving as both the
# servers' and redis-benchmark's; each server gets a TLS port beside its
# plain one (which the checks and fills keep using).
declare -A TLS_PORT=()
TLS_SERVER_ARGS=()
TLS_CLIENT_ARGS=()
if [[ $TLS == 1 ]]; then
    mkdir -p "$TMP/tls"
    (
        cd "$TMP/tls"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj /CN=bench-ca -keyout ca.key -out ca.crt
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj /CN=127.0.0.1 -keyout server.key -out server.csr
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile ext -out server.crt
    ) >"$TMP/tls/openssl.log" 2>&1 || { cat "$TMP/tls/openssl.log" >&2; exit 1; }
    TLS_PORT[redis]=$(pick_port 16479)
    TLS_PORT[respd]=$(pick_port 16480 "${TLS_PORT[redis]}")
    log "TLS ports: redis=${TLS_PORT[redis]} respd=${TLS_PORT[respd]}"
    TLS_SERVER_ARGS=(--tls-cert-file "$TMP/tls/server.crt" --tls-key-file "$TMP/tls/server.key"
        --tls-ca-cert-file "$TMP/tls/ca.crt")
    TLS_CLIENT_ARGS=(--tls --cacert "$TMP/tls/ca.crt" --cert "$TMP/tls/server.crt"
        --key "$TMP/tls/server.key")
fi

# ---------------------------------------------------------------- server control
start_server() {  # name [flags...]
    local name=$1 port=${PORT[$1]}
    shift
    [[ $name == respd* ]] && set -- "${RESPD_ARGS[@]}" "$@"
    [[ -n ${TLS_PORT[$name]:-} ]] && set -- --tls-port "${TLS_PORT[$name]}" "${TLS_SERVER_ARGS[@]}" "$@"
    mkdir -p "$TMP/run-$name"
    (cd "$TMP/run-$name" && exec "${PIN_SRV[@]}" "${BIN[$name]}" \
        --port "$port" --save '' --appendonly no "${SERVER_ARGS[@]}" "$@") >>"$TMP/$name.log" 2>&1 &
    PID[$name]=$!
    for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
            return 0
        fi
        if ! kill -0 "${PID[$name]}" 2>/dev/null; then
            echo "$name exited during startup; log:" >&2
            tail -20 "$TMP/$name.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "$name did not answer PING on port $port within 10s" >&2
    exit 1
}

# start_replica gives server name a replica of the same kind and waits for
# the link to be up.
start_replica() {  # name
    local name=$1
    start_server "$name-replica" \
        --replicaof 127.0.0.1 "${PORT[$name]}" --repl-diskless-sync-delay 0
    for _ in $(seq 1 100); do
        if redis-cli -p "${PORT[$name-replica]}" info replication | grep -q 'master_link_status:up'; then
            return 0
        fi
        sleep 0.1
    done
    echo "$name-replica did not sync within 10s" >&2
    exit 1
}

stop_server() {  # name
    local name=$1 pid=${PID[$1]:-}
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PID[$name]"
}

check_alive() {  # name
    if ! kill -0 "${PID[$1]}" 2>/dev/null; then
        echo "$1 died; last log lines:" >&2
        tail -20 "$TMP/$1.log" >&2
        exit 1
    fi
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
used_memory() {  # port -> bytes, or empty if INFO memory does not report it
    redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' \
        | awk -F: '$1 == "used_memory" {print $2}' || true
}

# ---------------------------------------------------------------- throughput / latency
card() {  # port command key -> LLEN/HLEN/SCARD/ZCARD of key, or -1 if the reply is not a number
    local v
    v=$(redis-cli -p "$1" "$2" "$3" 2>/dev/null | tr -d '\r' || true)
    [[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo -1
}

# distinct_want n -> the number of distinct fields/members that n requests with
# -r 100000 write at least (99 % of the expected K*(1-(1-1/K)^n), K = 100000).
distinct_want() {
    python3 -c "K = 100000; print(int(0.99 * K * (1 - (1 - 1 / K) ** $1)))"
}

# short_key records that a test ran on a key holding fewer (or, after spop,
# other) elements than it should (pops answering nil, LRANGE returning fewer
# elements than its name says, writes that did not land); the report marks
# the row <name>:<marker>.
short_key() {  # name P d round test marker message
    echo "warning: $1 -t $5 -P $2 -d $3 (round $4): $7" >&2
    echo "$1 $2 $3 $4 $5 $6" >>"$TMP/results/short.txt"
}

# The list tests all work on redis-benchmark's one key, mylist; hset on
# myhash (HSET myhash element:__rand_int__ <-d bytes>), sadd and spop on myset
# (SADD myset element:__rand_int__; SPOP myset), zadd and zpopmin on myzset
# (ZADD myzset __rand_int__ element:__rand_int__; ZPOPMIN myzset), xadd on
# mystream (XADD mystream * myfield <-d bytes>: redis-benchmark 7.0 has no
# xadd test, so the script sends it as a command line). Each starts from a
# known key and the key is deleted after it (at -d 1024 a push test leaves ~1 GB behind):
#   lpush/rpush   start from an empty list.
#   lpop/rpop     start from a list of >= n elements of -d bytes, filled by a
#                 redis-benchmark RPUSH run at -P 16 (not timed), so that every
#                 pop returns an element rather than nil.
#   lrange_N      redis-benchmark itself first pushes n elements ("LPUSH
#                 (needed to benchmark LRANGE)", a row the report leaves out);
#                 the list is checked to hold >= N elements afterwards.
#   hset/sadd/zadd  start from an empty hash / set / sorted set.
#   xadd          starts from an empty stream.
#   spop/zpopmin  start from a set / sorted set of >= n members, filled by a
#                 redis-benchmark SADD / ZADD run at -P 16 (not timed) with
#                 -r 1000000000 and 2 % + 1000 more requests than n (-r 100000
#                 could not give n distinct members; at 1e9 about n^2/2e9
#                 repeat), so that every pop returns a member rather than nil;
#                 afterwards the key must hold exactly n fewer.
# After lpush/rpush the list is checked to hold >= n elements, after xadd the
# stream exactly n entries (XLEN; else SHORT-STREAM); after hset, sadd and
# zadd the key must hold >= 99 % of the distinct fields/members that n
# requests with -r 100000 are expected to write.
bench_one() {  # name pipeline datasize round
    local name=$1 P=$2 d=$3 r=$4 port=${PORT[$1]} t n len want key marker what fill count tcmd
    local out="$TMP/results/${name}_P${P}_d${d}_r${r}.csv"
    # where the timed runs connect: the plain port, or with --tls the TLS one
    local target=(-p "$port")
    [[ $TLS == 0 ]] || target=(-p "${TLS_PORT[$name]}" "${TLS_CLIENT_ARGS[@]}")
    redis-cli -p "$port" flushall >/dev/null 2>&1 || true
    : >"$out"
    for t in "${TESTS[@]}"; do
        n=$(n_for "$P" "$t" "$d")
        case $t in
            lpush|rpush|lpop|rpop|lrange_*) key=mylist ;;
            hset)      key=myhash ;;
            sadd|spop) key=myset ;;
            zadd|zpopmin) key=myzset ;;
            xadd)      key=mystream ;;
            evalsha*)  key=counter ;;
            pf*)       key=myhll ;;
            *)         key="" ;;
        esac
        [[ -z $key ]] || redis-cli -p "$port" del "$key" >/dev/null 2>&1 || true
        case $t in
            lpop|rpop)
                timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "$port" -t rpush \
                    -c 50 -n "$n" -P 16 -d "$d" -q >/dev/null 2>>"$TMP/benchmark.err" || true
                len=$(card "$port" llen mylist)
                (( len >= n )) || short_key "$name" "$P" "$d" "$r" "$t" SHORT-LIST \
                    "LLEN mylist = $len before the test, wanted >= $n" ;;
            spop|zpopmin)
                if [[ $t == spop ]]; then
                    fill=sadd; count=scard; marker=SHORT-SET
                else
                    fill=zadd; count=zcard; marker=SHORT-ZSET
                fi
                timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "$port" -t "$fill" \
                    -r 1000000000 -c 50 -n $((n + n / 50 + 1000)) -P 16 -q \
                    >/dev/null 2>>"$TMP/benchmark.err" || true
                len=$(card "$port" "$count" "$key")
                (( len >= n )) || short_key "$name" "$P" "$d" "$r" "$t" "$marker" \
                    "${count^^} $key = $len before the test, wanted >= $n" ;;
        esac
        # redis-benchmark 7.0 has no xadd, evalsha or pf* tests: their
        # commands are sent as a command line (after the options), XADD's
        # with a value of -d bytes
        case $t in
            xadd)
                tcmd=(XADD mystream '*' myfield "$(printf "%${d}s" '' | tr ' ' x)") ;;
            evalsha|evalsha10)
                local body="return redis.call('INCR', KEYS[1])"
                [[ $t == evalsha ]] || body="for i = 1, 10 do redis.call('INCR', KEYS[1]) end return 1"
                tcmd=(EVALSHA "$(redis-cli -p "$port" script load "$body")" 1 counter) ;;
            pfadd)
                tcmd=(PFADD myhll __rand_int__) ;;
            pfcount)
                redis-cli -p "$port" eval "for i = 1, 100000, 1000 do local t = {} for j = i, i + 999 do t[#t + 1] = j end redis.call('PFADD', KEYS[1], unpack(t)) end" 1 myhll >/dev/null
                tcmd=(PFCOUNT myhll) ;;
            *)
                tcmd=(-t "$t") ;;
        esac
        if ! timeout 300 "${PIN_CLI[@]}" redis-benchmark "${target[@]}" \
                -r 100000 -c 50 -n "$n" -P "$P" -d "$d" --csv "${tcmd[@]}" \
                >"$out.part" 2>>"$TMP/benchmark.err"; then
            echo "warning: redis-benchmark failed: $name -t $t -P $P -d $d (round $r)" >&2
            tail -3 "$out.part" "$TMP/benchmark.err" >&2 || true
        fi
        grep -v '^"test"' "$out.part" >>"$out" || true
        check_alive "$name"
        case $t in
            lpush|rpush|lrange_*)
                if [[ $t == lrange_* ]]; then want=${t#lrange_}; else want=$n; fi
                len=$(card "$port" llen mylist)
                (( len >= want )) || short_key "$name" "$P" "$d" "$r" "$t" SHORT-LIST \
                    "LLEN mylist = $len, wanted >= $want" ;;
            hset|sadd|zadd)
                want=$(distinct_want "$n")
                case $t in
                    hset) len=$(card "$port" hlen myhash); marker=SHORT-HASH; what="HLEN myhash" ;;
                    sadd) len=$(card "$port" scard myset); marker=SHORT-SET; what="SCARD myset" ;;
                    zadd) len=$(card "$port" zcard myzset); marker=SHORT-ZSET; what="ZCARD myzset" ;;
                esac
                (( len >= want )) || short_key "$name" "$P" "$d" "$r" "$t" "$marker" \
                    "$what = $len, wanted >= $want" ;;
            spop|zpopmin)
                # len still holds SCARD / ZCARD before the test
                want=$(( len > n ? len - n : 0 ))
                len=$(card "$port" "$count" "$key")
                (( len == want )) || short_key "$name" "$P" "$d" "$r" "$t" "${t^^}-COUNT" \
                    "${count^^} $key = $len after $n pops, wanted $want" ;;
            xadd)
                len=$(card "$port" xlen mystream)
                (( len == n )) || short_key "$name" "$P" "$d" "$r" "$t" SHORT-STREAM \
                    "XLEN mystream = $len after $n XADDs, wanted $n" ;;
        esac
        [[ -z $key ]] || redis-cli -p "$port" del "$key" >/dev/null 2>&1 || true
    done
    rm -f "$out.part"
}

if [[ $DO_BENCH == 1 ]]; then
    mkdir -p "$TMP/results"
    start_server redis
    start_server respd
    if [[ $REPLICA == 1 ]]; then
        start_replica redis
        start_replica respd
    fi
    log "benchmark: $ROUNDS round(s), scale $SCALE"
    for r in $(seq 1 "$ROUNDS"); do
        # alternate which server goes first so slow drift hits both equally
        if (( r % 2 )); then order=(redis respd); else order=(respd redis); fi
        for P in 1 16; do
            for d in 3 1024; do
                for name in "${order[@]}"; do
                    log "round $r/$ROUNDS  -P $P -d $d  $name"
                    bench_one "$name" "$P" "$d" "$r"
                done
            done
        done
    done
    stop_server redis
    stop_server respd
    if [[ $REPLICA == 1 ]]; then
        stop_server redis-replica
        stop_server respd-replica
    fi
fi

# ---------------------------------------------------------------- memory
if [[ $DO_MEM == 1 ]]; then
    # The SET case and its persistence (not with --streams).
    if [[ $STREAMS != only ]]; then
        log "memory: generating $MEM_KEYS SET commands"
        # RESP for SET key:%010d %016d  (14-byte keys, 16-byte values)
        python3 - "$MEM_KEYS" >"$TMP/load.resp" <<'PY'
import sys
n = int(sys.argv[1])
w = sys.stdout.buffer.write
for i in range(1, n + 1):
    w(b"*3\r\n$3\r\nSET\r\n$14\r\nkey:%010d\r\n$16\r\n%016d\r\n" % (i, i))
PY
        : >"$TMP/memory.txt"
        : >"$TMP/persist.txt"
        for name in redis respd; do
            port=${PORT[$name]}
            start_server "$name"          # fresh process: clean baseline
            redis-cli -p "$port" flushall >/dev/null 2>&1 || true
            sleep 0.5
            base_rss=$(rss_kb "${PID[$name]}")
            base_used=$(used_memory "$port")
            log "memory: loading $name"
            if ! "${PIN_CLI[@]}" redis-cli -p "$port" --pipe <"$TMP/load.resp" \
                    >"$TMP/pipe-$name.log" 2>&1; then
                echo "warning: redis-cli --pipe reported errors for $name:" >&2
                tail -3 "$TMP/pipe-$name.log" >&2
            fi
            check_alive "$name"
            sleep 1                         # let background work (GC etc.) settle
            dbsize=$(redis-cli -p "$port" dbsize 2>/dev/null | tr -d '\r' || true)
            [[ $dbsize =~ ^[0-9]+$ ]] || dbsize=-1
            rss=$(rss_kb "${PID[$name]}")
            used=$(used_memory "$port")
            echo "$name $dbsize $base_rss $rss ${base_used:-NA} ${used:-NA}" >>"$TMP/memory.txt"
            # Persistence of the same data: SAVE, BGSAVE to completion, and
            # loading the file at a restart (the time the server logs).
            log "persistence: $name"
            t0=$(date +%s.%N)
            redis-cli -p "$port" save >/dev/null
            t1=$(date +%s.%N)
            redis-cli -p "$port" bgsave >/dev/null
            until redis-cli -p "$port" info persistence | grep -q '^rdb_bgsave_in_progress:0'; do
                sleep 0.01
            done
            t2=$(date +%s.%N)
            stop_server "$name"
            start_server "$name"
            load=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$TMP/$name.log" | tail -1 | awk '{print $5}')
            dbsize=$(redis-cli -p "$port" dbsize 2>/dev/null | tr -d '\r' || true)
            echo "$name $(python3 -c "print($t1 - $t0, $t2 - $t1)") ${load:-NA} ${dbsize:--1}" \
                "$(stat -c %s "$TMP/run-$name/dump.rdb")" >>"$TMP/persist.txt"
            stop_server "$name"
        done
    fi

    # Lists, hashes and sets, each case in freshly started servers, measured
    # like the SETs:
    #   biglist  one list of 1,000,000 10-byte elements (e:%08d), RPUSHed
    #            1,000 per command;
    #   small    100,000 lists list:%06d of 5 2-byte elements (a1 .. e5);
    #   hashes   100,000 hashes h:%06d of 10 fields f0 .. f9 with 10-byte
    #            values (v<field>:%07d, one HSET per hash);
    #   bighash  one hash of 1,000,000 fields f:%07d with 10-byte values
    #            (v:%08d), HSET 1,000 pairs per command;
    #   intsets  100,000 sets s:%06d of 20 distinct integers (i + j*100000,
    #            j = 0..19: up to 7 digits, 32-bit entries in Redis's intset),
    #            one SADD per set;
    #   bigzset  one sorted set of 1,000,000 members m:%08d scored i (a
    #            skiplist), ZADD 1,000 pairs per command;
    #   zsets    100,000 sorted sets z:%06d of 10 members m<j>:%07d scored j
    #            (listpacks), one ZADD per sorted set.
    # The strings are not number-like, so neither server stores them as
    # integers; the sets' members and the scores are. And two stream cases
    # (not with --no-streams), each entry XADDed with its own id i-0 (one a
    # millisecond, as a server's clock would give, and the same in both
    # servers) and 3 fields, f1 <i> f2 v2:%07d f3 v3:%07d (an integer, then
    # two 10-byte strings):
    #   bigstream  one stream of 1,000,000 entries;
    #   groups     one stream gs of 100,000 entries, then a consumer group g
    #              (XGROUP CREATE gs g 0) whose consumer c1 reads them all
    #              (XREADGROUP GROUP g c1 COUNT 1000 STREAMS gs >, 100 times)
    #              and acknowledges none: 100,000 pending entries. Measured
    #              after the XADDs too, so that groups-pel is the group's own
    #              growth (its PEL and the consumer's).
    MEM_CASES=()
    [[ $STREAMS == only ]] || MEM_CASES+=(biglist small hashes bighash intsets bigzset zsets)
    [[ $STREAMS == none ]] || MEM_CASES+=(bigstream groups)
    if [[ $STREAMS != none ]]; then
        log "memory: generating the stream cases"
        python3 - "$TMP" <<'PY'
import os, sys
tmp = sys.argv[1]

def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

def xadds(f, key, n):
    for i in range(1, n + 1):
        f.write(cmd(b"XADD", key, b"%d-0" % i, b"f1", b"%d" % i,
                    b"f2", b"v2:%07d" % i, b"f3", b"v3:%07d" % i))

with open(os.path.join(tmp, "load-bigstream.resp"), "wb") as f:
    xadds(f, b"bigstream", 1000000)
with open(os.path.join(tmp, "load-groups.resp"), "wb") as f:
    xadds(f, b"gs", 100000)
with open(os.path.join(tmp, "load-groups-2.resp"), "wb") as f:
    f.write(cmd(b"XGROUP", b"CREATE", b"gs", b"g", b"0"))
    for _ in range(100):
        f.write(cmd(b"XREADGROUP", b"GROUP", b"g", b"c1", b"COUNT", b"1000",
                    b"STREAMS", b"gs", b">"))
PY
    fi
    if [[ $STREAMS != only ]]; then
        log "memory: generating the list, hash, set and sorted set cases"
        python3 - "$TMP" <<'PY'
import os, sys
tmp = sys.argv[1]

def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

with open(os.path.join(tmp, "load-biglist.resp"), "wb") as f:
    for b in range(1000):
        f.write(b"*1002\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n")
        f.write(b"".join(b"$10\r\ne:%08d\r\n" % (b * 1000 + i) for i in range(1, 1001)))
with open(os.path.join(tmp, "load-small.resp"), "wb") as f:
    f.write(b"".join(
        b"*7\r\n$5\r\nRPUSH\r\n$11\r\nlist:%06d\r\n"
        b"$2\r\na1\r\n$2\r\nb2\r\n$2\r\nc3\r\n$2\r\nd4\r\n$2\r\ne5\r\n" % i
        for i in range(100000)))
with open(os.path.join(tmp, "load-hashes.resp"), "wb") as f:
    for i in range(100000):
        args = [b"HSET", b"h:%06d" % i]
        for j in range(10):
            args += [b"f%d" % j, b"v%d:%07d" % (j, i)]
        f.write(cmd(*args))
with open(os.path.join(tmp, "load-bighash.resp"), "wb") as f:
    for b in range(1000):
        args = [b"HSET", b"bighash"]
        for i in range(b * 1000, b * 1000 + 1000):
            args += [b"f:%07d" % i, b"v:%08d" % i]
        f.write(cmd(*args))
with open(os.path.join(tmp, "load-intsets.resp"), "wb") as f:
    for i in range(100000):
        f.write(cmd(b"SADD", b"s:%06d" % i, *(b"%d" % (i + j * 100000) for j in range(20))))
with open(os.path.join(tmp, "load-bigzset.resp"), "wb") as f:
    for b in range(1000):
        args = [b"ZADD", b"bigzset"]
        for i in range(b * 1000, b * 1000 + 1000):
            args += [b"%d" % i, b"m:%08d" % i]
        f.write(cmd(*args))
with open(os.path.join(tmp, "load-zsets.resp"), "wb") as f:
    for i in range(100000):
        args = [b"ZADD", b"z:%06d" % i]
        for j in range(10):
            args += [b"%d" % j, b"m%d:%07d" % (j, i)]
        f.write(cmd(*args))
PY
    fi
    # content check per case: command and key whose length must match
    declare -A CHECK=([biglist]="llen biglist" [small]="llen list:099999"
        [hashes]="hlen h:099999" [bighash]="hlen bighash" [intsets]="scard s:099999"
        [bigzset]="zcard bigzset" [zsets]="zcard z:099999" [bigstream]="xlen bigstream"
        [groups]="xlen gs")
    : >"$TMP/memory-cases.txt"
    for mcase in "${MEM_CASES[@]}"; do
        for name in redis respd; do
            port=${PORT[$name]}
            # the SET case's SAVE left a dump.rdb in the server's dir: a
            # server would load it at start, and its baseline would count
            # 1M keys that FLUSHALL frees during the measurement
            rm -f "$TMP/run-$name/dump.rdb"
            start_server "$name"
            redis-cli -p "$port" flushall >/dev/null 2>&1 || true
            sleep 0.5
            base_rss=$(rss_kb "${PID[$name]}")
            base_used=$(used_memory "$port")
            log "memory: loading $mcase into $name"
            if ! "${PIN_CLI[@]}" redis-cli -p "$port" --pipe <"$TMP/load-$mcase.resp" \
                    >"$TMP/pipe-$mcase-$name.log" 2>&1; then
                echo "warning: redis-cli --pipe reported errors for $mcase on $name:" >&2
                tail -3 "$TMP/pipe-$mcase-$name.log" >&2
            fi
            check_alive "$name"
            sleep 1
            # groups: the stream measured, then the consumer group's reads
            if [[ -f $TMP/load-$mcase-2.resp ]]; then
                mid_rss=$(rss_kb "${PID[$name]}")
                mid_used=$(used_memory "$port")
                if ! "${PIN_CLI[@]}" redis-cli -p "$port" --pipe <"$TMP/load-$mcase-2.resp" \
                        >"$TMP/pipe-$mcase-2-$name.log" 2>&1; then
                    echo "warning: redis-cli --pipe reported errors for $mcase (2) on $name:" >&2
                    tail -3 "$TMP/pipe-$mcase-2-$name.log" >&2
                fi
                check_alive "$name"
                sleep 1
            fi
            dbsize=$(redis-cli -p "$port" dbsize 2>/dev/null | tr -d '\r' || true)
            [[ $dbsize =~ ^[0-9]+$ ]] || dbsize=-1
            # elements: LLEN/HLEN/SCARD/ZCARD/XLEN of the one key, or of the last key
            read -r -a check <<<"${CHECK[$mcase]}"
            len=$(card "$port" "${check[@]}")
            rss=$(rss_kb "${PID[$name]}")
            used=$(used_memory "$port")
            echo "$mcase $name $dbsize $len $base_rss $rss ${base_used:-NA} ${used:-NA}" \
                >>"$TMP/memory-cases.txt"
            if [[ $mcase == groups ]]; then
                # the pending count: XPENDING's summary starts with it
                pending=$(redis-cli -p "$port" xpending gs g 2>/dev/null | head -1 | tr -d '\r' || true)
                [[ $pending =~ ^[0-9]+$ ]] || pending=-1
                echo "groups-pel $name $dbsize $pending $mid_rss $rss ${mid_used:-NA} ${used:-NA}" \
                    >>"$TMP/memory-cases.txt"
            fi
            stop_server "$name"
        done
    done
fi

# ---------------------------------------------------------------- timed operations
# Slow, data-heavy commands on freshly loaded data (load-ops.resp, the same
# for both servers):
#   seta, setb  100,000 members each (m:%08d; setb starts at 50,000, so they
#               share 50,000), SADDed 1,000 per command;
#   hash1k      1,000 fields field:%04d with 10-byte values (v:%08d);
#   nums        10,000 distinct integers in [-5e6, 5e6) in random order;
#   words       10,000 distinct random 12-letter lowercase strings;
#   bigz        1,000,000 members m:%08d (10 bytes), member i scored i;
#   za, zb      100,000 members each (m:%08d, zb starting at 50,000), random
#               integer scores;
#   geo1m       1,000,000 random points in lon [2, 20), lat [40, 55).
# Both servers are loaded and checked (DBSIZE and each key's length), each
# operation's reply is compared between them (sorted where the order is
# unspecified) and doubles as a warm-up; then each operation runs as
# redis-benchmark -c 1 -n N <command> (with the flags of OP_FLAGS), the servers alternating per operation
# and their order per round, over the same rounds as the throughput part.
# zadd_big adds random members (redis-benchmark -r: __rand_int__ is a random
# 12-digit number below 10^7), so it runs after zrangebyscore. Both take
# microseconds, so they are pipelined (-P 16): one at a time, the round
# trip (~55 µs here) is what would be timed.
# The stream operations (not with --no-streams; alone with --streams) run on
# their own data, loaded after the rest (load-ops-streams.resp) and checked
# with XLEN:
#   s1m         1,000,000 entries, ids 1-0 .. 1000000-0, fields as the
#               bigstream memory case (f1 <i> f2 v2:%07d f3 v3:%07d).
# xrange_rand starts at a random id (__rand_int__ with -r 1000000 is a
# 12-digit number, a millisecond part with leading zeros), pipelined as the
# ZSET ones. blpop_pingpong, xrange_walk and xgroup_loop need the last reply
# to send the next request, so small Go programs send them: bench/queueloop
# has two clients play ping-pong over two lists, each blocked in BLPOP on
# its own while the other pushes to it (a round is two blocked pops served,
# timed from the first push to the second pop's reply; its target is a p99
# no higher than Redis's); in bench/streamloop the walk XRANGEs the whole
# stream COUNT 100 at a time, each call from just after the last id (one
# walk is 10,000 calls); the loop has 8 consumers of one group (created
# afresh at 0 per run) each XREADGROUP COUNT 10 and XACK the 10 ids, an
# operation being one such pair; it reads each entry once, so N * 10 is at
# most 1,000,000. Both programs check every reply and, at the end, that
# the lists are empty or that nothing is pending and each entry was
# delivered once (LOOP-CHECK in the report otherwise).
OPS=()
[[ $STREAMS == only ]] || OPS+=(sinter sunionstore hgetall sort sort_alpha zrangebyscore zadd_big
    zunionstore geosearch blpop_pingpong)
[[ $STREAMS == none ]] || OPS+=(xrange_rand xrange_walk xgroup_loop)
declare -A OP_CMD=([sinter]="SINTER seta setb" [sunionstore]="SUNIONSTORE setu seta setb"
    [hgetall]="HGETALL hash1k" [sort]="SORT nums" [sort_alpha]="SORT words ALPHA LIMIT 0 10"
    [zrangebyscore]="ZRANGEBYSCORE bigz 500000 +inf LIMIT 0 10"
    [zadd_big]="ZADD bigz __rand_int__ n:__rand_int__" [zunionstore]="ZUNIONSTORE zu 2 za zb"
    [geosearch]="GEOSEARCH geo1m FROMLONLAT 11 47.5 BYRADIUS 10 km ASC"
    [blpop_pingpong]="LPUSH + BLPOP ping-pong between two clients"
    [xrange_rand]="XRANGE s1m __rand_int__ + COUNT 10"
    [xrange_walk]="XRANGE s1m (<last id> + COUNT 100"
    [xgroup_loop]="XREADGROUP GROUP bench c<i> COUNT 10 STREAMS s1m > + XACK")
# the operations a program of bench/ sends: its name, then its flags
declare -A OP_LOOP=([blpop_pingpong]="queueloop"
    [xrange_walk]="streamloop -key s1m -mode walk -count 100"
    [xgroup_loop]="streamloop -key s1m -mode group -count 10 -consumers 8")
# requests per run, ~1 s each on redis 7.0 (pinned core); times --scale
declare -A OP_N=([sinter]=30 [sunionstore]=20 [hgetall]=4000 [sort]=300 [sort_alpha]=250
    [zrangebyscore]=300000 [zadd_big]=300000 [zunionstore]=20 [geosearch]=10000 [blpop_pingpong]=20000
    [xrange_rand]=100000 [xrange_walk]=10000 [xgroup_loop]=40000)
# at most, times nothing: xgroup_loop reads N * 10 entries of s1m's 1,000,000
declare -A OP_MAX=([xgroup_loop]=100000)
declare -A OP_FLAGS=([zrangebyscore]="-P 16" [zadd_big]="-r 10000000 -P 16"
    [xrange_rand]="-r 1000000 -P 16")

# ops_reply port op -> "<lines> <md5 prefix>" of the op's reply, normalized
ops_reply() {
    local port=$1
    case $2 in
        sinter)      redis-cli -p "$port" sinter seta setb | LC_ALL=C sort ;;
        sunionstore) redis-cli -p "$port" sunionstore setu seta setb >/dev/null
                     redis-cli -p "$port" smembers setu | LC_ALL=C sort ;;
        hgetall)     redis-cli -p "$port" hgetall hash1k | paste - - | LC_ALL=C sort ;;
        sort)        redis-cli -p "$port" sort nums ;;
        sort_alpha)  redis-cli -p "$port" sort words alpha limit 0 10 ;;
        zrangebyscore) redis-cli -p "$port" zrangebyscore bigz 500000 +inf withscores limit 0 10 ;;
        zadd_big)    redis-cli -p "$port" zadd bigz 0.5 n:check
                     redis-cli -p "$port" zrank bigz n:check ;;
        zunionstore) redis-cli -p "$port" zunionstore zu 2 za zb
                     redis-cli -p "$port" zrange zu 0 -1 withscores ;;
        geosearch)   redis-cli -p "$port" geosearch geo1m fromlonlat 11 47.5 byradius 10 km asc withdist ;;
        blpop_pingpong) redis-cli -p "$port" lpush queueloop:check job
                     redis-cli -p "$port" blpop queueloop:check 1
                     redis-cli -p "$port" exists queueloop:check ;;
        xrange_rand) redis-cli -p "$port" xrange s1m 000000500000 + count 10 ;;
        xrange_walk) redis-cli -p "$port" xrange s1m - + count 100
                     redis-cli -p "$port" xrange s1m '(500000-0' + count 100 ;;
        xgroup_loop) redis-cli -p "$port" xgroup create s1m check 0
                     redis-cli -p "$port" xreadgroup group check c1 count 10 streams s1m '>'
                     redis-cli -p "$port" xack s1m check 1-0 2-0 3-0 4-0 5-0 6-0 7-0 8-0 9-0 10-0
                     redis-cli -p "$port" xpending s1m check
                     redis-cli -p "$port" xinfo groups s1m
                     redis-cli -p "$port" xgroup destroy s1m check ;;
    esac >"$TMP/ops-reply.txt" 2>&1 || true
    echo "$(wc -l <"$TMP/ops-reply.txt") $(md5sum <"$TMP/ops-reply.txt" | cut -c1-12)"
}

if [[ $DO_OPS == 1 && $STREAMS != none ]]; then
    log "operations: generating the stream data"
    python3 - "$TMP" <<'PY'
import os, sys
tmp = sys.argv[1]

def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

with open(os.path.join(tmp, "load-ops-streams.resp"), "wb") as f:
    for i in range(1, 1000001):
        f.write(cmd(b"XADD", b"s1m", b"%d-0" % i, b"f1", b"%d" % i,
                    b"f2", b"v2:%07d" % i, b"f3", b"v3:%07d" % i))
PY
fi
if [[ $DO_OPS == 1 && $STREAMS != only ]]; then
    log "operations: generating the data"
    python3 - "$TMP" <<'PY'
import os, random, sys
tmp = sys.argv[1]

def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

rnd = random.Random(20240601)
with open(os.path.join(tmp, "load-ops.resp"), "wb") as f:
    for key, lo in ((b"seta", 0), (b"setb", 50000)):
        for b in range(lo, lo + 100000, 1000):
            f.write(cmd(b"SADD", key, *(b"m:%08d" % i for i in range(b, b + 1000))))
    args = [b"HSET", b"hash1k"]
    for i in range(1000):
        args += [b"field:%04d" % i, b"v:%08d" % i]
    f.write(cmd(*args))
    nums = [b"%d" % x for x in rnd.sample(range(-5000000, 5000000), 10000)]
    for b in range(0, 10000, 1000):
        f.write(cmd(b"RPUSH", b"nums", *nums[b:b + 1000]))
    words = set()
    while len(words) < 10000:
        words.add("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)).encode())
    words = sorted(words)
    rnd.shuffle(words)
    for b in range(0, 10000, 1000):
        f.write(cmd(b"SADD", b"words", *words[b:b + 1000]))
    for b in range(0, 1000000, 1000):
        args = [b"ZADD", b"bigz"]
        for i in range(b, b + 1000):
            args += [b"%d" % i, b"m:%08d" % i]
        f.write(cmd(*args))
    for key, lo in ((b"za", 0), (b"zb", 50000)):
        for b in range(lo, lo + 100000, 1000):
            args = [b"ZADD", key]
            for i in range(b, b + 1000):
                args += [b"%d" % rnd.randrange(1000000), b"m:%08d" % i]
            f.write(cmd(*args))
    for b in range(0, 1000000, 1000):
        args = [b"GEOADD", b"geo1m"]
        for i in range(b, b + 1000):
            args += [b"%.6f" % rnd.uniform(2, 20), b"%.6f" % rnd.uniform(40, 55), b"p:%07d" % i]
        f.write(cmd(*args))
PY
fi
if [[ $DO_OPS == 1 ]]; then
    mkdir -p "$TMP/ops"
    : >"$TMP/ops/replies.txt"
    : >"$TMP/ops/failed.txt"
    echo "${OPS[*]}" >"$TMP/ops/list.txt"
    for name in redis respd; do
        port=${PORT[$name]}
        rm -f "$TMP/run-$name/dump.rdb"     # see the memory cases
        start_server "$name"
        if [[ $STREAMS != only ]]; then
            log "operations: loading $name"
            if ! "${PIN_CLI[@]}" redis-cli -p "$port" --pipe <"$TMP/load-ops.resp" \
                    >"$TMP/pipe-ops-$name.log" 2>&1; then
                echo "warning: redis-cli --pipe reported errors for the operations' data on $name:" >&2
                tail -3 "$TMP/pipe-ops-$name.log" >&2
            fi
            check_alive "$name"
            dbsize=$(redis-cli -p "$port" dbsize 2>/dev/null | tr -d '\r' || true)
            [[ $dbsize =~ ^[0-9]+$ ]] || dbsize=-1
            echo "$name $dbsize $(card "$port" scard seta) $(card "$port" scard setb)" \
                "$(card "$port" hlen hash1k) $(card "$port" llen nums) $(card "$port" scard words)" \
                "$(card "$port" zcard bigz) $(card "$port" zcard za) $(card "$port" zcard zb)" \
                "$(card "$port" zcard geo1m)" \
                >>"$TMP/ops/content.txt"
        fi
        if [[ $STREAMS != none ]]; then
            log "operations: loading the stream data into $name"
            if ! "${PIN_CLI[@]}" redis-cli -p "$port" --pipe <"$TMP/load-ops-streams.resp" \
                    >"$TMP/pipe-ops-streams-$name.log" 2>&1; then
                echo "warning: redis-cli --pipe reported errors for the stream data on $name:" >&2
                tail -3 "$TMP/pipe-ops-streams-$name.log" >&2
            fi
            check_alive "$name"
            echo "$name $(card "$port" xlen s1m)" >>"$TMP/ops/content-streams.txt"
        fi
        for op in "${OPS[@]}"; do
            echo "$op $name $(ops_reply "$port" "$op")" >>"$TMP/ops/replies.txt"
        done
    done
    sleep 1                                 # let background work (GC etc.) settle
    for r in $(seq 1 "$ROUNDS"); do
        if (( r % 2 )); then order=(redis respd); else order=(respd redis); fi
        for op in "${OPS[@]}"; do
            read -r -a opcmd <<<"${OP_CMD[$op]}"
            n=$(python3 -c "print(min(${OP_MAX[$op]:-10**12}, max(10, int(${OP_N[$op]} * $SCALE))))")
            for name in "${order[@]}"; do
                log "operations: round $r/$ROUNDS  ${OP_CMD[$op]}  $name"
                out="$TMP/ops/${name}_r${r}.csv"
                if [[ -n ${OP_LOOP[$op]:-} ]]; then
                    read -r -a opflags <<<"${OP_LOOP[$op]}"
                    tool=${opflags[0]}
                    if ! timeout 300 "${PIN_CLI[@]}" "$TMP/$tool" -addr "127.0.0.1:${PORT[$name]}" \
                            -n "$n" "${opflags[@]:1}" >"$out.part" 2>>"$TMP/$tool.err"; then
                        echo "warning: bench/$tool failed: $name ${OP_CMD[$op]} (round $r)" >&2
                        tail -3 "$TMP/$tool.err" >&2 || true
                        echo "$op $name $r" >>"$TMP/ops/failed.txt"
                    fi
                else
                    read -r -a opflags <<<"${OP_FLAGS[$op]:-}"
                    if ! timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "${PORT[$name]}" \
                            -c 1 -n "$n" "${opflags[@]}" --csv "${opcmd[@]}" >"$out.part" 2>>"$TMP/benchmark.err"; then
                        echo "warning: redis-benchmark failed: $name ${OP_CMD[$op]} (round $r)" >&2
                        tail -3 "$out.part" "$TMP/benchmark.err" >&2 || true
                    fi
                fi
                grep -v '^"test"' "$out.part" | sed "s/^/$op,$n,/" >>"$out" || true
                rm -f "$out.part"
                check_alive "$name"
            done
        done
    done
    stop_server redis
    stop_server respd
fi

# ---------------------------------------------------------------- pub/sub
# bench/pubsub on a fresh server: 4 publishers with 16 PUBLISHes each in
# flight, to one channel that 1, 100 or 1,000 subscribers listen to
# (SUBSCRIBE, or PSUBSCRIBE to a pattern), for 2 s a run (times --scale);
# publishers stay at most 1,000 messages ahead of delivery. With many
# subscribers the one client core can be what limits the pace, so the
# server's CPU time is read too (/proc/<pid>/stat): messages delivered per
# CPU second is the server's capacity whatever the client's. The servers
# alternate per case, their order per round.
PUBSUB_CASES=("1 channel" "1 pattern" "100 channel" "100 pattern" "1000 channel" "1000 pattern")
if [[ $DO_PUBSUB == 1 ]]; then
    mkdir -p "$TMP/pubsub"
    secs=$(python3 -c "print(max(0.5, 2 * $SCALE))")
    for r in $(seq 1 "$ROUNDS"); do
        if (( r % 2 )); then order=(redis respd); else order=(respd redis); fi
        for c in "${PUBSUB_CASES[@]}"; do
            read -r subs mode <<<"$c"
            flags=(-subs "$subs" -duration "${secs}s")
            [[ $mode == pattern ]] && flags+=(-pattern)
            for name in "${order[@]}"; do
                start_server "$name"
                log "pub/sub: round $r/$ROUNDS  $subs subscriber(s), $mode  $name"
                ticks=$(cpu_ticks "${PID[$name]}")
                if line=$(timeout 120 "${PIN_CLI[@]}" "$TMP/pubsubbench" -addr "127.0.0.1:${PORT[$name]}" \
                        "${flags[@]}" 2>>"$TMP/pubsub.err"); then
                    echo "$line,$(( $(cpu_ticks "${PID[$name]}") - ticks ))" >>"$TMP/pubsub/${name}_r${r}.csv"
                else
                    echo "warning: bench/pubsub failed: $name $c (round $r)" >&2
                    tail -3 "$TMP/pubsub.err" >&2 || true
                fi
                check_alive "$name"
                stop_server "$name"
            done
        done
    done
fi

# ---------------------------------------------------------------- cache
# bench/cache on a fresh server per run: maxmemory 64mb and a policy, then
# the same trace for every run (seed 1): 1,000,000 SETs of 1 KiB values
# (times --scale), each followed by a GET, keys drawn from a Zipf
# distribution (s 1.01) over 2,000,000 keys, a missed GET followed by a SET
# of its key, 16 requests in flight. It samples the server's RSS every
# 100 ms. The servers alternate per policy, their order per round.
CACHE_MAXMEMORY=64mb
if [[ $DO_CACHE == 1 ]]; then
    mkdir -p "$TMP/cache"
    n=$(python3 -c "print(max(10000, int(1000000 * $SCALE)))")
    for r in $(seq 1 "$ROUNDS"); do
        if (( r % 2 )); then order=(redis respd); else order=(respd redis); fi
        for policy in allkeys-lru allkeys-lfu; do
            for name in "${order[@]}"; do
                start_server "$name"
                log "cache: round $r/$ROUNDS  $policy  $name"
                if line=$(timeout 600 "${PIN_CLI[@]}" "$TMP/cachebench" -addr "127.0.0.1:${PORT[$name]}" \
                        -pid "${PID[$name]}" -maxmemory "$CACHE_MAXMEMORY" -policy "$policy" -n "$n" \
                        2>>"$TMP/cache.err"); then
                    echo "$line" >>"$TMP/cache/${name}_r${r}.csv"
                else
                    echo "warning: bench/cache failed: $name $policy (round $r)" >&2
                    tail -3 "$TMP/cache.err" >&2 || true
                fi
                check_alive "$name"
                stop_server "$name"
            done
        done
    done
    # bench/cache's warnings: the unexpected replies it saw.
    if [[ -s $TMP/cache.err ]]; then cat "$TMP/cache.err" >&2; fi
fi

# ---------------------------------------------------------------- twemproxy
# With --twemproxy: three nodes of each server behind a nutcracker of their
# own (ketama over fnv1a_64, redis: true, auto_eject_hosts, nodes named as
# in twemproxy_test.go), then redis-benchmark -t set, get, incr with
# -r 100000 at -P 1 and -P 16 through the proxy: what an application behind
# twemproxy sees, the proxy's cost included. nutcracker runs pinned with the
# nodes on CPU 0. The topologies alternate per test, their order per round;
# DBSIZE of every node at the end shows the keys spread over the three.
if [[ $DO_TWEMPROXY == 1 ]]; then
    mkdir -p "$TMP/twemproxy"
    declare -A TW_PORT=()
    for kind in redis respd; do
        servers=""
        for i in 0 1 2; do
            BIN[$kind-tw$i]=${BIN[$kind]}
            PORT[$kind-tw$i]=$(pick_port $((16600 + 10 * i)))
            start_server "$kind-tw$i"
            servers+="   - 127.0.0.1:${PORT[$kind-tw$i]}:1 node$i"$'\n'
        done
        TW_PORT[$kind]=$(pick_port 16700)
        cat >"$TMP/twemproxy/$kind.yml" <<EOF
pool:
  listen: 127.0.0.1:${TW_PORT[$kind]}
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: true
  server_retry_timeout: 2000
  server_failure_limit: 1
  servers:
$servers
EOF
        "${PIN_SRV[@]}" nutcracker -c "$TMP/twemproxy/$kind.yml" -a 127.0.0.1 \
            -s "$(pick_port 16800 "${TW_PORT[$kind]}")" -o "$TMP/twemproxy/$kind.log" &
        PID[twemproxy-$kind]=$!
        for _ in $(seq 1 100); do
            redis-cli -p "${TW_PORT[$kind]}" ping 2>/dev/null | grep -q PONG && break
            sleep 0.1
        done
        if ! redis-cli -p "${TW_PORT[$kind]}" ping 2>/dev/null | grep -q PONG; then
            echo "nutcracker in front of $kind did not answer PING; log:" >&2
            tail -20 "$TMP/twemproxy/$kind.log" >&2
            exit 1
        fi
    done
    for r in $(seq 1 "$ROUNDS"); do
        if (( r % 2 )); then order=(redis respd); else order=(respd redis); fi
        for P in 1 16; do
            for t in set get incr; do
                for kind in "${order[@]}"; do
                    log "twemproxy: round $r/$ROUNDS  -P $P  $t  $kind"
                    # redis-benchmark's CONFIG GET at its start is a command
                    # nutcracker does not forward: a warning on stderr.
                    if ! timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "${TW_PORT[$kind]}" -t "$t" \
                            -r 100000 -c 50 -n "$(n_for "$P" "$t" 3)" -P "$P" --csv \
                            >"$TMP/twemproxy/part.csv" 2>>"$TMP/twemproxy/benchmark.err"; then
                        echo "warning: redis-benchmark through nutcracker failed: $kind -t $t -P $P (round $r)" >&2
                    fi
                    grep -v '^"test"' "$TMP/twemproxy/part.csv" | sed "s/^/$kind,$P,$r,/" \
                        >>"$TMP/twemproxy/results.csv" || true
                    for i in 0 1 2; do check_alive "$kind-tw$i"; done
                done
            done
        done
    done
    for kind in redis respd; do
        echo "$kind,$(for i in 0 1 2; do redis-cli -p "${PORT[$kind-tw$i]}" dbsize; done | paste -sd ' ')" \
            >>"$TMP/twemproxy/dbsize.csv"
        for i in 0 1 2; do stop_server "$kind-tw$i"; done
        stop_server "twemproxy-$kind"
    done
fi

# ---------------------------------------------------------------- report
python3 - "$TMP" "$ROUNDS" "$MEM_KEYS" "$DO_BENCH" "$DO_MEM" "$LOAD_START" "$DO_OPS" "$DO_PUBSUB" \
    "$STREAMS" "$TLS" "$DO_CACHE" "$DO_TWEMPROXY" <<'PY'
import csv, glob, os, re, statistics, sys

tmp, rounds, mem_keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
do_bench, do_mem = sys.argv[4] == "1", sys.argv[5] == "1"
load_start = float(sys.argv[6])
do_ops = sys.argv[7] == "1"
do_pubsub = sys.argv[8] == "1"
streams = sys.argv[9]   # all, only (--streams) or none (--no-streams)
over_tls = sys.argv[10] == "1"
do_cache = sys.argv[11] == "1"
do_twemproxy = sys.argv[12] == "1"
misses = 0

print(f"\nload average before start: {load_start:.2f}"
      + ("  (machine was busy: expect noise)" if load_start > 0.5 else ""))

def med(xs):
    return statistics.median(xs) if xs else float("nan")

def fmt_rps(x):
    return "-" if x != x else f"{x:,.0f}"

if do_bench:
    # data[(test, P, d)][server][round] = row dict
    data, order = {}, []
    for path in sorted(glob.glob(os.path.join(tmp, "results", "*.csv"))):
        m = re.match(r"(\w+)_P(\d+)_d(\d+)_r(\d+)\.csv$", os.path.basename(path))
        server, P, d, r = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
        cols = ["test", "rps", "avg", "min", "p50", "p95", "p99", "max"]
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if len(row) != len(cols):
                    continue
                rec = dict(zip(cols, row))
                # -t lrange_N also runs "LPUSH (needed to benchmark LRANGE)",
                # a fill step with LRANGE's -n: not a test of its own.
                if rec["test"].startswith("LPUSH (needed"):
                    continue
                # "LRANGE_100 (first 100 elements)" -> "LRANGE_100"
                rec["test"] = re.sub(r" \(first \d+ elements\)$", "", rec["test"])
                # a command line's test is named by its command: "XADD
                # mystream * ..." -> "XADD", "PFADD myhll ..." -> "PFADD";
                # EVALSHA's by its script (the SHA1s of bench_one's two)
                for cmd in ("XADD", "PFADD", "PFCOUNT"):
                    if rec["test"].startswith(cmd + " "):
                        rec["test"] = cmd
                scripts = {"61636018f4e6b5817b89791bbed242f93fa089e3": "EVALSHA_1_INCR",
                           "0709bc53024f8815c9dfba43a1acae4d067d3874": "EVALSHA_10_INCR"}
                if rec["test"].startswith("EVALSHA "):
                    rec["test"] = scripts.get(rec["test"].split()[1], "EVALSHA")
                key = (rec["test"], P, d)
                if key not in data:
                    data[key] = {}
                    order.append(key)
                data[key].setdefault(server, {})[r] = {
                    k: float(rec[k]) for k in ("rps", "p50", "p99")}

    # tests that ran on a key holding too few (or, after spop, other)
    # elements: (test, P, d) -> {"server:MARKER": [round, ...]}
    short = {}
    path = os.path.join(tmp, "results", "short.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                server, P, d, r, t, marker = line.split()[:6]
                short.setdefault((t.upper(), int(P), int(d)), {}).setdefault(
                    f"{server}:{marker}", []).append(int(r))

    # redis-benchmark's own order
    test_rank = {t: i for i, t in enumerate(
        ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP",
         "RPOP", "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "XADD", "LRANGE_100", "LRANGE_300",
         "LRANGE_500", "LRANGE_600", "MSET"])}
    order.sort(key=lambda k: (k[1], k[2], test_rank.get(k[0], len(test_rank)), k[0]))

    hdr = (f"{'test':<15}{'-P':>3}{'-d':>6} {'redis rps':>12}{'respd rps':>12}{'ratio':>7}"
           f" {'redis p50':>10}{'respd p50':>10} {'redis p99':>10}{'respd p99':>10}{'p99x':>6}  miss")
    print()
    print(f"Throughput / latency{' over TLS' if over_tls else ''} (median over {rounds} round(s);"
          " latencies in ms; ratio = respd/redis, median of per-round ratios)")
    print(hdr)
    print("-" * len(hdr))
    summary = [["test", "P", "d", "redis_rps", "respd_rps", "ratio",
                "redis_p50", "respd_p50", "redis_p99", "respd_p99", "p99_ratio", "miss"]]
    prev = None
    for key in order:
        test, P, d = key
        if prev is not None and prev != (P, d):
            print()
        prev = (P, d)
        rd, rs = data[key].get("redis", {}), data[key].get("respd", {})
        both = sorted(set(rd) & set(rs))
        ratio = med([rs[r]["rps"] / rd[r]["rps"] for r in both if rd[r]["rps"] > 0])
        p99x = med([rs[r]["p99"] / rd[r]["p99"] for r in both if rd[r]["p99"] > 0])
        vals = {s: {k: med([x[k] for x in src.values()]) for k in ("rps", "p50", "p99")}
                for s, src in (("redis", rd), ("respd", rs))}
        miss = []
        if not both:
            miss.append("NO-DATA")
        else:
            target = 1.0 if P >= 16 and not over_tls else 0.9
            if ratio < target:
                miss.append(f"rps<{target:.1f}")
            if p99x > 1.5:
                miss.append("p99>1.5")
        for mark in sorted(short.get(key, {})):
            miss.append(mark)
        misses += bool(miss)
        r, s = vals["redis"], vals["respd"]
        print(f"{test:<15}{P:>3}{d:>6} {fmt_rps(r['rps']):>12}{fmt_rps(s['rps']):>12}{ratio:>7.2f}"
              f" {r['p50']:>10.3f}{s['p50']:>10.3f} {r['p99']:>10.3f}{s['p99']:>10.3f}{p99x:>6.2f}"
              f"  {' '.join(miss)}")
        summary.append([test, P, d, r["rps"], s["rps"], round(ratio, 4), r["p50"], s["p50"],
                        r["p99"], s["p99"], round(p99x, 4), " ".join(miss)])
    with open(os.path.join(tmp, "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows(summary)
    print("\ntargets: ratio >= 0.9 at -P 1, >= 1.0 at -P 16 (over TLS: >= 0.9); p99 ratio <= 1.5")
    if short:
        print("SHORT-LIST / SHORT-SET / SHORT-HASH / SHORT-ZSET / SHORT-STREAM: the key held"
              " fewer elements than the test needs or should have written (pops of nil, short"
              " LRANGE replies or failed writes); SPOP-COUNT / ZPOPMIN-COUNT: the key did not shrink by one"
              " per pop; see the warnings above")

if do_mem and streams != "only":
    mem = {}
    with open(os.path.join(tmp, "memory.txt")) as f:
        for line in f:
            name, dbsize, brss, rss, bused, used = line.split()
            mem[name] = dict(
                dbsize=int(dbsize) if dbsize.lstrip("-").isdigit() else -1,
                rss=(int(rss) - int(brss)) * 1024,
                used=None if "NA" in (bused, used) else int(used) - int(bused))
    print(f"\nMemory: {mem_keys:,} x SET key:%010d <16-byte value>, fresh servers,"
          " growth over post-start baseline")
    print(f"{'server':<8}{'dbsize':>10}{'RSS growth':>14}{'RSS B/key':>11}"
          f"{'used_memory':>14}{'used B/key':>11}")
    for name in ("redis", "respd"):
        m = mem.get(name)
        if not m:
            continue
        used = "n/a" if m["used"] is None else f"{m['used']:,}"
        upk = "n/a" if m["used"] is None else f"{m['used'] / mem_keys:.1f}"
        bad = "  DBSIZE MISMATCH" if m["dbsize"] != mem_keys else ""
        misses += bool(bad)
        print(f"{name:<8}{m['dbsize']:>10,}{m['rss']:>14,}{m['rss'] / mem_keys:>11.1f}"
              f"{used:>14}{upk:>11}{bad}")
    if "redis" in mem and "respd" in mem and mem["redis"]["rss"] > 0:
        ratio = mem["respd"]["rss"] / mem["redis"]["rss"]
        flag = "" if ratio <= 1.2 else "  MISS (target <= 1.2)"
        misses += bool(flag)
        print(f"RSS per key ratio respd/redis: {ratio:.2f}{flag}")

if do_mem and streams != "only":
    per = {}
    with open(os.path.join(tmp, "persist.txt")) as f:
        for line in f:
            name, save, bgsave, load, dbsize, size = line.split()
            per[name] = dict(save=float(save), bgsave=float(bgsave),
                             load=float("nan") if load == "NA" else float(load),
                             dbsize=int(dbsize), size=int(size))
    print(f"\nPersistence of the same data (seconds; load = the server's own log line at"
          " restart; ratio = respd/redis, lower is better)")
    print(f"{'server':<8}{'SAVE':>8}{'BGSAVE':>8}{'load':>8}{'dump.rdb bytes':>16}{'keys after load':>17}")
    for name in ("redis", "respd"):
        p = per.get(name)
        if p:
            bad = "  DBSIZE MISMATCH" if p["dbsize"] != mem_keys else ""
            misses += bool(bad)
            print(f"{name:<8}{p['save']:>8.3f}{p['bgsave']:>8.3f}{p['load']:>8.3f}"
                  f"{p['size']:>16,}{p['dbsize']:>17,}{bad}")
    if "redis" in per and "respd" in per:
        r, s = per["redis"], per["respd"]
        print(f"{'ratio':<8}{s['save'] / r['save']:>8.2f}{s['bgsave'] / r['bgsave']:>8.2f}"
              f"{s['load'] / r['load']:>8.2f}")

if do_mem:
    # list, hash, set, sorted set and stream cases: name, what, expected dbsize and
    # length of the checked key, the length's name, divisor for the per-unit
    # columns, unit, RSS target
    cases = [("biglist", "1 list x 1,000,000 x 10-byte elements (RPUSH biglist, 1,000 per command)",
              1, 1000000, "LLEN", 1000000, "elem", 1.2),
             ("small", "100,000 lists x 5 x 2-byte elements (RPUSH list:%06d a1 b2 c3 d4 e5)",
              100000, 5, "LLEN", 100000, "list", 1.5),
             ("hashes", "100,000 hashes x 10 fields x 10-byte values (HSET h:%06d f0 <v> .. f9 <v>)",
              100000, 10, "HLEN", 100000, "hash", 1.3),
             ("bighash", "1 hash x 1,000,000 fields f:%07d x 10-byte values (HSET bighash,"
              " 1,000 pairs per command)", 1, 1000000, "HLEN", 1000000, "field", 1.3),
             ("intsets", "100,000 sets x 20 integers (SADD s:%06d <i + j*100000, j = 0..19>)",
              100000, 20, "SCARD", 100000, "set", 1.3),
             ("bigzset", "1 sorted set x 1,000,000 10-byte members (ZADD bigzset <i> m:%08d,"
              " 1,000 pairs per command)", 1, 1000000, "ZCARD", 1000000, "member", 1.3),
             ("zsets", "100,000 sorted sets x 10 10-byte members (ZADD z:%06d 0 m0:%07d .. 9 m9:%07d)",
              100000, 10, "ZCARD", 100000, "zset", 1.3),
             ("bigstream", "1 stream x 1,000,000 entries x 3 fields (XADD bigstream <i>-0 f1 <i>"
              " f2 v2:%07d f3 v3:%07d)", 1, 1000000, "XLEN", 1000000, "entry", 1.3),
             ("groups", "1 stream x 100,000 entries (as bigstream), all read by consumer c1 of"
              " group g (XREADGROUP COUNT 1000, 100 times), none acknowledged",
              1, 100000, "XLEN", 100000, "entry", 1.3),
             ("groups-pel", "the consumer group of groups alone: 100,000 pending entries",
              1, 100000, "PENDING", 100000, "entry", 1.5)]
    # growth over what: the group's own, from the loaded stream to after the reads
    baseline = {"groups-pel": "growth from after the XADDs to after the XREADGROUPs"}
    lmem = {}
    with open(os.path.join(tmp, "memory-cases.txt")) as f:
        for line in f:
            mcase, name, dbsize, llen, brss, rss, bused, used = line.split()
            lmem[(mcase, name)] = dict(
                dbsize=int(dbsize), llen=int(llen), rss=(int(rss) - int(brss)) * 1024,
                used=None if "NA" in (bused, used) else int(used) - int(bused))
    for mcase, what, want_db, want_len, lenname, per_n, unit, target in cases:
        if not any((mcase, name) in lmem for name in ("redis", "respd")):
            continue            # not run (--streams, --no-streams)
        print(f"\nMemory: {what}, fresh servers,"
              f" {baseline.get(mcase, 'growth over post-start baseline')}")
        print(f"{'server':<8}{'dbsize':>10}{lenname:>10}{'RSS growth':>14}{'RSS B/' + unit:>13}"
              f"{'used_memory':>14}{'used B/' + unit:>14}")
        for name in ("redis", "respd"):
            m = lmem.get((mcase, name))
            if not m:
                continue
            used = "n/a" if m["used"] is None else f"{m['used']:,}"
            upk = "n/a" if m["used"] is None else f"{m['used'] / per_n:.1f}"
            bad = (f"  CONTENT MISMATCH (want dbsize {want_db:,}, {lenname} {want_len:,})"
                   if (m["dbsize"], m["llen"]) != (want_db, want_len) else "")
            misses += bool(bad)
            print(f"{name:<8}{m['dbsize']:>10,}{m['llen']:>10,}{m['rss']:>14,}{m['rss'] / per_n:>13.1f}"
                  f"{used:>14}{upk:>14}{bad}")
        r, s = lmem.get((mcase, "redis")), lmem.get((mcase, "respd"))
        if r and s and r["rss"] > 0:
            ratio = s["rss"] / r["rss"]
            uratio = (f"{s['used'] / r['used']:.2f}"
                      if r["used"] and s["used"] is not None else "n/a")
            flag = "" if ratio <= target else f"  MISS (target <= {target})"
            misses += bool(flag)
            print(f"RSS ratio respd/redis: {ratio:.2f}{flag}   (used_memory ratio: {uratio};"
                  f" target RSS <= {target})")

if do_ops:
    ops = [("sinter", "SINTER seta setb", "2 x 100k members, 50k shared", 50000),
           ("sunionstore", "SUNIONSTORE setu seta setb", "150k members stored", 150000),
           ("hgetall", "HGETALL hash1k", "1,000 fields", 1000),
           ("sort", "SORT nums", "10k-integer list", 10000),
           ("sort_alpha", "SORT words ALPHA LIMIT 0 10", "10k-string set", 10),
           ("zrangebyscore", "ZRANGEBYSCORE LIMIT 10 -P16", "1M-member zset", 20),
           ("zadd_big", "ZADD bigz (random) -P16", "1M-member zset", 2),
           ("zunionstore", "ZUNIONSTORE zu 2 za zb", "2 x 100k, 150k stored", 300001),
           # the points found depend only on the seeded data: redis's count
           ("geosearch", "GEOSEARCH BYRADIUS 10 km", "1M points", None),
           # LPUSH's 1, BLPOP's key and element, EXISTS's 0
           ("blpop_pingpong", "LPUSH + BLPOP ping-pong", "2 clients, 2 lists", 4),
           # 10 entries of an id and 3 field/value pairs
           ("xrange_rand", "XRANGE <rand> COUNT 10 -P16", "1M-entry stream", 70),
           ("xrange_walk", "XRANGE walk COUNT 100", "1M-entry stream", 1400),
           ("xgroup_loop", "XREADGROUP+XACK 10, 8 cons", "1M-entry stream", 90)]
    with open(os.path.join(tmp, "ops", "list.txt")) as f:
        ran = set(f.read().split())
    ops = [o for o in ops if o[0] in ran]
    # queueloop's and streamloop's failed checks: op -> {"server:LOOP-CHECK"}
    failed = {}
    with open(os.path.join(tmp, "ops", "failed.txt")) as f:
        for line in f:
            op, name, _r = line.split()
            failed.setdefault(op, set()).add(f"{name}:LOOP-CHECK")
    content, content_streams = {}, {}
    for fname, into in (("content.txt", content), ("content-streams.txt", content_streams)):
        path = os.path.join(tmp, "ops", fname)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                name, *vals = line.split()
                into[name] = [int(v) for v in vals]
    replies = {}
    with open(os.path.join(tmp, "ops", "replies.txt")) as f:
        for line in f:
            op, name, lines, digest = line.split()
            replies[(op, name)] = (int(lines), digest)
    # rows[op][server][round] = (n, rps, p50, p99)
    rows = {}
    for path in glob.glob(os.path.join(tmp, "ops", "*_r*.csv")):
        m = re.match(r"(\w+)_r(\d+)\.csv$", os.path.basename(path))
        server, r = m.group(1), int(m.group(2))
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if len(row) != 10:
                    continue
                op, n, _test, rps, _avg, _min, p50, _p95, p99 = row[:9]
                rows.setdefault(op, {}).setdefault(server, {})[r] = (
                    int(n), float(rps), float(p50), float(p99))
    # operations with a latency target too: their p99 at most this times Redis's
    p99_target = {"blpop_pingpong": 1.0}
    want_content = [9, 100000, 100000, 1000, 10000, 10000, 1000000, 100000, 100000, 1000000]
    def fmt_ops(x):
        return "-" if x != x else f"{x:,.1f}" if x < 1000 else f"{x:,.0f}"
    print("\nTimed operations on freshly loaded data (redis-benchmark -c 1 -n N <command>, or"
          " bench/queueloop -n N for the BLPOP ping-pong, bench/streamloop -n N for the XRANGE"
          f" walk and the XREADGROUP loop; median over {rounds} round(s); latencies in ms;"
          " ratio = respd/redis ops/s, median of per-round ratios; p99x = respd/redis p99)")
    for name in ("redis", "respd"):
        c = content.get(name)
        if c is not None and c != want_content:
            misses += 1
            print(f"{name}: CONTENT MISMATCH after loading: dbsize, SCARD seta, SCARD setb,"
                  f" HLEN hash1k, LLEN nums, SCARD words = {c}, want {want_content}")
        c = content_streams.get(name)
        if c is not None and c != [1000000]:
            misses += 1
            print(f"{name}: CONTENT MISMATCH after loading the stream: XLEN s1m = {c[0]},"
                  " want 1000000")
    hdr = (f"{'operation':<29}{'data':<30}{'n':>6} {'redis ops/s':>12}{'respd ops/s':>12}"
           f"{'ratio':>7} {'redis p50':>10}{'respd p50':>10}{'redis p99':>10}{'respd p99':>10}"
           f"{'p99x':>6}  miss")
    print(hdr)
    print("-" * len(hdr))
    for op, cmdline, what, want_lines in ops:
        rd, rs = rows.get(op, {}).get("redis", {}), rows.get(op, {}).get("respd", {})
        both = sorted(set(rd) & set(rs))
        ratio = med([rs[r][1] / rd[r][1] for r in both if rd[r][1] > 0])
        vals = {s: [med([x[i] for x in src.values()]) for i in (1, 2, 3)]
                for s, src in (("redis", rd), ("respd", rs))}
        p99x = vals["respd"][2] / vals["redis"][2] if vals["redis"][2] > 0 else float("nan")
        n = next(iter(rd.values() or rs.values() or [(0,)]))[0]
        miss = []
        if not both:
            miss.append("NO-DATA")
        elif ratio < 1.0:
            miss.append("ops<1.0")
        if op in p99_target and not p99x <= p99_target[op]:
            miss.append(f"p99>{p99_target[op]}")
        rr, sr = replies.get((op, "redis")), replies.get((op, "respd"))
        if rr is None or sr is None or want_lines is not None and rr[0] != want_lines:
            miss.append(f"CHECK-FAILED (reply lines: redis {rr and rr[0]}, respd {sr and sr[0]},"
                        f" want {want_lines})")
        elif sr != rr:
            miss.append(f"REPLY-DIFF (respd {sr[0]} lines, md5 {sr[1]}; redis {rr[1]})")
        miss += sorted(failed.get(op, ()))
        misses += bool(miss)
        print(f"{cmdline:<29}{what:<30}{n:>6} {fmt_ops(vals['redis'][0]):>12}"
              f"{fmt_ops(vals['respd'][0]):>12}{ratio:>7.2f} {vals['redis'][1]:>10.3f}"
              f"{vals['respd'][1]:>10.3f}{vals['redis'][2]:>10.3f}{vals['respd'][2]:>10.3f}"
              f"{p99x:>6.2f}  {' '.join(miss)}")
    print("\ntargets: ratio >= 1.0, and p99x <= 1.0 for the BLPOP ping-pong; REPLY-DIFF: respd's reply (sorted where the order is"
          " unspecified) differs from redis's; LOOP-CHECK: bench/queueloop or bench/streamloop"
          " found a wrong reply"
          " (see the warnings above)")

if do_pubsub:
    # runs[(subs, mode)][server][round] = (publish/s, delivered/s, p50, p99, lost,
    #                                      delivered per server CPU second)
    runs = {}
    for path in glob.glob(os.path.join(tmp, "pubsub", "*_r*.csv")):
        m = re.match(r"(\w+)_r(\d+)\.csv$", os.path.basename(path))
        server, r = m.group(1), int(m.group(2))
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if len(row) != 9:
                    continue
                subs, mode, pub, dlv, p50, p99, lost, total, ticks = row
                runs.setdefault((int(subs), mode), {}).setdefault(server, {})[r] = (
                    float(pub), float(dlv), int(p50), int(p99), int(lost),
                    int(total) / max(int(ticks), 1) * os.sysconf("SC_CLK_TCK"))
    print("\nPub/Sub (bench/pubsub: 4 publishers x 16 in flight, at most 1,000 messages ahead of"
          f" delivery; median over {rounds} round(s); latency from PUBLISH sent to message read,"
          " in µs; ratio = respd/redis PUBLISH/s, median of per-round ratios; per CPU s ="
          " messages delivered per second of the server's CPU time, cpu ratio = respd/redis)")
    hdr = (f"{'subscribers':>11} {'mode':<8}{'redis pub/s':>12}{'respd pub/s':>12}{'ratio':>7}"
           f"{'redis p50':>10}{'respd p50':>10}{'redis p99':>10}{'respd p99':>10}{'p99x':>6}"
           f"{'redis/CPU s':>12}{'respd/CPU s':>12}{'cpu ratio':>10}  miss")
    print(hdr)
    print("-" * len(hdr))
    for subs, mode in sorted(runs):
        rd, rs = runs[(subs, mode)].get("redis", {}), runs[(subs, mode)].get("respd", {})
        both = sorted(set(rd) & set(rs))
        ratio = med([rs[r][0] / rd[r][0] for r in both if rd[r][0] > 0])
        p99x = med([rs[r][3] / rd[r][3] for r in both if rd[r][3] > 0])
        cratio = med([rs[r][5] / rd[r][5] for r in both if rd[r][5] > 0])
        v = {name: [med([x[i] for x in src.values()]) for i in range(6)] for name, src in (("redis", rd), ("respd", rs))}
        miss = []
        if not both:
            miss.append("NO-DATA")
        else:
            if ratio < 1.0 and cratio < 1.0:
                miss.append("pub<1.0")
            if p99x > 1.0:
                miss.append("p99>1.0")
            if any(x[4] for x in rs.values()):
                miss.append("respd:LOST")
        misses += bool(miss)
        print(f"{subs:>11} {mode:<8}{fmt_rps(v['redis'][0]):>12}{fmt_rps(v['respd'][0]):>12}{ratio:>7.2f}"
              f"{v['redis'][2]:>10.0f}{v['respd'][2]:>10.0f}{v['redis'][3]:>10.0f}{v['respd'][3]:>10.0f}"
              f"{p99x:>6.2f}{fmt_rps(v['redis'][5]):>12}{fmt_rps(v['respd'][5]):>12}{cratio:>10.2f}"
              f"  {' '.join(miss)}")
    print("\ntargets: PUBLISH/s ratio >= 1.0 (or, where the client's core is what limits the pace,"
          " the cpu ratio >= 1.0), delivery p99 <= redis's; LOST: messages published and never delivered")

if do_cache:
    # runs[policy][server][round] = the CSV line's fields (bench/cache)
    runs = {}
    for path in glob.glob(os.path.join(tmp, "cache", "*_r*.csv")):
        m = re.match(r"(\w+)_r(\d+)\.csv$", os.path.basename(path))
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if len(row) == 17:
                    runs.setdefault(row[0], {}).setdefault(m.group(1), {})[int(m.group(2))] = \
                        [row[0]] + [float(x) for x in row[1:]]
    MB = 1 << 20
    print("\nCache (bench/cache: maxmemory 64mb, SETs of 1 KiB values each followed by a GET, keys"
          " Zipf-distributed (s 1.01) over 2M keys, a missed GET filled by a SET, 16 in flight;"
          f" median over {rounds} round(s); max RSS sampled every 100 ms, in MB and as a multiple of"
          " maxmemory; respd's bound: maxmemory x 1.125 + 16 MB + its RSS at the start)")
    hdr = (f"{'policy':<12}{'redis hit':>10}{'respd hit':>10}{'diff pts':>9}{'redis ops/s':>12}"
           f"{'respd ops/s':>12}{'ratio':>7}{'redis maxRSS':>14}{'respd maxRSS':>14}{'respd bound':>12}"
           f"{'within':>7}{'redis evicted':>14}{'respd evicted':>14}{'redis used':>11}{'respd used':>11}  miss")
    print(hdr)
    print("-" * len(hdr))
    for policy in sorted(runs, key=lambda p: (p != "allkeys-lru", p)):  # in the order they ran
        rd, rs = runs[policy].get("redis", {}), runs[policy].get("respd", {})
        both = sorted(set(rd) & set(rs))
        v = {name: [med([x[i] for x in src.values()]) for i in range(1, 17)]
             for name, src in (("redis", rd), ("respd", rs))}
        # v[name][i - 1] is field i: 1 maxmemory, 5 hit rate, 9 ops/s,
        # 10 evicted_keys, 11 used_memory, 12-14 RSS start, max, end.
        f = lambda name, i: v[name][i - 1]
        ratio = med([rs[r][9] / rd[r][9] for r in both if rd[r][9] > 0])
        diff = (f("respd", 5) - f("redis", 5)) * 100
        # The bound holds in every round, each with its own start RSS.
        within = all(x[13] <= x[1] * 1.125 + 16 * MB + x[12] for x in rs.values())
        bound = f("respd", 1) * 1.125 + 16 * MB + f("respd", 12)
        rss = {name: f"{f(name, 13) / MB:.0f} ({f(name, 13) / f(name, 1):.2f}x)" for name in v}
        miss = []
        if not both:
            miss.append("NO-DATA")
        else:
            if diff < -5:
                miss.append("hit<-5pts")
            if not within:
                miss.append("respd:RSS>bound")
            for name, src in (("redis", rd), ("respd", rs)):
                if any(x[16] for x in src.values()):
                    miss.append(f"{name}:ERRORS")
        misses += bool(miss)
        print(f"{policy:<12}{f('redis', 5):>10.2%}{f('respd', 5):>10.2%}{diff:>+9.2f}"
              f"{fmt_rps(f('redis', 9)):>12}{fmt_rps(f('respd', 9)):>12}{ratio:>7.2f}"
              f"{rss['redis']:>14}{rss['respd']:>14}{bound / MB:>12.0f}{'yes' if within else 'NO':>7}"
              f"{fmt_rps(f('redis', 10)):>14}{fmt_rps(f('respd', 10)):>14}"
              f"{f('redis', 11) / MB:>11.1f}{f('respd', 11) / MB:>11.1f}  {' '.join(miss)}")
    print("\ntargets: respd's hit rate at most 5 points under redis's, its max RSS within the bound"
          " (maxmemory.go: GOMEMLIMIT = maxmemory + 1/8 + 16 MB, plus what the process held at the"
          " start); ERRORS: a reply was an error (OOM included) or a wrong value (see the warnings);"
          " used = INFO used_memory at the end, in MB")

if do_twemproxy:
    # runs[(test, P)][kind][round] = (requests/s, p50 ms)
    runs = {}
    with open(os.path.join(tmp, "twemproxy", "results.csv"), newline="") as f:
        for kind, p, r, test, rps, _avg, _min, p50, *_ in csv.reader(f):
            runs.setdefault((test, int(p)), {}).setdefault(kind, {})[int(r)] = (float(rps), float(p50))
    with open(os.path.join(tmp, "twemproxy", "dbsize.csv")) as f:
        dbsize = dict(line.strip().split(",") for line in f)
    print("\ntwemproxy (redis-benchmark -c 50 -r 100000 through nutcracker, ketama over fnv1a_64,"
          f" in front of three nodes of each server; median over {rounds} round(s); ratio ="
          " respd/redis requests/s, median of per-round ratios; p50 in ms)")
    hdr = (f"{'test':<8}{'P':>3} {'redis rps':>12}{'respd rps':>12}{'ratio':>7}"
           f"{'redis p50':>10}{'respd p50':>10}  miss")
    print(hdr)
    print("-" * len(hdr))
    for test, p in sorted(runs, key=lambda k: (k[1], ["SET", "GET", "INCR"].index(k[0]))):
        rd, rs = runs[(test, p)].get("redis", {}), runs[(test, p)].get("respd", {})
        both = sorted(set(rd) & set(rs))
        ratio = med([rs[r][0] / rd[r][0] for r in both if rd[r][0] > 0])
        v = {name: [med([x[i] for x in src.values()]) for i in range(2)]
             for name, src in (("redis", rd), ("respd", rs))}
        miss = "NO-DATA" if not both else "rps<1.0" if ratio < 1.0 else ""
        misses += bool(miss)
        print(f"{test:<8}{p:>3} {fmt_rps(v['redis'][0]):>12}{fmt_rps(v['respd'][0]):>12}{ratio:>7.2f}"
              f"{v['redis'][1]:>10.3f}{v['respd'][1]:>10.3f}  {miss}")
    print(f"\nkeys per node at the end (DBSIZE): redis {dbsize.get('redis')}, respd"
          f" {dbsize.get('respd')}; target: ratio >= 1.0")

print(f"\n{misses} line(s) miss targets" if misses else "\nall targets met")
PY
