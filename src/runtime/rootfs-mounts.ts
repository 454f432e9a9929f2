// `mount` / `unmount`: a container's rootfs mounted for the user, inside `burrow unshare` (outside it the
// mount would sit in a namespace the user's shell cannot see, so it is refused as Podman refuses it).
// Each `mount` counts; `unmount` takes one back (all with -f) and unmounts when none is left and the
// container is not running. While the count is above 0, start reuses the mount and cleanup keeps it.
import * as path from 'node:path';
import type {EngineContext} from '../engine/context';
import {InvalidInputError, InvalidStateError, NoSuchObjectError} from '../errors';
import {RootlessSession} from '../../rootless/session';
import type {ContainerState} from '../storage/container-store';
import {isRunning, observedState} from './container-state';
import {mountRootfs, mountsUnder, unmountRootfs, type DriverName} from './rootfs-driver';

export interface MountedContainer {
  id: string;
  names: string[];
  mountpoint: string;
}

export function checkMountAllowed(ctx: EngineContext, verb: string): void {
  if (ctx.identity.rootless && !RootlessSession.inside()) {
    throw new InvalidInputError(`cannot run command "burrow ${verb}" in rootless mode, must execute \`burrow unshare\` first`,
      {hint: `the mount lives in burrow's user namespace: run \`burrow unshare\` and then \`burrow ${verb}\` there`});
  }
}

/** True when the container's rootfs is to stay mounted whatever the runtime does (a user mounted it). */
export function userMounted(st: ContainerState): boolean {
  return (st.mountCount ?? 0) > 0;
}

export async function mountContainer(ctx: EngineContext, ref: string): Promise<string> {
  checkMountAllowed(ctx, 'mount');
  await ctx.ready();
  const id = ctx.containers.resolve(ref).config.id;
  return ctx.containers.update(id, async (v) => {
    const c = v.config;
    const dir = ctx.containers.containerDir(c.id);
    const merged = path.join(dir, 'merged');
    const st = observedState(v, ctx.exitDir);
    const mounted = (await mountsUnder(ctx.priv, merged)).length > 0 || (c.driver === 'vfs' && st.mounted === true);
    if (!mounted) {
      const image = ctx.images.get(c.imageId);
      if (!image) throw new NoSuchObjectError(`image ${c.imageId.slice(0, 12)} of container ${c.name} is gone`, {hint: 'the container cannot be mounted; remove it'});
      ctx.containers.writeState(c.id, {...st, mounted: true});
      try {
        await mountRootfs(ctx.priv, c.driver as DriverName, {
          lowers: image.layers.map((l) => ctx.layers.diffDir(l.diffId)), upper: path.join(dir, 'diff'), work: path.join(dir, 'work'), merged, empty: path.join(dir, 'work'), idmap: c.userns,
        });
      } catch (e) {
        ctx.containers.writeState(c.id, {...st, mounted: false});
        throw e;
      }
    }
    ctx.containers.writeState(c.id, {...st, mounted: true, mountCount: (st.mountCount ?? 0) + 1});
    return merged;
  });
}

export async function unmountContainer(ctx: EngineContext, ref: string, force: boolean): Promise<string> {
  await ctx.ready();
  const id = ctx.containers.resolve(ref).config.id;
  return ctx.containers.update(id, async (v) => {
    const c = v.config;
    const st = observedState(v, ctx.exitDir);
    const running = isRunning(st);
    if (!userMounted(st)) {
      if (running) throw new InvalidStateError(`cannot unmount storage for container ${c.id} as it is running or paused: container state improper`, {hint: 'stop it first; its rootfs is unmounted when it ends'});
      return c.id; // nothing mounted for the user: nothing to undo (as Podman, no error)
    }
    const count = force ? 0 : (st.mountCount ?? 1) - 1;
    if (count === 0 && !running) {
      await unmountRootfs(ctx.priv, c.driver as DriverName, path.join(ctx.containers.containerDir(c.id), 'merged'));
      ctx.containers.writeState(c.id, {...st, mounted: c.driver === 'vfs' ? st.mounted : false, mountCount: undefined});
    } else {
      ctx.containers.writeState(c.id, {...st, mountCount: count || undefined});
    }
    return c.id;
  });
}

/** Containers whose rootfs is mounted now (by a user or because they run). */
export function mountedContainers(ctx: EngineContext): MountedContainer[] {
  return ctx.containers.list().filter((v) => {
    const st = observedState(v, ctx.exitDir);
    return userMounted(st) || isRunning(st);
  }).map((v) => ({id: v.config.id, names: [v.config.name], mountpoint: path.join(ctx.containers.containerDir(v.config.id), 'merged')}));
}
