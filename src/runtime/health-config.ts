// A container's health check as Podman defines it: the --health-* flags (or the image's HEALTHCHECK),
// turned into the Docker-shaped record stored with the container and shown by inspect
// (Config.Healthcheck: Test, Interval, Timeout, StartPeriod, Retries; durations in nanoseconds).
import {InvalidInputError} from '../errors';
import {jsonStringArray} from '../image/image-change';

export const NS_PER_MS = 1_000_000;

/** Docker's HealthConfig, as images carry it and Podman's inspect shows it. */
export interface HealthConfig {
  /** ["CMD-SHELL", "cmd"], ["CMD", argv...] or ["NONE"] */
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export type HealthOnFailure = 'none' | 'kill' | 'restart' | 'stop';
export const HEALTH_ON_FAILURE: readonly HealthOnFailure[] = ['none', 'kill', 'restart', 'stop'];

export interface HealthFlags {
  cmd?: string;
  /** a Go duration or "disable" */
  interval?: string;
  retries?: number;
  startPeriod?: string;
  timeout?: string;
  onFailure?: string;
  none?: boolean;
}

export const HEALTH_DEFAULTS = {intervalMs: 30_000, timeoutMs: 30_000, retries: 3};

/** The settings a check runs with, with Docker's zero-means-default rule applied. */
export interface EffectiveHealth {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  retries: number;
}

/** `--health-cmd`: a JSON array or one shell command line, as Podman reads it. */
export function healthTest(value: string): string[] {
  const arr = jsonStringArray(value);
  const words = arr ?? [value];
  if (words.length === 0 || (words.length === 1 && words[0].trim() === '')) {
    throw new InvalidInputError('must define a healthcheck command for all healthchecks', {hint: 'give --health-cmd a command, or use --no-healthcheck'});
  }
  const first = words[0].toUpperCase();
  if (first === 'NONE') return ['NONE'];
  if (first === 'CMD' || first === 'CMD-SHELL') {
    if (words.length < 2) throw new InvalidInputError(`health check "${value}" names no command`, {hint: `e.g. --health-cmd '["${first}", "true"]'`});
    return [first, ...words.slice(1)];
  }
  if (arr && arr.length > 1) return ['CMD', ...arr];
  return ['CMD-SHELL', words.join(' ')];
}

function duration(flag: string, value: string, min: number): number {
  const {parseGoDuration} = require('../engine/engine') as typeof import('../engine/engine');
  const ms = parseGoDuration(value) ?? (value === '0' ? 0 : undefined);
  if (ms === undefined) throw new InvalidInputError(`invalid --${flag} "${value}"`, {hint: 'use a duration such as 30s, 1m30s or 500ms'});
  if (ms < min) throw new InvalidInputError(`--${flag} must be at least ${min / 1000} second${min === 1000 ? '' : 's'}`, {hint: `e.g. --${flag} 30s`});
  return ms;
}

/**
 * The health check a new container gets: the flags over the image's HEALTHCHECK. Undefined when there
 * is none, or when --no-healthcheck / --health-cmd none / an image's NONE switch it off.
 */
export function resolveHealthcheck(f: HealthFlags, image: HealthConfig | undefined): {config?: HealthConfig; onFailure: HealthOnFailure} {
  const onFailure = (f.onFailure ?? 'none').toLowerCase() as HealthOnFailure;
  if (!HEALTH_ON_FAILURE.includes(onFailure)) {
    throw new InvalidInputError(`invalid --health-on-failure "${f.onFailure}"`, {hint: `use one of ${HEALTH_ON_FAILURE.join(', ')}`});
  }
  const tuned = f.interval !== undefined || f.retries !== undefined || f.startPeriod !== undefined || f.timeout !== undefined;
  if (f.none) {
    if (f.cmd !== undefined || tuned) throw new InvalidInputError('--no-healthcheck conflicts with the --health-* flags', {hint: 'drop one of them'});
    return {onFailure};
  }
  const test = f.cmd !== undefined ? healthTest(f.cmd) : image?.Test;
  if (!test || test.length === 0 || test[0] === 'NONE') {
    if (f.cmd === undefined && tuned) throw new InvalidInputError('--health-* options need a health check', {hint: 'add --health-cmd, or use an image with a HEALTHCHECK'});
    return {onFailure};
  }
  const base: Partial<HealthConfig> = f.cmd !== undefined ? {} : image ?? {};
  const config: HealthConfig = {
    Test: test,
    Interval: f.interval === undefined ? base.Interval || HEALTH_DEFAULTS.intervalMs * NS_PER_MS
      : f.interval === 'disable' ? 0 : duration('health-interval', f.interval, 1000) * NS_PER_MS,
    Timeout: f.timeout === undefined ? base.Timeout || HEALTH_DEFAULTS.timeoutMs * NS_PER_MS : duration('health-timeout', f.timeout, 1000) * NS_PER_MS,
    Retries: f.retries === undefined ? base.Retries || HEALTH_DEFAULTS.retries : f.retries,
  };
  if (config.Retries! < 1) throw new InvalidInputError('--health-retries must be greater than 0', {hint: 'e.g. --health-retries 3'});
  const startPeriod = f.startPeriod === undefined ? base.StartPeriod ?? 0 : duration('health-start-period', f.startPeriod, 0) * NS_PER_MS;
  if (startPeriod > 0) config.StartPeriod = startPeriod;
  return {config, onFailure};
}

/** What a stored config means at run time (an image's zero fields take Docker's defaults). */
export function effectiveHealth(c: HealthConfig): EffectiveHealth {
  const argv = c.Test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', c.Test.slice(1).join(' ')] : c.Test.slice(1);
  return {
    argv,
    intervalMs: (c.Interval ?? HEALTH_DEFAULTS.intervalMs * NS_PER_MS) / NS_PER_MS,
    timeoutMs: (c.Timeout || HEALTH_DEFAULTS.timeoutMs * NS_PER_MS) / NS_PER_MS,
    startPeriodMs: (c.StartPeriod ?? 0) / NS_PER_MS,
    retries: c.Retries || HEALTH_DEFAULTS.retries,
  };
}

/** A duration as systemd reads it for --on-unit-inactive ("30s", "1500ms"). */
export function systemdSpan(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}
