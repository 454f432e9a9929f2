#!/usr/bin/env bash
# HTTP throughput and latency through a port published on the host's loopback, for each of burrow's
# network back-ends (--network pasta, --network slirp4netns) and, when installed, Podman's default
# rootless network (slirp4netns with its rootlessport port handler). Each target runs Debian's
# nginx-light (default site, a 615-byte page) detached with -p 127.0.0.1:PORT:80; bench/http-load.js
# then drives it from the host over CONCURRENCY keep-alive connections for SECONDS (after a 1 s
# warm-up), and times 200 requests made one after another on new connections (connect + GET), where
# the port forwarders differ most. Run as an ordinary user with a subordinate range, after building
# the nginx tarball once as root (sudo BURROW_DEBIAN_VARIANT=nginx scripts/make-debian-rootfs.sh):
#   bench/network.sh [SECONDS] [CONCURRENCY]     (default 10 s, 16 connections)
#   BURROW_DEBIAN_NGINX_TAR=path                 the tarball (default /var/cache/burrow-test/debian-bookworm-nginx.tar)
#   BENCH_TARGETS='burrow-pasta podman'          a subset of burrow-pasta burrow-slirp4netns podman
#   BENCH_BURROW=path                            burrow to run (default bin/burrow of this tree)
# The image is imported as localhost/bench-nginx into each tool's store when missing. Podman runs with
# --runtime runc and the overlay driver, as in bench/startup.sh. The load generator is one Node
# process on the same machine, competing for the CPUs with nginx and the forwarder: compare the rows
# with one another, not with other machines.
set -euo pipefail
seconds=${1:-10}
concurrency=${2:-16}
here=$(cd "$(dirname "$0")/.." && pwd)
burrow=${BENCH_BURROW:-$here/bin/burrow}
load=$here/bench/http-load.js
tarball=${BURROW_DEBIAN_NGINX_TAR:-/var/cache/burrow-test/debian-bookworm-nginx.tar}
targets=${BENCH_TARGETS:-burrow-pasta burrow-slirp4netns podman}
image=localhost/bench-nginx
say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" != 0 ] || die "run as an ordinary user with a subordinate range: as root both tools use rootful networking"
command -v node >/dev/null || die "node is missing"
[[ $seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || die "SECONDS must be a number, not '$seconds'"
[[ $concurrency =~ ^[1-9][0-9]*$ ]] || die "CONCURRENCY must be a whole number >= 1, not '$concurrency'"
if [ ! -s "$tarball" ]; then
  BURROW_DEBIAN_VARIANT=nginx BURROW_DEBIAN_NGINX_TAR=$tarball bash "$here/scripts/make-debian-rootfs.sh" ||
    die "no nginx image tarball: sudo BURROW_DEBIAN_VARIANT=nginx $here/scripts/make-debian-rootfs.sh"
fi

work=$(mktemp -d /tmp/burrow-bench-network.XXXXXX)
# Containers this run started, as "TARGET NAME", removed on the way out whatever happened.
started=()
cleanup() {
  local entry
  for entry in ${started[@]+"${started[@]}"}; do
    tool_for "${entry%% *}"
    timeout -k 5 60 "${tool[@]}" rm -f "${entry#* }" >/dev/null 2>&1 || say "could not remove ${entry#* }"
  done
  rm -rf "$work"
}
trap cleanup EXIT
# bash acts on a trapped signal only once its foreground command is done, and timeout(1) moves the
# command out of the terminal's process group; so children run in the background (in_background)
# and an interrupt stops the current one, then the containers go.
child=
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 130' INT TERM HUP
in_background() {
  local rc=0
  "$@" &
  child=$!
  wait "$child" || rc=$?
  child=
  return "$rc"
}

# Sets tool (the command) and netargs (its --network flags) for a target.
tool_for() {
  case $1 in
    burrow-pasta) tool=("$burrow"); netargs=(--network pasta) ;;
    burrow-slirp4netns) tool=("$burrow"); netargs=(--network slirp4netns) ;;
    podman) tool=(podman --runtime runc --storage-driver overlay); netargs=() ;;
    *) die "unknown target '$1' (burrow-pasta, burrow-slirp4netns, podman)" ;;
  esac
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# Runs "$@" with a time limit, its output in files rather than pipes (a forwarder left holding a pipe
# would keep a command substitution waiting forever); on failure shows the end of what it printed.
bounded() {
  local limit=$1 what=$2 rc=0; shift 2
  in_background timeout -k 5 "$limit" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = 0 ] && return 0
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then say "$what did not finish within ${limit}s"; else say "$what failed (exit $rc):"; fi
  tail -n 5 "$work/err" | sed 's/^/  /' >&2
  return 1
}

# Removes the container bench_target started last; --quiet when it may not exist.
remove_last() {
  local entry=${started[-1]}
  if [ "${1:-}" = --quiet ]; then
    timeout -k 5 60 "${tool[@]}" rm -f "${entry#* }" >/dev/null 2>&1 || true
  else
    bounded 60 "${entry%% *}: rm -f ${entry#* }" "${tool[@]}" rm -f "${entry#* }" || true
  fi
  unset 'started[-1]'
}

# Benchmarks one target; appends "TARGET<TAB>KEEPALIVE-JSON<TAB>NEW-CONNECTION-JSON" or
# "TARGET<TAB>FAILED<TAB>REASON" to the results.
results=$work/results
failed() { printf '%s\tFAILED\t%s\n' "$1" "$2" >>"$results"; }
bench_target() {
  local target=$1 name port json_ka json_nc
  tool_for "$target"
  if [ "$target" = podman ] && ! command -v podman >/dev/null; then
    say "podman is not installed: skipped"
    return 0
  fi
  if ! timeout -k 5 60 "${tool[@]}" image exists "$image" >/dev/null 2>&1; then
    say "$target: importing $tarball as $image"
    # The space form: Podman 4.3 splits CMD=[...] at the blank in "daemon off;".
    bounded 300 "$target: import" "${tool[@]}" import --change 'CMD ["nginx","-g","daemon off;"]' --change 'EXPOSE 80' \
      "$tarball" "$image" || { failed "$target" "could not import the image"; return 0; }
  fi
  port=$(free_port)
  name=bench-network-$target-$$
  started+=("$target $name")
  say "$target: starting $image on 127.0.0.1:$port"
  if ! bounded 60 "$target: run -d ${netargs[*]}${netargs[*]:+ }-p 127.0.0.1:$port:80" \
    "${tool[@]}" run -d --name "$name" ${netargs[@]+"${netargs[@]}"} -p "127.0.0.1:$port:80" "$image"; then
    say "$target: could not start the container: skipped"
    failed "$target" "could not start the container"
    remove_last --quiet
    return 0
  fi
  if ! in_background node "$load" --port "$port" --wait 30; then
    say "$target: nginx did not answer on 127.0.0.1:$port within 30s; its last log lines:"
    timeout -k 5 30 "${tool[@]}" logs --tail 10 "$name" 2>&1 | sed 's/^/  /' >&2 || true
    failed "$target" "no answer on the published port"
    remove_last
    return 0
  fi
  say "$target: answering; ${seconds}s of load over $concurrency keep-alive connections"
  if ! bounded "$(awk -v s="$seconds" 'BEGIN {print int(s + 60)}')" "$target: load" \
    node "$load" --port "$port" --seconds "$seconds" --concurrency "$concurrency"; then
    failed "$target" "load generator failed"
    remove_last
    return 0
  fi
  json_ka=$(cat "$work/out")
  if ! bounded 120 "$target: new connections" node "$load" --port "$port" --connections 200; then
    failed "$target" "load generator failed"
    remove_last
    return 0
  fi
  json_nc=$(cat "$work/out")
  printf '%s\t%s\t%s\n' "$target" "$json_ka" "$json_nc" >>"$results"
  remove_last
}

: >"$results"
for target in $targets; do
  bench_target "$target"
done

echo "HTTP GET / (615-byte page) through -p 127.0.0.1:PORT:80 as $(id -un): ${seconds}s, keep-alive connections: $concurrency"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => l.split("\t"));
const f = (x) => (x === null || x === undefined ? "n/a" : String(x));
console.log("| target | requests/s | p50 ms | p99 ms | errors |\n|:--|--:|--:|--:|--:|");
for (const [t, a, b] of lines) {
  if (a === "FAILED") console.log(`| ${t} | failed: ${b} | | | |`);
  else { const k = JSON.parse(a); console.log(`| ${t} | ${k.rps} | ${f(k.p50_ms)} | ${f(k.p99_ms)} | ${k.errors} |`); }
}
for (const [t, a, b] of lines) {
  if (a === "FAILED") continue;
  const n = JSON.parse(b);
  console.log(`new connection (connect + GET, no keep-alive), ${t}: median ${f(n.p50_ms)} ms, p99 ${f(n.p99_ms)} ms over ${n.requests} requests, ${n.errors} errors`);
}
' "$results"
