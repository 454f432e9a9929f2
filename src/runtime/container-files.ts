// The small files burrow bind-mounts into every container: /etc/hosts, /etc/hostname, /etc/resolv.conf
// and /run/.containerenv. With the host's network the container sees the host's hosts and resolvers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {ContainerConfig} from '../storage/container-store';

export function hostsFile(c: ContainerConfig, hostname: string, hostHosts: string | undefined): string {
  const base = c.network === 'host' && hostHosts !== undefined
    ? hostHosts.trimEnd() + '\n'
    : '127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n';
  const names = [...new Set([hostname, c.name])].join(' ');
  return `${base}127.0.1.1\t${names}\n`;
}

/** Resolvers on 127.0.0.0/8 are unreachable from a private network namespace; drop them there. */
export function resolvConf(c: ContainerConfig, hostResolv: string | undefined): string {
  const text = hostResolv ?? '';
  if (c.network === 'host') return text;
  const kept = text.split('\n').filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l));
  return kept.join('\n');
}

export function containerEnv(c: ContainerConfig, rootless: boolean, version: string): string {
  return [`engine="burrow-${version}"`, `name="${c.name}"`, `id="${c.id}"`, `image="${c.imageName}"`, `imageid="${c.imageId}"`, `rootless=${rootless ? 1 : 0}`, ''].join('\n');
}

export function writeContainerFiles(dir: string, c: ContainerConfig, hostname: string, rootless: boolean, version: string): void {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  fs.writeFileSync(path.join(dir, 'hosts'), hostsFile(c, hostname, read('/etc/hosts')));
  fs.writeFileSync(path.join(dir, 'hostname'), `${hostname}\n`);
  fs.writeFileSync(path.join(dir, 'resolv.conf'), resolvConf(c, read('/etc/resolv.conf')));
  fs.writeFileSync(path.join(dir, '.containerenv'), containerEnv(c, rootless, version));
}
