// Everything a command needs, built from the global flags: identity, paths, the privileged executor
// (rootless session or host root), the stores, and the lazily probed runtime and storage driver.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {log} from '../log';
import {checkStorageFilesystem, ensurePrivateDir, hostIdentity, resolvePaths, configDir, type HostIdentity, type StoragePaths} from '../config/paths';
import {readStorageConf, type StorageConf} from '../config/storage-conf';
import {RootlessSession, readMappings, type IdMappings} from '../../rootless/session';
import {HostRootExec, type PrivilegedExec} from '../../rootless/privileged';
import {bootId} from '../../rootless/proc';
import {withLock} from '../storage/lock';
import {BlobStore} from '../storage/blob-store';
import {ImageStore} from '../storage/image-store';
import {LayerStore} from '../storage/layer-store';
import {ContainerStore} from '../storage/container-store';
import {NetworkStore} from '../network/network-store';
import type {ContainersConfig} from '../config/containers-conf';
import type {VolumeStore} from '../volume/volume-store';
import {chooseRuntime, DEFAULT_RUNTIMES, type RuntimeChoice} from '../runtime/runtime-probe';
import {chooseDriver, type DriverChoice} from '../runtime/rootfs-driver';

export interface GlobalOptions {
  root?: string;
  runroot?: string;
  runtime?: string;
  storageDriver?: string;
}

export class EngineContext {
  readonly identity: HostIdentity;
  readonly paths: StoragePaths;
  readonly conf: StorageConf;
  readonly priv: PrivilegedExec;
  readonly session?: RootlessSession;
  readonly blobs: BlobStore;
  readonly images: ImageStore;
  readonly layers: LayerStore;
  readonly containers: ContainerStore;
  readonly networks: NetworkStore;
  private containersConfCache?: ContainersConfig;
  private runtimeChoice?: Promise<RuntimeChoice>;
  private driverChoice?: Promise<DriverChoice>;
  private mappingsCache?: IdMappings;
  private volumeStore?: VolumeStore;

  constructor(readonly options: GlobalOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.identity = hostIdentity(env);
    const home = env.HOME || os.homedir();
    this.conf = readStorageConf(configDir(env, home, this.identity.rootless));
    this.paths = resolvePaths({env, identity: this.identity, home, rootFlag: options.root, runrootFlag: options.runroot, conf: this.conf});
    // Defaults are said only under debug; anything unusual (flags, config, fallbacks) under info.
    for (const n of this.paths.notes) (/: default/.test(n) ? log.debug : log.info)(n);
    const user = {name: userName(this.identity.uid), uid: this.identity.uid, gid: this.identity.gid};
    if (this.identity.rootless) {
      this.session = new RootlessSession(this.paths.runroot, user, () => this.mappings());
      this.priv = this.session;
    } else {
      this.priv = new HostRootExec();
    }
    this.blobs = new BlobStore(this.paths.root);
    this.images = new ImageStore(this.paths.root);
    this.layers = new LayerStore(this.paths.root, this.priv);
    this.containers = new ContainerStore(this.paths.root, path.join(this.paths.runroot, 'locks'));
    this.networks = new NetworkStore(this.paths.root, path.join(this.paths.runroot, 'locks'));
  }

  /** Volume records, loaded on first use (most commands never touch a volume). */
  get volumes(): VolumeStore {
    if (!this.volumeStore) {
      const {VolumeStore: Store} = require('../volume/volume-store') as typeof import('../volume/volume-store');
      this.volumeStore = new Store(this.paths.root, path.join(this.paths.runroot, 'locks'));
    }
    return this.volumeStore;
  }

  /** containers.conf, read on first use (smol-toml and the files cost a few milliseconds). */
  containersConf(): ContainersConfig {
    if (!this.containersConfCache) {
      const {loadContainersConfig} = require('../config/containers-conf') as typeof import('../config/containers-conf');
      this.containersConfCache = loadContainersConfig({env: process.env, home: process.env.HOME || os.homedir(), rootless: this.identity.rootless});
    }
    return this.containersConfCache;
  }

  mappings(): IdMappings {
    if (!this.mappingsCache) {
      const user = {name: userName(this.identity.uid), uid: this.identity.uid, gid: this.identity.gid};
      // The files can be moved for hosts that keep them elsewhere (and for tests of the no-range case).
      const files = {subuid: process.env.BURROW_SUBUID_FILE || '/etc/subuid', subgid: process.env.BURROW_SUBGID_FILE || '/etc/subgid'};
      this.mappingsCache = this.identity.rootless ? readMappings(user, files) : {uidMap: [{containerId: 0, hostId: 0, size: 2 ** 32 - 1}], gidMap: [{containerId: 0, hostId: 0, size: 2 ** 32 - 1}]};
    }
    return this.mappingsCache;
  }

  /** Run root exists, is private, and belongs to this boot (a surviving one is reset after a reboot). */
  async prepareRunroot(): Promise<void> {
    const rr = this.paths.runroot;
    // Ownership as this process sees it: inside burrow's namespace (an exit command that restarts a
    // container) the user's directories belong to uid 0, not to the host uid.
    const owner = process.geteuid!();
    if (this.identity.rootless && path.basename(rr) === 'burrow') ensurePrivateDir(path.dirname(rr), owner);
    ensurePrivateDir(rr, owner);
    const idFile = path.join(rr, 'boot_id');
    const current = bootId();
    if (readText(idFile) === current) return;
    await withLock(path.join(rr, 'boot'), () => {
      const seen = readText(idFile);
      if (seen === current) return;
      if (seen !== undefined) {
        log.info(`run root ${rr} survived a reboot: resetting runtime state`);
        for (const e of fs.readdirSync(rr)) {
          if (e === 'boot.lock' || e === 'boot_id') continue;
          fs.rmSync(path.join(rr, e), {recursive: true, force: true});
        }
      }
      fs.writeFileSync(idFile, current);
    }, 'run root');
  }

  /** Storage root exists and is on a filesystem that can hold layers. */
  prepareStorage(): void {
    checkStorageFilesystem(this.paths.root);
    fs.mkdirSync(this.paths.root, {recursive: true, mode: 0o700});
  }

  private readyOnce?: Promise<void>;

  /** Storage and run root usable; once per process, cheap (a statfs and a small read) when all is well. */
  ready(): Promise<void> {
    this.readyOnce ??= (async () => {
      this.prepareStorage();
      await this.prepareRunroot();
    })();
    return this.readyOnce;
  }

  runtime(): Promise<RuntimeChoice> {
    this.runtimeChoice ??= chooseRuntime(this.priv, this.paths.runroot, this.options.runtime ? [this.options.runtime] : DEFAULT_RUNTIMES);
    return this.runtimeChoice;
  }

  driver(): Promise<DriverChoice> {
    this.driverChoice ??= chooseDriver(this.priv, this.paths.runroot, path.join(this.paths.root, 'tmp'), this.options.storageDriver ?? this.conf.driver);
    return this.driverChoice;
  }

  get exitDir(): string {
    return path.join(this.paths.runroot, 'exits');
  }
  get runtimeRoot(): string {
    return path.join(this.paths.runroot, 'runtime');
  }
  get socketDir(): string {
    return path.join(this.paths.runroot, 'socket');
  }
}

function readText(f: string): string | undefined {
  try {
    return fs.readFileSync(f, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function userName(uid: number): string {
  try {
    return os.userInfo().uid === uid ? os.userInfo().username : lookupName(uid);
  } catch {
    return lookupName(uid);
  }
}

function lookupName(uid: number): string {
  try {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
    return line?.split(':')[0] ?? String(uid);
  } catch {
    return String(uid);
  }
}
