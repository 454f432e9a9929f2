// A stopped container's root filesystem, made reachable for a moment (export, cp): mounted under the
// container's lock, recorded as mounted before the mount (so a crash leaves something the next start
// or cleanup undoes), and unmounted after. A rootfs that is already mounted (running, or `burrow mount`)
// is used as it is; vfs "mounts" by copying once, which is never undone.
import * as path from 'node:path';
import type {EngineContext} from '../engine/context';
import {NoSuchObjectError} from '../errors';
import type {ContainerState, ContainerView} from '../storage/container-store';
import {mountRootfs, mountsUnder, unmountRootfs, type DriverName} from './rootfs-driver';

/** Call under the container's lock. */
export async function withRootfs<T>(ctx: EngineContext, v: ContainerView, st: ContainerState, fn: (merged: string) => Promise<T>): Promise<T> {
  const c = v.config;
  const dir = ctx.containers.containerDir(c.id);
  const merged = path.join(dir, 'merged');
  const driver = c.driver as DriverName;
  const mountHere = driver !== 'vfs' && (await mountsUnder(ctx.priv, merged)).length === 0;
  if (mountHere || driver === 'vfs') {
    const image = ctx.images.get(c.imageId);
    if (!image) throw new NoSuchObjectError(`image ${c.imageId.slice(0, 12)} of container ${c.name} is gone`, {hint: 'the container\'s files cannot be reached; remove it'});
    if (mountHere) ctx.containers.writeState(c.id, {...st, mounted: true});
    try {
      await mountRootfs(ctx.priv, driver, {
        lowers: image.layers.map((l) => ctx.layers.diffDir(l.diffId)), upper: path.join(dir, 'diff'), work: path.join(dir, 'work'), merged, empty: path.join(dir, 'work'), idmap: c.userns,
      });
    } catch (e) {
      if (mountHere) ctx.containers.writeState(c.id, {...st, mounted: false});
      throw e;
    }
  }
  try {
    return await fn(merged);
  } finally {
    if (mountHere) {
      await unmountRootfs(ctx.priv, driver, merged);
      ctx.containers.writeState(c.id, {...st, mounted: false});
    }
  }
}
