// The single place where burrow starts child processes. Every argv is logged under --log-level debug,
// stderr is captured, and a failure becomes a ProcessError that names the command and what it said.
import {spawn, type SpawnOptions, type ChildProcess} from 'node:child_process';
import {ProcessError} from '../errors';
import {log} from '../log';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Bytes written to the child's stdin. */
  input?: string | Buffer;
  /** Exit statuses that are not failures (default [0]). */
  okStatuses?: number[];
  /** A hint attached to the error when the command fails. */
  hint?: string;
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  /**
   * The command forks a daemon that inherits its stdout/stderr (pasta, aardvark-dns): finish when the
   * command itself exits instead of waiting for pipes the daemon keeps open.
   */
  daemonizes?: boolean;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

function describe(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs a command to completion, capturing its output. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  log.debug(`exec: ${describe(argv)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      reject(new ProcessError(missing ? `${argv[0]}: command not found` : `${argv[0]}: ${e.message}`, argv, '', null,
        missing ? `install the package that provides ${argv[0]}` : opts.hint));
    });
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      const status = code ?? 128 + signalNumber(signal);
      if ((opts.okStatuses ?? [0]).includes(status)) return resolve({status, stdout, stderr});
      reject(failure(argv, status, signal, stderr, opts.hint));
    };
    child.on('close', finish);
    if (opts.daemonizes) {
      child.on('exit', (code, signal) => setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(code, signal);
      }, 5));
    }
  });
}

/** Starts a long-lived or streaming child; the caller owns its lifetime. The argv is logged the same way. */
export function start(argv: readonly string[], opts: SpawnOptions): ChildProcess {
  log.debug(`exec: ${describe(argv)}`);
  return spawn(argv[0], argv.slice(1), opts);
}

export function failure(argv: readonly string[], status: number | null, signal: NodeJS.Signals | null, stderr: string, hint?: string): ProcessError {
  const said = lastLines(stderr);
  const how = signal ? `killed by ${signal}` : `exit status ${status}`;
  return new ProcessError(`${describe(argv.slice(0, 3))}${argv.length > 3 ? ' …' : ''} failed (${how})${said ? `: ${said}` : ''}`, argv, stderr, status, hint);
}

function lastLines(s: string): string {
  return s.trim().split('\n').filter(Boolean).slice(-3).join('; ');
}

function signalNumber(signal: NodeJS.Signals | null): number {
  if (!signal) return 0;
  const n = (require('node:os') as typeof import('node:os')).constants.signals[signal];
  return typeof n === 'number' ? n : 0;
}
