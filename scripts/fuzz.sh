#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS seconds each (make fuzz; FUZZ_SECONDS).
# Seeds: fuzz/corpus/<target>/ (checked in) plus what earlier runs found
# (build-fuzz/corpus/). A crash stops the run; its input is saved under
# build-fuzz/crashes/ — turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
mkdir -p "$BUILD/crashes"
status=0
for target in rules csv; do
  bin="$BUILD/fuzz/${target}_fuzz"
  work="$BUILD/corpus/$target"
  mkdir -p "$work"
  echo "== fuzzing $target for ${SECONDS_EACH}s"
  if ! "$bin" "$work" "fuzz/corpus/$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
       -rss_limit_mb=4096 -artifact_prefix="$BUILD/crashes/${target}-" -print_final_stats=1 2>&1 | \
       tail -n 25; then
    status=1
  fi
  if [ "${PIPESTATUS[0]}" -ne 0 ]; then status=1; fi
done
exit $status
