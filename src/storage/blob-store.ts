// Content-addressed blobs (blobs/sha256/<hex>), as in an OCI image layout. A blob becomes visible only
// after its digest is checked and it is renamed into place, so a crash never leaves a wrong blob.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {createHash, randomBytes} from 'node:crypto';
import {InvalidInputError} from '../errors';
import {entriesOfDeadWriters} from './dead-writers';

export class BlobStore {
  readonly dir: string;
  constructor(root: string) {
    this.dir = path.join(root, 'blobs', 'sha256');
  }

  path(digest: string): string {
    const hex = digest.replace(/^sha256:/, '');
    if (!/^[a-f0-9]{64}$/.test(hex)) throw new InvalidInputError(`invalid digest ${digest}`);
    return path.join(this.dir, hex);
  }

  has(digest: string): boolean {
    return fs.existsSync(this.path(digest));
  }

  /** Copies a stream into the store; returns its digest and size. `expected` is checked before it becomes visible. */
  async put(source: AsyncIterable<Buffer>, expected?: string): Promise<{digest: string; size: number}> {
    fs.mkdirSync(this.dir, {recursive: true});
    const tmp = path.join(this.dir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        fs.writeSync(fd, chunk);
      }
      fs.fsyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, {force: true});
      throw e;
    }
    fs.closeSync(fd);
    const digest = `sha256:${hash.digest('hex')}`;
    if (expected && expected !== digest) {
      fs.rmSync(tmp, {force: true});
      throw new InvalidInputError(`blob digest mismatch: expected ${expected}, got ${digest}`);
    }
    fs.renameSync(tmp, this.path(digest));
    return {digest, size};
  }

  putBytes(data: Buffer | string): Promise<{digest: string; size: number}> {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    return this.put((async function* () {
      yield buf;
    })());
  }

  read(digest: string): Buffer {
    return fs.readFileSync(this.path(digest));
  }

  remove(digest: string): void {
    fs.rmSync(this.path(digest), {force: true});
  }

  /** Removes temp files left by processes that died mid-write. */
  sweep(isAlive: (pid: number) => boolean): void {
    for (const f of entriesOfDeadWriters(this.dir, /^\.incoming-(\d+)-/, isAlive)) fs.rmSync(f, {force: true});
  }
}
