// Container lifecycle without a daemon: create, start (through conmon), stop, kill, remove, wait and
// the exit-time cleanup that conmon's exit command (or a waiting `burrow run`) performs exactly once.
// Every state change happens under the container's lock; waiting happens outside it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {BurrowError, ContainerCommandError, ExitCode, HostConfigError, InvalidInputError, InvalidStateError, NoSuchObjectError} from '../errors';
import {log} from '../log';
import {bootId, isAlive} from '../../rootless/proc';
import type {EngineContext} from '../engine/context';
import {writeJsonAtomic} from '../storage/atomic-file';
import {withLock} from '../storage/lock';
import type {ContainerConfig, ContainerState, ContainerView} from '../storage/container-store';
import type {ContainerSnapshot} from '../engine/container-views';
import type {PortMapping} from '../network/network-options';
import type {ImageView} from '../storage/image-store';
import {mappedSize} from '../../rootless/subid';
import {generateSpec, mergeEnv, type ConsoleSize} from './oci-spec';
import {parseGroup, parsePasswd, resolveUser} from './user-resolver';
import {normalizeDescriptors, topRows} from './container-top';
import {writeContainerFiles} from './container-files';
import {startConmon, startConmonExec} from './conmon';
import {logFilePath, resolveLogConfig, type LogConfig} from './log-config';
import {mountRootfs, mountsUnder, probeIdmappedRootfs, unmountRootfs, type DriverName} from './rootfs-driver';
import {userMounted} from './rootfs-mounts';
import {AUTO_DEFAULT_SIZE, containerMaps, mapsYou, parseUserns} from './userns';
import {isRunning, observedState, readExitFile} from './container-state';
import {normalizeSignal} from './signals';
import {findTool} from './host-tools';
import {jsonStringArray} from '../image/image-change';
import {exposedToMappings, networkModeName, normalizeExpose, parseAddHost, parseDnsServer, parseMacAddress, parseNetworkFlags, parsePublishList, type NetworkRequest} from '../network/network-options';
import {ContainerNetwork, defaultNetworkCmd} from '../network/container-network';
import {pastaBinary} from '../network/pasta';
import {slirpBinary} from '../network/slirp4netns';
import {execFailure, execProcessSpec, openExecSession, type ExecOptions, type ExecSessionFiles} from './exec-session';
import type {AttachConnection, AttachIO} from './attach-socket';
import {checkBindSources, parseMounts} from './mount-options';
import * as runner from '../process/runner';
import {randomBytes} from 'node:crypto';
import {resolveHealthcheck, type HealthFlags} from './health-config';
import {HealthChecker, readHealth, warnIfUnscheduled, type HealthRunResult} from './health-check';
import {checkCidfile, writeCidfile} from './cidfile';
import {parseRestartPolicy, restartDecision, restarts, type EndedContainer, type RestartPolicy} from './restart-policy';
import {addNotifySocketToSpec, parseSdNotifyMode, readyMessage, relayableSocket, sendNotify, takeNotifySocket} from './sd-notify';

export interface CreateOptions {
  image: string;
  command: string[];
  name?: string;
  env: string[];
  envFiles: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  labels: string[];
  /** --network values (repeatable) */
  network: string[];
  networkAliases: string[];
  publish: string[];
  publishAll: boolean;
  expose: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOption: string[];
  addHost: string[];
  noHosts: boolean;
  macAddress?: string;
  volumes: string[];
  tmpfs: string[];
  /** --mount values */
  mount?: string[];
  /** --volumes-from values */
  volumesFrom?: string[];
  readOnly: boolean;
  capAdd: string[];
  capDrop: string[];
  init: boolean;
  stopSignal?: string;
  stopTimeout?: number;
  rm: boolean;
  /** -t and -i */
  tty?: boolean;
  interactive?: boolean;
  createCommand: string[];
  /** --log-driver and --log-opt (defaults from containers.conf) */
  logDriver?: string;
  logOpts?: string[];
  /** --userns, --uidmap, --gidmap */
  userns?: string;
  uidmap?: string[];
  gidmap?: string[];
  /** --health-* and --no-healthcheck */
  health?: HealthFlags;
  /** --cidfile: the new container's id is written there */
  cidfile?: string;
  /** --restart policy text */
  restart?: string;
  /** --sdnotify mode */
  sdnotify?: string;
  /** --replace: a container already holding --name is removed first */
  replace?: boolean;
}

export const VERSION = (require('../../../package.json') as {version: string}).version;

export class ContainerManager {
  readonly network: ContainerNetwork;
  readonly health: HealthChecker;

  constructor(private readonly ctx: EngineContext) {
    this.network = new ContainerNetwork(ctx);
    this.health = new HealthChecker(ctx, {
      exec: async (id, argv, timeoutMs) => {
        let output = '';
        const collect = (b: Buffer) => (output += b.toString());
        const r = await this.exec(id, {command: argv, env: [], privileged: false, detach: false, interactive: false}, {stdin: 'ignore', stdout: collect, stderr: collect, timeoutMs});
        return {code: r.code, output, timedOut: r.timedOut === true};
      },
      kill: (id) => this.kill(id, 'SIGKILL'),
      stop: (id) => this.stop(id),
      restart: async (id) => {
        await this.stop(id);
        await this.start(id);
      },
    });
  }

  // ---- create ----

  async create(o: CreateOptions): Promise<ContainerConfig> {
    await this.ctx.ready();
    const net = this.networkRequest(o);
    const ownMounts = parseMounts(o.volumes, o.tmpfs, o.mount ?? []);
    checkBindSources(ownMounts);
    const env = [...readEnvFiles(o.envFiles), ...expandEnv(o.env)];
    const labels = parseLabels(o.labels);
    const log = this.logConfig(o);
    const userns = parseUserns(o.userns, o.uidmap, o.gidmap);
    const driver = userns.mode === 'host' ? (await this.ctx.driver()).name : await this.idmapDriver(userns.mode);
    const restartPolicy = o.restart === undefined ? undefined : parseRestartPolicy(o.restart);
    if (o.rm && restarts(restartPolicy)) {
      throw new InvalidInputError(`the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"`, {hint: 'drop --rm, or use --restart no'});
    }
    const sdNotify = parseSdNotifyMode(o.sdnotify);
    if (o.cidfile) checkCidfile(o.cidfile, o.replace === true);
    if (o.replace && o.name !== undefined) await this.replace(o.name);
    // The images lock keeps `rmi` from removing the image between lookup and the record's creation.
    // Locks are taken in one order: images, then userns-auto, then volumes.
    const created = await withLock(this.ctx.images.lockFile, () => {
      const image = this.ctx.images.resolve(o.image);
      const fields = this.resolveFields(o, image);
      const netFields = this.networkFields(o, net, Object.keys(image.config.config?.ExposedPorts ?? {}));
      const health = resolveHealthcheck(o.health ?? {}, image.config.config?.Healthcheck ?? undefined);
      const cv = require('../volume/container-volumes') as typeof import('../volume/container-volumes');
      const wanted = cv.completeMounts(this.ctx, ownMounts, image, o.volumesFrom ?? []);
      const write = (autoStart?: number) => cv.withContainerVolumes(this.ctx, wanted, (mounts) => {
        const maps = containerMaps(userns, this.ctx.mappings(), this.ctx.identity, autoStart);
        // keep-id runs as you (or keep-id's uid/gid) unless --user says otherwise, as in Podman.
        const user = userns.mode === 'keep-id' && o.user === undefined ? `${maps!.uidMap.find((e) => e.hostId === 0)!.containerId}:${maps!.gidMap.find((e) => e.hostId === 0)!.containerId}` : fields.user;
        return this.ctx.containers.create({
          ...fields, ...netFields, user, mounts, imageId: image.id, imageName: image.names[0] ?? image.id, env: mergeEnv(image.config.config?.Env, env),
          labels: {...(image.config.config?.Labels ?? {}), ...labels}, readOnly: o.readOnly, capAdd: o.capAdd, capDrop: o.capDrop,
          init: o.init, hostname: o.hostname, autoRemove: o.rm, tty: o.tty || undefined, interactive: o.interactive || undefined,
          healthcheck: health.config, healthOnFailure: health.config ? health.onFailure : undefined,
          createCommand: o.createCommand, driver, name: o.name, log, ...(maps ? {userns: maps} : {}), restartPolicy, sdNotify,
        });
      });
      if (userns.mode !== 'auto') return write();
      const pause = this.ctx.mappings();
      const {withAutoRange} = require('./userns-allocation') as typeof import('./userns-allocation');
      return withAutoRange(this.ctx.paths.root, this.ctx.containers, userns.size ?? AUTO_DEFAULT_SIZE, Math.min(mappedSize(pause.uidMap), mappedSize(pause.gidMap)), write);
    }, 'images');
    if (o.cidfile) {
      try {
        writeCidfile(o.cidfile, created.id);
      } catch (e) {
        await this.remove(created.id, {force: true}).catch(() => undefined);
        throw e;
      }
    }
    if (created.healthcheck) warnIfUnscheduled(created.name, created.healthcheck.Interval);
    return created;
  }

  /** The log driver and options a container made from `o` gets (checked: a bad option or an unusable driver throws). */
  logConfig(o: Pick<CreateOptions, 'logDriver' | 'logOpts'>): LogConfig {
    return resolveLogConfig(o.logDriver, o.logOpts ?? [], this.ctx.containersConf().containers);
  }

  /** A container with its own user namespace needs its rootfs shown through its maps: fuse-overlayfs. */
  private async idmapDriver(mode: string): Promise<DriverName> {
    if (!this.ctx.identity.rootless) throw new InvalidInputError(`--userns=${mode} is supported for rootless use only`, {hint: 'run burrow as an ordinary user, or drop --userns'});
    const verdict = await probeIdmappedRootfs(this.ctx.priv, this.ctx.paths.runroot, path.join(this.ctx.paths.root, 'tmp'));
    if (!verdict.usable) throw new HostConfigError(`--userns=${mode} cannot work here: ${verdict.reason}`, {hint: 'install fuse-overlayfs and make /dev/fuse usable (chmod 0666 /dev/fuse), or drop --userns'});
    return verdict.name;
  }

  /** `--replace`: the container that holds the name goes (stopped, then removed), as in Podman. */
  private async replace(name: string): Promise<void> {
    let id: string;
    try {
      id = this.ctx.containers.resolve(name).config.id;
    } catch (e) {
      if (e instanceof NoSuchObjectError) return;
      throw e;
    }
    await this.remove(id, {force: true});
  }

  /** --network parsed and checked against what exists now (networks, the joined container, helpers). */
  private networkRequest(o: CreateOptions): NetworkRequest {
    const needsDefault = o.network.length === 0 || o.network.includes('private');
    // As real root pasta (0.0~git20230309) cannot open the container's namespace: slirp4netns serves.
    const cmd = !needsDefault ? 'pasta' : this.ctx.identity.rootless ? defaultNetworkCmd(this.ctx.containersConf().network.default_rootless_network_cmd) : 'slirp4netns';
    const req = parseNetworkFlags(o.network, cmd);
    if (req.kind === 'pasta') pastaBinary();
    if (req.kind === 'slirp4netns') slirpBinary();
    if (req.kind === 'container') req.target = this.ctx.containers.resolve(req.target!).config.id;
    if (req.kind === 'bridge') {
      for (const n of req.networks) n.name = this.ctx.networks.resolve(n.name).name;
      slirpBinary();
    }
    if (o.networkAliases.length > 0) {
      if (req.kind !== 'bridge') throw new InvalidInputError('--network-alias needs a user-defined network', {hint: 'add --network NAME (see `burrow network ls`)'});
      for (const n of req.networks) n.aliases.push(...o.networkAliases);
    }
    return req;
  }

  private networkFields(o: CreateOptions, req: NetworkRequest, imageExposed: string[]) {
    const exposedPorts = [...new Set([...imageExposed, ...o.expose.map(normalizeExpose)])];
    let ports = parsePublishList(o.publish);
    if (o.publishAll) {
      const published = new Set(ports.map((p) => `${p.containerPort}/${p.protocol}`));
      ports.push(...exposedToMappings(exposedPorts).filter((p) => !published.has(`${p.containerPort}/${p.protocol}`)));
    }
    if (ports.length > 0 && (req.kind === 'host' || req.kind === 'none' || req.kind === 'container' || req.kind === 'ns')) {
      log.warn('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use');
      ports = [];
    }
    for (const h of o.addHost) parseAddHost(h);
    if (o.noHosts && o.addHost.length > 0) throw new InvalidInputError('--no-hosts and --add-host cannot be used together', {hint: 'drop one of them'});
    const dns = {servers: o.dns.map(parseDnsServer), search: o.dnsSearch, options: o.dnsOption};
    if (req.kind === 'container' && (dns.servers.length || dns.search.length || dns.options.length)) {
      throw new InvalidInputError('--dns options cannot be set with --network container:', {hint: 'the container shares the other container\'s resolv.conf'});
    }
    const mac = o.macAddress === undefined ? undefined : parseMacAddress(o.macAddress);
    if (mac && req.kind !== 'bridge') throw new InvalidInputError('--mac-address needs a user-defined network', {hint: 'add --network NAME'});
    return {
      network: networkModeName(req), networkOptions: req.options, networks: req.kind === 'bridge' ? req.networks : undefined,
      ports, exposedPorts, publishAll: o.publishAll, dns, addHosts: o.addHost, noHosts: o.noHosts, macAddress: mac,
    };
  }

  private resolveFields(o: CreateOptions, image: ImageView) {
    const ic = image.config.config ?? {};
    let entrypoint: string[];
    let command: string[];
    if (o.entrypoint !== undefined) {
      entrypoint = parseEntrypoint(o.entrypoint);
      // As in Podman and Docker: a new entrypoint discards the image's CMD.
      command = o.command;
    } else {
      entrypoint = ic.Entrypoint ?? [];
      command = o.command.length > 0 ? o.command : (ic.Cmd ?? []);
    }
    const args = [...entrypoint, ...command];
    if (args.length === 0) {
      throw new InvalidInputError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image', {hint: `give a command: burrow run ${o.image} COMMAND`});
    }
    return {
      args, entrypoint, command,
      workdir: o.workdir ?? (ic.WorkingDir || '/'),
      user: o.user ?? ic.User ?? '',
      stopSignal: normalizeSignal(o.stopSignal ?? ic.StopSignal ?? 'SIGTERM'),
      stopTimeout: o.stopTimeout ?? 10,
    };
  }

  // ---- start ----

  /**
   * Starts a created or exited container. `attached` marks a foreground `run` that will do the cleanup;
   * `beforeStart` runs once the process exists but before it runs (an attach client connects there, so
   * it sees the first byte of output and the terminal has its size from the start).
   */
  async start(id: string, opts: {attached?: boolean; consoleSize?: ConsoleSize; beforeStart?: (bundle: string) => Promise<void>; byPolicy?: boolean} = {}): Promise<ContainerState> {
    // Taken first, so no child of this process (mount, conmon, the runtime) ever sees it.
    const notifySocket = takeNotifySocket();
    await this.ctx.ready();
    const runtime = await this.ctx.runtime();
    return this.ctx.containers.update(id, async (v) => {
      let st = observedState(v, this.ctx.exitDir);
      if (isRunning(st)) return st;
      // A restart by policy is decided again under the lock: a `stop` or `rm` may have come in between.
      if (opts.byPolicy && !restartDecision(v.config.restartPolicy, {exitCode: st.exitCode, restartCount: st.restartCount ?? 0, stoppedByUser: st.stoppedByUser === true})) return st;
      if (st.status === 'exited' || st.mounted) st = await this.cleanupLocked(v, st);
      st = {...st, restartCount: opts.byPolicy ? (st.restartCount ?? 0) + 1 : 0, stoppedByUser: undefined};
      const c = v.config;
      const sdNotify = c.sdNotify ?? 'container';
      const notify = sdNotify === 'ignore' || opts.byPolicy ? undefined : notifySocket;
      // Ports and helpers are checked before anything is mounted: a port in use costs nothing to report.
      const plan = await this.network.prepare(c);
      const userdata = this.ctx.containers.userdataDir(c.id);
      const merged = path.join(this.ctx.containers.containerDir(c.id), 'merged');
      const image = this.ctx.images.get(c.imageId);
      if (!image) throw new NoSuchObjectError(`image ${c.imageId} of container ${c.name} is gone`, {hint: 'remove the container and create it again'});
      const lowers = image.layers.map((l) => this.ctx.layers.diffDir(l.diffId));
      if (c.userns && !mapsYou(c.userns.uidMap)) {
        const {openWayForForeignRoot} = require('./userns-access') as typeof import('./userns-access');
        for (const d of openWayForForeignRoot(this.ctx.containers.containerDir(c.id), this.ctx.identity.uid, c.userns.mode)) log.info(`made ${d} searchable by others (o+x) for the container's root`);
      }
      // A rootfs the user mounted (`burrow mount`) is used as it is.
      if (!userMounted(st) || (await mountsUnder(this.ctx.priv, merged)).length === 0) await mountRootfs(this.ctx.priv, c.driver as DriverName, {
        lowers, upper: path.join(this.ctx.containers.containerDir(c.id), 'diff'), work: path.join(this.ctx.containers.containerDir(c.id), 'work'),
        merged, empty: path.join(this.ctx.containers.containerDir(c.id), 'work'), idmap: c.userns,
      });
      st = {...st, mounted: true, startingPid: process.pid, runtime: runtime.path,
        conmonPidFile: path.join(userdata, 'conmon.pid'), containerPidFile: path.join(userdata, 'pidfile')};
      fs.rmSync(st.conmonPidFile!, {force: true});
      this.ctx.containers.writeState(c.id, st);
      try {
        const hostname = c.hostname ?? (c.network === 'host' ? os.hostname() : c.id.slice(0, 12));
        writeContainerFiles(userdata, c, hostname, this.ctx.identity.rootless, VERSION);
        const etcFiles = c.userns?.mode === 'keep-id' ? this.writeKeepIdFiles(c, image, userdata) : [];
        const user = resolveUser(c.user, this.containerEtcFile(c, image, 'passwd'), this.containerEtcFile(c, image, 'group'));
        const mounts = c.mounts?.length ? await this.prepareMounts(c, merged, lowers, user) : undefined;
        const spec = generateSpec({
          mounts,
          config: c, rootfs: merged, userdata, rootless: this.ctx.identity.rootless, mappedIds: mappedSize(this.ctx.mappings().gidMap),
          user, hostname, initPath: c.init ? initBinary() : undefined, netnsPath: plan.netnsPath, consoleSize: opts.consoleSize,
          userns: c.userns, etcFiles,
        });
        const relay = notify !== undefined && sdNotify === 'container' && relayableSocket(notify) ? notify : undefined;
        if (notify !== undefined && sdNotify === 'container' && !relay) log.warn(`NOTIFY_SOCKET ${notify} cannot be relayed into the container (abstract or too long): use --sdnotify=conmon`);
        if (relay) {
          fs.mkdirSync(path.join(userdata, 'notify'), {recursive: true});
          addNotifySocketToSpec(spec, path.join(userdata, 'notify'));
        }
        // Private: it holds the environment, and userdata is searchable by others for --userns=auto.
        writeJsonAtomic(path.join(userdata, 'config.json'), spec, 0o600);
        fs.mkdirSync(this.ctx.exitDir, {recursive: true});
        fs.rmSync(path.join(this.ctx.exitDir, c.id), {force: true});
        fs.mkdirSync(this.ctx.runtimeRoot, {recursive: true});
        fs.mkdirSync(this.ctx.socketDir, {recursive: true});
        const started = await startConmon(this.ctx.priv, {
          id: c.id, name: c.name, bundle: userdata, runtimePath: runtime.path, runtimeRoot: this.ctx.runtimeRoot,
          logPath: logFilePath(c.log, this.ctx.containers.logPath(c.id)), log: c.log, exitDir: this.ctx.exitDir, socketDir: this.ctx.socketDir,
          exitCommand: this.exitCommand(c.id, opts.attached ? process.pid : 0), terminal: c.tty, stdin: c.interactive, sdNotifySocket: relay,
        });
        st = {...st, network: await this.network.attach(c, plan, started.pid, userdata)};
        this.ctx.containers.writeState(c.id, st);
        await opts.beforeStart?.(userdata);
        await this.ctx.priv.run([runtime.path, '--root', this.ctx.runtimeRoot, 'start', c.id]);
        st = {
          ...st, status: 'running', pid: started.pid, conmonPid: started.conmonPid, startedAt: new Date().toISOString(),
          finishedAt: undefined, exitCode: undefined, error: undefined, bootId: bootId(), runtime: runtime.path,
          attachedPid: opts.attached ? process.pid : undefined, restartCount: st.restartCount, startingPid: undefined,
        };
        this.ctx.containers.writeState(c.id, st);
        if (c.healthcheck) await this.health.started(c, userdata, this.selfArgv()).catch((e: Error) => log.warn(`health check of ${c.name}: ${e.message}`));
        const message = notify === undefined ? undefined : readyMessage(sdNotify, started.conmonPid);
        if (message) await sendNotify(notify!, message).catch((e: Error) => log.warn(`sd_notify to ${notify}: ${e.message}`));
        return st;
      } catch (e) {
        // Leave a clean "created" container: no mount, no runtime state, no network helper.
        await this.network.detach(c, st.network).catch(() => undefined);
        await this.ctx.priv.run([runtime.path, '--root', this.ctx.runtimeRoot, 'delete', '--force', c.id], {okStatuses: [0, 1]}).catch(() => undefined);
        await this.unmountExtra(c).catch(() => undefined);
        if (!userMounted(st)) await unmountRootfs(this.ctx.priv, c.driver as DriverName, merged).catch(() => undefined);
        this.ctx.containers.writeState(c.id, {...st, status: 'created', mounted: false, runtime: undefined, startingPid: undefined, network: undefined, error: (e as Error).message});
        throw e;
      }
    });
  }

  /** The container's -v/--mount list as host paths (volume/mount-setup), loaded only for containers that have one. */
  private async prepareMounts(c: ContainerConfig, merged: string, lowers: string[], user: {uid: number; gid: number}) {
    const {prepareMounts} = require('../volume/mount-setup') as typeof import('../volume/mount-setup');
    const dir = this.ctx.containers.containerDir(c.id);
    const driver = c.driver as DriverName;
    return prepareMounts(this.ctx, {
      // U and first-mount ownership go through the container's own mapping when it has one (--userns).
      config: c, containerDir: dir, merged, driver, user, mapping: c.userns ? {uidMap: c.userns.uidMap, gidMap: c.userns.gidMap} : undefined,
      rootfsLayers: driver === 'vfs' ? [merged] : [path.join(dir, 'diff'), ...[...lowers].reverse()],
    });
  }

  /** Image mounts and O overlays of the container, if it has any. */
  private async unmountExtra(c: ContainerConfig): Promise<void> {
    if (!c.mounts?.some((m) => m.type === 'image' || m.overlay)) return;
    const {unmountContainerMounts} = require('../volume/mount-setup') as typeof import('../volume/mount-setup');
    await unmountContainerMounts(this.ctx.priv, this.ctx.containers.containerDir(c.id));
  }

  /**
   * The exit command conmon runs when the container ends: this same CLI, told where storage is. A
   * foreground `run` that is still waiting does the cleanup itself, so the shell guard skips starting a
   * second Node process then; if that `run` was killed, the guard lets the cleanup through.
   */
  private exitCommand(id: string, attachedPid: number): string[] {
    const bin = path.resolve(__dirname, '../../../bin/burrow');
    const guard = 'if [ "$1" != 0 ]; then s=$(sed -n "s/.*) \\(.\\).*/\\1/p" "/proc/$1/stat" 2>/dev/null); ' +
      'case "$s" in ""|Z|X) ;; *) exit 0;; esac; fi; shift; exec "$@"';
    return ['/bin/sh', '-c', guard, 'burrow-exit', String(attachedPid), process.execPath, bin, '--root', this.ctx.paths.root, '--runroot', this.ctx.paths.runroot, 'container', 'cleanup', id];
  }

  /** keep-id: passwd and group with your entry (when the image lacks your ids), to bind over /etc. */
  private writeKeepIdFiles(c: ContainerConfig, image: {layers: {diffId: string}[]}, userdata: string): string[] {
    const {groupWithUser, hostUserEntry, keepIdHome, passwdWithUser} = require('./keepid-files') as typeof import('./keepid-files');
    const uid = c.userns!.uidMap.find((e) => e.hostId === 0)!.containerId;
    const gid = c.userns!.gidMap.find((e) => e.hostId === 0)!.containerId;
    const info = os.userInfo();
    const me = hostUserEntry(readTextFile('/etc/passwd') ?? '', this.ctx.identity.uid, {name: info.username, gecos: '', home: info.homedir});
    const home = keepIdHome(me.home, (c.mounts ?? []).map((m) => m.destination), c.workdir);
    const files: [string, string | undefined][] = [
      ['passwd', passwdWithUser(this.readImageFile(image, 'etc/passwd'), me, uid, gid, home)],
      ['group', groupWithUser(this.readImageFile(image, 'etc/group'), me.name, gid)],
    ];
    const written: string[] = [];
    for (const [name, text] of files) {
      fs.rmSync(path.join(userdata, name), {force: true});
      if (text === undefined) continue;
      fs.writeFileSync(path.join(userdata, name), text, {mode: 0o644});
      written.push(name);
    }
    return written;
  }

  /** /etc/passwd or /etc/group as the container sees it: keep-id's own copy, else the image's. */
  private containerEtcFile(c: ContainerConfig, image: {layers: {diffId: string}[]} | undefined, name: 'passwd' | 'group'): string | undefined {
    if (c.userns?.mode === 'keep-id') {
      const own = readTextFile(path.join(this.ctx.containers.userdataDir(c.id), name));
      if (own !== undefined) return own;
    }
    return image ? this.readImageFile(image, `etc/${name}`) : undefined;
  }

  /** This burrow, told where storage is: how a process started elsewhere (a systemd timer) calls back. */
  private selfArgv(): string[] {
    return [process.execPath, path.resolve(__dirname, '../../../bin/burrow'), '--root', this.ctx.paths.root, '--runroot', this.ctx.paths.runroot];
  }

  /** `healthcheck run`: one check of a running container, recorded, with its on-failure action. */
  async healthcheckRun(ref: string): Promise<HealthRunResult> {
    const v = this.ctx.containers.resolve(ref);
    const st = observedState(v, this.ctx.exitDir);
    return this.health.run(v.config, isRunning(st), st.startedAt, v.config.healthOnFailure ?? 'none');
  }

  /** Reads a file of the image's merged view from the top layer down, without mounting anything. */
  private readImageFile(image: ImageView | {layers: {diffId: string}[]}, rel: string): string | undefined {
    for (const l of [...image.layers].reverse()) {
      const p = path.join(this.ctx.layers.diffDir(l.diffId), rel);
      try {
        const st = fs.lstatSync(p);
        if (st.isCharacterDevice()) return undefined; // a whiteout hides it
        if (st.isFile()) return fs.readFileSync(p, 'utf8');
      } catch {
        // not in this layer
      }
    }
    return undefined;
  }

  // ---- stop / kill ----

  async kill(id: string, signal = 'SIGKILL'): Promise<void> {
    const v = this.ctx.containers.resolve(id);
    const st = observedState(v, this.ctx.exitDir);
    if (!isRunning(st)) {
      throw new InvalidStateError(`can only kill running containers. ${v.config.id} is in state ${st.status}: container state improper`);
    }
    const sig = normalizeSignal(signal);
    await this.markStoppedByUser(v);
    await this.signal(v, sig, st);
  }

  /**
   * Recorded before the signal goes out, so the exit command that follows sees it and does not restart.
   * Only containers with a restart policy pay for the lock.
   */
  private async markStoppedByUser(v: ContainerView): Promise<void> {
    if (!restarts(v.config.restartPolicy)) return;
    await this.ctx.containers.update(v.config.id, (cur) => {
      if (!cur.state.stoppedByUser) this.ctx.containers.writeState(cur.config.id, {...cur.state, stoppedByUser: true});
    });
  }

  private async signal(v: ContainerView, signal: string, st: ContainerState): Promise<void> {
    const runtime = st.runtime ?? (await this.ctx.runtime()).path;
    const res = await this.ctx.priv.run([runtime, '--root', this.ctx.runtimeRoot, 'kill', v.config.id, signal.replace(/^SIG/, '')], {okStatuses: [0, 1]});
    if (res.status !== 0 && !/not running|container not found|does not exist|process already finished/i.test(res.stderr)) {
      throw new BurrowError(`sending ${signal} to ${v.config.name}: ${res.stderr.trim().split('\n').pop()}`);
    }
  }

  /** Stop signal, then SIGKILL after `timeout` seconds; then the exit-time cleanup. */
  async stop(id: string, timeout?: number): Promise<void> {
    const v = this.ctx.containers.resolve(id);
    const st = observedState(v, this.ctx.exitDir);
    if (isRunning(st)) {
      await this.markStoppedByUser(v);
      const wait = timeout ?? v.config.stopTimeout;
      if (wait > 0) {
        await this.signal(v, v.config.stopSignal, st);
        if ((await this.waitExit(v.config.id, wait * 1000)) === undefined) {
          log.warn(`StopSignal ${v.config.stopSignal} failed to stop container ${v.config.name} in ${wait} seconds, resorting to SIGKILL`);
        }
      }
      if (readExitFile(this.ctx.exitDir, v.config.id) === undefined) {
        await this.signal(v, 'SIGKILL', st);
        await this.waitExit(v.config.id, 30_000);
      }
    }
    await this.cleanup(v.config.id);
  }

  // ---- wait / cleanup / remove ----

  /** Waits until conmon records the exit; returns the code, or undefined on timeout. */
  async waitExit(id: string, timeoutMs = Infinity): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    fs.mkdirSync(this.ctx.exitDir, {recursive: true});
    let watcher: fs.FSWatcher | undefined;
    let wake: (() => void) | undefined;
    try {
      watcher = fs.watch(this.ctx.exitDir, () => wake?.());
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
    try {
      for (;;) {
        const exit = readExitFile(this.ctx.exitDir, id);
        if (exit) return exit.code;
        const v = this.ctx.containers.read(id);
        if (!v) return undefined;
        const st = observedState(v, this.ctx.exitDir);
        if (!isRunning(st)) return st.exitCode;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 250));
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    } finally {
      watcher?.close();
    }
  }

  /**
   * After the container ended: record the exit, unmount, drop the runtime's state and, for --rm,
   * remove it. Idempotent and under the lock, so conmon's exit command and a waiting `run` can both
   * call it and the work is done once. `fromAttached` is the foreground run itself.
   */
  async cleanup(id: string, opts: {fromAttached?: boolean; applyRestartPolicy?: boolean} = {}): Promise<{exitCode?: number; removed: boolean; restarted?: boolean}> {
    if (!this.ctx.containers.exists(id)) return {removed: true};
    const res = await this.ctx.containers.update(id, (v) => this.cleanupUnderLock(v, opts));
    if (!opts.applyRestartPolicy || !res.ended || !restartDecision(res.policy, res.ended)) return res;
    // Outside the cleanup's lock: start takes it again and decides once more.
    try {
      const st = await this.start(id, {byPolicy: true});
      return {...res, restarted: isRunning(st)};
    } catch (e) {
      log.warn(`restarting ${id.slice(0, 12)} by its restart policy: ${(e as Error).message}`);
      return res;
    }
  }

  /** `ended` describes a container that exited and is still there, for the restart policy. */
  private async cleanupUnderLock(v: ContainerView, opts: {fromAttached?: boolean}): Promise<{exitCode?: number; removed: boolean; policy?: RestartPolicy; ended?: EndedContainer}> {
    const st = observedState(v, this.ctx.exitDir);
    if (isRunning(st)) return {exitCode: undefined, removed: false};
    const attachedElsewhere = st.attachedPid !== undefined && st.attachedPid !== process.pid && !opts.fromAttached && isAlive(st.attachedPid);
    if (v.config.autoRemove && st.status === 'exited' && !attachedElsewhere) {
      await this.removeLocked(v, st, true);
      return {exitCode: st.exitCode, removed: true};
    }
    const cleaned = await this.cleanupLocked(v, st);
    const ended = st.status === 'exited' ? {exitCode: cleaned.exitCode, restartCount: cleaned.restartCount ?? 0, stoppedByUser: cleaned.stoppedByUser === true} : undefined;
    return {exitCode: cleaned.exitCode, removed: false, policy: v.config.restartPolicy, ended};
  }

  private async cleanupLocked(v: ContainerView, st: ContainerState): Promise<ContainerState> {
    const c = v.config;
    if (c.healthcheck) await this.health.stopped(c, this.ctx.containers.userdataDir(c.id)).catch(() => undefined);
    await this.network.detach(c, st.network).catch((e: Error) => log.warn(`network cleanup of ${c.name}: ${e.message}`));
    // The mount table, not the state file, decides: a crash between mounting and recording leaves a mount.
    await this.unmountExtra(c);
    if (!userMounted(st)) await unmountRootfs(this.ctx.priv, c.driver as DriverName, path.join(this.ctx.containers.containerDir(c.id), 'merged'));
    if (st.runtime) {
      await this.ctx.priv.run([st.runtime, '--root', this.ctx.runtimeRoot, 'delete', '--force', c.id], {okStatuses: [0, 1]}).catch(() => undefined);
    }
    const next: ContainerState = {...st, mounted: userMounted(st), runtime: undefined, pid: undefined, conmonPid: undefined, network: undefined};
    this.ctx.containers.writeState(c.id, next);
    return next;
  }

  /** `volumes`: its anonymous volumes go too (rm -v). */
  async remove(ref: string, opts: {force?: boolean; volumes?: boolean} = {}): Promise<string> {
    const v = this.ctx.containers.resolve(ref);
    let st = observedState(v, this.ctx.exitDir);
    if (isRunning(st)) {
      if (!opts.force) {
        throw new InvalidStateError(`cannot remove container ${v.config.id} as it is running - running or paused containers cannot be removed without force: container state improper`,
          {exitCode: 2, hint: 'stop it first (`burrow stop`) or use `burrow rm -f`'});
      }
      await this.markStoppedByUser(v);
      await this.signal(v, 'SIGKILL', st);
      await this.waitExit(v.config.id, 30_000);
    }
    await this.ctx.containers.update(v.config.id, async (cur) => {
      st = observedState(cur, this.ctx.exitDir);
      if (isRunning(st)) throw new InvalidStateError(`container ${cur.config.name} is still running`);
      await this.removeLocked(cur, st, opts.volumes === true);
    });
    return v.config.id;
  }

  /**
   * Removes an ended container: it vanishes for readers at once (rename), then one privileged child
   * drops the runtime state, unmounts what is still mounted inside and deletes the tree — one spawn
   * instead of three on the path every `run --rm` takes.
   */
  private async removeLocked(v: ContainerView, st: ContainerState, anonymousVolumes = false): Promise<void> {
    await this.network.detach(v.config, st.network).catch((e: Error) => log.warn(`network cleanup of ${v.config.name}: ${e.message}`));
    const doomed = this.ctx.containers.detach(v);
    fs.rmSync(path.join(this.ctx.exitDir, v.config.id), {force: true});
    await this.deleteTree(doomed, st.runtime, v.config.id);
    if (anonymousVolumes && v.config.mounts?.some((m) => m.anonymous)) {
      const {removeAnonymousVolumes} = require('../volume/container-volumes') as typeof import('../volume/container-volumes');
      await removeAnonymousVolumes(this.ctx, v.config);
    }
  }

  /** Deletes a container directory (also a crashed creator's or remover's), unmounting what is inside. */
  private async deleteTree(dir: string, runtime = '', id = ''): Promise<void> {
    const mounts = (await mountsUnder(this.ctx.priv, dir)).sort((a, b) => b.length - a.length);
    await this.ctx.priv.run(['sh', '-c', REMOVE_SCRIPT, 'burrow-rm', runtime, this.ctx.runtimeRoot, id, dir, ...mounts]);
  }

  /**
   * Finishes what dead processes left: temp directories of interrupted creates/removes, and --rm
   * containers that ended while nobody could clean them up. Cheap when there is nothing to do.
   */
  async sweep(list = this.list()): Promise<boolean> {
    let changed = false;
    for (const s of list) {
      const unattended = s.state.status === 'exited' && (s.state.attachedPid === undefined || !isAlive(s.state.attachedPid));
      // An exited container whose stored state still says running (or mounted) was never cleaned up.
      const stale = s.config.autoRemove || (s.state.mounted === true && !userMounted(s.state)) || s.state.runtime !== undefined;
      if (unattended && stale) {
        await this.cleanup(s.config.id).catch(() => undefined);
        changed = true;
      }
    }
    for (const dir of this.ctx.containers.leftovers(isAlive)) await this.deleteTree(dir).catch(() => undefined);
    return changed;
  }

  // ---- views ----

  view(ref: string): ContainerSnapshot {
    return this.snapshot(this.ctx.containers.resolve(ref));
  }

  list(): ContainerSnapshot[] {
    const perNetwork = new Map<string, string | undefined>();
    return this.ctx.containers.list().map((v) => this.snapshot(v, perNetwork));
  }

  private snapshot(v: ContainerView, perNetwork?: Map<string, string | undefined>): ContainerSnapshot {
    const state = observedState(v, this.ctx.exitDir);
    const running = isRunning(state);
    const health = v.config.healthcheck ? readHealth(this.ctx.containers.userdataDir(v.config.id)) : undefined;
    return {config: v.config, state, networkProblem: running ? this.network.problem(state.network, perNetwork) : undefined, health};
  }

  // ---- top ----

  /** `top`: rows (header first) of the running container's processes, as the container sees them. */
  top(ref: string, descriptors: string[]): string[][] {
    const v = this.ctx.containers.resolve(ref);
    const st = observedState(v, this.ctx.exitDir);
    if (!isRunning(st) || st.pid === undefined) {
      throw new InvalidStateError(`top can only be used on running containers: ${v.config.name} is ${st.status}`, {hint: `start it first: burrow start ${v.config.name}`});
    }
    const image = this.ctx.images.get(v.config.imageId);
    const passwd = parsePasswd((image && this.readImageFile(image, 'etc/passwd')) ?? '');
    const groups = parseGroup((image && this.readImageFile(image, 'etc/group')) ?? '');
    return topRows(st.pid, normalizeDescriptors(descriptors), {
      user: (uid) => passwd.find((e) => e.uid === uid)?.name ?? String(uid),
      group: (gid) => groups.find((e) => e.gid === gid)?.name ?? String(gid),
    });
  }

  // ---- rename ----

  async rename(ref: string, wanted: string): Promise<void> {
    const id = this.ctx.containers.resolve(ref).config.id;
    await this.ctx.containers.update(id, (v) => {
      if (v.config.name === wanted) return;
      this.ctx.containers.rename(v.config, wanted);
    });
  }

  // ---- exec ----

  /**
   * Runs a process in a running container with the given stdio; resolves to its exit status (or, with
   * detach, to the session id once it started). The container's lock is held only while reading it.
   * With a terminal (-t) the session is run by a conmon of its own and `io` talks to it.
   */
  async exec(ref: string, o: ExecOptions, stdio: ExecStdio = {stdin: 'ignore'}, io?: AttachIO): Promise<{code: number; session: string; detached?: boolean; timedOut?: boolean}> {
    const v = this.ctx.containers.resolve(ref);
    const st = observedState(v, this.ctx.exitDir);
    if (!isRunning(st) || !st.runtime) {
      throw new InvalidStateError(`can only create exec sessions on running containers: container state improper`, {hint: `start it first: burrow start ${v.config.name}`});
    }
    const c = v.config;
    const image = this.ctx.images.get(c.imageId);
    const user = resolveUser(o.user ?? c.user, this.containerEtcFile(c, image, 'passwd'), this.containerEtcFile(c, image, 'group'));
    const userdata = this.ctx.containers.userdataDir(c.id);
    let hostname = c.id.slice(0, 12);
    try {
      hostname = fs.readFileSync(path.join(userdata, 'hostname'), 'utf8').trim();
    } catch {
      // keep the short id
    }
    const session = randomBytes(32).toString('hex');
    const files = openExecSession(userdata, session);
    let keep = false;
    try {
      fs.writeFileSync(files.processFile, JSON.stringify(execProcessSpec(c, o, user, hostname, io?.size())));
      if (o.tty) {
        const r = await this.execWithTerminal(c, st.runtime, files, o, io);
        keep = o.detach || r.detached === true;
        return {...r, session};
      }
      const argv = await this.ctx.priv.wrap([st.runtime, '--root', this.ctx.runtimeRoot, '--log', files.logFile, '--log-format', 'json',
        'exec', ...(o.detach ? ['--detach'] : []), '--pid-file', files.pidFile, '--process', files.processFile, c.id]);
      const child = runner.start(argv, {stdio: [o.interactive ? stdio.stdin : 'ignore', o.detach ? 'ignore' : stdio.stdout ? 'pipe' : 'inherit', o.detach ? 'ignore' : 'pipe'], env: this.ctx.priv.childEnv()});
      if (stdio.stdout) child.stdout?.on('data', stdio.stdout);
      let timedOut = false;
      // The runtime's exec client does not take the process with it when killed: the process itself goes.
      const timer = stdio.timeoutMs === undefined ? undefined : setTimeout(() => {
        timedOut = true;
        const pid = fs.existsSync(files.pidFile) ? fs.readFileSync(files.pidFile, 'utf8').trim() : '';
        if (/^\d+$/.test(pid)) this.ctx.priv.run(['kill', '-KILL', pid], {okStatuses: [0, 1]}).catch(() => undefined);
        else child.kill('SIGKILL');
      }, stdio.timeoutMs);
      // The process's stderr goes through; runc's own "exec failed" line (also in its log) does not,
      // since it becomes the one-line error below.
      child.stderr?.on('data', (b: Buffer) => {
        if (!/^exec failed: [^\n]*\n?$/.test(b.toString())) stdio.stderr?.(b);
      });
      const code = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        // 'close', not 'exit': the last of the process's stderr may still be in the pipe at exit.
        child.on('close', (status, signal) => resolve(status ?? 128 + (signal ? os.constants.signals[signal] : 0)));
      }).finally(() => clearTimeout(timer));
      const failed = execFailure(files.logFile);
      if (failed && !timedOut) throw failed;
      keep = o.detach;
      return {code, session, timedOut};
    } finally {
      // A detached session keeps its directory (pid file) so inspect lists it while it runs.
      if (!keep) fs.rmSync(files.dir, {recursive: true, force: true});
      else fs.rmSync(files.ownerFile, {force: true});
    }
  }

  private async execWithTerminal(c: ContainerConfig, runtime: string, files: ExecSessionFiles, o: ExecOptions, io: AttachIO | undefined): Promise<{code: number; detached?: boolean}> {
    const attach = !o.detach && io !== undefined;
    let conn: AttachConnection | undefined;
    const started = await startConmonExec(this.ctx.priv, {
      id: c.id, name: c.name, bundle: files.dir, runtimePath: runtime, runtimeRoot: this.ctx.runtimeRoot, processSpec: files.processFile,
      logPath: path.join(files.dir, 'exec.log'), exitDir: files.dir, terminal: true, stdin: o.interactive, attach,
    }, async () => {
      const {AttachConnection: Connection} = require('./attach-socket') as typeof import('./attach-socket');
      conn = await Connection.open(files.dir, (stream, data) => io!.output(stream, data));
    });
    if (!attach || !conn) {
      started.release();
      return {code: 0};
    }
    const end = await io!.drive(conn, {tty: true, stdin: o.interactive});
    if (end === 'detached') {
      conn.close();
      started.release();
      return {code: 0, detached: true};
    }
    return {code: await started.wait()};
  }

  // ---- network ----

  /** The published ports of a container, as bound now (running) or as asked (otherwise). */
  ports(ref: string): {config: ContainerConfig; ports: PortMapping[]} {
    const s = this.view(ref);
    return {config: s.config, ports: s.state.network?.ports ?? (s.config.ports ?? []).filter((p) => p.hostPort !== 0)};
  }

  /** `network connect`: a running container joins at once; a stopped one on its next start. */
  async connect(ref: string, network: string, aliases: string[]): Promise<void> {
    const id = this.ctx.containers.resolve(ref).config.id;
    const def = this.ctx.networks.resolve(network);
    await this.ctx.containers.update(id, async (v) => {
      const c = v.config;
      if (!['bridge', 'pasta', 'slirp4netns'].includes(c.network)) {
        throw new InvalidStateError(`container ${c.name} uses --network ${c.network}: it cannot join networks`, {hint: 'create it with --network NAME'});
      }
      if (c.networks?.some((n) => n.name === def.name)) throw new InvalidStateError(`container ${c.name} is already connected to network ${def.name}`);
      const st = observedState(v, this.ctx.exitDir);
      if (c.network !== 'bridge' && isRunning(st)) {
        throw new InvalidStateError(`container ${c.name} runs with ${c.network}: stop it before connecting it to ${def.name}`, {hint: `burrow stop ${c.name}`});
      }
      const networks = [...(c.networks ?? []), {name: def.name, aliases}];
      this.ctx.containers.rewriteConfig(id, {...c, network: 'bridge', networks, networkOptions: []});
      if (isRunning(st) && st.pid !== undefined && st.network) {
        this.ctx.containers.writeState(id, {...st, network: await this.network.connect(c, st.network, st.pid, def.name, aliases)});
      }
    });
  }

  async disconnect(ref: string, network: string): Promise<void> {
    const id = this.ctx.containers.resolve(ref).config.id;
    const def = this.ctx.networks.resolve(network);
    await this.ctx.containers.update(id, async (v) => {
      const c = v.config;
      if (!c.networks?.some((n) => n.name === def.name)) throw new InvalidStateError(`container ${c.name} is not connected to network ${def.name}`);
      const st = observedState(v, this.ctx.exitDir);
      const networks = c.networks.filter((n) => n.name !== def.name);
      // With no network left the container keeps a namespace of its own with only loopback.
      this.ctx.containers.rewriteConfig(id, {...c, networks, network: networks.length === 0 ? 'none' : 'bridge'});
      if (isRunning(st) && st.network) this.ctx.containers.writeState(id, {...st, network: await this.network.disconnect(c, st.network, def.name)});
    });
  }
}

/** Where a non-terminal exec's streams go: the caller's callbacks (else stdout is inherited), and a time limit. */
export interface ExecStdio {
  stdin: 'inherit' | 'ignore';
  stdout?: (b: Buffer) => void;
  stderr?: (b: Buffer) => void;
  timeoutMs?: number;
}

/** $1 runtime (may be empty), $2 runtime root, $3 id, $4 directory, then mount points, deepest first. */
const REMOVE_SCRIPT = `runtime=$1 root=$2 id=$3 dir=$4; shift 4
if [ -n "$runtime" ]; then "$runtime" --root "$root" delete --force "$id" >/dev/null 2>&1 || true; fi
for m in "$@"; do umount "$m" 2>/dev/null || umount -l "$m"; done
exec rm -rf --one-file-system -- "$dir"`;

/** Podman's --entrypoint: a JSON array, or one command (no shell splitting). */
function parseEntrypoint(value: string): string[] {
  return jsonStringArray(value) ?? (value === '' ? [] : [value]);
}

export function parseLabels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const eq = l.indexOf('=');
    if (eq === 0) throw new InvalidInputError(`invalid label "${l}"`, {hint: 'use --label KEY=VALUE'});
    if (eq < 0) out[l] = '';
    else out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

/** `-e NAME` takes NAME from burrow's own environment (skipped when unset); `-e 'PRE*'` takes every match. */
export function expandEnv(list: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const e of list) {
    if (e.includes('=')) {
      if (e.startsWith('=')) throw new InvalidInputError(`invalid environment variable "${e}"`, {hint: 'use -e NAME=VALUE'});
      out.push(e);
    } else if (e.endsWith('*')) {
      const prefix = e.slice(0, -1);
      for (const [k, v] of Object.entries(env)) if (k.startsWith(prefix) && v !== undefined) out.push(`${k}=${v}`);
    } else if (env[e] !== undefined) {
      out.push(`${e}=${env[e]}`);
    }
  }
  return out;
}

export function readEnvFiles(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new InvalidInputError(`cannot read env file ${f}: ${(e as NodeJS.ErrnoException).code}`, {hint: 'check the path given to --env-file'});
    }
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    out.push(...expandEnv(lines));
  }
  return out;
}

function readTextFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function initBinary(): string {
  const p = findTool('catatonit') ?? findTool('tini-static');
  if (!p) throw new ContainerCommandError('--init needs catatonit on the host', {exitCode: ExitCode.Engine, hint: 'install the catatonit package'});
  return p;
}
