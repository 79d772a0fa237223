#!/bin/bash
# loupe-entrypoint: index the documents, serve them, and keep the index fresh.
#
#   1. pick the documents: $LOUPE_DOCS (/docs) when it holds anything, else the bundled seeds;
#   2. run loupe-index once into $LOUPE_DB (/data/index). It is incremental, so a restart with an
#      existing index only applies what changed while the container was down. With an existing
#      index the server starts first, so a restart serves at once;
#   3. run loupe-server in the background;
#   4. run `loupe-index --watch`: file-system events keep the index current within a second or
#      two while queries go on (each batch of changes is one atomic commit; the server reopens the
#      database on its own), and a rescan every $LOUPE_REFRESH_SECONDS (0 = never) catches what
#      events miss (network mounts). Every $LOUPE_REFRESH_SECONDS this script also checks whether
#      /docs appeared or emptied (seeds <-> docs). `docker kill -s HUP` rescans at once. With
#      LOUPE_WATCH=0, or where watching cannot start, loupe-index runs every
#      $LOUPE_REFRESH_SECONDS instead.
#   5. on SIGTERM/SIGINT: forward SIGTERM to the server (it finishes in-flight requests) and to a
#      running indexer (it cancels its transaction, leaving the last committed index intact),
#      wait for both and exit. Everything runs in the background and this script only `wait`s,
#      so a signal is handled at once, also when this script is PID 1.
#
# Given arguments, it runs them instead (`docker run --rm -it loupe bash`, `... loupe-index --help`).
#
# Read replicas (docs/replicas.md, docker/compose.replicas.yml): LOUPE_ROLE chooses what runs.
#   standalone  (the default) all of the above.
#   master      all of the above, with XAPIAN_MAX_CHANGESETS exported to loupe-index (100 unless
#               set), so each commit also writes a changeset, plus xapian-replicate-server on
#               $LOUPE_REPLICATION_PORT (7010), serving the index's parent folder: replicas ask
#               for the index by its folder's name (`index` for /data/index).
#   replica     no indexing: xapian-replicate keeps $LOUPE_DB a copy of the master's index
#               ($LOUPE_REPLICATE_FROM=host:port, $LOUPE_REPLICATE_NAME=index, every
#               $LOUPE_REPLICATE_SECONDS=5 s), and loupe-server serves it (an empty index until
#               the first copy). If xapian-replicate or the server exits, so does the container.
# SIGTERM stops these processes too. xapian-replicate-server signals its whole process group when
# it stops, so it runs in a session of its own (setsid).
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
WATCH=${LOUPE_WATCH:-1}
ROLE=${LOUPE_ROLE:-standalone}
REPLICATION_PORT=${LOUPE_REPLICATION_PORT:-7010}
REPLICATE_FROM=${LOUPE_REPLICATE_FROM:-}
REPLICATE_NAME=${LOUPE_REPLICATE_NAME:-index}
REPLICATE_SECONDS=${LOUPE_REPLICATE_SECONDS:-5}
# loupe-index reads LOUPE_* variables too (LOUPE_WATCH would make every run a watcher): what it
# needs is passed as flags, the rest must not leak in.
unset LOUPE_PATHS LOUPE_JSON LOUPE_BACKUP LOUPE_WATCH LOUPE_RESCAN_SECONDS

case $REFRESH in ''|*[!0-9]*) die "LOUPE_REFRESH_SECONDS must be a whole number of seconds (0 disables), not '$REFRESH'" ;; esac
case $PORT in ''|*[!0-9]*) die "LOUPE_PORT must be a port number, not '$PORT'" ;; esac
case $ROLE in
  standalone) ;;
  master)
    case $REPLICATION_PORT in ''|*[!0-9]*) die "LOUPE_REPLICATION_PORT must be a port number, not '$REPLICATION_PORT'" ;; esac
    # Without it, loupe-index writes no changesets and every update is a full copy.
    export XAPIAN_MAX_CHANGESETS=${XAPIAN_MAX_CHANGESETS:-100}
    case $XAPIAN_MAX_CHANGESETS in ''|0|*[!0-9]*) die "XAPIAN_MAX_CHANGESETS must be a number of changesets above 0, not '$XAPIAN_MAX_CHANGESETS'" ;; esac ;;
  replica)
    case $REPLICATE_FROM in
      ?*:*[0-9]) REPLICATE_HOST=${REPLICATE_FROM%:*} REPLICATE_PORT=${REPLICATE_FROM##*:} ;;
      *) die "LOUPE_ROLE=replica needs LOUPE_REPLICATE_FROM=host:port (the master's LOUPE_REPLICATION_PORT), not '$REPLICATE_FROM'" ;;
    esac
    case $REPLICATE_PORT in *[!0-9]*) die "LOUPE_REPLICATE_FROM must end in a port number, not '$REPLICATE_FROM'" ;; esac
    case $REPLICATE_SECONDS in ''|0|*[!0-9]*) die "LOUPE_REPLICATE_SECONDS must be a whole number of seconds above 0, not '$REPLICATE_SECONDS'" ;; esac
    case $REPLICATE_NAME in ''|*/*|.*) die "LOUPE_REPLICATE_NAME must be the name of the master's index folder (index), not '$REPLICATE_NAME'" ;; esac ;;
  *) die "LOUPE_ROLE must be standalone, master or replica, not '$ROLE'" ;;
esac

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
# A replica's folder (a stub file XAPIANDB naming replica_0 or replica_1) is not an index to write,
# and an index is not a replica's folder: say so rather than fail obscurely.
if [ "$ROLE" = replica ]; then
  [ -e "$DB/iamglass" ] &&
    die "$DB holds an index, not a replica: start once with LOUPE_REBUILD=1 to delete it and copy the master's"
elif [ -e "$DB/XAPIANDB" ]; then
  die "$DB holds a replica (LOUPE_ROLE=replica): start once with LOUPE_REBUILD=1 to delete it and index anew"
fi

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

SERVER_PID= INDEX_PID= WATCH_PID= WATCH_KEY= WATCH_FAILURES=0 SLEEP_PID= STOPPING= REINDEX_NOW= SOURCE= SEEDS_COPIED= FIRST_RUN=1
REPL_SERVER_PID= REPLICATE_PID=
UNREADABLE_WARNED=

on_stop() {
  [ -n "$STOPPING" ] && return
  STOPPING=1
  log "stopping"
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
  [ -n "$INDEX_PID" ] && kill -TERM "$INDEX_PID" 2>/dev/null
  [ -n "$WATCH_PID" ] && kill -TERM "$WATCH_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null
  [ -n "$REPL_SERVER_PID" ] && kill -TERM "$REPL_SERVER_PID" 2>/dev/null
  [ -n "$REPLICATE_PID" ] && kill -TERM "$REPLICATE_PID" 2>/dev/null
}
on_hup() {
  REINDEX_NOW=1
  [ -n "$WATCH_PID" ] && kill -HUP "$WATCH_PID" 2>/dev/null
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

# loupe-index --json prints each run as one JSON object on stdout; this says it as a summary line.
json_field() { [[ $1 =~ \"$2\":\"?([a-z0-9.]+) ]] && printf '%s' "${BASH_REMATCH[1]}"; }
summary_of() {
  local f out=
  for f in added updated removed unchanged skipped failed; do out+="${out:+, }$f $(json_field "$1" "$f")"; done
  printf 'loupe-index: %s in %s s (%s MB/s)' "$out" "$(json_field "$1" seconds)" "$(json_field "$1" mb_per_s)"
}

# Passes loupe-index's output on: its notes, and each run's summary from its JSON object. With
# `quiet`, a run that found nothing to do stays silent (its notes too, unless one is trouble).
index_output() {
  local quiet=$1 line lines=() trouble=
  while IFS= read -r line; do
    case $line in
      '{"result":'*)
        local changed=$(( $(json_field "$line" added) + $(json_field "$line" updated) + \
                          $(json_field "$line" removed) + $(json_field "$line" failed) ))
        if [ "$quiet" != 1 ] || [ "$changed" -gt 0 ] || [ -n "$trouble" ] ||
           [ "$(json_field "$line" result)" != done ]; then
          for l in "${lines[@]}"; do printf '%s\n' "$l" >&2; done
          summary_of "$line" >&2; printf '\n' >&2
        fi
        lines=() trouble=
        continue ;;
      *"cannot read"*|*"interrupted"*|*"locked"*|*"no such"*|*"cannot watch"*|*"overflowed"*|*"indexed with --language"*) trouble=1 ;;
    esac
    case $line in
      *"indexed with --language"*)
        log "hint: set LOUPE_LANGUAGE to the index's language, or start once with LOUPE_REBUILD=1 to rebuild it" ;;
    esac
    if [ "$quiet" = 1 ] && [ -z "$trouble" ]; then lines+=("$line"); else
      for l in "${lines[@]}"; do printf '%s\n' "$l" >&2; done
      lines=(); printf '%s\n' "$line" >&2
    fi
  done
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
  loupe-index --json --db "$DB" ${LOUPE_LANGUAGE:+--language "$LOUPE_LANGUAGE"} "${paths[@]}" \
    > >(index_output "$([ -n "$FIRST_RUN" ] && echo 0 || echo 1)") 2>&1 &
  INDEX_PID=$!
  wait_pid "$INDEX_PID"; rc=$?
  INDEX_PID= FIRST_RUN=
  if [ "$rc" -ne 0 ] && [ -z "$STOPPING" ]; then
    log "warning: loupe-index exited with status $rc; the last committed index is served"
  fi
  return "$rc"
}

# The watcher over the paths index_once used last. It exits only when stopped or when it cannot
# watch at all (then the loop below runs loupe-index every $REFRESH seconds instead).
watch_paths() {
  docs_readable && [ "$SOURCE" = docs ] && printf '%s\n' "$DOCS"
  printf '%s\n' "$SEED_ROOT"
}
start_watcher() {
  [ "$WATCH" = 1 ] || return 0
  local paths=()
  mapfile -t paths < <(watch_paths)
  loupe-index --watch --json --rescan-seconds "$REFRESH" --db "$DB" \
    ${LOUPE_LANGUAGE:+--language "$LOUPE_LANGUAGE"} "${paths[@]}" > >(index_output 1) 2>&1 &
  WATCH_PID=$!
  WATCH_KEY="${paths[*]}"
}
stop_watcher() {
  [ -n "$WATCH_PID" ] || return 0
  kill -TERM "$WATCH_PID" 2>/dev/null
  wait_pid "$WATCH_PID"
  WATCH_PID=
}

start_server() {
  log "serving on $BIND:$PORT${LOUPE_API_KEY:+ (API key required)}"
  loupe-server --db "$DB" --bind "$BIND" --port "$PORT" --web "$WEB" &
  SERVER_PID=$!
}

# master: the replicas' source. It serves the index's parent folder; a replica names the index.
start_replication_server() {
  log "replication: serving $(basename "$DB") from $(dirname "$DB") on port $REPLICATION_PORT (XAPIAN_MAX_CHANGESETS=$XAPIAN_MAX_CHANGESETS)"
  setsid xapian-replicate-server -p "$REPLICATION_PORT" "$(dirname "$DB")" </dev/null &
  REPL_SERVER_PID=$!
}

# replica: copy the master's index into $DB and serve it. xapian-replicate creates the folder and
# refuses an existing one that is not a replica, so an empty one (made above) goes first. -r 1:
# when several changesets are waiting, they are applied a second apart (Xapian's default, 30 s,
# would hold a replica minutes behind a busy master); the server reopens every 250 ms and retries
# a search that a changeset overtook.
run_replica() {
  local rc
  rmdir "$DB" 2>/dev/null
  start_server
  log "replicating $REPLICATE_NAME from $REPLICATE_HOST:$REPLICATE_PORT into $DB every ${REPLICATE_SECONDS}s"
  xapian-replicate -h "$REPLICATE_HOST" -p "$REPLICATE_PORT" -m "$REPLICATE_NAME" \
    -i "$REPLICATE_SECONDS" -r 1 "$DB" </dev/null &
  REPLICATE_PID=$!
  while [ -z "$STOPPING" ]; do
    # Returns when either exits, or a signal arrives.
    wait -n "$SERVER_PID" "$REPLICATE_PID"
    [ -n "$STOPPING" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID"; rc=$?
      log "error: loupe-server exited with status $rc"
      kill -TERM "$REPLICATE_PID" 2>/dev/null
      exit $((rc == 0 ? 1 : rc))
    fi
    if ! kill -0 "$REPLICATE_PID" 2>/dev/null; then
      wait "$REPLICATE_PID"; rc=$?
      log "error: xapian-replicate exited with status $rc (a network error only delays it: this is the replica folder or the program)"
      kill -TERM "$SERVER_PID" 2>/dev/null
      wait_pid "$SERVER_PID"
      exit $((rc == 0 ? 1 : rc))
    fi
  done
  finish
}

finish() {
  local rc=0
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
  [ -n "$INDEX_PID" ] && wait_pid "$INDEX_PID"
  [ -n "$WATCH_PID" ] && wait_pid "$WATCH_PID"
  [ -n "$REPL_SERVER_PID" ] && wait_pid "$REPL_SERVER_PID"
  [ -n "$REPLICATE_PID" ] && wait_pid "$REPLICATE_PID"
  if [ -n "$SERVER_PID" ]; then
    wait_pid "$SERVER_PID"; rc=$?
    # A server ended by the SIGTERM we forwarded stopped as asked.
    [ -n "$STOPPING" ] && [ "$rc" -eq 143 ] && rc=0
  fi
  log "stopped (status $rc)"
  exit "$rc"
}

# ---------------------------------------------------------------------------- start
[ "$ROLE" = replica ] && run_replica
[ "$ROLE" = master ] && start_replication_server
if [ -n "$(find "$DB" -mindepth 1 -maxdepth 1 -print -quit 2>/dev/null)" ]; then
  log "existing index at $DB: serving it while changes are applied"
  start_server
  index_once
else
  index_once || [ -n "$STOPPING" ] || log "warning: the first indexing failed; starting the server anyway"
  [ -n "$STOPPING" ] && finish
  start_server
fi

# ---------------------------------------------------------------------------- watch and refresh loop
if [ "$WATCH" = 1 ]; then
  log "watching for changes${REFRESH:+; a rescan every ${REFRESH}s catches what events miss}"
  start_watcher
elif [ "$REFRESH" -eq 0 ]; then
  log "periodic re-indexing disabled (LOUPE_REFRESH_SECONDS=0)"
fi
while [ -z "$STOPPING" ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID"; rc=$?
    log "error: loupe-server exited with status $rc"
    [ -n "$WATCH_PID" ] && kill -TERM "$WATCH_PID" 2>/dev/null
    [ -n "$REPL_SERVER_PID" ] && kill -TERM "$REPL_SERVER_PID" 2>/dev/null
    exit $((rc == 0 ? 1 : rc))
  fi
  if [ -n "$REPL_SERVER_PID" ] && ! kill -0 "$REPL_SERVER_PID" 2>/dev/null; then
    wait "$REPL_SERVER_PID"; rc=$?
    log "error: xapian-replicate-server exited with status $rc (is port $REPLICATION_PORT taken?)"
    [ -n "$WATCH_PID" ] && kill -TERM "$WATCH_PID" 2>/dev/null
    kill -TERM "$SERVER_PID" 2>/dev/null
    [ -n "$WATCH_PID" ] && wait_pid "$WATCH_PID"
    wait_pid "$SERVER_PID"
    exit $((rc == 0 ? 1 : rc))
  fi
  if [ -z "$REINDEX_NOW" ]; then
    if [ "$REFRESH" -eq 0 ]; then
      sleep infinity &
    else
      sleep "$REFRESH" &
    fi
    SLEEP_PID=$!
    # Returns when the server, the watcher or the replication server exits, the sleep ends, or a
    # signal arrives.
    wait -n "$SERVER_PID" "$SLEEP_PID" ${WATCH_PID:+"$WATCH_PID"} ${REPL_SERVER_PID:+"$REPL_SERVER_PID"}
    kill "$SLEEP_PID" 2>/dev/null
    wait "$SLEEP_PID" 2>/dev/null
    SLEEP_PID=
  fi
  [ -n "$STOPPING" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || continue
  hup=$REINDEX_NOW
  REINDEX_NOW=
  if [ "$WATCH" = 1 ]; then
    if [ -n "$WATCH_PID" ] && ! kill -0 "$WATCH_PID" 2>/dev/null; then
      wait "$WATCH_PID"; rc=$?
      WATCH_PID=
      WATCH_FAILURES=$((WATCH_FAILURES + 1))
      log "warning: the watcher exited with status $rc$([ "$WATCH_FAILURES" -ge 3 ] && echo "; re-indexing every ${REFRESH}s instead")"
      [ "$WATCH_FAILURES" -ge 3 ] && WATCH=0
      index_once
      start_watcher
      continue
    fi
    # /docs appeared, emptied or became unreadable: index the other source, then watch it.
    if [ "$(pick_source)" != "$SOURCE" ] || [ "$(watch_paths | tr '\n' ' ' | sed 's/ $//')" != "$WATCH_KEY" ]; then
      stop_watcher
      index_once
      start_watcher
    fi
  elif [ "$REFRESH" -gt 0 ] || [ -n "$hup" ]; then
    index_once
  fi
done
finish
