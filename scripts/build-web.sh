#!/usr/bin/env bash
# Builds the web UI (web/ -> web/dist) when its sources changed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package.json -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  echo "web: building"
  (cd web && npm run build --silent)
fi
