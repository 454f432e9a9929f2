// Byte streams for archives: sniffing and undoing gzip/zstd (stored layers are usually compressed, while a
// docker-archive carries plain tars), reading a byte range of a file, and a pass-through that checks a
// stream's length and digest, so that a save never writes a member whose header lies about its content.
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import {InvalidInputError} from '../../errors';
import {compressionOf, decompress, type Compression} from '../compression';

export {decompress, type Compression};

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
