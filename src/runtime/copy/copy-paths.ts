// `cp`'s path rules, as docker cp and Podman apply them: which argument names a container, and where
// the copied tree lands given what the source is and what the destination already is. Pure: the callers
// look at the filesystems (the host's, or a container's from inside its root) and pass what they saw.
import * as path from 'node:path';
import {InvalidInputError, NoSuchObjectError} from '../../errors';

export interface CopyEndpoint {
  /** container name or id; undefined for a host path (or "-") */
  container?: string;
  path: string;
}

/**
 * "CTR:PATH" names a container; an absolute or ./-relative path, or one without a colon, is a host
 * path (so a host file whose name holds a colon is written ./a:b), as Podman decides.
 */
export function parseCopyEndpoint(arg: string): CopyEndpoint {
  if (arg === '') throw new InvalidInputError('cp: an empty path was given', {hint: 'burrow cp [CONTAINER:]SRC [CONTAINER:]DEST'});
  if (arg.startsWith('/') || arg.startsWith('.') || !arg.includes(':')) return {path: arg};
  const i = arg.indexOf(':');
  const container = arg.slice(0, i);
  const p = arg.slice(i + 1);
  if (container === '') throw new InvalidInputError(`cp: "${arg}" names no container`, {hint: 'write CONTAINER:PATH, or ./PATH for a host file'});
  return {container, path: p === '' ? '/' : p};
}

/** What the source is, as seen where it lives. A symlink that is not followed counts as a file. */
export interface SourceKind {
  isDir: boolean;
  /** SRC ended in "/.": the directory's contents are copied, not the directory itself */
  contentsOnly: boolean;
  /** the name the top entry of the stream carries (the source's base name) */
  name: string;
}

/** What the destination is: undefined when nothing exists there. */
export interface DestState {
  path: string;
  /** what exists at the path (symlinks followed), if anything */
  existing?: 'dir' | 'other';
  /** the parent directory exists */
  parentIsDir: boolean;
}

export function endsWithSlashDot(p: string): boolean {
  return p === '.' || p.endsWith('/.');
}

export function hasTrailingSlash(p: string): boolean {
  return p.length > 1 && p.endsWith('/');
}

/**
 * Where the top entry of the copied tree goes (a directory's children go below it):
 *   file → missing DEST: DEST (DEST/ must exist); existing file: overwritten; existing dir: DEST/NAME
 *   dir  → missing DEST: created, gets the contents; existing file: refused;
 *          existing dir: DEST/NAME, or DEST itself when SRC ends in "/.".
 */
export function copyTarget(src: SourceKind, dest: DestState): string {
  const d = dest.path;
  if (dest.existing === undefined) {
    if (hasTrailingSlash(d) || endsWithSlashDot(d)) throw new NoSuchObjectError(`"${d}" could not be found: no such file or directory`, {hint: 'create the destination directory first'});
    if (!dest.parentIsDir) throw new NoSuchObjectError(`"${path.posix.dirname(stripSlashes(d))}" could not be found: no such file or directory`, {hint: 'the parent directory of the destination must exist'});
    return stripSlashes(d);
  }
  if (dest.existing === 'other') {
    if (src.isDir) throw new InvalidInputError(`cannot copy a directory to a file: "${d}" is not a directory`, {hint: 'give a directory, or a path that does not exist yet'});
    if (hasTrailingSlash(d)) throw new InvalidInputError(`"${d}" is not a directory`, {hint: 'drop the trailing slash to overwrite the file'});
    return stripSlashes(d);
  }
  if (src.isDir && src.contentsOnly) return stripSlashes(d);
  return path.posix.join(stripSlashes(d), src.name);
}

function stripSlashes(p: string): string {
  const s = p.replace(/\/+$/, '').replace(/\/\.$/, '');
  return s === '' ? '/' : s;
}

/** The base name a source path contributes ("/a/b/" → "b", "/a/b/." → "b", "/" → "."). */
export function sourceName(p: string): string {
  const s = p.replace(/\/\.$/, '').replace(/\/+$/, '');
  const b = path.posix.basename(s);
  return b === '' || b === '.' || b === '..' ? '.' : b;
}
