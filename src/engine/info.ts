// `burrow info`: Podman's info document (host, store, version) plus burrow's reasons: which runtime and
// storage driver were chosen and why the others were skipped, where paths came from, what is missing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {EngineContext} from './context';
import type {ContainerManager} from '../runtime/container-manager';
import {VERSION} from '../runtime/container-manager';
import {findTool} from '../runtime/host-tools';
import * as runner from '../process/runner';
import {isRunning} from '../runtime/container-state';
import {goArch} from '../config/platform';

async function versionOf(bin: string | undefined): Promise<string> {
  if (!bin) return '';
  try {
    const r = await runner.run([bin, '--version'], {timeoutMs: 5000});
    return r.stdout.split('\n').filter(Boolean).slice(0, 2).join(', ');
  } catch {
    return '';
  }
}

function osRelease(): {distribution: string; version: string; codename: string} {
  try {
    const t = fs.readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => (new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(t)?.[1] ?? '');
    return {distribution: get('ID'), version: get('VERSION_ID'), codename: get('VERSION_CODENAME')};
  } catch {
    return {distribution: 'unknown', version: '', codename: ''};
  }
}

function cgroupVersion(): string {
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === 0x63677270 ? 'v2' : 'v1';
  } catch {
    return 'v1';
  }
}

function idMap(entries: {containerId: number; hostId: number; size: number}[]) {
  return entries.map((e) => ({container_id: e.containerId, host_id: e.hostId, size: e.size}));
}

/** Host devices burrow may need, and what is lost without each; only the unusable ones are listed. */
function unusableDevices(): string[] {
  const needs: [string, string][] = [
    ['/dev/fuse', 'fuse-overlayfs cannot be the fallback storage driver'],
    ['/dev/net/tun', 'slirp4netns and pasta networking will not work'],
  ];
  const out: string[] = [];
  for (const [dev, loss] of needs) {
    try {
      fs.accessSync(dev, fs.constants.R_OK | fs.constants.W_OK);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'not readable and writable by you (an administrator can run: chmod 0666 ' + dev + ')';
      out.push(`${dev} is ${why}: ${loss}`);
    }
  }
  return out;
}

export async function buildInfo(ctx: EngineContext, containers: ContainerManager): Promise<Record<string, unknown>> {
  await ctx.ready();
  const warnings: string[] = [...unusableDevices()];
  const maps = ctx.mappings();
  if (maps.singleIdWarning) warnings.push(maps.singleIdWarning);
  const [runtime, driver] = await Promise.all([ctx.runtime(), ctx.driver()]);
  const conmon = findTool('conmon');
  const [conmonVersion, runtimeVersion] = await Promise.all([versionOf(conmon), versionOf(runtime.path)]);
  const list = containers.list();
  const running = list.filter((s) => isRunning(s.state)).length;
  const pause = ctx.session?.current();
  const mem = {total: os.totalmem(), free: os.freemem()};
  const release = osRelease();
  return {
    host: {
      arch: goArch(),
      buildahVersion: '',
      cgroupManager: 'cgroupfs',
      cgroupVersion: cgroupVersion(),
      conmon: {package: 'conmon', path: conmon ?? '', version: conmonVersion},
      distribution: release,
      hostname: os.hostname(),
      idMappings: {uidmap: idMap(maps.uidMap), gidmap: idMap(maps.gidMap)},
      kernel: os.release(),
      logDriver: 'k8s-file',
      memFree: mem.free,
      memTotal: mem.total,
      ociRuntime: {
        name: runtime.name,
        package: runtime.name,
        path: runtime.path,
        version: runtimeVersion,
        reason: runtime.verdicts.find((v) => v.name === runtime.name)?.reason ?? '',
        skipped: runtime.verdicts.filter((v) => !v.usable).map((v) => ({name: v.name, reason: v.reason})),
      },
      os: 'linux',
      pauseProcess: pause ? {pid: pause.pid} : null,
      security: {rootless: ctx.identity.rootless, seccompEnabled: false, selinuxEnabled: false, apparmorEnabled: false},
      uptime: `${Math.floor(os.uptime())}s`,
      warnings,
    },
    store: {
      configFile: ctx.conf.file ?? path.join(ctx.paths.configDir, 'storage.conf'),
      containerStore: {number: list.length, paused: 0, running, stopped: list.length - running},
      graphDriverName: driver.name,
      graphDriverReason: driver.verdicts.find((v) => v.name === driver.name)?.reason ?? '',
      graphDriverSkipped: driver.verdicts.filter((v) => !v.usable).map((v) => ({name: v.name, reason: v.reason})),
      graphRoot: ctx.paths.root,
      imageStore: {number: ctx.images.list().length},
      runRoot: ctx.paths.runroot,
      pathNotes: ctx.paths.notes,
    },
    version: {APIVersion: VERSION, Version: VERSION, GoVersion: process.version, GitCommit: '', BuiltTime: '', Built: 0, OsArch: `linux/${goArch()}`, Os: 'linux'},
  };
}
