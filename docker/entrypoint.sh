#!/bin/bash
# loupe-entrypoint: index the documents, serve them, and keep the index fresh.
#
#   1. pick the documents: $LOUPE_DOCS (/docs) when it holds anything, else the bundled seeds;
#   2. run loupe-index once into $LOUPE_DB (/data/index). It is incremental, so a restart with an
#      existing index only applies what changed while the container was down. With an existing
#      index the server starts first, so a restart serves at once;
#   3. run loupe-server in the background;
#   4. every $LOUPE_REFRESH_SECONDS (0 = never) run loupe-index again: added, changed and removed
#      files are picked up while queries go on (the indexer commits one atomic transaction, the
#      server reopens the database on its own). `docker kill -s HUP` re-indexes at once.
#   5. on SIGTERM/SIGINT: forward SIGTERM to the server (it finishes in-flight requests) and to a
#      running indexer (it cancels its transaction, leaving the last committed index intact),
#      wait for both and exit. Everything runs in the background and this script only `wait`s,
#      so a signal is handled at once, also when this script is PID 1.
#
# Given arguments, it runs them instead (`docker run --rm -it loupe bash`, `... loupe-index --help`).
set -u

log() { printf '%s loupe-entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ $# -gt 0 ]; then exec "$@"; fi

DOCS=${LOUPE_DOCS:-/docs}
SEEDS=${LOUPE_SEEDS:-/opt/loupe/seeds}
DB=${LOUPE_DB:-/data/index}
WEB=${LOUPE_WEB:-/opt/loupe/web}
BIND=${LOUPE_BIND:-0.0.0.0}
PORT=${LOUPE_PORT:-8080}
REFRESH=${LOUPE_REFRESH_SECONDS:-30}

case $REFRESH in ''|*[!0-9]*) die "LOUPE_REFRESH_SECONDS must be a whole number of seconds (0 disables), not '$REFRESH'" ;; esac
case $PORT in ''|*[!0-9]*) die "LOUPE_PORT must be a port number, not '$PORT'" ;; esac

# The API key may come from a file (a Docker/compose secret). An empty key means no access control.
if [ -n "${LOUPE_API_KEY_FILE:-}" ]; then
  [ -r "$LOUPE_API_KEY_FILE" ] || die "LOUPE_API_KEY_FILE=$LOUPE_API_KEY_FILE cannot be read"
  IFS= read -r LOUPE_API_KEY < "$LOUPE_API_KEY_FILE" || [ -n "${LOUPE_API_KEY:-}" ]
  export LOUPE_API_KEY
fi
if [ -z "${LOUPE_API_KEY:-}" ]; then unset LOUPE_API_KEY; fi

# The index must be writable by this user (uid $(id -u)); a named volume created from the image is.
mkdir -p "$DB" 2>/dev/null && [ -w "$DB" ] ||
  die "cannot write the index at $DB as uid $(id -u): mount a named volume on /data, or a folder owned by uid $(id -u)"
case ${LOUPE_REBUILD:-} in
  1|true|yes)
    log "LOUPE_REBUILD is set: deleting the index at $DB to build it anew"
    [ "$DB" != / ] && find "$DB" -mindepth 1 -delete ;;
esac

# Which documents to serve: $DOCS when it holds any (non-hidden) entry, else the bundled seeds.
# The seeds are indexed from a copy at $SEED_ROOT, next to the index, and that copy is emptied
# while $DOCS is served: loupe-index removes the documents of a root that vanished from it, so
# both roots are given to every run and a switch either way happens in one atomic commit.
SEED_ROOT=$(dirname "$DB")/seeds
docs_readable() { [ -d "$DOCS" ] && [ -r "$DOCS" ] && [ -x "$DOCS" ]; }
pick_source() {
  if docs_readable && [ -n "$(find "$DOCS" -mindepth 1 -maxdepth 1 ! -name '.*' -print -quit 2>/dev/null)" ]; then
    echo docs
  else
    echo seeds
  fi
}
if [ -d "$DOCS" ] && ! docs_readable; then
  log "warning: $DOCS cannot be read by uid $(id -u): make it readable (chmod -R a+rX) or run with --user"
fi
# Copies the seeds (keeping their times, so unchanged seeds are not indexed again) or empties the copy.
sync_seeds() {
  if [ "$1" = seeds ]; then
    if [ -z "$SEEDS_COPIED" ]; then
      rm -rf "$SEED_ROOT" && mkdir -p "$SEED_ROOT" && cp -pR "$SEEDS/." "$SEED_ROOT/" ||
        log "warning: cannot copy the seeds to $SEED_ROOT"
      SEEDS_COPIED=1
    fi
  else
    if [ -n "$SEEDS_COPIED" ] || [ -n "$(ls -A "$SEED_ROOT" 2>/dev/null)" ]; then
      rm -rf "$SEED_ROOT" && mkdir -p "$SEED_ROOT"
    fi
    mkdir -p "$SEED_ROOT"
    SEEDS_COPIED=
  fi
}

SERVER_PID= INDEX_PID= SLEEP_PID= STOPPING= REINDEX_NOW= SOURCE= SEEDS_COPIED= FIRST_RUN=1
UNREADABLE_WARNED=

on_stop() {
  [ -n "$STOPPING" ] && return
  STOPPING=1
  log "stopping"
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
  [ -n "$INDEX_PID" ] && kill -TERM "$INDEX_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null
}
on_hup() {
  REINDEX_NOW=1
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
}
trap on_stop TERM INT
trap on_hup HUP

# Waits for a child to exit and returns its status; a trapped signal does not end the wait.
wait_pid() {
  local rc
  while :; do
    wait "$1"; rc=$?
    if [ "$rc" -le 128 ] || ! kill -0 "$1" 2>/dev/null; then return "$rc"; fi
  done
}

# Passes loupe-index's output on. A periodic run that found nothing to do stays silent.
index_output() {
  local quiet=$1 line lines=() idle= trouble=
  while IFS= read -r line; do
    if [ "$quiet" = 1 ]; then
      lines+=("$line")
      case $line in
        *"added 0, updated 0, removed 0, "*) idle=1 ;;
        *"cannot read"*|*"interrupted"*|*"locked"*|*"no such"*|*"indexed with --language"*) trouble=1 ;;
      esac
    else
      printf '%s\n' "$line" >&2
    fi
    case $line in
      *"indexed with --language"*)
        log "hint: set LOUPE_LANGUAGE to the index's language, or start once with LOUPE_REBUILD=1 to rebuild it" ;;
    esac
  done
  if [ "$quiet" = 1 ] && { [ -z "$idle" ] || [ -n "$trouble" ]; }; then
    for line in "${lines[@]}"; do printf '%s\n' "$line" >&2; done
  fi
  return 0
}

index_once() {
  local src rc paths=()
  # Documents indexed from $DOCS that can no longer be read: keep serving them as they were,
  # rather than mixing them with the seeds.
  if [ "$SOURCE" = docs ] && [ -d "$DOCS" ] && ! docs_readable; then
    [ -z "$UNREADABLE_WARNED" ] && log "warning: $DOCS cannot be read by uid $(id -u) any more: serving the index as it was"
    UNREADABLE_WARNED=1
    return 0
  fi
  UNREADABLE_WARNED=
  src=$(pick_source)
  if [ "$src" != "$SOURCE" ]; then
    if [ "$src" = docs ]; then
      log "indexing $DOCS into $DB"
    else
      log "$DOCS is empty or missing: serving the bundled seeds"
    fi
    SOURCE=$src
  fi
  sync_seeds "$src"
  docs_readable && paths+=("$DOCS")
  paths+=("$SEED_ROOT")
  loupe-index --db "$DB" ${LOUPE_LANGUAGE:+--language "$LOUPE_LANGUAGE"} "${paths[@]}" \
    > >(index_output "$([ -n "$FIRST_RUN" ] && echo 0 || echo 1)") 2>&1 &
  INDEX_PID=$!
  wait_pid "$INDEX_PID"; rc=$?
  INDEX_PID= FIRST_RUN=
  if [ "$rc" -ne 0 ] && [ -z "$STOPPING" ]; then
    log "warning: loupe-index exited with status $rc; the last committed index is served"
  fi
  return "$rc"
}

start_server() {
  log "serving on $BIND:$PORT${LOUPE_API_KEY:+ (API key required)}"
  loupe-server --db "$DB" --bind "$BIND" --port "$PORT" --web "$WEB" &
  SERVER_PID=$!
}

finish() {
  local rc=0
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
  [ -n "$INDEX_PID" ] && wait_pid "$INDEX_PID"
  if [ -n "$SERVER_PID" ]; then
    wait_pid "$SERVER_PID"; rc=$?
    # A server ended by the SIGTERM we forwarded stopped as asked.
    [ -n "$STOPPING" ] && [ "$rc" -eq 143 ] && rc=0
  fi
  log "stopped (status $rc)"
  exit "$rc"
}

# ---------------------------------------------------------------------------- start
if [ -n "$(find "$DB" -mindepth 1 -maxdepth 1 -print -quit 2>/dev/null)" ]; then
  log "existing index at $DB: serving it while changes are applied"
  start_server
  index_once
else
  index_once || [ -n "$STOPPING" ] || log "warning: the first indexing failed; starting the server anyway"
  [ -n "$STOPPING" ] && finish
  start_server
fi

# ---------------------------------------------------------------------------- refresh loop
[ "$REFRESH" -eq 0 ] && log "periodic re-indexing disabled (LOUPE_REFRESH_SECONDS=0)"
while [ -z "$STOPPING" ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID"; rc=$?
    log "error: loupe-server exited with status $rc"
    exit $((rc == 0 ? 1 : rc))
  fi
  if [ -z "$REINDEX_NOW" ]; then
    if [ "$REFRESH" -eq 0 ]; then
      sleep infinity &
    else
      sleep "$REFRESH" &
    fi
    SLEEP_PID=$!
    # Returns when the server exits, the sleep ends, or a signal arrives.
    wait -n "$SERVER_PID" "$SLEEP_PID"
    kill "$SLEEP_PID" 2>/dev/null
    wait "$SLEEP_PID" 2>/dev/null
    SLEEP_PID=
  fi
  [ -n "$STOPPING" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || continue
  if [ "$REFRESH" -gt 0 ] || [ -n "$REINDEX_NOW" ]; then
    REINDEX_NOW=
    index_once
  fi
done
finish
