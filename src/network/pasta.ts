// pasta (Debian package passt): connects one container's network namespace to the host by translating
// its traffic to host sockets. The namespace gets the host's addresses and routes, published ports are
// bound by pasta itself and the container sees the client's real source address. pasta daemonizes once
// the namespace is configured, so its exit status tells whether setup (port binds included) worked.
import * as fs from 'node:fs';
import {HostConfigError, ProcessError} from '../errors';
import * as runner from '../process/runner';
import {findTool} from '../runtime/host-tools';
import {readPidFile} from '../../rootless/proc';
import type {PortMapping} from './network-options';
import {recordHelper, type HelperRecord} from './helper-process';

/** Where containers send DNS queries; pasta forwards them to the host's first resolver. */
export const PASTA_DNS_FORWARD = '169.254.1.1';

export function pastaBinary(): string {
  const bin = findTool('pasta');
  if (!bin) throw new HostConfigError('pasta is not installed', {hint: 'install the passt package, or use --network slirp4netns'});
  return bin;
}

/** pasta's port spec: "[addr/]host:container" entries joined by commas, or "none". */
export function pastaPortSpec(ports: readonly PortMapping[], protocol: 'tcp' | 'udp'): string {
  const list = ports.filter((p) => p.protocol === protocol).map((p) => `${p.hostIp ? `${p.hostIp}/` : ''}${p.hostPort}:${p.containerPort}`);
  return list.length === 0 ? 'none' : list.join(',');
}

/** A pid, a network namespace path (real root), or both namespaces by path (--userns containers). */
export type PastaTarget = number | string | {netns: string; userns: string};

/**
 * `target`: a pid (pasta joins its user and network namespaces, the rootless case) or a network
 * namespace path (real root: the container has no user namespace and pasta, dropping to nobody, could
 * not open one).
 */
export function pastaArgs(bin: string, target: PastaTarget, ports: readonly PortMapping[], userOptions: readonly string[], pidFile: string): string[] {
  const argv = [bin, '--config-net', '--quiet', '--pid', pidFile,
    '-t', pastaPortSpec(ports, 'tcp'), '-u', pastaPortSpec(ports, 'udp'), '-T', 'none', '-U', 'none',
    '--dns-forward', PASTA_DNS_FORWARD];
  // The host's loopback through the gateway address only when asked (--map-gw), as Podman does.
  if (!userOptions.includes('--map-gw')) argv.push('--no-map-gw');
  argv.push(...userOptions.filter((o) => o !== '--map-gw'));
  if (typeof target === 'number') argv.push(String(target));
  else if (typeof target === 'object') argv.push('--userns', target.userns, '--netns', target.netns);
  // As root pasta would drop to nobody first, who cannot open a root container's namespace.
  else argv.push('--runas', '0:0', '--netns', target);
  return argv;
}

/** Starts pasta for the namespace of `pid`; returns its record once it has daemonized. */
export async function startPasta(target: PastaTarget, ports: readonly PortMapping[], userOptions: readonly string[], pidFile: string): Promise<HelperRecord> {
  fs.rmSync(pidFile, {force: true});
  const argv = pastaArgs(pastaBinary(), target, ports, userOptions, pidFile);
  const res = await runner.run(argv, {okStatuses: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255], timeoutMs: 20_000, daemonizes: true}).catch((e: Error) => ({status: -1, stderr: e.message, stdout: ''}));
  // pasta cannot log to syslog from here; those complaints are noise.
  const text = res.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Failed to send \d+ bytes to syslog/.test(l)).join('\n');
  const daemon = readPidFile(pidFile);
  if (res.status !== 0 || daemon === undefined) {
    throw new ProcessError(`pasta failed to set up the network: ${explain(text)}`, argv, text, res.status, hintFor(text));
  }
  return recordHelper('pasta', daemon);
}

function explain(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /fail|error|cannot|can't|not|invalid/i.test(l)) ?? lines.pop() ?? 'it exited at start';
}

function hintFor(text: string): string | undefined {
  if (/bind|in use/i.test(text)) return 'a published port is in use on the host (check with ss -ltnup); pick another with -p';
  if (/tun|tap/i.test(text)) return '/dev/net/tun must exist and be usable: ask an administrator to load the tun module (modprobe tun), or use --network host';
  if (/routable interface|not usable/i.test(text)) return 'pasta needs a host interface with a default route; use --network slirp4netns (or host) on this host';
  return undefined;
}
