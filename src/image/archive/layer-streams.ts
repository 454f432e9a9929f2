// Byte streams for archives: sniffing and undoing gzip/zstd (stored layers are usually compressed, while a
// docker-archive carries plain tars), reading a byte range of a file, and a pass-through that checks a
// stream's length and digest, so that a save never writes a member whose header lies about its content.
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import {once} from 'node:events';
import {Readable, type Duplex} from 'node:stream';
import {createGunzip} from 'node:zlib';
import {InvalidInputError} from '../../errors';

export type Compression = 'none' | 'gzip' | 'zstd';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export function compressionOf(head: Buffer): Compression {
  if (head.length >= ZSTD_MAGIC.length && head.subarray(0, ZSTD_MAGIC.length).equals(ZSTD_MAGIC)) return 'zstd';
  if (head.length >= GZIP_MAGIC.length && head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return 'gzip';
  return 'none';
}

/** The compression of a file (or of `length` bytes at `start`), from its first bytes. */
export function fileCompression(file: string, start = 0, length = Infinity): Compression {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(4, length));
    const n = fs.readSync(fd, head, 0, head.length, start);
    return compressionOf(head.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** `length` bytes of `file` from `start` (the whole file when omitted). */
export function fileRange(file: string, start = 0, length?: number): AsyncIterable<Buffer> {
  if (length === 0) return (async function* () {})();
  return fs.createReadStream(file, {start, end: length === undefined ? undefined : start + length - 1, highWaterMark: 1 << 20});
}

/** The uncompressed bytes of a stream compressed as `compression`. */
export function decompress(source: AsyncIterable<Buffer>, compression: Compression, what: string): AsyncIterable<Buffer> {
  if (compression === 'none') return source;
  if (compression === 'gzip') return inflate(source, createGunzip(), 'gzip', what);
  // Node 20's zlib has no zstd; the native binding is loaded only when a zstd blob shows up.
  const {DecompressStream} = require('zstd-napi') as typeof import('zstd-napi');
  return inflate(source, new DecompressStream(), 'zstd', what);
}

async function* inflate(source: AsyncIterable<Buffer>, z: Duplex, format: string, what: string): AsyncGenerator<Buffer> {
  const input = Readable.from(source);
  input.on('error', (err) => z.destroy(err));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(`${what} is not valid ${format}: ${(err as Error).message}`, {hint: 'the data is corrupt', cause: err});
  } finally {
    input.destroy();
    z.destroy();
  }
}

/**
 * Passes `source` through, failing if it is not exactly `size` bytes or (when given) does not hash to
 * `digest`. The failure comes before the last chunk is handed on, so a consumer writing an archive
 * never completes a member with wrong content.
 */
export async function* verified(source: AsyncIterable<Buffer>, expect: {size: number; digest?: string}, what: string): AsyncGenerator<Buffer> {
  const hash = expect.digest ? createHash('sha256') : undefined;
  let done = 0;
  let held: Buffer | undefined;
  for await (const chunk of source) {
    done += chunk.length;
    if (done > expect.size) throw new InvalidInputError(`${what} is larger than the ${expect.size} bytes expected`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
    hash?.update(chunk);
    if (held) yield held;
    held = chunk;
  }
  if (done !== expect.size) throw new InvalidInputError(`${what} has ${done} bytes, ${expect.size} expected`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
  if (hash) {
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== expect.digest) throw new InvalidInputError(`${what} hashes to ${got}, expected ${expect.digest}`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
  }
  if (held) yield held;
}

function decompressor(compression: Exclude<Compression, 'none'>): Duplex {
  if (compression === 'gzip') return createGunzip();
  const {DecompressStream} = require('zstd-napi') as typeof import('zstd-napi');
  return new DecompressStream();
}

/**
 * Passes a (possibly compressed) layer blob through unchanged while checking that it unpacks to `diffId`;
 * fails before the last chunk is handed on. For blobs that would be stored without being extracted
 * (their layer is already there), which nothing else would check against the image config.
 */
export async function* unpacksTo(source: AsyncIterable<Buffer>, diffId: string, what: string): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let z: Duplex | undefined;
  let ended: Promise<unknown> | undefined;
  let held: Buffer | undefined;
  let first = true;
  try {
    for await (const chunk of source) {
      if (first) {
        first = false;
        const kind = compressionOf(chunk);
        if (kind !== 'none') {
          const dz = decompressor(kind);
          dz.on('data', (c: Buffer) => hash.update(c));
          ended = once(dz, 'end');
          z = dz;
        }
      }
      if (z) {
        if (!z.write(chunk)) await once(z, 'drain');
      } else {
        hash.update(chunk);
      }
      if (held) yield held;
      held = chunk;
    }
    if (z && ended) {
      z.end();
      await ended;
    }
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(`${what} does not decompress: ${(err as Error).message}`, {hint: 'the archive is corrupt', cause: err});
  } finally {
    z?.destroy();
  }
  const got = `sha256:${hash.digest('hex')}`;
  if (got !== diffId) {
    throw new InvalidInputError(`${what} unpacks to ${got.slice(7, 19)}, but the image config says ${diffId.slice(7, 19)}`, {hint: 'the image is corrupt; rebuild or save it again'});
  }
  if (held) yield held;
}

/** Byte count and sha256 of a stream. */
export async function measure(source: AsyncIterable<Buffer>): Promise<{size: number; digest: string}> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
  }
  return {size, digest: `sha256:${hash.digest('hex')}`};
}
