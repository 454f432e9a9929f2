// A container's log driver and its options (--log-driver, --log-opt, containers.conf log_driver /
// log_size_max / log_tag), checked at create the way Podman takes them, and turned into conmon's
// arguments at start. k8s-file is conmon's "<time> <stream> <F|P> <text>" file that `logs` reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError} from '../errors';

export type LogDriver = 'k8s-file' | 'json-file' | 'none' | 'passthrough' | 'journald';

/** What container.json keeps (absent in records made before log drivers: k8s-file at the default path). */
export interface LogConfig {
  driver: LogDriver;
  /** --log-opt path=; otherwise the file is userdata/ctr.log */
  path?: string;
  /** bytes, from --log-opt max-size or log_size_max; conmon starts a new file past it */
  size?: number;
  /** --log-opt tag= (journald's SYSLOG_IDENTIFIER; shown by inspect) */
  tag?: string;
}

export interface LogDefaults {
  log_driver?: string;
  log_size_max?: number;
  log_tag?: string;
}

const DRIVERS: readonly LogDriver[] = ['k8s-file', 'json-file', 'none', 'passthrough', 'journald'];

/** Where the journal listens; without it conmon cannot log there (Podman fails at create alike). */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

export function resolveLogConfig(driverFlag: string | undefined, opts: readonly string[], defaults: LogDefaults, journalSocket = JOURNAL_SOCKET): LogConfig {
  const driver = (driverFlag ?? (defaults.log_driver || 'k8s-file')) as LogDriver;
  if (!DRIVERS.includes(driver)) {
    throw new InvalidInputError(`invalid log driver "${driver}"`, {hint: 'use k8s-file, the default, none, passthrough or journald'});
  }
  const cfg: LogConfig = {driver};
  if (defaults.log_size_max !== undefined && defaults.log_size_max > 0) cfg.size = defaults.log_size_max;
  if (defaults.log_tag) cfg.tag = defaults.log_tag;
  for (const o of opts) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`invalid log option "${o}"`, {hint: 'use --log-opt KEY=VALUE: max-size=10mb, path=FILE or tag=NAME'});
    const key = o.slice(0, eq).toLowerCase();
    const value = o.slice(eq + 1);
    if (key === 'max-size') {
      cfg.size = parseHumanSize(value);
    } else if (key === 'path') {
      cfg.path = checkLogPath(value);
    } else if (key === 'tag') {
      cfg.tag = value;
    } else {
      // Podman keeps unknown options without using them; so does burrow (nothing to apply them to).
    }
  }
  if (cfg.size !== undefined && cfg.size <= 0) delete cfg.size;
  if (driver === 'journald' && !fs.existsSync(journalSocket)) {
    throw new HostConfigError(`log driver journald: the systemd journal is not running on this host (${journalSocket} does not exist)`, {
      hint: 'use --log-driver k8s-file, the default, or change log_driver in containers.conf',
    });
  }
  if (driver === 'journald') {
    // conmon could write there, but `logs` would need a journal reader burrow does not have yet.
    throw new HostConfigError('log driver journald is not supported by burrow yet', {hint: 'use --log-driver k8s-file, the default, or passthrough'});
  }
  return cfg;
}

function checkLogPath(value: string): string {
  if (!value) throw new InvalidInputError('--log-opt path= needs a file name', {hint: 'e.g. --log-opt path=/tmp/web.log'});
  const abs = path.resolve(value);
  // conmon splits its -l argument at ':' (DRIVER:PATH), so such a path would be cut short.
  if (abs.includes(':')) throw new InvalidInputError(`log path "${abs}" contains ':', which conmon cannot take`, {hint: 'choose a path without a colon'});
  let st: fs.Stats;
  try {
    st = fs.statSync(path.dirname(abs));
  } catch {
    throw new InvalidInputError(`log path "${abs}": directory ${path.dirname(abs)} does not exist`, {hint: 'create the directory first'});
  }
  if (!st.isDirectory()) throw new InvalidInputError(`log path "${abs}": ${path.dirname(abs)} is not a directory`, {hint: 'choose a file in an existing directory'});
  return abs;
}

const SIZE_UNITS: Record<string, number> = {'': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15};

/** go-units FromHumanSize, as Podman reads max-size: decimal units, case-insensitive, "10mb" = "10MiB" = 10 000 000. */
export function parseHumanSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!m) throw new InvalidInputError(`invalid size: '${value}'`, {hint: 'use a number with an optional unit: 512k, 10mb, 1g'});
  return Math.floor(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()]);
}

/** The file conmon writes (k8s-file), given the default userdata/ctr.log. */
export function logFilePath(cfg: LogConfig | undefined, defaultPath: string): string {
  return cfg?.path ?? defaultPath;
}

/** conmon's log arguments: -l DRIVER:PATH, --log-size-max, --log-tag (journald only; conmon refuses it with k8s-file). */
export function conmonLogArgs(cfg: LogConfig | undefined, file: string): string[] {
  const driver = cfg?.driver === 'json-file' || !cfg ? 'k8s-file' : cfg.driver;
  const args = ['-l', `${driver}:${file}`];
  if (cfg?.size && driver === 'k8s-file') args.push('--log-size-max', String(cfg.size));
  if (cfg?.tag && driver === 'journald') args.push('--log-tag', cfg.tag);
  return args;
}

/** The drivers whose output `logs` cannot read, in Podman's words; undefined for a readable one. */
export function unreadableLogReason(cfg: LogConfig | undefined): string | undefined {
  const d = cfg?.driver;
  if (d === 'none' || d === 'passthrough') return `this container is using the '${d}' log driver, cannot read logs: this container is not logging output`;
  return undefined;
}
