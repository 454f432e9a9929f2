// User-defined network definitions: networks/<name>.json in the storage, in the shape Podman's
// `network inspect` prints (netavark's), written atomically under the networks lock. The default
// network "podman" always exists and is written on first use. Runtime state (the namespace, helpers,
// members) is not here: see bridge-network.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {InvalidInputError, InvalidStateError, NameInUseError, NoSuchObjectError} from '../errors';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {withLock} from '../storage/lock';

export interface NetworkSubnet {
  subnet: string;
  gateway: string;
}

export interface NetworkDefinition {
  name: string;
  id: string;
  driver: 'bridge';
  network_interface: string;
  created: string;
  subnets: NetworkSubnet[];
  ipv6_enabled: boolean;
  internal: boolean;
  dns_enabled: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipam_options: {driver: string};
}

export const DEFAULT_NETWORK = 'podman';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export interface CreateNetworkOptions {
  name?: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  disableDns?: boolean;
  labels?: Record<string, string>;
  driver?: string;
  ignoreExisting?: boolean;
}

/** An IPv4 /24 (or wider) in dotted form, as integers. */
export function parseCidr(cidr: string): {base: number; prefix: number} {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 30 || Number(m[5]) < 8) {
    throw new InvalidInputError(`invalid subnet "${cidr}"`, {hint: 'use an IPv4 CIDR with a prefix of 8 to 30, e.g. --subnet 10.89.5.0/24'});
  }
  const prefix = Number(m[5]);
  const raw = m.slice(1, 5).map(Number).reduce((a, b) => a * 256 + b, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return {base: (raw & mask) >>> 0, prefix};
}

export function ipString(n: number): string {
  return [n >>> 24 & 255, n >>> 16 & 255, n >>> 8 & 255, n & 255].join('.');
}

export function ipNumber(ip: string): number {
  return ip.split('.').map(Number).reduce((a, b) => a * 256 + b, 0) >>> 0;
}

export class NetworkStore {
  readonly dir: string;
  readonly lockFile: string;

  constructor(root: string, lockDir: string) {
    this.dir = path.join(root, 'networks');
    this.lockFile = path.join(lockDir, 'networks');
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  list(): NetworkDefinition[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
    } catch {
      // no networks yet
    }
    const out = names.map((n) => readJson<NetworkDefinition>(this.file(n))).filter((d): d is NetworkDefinition => d !== undefined);
    if (!out.some((d) => d.name === DEFAULT_NETWORK)) out.push(defaultNetwork());
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** By name, full id or unique id prefix. */
  resolve(ref: string): NetworkDefinition {
    const all = this.list();
    const byName = all.find((d) => d.name === ref);
    if (byName) return byName;
    const byId = all.filter((d) => d.id.startsWith(ref));
    if (byId.length === 1 && ref.length >= 3) return byId[0];
    if (byId.length > 1) throw new InvalidInputError(`more than one network matches "${ref}"`, {hint: 'give more of the id, or the name'});
    throw new NoSuchObjectError(`unable to find network with name or ID ${ref}: network not found`, {hint: 'list networks with `burrow network ls`; create one with `burrow network create NAME`'});
  }

  exists(ref: string): boolean {
    try {
      this.resolve(ref);
      return true;
    } catch {
      return false;
    }
  }

  async create(o: CreateNetworkOptions): Promise<NetworkDefinition> {
    if (o.driver && o.driver !== 'bridge') throw new InvalidInputError(`unsupported network driver "${o.driver}"`, {hint: 'burrow creates bridge networks (-d bridge)'});
    if (o.name !== undefined && !NAME_RE.test(o.name)) {
      throw new InvalidInputError(`invalid network name "${o.name}"`, {hint: 'names start with a letter or digit and contain only letters, digits, _ . -'});
    }
    if (['host', 'none', 'private', 'slirp4netns', 'pasta', 'bridge', 'container', 'ns'].includes(o.name ?? '')) {
      throw new InvalidInputError(`network name ${o.name} is reserved for a network mode`, {hint: 'choose another name'});
    }
    return withLock(this.lockFile, () => {
      const all = this.list();
      const name = o.name ?? nextName(all);
      const existing = all.find((d) => d.name === name);
      if (existing) {
        if (o.ignoreExisting) return existing;
        throw new NameInUseError(`network name ${name} already used: network already exists`, {hint: 'choose another name, or remove it with `burrow network rm`'});
      }
      let subnet: NetworkSubnet;
      if (o.subnet) {
        const {base, prefix} = parseCidr(o.subnet);
        const cidr = `${ipString(base)}/${prefix}`;
        if (all.some((d) => overlaps(d.subnets[0].subnet, cidr))) {
          throw new InvalidInputError(`subnet ${cidr} is already used by another network`, {hint: 'pick another --subnet, or leave it out to get a free one'});
        }
        const gateway = o.gateway ?? ipString(base + 1);
        const g = ipNumber(gateway);
        if (g <= base || g >= base + 2 ** (32 - prefix) - 1) throw new InvalidInputError(`gateway ${gateway} is not inside ${cidr}`, {hint: 'give a --gateway inside the subnet, or leave it out'});
        subnet = {subnet: cidr, gateway};
      } else {
        if (o.gateway) throw new InvalidInputError('--gateway needs --subnet', {hint: 'give --subnet too'});
        subnet = freeSubnet(all);
      }
      const def: NetworkDefinition = {
        name, id: randomBytes(32).toString('hex'), driver: 'bridge', network_interface: `burrow${all.filter((d) => d.name !== DEFAULT_NETWORK).length + 1}`,
        created: new Date().toISOString(), subnets: [subnet], ipv6_enabled: false, internal: o.internal === true,
        dns_enabled: o.disableDns !== true, labels: o.labels ?? {}, options: {}, ipam_options: {driver: 'host-local'},
      };
      fs.mkdirSync(this.dir, {recursive: true});
      writeJsonAtomic(this.file(name), def);
      return def;
    }, 'networks');
  }

  /** Removes the definition; the caller has checked (under the same lock) that no container uses it. */
  removeLocked(name: string): void {
    if (name === DEFAULT_NETWORK) throw new InvalidStateError(`default network ${DEFAULT_NETWORK} cannot be removed`, {hint: 'remove only networks you created'});
    fs.rmSync(this.file(name), {force: true});
  }
}

function defaultNetwork(): NetworkDefinition {
  return {
    name: DEFAULT_NETWORK, id: '2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9', driver: 'bridge', network_interface: 'burrow0',
    created: new Date(0).toISOString(), subnets: [{subnet: '10.88.0.0/24', gateway: '10.88.0.1'}], ipv6_enabled: false, internal: false,
    dns_enabled: false, labels: {}, options: {}, ipam_options: {driver: 'host-local'},
  };
}

function nextName(all: NetworkDefinition[]): string {
  for (let i = 1; ; i++) if (!all.some((d) => d.name === `podman${i}`)) return `podman${i}`;
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const p = Math.min(x.prefix, y.prefix);
  const mask = (0xffffffff << (32 - p)) >>> 0;
  return ((x.base & mask) >>> 0) === ((y.base & mask) >>> 0);
}

/** 10.89.N.0/24 with the lowest free N, as Podman picks them. */
function freeSubnet(all: NetworkDefinition[]): NetworkSubnet {
  for (let n = 0; n < 256; n++) {
    const cidr = `10.89.${n}.0/24`;
    if (!all.some((d) => overlaps(d.subnets[0].subnet, cidr))) return {subnet: cidr, gateway: `10.89.${n}.1`};
  }
  throw new InvalidStateError('no free subnet left in 10.89.0.0/16', {hint: 'give one with --subnet'});
}
