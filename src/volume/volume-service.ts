// The `volume` verbs: create, ls, inspect, rm, prune, exists, export, import. "In use" means some
// container's config names the volume; it is checked again under the volumes lock right before a volume
// goes, and container creation names its volumes under the same lock, so neither can slip past the other.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError, InvalidStateError} from '../errors';
import type {EngineContext} from '../engine/context';
import type {ContainerManager} from '../runtime/container-manager';
import {isRunning, observedState} from '../runtime/container-state';
import {withLock} from '../storage/lock';
import {isAlive} from '../../rootless/proc';
import {goMap} from '../format/go-map';
import type {VolumeRecord} from './volume-store';
import {chownThroughMapping} from './id-chown';

export interface CreateVolumeOptions {
  name?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  driver?: string;
  ignoreExisting?: boolean;
}

export interface VolumeRemoveReport {
  name: string;
  removedContainers: string[];
}

export class VolumeService {
  constructor(private readonly ctx: EngineContext, private readonly containers: ContainerManager) {}

  async create(o: CreateVolumeOptions): Promise<VolumeRecord> {
    await this.ctx.ready();
    if (o.driver !== undefined && o.driver !== 'local') throw new InvalidInputError(`volume driver "${o.driver}" is not available`, {hint: 'burrow has the local driver only (--driver local)'});
    for (const k of Object.keys(o.options ?? {})) {
      if (k !== 'o') throw new InvalidInputError(`volume option "${k}" is not supported`, {hint: 'burrow volumes are directories in its storage: only --opt o=uid=N,gid=N applies'});
    }
    return withLock(this.ctx.volumes.lockFile, async () => {
      const existed = o.name !== undefined && this.ctx.volumes.exists(o.name);
      const rec = this.ctx.volumes.createLocked({name: o.name, labels: o.labels, options: o.options}, o.ignoreExisting);
      if (!existed && (rec.UID !== undefined || rec.GID !== undefined)) {
        try {
          await chownThroughMapping(this.ctx.priv, this.ctx.volumes.dataDir(rec.Name), {uid: rec.UID ?? 0, gid: rec.GID ?? 0});
        } catch (e) {
          await this.deleteLocked(rec.Name);
          throw e;
        }
      }
      return rec;
    }, 'volumes');
  }

  exists(name: string): boolean {
    return this.ctx.volumes.exists(name);
  }

  /** Podman's `volume inspect` object. */
  view(rec: VolumeRecord, running = this.runningUsers()): Record<string, unknown> {
    return {
      Name: rec.Name, Driver: rec.Driver, Mountpoint: this.ctx.volumes.dataDir(rec.Name), CreatedAt: rec.CreatedAt, Labels: goMap({...rec.Labels}),
      Scope: 'local', Options: goMap({...rec.Options}), ...(rec.UID !== undefined ? {UID: rec.UID} : {}), ...(rec.GID !== undefined ? {GID: rec.GID} : {}),
      ...(rec.Anonymous ? {Anonymous: true} : {}), MountCount: running.get(rec.Name) ?? 0,
      ...(rec.NeedsCopyUp ? {NeedsCopyUp: true} : {}), ...(rec.NeedsChown ? {NeedsChown: true} : {}),
    };
  }

  async inspect(name: string): Promise<Record<string, unknown>> {
    await this.ctx.ready();
    return this.view(this.ctx.volumes.resolve(name));
  }

  async list(filters: string[]): Promise<{json: object[]; rows: object[]}> {
    await this.ctx.ready();
    const match = compileVolumeFilters(filters, () => this.usedNames());
    const running = this.runningUsers();
    const json = this.ctx.volumes.list().filter(match).map((v) => this.view(v, running));
    return {json, rows: json.map((j) => ({...j, Labels: j.Labels, Options: j.Options}))};
  }

  /** Ids of containers whose config names the volume. */
  users(name: string): string[] {
    return this.ctx.containers.list().filter((v) => (v.config.mounts ?? []).some((m) => m.type === 'volume' && m.source === name)).map((v) => v.config.id);
  }

  private usedNames(): Set<string> {
    return new Set(this.ctx.containers.list().flatMap((v) => (v.config.mounts ?? []).filter((m) => m.type === 'volume').map((m) => m.source)));
  }

  /** Running containers per volume (Podman's MountCount). */
  private runningUsers(): Map<string, number> {
    const out = new Map<string, number>();
    for (const v of this.ctx.containers.list()) {
      if (!isRunning(observedState(v, this.ctx.exitDir))) continue;
      for (const m of v.config.mounts ?? []) if (m.type === 'volume') out.set(m.source, (out.get(m.source) ?? 0) + 1);
    }
    return out;
  }

  async remove(name: string, opts: {force?: boolean; time?: number}): Promise<VolumeRemoveReport> {
    await this.ctx.ready();
    const rec = this.ctx.volumes.resolve(name);
    const removed: string[] = [];
    const users = this.users(rec.Name);
    if (users.length > 0) {
      if (!opts.force) {
        throw new InvalidStateError(`volume ${rec.Name} is being used by the following container(s): ${users.join(', ')}: volume is being used`,
          {exitCode: 2, hint: `remove those containers first, or: burrow volume rm -f ${rec.Name}`});
      }
      for (const id of users) {
        if (opts.time !== undefined) await this.containers.stop(id, opts.time).catch(() => undefined);
        removed.push(await this.containers.remove(id, {force: true}));
      }
    }
    await withLock(this.ctx.volumes.lockFile, async () => {
      if (this.users(rec.Name).length > 0) throw new InvalidStateError(`volume ${rec.Name} gained a container while being removed`, {exitCode: 2, hint: 'try again'});
      this.ctx.volumes.resolve(rec.Name);
      await this.deleteLocked(rec.Name);
    }, 'volumes');
    return {name: rec.Name, removedContainers: removed};
  }

  /** Removes every volume no container names (and that the filters match). */
  async prune(filters: string[]): Promise<string[]> {
    await this.ctx.ready();
    const match = compileVolumeFilters(filters, () => this.usedNames());
    return withLock(this.ctx.volumes.lockFile, async () => {
      const used = this.usedNames();
      const out: string[] = [];
      for (const v of this.ctx.volumes.list()) {
        if (used.has(v.Name) || !match(v)) continue;
        await this.deleteLocked(v.Name);
        out.push(v.Name);
      }
      return out;
    }, 'volumes');
  }

  /** Caller holds the volumes lock. The volume vanishes at once; its files (owned by subordinate ids) go as namespaced root. */
  private async deleteLocked(name: string): Promise<void> {
    const doomed = this.ctx.volumes.detachLocked(name);
    await this.ctx.priv.run(['rm', '-rf', '--one-file-system', '--', doomed]);
    for (const dir of this.ctx.volumes.leftovers(isAlive)) await this.ctx.priv.run(['rm', '-rf', '--one-file-system', '--', dir]).catch(() => undefined);
  }

  /** `volume export`: a tar of the volume's content (numeric owners as the container sees them). */
  async exportVolume(name: string, o: {output?: string; stdout?: NodeJS.WritableStream}): Promise<void> {
    await this.ctx.ready();
    const {tarInto} = require('../image/archive/rootfs-export') as typeof import('../image/archive/rootfs-export');
    const {toFile, toStream} = require('../image/archive/archive-save') as typeof import('../image/archive/archive-save');
    const data = this.ctx.volumes.dataDir(this.ctx.volumes.resolve(name).Name);
    const fill = (fd: number) => tarInto(this.ctx, data, fd);
    if (o.output) await toFile(path.resolve(o.output), fill);
    else await toStream(this.ctx, o.stdout ?? process.stdout, fill, 'export');
  }

  /**
   * `volume import`: the tar is checked as a hostile layer and extracted, as namespaced root, into an
   * empty staging directory; that tree (every directory explicit, so a symlink already in the volume is
   * replaced rather than followed) is then merged into the volume, the archive's files winning.
   */
  async importVolume(name: string, source: AsyncIterable<Buffer>): Promise<void> {
    await this.ctx.ready();
    const rec = this.ctx.volumes.resolve(name);
    const staging = path.join(this.ctx.volumes.dir, `.creating-${process.pid}-import-${Date.now().toString(36)}`);
    fs.mkdirSync(staging, {mode: 0o700});
    try {
      await this.ctx.layers.untarChecked(source, staging, {baseLayer: false, whiteouts: 'keep'});
      const data = this.ctx.volumes.dataDir(rec.Name);
      await this.ctx.priv.run(['sh', '-c', MERGE_SCRIPT, 'burrow-volume-import', staging, data]);
    } finally {
      await this.ctx.priv.run(['rm', '-rf', '--one-file-system', '--', staging]).catch(() => undefined);
    }
  }
}

/**
 * $1 staging tree, $2 volume data: GNU tar replaces an existing symlink where the archive has a directory.
 * The top-level names are listed so that the volume's own directory keeps its owner and mode.
 */
const MERGE_SCRIPT = `set -e
cd "$1"
find . -mindepth 1 -maxdepth 1 -printf '%P\\0' | tar -c -f - --numeric-owner --xattrs --xattrs-include='*' --null --no-unquote -T - | tar -C "$2" -x -f - --numeric-owner --same-owner --same-permissions --xattrs --xattrs-include='*' --delay-directory-restore`;

/** `volume ls` / `volume prune` filters: name, label, label!, driver, dangling, anonymous, opt, until. */
export function compileVolumeFilters(filters: readonly string[], used: () => Set<string>, now = Date.now()): (v: VolumeRecord) => boolean {
  const groups = new Map<string, string[]>();
  for (const f of filters) {
    const m = /^([a-z]+!?)=(.*)$/s.exec(f);
    if (!m) throw new InvalidInputError(`invalid volume filter "${f}"`, {hint: 'use --filter KEY=VALUE (name, label, driver, dangling, anonymous, opt, until)'});
    if (!['name', 'label', 'label!', 'driver', 'dangling', 'anonymous', 'opt', 'until'].includes(m[1])) {
      throw new InvalidInputError(`invalid volume filter "${m[1]}"`, {hint: 'supported: name, label, label!, driver, dangling, anonymous, opt, until'});
    }
    if (['dangling', 'anonymous'].includes(m[1]) && !['true', 'false', '1', '0'].includes(m[2])) {
      throw new InvalidInputError(`invalid ${m[1]} filter value "${m[2]}"`, {hint: 'use true or false'});
    }
    groups.set(m[1], [...(groups.get(m[1]) ?? []), m[2]]);
  }
  let usedNames: Set<string> | undefined;
  const labelMatch = (v: VolumeRecord, value: string) => {
    const eq = value.indexOf('=');
    return eq < 0 ? value in v.Labels : v.Labels[value.slice(0, eq)] === value.slice(eq + 1);
  };
  const one = (v: VolumeRecord, key: string, value: string): boolean => {
    switch (key) {
      case 'name':
        return v.Name === value || safeRegex(value).test(v.Name);
      case 'label':
        return labelMatch(v, value);
      case 'label!':
        return !labelMatch(v, value);
      case 'driver':
        return v.Driver === value;
      case 'dangling':
        usedNames ??= used();
        return !usedNames.has(v.Name) === (value === 'true' || value === '1');
      case 'anonymous':
        return v.Anonymous === (value === 'true' || value === '1');
      case 'opt': {
        const eq = value.indexOf('=');
        return eq < 0 ? value in v.Options : v.Options[value.slice(0, eq)] === value.slice(eq + 1);
      }
      case 'until': {
        const {parseTime} = require('../engine/engine') as typeof import('../engine/engine');
        return Date.parse(v.CreatedAt) < parseTime(value, now);
      }
      default:
        return true;
    }
  };
  // Values of one key: any may match (label!: all must hold); different keys must all match, as Podman does.
  return (v) => [...groups].every(([k, values]) => (k === 'label!' ? values.every((x) => one(v, k, x)) : values.some((x) => one(v, k, x))));
}

function safeRegex(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    throw new InvalidInputError(`invalid name filter "${v}": not a regular expression`, {hint: 'escape special characters'});
  }
}
