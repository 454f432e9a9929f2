// Generates the OCI runtime config.json for a container, following Podman's defaults: namespaces,
// mounts of proc/dev/devpts/shm/mqueue/sys, masked and read-only paths, capabilities, the environment
// and the container files (/etc/hosts, /etc/hostname, /etc/resolv.conf). Pure: no I/O.
import type {ContainerConfig} from '../storage/container-store';
import {effectiveCapabilities} from './capabilities';
import {ociMappings, type IdMaps} from './userns';
import {toHostId} from '../../rootless/subid';

export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home?: string;
}

export interface SpecInput {
  config: ContainerConfig;
  rootfs: string;
  /** directory holding hosts, hostname and resolv.conf */
  userdata: string;
  rootless: boolean;
  /** number of ids mapped in the user namespace (decides whether gid 5 can own /dev/pts) */
  mappedIds: number;
  user: ProcessUser;
  hostname: string;
  /** path of a static init (catatonit) on the host, bind-mounted when --init */
  initPath?: string;
  /** an existing network namespace to join (container:, ns:); none given: a new one unless host */
  netnsPath?: string;
  /** the attached client's terminal size: the container's terminal starts with it */
  consoleSize?: ConsoleSize;
  /** the container's own mounts resolved to host paths (volume/mount-setup); default: config.mounts as they are */
  mounts?: Mount[];
  /** the container's own user namespace (--userns), maps relative to the pause namespace */
  userns?: IdMaps;
  /** files of `userdata` bind-mounted over /etc (keep-id's passwd and group) */
  etcFiles?: string[];
}

export interface ConsoleSize {
  rows: number;
  cols: number;
}

/** The OCI process's consoleSize, for a terminal whose client size is known. */
export function consoleSizeField(tty: boolean | undefined, size: ConsoleSize | undefined): Record<string, unknown> {
  return tty && size ? {consoleSize: {height: size.rows, width: size.cols}} : {};
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const INIT_PATH_IN_CONTAINER = '/run/podman-init';

const MASKED_PATHS = ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/fs/selinux', '/sys/dev/block'];
const READONLY_PATHS = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface Mount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** Later entries win; an entry is KEY=VALUE (a bare KEY is kept as given). */
export function mergeEnv(...lists: (readonly string[] | undefined)[]): string[] {
  const out = new Map<string, string>();
  for (const list of lists) {
    for (const e of list ?? []) {
      const eq = e.indexOf('=');
      out.set(eq < 0 ? e : e.slice(0, eq), e);
    }
  }
  return [...out.values()];
}

export function generateSpec(input: SpecInput): Record<string, unknown> {
  const c = input.config;
  const caps = effectiveCapabilities(c.capAdd, c.capDrop);
  const isRoot = input.user.uid === 0;
  const env = mergeEnv(
    [`PATH=${DEFAULT_PATH}`, 'TERM=xterm', 'container=podman'],
    c.env,
    c.env.some((e) => e.startsWith('HOSTNAME=')) ? [] : [`HOSTNAME=${input.hostname}`],
    c.env.some((e) => e.startsWith('HOME=')) ? [] : [`HOME=${input.user.home ?? (isRoot ? '/root' : '/')}`],
  );
  const args = c.init ? [INIT_PATH_IN_CONTAINER, '--', ...c.args] : c.args;

  const namespaces: {type: string; path?: string}[] = [{type: 'pid'}, {type: 'ipc'}, {type: 'uts'}, {type: 'mount'}];
  if (c.network !== 'host') namespaces.push(input.netnsPath ? {type: 'network', path: input.netnsPath} : {type: 'network'});
  if (!input.rootless) namespaces.push({type: 'cgroup'});
  if (input.userns) namespaces.push({type: 'user'});

  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: c.tty === true,
      ...consoleSizeField(c.tty, input.consoleSize),
      user: {uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids},
      args,
      env,
      cwd: c.workdir || '/',
      capabilities: {
        bounding: caps,
        effective: isRoot ? caps : [],
        permitted: isRoot ? caps : [],
        inheritable: [],
        ambient: [],
      },
      noNewPrivileges: false,
      oomScoreAdj: 0,
    },
    root: {path: input.rootfs, readonly: c.readOnly},
    hostname: input.hostname,
    mounts: mounts(input),
    annotations: {
      'io.container.manager': 'burrow',
      'org.opencontainers.image.stopSignal': c.stopSignal,
      ...c.labels,
    },
    linux: {
      namespaces,
      ...(input.userns ? {uidMappings: ociMappings(input.userns.uidMap), gidMappings: ociMappings(input.userns.gidMap)} : {}),
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
      ...(input.rootless ? {} : {cgroupsPath: `/burrow/${c.id}`, resources: {devices: [{allow: false, access: 'rwm'}]}}),
    },
  };
}

function mounts(input: SpecInput): Mount[] {
  const c = input.config;
  const ownTtyGroup = input.userns ? toHostId(input.userns.gidMap, 5) !== undefined : input.mappedIds > 5;
  const list: Mount[] = [
    {destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev']},
    {destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},
    {destination: '/dev/pts', type: 'devpts', source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', ...(ownTtyGroup ? ['gid=5'] : [])]},
    {destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev']},
    {destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536000']},
  ];
  // Rootless, sysfs can only be mounted when the container has its own network namespace (which our
  // user namespace then owns); with the host's network it is bind-mounted, as Podman does.
  // A joined namespace belongs to the pause namespace, not to the container's own user namespace.
  if (input.rootless && (c.network === 'host' || c.network.startsWith('ns:') || (input.userns && input.netnsPath))) {
    list.push({destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro']});
  } else {
    list.push({destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro']});
  }
  if (!input.rootless) {
    list.push({destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']});
  }
  for (const f of c.noHosts ? ['hostname', 'resolv.conf'] : ['hosts', 'hostname', 'resolv.conf']) {
    list.push({destination: `/etc/${f}`, type: 'bind', source: `${input.userdata}/${f}`, options: ['bind', 'rprivate', 'nosuid', 'noexec', 'nodev']});
  }
  for (const f of input.etcFiles ?? []) {
    list.push({destination: `/etc/${f}`, type: 'bind', source: `${input.userdata}/${f}`, options: ['bind', 'rprivate', 'nosuid', 'noexec', 'nodev']});
  }
  list.push({destination: '/run/.containerenv', type: 'bind', source: `${input.userdata}/.containerenv`, options: ['bind', 'rprivate', 'nosuid', 'nodev', 'ro']});
  if (c.init && input.initPath) {
    list.push({destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initPath, options: ['bind', 'rprivate', 'nosuid', 'nodev', 'ro']});
  }
  const userDests = new Set((c.mounts ?? []).map((m) => m.destination));
  if (c.readOnly) {
    // Podman's --read-only-tmpfs default: writable scratch space where programs expect it.
    for (const d of ['/tmp', '/var/tmp', '/run'].filter((x) => !userDests.has(x))) {
      list.push({destination: d, type: 'tmpfs', source: 'tmpfs', options: ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']});
    }
  }
  // The user's mounts come last, so they win over the defaults at the same place.
  for (const m of input.mounts ?? c.mounts ?? []) list.push({destination: m.destination, type: m.type, source: m.source, options: m.options});
  return list;
}
