#!/usr/bin/env bash
# The whole license verify in C beside ours, each against OpenSSL's RSA operation alone in
# alternating 10 ms slices of its own process (scripts/bench/jwt-verify-ratio.c, `license-bench
# verify-ratio`), interleaved round by round. Two C figures: the same steps as ours with OpenSSL
# and jansson (c-jansson), and the least any JWS verify must do, with no header or claims
# (c-signature-only). They show how near to `openssl speed` a complete verify gets (issue 2's goal).
#
#   scripts/bench-verify-c.sh [ROUNDS] [SECONDS]    defaults: 3 rounds, 2 s per figure
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools
rounds=${1:-3}
seconds=${2:-2}
command -v cc >/dev/null || apt_install gcc
pkg-config --exists jansson 2>/dev/null || apt_install libjansson-dev
swift build -c release --product license-bench >/dev/null
swift build -c release --product license-tool >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -o "$work/jwt-verify-ratio" scripts/bench/jwt-verify-ratio.c $(pkg-config --cflags --libs libcrypto jansson)
# The claims of license-bench's licenses (CryptoBenchmark.claims), so both verify tokens of one size.
claims='{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"cust-1","jti":"lic-bench","iat":1767225600,"edition":"enterprise","features":["sso","audit-log"],"limits":{"max_instances":50},"customer":"Bench Corp"}'
for bits in 2048 3072; do
    "$bin/license-tool" keygen --out "$work/$bits" --bits "$bits" --name bench >/dev/null
    for alg in RS256 PS256; do
        "$bin/license-tool" sign --key "$work/$bits/bench-private.pem" --claims "$claims" --alg "$alg" --kid bench \
            >"$work/$bits-$alg.jwt"
    done
done
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cpus, $(openssl version), jansson $(pkg-config --modversion jansson)"
for round in $(seq "$rounds"); do
    echo "# round $round"
    for bits in 2048 3072; do
        for alg in RS256 PS256; do
            "$work/jwt-verify-ratio" "$work/$bits-$alg.jwt" "$work/$bits/bench.pem" "$seconds"
        done
    done
    "$bin/license-bench" verify-ratio "$seconds"
done
