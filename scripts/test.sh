#!/usr/bin/env bash
# Builds Loupe and runs every test: unit, integration (real server, real HTTP) and browser.
#   scripts/test.sh              all tests in build/
#   scripts/test.sh --sanitize   unit and integration tests under ASan+UBSan in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
if [[ "${1:-}" == "--sanitize" ]]; then
  build=${BUILD_DIR:-build-asan}
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLOUPE_SANITIZE=ON >/dev/null
  cmake --build "$build"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  ctest --test-dir "$build" -L 'unit|integration' --output-on-failure --timeout 600
else
  build=${BUILD_DIR:-build}
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build"
  ctest --test-dir "$build" --output-on-failure --timeout 600
fi
