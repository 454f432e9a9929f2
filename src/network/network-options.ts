// Parsers for the network flags of run/create, in Podman's syntax: --network, -p/--publish, --add-host,
// --dns*, --mac-address, and the EXPOSE list -P publishes. Pure: no I/O, so the unit tests pin every
// accepted and refused form.
import * as net from 'node:net';
import {InvalidInputError} from '../errors';

/** What --network asked for, after defaults: one of Podman's modes, or user-defined networks. */
export type NetworkKind = 'host' | 'none' | 'slirp4netns' | 'pasta' | 'container' | 'ns' | 'bridge';

export interface NetworkRequest {
  kind: NetworkKind;
  /** slirp4netns/pasta options (after the colon), split at commas as Podman does */
  options: string[];
  /** container:NAME or ns:PATH */
  target?: string;
  /** bridge: the user-defined networks to join, in order, with their aliases */
  networks: {name: string; aliases: string[]}[];
}

export type Protocol = 'tcp' | 'udp';

export interface PortMapping {
  hostIp: string;
  /** 0 = pick a free port at start */
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
}

const HELPERS = new Set(['slirp4netns', 'pasta']);

/**
 * --network values (repeatable; a comma list of network names is also accepted). `defaultCmd` is the
 * rootless network command used when nothing was given or "private" was.
 */
export function parseNetworkFlags(values: readonly string[], defaultCmd: 'slirp4netns' | 'pasta'): NetworkRequest {
  const given = values.filter((v) => v !== '');
  if (given.length === 0) return {kind: defaultCmd, options: [], networks: []};
  const modes: NetworkRequest[] = [];
  const networks: {name: string; aliases: string[]}[] = [];
  for (const value of given) {
    const colon = value.indexOf(':');
    const head = colon < 0 ? value : value.slice(0, colon);
    const rest = colon < 0 ? '' : value.slice(colon + 1);
    if (head === 'host' || head === 'none' || head === 'private') {
      if (rest !== '') throw new InvalidInputError(`--network ${head} takes no options`, {hint: `use --network ${head}`});
      modes.push({kind: head === 'private' ? defaultCmd : head, options: [], networks: []});
    } else if (HELPERS.has(head)) {
      modes.push({kind: head as 'slirp4netns' | 'pasta', options: rest === '' ? [] : rest.split(','), networks: []});
    } else if (head === 'container' || head === 'ns') {
      if (rest === '') throw new InvalidInputError(`--network ${head}: needs a ${head === 'ns' ? 'path' : 'container name or id'}`, {hint: head === 'ns' ? 'use --network ns:/proc/PID/ns/net' : 'use --network container:NAME'});
      modes.push({kind: head, options: [], target: rest, networks: []});
    } else {
      // Network names, possibly "name:alias=a,alias=b" as Podman accepts.
      for (const name of (colon < 0 ? value.split(',') : [head])) {
        if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
          throw new InvalidInputError(`invalid --network "${value}"`, {hint: 'use host, none, private, slirp4netns[:OPTIONS], pasta[:OPTIONS], container:NAME, ns:PATH or a network name'});
        }
        const aliases: string[] = [];
        for (const opt of rest === '' ? [] : rest.split(',')) {
          const m = /^alias=(.+)$/.exec(opt);
          if (!m) throw new InvalidInputError(`unknown option "${opt}" for network ${name}`, {hint: 'only alias=NAME is supported'});
          aliases.push(m[1]);
        }
        networks.push({name: name === 'bridge' ? 'podman' : name, aliases});
      }
    }
  }
  if (modes.length > 0 && (modes.length > 1 || networks.length > 0)) {
    throw new InvalidInputError(`--network ${given.join(' --network ')}: ${modes[0].kind} cannot be combined with other networks`, {hint: 'give one mode, or only network names'});
  }
  if (modes.length === 1) return modes[0];
  const seen = new Set<string>();
  for (const n of networks) {
    if (seen.has(n.name)) throw new InvalidInputError(`network ${n.name} is given twice`, {hint: 'name each network once'});
    seen.add(n.name);
  }
  return {kind: 'bridge', options: [], networks};
}

/** The mode as Podman's inspect shows it in HostConfig.NetworkMode. */
export function networkModeName(r: Pick<NetworkRequest, 'kind' | 'target'>): string {
  if (r.kind === 'container' || r.kind === 'ns') return `${r.kind}:${r.target}`;
  return r.kind;
}

function parsePort(text: string, what: string, spec: string, allowZero = false): number {
  if (!/^\d+$/.test(text)) throw badPublish(spec, `${what} "${text}" is not a number`);
  const n = Number(text);
  if (n > 65535 || (n === 0 && !allowZero)) throw badPublish(spec, `${what} ${n} is out of range 1-65535`);
  return n;
}

function parseRange(text: string, what: string, spec: string): [number, number] {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const p = parsePort(text, what, spec);
    return [p, p];
  }
  const a = parsePort(text.slice(0, dash), what, spec);
  const b = parsePort(text.slice(dash + 1), what, spec);
  if (b < a) throw badPublish(spec, `${what} range ${text} ends before it starts`);
  return [a, b];
}

function badPublish(spec: string, why: string): InvalidInputError {
  return new InvalidInputError(`invalid -p "${spec}": ${why}`, {hint: 'use -p [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp], e.g. -p 8080:80 or -p 127.0.0.1:5000-5002:5000-5002/udp'});
}

/** One -p value: [hostIp:][hostPort:]containerPort[/proto], ports or equal-length ranges. */
export function parsePublish(spec: string): PortMapping[] {
  let body = spec;
  let protocols: Protocol[] = ['tcp'];
  const slash = body.lastIndexOf('/');
  if (slash >= 0) {
    const proto = body.slice(slash + 1).toLowerCase();
    body = body.slice(0, slash);
    const list = proto.split(',');
    if (list.some((p) => p !== 'tcp' && p !== 'udp')) throw badPublish(spec, `protocol "${proto}" is not tcp or udp`);
    protocols = [...new Set(list)] as Protocol[];
  }
  let hostIp = '';
  // An IPv6 host address is written in brackets: [::1]:8080:80
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(body);
  let parts: string[];
  if (v6) {
    hostIp = v6[1];
    parts = ['', ...v6[2].split(':')];
  } else {
    parts = body.split(':');
  }
  if (parts.length > 3) throw badPublish(spec, 'too many fields (an IPv6 host address goes in brackets: [::1]:8080:80)');
  let hostPart = '';
  let ctrPart: string;
  if (parts.length === 1) {
    ctrPart = parts[0];
  } else if (parts.length === 2) {
    [hostPart, ctrPart] = parts;
    if (hostPart === '') throw badPublish(spec, 'the host port is empty');
  } else {
    if (!v6) hostIp = parts[0];
    if (hostIp === '') throw badPublish(spec, 'the host address is empty');
    hostPart = parts[1];
    ctrPart = parts[2];
  }
  if (hostIp !== '' && net.isIP(hostIp) === 0) throw badPublish(spec, `host address "${hostIp}" is not an IP address`);
  if (ctrPart === '') throw badPublish(spec, 'the container port is missing');
  const [c0, c1] = parseRange(ctrPart, 'container port', spec);
  let h0 = 0;
  if (hostPart !== '') {
    const [a, b] = parseRange(hostPart, 'host port', spec);
    if (b - a !== c1 - c0 && a !== b) throw badPublish(spec, `host range ${hostPart} and container range ${ctrPart} differ in length`);
    if (a === b && c1 !== c0) throw badPublish(spec, `a range of container ports needs a range of host ports of the same length`);
    h0 = a;
  }
  const out: PortMapping[] = [];
  for (const protocol of protocols) {
    for (let i = 0; i <= c1 - c0; i++) {
      out.push({hostIp, hostPort: h0 === 0 ? 0 : h0 + i, containerPort: c0 + i, protocol});
    }
  }
  return out;
}

/** Every -p, checked for two mappings claiming the same host port. */
export function parsePublishList(specs: readonly string[]): PortMapping[] {
  const all = specs.flatMap(parsePublish);
  // Two bindings clash on the same port and protocol when their addresses are equal or one is "all".
  const clashes = (a: PortMapping, b: PortMapping) => a.hostPort !== 0 && a.hostPort === b.hostPort && a.protocol === b.protocol &&
    (a.hostIp === b.hostIp || a.hostIp === '' || b.hostIp === '');
  all.forEach((m, i) => {
    const clash = all.slice(0, i).find((earlier) => clashes(earlier, m));
    if (clash) {
      throw new InvalidInputError(`host port ${m.hostPort}/${m.protocol} is published twice (to container ports ${clash.containerPort} and ${m.containerPort})`, {hint: 'give each -p its own host port'});
    }
  });
  return all;
}

/** EXPOSE entries ("80/tcp", "53/udp", "8000-8002") as -P publishes them: every port to a free host port. */
export function exposedToMappings(exposed: readonly string[]): PortMapping[] {
  const out: PortMapping[] = [];
  for (const e of exposed) {
    const [ports, proto = 'tcp'] = e.split('/');
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const [a, b] = parseRange(ports, 'exposed port', e);
    for (let p = a; p <= b; p++) out.push({hostIp: '', hostPort: 0, containerPort: p, protocol: proto});
  }
  return out;
}

/** Podman's --expose: PORT[/PROTO] or a range, normalized to EXPOSE's form. */
export function normalizeExpose(value: string): string {
  const m = /^(\d+(?:-\d+)?)(?:\/(tcp|udp))?$/i.exec(value);
  if (!m) throw new InvalidInputError(`invalid --expose "${value}"`, {hint: 'use --expose PORT[/tcp|/udp] or a range like 8000-8010'});
  parseRange(m[1], 'exposed port', value);
  return `${m[1]}/${(m[2] ?? 'tcp').toLowerCase()}`;
}

/** --add-host NAME:IP (also NAME=IP); NAME may be a semicolon list; IP may be host-gateway. */
export function parseAddHost(value: string): {names: string[]; ip: string} {
  const m = /^([^:=]+)[:=](.+)$/.exec(value);
  const names = m ? m[1].split(';').filter(Boolean) : [];
  let ip = m ? m[2] : '';
  if (/^\[.*\]$/.test(ip)) ip = ip.slice(1, -1);
  if (!m || names.length === 0 || (ip !== 'host-gateway' && net.isIP(ip) === 0) || names.some((n) => !/^[a-zA-Z0-9_.-]+$/.test(n))) {
    throw new InvalidInputError(`invalid --add-host "${value}"`, {hint: 'use --add-host NAME:IP (or NAME:host-gateway)'});
  }
  return {names, ip};
}

export function parseDnsServer(value: string): string {
  if (net.isIP(value) === 0 && value !== 'none') throw new InvalidInputError(`invalid --dns "${value}": not an IP address`, {hint: 'use --dns 1.1.1.1 (or --dns none for no resolv.conf entries)'});
  return value;
}

export function parseMacAddress(value: string): string {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(value)) throw new InvalidInputError(`invalid --mac-address "${value}"`, {hint: 'use six hex pairs, e.g. 92:d0:c6:0a:29:33'});
  if (parseInt(value.slice(0, 2), 16) & 1) throw new InvalidInputError(`--mac-address ${value} is a multicast address`, {hint: 'the first byte must be even, e.g. 92:d0:c6:0a:29:33'});
  return value.toLowerCase();
}

/** "80/tcp -> 0.0.0.0:8080", the line `burrow port` prints for one mapping. */
export function formatPortLine(m: PortMapping): string {
  const ip = m.hostIp === '' ? '0.0.0.0' : m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp;
  return `${m.containerPort}/${m.protocol} -> ${ip}:${m.hostPort}`;
}

/** The PORTS column of `ps`: "0.0.0.0:8080->80/tcp", consecutive ports folded into ranges as Podman does. */
export function formatPortsColumn(list: readonly PortMapping[]): string {
  const sorted = [...list].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.hostIp.localeCompare(b.hostIp) || a.containerPort - b.containerPort);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1].protocol === sorted[i].protocol && sorted[j + 1].hostIp === sorted[i].hostIp &&
      sorted[j + 1].containerPort === sorted[j].containerPort + 1 && sorted[j + 1].hostPort === sorted[j].hostPort + 1) j++;
    const a = sorted[i];
    const b = sorted[j];
    const ip = a.hostIp === '' ? '0.0.0.0' : a.hostIp;
    out.push(i === j ? `${ip}:${a.hostPort}->${a.containerPort}/${a.protocol}` : `${ip}:${a.hostPort}-${b.hostPort}->${a.containerPort}-${b.containerPort}/${a.protocol}`);
    i = j + 1;
  }
  return out.join(', ');
}
