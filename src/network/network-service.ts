// The `network` verbs: create, ls, inspect, rm, prune, exists, connect, disconnect. Definitions come
// from the NetworkStore; "in use" means some container's config names the network, checked again under
// the networks lock right before the definition goes. A container created in that instant fails its
// start with "network not found" rather than running on a half-removed network.
import {InvalidStateError} from '../errors';
import type {EngineContext} from '../engine/context';
import type {ContainerManager} from '../runtime/container-manager';
import {withLock} from '../storage/lock';
import {goMap} from '../format/go-map';
import {timeAgo} from '../format/human';
import {DEFAULT_NETWORK, type CreateNetworkOptions, type NetworkDefinition} from './network-store';

export interface NetworkRemoveReport {
  name: string;
  removedContainers: string[];
}

export class NetworkService {
  constructor(private readonly ctx: EngineContext, private readonly containers: ContainerManager) {}

  create(o: CreateNetworkOptions): Promise<NetworkDefinition> {
    return this.ctx.networks.create(o);
  }

  exists(ref: string): boolean {
    return this.ctx.networks.exists(ref);
  }

  inspect(ref: string): Record<string, unknown> {
    const d = this.ctx.networks.resolve(ref);
    const st = this.containers.network.bridges.read(d.name);
    const containers: Record<string, unknown> = {};
    for (const [id, m] of Object.entries(st?.members ?? {})) containers[id] = {name: m.names[0], interfaces: {eth0: {subnets: [{ipnet: `${m.ip}/${d.subnets[0].subnet.split('/')[1]}`, gateway: d.subnets[0].gateway}]}}};
    return {...d, containers};
  }

  /** `network ls` rows (template fields as Podman's) and JSON objects. */
  list(filters: string[]): {json: object[]; rows: object[]} {
    const defs = this.ctx.networks.list().filter((d) => matches(d, filters));
    return {
      json: defs,
      rows: defs.map((d) => ({
        ID: d.id.slice(0, 12), Name: d.name, Driver: d.driver, Labels: goMap({...d.labels}), Created: timeAgo(d.created),
        Internal: d.internal, DNSEnabled: d.dns_enabled, IPv6Enabled: d.ipv6_enabled, NetworkInterface: d.network_interface,
        Subnets: d.subnets.map((s) => s.subnet).join(','), Gateway: d.subnets[0].gateway,
      })),
    };
  }

  private users(name: string): string[] {
    return this.ctx.containers.list().filter((v) => v.config.networks?.some((n) => n.name === name)).map((v) => v.config.id);
  }

  async remove(ref: string, opts: {force?: boolean; time?: number}): Promise<NetworkRemoveReport> {
    const d = this.ctx.networks.resolve(ref);
    if (d.name === DEFAULT_NETWORK) throw new InvalidStateError(`default network ${DEFAULT_NETWORK} cannot be removed`, {hint: 'remove only networks you created'});
    const removed: string[] = [];
    const users = this.users(d.name);
    if (users.length > 0) {
      if (!opts.force) {
        throw new InvalidStateError(`"${d.name}" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used`,
          {exitCode: 2, hint: `remove them first, or: burrow network rm -f ${d.name}`});
      }
      for (const id of users) {
        if (opts.time !== undefined) await this.containers.stop(id, opts.time).catch(() => undefined);
        removed.push(await this.containers.remove(id, {force: true}));
      }
    }
    await withLock(this.ctx.networks.lockFile, () => {
      if (this.users(d.name).length > 0) throw new InvalidStateError(`network ${d.name} gained a container while being removed`, {hint: 'try again'});
      this.ctx.networks.removeLocked(d.name);
    }, 'networks');
    return {name: d.name, removedContainers: removed};
  }

  /** Removes every network no container names (the default one stays). */
  async prune(filters: string[]): Promise<string[]> {
    const out: string[] = [];
    await withLock(this.ctx.networks.lockFile, () => {
      const used = new Set(this.ctx.containers.list().flatMap((v) => (v.config.networks ?? []).map((n) => n.name)));
      for (const d of this.ctx.networks.list()) {
        if (d.name === DEFAULT_NETWORK || used.has(d.name) || !matches(d, filters)) continue;
        this.ctx.networks.removeLocked(d.name);
        out.push(d.name);
      }
    }, 'networks');
    return out;
  }
}

/** name=, id=, driver=, label=KEY[=VALUE], label!=… as `network ls --filter` takes them. */
function matches(d: NetworkDefinition, filters: string[]): boolean {
  for (const f of filters) {
    const m = /^([a-z]+)(!?=)(.*)$/.exec(f);
    if (!m) continue;
    const [, key, op, value] = m;
    let ok: boolean;
    if (key === 'name') ok = new RegExp(value).test(d.name);
    else if (key === 'id') ok = d.id.startsWith(value);
    else if (key === 'driver') ok = d.driver === value;
    else if (key === 'label') {
      const eq = value.indexOf('=');
      ok = eq < 0 ? value in d.labels : d.labels[value.slice(0, eq)] === value.slice(eq + 1);
    } else ok = true;
    if (op === '!=' ? ok : !ok) return false;
  }
  return true;
}
