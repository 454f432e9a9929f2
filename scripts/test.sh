#!/usr/bin/env bash
# `npm test`: makes sure of the README set-up, then runs every test. Unit tests run as the caller.
# Integration tests start real containers as an ordinary user with subordinate ids: the caller, or,
# when run as root (CI), a dedicated test user that gets a private copy of the built tree, so a clone
# under a directory it cannot enter (such as /root) needs no permission changes.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh --no-demo || exit 1

summary=$(mktemp /tmp/burrow-test-summary.XXXXXX)
chmod 0666 "$summary"
trap 'rm -f "$summary"' EXIT
status=0
mocha_bin=$here/node_modules/.bin/mocha
reporter=$here/dist/test/support/summary-reporter.js

echo "== unit tests"
BURROW_TEST_SUMMARY=$summary "$mocha_bin" --reporter "$reporter" 'dist/test/unit/**/*.test.js' || status=1

echo "== integration tests"
if [ "$(id -u)" = 0 ]; then
  # The Debian rootfs the registry fixture turns into a multi-layer image (built once, then cached).
  bash scripts/make-debian-rootfs.sh || { echo "make-debian-rootfs failed: the tests that pull the Debian image cannot run" >&2; status=1; }
  # The same plus nginx-light, for bench/network.sh and tests that need an HTTP server in a container.
  BURROW_DEBIAN_VARIANT=nginx bash scripts/make-debian-rootfs.sh || { echo "make-debian-rootfs (nginx) failed: the tests that serve HTTP from nginx cannot run" >&2; status=1; }
  echo "-- as root (no user namespace)"
  BURROW_TEST_SUMMARY=$summary "$mocha_bin" --reporter "$reporter" 'dist/test/root/**/*.test.js' || status=1
  echo "-- rootless, as an ordinary user"
  user=${BURROW_TEST_USER:-burrowtest}
  id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
  uid=$(id -u "$user")
  if ! grep -qE "^($user|$uid):" /etc/subuid || ! grep -qE "^($user|$uid):" /etc/subgid; then
    start=$(cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'BEGIN{m=100000} {e=$2+$3; if (e>m) m=e} END{print m}')
    usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$user"
  fi
  # What logind would give the user: a private runtime directory.
  install -d -m 0700 -o "$user" -g "$(id -g "$user")" "/run/user/$uid"
  copy=$(mktemp -d /tmp/burrow-test-tree.XXXXXX)
  trap 'rm -f "$summary"; rm -rf "$copy"' EXIT
  cp -a "$here/bin" "$here/dist" "$here/node_modules" "$here/package.json" "$here/oclif.manifest.json" "$here/scripts" \
    "$here/completions" "$here/man" "$here/systemd" "$copy/"
  chmod -R a+rX "$copy"
  chmod 0755 "$copy"
  home=$(getent passwd "$user" | cut -d: -f6)
  # From inside the copy: the clone's own directory may be closed to the user, and what the tests start
  # (a shell on a pty, podman) would fail to enter it.
  cd "$copy"
  runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$user" LOGNAME="$user" \
    XDG_RUNTIME_DIR="/run/user/$uid" BURROW_TEST_SUMMARY="$summary" CI="${CI:-}" \
    "$copy/node_modules/.bin/mocha" --reporter "$copy/dist/test/support/summary-reporter.js" --timeout 120000 \
    "$copy/dist/test/integration/**/*.test.js" || status=1
else
  BURROW_TEST_SUMMARY=$summary "$mocha_bin" --reporter "$reporter" --timeout 120000 'dist/test/integration/**/*.test.js' || status=1
fi

awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$summary"
exit $status
