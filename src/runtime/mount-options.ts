// -v/--volume and --tmpfs in Podman's syntax, turned into OCI mounts. Host-path binds and tmpfs only:
// a named volume is refused by name until volumes exist. Parsing is pure; `checkBindSources` looks at
// the host so a missing source is one clear line at create, not a runtime error at start.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../errors';

export interface ContainerMount {
  type: 'bind' | 'tmpfs';
  source: string;
  destination: string;
  options: string[];
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'unbindable', 'runbindable'];
const PASSED = ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', ...PROPAGATION];

function bad(value: string, why: string): InvalidInputError {
  return new InvalidInputError(`invalid -v "${value}": ${why}`, {hint: 'use -v /host/path:/container/path[:ro|rw|z|Z]'});
}

/** One -v value: HOST-PATH:CONTAINER-PATH[:OPTIONS]. */
export function parseVolume(value: string, cwd = process.cwd()): ContainerMount {
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3) throw bad(value, 'expected HOST:CONTAINER[:OPTIONS]');
  const [src, dest, opts = ''] = parts;
  if (src === '') throw bad(value, 'the host path is empty');
  if (!src.startsWith('/') && !src.startsWith('.')) {
    throw new InvalidInputError(`-v ${value}: named volumes are not supported yet`, {hint: 'bind a host directory instead: -v /path/on/host:' + (dest || '/data')});
  }
  if (!dest.startsWith('/')) throw bad(value, `the container path "${dest}" must be absolute`);
  const options: string[] = [];
  let bindKind = 'rbind';
  for (const o of opts === '' ? [] : opts.split(',')) {
    if (o === 'z' || o === 'Z') continue; // SELinux relabelling: nothing to do without SELinux
    if (o === 'bind' || o === 'rbind') bindKind = o;
    else if (PASSED.includes(o)) options.push(o);
    else if (o === 'U' || o === 'O' || o === 'idmap') throw new InvalidInputError(`-v ${value}: option ${o} is not supported yet`, {hint: 'drop the option'});
    else throw bad(value, `unknown option "${o}"`);
  }
  if (options.includes('ro') && options.includes('rw')) throw bad(value, 'ro and rw together');
  if (!options.some((o) => PROPAGATION.includes(o))) options.push('rprivate');
  return {type: 'bind', source: path.resolve(cwd, src), destination: path.posix.normalize(dest), options: [bindKind, ...options]};
}

/** --tmpfs CONTAINER-PATH[:OPTIONS] (Podman's defaults: rw,noexec,nosuid,nodev). */
export function parseTmpfs(value: string): ContainerMount {
  const colon = value.indexOf(':');
  const dest = colon < 0 ? value : value.slice(0, colon);
  const opts = colon < 0 ? '' : value.slice(colon + 1);
  if (!dest.startsWith('/')) throw new InvalidInputError(`invalid --tmpfs "${value}": the path must be absolute`, {hint: 'use --tmpfs /path[:size=64m,mode=1777]'});
  const options = opts === '' ? ['rw', 'noexec', 'nosuid', 'nodev'] : opts.split(',');
  for (const o of options) {
    if (!/^[a-z]+(=[\w.%-]+)?$/.test(o)) throw new InvalidInputError(`invalid --tmpfs option "${o}"`, {hint: 'options look like size=64m,mode=1777,noexec'});
  }
  return {type: 'tmpfs', source: 'tmpfs', destination: path.posix.normalize(dest), options};
}

/** Every mount, checked: one mount per destination; bind sources exist. */
export function parseMounts(volumes: readonly string[], tmpfs: readonly string[], cwd = process.cwd()): ContainerMount[] {
  const list = [...volumes.map((v) => parseVolume(v, cwd)), ...tmpfs.map(parseTmpfs)];
  const seen = new Set<string>();
  for (const m of list) {
    if (seen.has(m.destination)) throw new InvalidInputError(`${m.destination} is mounted twice`, {hint: 'give each container path one -v or --tmpfs'});
    seen.add(m.destination);
  }
  return list;
}

export function checkBindSources(mounts: readonly ContainerMount[]): void {
  for (const m of mounts) {
    if (m.type !== 'bind') continue;
    try {
      fs.statSync(m.source);
    } catch (e) {
      throw new InvalidInputError(`-v ${m.source}:${m.destination}: ${m.source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
        {hint: `create it first (mkdir -p ${m.source}) or fix the path`});
    }
  }
}
