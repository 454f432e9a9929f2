#!/usr/bin/env bash
# Builds, as root, the minimal Debian bookworm root filesystem the registry tests and bench/pull.sh
# split into a multi-layer image, and caches it as one tarball that ordinary users can read:
#   scripts/make-debian-rootfs.sh            build /var/cache/burrow-test/debian-bookworm.tar if missing
#   BURROW_DEBIAN_TAR=PATH scripts/...       somewhere else
#   BURROW_DEBIAN_MIRROR=URL                 another mirror (default http://deb.debian.org/debian)
#   BURROW_DEBIAN_VARIANT=nginx scripts/...  the same plus Debian's nginx-light, for bench/network.sh:
#                                            /var/cache/burrow-test/debian-bookworm-nginx.tar, or
#                                            BURROW_DEBIAN_NGINX_TAR=PATH. Imported with
#                                            CMD ["nginx","-g","daemon off;"] it serves the default
#                                            site (/var/www/html/index.nginx-debian.html) on port 80.
# The build happens in a temporary directory next to the cache and is renamed into place only when
# complete, so an interrupted run never leaves a half tarball that later runs would trust.
set -euo pipefail
mirror=${BURROW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { printf 'make-debian-rootfs: %s\n' "$*" >&2; }
# Extra packages go through debootstrap itself (--include), so a variant is the same minbase system
# with nothing else changed; the plain tarball is built exactly as before variants existed.
variant=${BURROW_DEBIAN_VARIANT:-}
case $variant in
  '') out=${BURROW_DEBIAN_TAR:-/var/cache/burrow-test/debian-bookworm.tar}; include=() ;;
  nginx) out=${BURROW_DEBIAN_NGINX_TAR:-/var/cache/burrow-test/debian-bookworm-nginx.tar}; include=(--include=nginx-light) ;;
  *) say "unknown BURROW_DEBIAN_VARIANT '$variant' (known: nginx, or empty for the plain system)"; exit 1 ;;
esac

if [ -s "$out" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "must run as root (debootstrap creates device nodes and root-owned files); $out is missing"
  exit 1
fi
command -v debootstrap >/dev/null || { say "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }

dir=$(dirname "$out")
install -d -m 0755 "$dir"
# One build at a time per cache directory, whatever the variant (they share the lock); whoever waited
# finds the tarball made, and build directories left by a killed run can go, since nobody else is
# building.
remove_build() {
  # debootstrap mounts /proc and /sys inside the target while it runs; never delete through them.
  { findmnt -rn -o TARGET | grep -F "$1/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$1"
}
exec 9>"$dir/.build.lock"
flock 9
[ -s "$out" ] && exit 0
for stale in "$dir"/.build.??????; do [ -d "$stale" ] && remove_build "$stale"; done
work=$(mktemp -d "$dir/.build.XXXXXX")
trap 'remove_build "$work"' EXIT
boot=
# bash would only act on a signal once debootstrap finished: it runs in its own process group in the
# background, so a signal stops the whole build at once.
trap '[ -n "$boot" ] && kill -TERM -- "-$boot" 2>/dev/null; wait; exit 130' INT TERM HUP
start=$(date +%s)
say "debootstrap --variant=minbase ${include[*]}${include[*]:+ }bookworm from $mirror (about a minute on a fast network)"
setsid debootstrap --variant=minbase "${include[@]}" bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 &
boot=$!
if ! wait "$boot"; then
  tail -n 30 "$work/debootstrap.log" >&2
  say "debootstrap failed"
  exit 1
fi
# Package caches and lists are dead weight in an image; the tests want a real but lean filesystem.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/log/"*.log
# Device nodes cannot be created by the unprivileged users who unpack this image; runtimes bind them.
find "$work/rootfs/dev" -mindepth 1 -delete
# atime and ctime would only add a pax header to every entry.
tar --numeric-owner --sort=name --xattrs --xattrs-include='security.capability' \
  --pax-option=delete=atime,delete=ctime -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"
mv "$work/rootfs.tar" "$out"
say "wrote $out ($(du -h "$out" | cut -f1)) in $(( $(date +%s) - start ))s"
