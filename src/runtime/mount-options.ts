// -v/--volume, --mount, --tmpfs and --volumes-from in Podman's syntax, turned into the container's mount
// list. Parsing is pure: a volume is named here and created (or found) at create, a host path is checked
// by `checkBindSources`, and everything is resolved to host paths only at start (see volume/mount-setup).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../errors';

export interface ContainerMount {
  type: 'bind' | 'tmpfs' | 'volume' | 'image';
  /** bind: host path; volume: volume name ('' until an anonymous one is named); image: image id; tmpfs: "tmpfs" */
  source: string;
  destination: string;
  /** OCI mount options (ro, rbind, rprivate, nosuid…); U, O, z, Z and copy flags are kept apart */
  options: string[];
  /** a volume without a name (-v /path, --mount type=volume without src, an image VOLUME): goes with rm -v / --rm */
  anonymous?: boolean;
  /** U: chown the source to the container's user at each start */
  chown?: boolean;
  /** O: the source is the lower layer of a per-container overlay; changes are discarded */
  overlay?: boolean;
  /** nocopy: a new volume does not receive the image's content at its mount point */
  noCopy?: boolean;
  /** image: the name the user gave */
  imageName?: string;
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'unbindable', 'runbindable'];
const PASSED = ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', ...PROPAGATION];
export const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function bad(flag: string, value: string, why: string, hint = 'use -v /host/path:/container/path[:OPTIONS], -v NAME:/container/path[:OPTIONS] or -v /container/path'): InvalidInputError {
  return new InvalidInputError(`invalid ${flag} "${value}": ${why}`, {hint});
}

function checkDestination(flag: string, value: string, dest: string): string {
  if (!dest.startsWith('/')) throw bad(flag, value, `the container path "${dest}" must be absolute`);
  return cleanPath(dest);
}

/** "/a//b/../c/" → "/a/c" */
function cleanPath(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** Podman's defaults for a volume: nosuid and nodev unless suid/dev are asked for. */
function volumeDefaults(options: string[]): string[] {
  const out = [...options];
  if (!out.includes('suid')) out.push('nosuid');
  if (!out.includes('dev')) out.push('nodev');
  return out.filter((o) => o !== 'suid' && o !== 'dev');
}

function finishOptions(flag: string, value: string, options: string[], bindKind: string): string[] {
  if (options.includes('ro') && options.includes('rw')) throw bad(flag, value, 'ro and rw together');
  if (!options.some((o) => PROPAGATION.includes(o))) options.push('rprivate');
  return [bindKind, ...options];
}

/** One -v value: HOST-PATH:CTR-PATH[:OPTIONS], NAME:CTR-PATH[:OPTIONS] or CTR-PATH (an anonymous volume). */
export function parseVolume(value: string, cwd = process.cwd()): ContainerMount {
  const parts = value.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw bad('-v', value, 'expected SOURCE:CONTAINER-PATH[:OPTIONS] or CONTAINER-PATH');
  if (parts.length === 1) {
    return {type: 'volume', source: '', destination: checkDestination('-v', value, parts[0]), options: finishOptions('-v', value, volumeDefaults([]), 'rbind'), anonymous: true};
  }
  const [src, dest, opts = ''] = parts;
  const isPath = src.startsWith('/') || src.startsWith('.');
  if (!isPath && !VOLUME_NAME_RE.test(src)) throw bad('-v', value, `"${src}" is neither a host path nor a volume name`, 'volume names match [a-zA-Z0-9][a-zA-Z0-9_.-]*; host paths start with / or .');
  const destination = checkDestination('-v', value, dest);
  const m: ContainerMount = {type: isPath ? 'bind' : 'volume', source: isPath ? path.resolve(cwd, src) : src, destination, options: []};
  const options: string[] = [];
  let bindKind = 'rbind';
  for (const o of opts === '' ? [] : opts.split(',')) {
    if (o === 'z' || o === 'Z') continue; // SELinux relabelling: nothing to do without SELinux
    if (o === 'bind' || o === 'rbind') bindKind = o;
    else if (PASSED.includes(o)) options.push(o);
    else if (o === 'U') m.chown = true;
    else if (o === 'O') m.overlay = true;
    else if (o === 'nocopy') m.noCopy = true;
    else if (o === 'copy') m.noCopy = false;
    else if (o === 'idmap' || o.startsWith('idmap=')) throw new InvalidInputError(`-v ${value}: option idmap is not supported`, {hint: 'use U to give the source to the container\'s user'});
    else throw bad('-v', value, `unknown option "${o}"`);
  }
  if (m.overlay && options.includes('ro')) throw bad('-v', value, 'O and ro together', 'an overlay is writable by design; drop one of them');
  m.options = finishOptions('-v', value, m.type === 'volume' ? volumeDefaults(options) : options, bindKind);
  if (m.noCopy === undefined) delete m.noCopy;
  return m;
}

/** --tmpfs CONTAINER-PATH[:OPTIONS] (Podman's defaults: rw,noexec,nosuid,nodev). */
export function parseTmpfs(value: string): ContainerMount {
  const colon = value.indexOf(':');
  const dest = colon < 0 ? value : value.slice(0, colon);
  const opts = colon < 0 ? '' : value.slice(colon + 1);
  if (!dest.startsWith('/')) throw new InvalidInputError(`invalid --tmpfs "${value}": the path must be absolute`, {hint: 'use --tmpfs /path[:size=64m,mode=1777]'});
  const options = opts === '' ? ['rw', 'noexec', 'nosuid', 'nodev'] : opts.split(',');
  for (const o of options) checkTmpfsOption(o);
  return {type: 'tmpfs', source: 'tmpfs', destination: cleanPath(dest), options};
}

function checkTmpfsOption(o: string): void {
  if (!/^[a-z]+(=[\w.%-]+)?$/.test(o)) throw new InvalidInputError(`invalid tmpfs option "${o}"`, {hint: 'options look like size=64m,mode=1777,noexec'});
}

const MOUNT_HINT = 'use --mount type=bind|volume|tmpfs|image,source=SRC,target=/PATH[,ro]';

/** --mount type=bind|volume|tmpfs|image,source=…,target=…[,ro|readonly][,…] as Podman takes it. */
export function parseMountFlag(value: string, cwd = process.cwd()): ContainerMount {
  const fields = new Map<string, string | undefined>();
  for (const part of value.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    fields.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? undefined : part.slice(eq + 1));
  }
  const type = fields.get('type') ?? 'volume';
  fields.delete('type');
  if (!['bind', 'volume', 'tmpfs', 'image'].includes(type)) throw bad('--mount', value, `unknown type "${type}"`, MOUNT_HINT);
  let source: string | undefined;
  let target: string | undefined;
  const options: string[] = [];
  const m: ContainerMount = {type: type as ContainerMount['type'], source: '', destination: '', options: []};
  let bindKind = 'rbind';
  let readOnly: boolean | undefined;
  const bool = (k: string, v: string | undefined) => {
    if (v === undefined || v === 'true') return true;
    if (v === 'false') return false;
    throw bad('--mount', value, `${k} takes true or false`, MOUNT_HINT);
  };
  for (const [k, v] of fields) {
    switch (k) {
      case 'source': case 'src':
        source = v;
        break;
      case 'target': case 'dst': case 'destination':
        target = v;
        break;
      case 'ro': case 'readonly':
        readOnly = bool(k, v);
        break;
      case 'rw':
        readOnly = !bool(k, v);
        break;
      case 'bind-propagation':
        if (!v || !PROPAGATION.includes(v)) throw bad('--mount', value, `bind-propagation must be one of ${PROPAGATION.join(', ')}`, MOUNT_HINT);
        options.push(v);
        break;
      case 'bind-nonrecursive':
        if (bool(k, v)) bindKind = 'bind';
        break;
      case 'relabel': case 'z': case 'Z':
        break;
      case 'U': case 'chown':
        m.chown = bool(k, v);
        break;
      case 'volume-nocopy': case 'nocopy':
        m.noCopy = bool(k, v);
        break;
      case 'suid': case 'nosuid': case 'dev': case 'nodev': case 'exec': case 'noexec':
        if (v === undefined || v === 'true') options.push(k);
        break;
      case 'tmpfs-size':
        if (!v || !/^\d+[kmgKMG]?$/.test(v)) throw bad('--mount', value, 'tmpfs-size takes a size such as 64m', MOUNT_HINT);
        options.push(`size=${v}`);
        break;
      case 'tmpfs-mode':
        if (!v || !/^[0-7]{3,4}$/.test(v)) throw bad('--mount', value, 'tmpfs-mode takes an octal mode such as 1777', MOUNT_HINT);
        options.push(`mode=${v}`);
        break;
      default:
        throw bad('--mount', value, `unknown option "${k}"`, MOUNT_HINT);
    }
  }
  if (target === undefined) throw bad('--mount', value, 'target= is required', MOUNT_HINT);
  m.destination = checkDestination('--mount', value, target);
  if (readOnly !== undefined) options.push(readOnly ? 'ro' : 'rw');
  if (type === 'tmpfs') {
    if (source) throw bad('--mount', value, 'a tmpfs has no source', MOUNT_HINT);
    for (const o of options) checkTmpfsOption(o);
    return {type: 'tmpfs', source: 'tmpfs', destination: m.destination, options: options.some((o) => ['rw', 'ro'].includes(o)) ? options : ['rw', 'noexec', 'nosuid', 'nodev', ...options]};
  }
  if (options.some((o) => /^(size|mode)=/.test(o))) throw bad('--mount', value, 'tmpfs-size and tmpfs-mode are for type=tmpfs', MOUNT_HINT);
  if (type === 'image') {
    if (!source) throw bad('--mount', value, 'type=image needs source=IMAGE', MOUNT_HINT);
    if (readOnly === false) throw bad('--mount', value, 'an image mount is read-only', 'drop rw');
    return {type: 'image', source, destination: m.destination, options: ['rbind', 'ro', 'rprivate', 'nosuid', 'nodev'], imageName: source};
  }
  if (type === 'bind') {
    if (!source) throw bad('--mount', value, 'type=bind needs source=/HOST/PATH', MOUNT_HINT);
    m.source = path.resolve(cwd, source);
    m.options = finishOptions('--mount', value, options, bindKind);
    return clean(m);
  }
  if (source !== undefined && source !== '') {
    if (source.startsWith('/') || !VOLUME_NAME_RE.test(source)) throw bad('--mount', value, `"${source}" is not a volume name`, 'use type=bind for host paths');
    m.source = source;
  } else {
    m.anonymous = true;
  }
  m.options = finishOptions('--mount', value, volumeDefaults(options), bindKind);
  return clean(m);
}

function clean(m: ContainerMount): ContainerMount {
  for (const k of ['chown', 'noCopy', 'anonymous'] as const) if (m[k] === undefined) delete m[k];
  return m;
}

/** --volumes-from CONTAINER[:ro|rw] (also :z/:Z, accepted). */
export function parseVolumesFrom(value: string): {container: string; mode?: 'ro' | 'rw'} {
  const [container, opts = '', ...rest] = value.split(':');
  if (!container || rest.length > 0) throw new InvalidInputError(`invalid --volumes-from "${value}"`, {hint: 'use --volumes-from CONTAINER[:ro|rw]'});
  let mode: 'ro' | 'rw' | undefined;
  for (const o of opts === '' ? [] : opts.split(',')) {
    if (o === 'ro' || o === 'rw') mode = o;
    else if (o !== 'z' && o !== 'Z') throw new InvalidInputError(`invalid --volumes-from option "${o}"`, {hint: 'use ro or rw'});
  }
  return {container, mode};
}

/** A mount taken from another container (--volumes-from), with :ro/:rw applied. */
export function inheritedMount(m: ContainerMount, mode?: 'ro' | 'rw'): ContainerMount {
  const options = m.options.filter((o) => o !== 'ro' && o !== 'rw');
  if (mode === 'ro' || (mode === undefined && m.options.includes('ro'))) options.splice(1, 0, 'ro');
  return {...m, options};
}

/** Every mount the flags ask for, checked: one mount per destination. */
export function parseMounts(volumes: readonly string[], tmpfs: readonly string[], mountFlags: readonly string[] = [], cwd = process.cwd()): ContainerMount[] {
  const list = [...volumes.map((v) => parseVolume(v, cwd)), ...mountFlags.map((v) => parseMountFlag(v, cwd)), ...tmpfs.map(parseTmpfs)];
  const seen = new Set<string>();
  for (const m of list) {
    if (seen.has(m.destination)) throw new InvalidInputError(`${m.destination} is mounted twice`, {hint: 'give each container path one -v, --mount or --tmpfs'});
    seen.add(m.destination);
  }
  return list;
}

/** Mounts that apply under the user's own: those at a destination already taken are dropped. */
export function addUncovered(list: ContainerMount[], extra: readonly ContainerMount[]): ContainerMount[] {
  const taken = new Set(list.map((m) => m.destination));
  const out = [...list];
  for (const m of extra) {
    if (taken.has(m.destination)) continue;
    taken.add(m.destination);
    out.push(m);
  }
  return out;
}

/** An image's VOLUME entries as anonymous volumes (Podman's --image-volume=anonymous default). */
export function imageVolumeMounts(volumes: Record<string, object> | undefined): ContainerMount[] {
  return Object.keys(volumes ?? {}).filter((d) => d.startsWith('/')).map((d) => ({
    type: 'volume', source: '', destination: cleanPath(d), options: ['rbind', 'nosuid', 'nodev', 'rprivate'], anonymous: true,
  }));
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
    if (m.overlay && !fs.statSync(m.source).isDirectory()) {
      throw new InvalidInputError(`-v ${m.source}:${m.destination}:O: the source must be a directory`, {hint: 'O overlays a directory; bind a file without O'});
    }
  }
}
