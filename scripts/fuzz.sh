#!/usr/bin/env bash
# Runs a libFuzzer harness of tests/fuzz (or all of them) for a while.
#   scripts/fuzz.sh HARNESS SECONDS     e.g. scripts/fuzz.sh query_parser 600
#   scripts/fuzz.sh all SECONDS         each harness in turn (CI: 30 s each)
# Harnesses: analyzer query_parser html_reader markdown_reader text_decoder document_id snippet
# http office_reader.
# Builds with clang 14 into build-fuzz/ (ASan + UBSan + coverage); the corpus grows in
# build-fuzz/corpus/HARNESS, starting from the seeds in tests/fuzz/corpus/HARNESS. A crash
# leaves its input as build-fuzz/crash-* and fails the run: make it a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

harness=${1:?usage: scripts/fuzz.sh HARNESS|all SECONDS}
seconds=${2:?usage: scripts/fuzz.sh HARNESS|all SECONDS}
all=(analyzer query_parser html_reader markdown_reader text_decoder document_id snippet http
     office_reader)

bash scripts/install-deps.sh --fuzz
build=${BUILD_DIR:-build-fuzz}
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOUPE_FUZZ=ON >/dev/null
if [[ $harness == all ]]; then harnesses=("${all[@]}"); else harnesses=("$harness"); fi
cmake --build "$build" --target "${harnesses[@]/%/_fuzz}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for h in "${harnesses[@]}"; do
  corpus=$build/corpus/$h
  mkdir -p "$corpus"
  echo "fuzz: $h for ${seconds}s"
  # -rss_limit_mb: a harness that needs more is a bug of its own (a reader gone quadratic).
  # The HTTP harness runs the server, which logs every request to stderr: closed (crash
  # reports still show).
  # Its own limit on an answer is 30 s (tests/fuzz/http_fuzz.cpp), within libFuzzer's.
  extra=(-timeout=20)
  [[ $h == http ]] && extra=(-close_fd_mask=2 -timeout=60)
  "$build/${h}_fuzz" "${extra[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -artifact_prefix="$build/crash-$h-" -print_final_stats=1 "$corpus" "tests/fuzz/corpus/$h" \
    2>&1 | grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|==ERROR|SUMMARY|crash-|Test unit" || true
  if ls "$build"/crash-"$h"-* >/dev/null 2>&1; then
    echo "fuzz: $h crashed; inputs: $(ls "$build"/crash-"$h"-*)" >&2
    exit 1
  fi
done
