// slirp4netns: user-mode TCP/IP between a network namespace and the host, for one container (its own
// namespace, configured by slirp4netns) or for a user-defined network (the network's namespace, whose
// bridge carries the tap device, so every container on it is a guest of the same virtual LAN). Ports
// are published through slirp4netns's API socket (add_hostfwd), which needs no extra process.
import * as fs from 'node:fs';
import * as net from 'node:net';
import {HostConfigError, InvalidInputError, ProcessError} from '../errors';
import * as runner from '../process/runner';
import {findTool} from '../runtime/host-tools';
import type {PortMapping} from './network-options';
import {recordHelper, type HelperRecord} from './helper-process';
import {ipString, parseCidr} from './network-store';

export const SLIRP_MTU = 65520;

export interface SlirpOptions {
  allowHostLoopback: boolean;
  cidr?: string;
  enableIpv6: boolean;
  mtu: number;
  outboundAddr?: string;
  outboundAddr6?: string;
}

/** Podman's slirp4netns options (`--network slirp4netns:allow_host_loopback=true,cidr=…`). */
export function parseSlirpOptions(list: readonly string[]): SlirpOptions {
  const o: SlirpOptions = {allowHostLoopback: false, enableIpv6: false, mtu: SLIRP_MTU};
  const bool = (k: string, v: string) => {
    if (v !== 'true' && v !== 'false') throw new InvalidInputError(`slirp4netns option ${k}=${v}: expected true or false`, {hint: `use ${k}=true`});
    return v === 'true';
  };
  for (const item of list) {
    const eq = item.indexOf('=');
    const k = eq < 0 ? item : item.slice(0, eq);
    const v = eq < 0 ? '' : item.slice(eq + 1);
    switch (k) {
      case 'allow_host_loopback': o.allowHostLoopback = bool(k, v); break;
      case 'enable_ipv6': o.enableIpv6 = bool(k, v); break;
      case 'cidr':
        if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(v)) throw new InvalidInputError(`slirp4netns option cidr=${v}: not an IPv4 CIDR`, {hint: 'use cidr=10.0.2.0/24'});
        o.cidr = v;
        break;
      case 'mtu':
        if (!/^\d+$/.test(v) || Number(v) < 68 || Number(v) > 65521) throw new InvalidInputError(`slirp4netns option mtu=${v}: out of range 68-65521`, {hint: 'use mtu=65520'});
        o.mtu = Number(v);
        break;
      case 'outbound_addr': o.outboundAddr = v; break;
      case 'outbound_addr6': o.outboundAddr6 = v; break;
      case 'port_handler':
        if (v !== 'slirp4netns') {
          throw new InvalidInputError(`slirp4netns option port_handler=${v} is not available in burrow`, {hint: 'burrow publishes ports through slirp4netns itself (port_handler=slirp4netns); drop the option'});
        }
        break;
      default:
        throw new InvalidInputError(`unknown slirp4netns option "${item}"`, {hint: 'known: allow_host_loopback, cidr, enable_ipv6, mtu, outbound_addr, outbound_addr6, port_handler=slirp4netns'});
    }
  }
  return o;
}

/** The guest-side addresses slirp4netns uses for a CIDR: router (.2, the host), DNS (.3), guest (.100). */
export function slirpAddresses(cidr = '10.0.2.0/24'): {router: string; dns: string; guest: string; prefix: number} {
  const {base, prefix} = parseCidr(cidr);
  return {router: ipString(base + 2), dns: ipString(base + 3), guest: ipString(base + 100), prefix};
}

export function slirpBinary(): string {
  const bin = findTool('slirp4netns');
  if (!bin) throw new HostConfigError('slirp4netns is not installed', {hint: 'install the slirp4netns package, or use --network pasta (package passt)'});
  return bin;
}

export interface SlirpStart {
  /** the namespace: a container's pid (slirp4netns joins its user and network namespaces) or a path */
  target: {pid: number} | {path: string};
  /** argv prefix that runs slirp4netns where it must run (the rootless session for a path target) */
  wrap?: (argv: string[]) => Promise<string[]>;
  env?: NodeJS.ProcessEnv;
  options: SlirpOptions;
  /** let slirp4netns give the tap device its address and default route (a container's own namespace) */
  configure: boolean;
  apiSocket: string;
  logFile: string;
  /** written as soon as slirp4netns runs, so a start killed before recording it leaves it findable */
  pidFile?: string;
}

/** Starts slirp4netns in the background and returns once it reports ready (or throws its error). */
export async function startSlirp4netns(s: SlirpStart): Promise<HelperRecord> {
  const o = s.options;
  const argv = [slirpBinary(), `--mtu=${o.mtu}`, '--ready-fd=3', '--api-socket', s.apiSocket];
  if (s.configure) argv.push('--configure');
  if (!o.allowHostLoopback) argv.push('--disable-host-loopback');
  if (o.cidr) argv.push(`--cidr=${o.cidr}`);
  if (o.enableIpv6) argv.push('--enable-ipv6');
  if (o.outboundAddr) argv.push(`--outbound-addr=${o.outboundAddr}`);
  if (o.outboundAddr6) argv.push(`--outbound-addr6=${o.outboundAddr6}`);
  if ('pid' in s.target) argv.push(String(s.target.pid), 'tap0');
  else argv.push('--netns-type=path', s.target.path, 'tap0');
  fs.rmSync(s.apiSocket, {force: true});
  const full = s.wrap ? await s.wrap(argv) : argv;
  const log = fs.openSync(s.logFile, 'w');
  let child;
  try {
    child = runner.start(full, {stdio: ['ignore', log, log, 'pipe'], detached: true, env: s.env});
  } finally {
    fs.closeSync(log);
  }
  if (s.pidFile && child.pid !== undefined) fs.writeFileSync(s.pidFile, `${child.pid}\n`);
  const ready = child.stdio[3] as NodeJS.ReadableStream;
  const ok = await new Promise<boolean>((resolve) => {
    ready.on('data', (b: Buffer) => {
      if (b.toString().includes('1')) resolve(true);
    });
    ready.on('end', () => resolve(false));
    ready.on('error', () => resolve(false));
    child.on('error', () => resolve(false));
    child.on('exit', () => setTimeout(() => resolve(false), 20));
  });
  (ready as unknown as {destroy(): void}).destroy();
  child.unref();
  if (!ok || child.pid === undefined) {
    const text = readLog(s.logFile);
    throw new ProcessError(`slirp4netns failed to set up the network: ${lastLine(text) || 'it exited at start'}`, full, text, child.exitCode,
      tunHint(text));
  }
  // Behind nsenter, the pid we spawned is slirp4netns itself: nsenter execs it.
  return recordHelper('slirp4netns', child.pid);
}

function tunHint(text: string): string | undefined {
  if (/\/dev\/net\/tun|open_tap|tun_alloc|TUNSETIFF/i.test(text)) return '/dev/net/tun must exist and be usable: ask an administrator to load the tun module (modprobe tun), or use --network host';
  return undefined;
}

function readLog(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

/** slirp4netns's first complaint; its banner (lines starting with "*") and fd chatter are not. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(sent|received) tapfd|^WARNING: Support for seccomp|^\*|^Starting slirp|is exiting$|^(do_slirp|parent) failed$/.test(l));
  return lines[0] ?? '';
}

/** One request on the API socket; slirp4netns answers with {"return":…} or {"error":{"desc":…}}. */
export function slirpApi(socket: string, request: object, timeoutMs = 5000): Promise<{return?: {id?: number; entries?: unknown[]}; error?: {desc?: string}}> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    let text = '';
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`slirp4netns did not answer on ${socket}`));
    }, timeoutMs);
    c.on('connect', () => c.end(JSON.stringify(request)));
    c.on('data', (b) => (text += b.toString()));
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    c.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error(`slirp4netns answered "${text.trim()}"`));
      }
    });
  });
}

/** Publishes each mapping through slirp4netns; returns the forwarder ids (for removal). */
export async function addHostForwards(socket: string, ports: readonly PortMapping[], guestAddr?: string): Promise<number[]> {
  const ids: number[] = [];
  for (const p of ports) {
    const args: Record<string, unknown> = {proto: p.protocol, host_addr: p.hostIp || '0.0.0.0', host_port: p.hostPort, guest_port: p.containerPort};
    if (guestAddr) args.guest_addr = guestAddr;
    const res = await slirpApi(socket, {execute: 'add_hostfwd', arguments: args});
    if (res.error || res.return?.id === undefined) {
      throw new HostConfigError(`cannot publish ${p.hostIp || '0.0.0.0'}:${p.hostPort}/${p.protocol}: slirp4netns said ${res.error?.desc ?? 'nothing'}`,
        {hint: `the port may be in use on the host (check with ss -ltnup); pick another with -p OTHER:${p.containerPort}`});
    }
    ids.push(res.return.id);
  }
  return ids;
}

export async function removeHostForwards(socket: string, ids: readonly number[]): Promise<void> {
  for (const id of ids) await slirpApi(socket, {execute: 'remove_hostfwd', arguments: {id}}).catch(() => undefined);
}
