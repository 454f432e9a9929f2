// `save`: gathers the images asked for from storage and writes them in the chosen format. Output never
// appears half-written: an archive file is built as a temp file beside the target and renamed over it, a
// layout directory is built beside its target and swapped in, and an archive for standard output is
// built in the storage root's tmp/ first and copied out only when complete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import type {EngineContext} from '../../engine/context';
import {InvalidInputError, InvalidStateError} from '../../errors';
import {isAlive} from '../../../rootless/proc';
import {entriesOfDeadWriters} from '../../storage/dead-writers';
import type {ImageView} from '../../storage/image-store';
import {canonicalName, parseReference} from '../reference';
import {writeDirLayout} from './dir-transport-writer';
import {writeDockerArchive} from './docker-archive-writer';
import {decompress, fileCompression, fileRange, measure} from './layer-streams';
import {DirSink, TarSink, type LayoutSink} from './layout-sink';
import {writeOciLayout} from './oci-layout-writer';
import {hexOf, type BlobReader, type SavedImage} from './saved-image';
import {copyFileTo, Scratch} from './scratch';

export const SAVE_FORMATS = ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];
const MULTI_FORMATS: SaveFormat[] = ['docker-archive', 'oci-archive', 'oci-dir'];

export interface SaveOptions {
  refs: string[];
  format?: string;
  /** every ref is an image of its own (else the first is the image and the rest are extra names for it) */
  multiImage?: boolean;
  /** file (or directory, for the -dir formats) to write */
  output?: string;
  /** where the archive goes when there is no `output` */
  stdout?: NodeJS.WritableStream;
}

export interface SaveResult {
  format: SaveFormat;
  images: {id: string; names: string[]}[];
}

export async function saveImages(ctx: EngineContext, o: SaveOptions): Promise<SaveResult> {
  const format = (o.format ?? 'docker-archive') as SaveFormat;
  if (!SAVE_FORMATS.includes(format)) throw new InvalidInputError(`unknown save format "${o.format}"`, {hint: `use one of ${SAVE_FORMATS.join(', ')}`});
  if (o.refs.length === 0) throw new InvalidInputError('save requires at least one image', {hint: 'burrow save -o FILE IMAGE...'});
  if (o.multiImage && !MULTI_FORMATS.includes(format)) {
    throw new InvalidInputError(`unsupported format "${format}" for saving multiple images`, {hint: `use ${MULTI_FORMATS.join(', ')}`});
  }
  const isDir = format === 'oci-dir' || format === 'docker-dir';
  if (isDir && !o.output) throw new InvalidInputError(`--format ${format} writes a directory; name it with -o DIR`);
  if (!o.output && !o.stdout) throw new InvalidInputError('save needs -o FILE or a standard output to write to');
  await ctx.ready();
  const images = await collect(ctx, o.refs, o.multiImage === true);
  if (format === 'docker-dir' && images.length > 1) throw new InvalidInputError('--format docker-dir holds one image', {hint: 'use docker-archive or oci-archive for several'});
  const blobs = storeReader(ctx);
  const write = async (sink: LayoutSink) => {
    if (format === 'docker-archive') await writeDockerArchive(sink, images, blobs);
    else if (format === 'docker-dir') await writeDirLayout(sink, images[0], blobs);
    else await writeOciLayout(sink, images, blobs);
    await sink.finish();
  };
  try {
    if (isDir) await toDirectory(path.resolve(o.output!), write);
    else if (o.output) await toFile(path.resolve(o.output), (fd) => write(new TarSink(fd, format === 'oci-archive')));
    else await toStream(ctx, o.stdout!, (fd) => write(new TarSink(fd, format === 'oci-archive')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && (e as NodeJS.ErrnoException).path?.startsWith(ctx.blobs.dir)) {
      throw new InvalidStateError('a blob of the image vanished while it was being saved (was the image removed?)', {hint: 'try again'});
    }
    throw e;
  }
  return {format, images: images.map((i) => ({id: i.id, names: i.names}))};
}

/** The images to write, with the names each carries into the archive (as Podman: the names asked for). */
async function collect(ctx: EngineContext, refs: string[], multi: boolean): Promise<SavedImage[]> {
  const byId = new Map<string, {view: ImageView; names: string[]}>();
  const add = (view: ImageView, names: (string | undefined)[]) => {
    const entry = byId.get(view.id) ?? {view, names: []};
    for (const n of names) if (n && !entry.names.includes(n)) entry.names.push(n);
    byId.set(view.id, entry);
  };
  if (multi) {
    for (const ref of refs) add(ctx.images.resolve(ref), [ctx.images.matchName(ref)]);
  } else {
    add(ctx.images.resolve(refs[0]), [ctx.images.matchName(refs[0]), ...refs.slice(1).map((r) => canonicalName(parseReference(r)))]);
  }
  const out: SavedImage[] = [];
  for (const {view, names} of byId.values()) out.push(await savedImage(ctx, view, names.sort()));
  return out;
}

async function savedImage(ctx: EngineContext, img: ImageView, names: string[]): Promise<SavedImage> {
  const read = (digest: string, what: string) => {
    if (!ctx.blobs.has(digest)) throw new InvalidInputError(`image ${img.id.slice(0, 12)} lacks its ${what} ${hexOf(digest).slice(0, 12)} in storage`, {hint: 'pull or load the image again, then save'});
    return ctx.blobs.read(digest);
  };
  const layers = [];
  for (const l of img.layers) {
    if (!ctx.blobs.has(l.digest)) throw new InvalidInputError(`image ${img.id.slice(0, 12)} lacks layer ${hexOf(l.digest).slice(0, 12)} in storage`, {hint: 'pull or load the image again, then save'});
    // The layer record knows the uncompressed size; without it, the blob is decompressed once to count.
    const size = ctx.layers.get(l.diffId)?.size ?? (await measure(decompress(fileRange(ctx.blobs.path(l.digest)), fileCompression(ctx.blobs.path(l.digest)), `layer ${hexOf(l.digest).slice(0, 12)}`))).size;
    layers.push({digest: l.digest, diffId: l.diffId, uncompressedSize: size});
  }
  return {
    names, id: img.id, manifest: read(img.digest, 'manifest'), manifestMediaType: img.manifestMediaType ?? 'application/vnd.oci.image.manifest.v1+json',
    config: read(img.configDigest, 'config'), configDigest: img.configDigest, layers,
  };
}

function storeReader(ctx: EngineContext): BlobReader {
  return {
    has: (d) => ctx.blobs.has(d),
    size: (d) => fs.statSync(ctx.blobs.path(d)).size,
    open: (d) => fileRange(ctx.blobs.path(d)),
    compression: (d) => fileCompression(ctx.blobs.path(d)),
  };
}

const TEMP_PATTERN = /^\..*\.burrow-(?:save|old)-(\d+)-[0-9a-f]+\.tmp$/;

function tempBeside(target: string, kind: 'save' | 'old'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.burrow-${kind}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Removes what killed saves left beside their targets (only names this module makes). */
function sweepBeside(target: string): void {
  for (const f of entriesOfDeadWriters(path.dirname(target), TEMP_PATTERN, isAlive)) fs.rmSync(f, {recursive: true, force: true});
}

function checkParent(target: string): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new InvalidInputError(`cannot write ${target}: directory ${dir} does not exist`, {hint: 'create it first or choose another -o'});
}

/** Writes an archive through `fill` (given an open fd) into a temp file that is renamed to `target` when complete. */
export async function toFile(target: string, fill: (fd: number) => Promise<void>): Promise<void> {
  checkParent(target);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new InvalidInputError(`${target} is a directory`, {hint: 'give a file name with -o'});
  sweepBeside(target);
  const tmp = tempBeside(target, 'save');
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new InvalidInputError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {hint: 'choose a -o in a directory you can write to'});
  }
  try {
    await fill(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, target);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // closed already
    }
    fs.rmSync(tmp, {force: true});
    throw e;
  }
}

/** Builds the archive in the storage root's tmp/, then copies it to `out`. */
export async function toStream(ctx: EngineContext, out: NodeJS.WritableStream, fill: (fd: number) => Promise<void>, kind: 'save' | 'export' = 'save'): Promise<void> {
  const scratch = new Scratch(ctx.paths.root);
  scratch.sweep(isAlive);
  try {
    const file = scratch.file(kind);
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      await fill(fd);
    } finally {
      fs.closeSync(fd);
    }
    await copyFileTo(file, out);
  } finally {
    scratch.cleanup();
  }
}

/** A layout directory is built beside `target` and swapped in; an existing target must be a layout itself. */
async function toDirectory(target: string, write: (sink: LayoutSink) => Promise<void>): Promise<void> {
  checkParent(target);
  let replace = false;
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new InvalidInputError(`${target} exists and is not a directory`, {hint: 'choose another -o'});
    const entries = fs.readdirSync(target);
    const layout = entries.includes('oci-layout') || (entries.includes('manifest.json') && entries.includes('version'));
    if (entries.length > 0 && !layout) throw new InvalidInputError(`${target} is a directory with other content; refusing to replace it`, {hint: 'give a new or empty directory with -o'});
    replace = true;
  }
  sweepBeside(target);
  const tmp = tempBeside(target, 'save');
  fs.mkdirSync(tmp, {mode: 0o755});
  try {
    await write(new DirSink(tmp));
    if (replace) {
      const old = tempBeside(target, 'old');
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, {recursive: true, force: true});
    } else {
      fs.renameSync(tmp, target);
    }
  } catch (e) {
    fs.rmSync(tmp, {recursive: true, force: true});
    throw e;
  }
}
