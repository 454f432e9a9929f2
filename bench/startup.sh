#!/usr/bin/env bash
# Start-up and run latency, burrow next to Podman when installed. Run as an ordinary user with a
# subordinate range; needs hyperfine (Debian package) and the demo image tarball from setup.
#   bench/startup.sh [RUNS]
# Podman runs with --runtime runc and the overlay driver so both do the same work (Podman's default
# crun refuses hybrid-cgroup hosts).
set -euo pipefail
runs=${1:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
burrow=$here/bin/burrow
command -v hyperfine >/dev/null || { echo "bench: install hyperfine" >&2; exit 1; }
tarball=$(mktemp /tmp/burrow-bench.XXXXXX.tar)
trap 'rm -f "$tarball"' EXIT
"$here/scripts/make-demo-rootfs.sh" "$tarball"
"$burrow" image inspect localhost/demo >/dev/null 2>&1 || "$burrow" import --change 'CMD=["/usr/bin/demo"]' "$tarball" localhost/demo >/dev/null
"$burrow" run --rm localhost/demo true   # warm: pause process, runtime and driver probes

cmds=(-n 'burrow --version' "$burrow --version"
      -n 'burrow ps' "$burrow ps"
      -n 'burrow run --rm localhost/demo true' "$burrow run --rm localhost/demo true")
if command -v podman >/dev/null; then
  podman=(podman --runtime runc --storage-driver overlay)
  "${podman[@]}" image exists localhost/demo || "${podman[@]}" import --change 'CMD=["/usr/bin/demo"]' "$tarball" localhost/demo >/dev/null
  "${podman[@]}" run --rm localhost/demo true
  cmds+=(-n 'podman --version' 'podman --version'
         -n 'podman ps' "${podman[*]} ps"
         -n 'podman run --rm localhost/demo true' "${podman[*]} run --rm localhost/demo true")
fi
json=$(mktemp)
hyperfine --style none --warmup 2 --runs "$runs" --export-json "$json" "${cmds[@]}" >/dev/null
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
console.log("| command | median ms | mean ms | min ms |\n|:--|--:|--:|--:|");
for (const x of r) console.log(`| ${x.command} | ${(x.median * 1000).toFixed(1)} | ${(x.mean * 1000).toFixed(1)} | ${(x.min * 1000).toFixed(1)} |`);
' "$json"
rm -f "$json"
