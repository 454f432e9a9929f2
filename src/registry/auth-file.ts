// Registry credentials in the same files Podman and Docker use (containers auth.json, ~/.docker/config.json,
// the legacy ~/.dockercfg), looked up in containers/image's order and key matching, including Docker
// credential helpers; and the edits `login` / `logout` make to the auth file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError, ProcessError} from '../errors';
import {log} from '../log';
import {run} from '../process/runner';
import {writeFileAtomic} from '../storage/atomic-file';

export interface Credentials { username: string; password: string; identityToken?: string }
export interface AuthLocations { env: NodeJS.ProcessEnv; home: string; uid: number; authfile?: string }

interface AuthFile {
  path: string;
  /** ~/.dockercfg: the whole file is the "auths" map, keyed by registry (often as a /v1/ URL) */
  legacy: boolean;
}

interface AuthEntry { auth?: unknown; identitytoken?: unknown }

interface FileContents {
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

/** What Docker calls the Hub in its files and helper protocol. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

function explicitFile(loc: AuthLocations): string | undefined {
  return loc.authfile || loc.env.REGISTRY_AUTH_FILE || undefined;
}

/** The file `login` writes and `logout` edits; also the first one read. */
function primaryFile(loc: AuthLocations): string {
  const explicit = explicitFile(loc);
  if (explicit) return explicit;
  const runtimeDir = loc.env.XDG_RUNTIME_DIR;
  if (runtimeDir) return path.join(runtimeDir, 'containers', 'auth.json');
  return `/run/containers/${loc.uid}/auth.json`;
}

function searchList(loc: AuthLocations): AuthFile[] {
  const first: AuthFile = {path: primaryFile(loc), legacy: false};
  if (explicitFile(loc)) return [first];
  const configHome = loc.env.XDG_CONFIG_HOME || path.join(loc.home, '.config');
  const dockerDir = loc.env.DOCKER_CONFIG || path.join(loc.home, '.docker');
  return [
    first,
    {path: path.join(configHome, 'containers', 'auth.json'), legacy: false},
    {path: path.join(dockerDir, 'config.json'), legacy: false},
    {path: path.join(loc.home, '.dockercfg'), legacy: true},
  ];
}

/** Files that would be read, in order, for `burrow info`/debug. */
export function authFiles(loc: AuthLocations): string[] {
  return searchList(loc).map((f) => f.path);
}

function malformed(file: string, why: string): HostConfigError {
  return new HostConfigError(`credentials file ${file} is not valid: ${why}`, {hint: 'fix the JSON or delete the file (and log in again)'});
}

/** The raw JSON object of a file, or undefined when it does not exist. */
function readObject(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new HostConfigError(`cannot read credentials file ${file}: ${(e as Error).message}`, {hint: 'fix its permissions or delete it'});
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw malformed(file, (e as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(file, 'the top level must be a JSON object');
  return value as Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readContents(f: AuthFile): FileContents | undefined {
  const raw = readObject(f.path);
  if (raw === undefined) return undefined;
  if (f.legacy) return {auths: raw as Record<string, AuthEntry>, credHelpers: {}};
  if (raw.auths !== undefined && !isObject(raw.auths)) throw malformed(f.path, '"auths" must be an object');
  if (raw.credHelpers !== undefined && !isObject(raw.credHelpers)) throw malformed(f.path, '"credHelpers" must be an object');
  return {
    auths: (raw.auths ?? {}) as Record<string, AuthEntry>,
    credHelpers: (raw.credHelpers ?? {}) as Record<string, string>,
    credsStore: typeof raw.credsStore === 'string' && raw.credsStore !== '' ? raw.credsStore : undefined,
  };
}

/** Keys are a registry host or host/namespace…; URLs, tags and digests are refused, as containers/image does. */
function validateKey(key: string): void {
  const refuse = (why: string) => new InvalidInputError(`credentials key "${key}" ${why}`, {hint: 'use a registry host[:port], optionally followed by /namespace/repository'});
  if (key === '') throw refuse('is empty');
  if (/^https?:\/\//.test(key)) throw refuse('must not start with http:// or https://');
  if (key.includes('@')) throw refuse("must not contain '@'");
  const slash = key.indexOf('/');
  if (slash >= 0 && key.slice(slash + 1).includes(':')) throw refuse("must not contain ':' after the host (no tags)");
}

function registryOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

function normalizeRegistry(registry: string): string {
  return registry === 'docker.io' || registry === 'registry-1.docker.io' ? 'index.docker.io' : registry;
}

/** Turns a file key such as "https://index.docker.io/v1/" into the registry host it stands for. */
function normalizeFileKey(key: string, legacy: boolean): string {
  const stripped = key.replace(/^https?:\/\//, '');
  const host = legacy || stripped !== key ? stripped.split('/')[0] : stripped;
  return normalizeRegistry(host);
}

/** An undefined result means "nothing usable here": a missing ':' or an empty marker entry written for a helper. */
function decodeEntry(entry: AuthEntry): Credentials | undefined {
  if (!isObject(entry) || typeof entry.auth !== 'string' || entry.auth === '') return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const creds: Credentials = {username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '')};
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') creds.identityToken = entry.identitytoken;
  return creds;
}

/** key, then each shorter path prefix, down to the host; a legacy file only knows hosts. */
function lookupOrder(key: string, legacy: boolean): string[] {
  if (legacy) return [registryOf(key)];
  const out: string[] = [];
  for (let k = key; ; k = k.slice(0, k.lastIndexOf('/'))) {
    out.push(k);
    if (!k.includes('/')) break;
  }
  return out;
}

async function fromHelper(helper: string, server: string, env: NodeJS.ProcessEnv, file: string, optional: boolean): Promise<Credentials | undefined> {
  const bin = `docker-credential-${helper}`;
  let result;
  try {
    result = await run([bin, 'get'], {input: server, env, okStatuses: [0, 1], timeoutMs: 60_000});
  } catch (e) {
    if (optional && e instanceof ProcessError && e.status === null) {
      log.debug(`credsStore helper ${bin} from ${file} is not usable: ${e.message}`);
      return undefined;
    }
    throw new HostConfigError(`credential helper ${bin} (named in ${file}) failed: ${(e as Error).message}`, {hint: `install ${bin} or remove it from ${file}`});
  }
  const out = result.stdout.trim();
  if (result.status !== 0) {
    // The helper protocol reports a missing entry on stdout with this fixed text.
    if (/credentials not found/i.test(out)) return undefined;
    throw new HostConfigError(`credential helper ${bin} (named in ${file}) failed for ${server}: ${out || result.stderr.trim()}`, {hint: `check ${bin}, or remove it from ${file}`});
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new HostConfigError(`credential helper ${bin} (named in ${file}) printed something that is not JSON`, {hint: `check ${bin}, or remove it from ${file}`});
  }
  if (!isObject(parsed) || typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string') {
    throw new HostConfigError(`credential helper ${bin} (named in ${file}) printed JSON without Username and Secret`, {hint: `check ${bin}, or remove it from ${file}`});
  }
  // Docker's convention: a "<token>" user means the secret is an identity (refresh) token.
  if (parsed.Username === '<token>') return {username: '', password: '', identityToken: parsed.Secret};
  return {username: parsed.Username, password: parsed.Secret};
}

async function findInFile(f: AuthFile, key: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const contents = readContents(f);
  if (!contents) return undefined;
  const registry = registryOf(key);
  // Helpers hold per-registry credentials only, so they are asked about the host, never a namespace.
  const helper = contents.credHelpers[registry];
  if (typeof helper === 'string' && helper !== '') return fromHelper(helper, registry, env, f.path, false);

  for (const k of lookupOrder(key, f.legacy)) {
    if (Object.prototype.hasOwnProperty.call(contents.auths, k)) {
      const found = decodeEntry(contents.auths[k]);
      if (found) return found;
      break;
    }
  }
  // Docker and old `docker login` wrote URLs as keys; match them by the host they name.
  const normalized = normalizeRegistry(registry);
  for (const [k, entry] of Object.entries(contents.auths)) {
    if (normalizeFileKey(k, f.legacy) === normalized) {
      const found = decodeEntry(entry);
      if (found) return found;
    }
  }
  // containers/image ignores credsStore; Docker keeps every credential there and leaves empty markers in
  // "auths", so consult it last, with the server name Docker stores Hub credentials under.
  if (contents.credsStore) {
    const server = normalized === 'index.docker.io' ? DOCKER_HUB_SERVER : registry;
    return fromHelper(contents.credsStore, server, env, f.path, true);
  }
  return undefined;
}

export async function lookupCredentials(loc: AuthLocations, name: string /* host/repo path, e.g. 127.0.0.1:5000/test/busybox or just a host */): Promise<Credentials | undefined> {
  validateKey(name);
  for (const f of searchList(loc)) {
    const found = await findInFile(f, name, loc.env);
    if (found) {
      log.debug(`credentials for ${name} found in ${f.path}`);
      return found;
    }
  }
  return undefined;
}

/**
 * The file `login` writes and `logout` edits. A set but missing XDG_RUNTIME_DIR is a mistake to report,
 * not to create. With none set (su, ssh without logind, cron) /run/containers/UID is root's to create,
 * so credentials go to the user's config file instead: the next one Podman, skopeo and burrow read.
 */
function writableFile(loc: AuthLocations): string {
  if (explicitFile(loc)) return primaryFile(loc);
  const runtimeDir = loc.env.XDG_RUNTIME_DIR;
  if (!runtimeDir) return searchList(loc)[1].path;
  if (!fs.existsSync(runtimeDir)) {
    throw new HostConfigError(`XDG_RUNTIME_DIR is set to ${runtimeDir}, which does not exist`, {hint: 'create that directory, unset XDG_RUNTIME_DIR, or pass --authfile'});
  }
  return primaryFile(loc);
}

function writeObject(file: string, value: Record<string, unknown>): void {
  try {
    fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
    writeFileAtomic(file, JSON.stringify(value, null, '\t') + '\n', 0o600);
  } catch (e) {
    throw new HostConfigError(`cannot write credentials to ${file}: ${(e as Error).message}`, {hint: 'pass --authfile PATH (or set REGISTRY_AUTH_FILE) to a file you can write'});
  }
}

/** Stores credentials under `key` (a host, or host/path): into the explicit file if given, else $XDG_RUNTIME_DIR/containers/auth.json (the config dir's auth.json without XDG_RUNTIME_DIR). File and created dirs are 0600/0700; atomic write; other entries and unknown top-level keys are kept. Returns the file written. */
export function storeCredentials(loc: AuthLocations, key: string, creds: {username: string; password: string}): string {
  validateKey(key);
  const file = writableFile(loc);
  const raw = readObject(file) ?? {};
  if (raw.auths !== undefined && !isObject(raw.auths)) throw malformed(file, '"auths" must be an object');
  const auths = {...((raw.auths as Record<string, unknown> | undefined) ?? {})};
  auths[key] = {auth: Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')};
  writeObject(file, {...raw, auths});
  return file;
}

/**
 * Removes `key` (or every entry when key is undefined = logout --all) from the write file. Podman's logout,
 * with or without --all, edits only that file; Docker's files are left to Docker. Returns true if something was removed.
 */
export function removeCredentials(loc: AuthLocations, key?: string): boolean {
  if (key !== undefined) validateKey(key);
  const file = writableFile(loc);
  const raw = readObject(file);
  if (raw === undefined) return false;
  if (raw.auths !== undefined && !isObject(raw.auths)) throw malformed(file, '"auths" must be an object');
  const auths = {...((raw.auths as Record<string, unknown> | undefined) ?? {})};
  let removed: boolean;
  if (key === undefined) {
    removed = Object.keys(auths).length > 0;
    for (const k of Object.keys(auths)) delete auths[k];
  } else {
    removed = Object.prototype.hasOwnProperty.call(auths, key);
    delete auths[key];
  }
  if (removed) writeObject(file, {...raw, auths});
  return removed;
}
