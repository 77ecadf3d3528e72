#!/usr/bin/env bash
# Runs license-bench crypto beside `openssl speed rsa2048 rsa3072` and beside OpenSSL's own verify
# rate per padding (scripts/bench/rsa-verify.c: PKCS#1 v1.5 and PSS, as `openssl speed` measures
# PKCS#1), interleaved, so the figures come from the same machine in the same minutes, and the
# whole license verify against the RSA operation alone in alternating 10 ms slices of one process
# (verify-ratio: the ratio that holds while this VM's speed drifts; docs/benchmarks.md records a run).
#
#   scripts/bench-crypto.sh [ROUNDS] [SECONDS]    defaults: 3 rounds, 2 s per figure
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools
rounds=${1:-3}
seconds=${2:-2}
swift build -c release --product license-bench >/dev/null
command -v cc >/dev/null || apt_install gcc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# OpenSSL's own verify rate per padding (`openssl speed` measures PKCS#1 v1.5 only).
cc -O2 -Wall -o "$work/rsa-verify-openssl" scripts/bench/rsa-verify.c $(pkg-config --cflags --libs libcrypto)
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cpus, $(openssl version)"
for round in $(seq "$rounds"); do
    echo "# round $round"
    .build/release/license-bench crypto "$seconds"
    .build/release/license-bench verify-ratio "$seconds"
    openssl speed -seconds "$seconds" rsa2048 rsa3072 2>/dev/null | awk '/^rsa/ { printf "openssl rsa-verify bits=%s ops_per_s=%s\n", $2, $7 }'
    "$work/rsa-verify-openssl" "$seconds"
done
