// A reading from the container's own cgroup, where it has one (containers of real root get /burrow/ID):
// CPU time, memory (without the inactive page cache, as docker and Podman count it) and its limit,
// block I/O and the number of processes, on cgroup v1 (per-controller hierarchies) or v2 (unified).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CgroupReading {
  cpuNs: number;
  memUsage: number;
  /** undefined: no limit set */
  memLimit?: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export type ReadFile = (file: string) => string | undefined;

const readOrUndefined: ReadFile = (f) => {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return undefined;
  }
};

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s.trim()));
const statField = (text: string | undefined, key: string) => Number(new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(text ?? '')?.[1] ?? 0);
const countLines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l.trim() !== '').length;
/** v1 reports "no limit" as a page-rounded huge number */
const limitOf = (v: number | undefined) => (v === undefined || Number.isNaN(v) || v >= 2 ** 60 ? undefined : v);

export function readCgroup(cgroupsPath: string, root = '/sys/fs/cgroup', read: ReadFile = readOrUndefined): CgroupReading | undefined {
  if (read(path.join(root, 'cgroup.controllers')) !== undefined) {
    const dir = path.join(root, cgroupsPath);
    const cpu = read(path.join(dir, 'cpu.stat'));
    if (cpu === undefined) return undefined;
    let blockRead = 0;
    let blockWrite = 0;
    for (const line of (read(path.join(dir, 'io.stat')) ?? '').split('\n')) {
      blockRead += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
      blockWrite += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
    const max = read(path.join(dir, 'memory.max'))?.trim();
    const current = num(read(path.join(dir, 'memory.current'))) ?? 0;
    return {
      cpuNs: statField(cpu, 'usage_usec') * 1000, memUsage: Math.max(0, current - statField(read(path.join(dir, 'memory.stat')), 'inactive_file')),
      memLimit: max === undefined || max === 'max' ? undefined : limitOf(Number(max)), blockRead, blockWrite, pids: countLines(read(path.join(dir, 'cgroup.procs'))),
    };
  }
  const cpu = num(read(path.join(root, 'cpuacct', cgroupsPath, 'cpuacct.usage')));
  if (cpu === undefined) return undefined;
  const mem = (f: string) => read(path.join(root, 'memory', cgroupsPath, f));
  let blockRead = 0;
  let blockWrite = 0;
  for (const line of (read(path.join(root, 'blkio', cgroupsPath, 'blkio.throttle.io_service_bytes_recursive')) ?? '').split('\n')) {
    const m = /^\S+ (Read|Write) (\d+)$/.exec(line.trim());
    if (m?.[1] === 'Read') blockRead += Number(m[2]);
    if (m?.[1] === 'Write') blockWrite += Number(m[2]);
  }
  return {
    cpuNs: cpu, memUsage: Math.max(0, (num(mem('memory.usage_in_bytes')) ?? 0) - statField(mem('memory.stat'), 'total_inactive_file')),
    memLimit: limitOf(num(mem('memory.limit_in_bytes'))), blockRead, blockWrite, pids: countLines(read(path.join(root, 'cpuacct', cgroupsPath, 'cgroup.procs'))),
  };
}
