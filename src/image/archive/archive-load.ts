// `load`: reads every image of an archive or layout (all of it checked before anything is stored) and
// commits each through commitImage(), the path pulls take too, so layers get the same digest, diff id and
// sanitizer checks. Scratch files (spooled stdin, a decompressed archive) are removed whatever happens.
import type {EngineContext} from '../../engine/context';
import {InvalidInputError} from '../../errors';
import {isAlive} from '../../../rootless/proc';
import {commitImage, type LayerSource} from '../image-commit';
import type {ArchiveImage} from './archive-image';
import {unpacksTo} from './layer-streams';
import {openSource} from './archive-source';
import {Scratch} from './scratch';

export interface LoadOptions {
  /** a path or TRANSPORT:PATH; standard input when absent */
  input?: string;
  stdin?: AsyncIterable<Buffer>;
}

export interface LoadedImage {
  id: string;
  /** the names the archive gave it (empty for an unnamed image) */
  names: string[];
}

export async function loadArchive(ctx: EngineContext, o: LoadOptions): Promise<{format: string; images: LoadedImage[]}> {
  await ctx.ready();
  const scratch = new Scratch(ctx.paths.root);
  scratch.sweep(isAlive);
  try {
    const source = await openSource(o.input, o.stdin, scratch);
    const images: LoadedImage[] = [];
    for (const img of source.images) {
      let r;
      try {
        r = await commitImage(ctx, {
          manifest: img.manifest, manifestMediaType: img.manifestMediaType, config: img.config, configDigest: img.configDigest,
          layers: guardLayers(ctx, img), names: img.names,
        });
      } catch (e) {
        if (e instanceof InvalidInputError && e.constructor === InvalidInputError) throw new InvalidInputError(`${img.where}: ${e.message}`, {hint: e.hint, cause: e});
        throw e;
      }
      images.push({id: r.image.id, names: img.names});
    }
    return {format: source.format, images};
  } finally {
    scratch.cleanup();
  }
}

/**
 * When a layer is already stored but this blob of it is not, the commit only copies the blob (it takes
 * it for another compression of the same layer) without unpacking it. An archive could pair any bytes
 * with a known diff id that way, so such blobs are unpacked on the way in and checked against the config.
 */
function guardLayers(ctx: EngineContext, img: ArchiveImage): LayerSource[] {
  let ids: unknown;
  try {
    ids = (JSON.parse(img.config.toString('utf8')) as {rootfs?: {diff_ids?: unknown}}).rootfs?.diff_ids;
  } catch {
    return img.layers; // the commit refuses the config itself
  }
  if (!Array.isArray(ids)) return img.layers;
  return img.layers.map((l, i) => {
    const diffId = ids[i];
    if (typeof diffId !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(diffId) || !ctx.layers.has(diffId) || ctx.blobs.has(l.descriptor.digest)) return l;
    return {descriptor: l.descriptor, open: async () => unpacksTo(await l.open(), diffId, `layer ${l.descriptor.digest.slice(7, 19)}`)};
  });
}
