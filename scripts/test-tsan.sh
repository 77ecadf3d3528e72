#!/usr/bin/env bash
# Runs every test under ThreadSanitizer, in its own build folder (.build-tsan). The locks are
# built as pthread mutexes (-D LICENSE_BUS_TSAN_LOCKS, Sources/LicenseBusSync): ThreadSanitizer
# cannot see the futex under Synchronization.Mutex on Linux and would report every access made
# under one. Fails on any ThreadSanitizer report, in the tests or in a CLI process they start.
#
#   scripts/test-tsan.sh [extra swift test arguments, e.g. --filter LicenseBusNATSTests]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh

ensure_test_prerequisites

tsan=(--sanitize=thread --scratch-path .build-tsan)
swift build --build-tests "${tsan[@]}" -Xswiftc -DLICENSE_BUS_TSAN_LOCKS -Xswiftc -warnings-as-errors
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
TSAN_OPTIONS="halt_on_error=0 ${TSAN_OPTIONS:-}" swift test --skip-build "${tsan[@]}" --no-parallel "$@" 2>&1 |
    tee "$log" || status=$?
reports=$(grep -c 'WARNING: ThreadSanitizer' "$log" || true)
echo "ThreadSanitizer reports: $reports"
[ "$status" -eq 0 ] && [ "$reports" -eq 0 ]
