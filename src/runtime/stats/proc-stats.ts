// One reading of a running container's resource use: from its cgroup when it has one (cgroup-stats.ts),
// else from /proc, as for rootless containers on hosts without cgroup v2 delegation: CPU time
// (utime+stime of each process plus what it reaped), resident memory (VmRSS), network bytes from the
// container's network namespace (/proc/PID/net/dev, loopback left out), block I/O (read_bytes and
// write_bytes of /proc/PID/io, where readable), and the number of processes.
import * as fs from 'node:fs';
import {containerPids} from '../container-top';
import {readCgroup} from './cgroup-stats';

const USER_HZ = 100;

export interface ProcReading {
  /** ms since the epoch */
  at: number;
  /** CPU time in ns: of the cgroup, or of the live processes and the children they reaped */
  cpuNs: number;
  /** the cgroup's memory limit, if it has one */
  memLimit?: number;
  source: 'cgroup' | 'proc';
  rssBytes: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

/** A reading of the container whose first process is `pid`; from its cgroup when it has one. */
export function readContainer(pid: number, now = Date.now(), cgroupsPath?: string): ProcReading {
  const net = parseNetDev(readOr(`/proc/${pid}/net/dev`, ''));
  const cg = cgroupsPath === undefined ? undefined : readCgroup(cgroupsPath);
  if (cg) {
    return {at: now, source: 'cgroup', cpuNs: cg.cpuNs, rssBytes: cg.memUsage, memLimit: cg.memLimit, netRx: net.rx, netTx: net.tx, blockRead: cg.blockRead, blockWrite: cg.blockWrite, pids: cg.pids};
  }
  const r: ProcReading = {at: now, source: 'proc', cpuNs: 0, rssBytes: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 0};
  for (const p of containerPids(pid)) {
    let stat: string;
    let status: string;
    try {
      stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime stime cutime cstime: a reaped child's time moves into its parent's cutime/cstime, so it
    // is counted once and the total does not drop when a short-lived child ends
    r.cpuNs += ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / USER_HZ) * 1e9;
    r.rssBytes += 1024 * Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    r.pids++;
    const io = readIo(p);
    r.blockRead += io.read;
    r.blockWrite += io.write;
  }
  r.netRx = net.rx;
  r.netTx = net.tx;
  return r;
}

function readOr(f: string, fallback: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return fallback;
  }
}

function readIo(pid: number): {read: number; write: number} {
  // readable only for processes running as the user's own id (the container's root); others count 0
  const text = readOr(`/proc/${pid}/io`, '');
  return {read: Number(/^read_bytes:\s+(\d+)/m.exec(text)?.[1] ?? 0), write: Number(/^write_bytes:\s+(\d+)/m.exec(text)?.[1] ?? 0)};
}

/** Received and sent bytes over every interface but loopback. */
export function parseNetDev(text: string): {rx: number; tx: number} {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1].trim() === 'lo') continue;
    const v = m[2].trim().split(/\s+/).map(Number);
    rx += v[0] ?? 0;
    tx += v[8] ?? 0;
  }
  return {rx, tx};
}

/** MemTotal of the host, the limit of a container without one of its own. */
export function hostMemTotal(): number {
  return 1024 * Number(/^MemTotal:\s+(\d+) kB/m.exec(readOr('/proc/meminfo', ''))?.[1] ?? 0);
}
