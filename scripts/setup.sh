#!/usr/bin/env bash
# Installs what is missing on a fresh Debian 12 machine (as root): Debian
# packages with apt, front-end and test packages with npm. Safe to rerun: it
# only installs what is not there yet.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  libboost-dev nlohmann-json3-dev libsimdjson-dev libsqlite3-dev sqlite3
  postgresql libpq-dev libpqxx-dev libroaring-dev libxapian-dev libtbb-dev
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libxlsxwriter-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk chromium fonts-noto-cjk curl ca-certificates
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from NodeSource, whose nodejs package carries npm itself and
# conflicts with Debian's npm package: ask for Debian's only when the commands
# are missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm_install() {  # dir: install from its lock file when node_modules is missing or stale
  local dir=$1
  [ -f "$dir/package.json" ] || return 0
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
}
npm_install web
npm_install tests/e2e

# The bench anchors live in ../shared/bench (read-only): install them in a
# writable copy under build/ when the bench or the workload check needs them.
if [ -d ../shared/bench ]; then
  dest=build/anchors
  if [ ! -d "$dest/node_modules" ] || ! diff -q ../shared/bench/anchors.mjs "$dest/anchors.mjs" >/dev/null 2>&1; then
    echo "setup: anchors in $dest"
    mkdir -p "$dest"
    cp -r ../shared/bench/. "$dest/"
    chmod -R u+w "$dest"
    (cd "$dest" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
