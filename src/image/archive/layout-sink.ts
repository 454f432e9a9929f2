// Where the archive writers put files: members of a tar file (docker-archive, oci-archive) or files under
// a directory (oci-dir, docker-dir). Writers name files and hand over bytes or a stream of known size;
// the tar sink writes entries with the project's tar writer and refuses a stream whose length differs
// from what its header announced.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../../errors';
import {TarType} from '../tar/tar-header';
import {END_OF_ARCHIVE, encodeEntry, padding} from '../tar/tar-writer';

export interface LayoutSink {
  has(name: string): boolean;
  file(name: string, data: Buffer): Promise<void>;
  stream(name: string, size: number, data: AsyncIterable<Buffer>): Promise<void>;
  symlink(name: string, target: string): Promise<void>;
  /** completes the output (the tar end marker, data on disk) */
  finish(): Promise<void>;
}

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += fs.writeSync(fd, b, off);
}

/** Tar members with fixed metadata (root, mode 0444, mtime 0), as containers/image writes them. */
export class TarSink implements LayoutSink {
  private readonly names = new Set<string>();
  private readonly dirs = new Set<string>();

  /** `dirEntries`: write directory members for parents first (OCI archives have them, docker-archives not). */
  constructor(private readonly fd: number, private readonly dirEntries = false) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  private parents(name: string): void {
    if (!this.dirEntries) return;
    const parts = name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (this.dirs.has(dir)) continue;
      this.dirs.add(dir);
      for (const b of encodeEntry({name: dir, type: TarType.Directory, mode: 0o755})) writeAll(this.fd, b);
    }
  }

  private header(name: string, size: number): void {
    if (this.names.has(name)) throw new Error(`internal error: archive member ${name} written twice`);
    this.names.add(name);
    this.parents(name);
    for (const b of encodeEntry({name, type: TarType.File, mode: 0o444, size})) writeAll(this.fd, b);
  }

  async file(name: string, data: Buffer): Promise<void> {
    this.header(name, data.length);
    writeAll(this.fd, data);
    writeAll(this.fd, padding(data.length));
  }

  async stream(name: string, size: number, data: AsyncIterable<Buffer>): Promise<void> {
    this.header(name, size);
    let done = 0;
    for await (const chunk of data) {
      done += chunk.length;
      if (done > size) throw new InvalidInputError(`archive member ${name} is longer than the ${size} bytes announced`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
      writeAll(this.fd, chunk);
    }
    if (done !== size) throw new InvalidInputError(`archive member ${name} has ${done} bytes, ${size} announced`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
    writeAll(this.fd, padding(size));
  }

  async symlink(name: string, target: string): Promise<void> {
    if (this.names.has(name)) return;
    this.names.add(name);
    this.parents(name);
    for (const b of encodeEntry({name, type: TarType.Symlink, mode: 0o777, linkname: target})) writeAll(this.fd, b);
  }

  async finish(): Promise<void> {
    writeAll(this.fd, END_OF_ARCHIVE);
    fs.fsyncSync(this.fd);
  }
}

/** Files under a directory that the caller made (and renames into place when the writer is done). */
export class DirSink implements LayoutSink {
  private readonly names = new Set<string>();
  constructor(private readonly root: string) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  private open(name: string): number {
    this.names.add(name);
    const file = path.join(this.root, name);
    fs.mkdirSync(path.dirname(file), {recursive: true});
    return fs.openSync(file, 'wx', 0o644);
  }

  async file(name: string, data: Buffer): Promise<void> {
    const fd = this.open(name);
    try {
      writeAll(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async stream(name: string, size: number, data: AsyncIterable<Buffer>): Promise<void> {
    const fd = this.open(name);
    try {
      let done = 0;
      for await (const chunk of data) {
        done += chunk.length;
        writeAll(fd, chunk);
      }
      if (done !== size) throw new InvalidInputError(`${name} has ${done} bytes, ${size} expected`, {hint: 'storage holds a corrupt blob; pull or load the image again'});
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async symlink(name: string, target: string): Promise<void> {
    this.names.add(name);
    const file = path.join(this.root, name);
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.symlinkSync(target, file);
  }

  async finish(): Promise<void> {
    // each file was fsynced as it was written
  }
}
