#!/usr/bin/env bash
# bench/run.sh — side-by-side benchmark of respd vs. redis-server.
#
# Throughput/latency: redis-benchmark (ping,set,get,incr,mset by default; the
# list tests on request) at -P 1 / -P 16 and -d 3 / -d 1024, servers alternated
# over several rounds, medians reported.
# Memory: 1,000,000 SETs (14-byte keys, 16-byte values) into freshly started
# servers, RSS growth and INFO used_memory growth per key; then SAVE, BGSAVE
# and loading the RDB at a restart, timed on that data. Then two list cases,
# each in freshly started servers: one list of 1,000,000 10-byte elements, and
# 100,000 lists of 5 2-byte elements.
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
  --no-mem           skip the memory and persistence part
  --keep             keep the temp dir (raw CSVs, logs, summary.csv)
  --tests "T ..."    redis-benchmark tests to run (default: ping set get incr mset)
                     also: lpush rpush lpop rpop lrange_100 lrange_300
                     lrange_500 lrange_600, e.g. --tests "lpush rpush lpop
                     rpop lrange_100 lrange_300 lrange_600"
  --respd-args "A"   extra flags for respd only, e.g. --respd-args "--io-engine redcon"
  --server-args "A"  extra flags for both servers, e.g. for the AOF:
                     --server-args "--appendonly yes --appendfsync always"
  --replica          give each server a replica of its own kind during the
                     throughput part (pinned with the servers, on CPU 0: the
                     replica's work counts as the write's cost)
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
KEEP=0
TESTS=(ping set get incr mset)
SERVER_ARGS=()
RESPD_ARGS=()
REPLICA=0

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
        --no-mem)    DO_MEM=0; shift ;;
        --keep)      KEEP=1; shift ;;
        --tests)     read -r -a TESTS <<<"${2//,/ }"; shift 2 ;;
        --server-args) read -r -a SERVER_ARGS <<<"$2"; shift 2 ;;
        --respd-args)  read -r -a RESPD_ARGS <<<"$2"; shift 2 ;;
        --replica)   REPLICA=1; shift ;;
        -h|--help)   usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ $QUICK == 1 ]]; then
    SCALE=$(python3 -c "print($SCALE * 0.2)")
    ROUNDS=${ROUNDS:-1}
fi
ROUNDS=${ROUNDS:-3}

# Requests per test, chosen for ~1-2 s per test on one pinned core (redis 7.0);
# multiplied by --scale. Each test gets its own redis-benchmark invocation so
# that fast tests (PING at -P 16) and slow ones (MSET) both run long enough.
# A "test/1024" entry overrides "test" at -d 1024: LRANGE replies carry N
# elements of -d bytes each, so at -d 1024 they are bound by bytes, not
# requests (LRANGE_600 sends ~600 KB per reply), and run ~10x fewer per second.
declare -A N_P1=([ping]=200000 [set]=250000 [get]=250000 [incr]=250000 [mset]=100000
    [lpush]=250000 [rpush]=250000 [lpop]=250000 [rpop]=250000
    [lrange_100]=100000 [lrange_300]=60000 [lrange_500]=45000 [lrange_600]=40000
    [lrange_100/1024]=30000 [lrange_300/1024]=7000 [lrange_500/1024]=4000
    [lrange_600/1024]=3000)
declare -A N_P16=([ping]=3000000 [set]=1000000 [get]=1000000 [incr]=1500000 [mset]=150000
    [lpush]=1000000 [rpush]=1000000 [lpop]=1000000 [rpop]=1000000
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

# ---------------------------------------------------------------- server control
start_server() {  # name [flags...]
    local name=$1 port=${PORT[$1]} i
    shift
    [[ $name == respd* ]] && set -- "${RESPD_ARGS[@]}" "$@"
    mkdir -p "$TMP/run-$name"
    (cd "$TMP/run-$name" && exec "${PIN_SRV[@]}" "${BIN[$name]}" \
        --port "$port" --save '' --appendonly no "${SERVER_ARGS[@]}" "$@") >>"$TMP/$name.log" 2>&1 &
    PID[$name]=$!
    for i in $(seq 1 100); do
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
    local name=$1 i
    start_server "$name-replica" \
        --replicaof 127.0.0.1 "${PORT[$name]}" --repl-diskless-sync-delay 0
    for i in $(seq 1 100); do
        if redis-cli -p "${PORT[$name-replica]}" info replication | grep -q 'master_link_status:up'; then
            return 0
        fi
        sleep 0.1
    done
    echo "$name-replica did not sync within 10s" >&2
    exit 1
}

stop_server() {  # name
    local name=$1 pid=${PID[$1]:-} i
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
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

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
used_memory() {  # port -> bytes, or empty if INFO memory does not report it
    redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' \
        | awk -F: '$1 == "used_memory" {print $2}' || true
}

# ---------------------------------------------------------------- throughput / latency
llen() {  # port key -> LLEN, or -1 if the reply is not a number
    local v
    v=$(redis-cli -p "$1" llen "$2" 2>/dev/null | tr -d '\r' || true)
    [[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo -1
}

# list_short records that a list test ran on a list shorter than it needs
# (pops answering nil, LRANGE returning fewer elements than its name says);
# the report marks the row.
list_short() {  # name P d round test llen want
    echo "warning: $1 -t $5 -P $2 -d $3 (round $4): LLEN mylist = $6, wanted >= $7" >&2
    echo "$*" >>"$TMP/results/list-short.txt"
}

# The list tests all work on redis-benchmark's one key, mylist. Each starts
# from a known list and the list is deleted after it (at -d 1024 a push test
# leaves ~1 GB behind):
#   lpush/rpush   start from an empty list.
#   lpop/rpop     start from a list of >= n elements of -d bytes, filled by a
#                 redis-benchmark RPUSH run at -P 16 (not timed), so that every
#                 pop returns an element rather than nil.
#   lrange_N      redis-benchmark itself first pushes n elements ("LPUSH
#                 (needed to benchmark LRANGE)", a row the report leaves out);
#                 the list is checked to hold >= N elements afterwards.
# After lpush/rpush the list is checked to hold >= n elements.
bench_one() {  # name pipeline datasize round
    local name=$1 P=$2 d=$3 r=$4 port=${PORT[$1]} t n len want
    local out="$TMP/results/${name}_P${P}_d${d}_r${r}.csv"
    redis-cli -p "$port" flushall >/dev/null 2>&1 || true
    : >"$out"
    for t in "${TESTS[@]}"; do
        n=$(n_for "$P" "$t" "$d")
        case $t in
            lpush|rpush|lpop|rpop|lrange_*)
                redis-cli -p "$port" del mylist >/dev/null 2>&1 || true ;;
        esac
        case $t in
            lpop|rpop)
                timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "$port" -t rpush \
                    -c 50 -n "$n" -P 16 -d "$d" -q >/dev/null 2>>"$TMP/benchmark.err" || true
                len=$(llen "$port" mylist)
                (( len >= n )) || list_short "$name" "$P" "$d" "$r" "$t" "$len" "$n" ;;
        esac
        if ! timeout 300 "${PIN_CLI[@]}" redis-benchmark -p "$port" -t "$t" \
                -r 100000 -c 50 -n "$n" -P "$P" -d "$d" --csv \
                >"$out.part" 2>>"$TMP/benchmark.err"; then
            echo "warning: redis-benchmark failed: $name -t $t -P $P -d $d (round $r)" >&2
            tail -3 "$out.part" "$TMP/benchmark.err" >&2 || true
        fi
        grep -v '^"test"' "$out.part" >>"$out" || true
        check_alive "$name"
        case $t in
            lpush|rpush) want=$n ;;
            lrange_*)    want=${t#lrange_} ;;
            *)           want=0 ;;
        esac
        if (( want > 0 )); then
            len=$(llen "$port" mylist)
            (( len >= want )) || list_short "$name" "$P" "$d" "$r" "$t" "$len" "$want"
        fi
        case $t in
            lpush|rpush|lpop|rpop|lrange_*)
                redis-cli -p "$port" del mylist >/dev/null 2>&1 || true ;;
        esac
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

    # Lists, each case in freshly started servers, measured like the SETs:
    #   biglist  one list of 1,000,000 10-byte elements (e:%08d), RPUSHed
    #            1,000 per command;
    #   small    100,000 lists list:%06d of 5 2-byte elements (a1 .. e5).
    log "memory: generating the list cases"
    python3 - "$TMP" <<'PY'
import os, sys
tmp = sys.argv[1]
with open(os.path.join(tmp, "load-biglist.resp"), "wb") as f:
    for b in range(1000):
        f.write(b"*1002\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n")
        f.write(b"".join(b"$10\r\ne:%08d\r\n" % (b * 1000 + i) for i in range(1, 1001)))
with open(os.path.join(tmp, "load-small.resp"), "wb") as f:
    f.write(b"".join(
        b"*7\r\n$5\r\nRPUSH\r\n$11\r\nlist:%06d\r\n"
        b"$2\r\na1\r\n$2\r\nb2\r\n$2\r\nc3\r\n$2\r\nd4\r\n$2\r\ne5\r\n" % i
        for i in range(100000)))
PY
    : >"$TMP/memory-lists.txt"
    for mcase in biglist small; do
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
            dbsize=$(redis-cli -p "$port" dbsize 2>/dev/null | tr -d '\r' || true)
            [[ $dbsize =~ ^[0-9]+$ ]] || dbsize=-1
            # elements: LLEN of biglist; of small, LLEN of its last list
            if [[ $mcase == biglist ]]; then len=$(llen "$port" biglist); else len=$(llen "$port" list:099999); fi
            rss=$(rss_kb "${PID[$name]}")
            used=$(used_memory "$port")
            echo "$mcase $name $dbsize $len $base_rss $rss ${base_used:-NA} ${used:-NA}" \
                >>"$TMP/memory-lists.txt"
            stop_server "$name"
        done
    done
fi

# ---------------------------------------------------------------- report
python3 - "$TMP" "$ROUNDS" "$MEM_KEYS" "$DO_BENCH" "$DO_MEM" "$LOAD_START" <<'PY'
import csv, glob, os, re, statistics, sys

tmp, rounds, mem_keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
do_bench, do_mem = sys.argv[4] == "1", sys.argv[5] == "1"
load_start = float(sys.argv[6])
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
                key = (rec["test"], P, d)
                if key not in data:
                    data[key] = {}
                    order.append(key)
                data[key].setdefault(server, {})[r] = {
                    k: float(rec[k]) for k in ("rps", "p50", "p99")}

    # lists ran on too short a list: (test, P, d) -> {server: [round, ...]}
    short = {}
    path = os.path.join(tmp, "results", "list-short.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                server, P, d, r, t = line.split()[:5]
                short.setdefault((t.upper(), int(P), int(d)), {}).setdefault(
                    server, []).append(int(r))

    # redis-benchmark's own order
    test_rank = {t: i for i, t in enumerate(
        ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP",
         "RPOP", "LRANGE_100", "LRANGE_300", "LRANGE_500", "LRANGE_600", "MSET"])}
    order.sort(key=lambda k: (k[1], k[2], test_rank.get(k[0], len(test_rank)), k[0]))

    hdr = (f"{'test':<15}{'-P':>3}{'-d':>6} {'redis rps':>12}{'respd rps':>12}{'ratio':>7}"
           f" {'redis p50':>10}{'respd p50':>10} {'redis p99':>10}{'respd p99':>10}{'p99x':>6}  miss")
    print()
    print(f"Throughput / latency (median over {rounds} round(s); latencies in ms;"
          " ratio = respd/redis, median of per-round ratios)")
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
            target = 1.0 if P >= 16 else 0.9
            if ratio < target:
                miss.append(f"rps<{target:.1f}")
            if p99x > 1.5:
                miss.append("p99>1.5")
        for server in sorted(short.get(key, {})):
            miss.append(f"{server}:SHORT-LIST")
        misses += bool(miss)
        r, s = vals["redis"], vals["respd"]
        print(f"{test:<15}{P:>3}{d:>6} {fmt_rps(r['rps']):>12}{fmt_rps(s['rps']):>12}{ratio:>7.2f}"
              f" {r['p50']:>10.3f}{s['p50']:>10.3f} {r['p99']:>10.3f}{s['p99']:>10.3f}{p99x:>6.2f}"
              f"  {' '.join(miss)}")
        summary.append([test, P, d, r["rps"], s["rps"], round(ratio, 4), r["p50"], s["p50"],
                        r["p99"], s["p99"], round(p99x, 4), " ".join(miss)])
    with open(os.path.join(tmp, "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows(summary)
    print("\ntargets: ratio >= 0.9 at -P 1, >= 1.0 at -P 16; p99 ratio <= 1.5")
    if short:
        print("SHORT-LIST: the list held fewer elements than the test needs"
              " (pops of nil, short LRANGE replies or failed pushes; see the warnings above)")

if do_mem:
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

    # list cases: name, what, expected dbsize and LLEN, elements, RSS target
    cases = [("biglist", "1 list x 1,000,000 x 10-byte elements (RPUSH biglist, 1,000 per command)",
              1, 1000000, 1000000, 1.2),
             ("small", "100,000 lists x 5 x 2-byte elements (RPUSH list:%06d a1 b2 c3 d4 e5)",
              100000, 5, 100000, 1.5)]
    lmem = {}
    with open(os.path.join(tmp, "memory-lists.txt")) as f:
        for line in f:
            mcase, name, dbsize, llen, brss, rss, bused, used = line.split()
            lmem[(mcase, name)] = dict(
                dbsize=int(dbsize), llen=int(llen), rss=(int(rss) - int(brss)) * 1024,
                used=None if "NA" in (bused, used) else int(used) - int(bused))
    for mcase, what, want_db, want_len, per_n, target in cases:
        unit = "elem" if mcase == "biglist" else "list"
        print(f"\nMemory: {what}, fresh servers, growth over post-start baseline")
        print(f"{'server':<8}{'dbsize':>10}{'LLEN':>10}{'RSS growth':>14}{'RSS B/' + unit:>12}"
              f"{'used_memory':>14}{'used B/' + unit:>13}")
        for name in ("redis", "respd"):
            m = lmem.get((mcase, name))
            if not m:
                continue
            used = "n/a" if m["used"] is None else f"{m['used']:,}"
            upk = "n/a" if m["used"] is None else f"{m['used'] / per_n:.1f}"
            bad = ("  CONTENT MISMATCH (want dbsize {:,}, LLEN {:,})".format(want_db, want_len)
                   if (m["dbsize"], m["llen"]) != (want_db, want_len) else "")
            misses += bool(bad)
            print(f"{name:<8}{m['dbsize']:>10,}{m['llen']:>10,}{m['rss']:>14,}{m['rss'] / per_n:>12.1f}"
                  f"{used:>14}{upk:>13}{bad}")
        r, s = lmem.get((mcase, "redis")), lmem.get((mcase, "respd"))
        if r and s and r["rss"] > 0:
            ratio = s["rss"] / r["rss"]
            uratio = (f"{s['used'] / r['used']:.2f}"
                      if r["used"] and s["used"] is not None else "n/a")
            flag = "" if ratio <= target else f"  MISS (target <= {target})"
            misses += bool(flag)
            print(f"RSS ratio respd/redis: {ratio:.2f}{flag}   (used_memory ratio: {uratio};"
                  f" target RSS <= {target})")

print(f"\n{misses} line(s) miss targets" if misses else "\nall targets met")
PY
