#!/usr/bin/env bash
# Pull time of a realistic image, burrow next to Podman: a local docker-registry holding Debian bookworm
# in four gzip layers (the registry tests' fixture), pulled N times by each tool in turn as an ordinary
# user, each time into an empty store with no pause process left from before. Only the pull is timed.
#   sudo bench/pull.sh [RUNS]        (default 7)
#   BENCH_USER=name                  who pulls (default burrowtest; needs a subordinate id range)
#   BENCH_BURROW=path                burrow to run (default bin/burrow of this tree)
#   BENCH_DIST=dir                   compiled tree holding test/support/test-images.js (default dist)
# Podman runs with --runtime runc and the overlay driver, as in bench/startup.sh.
set -euo pipefail
runs=${1:-7}
user=${BENCH_USER:-burrowtest}
here=$(cd "$(dirname "$0")/.." && pwd)
burrow=${BENCH_BURROW:-$here/bin/burrow}
dist=${BENCH_DIST:-$here/dist}
say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it starts a registry, and clears other users' stores between runs)"
id "$user" >/dev/null 2>&1 || die "no user $user (set BENCH_USER)"
for c in docker-registry skopeo node curl; do command -v "$c" >/dev/null || die "$c is missing (scripts/setup.sh installs it)"; done
[ -f "$dist/test/support/test-images.js" ] || die "$dist/test/support/test-images.js is missing: npm run build (or set BENCH_DIST)"
uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)

work=$(mktemp -d /tmp/burrow-bench-pull.XXXXXX)
chmod 0755 "$work"
registry_pid=
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  for d in "$work"/run-*; do [ -d "$d" ] && clear_store "$d"; done
  rm -rf "$work"
}
trap cleanup EXIT

# Stops whatever a run left behind: the pause processes named in its state and any process of the user
# whose command line or environment mentions the run's directory. Then removes it (as root, since the
# stores hold files of subordinate ids).
clear_store() {
  local dir=$1 pidfile p
  for pidfile in "$dir/run/pause.json" "$dir/xdg/libpod/tmp/pause.pid" "$dir/tmp/pause.pid"; do
    [ -f "$pidfile" ] || continue
    p=$(grep -o '[0-9]\+' "$pidfile" | head -n 1)
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  for p in /proc/[0-9]*; do
    [ "$(stat -c %u "$p" 2>/dev/null)" = "$uid" ] || continue
    if tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qF "$dir" || tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$dir"; then
      kill -9 "${p#/proc/}" 2>/dev/null || true
    fi
  done
  { findmnt -rn -o TARGET | grep -F "$dir" || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$dir"
}

# The image: Debian bookworm rootfs (built once as root, cached), split into an OCI layout.
bash "$here/scripts/make-debian-rootfs.sh"
layout=$(node -e 'console.log(require(process.argv[1]).debianLayout())' "$dist/test/support/test-images.js")

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
mkdir -p "$work/registry/storage"
cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: bench-$RANDOM$RANDOM
EOF
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/v2/" && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry/log" >&2; die "docker-registry exited"; }
  sleep 0.1
done
curl -fs -o /dev/null "http://127.0.0.1:$port/v2/" || { cat "$work/registry/log" >&2; die "docker-registry did not answer on 127.0.0.1:$port"; }
ref=127.0.0.1:$port/bench/debian:latest
XDG_DATA_HOME=$work/skopeo skopeo --insecure-policy copy --quiet --dest-tls-verify=false "oci:$layout:latest" "docker://$ref"
expected_id=$(skopeo inspect --tls-verify=false --raw "docker://$ref" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).config.digest.slice(7)))')
# Blobs in the page cache before the first run, so it does not pay for the disk alone.
find "$work/registry/storage" -type f -exec cat {} + >/dev/null
compressed=$(find "$work/registry/storage" -path '*/blobs/*' -name data -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}')
say "registry 127.0.0.1:$port holds $ref ($compressed MB of blobs)"

# burrow from a copy the user can read, when this tree is not (a clone under /root).
if ! runuser -u "$user" -- test -x "$burrow"; then
  copy=$work/tree
  mkdir -p "$copy"
  cp -a "$here/bin" "$here/dist" "$here/node_modules" "$here/package.json" "$here/oclif.manifest.json" "$copy/"
  chmod -R a+rX "$copy"
  burrow=$copy/bin/burrow
fi
have_burrow=1
if ! runuser -u "$user" -- env HOME="$home" "$burrow" pull --help >/dev/null 2>&1; then
  say "burrow pull is not available yet: timing podman only"
  have_burrow=0
fi

# Runs one pull as the user in a fresh private directory; prints "MILLISECONDS IMAGE-ID".
pull_once() {
  local tool=$1 n=$2 dir=$work/run-$1-$2
  install -d -m 0700 -o "$uid" -g "$gid" "$dir" "$dir/xdg" "$dir/data" "$dir/run" "$dir/tmp"
  # Write-back of the previous run's store (and its removal) would otherwise land in this run's time.
  sync
  local cmd
  if [ "$tool" = burrow ]; then
    cmd=("$burrow" --runroot "$dir/run" pull --tls-verify=false "$ref")
  else
    cmd=(podman --root "$dir/data/containers" --runroot "$dir/run" --tmpdir "$dir/tmp" --runtime runc --storage-driver overlay
      pull --tls-verify=false "$ref")
  fi
  local out status=0
  out=$(runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$user" LOGNAME="$user" \
    XDG_RUNTIME_DIR="$dir/xdg" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" BURROW_LOG_LEVEL=warn \
    bash -c 'start=$(date +%s%N); "$@" >"$0/out" 2>"$0/err"; rc=$?; end=$(date +%s%N); echo "$rc $(( (end - start) / 1000000 ))"' \
    "$dir" "${cmd[@]}") || status=$?
  local rc=${out%% *} ms=${out##* }
  if [ "$status" != 0 ] || [ "$rc" != 0 ]; then
    say "$tool pull failed (exit $rc):"
    cat "$dir/err" >&2 || true
    clear_store "$dir"
    return 1
  fi
  local id
  id=$(tail -n 1 "$dir/out" | tr -d '[:space:]')
  id=${id#sha256:}
  clear_store "$dir"
  echo "$ms $id"
}

median() { sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

burrow_ms=()
podman_ms=()
for i in $(seq "$runs"); do
  if [ "$have_burrow" = 1 ]; then
    read -r ms id < <(pull_once burrow "$i") || die "burrow pull failed on run $i"
    [ "$id" = "$expected_id" ] || say "burrow printed image id '$id', expected $expected_id"
    burrow_ms+=("$ms")
  fi
  read -r ms id < <(pull_once podman "$i") || die "podman pull failed on run $i"
  [ "$id" = "$expected_id" ] || say "podman printed image id '$id', expected $expected_id"
  podman_ms+=("$ms")
  last_burrow=n/a
  [ "$have_burrow" = 1 ] && last_burrow=${burrow_ms[-1]}
  say "run $i/$runs: burrow $last_burrow ms, podman ${podman_ms[-1]} ms"
done

pm=$(printf '%s\n' "${podman_ms[@]}" | median)
echo "pull of $ref (Debian bookworm, 4 gzip layers, $compressed MB) as $user, $runs runs each, empty store each time"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "| tool | median ms | runs (ms) |"
echo "|:--|--:|:--|"
if [ "$have_burrow" = 1 ]; then
  bm=$(printf '%s\n' "${burrow_ms[@]}" | median)
  echo "| burrow pull | $bm | ${burrow_ms[*]} |"
fi
echo "| podman pull | $pm | ${podman_ms[*]} |"
if [ "$have_burrow" = 1 ]; then
  awk -v p="$pm" -v b="$bm" 'BEGIN {printf "podman/burrow: %.2f\n", p / b}'
fi
