// The gate between an untrusted image layer and GNU tar. Decompresses and parses the layer, checks each
// entry against the rules below, converts OCI whiteouts for overlayfs, and writes a freshly serialized
// tar (never the input bytes) for `tar -x` running as namespaced root. Since tar only ever sees what we
// re-encoded, a parser differential between us and tar cannot smuggle anything past the checks.
//
// The checks assume each layer is extracted into its own empty directory (as overlay layers are): the
// only symlinks that can exist during extraction are the ones this layer creates, so those are the
// only ones tracked.
import {createHash} from 'node:crypto';
import {LayerRejectedError} from '../../errors';
import {TarType, type TarHeader} from './tar-header';
import {compressionOf, decompress, MAGIC_LENGTH, type Compression} from '../compression';
import {readTar, type TarEntry} from './tar-reader';
import {END_OF_ARCHIVE, encodeEntry, padding, type TarHeaderInit} from './tar-writer';

export interface SanitizeOptions {
  /** how OCI whiteouts are converted: to overlayfs whiteouts/opaque xattrs in the user or trusted namespace, or kept as files */
  whiteouts: 'overlay-user' | 'overlay-trusted' | 'keep';
  /**
   * The layer has no parent: its whiteouts hide nothing, and overlayfs would show them as phantom
   * entries in directories that only this layer holds, so they are dropped (and listed in `skipped`).
   */
  baseLayer?: boolean;
  /** largest single entry in bytes (default 64 GiB) */
  maxEntrySize?: number;
  /** largest uncompressed layer in bytes (default 512 GiB) */
  maxTotalSize?: number;
}

export interface LayerSummary {
  /** "sha256:<hex>" of the uncompressed tar bytes (the OCI DiffID) */
  diffId: string;
  /** "sha256:<hex>" of the input bytes as given */
  compressedDigest: string;
  compression: Compression;
  /** bytes of uncompressed tar */
  uncompressedSize: number;
  /** archive members read (extended headers not counted), including skipped ones */
  entries: number;
  /** members read but not written, e.g. device nodes that cannot be created rootless */
  skipped: {path: string; reason: string}[];
}

const GiB = 1024 ** 3;
const DEFAULT_MAX_ENTRY = 64 * GiB;
const DEFAULT_MAX_TOTAL = 512 * GiB;
const WH_PREFIX = '.wh.';
const WH_META_PREFIX = '.wh..wh.';
const WH_OPAQUE = '.wh..wh..opq';

/**
 * Checks a layer and writes its canonical form to `output`, honouring backpressure, and ends `output`
 * when done. Resolves with digests and counts.
 *
 * On failure it rejects with LayerRejectedError (an unsafe entry) or InvalidInputError (corrupt or
 * unsupported input) and leaves `output` as it is: neither ended nor destroyed, because ending it would
 * let tar finish "successfully" with a partial tree. The caller must stop the consumer (kill tar,
 * destroy the stream) and delete the partial directory.
 */
export async function sanitizeLayer(input: AsyncIterable<Buffer>, output: NodeJS.WritableStream, opts: SanitizeOptions): Promise<LayerSummary> {
  const maxEntry = opts.maxEntrySize ?? DEFAULT_MAX_ENTRY;
  const maxTotal = opts.maxTotalSize ?? DEFAULT_MAX_TOTAL;
  const rawHash = createHash('sha256');
  const tarHash = createHash('sha256');
  const sink = new Sink(output);
  const layer = new LayerState(opts.whiteouts, sink, maxEntry, maxTotal, opts.baseLayer ?? false);
  let uncompressedSize = 0;
  try {
    const {compression, stream} = await decompressLayer(tap(input, (chunk) => rawHash.update(chunk)));
    const counted = tap(stream, (chunk) => {
      // Entries are checked against the limit by their headers; this backstop catches bytes outside any
      // entry (extended headers, trailing data). It lets one chunk of read-ahead through so that the
      // header check, which can name the entry, gets to run first.
      if (uncompressedSize > maxTotal) {
        throw new LayerRejectedError('(archive)', `layer is more than ${maxTotal} bytes uncompressed, the limit`);
      }
      tarHash.update(chunk);
      uncompressedSize += chunk.length;
    });
    for await (const entry of readTar(counted)) await layer.process(entry);
    await sink.write(END_OF_ARCHIVE);
    await sink.end();
    return {
      diffId: `sha256:${tarHash.digest('hex')}`,
      compressedDigest: `sha256:${rawHash.digest('hex')}`,
      compression,
      uncompressedSize,
      entries: layer.entries,
      skipped: layer.skipped,
    };
  } finally {
    sink.release();
  }
}

// ---------------------------------------------------------------------------------------------------
// Paths

/**
 * Normalizes an entry name: drops "." and empty components (so "./", "//" and trailing "/" go).
 * Returns "" for the layer root. Throws LayerRejectedError for NUL bytes, absolute paths and "..".
 */
export function normalizeEntryPath(name: string): string {
  if (name.includes('\0')) throw new LayerRejectedError(name, 'name contains a NUL byte');
  if (name.startsWith('/')) throw new LayerRejectedError(name, 'absolute path');
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new LayerRejectedError(name, 'path has a ".." component');
  return parts.join('/');
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** Proper ancestors of a normalized path, nearest to the root first ("a/b/c" → "a", "a/b"). */
function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** Whether a relative symlink target, resolved by name from the link's directory, climbs above the root. */
export function symlinkEscapes(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return false;
  let depth = parentOf(linkPath) === '' ? 0 : parentOf(linkPath).split('/').length;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (depth === 0) return true;
      depth--;
    } else {
      depth++;
    }
  }
  return false;
}

/** Emitted names: directories end in "/", the root is "./". */
function outputName(path: string, isDir: boolean): string {
  if (path === '') return './';
  return isDir ? `${path}/` : path;
}

// ---------------------------------------------------------------------------------------------------
// Per-layer state and rules

type Kind = 'dir' | 'file' | 'symlink' | 'other';

type Whiteout =
  | {kind: 'none'}
  | {kind: 'opaque'; dir: string}
  | {kind: 'whiteout'; target: string}
  | {kind: 'aufs-meta'};

class LayerState {
  entries = 0;
  readonly skipped: {path: string; reason: string}[] = [];
  /** what each path currently is, as far as this layer made it */
  private readonly kinds = new Map<string, Kind>();
  /** every path that was a symlink at any point: conservative, tar may not have replaced it */
  private readonly symlinks = new Set<string>();
  private readonly dirHeaders = new Map<string, TarHeaderInit>();
  private readonly opaqueDirs = new Set<string>();
  /** paths hidden by a whiteout of this layer, and paths (and their ancestors) this layer creates */
  private readonly whitedOut = new Set<string>();
  private readonly present = new Set<string>();

  constructor(
    private readonly mode: SanitizeOptions['whiteouts'],
    private readonly sink: Sink,
    private readonly maxEntry: number,
    private readonly maxTotal: number,
    private readonly baseLayer: boolean,
  ) {}

  private get overlay(): boolean {
    return this.mode !== 'keep';
  }

  private get opaqueXattr(): string {
    return this.mode === 'overlay-trusted' ? 'trusted.overlay.opaque' : 'user.overlay.opaque';
  }

  async process(entry: TarEntry): Promise<void> {
    this.entries++;
    const reject = (reason: string) => new LayerRejectedError(entry.name, reason);
    this.checkSize(entry, reject);
    const path = normalizeEntryPath(entry.name);
    this.checkNotThroughSymlink(path, reject);
    if (this.overlay) this.checkXattrs(entry, reject);
    const wh = this.classifyWhiteout(path, entry, reject);
    if (wh.kind !== 'none') return this.handleWhiteout(wh, path, entry, reject);
    if (path === '' && entry.type !== TarType.Directory) throw reject('the layer root can only be a directory');
    this.checkNotWhitedOut(path, reject);
    switch (entry.type) {
      case TarType.File:
      case TarType.Contiguous:
        return this.regularFile(path, entry, reject);
      case TarType.Directory:
        return this.directory(path, entry, reject);
      case TarType.Symlink:
        return this.symlink(path, entry, reject);
      case TarType.HardLink:
        return this.hardlink(path, entry, reject);
      case TarType.Fifo:
        return this.simple(path, entry, 'other');
      case TarType.CharDevice:
      case TarType.BlockDevice:
        return this.skipDevice(path, entry);
      default:
        throw reject(`unsupported entry type ${JSON.stringify(entry.type)}`);
    }
  }

  private checkSize(entry: TarEntry, reject: (r: string) => Error): void {
    if (entry.size > this.maxEntry) throw reject(`entry is ${entry.size} bytes, larger than the limit of ${this.maxEntry}`);
    const end = entry.dataOffset + entry.size;
    if (end > this.maxTotal) throw reject(`layer would be at least ${end} bytes uncompressed, larger than the limit of ${this.maxTotal}`);
  }

  private checkNotThroughSymlink(path: string, reject: (r: string) => Error, what = 'path'): void {
    for (const a of ancestorsOf(path)) {
      if (this.symlinks.has(a)) throw reject(`${what} goes through symlink ${a}`);
    }
  }

  /** An overlayfs xattr in the input could forge whiteouts, opaque dirs or redirects. */
  private checkXattrs(entry: TarEntry, reject: (r: string) => Error): void {
    for (const key of entry.xattrs.keys()) {
      if (/^(user|trusted)\.overlay\./.test(key)) throw reject(`carries overlayfs xattr ${key}, which only burrow may set`);
    }
  }

  private checkNotWhitedOut(path: string, reject: (r: string) => Error): void {
    for (const p of [...ancestorsOf(path), path]) {
      if (this.whitedOut.has(p)) throw reject(`path ${p} is both whited out and present in this layer`);
    }
  }

  private markPresent(path: string): void {
    this.present.add(path);
    for (const a of ancestorsOf(path)) this.present.add(a);
  }

  private classifyWhiteout(path: string, entry: TarEntry, reject: (r: string) => Error): Whiteout {
    const components = path.split('/');
    const base = components.pop() ?? '';
    if (this.overlay) {
      for (const c of components) {
        if (c.startsWith(WH_META_PREFIX)) return {kind: 'aufs-meta'};
        if (c.startsWith(WH_PREFIX)) throw reject(`whiteout ${c} is used as a directory`);
      }
    }
    if (!base.startsWith(WH_PREFIX)) return {kind: 'none'};
    if (base === WH_OPAQUE) {
      if (entry.type === TarType.Directory) throw reject('opaque whiteout marker is a directory');
      return this.overlay ? {kind: 'opaque', dir: parentOf(path)} : {kind: 'none'};
    }
    if (base.startsWith(WH_META_PREFIX)) return this.overlay ? {kind: 'aufs-meta'} : {kind: 'none'};
    const hidden = base.slice(WH_PREFIX.length);
    if (hidden === '' || hidden === '.' || hidden === '..') throw reject(`invalid whiteout name ${base}`);
    if (entry.type === TarType.Directory) throw reject('whiteout is a directory');
    return this.overlay ? {kind: 'whiteout', target: joinPath(parentOf(path), hidden)} : {kind: 'none'};
  }

  private async handleWhiteout(wh: Whiteout, path: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    if (wh.kind === 'aufs-meta') {
      this.skipped.push({path, reason: 'aufs whiteout metadata'});
    } else if (this.baseLayer) {
      this.skipped.push({path, reason: 'whiteout in a base layer hides nothing'});
    } else if (wh.kind === 'opaque') {
      await this.opaque(wh.dir, reject);
    } else if (wh.kind === 'whiteout') {
      await this.whiteout(wh.target, entry, reject);
    }
  }

  /** `.wh.NAME` → overlayfs whiteout: a 0/0 character device named NAME. */
  private async whiteout(target: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    if (this.present.has(target)) throw reject(`path ${target} is both whited out and present in this layer`);
    this.checkNotWhitedOut(parentOf(target), reject);
    this.whitedOut.add(target);
    for (const a of ancestorsOf(target)) this.present.add(a);
    this.kinds.set(target, 'other');
    await this.emit({name: target, type: TarType.CharDevice, mode: 0, uid: 0, gid: 0, mtime: entry.mtime, mtimeNsec: entry.mtimeNsec});
  }

  /** `DIR/.wh..wh..opq` → DIR carries the opaque xattr, keeping whatever metadata DIR already has. */
  private async opaque(dir: string, reject: (r: string) => Error): Promise<void> {
    const kind = this.kinds.get(dir);
    if (kind !== undefined && kind !== 'dir') throw reject(`opaque marker in ${dir || '.'}, which this layer made a ${kind}`);
    this.checkNotWhitedOut(dir, reject);
    this.opaqueDirs.add(dir);
    const header = this.dirHeaders.get(dir) ?? {name: dir, type: TarType.Directory, mode: 0o755, uid: 0, gid: 0, mtime: 0};
    await this.emitDirectory(dir, header);
  }

  private async regularFile(path: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    if (entry.name.endsWith('/')) {
      // GNU tar extracts a "file" named with a trailing slash as a directory; only accept that when unambiguous.
      if (entry.size !== 0) throw reject('regular file name ends with "/"');
      return this.directory(path, entry, reject);
    }
    this.kinds.set(path, 'file');
    this.markPresent(path);
    await this.sink.writeAll(encodeEntry({...this.metadata(entry), name: path, type: TarType.File, size: entry.size}));
    let written = 0;
    for await (const chunk of entry.data) {
      written += chunk.length;
      await this.sink.write(chunk);
    }
    await this.sink.write(padding(written));
  }

  private async directory(path: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    // GNU tar follows an existing symlink when "creating" a directory over it, then chmods/chowns the target.
    if (this.symlinks.has(path)) throw reject(`directory replaces symlink ${path}`);
    await this.emitDirectory(path, {...this.metadata(entry), name: path, type: TarType.Directory});
  }

  private async emitDirectory(path: string, header: TarHeaderInit): Promise<void> {
    this.kinds.set(path, 'dir');
    this.markPresent(path);
    this.dirHeaders.set(path, header);
    let xattrs = header.xattrs;
    if (this.opaqueDirs.has(path)) {
      xattrs = new Map(header.xattrs ?? []);
      (xattrs as Map<string, Buffer>).set(this.opaqueXattr, Buffer.from('y'));
    }
    await this.sink.writeAll(encodeEntry({...header, name: outputName(path, true), xattrs}));
  }

  private async symlink(path: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    const target = entry.linkname;
    if (target === '') throw reject('symlink has an empty target');
    if (target.includes('\0')) throw reject('symlink target contains a NUL byte');
    if (symlinkEscapes(path, target)) throw reject(`symlink target ${target} escapes the layer root`);
    // Delayed directory metadata must never be applied through a link that took the directory's place.
    if (this.kinds.get(path) === 'dir') throw reject(`symlink replaces directory ${path}`);
    this.symlinks.add(path);
    await this.simple(path, entry, 'symlink', target);
  }

  private async hardlink(path: string, entry: TarEntry, reject: (r: string) => Error): Promise<void> {
    const raw = entry.linkname;
    if (raw === '') throw reject('hardlink has an empty target');
    if (raw.startsWith('/')) throw reject(`hardlink target ${raw} is outside the layer`);
    let target: string;
    try {
      target = normalizeEntryPath(raw);
    } catch {
      throw reject(`hardlink target ${raw} is outside the layer`);
    }
    this.checkNotThroughSymlink(target, reject, 'hardlink target');
    if (target === path) throw reject('hardlink to itself');
    const kind = this.kinds.get(target);
    if (kind === undefined) throw reject(`hardlink to missing entry ${raw}`);
    if (kind !== 'file') throw reject(`hardlink target ${raw} is a ${kind === 'other' ? 'special file' : kind}, not a regular file`);
    await this.simple(path, entry, 'file', target);
  }

  /** Entries that are only a header in the output. */
  private async simple(path: string, entry: TarEntry, kind: Kind, linkname?: string): Promise<void> {
    this.kinds.set(path, kind);
    this.markPresent(path);
    await this.sink.writeAll(encodeEntry({...this.metadata(entry), name: path, type: entry.type, linkname}));
  }

  private skipDevice(path: string, entry: TarEntry): void {
    const what = entry.type === TarType.CharDevice ? 'char' : 'block';
    this.skipped.push({path, reason: `device node (${what} ${entry.devmajor}:${entry.devminor}) not created rootless`});
  }

  /** Fields carried over verbatim; user and group names are dropped since tar runs with --numeric-owner. */
  private metadata(entry: TarHeader): TarHeaderInit {
    return {
      name: entry.name,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      mtime: entry.mtime,
      mtimeNsec: entry.mtimeNsec,
      xattrs: entry.xattrs,
    };
  }

  private async emit(h: TarHeaderInit): Promise<void> {
    await this.sink.writeAll(encodeEntry(h));
  }
}

// ---------------------------------------------------------------------------------------------------
// Streams

async function* tap(source: AsyncIterable<Buffer>, each: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    each(chunk);
    yield chunk;
  }
}

/** Sniffs the first bytes and returns the uncompressed tar stream. */
async function decompressLayer(source: AsyncIterable<Buffer>): Promise<{compression: Compression; stream: AsyncIterable<Buffer>}> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < MAGIC_LENGTH && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else {
      head.push(r.value);
      headLength += r.value.length;
    }
  }
  const first = Buffer.concat(head);
  const compression = compressionOf(first);
  return {compression, stream: decompress(replay(first, done ? null : it), compression, 'layer')};
}

async function* replay(first: Buffer, rest: AsyncIterator<Buffer> | null): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  if (rest === null) return;
  try {
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
  } finally {
    await rest.return?.();
  }
}

/** Writes to the output stream, waiting for 'drain' when it is full and failing if it errors or closes. */
const BATCH = 256 * 1024;

class Sink {
  private failure?: Error;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;
  private readonly onError = (err: Error) => {
    this.failure ??= err;
  };
  private readonly onClose = () => {
    this.closed = true;
  };

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
    out.on('close', this.onClose);
  }

  /**
   * Small pieces (headers, padding, small files) are gathered into one write of up to 256 KiB: a layer
   * of many small files otherwise costs tens of thousands of pipe writes, and as many reads in tar.
   */
  async write(chunk: Buffer): Promise<void> {
    this.check();
    if (chunk.length === 0) return;
    if (chunk.length >= BATCH) {
      await this.flush();
      await this.push(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.push(batch);
  }

  private async push(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await this.drained();
  }

  async writeAll(chunks: Buffer[]): Promise<void> {
    for (const c of chunks) await this.write(c);
  }

  async end(): Promise<void> {
    this.check();
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end((err?: unknown) => {
        this.out.removeListener('error', reject);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Stops listening; from here on the caller's own listeners decide what an output error means. */
  release(): void {
    this.out.removeListener('error', this.onError);
    this.out.removeListener('close', this.onClose);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    // A stream destroyed before we attached (or without an error) would never emit 'drain'.
    if (this.closed || (this.out as {destroyed?: boolean}).destroyed === true) {
      throw new Error('layer output closed before the whole layer was written');
    }
  }

  private drained(): Promise<void> {
    this.check();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.out.removeListener('drain', onDrain);
        this.out.removeListener('error', onError);
        this.out.removeListener('close', onClose);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onClose = () => {
        cleanup();
        reject(this.failure ?? new Error('layer output closed before the whole layer was written'));
      };
      this.out.on('drain', onDrain);
      this.out.on('error', onError);
      this.out.on('close', onClose);
    });
  }
}
