// Quadlet-style declarative units: NAME.container, NAME.volume and NAME.network files turned into
// systemd service units that run burrow, the way Podman's quadlet does it (same keys, same unit shape:
// `run --name systemd-%N --cidfile=%t/%N.cid --replace --rm -d --sdnotify=conmon`, Type=notify,
// KillMode=mixed, removal by cid file on stop). Pure: sources in, unit texts and warnings out.
import * as path from 'node:path';
import {UnitFile, UnitFileError, commandLine, renderUnit, splitWords, type UnitEntry, type UnitSection} from './unit-file';

export type SourceKind = 'container' | 'volume' | 'network';
export const SOURCE_KINDS: readonly SourceKind[] = ['container', 'volume', 'network'];

export interface QuadletSource {
  /** file name without the extension */
  name: string;
  kind: SourceKind;
  path: string;
  unit: UnitFile;
}

export interface GeneratedUnit {
  /** the service file name, e.g. web.service or data-volume.service */
  fileName: string;
  text: string;
  /** [Install] WantedBy= / RequiredBy= targets: the generator links the unit into TARGET.wants/.requires */
  wantedBy: string[];
  requiredBy: string[];
}

export interface Diagnostic {
  file: string;
  line?: number;
  message: string;
}

export interface GenerateResult {
  units: GeneratedUnit[];
  warnings: Diagnostic[];
  /** sources that produced no unit */
  errors: Diagnostic[];
}

/** Options that map one-to-one onto a run flag: key → [flag, how values become arguments]. */
type Mapping = [flag: string, kind: 'last' | 'all' | 'allWords'];
const CONTAINER_FLAGS: Record<string, Mapping> = {
  ContainerName: ['--name', 'last'],
  EnvironmentFile: ['--env-file', 'all'],
  PublishPort: ['--publish', 'all'],
  ExposeHostPort: ['--expose', 'all'],
  Label: ['--label', 'allWords'],
  WorkingDir: ['--workdir', 'last'],
  Entrypoint: ['--entrypoint', 'last'],
  Tmpfs: ['--tmpfs', 'all'],
  AddCapability: ['--cap-add', 'allWords'],
  DropCapability: ['--cap-drop', 'allWords'],
  HostName: ['--hostname', 'last'],
  StopTimeout: ['--stop-timeout', 'last'],
  DNS: ['--dns', 'all'],
  DNSSearch: ['--dns-search', 'all'],
  DNSOption: ['--dns-option', 'all'],
  AddHost: ['--add-host', 'all'],
  UserNS: ['--userns', 'last'],
  HealthCmd: ['--health-cmd', 'last'],
  HealthInterval: ['--health-interval', 'last'],
  HealthRetries: ['--health-retries', 'last'],
  HealthStartPeriod: ['--health-start-period', 'last'],
  HealthTimeout: ['--health-timeout', 'last'],
  HealthOnFailure: ['--health-on-failure', 'last'],
};
/** Keys handled by hand below. */
const CONTAINER_SPECIAL = ['Image', 'Exec', 'Environment', 'Volume', 'Network', 'User', 'Group', 'Notify', 'ReadOnly', 'RunInit', 'PodmanArgs', 'GlobalArgs'];

const VOLUME_KEYS = ['VolumeName', 'Label', 'Driver', 'PodmanArgs', 'GlobalArgs'];
const NETWORK_KEYS = ['NetworkName', 'Subnet', 'Gateway', 'Internal', 'DisableDNS', 'Label', 'Driver', 'PodmanArgs', 'GlobalArgs'];

const SECTION: Record<SourceKind, string> = {container: 'Container', volume: 'Volume', network: 'Network'};

export function sourceKind(fileName: string): SourceKind | undefined {
  const ext = path.extname(fileName).slice(1);
  return (SOURCE_KINDS as readonly string[]).includes(ext) ? (ext as SourceKind) : undefined;
}

export function unitFileName(s: {name: string; kind: SourceKind}): string {
  return s.kind === 'container' ? `${s.name}.service` : `${s.name}-${s.kind}.service`;
}

/** The burrow name of a .volume/.network source: its VolumeName=/NetworkName=, else systemd-NAME. */
function resourceName(s: QuadletSource): string {
  return s.unit.last(SECTION[s.kind], s.kind === 'volume' ? 'VolumeName' : 'NetworkName') || `systemd-${s.name}`;
}

export function generateUnits(sources: readonly QuadletSource[], burrow: string): GenerateResult {
  const result: GenerateResult = {units: [], warnings: [], errors: []};
  for (const s of sources) {
    try {
      result.units.push(generateOne(s, sources, burrow, result.warnings));
    } catch (e) {
      const line = e instanceof UnitFileError ? e.line : undefined;
      const message = e instanceof UnitFileError ? e.message.slice(`${e.file}:${e.line}: `.length) : (e as Error).message;
      result.errors.push({file: s.path, line, message});
    }
  }
  return result;
}

class QuadletError extends Error {}

function generateOne(s: QuadletSource, all: readonly QuadletSource[], burrow: string, warnings: Diagnostic[]): GeneratedUnit {
  const sectionName = SECTION[s.kind];
  if (!s.unit.section(sectionName)) throw new QuadletError(`no [${sectionName}] section`);
  const known = s.kind === 'container' ? [...Object.keys(CONTAINER_FLAGS), ...CONTAINER_SPECIAL] : s.kind === 'volume' ? VOLUME_KEYS : NETWORK_KEYS;
  for (const e of s.unit.section(sectionName)!.entries) {
    if (!known.includes(e.key)) warnings.push({file: s.path, line: e.line, message: `unknown key "${e.key}" in [${sectionName}], ignored`});
  }
  const globalArgs = s.unit.words(sectionName, 'GlobalArgs');
  const extra = s.unit.words(sectionName, 'PodmanArgs');
  const deps: string[] = [];
  const service: UnitEntry[] = [];
  const add = (key: string, value: string) => service.push({key, value, line: 0});
  const bin = [burrow, ...globalArgs];
  if (s.kind === 'container') {
    const run = containerRunArgs(s, all, deps, extra);
    const cid = '--cidfile=%t/%N.cid';
    add('KillMode', 'mixed');
    add('ExecStop', commandLine([...bin, 'rm', '-v', '-f', '-i', cid]));
    add('ExecStopPost', `-${commandLine([...bin, 'rm', '-v', '-f', '-i', cid])}`);
    add('Type', 'notify');
    add('NotifyAccess', 'all');
    add('SyslogIdentifier', '%N');
    add('ExecStart', commandLine([...bin, 'run', ...run]));
  } else {
    const u = s.unit;
    const args = s.kind === 'volume' ? ['volume', 'create', '--ignore'] : ['network', 'create', '--ignore'];
    for (const l of u.words(sectionName, 'Label')) args.push('--label', l);
    const driver = u.last(sectionName, 'Driver');
    if (driver) args.push('--driver', driver);
    if (s.kind === 'network') {
      for (const key of ['Subnet', 'Gateway'] as const) {
        const v = u.last(sectionName, key);
        if (v) args.push(`--${key.toLowerCase()}`, v);
      }
      if (u.bool(sectionName, 'Internal')) args.push('--internal');
      if (u.bool(sectionName, 'DisableDNS')) args.push('--disable-dns');
    }
    args.push(...extra, resourceName(s));
    add('ExecStart', commandLine([...bin, ...args]));
    add('Type', 'oneshot');
    add('RemainAfterExit', 'yes');
    add('SyslogIdentifier', '%N');
  }
  const unitEntries: UnitEntry[] = [
    {key: 'SourcePath', value: s.path, line: 0},
    {key: 'RequiresMountsFor', value: '%t', line: 0},
    ...deps.flatMap((d) => [{key: 'Requires', value: d, line: 0}, {key: 'After', value: d, line: 0}]),
  ];
  // The source's own sections ([Unit], [Service], [Install] …) are kept; the generated keys follow them.
  const out: UnitSection[] = s.unit.sections.filter((x) => x.name !== sectionName).map((x) => ({name: x.name, entries: [...x.entries]}));
  const section = (name: string) => {
    let sec = out.find((x) => x.name === name);
    if (!sec) {
      sec = {name, entries: []};
      out.splice(name === 'Unit' ? 0 : out.length, 0, sec);
    }
    return sec;
  };
  section('Unit').entries.push(...unitEntries);
  section('Service').entries.push(...service);
  const install = out.find((x) => x.name === 'Install');
  if (install) out.push(out.splice(out.indexOf(install), 1)[0]);
  const targets = (key: string) => s.unit.all('Install', key).flatMap((v) => splitWords(v, s.path));
  const header = `# Generated by burrow-generator from ${s.path}: edit that file, not this one.\n`;
  return {fileName: unitFileName(s), text: header + renderUnit(out), wantedBy: targets('WantedBy'), requiredBy: targets('RequiredBy')};
}

/** `run` arguments of a .container: Quadlet's fixed ones, then each key's flags, image and command last. */
function containerRunArgs(s: QuadletSource, all: readonly QuadletSource[], deps: string[], extra: string[]): string[] {
  const u = s.unit;
  const sec = 'Container';
  const image = u.last(sec, 'Image');
  if (!image) throw new QuadletError('no Image= key in [Container]');
  const args = ['--name', u.last(sec, 'ContainerName') || 'systemd-%N', '--cidfile=%t/%N.cid', '--replace', '--rm', '-d'];
  const notify = u.last(sec, 'Notify');
  args.push(`--sdnotify=${notify === 'healthy' ? 'healthy' : notify !== undefined && u.bool(sec, 'Notify') ? 'container' : 'conmon'}`);
  for (const [key, [flag, kind]] of Object.entries(CONTAINER_FLAGS)) {
    if (key === 'ContainerName') continue;
    const values = kind === 'last' ? [u.last(sec, key)].filter((v): v is string => v !== undefined && v !== '')
      : kind === 'all' ? u.all(sec, key) : u.words(sec, key);
    for (const v of values) args.push(flag, v);
  }
  for (const kv of u.words(sec, 'Environment')) args.push('--env', kv);
  const user = u.last(sec, 'User');
  const group = u.last(sec, 'Group');
  if (user || group) args.push('--user', group ? `${user || '0'}:${group}` : user!);
  if (u.bool(sec, 'ReadOnly')) args.push('--read-only');
  if (u.bool(sec, 'RunInit')) args.push('--init');
  for (const v of u.all(sec, 'Volume')) args.push('-v', linkResource(v, 'volume', s, all, deps));
  for (const v of u.all(sec, 'Network')) args.push('--network', linkResource(v, 'network', s, all, deps));
  args.push(...extra, image, ...u.words(sec, 'Exec'));
  return args;
}

/**
 * `X.volume:/data` / `X.network`: the resource another source defines, named as that source names it,
 * and this unit made to require (and start after) the unit that creates it.
 */
function linkResource(value: string, kind: 'volume' | 'network', s: QuadletSource, all: readonly QuadletSource[], deps: string[]): string {
  const colon = value.indexOf(':');
  const head = colon < 0 ? value : value.slice(0, colon);
  if (!head.endsWith(`.${kind}`)) return value;
  const name = head.slice(0, -kind.length - 1);
  const target = all.find((x) => x.kind === kind && x.name === name);
  if (!target) throw new QuadletError(`${head} is used by ${path.basename(s.path)} but no ${head} file was found`);
  const unit = unitFileName(target);
  if (!deps.includes(unit)) deps.push(unit);
  return resourceName(target) + (colon < 0 ? '' : value.slice(colon));
}
