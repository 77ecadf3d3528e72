#!/usr/bin/env bash
# bench-nats-pinned.sh: ../shared/natsbench/run.sh with nats-server pinned to one CPU and each
# client to another (taskset), so a client's speed is not hidden by it competing with the server
# for the same cores. On a 2-core machine the unpinned benchmark is bound by the server, whose
# parse loop takes one core, and the client's threads share the other one anyway; pinning makes
# that explicit and steadier. Our client and the official C client (libnats) are compared.
#
#   scripts/bench-nats-pinned.sh [RUNS] [MODES] [PORT]   (defaults: 9 runs, pub,pubsub, port 14252)
#
# Extra clients: BENCH_EXTRA="name=/path/to/binary ..." are pinned like the others.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
runs=${1:-9}
modes=${2:-pub,pubsub}
port=${3:-14252}
natsbench=$(cd ../shared/natsbench && pwd)
state=${NATSBENCH_STATE:-$HOME/.cache/natsbench}
[ "$(nproc)" -ge 2 ] || { echo "bench-nats-pinned.sh: needs at least 2 CPUs" >&2; exit 2; }
command -v taskset >/dev/null || { echo "bench-nats-pinned.sh: taskset not found (util-linux)" >&2; exit 2; }

swift build -c release --product license-bench >/dev/null
bench=$(swift build -c release --show-bin-path)/license-bench
ensure_bench_c "$state" "$natsbench" || exit 2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pinned() { # NAME CPU COMMAND: a wrapper script running COMMAND on CPU
    printf '#!/bin/sh\nexec taskset -c %s %s "$@"\n' "$2" "$3" > "$work/$1"
    chmod +x "$work/$1"
    echo "$work/$1"
}
server=$(pinned server 0 "$(command -v nats-server)")
clients=(--client "c=$(pinned c 1 "$state/bench_c")" --client "swift=$(pinned swift 1 "$bench")")
for extra in ${BENCH_EXTRA:-}; do
    clients+=(--client "${extra%%=*}=$(pinned "${extra%%=*}" 1 "${extra#*=}")")
done
"$natsbench/run.sh" "$port" --server "$server" --no-default-clients "${clients[@]}" --modes "$modes" --runs "$runs"
