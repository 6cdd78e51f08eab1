#!/usr/bin/env bash
# Checks `zhida match` against the anchors' oracle (DuckDB) on generated
# workloads: every policy's match, possible, id_sum and award_sum must agree.
#
#   scripts/check-workload.sh --n 20000 --seeds "1"
#   scripts/check-workload.sh --n 100000 --seeds "1 2 3"      (make check-large)
set -euo pipefail
cd "$(dirname "$0")/.."
N=20000; SEEDS="1"; POLICIES=200; ZHIDA=${ZHIDA:-build/zhida}
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2;;
    --seeds) SEEDS=$2; shift 2;;
    --policies) POLICIES=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
ANCHORS=build/anchors
[ -d "$ANCHORS/node_modules" ] || scripts/setup.sh
status=0
for seed in $SEEDS; do
  wl=build/workloads/n$N-p$POLICIES-s$seed
  if [ ! -f "$wl/policies.json" ]; then
    mkdir -p "$wl"
    node ../shared/bench/gen.mjs --n "$N" --policies "$POLICIES" --seed "$seed" --out "$wl" 2>/dev/null
  fi
  "$ZHIDA" match --enterprises "$wl/enterprises.csv" --policies "$wl/policies.json" --out "$wl/zhida.json" --stats 2>"$wl/stats.txt"
  echo "seed $seed, $N firms x $POLICIES policies: $(tail -1 "$wl/stats.txt")"
  if (cd "$ANCHORS" && node anchors.mjs --workload "../../$wl" --check "../../$wl/zhida.json"); then :; else status=1; fi
done
exit $status
