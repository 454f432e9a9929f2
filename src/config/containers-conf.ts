// containers.conf, read in Podman's order (vendor file, admin file and drop-ins, user file and drop-ins,
// CONTAINERS_CONF / CONTAINERS_CONF_OVERRIDE) and merged key by key, so that engine and container
// defaults set for Podman on this host also apply to burrow. Only the keys burrow uses are kept.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError} from '../errors';
import {dropInFiles, parseTomlFile, readConfigText, type TomlTable} from './config-files';

export interface ContainersConfLocations {
  env: NodeJS.ProcessEnv;
  home: string;
  /** default /usr/share/containers */
  usrShareDir?: string;
  /** default /etc/containers */
  etcDir?: string;
  /** Root has no per-user file: its "user" file is the admin one. Default true. */
  rootless?: boolean;
}

export interface ContainersConfig {
  engine: {
    runtime?: string;
    retry?: number;
    /** a Go duration such as "2s" or "1m30s" */
    retry_delay?: string;
    image_parallel_copies?: number;
    image_default_transport?: string;
    env?: string[];
  };
  network: {
    default_rootless_network_cmd?: string;
  };
  containers: {
    /** normalised to upper case with the CAP_ prefix */
    default_capabilities?: string[];
    env?: string[];
    /** hosts file every container's /etc/hosts starts from; "" = the host's /etc/hosts, "none" = nothing */
    base_hosts_file?: string;
    dns_servers?: string[];
    dns_searches?: string[];
    dns_options?: string[];
    /** k8s-file (default), json-file, none, passthrough or journald */
    log_driver?: string;
    /** bytes; -1 (default) or 0 for no limit */
    log_size_max?: number;
    log_tag?: string;
  };
  /** files read, in merge order */
  sources: string[];
}

type Table = TomlTable;

type Kind = 'string' | 'uint' | 'int' | 'duration' | 'strings';

/** The keys burrow uses, by table; everything else in the files is ignored. */
const SCHEMA: Record<'engine' | 'network' | 'containers', Record<string, Kind>> = {
  engine: {runtime: 'string', retry: 'uint', retry_delay: 'duration', image_parallel_copies: 'uint', image_default_transport: 'string', env: 'strings'},
  network: {default_rootless_network_cmd: 'string'},
  containers: {default_capabilities: 'strings', env: 'strings', base_hosts_file: 'string', dns_servers: 'strings', dns_searches: 'strings', dns_options: 'strings',
    log_driver: 'string', log_size_max: 'int', log_tag: 'string'},
};

const GO_DURATION = /^(?:0|[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

export function containersConfFiles(loc: ContainersConfLocations): string[] {
  const envFile = loc.env.CONTAINERS_CONF;
  const files: string[] = [];
  if (envFile) {
    mustExist(envFile, 'CONTAINERS_CONF');
    files.push(envFile);
  } else {
    const share = loc.usrShareDir ?? '/usr/share/containers';
    const etc = loc.etcDir ?? '/etc/containers';
    files.push(path.join(share, 'containers.conf'), path.join(etc, 'containers.conf'), ...dropInFiles([path.join(etc, 'containers.conf.d')]));
    if (loc.rootless !== false) {
      const user = path.join(loc.env.XDG_CONFIG_HOME || path.join(loc.home, '.config'), 'containers', 'containers.conf');
      files.push(user, ...dropInFiles([`${user}.d`]));
    }
  }
  const override = loc.env.CONTAINERS_CONF_OVERRIDE;
  if (override) {
    mustExist(override, 'CONTAINERS_CONF_OVERRIDE');
    files.push(override);
  }
  return files;
}

export function loadContainersConfig(loc: ContainersConfLocations): ContainersConfig {
  const cfg: ContainersConfig = {engine: {}, network: {}, containers: {}, sources: []};
  for (const file of containersConfFiles(loc)) {
    const text = readConfigText(file);
    if (text === undefined) continue;
    merge(cfg, file, parseTomlFile(file, text));
    cfg.sources.push(file);
  }
  if (cfg.containers.default_capabilities) {
    cfg.containers.default_capabilities = cfg.containers.default_capabilities.map((c) => {
      const up = c.toUpperCase();
      return up.startsWith('CAP_') ? up : `CAP_${up}`;
    });
  }
  return cfg;
}

function mustExist(file: string, variable: string): void {
  if (!fs.existsSync(file)) throw new HostConfigError(`${file} (from ${variable}) does not exist`, {hint: `create the file or unset ${variable}`});
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function merge(cfg: ContainersConfig, file: string, doc: Table): void {
  for (const section of Object.keys(SCHEMA) as (keyof typeof SCHEMA)[]) {
    const t = doc[section];
    if (t === undefined) continue;
    if (!isTable(t)) throw new HostConfigError(`${file}: [${section}] must be a table`, {hint: 'fix or remove the file'});
    const target = cfg[section] as Record<string, unknown>;
    for (const [key, kind] of Object.entries(SCHEMA[section])) {
      if (t[key] === undefined) continue;
      target[key] = value(file, `${section}.${key}`, kind, t[key], target[key] as string[] | undefined);
    }
  }
}

function value(file: string, key: string, kind: Kind, v: unknown, previous: string[] | undefined): unknown {
  const wrong = (what: string) => new HostConfigError(`${file}: ${key} must be ${what}`, {hint: 'fix the value or remove the key'});
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') throw wrong('a string');
      return v;
    case 'uint':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw wrong('a non-negative integer');
      return v;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw wrong('an integer');
      return v;
    case 'duration':
      if (typeof v !== 'string' || !GO_DURATION.test(v)) throw wrong('a duration string such as "2s" or "1m30s"');
      return v;
    case 'strings': {
      // containers.conf string arrays may end with {append = true} to extend, rather than replace, earlier files' values.
      if (!Array.isArray(v)) throw wrong('an array of strings');
      const values: string[] = [];
      let append = false;
      for (const item of v) {
        if (typeof item === 'string') {
          values.push(item);
        } else if (isTable(item) && Object.keys(item).every((k) => k === 'append') && (item.append === undefined || typeof item.append === 'boolean')) {
          append = item.append === true;
        } else {
          throw wrong('an array of strings, optionally with {append = true}');
        }
      }
      return append ? [...(previous ?? []), ...values] : values;
    }
  }
}
