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
    const w = this.begin();
    try {
      for await (const chunk of source) w.write(chunk);
    } catch (e) {
      w.abort();
      throw e;
    }
    return w.commit(expected);
  }

  /** A blob written piece by piece (e.g. teed off a download that is being extracted at the same time). */
  begin(): BlobWriter {
    fs.mkdirSync(this.dir, {recursive: true});
    return new BlobWriter(this, path.join(this.dir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`));
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

/** A temp file that becomes a blob only once its digest is known and matches. */
export class BlobWriter {
  private readonly hash = createHash('sha256');
  private fd: number | undefined;
  size = 0;

  constructor(private readonly store: BlobStore, private readonly tmp: string) {
    this.fd = fs.openSync(tmp, 'wx', 0o644);
  }

  write(chunk: Buffer): void {
    if (this.fd === undefined) throw new Error('blob writer already closed');
    this.hash.update(chunk);
    this.size += chunk.length;
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off);
  }

  /** fsyncs, checks `expected` and renames into place; a mismatch deletes the temp file and throws. */
  commit(expected?: string): {digest: string; size: number} {
    if (this.fd === undefined) throw new Error('blob writer already closed');
    try {
      fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    const digest = `sha256:${this.hash.digest('hex')}`;
    if (expected && expected !== digest) {
      fs.rmSync(this.tmp, {force: true});
      throw new InvalidInputError(`blob digest mismatch: expected ${expected}, got ${digest}`, {hint: 'the source sent corrupt data; try again'});
    }
    fs.renameSync(this.tmp, this.store.path(digest));
    return {digest, size: this.size};
  }

  abort(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.tmp, {force: true});
  }
}
