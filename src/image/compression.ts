// Layer and blob compression: telling gzip, zstd and plain tar apart by their first bytes, and undoing
// it as a stream. Used by the layer sanitizer (pull, load, import) and by the archive writers.
import {Readable, type Duplex} from 'node:stream';
import {createGunzip} from 'node:zlib';
import {InvalidInputError} from '../errors';

export type Compression = 'none' | 'gzip' | 'zstd';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
/** bytes needed to tell the compressions apart */
export const MAGIC_LENGTH = ZSTD_MAGIC.length;

export function compressionOf(head: Buffer): Compression {
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  return 'none';
}

/**
 * The uncompressed bytes of `source`. Corrupt input becomes an InvalidInputError "WHAT is not valid
 * FORMAT"; an error of the source itself (a dropped download, a refused size) passes through unchanged.
 */
export function decompress(source: AsyncIterable<Buffer>, compression: Compression, what: string): AsyncIterable<Buffer> {
  if (compression === 'none') return source;
  // Bigger output chunks than zlib's 16 KiB default: fewer round trips to the thread pool per layer.
  if (compression === 'gzip') return inflate(source, createGunzip({chunkSize: 256 * 1024}), 'gzip', what);
  // Node 20's zlib has no zstd; the native binding is loaded only when a zstd blob shows up.
  const {DecompressStream} = require('zstd-napi') as typeof import('zstd-napi');
  return inflate(source, new DecompressStream(), 'zstd', what);
}

async function* inflate(source: AsyncIterable<Buffer>, z: Duplex, format: string, what: string): AsyncGenerator<Buffer> {
  const input = Readable.from(source);
  let sourceFailure: unknown;
  input.on('error', (err) => {
    sourceFailure = err;
    z.destroy(err);
  });
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (err) {
    if (err === sourceFailure || err instanceof InvalidInputError || !isCodecError(err)) throw err;
    throw new InvalidInputError(`${what} is not valid ${format}: ${(err as Error).message}`, {hint: 'the data is corrupt', cause: err});
  } finally {
    input.destroy();
    z.destroy();
  }
}

function isCodecError(err: unknown): boolean {
  const code = (err as {code?: unknown} | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return true;
  // zstd-napi reports corrupt input as plain Errors from the native side
  return err instanceof Error && /zstd|frame|corrupt|Unknown frame|Data corruption|Src size/i.test(err.message);
}

function startsWith(b: Buffer, magic: Buffer): boolean {
  return b.length >= magic.length && b.subarray(0, magic.length).equals(magic);
}
