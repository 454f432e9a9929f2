// `diff`: the changes of a container against its image, or of an image's top layer against the layers
// below it, read from the overlay upper directory (or the top layer) by the changes walker inside the
// user namespace. A container on the vfs driver keeps no upper directory, so it is refused by name.
import * as path from 'node:path';
import type {EngineContext} from '../../engine/context';
import {HostConfigError, NoSuchObjectError} from '../../errors';
import type {Change} from './layer-changes';

export async function diff(ctx: EngineContext, ref: string): Promise<Change[]> {
  await ctx.ready();
  let upper: string;
  let lowerIds: string[];
  let container: ReturnType<typeof ctx.containers.resolve> | undefined;
  try {
    container = ctx.containers.resolve(ref);
  } catch (e) {
    if (!(e instanceof NoSuchObjectError)) throw e;
  }
  if (container) {
    const c = container.config;
    if (c.driver === 'vfs') {
      throw new HostConfigError(`container ${c.name} uses the vfs storage driver, which keeps a full copy and no record of changes: diff needs overlay`,
        {hint: 'use `burrow export` to see its files, or create it with the overlay driver'});
    }
    const image = ctx.images.get(c.imageId);
    if (!image) throw new NoSuchObjectError(`image ${c.imageId.slice(0, 12)} of container ${c.name} is gone`, {hint: 'remove the container'});
    upper = path.join(ctx.containers.containerDir(c.id), 'diff');
    lowerIds = image.layers.map((l) => l.diffId).reverse();
  } else {
    const found = ctx.images.find(ref);
    if (!found) throw new NoSuchObjectError(`${ref} not found: no container or image with that name or id`, {hint: 'see `burrow ps -a` and `burrow images`'});
    const image = ctx.images.resolve(ref);
    if (image.layers.length === 0) return [];
    const [top, ...rest] = image.layers.map((l) => l.diffId).reverse();
    upper = ctx.layers.diffDir(top);
    lowerIds = rest;
  }
  const walker = path.join(__dirname, 'changes-walker.js');
  const res = await ctx.priv.run([process.execPath, walker, upper, ...lowerIds.map((id) => ctx.layers.diffDir(id))]);
  return JSON.parse(res.stdout) as Change[];
}
