#!/usr/bin/env bash
# Builds the web UI (web/ -> web/dist) when its sources changed. The build
# first extracts the district shapes from npm packages (web/scripts/build-geo.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0
if [ ! -d web/node_modules ]; then
  (cd web && npm install --no-audit --no-fund --loglevel=error)
fi
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/scripts web/index.html web/package.json web/vite.config.ts web/tsconfig.json src/services/demo/generator.cc -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  echo "web: building"
  (cd web && npm run build --silent)
fi
