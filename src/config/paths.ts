// Where burrow keeps things: the storage root (images, layers, containers) and the run root (pause pid,
// locks, runtime state). Resolution order: flag, then the user's storage.conf, then XDG defaults. Also owns
// the checks that those places are usable: runtime dir ownership and filesystems that cannot hold layers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError} from '../errors';

export interface HostIdentity {
  /** The user's uid on the host, even when this process runs inside burrow's user namespace. */
  uid: number;
  gid: number;
  rootless: boolean;
}

export interface PathInputs {
  env: NodeJS.ProcessEnv;
  identity: HostIdentity;
  home: string;
  /** --root / --runroot flags */
  rootFlag?: string;
  runrootFlag?: string;
  /** values read from storage.conf */
  conf?: {graphroot?: string; runroot?: string};
  stat?: (p: string) => fs.Stats | undefined;
}

export interface StoragePaths {
  root: string;
  runroot: string;
  configDir: string;
  /** Why each path was chosen, for `burrow info` and --log-level info. */
  notes: string[];
}

/** Identity of the host user. Inside burrow's namespace uid 0 is the user, so the host uid travels in the environment. */
export function hostIdentity(env: NodeJS.ProcessEnv = process.env): HostIdentity {
  const inner = env._BURROW_HOST_UID;
  if (inner !== undefined && process.geteuid!() === 0) {
    return {uid: Number(inner), gid: Number(env._BURROW_HOST_GID ?? inner), rootless: Number(inner) !== 0};
  }
  const uid = process.geteuid!();
  return {uid, gid: process.getegid!(), rootless: uid !== 0};
}

export function configDir(env: NodeJS.ProcessEnv, home: string, rootless: boolean): string {
  if (!rootless) return '/etc/burrow';
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'burrow');
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

export function resolvePaths(input: PathInputs): StoragePaths {
  const {env, identity, home} = input;
  const stat = input.stat ?? statOrUndefined;
  const notes: string[] = [];
  const cfgDir = configDir(env, home, identity.rootless);

  let root: string;
  if (input.rootFlag) {
    root = input.rootFlag;
    notes.push(`storage root ${root}: from --root`);
  } else if (input.conf?.graphroot) {
    root = input.conf.graphroot;
    notes.push(`storage root ${root}: from ${path.join(cfgDir, 'storage.conf')}`);
  } else if (!identity.rootless) {
    root = '/var/lib/burrow';
    notes.push(`storage root ${root}: default for root`);
  } else {
    root = path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'burrow');
    notes.push(`storage root ${root}: default (${env.XDG_DATA_HOME ? '$XDG_DATA_HOME' : '~/.local/share'}/burrow)`);
  }

  let runroot: string;
  if (input.runrootFlag) {
    runroot = input.runrootFlag;
    notes.push(`run root ${runroot}: from --runroot`);
  } else if (input.conf?.runroot) {
    runroot = input.conf.runroot;
    notes.push(`run root ${runroot}: from ${path.join(cfgDir, 'storage.conf')}`);
  } else if (!identity.rootless) {
    runroot = '/run/burrow';
    notes.push(`run root ${runroot}: default for root`);
  } else {
    runroot = path.join(userRuntimeDir(env, identity, stat, notes), 'burrow');
    if (runroot === path.join(env.XDG_RUNTIME_DIR ?? '', 'burrow')) notes.push(`run root ${runroot}: default ($XDG_RUNTIME_DIR/burrow)`);
  }
  return {root: path.resolve(root), runroot: path.resolve(runroot), configDir: cfgDir, notes};
}

/**
 * $XDG_RUNTIME_DIR when it is usable, else a private directory in /tmp. su, sudo -u, cron and ssh
 * without logind leave it unset or pointing at somebody else's directory; neither may be used.
 */
function userRuntimeDir(env: NodeJS.ProcessEnv, id: HostIdentity, stat: (p: string) => fs.Stats | undefined, notes: string[]): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg) {
    const st = stat(xdg);
    if (st && st.isDirectory() && ownedByUs(st.uid, id.uid, env)) return xdg;
    notes.push(`XDG_RUNTIME_DIR=${xdg} is ${st ? `owned by uid ${st.uid}, not you (${id.uid})` : 'missing'}; not using it`);
  } else {
    notes.push('XDG_RUNTIME_DIR is not set (su, sudo -u, cron or ssh without a login session)');
  }
  const fallback = path.join(os.tmpdir(), `burrow-run-${id.uid}`);
  notes.push(`using private runtime directory ${fallback}`);
  return fallback;
}

/**
 * Inside burrow's user namespace (`burrow unshare`, exit commands) the user's files show as owned by
 * the namespace's root, which is who we are there; the host uid is what they show outside.
 */
function ownedByUs(owner: number, hostUid: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const insideAs = env._BURROW_HOST_UID !== undefined && process.geteuid!() === 0 ? Number(env._BURROW_HOST_UID) : undefined;
  return owner === hostUid || (insideAs === hostUid && owner === 0);
}

/**
 * Creates a private (0700) directory owned by us, or checks an existing one. A directory in /tmp that
 * somebody else made first could be used to spy on or hijack our state, so it is refused.
 */
export function ensurePrivateDir(dir: string, uid: number): void {
  fs.mkdirSync(dir, {recursive: true, mode: 0o700});
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || !ownedByUs(st.uid, uid)) {
    throw new HostConfigError(`${dir} is not a directory owned by you (uid ${uid})`,
      {hint: `remove it or set XDG_RUNTIME_DIR (or --runroot) to a directory you own`});
  }
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** statfs magic numbers of filesystems that cannot hold overlay layers with subordinate ownership. */
const UNSUITABLE_FS: Record<number, string> = {
  0x6969: 'NFS',
  0xff534d42: 'CIFS',
  0xfe534d42: 'SMB2',
  0x517b: 'SMB',
  0x0bd00bd0: 'Lustre',
  0x47504653: 'GPFS',
  0x19830326: 'BeeGFS',
  0x5346414f: 'AFS',
  0x00c36400: 'CephFS',
  0xaad7aaea: 'PanFS',
  0x01021997: '9p',
};

export function unsuitableFilesystem(fsType: number): string | undefined {
  return UNSUITABLE_FS[fsType >>> 0];
}

/** Throws when the storage root sits on a network filesystem; checks the nearest existing ancestor. */
export function checkStorageFilesystem(root: string, statfs: (p: string) => {type: number} = fs.statfsSync): void {
  let probe = root;
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  const name = unsuitableFilesystem(statfs(probe).type);
  if (name) {
    throw new HostConfigError(`storage root ${root} is on ${name}, which cannot hold container layers (no overlay upper directory, no subordinate-uid ownership, no xattrs)`,
      {hint: `point storage at a local disk: set graphroot = "/local/path" under [storage] in ~/.config/burrow/storage.conf, or pass --root /local/path`});
  }
}
