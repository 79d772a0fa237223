#!/usr/bin/env bash
# tests/replica/replica_test.sh: read replicas (issue 25). A master index, two replicas kept by
# Xapian's replication, each served by its own loupe-server.
#
#   bash tests/replica/replica_test.sh BUILD_DIR      # BUILD_DIR holds loupe-index, loupe-server
#
# Needs xapian-tools (xapian-replicate-server, xapian-replicate, xapian-delve), curl, python3 and
# setsid. Everything runs on 127.0.0.1, in a temporary folder that is removed at the end.
#
# Steps, each printed as "ok" or "FAIL"; the script goes on after a failure and exits 1 if any
# step failed (0 if all passed, 2 if it could not start):
#   1 initial copy  the master is built with XAPIAN_MAX_CHANGESETS set; xapian-replicate copies it
#                   into two replica folders (stub file XAPIANDB -> replica_0 or replica_1); a
#                   loupe-server on each replica folder finds a word of the master
#   2 changeset     a file is added and loupe-index runs again: each replica applies the
#                   changeset in place (same replica_N, same UUID) and each server finds the new
#                   word within the time bound
#   3 rebuild       the master is deleted and built again from other files (a new UUID): each
#                   replica takes a full copy into its other replica_N folder, and each server
#                   must follow it (the old-only word gone, a new word found)
#   4 too far back  replication stops while the master commits 3 times with
#                   XAPIAN_MAX_CHANGESETS=1: the replicas take a full copy with the same UUID, and
#                   each server must follow it
#   5 idle          a server with one searcher on replica1 answers, then gets no request while
#                   the master is rebuilt twice (each time at revision 1): the second copy lands
#                   in the replica_N folder the searcher had open, at the revision it had. The
#                   server must serve the newest index, not the one it had.
#
# Environment: REPLICA_TEST_SECONDS (20): how long a server may take to show a change;
#   REPLICA_TEST_KEEP=1 keeps the work folder (its logs) and says where it is.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
BUILD=$1
BOUND=${REPLICA_TEST_SECONDS:-20}

find_binary() {
  local name=$1 dir
  for dir in "$BUILD" "$BUILD/indexer" "$BUILD/server"; do
    if [ -x "$dir/$name" ]; then printf '%s\n' "$dir/$name"; return 0; fi
  done
  echo "replica_test: no $name in $BUILD (nor in its indexer/ or server/)" >&2
  exit 2
}
INDEX=$(find_binary loupe-index)
SERVER=$(find_binary loupe-server)
for tool in xapian-replicate-server xapian-replicate xapian-delve curl python3 setsid; do
  command -v "$tool" >/dev/null || { echo "replica_test: $tool is missing (apt-get install xapian-tools curl python3)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/loupe-replica.XXXXXX)
PIDS=()          # every process started, stopped in reverse order on exit
GROUPS_TO_KILL=() # process groups (setsid) among them
FAILED=()
PASSED=0

stop_pid() {  # PID [group]: SIGTERM, up to 5 s, then SIGKILL
  local pid=$1 target=$1 i
  [ "${2:-}" = group ] && target=-$1
  kill -TERM -- "$target" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? i pid
  trap - EXIT INT TERM
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    [ -n "$pid" ] || continue
    if [[ " ${GROUPS_TO_KILL[*]} " == *" $pid "* ]]; then stop_pid "$pid" group; else stop_pid "$pid"; fi
  done
  if [ "${REPLICA_TEST_KEEP:-}" = 1 ]; then
    echo "replica_test: work folder kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
ok() { PASSED=$((PASSED + 1)); say "ok    $*"; }
fail() { FAILED+=("$1"); say "FAIL  $*"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# "UUID REVISION" of a database folder (a replica's stub folder too), or "- -" when unreadable.
db_info() {
  local out
  out=$(xapian-delve "$1" 2>/dev/null) || { echo "- -"; return 0; }
  printf '%s %s\n' "$(sed -n 's/^UUID = //p' <<<"$out")" "$(sed -n 's/^revision = //p' <<<"$out")"
}
# The replica_N folder a replica's stub points at ("-" when there is no stub).
stub_target() {
  sed -n 's/^auto //p' "$1/XAPIANDB" 2>/dev/null | tail -n 1 | grep . || echo -
}

# Total hits for a query on a server ("error" if the request failed).
search_total() {
  local url=$1 query=$2
  curl -fsS --max-time 5 -G --data-urlencode "q=$query" "$url/api/search" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo error
}

# until_true SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; false after SECONDS.
until_true() {
  local seconds=$1 start
  shift
  start=$(date +%s%N)
  while :; do
    "$@" && return 0
    [ "$(date +%s%N)" -lt $((start + seconds * 1000000000)) ] || return 1
    sleep 0.2
  done
}
# since START_NS: the time since START_NS (from date +%s%N), as "1.4 s".
since() { awk -v ns=$(($(date +%s%N) - $1)) 'BEGIN { printf "%.1f s", ns / 1e9 }'; }

run_index() {  # MAX_CHANGESETS FOLDER...: loupe-index into the master, as the writer would run
  local max=$1
  shift
  if ! XAPIAN_MAX_CHANGESETS=$max timeout 60 "$INDEX" --db "$MASTER" "$@" >>"$WORK/index.log" 2>&1; then
    say "replica_test: loupe-index failed:"; tail -n 20 "$WORK/index.log"; exit 2
  fi
}

# ---------------------------------------------------------------------------- the master
mkdir -p "$WORK/docs-a" "$WORK/docs-b" "$WORK/parent"
printf 'Aardvark field notes\n\nThe aardvark digs its burrow at night and eats termites.\n' >"$WORK/docs-a/aardvark.txt"
printf 'Bandicoot field notes\n\nThe bandicoot forages for insects in the leaf litter.\n' >"$WORK/docs-a/bandicoot.txt"
printf 'Cassowary field notes\n\nThe cassowary is a large flightless bird of the rainforest.\n' >"$WORK/docs-a/cassowary.txt"
MASTER=$WORK/parent/index      # served by xapian-replicate-server under the name "index"
run_index 10 "$WORK/docs-a"
read -r MASTER_UUID MASTER_REV <<<"$(db_info "$MASTER")"
say "master: $MASTER (UUID $MASTER_UUID, revision $MASTER_REV, XAPIAN_MAX_CHANGESETS=10)"

# The replication server: setsid, since it signals its whole process group when it stops.
RPORT=$(free_port)
setsid xapian-replicate-server -I 127.0.0.1 -p "$RPORT" "$WORK/parent" \
  </dev/null >"$WORK/replicate-server.log" 2>&1 &
PIDS+=("$!"); GROUPS_TO_KILL+=("$!"); RSERVER_PID=$!
sleep 0.3
kill -0 "$RSERVER_PID" 2>/dev/null ||
  { say "replica_test: xapian-replicate-server did not start:"; cat "$WORK/replicate-server.log"; exit 2; }
say "xapian-replicate-server on 127.0.0.1:$RPORT serving $WORK/parent"

declare -A REPL_PID SERVER_PID SERVER_DB URL
start_replicator() {  # N: replicate into $WORK/replicaN every second (-r 1: see docs/replicas.md)
  local n=$1
  setsid xapian-replicate -h 127.0.0.1 -p "$RPORT" -m index -i 1 -r 1 -v "$WORK/replica$n" \
    </dev/null >>"$WORK/replicate$n.log" 2>&1 &
  REPL_PID[$n]=$!
  PIDS+=("$!"); GROUPS_TO_KILL+=("$!")
}
stop_replicator() {
  local i
  stop_pid "${REPL_PID[$1]}" group
  for i in "${!PIDS[@]}"; do [ "${PIDS[i]}" = "${REPL_PID[$1]}" ] && PIDS[i]=; done
  return 0
}
replica_at() {  # N UUID REVISION: the replica folder holds that revision of that index
  [ "$(db_info "$WORK/replica$1")" = "$2 $3" ]
}
start_server() {  # N [FOLDER [FLAG...]]: loupe-server on replicaN (or FOLDER), on a port it picks
  local n=$1 db=${2:-$WORK/replica$1} log port=
  shift $(($# < 2 ? $# : 2))
  log=$WORK/server$n.log
  SERVER_DB[$n]=$db
  "$SERVER" --db "$db" --port 0 --bind 127.0.0.1 "$@" >"$log.out" 2>"$log" &
  SERVER_PID[$n]=$!
  PIDS+=("$!")
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "${SERVER_PID[$n]}" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then say "replica_test: loupe-server $n did not start:"; cat "$log"; exit 2; fi
  URL[$n]=http://127.0.0.1:$port
  until_true 10 curl -fsS --max-time 2 -o /dev/null "${URL[$n]}/api/health" ||
    { say "replica_test: loupe-server $n does not answer:"; cat "$log"; exit 2; }
}

# server_shows N WORD MIN MAX: the server's total for WORD is within [MIN, MAX]
server_shows() {
  local total
  total=$(search_total "${URL[$1]}" "$2")
  [ "$total" != error ] && [ "$total" -ge "$3" ] && [ "$total" -le "$4" ]
}
describe() {  # N: what server N's replica folder and the server hold now, for failure messages
  printf '%s holds %s (UUID, revision), stub -> %s; its server: %s' "${SERVER_DB[$1]##*/}" \
    "$(db_info "${SERVER_DB[$1]}")" "$(stub_target "${SERVER_DB[$1]}")" \
    "$(curl -fsS --max-time 5 "${URL[$1]}/api/health" 2>/dev/null | python3 -c \
      'import json,sys; h=json.load(sys.stdin); print("%s documents, revision %s" % (h.get("documents"), h.get("revision")))' 2>/dev/null || echo "no answer")"
}

# ---------------------------------------------------------------------------- 1 initial copy
say "--- step 1: initial copy to two replicas"
# replica2's server starts before its folder exists (as in docker/compose.replicas.yml): it
# serves an empty index until the first copy. replica1's starts once its copy is there.
start_server 2
say "      replica2's server (${URL[2]}) started before replica2 existed: $(search_total "${URL[2]}" aardvark) hits for 'aardvark'"
T0=$(date +%s%N)
for n in 1 2; do start_replicator "$n"; done
for n in 1 2; do
  if ! until_true "$BOUND" replica_at "$n" "$MASTER_UUID" "$MASTER_REV"; then
    say "replica_test: replica$n never reached the master's revision; its log:"; tail -n 20 "$WORK/replicate$n.log"
    fail "step 1 (initial copy): replica$n is not a copy of the master after ${BOUND}s: $(db_info "$WORK/replica$n")"
    exit 1
  fi
  say "      replica$n holds: $(ls "$WORK/replica$n" | tr '\n' ' ')(stub XAPIANDB -> $(stub_target "$WORK/replica$n"), UUID and revision as the master's, $(since "$T0"))"
done
start_server 1
step1=ok
for n in 1 2; do
  if until_true "$BOUND" server_shows "$n" aardvark 1 1; then
    say "      replica$n's server (${URL[$n]}) finds 'aardvark' ($(since "$T0") after replication started)"
  else
    step1=; fail "step 1 (initial copy): replica$n's server does not find 'aardvark' (total $(search_total "${URL[$n]}" aardvark))$([ "$n" = 2 ] && echo ", started before the folder existed"); $(describe "$n")"
  fi
done
[ -n "$step1" ] && ok "step 1: both replicas hold the master and their servers find its words"

# ---------------------------------------------------------------------------- 2 changeset
say "--- step 2: an incremental run on the master reaches the replicas as a changeset"
declare -A SLOT
for n in 1 2; do SLOT[$n]=$(stub_target "$WORK/replica$n"); done
printf 'Dugong field notes\n\nThe dugong grazes on seagrass meadows.\n' >"$WORK/docs-a/dugong.txt"
run_index 10 "$WORK/docs-a"
T0=$(date +%s%N)
read -r MASTER_UUID MASTER_REV <<<"$(db_info "$MASTER")"
say "      master: revision $MASTER_REV; changesets kept: $(cd "$MASTER" && ls changes* 2>/dev/null | tr '\n' ' ')"
step2=ok
for n in 1 2; do
  if until_true "$BOUND" server_shows "$n" dugong 1 1; then
    say "      replica$n's server finds 'dugong' ($(since "$T0") after the commit)"
  else
    step2=; fail "step 2 (changeset): replica$n's server does not find 'dugong' after ${BOUND}s; $(describe "$n")"
    continue
  fi
  until_true 5 replica_at "$n" "$MASTER_UUID" "$MASTER_REV" || true
  if [ "$(stub_target "$WORK/replica$n")" != "${SLOT[$n]}" ]; then
    step2=; fail "step 2 (changeset): replica$n took a full copy ($(stub_target "$WORK/replica$n"), was ${SLOT[$n]}), not the changeset: is XAPIAN_MAX_CHANGESETS reaching loupe-index?"
  else
    say "      replica$n: applied in place (stub still -> ${SLOT[$n]}, UUID unchanged)"
  fi
done
[ -n "$step2" ] && ok "step 2: the new document is served by both replicas, applied as a changeset"

# ---------------------------------------------------------------------------- 3 rebuild
say "--- step 3: the master is deleted and built anew (new UUID): the replicas take a full copy"
printf 'Echidna field notes\n\nThe echidna is a spiny monotreme that lays eggs.\n' >"$WORK/docs-b/echidna.txt"
printf 'Bandicoot field notes\n\nThe bandicoot forages for insects in the leaf litter.\n' >"$WORK/docs-b/bandicoot.txt"
for n in 1 2; do SLOT[$n]=$(stub_target "$WORK/replica$n"); done
OLD_UUID=$MASTER_UUID
rm -rf "$MASTER"
run_index 10 "$WORK/docs-b"
T0=$(date +%s%N)
read -r MASTER_UUID MASTER_REV <<<"$(db_info "$MASTER")"
say "      master: UUID $OLD_UUID -> $MASTER_UUID, revision $MASTER_REV"
step3=ok
for n in 1 2; do
  if ! until_true "$BOUND" replica_at "$n" "$MASTER_UUID" "$MASTER_REV"; then
    step3=; fail "step 3 (rebuild): xapian-replicate did not copy the rebuilt master into replica$n within ${BOUND}s: $(db_info "$WORK/replica$n")"
    continue
  fi
  say "      replica$n: full copy, stub ${SLOT[$n]} -> $(stub_target "$WORK/replica$n"), UUID now the new master's ($(since "$T0") after the commit)"
  if until_true "$BOUND" server_shows "$n" echidna 1 1 && until_true 2 server_shows "$n" aardvark 0 0; then
    say "      replica$n's server finds 'echidna' and no longer 'aardvark' ($(since "$T0") after the commit)"
  else
    step3=; fail "step 3 (rebuild): replica$n's server did not follow the full copy within ${BOUND}s ('echidna': $(search_total "${URL[$n]}" echidna) hits, want 1; 'aardvark': $(search_total "${URL[$n]}" aardvark), want 0); $(describe "$n")"
  fi
done
[ -n "$step3" ] && ok "step 3: both replicas' servers follow a full copy of a rebuilt master"

# ---------------------------------------------------------------------------- 4 too far back
say "--- step 4: replicas further behind than the changesets kept: a full copy with the same UUID"
for n in 1 2; do stop_replicator "$n"; SLOT[$n]=$(stub_target "$WORK/replica$n"); done
for word in fossa gecko hyrax; do
  printf '%s field notes\n\nThe %s was seen today.\n' "${word^}" "$word" >"$WORK/docs-b/$word.txt"
  run_index 1 "$WORK/docs-b"
done
read -r MASTER_UUID MASTER_REV <<<"$(db_info "$MASTER")"
say "      master: revision $MASTER_REV, UUID unchanged; changesets kept: $(cd "$MASTER" && ls changes* 2>/dev/null | tr '\n' ' ')"
T0=$(date +%s%N)
for n in 1 2; do start_replicator "$n"; done
step4=ok
for n in 1 2; do
  if ! until_true "$BOUND" replica_at "$n" "$MASTER_UUID" "$MASTER_REV"; then
    step4=; fail "step 4 (too far back): replica$n did not catch up within ${BOUND}s: $(db_info "$WORK/replica$n")"
    continue
  fi
  if [ "$(stub_target "$WORK/replica$n")" = "${SLOT[$n]}" ]; then
    say "      replica$n: caught up in place (stub still -> ${SLOT[$n]}): no full copy was needed"
  else
    say "      replica$n: full copy, stub ${SLOT[$n]} -> $(stub_target "$WORK/replica$n"), same UUID ($(since "$T0") after replication restarted)"
  fi
  if until_true "$BOUND" server_shows "$n" hyrax 1 1; then
    say "      replica$n's server finds 'hyrax' ($(since "$T0") after replication restarted)"
  else
    step4=; fail "step 4 (too far back): replica$n's server did not follow the full copy within ${BOUND}s ('hyrax': $(search_total "${URL[$n]}" hyrax) hits, want 1); $(describe "$n")"
  fi
done
[ -n "$step4" ] && ok "step 4: both replicas' servers follow a full copy with the same UUID"

# ---------------------------------------------------------------------------- 5 idle across two copies
say "--- step 5: a server idle while two full copies arrive, the second into its old folder at its revision"
# One searcher, so the searcher that answers last is the one that was idle. Each rebuilt master
# is at revision 1, and the copies alternate between replica_0 and replica_1.
start_server 3 "$WORK/replica1" --searchers 1
rebuild() {  # WORD...: the master deleted and built from these words' files; replica1 follows
  rm -rf "$MASTER" "$WORK/docs-c"
  mkdir -p "$WORK/docs-c"
  for word in "$@"; do
    printf '%s field notes\n\nThe %s was seen today.\n' "${word^}" "$word" >"$WORK/docs-c/$word.txt"
  done
  run_index 10 "$WORK/docs-c"
  read -r MASTER_UUID MASTER_REV <<<"$(db_info "$MASTER")"
  until_true "$BOUND" replica_at 1 "$MASTER_UUID" "$MASTER_REV" ||
    { fail "step 5 (idle across two copies): replica1 did not copy the rebuilt master within ${BOUND}s"; return 1; }
  say "      master rebuilt from: $* (revision $MASTER_REV); replica1 -> $(stub_target "$WORK/replica1")"
}
step5=ok
if rebuild ibis; then
  if until_true "$BOUND" server_shows 3 ibis 1 1; then
    say "      the one-searcher server on replica1 (${URL[3]}) finds 'ibis'; now no requests"
  else
    step5=; fail "step 5 (idle across two copies): the server on replica1 does not find 'ibis' after ${BOUND}s; $(describe 3)"
  fi
  # The last copy must land in the folder the searcher has open (a copy of a master caught
  # between its creation and its first commit adds a turn): rebuild until it does.
  slot=$(stub_target "$WORK/replica1") landed=
  if [ -n "$step5" ] && rebuild jackal; then
    for _ in 1 2 3 4; do
      rebuild kiwi lemur || break
      if [ "$(stub_target "$WORK/replica1")" = "$slot" ]; then landed=1; break; fi
    done
    [ -n "$landed" ] || fail "step 5 (idle across two copies): the last copy never landed in $slot"
  fi
  if [ -n "$landed" ]; then
    if until_true "$BOUND" server_shows 3 kiwi 1 1 && until_true 2 server_shows 3 ibis 0 0; then
      say "      it finds 'kiwi' and no longer 'ibis'"
    else
      step5=; fail "step 5 (idle across two copies): the server on replica1 still serves the index it had before the two copies ('ibis': $(search_total "${URL[3]}" ibis) hits, want 0; 'kiwi': $(search_total "${URL[3]}" kiwi), want 1): its replica_N folder was made again at the same revision, and reopen() saw no change; $(describe 3)"
    fi
  else
    step5=
  fi
else
  step5=
fi
[ -n "$step5" ] && ok "step 5: a server idle across two full copies serves the newest"

# ---------------------------------------------------------------------------- summary
for n in "${!SERVER_PID[@]}"; do
  kill -0 "${SERVER_PID[$n]}" 2>/dev/null || fail "loupe-server $n exited: $(tail -n 3 "$WORK/server$n.log")"
done
say "--- $PASSED passed, ${#FAILED[@]} failed"
if [ ${#FAILED[@]} -gt 0 ]; then
  for f in "${FAILED[@]}"; do say "failed: ${f%%:*}"; done
  exit 1
fi
exit 0
