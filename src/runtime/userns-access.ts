// A container whose user namespace does not map you (--userns=auto, or such a --uidmap) has a root that
// is just a subordinate id: runc mounts the rootfs and the /etc files as that id, so every directory on
// the way must be searchable by "others", as Podman also requires. burrow adds only the search bit, only
// to directories you own, and keeps the container's own data (diff, work) private; a directory of
// someone else's that is not searchable is a one-line error naming it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError} from '../errors';

/** Opens the way to `containerDir`'s rootfs and userdata; returns the directories whose mode it changed. */
export function openWayForForeignRoot(containerDir: string, uid: number, mode: string): string[] {
  const changed: string[] = [];
  for (const d of ['diff', 'work']) fs.chmodSync(path.join(containerDir, d), 0o700);
  const searchable = (dir: string, wanted: number) => {
    const st = fs.statSync(dir);
    if ((st.mode & wanted) === wanted) return;
    if (st.uid !== uid) {
      throw new HostConfigError(`--userns=${mode}: the container's root cannot reach its root filesystem: ${dir} is not searchable by other users`,
        {hint: `ask its owner to run chmod o+x ${dir}, or move burrow's storage (graphroot in ~/.config/burrow/storage.conf) below directories that are`});
    }
    fs.chmodSync(dir, (st.mode & 0o7777) | wanted);
    changed.push(dir);
  };
  searchable(path.join(containerDir, 'userdata'), 0o001);
  for (let dir = containerDir; ; dir = path.dirname(dir)) {
    searchable(dir, 0o001);
    if (dir === path.dirname(dir)) break;
  }
  return changed;
}
