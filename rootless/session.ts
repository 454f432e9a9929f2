// The rootless session: one long-lived pause process per user holds a user namespace (0 → the user,
// 1..N → the subordinate ranges) and a mount namespace. Work that needs "root" runs inside it through
// nsenter, because Node itself cannot join a user namespace (it is multi-threaded).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {HostConfigError} from '../src/errors';
import {log} from '../src/log';
import * as runner from '../src/process/runner';
import {readJson, writeJsonAtomic} from '../src/storage/atomic-file';
import {withLock} from '../src/storage/lock';
import {buildIdMap, idMapArgs, parseSubIds, type IdMapEntry, type SubIdRange} from './subid';
import type {PrivilegedExec} from './privileged';
import {bootId, isAlive, namespaceOf, processEnvironHas, processStartTime} from './proc';

export interface PauseRecord {
  pid: number;
  startTime: string;
  bootId: string;
  token: string;
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
}

export interface SessionUser {
  name: string;
  uid: number;
  gid: number;
}

export interface IdMappings {
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
  /** Set when the user has no subordinate ranges and only their own id is mapped. */
  singleIdWarning?: string;
}

const PAUSE_MARK = '_BURROW_PAUSE';

export function readMappings(user: SessionUser, files = {subuid: '/etc/subuid', subgid: '/etc/subgid'}): IdMappings {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const owner = (id: number) => ({name: user.name, id});
  const uidRanges: SubIdRange[] = parseSubIds(read(files.subuid), owner(user.uid), files.subuid);
  const gidRanges: SubIdRange[] = parseSubIds(read(files.subgid), {name: user.name, id: user.gid, uid: user.uid}, files.subgid);
  const result: IdMappings = {uidMap: buildIdMap(user.uid, uidRanges), gidMap: buildIdMap(user.gid, gidRanges)};
  if (uidRanges.length === 0 || gidRanges.length === 0) {
    const missing = [uidRanges.length === 0 ? files.subuid : '', gidRanges.length === 0 ? files.subgid : ''].filter(Boolean).join(' and ');
    result.singleIdWarning = `no subordinate ids for ${user.name} in ${missing}: only your own id is mapped (as root); ` +
      `images with files owned by other users and commands that switch user will fail; ` +
      `ask an administrator to run: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}`;
    if (uidRanges.length === 0) result.uidMap = buildIdMap(user.uid, []);
    if (gidRanges.length === 0) result.gidMap = buildIdMap(user.gid, []);
  }
  return result;
}

export class RootlessSession implements PrivilegedExec {
  readonly rootless = true;
  private record?: PauseRecord;
  private readonly pidFile: string;

  constructor(
    private readonly runroot: string,
    private readonly user: SessionUser,
    private readonly mappings: () => IdMappings,
  ) {
    this.pidFile = path.join(runroot, 'pause.json');
  }

  /** True when this process already runs inside burrow's namespace (exit commands, `burrow unshare`). */
  static inside(env: NodeJS.ProcessEnv = process.env): boolean {
    return env._BURROW_PAUSE_PID !== undefined && process.geteuid!() === 0 && namespaceOf('self', 'user') === namespaceOf(Number(env._BURROW_PAUSE_PID), 'user');
  }

  /** The pause process, started under a lock if it is missing or the pid file lies. */
  async ensure(): Promise<PauseRecord> {
    if (this.record) return this.record;
    const existing = this.valid(readJson<PauseRecord>(this.pidFile));
    if (existing) return (this.record = existing);
    return withLock(path.join(this.runroot, 'pause'), async () => {
      const again = this.valid(readJson<PauseRecord>(this.pidFile));
      if (again) return (this.record = again);
      this.record = await this.startPause();
      writeJsonAtomic(this.pidFile, this.record, 0o600);
      return this.record;
    }, 'pause process');
  }

  /** Reads the pid file without starting anything (for `info`). */
  current(): PauseRecord | undefined {
    return this.valid(readJson<PauseRecord>(this.pidFile));
  }

  /** argv prefixed so that it runs inside the namespace. */
  async wrap(argv: readonly string[]): Promise<string[]> {
    if (RootlessSession.inside()) return [...argv];
    const rec = await this.ensure();
    return ['nsenter', '-t', String(rec.pid), '-U', '-m', '--preserve-credentials', ...argv];
  }

  /** Environment for processes started inside the namespace, so a burrow they start knows where it is. */
  childEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const pid = this.record?.pid ?? base._BURROW_PAUSE_PID;
    return {...base, _BURROW_HOST_UID: String(this.user.uid), _BURROW_HOST_GID: String(this.user.gid), _BURROW_PAUSE_PID: String(pid)};
  }

  async run(argv: readonly string[], opts: runner.RunOptions = {}): Promise<runner.RunResult> {
    const full = await this.wrap(argv);
    return runner.run(full, {...opts, env: this.childEnv(opts.env)});
  }

  async mountInfoPid(): Promise<number | 'self'> {
    if (RootlessSession.inside()) return 'self';
    return (await this.ensure()).pid;
  }

  /** Ends the pause process (system migrate); the next command starts a fresh one with the current ranges. */
  async stop(): Promise<number | undefined> {
    return withLock(path.join(this.runroot, 'pause'), () => {
      const rec = this.valid(readJson<PauseRecord>(this.pidFile));
      fs.rmSync(this.pidFile, {force: true});
      this.record = undefined;
      if (!rec) return undefined;
      try {
        process.kill(rec.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      return rec.pid;
    }, 'pause process');
  }

  /** A pid file can lie after a reboot or pid reuse: trust it only if the boot, start time and marker match. */
  private valid(rec: PauseRecord | undefined): PauseRecord | undefined {
    if (!rec || typeof rec.pid !== 'number') return undefined;
    if (rec.bootId !== bootId()) return undefined;
    if (processStartTime(rec.pid) !== rec.startTime) return undefined;
    if (!processEnvironHas(rec.pid, `${PAUSE_MARK}=${rec.token}`)) return undefined;
    return rec;
  }

  private async startPause(): Promise<PauseRecord> {
    const maps = this.mappings();
    if (maps.singleIdWarning) log.warn(maps.singleIdWarning);
    const token = randomBytes(12).toString('hex');
    const child = runner.start(['unshare', '--user', '--mount', '--propagation', 'private', 'sleep', 'infinity'], {
      detached: true,
      stdio: 'ignore',
      env: {PATH: process.env.PATH ?? '/usr/bin:/bin', [PAUSE_MARK]: token},
      cwd: '/',
    });
    const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new HostConfigError(`cannot start the pause process: ${e.message}`, {hint: 'install util-linux (unshare, nsenter)'}))));
    spawnError.catch(() => undefined);
    const pid = child.pid;
    if (pid === undefined) await spawnError;
    child.unref();
    try {
      await Promise.race([this.waitForNewNamespace(pid!), spawnError]);
      await this.writeMaps(pid!, maps);
    } catch (e) {
      try {
        process.kill(pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      throw e;
    }
    log.debug(`pause process ${pid} started`);
    return {pid: pid!, startTime: processStartTime(pid!) ?? '', bootId: bootId(), token, uidMap: maps.uidMap, gidMap: maps.gidMap};
  }

  private async waitForNewNamespace(pid: number): Promise<void> {
    const ours = namespaceOf('self', 'user');
    const deadline = Date.now() + 5000;
    for (;;) {
      const ns = namespaceOf(pid, 'user');
      if (ns && ns !== ours) return;
      if (!isAlive(pid) || Date.now() > deadline) {
        throw new HostConfigError('could not create a user namespace (unshare --user failed)',
          {hint: 'check that user namespaces are enabled: sysctl user.max_user_namespaces must be > 0 (and kernel.unprivileged_userns_clone=1 where it exists)'});
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  private async writeMaps(pid: number, maps: IdMappings): Promise<void> {
    const hint = 'install the uidmap package (newuidmap/newgidmap must be setuid root) and check /etc/subuid and /etc/subgid';
    const write = async (tool: 'newuidmap' | 'newgidmap', map: IdMapEntry[], file: 'uid_map' | 'gid_map') => {
      if (map.length === 1) {
        // No subordinate range: an unprivileged process may map its own id once (gid needs setgroups deny).
        if (file === 'gid_map') fs.writeFileSync(`/proc/${pid}/setgroups`, 'deny');
        fs.writeFileSync(`/proc/${pid}/${file}`, `0 ${map[0].hostId} 1\n`);
        return;
      }
      await runner.run([tool, String(pid), ...idMapArgs(map)], {hint});
    };
    await Promise.all([write('newuidmap', maps.uidMap, 'uid_map'), write('newgidmap', maps.gidMap, 'gid_map')]);
  }
}
