#!/usr/bin/env bash
# Fails when an #include points upward in the layer order (src/README.md):
#   base < rules < portrait < match < workflow < store < services < http < app
# A file in layer L may include headers of L and of the layers below it only.
set -uo pipefail
src=${1:-$(dirname "$0")/../src}
layers=(base rules portrait match workflow store services http app)
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
bad=0
for dir in "${layers[@]}"; do
  r=$(rank "$dir")
  [ -d "$src/$dir" ] || continue
  while IFS= read -r hit; do
    file=${hit%%:*}
    inc=$(sed -E 's/.*#include[[:space:]]*"([^"]+)".*/\1/' <<<"${hit#*:}")
    top=${inc%%/*}
    tr=$(rank "$top")
    [ "$tr" -lt 0 ] && continue  # not one of our layers (third-party or local file)
    if [ "$tr" -gt "$r" ]; then
      echo "layering: $file includes \"$inc\": $dir may not depend on $top (upper layer)"
      bad=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' -E '^[[:space:]]*#include[[:space:]]*"' "$src/$dir" | sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
# CMake: a layer may link only zhida_<lower layer>.
for dir in "${layers[@]}"; do
  r=$(rank "$dir"); f="$src/$dir/CMakeLists.txt"
  [ -f "$f" ] || continue
  for dep in $(grep -oE 'zhida_[a-z]+' "$f" | sort -u); do
    name=${dep#zhida_}
    [ "$name" = "layer" ] || [ "$name" = "flags" ] && continue
    tr=$(rank "$name"); [ "$tr" -lt 0 ] && continue
    if [ "$tr" -gt "$r" ]; then echo "layering: $f links $dep (upper layer)"; bad=1; fi
  done
done
[ $bad -eq 0 ] && echo "layering: ok"
exit $bad
