// --userns=auto ranges. The ledger is the container records themselves: each auto container's
// container.json holds its range, and a new range is chosen and the record written under one lock
// (`userns-auto` in the storage root). Removing a container renames its record away, which frees the
// range; a create killed before its rename leaves no record and so holds nothing.
import * as path from 'node:path';
import {HostConfigError} from '../errors';
import {withLock} from '../storage/lock';
import type {ContainerStore} from '../storage/container-store';
import {autoRange, firstFreeRange} from './userns';

/**
 * Runs `create(start)` with the lowest free range of `size` ids below `limit` (pause-namespace ids),
 * holding the lock until the record that claims it is written.
 */
export async function withAutoRange<T>(root: string, containers: ContainerStore, size: number, limit: number, create: (start: number) => T | Promise<T>): Promise<T> {
  return withLock(path.join(root, 'userns-auto'), () => {
    const used = containers.list().map((v) => autoRange(v.config.userns)).filter((r) => r !== undefined);
    const free = firstFreeRange(used, size, limit);
    if (!free) {
      const taken = used.reduce((n, r) => n + r.size, 0);
      throw new HostConfigError(`--userns=auto: no free range of ${size} ids is left among your ${limit - 1} subordinate ids (${used.length} auto containers hold ${taken})`,
        {hint: 'remove containers created with --userns=auto, or ask for fewer ids with --userns=auto:size=N'});
    }
    return create(free.start);
  }, 'user namespace ranges');
}
