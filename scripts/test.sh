#!/usr/bin/env bash
# The project's test command: installs what the tests need when missing, lints the format,
# builds everything with warnings as errors, and runs every test. CI runs exactly this.
#
#   scripts/test.sh [extra swift test arguments, e.g. --filter LicenseBusCoreTests]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh

ensure_test_prerequisites

swift format lint --strict --recursive Sources Tests Package.swift
swift build --build-tests -Xswiftc -warnings-as-errors
# Serial: many tests start servers and processes and assert latencies (no responders in under
# 100 ms); on a 2-core machine parallel suites would starve each other and make them flaky.
swift test --skip-build --no-parallel "$@"
