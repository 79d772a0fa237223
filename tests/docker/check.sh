#!/usr/bin/env bash
# tests/docker/check.sh: build Loupe's image with podman and check it as a user would.
#
#   bash tests/docker/check.sh            # as root; ~10 min the first time (image build)
#
# No Docker engine runs on these machines: rootful podman builds and runs the same Dockerfile
# (../shared/docker/README.md). The setup script is run first; it is idempotent and keeps the
# base image on a machine that already has it.
#
# Checks, each printed as "ok" or "FAIL", closing with "N passed, M failed":
#   image      builds (unit tests run in the build stage), is under 150 MB, holds only the two
#              programs + runtime libs + web/ + seeds/, non-root user, EXPOSE 8080, VOLUME /data,
#              HEALTHCHECK
#   seeds      no /docs mounted: serves the bundled seeds; search, document, page, health check,
#              processes not root, SIGTERM stop time
#   docs       a mounted read-only folder, read-only root fs, no capabilities: serves only it;
#              a file added, changed and removed is picked up while queries keep succeeding;
#              stopped, changed while down, started again on the same volume: the index is kept
#              and only the changes are applied
#   api-key    LOUPE_API_KEY: /api/ needs "Authorization: Bearer", 401 JSON otherwise; health open
#   sigterm    SIGTERM while the first indexing of a large folder runs: stops quickly, and the next
#              start finds an intact index and completes it
#   compose    docker/compose.yml brought up with podman-compose (when it can be had)
#
# Environment: LOUPE_IMAGE (loupe:latest), LOUPE_PODMAN_SETUP (path of podman-setup.sh),
#   LOUPE_SKIP_SETUP=1, LOUPE_SKIP_BUILD=1 (use an image already built), LOUPE_STOP_MAX (2 s),
#   LOUPE_KEEP=1 (keep the work folder and the containers' logs).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE=${LOUPE_IMAGE:-loupe:latest}
SETUP=${LOUPE_PODMAN_SETUP:-$REPO/../shared/docker/podman-setup.sh}
STOP_MAX=${LOUPE_STOP_MAX:-2}
MAX_IMAGE_BYTES=150000000
RUN_ID=loupe-check-$$
WORK=$(mktemp -d /tmp/loupe-check.XXXXXX)
chmod 0755 "$WORK"
PASS=0 FAIL=0
T0=$SECONDS

say()    { printf '%s\n' "$*"; }
header() { printf '\n## %s  [%ds]\n' "$*" $((SECONDS - T0)); }
ok()     { PASS=$((PASS + 1)); say "ok   - $*"; }
not_ok() { FAIL=$((FAIL + 1)); say "FAIL - $*"; }
# check DESCRIPTION COMMAND...: runs the command, counts it.
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
now()    { date +%s.%N; }
since()  { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
lt()     { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

summary() {
  say ""
  say "docker check: $((SECONDS - T0)) s"
  say "$PASS passed, $FAIL failed"
}

cleanup() {
  local ids
  if command -v podman-compose >/dev/null && [ -n "${COMPOSE_UP:-}" ]; then
    compose down >/dev/null 2>&1
  fi
  ids=$(podman ps -aq --filter "label=loupe-check=$RUN_ID" 2>/dev/null)
  [ -n "$ids" ] && podman rm -f -v $ids >/dev/null 2>&1
  for v in $(podman volume ls -q 2>/dev/null | grep "^$RUN_ID" || true); do
    podman volume rm -f "$v" >/dev/null 2>&1
  done
  if [ -n "${LOUPE_KEEP:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# fatal MESSAGE: the remaining checks cannot run.
fatal() { not_ok "$*"; summary; exit 1; }

# ---------------------------------------------------------------------------- helpers
# start NAME [podman run options...]: starts a container of the image, its port $CPORT (8080)
# published on a free loopback port.
start() {
  local name=$RUN_ID-$1 cport=${CPORT:-8080}; shift
  # (podman's complaints about the missing systemd, which would run health checks, are dropped)
  if ! podman run -d --name "$name" --label "loupe-check=$RUN_ID" -p "127.0.0.1::$cport" "$@" "$IMAGE" \
       >/dev/null 2>"$WORK/run.err"; then
    cat "$WORK/run.err"
    return 1
  fi
  PORT=$(podman port "$name" "$cport/tcp" | head -n1 | sed 's/.*://')
  BASE=http://127.0.0.1:$PORT
  CNAME=$name
}

# http [curl options...] URL: sets CODE and BODY (file $WORK/body); never fails.
http() {
  CODE=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' "$@" 2>/dev/null) || true
  [ -n "$CODE" ] || CODE=000
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

# json EXPR: evaluates a Python expression on the last answer's body parsed as d; prints it ("" on error).
json() {
  python3 -c 'import json,sys
try:
    d = json.loads(sys.stdin.read())
    v = eval(sys.argv[1])
    print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
except Exception:
    pass' "$1" <"$WORK/body"
}

# total QUERY [curl options...]: prints the number of hits ("" when the query failed).
total() {
  local q=$1; shift
  http "$@" -G --data-urlencode "q=$q" "$BASE/api/search"
  [ "$CODE" = 200 ] && json 'd["total"]'
}

# documents: prints the document count from /api/health.
documents() { http "$BASE/api/health"; [ "$CODE" = 200 ] && json 'd["documents"]'; }

# wait_healthy SECONDS: waits for /api/health to answer 200; fails early if the container exits.
wait_healthy() {
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    http "$BASE/api/health"
    [ "$CODE" = 200 ] && return 0
    [ "$(podman inspect -f '{{.State.Running}}' "$CNAME" 2>/dev/null)" = true ] || break
    sleep 0.3
  done
  say "     container $CNAME is not healthy; its log:"
  podman logs "$CNAME" 2>&1 | tail -n 30 | sed 's/^/     | /'
  return 1
}

# wait_for SECONDS COMMAND...: polls until the command succeeds; prints how long it took in WAITED.
wait_for() {
  local limit=$1 t=$(now); shift
  local deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    if "$@"; then WAITED=$(since "$t"); return 0; fi
    sleep 0.3
  done
  WAITED=$(since "$t")
  return 1
}
total_is() { [ "$(total "$1")" = "$2" ]; }
documents_is() { [ "$(documents)" = "$1" ]; }

# stop_timed: `podman stop` (SIGTERM, then SIGKILL after 10 s); sets STOP_SECONDS and EXIT_CODE.
stop_timed() {
  local t=$(now)
  podman stop -t 10 "$CNAME" >/dev/null 2>&1
  STOP_SECONDS=$(since "$t")
  EXIT_CODE=$(podman inspect -f '{{.State.ExitCode}}' "$CNAME")
  STOP_TIMES="$STOP_TIMES $STOP_SECONDS"
}
STOP_TIMES=

check_stop() {
  stop_timed
  check "$1: SIGTERM stops it in ${STOP_SECONDS}s (< ${STOP_MAX}s), exit status $EXIT_CODE" \
    eval 'lt "$STOP_SECONDS" "$STOP_MAX" && [ "$EXIT_CODE" = 0 ]'
}

# Processes in the container run as a user other than root (read from /proc inside it).
not_root() {
  local uids
  uids=$(podman exec "$CNAME" sh -c 'for p in /proc/[0-9]*/status; do awk "/^Uid:/ { print \$2 }" "$p"; done' 2>/dev/null |
         sort -u | tr '\n' ' ')
  say "     process uids: $uids"
  [ -n "$uids" ] && ! grep -qw 0 <<<"$uids"
}

healthcheck_passes() {
  local out rc status
  out=$(podman healthcheck run "$CNAME" 2>&1); rc=$?
  status=$(podman inspect -f '{{.State.Health.Status}}' "$CNAME" 2>/dev/null)
  [ $rc -eq 0 ] && [ "$status" = healthy ] && return 0
  say "     podman healthcheck run: status $rc, $status: $out"
  return 1
}

# query_loop FILE [PAUSE]: queries until FILE.stop exists (5000 at most); one line per request:
# "HTTP-STATUS CURL-EXIT" (curl exits 7 when the connection is refused, 52/56/18 when an answer
# was cut off).
query_loop() {
  local f=$1 pause=${2:-0.05} i=0 code rc
  while [ ! -e "$f.stop" ] && [ $i -lt 5000 ]; do
    code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$BASE/api/search?q=report" 2>/dev/null); rc=$?
    echo "${code:-000} $rc" >>"$f"
    i=$((i + 1))
    sleep "$pause"
  done
}

# ---------------------------------------------------------------------------- image
header "image"
[ "$(id -u)" = 0 ] || fatal "run as root: the check uses rootful podman"
if [ -z "${LOUPE_SKIP_SETUP:-}" ]; then
  [ -f "$SETUP" ] || fatal "podman setup script not found at $SETUP (set LOUPE_PODMAN_SETUP)"
  t=$(now)
  bash "$SETUP" >"$WORK/setup.log" 2>&1 || { tail -n 30 "$WORK/setup.log"; fatal "podman setup failed"; }
  say "     podman setup: $(since "$t")s"
fi
# python3 reads the API's JSON; podman-compose brings docker/compose.yml up. Both are Debian packages.
if { ! command -v python3 || ! command -v podman-compose; } >/dev/null && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 podman-compose >"$WORK/apt.log" 2>&1 ||
    say "     (could not install python3 and podman-compose: $(tail -n1 "$WORK/apt.log"))"
fi
command -v podman >/dev/null || fatal "podman is not installed"
command -v curl >/dev/null || fatal "curl is not installed"
command -v python3 >/dev/null || fatal "python3 is not installed"

if [ -z "${LOUPE_SKIP_BUILD:-}" ]; then
  t=$(now)
  if podman build --format docker -t "$IMAGE" "$REPO" >"$WORK/build.log" 2>&1; then
    ok "image builds, unit tests pass in the build stage ($(since "$t")s)"
    grep -E 'tests passed|tests failed|No tests were found' "$WORK/build.log" | tail -n 2 | sed 's/^/     /'
  else
    tail -n 60 "$WORK/build.log"
    fatal "podman build failed"
  fi
fi
podman image exists "$IMAGE" || fatal "no image $IMAGE"

size=$(podman image inspect -f '{{.Size}}' "$IMAGE")
check "image size $((size / 1000000)) MB < 150 MB" [ "$size" -lt "$MAX_IMAGE_BYTES" ]

user=$(podman image inspect -f '{{.Config.User}}' "$IMAGE")
check "image user is '$user', not root" eval '[ -n "$user" ] && [ "${user%%:*}" != root ] && [ "${user%%:*}" != 0 ]'
ports=$(podman image inspect -f '{{json .Config.ExposedPorts}}' "$IMAGE")
check "image exposes 8080 ($ports)" grep -q '"8080/tcp"' <<<"$ports"
volumes=$(podman image inspect -f '{{json .Config.Volumes}}' "$IMAGE")
check "image declares VOLUME /data ($volumes)" grep -q '"/data"' <<<"$volumes"
hc=$(podman image inspect -f '{{json .Config.Healthcheck.Test}}' "$IMAGE")
check "image has a HEALTHCHECK ($hc)" eval 'grep -q loupe-healthcheck <<<"$hc"'

contents=$(podman run --rm --entrypoint bash "$IMAGE" -c '
  ls /usr/local/bin | tr "\n" " "; echo
  for t in g++ gcc cc c++ cmake make ld curl; do command -v $t; done
  ls -d /src /usr/include/xapian* /opt/loupe/web /opt/loupe/seeds 2>/dev/null
  ls /opt/loupe/seeds | wc -l' 2>/dev/null)
holds_programs() {
  local p line; line=$(head -n1 <<<"$contents")
  for p in loupe-index loupe-extract loupe-server; do grep -qw "$p" <<<"$line" || return 1; done
}
check "final image holds loupe-index, loupe-extract and loupe-server" holds_programs
check "final image has no compiler, build tree or headers" \
  eval '! grep -Eq "/(g\+\+|gcc|cc|c\+\+|cmake|make|ld)$|^/src|/usr/include" <<<"$contents"'
check "final image holds web/ and seeds/" eval 'grep -q /opt/loupe/web <<<"$contents" && grep -q /opt/loupe/seeds <<<"$contents"'
seeds=$(ls "$REPO/seeds" | wc -l)

# ---------------------------------------------------------------------------- seeds
header "seeds: nothing mounted on /docs"
start seeds -e LOUPE_REFRESH_SECONDS=2 || fatal "podman run failed"
t=$(now)
wait_healthy 120 || fatal "seeds: /api/health never answered"
ok "seeds: /api/health answers after $(since "$t")s"
check "seeds: serves the $seeds bundled seeds" documents_is "$seeds"
n=$(total Karpathy)
check "seeds: search 'Karpathy' finds $n of $seeds seeds" [ "${n:-0}" = "$seeds" ]
id=$(json 'd["hits"][0]["id"]')
check "seeds: a hit has id, title, path and snippet" \
  eval '[ "$(json "all(k in d[\"hits\"][0] for k in (\"id\",\"title\",\"path\",\"snippet\"))")" = true ]'
http "$BASE/api/documents/$id"
check "seeds: /api/documents/$id answers 200" [ "$CODE" = 200 ]
http "$BASE/"
check "seeds: / serves the page" eval '[ "$CODE" = 200 ] && grep -qi "<html" <<<"$BODY"'
check "seeds: processes do not run as root" not_root
check "seeds: podman healthcheck run says healthy" healthcheck_passes
check_stop seeds

# ---------------------------------------------------------------------------- docs
header "docs: a mounted folder, read-only root filesystem"
DOCS=$WORK/docs
mkdir -p "$DOCS/notes"
cat >"$DOCS/alpha.txt" <<'EOF'
Field notes on the quokka

The quokka is a small marsupial found on Rottnest Island. This report covers its habitat.
EOF
cat >"$DOCS/notes/beta.md" <<'EOF'
# The narwhal

A *narwhal* is a medium-sized toothed whale with a long tusk. Short report, markdown edition.
EOF
cat >"$DOCS/gamma.html" <<'EOF'
<!doctype html>
<html><head><title>Axolotl care</title></head>
<body><h1>Axolotl care</h1><p>The axolotl is a salamander that keeps its gills. A report.</p></body></html>
EOF
chmod -R a+rX "$DOCS"
# Read-only root without the tmpfs mounts podman adds by default (Docker adds none): only /data is written.
RO_OPTS=(--read-only --read-only-tmpfs=false --cap-drop ALL --security-opt no-new-privileges)
# A rescan only every 10 minutes: what shows within seconds below was seen by the watcher.
start docs "${RO_OPTS[@]}" -e LOUPE_REFRESH_SECONDS=600 -v "$DOCS:/docs:ro" -v "$RUN_ID-data:/data" ||
  fatal "podman run failed"
t=$(now)
wait_healthy 120 || fatal "docs: /api/health never answered"
ok "docs: /api/health answers after $(since "$t")s"
check "docs: indexes the 3 mounted files" documents_is 3
check "docs: search 'quokka' finds alpha.txt" \
  eval '[ "$(total quokka)" = 1 ] && [ "$(json "d[\"hits\"][0][\"path\"].endswith(\"alpha.txt\")")" = true ]'
check "docs: search 'narwhal' finds the markdown file" total_is narwhal 1
check "docs: search 'axolotl' finds the HTML file" total_is axolotl 1
check "docs: the seeds are not served" total_is Karpathy 0
check "docs: processes do not run as root" not_root
check "docs: the index on /data belongs to the container user" \
  eval '[ "$(podman exec "$CNAME" stat -c %u /data/index)" = "$(podman exec "$CNAME" id -u)" ]'

rm -f "$WORK/queries" "$WORK/queries.stop"
query_loop "$WORK/queries" &
QPID=$!
printf 'A pangolin eats ants. Added while the server runs; a report.\n' >"$DOCS/notes/delta.txt"
chmod a+r "$DOCS/notes/delta.txt"
# Watched: each change is searchable within 2 s (5 s allowed on a loaded machine), long before
# the next rescan.
check_added() { total_is pangolin 1; }
wait_for 30 check_added; ok_added=$?
check "docs: an added file is found after ${WAITED}s (watching)" eval '[ $ok_added = 0 ] && lt "$WAITED" 5'
sed -i 's/quokka/wombat/g' "$DOCS/alpha.txt"
check_changed() { total_is wombat 1 && total_is quokka 0; }
wait_for 30 check_changed; ok_changed=$?
check "docs: a changed file is re-indexed after ${WAITED}s (watching)" eval '[ $ok_changed = 0 ] && lt "$WAITED" 5'
rm "$DOCS/notes/beta.md"
check_removed() { total_is narwhal 0 && documents_is 3; }
wait_for 30 check_removed; ok_removed=$?
check "docs: a removed file disappears after ${WAITED}s (watching)" eval '[ $ok_removed = 0 ] && lt "$WAITED" 5'
mkdir "$DOCS/zoo"; printf 'A quoll in a new folder.\n' >"$DOCS/zoo/q.txt"; chmod -R a+rX "$DOCS/zoo"
wait_for 30 total_is quoll 1; ok_folder=$?
check "docs: a file in a new folder is found after ${WAITED}s (watching)" eval '[ $ok_folder = 0 ] && lt "$WAITED" 5'
rm -r "$DOCS/zoo"
wait_for 30 total_is quoll 0; ok_gone=$?
check "docs: a removed folder's files disappear after ${WAITED}s" [ $ok_gone = 0 ]
# A PDF: read by loupe-extract inside the container (read-only root, no capabilities).
python3 - "$DOCS/echidna.pdf" <<'PY'
import sys
# One page that says "The echidna lays eggs", with a correct cross-reference table.
objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
           b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
           None,
           b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
stream = b"BT /F1 14 Tf 20 100 Td (The echidna lays eggs) Tj ET"
objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, body in enumerate(objects):
    offsets.append(len(out))
    out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, body)
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
for o in offsets:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
chmod a+r "$DOCS/echidna.pdf"
check_pdf() { total_is echidna 1 && [ "$(json 'd["hits"][0]["type"]')" = pdf ] && [ "$(json 'd["hits"][0]["page"]')" = 1 ]; }
wait_for 30 check_pdf; ok_pdf=$?
check "docs: a PDF is found after ${WAITED}s, with its page" [ $ok_pdf = 0 ]
rm "$DOCS/echidna.pdf"
wait_for 30 total_is echidna 0
http "$BASE/metrics"
check "docs: /metrics counts searches and reports the watcher" \
  eval '[ "$CODE" = 200 ] && grep -Eq "^loupe_http_requests_total\{route=\"/api/search\",status=\"200\"\} [1-9]" <<<"$BODY" &&
        grep -Eq "^loupe_watch_runs_total [1-9]" <<<"$BODY" && grep -q "^loupe_watch_complete 1" <<<"$BODY"'
check "docs: the entrypoint reads loupe-index's JSON summary" \
  eval 'grep -Eq "^loupe-index: added [0-9]+, updated [0-9]+, removed [0-9]+, unchanged [0-9]+, skipped [0-9]+, failed [0-9]+ in" <<<"$(podman logs "$CNAME" 2>&1)"'
podman exec "$CNAME" loupe-index --db /data/index --backup /data/backup >"$WORK/backup.log" 2>&1
check "docs: loupe-index --backup copies the live index ($(cat "$WORK/backup.log"))" \
  grep -q "backed up revision [0-9]* (3 documents)" "$WORK/backup.log"
podman exec "$CNAME" rm -rf /data/backup
touch "$WORK/queries.stop"; wait "$QPID"
nq=$(wc -l <"$WORK/queries"); nbad=$(grep -vc '^200 0$' "$WORK/queries")
check "docs: $nq queries during the refreshes, $nbad failed" eval '[ "$nq" -gt 10 ] && [ "$nbad" = 0 ]'
check "docs: podman healthcheck run says healthy" healthcheck_passes
# Stop it while queries keep coming: answers already begun must not be cut off.
rm -f "$WORK/stopq" "$WORK/stopq.stop"
query_loop "$WORK/stopq" 0 &
QPID=$!
sleep 1
check_stop docs
touch "$WORK/stopq.stop"; wait "$QPID"
nok=$(grep -c '^200 0$' "$WORK/stopq"); ncut=$(grep -Ec ' (18|52|55|56)$' "$WORK/stopq")
say "     status and curl exit of the queries while stopping: $(sort "$WORK/stopq" | uniq -c | tr -s ' \n' ' ')"
check "docs: queries while stopping: $nok answered, $ncut cut off" eval '[ "$nok" -gt 0 ] && [ "$ncut" = 0 ]'

# Changes while it is down; then a new container on the same volume.
printf 'The ocelot is a wild cat. Added while the container was stopped.\n' >"$DOCS/epsilon.txt"
chmod a+r "$DOCS/epsilon.txt"
rm "$DOCS/gamma.html"
podman logs "$CNAME" >"$WORK/docs1.log" 2>&1
start docs2 "${RO_OPTS[@]}" -e LOUPE_REFRESH_SECONDS=2 -v "$DOCS:/docs:ro" -v "$RUN_ID-data:/data" ||
  fatal "podman run failed"
t=$(now)
wait_healthy 60 || fatal "docs2: /api/health never answered"
ok "restart: /api/health answers after $(since "$t")s"
check "restart: the entrypoint found the existing index" \
  eval 'grep -q "existing index" <<<"$(podman logs "$CNAME" 2>&1)"'
check_restart() { total_is ocelot 1 && total_is axolotl 0; }
wait_for 30 check_restart; ok_restart=$?
check "restart: changes made while it was down are applied (${WAITED}s)" [ $ok_restart = 0 ]
check "restart: documents indexed before are kept" eval 'total_is pangolin 1 && total_is wombat 1 && documents_is 3'
check "restart: the first run only applied the changes (files it had are unchanged)" \
  eval 'grep -Eq "loupe-index: .*unchanged [1-9]" <<<"$(podman logs "$CNAME" 2>&1)"'
say "     first index run after the restart:"
podman logs "$CNAME" 2>&1 | grep -v -- '->' | head -n 12 | sed 's/^/     | /'
check_stop restart

# ---------------------------------------------------------------------------- api key
header "api key (and another port: LOUPE_PORT=9090)"
KEY=team-secret-$$
CPORT=9090 start key -e "LOUPE_API_KEY=$KEY" -e LOUPE_PORT=9090 || fatal "podman run failed"
wait_healthy 120 || fatal "key: /api/health never answered"
http "$BASE/api/health"
check "key: /api/health needs no key" [ "$CODE" = 200 ]
http -G --data-urlencode q=Karpathy "$BASE/api/search"
check "key: search without a key gets 401 with a JSON error ($BODY)" \
  eval '[ "$CODE" = 401 ] && [ "$(json "\"error\" in d")" = true ]'
http -H "Authorization: Bearer wrong-$KEY" -G --data-urlencode q=Karpathy "$BASE/api/search"
check "key: a wrong key gets 401 with a JSON error" eval '[ "$CODE" = 401 ] && [ -n "$(json "d[\"error\"]")" ]'
n=$(total Karpathy -H "Authorization: Bearer $KEY")
check "key: the right key gets results ($n hits)" [ "${n:-0}" = "$seeds" ]
id=$(json 'd["hits"][0]["id"]')
http "$BASE/api/documents/$id"
check "key: /api/documents without a key gets 401" [ "$CODE" = 401 ]
http -H "Authorization: Bearer $KEY" "$BASE/api/documents/$id"
check "key: /api/documents with the key answers 200" [ "$CODE" = 200 ]
http "$BASE/"
check "key: the page itself loads without a key" [ "$CODE" = 200 ]
check "key: podman healthcheck run says healthy" healthcheck_passes
check_stop key

# ---------------------------------------------------------------------------- sigterm while indexing
header "sigterm during the first indexing"
BIG=$WORK/big
# Enough files that the first indexing outlasts the probe below (about 3 s here, with jemalloc);
# with 4,000 it sometimes finished before `podman exec` had started the health check.
NBIG=12000
mkdir -p "$BIG"
awk -v dir="$BIG" -v n="$NBIG" 'BEGIN {
  srand(42)
  split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november " \
        "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu report " \
        "search index server document folder volume container query answer", w, " ")
  for (f = 0; f < n; f++) {
    file = sprintf("%s/doc%05d.txt", dir, f)
    printf "Document %d about term%d\n\n", f, f > file
    for (l = 0; l < 30; l++) {
      line = ""
      for (k = 0; k < 16; k++) line = line w[int(rand() * 34) + 1] " "
      print line > file
    }
    close(file)
  }
}'
chmod -R a+rX "$BIG"
nbig=$(ls "$BIG" | wc -l)
start big -e LOUPE_REFRESH_SECONDS=0 -v "$BIG:/docs:ro" -v "$RUN_ID-big:/data" || fatal "podman run failed"
wait_for 30 eval 'grep -q "indexing /docs" <<<"$(podman logs "$CNAME" 2>&1)"'
# The health check itself is the probe: a separate HTTP probe first left a window in which the
# indexing could end between the two. A pass is right only once loupe-index has printed its summary.
if ! podman exec "$CNAME" loupe-healthcheck >/dev/null 2>&1; then
  ok "big: the health check fails while the first indexing runs"
elif grep -q "loupe-index: added" <<<"$(podman logs "$CNAME" 2>&1)"; then
  say "     note: the first indexing of $nbig files had already finished; stopping while it serves"
else
  not_ok "big: the health check passed before the first indexing had finished"
fi
check_stop "big (indexing $nbig files)"
podman logs "$CNAME" 2>&1 | tail -n 4 | sed 's/^/     | /'
start big2 -e LOUPE_REFRESH_SECONDS=0 -v "$BIG:/docs:ro" -v "$RUN_ID-big:/data" || fatal "podman run failed"
t=$(now)
wait_healthy 300 || fatal "big2: /api/health never answered"
wait_for 300 documents_is "$nbig"; ok_big=$?
check "big: the next start finds a sound index and completes it: $(documents) of $nbig documents ($(since "$t")s)" \
  [ $ok_big = 0 ]
check "big: search finds a document of the second half" total_is "term$((NBIG - 1))" 1
printf 'A late capybara, indexed on SIGHUP.\n' >"$BIG/zz-late.txt"; chmod a+r "$BIG/zz-late.txt"
podman kill -s HUP "$CNAME" >/dev/null
wait_for 30 total_is capybara 1; ok_hup=$?
check "big: with LOUPE_REFRESH_SECONDS=0, SIGHUP re-indexes at once (${WAITED}s)" [ $ok_hup = 0 ]
check_stop big2

# ---------------------------------------------------------------------------- compose
header "compose: docker/compose.yml with podman-compose"
if command -v podman-compose >/dev/null; then
  cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export LOUPE_DOCS_DIR=$DOCS LOUPE_HOST_PORT=127.0.0.1:$cport LOUPE_VOLUME=$RUN_ID-compose \
         LOUPE_REFRESH_SECONDS=2
  unset LOUPE_API_KEY LOUPE_LANGUAGE
  compose() { podman-compose -p "$RUN_ID" -f "$REPO/docker/compose.yml" "$@"; }
  COMPOSE_UP=1
  if compose up -d --no-build >"$WORK/compose.log" 2>&1; then
    CNAME=$(podman ps -a --filter "label=io.podman.compose.project=$RUN_ID" --format '{{.Names}}' | head -n1)
    BASE=http://127.0.0.1:$cport
    if [ -n "$CNAME" ] && wait_healthy 120; then
      ok "compose: up, /api/health answers"
      check "compose: serves the mounted folder" total_is ocelot 1
      check "compose: read-only root filesystem" \
        eval '[ "$(podman inspect -f "{{.HostConfig.ReadonlyRootfs}}" "$CNAME")" = true ]'
      check "compose: restart policy unless-stopped" \
        eval '[ "$(podman inspect -f "{{.HostConfig.RestartPolicy.Name}}" "$CNAME")" = unless-stopped ]'
      check "compose: memory limit set" \
        eval '[ "$(podman inspect -f "{{.HostConfig.Memory}}" "$CNAME")" -gt 0 ]'
      check "compose: the index volume is mounted" \
        eval 'grep -q "$LOUPE_VOLUME" <<<"$(podman inspect -f "{{range .Mounts}}{{.Name}} {{end}}" "$CNAME")"'
      check "compose: podman healthcheck run says healthy" healthcheck_passes
      check_stop compose
    else
      sed 's/^/     | /' "$WORK/compose.log" | tail -n 20
      not_ok "compose: the service did not come up"
    fi
  else
    sed 's/^/     | /' "$WORK/compose.log" | tail -n 20
    not_ok "compose: podman-compose up failed"
  fi
  compose down >/dev/null 2>&1; COMPOSE_UP=
  podman volume rm -f "$LOUPE_VOLUME" >/dev/null 2>&1
else
  say "     skipped: podman-compose is not available"
fi

header "done"
say "     SIGTERM stop times (s):$STOP_TIMES"
summary
[ "$FAIL" = 0 ]
