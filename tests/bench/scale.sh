#!/usr/bin/env bash
# Loupe at scale (issue 25, first part): a large corpus from Debian, the Rust documentation
# (rust-doc, about 32,000 pages and 540 MB of HTML), against Python's docs, in one run.
# Not part of CI.
#
#   bash tests/bench/scale.sh BIN_DIR      # loupe-index and loupe-server of a Release build
#
# Prints, as a markdown table:
#   indexing   each corpus's source MB, documents, seconds and MB/s, and the ratio of the rates
#              (the target: rust-doc at 80% or more of Python's rate, so that cost grows
#              linearly with the corpus), and the index's size;
#   queries    on rust-doc: requests per second and p99 at 8 and 64 connections (wrk, the
#              bench's query mix drawn by tests/bench/corpus.py, result cache off), and the
#              server's resident memory after them.
#   shards     the same corpus as 2 shards (loupe-index --shard): their indexing rate, and the
#              query figures again for 2 local shards, and for 1 local and 1 remote shard
#              (xapian-tcpsrv on loopback).
#
# Settings (environment): SCALE_DIR (work folder, default build-bench/scale), SCALE_DURATION
# (seconds of wrk per cell, 10), SCALE_RUNS (runs per cell, medians kept, 3), SCALE_SEED.
# Installs rust-doc, python3.11-doc and wrk with apt-get when they are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
[ $# -eq 1 ] || { echo "usage: $0 BIN_DIR" >&2; exit 2; }
BIN=$(cd "$1" && pwd)
for b in loupe-index loupe-server; do
  [ -x "$BIN/$b" ] || { echo "scale.sh: no $b in $BIN" >&2; exit 2; }
done
OUT=${SCALE_DIR:-$ROOT/build-bench/scale}
DURATION=${SCALE_DURATION:-10}
RUNS=${SCALE_RUNS:-3}
SEED=${SCALE_SEED:-20240601}
mkdir -p "$OUT"

need=()
[ -d /usr/share/doc/rust-doc/html ] || need+=(rust-doc)
[ -d /usr/share/doc/python3.11/html ] || need+=(python3.11-doc)
command -v wrk >/dev/null || need+=(wrk)
command -v xapian-tcpsrv >/dev/null || need+=(xapian-tools)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

PIDS=()
# A negative entry is a process group (xapian-tcpsrv and the process it forks per connection).
cleanup() { for p in "${PIDS[@]}"; do kill -- "$p" 2>/dev/null || true; wait "${p#-}" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Only the *.html files, as the other benches copy them: every figure is over the same bytes.
copy_html() {
  local src=$1 dst=$2
  [ -d "$dst" ] && return
  mkdir -p "$dst"
  (cd "$src" && find . -type f -name '*.html' -print0 | tar --null -T - -cf - | tar -C "$dst" -xf -)
}
copy_html /usr/share/doc/python3.11/html "$OUT/corpora/python"
copy_html /usr/share/doc/rust-doc/html "$OUT/corpora/rust"

declare -A seconds mb docs size
for c in python rust; do
  rm -rf "$OUT/db-$c"
  src_mb=$(du -sb "$OUT/corpora/$c" | awk '{printf "%.1f", $1 / 1e6}')
  start=$(date +%s.%N)
  "$BIN/loupe-index" --db "$OUT/db-$c" "$OUT/corpora/$c" >"$OUT/index-$c.log" 2>&1 || {
    rc=$?
    [ "$rc" -le 1 ] || { tail -3 "$OUT/index-$c.log" >&2; exit 1; }
  }
  end=$(date +%s.%N)
  seconds[$c]=$(python3 -c "print(round($end - $start, 1))")
  mb[$c]=$src_mb
  docs[$c]=$(tail -1 "$OUT/index-$c.log" | sed -n 's/.*added \([0-9]*\).*/\1/p')
  size[$c]=$(du -sb "$OUT/db-$c" | awk '{printf "%.0f", $1 / 1e6}')
done

echo "## Indexing (loupe-index, from a warm page cache)"
echo
echo "| corpus | source MB | documents | seconds | MB/s | index MB |"
echo "|---|---:|---:|---:|---:|---:|"
for c in python rust; do
  rate=$(python3 -c "print(round(${mb[$c]} / ${seconds[$c]}, 1))")
  echo "| $c | ${mb[$c]} | ${docs[$c]} | ${seconds[$c]} | $rate | ${size[$c]} |"
done
python3 -c "
p = ${mb[python]} / ${seconds[python]}; r = ${mb[rust]} / ${seconds[rust]}
print(); print('rust-doc indexes at %.2fx the rate of Python\'s docs (target: 0.80x or more)' % (r / p))"

work=$OUT/work/rust
if [ ! -f "$work/loupe.lua" ]; then
  python3 "$HERE/corpus.py" extract "$OUT/corpora/rust" "$work"
  python3 "$HERE/corpus.py" queries "$work" "$SEED" >"$work/queries.txt"
  python3 "$HERE/corpus.py" lua "$work" loupe "/api/search?page=1&per_page=10&q=" "$work/loupe.lua"
fi
# Serves rust-doc from the databases given (--db arguments) and prints a table row per
# connection count: requests per second and p99 (medians of RUNS), then the server's memory.
measure_queries() {
  local label=$1; shift
  local port pid
  port=$(free_port)
  "$BIN/loupe-server" "$@" --port "$port" --bind 127.0.0.1 --cache-mb 0 \
    >"$OUT/server-$label.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do
    curl -s "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  wrk -t2 -c8 -d3s -s "$work/loupe.lua" "http://127.0.0.1:$port" >/dev/null 2>&1  # warm-up
  for conns in 8 64; do
    rows=()
    for _ in $(seq "$RUNS"); do
      rows+=("$(wrk -t2 -c"$conns" -d"${DURATION}s" --timeout 10s -s "$work/loupe.lua" \
        "http://127.0.0.1:$port" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //')")
    done
    rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
    python3 - "$label" "$conns" "$rss" "${rows[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(r) for r in sys.argv[4:]]
print("| %s | %s | %.0f | %.1f | %s |" % (sys.argv[1], sys.argv[2],
      statistics.median(r["rps"] for r in runs), statistics.median(r["p99_ms"] for r in runs),
      sys.argv[3]))
PY
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# The same corpus as two shards (loupe-index --shard), one after the other.
start=$(date +%s.%N)
for k in 1 2; do
  rm -rf "$OUT/db-rust-$k"
  "$BIN/loupe-index" --db "$OUT/db-rust-$k" --shard "$k/2" "$OUT/corpora/rust" \
    >"$OUT/index-rust-$k.log" 2>&1 || [ $? -le 1 ]
done
end=$(date +%s.%N)
python3 -c "
s = $end - $start
print(); print('rust-doc as 2 shards, indexed one after the other: %.1f s, %.1f MB/s (one database: %.1f MB/s)' % (s, ${mb[rust]} / s, ${mb[rust]} / ${seconds[rust]}))"

# The second shard served by xapian-tcpsrv on loopback, in a session of its own (it signals its
# process group when it stops).
tcp_port=$(free_port)
setsid xapian-tcpsrv --interface 127.0.0.1 --port "$tcp_port" "$OUT/db-rust-2" \
  >"$OUT/tcpsrv.log" 2>&1 &
tcp_pid=$!
PIDS+=("-$tcp_pid")
for _ in $(seq 50); do grep -q Listening "$OUT/tcpsrv.log" 2>/dev/null && break; sleep 0.1; done

echo
echo "## Queries on rust-doc (loupe-server, result cache off, $(head -c 200 "$work/queries.txt"))"
echo
echo "| databases | connections | req/s (median of $RUNS) | p99 ms (median) | server RSS MB |"
echo "|---|---:|---:|---:|---:|"
measure_queries "one" --db "$OUT/db-rust"
measure_queries "2-local-shards" --db "$OUT/db-rust-1" --db "$OUT/db-rust-2"
measure_queries "local+remote" --db "$OUT/db-rust-1" --db "tcp://127.0.0.1:$tcp_port"
