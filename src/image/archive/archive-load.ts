// `load`: reads every image of an archive or layout (all of it checked before anything is stored) and
// commits each through commitImage(), the path pulls take too, so layers get the same digest, diff id and
// sanitizer checks. Scratch files (spooled stdin, a decompressed archive) are removed whatever happens.
import type {EngineContext} from '../../engine/context';
import {InvalidInputError} from '../../errors';
import {isAlive} from '../../../rootless/proc';
import {commitImage} from '../image-commit';
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
          layers: img.layers, names: img.names,
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

