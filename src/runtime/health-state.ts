// The health record of a container (Podman's healthcheck log: Status, FailingStreak, the last five
// results) and how one check result moves it. Pure: the caller reads and writes the file under a lock.

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthRecord {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** Podman keeps this many results and this much of each result's output. */
export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_CHARS = 500;

export function initialHealth(prev?: HealthRecord): HealthRecord {
  return {Status: 'starting', FailingStreak: 0, Log: prev?.Log ?? []};
}

export interface CheckResult {
  start: Date;
  end: Date;
  exitCode: number;
  output: string;
}

/**
 * One result applied: a success makes the container healthy and ends the streak; a failure inside the
 * start period is logged but not counted; otherwise the streak grows and reaching `retries` makes it
 * unhealthy.
 */
export function applyResult(prev: HealthRecord, r: CheckResult, o: {retries: number; startPeriodMs: number; startedAt?: string}): HealthRecord {
  const entry: HealthLogEntry = {Start: r.start.toISOString(), End: r.end.toISOString(), ExitCode: r.exitCode, Output: r.output.slice(0, MAX_OUTPUT_CHARS)};
  const log = [...prev.Log, entry].slice(-MAX_LOG_ENTRIES);
  if (r.exitCode === 0) return {Status: 'healthy', FailingStreak: 0, Log: log};
  const started = o.startedAt ? Date.parse(o.startedAt) : 0;
  const inStartPeriod = o.startPeriodMs > 0 && r.start.getTime() - started < o.startPeriodMs;
  if (inStartPeriod) return {...prev, Log: log};
  const streak = prev.FailingStreak + 1;
  return {Status: streak >= o.retries ? 'unhealthy' : prev.Status, FailingStreak: streak, Log: log};
}
