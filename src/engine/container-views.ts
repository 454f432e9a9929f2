// Podman-shaped views of containers: the `ps --format json` objects (ListContainer), the rows that
// `ps` templates see (psReporter: ID, Image, Command, CreatedAt, Status, Names…) and `inspect` output.
import type {ContainerConfig, ContainerState} from '../storage/container-store';
import {compactHumanSize, humanDuration, timeAgo} from '../format/human';
import {isPaused, shownStatus} from '../runtime/container-state';
import {effectiveCapabilities} from '../runtime/capabilities';
import {goMap} from '../format/go-map';
import {formatPortsColumn, type PortMapping} from '../network/network-options';
import {primaryAddress} from '../network/container-network';
import type {ContainerMount} from '../runtime/mount-options';
import type {HealthFile} from '../runtime/health-check';

export interface ContainerSnapshot {
  config: ContainerConfig;
  state: ContainerState;
  /** a network helper of this running container died (see ContainerNetwork.problem) */
  networkProblem?: string;
  /** the health record of a container that has a health check (its last run, once stopped) */
  health?: HealthFile;
}

/** The ports a container publishes: those bound now while it runs, else those asked for. */
export function publishedPorts(c: ContainerConfig, st: ContainerState): PortMapping[] {
  return st.network?.ports ?? c.ports ?? [];
}

/** Podman's map form: {"80/tcp": [{HostIp, HostPort}]}, exposed-only ports with null. */
function portMap(list: PortMapping[], exposed: string[] = []): Record<string, {HostIp: string; HostPort: string}[] | null> {
  const out: Record<string, {HostIp: string; HostPort: string}[] | null> = {};
  for (const e of exposed) if (!e.includes('-')) out[e] = null;
  for (const p of list) {
    const key = `${p.containerPort}/${p.protocol}`;
    const bindings = out[key] ?? [];
    bindings.push({HostIp: p.hostIp, HostPort: p.hostPort === 0 ? '' : String(p.hostPort)});
    out[key] = bindings;
  }
  return out;
}

const unix = (iso?: string) => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

export function statusText(st: ContainerState, now = Date.now(), networkProblem?: string, health?: string): string {
  if (isPaused(st)) return 'Paused';
  switch (st.status) {
    case 'running':
    case 'stopping':
      return `Up ${humanDuration(now - Date.parse(st.startedAt ?? new Date(now).toISOString()))}${health ? ` (${health})` : ''}${networkProblem ? ' (network helper exited)' : ''}`;
    case 'exited':
      return `Exited (${st.exitCode ?? 0}) ${timeAgo(st.finishedAt, now)}`;
    case 'created':
      return 'Created';
    default:
      return st.status;
  }
}

export function listContainer(s: ContainerSnapshot): Record<string, unknown> {
  const {config: c, state: st} = s;
  return {
    AutoRemove: c.autoRemove,
    Command: c.args,
    CreatedAt: timeAgo(c.created),
    Exited: st.status === 'exited',
    ExitedAt: unix(st.finishedAt),
    ExitCode: st.exitCode ?? 0,
    Id: c.id,
    Image: c.imageName,
    ImageID: c.imageId,
    IsInfra: false,
    Labels: Object.keys(c.labels).length ? c.labels : null,
    Mounts: (c.mounts ?? []).map((m) => m.destination),
    Names: [c.name],
    Namespaces: {},
    Networks: (c.networks ?? []).map((n) => n.name),
    Pid: st.status === 'running' ? (st.pid ?? 0) : 0,
    Pod: '',
    PodName: '',
    Ports: publishedPorts(c, st).length === 0 ? null
      : publishedPorts(c, st).map((p) => ({host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: 1, protocol: p.protocol})),
    Size: null,
    StartedAt: unix(st.startedAt),
    State: shownStatus(st),
    Status: statusText(st, Date.now(), s.networkProblem, s.health?.Status),
    Created: unix(c.created),
  };
}

/** What a `ps --format '{{...}}'` template sees; field names as in Podman's psReporter. */
export function psRow(s: ContainerSnapshot, noTrunc = false): Record<string, unknown> {
  const {config: c, state: st} = s;
  const command = c.args.join(' ');
  return {
    ...listContainer(s),
    ID: noTrunc ? c.id : c.id.slice(0, 12),
    Command: !noTrunc && command.length > 17 ? `${command.slice(0, 17)}...` : command,
    Created: timeAgo(c.created),
    CreatedAt: c.created,
    CreatedHuman: timeAgo(c.created),
    Names: c.name,
    Status: statusText(st, Date.now(), s.networkProblem, s.health?.Status),
    State: shownStatus(st),
    Ports: formatPortsColumn(publishedPorts(c, st)),
    RunningFor: humanDuration(Date.now() - Date.parse(c.created)),
    Labels: goMap({...c.labels}),
    Networks: (c.networks ?? []).map((n) => n.name).join(','),
    Pod: '',
    PodName: '',
    Size: '',
  };
}

export interface InspectPaths {
  /** a volume's Mountpoint */
  volumeDir: (name: string) => string;
  userdata: string;
  logPath: string;
  lowerDirs: string;
  upperDir: string;
  workDir: string;
  mergedDir: string;
  conmonPidFile: string;
  runtimeName: string;
  /** exec sessions whose process runs */
  execIds: string[];
}

export function inspectContainer(s: ContainerSnapshot, p: InspectPaths): Record<string, unknown> {
  const {config: c, state: st} = s;
  const caps = effectiveCapabilities(c.capAdd, c.capDrop);
  const running = st.status === 'running' || st.status === 'stopping';
  return {
    Id: c.id,
    Created: c.created,
    Path: c.args[0] ?? '',
    Args: c.args.slice(1),
    State: {
      OciVersion: '1.0.2-dev',
      Status: shownStatus(st),
      Running: running,
      Paused: isPaused(st),
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: running ? (st.pid ?? 0) : 0,
      ConmonPid: running ? (st.conmonPid ?? 0) : 0,
      ExitCode: st.exitCode ?? 0,
      Error: s.networkProblem ?? st.error ?? '',
      StartedAt: st.startedAt ?? '0001-01-01T00:00:00Z',
      FinishedAt: st.finishedAt ?? '0001-01-01T00:00:00Z',
      CheckpointedAt: '0001-01-01T00:00:00Z',
      RestoredAt: '0001-01-01T00:00:00Z',
      ...healthState(s),
    },
    Image: c.imageId,
    ImageName: c.imageName,
    Rootfs: '',
    Pod: '',
    ResolvConfPath: `${p.userdata}/resolv.conf`,
    HostnamePath: `${p.userdata}/hostname`,
    HostsPath: `${p.userdata}/hosts`,
    // Docker's field (`inspect -f '{{.LogPath}}'`); Podman keeps the same path under HostConfig.LogConfig.
    LogPath: p.logPath,
    StaticDir: p.userdata,
    OCIConfigPath: `${p.userdata}/config.json`,
    OCIRuntime: p.runtimeName,
    ConmonPidFile: p.conmonPidFile,
    PidFile: `${p.userdata}/pidfile`,
    Name: c.name,
    RestartCount: st.restartCount,
    Driver: c.driver,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    EffectiveCaps: caps,
    BoundingCaps: caps,
    ExecIDs: p.execIds,
    GraphDriver: {Name: c.driver, Data: {LowerDir: p.lowerDirs, UpperDir: p.upperDir, WorkDir: p.workDir, MergedDir: p.mergedDir}},
    Mounts: (c.mounts ?? []).filter((m) => m.type !== 'tmpfs').map((m) => inspectMount(m, p.volumeDir)),
    Dependencies: [],
    NetworkSettings: networkSettings(c, st, running),
    Namespace: '',
    IsInfra: false,
    IsService: false,
    Config: {
      Hostname: c.hostname ?? c.id.slice(0, 12),
      Domainname: '',
      User: c.user,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: c.tty === true,
      OpenStdin: c.interactive === true,
      StdinOnce: false,
      Env: c.env,
      Cmd: c.command,
      Image: c.imageName,
      Volumes: null,
      ExposedPorts: c.exposedPorts?.length ? Object.fromEntries(c.exposedPorts.map((e) => [e, {}])) : undefined,
      WorkingDir: c.workdir,
      Entrypoint: c.entrypoint.join(' '),
      OnBuild: null,
      Labels: goMap({...c.labels}),
      Annotations: goMap({'io.container.manager': 'burrow'}),
      StopSignal: c.stopSignal,
      StopTimeout: c.stopTimeout,
      ...(c.healthcheck ? {Healthcheck: c.healthcheck, HealthcheckOnFailureAction: c.healthOnFailure ?? 'none'} : {}),
      CreateCommand: c.createCommand,
      Umask: '0022',
      Timeout: 0,
      Passwd: true,
    },
    HostConfig: {
      Binds: (c.mounts ?? []).filter((m) => m.type === 'bind' || m.type === 'volume').map((m) => `${m.source}:${m.destination}:${bindOptions(m).join(',')}`),
      Tmpfs: Object.fromEntries((c.mounts ?? []).filter((m) => m.type === 'tmpfs').map((m) => [m.destination, m.options.join(',')])),
      CgroupManager: 'cgroupfs',
      CgroupMode: 'private',
      ContainerIDFile: '',
      LogConfig: {Type: c.log?.driver ?? 'k8s-file', Config: null, Path: p.logPath, Tag: c.log?.tag ?? '', Size: compactHumanSize(c.log?.size ?? 0)},
      NetworkMode: c.network,
      PortBindings: portMap(c.ports ?? []),
      Dns: c.dns?.servers ?? [],
      DnsSearch: c.dns?.search ?? [],
      DnsOptions: c.dns?.options ?? [],
      ExtraHosts: c.addHosts ?? [],
      RestartPolicy: {Name: c.restartPolicy?.name ?? '', MaximumRetryCount: c.restartPolicy?.maxRetries ?? 0},
      AutoRemove: c.autoRemove,
      CapAdd: c.capAdd,
      CapDrop: c.capDrop,
      Init: c.init,
      ReadonlyRootfs: c.readOnly,
      Privileged: false,
      UsernsMode: c.userns?.mode ?? '',
      ...(c.userns ? {IDMappings: {UidMap: idMapText(c.userns.uidMap), GidMap: idMapText(c.userns.gidMap)}} : {}),
    },
  };
}

/** Options as Podman shows them: the bind kind last, U/O/z flags back among them. */
function bindOptions(m: ContainerMount): string[] {
  const kind = m.options.filter((o) => /^r?bind$/.test(o));
  const rest = m.options.filter((o) => !/^r?bind$/.test(o));
  const flags = [...(m.chown ? ['U'] : []), ...(m.overlay ? ['O'] : [])];
  if (m.type !== 'volume') return [...rest, ...flags];
  // Podman's form for volumes: rw|ro, then propagation, then the rest, the bind kind last.
  const ro = rest.includes('ro') ? 'ro' : 'rw';
  const prop = rest.filter((o) => /(shared|slave|private|bindable)$/.test(o));
  return [ro, ...prop, ...rest.filter((o) => o !== 'ro' && o !== 'rw' && !prop.includes(o)), ...flags, ...kind];
}

/** One `Mounts` entry of `inspect` (Podman's InspectMount). */
function inspectMount(m: ContainerMount, volumeDir: (name: string) => string): Record<string, unknown> {
  const propagation = m.options.find((o) => /(shared|slave|private|bindable)$/.test(o)) ?? '';
  const rw = !m.options.includes('ro');
  const options = bindOptions(m).filter((o) => o !== propagation && o !== 'ro' && o !== 'rw');
  if (m.type === 'volume') {
    return {Type: 'volume', Name: m.source, Source: volumeDir(m.source), Destination: m.destination, Driver: 'local', Mode: '', Options: options, RW: rw, Propagation: propagation};
  }
  if (m.type === 'image') {
    return {Type: 'image', Source: m.source, Destination: m.destination, Driver: '', Mode: '', Options: [], RW: false, Propagation: propagation};
  }
  return {Type: m.type, Source: m.source, Destination: m.destination, Driver: '', Mode: '', Options: m.options.filter((o) => !/^r?bind$/.test(o)), RW: rw, Propagation: propagation};
}

/** Podman's "CONTAINER:HOST:SIZE" strings (host ids counted in your namespace). */
function idMapText(map: {containerId: number; hostId: number; size: number}[]): string[] {
  return map.map((e) => `${e.containerId}:${e.hostId}:${e.size}`);
}

function networkSettings(c: ContainerConfig, st: ContainerState, running: boolean): Record<string, unknown> {
  const n = running ? st.network : undefined;
  const primary = primaryAddress(n);
  const settings: Record<string, unknown> = {
    EndpointID: '', Gateway: primary?.gateway ?? '', IPAddress: primary?.ip ?? '', IPPrefixLen: primary?.prefix ?? 0, IPv6Gateway: '', GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0, MacAddress: '', Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: portMap(publishedPorts(c, st), c.exposedPorts), SandboxKey: n?.sandboxKey ?? '',
  };
  if (c.networks) {
    settings.Networks = Object.fromEntries(c.networks.map((net) => {
      const a = n?.attachments?.find((x) => x.network === net.name);
      return [net.name, {
        EndpointID: '', Gateway: a?.gateway ?? '', IPAddress: a?.ip ?? '', IPPrefixLen: a?.prefix ?? 0, IPv6Gateway: '', GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0, MacAddress: a?.mac ?? '', NetworkID: net.name, DriverOpts: null, IPAMConfig: null, Links: null,
        Aliases: [...net.aliases, c.id.slice(0, 12)],
      }];
    }));
  }
  return settings;
}

/**
 * State.Health as Podman shows it (also under its newer name Healthcheck), plus Scheduler: what runs
 * the check on its own this time ("systemd" timer, "none" where no user manager runs, or "disabled").
 */
function healthState(s: ContainerSnapshot): Record<string, unknown> {
  if (!s.config.healthcheck) return {};
  const h = s.health;
  const health = {Status: h?.Status ?? '', FailingStreak: h?.FailingStreak ?? 0, Log: h?.Log ?? null, ...(h?.scheduler ? {Scheduler: h.scheduler} : {})};
  return {Health: health, Healthcheck: health};
}
