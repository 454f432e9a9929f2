// Host-side checks of published ports before a container starts, so the user gets "port 8080 is in
// use" instead of a helper's cryptic failure and a half-started container: the unprivileged port floor
// (net.ipv4.ip_unprivileged_port_start), a trial bind of each port, and free ports for -P / -p CPORT.
import * as fs from 'node:fs';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import {HostConfigError} from '../errors';
import type {PortMapping} from './network-options';

export function unprivilegedPortStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

function describe(p: PortMapping): string {
  return `${p.hostIp || '0.0.0.0'}:${p.hostPort}/${p.protocol}`;
}

/** Resolves host port 0 to free ports and proves every port can be bound now. */
export async function checkHostPorts(ports: readonly PortMapping[], rootless: boolean): Promise<PortMapping[]> {
  const floor = rootless ? unprivilegedPortStart() : 0;
  const out: PortMapping[] = [];
  for (const p of ports) {
    if (p.hostPort !== 0 && p.hostPort < floor) {
      throw new HostConfigError(`cannot publish port ${p.hostPort}: ports below ${floor} (net.ipv4.ip_unprivileged_port_start) need root on this host`,
        {hint: `publish a higher port (-p ${p.hostPort < 1024 ? 8000 + p.hostPort : 8080}:${p.containerPort}), or ask an administrator for sysctl net.ipv4.ip_unprivileged_port_start=${p.hostPort}`});
    }
    const hostPort = await tryBind(p);
    out.push({...p, hostPort});
  }
  return out;
}

/** Binds and releases the port; returns the port (the kernel's pick when 0). */
function tryBind(p: PortMapping): Promise<number> {
  const host = p.hostIp || (p.protocol === 'udp' ? '0.0.0.0' : undefined);
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(new HostConfigError(`cannot publish ${describe(p)}: the port is already in use on the host`,
          {hint: `stop what listens there (ss -ltnup shows it) or pick another host port: -p ${p.hostPort + 1}:${p.containerPort}`}));
      } else if (e.code === 'EADDRNOTAVAIL') {
        reject(new HostConfigError(`cannot publish ${describe(p)}: ${p.hostIp} is not an address of this host`, {hint: 'use one of the host\'s addresses (ip -br addr) or leave it out'}));
      } else if (e.code === 'EACCES') {
        reject(new HostConfigError(`cannot publish ${describe(p)}: permission denied`, {hint: 'publish a port of 1024 or above'}));
      } else {
        reject(new HostConfigError(`cannot publish ${describe(p)}: ${e.message}`));
      }
    };
    if (p.protocol === 'udp') {
      const s = dgram.createSocket(net.isIPv6(host ?? '') ? 'udp6' : 'udp4');
      s.once('error', (e) => {
        s.close();
        fail(e);
      });
      s.bind(p.hostPort, host, () => {
        const port = s.address().port;
        s.close(() => resolve(port));
      });
    } else {
      const s = net.createServer();
      s.once('error', fail);
      s.listen({port: p.hostPort, host, exclusive: true}, () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    }
  });
}
