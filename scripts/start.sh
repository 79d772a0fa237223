#!/usr/bin/env bash
# Quick start: install what is missing, build, index seeds/ and serve it on http://localhost:8080.
# Environment: LOUPE_PORT (8080), LOUPE_BIND (127.0.0.1), LOUPE_DB (build/seeds.db),
# LOUPE_DOCS (seeds), BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target loupe-index loupe-server

db=${LOUPE_DB:-$build/seeds.db}
"$build/loupe-index" --db "$db" "${LOUPE_DOCS:-seeds}"
echo "Serving on http://localhost:${LOUPE_PORT:-8080} (Ctrl-C stops)"
exec "$build/loupe-server" --db "$db" --web web --port "${LOUPE_PORT:-8080}" --bind "${LOUPE_BIND:-127.0.0.1}"
