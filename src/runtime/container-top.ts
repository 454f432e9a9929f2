// `top`: the processes of a running container, read from /proc without entering it. A process belongs
// to the container when it shares the pid namespace of the container's first process; its pid, ppid
// and user are shown as the container sees them (NSpid, the user namespace's uid_map, the image's
// passwd), its timings from /proc/PID/stat. The descriptors are Podman's ps-style names.
import * as fs from 'node:fs';
import * as os from 'node:os';
import {InvalidInputError, InvalidStateError} from '../errors';

export const TOP_DEFAULT = ['user', 'pid', 'ppid', 'pcpu', 'etime', 'tty', 'time', 'args'];
const HEADERS: Record<string, string> = {
  user: 'USER', huser: 'HUSER', pid: 'PID', hpid: 'HPID', ppid: 'PPID', pcpu: '%CPU', etime: 'ELAPSED', tty: 'TTY', time: 'TIME',
  args: 'COMMAND', comm: 'COMMAND', group: 'GROUP', hgroup: 'HGROUP', nice: 'NI', state: 'STATE',
};
/** ps(1) spellings Podman accepts for the same fields. */
const ALIASES: Record<string, string> = {'%cpu': 'pcpu', command: 'args', uid: 'user', etimes: 'etime', ni: 'nice', s: 'state'};

interface ProcInfo {
  hostPid: number;
  hostPpid: number;
  nsPid: number;
  uid: number;
  gid: number;
  startTicks: number;
  cpuTicks: number;
  nice: number;
  state: string;
  comm: string;
  args: string;
}

const TICKS = 100; // USER_HZ on Linux

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/);
    const nsPids = field('NSpid').map(Number);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return {
      hostPid: pid, hostPpid: Number(f[1]), nsPid: nsPids[nsPids.length - 1] ?? pid, uid: Number(field('Uid')[1]), gid: Number(field('Gid')[1]),
      startTicks: Number(f[19]), cpuTicks: Number(f[11]) + Number(f[12]), nice: Number(f[16]), state: f[0], comm, args: cmdline.length ? cmdline.join(' ') : `[${comm}]`,
    };
  } catch {
    return undefined;
  }
}

/** Maps a host id back through a /proc/PID/{uid,gid}_map into the container's id. */
function toContainerId(hostId: number, map: string): number {
  for (const line of map.trim().split('\n')) {
    const [inside, outside, count] = line.trim().split(/\s+/).map(Number);
    if (hostId >= outside && hostId < outside + count) return inside + (hostId - outside);
  }
  return 65534;
}

/** Go's time.Duration.String() for whole seconds and fractions, as Podman prints ELAPSED and TIME. */
export function goDuration(seconds: number): string {
  if (seconds < 1) return seconds === 0 ? '0s' : `${Number((seconds * 1000).toFixed(3))}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Number((seconds % 60).toFixed(9));
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function bootTime(): number {
  const m = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : Math.floor(Date.now() / 1000 - os.uptime());
}

export function normalizeDescriptors(list: readonly string[]): string[] {
  const out = list.flatMap((d) => d.split(',')).map((d) => d.trim().toLowerCase()).filter(Boolean).map((d) => ALIASES[d] ?? d);
  for (const d of out) {
    if (!HEADERS[d]) throw new InvalidInputError(`unknown top descriptor "${d}"`, {hint: `use any of: ${Object.keys(HEADERS).join(', ')}`});
  }
  return out.length ? out : TOP_DEFAULT;
}

/**
 * Host pids of the processes sharing the pid namespace of `pid` (the container's first process). The
 * namespace link of a process running as another subordinate id is not readable by the user, so the
 * descendants of `pid` (from the world-readable stat files) are added too.
 */
export function containerPids(pid: number): number[] {
  let pidNs: string;
  try {
    pidNs = fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    throw new InvalidStateError('the container has no processes to list: it is not running', {hint: 'start it first'});
  }
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/ns/pid`) === pidNs) out.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return [...new Set([...out, ...descendants(pid)])].sort((a, b) => a - b);
}

/** Rows (header first) for the container whose first process is `pid`. */
export function topRows(pid: number, descriptors: readonly string[], names: {user(uid: number): string; group(gid: number): string}): string[][] {
  const pids = containerPids(pid);
  const uidMap = fs.readFileSync(`/proc/${pid}/uid_map`, 'utf8');
  const gidMap = fs.readFileSync(`/proc/${pid}/gid_map`, 'utf8');
  const procs: ProcInfo[] = [];
  for (const hostPid of pids) {
    const p = readProc(hostPid);
    if (p) procs.push(p);
  }
  procs.sort((a, b) => a.nsPid - b.nsPid);
  const nsOf = new Map(procs.map((p) => [p.hostPid, p.nsPid]));
  const now = Date.now() / 1000;
  const boot = bootTime();
  const rows = [descriptors.map((d) => HEADERS[d])];
  for (const p of procs) {
    const elapsed = Math.max(0, now - (boot + p.startTicks / TICKS));
    const cpu = p.cpuTicks / TICKS;
    const uid = toContainerId(p.uid, uidMap);
    const gid = toContainerId(p.gid, gidMap);
    rows.push(descriptors.map((d) => {
      switch (d) {
        case 'user': return names.user(uid);
        case 'huser': return String(p.uid);
        case 'group': return names.group(gid);
        case 'hgroup': return String(p.gid);
        case 'pid': return String(p.nsPid);
        case 'hpid': return String(p.hostPid);
        case 'ppid': return String(nsOf.get(p.hostPpid) ?? 0);
        case 'pcpu': return (elapsed > 0 ? (100 * cpu) / elapsed : 0).toFixed(3);
        case 'etime': return goDuration(Math.floor(elapsed * 1000) / 1000);
        case 'tty': return '?';
        case 'time': return goDuration(Math.floor(cpu));
        case 'comm': return p.comm;
        case 'nice': return String(p.nice);
        case 'state': return p.state;
        default: return p.args;
      }
    }));
  }
  return rows;
}

/** `pid` and every process below it, from each process's parent in /proc/PID/stat. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}
