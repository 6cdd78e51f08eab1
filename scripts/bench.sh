#!/usr/bin/env bash
# make bench / make bench-scale: zhida and the anchor engines on the same
# workload in the same run; checks zhida's answers against DuckDB; prints one
# table and writes it to docs/benchmarks.md (bench-scale: docs/benchmarks-10m.md).
#
#   scripts/bench.sh --n 1000000                       all six anchors (~15-20 min)
#   scripts/bench.sh --n 10000000 --engines duckdb     the scale run
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000; ENGINES=duckdb,postgres,sqlite,zen,jre,jsonlogic; SEED=1; POLICIES=200; OUT=docs/benchmarks.md
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2;;
    --engines) ENGINES=$2; shift 2;;
    --seed) SEED=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
[ "$N" -ge 10000000 ] && [ "$OUT" = docs/benchmarks.md ] && OUT=docs/benchmarks-10m.md
[ -d build/anchors/node_modules ] || scripts/setup.sh
cmake --build build --target zhida zhida-bench >/dev/null
WL=build/workloads/n$N-p$POLICIES-s$SEED
if [ ! -f "$WL/policies.json" ]; then
  echo "== generating $N firms x $POLICIES policies (seed $SEED) into $WL"
  mkdir -p "$WL"
  node --max-old-space-size=8192 ../shared/bench/gen.mjs --n "$N" --policies "$POLICIES" --seed "$SEED" --out "$WL"
fi
ABS=$(cd "$WL" && pwd)
echo "== zhida"
build/zhida-bench --workload "$ABS" --repeat 5 --single 1000 --sandbox P0001 --out "$ABS/zhida.json" > "$ABS/zhida-bench.json"
cat "$ABS/zhida-bench.json"
build/zhida match --enterprises "$ABS/enterprises.csv" --policies "$ABS/policies.json" --out "$ABS/zhida-cli.json" \
  --stats 2> "$ABS/cli-stats.txt" >/dev/null || true
tail -1 "$ABS/cli-stats.txt" > "$ABS/cli.json" || true
echo "== checking zhida's answers against DuckDB"
CHECK=failed
if (cd build/anchors && node --max-old-space-size=16384 anchors.mjs --workload "$ABS" --check "$ABS/zhida.json" --threads 2); then CHECK=equal; fi
echo "== anchors: $ENGINES"
EXTRA=()
if [ "$N" -ge 1000000 ]; then EXTRA=(--sample-jre 2000 --forms-postgres filter,groupby --forms-sqlite onepass); fi
(cd build/anchors && node --max-old-space-size=16384 anchors.mjs --workload "$ABS" --engines "$ENGINES" \
  --sample 10000 --threads 2 --sandbox-policy P0001 --out "$ABS/anchors.json" "${EXTRA[@]}")
node bench/report.mjs --anchors "$ABS/anchors.json" --zhida "$ABS/zhida-bench.json" --cli "$ABS/cli.json" \
  --check "$CHECK" --out "$OUT"
[ "$CHECK" = equal ]
