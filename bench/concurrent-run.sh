#!/usr/bin/env bash
# Wall time of N `run --rm` started at once (default 20), burrow next to Podman when installed.
# Run as an ordinary user after bench/startup.sh has imported localhost/demo into both.
#   bench/concurrent-run.sh [N] [ROUNDS]
set -euo pipefail
n=${1:-20}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
burst() {
  local start end fails=0
  start=$(date +%s%N)
  for i in $(seq 1 "$n"); do "$@" run --rm localhost/demo true >/dev/null 2>&1 & done
  for j in $(jobs -p); do wait "$j" || fails=$((fails + 1)); done
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $fails"
}
report() {
  local name=$1; shift
  local times=() fails=0
  for r in $(seq 1 "$rounds"); do
    read -r t f < <(burst "$@")
    times+=("$t"); fails=$((fails + f))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  echo "| $name | $n | $median | ${times[*]} | $fails |"
}
echo "| tool | containers | median ms | rounds ms | failures |"
echo "|:--|--:|--:|:--|--:|"
report burrow "$here/bin/burrow"
command -v podman >/dev/null && report podman podman --runtime runc --storage-driver overlay
