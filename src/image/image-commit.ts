// Turns a manifest, its config and a way to open each layer blob into a stored image: the one path every
// image source (registry pull, archive load) goes through. Layers stream through digest check,
// decompression, the tar sanitizer and extraction at once, while a copy of the blob is kept for push and
// save; each becomes visible only after both its blob digest and its diff id match. The image record
// and its names are written last, so an interrupted commit leaves at most unreferenced, complete layers
// (reused by the next attempt) and temp files that the next writer sweeps.
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import {Writable} from 'node:stream';
import type {EngineContext} from '../engine/context';
import {InvalidInputError, InvalidStateError} from '../errors';
import {withLock} from '../storage/lock';
import type {ImageLayer, ImageRecord, ImageView, OciImageConfig} from '../storage/image-store';
import type {BlobWriter} from '../storage/blob-store';
import {isAlive} from '../../rootless/proc';
import {isForeignLayer, type Descriptor} from './manifest';

export interface LayerSource {
  descriptor: Descriptor;
  /** The blob's bytes as stored at the source (possibly compressed). */
  open(): Promise<AsyncIterable<Buffer>>;
}

export type CommitEvent =
  | {kind: 'layer-skip'; digest: string; size: number; reason: 'exists' | 'foreign'}
  | {kind: 'layer-start'; digest: string; size: number}
  | {kind: 'layer-bytes'; digest: string; done: number; size: number}
  | {kind: 'layer-done'; digest: string; size: number}
  | {kind: 'config'; digest: string}
  | {kind: 'stored'; id: string};

export interface CommitInput {
  /** exact manifest bytes (its digest is the image's digest) */
  manifest: Buffer;
  manifestMediaType: string;
  config: Buffer;
  configDigest: string;
  layers: LayerSource[];
  /** canonical names to point at the image */
  names: string[];
  /** digest of the manifest list the image was chosen from, if any */
  listDigest?: string;
  parallel?: number;
  onEvent?: (e: CommitEvent) => void;
}

export interface CommitResult {
  image: ImageView;
  /** layers fetched and extracted / already present / foreign and skipped */
  fetched: number;
  skipped: number;
  foreign: number;
  bytes: number;
}

const DEFAULT_PARALLEL = 6;

export async function commitImage(ctx: EngineContext, input: CommitInput): Promise<CommitResult> {
  try {
    return await commitOnce(ctx, input);
  } catch (e) {
    // A concurrent `image prune`/`rmi` removed a layer this commit had found present: fetch it again.
    if (!(e instanceof PartsVanishedError)) throw e;
    return commitOnce(ctx, input);
  }
}

class PartsVanishedError extends InvalidStateError {}

async function commitOnce(ctx: EngineContext, input: CommitInput): Promise<CommitResult> {
  await ctx.ready();
  ctx.blobs.sweep(isAlive);
  await ctx.layers.sweep(isAlive);
  const manifestDigest = sha256(input.manifest);
  if (sha256(input.config) !== input.configDigest) {
    throw new InvalidInputError(`image config digest mismatch: expected ${input.configDigest}, got ${sha256(input.config)}`, {hint: 'the source sent a corrupt config; try again'});
  }
  const config = parseConfig(input.config);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== input.layers.length) {
    throw new InvalidInputError(`image config lists ${diffIds.length} layers but the manifest has ${input.layers.length}`, {hint: 'the image is malformed; rebuild it'});
  }
  const jobs = input.layers.map((source, i) => ({source, diffId: diffIds[i], index: i}));
  const result: CommitResult = {image: undefined as unknown as ImageView, fetched: 0, skipped: 0, foreign: 0, bytes: 0};
  const kept: ImageLayer[] = [];
  const emit = input.onEvent ?? (() => undefined);
  let firstReal = jobs.findIndex((j) => !isForeignLayer(j.source.descriptor));
  if (firstReal < 0) firstReal = 0;

  await runLimited(jobs, input.parallel ?? DEFAULT_PARALLEL, async (job) => {
    const d = job.source.descriptor;
    if (isForeignLayer(d)) {
      result.foreign++;
      emit({kind: 'layer-skip', digest: d.digest, size: d.size, reason: 'foreign'});
      return;
    }
    const haveLayer = ctx.layers.has(job.diffId);
    const haveBlob = ctx.blobs.has(d.digest);
    if (haveLayer && haveBlob) {
      result.skipped++;
      emit({kind: 'layer-skip', digest: d.digest, size: d.size, reason: 'exists'});
      return;
    }
    emit({kind: 'layer-start', digest: d.digest, size: d.size});
    const counted = countBytes(haveBlob ? fs.createReadStream(ctx.blobs.path(d.digest)) : await job.source.open(), d, emit);
    if (haveLayer) {
      // Same content stored under another compression: only the blob is missing. It is still unpacked
      // (to nowhere) and checked against the diff id, or a source could pair any bytes with a known layer.
      await verifyBlobOnly(ctx, counted, d, job.diffId);
    } else {
      await fetchLayer(ctx, counted, haveBlob ? undefined : ctx.blobs.begin(), d, job.diffId, job.index === firstReal);
    }
    result.fetched++;
    result.bytes += d.size;
    emit({kind: 'layer-done', digest: d.digest, size: d.size});
  });

  for (const job of jobs) {
    const d = job.source.descriptor;
    if (isForeignLayer(d)) continue;
    kept.push({diffId: job.diffId, digest: d.digest, mediaType: d.mediaType, size: ctx.layers.get(job.diffId)?.size ?? d.size});
  }
  if (result.foreign > 0) config.rootfs.diff_ids = kept.map((l) => l.diffId);

  emit({kind: 'config', digest: input.configDigest});
  await ctx.blobs.put(once(input.config), input.configDigest);
  await ctx.blobs.put(once(input.manifest), manifestDigest);
  const rec: ImageRecord = {
    id: input.configDigest.slice(7), digest: manifestDigest, configDigest: input.configDigest,
    created: config.created ?? new Date().toISOString(), layers: kept, config,
    manifestMediaType: input.manifestMediaType, listDigest: input.listDigest,
  };
  await withLock(ctx.images.lockFile, () => {
    // Pruning deletes unreferenced parts under this lock; what this commit relies on must still be here.
    const missing = kept.find((l) => !ctx.layers.has(l.diffId) || !ctx.blobs.has(l.digest));
    if (missing) throw new PartsVanishedError(`layer ${short(missing.digest)} was removed while the image was being stored`, {hint: 'pull again'});
    ctx.images.put(rec);
    for (const n of input.names) ctx.images.tag(rec.id, n);
  }, 'images');
  emit({kind: 'stored', id: rec.id});
  result.image = {...rec, names: ctx.images.namesOf(rec.id)};
  return result;
}

/** Extraction and the blob copy run off one stream; both are checked before either becomes visible. */
async function fetchLayer(ctx: EngineContext, source: AsyncIterable<Buffer>, blob: BlobWriter | undefined, d: Descriptor, diffId: string, baseLayer: boolean): Promise<void> {
  const teed = blob ? tee(source, (c) => blob.write(c)) : source;
  try {
    await ctx.layers.extract(teed, {baseLayer, verify: (s) => {
      if (s.compressedDigest !== d.digest) {
        throw new InvalidInputError(`layer ${short(d.digest)} failed its digest check (got ${short(s.compressedDigest)})`, {hint: 'the source sent corrupt data; try again'});
      }
      if (s.diffId !== diffId) {
        throw new InvalidInputError(`layer ${short(d.digest)} unpacks to ${short(s.diffId)}, but the image config says ${short(diffId)}`, {hint: 'the image is corrupt; rebuild or re-push it'});
      }
    }});
  } catch (e) {
    blob?.abort();
    throw e;
  }
  blob?.commit(d.digest);
}

async function verifyBlobOnly(ctx: EngineContext, source: AsyncIterable<Buffer>, d: Descriptor, diffId: string): Promise<void> {
  const {sanitizeLayer} = require('./tar/layer-sanitizer') as typeof import('./tar/layer-sanitizer');
  const blob = ctx.blobs.begin();
  try {
    const s = await sanitizeLayer(tee(source, (c) => blob.write(c)), new Writable({write: (_c, _e, cb) => cb()}), {whiteouts: 'keep'});
    if (s.diffId !== diffId) {
      throw new InvalidInputError(`layer ${short(d.digest)} unpacks to ${short(s.diffId)}, but the image config says ${short(diffId)}`, {hint: 'the image is corrupt; rebuild or re-push it'});
    }
  } catch (e) {
    blob.abort();
    throw e;
  }
  blob.commit(d.digest);
}

async function* countBytes(source: AsyncIterable<Buffer>, d: Descriptor, emit: (e: CommitEvent) => void): AsyncGenerator<Buffer> {
  let done = 0;
  for await (const chunk of source) {
    done += chunk.length;
    // A source sending more than the manifest announced is cut off at once, not after filling the disk.
    if (done > d.size) throw new InvalidInputError(`layer ${short(d.digest)} is larger than the ${d.size} bytes its manifest announces`, {hint: 'the source sent corrupt data'});
    emit({kind: 'layer-bytes', digest: d.digest, done, size: d.size});
    yield chunk;
  }
  if (done !== d.size) throw new InvalidInputError(`layer ${short(d.digest)} ended after ${done} of ${d.size} bytes`, {hint: 'the download was cut short; try again'});
}

async function* tee(source: AsyncIterable<Buffer>, side: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    side(chunk);
    yield chunk;
  }
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

function parseConfig(bytes: Buffer): OciImageConfig {
  let c: OciImageConfig;
  try {
    c = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidInputError('image config is not valid JSON', {hint: 'the image is corrupt; rebuild it'});
  }
  const ids = c?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || ids.some((d) => typeof d !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d))) {
    throw new InvalidInputError('image config has no valid rootfs.diff_ids', {hint: 'the image is corrupt; rebuild it'});
  }
  if (typeof c.os === 'string' && c.os !== 'linux') {
    throw new InvalidInputError(`image is for os "${c.os}"; burrow runs linux images`, {hint: 'pull the linux variant with --platform linux/ARCH'});
  }
  return c;
}

export function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function short(digest: string): string {
  return digest.slice(7, 19);
}

/** Runs `fn` over items with at most `limit` at once; the first failure stops new starts and is thrown after the running ones settle. */
export async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: {error: unknown} | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed ??= {error: e};
      }
    }
  };
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker));
  if (failed) throw failed.error;
}
