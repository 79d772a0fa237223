#!/usr/bin/env bash
# Benchmark of issue 23's targets on the Linux kernel's HTML documentation (linux-doc-6.1):
# searches asking for all three facets, beside the same searches without them, at 8
# connections (wrk, result cache off: every request is matched and counted), and /api/suggest
# at one connection, as a search box sends it while one types.
#
#   tests/bench/narrowing.sh            prints the figures, and JSON to $OUT/results.json
#
# Settings: BUILD_DIR (build-bench-narrow), BENCH_DURATION (10 s of wrk per cell), BENCH_SEED
# (20261207, the draw of queries), BENCH_NO_BUILD=1 (use the binaries already in BUILD_DIR).
# Targets: facets p99 under 20 ms at 8 connections; suggest median under 2 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
BUILD_DIR=${BUILD_DIR:-$REPO/build-bench-narrow}
DURATION=${BENCH_DURATION:-10}
SEED=${BENCH_SEED:-20261207}
OUT=$BUILD_DIR/narrowing
DOCS=/usr/share/doc/linux-doc-6.1/html

for p in wrk linux-doc-6.1; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    echo "narrowing.sh: installing $p" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" --target loupe-index loupe-server >/dev/null
fi
rm -rf "$OUT" && mkdir -p "$OUT/corpus"
# Only the pages: the package also ships the reST sources as _sources/*.txt.
(cd "$DOCS" && find . -name '*.html' -print0 | xargs -0 cp --parents -t "$OUT/corpus")
"$BUILD_DIR/loupe-index" --db "$OUT/db" "$OUT/corpus" | tail -1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD_DIR/loupe-server" --db "$OUT/db" --port "$port" --cache-mb 0 2>"$OUT/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done

# The queries: one to three words drawn from the pages' titles, and the prefixes one types on
# the way to a word (2 to 5 letters).
python3 - "$OUT" "$SEED" <<'EOF'
import os, random, re, sys, urllib.parse
out, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
titles = []
for root, _, files in os.walk(os.path.join(out, "corpus")):
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as h:
            m = re.search(r"<title>(.*?)</title>", h.read(20000), re.S)
        if m:
            words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", m.group(1))]
            if words:
                titles.append(words)
rng.shuffle(titles)
queries, prefixes = [], []
for words in titles[:400]:
    n = min(len(words), rng.choice([1, 1, 2, 2, 3]))
    start = rng.randrange(len(words) - n + 1)
    queries.append(" ".join(words[start:start + n]))
    word = rng.choice(words)
    if len(word) >= 4:
        prefixes.append(word[:rng.randint(2, min(5, len(word) - 1))])
def write(name, paths):
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(paths) + "\n")
write("plain.txt", ["/api/search?q=" + urllib.parse.quote(q) for q in queries])
write("facets.txt", ["/api/search?facets=type,folder,year&q=" + urllib.parse.quote(q) for q in queries])
write("suggest.txt", ["/api/suggest?q=" + urllib.parse.quote(p) for p in prefixes])
EOF

cat >"$OUT/paths.lua" <<'EOF'
local paths, i = {}, 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF

# wrk's latency distribution, in ms: "p50 p99 requests/s".
run() {
  local conns=$1 list=$2
  wrk -t "$((conns < 2 ? 1 : 2))" -c "$conns" -d "${DURATION}s" --latency -s "$OUT/paths.lua" \
    "http://127.0.0.1:$port" -- "$OUT/$list" >"$OUT/$list.$conns.wrk"
  python3 - "$OUT/$list.$conns.wrk" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % label, t)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print("%.2f %.2f %.0f %s" % (ms("50"), ms("99"), float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
                             errors.group(1) if errors else 0))
EOF
}
read -r plain_p50 plain_p99 plain_rps plain_err < <(run 8 plain.txt)
read -r facet_p50 facet_p99 facet_rps facet_err < <(run 8 facets.txt)
read -r sugg_p50 sugg_p99 sugg_rps sugg_err < <(run 1 suggest.txt)
docs=$(curl -fs "http://127.0.0.1:$port/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')
cat <<EOF
Linux docs ($docs pages), result cache off, ${DURATION} s per cell, one run:
| requests                       | conns | p50 ms | p99 ms | req/s | non-2xx |
|--------------------------------|-------|--------|--------|-------|---------|
| search                         | 8     | $plain_p50 | $plain_p99 | $plain_rps | $plain_err |
| search + facets type,folder,year | 8   | $facet_p50 | $facet_p99 | $facet_rps | $facet_err |
| /api/suggest                   | 1     | $sugg_p50 | $sugg_p99 | $sugg_rps | $sugg_err |
Targets: facets p99 < 20 ms; suggest p50 < 2 ms.
EOF
python3 - "$OUT/results.json" <<EOF
import json, sys
json.dump({"documents": $docs, "duration_s": $DURATION,
           "search": {"p50_ms": $plain_p50, "p99_ms": $plain_p99, "rps": $plain_rps},
           "facets": {"p50_ms": $facet_p50, "p99_ms": $facet_p99, "rps": $facet_rps},
           "suggest": {"p50_ms": $sugg_p50, "p99_ms": $sugg_p99, "rps": $sugg_rps}},
          open(sys.argv[1], "w"), indent=2)
EOF
