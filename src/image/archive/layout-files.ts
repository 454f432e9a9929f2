// The files of an image archive or layout, wherever they are: members of a tar file (indexed once, then
// read in place by offset) or files under a directory. Readers of the formats (docker-archive, OCI
// layout, dir:) see only this interface. The tar index is where an archive's hostility is met: member
// names are checked (no absolute paths, no "..", no duplicates), counts and document sizes are bounded,
// every member is hashed, and an archive that stops before its end-of-archive marker is refused.
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../../errors';
import {BLOCK_SIZE, TarType, isZeroBlock, paddingLength} from '../tar/tar-header';
import {readTar} from '../tar/tar-reader';
import {fileCompression, fileRange, type Compression} from './layer-streams';

export interface LayoutFiles {
  /** what the files are, for messages: "archive /x/y.tar" */
  readonly label: string;
  exists(rel: string): boolean;
  /** size in bytes; throws naming the file when it is missing */
  size(rel: string): number;
  /** the whole file, refusing files larger than `limit` */
  read(rel: string, limit: number): Buffer;
  open(rel: string): AsyncIterable<Buffer>;
  compression(rel: string): Compression;
  /** sha256 already known for the file (a tar index hashes every member), if any */
  knownDigest(rel: string): string | undefined;
}

/** Largest JSON document (manifest, index, config, repositories) read from an archive. */
export const DOCUMENT_LIMIT = 16 * 1024 * 1024;
/** Most members an archive may have: layers and metadata of many images fit easily. */
export const MEMBER_LIMIT = 100_000;
const NAME_LIMIT = 4096;
const LINK_HOPS = 16;

type Kind = 'file' | 'symlink' | 'hardlink';

interface Member {
  name: string;
  kind: Kind;
  size: number;
  dataOffset: number;
  linkname: string;
  digest?: string;
}

/**
 * A member name in canonical form ("./a//b/" → "a/b"), or an error naming it when it is absolute or climbs
 * with "..". Returns "" for the archive root itself.
 */
export function memberName(raw: string, label: string): string {
  const bad = (why: string) => new InvalidInputError(`${label}: member "${raw}" ${why}`, {hint: 'the archive is unsafe or corrupt; do not load it'});
  if (raw.length > NAME_LIMIT) throw bad(`has a name longer than ${NAME_LIMIT} bytes`);
  if (raw.includes('\0')) throw bad('has a NUL byte in its name');
  if (raw.startsWith('/')) throw bad('has an absolute name');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw bad('has ".." in its name');
  return parts.join('/');
}

export class TarIndex implements LayoutFiles {
  private readonly members = new Map<string, Member>();
  private readonly dirs = new Set<string>();

  private constructor(readonly file: string, readonly label: string) {}

  /** Reads the whole tar once: names checked, members hashed, end marker required. */
  static async build(file: string, label: string): Promise<TarIndex> {
    const index = new TarIndex(file, label);
    let end = 0;
    let count = 0;
    try {
      for await (const e of readTar(fileRange(file))) {
        if (++count > MEMBER_LIMIT) throw new InvalidInputError(`${label} has more than ${MEMBER_LIMIT} members`, {hint: 'this is not an image archive burrow can load'});
        end = e.dataOffset + e.size + paddingLength(e.size);
        const name = memberName(e.name, label);
        if (e.type === TarType.Directory) {
          index.dirs.add(name);
          continue;
        }
        const kind: Kind | undefined = e.type === TarType.File || e.type === TarType.Contiguous ? 'file'
          : e.type === TarType.Symlink ? 'symlink' : e.type === TarType.HardLink ? 'hardlink' : undefined;
        // Devices, fifos and the like have no place in an image archive; nothing refers to them.
        if (kind === undefined || name === '') continue;
        if (index.members.has(name)) throw new InvalidInputError(`${label}: member "${e.name}" appears twice`, {hint: 'the archive is ambiguous; do not load it'});
        const m: Member = {name, kind, size: e.size, dataOffset: e.dataOffset, linkname: e.linkname};
        if (kind === 'file') {
          const h = createHash('sha256');
          for await (const chunk of e.data) h.update(chunk);
          m.digest = `sha256:${h.digest('hex')}`;
        }
        index.members.set(name, m);
      }
    } catch (err) {
      if (err instanceof InvalidInputError && !err.message.startsWith(label)) {
        throw new InvalidInputError(`${label}: ${err.message}`, {hint: err.hint ?? 'the archive is corrupt or incomplete', cause: err});
      }
      throw err;
    }
    if (count === 0) throw new InvalidInputError(`${label} is empty or not a tar archive`, {hint: 'give a docker-archive or oci-archive file'});
    index.checkEndMarker(end);
    return index;
  }

  /** The tar reader also accepts input that stops on a member boundary; an image archive must be complete. */
  private checkEndMarker(end: number): void {
    const fd = fs.openSync(this.file, 'r');
    try {
      const b = Buffer.alloc(2 * BLOCK_SIZE);
      const n = fs.readSync(fd, b, 0, b.length, end);
      if (n < b.length || !isZeroBlock(b)) {
        throw new InvalidInputError(`${this.label} is truncated: it stops after ${end} bytes without the end-of-archive marker`, {hint: 'the archive is incomplete; copy or save it again'});
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  exists(rel: string): boolean {
    return this.find(rel) !== undefined;
  }

  size(rel: string): number {
    return this.member(rel).size;
  }

  knownDigest(rel: string): string | undefined {
    return this.member(rel).digest;
  }

  read(rel: string, limit: number): Buffer {
    const m = this.member(rel);
    if (m.size > limit) throw new InvalidInputError(`${this.label}: member "${rel}" is ${m.size} bytes, more than the limit of ${limit}`, {hint: 'this is not an image archive burrow can load'});
    const b = Buffer.alloc(m.size);
    const fd = fs.openSync(this.file, 'r');
    try {
      let off = 0;
      while (off < m.size) {
        const n = fs.readSync(fd, b, off, m.size - off, m.dataOffset + off);
        if (n === 0) throw new InvalidInputError(`${this.label} changed while it was read`);
        off += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return b;
  }

  open(rel: string): AsyncIterable<Buffer> {
    const m = this.member(rel);
    return fileRange(this.file, m.dataOffset, m.size);
  }

  compression(rel: string): Compression {
    const m = this.member(rel);
    return fileCompression(this.file, m.dataOffset, m.size);
  }

  /** The regular file `rel` names, following symlinks and hardlinks inside the archive. */
  private member(rel: string): Member {
    const m = this.find(rel);
    if (!m) throw new InvalidInputError(`${this.label} has no member "${rel}"`, {hint: 'the archive is incomplete or not an image archive'});
    return m;
  }

  private find(rel: string): Member | undefined {
    let name = memberName(rel, this.label);
    for (let hop = 0; hop <= LINK_HOPS; hop++) {
      const m = this.members.get(name);
      if (!m || m.kind === 'file') return m;
      const target = m.kind === 'symlink' ? path.posix.join(path.posix.dirname(m.name), m.linkname) : m.linkname;
      if (m.linkname.startsWith('/') || target.split('/').includes('..')) {
        throw new InvalidInputError(`${this.label}: member "${m.name}" links to "${m.linkname}", outside the archive`, {hint: 'the archive is unsafe; do not load it'});
      }
      name = memberName(target, this.label);
    }
    throw new InvalidInputError(`${this.label}: member "${rel}" is a chain of more than ${LINK_HOPS} links`, {hint: 'the archive is unsafe or corrupt'});
  }
}

/** The files of a directory (an OCI layout or a dir: image), named relative to it. */
export class DirFiles implements LayoutFiles {
  readonly label: string;
  constructor(readonly dir: string) {
    this.label = `directory ${dir}`;
  }

  private full(rel: string): string {
    return path.join(this.dir, memberName(rel, this.label));
  }

  exists(rel: string): boolean {
    try {
      return fs.statSync(this.full(rel)).isFile();
    } catch {
      return false;
    }
  }

  size(rel: string): number {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.full(rel));
    } catch {
      throw new InvalidInputError(`${this.label} has no file "${rel}"`, {hint: 'the layout is incomplete'});
    }
    if (!st.isFile()) throw new InvalidInputError(`${this.label}: "${rel}" is not a regular file`, {hint: 'the layout is corrupt'});
    return st.size;
  }

  read(rel: string, limit: number): Buffer {
    const size = this.size(rel);
    if (size > limit) throw new InvalidInputError(`${this.label}: "${rel}" is ${size} bytes, more than the limit of ${limit}`, {hint: 'this is not an image layout burrow can load'});
    return fs.readFileSync(this.full(rel));
  }

  open(rel: string): AsyncIterable<Buffer> {
    this.size(rel);
    return fileRange(this.full(rel));
  }

  compression(rel: string): Compression {
    return fileCompression(this.full(rel));
  }

  knownDigest(): string | undefined {
    return undefined;
  }
}
