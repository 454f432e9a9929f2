// The one logger: leveled lines on stderr. The level comes from --log-level (set by the CLI) or the
// BURROW_LOG_LEVEL environment variable so that children burrow starts (exit commands) inherit it.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = {debug: 0, info: 1, warn: 2, error: 3};

let current: LogLevel = parseLevel(process.env.BURROW_LOG_LEVEL) ?? 'warn';

export function parseLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'warning') return 'warn';
  if (v === 'fatal' || v === 'panic') return 'error';
  if (v === 'trace') return 'debug';
  return v in order ? (v as LogLevel) : undefined;
}

export function setLogLevel(level: LogLevel): void {
  current = level;
  process.env.BURROW_LOG_LEVEL = level;
}

export function logLevel(): LogLevel {
  return current;
}

export function enabled(level: LogLevel): boolean {
  return order[level] >= order[current];
}

function emit(level: LogLevel, msg: string): void {
  if (!enabled(level)) return;
  process.stderr.write(`time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}\n`);
}

export const log = {
  debug: (msg: string) => emit('debug', msg),
  info: (msg: string) => emit('info', msg),
  warn: (msg: string) => emit('warn', msg),
  error: (msg: string) => emit('error', msg),
};
