#!/usr/bin/env bash
# A/B of Loupe's search rate: two builds of loupe-index/loupe-server on the same corpora and the
# bench's query lists (tests/bench/corpus.py, same seed), servers alternated run by run so that a
# shared machine's bursts fall on both alike. What a change's "at most N% slower" is read from.
#
#   tests/bench/ab.sh BIN_DIR_A BIN_DIR_B
#
# Settings (environment): AB_CORPORA (python linux), AB_RUNS (3 per server and corpus),
# AB_DURATION (5 s of wrk), AB_CONNS (8), AB_SEED (20240601, the bench's), BUILD_DIR
# (<repo>/build-bench: corpora and work files go to $BUILD_DIR/ab). Needs the corpora's packages
# (python3.11-doc, linux-doc-6.1) and wrk, as tests/bench/run.sh installs them.
# Prints, per corpus, each run's req/s and p99 and the median ratio B/A.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
[ $# -eq 2 ] || { echo "usage: $0 BIN_DIR_A BIN_DIR_B" >&2; exit 2; }
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
OUT=$BUILD_DIR/ab
CORPORA=${AB_CORPORA:-python linux}
RUNS=${AB_RUNS:-3}
DURATION=${AB_DURATION:-5}
CONNS=${AB_CONNS:-8}
SEED=${AB_SEED:-20240601}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "ab.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server's CPU time so far, in clock ticks (user + system): per request, it is steadier than
# req/s on a machine where wrk and other work share the cores.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

corpus_src() {
  case $1 in
    python) echo /usr/share/doc/python3.11/html ;;
    linux) echo /usr/share/doc/linux-doc-6.1/html ;;
    *) echo "ab.sh: unknown corpus $1" >&2; exit 2 ;;
  esac
}

for c in $CORPORA; do
  dst=$OUT/corpora/$c
  if [ ! -d "$dst" ]; then
    mkdir -p "$dst"
    (cd "$(corpus_src "$c")" && find . -type f -name '*.html' -print0 | tar --null -T - -cf - |
      tar -C "$dst" -xf -)
  fi
  work=$OUT/work/$c
  if [ ! -f "$work/loupe.lua" ]; then
    python3 "$HERE/corpus.py" extract "$dst" "$work"
    python3 "$HERE/corpus.py" queries "$work" "$SEED" >"$work/queries.txt"
    python3 "$HERE/corpus.py" lua "$work" loupe "/api/search?page=1&per_page=10&q=" "$work/loupe.lua"
  fi
  declare -A port
  for side in A B; do
    bin=$A; [ $side = B ] && bin=$B
    rm -rf "$OUT/db-$c-$side"
    "$bin/loupe-index" --db "$OUT/db-$c-$side" "$dst" >"$OUT/index-$c-$side.log" 2>&1
    port[$side]=$(free_port)
    "$bin/loupe-server" --db "$OUT/db-$c-$side" --port "${port[$side]}" --bind 127.0.0.1 \
      --cache-mb 0 >"$OUT/server-$c-$side.log" 2>&1 &
    PIDS+=("$!")
  done
  sleep 1
  for side in A B; do  # warm-up: every query once
    wrk -t2 -c"$CONNS" -d2s -s "$work/loupe.lua" "http://127.0.0.1:${port[$side]}" >/dev/null 2>&1
  done
  results=()
  for r in $(seq "$RUNS"); do
    for side in A B; do
      pid=${PIDS[0]}; [ $side = B ] && pid=${PIDS[1]}
      cpu0=$(cpu_ticks "$pid")
      line=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$work/loupe.lua" \
        "http://127.0.0.1:${port[$side]}" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //')
      cpu1=$(cpu_ticks "$pid")
      results+=("$side $((cpu1 - cpu0)) $line")
    done
  done
  python3 - "$c" "${results[@]}" <<'PY'
import json, statistics, sys
import os
corpus, rows = sys.argv[1], [r.split(" ", 2) for r in sys.argv[2:]]
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
by = {"A": [], "B": []}
for side, ticks, line in rows:
    run = json.loads(line)
    run["cpu_us"] = int(ticks) * tick_us / max(1, run["requests"])
    by[side].append(run)
for side in "AB":
    print("%s %s: req/s %s, p99 ms %s, server CPU us/request %s" % (corpus, side,
          [round(r["rps"]) for r in by[side]], [round(r["p99_ms"], 1) for r in by[side]],
          [round(r["cpu_us"]) for r in by[side]]))
med = {s: {k: statistics.median(r[k] for r in by[s]) for k in ("rps", "cpu_us", "p99_ms")}
       for s in "AB"}
print("%s: median req/s A %.0f, B %.0f, B/A %.3f; CPU us/request A %.0f, B %.0f, B/A %.3f; "
      "p99 A %.1f ms, B %.1f ms" % (corpus, med["A"]["rps"], med["B"]["rps"],
      med["B"]["rps"] / med["A"]["rps"], med["A"]["cpu_us"], med["B"]["cpu_us"],
      med["B"]["cpu_us"] / med["A"]["cpu_us"], med["A"]["p99_ms"], med["B"]["p99_ms"]))
PY
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
done
