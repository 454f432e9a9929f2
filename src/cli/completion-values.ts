// Live names for shell completion: `burrow __complete KIND [--root DIR] [--runroot DIR]` prints one name
// per line. Read straight from storage (name symlinks, state files, conmon's exit files): no engine, no
// user namespace, no lock and no writes, because it runs on every TAB and must answer at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {configDir, hostIdentity, resolvePaths} from '../config/paths';
import {readStorageConf} from '../config/storage-conf';
import {isRunning, observedState} from '../runtime/container-state';
import type {ContainerConfig, ContainerState} from '../storage/container-store';

export const COMPLETION_KINDS = ['containers', 'running', 'stopped', 'images', 'volumes', 'networks', 'pods'] as const;
export type CompletionKind = (typeof COMPLETION_KINDS)[number];

interface Roots {
  root: string;
  runroot: string;
}

/** Entries of a names/ directory, decoded, with what they point at. */
function namesIn(dir: string): {name: string; target: string}[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: {name: string; target: string}[] = [];
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    try {
      out.push({name: decodeURIComponent(e), target: fs.readlinkSync(path.join(dir, e))});
    } catch {
      // removed meanwhile, or not a name
    }
  }
  return out;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function containerNames(r: Roots, want: (running: boolean) => boolean): string[] {
  const dir = path.join(r.root, 'containers');
  const exitDir = path.join(r.runroot, 'exits');
  const out: string[] = [];
  for (const {name, target: id} of namesIn(path.join(dir, 'names'))) {
    const state = readJson<ContainerState>(path.join(dir, id, 'state.json'));
    if (!state) continue;
    const running = isRunning(observedState({config: {id} as ContainerConfig, state}, exitDir));
    if (want(running)) out.push(name);
  }
  return out;
}

function listDir(dir: string, keep: (entry: string) => string | undefined): string[] {
  try {
    return fs.readdirSync(dir).map(keep).filter((n): n is string => n !== undefined);
  } catch {
    return [];
  }
}

export function completionValues(kind: CompletionKind, r: Roots): string[] {
  switch (kind) {
    case 'containers':
      return containerNames(r, () => true);
    case 'running':
      return containerNames(r, (running) => running);
    case 'stopped':
      return containerNames(r, (running) => !running);
    case 'images':
      return namesIn(path.join(r.root, 'images', 'names')).map((n) => n.name);
    case 'volumes':
      return listDir(path.join(r.root, 'volumes'), (e) => (e.startsWith('.') ? undefined : e));
    case 'networks': {
      const defined = listDir(path.join(r.root, 'networks'), (e) => (e.endsWith('.json') && !e.startsWith('.') ? e.slice(0, -5) : undefined));
      return [...new Set(['podman', ...defined])];
    }
    case 'pods':
      return [];
  }
}

/** Entry from bin/burrow: never fails loudly, since a completion error would land on the user's prompt. */
export function main(argv: string[]): void {
  let root: string | undefined;
  let runroot: string | undefined;
  let kind: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root' || a === '--runroot') {
      if (a === '--root') root = argv[++i];
      else runroot = argv[++i];
    } else if (a.startsWith('--root=')) {
      root = a.slice(7);
    } else if (a.startsWith('--runroot=')) {
      runroot = a.slice(10);
    } else {
      kind = a;
    }
  }
  if (!(COMPLETION_KINDS as readonly string[]).includes(kind ?? '')) {
    process.stderr.write(`usage: burrow __complete ${COMPLETION_KINDS.join('|')} [--root DIR] [--runroot DIR]\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const env = process.env;
    const identity = hostIdentity(env);
    const home = env.HOME || os.homedir();
    const paths = resolvePaths({env, identity, home, rootFlag: root, runrootFlag: runroot, conf: readStorageConf(configDir(env, home, identity.rootless))});
    const names = completionValues(kind as CompletionKind, paths).sort();
    if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // nothing to offer
  }
}
