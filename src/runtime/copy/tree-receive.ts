// Lays a `cp` tar stream out at its destination: decides where the top entry goes (copy-paths rules),
// then creates each entry without ever writing through a symlink below that point (each parent is
// checked to be a real directory, files are created O_EXCL|O_NOFOLLOW after the old entry is removed).
// Runs on the host for copies out (files become the user's) and inside the copier, chrooted into the
// container, for copies in (files get the ids asked for). Directory metadata is set last, deepest first,
// so a read-only directory can still be filled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import {InvalidInputError, NoSuchObjectError} from '../../errors';
import {TarType} from '../../image/tar/tar-header';
import {normalizeEntryPath} from '../../image/tar/layer-sanitizer';
import type {TarEntry} from '../../image/tar/tar-reader';
import {copyTarget, type DestState} from './copy-paths';

export interface ReceiveOptions {
  /** replace a directory by a non-directory and the other way round (cp --overwrite) */
  overwrite: boolean;
  /** SRC ended in "/.": a directory's contents go into an existing DEST */
  contentsOnly: boolean;
  /** the stream is a plain archive whose members are laid out inside DEST, a directory (cp - CTR:DIR) */
  archive: boolean;
  /** owner of every entry: fixed ids, the entry's own ids, or none (leave them to whoever writes) */
  owner?: {uid: number; gid: number} | 'entry';
  /** ids above this are not mapped where the files land: such an entry is given to root instead */
  maxId?: number;
  /** keep setuid/setgid bits (not on the host side) */
  keepSpecialBits: boolean;
}

export interface ReceiveResult {
  entries: number;
  skipped: string[];
}

const FILE_TYPES = new Set<string>([TarType.File, TarType.OldFile, TarType.Contiguous]);

function destState(p: string): DestState {
  const kind = (q: string) => {
    try {
      return fs.statSync(q).isDirectory() ? 'dir' as const : 'other' as const;
    } catch {
      return undefined;
    }
  };
  const stripped = p.replace(/\/+$/, '').replace(/\/\.$/, '') || '/';
  return {path: p, existing: kind(p.endsWith('/') || p.endsWith('/.') ? stripped : p) ?? undefined, parentIsDir: kind(path.posix.dirname(stripped)) === 'dir'};
}

export async function receiveTree(entries: AsyncIterable<TarEntry>, dest: string, o: ReceiveOptions): Promise<ReceiveResult> {
  const r = new Receiver(o);
  if (o.archive) {
    const st = destState(dest);
    if (st.existing !== 'dir') throw new NoSuchObjectError(`"${dest}" is not a directory: an archive can only be copied into a directory`, {hint: 'create the directory first'});
    const base = fs.realpathSync(dest);
    for await (const e of entries) {
      const rel = normalizeEntryPath(e.name);
      if (rel === '') continue; // the archive's root stands for DEST itself, which is kept as it is
      await r.place(e, base, rel, (l) => path.join(base, normalizeEntryPath(l)));
    }
    return r.finish();
  }
  let top: string | undefined;
  let base = '';
  for await (const e of entries) {
    const name = e.name.replace(/\/+$/, '').replace(/^\.\//, '');
    if (top === undefined) {
      top = name;
      const target = copyTarget({isDir: e.type === TarType.Directory, contentsOnly: o.contentsOnly, name: path.posix.basename(name) || '.'}, destState(dest));
      // An existing destination is reached through its symlinks (inside the container the copier is
      // chrooted, so they resolve there): a directory is merged into, a file replaced where it is.
      base = target;
      try {
        base = fs.realpathSync(target);
      } catch {
        // not there yet
      }
      await r.place(e, path.dirname(base), path.basename(base), () => undefined);
      continue;
    }
    const rel = top === '.' ? normalizeEntryPath(name) : name.startsWith(`${top}/`) ? normalizeEntryPath(name.slice(top.length + 1)) : undefined;
    if (rel === undefined || rel === '') throw new InvalidInputError(`copy stream entry "${e.name}" is outside its top directory "${top}"`, {hint: 'the stream is corrupt'});
    const t = top;
    await r.place(e, base, rel, (l) => {
      const lr = t === '.' ? normalizeEntryPath(l) : l.startsWith(`${t}/`) ? normalizeEntryPath(l.slice(t.length + 1)) : undefined;
      return lr === undefined ? undefined : path.join(base, lr);
    });
  }
  if (top === undefined) throw new InvalidInputError('the copy stream is empty', {hint: 'nothing was copied'});
  return r.finish();
}

class Receiver {
  private readonly created = new Set<string>();
  private readonly dirs: {p: string; e: TarEntry}[] = [];
  private readonly skipped: string[] = [];
  private count = 0;

  constructor(private readonly o: ReceiveOptions) {}

  /** Writes entry `e` at base/rel; `linkTarget` maps a hard link's name to where its target was written. */
  async place(e: TarEntry, base: string, rel: string, linkTarget: (name: string) => string | undefined): Promise<void> {
    this.count++;
    const t = path.join(base, rel);
    this.checkParents(base, rel);
    const old = lstat(t);
    const isDir = e.type === TarType.Directory;
    if (old && old.isDirectory() !== isDir) {
      if (!this.o.overwrite) {
        throw new InvalidInputError(isDir ? `cannot overwrite non-directory "${t}" with directory` : `cannot overwrite directory "${t}" with non-directory`,
          {hint: 'add --overwrite to replace it'});
      }
      fs.rmSync(t, {recursive: true, force: true});
    } else if (old && !isDir) {
      fs.unlinkSync(t);
    }
    if (isDir) {
      if (!old || !old.isDirectory()) fs.mkdirSync(t, {mode: 0o700});
      this.dirs.push({p: t, e});
      return;
    }
    if (FILE_TYPES.has(e.type)) {
      const fd = fs.openSync(t, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
      await pipeline(Readable.from(e.data), fs.createWriteStream('', {fd, autoClose: true}));
      this.created.add(t);
    } else if (e.type === TarType.Symlink) {
      fs.symlinkSync(e.linkname, t);
    } else if (e.type === TarType.HardLink) {
      const target = linkTarget(e.linkname);
      if (target === undefined || !this.created.has(target)) {
        throw new InvalidInputError(`copy stream entry "${e.name}" links to "${e.linkname}", which is not a file copied before it`, {hint: 'the stream is corrupt or hostile'});
      }
      fs.linkSync(target, t);
      return; // shares the target's metadata
    } else {
      this.skipped.push(e.name); // devices and fifos: not copied
      return;
    }
    this.meta(t, e);
  }

  finish(): ReceiveResult {
    for (const d of this.dirs.reverse()) this.meta(d.p, d.e);
    return {entries: this.count, skipped: this.skipped};
  }

  /** Each directory between base and the entry must be a real directory (never a symlink). */
  private checkParents(base: string, rel: string): void {
    const parts = rel.split('/');
    let p = base;
    for (const c of parts.slice(0, -1)) {
      p = path.join(p, c);
      const st = lstat(p);
      if (!st) throw new NoSuchObjectError(`copy stream entry "${rel}" has no parent directory "${p}"`, {hint: 'the stream must list a directory before its contents'});
      if (!st.isDirectory()) throw new InvalidInputError(`refusing to write "${rel}" through "${p}", which is not a directory`, {hint: 'a symlink on the way would lead elsewhere'});
    }
  }

  private meta(t: string, e: TarEntry): void {
    const symlink = e.type === TarType.Symlink;
    if (this.o.owner) {
      let [uid, gid] = this.o.owner === 'entry' ? [e.uid, e.gid] : [this.o.owner.uid, this.o.owner.gid];
      if (this.o.maxId !== undefined && (uid > this.o.maxId || gid > this.o.maxId)) [uid, gid] = [0, 0];
      try {
        fs.lchownSync(t, uid, gid);
      } catch {
        fs.lchownSync(t, 0, 0); // an id this user namespace does not map: root rather than an unmapped owner
      }
    }
    if (!symlink) fs.chmodSync(t, e.mode & (this.o.keepSpecialBits ? 0o7777 : 0o1777));
    const when = e.mtime + e.mtimeNsec / 1e9;
    if (symlink) fs.lutimesSync(t, when, when);
    else fs.utimesSync(t, when, when);
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
