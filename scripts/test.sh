#!/usr/bin/env bash
# make test: every test, against real components. Unit and store tests run
# under a throwaway PostgreSQL (scripts/with-postgres.sh) so the store suite
# runs on both databases; then the workload check against the anchors.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export ZHIDA_REQUIRE_PG=1
start=$(date +%s)
echo "== unit, store and API tests (ctest, SQLite and PostgreSQL)"
scripts/with-postgres.sh bash -c "cd $BUILD && ctest --output-on-failure -j $(nproc)"
echo "== matching answers against the anchors (DuckDB oracle)"
ZHIDA=$BUILD/zhida scripts/check-workload.sh --n 20000 --seeds "1"
if [ -x scripts/test-web.sh ] && [ -f web/package.json ]; then
  echo "== web UI (type check, browser tests)"
  scripts/test-web.sh "$BUILD"
fi
echo "== all tests passed in $(( $(date +%s) - start )) s"
