// Subordinate id ranges (/etc/subuid, /etc/subgid) and the user-namespace mapping built from them:
// container id 0 is the user, ids 1..N are the user's subordinate ranges laid end to end.
import {HostConfigError} from '../src/errors';

export interface SubIdRange {
  start: number;
  count: number;
  /** 1-based line number in the file, for error messages. */
  line: number;
}

export interface IdMapEntry {
  containerId: number;
  hostId: number;
  size: number;
}

export interface Owner {
  name: string;
  id: number;
  /** uid that numeric owners are matched against when it differs from `id` (subgid lines name a user: login name or UID, as in shadow-utils) */
  uid?: number;
}

const MAX_ID = 2 ** 32 - 1;

/**
 * All ranges of `owner` in a subuid/subgid file's text, matched by name or by numeric id (shadow-utils
 * accepts both). Ranges containing the owner's own id are refused: the user would own files of
 * "another" container uid, which breaks isolation and confuses newuidmap.
 */
export function parseSubIds(text: string, owner: Owner, file: string): SubIdRange[] {
  const ranges: SubIdRange[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(':');
    const [who, startText = '', countText = ''] = parts;
    if (who !== owner.name && who !== String(owner.uid ?? owner.id)) return;
    const start = Number(startText);
    const count = Number(countText);
    const where = `${file} line ${i + 1} ("${line}")`;
    if (parts.length !== 3 || !/^\d+$/.test(startText) || !/^\d+$/.test(countText) || count < 1 || start + count - 1 > MAX_ID) {
      throw new HostConfigError(`invalid subordinate range at ${where}`, {hint: `fix the line to NAME:START:COUNT with positive numbers`});
    }
    if (owner.id >= start && owner.id < start + count) {
      throw new HostConfigError(`subordinate range at ${where} contains your own id ${owner.id}`,
        {hint: `ask your administrator to give ${owner.name} a range that does not include ${owner.id} (for example ${owner.name}:100000:65536)`});
    }
    ranges.push({start, count, line: i + 1});
  });
  return ranges;
}

/** 0 → the user's own id, then each subordinate range in file order. */
export function buildIdMap(ownId: number, ranges: readonly SubIdRange[]): IdMapEntry[] {
  const map: IdMapEntry[] = [{containerId: 0, hostId: ownId, size: 1}];
  let next = 1;
  for (const r of ranges) {
    map.push({containerId: next, hostId: r.start, size: r.count});
    next += r.count;
  }
  return map;
}

/** Arguments for newuidmap/newgidmap: "0 1000 1 1 100000 65536". */
export function idMapArgs(map: readonly IdMapEntry[]): string[] {
  return map.flatMap((e) => [String(e.containerId), String(e.hostId), String(e.size)]);
}

/** Number of ids available inside the namespace. */
export function mappedSize(map: readonly IdMapEntry[]): number {
  return map.reduce((n, e) => n + e.size, 0);
}

/** Maps a container id to the host id, or undefined when unmapped. */
export function toHostId(map: readonly IdMapEntry[], containerId: number): number | undefined {
  for (const e of map) {
    if (containerId >= e.containerId && containerId < e.containerId + e.size) return e.hostId + (containerId - e.containerId);
  }
  return undefined;
}
