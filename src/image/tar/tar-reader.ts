// Streaming tar parser. Turns a byte stream into entries whose data is streamed, never buffered whole;
// folds PAX ('x', 'g') and GNU long-name ('L', 'K') headers into the entry they describe. It enforces
// only the format (checksums, truncation, sparse files); what an entry may contain is the sanitizer's job.
import {InvalidInputError} from '../../errors';
import {
  BLOCK_SIZE,
  HEADER_ONLY_TYPES,
  TarType,
  decodeHeader,
  decodeName,
  isZeroBlock,
  paddingLength,
  type RawHeader,
  type TarHeader,
} from './tar-header';

export interface TarEntry extends TarHeader {
  /** byte offset of this entry's own header block in the (uncompressed) stream */
  headerOffset: number;
  /** byte offset of its first data byte */
  dataOffset: number;
  /**
   * The entry's data, exactly `size` bytes. Iterate it at most once, before asking for the next entry;
   * whatever is left unread is skipped when the next entry is requested.
   */
  data: AsyncIterable<Buffer>;
}

export interface ReadTarOptions {
  /** largest PAX or GNU long-name header body kept in memory (default 8 MiB) */
  maxMetaSize?: number;
}

const DEFAULT_MAX_META = 8 * 1024 * 1024;
const MAX_DATA_CHUNK = 1024 * 1024;

/**
 * Reads a tar stream. Ends at two zero blocks, or at end of input on a header boundary; after the end
 * marker it still consumes `source` to its end (ignoring the bytes), so that anyone hashing the stream
 * upstream sees all of it. Throws InvalidInputError on a corrupt header, truncated input or sparse files.
 */
export async function* readTar(source: AsyncIterable<Buffer | Uint8Array>, opts: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const src = new ByteSource(source);
  const maxMeta = opts.maxMetaSize ?? DEFAULT_MAX_META;
  const meta = new MetaState();
  try {
    for (;;) {
      const headerOffset = src.offset;
      const block = await src.readExact(BLOCK_SIZE);
      if (block === null) break;
      if (isZeroBlock(block)) {
        await expectSecondZeroBlock(src);
        break;
      }
      const raw = decodeHeader(block, headerOffset);
      if (isMetaType(raw.type)) {
        await readMeta(src, raw, meta, headerOffset, maxMeta);
        continue;
      }
      const header = meta.apply(raw, headerOffset);
      const body = new EntryBody(src, HEADER_ONLY_TYPES.has(header.type) ? 0 : header.size);
      const entry: TarEntry = {...header, headerOffset, dataOffset: src.offset, data: body};
      if (HEADER_ONLY_TYPES.has(header.type)) entry.size = 0;
      yield entry;
      await body.finish();
      await src.skip(paddingLength(body.size));
    }
    await src.drain();
  } finally {
    await src.close();
  }
}

async function expectSecondZeroBlock(src: ByteSource): Promise<void> {
  const offset = src.offset;
  const next = await src.readExact(BLOCK_SIZE);
  if (next !== null && !isZeroBlock(next)) {
    throw new InvalidInputError(`tar archive has a lone zero block before byte offset ${offset} followed by more data; the archive is corrupt`);
  }
}

function isMetaType(type: string): boolean {
  return type === TarType.PaxHeader || type === TarType.SolarisPax || type === TarType.PaxGlobal ||
    type === TarType.GnuLongName || type === TarType.GnuLongLink;
}

async function readMeta(src: ByteSource, raw: RawHeader, meta: MetaState, offset: number, maxMeta: number): Promise<void> {
  if (raw.size > maxMeta) {
    throw new InvalidInputError(`tar extended header at byte offset ${offset} is ${raw.size} bytes, more than the limit of ${maxMeta}`);
  }
  const body = raw.size === 0 ? Buffer.alloc(0) : await src.readExact(raw.size);
  if (body === null) throw truncated(src.offset, raw.size);
  await src.skip(paddingLength(raw.size));
  switch (raw.type) {
    case TarType.PaxGlobal:
      mergePax(meta.global, parsePaxRecords(body, offset), offset);
      break;
    case TarType.GnuLongName:
      meta.longName = untilNul(body);
      break;
    case TarType.GnuLongLink:
      meta.longLink = untilNul(body);
      break;
    default:
      mergePax(meta.local, parsePaxRecords(body, offset), offset);
  }
}

function untilNul(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

/** Later records override earlier ones; an empty value deletes the key (POSIX pax semantics). */
function mergePax(into: Map<string, Buffer>, records: [string, Buffer][], offset: number): void {
  for (const [key, value] of records) {
    if (key.startsWith('GNU.sparse.')) throw sparse(`entry at byte offset ${offset}`);
    if (value.length === 0) into.delete(key);
    else into.set(key, value);
  }
}

function sparse(what: string): InvalidInputError {
  return new InvalidInputError(`tar ${what} is a GNU sparse file; sparse files are not supported`);
}

/**
 * Splits PAX records "LEN KEY=VALUE\n". LEN counts bytes of the whole record, so values are sliced as
 * bytes and may hold anything (newlines, NULs, '=') — binary xattrs depend on that.
 */
export function parsePaxRecords(body: Buffer, offset: number): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let pos = 0;
  const bad = (why: string) => new InvalidInputError(`tar extended header at byte offset ${offset} is malformed: ${why}`);
  while (pos < body.length) {
    // Some writers pad the body with NULs after the last record.
    if (body[pos] === 0) break;
    const space = body.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw bad('record length is missing');
    const lenText = body.toString('latin1', pos, space);
    if (!/^[1-9][0-9]*$/.test(lenText)) throw bad(`bad record length "${lenText}"`);
    const len = Number(lenText);
    const end = pos + len;
    if (end > body.length || body[end - 1] !== 0x0a) throw bad('record overruns the header or lacks its newline');
    const eq = body.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= end - 1) throw bad('record has no "="');
    const key = decodeName(body.subarray(space + 1, eq));
    out.push([key, body.subarray(eq + 1, end - 1)]);
    pos = end;
  }
  return out;
}

/** Extended-header state between real entries: per-entry ('x', 'L', 'K') and global ('g'). */
class MetaState {
  readonly global = new Map<string, Buffer>();
  local = new Map<string, Buffer>();
  longName?: Buffer;
  longLink?: Buffer;

  /** Builds the entry's header from its block plus pending extended headers, then clears the per-entry ones. */
  apply(raw: RawHeader, offset: number): TarHeader {
    const nameBytes = this.longName ?? raw.name;
    const header: TarHeader = {
      name: decodeName(nameBytes),
      type: raw.type,
      mode: raw.mode & 0o7777,
      uid: raw.uid,
      gid: raw.gid,
      size: raw.size,
      mtime: raw.mtime,
      mtimeNsec: 0,
      linkname: decodeName(this.longLink ?? raw.linkname),
      uname: decodeName(raw.uname),
      gname: decodeName(raw.gname),
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      xattrs: new Map(),
    };
    const pax = new Map([...this.global, ...this.local]);
    this.local = new Map();
    this.longName = undefined;
    this.longLink = undefined;
    for (const [key, value] of pax) applyPaxRecord(header, key, value, offset);
    if (header.type === TarType.GnuSparse) throw sparse(`entry "${header.name}" at byte offset ${offset}`);
    // v7 had no directory type: a trailing slash on an old-style file was how directories were written.
    if (header.type === TarType.OldFile) header.type = header.name.endsWith('/') ? TarType.Directory : TarType.File;
    return header;
  }
}

function applyPaxRecord(h: TarHeader, key: string, value: Buffer, offset: number): void {
  const text = () => value.toString('utf8');
  switch (key) {
    case 'path':
      h.name = decodeName(value);
      return;
    case 'linkpath':
      h.linkname = decodeName(value);
      return;
    case 'uname':
      h.uname = decodeName(value);
      return;
    case 'gname':
      h.gname = decodeName(value);
      return;
    case 'size':
      h.size = paxInteger(text(), key, offset);
      return;
    case 'uid':
      h.uid = paxInteger(text(), key, offset);
      return;
    case 'gid':
      h.gid = paxInteger(text(), key, offset);
      return;
    case 'mtime':
      [h.mtime, h.mtimeNsec] = parsePaxTime(text(), offset);
      return;
  }
  if (key.startsWith('SCHILY.xattr.')) h.xattrs.set(key.slice('SCHILY.xattr.'.length), value);
  // Everything else (atime, ctime, comment, charset, vendor keys) does not affect extraction.
}

function paxInteger(s: string, key: string, offset: number): number {
  const n = Number(s);
  if (!/^[0-9]+$/.test(s) || !Number.isSafeInteger(n)) {
    throw new InvalidInputError(`tar extended header at byte offset ${offset} has an invalid ${key} "${s}"`);
  }
  return n;
}

/** "SECONDS[.FRACTION]", possibly negative, into whole seconds (floor) and nanoseconds. */
export function parsePaxTime(s: string, offset: number): [number, number] {
  const m = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(s);
  const whole = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(whole)) throw new InvalidInputError(`tar extended header at byte offset ${offset} has an invalid mtime "${s}"`);
  const nsec = Number((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  if (m[1] !== '-') return [whole, nsec];
  return nsec === 0 ? [-whole, 0] : [-whole - 1, 1e9 - nsec];
}

function truncated(offset: number, wanted: number): InvalidInputError {
  return new InvalidInputError(`tar archive is truncated: input ended at byte offset ${offset} while ${wanted} more bytes were expected`);
}

/** The data of one entry, handed out as chunks straight from the source. */
class EntryBody implements AsyncIterable<Buffer> {
  private remaining: number;
  private started = false;
  private closed = false;
  constructor(private readonly src: ByteSource, readonly size: number) {
    this.remaining = size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.started) throw new Error('tar entry data can only be read once');
    this.started = true;
    while (this.remaining > 0) {
      if (this.closed) throw new Error('tar entry data read after moving on to the next entry');
      const chunk = await this.src.readSome(Math.min(this.remaining, MAX_DATA_CHUNK));
      if (chunk === null) throw truncated(this.src.offset, this.remaining);
      this.remaining -= chunk.length;
      yield chunk;
    }
  }

  /** Skips whatever the consumer did not read. */
  async finish(): Promise<void> {
    this.closed = true;
    const n = this.remaining;
    this.remaining = 0;
    await this.src.skip(n);
  }
}

/** Pull-based byte reader over an async iterable, tracking the stream offset for error messages. */
class ByteSource {
  private readonly it: AsyncIterator<Buffer | Uint8Array>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** bytes handed out so far */
  offset = 0;

  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    if (b.length > 0) {
      this.chunks.push(b);
      this.buffered += b.length;
    }
    return true;
  }

  /** Exactly n bytes; null if the input ended before the first of them; throws if it ended part-way. */
  async readExact(n: number): Promise<Buffer | null> {
    while (this.buffered < n) {
      if (!(await this.pull())) {
        if (this.buffered === 0) return null;
        throw truncated(this.offset + this.buffered, n - this.buffered);
      }
    }
    return this.take(n);
  }

  /** Between 1 and max bytes without copying; null at end of input. */
  async readSome(max: number): Promise<Buffer | null> {
    while (this.buffered === 0) {
      if (!(await this.pull())) return null;
    }
    return this.take(Math.min(max, this.chunks[0].length));
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const chunk = await this.readSome(left);
      if (chunk === null) throw truncated(this.offset, left);
      left -= chunk.length;
    }
  }

  async drain(): Promise<void> {
    this.offset += this.buffered;
    this.chunks = [];
    this.buffered = 0;
    while (await this.pull()) {
      this.offset += this.buffered;
      this.chunks = [];
      this.buffered = 0;
    }
  }

  /** Lets the source release its resources when reading stops early (consumer break or error). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }

  private take(n: number): Buffer {
    this.offset += n;
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const use = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, use);
      filled += use;
      if (use === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(use);
    }
    return out;
  }
}
