// The volumes a container uses, decided at create: its own -v/--mount/--tmpfs, then what --volumes-from
// takes from other containers, then anonymous volumes for the image's VOLUME entries that nothing else
// covers. Named volumes are created on first use and anonymous ones get their names under the volumes
// lock, in the same critical section that writes the container record, so `volume rm`/`prune` cannot
// remove a volume between its creation and the record naming it.
import type {EngineContext} from '../engine/context';
import type {ImageView} from '../storage/image-store';
import type {ContainerConfig} from '../storage/container-store';
import {InvalidInputError} from '../errors';
import {withLock} from '../storage/lock';
import {addUncovered, imageVolumeMounts, inheritedMount, parseVolumesFrom, type ContainerMount} from '../runtime/mount-options';

/** Called under the images lock: --volumes-from, image mounts resolved to ids, the image's VOLUMEs. */
export function completeMounts(ctx: EngineContext, own: readonly ContainerMount[], image: ImageView, volumesFrom: readonly string[]): ContainerMount[] {
  const list = own.map((m) => {
    if (m.type !== 'image') return m;
    const img = ctx.images.resolve(m.source);
    return {...m, source: img.id, imageName: img.names[0] ?? m.imageName};
  });
  let out = [...list];
  for (const spec of volumesFrom) {
    const {container, mode} = parseVolumesFrom(spec);
    const other = ctx.containers.resolve(container).config;
    // Podman shares the other container's volumes and host binds; its tmpfs and image mounts stay its own.
    const shared = (other.mounts ?? []).filter((m) => m.type === 'volume' || m.type === 'bind').map((m) => inheritedMount(m, mode));
    out = addUncovered(out, shared);
  }
  return addUncovered(out, imageVolumeMounts(image.config.config?.Volumes));
}

/**
 * Creates what the mounts need (missing named volumes, anonymous volumes) and then the container record
 * through `create`, all under the volumes lock; if the record cannot be written, the volumes made for it go.
 */
export async function withContainerVolumes(ctx: EngineContext, mounts: ContainerMount[], create: (mounts: ContainerMount[]) => ContainerConfig): Promise<ContainerConfig> {
  if (!mounts.some((m) => m.type === 'volume')) return create(mounts);
  return withLock(ctx.volumes.lockFile, async () => {
    const made: string[] = [];
    try {
      const final = mounts.map((m) => {
        if (m.type !== 'volume') return m;
        if (m.source !== '' && ctx.volumes.exists(m.source)) return m;
        const rec = ctx.volumes.createLocked({name: m.source === '' ? undefined : m.source, anonymous: m.source === ''});
        made.push(rec.Name);
        return {...m, source: rec.Name};
      });
      return create(final);
    } catch (e) {
      for (const name of made) await ctx.priv.run(['rm', '-rf', '--one-file-system', '--', ctx.volumes.detachLocked(name)]).catch(() => undefined);
      throw e;
    }
  }, 'volumes');
}

/** After a container is gone (rm -v, --rm): its anonymous volumes that no other container uses. */
export async function removeAnonymousVolumes(ctx: EngineContext, c: ContainerConfig): Promise<void> {
  const anonymous = (c.mounts ?? []).filter((m) => m.type === 'volume' && m.anonymous).map((m) => m.source);
  if (anonymous.length === 0) return;
  await withLock(ctx.volumes.lockFile, async () => {
    const used = new Set(ctx.containers.list().flatMap((v) => (v.config.mounts ?? []).filter((m) => m.type === 'volume').map((m) => m.source)));
    for (const name of anonymous) {
      if (used.has(name) || !ctx.volumes.exists(name)) continue;
      await ctx.priv.run(['rm', '-rf', '--one-file-system', '--', ctx.volumes.detachLocked(name)]);
    }
  }, 'volumes');
}

/** A volume a container names must still exist when it starts. */
export function checkVolumesExist(ctx: EngineContext, c: ContainerConfig): void {
  for (const m of c.mounts ?? []) {
    if (m.type === 'volume' && !ctx.volumes.exists(m.source)) {
      throw new InvalidInputError(`volume ${m.source} of container ${c.name} no longer exists`, {hint: `create it again (burrow volume create ${m.source}) or recreate the container`});
    }
  }
}
