#!/usr/bin/env bash
# Counts the instructions of one license verify (`verifyIgnoringTime`, RS256, RSA-2048) under
# valgrind's callgrind: inside OpenSSL's libcrypto, and outside it (base64url, JSON, claims, the
# wrapper). Instruction counts do not drift with this VM's load, so they show what a change to
# the parsing path saves when timings cannot (docs/benchmarks.md, issue 2). Under valgrind
# OpenSSL does not use the SHA extensions, so libcrypto's count overstates SHA-256.
#
#   scripts/bench-verify-instructions.sh [BINARY]    default: a fresh .build/release/license-bench
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools
command -v valgrind >/dev/null || apt_install valgrind
binary=${1:-}
if [ -z "$binary" ]; then
    swift build -c release --product license-bench >/dev/null
    binary=.build/release/license-bench
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
symbol='$s14LicenseBusCore0A8VerifierV18verifyIgnoringTimeyAA08VerifiedA0VSSAA0A5ErrorVYKF'
valgrind --tool=callgrind --callgrind-out-file="$work/out" "--toggle-collect=$symbol" \
    "$binary" verify-stages 1 license-verify >/dev/null 2>&1
# One signature check per verify: its call count is the number of verifies.
calls=$(callgrind_annotate --inclusive=yes --tree=calling "$work/out" 2>/dev/null | awk '
    !found && /verifySignature.*\([0-9,]+x\)/ { match($0, /\([0-9,]+x\)/); n = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", n); found = 1 }
    END { print n }')
callgrind_annotate --threshold=100 --auto=no "$work/out" 2>/dev/null | awk -v calls="$calls" '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; next }
    /file:function/ { table = 1; next }
    table && /^ *[0-9,]+ \(/ { gsub(",", "", $1); if ($0 ~ /libcrypto/) crypto += $1; else other += $1 }
    END {
        printf "swift verify-instructions alg=RS256 bits=2048 verifies=%d per_verify=%.0f libcrypto=%.0f outside_libcrypto=%.0f\n",
            calls, total / calls, crypto / calls, other / calls
    }'
