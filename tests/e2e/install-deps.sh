#!/usr/bin/env bash
# Installs what the end-to-end tests need: Debian's chromium (plus fonts), node and npm,
# and the packages of package.json (playwright-core, @readme/openapi-parser) in node_modules.
# Safe to run again; needs root for apt-get.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

need=()
[[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [[ ${#need[@]} -gt 0 ]]; then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# npm ls fails when a package is missing or not the locked version.
if ! (cd "$HERE" && npm ls --depth=0 >/dev/null 2>&1); then
  (cd "$HERE" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
fi
/usr/bin/chromium --version 2>/dev/null | head -n 1
echo "node $(node --version), playwright-core $(node -p 'require("'"$HERE"'/node_modules/playwright-core/package.json").version')"
