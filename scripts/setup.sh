#!/usr/bin/env bash
# One-command set-up for a fresh Debian/Ubuntu clone: installs what is missing (host packages when run as
# root or with sudo, npm dependencies, the build, a subordinate id range for the user), puts `burrow`
# on the PATH, builds the embedded demo image from the host's busybox-static and runs it.
#   scripts/setup.sh            set up and run the demo
#   scripts/setup.sh --no-demo  set up only (used by `npm test`)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export NPM_CONFIG_UPDATE_NOTIFIER=false
cd "$here"
demo=1
[ "${1:-}" = --no-demo ] && demo=0

say() { printf 'setup: %s\n' "$*" >&2; }

# Host packages burrow relies on, and what tests and the demo image need.
PACKAGES=(uidmap conmon runc crun slirp4netns passt aardvark-dns iproute2 fuse-overlayfs util-linux busybox-static catatonit tar procps man-db zstd g++ make python3 docker-registry debootstrap apache2-utils skopeo openssl bash-completion zsh fish)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}
can_root() { [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if can_root; then
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing host packages: ${missing[*]} — ask an administrator to run: apt-get install ${missing[*]}"
  fi
fi

# Fresh machines of this kind leave /dev/fuse and /dev/net/tun at 0600; their usual mode is 0666.
if can_root; then
  for dev in /dev/fuse /dev/net/tun; do
    [ -c "$dev" ] && as_root chmod 0666 "$dev"
  done
fi

# A subordinate id range for the user (the one who ran sudo, when run through sudo).
target_user=${SUDO_USER:-$(id -un)}
ensure_subids() {
  local user=$1
  [ "$user" = root ] && return 0
  if ! grep -qE "^($user|$(id -u "$user")):" /etc/subuid 2>/dev/null || ! grep -qE "^($user|$(id -u "$user")):" /etc/subgid 2>/dev/null; then
    if can_root; then
      local start
      start=$(cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'BEGIN{m=100000} {e=$2+$3; if (e>m) m=e} END{print m}')
      say "giving $user subordinate ids $start-$((start + 65535))"
      as_root usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$user"
    else
      say "$user has no range in /etc/subuid or /etc/subgid; ask an administrator for: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $user"
    fi
  fi
}
ensure_subids "$target_user"

# Through sudo, files in the clone stay the invoking user's and the demo runs as that user.
run_as() {
  if [ -n "${SUDO_USER:-}" ] && [ "$(id -u)" = 0 ] && [ "$SUDO_USER" != root ]; then
    runuser -u "$SUDO_USER" -- env HOME="$(getent passwd "$SUDO_USER" | cut -d: -f6)" PATH="$PATH" "$@"
  else "$@"
  fi
}

# npm dependencies and the build.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  # `npm install`, not `npm ci`: node-unix-socket lists platform packages that were never published, and
  # npm ci refuses a lock file without them, while install skips missing optional packages. The lock
  # still pins every version that exists.
  run_as npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
say "building"
run_as npm run --silent build >/dev/null

# burrow on the PATH.
if can_root; then
  as_root ln -sfn "$here/bin/burrow" /usr/local/bin/burrow
else
  mkdir -p "$HOME/.local/bin"
  ln -sfn "$here/bin/burrow" "$HOME/.local/bin/burrow"
  case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) say "add ~/.local/bin to your PATH (export PATH=\$HOME/.local/bin:\$PATH)";; esac
fi

# Man pages (man/*.1, written by the build), linked like the binary so a rebuild updates them. Links to
# pages of commands that no longer exist are dropped.
if can_root; then
  mandir=/usr/local/share/man/man1
  as_root mkdir -p "$mandir"
  as_root find "$mandir" -maxdepth 1 -name 'burrow*.1' -xtype l -delete
  as_root ln -sf "$here"/man/burrow*.1 "$mandir/"
  if command -v mandb >/dev/null; then as_root mandb -q >/dev/null 2>&1 || true; fi
else
  mandir=$HOME/.local/share/man/man1
  mkdir -p "$mandir"
  find "$mandir" -maxdepth 1 -name 'burrow*.1' -xtype l -delete
  ln -sf "$here"/man/burrow*.1 "$mandir/"
  # man-db derives ~/.local/share/man from ~/.local/bin on the PATH, unless MANPATH overrides it.
  if command -v man >/dev/null && ! PATH="$HOME/.local/bin:$PATH" man -w burrow-run >/dev/null 2>&1; then
    say "man does not look in ~/.local/share/man here; add it: export MANPATH=\$HOME/.local/share/man:"
  fi
fi

# Shell completions (completions/*, written by the build), linked where each shell looks for them.
if can_root; then
  as_root mkdir -p /usr/share/bash-completion/completions /usr/local/share/zsh/site-functions /usr/share/fish/vendor_completions.d
  as_root ln -sf "$here/completions/burrow.bash" /usr/share/bash-completion/completions/burrow
  as_root ln -sf "$here/completions/_burrow" /usr/local/share/zsh/site-functions/_burrow
  as_root ln -sf "$here/completions/burrow.fish" /usr/share/fish/vendor_completions.d/burrow.fish
else
  data=${XDG_DATA_HOME:-$HOME/.local/share}
  mkdir -p "$data/bash-completion/completions" "$data/zsh/site-functions" "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions"
  ln -sf "$here/completions/burrow.bash" "$data/bash-completion/completions/burrow"
  ln -sf "$here/completions/_burrow" "$data/zsh/site-functions/_burrow"
  ln -sf "$here/completions/burrow.fish" "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/burrow.fish"
  say "zsh: add $data/zsh/site-functions to fpath before compinit (fpath=($data/zsh/site-functions \$fpath))"
fi

# burrow-restart.service (starts containers with --restart always after login or boot), with the path of
# burrow filled in: for every user as root (/etc/systemd/user), else in your own unit directory. It is
# enabled when a user manager runs; `burrow system doctor` says whether lingering keeps it alive.
unit_src="$here/systemd/burrow-restart.service"
if can_root; then unitdir=/etc/systemd/user; else unitdir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user; fi
if can_root; then as_root mkdir -p "$unitdir"; else mkdir -p "$unitdir"; fi
sed "s|@BURROW@|$here/bin/burrow|g" "$unit_src" | if can_root; then as_root tee "$unitdir/burrow-restart.service" >/dev/null; else cat > "$unitdir/burrow-restart.service"; fi
if [ "$(id -u)" != 0 ] && systemctl --user show-environment >/dev/null 2>&1; then
  systemctl --user daemon-reload && systemctl --user enable burrow-restart.service >/dev/null 2>&1 && say "enabled burrow-restart.service"
else
  say "installed $unitdir/burrow-restart.service (enable it: systemctl --user enable burrow-restart.service)"
fi

[ "$demo" = 1 ] || exit 0

burrow=$here/bin/burrow
if ! run_as "$burrow" image inspect localhost/demo >/dev/null 2>&1; then
  tarball=$(mktemp /tmp/burrow-demo.XXXXXX.tar)
  trap 'rm -f "$tarball"' EXIT
  "$here/scripts/make-demo-rootfs.sh" "$tarball"
  chmod 0644 "$tarball"
  run_as "$burrow" import --change 'CMD=["/usr/bin/demo"]' "$tarball" localhost/demo >/dev/null
fi
say "running: burrow run --rm localhost/demo"
run_as "$burrow" run --rm localhost/demo
