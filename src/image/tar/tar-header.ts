// The tar header block: field layout, type flags, numeric fields (octal and GNU base-256), checksums,
// and the byte<->string mapping for names. Shared by the reader and the writer so both agree on every
// field; policy (what an entry may contain) lives in the layer sanitizer, not here.
import {InvalidInputError} from '../../errors';

export const BLOCK_SIZE = 512;

/** Type flags (one ASCII character at header byte 156). */
export const TarType = {
  File: '0',
  /** pre-POSIX regular file ('\0'); the reader reports it as File */
  OldFile: '\0',
  HardLink: '1',
  Symlink: '2',
  CharDevice: '3',
  BlockDevice: '4',
  Directory: '5',
  Fifo: '6',
  Contiguous: '7',
  PaxHeader: 'x',
  PaxGlobal: 'g',
  /** Solaris' name for a per-file extended header */
  SolarisPax: 'X',
  GnuLongName: 'L',
  GnuLongLink: 'K',
  GnuSparse: 'S',
} as const;

/** Entry types whose header is never followed by data, whatever the size field says (as Go and Python read them). */
export const HEADER_ONLY_TYPES: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6']);

/** One archive member as the reader reports it and the writer accepts it. */
export interface TarHeader {
  name: string;
  /** type flag character, see TarType */
  type: string;
  /** permission bits including setuid/setgid/sticky (12 bits) */
  mode: number;
  uid: number;
  gid: number;
  /** bytes of data that follow the header */
  size: number;
  /** whole seconds since the epoch (floor, so negative times keep a positive mtimeNsec) */
  mtime: number;
  /** nanoseconds past `mtime`, 0..999999999; only PAX headers carry them */
  mtimeNsec: number;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** extended attributes by name (from SCHILY.xattr.*), values are raw bytes */
  xattrs: Map<string, Buffer>;
}

/** What a header block says on its own, before extended headers are applied. */
export interface RawHeader {
  name: Buffer;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: Buffer;
  uname: Buffer;
  gname: Buffer;
  devmajor: number;
  devminor: number;
  format: 'ustar' | 'gnu' | 'v7';
}

export interface Field {
  readonly off: number;
  readonly len: number;
}

/** Byte ranges of the ustar header fields. */
export const F = {
  name: {off: 0, len: 100},
  mode: {off: 100, len: 8},
  uid: {off: 108, len: 8},
  gid: {off: 116, len: 8},
  size: {off: 124, len: 12},
  mtime: {off: 136, len: 12},
  chksum: {off: 148, len: 8},
  type: {off: 156, len: 1},
  linkname: {off: 157, len: 100},
  magic: {off: 257, len: 6},
  version: {off: 263, len: 2},
  uname: {off: 265, len: 32},
  gname: {off: 297, len: 32},
  devmajor: {off: 329, len: 8},
  devminor: {off: 337, len: 8},
  prefix: {off: 345, len: 155},
} as const satisfies Record<string, Field>;

const USTAR_MAGIC = Buffer.from('ustar\0', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \0', 'latin1');

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** Bytes of padding that follow `size` bytes of data to reach a block boundary. */
export function paddingLength(size: number): number {
  const rem = size % BLOCK_SIZE;
  return rem === 0 ? 0 : BLOCK_SIZE - rem;
}

// ---------------------------------------------------------------------------------------------------
// Decoding

function fieldBytes(block: Buffer, f: Field): Buffer {
  return block.subarray(f.off, f.off + f.len);
}

/** A NUL-terminated (or full-width) string field, as raw bytes. */
function cString(block: Buffer, f: Field): Buffer {
  const b = fieldBytes(block, f);
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

/**
 * Parses a numeric field: octal digits (optionally space-padded, space/NUL terminated), or GNU base-256
 * when the high bit of the first byte is set (big-endian two's complement of the remaining bits).
 */
export function parseNumeric(b: Buffer, what: string, offset: number): number {
  if (b.length > 0 && (b[0] & 0x80) !== 0) return parseBase256(b, what, offset);
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0)) i++;
  let value = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw new InvalidInputError(`tar header at byte offset ${offset}: ${what} field is not an octal number`);
    value = value * 8 + (c - 0x30);
  }
  // Anything but padding after the terminator means the field is garbage, not a number.
  for (; i < b.length; i++) {
    if (b[i] !== 0x20 && b[i] !== 0) throw new InvalidInputError(`tar header at byte offset ${offset}: ${what} field is not an octal number`);
  }
  if (!Number.isSafeInteger(value)) throw new InvalidInputError(`tar header at byte offset ${offset}: ${what} field is too large`);
  return value;
}

function parseBase256(b: Buffer, what: string, offset: number): number {
  let v = BigInt(b[0] & 0x7f);
  for (let i = 1; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  if ((b[0] & 0x40) !== 0) v -= 1n << BigInt(b.length * 8 - 1);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidInputError(`tar header at byte offset ${offset}: ${what} field is too large`);
  }
  return Number(v);
}

/** Sum of the block's bytes with the checksum field counted as spaces; historic tars summed signed chars. */
export function computeChecksums(block: Buffer): {unsigned: number; signed: number} {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const inField = i >= F.chksum.off && i < F.chksum.off + F.chksum.len;
    const c = inField ? 0x20 : block[i];
    unsigned += c;
    signed += c >= 0x80 ? c - 0x100 : c;
  }
  return {unsigned, signed};
}

function formatOf(block: Buffer): RawHeader['format'] {
  if (fieldBytes(block, {off: 257, len: 8}).equals(GNU_MAGIC)) return 'gnu';
  if (fieldBytes(block, F.magic).equals(USTAR_MAGIC)) return 'ustar';
  return 'v7';
}

function checkChecksum(block: Buffer, offset: number): void {
  let stored: number | string;
  try {
    stored = parseNumeric(fieldBytes(block, F.chksum), 'checksum', offset);
  } catch {
    stored = JSON.stringify(fieldBytes(block, F.chksum).toString('latin1'));
  }
  const sums = computeChecksums(block);
  if (stored !== sums.unsigned && stored !== sums.signed) {
    throw new InvalidInputError(
      `tar header at byte offset ${offset} has a bad checksum (stored ${stored}, computed ${sums.unsigned}); the archive is corrupt or not a tar file`,
    );
  }
}

/** Decodes one non-zero header block; throws InvalidInputError naming `offset` if it is not a valid header. */
export function decodeHeader(block: Buffer, offset: number): RawHeader {
  checkChecksum(block, offset);
  const format = formatOf(block);
  const num = (f: Field, what: string) => parseNumeric(fieldBytes(block, f), what, offset);
  let name = cString(block, F.name);
  // Only POSIX ustar has a prefix field; in old-GNU headers the same bytes hold atime/ctime/sparse data.
  if (format === 'ustar') {
    const prefix = cString(block, F.prefix);
    if (prefix.length > 0) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  }
  const hasOwnerNames = format !== 'v7';
  return {
    name,
    type: String.fromCharCode(block[F.type.off]),
    mode: num(F.mode, 'mode'),
    uid: num(F.uid, 'uid'),
    gid: num(F.gid, 'gid'),
    size: num(F.size, 'size'),
    mtime: num(F.mtime, 'mtime'),
    linkname: cString(block, F.linkname),
    uname: hasOwnerNames ? cString(block, F.uname) : Buffer.alloc(0),
    gname: hasOwnerNames ? cString(block, F.gname) : Buffer.alloc(0),
    devmajor: hasOwnerNames ? num(F.devmajor, 'devmajor') : 0,
    devminor: hasOwnerNames ? num(F.devminor, 'devminor') : 0,
    format,
  };
}

// ---------------------------------------------------------------------------------------------------
// Encoding

/** Largest value an octal field of `len` bytes holds (len-1 digits and a NUL). */
export function octalLimit(len: number): number {
  return 8 ** (len - 1) - 1;
}

/** Writes `value` as zero-padded octal; returns false (writing nothing) if it does not fit. */
function writeOctal(block: Buffer, f: Field, value: number): boolean {
  if (!Number.isInteger(value) || value < 0 || value > octalLimit(f.len)) return false;
  block.write(value.toString(8).padStart(f.len - 1, '0'), f.off, f.len - 1, 'latin1');
  block[f.off + f.len - 1] = 0;
  return true;
}

function writeBase256(block: Buffer, f: Field, value: number): void {
  let v = BigInt(Math.trunc(value));
  const bits = BigInt(f.len * 8 - 1);
  if (v < 0n) v += 1n << bits;
  for (let i = f.len - 1; i >= 1; i--) {
    block[f.off + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[f.off] = 0x80 | Number(v & 0x7fn);
}

/**
 * Writes a numeric field: octal when it fits, else GNU base-256 (which GNU tar reads in any format).
 * Returns whether octal was enough, so the writer knows to add a PAX record as well.
 */
export function writeNumeric(block: Buffer, f: Field, value: number): boolean {
  if (writeOctal(block, f, value)) return true;
  writeBase256(block, f, value);
  return false;
}

export interface UstarFields {
  name: Buffer;
  prefix: Buffer;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: Buffer;
  uname: Buffer;
  gname: Buffer;
  devmajor: number;
  devminor: number;
}

/** Encodes a ustar header block. Byte fields must already fit; numbers that do not fit octal go base-256. */
export function encodeUstarBlock(h: UstarFields): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  putBytes(block, F.name, h.name);
  putBytes(block, F.prefix, h.prefix);
  writeNumeric(block, F.mode, h.mode);
  writeNumeric(block, F.uid, h.uid);
  writeNumeric(block, F.gid, h.gid);
  writeNumeric(block, F.size, h.size);
  writeNumeric(block, F.mtime, h.mtime);
  block.write(h.type, F.type.off, 1, 'latin1');
  putBytes(block, F.linkname, h.linkname);
  USTAR_MAGIC.copy(block, F.magic.off);
  block.write('00', F.version.off, 2, 'latin1');
  putBytes(block, F.uname, h.uname);
  putBytes(block, F.gname, h.gname);
  writeNumeric(block, F.devmajor, h.devmajor);
  writeNumeric(block, F.devminor, h.devminor);
  const {unsigned} = computeChecksums(block);
  block.write(unsigned.toString(8).padStart(6, '0'), F.chksum.off, 6, 'latin1');
  block[F.chksum.off + 6] = 0;
  block[F.chksum.off + 7] = 0x20;
  return block;
}

function putBytes(block: Buffer, f: Field, bytes: Buffer): void {
  if (bytes.length > f.len) throw new RangeError(`tar field at ${f.off} holds ${f.len} bytes, got ${bytes.length}`);
  bytes.copy(block, f.off);
}

// ---------------------------------------------------------------------------------------------------
// Names: tar stores bytes, JavaScript has strings. Valid UTF-8 decodes as usual; any byte that is not
// part of valid UTF-8 becomes a lone surrogate U+DC80..U+DCFF (Python's "surrogateescape"), so that
// names which are not UTF-8 still round-trip to the exact same bytes.

const strictUtf8 = new TextDecoder('utf-8', {fatal: true});

export function decodeName(bytes: Buffer): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return bytes.toString('latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeEscaped(bytes);
  }
}

function decodeEscaped(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i += 1;
    } else {
      out += bytes.subarray(i, i + n).toString('utf8');
      i += n;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if the byte there does not start one. */
function utf8SequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  let cp: number;
  if (c >= 0xc2 && c <= 0xdf) [n, min, cp] = [2, 0x80, c & 0x1f];
  else if (c >= 0xe0 && c <= 0xef) [n, min, cp] = [3, 0x800, c & 0x0f];
  else if (c >= 0xf0 && c <= 0xf4) [n, min, cp] = [4, 0x10000, c & 0x07];
  else return 0;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) {
    const cc = b[i + k];
    if ((cc & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

export function encodeName(s: string): Buffer {
  if (!/[\udc80-\udcff]/.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pairedLow = i > 0 && isHighSurrogate(s.charCodeAt(i - 1));
    if (c >= 0xdc80 && c <= 0xdcff && !pairedLow) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([c - 0xdc00]));
      run = '';
    } else {
      run += s[i];
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
