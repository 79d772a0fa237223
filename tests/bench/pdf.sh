#!/usr/bin/env bash
# Benchmark of PDF indexing: loupe-index against pdftotext alone and Xapian Omega's omindex
# on R's manuals (Debian's r-doc-pdf), all in one run on this machine.
#
#   tests/bench/pdf.sh
#
# Prints a markdown table and writes the same figures to $BUILD_DIR/bench/pdf-results.json and
# pdf-results.md (BUILD_DIR defaults to build-bench/ at the top of the repository; the script
# configures and builds its own Release loupe-index, loupe-extract and loupe-server there).
#
# Settings (environment):
#   BUILD_DIR        Release build tree                          (default: <repo>/build-bench)
#   BENCH_RUNS       runs of each measurement, medians kept      (default: 3)
#   BENCH_JOBS       parallel pdftotext processes (xargs -P) for the parallel figure (default: 2)
#   BENCH_QUERY      word searched in the index afterwards       (default: regression)
#   BENCH_SKIP_INSTALL=1  do not apt-get anything (fails if something is missing)
#   BENCH_NO_BUILD=1 use the loupe-index/loupe-extract/loupe-server already in BUILD_DIR
#   BENCH_FROM_HEAD=1  build the committed HEAD (git archive) instead of the working tree,
#                    e.g. while others are editing it
#   BENCH_WAIT_QUIET=S  before each measurement, wait up to S seconds for the machine to be idle
#
# What runs:
#   corpus   the PDFs of r-doc-pdf (`dpkg -L r-doc-pdf`, symlinks resolved, each real file once),
#            copied into $BUILD_DIR/bench/pdf/corpus: R's seven manuals and its reference manual,
#            shipped twice, as refman.pdf and fullrefman.pdf (the same 2,415 pages, same size;
#            the two files differ only in the document ID of the PDF trailer). Both are kept:
#            together they are most of the corpus's bytes and pages. Pages are pdfinfo's. Read
#            from a warm page cache by every engine.
#   pdftotext  `pdftotext FILE OUT.txt` for every file, one after the other (the largest first),
#            then the same with BENCH_JOBS processes at a time (xargs -P). The text extraction
#            alone: no tokenising, no index.
#   Loupe    `loupe-index --json --db NEWDB CORPUS` (a fresh database each run). It reads each PDF
#            in a loupe-extract child process (poppler-cpp), on worker threads (one per spare core,
#            so one at a time on 2 cores) while one thread writes the database.
#   Omega    `omindex --db NEWDB --url / CORPUS` (a fresh database each run, default settings):
#            Debian's omindex runs pdftotext (and pdfinfo for the metadata) on each PDF, on one
#            thread.
#   extraction  loupe-extract alone over every file, one at a time (what loupe-index runs for
#            each PDF, its JSON answer written to a file), and pdftotext and loupe-extract on the
#            largest PDF: they tell the extraction's cost from the indexing's.
#   Each round runs every measurement once, in an order rotated from round to round, so that a
#   shared machine's bursts fall on all of them alike. Wall time is the median of BENCH_RUNS
#   rounds; CPU time (user + system, children included) is shown beside it, steadier when other
#   work shares the cores. Document counts: xapian-delve on each engine's last database. Then
#   loupe-server answers GET /api/search?q=BENCH_QUERY on a free loopback port: hits must be
#   there and each must say its page.
# Targets: loupe-index takes at most 1.5x the time of pdftotext alone (one file at a time, as
# loupe-index reads them on 2 cores), and indexes at least at omindex's rate.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
OUT=$BUILD_DIR/bench
WORK=$OUT/pdf
RUNS=${BENCH_RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "pdf.sh: BENCH_RUNS must be 1-99, not '$RUNS'" >&2; exit 2; }
JOBS=${BENCH_JOBS:-2}
[[ $JOBS =~ ^[1-9][0-9]?$ ]] || { echo "pdf.sh: BENCH_JOBS must be 1-99, not '$JOBS'" >&2; exit 2; }
QUERY=${BENCH_QUERY:-regression}
T_START=$(date +%s.%N)

log() { printf '[pdf-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- packages
PKGS=(r-doc-pdf poppler-utils xapian-omega xapian-tools time curl python3 cmake)
install_packages() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${BENCH_SKIP_INSTALL:-0}" = 1 ] && die "missing packages: ${missing[*]}"
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  log "installing ${missing[*]}"
  # Other processes may hold the dpkg lock for a while: wait for it.
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 ||
    log "apt-get update failed; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
}

# ---------------------------------------------------------------- helpers
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# record KEY=VALUE...: appends one JSON object to records.jsonl (KEY:json=... for JSON values,
# KEY:s=... to keep a string that looks like a number)
record() {
  python3 - "$@" >>"$WORK/records.jsonl" <<'EOF'
import json, re, sys
rec = {}
for a in sys.argv[1:]:
    k, v = a.split("=", 1)
    if k.endswith(":json"):
        rec[k[:-5]] = json.loads(v)
    elif k.endswith(":s"):
        rec[k[:-2]] = v
    elif re.fullmatch(r"-?[0-9]+", v):
        rec[k] = int(v)
    elif re.fullmatch(r"-?[0-9]+\.[0-9]+", v):
        rec[k] = float(v)
    else:
        rec[k] = v
print(json.dumps(rec))
EOF
}

# measure LABEL CMD...: runs CMD; sets M_WALL (s), M_CPU (user + system s, children included),
# M_RSS_KB (peak) and M_RC; its output goes to logs/LABEL.log
measure() {
  local label=$1; shift
  local tf=$WORK/logs/$label.time t0 t1 u s m
  t0=$(date +%s%N)
  set +e
  /usr/bin/time -f '%U %S %M' -o "$tf" "$@" >"$WORK/logs/$label.log" 2>&1
  M_RC=$?
  set -e
  t1=$(date +%s%N)
  M_WALL=$(python3 -c "print(round(($t1-$t0)/1e9, 3))")
  read -r u s m < <(tail -1 "$tf")
  M_CPU=$(python3 -c "print(round($u+$s, 2))")
  M_RSS_KB=$m
}

# cpu_busy SECONDS: percentage of all CPUs busy over the next SECONDS (from /proc/stat)
cpu_busy() {
  python3 - "$1" <<'EOF'
import sys, time
def snap():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(v), v[3] + v[4]
t0, i0 = snap(); time.sleep(float(sys.argv[1])); t1, i1 = snap()
print(round(100.0 * (1 - (i1 - i0) / max(1, t1 - t0)), 1))
EOF
}

# wait_quiet LABEL: with BENCH_WAIT_QUIET=S, waits up to S seconds for the machine to be idle
# (under 10% CPU busy over 3 s); records how busy it was.
wait_quiet() {
  local max=${BENCH_WAIT_QUIET:-0} waited=0 busy
  busy=$(cpu_busy 1)
  while [ "$max" -gt 0 ] && python3 -c "import sys; sys.exit(0 if $busy >= 10 else 1)" && [ "$waited" -lt "$max" ]; do
    [ "$waited" = 0 ] && log "machine busy (${busy}% CPU): waiting up to ${max}s for it to quieten ($1)"
    sleep 7; waited=$((waited + 10))
    busy=$(cpu_busy 3)
  done
  BUSY=$busy
  record type=load phase="$1" busy_pct="$busy" loadavg:s="$(cut -d' ' -f1-3 /proc/loadavg)" waited_s="$waited"
  python3 -c "import sys; sys.exit(0 if $busy >= 10 else 1)" &&
    log "WARNING: ${busy}% CPU busy before $1 (load average $(cut -d' ' -f1-3 /proc/loadavg)): other work will skew the figures"
  return 0
}

doc_count() { xapian-delve "$1" 2>/dev/null | awk -F' = ' '/^number of documents/ {print $2}'; }
dir_bytes() { du -sb "$1" | awk '{print $1}'; }

# ---------------------------------------------------------------- setup
install_packages
for c in pdftotext pdfinfo omindex xapian-delve curl python3; do
  command -v "$c" >/dev/null || die "$c not found"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (package time)"
UPTIME0=$(uptime)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$WORK"
mkdir -p "$WORK"/{logs,corpus,txt,db,bin} "$OUT"
: >"$WORK/records.jsonl"

if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  log "using the existing binaries in $BUILD_DIR (BENCH_NO_BUILD=1)"
  COMMIT="prebuilt (HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown))"
else
  SRC=$ROOT
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [ -z "$(git -C "$ROOT" status --porcelain -uno 2>/dev/null)" ] || echo +dirty)"
  if [ "${BENCH_FROM_HEAD:-0}" = 1 ]; then
    COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
    # the committed HEAD, not the (possibly half-edited) working tree
    SRC=$WORK/src
    mkdir -p "$SRC"
    git -C "$ROOT" archive HEAD | tar -C "$SRC" -xf -
  fi
  # a tree configured from another source folder is configured again
  if [ -f "$BUILD_DIR/CMakeCache.txt" ] &&
     ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$SRC" "$BUILD_DIR/CMakeCache.txt"; then
    rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
  fi
  log "building Loupe (Release) from $SRC in $BUILD_DIR"
  gen=()
  [ -f "$BUILD_DIR/CMakeCache.txt" ] || ! command -v ninja >/dev/null || gen=(-G Ninja)
  cmake -S "$SRC" -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >"$WORK/logs/cmake.log" 2>&1 ||
    { tail -20 "$WORK/logs/cmake.log" >&2; die "cmake configure failed (scripts/install-deps.sh installs the libraries)"; }
  nice cmake --build "$BUILD_DIR" -j"$(nproc)" --target loupe-index loupe-extract loupe-server \
    >"$WORK/logs/build.log" 2>&1 || { tail -30 "$WORK/logs/build.log" >&2; die "build failed (see $WORK/logs/build.log)"; }
fi
LOUPE_INDEX=$BUILD_DIR/loupe-index
LOUPE_EXTRACT=$BUILD_DIR/loupe-extract
LOUPE_SERVER=$BUILD_DIR/loupe-server
for b in "$LOUPE_INDEX" "$LOUPE_EXTRACT" "$LOUPE_SERVER"; do [ -x "$b" ] || die "no $b"; done
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- corpus
# Every PDF the package lists, symlinks resolved: the same file listed twice (a link in
# /usr/share/doc/r-doc-pdf/manual to /usr/share/R/doc/manual) is copied once.
mapfile -t SOURCES < <(dpkg -L r-doc-pdf | grep -i '\.pdf$' | while read -r f; do
  [ -f "$f" ] && readlink -f "$f"; done | sort -u)
[ ${#SOURCES[@]} -gt 0 ] || die "r-doc-pdf lists no PDF"
for f in "${SOURCES[@]}"; do
  name=$(basename "$f")
  [ ! -e "$WORK/corpus/$name" ] || name="$(basename "$(dirname "$f")")-$name"
  cp -L "$f" "$WORK/corpus/$name"
done
CORPUS=$WORK/corpus
FILES_JSON=$(cd "$CORPUS" && for f in *.pdf; do
  printf '%s\t%s\t%s\n' "$f" "$(stat -c %s "$f")" "$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')"
done | python3 -c "
import json, sys
print(json.dumps([{'name': n, 'bytes': int(b), 'pages': int(p or 0)}
                  for n, b, p in (l.rstrip('\n').split('\t') for l in sys.stdin)]))")
read -r CORPUS_FILES CORPUS_BYTES CORPUS_PAGES LARGEST < <(python3 -c "
import json, sys
f = json.loads(sys.argv[1])
big = max(f, key=lambda x: (x['bytes'], x['name'] == 'refman.pdf'))
print(len(f), sum(x['bytes'] for x in f), sum(x['pages'] for x in f), big['name'])" "$FILES_JSON")
SAME_REFMAN=no
if [ -f "$CORPUS/refman.pdf" ] && [ -f "$CORPUS/fullrefman.pdf" ]; then
  SAME_REFMAN=$(python3 -c "
import sys
a, b = (open(p, 'rb').read() for p in sys.argv[1:])
print('identical' if a == b else 'same size, %d bytes differ' % sum(x != y for x, y in zip(a, b))
      if len(a) == len(b) else 'different')" "$CORPUS/refman.pdf" "$CORPUS/fullrefman.pdf")
fi
record type=corpus dir="$CORPUS" files:json="$FILES_JSON" total_files="$CORPUS_FILES" \
  total_bytes="$CORPUS_BYTES" total_pages="$CORPUS_PAGES" largest="$LARGEST" \
  refman_vs_fullrefman="$SAME_REFMAN"
log "corpus: $CORPUS_FILES PDFs, $CORPUS_BYTES bytes, $CORPUS_PAGES pages (refman.pdf vs fullrefman.pdf: $SAME_REFMAN)"

# pdftotext over the corpus, JOBS processes at a time, largest file first (the best order for
# a parallel run; the same work one at a time)
cat >"$WORK/bin/pdftotext-all" <<'EOF'
#!/bin/sh
# pdftotext-all CORPUS OUTDIR JOBS
set -e
cd "$1"
ls -S -- *.pdf | tr '\n' '\0' | xargs -0 -n1 -P"$3" sh -c 'pdftotext "$1" "$0/${1%.pdf}.txt"' "$2"
EOF
# loupe-extract over the corpus, one file at a time: the extraction loupe-index runs (the same
# program, arguments and JSON answer), without the indexing
cat >"$WORK/bin/extract-all" <<'EOF2'
#!/bin/sh
# extract-all LOUPE_EXTRACT CORPUS OUTDIR
set -e
cd "$2"
ls -S -- *.pdf | while IFS= read -r f; do "$1" pdf "$f" 600 4096 >"$3/${f%.pdf}.json"; done
EOF2
chmod +x "$WORK/bin/pdftotext-all" "$WORK/bin/extract-all"

# ---------------------------------------------------------------- measurements
# Each step: NAME and what it runs (a function of the round number)
step_pdftotext() { rm -rf "$WORK/txt/seq"; mkdir -p "$WORK/txt/seq"
  measure "pdftotext-$1" "$WORK/bin/pdftotext-all" "$CORPUS" "$WORK/txt/seq" 1; }
step_pdftotext_par() { rm -rf "$WORK/txt/par"; mkdir -p "$WORK/txt/par"
  measure "pdftotext-p$JOBS-$1" "$WORK/bin/pdftotext-all" "$CORPUS" "$WORK/txt/par" "$JOBS"; }
step_extract() { rm -rf "$WORK/txt/extract"; mkdir -p "$WORK/txt/extract"
  measure "loupe-extract-$1" "$WORK/bin/extract-all" "$LOUPE_EXTRACT" "$CORPUS" "$WORK/txt/extract"; }
step_loupe() { rm -rf "$WORK/db/loupe"
  measure "loupe-index-$1" "$LOUPE_INDEX" --json --db "$WORK/db/loupe" "$CORPUS"; }
step_omindex() { rm -rf "$WORK/db/omega"
  measure "omindex-$1" omindex --db "$WORK/db/omega" --url / "$CORPUS"; }
step_largest_pdftotext() {
  measure "largest-pdftotext-$1" pdftotext "$CORPUS/$LARGEST" "$WORK/txt/largest.txt"; }
step_largest_extract() {
  # loupe-extract FORMAT FILE CPU_SECONDS MEMORY_MB: what loupe-index runs for each PDF
  measure "largest-loupe-extract-$1" sh -c '"$1" pdf "$2" 600 4096 >"$3"' _ "$LOUPE_EXTRACT" \
    "$CORPUS/$LARGEST" "$WORK/txt/largest.json"; }
STEPS=(pdftotext pdftotext_par loupe omindex extract largest_pdftotext largest_extract)
declare -A ENGINE=([pdftotext]=pdftotext [pdftotext_par]="pdftotext-p$JOBS" [loupe]=loupe-index
  [extract]=loupe-extract
  [omindex]=omindex [largest_pdftotext]=largest-pdftotext [largest_extract]=largest-loupe-extract)

# warm the page cache for every engine alike
cat "$CORPUS"/*.pdf >/dev/null
for r in $(seq "$RUNS"); do
  n=${#STEPS[@]}
  for i in $(seq 0 $((n - 1))); do
    s=${STEPS[$(((i + r - 1) % n))]}
    wait_quiet "round $r: ${ENGINE[$s]}"
    load=$(cut -d' ' -f1 /proc/loadavg)
    "step_$s" "$r"
    # loupe-index exits with 1 when it skipped files (a partial run), 2 when it failed
    ok_rc=0; [ "$s" != loupe ] || ok_rc=1
    [ "$M_RC" -le "$ok_rc" ] ||
      { tail "$WORK/logs/${ENGINE[$s]}-$r.log" >&2 || true; die "${ENGINE[$s]} failed (exit $M_RC) in round $r"; }
    extra=()
    case $s in
      loupe) summary=$(grep '^{' "$WORK/logs/loupe-index-$r.log" | tail -1)
             extra=(docs="$(doc_count "$WORK/db/loupe")" index_bytes="$(dir_bytes "$WORK/db/loupe")"
                    summary:json="${summary:-null}") ;;
      omindex) extra=(docs="$(doc_count "$WORK/db/omega")" index_bytes="$(dir_bytes "$WORK/db/omega")") ;;
    esac
    record type=measure engine="${ENGINE[$s]}" round="$r" wall_s="$M_WALL" cpu_s="$M_CPU" \
      peak_rss_kb="$M_RSS_KB" rc="$M_RC" loadavg1="$load" busy_pct_before="$BUSY" "${extra[@]}"
    log "round $r: ${ENGINE[$s]} ${M_WALL}s wall, ${M_CPU}s CPU (load $load)"
  done
done

# omindex's own account of each file (e.g. "Skipping - ..." or an empty PDF)
grep -hvE '^\[|^$' "$WORK/logs/omindex-$RUNS.log" | grep -viE 'done\.?$|added\.?$' >"$WORK/logs/omindex-notes.txt" || true
record type=omindex_notes lines:json="$(python3 -c "
import json, sys; print(json.dumps([l.rstrip() for l in open(sys.argv[1])][:20]))" "$WORK/logs/omindex-notes.txt")"

# ---------------------------------------------------------------- search check
port=$(free_port)
"$LOUPE_SERVER" --db "$WORK/db/loupe" --port "$port" --bind 127.0.0.1 >"$WORK/logs/loupe-server.log" 2>&1 &
spid=$!; PIDS+=("$spid")
up=0
for _ in $(seq 200); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/api/health" 2>/dev/null && { up=1; break; }
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.05
done
[ $up = 1 ] || { tail "$WORK/logs/loupe-server.log" >&2; die "loupe-server did not come up"; }
q=$(python3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))" "$QUERY")
curl -fsS "http://127.0.0.1:$port/api/search?q=$q&per_page=20" >"$WORK/search.json"
curl -fsS "http://127.0.0.1:$port/api/health" >"$WORK/health.json"
kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; PIDS=()
# quest: "Exactly N matches" (or "About N", "Between N and M" for estimates)
omega_matches=$(quest -d "$WORK/db/omega" "$QUERY" 2>/dev/null | awk '/ matches$/ {print $2; exit}')
record type=search query="$QUERY" omega_matches="${omega_matches:-0}" \
  health:json="$(cat "$WORK/health.json")" result:json="$(python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
hits = r.get('hits', [])
print(json.dumps({'total': r.get('total', 0), 'hits': len(hits),
                  'hits_with_page': sum(1 for h in hits if isinstance(h.get('page'), int) and h['page'] >= 1),
                  'first': [{'id': h.get('id'), 'page': h.get('page'), 'type': h.get('type')} for h in hits[:5]]}))
" "$WORK/search.json")"

# ---------------------------------------------------------------- report
T_END=$(date +%s.%N)
record type=run started="$(date -u -d "@${T_START%.*}" +%Y-%m-%dT%H:%M:%SZ)" \
  duration_s="$(python3 -c "print(round($T_END-$T_START,1))")" runs="$RUNS" jobs="$JOBS" \
  uptime_start="$UPTIME0" uptime_end="$(uptime)" loadavg_start:s="$LOAD0" \
  loadavg_end:s="$(cut -d' ' -f1-3 /proc/loadavg)" build_type="$BUILD_TYPE" \
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" cores="$(nproc)" \
  loupe_commit:s="$COMMIT" \
  poppler_version:s="$(dpkg-query -W -f '${Version}' poppler-utils)" \
  omega_version:s="$(dpkg-query -W -f '${Version}' xapian-omega)" \
  r_doc_pdf_version:s="$(dpkg-query -W -f '${Version}' r-doc-pdf)"

python3 - "$WORK/records.jsonl" "$OUT/pdf-results.json" "$OUT/pdf-results.md" <<'EOF'
import json, statistics, sys

recs = [json.loads(l) for l in open(sys.argv[1])]
one = lambda t: next(r for r in recs if r["type"] == t)
corpus, run, search = one("corpus"), one("run"), one("search")
MB = 1e6
jobs = run["jobs"]
names = {
    "pdftotext": "pdftotext, one file at a time",
    "pdftotext-p%d" % jobs: "pdftotext, %d at a time (xargs -P%d)" % (jobs, jobs),
    "loupe-index": "loupe-index (fresh database)",
    "omindex": "omindex (fresh database)",
    "loupe-extract": "loupe-extract alone, one file at a time (no index)",
    "largest-pdftotext": "largest file (%s): pdftotext" % corpus["largest"],
    "largest-loupe-extract": "largest file (%s): loupe-extract" % corpus["largest"],
}
largest = next(f for f in corpus["files"] if f["name"] == corpus["largest"])
engines = {}
for key in names:
    rs = [r for r in recs if r["type"] == "measure" and r["engine"] == key]
    if not rs:
        continue
    med = statistics.median(r["wall_s"] for r in rs)
    size = largest if key.startswith("largest") else corpus
    b = size["bytes"] if key.startswith("largest") else corpus["total_bytes"]
    p = size["pages"] if key.startswith("largest") else corpus["total_pages"]
    e = {"runs_s": [r["wall_s"] for r in rs], "median_s": med,
         "cpu_s_median": statistics.median(r["cpu_s"] for r in rs),
         "peak_rss_kb": max(r["peak_rss_kb"] for r in rs),
         "mb_per_s": round(b / MB / med, 2), "pages_per_s": round(p / med, 1),
         "loadavg1_at_start": [r["loadavg1"] for r in rs],
         "cpu_busy_pct_before": [r["busy_pct_before"] for r in rs]}
    if "docs" in rs[-1]:
        e["documents"] = rs[-1]["docs"]
        e["index_bytes"] = rs[-1]["index_bytes"]
    if "summary" in rs[-1]:
        e["summary"] = rs[-1]["summary"]
    engines[key] = e

L, P, O = engines["loupe-index"], engines["pdftotext"], engines["omindex"]
PP = engines.get("pdftotext-p%d" % jobs)
ratios = {
    "loupe_time_vs_pdftotext": round(L["median_s"] / P["median_s"], 2),
    "loupe_time_vs_pdftotext_target_max": 1.5,
    "loupe_time_vs_pdftotext_parallel": round(L["median_s"] / PP["median_s"], 2) if PP else None,
    "loupe_rate_vs_omindex": round(O["median_s"] / L["median_s"], 2),
    "loupe_rate_vs_omindex_target_min": 1.0,
    "loupe_cpu_vs_pdftotext_cpu": round(L["cpu_s_median"] / P["cpu_s_median"], 2),
    "loupe_extract_vs_pdftotext": round(engines["loupe-extract"]["median_s"] / P["median_s"], 2),
    "loupe_index_vs_loupe_extract": round(L["median_s"] / engines["loupe-extract"]["median_s"], 2),
    "loupe_extract_vs_pdftotext_largest": round(engines["largest-loupe-extract"]["median_s"] /
                                                engines["largest-pdftotext"]["median_s"], 2),
}
ratios["loupe_time_vs_pdftotext_met"] = ratios["loupe_time_vs_pdftotext"] <= 1.5
ratios["loupe_rate_vs_omindex_met"] = ratios["loupe_rate_vs_omindex"] >= 1.0
res = search["result"]
search_ok = res["hits"] > 0 and res["hits_with_page"] == res["hits"]
out = {"run": run, "corpus": corpus, "engines": engines, "ratios": ratios,
       "search": {"query": search["query"], "ok": search_ok, "loupe": res,
                  "omega_matches": search["omega_matches"],
                  "loupe_documents_in_index": search["health"].get("documents")},
       "loads": [r for r in recs if r["type"] == "load"],
       "omindex_notes": one("omindex_notes")["lines"]}
json.dump(out, open(sys.argv[2], "w"), indent=2)

md = []
md.append("## PDF indexing: R manuals (r-doc-pdf %s), %d files, %.1f MB, %d pages"
          % (run["r_doc_pdf_version"], corpus["total_files"], corpus["total_bytes"] / MB,
             corpus["total_pages"]))
md.append("")
md.append("Loupe %s (%s build), poppler-utils %s, xapian-omega %s; %s cores (%s); median of %d "
          "rounds; load average %s at the start, %s at the end. refman.pdf and fullrefman.pdf "
          "are the same reference manual (%s), both kept."
          % (run["loupe_commit"], run["build_type"], run["poppler_version"], run["omega_version"],
             run["cores"], run["cpu"], run["runs"], run["loadavg_start"], run["loadavg_end"],
             corpus["refman_vs_fullrefman"]))
md.append("")
md.append("| what | median wall s | runs s | CPU s | MB/s | pages/s | peak RSS MB | documents |")
md.append("|---|---:|---|---:|---:|---:|---:|---:|")
for key, label in names.items():
    e = engines.get(key)
    if not e:
        continue
    md.append("| %s | %.2f | %s | %.2f | %.2f | %.0f | %.0f | %s |" % (
        label, e["median_s"], ", ".join("%.2f" % x for x in e["runs_s"]), e["cpu_s_median"],
        e["mb_per_s"], e["pages_per_s"], e["peak_rss_kb"] / 1024, e.get("documents", "")))
md.append("")
yes = lambda b: "met" if b else "NOT met"
md.append("- loupe-index time / pdftotext time (one file at a time): %.2fx, target at most 1.5x: %s"
          % (ratios["loupe_time_vs_pdftotext"], yes(ratios["loupe_time_vs_pdftotext_met"])))
if PP:
    md.append("- loupe-index time / pdftotext time (%d at a time): %.2fx (not the target's measure)"
              % (jobs, ratios["loupe_time_vs_pdftotext_parallel"]))
md.append("- loupe-index rate / omindex rate: %.2fx, target at least 1x: %s"
          % (ratios["loupe_rate_vs_omindex"], yes(ratios["loupe_rate_vs_omindex_met"])))
md.append("- where loupe-index's time goes: its extraction alone (loupe-extract, one file at a "
          "time) takes %.2fx pdftotext's time (%.2fx on the largest file); loupe-index takes %.2fx "
          "its extraction alone; CPU time, loupe-index / pdftotext: %.2fx"
          % (ratios["loupe_extract_vs_pdftotext"], ratios["loupe_extract_vs_pdftotext_largest"],
             ratios["loupe_index_vs_loupe_extract"], ratios["loupe_cpu_vs_pdftotext_cpu"]))
s = L.get("summary") or {}
md.append("- documents: loupe-index %s of %d files (added %s, skipped %s, failed %s%s), omindex %s"
          % (L.get("documents"), corpus["total_files"], s.get("added"), s.get("skipped"),
             s.get("failed"), "; notes: " + "; ".join(map(str, s.get("notes", []))) if s.get("notes") else "",
             O.get("documents")))
md.append("- search `%s`: %s (%d documents, %d hits shown, %d of them with a page; first: %s); "
          "Omega matches %s"
          % (search["query"], "ok" if search_ok else "FAILED", res["total"], res["hits"],
             res["hits_with_page"],
             ", ".join("%s p.%s" % (h["id"], h["page"]) for h in res["first"][:3]),
             search["omega_matches"]))
if out["omindex_notes"]:
    md.append("- omindex said: " + " / ".join(out["omindex_notes"][:5]))
text = "\n".join(md) + "\n"
open(sys.argv[3], "w").write(text)
print(text)
EOF
log "results: $OUT/pdf-results.json and $OUT/pdf-results.md"
