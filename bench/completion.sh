#!/usr/bin/env bash
# What a TAB costs: `burrow __complete KIND` (live names straight from storage) against a bare Node start
# and, when installed, Podman's own completion command. Run as the user whose containers are listed.
#   bash bench/completion.sh [RUNS]
set -euo pipefail
runs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
cmds=("node -e 0" "$here/bin/burrow __complete running" "$here/bin/burrow __complete images")
if command -v podman >/dev/null; then cmds+=("podman __complete stop ''"); fi
hyperfine -N -w 5 -r "$runs" "${cmds[@]}"
