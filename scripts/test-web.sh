#!/usr/bin/env bash
# The web UI's tests: type check (vue-tsc), unit tests (vitest), then the
# browser tests (tests/e2e, playwright-core driving Debian Chromium) against
# the real server: `zhida demo` on a small generated district, on a free port,
# with a throwaway data directory. Screenshots go to BUILD_DIR/screenshots/.
#
#   scripts/test-web.sh [BUILD_DIR]      (make test runs it)
#   ZHIDA_E2E_N=2000 ZHIDA_E2E_ONLY=02 scripts/test-web.sh    (district size; one spec)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ZHIDA=$BUILD/zhida
N=${ZHIDA_E2E_N:-2000}
SEED=${ZHIDA_E2E_SEED:-1}

echo "-- web: type check (vue-tsc)"
(cd web && npx vue-tsc --noEmit -p tsconfig.json)
echo "-- web: unit tests (vitest)"
(cd web && npx vitest run)

scripts/build-web.sh
[ -x "$ZHIDA" ] || { echo "test-web: $ZHIDA is missing (make build)"; exit 1; }

DATA=$(mktemp -d /tmp/zhida-e2e.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
echo "-- web: browser tests against zhida demo --n $N on 127.0.0.1:$PORT"
"$ZHIDA" demo --host 127.0.0.1 --port "$PORT" --data "$DATA" --n "$N" --seed "$SEED" --static web/dist >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "test-web: zhida demo exited"; cat "$DATA/server.log"; exit 1; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null || { echo "test-web: zhida demo did not start"; tail -50 "$DATA/server.log"; exit 1; }
"$ZHIDA" demo --print-accounts --data "$DATA" --n "$N" --seed "$SEED" >"$DATA/accounts.json"

case "$BUILD" in /*) SHOTS="$BUILD/screenshots" ;; *) SHOTS="$PWD/$BUILD/screenshots" ;; esac
mkdir -p "$SHOTS"
specs=(tests/e2e/specs/*.test.mjs)
if [ -n "${ZHIDA_E2E_ONLY:-}" ]; then specs=(tests/e2e/specs/${ZHIDA_E2E_ONLY}*.test.mjs); fi
status=0
ZHIDA_URL="http://127.0.0.1:$PORT" ZHIDA_ACCOUNTS="$DATA/accounts.json" ZHIDA_SCREENSHOTS="$SHOTS" \
  node --test --test-concurrency=1 --test-reporter=spec "${specs[@]}" || status=$?
if [ $status -ne 0 ]; then
  echo "-- zhida server log (last 60 lines)"
  tail -60 "$DATA/server.log"
fi
echo "-- screenshots in $SHOTS/"
exit $status
