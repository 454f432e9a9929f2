// Serializes entries as POSIX ustar headers, preceded by a PAX 'x' header whenever a value does not fit
// ustar (long names, huge sizes or ids, sub-second mtimes, xattrs). Output is deterministic for a given
// header, so the sanitizer's canonical stream depends only on what it decided to emit.
import {InvalidInputError} from '../../errors';
import {
  BLOCK_SIZE,
  F,
  HEADER_ONLY_TYPES,
  TarType,
  encodeName,
  encodeUstarBlock,
  octalLimit,
  paddingLength,
  type TarHeader,
} from './tar-header';

/** A header to write: name and type are required, everything else defaults to zero/empty. */
export type TarHeaderInit = Pick<TarHeader, 'name' | 'type'> & Partial<Omit<TarHeader, 'name' | 'type' | 'xattrs'>> & {
  xattrs?: ReadonlyMap<string, Buffer>;
};

/** Two zero blocks: the end-of-archive marker. Shared: do not modify. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK_SIZE);

/** Zero bytes to write after `size` bytes of entry data. */
export function padding(size: number): Buffer {
  return Buffer.alloc(paddingLength(size));
}

const PAX_HEADER_NAME = Buffer.from('././@PaxHeader');

/**
 * Encodes the header blocks for one entry: [PAX header block, PAX records + padding] when needed, then
 * the ustar block. The caller writes them, then `size` bytes of data, then `padding(size)`.
 * Throws InvalidInputError for values tar cannot represent (empty name, NUL bytes, bad numbers).
 */
export function encodeEntry(init: TarHeaderInit): Buffer[] {
  const h = complete(init);
  validate(h);
  const pax: [string, Buffer][] = [];
  const name = encodeName(h.name);
  const split = splitUstarName(name);
  if (split === null) pax.push(['path', name]);
  const linkname = encodeName(h.linkname);
  if (linkname.length > F.linkname.len) pax.push(['linkpath', linkname]);
  // Non-UTF-8 bytes go into PAX values raw: GNU tar 1.34 ignores "hdrcharset" (and warns about it) but
  // keeps a value it cannot convert as it is.
  const uname = encodeName(h.uname);
  const gname = encodeName(h.gname);
  if (uname.length > F.uname.len) pax.push(['uname', uname]);
  if (gname.length > F.gname.len) pax.push(['gname', gname]);
  if (h.size > octalLimit(F.size.len)) pax.push(['size', Buffer.from(String(h.size))]);
  if (h.uid > octalLimit(F.uid.len)) pax.push(['uid', Buffer.from(String(h.uid))]);
  if (h.gid > octalLimit(F.gid.len)) pax.push(['gid', Buffer.from(String(h.gid))]);
  if (h.mtimeNsec !== 0 || h.mtime < 0 || h.mtime > octalLimit(F.mtime.len)) pax.push(['mtime', Buffer.from(formatPaxTime(h.mtime, h.mtimeNsec))]);
  for (const [key, value] of h.xattrs) pax.push([`SCHILY.xattr.${key}`, value]);

  const ustar = encodeUstarBlock({
    name: split?.name ?? truncateName(name, F.name.len),
    prefix: split?.prefix ?? Buffer.alloc(0),
    type: h.type,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    size: h.size,
    mtime: Math.max(0, h.mtime),
    linkname: linkname.length > F.linkname.len ? truncateName(linkname, F.linkname.len) : linkname,
    uname: uname.length > F.uname.len ? Buffer.alloc(0) : uname,
    gname: gname.length > F.gname.len ? Buffer.alloc(0) : gname,
    devmajor: h.devmajor,
    devminor: h.devminor,
  });
  if (pax.length === 0) return [ustar];
  const body = encodePaxRecords(pax);
  const paxBlock = encodeUstarBlock({
    name: PAX_HEADER_NAME, prefix: Buffer.alloc(0), type: TarType.PaxHeader, mode: 0o644, uid: 0, gid: 0,
    size: body.length, mtime: 0, linkname: Buffer.alloc(0), uname: Buffer.alloc(0), gname: Buffer.alloc(0), devmajor: 0, devminor: 0,
  });
  return [paxBlock, body, padding(body.length), ustar];
}

interface Complete extends Omit<TarHeader, 'xattrs'> {
  xattrs: ReadonlyMap<string, Buffer>;
}

function complete(init: TarHeaderInit): Complete {
  const whole = Math.floor(init.mtime ?? 0);
  // A fractional mtime is accepted for convenience and folded into nanoseconds.
  const nsec = Math.round(((init.mtime ?? 0) - whole) * 1e9) + (init.mtimeNsec ?? 0);
  return {
    name: init.name,
    type: init.type,
    mode: init.mode ?? 0,
    uid: init.uid ?? 0,
    gid: init.gid ?? 0,
    size: HEADER_ONLY_TYPES.has(init.type) ? 0 : init.size ?? 0,
    mtime: whole + Math.floor(nsec / 1e9),
    mtimeNsec: nsec % 1e9,
    linkname: init.linkname ?? '',
    uname: init.uname ?? '',
    gname: init.gname ?? '',
    devmajor: init.devmajor ?? 0,
    devminor: init.devminor ?? 0,
    xattrs: init.xattrs ?? new Map(),
  };
}

function validate(h: Complete): void {
  const bad = (why: string) => new InvalidInputError(`cannot write tar entry "${h.name}": ${why}`);
  if (h.name === '') throw bad('the name is empty');
  if (h.name.includes('\0') || h.linkname.includes('\0')) throw bad('names cannot contain NUL bytes');
  if (h.type.length !== 1) throw bad(`type flag "${h.type}" is not one character`);
  if (!Number.isInteger(h.mode) || h.mode < 0 || h.mode > 0o7777) throw bad(`mode ${h.mode} is not 12 permission bits`);
  for (const [what, v] of [['uid', h.uid], ['gid', h.gid], ['size', h.size], ['devmajor', h.devmajor], ['devminor', h.devminor]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw bad(`${what} ${v} is not a non-negative integer`);
  }
  if (!Number.isSafeInteger(h.mtime)) throw bad(`mtime ${h.mtime} is out of range`);
  for (const key of h.xattrs.keys()) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw bad(`xattr name "${key}" cannot be stored in a PAX header`);
  }
}

/** Splits a name into ustar prefix/name (at a '/'), or returns null if it cannot fit. */
function splitUstarName(name: Buffer): {prefix: Buffer; name: Buffer} | null {
  if (name.length <= F.name.len) return {prefix: Buffer.alloc(0), name};
  if (name.length > F.prefix.len + 1 + F.name.len) return null;
  // The last '/' that leaves a prefix short enough; the name part must be non-empty and fit too.
  for (let i = Math.min(name.length - 2, F.prefix.len); i > 0; i--) {
    if (name[i] !== 0x2f) continue;
    if (name.length - i - 1 > F.name.len) return null;
    return {prefix: name.subarray(0, i), name: name.subarray(i + 1)};
  }
  return null;
}

/**
 * The ustar field under a PAX override is only seen by readers that ignore PAX; cut at a component
 * boundary so that even they never get a partial component such as ".." out of "..foo".
 */
function truncateName(name: Buffer, max: number): Buffer {
  const cut = name.subarray(0, max);
  const slash = cut.lastIndexOf(0x2f);
  return slash > 0 ? cut.subarray(0, slash + 1) : Buffer.from('@LongName');
}

/** "LEN KEY=VALUE\n" records, where LEN counts the whole record in bytes including its own digits. */
export function encodePaxRecords(records: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const keyBytes = encodeName(key);
    const rest = keyBytes.length + value.length + 3; // space, '=', '\n'
    let len = rest + String(rest).length;
    if (String(len).length !== String(rest).length) len = rest + String(len).length;
    parts.push(Buffer.from(`${len} `), keyBytes, Buffer.from('='), value, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

function formatPaxTime(sec: number, nsec: number): string {
  if (nsec === 0) return String(sec);
  // Negative times are written as -(|t|) with a fraction, e.g. sec -2 + 0.5s is "-1.5".
  if (sec < 0) {
    const abs = -(sec + 1);
    return `-${abs}.${String(1e9 - nsec).padStart(9, '0').replace(/0+$/, '')}`;
  }
  return `${sec}.${String(nsec).padStart(9, '0').replace(/0+$/, '')}`;
}
