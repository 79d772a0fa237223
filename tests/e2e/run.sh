#!/usr/bin/env bash
# End-to-end tests of the web page in headless Chromium against the real server, and of the
# API's OpenAPI description.
# Usage: tests/e2e/run.sh BUILD_DIR
# Builds a temporary index from seeds/ plus test fixtures with BUILD_DIR/loupe-index,
# starts BUILD_DIR/loupe-server on a free loopback port serving web/, runs the
# node:test suites and saves screenshots to BUILD_DIR/e2e-screenshots/.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

for bin in loupe-index loupe-server; do
  if [[ ! -x "$BUILD_DIR/$bin" ]]; then
    echo "e2e: $BUILD_DIR/$bin is missing: build the project first" >&2
    exit 1
  fi
done
# System packages: in CI (or with LOUPE_E2E_INSTALL=1) install them, elsewhere say what is missing.
if [[ ! -x "$CHROMIUM" ]] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [[ -n "${CI:-}" || "${LOUPE_E2E_INSTALL:-}" == 1 ]]; then
    bash "$HERE/install-deps.sh" >&2
  else
    echo "e2e: needs $CHROMIUM, node and npm: run tests/e2e/install-deps.sh (apt-get install chromium nodejs npm)" >&2
    exit 1
  fi
fi

# Node dependencies: playwright-core (it drives Debian's chromium and downloads no browser) and
# @readme/openapi-parser. npm ls fails when one is missing or not the locked version, as in a
# node_modules installed before package.json last changed.
if ! (cd "$HERE" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "e2e: installing node dependencies in $HERE" >&2
  (cd "$HERE" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loupe-e2e.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fixtures: a hostile document, enough "quokka" documents for three pages of results, and a
# note on the numbat in three languages.
FIX="$WORK/fixtures"
mkdir -p "$FIX/paging"
cp "$HERE/fixtures/hostile.txt" "$FIX/hostile.txt"
mkdir -p "$FIX/languages"
printf 'Il numbat è un piccolo marsupiale australiano: i numbat mangiano termiti ogni giorno e vivono nelle foreste di eucalipto.\n' >"$FIX/languages/numbat-it.txt"
printf 'Der Numbat ist ein kleines australisches Beuteltier: Numbats fressen jeden Tag Termiten und leben in den Eukalyptuswäldern.\n' >"$FIX/languages/numbat-de.txt"
printf 'The numbat is a small Australian marsupial: numbats eat termites every day and live in eucalyptus woodland.\n' >"$FIX/languages/numbat-en.txt"
for i in $(seq -w 1 23); do
  printf 'Quokka field note %s\n\nThe quokka counted on day %s was resting under a shrub. Quokka sightings are logged for paging tests.\n' "$i" "$i" >"$FIX/paging/quokka-$i.txt"
done

"$BUILD_DIR/loupe-index" --db "$WORK/db" "$REPO/seeds" "$FIX" >"$WORK/index.log" 2>&1 || {
  echo "e2e: loupe-index failed:" >&2; cat "$WORK/index.log" >&2; exit 1; }

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{const p=s.address().port;s.close(()=>console.log(p))})')
"$BUILD_DIR/loupe-server" --db "$WORK/db" --port "$PORT" --bind 127.0.0.1 --web "$REPO/web" \
  >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do
  if grep -q "listening on" "$WORK/server.err" 2>/dev/null && node -e "fetch('$URL/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: loupe-server exited:" >&2; cat "$WORK/server.err" >&2; exit 1
  fi
  sleep 0.1
done
node -e "fetch('$URL/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" || {
  echo "e2e: loupe-server did not become ready on $URL:" >&2; cat "$WORK/server.err" >&2; exit 1; }
echo "e2e: loupe-server on $URL (pid $SERVER_PID)"

SHOTS="$BUILD_DIR/e2e-screenshots"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
status=0
(
  cd "$HERE"
  LOUPE_URL="$URL" LOUPE_BUILD_DIR="$BUILD_DIR" LOUPE_DB="$WORK/db" LOUPE_WEB="$REPO/web" \
  LOUPE_SCREENSHOTS="$SHOTS" CHROMIUM="$CHROMIUM" \
    node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
) || status=$?
echo "e2e: screenshots in $SHOTS"
if [[ $status -ne 0 ]]; then
  echo "e2e: server log:" >&2; tail -n 40 "$WORK/server.err" >&2 || true
fi
exit $status
