// Volume records: volumes/<name>/volume.json (written atomically) beside volumes/<name>/_data, the
// directory containers mount. A volume is built under `.creating-PID-*` and renamed into place, and
// removed by renaming it to `.removing-PID-*` first, so readers never see half a volume. The volumes lock
// ($runroot/locks/volumes) guards the table: create, remove and "is it in use" decisions happen under it,
// and container creation takes it (after the images lock) while it names the volumes it uses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {InvalidInputError, NameInUseError, NoSuchObjectError} from '../errors';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {entriesOfDeadWriters} from '../storage/dead-writers';
import {VOLUME_NAME_RE} from '../runtime/mount-options';

export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  /** made for one container (-v /path, an image VOLUME); rm -v and --rm remove it with that container */
  Anonymous: boolean;
  /** the first container to mount it copies the image's content at the mount point into it */
  NeedsCopyUp: boolean;
  /** the first container to mount it gives it to the container's user (and the image directory's mode) */
  NeedsChown: boolean;
  /** owner asked for with --opt o=uid=N,gid=N */
  UID?: number;
  GID?: number;
}

export interface NewVolume {
  name?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  anonymous?: boolean;
}

export class VolumeStore {
  readonly dir: string;
  readonly lockFile: string;

  constructor(root: string, lockDir: string) {
    this.dir = path.join(root, 'volumes');
    this.lockFile = path.join(lockDir, 'volumes');
  }

  volumeDir(name: string): string {
    return path.join(this.dir, name);
  }

  /** The directory containers mount (Podman's Mountpoint). */
  dataDir(name: string): string {
    return path.join(this.dir, name, '_data');
  }

  get(name: string): VolumeRecord | undefined {
    if (!VOLUME_NAME_RE.test(name)) return undefined;
    return readJson<VolumeRecord>(path.join(this.dir, name, 'volume.json'));
  }

  exists(name: string): boolean {
    return this.get(name) !== undefined;
  }

  resolve(name: string): VolumeRecord {
    const v = this.get(name);
    if (!v) throw new NoSuchObjectError(`no volume with name "${name}" found: no such volume`, {hint: 'list volumes with `burrow volume ls`'});
    return v;
  }

  list(): VolumeRecord[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return entries.filter((e) => !e.startsWith('.')).map((e) => this.get(e)).filter((v): v is VolumeRecord => v !== undefined)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** Creates the volume; the caller holds the volumes lock. `ignoreExisting` returns an existing one instead. */
  createLocked(o: NewVolume, ignoreExisting = false): VolumeRecord {
    const name = o.name ?? randomBytes(32).toString('hex');
    if (!VOLUME_NAME_RE.test(name)) {
      throw new InvalidInputError(`invalid volume name "${name}"`, {hint: 'volume names match [a-zA-Z0-9][a-zA-Z0-9_.-]*'});
    }
    const existing = this.get(name);
    if (existing) {
      if (ignoreExisting) return existing;
      throw new NameInUseError(`volume with name ${name} already exists: volume already exists`, {hint: 'choose another name, or pass --ignore'});
    }
    const owner = parseOwner(o.options ?? {});
    const rec: VolumeRecord = {
      Name: name, Driver: 'local', CreatedAt: new Date().toISOString(), Labels: o.labels ?? {}, Options: o.options ?? {},
      Anonymous: o.anonymous === true, NeedsCopyUp: true, NeedsChown: owner === undefined, ...(owner ?? {}),
    };
    fs.mkdirSync(this.dir, {recursive: true});
    const tmp = path.join(this.dir, `.creating-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      fs.mkdirSync(path.join(tmp, '_data'), {recursive: true, mode: 0o755});
      fs.chmodSync(path.join(tmp, '_data'), 0o755);
      writeJsonAtomic(path.join(tmp, 'volume.json'), rec);
      fs.renameSync(tmp, this.volumeDir(name));
    } catch (e) {
      fs.rmSync(tmp, {recursive: true, force: true});
      throw e;
    }
    return rec;
  }

  /** Rewrites the record (under the volumes lock): the first mount clears NeedsCopyUp/NeedsChown. */
  update(rec: VolumeRecord): void {
    writeJsonAtomic(path.join(this.volumeDir(rec.Name), 'volume.json'), rec);
  }

  /** Makes the volume vanish for readers (rename); returns the directory left to delete as namespaced root. */
  detachLocked(name: string): string {
    const doomed = path.join(this.dir, `.removing-${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.renameSync(this.volumeDir(name), doomed);
    return doomed;
  }

  /** Temp directories of creators, removers and importers that died. */
  leftovers(isAlive: (pid: number) => boolean): string[] {
    return entriesOfDeadWriters(this.dir, /^\.(?:creating|removing)-(\d+)-/, isAlive);
  }
}

/** --opt o=uid=N,gid=N: the volume's owner (the only mount option a directory volume can honour). */
export function parseOwner(options: Record<string, string>): {UID?: number; GID?: number} | undefined {
  const o = options.o;
  if (o === undefined) return undefined;
  const out: {UID?: number; GID?: number} = {};
  for (const part of o.split(',')) {
    const m = /^(uid|gid)=(\d+)$/.exec(part);
    if (!m) throw new InvalidInputError(`volume option o=${o}: "${part}" is not supported`, {hint: 'burrow volumes are directories: only o=uid=N,gid=N applies'});
    out[m[1] === 'uid' ? 'UID' : 'GID'] = Number(m[2]);
  }
  return out;
}
