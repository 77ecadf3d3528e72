#!/usr/bin/env bash
# The project's test command: installs what the tests need when missing, builds everything
# with warnings as errors, and runs every test (unit, interop, CLI). CI runs exactly this.
#
#   scripts/test.sh [extra swift test arguments, e.g. --filter LicenseBusCoreTests]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh

ensure_build_tools
ensure_python_test_packages

swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build "$@"
