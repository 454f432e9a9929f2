// A container's own user namespace (--userns, --uidmap, --gidmap): the flag parsers and the mapping
// arithmetic. Every map here is relative to the pause process's namespace (0 = the user, 1..N = the
// subordinate ids), which is where runc runs, so the runtime writes these maps as they are. Pure.
import {HostConfigError, InvalidInputError} from '../errors';
import type {IdMapEntry} from '../../rootless/subid';
import {mappedSize} from '../../rootless/subid';

/** What --userns (and --uidmap/--gidmap) asked for, as recorded in the container. */
export type UsernsRequest =
  | {mode: 'host'}
  | {mode: 'keep-id'; uid?: number; gid?: number}
  | {mode: 'auto'; size?: number}
  | {mode: 'private'; uidMap: IdMapEntry[]; gidMap: IdMapEntry[]};

/** The container's namespace as stored in its record: the mode and the maps chosen at create. */
export interface ContainerUserns {
  /** Podman's UsernsMode word: keep-id, auto or private (--uidmap/--gidmap) */
  mode: 'keep-id' | 'auto' | 'private';
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
}

export interface IdMaps {
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
}

/** Podman's default size for --userns=auto when none is given. */
export const AUTO_DEFAULT_SIZE = 1024;

const ID = /^\d+$/;

function number(text: string, what: string, hint: string): number {
  if (!ID.test(text) || Number(text) > 2 ** 32 - 2) throw new InvalidInputError(`invalid ${what} "${text}"`, {hint});
  return Number(text);
}

/** --userns=host|keep-id[:uid=U,gid=G]|auto[:size=N]; --uidmap/--gidmap give a "private" namespace. */
export function parseUserns(value: string | undefined, uidmaps: readonly string[] = [], gidmaps: readonly string[] = []): UsernsRequest {
  if (uidmaps.length > 0 || gidmaps.length > 0) {
    if (value !== undefined && value !== '' && value !== 'private') {
      throw new InvalidInputError(`--userns=${value} cannot be combined with --uidmap/--gidmap`, {hint: 'drop one of them'});
    }
    const uidMap = parseIdMapList(uidmaps.length > 0 ? uidmaps : gidmaps, '--uidmap');
    const gidMap = parseIdMapList(gidmaps.length > 0 ? gidmaps : uidmaps, '--gidmap');
    return {mode: 'private', uidMap, gidMap};
  }
  if (value === undefined || value === '' || value === 'host') return {mode: 'host'};
  const colon = value.indexOf(':');
  const mode = colon < 0 ? value : value.slice(0, colon);
  const opts = colon < 0 ? [] : value.slice(colon + 1).split(',').filter((o) => o !== '');
  const usage = 'use --userns=host, keep-id[:uid=UID,gid=GID] or auto[:size=N]';
  if (mode === 'keep-id') {
    const out: {mode: 'keep-id'; uid?: number; gid?: number} = {mode: 'keep-id'};
    for (const o of opts) {
      const [k, v = ''] = o.split('=', 2);
      if (k === 'uid') out.uid = number(v, 'keep-id uid', 'give a number: keep-id:uid=1000,gid=1000');
      else if (k === 'gid') out.gid = number(v, 'keep-id gid', 'give a number: keep-id:uid=1000,gid=1000');
      else throw new InvalidInputError(`unknown --userns=keep-id option "${o}"`, {hint: 'keep-id takes uid=UID and gid=GID'});
    }
    return out;
  }
  if (mode === 'auto') {
    const out: {mode: 'auto'; size?: number} = {mode: 'auto'};
    for (const o of opts) {
      const [k, v = ''] = o.split('=', 2);
      if (k !== 'size') throw new InvalidInputError(`unknown --userns=auto option "${o}"`, {hint: 'auto takes size=N'});
      out.size = number(v, 'auto size', 'give a positive number of ids: auto:size=2048');
      if (out.size < 1) throw new InvalidInputError('--userns=auto:size must be at least 1', {hint: 'auto:size=1024'});
    }
    return out;
  }
  if (mode === 'private') throw new InvalidInputError('--userns=private needs --uidmap/--gidmap', {hint: usage});
  throw new InvalidInputError(`unsupported --userns mode "${mode}"`, {hint: usage});
}

/** "CONTAINER:HOST:SIZE" entries (HOST counted in your namespace: 0 is you, 1.. your subordinate ids). */
export function parseIdMapList(list: readonly string[], flag: string): IdMapEntry[] {
  const out: IdMapEntry[] = [];
  for (const item of list.flatMap((l) => l.split(',')).filter((x) => x !== '')) {
    const parts = item.split(':');
    const hint = `use ${flag} CONTAINER_ID:HOST_ID:SIZE, e.g. ${flag} 0:1:65536`;
    if (parts.length !== 3 || !parts.every((p) => ID.test(p))) throw new InvalidInputError(`invalid ${flag} "${item}"`, {hint});
    const [containerId, hostId, size] = parts.map(Number);
    if (size < 1) throw new InvalidInputError(`invalid ${flag} "${item}": the size must be at least 1`, {hint});
    out.push({containerId, hostId, size});
  }
  checkDisjoint(out, flag);
  return out.sort((a, b) => a.containerId - b.containerId);
}

function checkDisjoint(map: readonly IdMapEntry[], flag: string): void {
  const overlap = (key: 'containerId' | 'hostId') => {
    const sorted = [...map].sort((a, b) => a[key] - b[key]);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i][key] < sorted[i - 1][key] + sorted[i - 1].size) return true;
    }
    return false;
  };
  if (overlap('containerId') || overlap('hostId')) {
    throw new InvalidInputError(`${flag}: the ranges overlap`, {hint: 'give each range its own container and host ids'});
  }
}

/**
 * keep-id for one id kind: container `own` → 0 (you), the ids below it → your subordinate ids from 1 on,
 * the ids above it → the rest of them, so container root is the first subordinate id, as in Podman.
 * `pauseSize` is how many ids the pause namespace maps (1 + subordinate ids).
 */
export function keepIdMap(own: number, pauseSize: number): IdMapEntry[] {
  const spare = pauseSize - 1;
  const below = Math.min(own, spare);
  const map: IdMapEntry[] = [];
  if (below > 0) map.push({containerId: 0, hostId: 1, size: below});
  map.push({containerId: own, hostId: 0, size: 1});
  if (spare - below > 0) map.push({containerId: own + 1, hostId: below + 1, size: spare - below});
  return map;
}

/** auto: container ids 0..size-1 → the allocated range of your subordinate ids. */
export function autoMap(start: number, size: number): IdMapEntry[] {
  return [{containerId: 0, hostId: start, size}];
}

export interface Range {
  start: number;
  size: number;
}

/**
 * The lowest free range of `size` ids in [1, limit) not overlapping any of `used` (ranges in the pause
 * namespace's ids; id 0, you, is never handed out), or undefined when none is left.
 */
export function firstFreeRange(used: readonly Range[], size: number, limit: number): Range | undefined {
  let start = 1;
  for (const u of [...used].sort((a, b) => a.start - b.start)) {
    if (u.start + u.size <= start) continue;
    if (u.start - start >= size) break;
    start = u.start + u.size;
  }
  return start + size <= limit ? {start, size} : undefined;
}

/** The range of pause ids an auto container holds (its maps are one entry each, same start). */
export function autoRange(u: ContainerUserns | undefined): Range | undefined {
  if (u?.mode !== 'auto' || u.uidMap.length !== 1) return undefined;
  return {start: u.uidMap[0].hostId, size: u.uidMap[0].size};
}

/** Checks that every host id of `map` exists in the pause namespace (`pauseSize` ids). */
export function checkWithin(map: readonly IdMapEntry[], pauseSize: number, flag: string): void {
  for (const e of map) {
    if (e.hostId + e.size > pauseSize) {
      throw new InvalidInputError(`${flag} ${e.containerId}:${e.hostId}:${e.size} needs ids up to ${e.hostId + e.size - 1}, but your namespace has ids 0-${pauseSize - 1}`,
        {hint: 'host ids count in your namespace: 0 is you, 1 and up are your subordinate ids (see `burrow unshare cat /proc/self/uid_map`)'});
    }
  }
}

/**
 * The maps for a create, from what was asked and the pause namespace's maps. `auto` needs its range
 * from the caller (allocated under the lock), `keep-id` the user's own ids.
 */
export function containerMaps(req: UsernsRequest, pause: IdMaps, own: {uid: number; gid: number}, autoStart?: number): ContainerUserns | undefined {
  if (req.mode === 'host') return undefined;
  const uidSize = mappedSize(pause.uidMap);
  const gidSize = mappedSize(pause.gidMap);
  if (Math.min(uidSize, gidSize) < 2) {
    throw new HostConfigError(`--userns=${req.mode} needs subordinate ids, and you have none`,
      {hint: 'ask an administrator for a range in /etc/subuid and /etc/subgid, then run `burrow system migrate`'});
  }
  if (req.mode === 'keep-id') {
    return {mode: 'keep-id', uidMap: keepIdMap(req.uid ?? own.uid, uidSize), gidMap: keepIdMap(req.gid ?? own.gid, gidSize)};
  }
  if (req.mode === 'auto') {
    const size = req.size ?? AUTO_DEFAULT_SIZE;
    if (autoStart === undefined) throw new Error('auto user namespace without an allocated range');
    return {mode: 'auto', uidMap: autoMap(autoStart, size), gidMap: autoMap(autoStart, size)};
  }
  checkWithin(req.uidMap, uidSize, '--uidmap');
  checkWithin(req.gidMap, gidSize, '--gidmap');
  return {mode: 'private', uidMap: req.uidMap, gidMap: req.gidMap};
}

/**
 * The container's effective maps, relative to the pause namespace: its own namespace's, or (no
 * --userns) the identity over every id the pause namespace has. The one question other code (volume
 * chown, `U`) asks: container id X is pause id toHostId(map, X), and pause ids are what chown takes
 * inside the session.
 */
export function effectiveIdMaps(userns: ContainerUserns | undefined, pause: IdMaps): IdMaps {
  if (userns) return {uidMap: userns.uidMap, gidMap: userns.gidMap};
  return {uidMap: [{containerId: 0, hostId: 0, size: mappedSize(pause.uidMap)}], gidMap: [{containerId: 0, hostId: 0, size: mappedSize(pause.gidMap)}]};
}

/** True when the map gives the container an id for you (pause id 0); else its root cannot use your files. */
export function mapsYou(map: readonly IdMapEntry[]): boolean {
  return map.some((e) => e.hostId === 0);
}

/** fuse-overlayfs's uidmapping=/gidmapping= value: on-disk (image) id, presented id, size. */
export function fuseMapping(map: readonly IdMapEntry[]): string {
  return map.map((e) => `${e.containerId}:${e.hostId}:${e.size}`).join(':');
}

/** The OCI spec's uidMappings/gidMappings. */
export function ociMappings(map: readonly IdMapEntry[]): {containerID: number; hostID: number; size: number}[] {
  return map.map((e) => ({containerID: e.containerId, hostID: e.hostId, size: e.size}));
}
