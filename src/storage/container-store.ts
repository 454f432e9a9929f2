// Container records: containers/<id>/container.json (what was asked for, written once at creation) and
// state.json (lifecycle, rewritten under the container's lock), plus the container's own directories.
// Names live in containers/names/ so that two concurrent creates can never take the same name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {InvalidInputError, NameInUseError, NoSuchObjectError} from '../errors';
import {readJson, writeJsonAtomic} from './atomic-file';
import {NameTable} from './names';
import {randomName} from './random-name';
import {withLock} from './lock';
import {entriesOfDeadWriters} from './dead-writers';

import type {PortMapping} from '../network/network-options';
import type {NetworkState} from '../network/container-network';
import type {ContainerMount} from '../runtime/mount-options';
import type {LogConfig} from '../runtime/log-config';
import type {ContainerUserns} from '../runtime/userns';
import type {HealthConfig, HealthOnFailure} from '../runtime/health-config';
import type {RestartPolicy} from '../runtime/restart-policy';
import type {SdNotifyMode} from '../runtime/sd-notify';


export interface ContainerConfig {
  id: string;
  name: string;
  created: string;
  imageId: string;
  /** the image name the user gave, as resolved */
  imageName: string;
  /** final argv: entrypoint + command */
  args: string[];
  entrypoint: string[];
  command: string[];
  env: string[];
  workdir: string;
  user: string;
  hostname?: string;
  labels: Record<string, string>;
  /** Podman's mode name: host, none, slirp4netns, pasta, bridge (user-defined networks), container:ID, ns:PATH */
  network: string;
  /** slirp4netns/pasta options */
  networkOptions?: string[];
  /** bridge: the networks joined, first one carries the default route and the published ports */
  networks?: {name: string; aliases: string[]}[];
  /** published ports as asked (host port 0 = pick one at start) */
  ports?: PortMapping[];
  /** EXPOSE of the image plus --expose, "80/tcp" */
  exposedPorts?: string[];
  publishAll?: boolean;
  dns?: {servers: string[]; search: string[]; options: string[]};
  addHosts?: string[];
  noHosts?: boolean;
  macAddress?: string;
  /** -v host binds and --tmpfs */
  mounts?: ContainerMount[];
  readOnly: boolean;
  capAdd: string[];
  capDrop: string[];
  init: boolean;
  stopSignal: string;
  stopTimeout: number;
  autoRemove: boolean;
  /** -t: the process gets a pseudo-terminal */
  tty?: boolean;
  /** -i: the process's stdin stays open for attached clients */
  interactive?: boolean;
  createCommand: string[];
  /** --health-* (or the image's HEALTHCHECK), Podman's inspect shape; absent: no health check */
  healthcheck?: HealthConfig;
  healthOnFailure?: HealthOnFailure;
  /** storage driver used for the rootfs */
  driver: string;
  /** log driver and options; absent: k8s-file at logPath() */
  log?: LogConfig;
  /** its own user namespace (--userns keep-id/auto, --uidmap): absent = the pause namespace's */
  userns?: ContainerUserns;
  /** --restart (absent: none) */
  restartPolicy?: RestartPolicy;
  /** --sdnotify (absent: container, Podman's default) */
  sdNotify?: SdNotifyMode;
}

export type ContainerStatus = 'created' | 'running' | 'stopping' | 'exited' | 'removing';

export interface ContainerState {
  status: ContainerStatus;
  pid?: number;
  conmonPid?: number;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** boot the container was started in; a reboot ends every container */
  bootId?: string;
  mounted?: boolean;
  /** `burrow mount` calls not yet undone by `unmount`: while above 0, stop and cleanup keep the rootfs mounted */
  mountCount?: number;
  /** set by `pause` for the run whose container pid it names (a later run is never seen as paused) */
  paused?: {pid: number; at: string};
  /** the runtime that started it */
  runtime?: string;
  /** a foreground `burrow run` waiting on it, which then does the --rm itself */
  attachedPid?: number;
  /**
   * Set while a `start` is under way (its pid, and where conmon will write its own pid): a start killed
   * after conmon launched the container but before recording it still leaves a findable container.
   */
  startingPid?: number;
  conmonPidFile?: string;
  containerPidFile?: string;
  restartCount: number;
  /** `stop`, `kill` or `rm -f` ended it: the restart policy leaves it down until the next `start` */
  stoppedByUser?: boolean;
  error?: string;
  /** helpers, addresses and the ports actually bound, while the container runs */
  network?: NetworkState;
}

export interface ContainerView {
  config: ContainerConfig;
  state: ContainerState;
}

export class ContainerStore {
  readonly dir: string;
  readonly names: NameTable;

  /** `lockDir` is in the run root: locks are transient, and a container's own directory moves when removed. */
  constructor(root: string, private readonly lockDir: string) {
    this.dir = path.join(root, 'containers');
    this.names = new NameTable(path.join(this.dir, 'names'));
  }

  containerDir(id: string): string {
    return path.join(this.dir, id);
  }
  userdataDir(id: string): string {
    return path.join(this.dir, id, 'userdata');
  }
  logPath(id: string): string {
    return path.join(this.userdataDir(id), 'ctr.log');
  }

  exists(id: string): boolean {
    return fs.existsSync(path.join(this.dir, id, 'container.json'));
  }

  read(id: string): ContainerView | undefined {
    const config = readJson<ContainerConfig>(path.join(this.dir, id, 'container.json'));
    const state = readJson<ContainerState>(path.join(this.dir, id, 'state.json'));
    if (!config || !state) return undefined;
    return {config, state};
  }

  list(): ContainerView[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: ContainerView[] = [];
    for (const e of entries) {
      if (!/^[a-f0-9]{64}$/.test(e)) continue;
      const v = this.read(e);
      if (v) out.push(v);
    }
    return out.sort((a, b) => b.config.created.localeCompare(a.config.created));
  }

  /** Finds a container by name, full id or unique id prefix. */
  resolve(ref: string): ContainerView {
    const byName = this.names.lookup(ref);
    const id = byName && this.exists(byName) ? byName : this.idFromPrefix(ref);
    const v = id ? this.read(id) : undefined;
    if (!v) throw new NoSuchObjectError(`no container with name or ID "${ref}" found: no such container`, {hint: 'list containers with `burrow ps -a`'});
    return v;
  }

  private idFromPrefix(ref: string): string | undefined {
    if (!/^[a-f0-9]{1,64}$/.test(ref)) return undefined;
    let entries: string[];
    try {
      entries = fs.readdirSync(this.dir).filter((e) => /^[a-f0-9]{64}$/.test(e) && e.startsWith(ref));
    } catch {
      return undefined;
    }
    if (entries.length > 1) throw new InvalidInputError(`more than one container matches "${ref}"`, {hint: 'give more characters of the id or use the name'});
    return entries[0];
  }

  /**
   * Creates the record and directories. The name is reserved first (atomically), the directory is
   * built under a temp name and renamed into place, so readers never see a half-made container.
   */
  create(fields: Omit<ContainerConfig, 'id' | 'name' | 'created'> & {name?: string}): ContainerConfig {
    fs.mkdirSync(this.dir, {recursive: true});
    const id = randomBytes(32).toString('hex');
    const name = this.reserveName(fields.name, id);
    const config: ContainerConfig = {...fields, id, name, created: new Date().toISOString()};
    const tmp = path.join(this.dir, `.creating-${process.pid}-${id.slice(0, 12)}`);
    try {
      for (const d of ['userdata', 'diff', 'work', 'merged']) fs.mkdirSync(path.join(tmp, d), {recursive: true});
      writeJsonAtomic(path.join(tmp, 'container.json'), config);
      writeJsonAtomic(path.join(tmp, 'state.json'), {status: 'created', restartCount: 0} satisfies ContainerState);
      fs.renameSync(tmp, this.containerDir(id));
    } catch (e) {
      fs.rmSync(tmp, {recursive: true, force: true});
      this.names.release(name, id);
      throw e;
    }
    return config;
  }

  private reserveName(wanted: string | undefined, id: string): string {
    if (wanted !== undefined) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(wanted)) {
        throw new InvalidInputError(`container name "${wanted}" is invalid`, {hint: 'names match [a-zA-Z0-9][a-zA-Z0-9_.-]*'});
      }
      const holder = this.names.reserve(wanted, id, (h) => this.exists(h));
      if (holder !== undefined) {
        throw new NameInUseError(`the container name "${wanted}" is already in use by ${holder}`, {hint: 'remove that container (`burrow rm`) or choose another --name'});
      }
      return wanted;
    }
    for (let i = 0; i < 50; i++) {
      const name = randomName();
      if (this.names.reserve(name, id, (h) => this.exists(h)) === undefined) return name;
    }
    throw new NameInUseError('could not find a free random container name', {hint: 'pass --name'});
  }

  lockFile(id: string): string {
    return path.join(this.lockDir, `container-${id}`);
  }

  /** Runs `fn` under the container's lock with its current view; `fn` writes any new state itself. */
  async update<T>(id: string, fn: (v: ContainerView) => Promise<T> | T): Promise<T> {
    return withLock(this.lockFile(id), async () => {
      const v = this.read(id);
      if (!v) throw new NoSuchObjectError(`no container with ID "${id}" found: no such container`);
      return fn(v);
    }, `container ${id.slice(0, 12)}`);
  }

  /** Gives the container (under its lock) a new name: the new one is reserved first, the old one freed last. */
  rename(config: ContainerConfig, wanted: string): ContainerConfig {
    const name = this.reserveName(wanted, config.id);
    const next = {...config, name};
    this.rewriteConfig(config.id, next);
    this.names.release(config.name, config.id);
    return next;
  }

  /** Replaces container.json (under the container's lock): `network connect`/`disconnect` and `rename` change it. */
  rewriteConfig(id: string, config: ContainerConfig): void {
    writeJsonAtomic(path.join(this.dir, id, 'container.json'), config);
  }

  writeState(id: string, state: ContainerState): void {
    writeJsonAtomic(path.join(this.dir, id, 'state.json'), state);
  }

  /** Makes the container vanish for readers (rename), returning the directory left to delete. */
  detach(view: ContainerView): string {
    const doomed = path.join(this.dir, `.removing-${process.pid}-${view.config.id.slice(0, 12)}-${randomBytes(3).toString('hex')}`);
    fs.renameSync(this.containerDir(view.config.id), doomed);
    this.names.release(view.config.name, view.config.id);
    return doomed;
  }

  /** Temp directories of creators/removers that died. */
  leftovers(isAlive: (pid: number) => boolean): string[] {
    return entriesOfDeadWriters(this.dir, /^\.(?:creating|removing)-(\d+)-/, isAlive);
  }
}
