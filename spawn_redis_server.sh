#!/bin/sh
# Build respd and run it in the caller's directory, like redis-server:
#   ./spawn_redis_server.sh [/path/to/redis.conf] [--option value ...]
# The build runs in a subshell at the repository root; with the binary up
# to date it takes a fraction of a second (Go's build cache).
set -e
repo=$(cd "$(dirname "$0")" && pwd)
bin="${TMPDIR:-/tmp}/respd-build-$(id -u)-$(printf %s "$repo" | cksum | cut -d' ' -f1)/respd"
(cd "$repo" && go build -o "$bin" .)
exec "$bin" "$@"
