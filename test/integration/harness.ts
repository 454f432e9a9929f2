// Shared set-up for integration tests: a private storage root for the run (through XDG_DATA_HOME, so
// the default path logic is what gets exercised), the demo image built from the host's busybox, and
// `burrow(...)` that runs the real CLI as the current (unprivileged) user.
import {spawn, spawnSync, type SpawnSyncReturns} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repo = path.resolve(__dirname, '../../..');
export const bin = path.join(repo, 'bin', 'burrow');
export const work = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-it-'));
export const dataHome = path.join(work, 'data');
export const storageRoot = path.join(dataHome, 'burrow');

if (!process.env.XDG_RUNTIME_DIR) {
  const dir = path.join(os.tmpdir(), `burrow-it-run-${process.getuid!()}`);
  fs.mkdirSync(dir, {recursive: true, mode: 0o700});
  process.env.XDG_RUNTIME_DIR = dir;
}
export const runRoot = path.join(process.env.XDG_RUNTIME_DIR!, `burrow-it-${path.basename(work)}`);

export const env: NodeJS.ProcessEnv = {...process.env, XDG_DATA_HOME: dataHome, BURROW_LOG_LEVEL: 'warn'};

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs burrow with the test's run root; extra env merges over the defaults. */
export function burrow(args: string[], opts: {env?: NodeJS.ProcessEnv; input?: string; timeout?: number; runroot?: string | null} = {}): Result {
  const rr = opts.runroot === null ? [] : ['--runroot', opts.runroot ?? runRoot];
  const r: SpawnSyncReturns<string> = spawnSync(bin, [...rr, ...args], {
    env: {...env, ...opts.env}, input: opts.input, encoding: 'utf8', timeout: opts.timeout ?? 60_000,
  });
  if (r.error) throw r.error;
  return {status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr};
}

/** Same, asynchronously, for tests that run many at once. */
export function burrowAsync(args: string[], opts: {env?: NodeJS.ProcessEnv} = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--runroot', runRoot, ...args], {env: {...env, ...opts.env}});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({status: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr}));
  });
}

/** Asserts success and returns stdout. */
export function ok(args: string[], opts: Parameters<typeof burrow>[1] = {}): string {
  const r = burrow(args, opts);
  if (r.status !== 0) throw new Error(`burrow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** This user's first subordinate uid range, as /etc/subuid gives it. */
export function subuidRange(): {start: number; count: number} {
  const me = os.userInfo();
  const line = fs.readFileSync('/etc/subuid', 'utf8').split('\n').find((l) => l.startsWith(`${me.username}:`) || l.startsWith(`${me.uid}:`));
  if (!line) throw new Error(`${me.username} has no /etc/subuid range: integration tests need one`);
  const [, start, count] = line.split(':');
  return {start: Number(start), count: Number(count)};
}

export function pausePid(): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(runRoot, 'pause.json'), 'utf8')) as {pid: number}).pid;
  } catch {
    return undefined;
  }
}

/** Mount points under the storage root, as the pause process's mount namespace sees them. */
export function storageMounts(): string[] {
  const pid = pausePid();
  if (!pid) return [];
  return fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(storageRoot));
}

/** Files or directories that look like locks anywhere in the storage or run root. */
export function lockFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, {withFileTypes: true});
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.name.endsWith('.lock')) out.push(p);
      else if (e.isDirectory() && depth < 3 && !e.isSymbolicLink()) walk(p, depth + 1);
    }
  };
  walk(storageRoot, 0);
  walk(runRoot, 0);
  return out;
}

export const demoTarball = path.join(work, 'demo.tar');

let imported = false;
/** Builds and imports localhost/demo once per run. */
export function ensureDemoImage(): void {
  if (imported) return;
  if (!fs.existsSync(demoTarball)) {
    const r = spawnSync(path.join(repo, 'scripts', 'make-demo-rootfs.sh'), [demoTarball], {encoding: 'utf8'});
    if (r.status !== 0) throw new Error(`make-demo-rootfs failed: ${r.stderr}`);
  }
  ok(['import', '--change', 'CMD=["/usr/bin/demo"]', demoTarball, 'localhost/demo']);
  imported = true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `fn` returns true or the time is up. */
export async function until(fn: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (fn()) return true;
    await sleep(50);
  }
  return fn();
}

/** Ends the run's pause process and removes its storage (mocha root hook). */
export function teardown(): void {
  burrow(['rm', '-a', '-f']);
  const pid = pausePid();
  burrow(['unshare', 'rm', '-rf', storageRoot]);
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(work, {recursive: true, force: true});
  fs.rmSync(runRoot, {recursive: true, force: true});
}
