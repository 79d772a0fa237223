#!/usr/bin/env bash
# Loupe benchmarks: indexing and query speed against Xapian Omega and Sphinx 2.2
# on real corpora, all in one run on this machine.
#
#   tests/bench/run.sh
#
# Prints a markdown table and writes the same figures as JSON to
# $BUILD_DIR/bench/results.json (BUILD_DIR defaults to build-bench/ at the top of
# the repository; the script configures and builds its own Release tree there).
#
# Settings (environment):
#   BUILD_DIR        Release build tree                       (default: <repo>/build-bench)
#   BENCH_CORPORA    corpora to run, from: seeds python linux (default: all three)
#   BENCH_CONNS      wrk connection counts                    (default: "1 8 64")
#   BENCH_DURATION   seconds of wrk per cell                  (default: 5)
#   BENCH_REPEAT     runs of each 8-connection cell (the targets'), medians kept (default: 3)
#   BENCH_SEED       seed of the query draw                   (default: 20240601)
#   BENCH_SKIP_INSTALL=1  do not apt-get anything (fails if something is missing)
#   BENCH_NO_BUILD=1 use the loupe-index/loupe-server already in BUILD_DIR
#   BENCH_FROM_HEAD=1  build the committed HEAD (git archive) instead of the
#                    working tree, e.g. while others are editing it
#   BENCH_OMINDEX_ARGS  extra omindex options, e.g. "--sample-size=1M" to give Omega's
#                    snippets the whole text instead of the default 512-byte sample
#   BENCH_WAIT_QUIET=S  before indexing and before each corpus's queries, wait up to
#                    S seconds for the machine to be idle (a shared machine skews figures)
#   BENCH_OMEGA_FULL=0  skip the second Omega set-up (whole text as the stored sample)
#   BENCH_PERF=1     record `perf` on loupe-server during the largest corpus's
#                    8-connection run and print its top symbols (needs linux-perf)
#
# What runs (every server binds 127.0.0.1 only, on free ports picked at start):
#   corpora  seeds/ (5 text files); the HTML pages of python3.11-doc
#            (/usr/share/doc/python3.11/html) and of linux-doc-6.1
#            (/usr/share/doc/linux-doc-6.1/html).  Only the *.html files are copied
#            into $BUILD_DIR/bench/corpora/NAME: the packages also ship the reST
#            sources as _sources/*.txt, which Loupe would otherwise index too.
#            Every engine indexes exactly these copies, from a warm page cache.
#   Loupe    loupe-index --db DIR CORPUS, twice (the second run is the no-change
#            re-run); loupe-server on loopback, GET /api/search?...&per_page=10&q=Q
#            and GET /api/health (the HTTP ceiling of this machine).  The search
#            figures and targets are with loupe-server's result cache off
#            (--cache-mb 0): wrk cycles through a fixed list, which a cache would
#            answer from memory after the first pass, and neither peer caches.  Loupe
#            as it ships (cache on) is measured beside it as "loupe-cached".  The
#            document cache (records and text blocks of shown documents, a block
#            cache: every search still matches, reads positions, builds snippets)
#            stays on, as shipped.
#   Omega    omindex (default settings: English stemming, 512-byte stored sample)
#            twice, same as above; the omega CGI with its stock `query` template
#            (10 hits a page, $snippet{} of the stored sample) plus one line,
#            $set{flag_wildcard,true}, so that prefix* queries work as in the other
#            engines.  Served by lighttpd 1.4 with mod_cgi (a production CGI server
#            written in C, keep-alive on): the fork+exec of omega per request is
#            the cost of Omega's CGI design, not of the front.  Omega's snippets come
#            from the stored sample, by default the first 512 bytes of the text, so
#            most of them show no query word: cheap, but not the same work as
#            Loupe's and Sphinx's.  A second Omega database indexed with
#            --sample-size=64M (the whole text as the sample) is measured beside it
#            as "omega-full"; the targets use the default set-up.
#   Sphinx   Sphinx 2.2 reads no HTML folders, so tests/bench/corpus.py extracts
#            title and text from the same files (script/style dropped, tags
#            stripped) into an xmlpipe2 stream; `indexer` builds the index with
#            English stemming, dict=keywords and min_prefix_len=3 (for prefix*),
#            the text kept as a string attribute for SNIPPET().  Its indexing time
#            is `indexer` alone; the extraction is reported beside it.  searchd
#            (workers=threads) answers SphinxQL; Sphinx 2.2 has no HTTP interface,
#            so tests/bench/sphinx_front.c (C, one thread and one persistent
#            SphinxQL connection per client connection) turns
#            GET /search?q=Q into
#              SELECT id,title,path,SNIPPET(content,Q,...) FROM idx
#              WHERE MATCH(Q) LIMIT 10; SHOW META
#            and answers JSON.  The front's cost is included in Sphinx's figures;
#            its own ceiling (GET /ping, no searchd) and Sphinx without SNIPPET()
#            are measured beside them.
#   queries  >= 200 per corpus, drawn with a fixed seed from the corpus's own text
#            (tests/bench/corpus.py): common and rare single words, two- and
#            three-word queries, phrases taken from the text, a OR b, a NOT b,
#            prefix*; translated to each engine's syntax (Sphinx: a | b, a -b).
#            Each engine first answers every query once (a warm-up that also
#            checks hits and snippets), then wrk cycles through the list.
#   wrk      -d BENCH_DURATION per cell, keep-alive, 1 thread for 1 connection and
#            2 threads otherwise; wrk shares the 2 cores with the server it drives,
#            the same way for every engine.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
OUT=$BUILD_DIR/bench
CORPORA=${BENCH_CORPORA:-seeds python linux}
CONNS=${BENCH_CONNS:-1 8 64}
DURATION=${BENCH_DURATION:-5}
REPEAT=${BENCH_REPEAT:-3}
[[ $REPEAT =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: BENCH_REPEAT must be 1-99, not '$REPEAT'" >&2; exit 2; }
SEED=${BENCH_SEED:-20240601}
T_START=$(date +%s.%N)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- packages
PKGS=(python3.11-doc linux-doc-6.1 xapian-omega sphinxsearch wrk time lighttpd
      libmariadb-dev gcc curl python3 cmake)
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

stop_pid() {
  local p=$1 i
  kill "$p" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  local keep=() q
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {  # URL PID
  local i
  for i in $(seq 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# record JSON: appends one JSON object (built by python from KEY=VALUE args) to records.jsonl
record() {
  python3 - "$@" >>"$OUT/records.jsonl" <<'EOF'
import json, re, sys
rec = {}
for a in sys.argv[1:]:
    k, v = a.split("=", 1)
    if k.endswith(":json"):
        rec[k[:-5]] = json.loads(v)
        continue
    if k.endswith(":s"):
        rec[k[:-2]] = v
        continue
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", v):
        rec[k] = v
        continue
    try:
        v = int(v)
    except ValueError:
        try:
            v = float(v)
        except ValueError:
            pass
    rec[k] = v
print(json.dumps(rec))
EOF
}

# measure LABEL CMD...: runs CMD, sets M_WALL (s), M_RSS_KB, M_RC; output to $OUT/logs/LABEL.log
measure() {
  local label=$1; shift
  local tf=$OUT/logs/$label.time t0 t1
  t0=$(date +%s%N)
  set +e
  /usr/bin/time -f '%M' -o "$tf" "$@" >"$OUT/logs/$label.log" 2>&1
  M_RC=$?
  set -e
  t1=$(date +%s%N)
  M_WALL=$(python3 -c "print(round(($t1-$t0)/1e9, 4))")
  M_RSS_KB=$(tail -1 "$tf")
}

dir_bytes() { du -sb "$@" | awk '{s+=$1} END {print s+0}'; }

# TCP listen-queue overflows so far (a server whose accept backlog is too short for a burst
# of connections makes clients wait for SYN retransmits: 1 s, 3 s, ...)
listen_overflows() {
  awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 }
                    else { for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows") print $i } }' \
    /proc/net/netstat 2>/dev/null || echo 0
}

# run_wrk CORPUS ENGINE CONNS URL [LUA]
# The 8-connection cells, where the targets are read, run REPEAT times: each figure is the median
# of its runs (a shared machine has bursts of other work), the runs' req/s kept beside it.
run_wrk() {
  local corpus=$1 engine=$2 c=$3 url=$4 lua=${5:-$OUT/work/done.lua} t=2 line lo0 lo1 runs=1 r
  local lines=()
  [ "$c" -ge 2 ] || t=1
  [ "$c" != 8 ] || runs=$REPEAT
  lo0=$(listen_overflows)
  for r in $(seq "$runs"); do
    line=$(wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 10s -s "$lua" "$url" 2>&1 |
      tee "$OUT/logs/wrk-$corpus-$engine-$c-$r.log" | grep '^WRKJSON ' | sed 's/^WRKJSON //') || true
    [ -n "$line" ] && lines+=("$line")
  done
  if [ ${#lines[@]} -eq 0 ]; then
    log "wrk gave no result for $engine/$corpus/c=$c (see logs/wrk-$corpus-$engine-$c-*.log)"
    line='{"failed":1}'
  else
    line=$(python3 -c "
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[2:]]
# Errors add up; everything else is the median of the runs.
out = {k: (sum if k.startswith('err') else statistics.median)(r.get(k, 0) for r in runs)
       if isinstance(v, (int, float)) else v for k, v in runs[0].items()}
out['runs'] = len(runs)
out['runs_failed'] = int(sys.argv[1]) - len(runs)
out['runs_rps'] = [round(r.get('rps', 0)) for r in runs]
print(json.dumps(out))" "$runs" "${lines[@]}")
  fi
  lo1=$(listen_overflows)
  line=$(python3 -c "import json,sys; j=json.loads(sys.argv[1]); j['listen_overflows']=int(sys.argv[2]); print(json.dumps(j))" \
    "$line" "$((${lo1:-0} - ${lo0:-0}))")
  record type=query corpus="$corpus" engine="$engine" conns="$c" wrk:json="$line"
  log "  $engine c=$c: $(python3 -c "import json,sys; j=json.loads(sys.argv[1]); print('%.0f req/s p50 %.2f ms p99 %.2f ms, %d non-2xx, %d errors, %d listen overflows%s' % (j.get('rps',0), j.get('p50_ms',0), j.get('p99_ms',0), j.get('err_status',0), j.get('err_connect',0)+j.get('err_read',0)+j.get('err_write',0)+j.get('err_timeout',0), j.get('listen_overflows',0), ' (median of %s req/s)' % j['runs_rps'] if j.get('runs', 1) > 1 else ''))" "$line")"
}

check_engine() {  # CORPUS ENGINE URL_PREFIX
  local res
  res=$(python3 "$HERE/corpus.py" check "$3" "$2" "$OUT/work/$1")
  record type=check corpus="$1" engine="$2" result:json="$res"
  log "  $2 check: $res"
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
# (under 10% CPU busy over 3 s) so that other work does not skew the next figures.
wait_quiet() {
  local max=${BENCH_WAIT_QUIET:-0} waited=0 busy
  busy=$(cpu_busy 1)
  while [ "$max" -gt 0 ] && python3 -c "import sys; sys.exit(0 if $busy >= 10 else 1)" && [ "$waited" -lt "$max" ]; do
    [ "$waited" = 0 ] && log "machine busy (${busy}% CPU): waiting up to ${max}s for it to quieten ($1)"
    sleep 7; waited=$((waited + 10))
    busy=$(cpu_busy 3)
  done
  record type=load phase="$1" busy_pct="$busy" loadavg="$(cut -d' ' -f1 /proc/loadavg)" waited_s="$waited"
  python3 -c "import sys; sys.exit(0 if $busy >= 10 else 1)" &&
    log "WARNING: ${busy}% CPU busy before $1 (load average $(cut -d' ' -f1-3 /proc/loadavg)): other work will skew the figures"
  return 0
}

proc_rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
proc_hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- setup
install_packages
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
command -v wrk >/dev/null || die "wrk not found"
mkdir -p "$OUT"/{logs,work,corpora,loupe,omega,sphinx,bin}
: >"$OUT/records.jsonl"
rm -f "$OUT/perf-top.txt" "$OUT/perf.data"

if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  log "using the existing binaries in $BUILD_DIR (BENCH_NO_BUILD=1)"
else
SRC=$ROOT
if [ "${BENCH_FROM_HEAD:-0}" = 1 ]; then
  # build the committed HEAD, not the (possibly half-edited) working tree
  SRC=$OUT/src
  rm -rf "$SRC"; mkdir -p "$SRC"
  git -C "$ROOT" archive HEAD | tar -C "$SRC" -xf -
  rm -f "$BUILD_DIR/CMakeCache.txt"
fi
log "building Loupe (Release) from $SRC in $BUILD_DIR"
if ! cmake -S "$SRC" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >"$OUT/logs/cmake.log" 2>&1; then
  if [ -f "$ROOT/scripts/install-deps.sh" ] && [ "${BENCH_SKIP_INSTALL:-0}" != 1 ]; then
    log "configure failed; running scripts/install-deps.sh"
    bash "$ROOT/scripts/install-deps.sh" >&2
    cmake -S "$SRC" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >"$OUT/logs/cmake.log" 2>&1 ||
      { tail -20 "$OUT/logs/cmake.log" >&2; die "cmake configure failed"; }
  else
    tail -20 "$OUT/logs/cmake.log" >&2; die "cmake configure failed"
  fi
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" --target loupe-index loupe-server >"$OUT/logs/build.log" 2>&1 ||
  { tail -30 "$OUT/logs/build.log" >&2; die "build failed (see $OUT/logs/build.log)"; }
fi
LOUPE_INDEX=$BUILD_DIR/loupe-index
LOUPE_SERVER=$BUILD_DIR/loupe-server
[ -x "$LOUPE_INDEX" ] && [ -x "$LOUPE_SERVER" ] || die "no loupe-index/loupe-server in $BUILD_DIR"
# loupe-server caches recent results; a cycling list of 240 queries would measure the cache.
LOUPE_NOCACHE=()
if "$LOUPE_SERVER" --help 2>&1 | grep -q -- '--cache-mb'; then LOUPE_NOCACHE=(--cache-mb 0); fi

cc -O2 -Wall -o "$OUT/bin/sphinx_front" "$HERE/sphinx_front.c" \
  $(mariadb_config --cflags --libs) -lpthread >"$OUT/logs/front-build.log" 2>&1 ||
  { cat "$OUT/logs/front-build.log" >&2; die "could not build sphinx_front"; }

# wrk script for endpoints without a query list: prints the JSON summary only
python3 -c "
import importlib.util, sys
spec = importlib.util.spec_from_file_location('corpus', '$HERE/corpus.py')
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
tail = m.LUA_TAIL
# keep only done(): no custom request() for fixed URLs
open('$OUT/work/done.lua', 'w').write(tail[tail.index('function done'):])
"

corpus_src() {
  case $1 in
    seeds) echo "$ROOT/seeds" ;;
    python) echo /usr/share/doc/python3.11/html ;;
    linux) echo /usr/share/doc/linux-doc-6.1/html ;;
    *) die "unknown corpus $1" ;;
  esac
}

for c in $CORPORA; do
  src=$(corpus_src "$c")
  [ -d "$src" ] || die "corpus $c: $src missing"
  dst=$OUT/corpora/$c
  rm -rf "$dst"; mkdir -p "$dst"
  if [ "$c" = seeds ]; then
    (cd "$src" && find . -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' -o -name '*.htm' \) -print0 |
      tar --null -T - -cf - | tar -C "$dst" -xf -)
  else
    (cd "$src" && find . -type f -name '*.html' -print0 | tar --null -T - -cf - | tar -C "$dst" -xf -)
  fi
  log "corpus $c: extracting text and drawing queries"
  python3 "$HERE/corpus.py" extract "$dst" "$OUT/work/$c"
  python3 "$HERE/corpus.py" queries "$OUT/work/$c" "$SEED" >"$OUT/work/$c/queries.txt"
  record type=corpus corpus="$c" source="$src" stats:json="$(cat "$OUT/work/$c/stats.json")" \
    kinds:json="$(python3 -c "
import json,collections; q=json.load(open('$OUT/work/$c/queries.json'))
print(json.dumps(dict(collections.Counter(x['kind'] for x in q))))")"
  # warm the page cache for every engine alike
  cat $(find "$dst" -type f) >/dev/null 2>&1 || true
done

# ---------------------------------------------------------------- indexing
SPHINX_CONF=$OUT/sphinx/sphinx.conf
SQL_PORT=$(free_port)
{
  for c in $CORPORA; do
    cat <<EOF
source src_$c
{
  type = xmlpipe2
  xmlpipe_command = cat $OUT/work/$c/sphinx.xml
  xmlpipe_fixup_utf8 = 1
}
index $c
{
  source = src_$c
  path = $OUT/sphinx/idx/$c
  docinfo = extern
  dict = keywords
  morphology = stem_en
  min_prefix_len = 3
  html_strip = 0
}
EOF
  done
  cat <<EOF
indexer
{
  mem_limit = 512M
}
searchd
{
  listen = 127.0.0.1:$SQL_PORT:mysql41
  log = $OUT/sphinx/searchd.log
  pid_file = $OUT/sphinx/searchd.pid
  binlog_path =
  workers = threads
  read_timeout = 30
  client_timeout = 300
  listen_backlog = 1024
  max_children = 0
}
EOF
} >"$SPHINX_CONF"
rm -rf "$OUT/sphinx/idx"; mkdir -p "$OUT/sphinx/idx"

wait_quiet "indexing"
for c in $CORPORA; do
  corpus=$OUT/corpora/$c
  log "indexing $c"
  # Loupe
  rm -rf "$OUT/loupe/$c"
  measure "loupe-index-$c" "$LOUPE_INDEX" --db "$OUT/loupe/$c" "$corpus"
  [ "$M_RC" -le 1 ] || { tail "$OUT/logs/loupe-index-$c.log" >&2; die "loupe-index failed on $c"; }
  w=$M_WALL; r=$M_RSS_KB; rc=$M_RC
  measure "loupe-index-$c-noop" "$LOUPE_INDEX" --db "$OUT/loupe/$c" "$corpus"
  record type=index corpus="$c" engine=loupe wall_s="$w" peak_rss_kb="$r" rc="$rc" \
    index_bytes="$(dir_bytes "$OUT/loupe/$c")" noop_s="$M_WALL" noop_rc="$M_RC" \
    summary="$(tail -1 "$OUT/logs/loupe-index-$c.log")" noop_summary="$(tail -1 "$OUT/logs/loupe-index-$c-noop.log")"
  log "  loupe: ${w}s, peak RSS ${r} KB; no-op ${M_WALL}s"
  # Omega
  rm -rf "$OUT/omega/db/$c"; mkdir -p "$OUT/omega/db"
  measure "omindex-$c" omindex ${BENCH_OMINDEX_ARGS:-} --db "$OUT/omega/db/$c" --url / "$corpus"
  [ "$M_RC" -eq 0 ] || { tail "$OUT/logs/omindex-$c.log" >&2; die "omindex failed on $c"; }
  w=$M_WALL; r=$M_RSS_KB
  measure "omindex-$c-noop" omindex ${BENCH_OMINDEX_ARGS:-} --db "$OUT/omega/db/$c" --url / "$corpus"
  record type=index corpus="$c" engine=omega wall_s="$w" peak_rss_kb="$r" \
    index_bytes="$(dir_bytes "$OUT/omega/db/$c")" noop_s="$M_WALL"
  log "  omindex: ${w}s, peak RSS ${r} KB; no-op ${M_WALL}s"
  if [ "${BENCH_OMEGA_FULL:-1}" = 1 ]; then
    # The same with the whole text as the stored sample, so that Omega's $snippet{} can pick
    # a passage with the query's words as Loupe and Sphinx do (shown beside, not in targets).
    rm -rf "$OUT/omega/db/${c}_full"
    measure "omindex-full-$c" omindex ${BENCH_OMINDEX_ARGS:-} --sample-size=64M \
      --db "$OUT/omega/db/${c}_full" --url / "$corpus"
    [ "$M_RC" -eq 0 ] || { tail "$OUT/logs/omindex-full-$c.log" >&2; die "omindex (full sample) failed on $c"; }
    record type=index corpus="$c" engine=omega-full wall_s="$M_WALL" peak_rss_kb="$M_RSS_KB" \
      index_bytes="$(dir_bytes "$OUT/omega/db/${c}_full")"
    log "  omindex --sample-size=64M: ${M_WALL}s, peak RSS ${M_RSS_KB} KB"
  fi
  # Sphinx (a full rebuild is its only mode for a plain index: no no-op figure)
  measure "sphinx-indexer-$c" indexer --config "$SPHINX_CONF" "$c"
  [ "$M_RC" -eq 0 ] || { tail "$OUT/logs/sphinx-indexer-$c.log" >&2; die "sphinx indexer failed on $c"; }
  record type=index corpus="$c" engine=sphinx wall_s="$M_WALL" peak_rss_kb="$M_RSS_KB" \
    index_bytes="$(dir_bytes "$OUT/sphinx/idx/$c".*)" \
    extract_s="$(python3 -c "import json; print(json.load(open('$OUT/work/$c/stats.json'))['extract_seconds'])")"
  log "  sphinx indexer: ${M_WALL}s, peak RSS ${M_RSS_KB} KB"
done

# ---------------------------------------------------------------- queries
# Omega: omega.conf, templates, lighttpd
OMEGA_CGI=/usr/lib/cgi-bin/omega/omega
[ -x "$OMEGA_CGI" ] || die "$OMEGA_CGI missing"
rm -rf "$OUT/omega/templates"; mkdir -p "$OUT/omega/templates" "$OUT/omega/log" "$OUT/omega/cdb" "$OUT/omega/www"
cp -r /var/lib/xapian-omega/templates/. "$OUT/omega/templates/"
sed -i '1s/^/$set{flag_wildcard,true}/' "$OUT/omega/templates/query"
cat >"$OUT/omega/omega.conf" <<EOF
database_dir $OUT/omega/db
template_dir $OUT/omega/templates
log_dir $OUT/omega/log
cdb_dir $OUT/omega/cdb
EOF
OMEGA_PORT=$(free_port)
cat >"$OUT/omega/lighttpd.conf" <<EOF
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.document-root = "$OUT/omega/www"
server.bind = "127.0.0.1"
server.port = $OMEGA_PORT
server.errorlog = "$OUT/omega/lighttpd.err"
server.max-connections = 1024
server.max-keep-alive-requests = 1000000
server.max-keep-alive-idle = 60
alias.url = ("/cgi-bin/" => "/usr/lib/cgi-bin/")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
setenv.add-environment = ("OMEGA_CONFIG_FILE" => "$OUT/omega/omega.conf")
EOF

LARGEST=$(python3 -c "
import json
best = None
for line in open('$OUT/records.jsonl'):
    r = json.loads(line)
    if r['type'] == 'corpus' and (best is None or r['stats']['source_bytes'] > best[1]):
        best = (r['corpus'], r['stats']['source_bytes'])
print(best[0])")

for c in $CORPORA; do
  wait_quiet "queries on $c"
  log "queries on $c"
  # --- Loupe (result cache off: every request searches and builds its snippets)
  port=$(free_port)
  "$LOUPE_SERVER" --db "$OUT/loupe/$c" --port "$port" --bind 127.0.0.1 "${LOUPE_NOCACHE[@]}" \
    >"$OUT/logs/loupe-server-$c.log" 2>&1 &
  spid=$!; PIDS+=("$spid")
  wait_http "http://127.0.0.1:$port/api/health" "$spid" ||
    { tail "$OUT/logs/loupe-server-$c.log" >&2; die "loupe-server did not come up on $c"; }
  record type=health corpus="$c" body:json="$(curl -fsS "http://127.0.0.1:$port/api/health")"
  check_engine "$c" loupe "http://127.0.0.1:$port/api/search?page=1&per_page=10&q="
  python3 "$HERE/corpus.py" lua "$OUT/work/$c" loupe "/api/search?page=1&per_page=10&q=" "$OUT/work/$c/loupe.lua"
  for n in $CONNS; do run_wrk "$c" health "$n" "http://127.0.0.1:$port/api/health"; done
  for n in $CONNS; do
    if [ "${BENCH_PERF:-0}" = 1 ] && [ "$c" = "$LARGEST" ] && [ "$n" = 8 ] && command -v perf >/dev/null; then
      # DWARF unwinding: the Release build keeps no frame pointers
      perf record -F 199 --call-graph dwarf,16384 -p "$spid" -o "$OUT/perf.data" -- sleep "$((DURATION * REPEAT))" \
        >"$OUT/logs/perf.log" 2>&1 &
      perfpid=$!
      run_wrk "$c" loupe "$n" "http://127.0.0.1:$port" "$OUT/work/$c/loupe.lua"
      wait "$perfpid" || true
      {
        echo "self time:"
        perf report -i "$OUT/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
          grep -E '^ +[0-9]' | head -25 | cut -c1-150
        echo; echo "inclusive time (Loupe, Xapian, ICU, httplib frames):"
        perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
          grep -E '^ +[0-9]' | grep -E 'loupe|Xapian|icu_|httplib' | head -30 | cut -c1-150
      } >"$OUT/perf-top.txt" || true
    else
      run_wrk "$c" loupe "$n" "http://127.0.0.1:$port" "$OUT/work/$c/loupe.lua"
    fi
  done
  record type=memory corpus="$c" engine=loupe rss_kb="$(proc_rss_kb "$spid")" hwm_kb="$(proc_hwm_kb "$spid")"
  stop_pid "$spid"
  if [ ${#LOUPE_NOCACHE[@]} -gt 0 ]; then
    # --- Loupe as it ships (result cache on): once the warm-up pass has run, the cycling
    # query list is answered from the cache. Shown beside, not used by the targets.
    env -u LOUPE_CACHE_MB "$LOUPE_SERVER" --db "$OUT/loupe/$c" --port "$port" --bind 127.0.0.1 \
      >"$OUT/logs/loupe-server-cached-$c.log" 2>&1 &
    spid=$!; PIDS+=("$spid")
    wait_http "http://127.0.0.1:$port/api/health" "$spid" ||
      { tail "$OUT/logs/loupe-server-cached-$c.log" >&2; die "loupe-server (cache on) did not come up on $c"; }
    check_engine "$c" loupe-cached "http://127.0.0.1:$port/api/search?page=1&per_page=10&q="
    for n in $CONNS; do run_wrk "$c" loupe-cached "$n" "http://127.0.0.1:$port" "$OUT/work/$c/loupe.lua"; done
    record type=memory corpus="$c" engine=loupe-cached rss_kb="$(proc_rss_kb "$spid")" hwm_kb="$(proc_hwm_kb "$spid")"
    stop_pid "$spid"
  fi

  # --- Omega
  lighttpd -D -f "$OUT/omega/lighttpd.conf" >"$OUT/logs/lighttpd.log" 2>&1 &
  lpid=$!; PIDS+=("$lpid")
  prefix="/cgi-bin/omega/omega?DB=$c&P="
  wait_http "http://127.0.0.1:$OMEGA_PORT${prefix}test" "$lpid" ||
    { cat "$OUT/logs/lighttpd.log" "$OUT/omega/lighttpd.err" >&2 || true; die "omega CGI did not answer"; }
  check_engine "$c" omega "http://127.0.0.1:$OMEGA_PORT$prefix"
  python3 "$HERE/corpus.py" lua "$OUT/work/$c" omega "$prefix" "$OUT/work/$c/omega.lua"
  for n in $CONNS; do run_wrk "$c" omega "$n" "http://127.0.0.1:$OMEGA_PORT" "$OUT/work/$c/omega.lua"; done
  if [ "${BENCH_OMEGA_FULL:-1}" = 1 ]; then
    prefix="/cgi-bin/omega/omega?DB=${c}_full&P="
    check_engine "$c" omega-full "http://127.0.0.1:$OMEGA_PORT$prefix"
    python3 "$HERE/corpus.py" lua "$OUT/work/$c" omega "$prefix" "$OUT/work/$c/omega-full.lua"
    for n in $CONNS; do run_wrk "$c" omega-full "$n" "http://127.0.0.1:$OMEGA_PORT" "$OUT/work/$c/omega-full.lua"; done
  fi
  stop_pid "$lpid"

  # --- Sphinx
  searchd --config "$SPHINX_CONF" --nodetach >"$OUT/logs/searchd-$c.log" 2>&1 &
  sdpid=$!; PIDS+=("$sdpid")
  fport=$(free_port)
  "$OUT/bin/sphinx_front" "$fport" "$SQL_PORT" "$c" >"$OUT/logs/sphinx-front-$c.log" 2>&1 &
  fpid=$!; PIDS+=("$fpid")
  wait_http "http://127.0.0.1:$fport/ping" "$fpid" || die "sphinx front did not come up"
  ok=0
  for i in $(seq 200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$fport/search?q=test" 2>/dev/null && { ok=1; break; }
    kill -0 "$sdpid" 2>/dev/null || break
    sleep 0.1
  done
  [ $ok = 1 ] || { tail "$OUT/logs/searchd-$c.log" "$OUT/sphinx/searchd.log" >&2 || true; die "searchd did not answer"; }
  check_engine "$c" sphinx "http://127.0.0.1:$fport/search?q="
  python3 "$HERE/corpus.py" lua "$OUT/work/$c" sphinx "/search?q=" "$OUT/work/$c/sphinx.lua"
  sed 's#"/search?q=#"/nosnippet?q=#' "$OUT/work/$c/sphinx.lua" >"$OUT/work/$c/sphinx-nosnippet.lua"
  for n in $CONNS; do run_wrk "$c" sphinx "$n" "http://127.0.0.1:$fport" "$OUT/work/$c/sphinx.lua"; done
  for n in $CONNS; do run_wrk "$c" sphinx-nosnippet "$n" "http://127.0.0.1:$fport" "$OUT/work/$c/sphinx-nosnippet.lua"; done
  for n in $CONNS; do run_wrk "$c" sphinx-front-ping "$n" "http://127.0.0.1:$fport/ping"; done
  record type=memory corpus="$c" engine=sphinx rss_kb="$(proc_rss_kb "$sdpid")" hwm_kb="$(proc_hwm_kb "$sdpid")"
  stop_pid "$fpid"
  stop_pid "$sdpid"
done

# ---------------------------------------------------------------- report
T_END=$(date +%s.%N)
record type=run started="$(date -u -d "@${T_START%.*}" +%Y-%m-%dT%H:%M:%SZ)" \
  duration_s="$(python3 -c "print(round($T_END-$T_START,1))")" wrk_duration_s="$DURATION" \
  conns="$CONNS" seed="$SEED" largest="$LARGEST" loadavg_start="$LOAD0" \
  loadavg_end="$(cut -d' ' -f1 /proc/loadavg)" \
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" cores="$(nproc)" \
  mem_kb="$(awk '/MemTotal/ {print $2}' /proc/meminfo)" kernel="$(uname -r)" \
  loupe_commit:s="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [ "${BENCH_FROM_HEAD:-0}" = 1 ] || [ -z "$(git -C "$ROOT" status --porcelain -uno 2>/dev/null)" ] || echo +dirty)" \
  omega_version="$(dpkg-query -W -f '${Version}' xapian-omega)" \
  sphinx_version="$(dpkg-query -W -f '${Version}' sphinxsearch)" \
  lighttpd_version="$(dpkg-query -W -f '${Version}' lighttpd)" \
  wrk_version="$(dpkg-query -W -f '${Version}' wrk)"
python3 "$HERE/report.py" "$OUT/records.jsonl" "$OUT/results.json" "$OUT/results.md"
if [ "${BENCH_PERF:-0}" = 1 ] && [ -s "$OUT/perf-top.txt" ]; then
  {
    printf '\n### perf: loupe-server, %s, 8 connections\n\n```\n' "$LARGEST"
    cat "$OUT/perf-top.txt"
    printf '```\n'
  } | tee -a "$OUT/results.md"
fi
log "results: $OUT/results.json and $OUT/results.md"
