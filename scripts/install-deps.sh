#!/usr/bin/env bash
# Installs what Loupe needs from Debian 12 packages; does nothing when everything is there.
#   scripts/install-deps.sh          build and run Loupe
#   scripts/install-deps.sh --test   also what the tests need (Chromium, Node.js)
#   scripts/install-deps.sh --fuzz   also clang 14 and libFuzzer (scripts/fuzz.sh)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config ca-certificates curl
          libxapian-dev xapian-tools libicu-dev libcpp-httplib-dev nlohmann-json3-dev
          doctest-dev libcli11-dev libxml2-dev libmd4c-dev libmd4c-html0-dev libxxhash-dev libjemalloc-dev
          libpoppler-cpp-dev libzip-dev libgmime-3.0-dev libcld2-dev)
if [[ "${1:-}" == "--test" ]]; then
  # prometheus: its promtool checks the /metrics page in the server test.
  # pandoc and qpdf make the format fixtures (tests/formats/make_fixtures.py).
  packages+=(chromium python3 slowhttptest wrk prometheus pandoc qpdf)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
