#!/bin/sh
# Builds the embedded default image's root filesystem as a tarball, offline, from the host's
# busybox-static: busybox and its applets, minimal /etc files, and a demo command that says who it is
# inside the container and how ids are mapped. Usage: make-demo-rootfs.sh OUT.tar
set -eu
out=$1
busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1 || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && "$b" --list >/dev/null 2>&1; then busybox=$b; break; fi
  done
fi
if ! "$busybox" --list >/dev/null 2>&1; then
  echo "make-demo-rootfs: busybox not found; install busybox-static" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root" "$root/tmp" "$root/home/app" \
  "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full 2>/dev/null || "$busybox" --list | sed 's|^|bin/|'); do
  [ "$applet" = bin/busybox ] && continue
  dir=$(dirname "$applet")
  mkdir -p "$root/$dir"
  if [ "$dir" = . ]; then rel=.; else rel=$(echo "$dir" | sed 's|[^/]*|..|g'); fi
  [ -e "$root/$applet" ] || ln -s "$rel/bin/busybox" "$root/$applet"
done
cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$root/etc/group" <<'G'
root:x:0:
tty:x:5:
app:x:1000:
nogroup:x:65534:
G
cat > "$root/usr/bin/demo" <<'D'
#!/bin/sh
echo "Hello from inside a burrow container."
echo "I am: $(id)"
echo "My hostname: $(hostname)"
echo "User namespace uid map (inside -> outside, count):"
cat /proc/self/uid_map
echo "gid map:"
cat /proc/self/gid_map
D
chmod 0755 "$root/usr/bin/demo"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime='2026-01-01 00:00:00' -C "$root" -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$out"
