#!/usr/bin/env bash
# bench-publish-cost.sh: what one publish costs the publishing thread, ours against the official C
# client's (libnats), with no server: each publishes into the reconnect buffer of a connection
# that cannot connect (`license-bench publish-cost`, scripts/bench/publish-cost.c). The publish
# benchmark against nats-server measures the server's intake once the client is faster; this
# measures the client alone. Runs are interleaved; each prints its best of 12 rounds.
#
#   scripts/bench-publish-cost.sh [RUNS] [N]     (defaults: 9 runs of 1,000,000 publishes)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
runs=${1:-9}
count=${2:-1000000}
ensure_libnats || exit 2
swift build -c release --product license-bench >/dev/null
bench=$(swift build -c release --show-bin-path)/license-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -o "$work/publish-cost-c" scripts/bench/publish-cost.c $(pkg-config --cflags --libs libnats) -lpthread
# glibc keeps freed memory, so a round does not fault the previous round's buffer pages in anew.
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cpus, $runs interleaved runs of $count publishes"
for run in $(seq "$runs"); do
    "$work/publish-cost-c" "$count" | tee -a "$work/c"
    "$bench" publish-cost "$count" | tee -a "$work/swift"
done
for client in c swift; do
    sed 's/.*best_ns_per_publish=//' "$work/$client" | sort -n | awk -v client="$client" \
        '{ v[NR] = $1 } END { printf "%s publish-cost runs=%d min_ns=%s median_ns=%s\n", client, NR, v[1], v[int((NR + 1) / 2)] }'
done
