// `burrow info`: Podman's info document (host, store, registries, version) plus burrow's reasons: which
// runtime and storage driver were chosen and why the others were skipped, where paths came from, what is
// missing, and (under the burrow key, which Podman does not have) which configuration files were read.
// Registries are described from registries.conf only: info never contacts one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {EngineContext} from './context';
import type {ContainerManager} from '../runtime/container-manager';
import {VERSION} from '../runtime/container-manager';
import {findTool} from '../runtime/host-tools';
import {probeIdmappedRootfs} from '../runtime/rootfs-driver';
import * as runner from '../process/runner';
import {isRunning} from '../runtime/container-state';
import {goArch} from '../config/platform';
import type {RegistriesConfig} from '../config/registries-conf';

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

/**
 * Podman's `registries`: each [[registry]] entry under its prefix, with containers/image's field names, and
 * the unqualified-search list under "search"; keys sorted, as Go encodes a map.
 */
export function registriesInfo(cfg: Pick<RegistriesConfig, 'registries' | 'unqualifiedSearchRegistries'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of cfg.registries) {
    out[r.prefix] = {
      Prefix: r.prefix, Location: r.location, Insecure: r.insecure, PullFromMirror: '',
      // burrow keeps an unset pull-from-mirror as "all", its meaning; Podman shows what the file said, usually nothing.
      Mirrors: r.mirrors.length ? r.mirrors.map((m) => ({Location: m.location, Insecure: m.insecure, PullFromMirror: m.pullFromMirror === 'all' ? '' : m.pullFromMirror})) : null,
      Blocked: r.blocked, MirrorByDigestOnly: r.mirrorByDigestOnly,
    };
  }
  if (cfg.unqualifiedSearchRegistries.length > 0) out.search = cfg.unqualifiedSearchRegistries;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The registries and which files configured them; a broken file becomes a warning, since info is what one runs to find it. */
function configurationInfo(ctx: EngineContext, warnings: string[]): {registries: Record<string, unknown>; burrow: Record<string, unknown>} {
  // Loaded here, not at the top: every command loads this module with the engine.
  const {loadRegistriesConfig} = require('../config/registries-conf') as typeof import('../config/registries-conf');
  const {loadContainersConfig} = require('../config/containers-conf') as typeof import('../config/containers-conf');
  const {authFiles} = require('../registry/auth-file') as typeof import('../registry/auth-file');
  const env = process.env;
  const home = env.HOME || os.homedir();
  const attempt = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      const err = e as Error & {hint?: string};
      warnings.push(`${what}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
      return undefined;
    }
  };
  // Read exactly as a registry command reads them (RegistrySession), so this is what `pull` would use.
  const registries = attempt('registries.conf', () => loadRegistriesConfig({env, home}));
  const containers = attempt('containers.conf', () => loadContainersConfig({env, home}));
  const searched = authFiles({env, home, uid: ctx.identity.uid});
  return {
    registries: registries ? registriesInfo(registries) : {},
    burrow: {
      configFiles: {
        storage: ctx.conf.file ? [ctx.conf.file] : [],
        registries: registries?.sources ?? [],
        containers: containers?.sources ?? [],
        auth: searched.filter((f) => fs.existsSync(f)),
      },
      authFilesSearched: searched,
    },
  };
}

export async function buildInfo(ctx: EngineContext, containers: ContainerManager): Promise<Record<string, unknown>> {
  await ctx.ready();
  const warnings: string[] = [...unusableDevices()];
  const maps = ctx.mappings();
  if (maps.singleIdWarning) warnings.push(maps.singleIdWarning);
  const [runtime, driver] = await Promise.all([ctx.runtime(), ctx.driver()]);
  // After the driver probe, so the two test mounts do not race for the scratch directory's creation.
  const idmap = ctx.identity.rootless ? await probeIdmappedRootfs(ctx.priv, ctx.paths.runroot, path.join(ctx.paths.root, 'tmp')) : undefined;
  const conmon = findTool('conmon');
  const pasta = findTool('pasta');
  const slirp = findTool('slirp4netns');
  const aardvark = findTool('aardvark-dns');
  const [conmonVersion, runtimeVersion, pastaVersion, slirpVersion, aardvarkVersion] = await Promise.all(
    [versionOf(conmon), versionOf(runtime.path), versionOf(pasta), versionOf(slirp), versionOf(aardvark)]);
  let networkCmd = '';
  try {
    const {defaultNetworkCmd} = require('../network/container-network') as typeof import('../network/container-network');
    networkCmd = defaultNetworkCmd(ctx.containersConf().network.default_rootless_network_cmd);
  } catch (e) {
    warnings.push((e as Error).message);
  }
  if (!pasta && !slirp) warnings.push('neither pasta (package passt) nor slirp4netns is installed: containers can only use --network host or none');
  if (!aardvark) warnings.push('aardvark-dns is not installed: containers on user-defined networks cannot find each other by name (install aardvark-dns)');
  const {userManagerRunning, NO_SCHEDULER_HINT} = require('../runtime/health-check') as typeof import('../runtime/health-check');
  const healthScheduler = userManagerRunning() ? 'systemd' : 'none';
  if (healthScheduler === 'none') warnings.push(`health checks: ${NO_SCHEDULER_HINT}`);
  const list = containers.list();
  const running = list.filter((s) => isRunning(s.state)).length;
  const pause = ctx.session?.current();
  const mem = {total: os.totalmem(), free: os.freemem()};
  const release = osRelease();
  const config = configurationInfo(ctx, warnings);
  const {lingerStatus} = require('../systemd/linger') as typeof import('../systemd/linger');
  const {userName} = require('./context') as typeof import('./context');
  const linger = lingerStatus({user: userName(ctx.identity.uid), uid: ctx.identity.uid, runtimeDir: process.env.XDG_RUNTIME_DIR});
  if (ctx.identity.rootless && linger.enabled !== true) warnings.push(linger.message);
  return {
    host: {
      arch: goArch(),
      buildahVersion: '',
      cgroupManager: 'cgroupfs',
      cgroupVersion: cgroupVersion(),
      conmon: {package: 'conmon', path: conmon ?? '', version: conmonVersion},
      distribution: release,
      hostname: os.hostname(),
      healthcheckScheduler: healthScheduler,
      idMappings: {uidmap: idMap(maps.uidMap), gidmap: idMap(maps.gidMap)},
      kernel: os.release(),
      // Not in Podman's info: whether this user's services survive logout (loginctl enable-linger).
      linger: {enabled: linger.enabled ?? false, systemd: linger.systemd, userManager: linger.userManager},
      logDriver: 'k8s-file',
      networkBackend: 'burrow',
      networkBackendInfo: {backend: 'burrow', dns: {package: 'aardvark-dns', path: aardvark ?? '', version: aardvarkVersion}},
      pasta: {executable: pasta ?? '', package: 'passt', version: pastaVersion},
      rootlessNetworkCmd: networkCmd,
      slirp4netns: {executable: slirp ?? '', package: 'slirp4netns', version: slirpVersion},
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
      // How containers with their own user namespace (--userns=keep-id|auto) get their rootfs.
      userNamespaceRootfs: idmap ? {driver: idmap.usable ? idmap.name : '', usable: idmap.usable, reason: idmap.reason}
        : {driver: '', usable: false, reason: '--userns is supported for rootless use only'},
      graphRoot: ctx.paths.root,
      imageStore: {number: ctx.images.list().length},
      runRoot: ctx.paths.runroot,
      pathNotes: ctx.paths.notes,
    },
    registries: config.registries,
    version: {APIVersion: VERSION, Version: VERSION, GoVersion: process.version, GitCommit: '', BuiltTime: '', Built: 0, OsArch: `linux/${goArch()}`, Os: 'linux'},
    burrow: config.burrow,
  };
}
