// What a container (or an image's top layer) changed, from the overlay upper directory alone, as
// docker/Podman's overlay "changes" classify it: a 0/0 character device is a whiteout (D), an opaque
// directory replaced what was below it (D, then its contents as added or changed), anything else is
// C when a lower layer has the path and A otherwise; a directory whose size, mode and mtime match the
// lower one is only on the way to a change and is not listed, and the parent of an A or D is listed
// as C. Pure: the walker (changes-walker.ts) gathers the entries inside the user namespace.

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  path: string;
}

/** One entry of the upper directory, in walk order (a directory before its contents). */
export interface UpperEntry {
  /** container path, "/a/b" */
  path: string;
  type: 'dir' | 'whiteout' | 'other';
  /** a directory marked opaque (user.overlay.opaque or trusted.overlay.opaque = "y") */
  opaque?: boolean;
  size: number;
  mode: number;
  mtimeMs: number;
}

export interface LowerStat {
  isDir: boolean;
  size: number;
  mode: number;
  mtimeMs: number;
}

export function classifyChanges(upper: Iterable<UpperEntry>, lower: (p: string) => LowerStat | undefined): Change[] {
  const out: Change[] = [];
  const changedDirs = new Set<string>();
  for (const e of upper) {
    let kind: ChangeKind;
    if (e.type === 'whiteout' || (e.type === 'dir' && e.opaque)) {
      kind = 'D';
    } else {
      const l = lower(e.path);
      kind = 'A';
      if (l) {
        if (l.isDir && e.type === 'dir' && l.size === e.size && l.mode === e.mode && Math.floor(l.mtimeMs) === Math.floor(e.mtimeMs)) continue;
        kind = 'C';
      }
    }
    if (e.type === 'dir') changedDirs.add(e.path);
    out.push({kind, path: e.path});
    if (kind !== 'C') {
      const parent = e.path.slice(0, e.path.lastIndexOf('/')) || '/';
      if (parent !== '/' && !changedDirs.has(parent)) {
        out.push({kind: 'C', path: parent});
        changedDirs.add(parent);
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Podman's `diff --format json`. */
export function changesJson(changes: readonly Change[]): Record<string, string[]> {
  const pick = (k: ChangeKind) => changes.filter((c) => c.kind === k).map((c) => c.path);
  const json: Record<string, string[]> = {};
  for (const [key, k] of [['changed', 'C'], ['added', 'A'], ['deleted', 'D']] as const) {
    const list = pick(k);
    if (list.length) json[key] = list;
  }
  return json;
}
