#!/usr/bin/env bash
# Runs license-bench crypto beside `openssl speed rsa2048 rsa3072`, interleaved, so the figures
# come from the same machine in the same minutes (docs/benchmarks.md records a run).
#
#   scripts/bench-crypto.sh [ROUNDS] [SECONDS]    defaults: 3 rounds, 2 s per figure
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools
rounds=${1:-3}
seconds=${2:-2}
swift build -c release --product license-bench >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cpus, $(openssl version)"
for round in $(seq "$rounds"); do
    echo "# round $round"
    .build/release/license-bench crypto "$seconds"
    openssl speed -seconds "$seconds" rsa2048 rsa3072 2>/dev/null | awk '/^rsa/ { printf "openssl rsa-verify bits=%s ops_per_s=%s\n", $2, $7 }'
done
