// The small files burrow bind-mounts into every container: /etc/hosts, /etc/hostname, /etc/resolv.conf
// and /run/.containerenv. The generators are pure; the network layer supplies the addresses (which
// exist only once the container's network is attached) and rewrites hosts and resolv.conf in place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {ContainerConfig} from '../storage/container-store';
import {parseAddHost} from '../network/network-options';

export interface HostsInput {
  /** the base hosts text (the host's /etc/hosts by default); undefined or '' for none */
  base: string | undefined;
  hostname: string;
  /** the container's own address; undefined: 127.0.1.1 */
  ip?: string;
  /** where host.containers.internal points, when the host is reachable */
  hostGateway?: string;
}

/**
 * Podman's layout: the base hosts file, --add-host entries, the container's own address with its
 * hostname and name, then host.containers.internal where the host is reachable.
 */
export function hostsFile(c: ContainerConfig, h: HostsInput): string {
  const base = h.base ?? '';
  const lines: string[] = [];
  if (!/^\s*127\.0\.0\.1\s+(.*\s)?localhost(\s|$)/m.test(base)) lines.push('127.0.0.1\tlocalhost localhost.localdomain', '::1\tlocalhost localhost.localdomain');
  if (base.trim() !== '') lines.push(base.trimEnd());
  for (const entry of c.addHosts ?? []) {
    const {names, ip} = parseAddHost(entry);
    lines.push(`${ip === 'host-gateway' ? h.hostGateway ?? '127.0.0.1' : ip}\t${names.join(' ')}`);
  }
  lines.push(`${h.ip ?? '127.0.1.1'}\t${[...new Set([h.hostname, c.name])].join(' ')}`);
  if (h.hostGateway) lines.push(`${h.hostGateway}\thost.containers.internal`);
  return lines.join('\n') + '\n';
}

export interface ResolvInput {
  /** the host's /etc/resolv.conf text */
  host: string | undefined;
  /** the resolvers of the container's network; undefined: the host's, minus loopback ones unless `hostNetwork` */
  servers?: string[];
  hostNetwork: boolean;
  /** search domains the network adds in front (dns.podman) */
  extraSearch?: string[];
  /** containers.conf dns_servers / dns_searches / dns_options */
  conf?: {servers?: string[]; search?: string[]; options?: string[]};
}

export function resolvConf(c: ContainerConfig, r: ResolvInput): string {
  const text = r.host ?? '';
  const pick = (key: string) => text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0] === key).flatMap((f) => f.slice(1));
  const userServers = c.dns?.servers.length ? c.dns.servers : r.conf?.servers?.length ? r.conf.servers : undefined;
  let servers: string[];
  if (userServers) servers = userServers.filter((s) => s !== 'none');
  else if (r.servers) servers = r.servers;
  // Resolvers on 127.0.0.0/8 are unreachable from a private network namespace.
  else servers = pick('nameserver').filter((s) => r.hostNetwork || !/^(127\.|::1$)/.test(s));
  const userSearch = c.dns?.search.length ? c.dns.search.filter((s) => s !== '.') : r.conf?.search?.length ? r.conf.search : undefined;
  const search = userSearch ?? [...(r.extraSearch ?? []), ...pick('search')];
  const options = c.dns?.options.length ? c.dns.options : r.conf?.options?.length ? r.conf.options : pick('options');
  const out: string[] = [];
  if (search.length > 0) out.push(`search ${[...new Set(search)].join(' ')}`);
  for (const s of servers) out.push(`nameserver ${s}`);
  if (options.length > 0) out.push(`options ${options.join(' ')}`);
  return out.join('\n') + '\n';
}

export function containerEnv(c: ContainerConfig, rootless: boolean, version: string): string {
  return [`engine="burrow-${version}"`, `name="${c.name}"`, `id="${c.id}"`, `image="${c.imageName}"`, `imageid="${c.imageId}"`, `rootless=${rootless ? 1 : 0}`, ''].join('\n');
}

/**
 * Creates the files the runtime bind-mounts. hosts and resolv.conf start empty: the network layer fills
 * them in place once the container's addresses are known, before its process starts.
 */
export function writeContainerFiles(dir: string, c: ContainerConfig, hostname: string, rootless: boolean, version: string): void {
  fs.writeFileSync(path.join(dir, 'hosts'), '');
  fs.writeFileSync(path.join(dir, 'hostname'), `${hostname}\n`);
  fs.writeFileSync(path.join(dir, 'resolv.conf'), '');
  fs.writeFileSync(path.join(dir, '.containerenv'), containerEnv(c, rootless, version));
}
