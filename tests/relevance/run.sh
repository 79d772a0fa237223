#!/usr/bin/env bash
# Loupe relevance harness: how often each engine puts the page a user has in mind first, on
# known-item queries drawn from real corpora, Loupe beside Xapian Omega and MiniSearch, all in
# one run on the same copy of the pages and the same queries.  Not part of CI (no ctest).
#
#   bash tests/relevance/run.sh
#
# Prints a markdown table (rows: query sets; columns: engines; cells "MRR@10 / hit@1 / hit@3")
# and writes the same to $BUILD_DIR/relevance/results.json and results.md, and the queries each
# engine did not answer with the expected page first to
# $BUILD_DIR/relevance/misses/ENGINE-SET.tsv (query, expected page, rank of the expected page
# or "-" when not in the top 10, first result, top 10), worst first: what someone tuning
# ranking reads.  About 2-3 minutes for both corpora once the packages are installed and the
# build tree is configured (a first build and the apt installs add several minutes).
#
# Settings (environment):
#   BUILD_DIR            Release build tree of its own     (default: <repo>/build-relevance)
#   RELEVANCE_CORPORA    corpora, from: python linux       (default: "python linux")
#   RELEVANCE_ENGINES    engines, from: loupe omega minisearch (default: all three)
#   RELEVANCE_SEED       seed of the query draw            (default: 20261206)
#   RELEVANCE_ROWS       rows drawn per query set          (default: 300)
#   RELEVANCE_SKIP_INSTALL=1  do not apt-get/npm anything (fails if something is missing)
#   RELEVANCE_NO_BUILD=1 use the loupe-index/loupe-server already in BUILD_DIR
#   LOUPE_BIN_DIR        folder with loupe-index and loupe-server to use instead (another
#                        build, e.g. of the commit before); nothing is built then
#   RELEVANCE_REUSE_INDEX=1  keep Omega's databases from an earlier run when they exist
#                        (Loupe's database is always deleted and indexed anew: the ranking
#                        code under test changes between runs, and so may the index format)
#
# What runs (the server binds 127.0.0.1 only, on a free port picked at start):
#   corpora   the HTML pages of python3.11-doc (/usr/share/doc/python3.11/html) and of
#             linux-doc-6.1 (/usr/share/doc/linux-doc-6.1/html), as tests/bench/run.sh uses
#             them: only the *.html files are copied into $BUILD_DIR/relevance/corpora/NAME
#             (the packages also ship the reST sources as _sources/*.txt, which Loupe would
#             index too).  Every engine indexes exactly these copies.
#   queries   tests/relevance/known_items.py draws, with the seed, up to RELEVANCE_ROWS rows
#             per set into $BUILD_DIR/relevance/sets/CORPUS-SET.jsonl:
#               titles    a page's title as a user would type it (<title> without the site's
#                         name) -> that page; titles that are unique in the corpus only
#               headings  an h1-h3 section heading of 2-6 words that occurs once in the
#                         corpus -> its page; generic ones ("See also") left out
#             Sets: python-titles, python-headings, linux-titles, linux-headings.
#   Loupe     loupe-index --db DB CORPUS; loupe-server --cache-mb 0 (every query is searched);
#             GET /api/search?q=Q&per_page=10 over one keep-alive connection.
#   Omega     omindex --db DB --url / CORPUS (defaults: English stemming); then, per query,
#             quest -o and -s english -m 10 (every word required, as Omega's users get with
#             AND; the url= of each hit is the page's path).
#   MiniSearch  npm install minisearch into $BUILD_DIR/relevance/node; it indexes the title
#             and text that known_items.py extracts (the same elements left out as
#             loupe-index leaves out), BM25+, title boost 5, no prefix or fuzzy, AND.
#             Optional: if npm cannot install it, the run goes on without it.
#   score     MRR@10 (1/rank of the expected page in the top 10, else 0), hit@1, hit@3.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-relevance}
mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
OUT=$BUILD_DIR/relevance
CORPORA=${RELEVANCE_CORPORA:-python linux}
ENGINES=${RELEVANCE_ENGINES:-loupe omega minisearch}
SEED=${RELEVANCE_SEED:-20261206}
ROWS=${RELEVANCE_ROWS:-300}
SKIP_INSTALL=${RELEVANCE_SKIP_INSTALL:-0}
T_START=$(date +%s)

log() { printf '[relevance %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
has_engine() { [[ " $ENGINES " == *" $1 "* ]]; }

for e in $ENGINES; do
  case $e in loupe|omega|minisearch) ;; *) die "unknown engine $e (loupe omega minisearch)" ;; esac
done
for c in $CORPORA; do
  case $c in python|linux) ;; *) die "unknown corpus $c (python linux)" ;; esac
done

corpus_src() {
  case $1 in
    python) echo /usr/share/doc/python3.11/html ;;
    linux) echo /usr/share/doc/linux-doc-6.1/html ;;
  esac
}

# ---------------------------------------------------------------- cleanup
# Every background process this script starts is in PIDS and is stopped on any exit.
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {
  local p=$1 keep=() q
  kill "$p" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# TIMINGS: "label seconds" lines, into results.json's meta
TIMINGS=()
timed() {  # LABEL CMD...: runs CMD, output to $OUT/logs/LABEL.log; sets RC
  local label=$1 t0 t1; shift
  t0=$(date +%s.%N)
  set +e
  "$@" >"$OUT/logs/$label.log" 2>&1
  RC=$?
  set -e
  t1=$(date +%s.%N)
  TIMINGS+=("$label $(python3 -c "print(round($t1 - $t0, 1))")")
}

# ---------------------------------------------------------------- packages
install_packages() {
  local pkgs=() missing=() p sudo=
  for c in $CORPORA; do
    case $c in python) pkgs+=(python3.11-doc) ;; linux) pkgs+=(linux-doc-6.1) ;; esac
  done
  has_engine omega && pkgs+=(xapian-omega xapian-tools)
  has_engine minisearch && ! command -v npm >/dev/null && pkgs+=(nodejs npm)
  command -v python3 >/dev/null || pkgs+=(python3)
  if has_engine loupe && [ -z "${LOUPE_BIN_DIR:-}" ] && [ "${RELEVANCE_NO_BUILD:-0}" != 1 ]; then
    pkgs+=(cmake ninja-build)
  fi
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$SKIP_INSTALL" = 1 ] && die "missing packages: ${missing[*]} (RELEVANCE_SKIP_INSTALL=1)"
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  log "installing ${missing[*]}"
  # Package lists may be missing or stale on a fresh machine; other processes may hold the
  # dpkg lock for a while: wait for it.
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 ||
    log "apt-get update failed; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
}

# ---------------------------------------------------------------- setup
mkdir -p "$OUT"/{logs,corpora,sets,docs,runs,loupe,omega}
rm -rf "$OUT/runs" "$OUT/misses" "$OUT/results.json" "$OUT/results.md" "$OUT/translations.md"
mkdir -p "$OUT/runs"
install_packages

if has_engine loupe; then
  if [ -n "${LOUPE_BIN_DIR:-}" ]; then
    BIN=$(cd "$LOUPE_BIN_DIR" && pwd)
    log "using loupe-index and loupe-server from $BIN (LOUPE_BIN_DIR)"
  elif [ "${RELEVANCE_NO_BUILD:-0}" = 1 ]; then
    BIN=$BUILD_DIR
    log "using the existing binaries in $BIN (RELEVANCE_NO_BUILD=1)"
  else
    BIN=$BUILD_DIR
    log "building Loupe (Release) in $BUILD_DIR"
    configure() { cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release; }
    if ! configure >"$OUT/logs/cmake.log" 2>&1; then
      # Loupe's own libraries (Xapian, ICU, ...) may be missing on a fresh machine.
      [ "$SKIP_INSTALL" != 1 ] || { tail -20 "$OUT/logs/cmake.log" >&2; die "cmake configure failed"; }
      log "configure failed; running scripts/install-deps.sh"
      bash "$ROOT/scripts/install-deps.sh" >&2
      configure >"$OUT/logs/cmake.log" 2>&1 || { tail -20 "$OUT/logs/cmake.log" >&2; die "cmake configure failed"; }
    fi
    cmake --build "$BUILD_DIR" --target loupe-index loupe-server >"$OUT/logs/build.log" 2>&1 ||
      { tail -30 "$OUT/logs/build.log" >&2; die "build failed (see $OUT/logs/build.log)"; }
  fi
  # CMAKE_RUNTIME_OUTPUT_DIRECTORY puts both programs at the top of the build tree.
  LOUPE_INDEX=$BIN/loupe-index
  LOUPE_SERVER=$BIN/loupe-server
  if [ ! -x "$LOUPE_INDEX" ] || [ ! -x "$LOUPE_SERVER" ]; then die "no loupe-index/loupe-server in $BIN"; fi
fi

if has_engine minisearch; then
  if [ ! -f "$OUT/node/node_modules/minisearch/package.json" ]; then
    if [ "$SKIP_INSTALL" = 1 ]; then
      log "MiniSearch is not installed in $OUT/node (RELEVANCE_SKIP_INSTALL=1): left out"
      ENGINES=${ENGINES/minisearch/}
    else
      log "installing MiniSearch from npm into $OUT/node"
      mkdir -p "$OUT/node"
      # --prefix with a package.json of its own: npm must not walk up into the repository.
      [ -f "$OUT/node/package.json" ] || echo '{"private": true}' >"$OUT/node/package.json"
      if ! npm install --prefix "$OUT/node" --no-audit --no-fund --silent minisearch >"$OUT/logs/npm.log" 2>&1; then
        # MiniSearch is an optional peer: the run goes on without it.
        log "npm install minisearch failed (see $OUT/logs/npm.log): MiniSearch left out"
        ENGINES=${ENGINES/minisearch/}
      fi
    fi
  fi
fi

# ---------------------------------------------------------------- corpora and query sets
SETS=()
for c in $CORPORA; do
  src=$(corpus_src "$c")
  [ -d "$src" ] || die "corpus $c: $src missing"
  dst=$OUT/corpora/$c
  # tar keeps the files' times, so an Omega database reused (RELEVANCE_REUSE_INDEX=1) sees
  # them unchanged and omindex has nothing to do.
  rm -rf "$dst"; mkdir -p "$dst"
  (cd "$src" && find . -type f -name '*.html' -print0 | tar --null -T - -cf - | tar -C "$dst" -xf -)
  log "corpus $c: $(find "$dst" -type f | wc -l) pages; drawing known-item queries"
  timed "known-items-$c" python3 "$HERE/known_items.py" "$c" "$dst" "$OUT" --seed "$SEED" --rows "$ROWS"
  [ "$RC" = 0 ] || { cat "$OUT/logs/known-items-$c.log" >&2; die "known_items.py failed on $c"; }
  log "  $(tail -1 "$OUT/logs/known-items-$c.log")"
  SETS+=("$c-titles" "$c-headings")
done

# ---------------------------------------------------------------- engines
for c in $CORPORA; do
  corpus=$OUT/corpora/$c
  if has_engine loupe; then
    # Always from scratch: the ranking code under test changes between runs.
    rm -rf "$OUT/loupe/$c"
    log "loupe: indexing $c"
    timed "loupe-index-$c" "$LOUPE_INDEX" --db "$OUT/loupe/$c" "$corpus"
    # 1: done, but some file could not be read (said in the log)
    [ "$RC" -le 1 ] || { tail "$OUT/logs/loupe-index-$c.log" >&2; die "loupe-index failed on $c"; }
    log "  $(tail -1 "$OUT/logs/loupe-index-$c.log")"
    port=$(free_port)
    "$LOUPE_SERVER" --db "$OUT/loupe/$c" --bind 127.0.0.1 --port "$port" --cache-mb 0 \
      >"$OUT/logs/loupe-server-$c.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    up=0
    for _ in $(seq 600); do
      if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
           "http://127.0.0.1:$port/api/health" 2>/dev/null; then up=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [ "$up" = 1 ] || { tail "$OUT/logs/loupe-server-$c.log" >&2; die "loupe-server did not start"; }
    log "loupe: querying $c"
    timed "loupe-query-$c" python3 "$HERE/evaluate.py" loupe "http://127.0.0.1:$port" \
      "$OUT/sets" "$OUT/runs" "$c-titles" "$c-headings"
    [ "$RC" = 0 ] || { tail "$OUT/logs/loupe-query-$c.log" >&2; die "loupe queries failed on $c"; }
    if [ "$c" = linux ]; then
      # Each language found in its own forms (issue 26): recall on the Italian and Korean pages.
      log "loupe: languages of the linux translations"
      (cd "$HERE" && python3 translations.py "http://127.0.0.1:$port" "$corpus") \
        >"$OUT/translations.md" 2>"$OUT/logs/translations.log" && TRANSLATIONS_OK=1 || TRANSLATIONS_OK=0
    fi
    stop_pid "$pid"
  fi
  if has_engine omega; then
    db=$OUT/omega/$c
    if [ "${RELEVANCE_REUSE_INDEX:-0}" = 1 ] && [ -d "$db" ]; then
      log "omega: reusing $db (RELEVANCE_REUSE_INDEX=1)"
    else
      rm -rf "$db"
      log "omega: indexing $c"
    fi
    # On a reused database this is omindex's incremental pass: nothing changed, nothing done.
    timed "omindex-$c" omindex --db "$db" --url / "$corpus"
    [ "$RC" = 0 ] || { tail "$OUT/logs/omindex-$c.log" >&2; die "omindex failed on $c"; }
    log "omega: querying $c"
    timed "omega-query-$c" python3 "$HERE/evaluate.py" omega "$db" \
      "$OUT/sets" "$OUT/runs" "$c-titles" "$c-headings"
    [ "$RC" = 0 ] || { tail "$OUT/logs/omega-query-$c.log" >&2; die "omega queries failed on $c"; }
  fi
  if has_engine minisearch; then
    log "minisearch: indexing and querying $c"
    timed "minisearch-$c" node "$HERE/minisearch.mjs" "$OUT/node" "$OUT/docs/$c.jsonl" \
      "$OUT/sets" "$OUT/runs" "$c-titles" "$c-headings"
    [ "$RC" = 0 ] || { tail "$OUT/logs/minisearch-$c.log" >&2; die "minisearch failed on $c"; }
  fi
done

# ---------------------------------------------------------------- score
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
META=$(python3 - "$SEED" "$ROWS" "$CORPORA" "$ENGINES" "$(($(date +%s) - T_START))" \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    [ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || echo +dirty)" \
  "$(ver xapian-omega)" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$OUT/node/node_modules/minisearch/package.json" 2>/dev/null || echo '?')" \
  "${LOUPE_BIN_DIR:-}" "${TIMINGS[@]}" <<'EOF'
import datetime, json, sys
seed, rows, corpora, engines, wall, commit, omega, minisearch, bindir = sys.argv[1:10]
print(json.dumps({
    "date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit,
    "loupe_bin_dir": bindir or None, "seed": seed, "rows_per_set": int(rows),
    "corpora": corpora.split(), "engines": engines.split(), "omega_version": omega,
    "minisearch_version": minisearch, "wall_seconds": int(wall),
    "seconds": {t.rsplit(" ", 1)[0]: float(t.rsplit(" ", 1)[1]) for t in sys.argv[10:]}}))
EOF
)
python3 "$HERE/evaluate.py" score "$OUT/sets" "$OUT/runs" "$OUT" "$ENGINES" "${SETS[*]}" "$META"
if [ -f "$OUT/translations.md" ]; then
  echo
  echo "Languages of the linux translations (tests/relevance/translations.py):"
  cat "$OUT/translations.md"
  [ "${TRANSLATIONS_OK:-0}" = 1 ] || log "translations: a word missed pages of its own language (see above)"
fi
log "results: $OUT/results.json and $OUT/results.md; misses: $OUT/misses/ ($(($(date +%s) - T_START)) s)"
