// The running side of a user-defined network, without a daemon. Each network that has a running member
// gets its own network namespace inside the rootless session (pinned by a bind mount in the session's
// mount namespace), holding a bridge whose address serves DNS (aardvark-dns, which answers the members'
// names), and — unless the network is internal — slirp4netns, whose tap device is a port of that bridge:
// every member is a guest of slirp's virtual LAN, so members reach the outside and published ports reach
// members without NAT rules. Networks live in separate namespaces, so members of different networks
// cannot reach each other. The first member to start brings the namespace up; the last to stop takes it
// down, helpers included. State is a JSON file per network under the network's lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError, InvalidStateError} from '../errors';
import type {PrivilegedExec} from '../../rootless/privileged';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {withLock} from '../storage/lock';
import {findTool} from '../runtime/host-tools';
import {readPidFile} from '../../rootless/proc';
import {helperAlive, recordHelper, stopHelper, waitHelperGone, type HelperRecord} from './helper-process';
import {addHostForwards, removeHostForwards, SLIRP_MTU, startSlirp4netns} from './slirp4netns';
import type {PortMapping} from './network-options';
import {ipNumber, ipString, parseCidr, type NetworkDefinition} from './network-store';

export interface NetworkMember {
  ip: string;
  names: string[];
  /** slirp4netns forwarder ids of this member's published ports */
  forwards: number[];
  /** the bridge-side end of the member's veth */
  veth: string;
}

export interface NetworkRuntimeState {
  netns: string;
  slirp?: HelperRecord;
  apiSocket?: string;
  dns?: HelperRecord;
  members: Record<string, NetworkMember>;
}

/** What a container learns from joining: its address and where its gateway and resolver are. */
export interface Attachment {
  network: string;
  ip: string;
  prefix: number;
  gateway: string;
  /** address that serves DNS for members (the bridge), when DNS is on */
  dnsServer?: string;
  ifname: string;
  mac?: string;
  helpers: HelperRecord[];
}

export interface JoinRequest {
  id: string;
  names: string[];
  /** the container's network namespace (/proc/PID/ns/net) */
  netns: string;
  ifname: string;
  defaultRoute: boolean;
  ports: readonly PortMapping[];
  mac?: string;
}

/** Ordinary users' PATH often lacks /usr/sbin, where Debian puts ip. */
const SBIN = 'PATH="$PATH:/usr/sbin:/sbin"\n';

/** $1 pin file, $2 bridge address/prefix, $3 mtu: the network namespace with its bridge. */
const CREATE_NETNS = `${SBIN}set -e
: > "$1"
unshare --net="$1" true
nsenter --net="$1" sh -ec 'ip link set lo up; ip link add br0 type bridge; ip link set br0 mtu "$2"; ip addr add "$1" dev br0; ip link set br0 up' sh "$2" "$3"`;

/** $1 pin, $2 slirp router (empty: no default route): slirp's tap becomes a bridge port. */
const WIRE_TAP = `${SBIN}set -e
nsenter --net="$1" sh -ec 'ip link set tap0 mtu "$2"; ip link set tap0 master br0; ip link set tap0 up; ip route add default via "$1" dev br0' sh "$2" "$3"`;

/** $1 pin, $2 container netns, $3 veth, $4 ifname, $5 addr/prefix, $6 route via (or ""), $7 mtu, $8 mac (or ""). */
const JOIN = `${SBIN}set -e
nsenter --net="$1" ip link add "$3" mtu "$7" type veth peer name "$4" mtu "$7" netns "$2"
nsenter --net="$1" ip link set "$3" master br0 up
nsenter --net="$2" sh -ec '
[ -z "$5" ] || ip link set "$1" address "$5"
ip link set lo up
ip addr add "$2" dev "$1"
ip link set "$1" up
[ -z "$3" ] || ip route add default via "$3" dev "$1"' sh "$4" "$5" "$6" "$7" "$8"`;

/** $1 pin: unmount the pinned namespace and delete the file. */
const DESTROY_NETNS = 'umount "$1" 2>/dev/null || umount -l "$1" 2>/dev/null || true; rm -f "$1"';

export class BridgeNetworks {
  constructor(private readonly priv: PrivilegedExec, private readonly runroot: string) {}

  private dir(name: string): string {
    return path.join(this.runroot, 'networks', name);
  }
  private stateFile(name: string): string {
    return path.join(this.dir(name), 'state.json');
  }
  private lock(name: string): string {
    return path.join(this.runroot, 'locks', `network-${name}`);
  }

  read(name: string): NetworkRuntimeState | undefined {
    return readJson<NetworkRuntimeState>(this.stateFile(name));
  }

  /** Joins a started container (its namespace exists, its process waits to be started) to the network. */
  async join(def: NetworkDefinition, req: JoinRequest): Promise<Attachment> {
    fs.mkdirSync(path.join(this.runroot, 'locks'), {recursive: true});
    return withLock(this.lock(def.name), async () => {
      let st = this.read(def.name);
      if (st && (!this.namespaceUp(st) || (st.slirp && !helperAlive(st.slirp)))) {
        // A namespace whose helper died (or whose session went away) is rebuilt once nobody uses it.
        if (Object.keys(st.members).length === 0) st = await this.destroy(def.name, st);
      }
      if (!st) st = await this.bringUp(def);
      const {base, prefix} = parseCidr(def.subnets[0].subnet);
      const ip = this.allocate(def, st, base, prefix);
      const router = ipString(base + 2);
      const veth = `bv${req.id.slice(0, 11)}`;
      await this.priv.run(['sh', '-c', JOIN, 'burrow-join', st.netns, req.netns, veth, req.ifname, `${ip}/${prefix}`,
        req.defaultRoute && !def.internal ? router : '', String(SLIRP_MTU), req.mac ?? '']);
      const member: NetworkMember = {ip, names: req.names, forwards: [], veth};
      st.members[req.id] = member;
      this.write(def.name, st);
      if (req.ports.length > 0) {
        if (!st.apiSocket) throw new InvalidStateError(`network ${def.name} is internal: it cannot publish ports`, {hint: 'publish ports on a non-internal network'});
        member.forwards = await addHostForwards(st.apiSocket, req.ports, ip);
        this.write(def.name, st);
      }
      this.writeDnsConfig(def, st);
      return {
        network: def.name, ip, prefix, gateway: def.internal ? '' : router, dnsServer: def.dns_enabled ? def.subnets[0].gateway : undefined,
        ifname: req.ifname, mac: req.mac, helpers: [st.slirp, st.dns].filter((h): h is HelperRecord => h !== undefined),
      };
    }, `network ${def.name}`);
  }

  /** Takes a container off the network; the last one out takes the namespace and helpers down. */
  async leave(def: NetworkDefinition, id: string, opts: {deleteLink?: boolean} = {}): Promise<void> {
    if (!fs.existsSync(this.stateFile(def.name))) return;
    await withLock(this.lock(def.name), async () => {
      const st = this.read(def.name);
      if (!st || !st.members[id]) return;
      const m = st.members[id];
      if (st.apiSocket && m.forwards.length > 0 && st.slirp && helperAlive(st.slirp)) await removeHostForwards(st.apiSocket, m.forwards);
      if (opts.deleteLink) await this.priv.run(['sh', '-c', `${SBIN}nsenter --net="$1" ip link del "$2"`, 'burrow-unlink', st.netns, m.veth], {okStatuses: [0, 1, 2]}).catch(() => undefined);
      delete st.members[id];
      if (Object.keys(st.members).length === 0) {
        await this.destroy(def.name, st);
      } else {
        this.write(def.name, st);
        this.writeDnsConfig(def, st);
      }
    }, `network ${def.name}`);
  }

  /** Names of members whose network's helpers died, for `ps`/`inspect`. */
  problems(name: string): string | undefined {
    const st = this.read(name);
    if (!st) return undefined;
    if (st.slirp && !helperAlive(st.slirp)) return `slirp4netns of network ${name} (pid ${st.slirp.pid}) has exited: the network has no outside access`;
    if (st.dns && !helperAlive(st.dns)) return `aardvark-dns of network ${name} (pid ${st.dns.pid}) has exited: names on the network do not resolve`;
    return undefined;
  }

  private namespaceUp(st: NetworkRuntimeState): boolean {
    return fs.existsSync(st.netns);
  }

  private allocate(def: NetworkDefinition, st: NetworkRuntimeState, base: number, prefix: number): string {
    const used = new Set(Object.values(st.members).map((m) => ipNumber(m.ip)));
    used.add(ipNumber(def.subnets[0].gateway));
    const last = base + 2 ** (32 - prefix) - 2;
    // .2 and .3 are slirp4netns's router and DNS forwarder.
    for (let n = base + 4; n <= last; n++) if (!used.has(n)) return ipString(n);
    throw new InvalidStateError(`network ${def.name} has no free address left in ${def.subnets[0].subnet}`, {hint: 'stop a container on it, or create a network with a larger --subnet'});
  }

  private async bringUp(def: NetworkDefinition): Promise<NetworkRuntimeState> {
    const dir = this.dir(def.name);
    fs.mkdirSync(dir, {recursive: true});
    const {prefix} = parseCidr(def.subnets[0].subnet);
    const st: NetworkRuntimeState = {netns: path.join(dir, 'netns'), members: {}};
    await this.priv.run(['sh', '-c', CREATE_NETNS, 'burrow-netns', st.netns, `${def.subnets[0].gateway}/${prefix}`, String(SLIRP_MTU)]);
    this.write(def.name, st);
    try {
      if (!def.internal) {
        st.apiSocket = path.join(dir, 'slirp.sock');
        st.slirp = await startSlirp4netns({
          target: {path: st.netns}, wrap: (argv) => this.priv.wrap(argv), env: this.priv.childEnv(),
          options: {allowHostLoopback: false, enableIpv6: false, mtu: SLIRP_MTU, cidr: def.subnets[0].subnet},
          configure: false, apiSocket: st.apiSocket, logFile: path.join(dir, 'slirp4netns.log'),
        });
        this.write(def.name, st);
        const {base} = parseCidr(def.subnets[0].subnet);
        await this.priv.run(['sh', '-c', WIRE_TAP, 'burrow-tap', st.netns, ipString(base + 2), String(SLIRP_MTU)]);
      }
      if (def.dns_enabled) {
        this.writeDnsConfig(def, st);
        st.dns = await this.startDns(def, st);
        this.write(def.name, st);
      }
      return st;
    } catch (e) {
      await this.destroy(def.name, st);
      throw e;
    }
  }

  private dnsDir(name: string): string {
    return path.join(this.dir(name), 'dns');
  }

  /** aardvark-dns's format: the listening address, then "id ipv4 ipv6 names" per member. */
  private writeDnsConfig(def: NetworkDefinition, st: NetworkRuntimeState): void {
    if (!def.dns_enabled) return;
    const dir = this.dnsDir(def.name);
    fs.mkdirSync(dir, {recursive: true});
    const lines = [def.subnets[0].gateway, ...Object.entries(st.members).map(([id, m]) => `${id} ${m.ip}  ${m.names.join(',')}`)];
    const file = path.join(dir, def.name);
    fs.writeFileSync(`${file}.tmp`, lines.join('\n') + '\n');
    fs.renameSync(`${file}.tmp`, file);
    // aardvark-dns reads its files again on SIGHUP.
    if (st.dns && helperAlive(st.dns)) {
      try {
        process.kill(st.dns.pid, 'SIGHUP');
      } catch {
        // it died; `ps` reports it
      }
    }
  }

  private async startDns(def: NetworkDefinition, st: NetworkRuntimeState): Promise<HelperRecord> {
    const bin = findTool('aardvark-dns');
    if (!bin) {
      throw new HostConfigError(`network ${def.name} has DNS enabled but aardvark-dns is not installed`,
        {hint: 'install the aardvark-dns package, or create the network with --disable-dns'});
    }
    const dir = this.dnsDir(def.name);
    fs.rmSync(path.join(dir, 'aardvark.pid'), {force: true});
    // aardvark-dns daemonizes once it listens and writes its pid into the config directory.
    await this.priv.run(['nsenter', `--net=${st.netns}`, bin, '--config', dir, '-p', '53', 'run'], {timeoutMs: 10_000, daemonizes: true});
    const pid = readPidFile(path.join(dir, 'aardvark.pid'));
    if (pid === undefined) throw new HostConfigError(`aardvark-dns did not start for network ${def.name}`, {hint: 'run with --log-level debug to see its command'});
    return recordHelper('aardvark-dns', pid);
  }

  private async destroy(name: string, st: NetworkRuntimeState): Promise<undefined> {
    stopHelper(st.dns);
    stopHelper(st.slirp);
    // The ports slirp4netns bound must be free when `rm -f` returns.
    await Promise.all([waitHelperGone(st.slirp), waitHelperGone(st.dns)]);
    await this.priv.run(['sh', '-c', DESTROY_NETNS, 'burrow-netns-rm', st.netns]).catch(() => undefined);
    fs.rmSync(this.dir(name), {recursive: true, force: true});
    return undefined;
  }

  private write(name: string, st: NetworkRuntimeState): void {
    writeJsonAtomic(this.stateFile(name), st);
  }
}
