// `stats` arithmetic and Podman's presentation. CPU % is CPU time over wall time: over the interval
// between two readings, or, for the first reading (and --no-stream), since the container started, as
// Podman computes its first sample; 100 % is one core. AVG CPU % averages the readings so far.
import {compactHumanSize} from '../../format/human';
import {goDuration} from '../container-top';
import type {ProcReading} from './proc-stats';

export interface StatsPoint {
  id: string;
  name: string;
  /** undefined: the container is not running */
  reading?: ProcReading;
  startedAtMs: number;
  memLimit: number;
}

export interface StatsHistory {
  prev?: ProcReading;
  avgCpu: number;
  points: number;
}

export interface StatsValues {
  ContainerID: string;
  Name: string;
  CPU: number;
  AvgCPU: number;
  CPUNano: number;
  MemUsage: number;
  MemLimit: number;
  MemPerc: number;
  NetInput: number;
  NetOutput: number;
  BlockInput: number;
  BlockOutput: number;
  PIDs: number;
  /** CPU time used, in ns (Podman's UpTime) */
  UpTime: number;
}

export function cpuPercent(cur: ProcReading, prev: ProcReading | undefined, startedAtMs: number): number {
  const fromNs = prev ? prev.cpuNs : 0;
  const fromMs = prev ? prev.at : startedAtMs;
  const wall = (cur.at - fromMs) / 1000;
  if (wall <= 0) return 0;
  return Math.max(0, ((cur.cpuNs - fromNs) / 1e9 / wall) * 100);
}

/** Computes one row and advances the history. */
export function statsValues(p: StatsPoint, h: StatsHistory): StatsValues {
  const r = p.reading;
  if (!r) {
    return {ContainerID: p.id, Name: p.name, CPU: 0, AvgCPU: 0, CPUNano: 0, MemUsage: 0, MemLimit: 0, MemPerc: 0, NetInput: 0, NetOutput: 0, BlockInput: 0, BlockOutput: 0, PIDs: 0, UpTime: 0};
  }
  const cpu = cpuPercent(r, h.prev, p.startedAtMs);
  h.avgCpu = (h.avgCpu * h.points + cpu) / (h.points + 1);
  h.points++;
  h.prev = r;
  const cpuNs = r.cpuNs;
  const limit = r.memLimit ?? p.memLimit;
  return {
    ContainerID: p.id, Name: p.name, CPU: cpu, AvgCPU: h.avgCpu, CPUNano: cpuNs, MemUsage: r.rssBytes, MemLimit: limit,
    MemPerc: limit > 0 ? (100 * r.rssBytes) / limit : 0, NetInput: r.netRx, NetOutput: r.netTx,
    BlockInput: r.blockRead, BlockOutput: r.blockWrite, PIDs: r.pids, UpTime: cpuNs,
  };
}

const percent = (f: number) => `${f.toFixed(2)}%`;
const pair = (a: number, b: number) => (a === 0 && b === 0 ? '-- / --' : `${compactHumanSize(a)} / ${compactHumanSize(b)}`);

/** The fields a --format template sees (Podman's names), and the strings of the table. */
export function statsRow(v: StatsValues): Record<string, unknown> {
  return {
    ...v,
    ID: v.ContainerID.slice(0, 12),
    CPUPerc: percent(v.CPU),
    AVGCPU: percent(v.AvgCPU),
    MemUsage: pair(v.MemUsage, v.MemLimit),
    MemUsageBytes: v.MemUsage === 0 && v.MemLimit === 0 ? '-- / --' : `${v.MemUsage}B / ${v.MemLimit}B`,
    MemPerc: percent(v.MemPerc),
    NetIO: pair(v.NetInput, v.NetOutput),
    BlockIO: pair(v.BlockInput, v.BlockOutput),
    PIDS: v.PIDs === 0 ? '--' : String(v.PIDs),
    PIDs: v.PIDs,
    CPUTime: goDuration(Math.round(v.UpTime / 1e6) / 1e3),
    Up: goDuration(Math.round(v.UpTime / 1e6) / 1e3),
  };
}

export const STATS_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.CPUTime}}\t{{.AVGCPU}}';
export const STATS_HEADERS: Record<string, string> = {
  ID: 'ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET IO', BlockIO: 'BLOCK IO',
  PIDS: 'PIDS', PIDs: 'PIDS', CPUTime: 'CPU TIME', Up: 'CPU TIME', AVGCPU: 'AVG CPU %', MemUsageBytes: 'MEM USAGE / LIMIT',
};

/** Podman's `stats --format json` object. */
export function statsJson(v: StatsValues): Record<string, string> {
  const row = statsRow(v);
  return {
    id: row.ID as string, name: v.Name, cpu_percent: row.CPUPerc as string, mem_usage: row.MemUsage as string, mem_usage_bytes: row.MemUsageBytes as string,
    mem_percent: row.MemPerc as string, net_io: row.NetIO as string, block_io: row.BlockIO as string, pids: row.PIDS as string,
    cpu_time: row.CPUTime as string, avg_cpu: row.AVGCPU as string,
  };
}
