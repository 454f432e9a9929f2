// One container's network, from start to cleanup: which namespace the runtime puts it in, the
// helpers that connect that namespace (pasta or slirp4netns of its own, or the user-defined networks
// it joins), its published ports, and the /etc/hosts and /etc/resolv.conf it sees. The container
// manager calls prepare() before the runtime creates the container, attach() once its process exists
// (not yet started) and detach() from the exit-time cleanup; a failure in between detaches what was
// attached, so no helper outlives a container that never started.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError, InvalidStateError} from '../errors';
import {log} from '../log';
import type {EngineContext} from '../engine/context';
import type {ContainerConfig} from '../storage/container-store';
import {isRunning, observedState} from '../runtime/container-state';
import {findTool} from '../runtime/host-tools';
import {checkHostPorts} from './host-ports';
import {helperAlive, recordHelper, stopHelper, waitHelperGone, type HelperRecord} from './helper-process';
import {readPidFile} from '../../rootless/proc';
import type {PortMapping} from './network-options';
import {hostsFile, resolvConf} from '../runtime/container-files';
import {PASTA_DNS_FORWARD, startPasta} from './pasta';
import {addHostForwards, parseSlirpOptions, slirpAddresses, startSlirp4netns} from './slirp4netns';
import {BridgeNetworks, type Attachment} from './bridge-network';

/** A bind mount of the container's network namespace, made for pasta when started from inside the user namespace. */
const NETNS_PIN = 'netns-pin';

/** What the runtime needs before create, and what attach() needs after. */
export interface NetworkPlan {
  /** namespace path to join (container:, ns:), or undefined for a new one / the host's */
  netnsPath?: string;
  /** false for --network host */
  ownNamespace: boolean;
  ports: PortMapping[];
  /** container: — the container whose hosts and resolv.conf we share */
  sharedUserdata?: string;
}

/** What a running container's network is, kept in its state. */
export interface NetworkState {
  helper?: HelperRecord;
  /** slirp4netns's API socket */
  apiSocket?: string;
  ports: PortMapping[];
  /** the container's own namespace (pasta, slirp4netns); on user-defined networks see attachments */
  ip?: string;
  prefix?: number;
  gateway?: string;
  attachments?: Attachment[];
  sandboxKey?: string;
}

export type RootlessNetworkCmd = 'pasta' | 'slirp4netns';

/** The address a container is known by: its first network's, or its own namespace's. */
export function primaryAddress(state: NetworkState | undefined): {ip?: string; prefix?: number; gateway?: string} | undefined {
  return state?.attachments?.[0] ?? state;
}

/** Podman 5's choice: containers.conf's default_rootless_network_cmd, else pasta; whichever is installed. */
export function defaultNetworkCmd(configured: string | undefined): RootlessNetworkCmd {
  if (configured !== undefined && configured !== '') {
    if (configured !== 'pasta' && configured !== 'slirp4netns') {
      throw new HostConfigError(`containers.conf: default_rootless_network_cmd = "${configured}" is not pasta or slirp4netns`, {hint: 'set it to "pasta" or "slirp4netns"'});
    }
    return configured;
  }
  if (findTool('pasta')) return 'pasta';
  if (findTool('slirp4netns')) return 'slirp4netns';
  return 'pasta';
}

/** First non-internal IPv4 address of the host: what host.containers.internal names when reachable. */
export function hostAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function modeKind(c: ContainerConfig): string {
  const m = c.network;
  const colon = m.indexOf(':');
  return colon < 0 ? m : m.slice(0, colon);
}

function tunUsable(): void {
  try {
    fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
  } catch (e) {
    throw new HostConfigError(`/dev/net/tun is not usable (${(e as NodeJS.ErrnoException).code}): rootless networking needs it`,
      {hint: 'ask an administrator to load the tun module (modprobe tun) and make /dev/net/tun mode 0666, or use --network host'});
  }
}

export class ContainerNetwork {
  readonly bridges: BridgeNetworks;

  constructor(private readonly ctx: EngineContext) {
    this.bridges = new BridgeNetworks(ctx.priv, ctx.paths.runroot);
  }

  async prepare(c: ContainerConfig): Promise<NetworkPlan> {
    const kind = modeKind(c);
    const ports = c.ports ?? [];
    const own = kind !== 'host' && kind !== 'container' && kind !== 'ns';
    if (kind === 'container') {
      const target = c.network.slice('container:'.length);
      const other = this.ctx.containers.read(target) ?? this.ctx.containers.resolve(target);
      const st = observedState(other, this.ctx.exitDir);
      if (!isRunning(st) || st.pid === undefined) {
        throw new InvalidStateError(`container ${other.config.name} (whose network this container joins) is not running`, {hint: `start it first: burrow start ${other.config.name}`});
      }
      return {netnsPath: `/proc/${st.pid}/ns/net`, ownNamespace: false, ports: [], sharedUserdata: this.ctx.containers.userdataDir(other.config.id)};
    }
    if (kind === 'ns') {
      const p = c.network.slice('ns:'.length);
      if (!fs.existsSync(p)) throw new InvalidInputError(`--network ns:${p}: no such file`, {hint: 'give the path of a network namespace, e.g. /proc/PID/ns/net'});
      return {netnsPath: p, ownNamespace: false, ports: []};
    }
    if (kind === 'slirp4netns' || kind === 'pasta' || kind === 'bridge') {
      if (this.ctx.identity.rootless) tunUsable();
      if (kind === 'slirp4netns') parseSlirpOptions(c.networkOptions ?? []);
      return {ownNamespace: true, ports: await checkHostPorts(ports, this.ctx.identity.rootless)};
    }
    return {ownNamespace: own, ports: []};
  }

  /**
   * Inside the user namespace pasta keeps too few capabilities to open /proc/PID/ns/net (the ptrace
   * check), so it is given a bind mount of that file instead. pasta quits when that path goes away, so
   * the pin stays until the container's network is detached.
   */
  private async withPinnedNetns<T>(pid: number, userdata: string, fn: (netns: string) => Promise<T>): Promise<T> {
    const pin = path.join(userdata, NETNS_PIN);
    fs.writeFileSync(pin, '');
    try {
      await this.ctx.priv.run(['mount', '--bind', `/proc/${pid}/ns/net`, pin]);
      return await fn(pin);
    } catch (e) {
      await this.unpin(userdata);
      throw e;
    }
  }

  private async unpin(userdata: string): Promise<void> {
    const pin = path.join(userdata, NETNS_PIN);
    if (!fs.existsSync(pin)) return;
    await this.ctx.priv.run(['umount', '-l', pin], {okStatuses: [0, 1, 32]}).catch(() => undefined);
    fs.rmSync(pin, {force: true});
  }

  /** Connects the created container (process `pid`) as planned. */
  async attach(c: ContainerConfig, plan: NetworkPlan, pid: number, userdata: string): Promise<NetworkState> {
    const kind = modeKind(c);
    const state: NetworkState = {ports: plan.ports, sandboxKey: plan.ownNamespace ? `/proc/${pid}/ns/net` : plan.netnsPath};
    try {
      // From the host side the helper joins by pid; as root, or from inside burrow's own namespace (an
      // exit command restarting a container by its policy), it is given the namespace path instead.
      const byPid = this.ctx.identity.rootless && process.geteuid!() !== 0;
      if (kind === 'pasta') {
        const start = (target: Parameters<typeof startPasta>[0]) => startPasta(target, plan.ports, c.networkOptions ?? [], path.join(userdata, 'pasta.pid'));
        if (!this.ctx.identity.rootless) state.helper = await start(`/proc/${pid}/ns/net`);
        else if (!byPid) state.helper = await this.withPinnedNetns(pid, userdata, start);
        // A container with its own user namespace (--userns): pasta joins the pause namespace, which owns
        // it, since from inside the container's, the not-yet-started process's netns cannot be opened.
        else if (c.userns) state.helper = await start({netns: `/proc/${pid}/ns/net`, userns: `/proc/${await this.ctx.priv.mountInfoPid()}/ns/user`});
        else state.helper = await start(pid);
        state.ip = hostAddress();
      } else if (kind === 'slirp4netns') {
        const o = parseSlirpOptions(c.networkOptions ?? []);
        // A unix socket path must stay under 108 bytes: the run root is short, the storage may not be.
        fs.mkdirSync(path.join(this.ctx.paths.runroot, 'slirp'), {recursive: true});
        const api = path.join(this.ctx.paths.runroot, 'slirp', `${c.id.slice(0, 16)}.sock`);
        state.apiSocket = api;
        state.helper = await startSlirp4netns({target: byPid ? {pid} : {path: `/proc/${pid}/ns/net`}, options: o, configure: true,
          apiSocket: api, logFile: path.join(userdata, 'slirp4netns.log'), pidFile: path.join(userdata, 'slirp4netns.pid')});
        const a = slirpAddresses(o.cidr);
        Object.assign(state, {ip: a.guest, prefix: a.prefix, gateway: a.router});
        if (plan.ports.length > 0) await addHostForwards(api, plan.ports);
      } else if (kind === 'bridge') {
        state.attachments = [];
        const list = c.networks ?? [];
        for (const [i, n] of list.entries()) {
          const def = this.ctx.networks.resolve(n.name);
          state.attachments.push(await this.bridges.join(def, {
            id: c.id, names: [c.name, ...n.aliases, c.id.slice(0, 12)], netns: `/proc/${pid}/ns/net`, ifname: `eth${i}`,
            defaultRoute: i === 0, ports: i === 0 ? plan.ports : [], mac: i === 0 ? c.macAddress : undefined,
          }));
        }
      }
      this.writeFiles(c, state, userdata, plan);
      return state;
    } catch (e) {
      await this.detach(c, state).catch((d: Error) => log.debug(`network cleanup after a failed start: ${d.message}`));
      throw e;
    }
  }

  /**
   * Stops what attach() started; safe to call twice and on a partial state. A start that was killed
   * before recording its network (state undefined) is covered too: the helpers' pid files and the
   * networks the config names say what may be left.
   */
  async detach(c: ContainerConfig, state: NetworkState | undefined): Promise<void> {
    const userdata = this.ctx.containers.userdataDir(c.id);
    const helpers = [state?.helper, ...orphanHelpers(userdata, c.id, state?.helper)];
    for (const h of helpers) stopHelper(h);
    await this.unpin(userdata);
    const names = new Set([...(state?.attachments ?? []).map((a) => a.network), ...(c.networks ?? []).map((n) => n.name)]);
    if (names.size > 0) {
      const defs = this.ctx.networks.list();
      for (const name of names) {
        const def = defs.find((d) => d.name === name);
        if (def) await this.bridges.leave(def, c.id);
      }
    }
    // `rm -f` returns with the published ports free.
    await Promise.all(helpers.map((h) => waitHelperGone(h)));
    if (state?.apiSocket) fs.rmSync(state.apiSocket, {force: true});
    for (const f of ['pasta.pid', 'slirp4netns.pid']) fs.rmSync(path.join(userdata, f), {force: true});
  }

  /** Joins a running container to one more network (`network connect`). */
  async connect(c: ContainerConfig, state: NetworkState, pid: number, network: string, aliases: string[]): Promise<NetworkState> {
    const def = this.ctx.networks.resolve(network);
    const index = (state.attachments ?? []).length;
    // After a disconnect the names need not be dense: take the first free ethN.
    const used = new Set((state.attachments ?? []).map((a) => a.ifname));
    let n = 0;
    while (used.has(`eth${n}`)) n++;
    const a = await this.bridges.join(def, {id: c.id, names: [c.name, ...aliases, c.id.slice(0, 12)], netns: `/proc/${pid}/ns/net`, ifname: `eth${n}`, defaultRoute: index === 0, ports: []});
    return {...state, attachments: [...(state.attachments ?? []), a]};
  }

  async disconnect(c: ContainerConfig, state: NetworkState, network: string): Promise<NetworkState> {
    const def = this.ctx.networks.resolve(network);
    await this.bridges.leave(def, c.id, {deleteLink: true});
    return {...state, attachments: (state.attachments ?? []).filter((a) => a.network !== def.name)};
  }

  /**
   * A helper of a running container that died: said by `ps` and `inspect`. `perNetwork` carries the
   * answers for user-defined networks across the containers of one listing, which share them.
   */
  problem(state: NetworkState | undefined, perNetwork = new Map<string, string | undefined>()): string | undefined {
    if (!state) return undefined;
    if (state.helper && !helperAlive(state.helper)) return `${state.helper.kind} (pid ${state.helper.pid}) has exited: the container has no network`;
    for (const a of state.attachments ?? []) {
      if (!perNetwork.has(a.network)) perNetwork.set(a.network, this.bridges.problems(a.network));
      const p = perNetwork.get(a.network);
      if (p) return p;
    }
    return undefined;
  }

  /** /etc/hosts and /etc/resolv.conf, rewritten in place: they are already bind-mounted by the runtime. */
  private writeFiles(c: ContainerConfig, state: NetworkState, userdata: string, plan: NetworkPlan): void {
    if (plan.sharedUserdata) {
      for (const f of ['hosts', 'resolv.conf']) {
        try {
          fs.writeFileSync(path.join(userdata, f), fs.readFileSync(path.join(plan.sharedUserdata, f)));
        } catch {
          // the other container's files are gone; keep ours
        }
      }
      return;
    }
    const kind = modeKind(c);
    const conf = this.ctx.containersConf().containers;
    const hostname = fs.readFileSync(path.join(userdata, 'hostname'), 'utf8').trim();
    if (!c.noHosts) {
      const baseFile = conf.base_hosts_file;
      const base = baseFile === 'none' || baseFile === 'image' ? '' : readText(baseFile || '/etc/hosts');
      fs.writeFileSync(path.join(userdata, 'hosts'), hostsFile(c, {
        base, hostname, ip: kind === 'host' || kind === 'none' ? undefined : primaryAddress(state)?.ip, hostGateway: hostGateway(c, kind, state),
      }));
    }
    const dns = state.attachments?.find((a) => a.dnsServer)?.dnsServer;
    let servers: string[] | undefined;
    if (kind === 'slirp4netns') servers = [slirpAddresses(parseSlirpOptions(c.networkOptions ?? []).cidr).dns];
    else if (kind === 'pasta') servers = [PASTA_DNS_FORWARD];
    else if (dns) servers = [dns];
    fs.writeFileSync(path.join(userdata, 'resolv.conf'), resolvConf(c, {
      host: readText('/etc/resolv.conf'), servers, hostNetwork: kind === 'host', extraSearch: dns ? ['dns.podman'] : [],
      conf: {servers: conf.dns_servers, search: conf.dns_searches, options: conf.dns_options},
    }));
  }
}

/**
 * Helpers named by the pid files in `userdata` that are not `known`, only while the process is still
 * that program started for this container (its argv names the pid file or the API socket), so a
 * reused pid is never signalled.
 */
function orphanHelpers(userdata: string, id: string, known: HelperRecord | undefined): HelperRecord[] {
  const out: HelperRecord[] = [];
  const candidates = [['pasta.pid', 'pasta', /pasta|passt/, path.join(userdata, 'pasta.pid')], ['slirp4netns.pid', 'slirp4netns', /slirp4netns/, `${id.slice(0, 16)}.sock`]] as const;
  for (const [file, kind, program, marker] of candidates) {
    const pid = readPidFile(path.join(userdata, file));
    if (pid === undefined || pid === known?.pid) continue;
    const argv = readText(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
    if (program.test(path.basename(argv[0] ?? '')) && argv.some((a) => a.includes(marker))) out.push(recordHelper(kind, pid));
  }
  return out;
}

function readText(f: string): string | undefined {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return undefined;
  }
}

/** Where host.containers.internal points for this mode, if the host is reachable from it. */
function hostGateway(c: ContainerConfig, kind: string, state: NetworkState): string | undefined {
  if (kind === 'slirp4netns') {
    const o = parseSlirpOptions(c.networkOptions ?? []);
    return o.allowHostLoopback ? slirpAddresses(o.cidr).router : hostAddress();
  }
  if (kind === 'pasta') return (c.networkOptions ?? []).includes('--map-gw') ? hostRoute() : undefined;
  if (kind === 'bridge') return state.attachments?.some((a) => a.gateway !== '') ? hostAddress() : undefined;
  if (kind === 'host') return hostAddress();
  return undefined;
}

/** The host's default gateway, which pasta maps to the host with --map-gw. */
function hostRoute(): string | undefined {
  const text = readText('/proc/net/route') ?? '';
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === '00000000' && f[2]) {
      const n = parseInt(f[2], 16);
      return [n & 255, n >>> 8 & 255, n >>> 16 & 255, n >>> 24 & 255].join('.');
    }
  }
  return undefined;
}

