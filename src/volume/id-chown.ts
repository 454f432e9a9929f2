// Giving a directory to a container's user. Containers run in burrow's user namespace, so a container id
// is chowned as that namespace's root; a container with a mapping of its own (--userns) passes it, and the
// id is first translated through it. This is the one place that translation happens for U and volumes.
import type {PrivilegedExec} from '../../rootless/privileged';
import type {IdMapEntry} from '../../rootless/subid';
import {InvalidInputError} from '../errors';

/** A container's own mapping: container ids → ids of burrow's namespace (none: the same ids). */
export interface ContainerIdMapping {
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
}

/** The id burrow's namespace knows for container id `id`. */
export function throughMapping(id: number, map: readonly IdMapEntry[] | undefined, what: string): number {
  if (!map || map.length === 0) return id;
  const e = map.find((m) => id >= m.containerId && id < m.containerId + m.size);
  if (!e) throw new InvalidInputError(`${what} ${id} is not mapped into the container`, {hint: 'run the container as a user its mapping covers'});
  return e.hostId + (id - e.containerId);
}

export async function chownThroughMapping(priv: PrivilegedExec, target: string, owner: {uid: number; gid: number}, mapping?: ContainerIdMapping, o: {recursive?: boolean} = {}): Promise<void> {
  const uid = throughMapping(owner.uid, mapping?.uidMap, 'uid');
  const gid = throughMapping(owner.gid, mapping?.gidMap, 'gid');
  await priv.run(['chown', ...(o.recursive ? ['-R'] : []), '-h', '--', `${uid}:${gid}`, target]);
}
