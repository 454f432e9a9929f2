// The engine: the one API the commands call. One method per verb, options in, plain values out; it
// never prints. Multi-container verbs return one report per item so a command can print them all.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {BurrowError, HostConfigError, InvalidInputError, InvalidStateError, NoSuchObjectError} from '../errors';
import {EngineContext, type GlobalOptions} from './context';
import {ContainerManager, VERSION, type CreateOptions} from '../runtime/container-manager';
import {ImageService, imageDigest, repoDigests, type ImportOptions, type PruneReport, type RemoveReport} from '../image/image-service';
import type {HistoryEntry} from '../image/image-history';
import {inspectContainer, listContainer, psRow, type ContainerSnapshot} from './container-views';
import {followLog, type LogRecord} from '../runtime/k8s-log';
import {logFilePath, unreadableLogReason} from '../runtime/log-config';
import type {ContainerConfig} from '../storage/container-store';
import {matchesFilters, parseFilters} from './container-filter';
import {buildInfo} from './info';
import * as runner from '../process/runner';
import {isPaused, isRunning, observedState} from '../runtime/container-state';
import {splitName} from '../image/reference';
import {humanSize, timeAgo} from '../format/human';
import type {RegistryOptions, RegistrySession} from '../registry/registry-session';
import type {PullEvent, PullResult} from '../registry/image-puller';
import type {PushEvent, PushResult} from '../registry/image-pusher';
import type {Platform} from '../image/manifest';
import {NetworkService} from '../network/network-service';
import {activeExecSessions} from '../runtime/exec-session';
import type {AttachConnection, AttachIO, AttachOutcome, SessionKind} from '../runtime/attach-socket';
import type {VolumeService} from '../volume/volume-service';

export interface ItemReport<T = string> {
  ref: string;
  value?: T;
  error?: BurrowError | Error;
}

export interface PsOptions {
  all: boolean;
  filters: string[];
  last?: number;
  latest?: boolean;
  noTrunc?: boolean;
}

export interface LogOptions {
  follow: boolean;
  tail?: number;
  since?: string;
  until?: string;
  /** stops reading and following (the reader went away) */
  signal?: AbortSignal;
}

/** A log record and the container it came from (`logs` of several containers). */
export interface ContainerLogRecord extends LogRecord {
  id: string;
  name: string;
}

export class Engine {
  readonly ctx: EngineContext;
  readonly containers: ContainerManager;
  readonly images: ImageService;
  readonly networks: NetworkService;
  private volumeService?: VolumeService;

  constructor(options: GlobalOptions = {}) {
    this.ctx = new EngineContext(options);
    this.containers = new ContainerManager(this.ctx);
    this.images = new ImageService(this.ctx);
    this.networks = new NetworkService(this.ctx, this.containers);
  }

  /** The `volume` verbs, loaded on first use. */
  get volumes(): VolumeService {
    if (!this.volumeService) {
      const {VolumeService: Service} = require('../volume/volume-service') as typeof import('../volume/volume-service');
      this.volumeService = new Service(this.ctx, this.containers);
    }
    return this.volumeService;
  }

  static version(): string {
    return VERSION;
  }

  // ---- containers ----

  async create(o: CreateOptions): Promise<string> {
    return (await this.containers.create(o)).id;
  }

  async runDetached(o: CreateOptions): Promise<string> {
    const c = await this.containers.create(o);
    try {
      await this.containers.start(c.id);
    } catch (e) {
      if (o.rm) await this.containers.remove(c.id, {force: true, volumes: true}).catch(() => undefined);
      throw e;
    }
    return c.id;
  }

  /**
   * Foreground run: create, start, stream the output until the container ends, clean up (and --rm),
   * and return the container's exit code. `onStarted` receives the id so the caller can forward signals.
   */
  async runAttached(o: CreateOptions, out: (r: LogRecord) => void, onStarted?: (id: string) => void): Promise<number> {
    refuseForegroundNone(this.containers.logConfig(o).driver);
    const c = await this.containers.create(o);
    try {
      await this.containers.start(c.id, {attached: true});
    } catch (e) {
      if (o.rm) await this.containers.remove(c.id, {force: true, volumes: true}).catch(() => undefined);
      throw e;
    }
    onStarted?.(c.id);
    const code = await this.streamUntilExit(c, out);
    const res = await this.containers.cleanup(c.id, {fromAttached: true, applyRestartPolicy: true});
    return code ?? res.exitCode ?? 0;
  }

  /** Foreground run with -i or -t: input and output go through conmon's attach socket. */
  async runInteractive(o: CreateOptions, io: AttachIO, onStarted?: (id: string) => void): Promise<AttachOutcome> {
    const c = await this.containers.create(o);
    return this.startAndAttach(c.id, io, () => onStarted?.(c.id), o.rm);
  }

  /** `start -a -i`. */
  async startInteractive(ref: string, io: AttachIO, onStarted?: (id: string) => void): Promise<AttachOutcome> {
    await this.ctx.ready();
    const id = this.ctx.containers.resolve(ref).config.id;
    return this.startAndAttach(id, io, () => onStarted?.(id));
  }

  private async startAndAttach(id: string, io: AttachIO, onStarted: () => void, removeOnFailure = false): Promise<AttachOutcome> {
    const {AttachConnection: Connection} = require('../runtime/attach-socket') as typeof import('../runtime/attach-socket');
    let conn: AttachConnection | undefined;
    try {
      await this.containers.start(id, {attached: true, consoleSize: io.size(), beforeStart: async (bundle) => {
        conn = await Connection.open(bundle, (stream, data) => io.output(stream, data));
      }});
    } catch (e) {
      conn?.close();
      if (removeOnFailure) await this.containers.remove(id, {force: true}).catch(() => undefined);
      throw e;
    }
    onStarted();
    return this.driveUntilExit(id, conn!, io, sessionKind(this.ctx.containers.resolve(id).config, io), true);
  }

  /** `attach`: a client joins a running container; the exit-time cleanup stays conmon's. */
  async attach(ref: string, io: AttachIO, onAttached?: (id: string) => void): Promise<AttachOutcome> {
    await this.ctx.ready();
    const v = this.ctx.containers.resolve(ref);
    if (!isRunning(observedState(v, this.ctx.exitDir))) {
      throw new InvalidStateError(`you can only attach to running containers: ${v.config.name} is not running`, {hint: `start it and attach at once: burrow start -ai ${v.config.name}`});
    }
    const {AttachConnection: Connection} = require('../runtime/attach-socket') as typeof import('../runtime/attach-socket');
    const bundle = this.ctx.containers.userdataDir(v.config.id);
    const conn = await Connection.open(bundle, (stream, data) => io.output(stream, data));
    // A resize makes a full-screen program redraw, so the user sees where they are at once.
    const size = v.config.tty ? io.size() : undefined;
    if (size) conn.resize(size.rows, size.cols);
    onAttached?.(v.config.id);
    return this.driveUntilExit(v.config.id, conn, io, sessionKind(v.config, io), false);
  }

  private async driveUntilExit(id: string, conn: AttachConnection, io: AttachIO, kind: SessionKind, ownsCleanup: boolean): Promise<AttachOutcome> {
    const end = await io.drive(conn, kind);
    if (end === 'detached') {
      conn.close();
      return {detached: true};
    }
    const code = await this.containers.waitExit(id);
    if (!ownsCleanup) return {detached: false, exitCode: code ?? 0};
    const res = await this.containers.cleanup(id, {fromAttached: true, applyRestartPolicy: true});
    return {detached: false, exitCode: code ?? res.exitCode ?? 0};
  }

  /** `start -a`: like a foreground run of an existing container; only this run's output is shown. */
  async startAttached(ref: string, out: (r: LogRecord) => void): Promise<number> {
    await this.ctx.ready();
    const c = this.ctx.containers.resolve(ref).config;
    refuseForegroundNone(c.log?.driver);
    const id = c.id;
    const offset = fileSize(this.logFile(c));
    await this.containers.start(id, {attached: true});
    const code = await this.streamUntilExit(c, out, offset);
    const res = await this.containers.cleanup(id, {fromAttached: true, applyRestartPolicy: true});
    return code ?? res.exitCode ?? 0;
  }

  /** The container's k8s-file, as conmon writes it. */
  logFile(c: ContainerConfig): string {
    return logFilePath(c.log, this.ctx.containers.logPath(c.id));
  }

  private async streamUntilExit(c: ContainerConfig, out: (r: LogRecord) => void, offset = 0): Promise<number | undefined> {
    const id = c.id;
    // passthrough: the container writes to our own stdout/stderr; there is nothing to follow.
    if (c.log?.driver === 'passthrough') return this.containers.waitExit(id);
    let code: number | undefined;
    const finished = () => {
      const v = this.ctx.containers.read(id);
      if (!v) return true;
      const st = observedState(v, this.ctx.exitDir);
      if (!isRunning(st)) {
        code = st.exitCode;
        return true;
      }
      return false;
    };
    for await (const r of followLog(this.logFile(c), offset, finished)) out(r);
    return code;
  }

  /** `--all` starts every container, `--filter` (ps's keys) narrows the set; started ones stay as they are. */
  async start(refs: string[], opts: {all?: boolean; filters?: string[]} = {}): Promise<ItemReport[]> {
    let targets = refs;
    if (opts.all || opts.filters?.length) {
      await this.ctx.ready();
      const filters = parseFilters(opts.filters ?? []);
      let list = this.containers.list();
      if (!opts.all) list = list.filter((s) => refs.some((r) => s.config.id.startsWith(r) || s.config.name === r));
      list = list.filter((s) => matchesFilters(s, filters, (ref) => this.ctx.images.find(ref)?.id, (ref) => this.ctx.containers.resolve(ref).config.created));
      targets = list.map((s) => (opts.all ? s.config.id : refs.find((r) => s.config.name === r) ?? s.config.id));
    }
    return this.each(targets, async (ref) => {
      const v = this.ctx.containers.resolve(ref);
      await this.containers.start(v.config.id);
      return ref;
    });
  }

  async stop(refs: string[], opts: {timeout?: number; all?: boolean}): Promise<ItemReport[]> {
    const targets = opts.all ? this.runningIds() : refs;
    return this.each(targets, async (ref) => {
      await this.containers.stop(ref, opts.timeout);
      return ref;
    });
  }

  async kill(refs: string[], opts: {signal?: string; all?: boolean}): Promise<ItemReport[]> {
    const targets = opts.all ? this.runningIds() : refs;
    return this.each(targets, async (ref) => {
      await this.containers.kill(ref, opts.signal ?? 'SIGKILL');
      return ref;
    });
  }

  async restart(refs: string[], opts: {timeout?: number}): Promise<ItemReport[]> {
    return this.each(refs, async (ref) => {
      const v = this.ctx.containers.resolve(ref);
      await this.containers.stop(v.config.id, opts.timeout);
      await this.containers.start(v.config.id);
      return v.config.id;
    });
  }

  async remove(refs: string[], opts: {force?: boolean; all?: boolean; ignore?: boolean; volumes?: boolean; cidfiles?: string[]}): Promise<ItemReport[]> {
    await this.containers.sweep();
    const targets = opts.all ? this.containers.list().map((s) => s.config.id) : refs;
    const reports = await this.each(targets, (ref) => this.containers.remove(ref, {force: opts.force, volumes: opts.volumes}));
    if (opts.cidfiles?.length) reports.push(...await this.removeByCidfiles(opts.cidfiles, opts.force === true, opts.volumes === true));
    return opts.ignore ? reports.filter((r) => !(r.error instanceof NoSuchObjectError)) : reports;
  }

  /** `rm --cidfile`: the container named in each file, then the file itself. */
  private async removeByCidfiles(files: string[], force: boolean, volumes: boolean): Promise<ItemReport[]> {
    const {readCidfile} = require('../runtime/cidfile') as typeof import('../runtime/cidfile');
    const reports = await this.each(files, async (file) => {
      const id = readCidfile(file);
      try {
        await this.containers.remove(id, {force, volumes});
      } catch (e) {
        if (!(e instanceof NoSuchObjectError)) throw e;
        // The file outlived its container: it goes too, so it blocks no later --cidfile.
        fs.rmSync(file, {force: true});
        throw e;
      }
      fs.rmSync(file, {force: true});
      return id;
    });
    return reports.map((r) => ({...r, ref: r.value ?? r.ref}));
  }

  async wait(refs: string[]): Promise<ItemReport<number>[]> {
    return this.each(refs, async (ref) => {
      const v = this.ctx.containers.resolve(ref);
      const code = await this.containers.waitExit(v.config.id);
      return code ?? this.containers.view(v.config.id).state.exitCode ?? 0;
    });
  }

  /** `healthcheck run`: one check now, recorded, with the container's --health-on-failure action. */
  async healthcheckRun(ref: string): Promise<import('../runtime/health-check').HealthRunResult> {
    await this.ctx.ready();
    return this.containers.healthcheckRun(ref);
  }

  /** Exit command of conmon: never throws for a container that is already gone. */
  async cleanup(id: string): Promise<void> {
    await this.containers.cleanup(id, {applyRestartPolicy: true});
  }

  async ps(o: PsOptions): Promise<{json: Record<string, unknown>[]; rows: Record<string, unknown>[]}> {
    await this.ctx.ready();
    const filters = parseFilters(o.filters);
    let list = this.containers.list();
    // Listing is the hot path: list again only when the sweep actually cleaned something up.
    if (await this.containers.sweep(list)) list = this.containers.list();
    if (!o.all && o.filters.length === 0) list = list.filter((s) => isRunning(s.state));
    list = list.filter((s) => matchesFilters(s, filters, (ref) => this.ctx.images.find(ref)?.id, (ref) => this.ctx.containers.resolve(ref).config.created));
    if (o.latest) list = list.slice(0, 1);
    else if (o.last !== undefined && o.last >= 0) list = list.slice(0, o.last);
    return {json: list.map(listContainer), rows: list.map((s) => psRow(s, o.noTrunc))};
  }

  /**
   * The logs of one or more containers, through `out` as they are read: each container's file in
   * turn, or with `follow` all of them at once, until every run that was going has ended. Containers
   * are resolved (and their log driver checked) before anything is printed.
   */
  async logs(refs: string[], o: LogOptions, out: (r: ContainerLogRecord) => void): Promise<void> {
    await this.ctx.ready();
    const since = o.since === undefined ? undefined : parseTime(o.since, Date.now(), {flag: '--since'});
    const until = o.until === undefined ? undefined : parseTime(o.until, Date.now(), {flag: '--until', future: true});
    const {readContainerLog} = require('../runtime/container-logs') as typeof import('../runtime/container-logs');
    const views = refs.map((ref) => this.ctx.containers.resolve(ref));
    for (const v of views) {
      const reason = unreadableLogReason(v.config.log);
      if (reason) throw new InvalidStateError(reason, {hint: 'only the k8s-file driver, the default, keeps output that `logs` can show'});
    }
    const read = (v: (typeof views)[number]) => {
      const first = observedState(v, this.ctx.exitDir);
      const startedAt = first.startedAt;
      const running = () => {
        const cur = this.ctx.containers.read(v.config.id);
        if (!cur) return false;
        const st = observedState(cur, this.ctx.exitDir);
        // A restart is a new run: the follow of the old one ends with it, as Podman's does.
        return isRunning(st) && st.startedAt === startedAt;
      };
      const src = {file: this.logFile(v.config), running: isRunning(first) ? running : () => false};
      const {id, name} = v.config;
      return readContainerLog(src, {follow: o.follow, tail: o.tail, since, until, joinLines: refs.length > 1, signal: o.signal}, (r) => out({...r, id, name}));
    };
    if (o.follow) await Promise.all(views.map(read));
    else for (const v of views) await read(v);
  }

  inspectContainer(ref: string): Record<string, unknown> {
    const s = this.containers.view(ref);
    return inspectContainer(s, this.inspectPaths(s));
  }

  private inspectPaths(s: ContainerSnapshot) {
    const dir = this.ctx.containers.containerDir(s.config.id);
    const img = this.ctx.images.get(s.config.imageId);
    return {
      volumeDir: (name: string) => path.join(this.ctx.paths.root, 'volumes', name, '_data'),
      userdata: this.ctx.containers.userdataDir(s.config.id),
      logPath: this.logFile(s.config),
      lowerDirs: (img?.layers ?? []).slice().reverse().map((l) => this.ctx.layers.diffDir(l.diffId)).join(':'),
      upperDir: path.join(dir, 'diff'),
      workDir: path.join(dir, 'work'),
      mergedDir: path.join(dir, 'merged'),
      conmonPidFile: path.join(this.ctx.containers.userdataDir(s.config.id), 'conmon.pid'),
      runtimeName: path.basename(s.state.runtime ?? 'runc'),
      execIds: isRunning(s.state) ? activeExecSessions(this.ctx.containers.userdataDir(s.config.id)) : [],
    };
  }

  /** `inspect` of any kind: containers first, then images (as Podman does without --type). */
  async inspect(refs: string[], type: 'all' | 'container' | 'image'): Promise<ItemReport<Record<string, unknown>>[]> {
    await this.ctx.ready();
    const driver = fs.existsSync(path.join(this.ctx.paths.runroot, 'driver.json')) ? (await this.ctx.driver()).name : 'overlay';
    return this.each(refs, async (ref) => {
      if (type !== 'image') {
        try {
          return this.inspectContainer(ref);
        } catch (e) {
          if (!(e instanceof NoSuchObjectError) || type === 'container') throw e;
        }
      }
      try {
        return this.images.inspectView(this.ctx.images.resolve(ref), driver);
      } catch (e) {
        if (e instanceof NoSuchObjectError) throw new NoSuchObjectError(`no such object: "${ref}"`, {hint: 'list containers with `burrow ps -a` and images with `burrow images`'});
        throw e;
      }
    });
  }

  // ---- registries ----
  // Registry code is loaded only by the verbs that use it, so `ps` and `run` of a local image pay nothing for it.

  private registrySession(o: RegistryOptions): RegistrySession {
    const {RegistrySession: Session} = require('../registry/registry-session') as typeof import('../registry/registry-session');
    return new Session(o, this.ctx.identity);
  }

  async pull(ref: string, o: RegistryOptions & {platform: Platform}, onEvent?: (e: PullEvent) => void): Promise<PullResult> {
    await this.ctx.ready();
    const session = this.registrySession(o);
    try {
      const {ImagePuller} = require('../registry/image-puller') as typeof import('../registry/image-puller');
      return await new ImagePuller(this.ctx, session).pull(ref, o.platform, onEvent);
    } finally {
      session.close();
    }
  }

  /**
   * The image `ref` names, pulled first when the policy says so (`run --pull`): "missing" (the default),
   * "always", "newer" (treated as always: a registry round trip either way), "never".
   */
  /** A local image answers to `ref` (name, short name or id). */
  hasImage(ref: string): boolean {
    try {
      return this.ctx.images.find(ref) !== undefined;
    } catch {
      return false;
    }
  }

  async ensureImage(ref: string, policy: string, o: RegistryOptions & {platform: Platform}, onEvent?: (e: PullEvent) => void): Promise<void> {
    await this.ctx.ready();
    if (!['missing', 'always', 'newer', 'never'].includes(policy)) throw new InvalidInputError(`invalid pull policy "${policy}"`, {hint: 'use always, missing, newer or never'});
    if (policy === 'never') return;
    if (policy === 'missing' && this.ctx.images.find(ref)) return;
    await this.pull(ref, o, onEvent);
  }

  async push(source: string, destination: string | undefined, o: RegistryOptions & {format?: string}, onEvent?: (e: PushEvent) => void): Promise<PushResult> {
    await this.ctx.ready();
    const img = this.ctx.images.resolve(source);
    const dest = destination ?? this.ctx.images.matchName(source) ?? source;
    const session = this.registrySession(o);
    try {
      const {ImagePusher} = require('../registry/image-pusher') as typeof import('../registry/image-pusher');
      return await new ImagePusher(this.ctx, session).push(img, dest, {format: o.format, onEvent});
    } finally {
      session.close();
    }
  }

  /** Checks the credentials against the registry, then stores them; returns the auth file written. */
  async login(registry: string, creds: {username: string; password: string}, o: RegistryOptions): Promise<string> {
    const {host, key} = registryKey(registry);
    const session = this.registrySession({...o, creds: `${creds.username}:${creds.password}`});
    try {
      await (await session.transport(host, session.pushTarget(`${host}/x`).insecure)).checkLogin();
    } finally {
      session.close();
    }
    const {storeCredentials} = require('../registry/auth-file') as typeof import('../registry/auth-file');
    return storeCredentials(session.authLocations, key, creds);
  }

  logout(registry: string | undefined, o: RegistryOptions): void {
    const {removeCredentials} = require('../registry/auth-file') as typeof import('../registry/auth-file');
    const session = this.registrySession(o);
    const key = registry === undefined ? undefined : registryKey(registry).key;
    if (!removeCredentials(session.authLocations, key) && key !== undefined) {
      throw new InvalidInputError(`not logged into ${key}`, {hint: 'nothing to remove; `burrow login` stores credentials'});
    }
  }

  /** Repositories matching `term` ("[REGISTRY/]TEXT") in the registry's catalog, or the tags of one repository. */
  async search(term: string, o: RegistryOptions & {limit: number; listTags: boolean}): Promise<{Index: string; Name: string; Description: string; Tag?: string}[]> {
    const session = this.registrySession(o);
    try {
      const {catalog} = require('../registry/registry-client') as typeof import('../registry/registry-client');
      const slash = term.indexOf('/');
      const first = slash > 0 ? term.slice(0, slash) : '';
      const explicit = /[.:]/.test(first) || first === 'localhost';
      const hosts = explicit ? [first] : session.registries.unqualifiedSearchRegistries;
      if (hosts.length === 0) throw new InvalidInputError(`no registry to search for "${term}"`, {hint: 'name one (`burrow search REGISTRY/TEXT`) or set unqualified-search-registries in registries.conf'});
      const text = explicit ? term.slice(slash + 1) : term;
      const out: {Index: string; Name: string; Description: string; Tag?: string}[] = [];
      for (const host of hosts) {
        const target = session.pushTarget(`${host}/${text || 'x'}`);
        if (o.listTags) {
          const client = await session.client({host: target.host, repository: text, insecure: target.insecure});
          for (const t of (await client.tags()).slice(0, o.limit)) out.push({Index: host, Name: `${host}/${text}`, Description: '', Tag: t});
          continue;
        }
        const repos = await catalog(await session.transport(target.host, target.insecure), 1000);
        for (const r of repos.filter((r) => r.includes(text)).slice(0, o.limit)) out.push({Index: host, Name: `${host}/${r}`, Description: ''});
      }
      return out;
    } finally {
      session.close();
    }
  }

  // ---- images ----

  importImage(o: ImportOptions) {
    return this.images.importTarball(o);
  }

  async imageList(o: {all?: boolean; filters: string[]; noTrunc?: boolean; digests?: boolean}): Promise<{json: Record<string, unknown>[]; rows: Record<string, unknown>[]}> {
    await this.ctx.ready();
    const containers = this.containers.list();
    const views = this.ctx.images.list();
    const json: Record<string, unknown>[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const img of views) {
      const size = this.images.size(img);
      const users = containers.filter((c) => c.config.imageId === img.id).length;
      json.push({
        Id: img.id, ParentId: '', RepoTags: img.names.length ? img.names : null, RepoDigests: repoDigests(img),
        Size: size, SharedSize: 0, VirtualSize: size, Labels: img.config.config?.Labels ?? {}, Containers: users,
        Names: img.names.length ? img.names : undefined, Digest: imageDigest(img), History: img.names, Created: Math.floor(Date.parse(img.created) / 1000), CreatedAt: img.created,
      });
      const names = img.names.length ? img.names : ['<none>:<none>'];
      for (const n of names) {
        const {repository, tag} = n === '<none>:<none>' ? {repository: '<none>', tag: '<none>'} : splitName(n);
        rows.push({
          ID: o.noTrunc ? `sha256:${img.id}` : img.id.slice(0, 12), Id: img.id, Repository: repository, Tag: tag, Digest: imageDigest(img),
          Created: timeAgo(img.created), CreatedAt: img.created, CreatedSince: timeAgo(img.created), Size: humanSize(size), VirtualSize: humanSize(size),
          SharedSize: humanSize(0), Containers: users, Labels: img.config.config?.Labels ?? {}, Names: img.names, History: '', ReadOnly: false,
        });
      }
    }
    const filters = o.filters.map((f) => {
      const eq = f.indexOf('=');
      if (eq < 0) throw new InvalidInputError(`invalid filter "${f}"`, {hint: 'use --filter KEY=VALUE'});
      return [f.slice(0, eq), f.slice(eq + 1)] as const;
    });
    const keep = (row: Record<string, unknown>) => filters.every(([k, v]) => {
      switch (k) {
        case 'reference':
          return `${row.Repository}:${row.Tag}`.includes(v) || String(row.Repository).endsWith(v);
        case 'dangling':
          return (row.Repository === '<none>') === (v === 'true');
        case 'label': {
          const [lk, lv] = v.split('=', 2);
          const labels = row.Labels as Record<string, string>;
          return lk in labels && (lv === undefined || labels[lk] === lv);
        }
        case 'id':
          return String(row.Id).startsWith(v);
        default:
          throw new InvalidInputError(`invalid image filter "${k}"`, {hint: 'supported: reference, dangling, label, id'});
      }
    });
    const keptIds = new Set(rows.filter(keep).map((r) => r.Id));
    return {json: json.filter((j) => keptIds.has(j.Id)), rows: rows.filter(keep)};
  }

  async removeImages(refs: string[], opts: {force?: boolean; all?: boolean}): Promise<ItemReport<RemoveReport>[]> {
    const targets = opts.all ? this.ctx.images.list().map((i) => i.id) : refs;
    return this.each(targets, (ref) => this.images.remove(ref, {force: opts.force, removeContainer: async (id) => {
      await this.containers.remove(id, {force: true});
    }}));
  }

  tag(source: string, targets: string[]) {
    return this.images.tag(source, targets);
  }

  /** `history`: the image's history entries, newest first. */
  async imageHistory(ref: string): Promise<HistoryEntry[]> {
    await this.ctx.ready();
    const {historyEntries} = require('../image/image-history') as typeof import('../image/image-history');
    return historyEntries(this.ctx.images.resolve(ref), this.ctx.images.list());
  }

  /** `image exists`: false when nothing answers to `ref`; a malformed reference still throws. */
  async imageExists(ref: string): Promise<boolean> {
    await this.ctx.ready();
    return this.ctx.images.find(ref) !== undefined;
  }

  async pruneImages(o: {all: boolean; filters: string[]}): Promise<PruneReport> {
    await this.ctx.ready();
    const {compileImageFilters} = require('../image/image-filter') as typeof import('../image/image-filter');
    const matches = compileImageFilters(o.filters, {parseTime, resolve: (ref) => this.ctx.images.resolve(ref)});
    return this.images.prune({all: o.all, matches});
  }

  untag(source: string, targets: string[]) {
    return this.images.untag(source, targets);
  }

  // ---- image archives ----
  // save, load and export load their modules on first use, so other verbs pay nothing for them.

  saveImages(o: import('../image/archive/archive-save').SaveOptions): Promise<import('../image/archive/archive-save').SaveResult> {
    const {saveImages} = require('../image/archive/archive-save') as typeof import('../image/archive/archive-save');
    return saveImages(this.ctx, o);
  }

  loadImages(o: import('../image/archive/archive-load').LoadOptions): Promise<{format: string; images: import('../image/archive/archive-load').LoadedImage[]}> {
    const {loadArchive} = require('../image/archive/archive-load') as typeof import('../image/archive/archive-load');
    return loadArchive(this.ctx, o);
  }

  /** `pause`/`unpause` (undefined refs: every container that can be); refused at once on a host that cannot freeze. */
  async setPaused(refs: string[] | undefined, pause: boolean): Promise<ItemReport[]> {
    const f = require('../runtime/freezer') as typeof import('../runtime/freezer');
    const support = f.freezeSupport(f.hostCgroups(this.ctx.identity.rootless, this.ctx.identity.uid));
    if (!support.ok) throw new HostConfigError(`cannot ${pause ? 'pause' : 'unpause'} containers here: ${support.reason}`, {hint: support.hint});
    const targets = refs ?? this.containers.list().filter((s) => isPaused(s.state) !== pause && isRunning(s.state)).map((s) => s.config.id);
    return this.each(targets, async (ref) => {
      await f.setPaused(this.ctx, ref, pause);
      return ref;
    });
  }

  /** `stats`: a sampler of the containers named (none: the running ones; `all`: every one). */
  statsSampler(refs: string[], all: boolean): import('../runtime/stats/stats-sampler').StatsSampler {
    const {StatsSampler} = require('../runtime/stats/stats-sampler') as typeof import('../runtime/stats/stats-sampler');
    return new StatsSampler(this.ctx, refs, all);
  }

  /** `mount`: each container's rootfs mounted (inside `burrow unshare`); the mount points. */
  async mount(refs: string[]): Promise<ItemReport[]> {
    const m = require('../runtime/rootfs-mounts') as typeof import('../runtime/rootfs-mounts');
    m.checkMountAllowed(this.ctx, 'mount');
    return this.each(refs, (ref) => m.mountContainer(this.ctx, ref));
  }

  unmount(refs: string[], force: boolean): Promise<ItemReport[]> {
    const m = require('../runtime/rootfs-mounts') as typeof import('../runtime/rootfs-mounts');
    return this.each(refs, (ref) => m.unmountContainer(this.ctx, ref, force));
  }

  /** Mounted containers (`all`: every container, for `mount -a`). */
  mountedContainers(all: boolean): import('../runtime/rootfs-mounts').MountedContainer[] {
    const m = require('../runtime/rootfs-mounts') as typeof import('../runtime/rootfs-mounts');
    if (all) return this.ctx.containers.list().map((v) => ({id: v.config.id, names: [v.config.name], mountpoint: ''}));
    m.checkMountAllowed(this.ctx, 'mount');
    return m.mountedContainers(this.ctx);
  }

  /** `diff`: a container's changes against its image, or an image's top layer against the rest. */
  diff(ref: string): Promise<import('../runtime/changes/layer-changes').Change[]> {
    const {diff} = require('../runtime/changes/container-diff') as typeof import('../runtime/changes/container-diff');
    return diff(this.ctx, ref);
  }

  /** `cp`: between a container and the host, two containers, or a tar stream. */
  copy(src: string, dest: string, o: import('../runtime/copy/container-copy').CopyOptions): Promise<void> {
    const {copy} = require('../runtime/copy/container-copy') as typeof import('../runtime/copy/container-copy');
    return copy(this.ctx, src, dest, o);
  }

  /** Writes a tar of the container's filesystem; returns the container id. */
  exportContainer(ref: string, o: import('../image/archive/rootfs-export').ExportOptions): Promise<string> {
    const {exportContainer} = require('../image/archive/rootfs-export') as typeof import('../image/archive/rootfs-export');
    return exportContainer(this.ctx, ref, o);
  }

  // ---- systemd ----

  /** `generate systemd`: the unit for one container (written to `filesDir` with --files). */
  async generateSystemd(ref: string, o: import('../systemd/unit-generator').UnitOptions, filesDir?: string): Promise<{name: string; text: string; file?: string}> {
    await this.ctx.ready();
    const {generateSystemd, writeUnitFile} = require('../systemd/generate') as typeof import('../systemd/generate');
    const unit = generateSystemd(this.ctx, ref, o);
    return {...unit, file: filesDir === undefined ? undefined : writeUnitFile(filesDir, unit)};
  }

  /** `system doctor`: lingering, the user manager, burrow-restart.service, restart policies. */
  async doctor(): Promise<{linger: import('../systemd/linger').LingerStatus; checks: import('../systemd/linger').DoctorCheck[]}> {
    const {lingerStatus, doctorChecks, restartUnitPaths} = require('../systemd/linger') as typeof import('../systemd/linger');
    const {userName} = require('./context') as typeof import('./context');
    const linger = lingerStatus({user: userName(this.ctx.identity.uid), uid: this.ctx.identity.uid, runtimeDir: process.env.XDG_RUNTIME_DIR});
    const unit = restartUnitPaths(process.env.HOME || os.homedir()).find((p) => fs.existsSync(p));
    const policies = this.containers.list().map((s) => ({name: s.config.name, policy: s.config.restartPolicy?.name ?? ''}));
    return {linger, checks: doctorChecks(linger, unit, policies)};
  }

  // ---- system ----

  info(): Promise<Record<string, unknown>> {
    return buildInfo(this.ctx, this.containers);
  }

  /** Runs a command inside the user namespace with the terminal attached; returns its exit status. */
  async unshare(cmd: string[]): Promise<number> {
    if (!this.ctx.session) throw new InvalidInputError('please use unshare with rootless', {hint: 'as root no user namespace is needed'});
    await this.ctx.ready();
    const argv = await this.ctx.priv.wrap(cmd.length ? cmd : [process.env.SHELL || '/bin/sh']);
    const child = runner.start(argv, {stdio: 'inherit', env: {...this.ctx.priv.childEnv(), CONTAINERS_GRAPHROOT: this.ctx.paths.root, CONTAINERS_RUNROOT: this.ctx.paths.runroot}});
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
    });
  }

  /** Restarts the pause process so that changed subordinate ranges take effect; running containers are stopped. */
  async migrate(): Promise<{stopped: string[]; pausePid?: number}> {
    if (!this.ctx.session) return {stopped: []};
    await this.ctx.ready();
    const running = this.containers.list().filter((s) => isRunning(s.state));
    for (const s of running) await this.containers.stop(s.config.id);
    const pausePid = await this.ctx.session.stop();
    return {stopped: running.map((s) => s.config.name), pausePid};
  }

  private runningIds(): string[] {
    return this.containers.list().filter((s) => isRunning(s.state)).map((s) => s.config.id);
  }

  private async each<T>(refs: string[], fn: (ref: string) => Promise<T>): Promise<ItemReport<T>[]> {
    await this.ctx.ready();
    const out: ItemReport<T>[] = [];
    for (const ref of refs) {
      try {
        out.push({ref, value: await fn(ref)});
      } catch (e) {
        out.push({ref, error: e as Error});
      }
    }
    return out;
  }
}

function fileSize(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

const DURATION_UNITS_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};

/** A Go duration ("10m", "1h30m", "1.5h", "500ms") in milliseconds, or undefined. */
export function parseGoDuration(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS_MS[m[2]];
  return total;
}

/**
 * A time as Podman's ParseInputTime takes it: RFC 3339 (fraction and zone optional; no zone is UTC), its
 * date part (with an optional zone), a Unix timestamp, or a Go duration — before now, or after now for
 * `future` (Podman reads `logs --until 10m` as ten minutes from now).
 */
export function parseTime(value: string, now = Date.now(), o: {future?: boolean; flag?: string} = {}): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const d = parseGoDuration(value);
  if (d !== undefined) return o.future ? now + d : now - d;
  let t = NaN;
  const full = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  const date = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/i.exec(value);
  if (full) t = Date.parse(`${full[1].replace(' ', 'T')}${zoneOf(full[2])}`);
  else if (date) t = Date.parse(`${date[1]}T00:00:00${zoneOf(date[2])}`);
  if (Number.isNaN(t)) {
    throw new InvalidInputError(`invalid ${o.flag ? `${o.flag} ` : ''}time "${value}"`, {hint: 'use RFC 3339 (2026-01-02T15:04:05Z), a Unix timestamp or a duration such as 10m'});
  }
  return t;
}

function zoneOf(z: string | undefined): string {
  if (!z || z.toUpperCase() === 'Z') return 'Z';
  return z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`;
}

/** Output that follows the log needs a log: without one the caller attaches (runInteractive, startInteractive). */
function refuseForegroundNone(driver: string | undefined): void {
  if (driver === 'none') {
    throw new InvalidInputError('a container with --log-driver none has no log to follow', {hint: 'attach to it instead (burrow attach), or use another log driver: k8s-file, the default, or passthrough'});
  }
}

/** `login`/`logout` take a registry, optionally with a repository path (Podman allows host/namespace keys). */
function registryKey(input: string): {host: string; key: string} {
  const clean = input.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!clean || /\s/.test(clean)) throw new InvalidInputError(`invalid registry "${input}"`, {hint: 'give a registry host such as quay.io or 127.0.0.1:5000'});
  const host = clean.split('/')[0];
  return {host: host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host, key: clean};
}

/** Input reaches the process only when the container keeps stdin open (-i) and the client offers it. */
function sessionKind(c: ContainerConfig, io: AttachIO): SessionKind {
  return {tty: c.tty === true, stdin: c.interactive === true && io.wantsInput};
}
