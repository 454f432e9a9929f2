// The containers registries configuration (registries.conf, its drop-ins and the short-name alias cache),
// read with Podman's file precedence and merge rules so that an administrator's settings on a shared host
// (mirrors, blocked or insecure registries, search list, aliases) apply to burrow too. Also answers where
// a repository is pulled from or pushed to under that configuration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError} from '../errors';
import {writeFileAtomic} from '../storage/atomic-file';
import {dropInFiles, parseTomlFile, readConfigText, toml, type TomlTable} from './config-files';

export interface MirrorEntry { location: string; insecure: boolean; pullFromMirror: 'all' | 'digest-only' | 'tag-only' }
export interface RegistryEntry {
  prefix: string;
  location: string;
  insecure: boolean;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: MirrorEntry[];
  /** the file that defined this entry, for error messages */
  source?: string;
}
export type ShortNameMode = 'enforcing' | 'permissive' | 'disabled';
export interface RegistriesConfig {
  unqualifiedSearchRegistries: string[];
  shortNameMode: ShortNameMode;
  /** short name (no tag) -> fully qualified name */
  aliases: Map<string, string>;
  registries: RegistryEntry[];
  /** files actually read, in order (burrow info shows them) */
  sources: string[];
}
export interface ConfigLocations {
  env: NodeJS.ProcessEnv;
  home: string;
  /** default /etc/containers; tests pass a temp dir */
  etcDir?: string;
  /** Selects the per-user alias cache (true, the default) or the system one under /var/cache. */
  rootless?: boolean;
}

type Table = TomlTable;

/** What one file contributes; undefined fields were not set in it and leave earlier values alone. */
interface Layer {
  file: string;
  registries: RegistryEntry[];
  search?: string[];
  mode?: ShortNameMode;
  /** an empty value resets an alias set by an earlier file */
  aliases: Map<string, string>;
}

const MODES: readonly string[] = ['enforcing', 'permissive', 'disabled'];
const PULL_FROM_MIRROR: readonly string[] = ['all', 'digest-only', 'tag-only'];
const V2_KEYS = ['registry', 'unqualified-search-registries', 'credential-helpers', 'short-name-mode', 'additional-layer-store-auth-helper', 'aliases'];
const FIX = 'fix or remove the file';

/** The user's registries.conf lives under $HOME/.config regardless of XDG_CONFIG_HOME, as containers/image has it. */
function userConfDir(loc: ConfigLocations): string {
  return path.join(loc.home, '.config', 'containers');
}

/** The machine-written alias cache: per-user cache home when rootless, /var/cache otherwise. */
export function shortNameAliasesFile(loc: ConfigLocations): string {
  if (loc.rootless === false) return '/var/cache/containers/short-name-aliases.conf';
  const cache = loc.env.XDG_CACHE_HOME || path.join(loc.home, '.cache');
  return path.join(cache, 'containers', 'short-name-aliases.conf');
}

export function loadRegistriesConfig(loc: ConfigLocations): RegistriesConfig {
  const etc = loc.etcDir ?? '/etc/containers';
  const userDir = userConfDir(loc);
  const userFile = path.join(userDir, 'registries.conf');
  const envFile = loc.env.CONTAINERS_REGISTRIES_CONF || loc.env.REGISTRIES_CONFIG_PATH || undefined;

  // The environment variable and the user's file replace the main file only; drop-ins still apply, except
  // that a user file shuts out the system drop-in directory.
  let main: string;
  let dropInDirs: string[];
  if (envFile) {
    main = envFile;
    dropInDirs = [path.join(etc, 'registries.conf.d'), path.join(userDir, 'registries.conf.d')];
  } else if (fs.existsSync(userFile)) {
    main = userFile;
    dropInDirs = [path.join(userDir, 'registries.conf.d')];
  } else {
    main = path.join(etc, 'registries.conf');
    dropInDirs = [path.join(etc, 'registries.conf.d'), path.join(userDir, 'registries.conf.d')];
  }

  const cfg: RegistriesConfig = {unqualifiedSearchRegistries: [], shortNameMode: 'permissive', aliases: new Map(), registries: [], sources: []};
  const mainText = readConfigText(main);
  if (mainText === undefined && envFile) {
    throw new HostConfigError(`registries configuration ${main} (from CONTAINERS_REGISTRIES_CONF) does not exist`, {
      hint: 'create the file or unset CONTAINERS_REGISTRIES_CONF',
    });
  }
  if (mainText !== undefined) apply(cfg, parseLayer(main, mainText, false));
  for (const file of dropInFiles(dropInDirs)) {
    const text = readConfigText(file);
    // A drop-in removed between listing and reading is an expected race.
    if (text !== undefined) apply(cfg, parseLayer(file, text, true));
  }
  const aliasFile = shortNameAliasesFile(loc);
  const aliasText = readConfigText(aliasFile);
  if (aliasText !== undefined) {
    const doc = parseTomlFile(aliasFile, aliasText);
    apply(cfg, {file: aliasFile, registries: [], aliases: parseAliases(aliasFile, doc.aliases)});
  }
  for (const [k, v] of cfg.aliases) if (v === '') cfg.aliases.delete(k);
  return cfg;
}

function bad(file: string, what: string): HostConfigError {
  return new HostConfigError(`${file}: ${what}`, {hint: FIX});
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function optString(file: string, t: Table, key: string, ctx: string): string | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(file, `${ctx}${key} must be a string`);
  return v;
}

function optBool(file: string, t: Table, key: string, ctx: string): boolean {
  const v = t[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw bad(file, `${ctx}${key} must be true or false`);
  return v;
}

function optStrings(file: string, t: Table, key: string, ctx: string): string[] | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(file, `${ctx}${key} must be an array of strings`);
  return v as string[];
}

/** Trailing slashes go; URL schemes are refused because a location is host[:port][/path]. */
function cleanLocation(file: string, value: string, what: string): string {
  const trimmed = value.replace(/\/+$/, '');
  if (/^https?:\/\//.test(trimmed)) throw bad(file, `${what} "${value}" must not have an http:// or https:// scheme`);
  return trimmed;
}

const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

function parseLayer(file: string, text: string, dropIn: boolean): Layer {
  const doc = parseTomlFile(file, text);
  const v1 = isTable(doc.registries) ? (doc.registries as Table) : undefined;
  const v1Set = v1 !== undefined && ['search', 'insecure', 'block'].some((k) => isTable(v1[k]) && (v1[k] as Table).registries !== undefined);
  const v2Set = V2_KEYS.some((k) => doc[k] !== undefined);
  if (v1Set) {
    if (dropIn) throw bad(file, 'drop-in files must use the v2 format ([[registry]] tables), not [registries.search/insecure/block]');
    if (v2Set) throw bad(file, 'mixes the v1 format ([registries.*]) with v2 keys; use one format');
    return fromV1(file, v1 as Table);
  }

  const layer: Layer = {file, registries: [], aliases: new Map()};
  const search = optStrings(file, doc, 'unqualified-search-registries', '');
  if (search !== undefined) {
    layer.search = search.map((s) => {
      const host = cleanLocation(file, s, 'unqualified-search-registries entry');
      if (!DOMAIN.test(host)) throw bad(file, `unqualified-search-registries entry "${s}" is not a host[:port]`);
      return host;
    });
  }
  const mode = optString(file, doc, 'short-name-mode', '');
  if (mode !== undefined && mode !== '') {
    if (!MODES.includes(mode)) throw bad(file, `short-name-mode "${mode}" must be one of ${MODES.join(', ')}`);
    layer.mode = mode as ShortNameMode;
  }
  const regs = doc.registry;
  if (regs !== undefined) {
    if (!Array.isArray(regs) || !regs.every(isTable)) throw bad(file, 'registry must be an array of tables ([[registry]])');
    layer.registries = regs.map((r, i) => parseRegistry(file, r as Table, i));
  }
  checkConflicts(file, layer.registries);
  layer.registries = uniqueSorted(layer.registries);
  layer.aliases = parseAliases(file, doc.aliases);
  return layer;
}

function parseRegistry(file: string, r: Table, index: number): RegistryEntry {
  const ctx = `registry[${index}].`;
  const location = cleanLocation(file, optString(file, r, 'location', ctx) ?? '', `${ctx}location`);
  let prefix = cleanLocation(file, optString(file, r, 'prefix', ctx) ?? '', `${ctx}prefix`);
  if (prefix === '') {
    if (location === '') throw bad(file, `${ctx}: set location (or a "*.domain" prefix)`);
    prefix = location;
  } else if (prefix.startsWith('*.')) {
    if (/[/@:]/.test(prefix)) throw bad(file, `${ctx}prefix "${prefix}": a wildcard prefix must look like *.example.com (no port, path or digest)`);
  } else if (location === '') {
    throw bad(file, `${ctx}location is empty; only a "*.example.com" wildcard prefix may omit it`);
  }
  if (r['pull-from-mirror'] !== undefined) throw bad(file, `${ctx}pull-from-mirror belongs in a [[registry.mirror]] table, not on the registry`);
  const mirrorByDigestOnly = optBool(file, r, 'mirror-by-digest-only', ctx);
  const rawMirrors = r.mirror ?? [];
  if (!Array.isArray(rawMirrors) || !rawMirrors.every(isTable)) throw bad(file, `${ctx}mirror must be an array of tables ([[registry.mirror]])`);
  const mirrors = rawMirrors.map((m, j): MirrorEntry => {
    const mctx = `${ctx}mirror[${j}].`;
    const mloc = cleanLocation(file, optString(file, m as Table, 'location', mctx) ?? '', `${mctx}location`);
    if (mloc === '') throw bad(file, `${mctx}location must be set`);
    const pfm = optString(file, m as Table, 'pull-from-mirror', mctx) ?? '';
    if (pfm !== '' && !PULL_FROM_MIRROR.includes(pfm)) throw bad(file, `${mctx}pull-from-mirror "${pfm}" must be one of ${PULL_FROM_MIRROR.join(', ')}`);
    if (pfm !== '' && mirrorByDigestOnly) throw bad(file, `${ctx}: mirror-by-digest-only and a mirror's pull-from-mirror cannot both be set`);
    return {location: mloc, insecure: optBool(file, m as Table, 'insecure', mctx), pullFromMirror: (pfm || 'all') as MirrorEntry['pullFromMirror']};
  });
  return {
    prefix, location, mirrors, mirrorByDigestOnly, source: file,
    insecure: optBool(file, r, 'insecure', ctx),
    blocked: optBool(file, r, 'blocked', ctx),
  };
}

/** One location listed twice (for several prefixes) must agree on whether it is insecure or blocked. */
function checkConflicts(file: string, regs: RegistryEntry[]): void {
  const seen = new Map<string, RegistryEntry>();
  for (const r of regs) {
    const key = r.location || r.prefix;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, r);
      continue;
    }
    for (const field of ['insecure', 'blocked'] as const) {
      if (other[field] !== r[field]) throw bad(file, `registry "${key}" is defined more than once with different "${field}" settings`);
    }
  }
}

/** The first entry for a prefix wins, later ones could never match; sorted by prefix like containers/image. */
function uniqueSorted(regs: RegistryEntry[]): RegistryEntry[] {
  const byPrefix = new Map<string, RegistryEntry>();
  for (const r of regs) if (!byPrefix.has(r.prefix)) byPrefix.set(r.prefix, r);
  return [...byPrefix.keys()].sort(compareBytes).map((k) => byPrefix.get(k)!);
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fromV1(file: string, v1: Table): Layer {
  const list = (k: string): string[] => {
    const t = v1[k];
    if (!isTable(t)) return [];
    return optStrings(file, t, 'registries', `registries.${k}.`) ?? [];
  };
  const byLocation = new Map<string, RegistryEntry>();
  const get = (raw: string): RegistryEntry => {
    const location = cleanLocation(file, raw, 'registry');
    let r = byLocation.get(location);
    if (!r) {
      r = {prefix: location, location, insecure: false, blocked: false, mirrorByDigestOnly: false, mirrors: [], source: file};
      byLocation.set(location, r);
    }
    return r;
  };
  for (const b of list('block')) get(b).blocked = true;
  for (const i of list('insecure')) get(i).insecure = true;
  const searchTable = v1.search;
  const search = isTable(searchTable) && searchTable.registries !== undefined ? list('search').map((s) => cleanLocation(file, s, 'search registry')) : undefined;
  return {file, registries: uniqueSorted([...byLocation.values()]), search, aliases: new Map()};
}

/** Later files replace registries with the same prefix, the search list and the mode when they set them; aliases merge per name. */
function apply(cfg: RegistriesConfig, layer: Layer): void {
  if (layer.registries.length > 0) {
    const byPrefix = new Map(cfg.registries.map((r) => [r.prefix, r]));
    for (const r of layer.registries) byPrefix.set(r.prefix, r);
    cfg.registries = [...byPrefix.keys()].sort(compareBytes).map((k) => byPrefix.get(k)!);
  }
  if (layer.search !== undefined) cfg.unqualifiedSearchRegistries = [...layer.search];
  if (layer.mode !== undefined) cfg.shortNameMode = layer.mode;
  for (const [k, v] of layer.aliases) cfg.aliases.set(k, v);
  cfg.sources.push(layer.file);
}

// ---- short-name aliases

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function isRegistryComponent(c: string): boolean {
  return c.includes('.') || c.includes(':') || c === 'localhost';
}

/** A short name: a repository path with no registry, tag or digest. */
function shortNameProblem(name: string): string | undefined {
  if (name.includes('@')) return 'must not contain a digest';
  const parts = name.split('/');
  if (parts.length > 1 && isRegistryComponent(parts[0])) return 'must not name a registry';
  if (parts[parts.length - 1].includes(':')) return 'must not contain a tag';
  if (!parts.every((p) => COMPONENT.test(p))) return 'is not a valid repository name';
  return undefined;
}

/** A fully qualified name without tag or digest, normalised the way Docker Hub names are. Returns [value, problem]. */
function qualifiedName(value: string): [string, string | undefined] {
  if (value.includes('@')) return [value, 'must not contain a digest'];
  const parts = value.split('/');
  if (parts.length < 2 || !isRegistryComponent(parts[0])) return [value, 'must name a registry and a repository'];
  if (parts[parts.length - 1].includes(':')) return [value, 'must not contain a tag'];
  if (!DOMAIN.test(parts[0])) return [value, `"${parts[0]}" is not a host[:port]`];
  const repo = parts.slice(1);
  if (!repo.every((p) => COMPONENT.test(p))) return [value, 'is not a valid repository name'];
  let host = parts[0];
  if (host === 'index.docker.io') host = 'docker.io';
  if (host === 'docker.io' && repo.length === 1) repo.unshift('library');
  return [`${host}/${repo.join('/')}`, undefined];
}

function parseAliases(file: string, raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === undefined) return out;
  if (!isTable(raw)) throw bad(file, '[aliases] must be a table of "short-name" = "registry/repository"');
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw bad(file, `alias "${name}" must be a string`);
    const nameProblem = shortNameProblem(name);
    if (nameProblem) throw bad(file, `alias name "${name}" ${nameProblem}`);
    if (value === '') {
      out.set(name, '');
      continue;
    }
    const [full, problem] = qualifiedName(value);
    if (problem) throw bad(file, `alias "${name}" = "${value}" ${problem}`);
    out.set(name, full);
  }
  return out;
}

/** Records a resolved short name in the user's short-name-aliases.conf (atomic write, creating dirs). */
export function recordAlias(loc: ConfigLocations, shortName: string, fullName: string): void {
  const nameProblem = shortNameProblem(shortName);
  if (nameProblem) throw new InvalidInputError(`short name "${shortName}" ${nameProblem}`, {hint: 'record a repository name without registry, tag or digest'});
  const [full, problem] = qualifiedName(fullName);
  if (problem) throw new InvalidInputError(`alias target "${fullName}" ${problem}`, {hint: 'use registry/repository without tag or digest'});
  const file = shortNameAliasesFile(loc);
  const text = readConfigText(file);
  const doc: Table = text === undefined ? {} : parseTomlFile(file, text);
  const aliases: Table = isTable(doc.aliases) ? {...doc.aliases} : {};
  aliases[shortName] = full;
  doc.aliases = aliases;
  fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
  writeFileAtomic(file, toml().stringify(doc) + '\n', 0o600);
}

// ---- lookups

function matchLength(name: string, prefix: string): number {
  if (prefix.startsWith('*.')) {
    // *.example.com matches any subdomain in the host part, followed by a port, path or the end.
    const suffix = prefix.slice(1);
    const at = name.indexOf(suffix);
    if (at < 0 || name.slice(0, at).includes('/')) return -1;
    const end = at + suffix.length;
    return end === name.length || ':/@'.includes(name[end]) ? end : -1;
  }
  if (name === prefix) return prefix.length;
  if (name.length > prefix.length && name.startsWith(prefix) && ':/@'.includes(name[prefix.length])) return prefix.length;
  return -1;
}

/** The [[registry]] entry whose prefix matches `name` ("host[:port]/path…", no tag/digest) best (longest prefix; wildcards per containers/image rules), or undefined. */
export function findRegistry(cfg: RegistriesConfig, name: string): RegistryEntry | undefined {
  let best: RegistryEntry | undefined;
  for (const r of cfg.registries) {
    if (matchLength(name, r.prefix) >= 0 && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

function splitName(name: string): {host: string; repository: string} {
  const slash = name.indexOf('/');
  return slash < 0 ? {host: name, repository: ''} : {host: name.slice(0, slash), repository: name.slice(slash + 1)};
}

function refuseBlocked(cfg: RegistriesConfig, reg: RegistryEntry): void {
  if (!reg.blocked) return;
  const where = reg.source ?? (cfg.sources.join(', ') || 'registries.conf');
  throw new InvalidInputError(`registry "${reg.prefix}" is blocked in ${where}`, {hint: `remove "blocked = true" for it from ${where}, or use another registry`});
}

function rewrite(name: string, reg: RegistryEntry, location: string): string {
  if (location === '') return name;
  return location + name.slice(matchLength(name, reg.prefix));
}

/** Where to pull `name` from, in order: mirrors (filtered by pull-from-mirror / mirror-by-digest-only using byDigest) then the primary location; each with the repository name rewritten (prefix -> location) and its insecure flag. A blocked registry throws InvalidInputError naming the registry and the config file hint. */
export function pullSources(cfg: RegistriesConfig, name: string, opts: {byDigest: boolean}): {host: string; repository: string; insecure: boolean; mirror: boolean}[] {
  const reg = findRegistry(cfg, name);
  if (!reg) return [{...splitName(name), insecure: false, mirror: false}];
  refuseBlocked(cfg, reg);
  const mirrors = reg.mirrorByDigestOnly
    ? (opts.byDigest ? reg.mirrors : [])
    : reg.mirrors.filter((m) => m.pullFromMirror === 'all' || (m.pullFromMirror === 'digest-only') === opts.byDigest);
  return [
    ...mirrors.map((m) => ({...splitName(rewrite(name, reg, m.location)), insecure: m.insecure, mirror: true})),
    {...splitName(rewrite(name, reg, reg.location)), insecure: reg.insecure, mirror: false},
  ];
}

/**
 * Push goes to the primary location only (never mirrors). Like containers/image, the name is not rewritten
 * through prefix -> location on push; the matching entry only decides insecure and blocked.
 */
export function pushTarget(cfg: RegistriesConfig, name: string): {host: string; repository: string; insecure: boolean} {
  const reg = findRegistry(cfg, name);
  if (reg) refuseBlocked(cfg, reg);
  return {...splitName(name), insecure: reg?.insecure ?? false};
}
