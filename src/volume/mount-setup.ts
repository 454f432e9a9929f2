// At start, the container's mounts become OCI bind mounts of host paths: a volume's _data (given the
// image's content at its mount point and its owner on first use), an image's rootfs mounted read-only,
// a host directory under a per-container overlay (O), a source given to the container's user (U). The
// mounts burrow makes for this live under containers/<id>/mounts/ and are undone at cleanup.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {EngineContext} from '../engine/context';
import type {ContainerConfig} from '../storage/container-store';
import {InvalidInputError, NoSuchObjectError} from '../errors';
import {withLock} from '../storage/lock';
import {mountRootfs, mountsUnder, type DriverName} from '../runtime/rootfs-driver';
import type {ContainerMount} from '../runtime/mount-options';
import type {PrivilegedExec} from '../../rootless/privileged';
import {chownThroughMapping, throughMapping, type ContainerIdMapping} from './id-chown';
import {resolveInLayers} from './rootfs-path';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface MountSetupInput {
  config: ContainerConfig;
  containerDir: string;
  /** the mounted rootfs (seen inside burrow's namespace) */
  merged: string;
  /** directories making up the rootfs, top first, readable from the host */
  rootfsLayers: string[];
  user: {uid: number; gid: number};
  driver: DriverName;
  mapping?: ContainerIdMapping;
}

export function mountsDir(containerDir: string): string {
  return path.join(containerDir, 'mounts');
}

/** The OCI mounts for the container's own mount list, parents before children. */
export async function prepareMounts(ctx: EngineContext, input: MountSetupInput): Promise<OciMount[]> {
  const list = input.config.mounts ?? [];
  if (list.length === 0) return [];
  const out: OciMount[] = [];
  for (const [i, m] of list.entries()) {
    if (m.type === 'tmpfs') {
      out.push({destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: m.options});
      continue;
    }
    let source = await hostSource(ctx, input, m, i);
    if (m.chown) await chownThroughMapping(ctx.priv, source, input.user, input.mapping, {recursive: true});
    if (m.overlay) source = await overlayOver(ctx.priv, input, source, i);
    out.push({destination: m.destination, type: 'bind', source, options: m.options});
  }
  // A mount inside another must come after it, whatever the order on the command line.
  return out.map((m, i) => ({m, i})).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map((x) => x.m);
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

async function hostSource(ctx: EngineContext, input: MountSetupInput, m: ContainerMount, i: number): Promise<string> {
  switch (m.type) {
    case 'bind':
      return m.source;
    case 'volume': {
      const rec = ctx.volumes.get(m.source);
      if (!rec) throw new NoSuchObjectError(`volume ${m.source} of container ${input.config.name} no longer exists`, {hint: `create it again (burrow volume create ${m.source}) or recreate the container`});
      if (rec.NeedsCopyUp || rec.NeedsChown) await firstMount(ctx, input, m);
      return ctx.volumes.dataDir(m.source);
    }
    case 'image': {
      const image = ctx.images.get(m.source);
      if (!image) throw new NoSuchObjectError(`image ${m.imageName ?? m.source} mounted at ${m.destination} is gone`, {hint: 'recreate the container with an existing image'});
      const dir = path.join(mountsDir(input.containerDir), String(i));
      const layout = {lowers: image.layers.map((l) => ctx.layers.diffDir(l.diffId)), upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), merged: path.join(dir, 'merged'), empty: path.join(dir, 'work')};
      for (const d of [layout.upper, layout.work, layout.merged]) fs.mkdirSync(d, {recursive: true});
      await mountRootfs(ctx.priv, input.driver, layout);
      return layout.merged;
    }
    default:
      throw new InvalidInputError(`unknown mount type ${m.type as string}`);
  }
}

/** O: the source as the lower layer, a fresh upper (the previous run's changes are discarded). */
async function overlayOver(priv: PrivilegedExec, input: MountSetupInput, lower: string, i: number): Promise<string> {
  if (input.driver === 'vfs') throw new InvalidInputError('the O volume option needs overlay (the vfs storage driver is in use)', {hint: 'drop O, or use a host where overlay or fuse-overlayfs works'});
  const dir = path.join(mountsDir(input.containerDir), `${i}-overlay`);
  const layout = {lowers: [lower], upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), merged: path.join(dir, 'merged'), empty: lower};
  await priv.run(['sh', '-c', 'rm -rf --one-file-system -- "$1/upper" "$1/work" && mkdir -p "$1/upper" "$1/work" "$1/merged"', 'burrow-overlay', dir]);
  await mountRootfs(priv, input.driver, layout);
  return layout.merged;
}

/**
 * A volume's first mount, under the volumes lock (two containers starting at once copy once): the
 * volume goes to the container's user, then takes the owner and mode of the image's directory at the
 * mount point, and receives that directory's content if the volume is still empty (Podman's copy-up).
 */
async function firstMount(ctx: EngineContext, input: MountSetupInput, m: ContainerMount): Promise<void> {
  await withLock(ctx.volumes.lockFile, async () => {
    const rec = ctx.volumes.get(m.source);
    if (!rec || (!rec.NeedsCopyUp && !rec.NeedsChown)) return;
    const inImage = resolveInLayers(input.rootfsLayers, m.destination);
    const imageDir = inImage?.isDirectory ? path.join(input.merged, inImage.path) : '';
    const owner = rec.NeedsChown ? `${throughMapping(input.user.uid, input.mapping?.uidMap, 'uid')}:${throughMapping(input.user.gid, input.mapping?.gidMap, 'gid')}` : '';
    const copyFrom = rec.NeedsCopyUp && m.noCopy !== true ? imageDir : '';
    await ctx.priv.run(['sh', '-c', FIRST_MOUNT_SCRIPT, 'burrow-volume', ctx.volumes.dataDir(rec.Name), owner, rec.NeedsChown && !m.chown ? imageDir : '', copyFrom]);
    ctx.volumes.update({...rec, NeedsCopyUp: false, NeedsChown: false});
  }, 'volumes');
}

/** $1 volume data, $2 owner to give it (or ""), $3 directory whose owner and mode it takes (or ""), $4 directory to copy from if the volume is empty (or ""). */
const FIRST_MOUNT_SCRIPT = `set -e
data=$1 owner=$2 ref=$3 copy=$4
if [ -n "$owner" ]; then chown -h "$owner" "$data"; fi
if [ -n "$ref" ]; then chown -h --reference="$ref" "$data"; chmod --reference="$ref" "$data"; fi
if [ -n "$copy" ] && [ -z "$(ls -A "$data")" ]; then cp -a --no-target-directory "$copy" "$data"; fi`;

/** Undoes the mounts burrow made for the container's mount list (image mounts, overlays); deepest first. */
export async function unmountContainerMounts(priv: PrivilegedExec, containerDir: string): Promise<void> {
  const dir = mountsDir(containerDir);
  const mounted = (await mountsUnder(priv, dir)).sort((a, b) => b.length - a.length);
  for (const mp of mounted) {
    const res = await priv.run(['umount', mp], {okStatuses: [0, 1, 32]});
    if (res.status !== 0) await priv.run(['umount', '-l', mp], {okStatuses: [0, 1, 32]});
  }
}
