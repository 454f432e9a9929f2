// What one command needs to talk to registries: the host's and user's registries.conf and
// containers.conf, credentials from the auth files, TLS material from certs.d, and one transport per
// registry host (so the auth challenge and tokens are learnt once per command). Also resolves short
// names to the fully qualified names to try, as Podman does.
import * as os from 'node:os';
import {InvalidInputError} from '../errors';
import {loadRegistriesConfig, pullSources, pushTarget, type RegistriesConfig} from '../config/registries-conf';
import {loadContainersConfig, type ContainersConfig} from '../config/containers-conf';
import {parseReference, type ImageReference} from '../image/reference';
import {lookupCredentials, type AuthLocations, type Credentials} from './auth-file';
import {tlsMaterialFor} from './certs';
import {RegistryTransport} from './transport';
import {RegistryClient} from './registry-client';

export interface RegistryOptions {
  /** --tls-verify; undefined lets registries.conf decide */
  tlsVerify?: boolean;
  authfile?: string;
  certDir?: string;
  /** --creds USER[:PASS] */
  creds?: string;
  /** --retry / --retry-delay override containers.conf */
  retries?: number;
  retryDelayMs?: number;
}

export interface Source {
  host: string;
  repository: string;
  insecure: boolean;
  mirror: boolean;
}

export class RegistrySession {
  readonly registries: RegistriesConfig;
  readonly containers: ContainersConfig;
  private readonly transports = new Map<string, RegistryTransport>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;

  constructor(readonly opts: RegistryOptions, private readonly identity: {uid: number; rootless: boolean}, env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
    this.home = env.HOME || os.homedir();
    this.registries = loadRegistriesConfig({env, home: this.home});
    this.containers = loadContainersConfig({env, home: this.home});
  }

  get authLocations(): AuthLocations {
    return {env: this.env, home: this.home, uid: this.identity.uid, authfile: this.opts.authfile};
  }

  /** Fully qualified repository names a user's reference may mean, in the order to try them. */
  candidates(input: string): {ref: ImageReference; names: string[]; shortName?: string} {
    const ref = parseReference(input);
    if (!ref.short) {
      // Docker Hub serves "library/busybox", not "busybox"; Podman normalizes docker.io/busybox and index.docker.io so.
      const domain = ref.domain === 'index.docker.io' ? 'docker.io' : ref.domain;
      const path = domain === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
      return {ref: {...ref, domain, path}, names: [`${domain}/${path}`]};
    }
    const alias = this.registries.aliases.get(ref.path);
    if (alias) {
      const target = parseReference(alias);
      return {ref: {...ref, domain: target.domain, path: target.path, short: false}, names: [`${target.domain}/${target.path}`], shortName: ref.path};
    }
    const search = this.registries.unqualifiedSearchRegistries;
    if (search.length === 0) {
      throw new InvalidInputError(`short name "${input}" did not resolve to an alias and no unqualified-search-registries are defined in registries.conf`,
        {hint: `use the full name (e.g. docker.io/library/${ref.path}), or add unqualified-search-registries or an [aliases] entry to ~/.config/containers/registries.conf`});
    }
    const names = search.map((r) => `${r}/${r === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path}`);
    if (this.registries.shortNameMode === 'enforcing' && names.length > 1) {
      throw new InvalidInputError(`short name "${input}" is ambiguous (${names.join(', ')}) and short-name-mode is "enforcing"`,
        {hint: 'use the full name, or add an [aliases] entry to ~/.config/containers/registries.conf'});
    }
    return {ref, names, shortName: ref.path};
  }

  pullSources(name: string, byDigest: boolean): Source[] {
    return pullSources(this.registries, name, {byDigest});
  }

  pushTarget(name: string): Source {
    return {...pushTarget(this.registries, name), mirror: false};
  }

  /** A client for `repository` on `host`; the transport (and its tokens) is shared per host. */
  async client(source: {host: string; repository: string; insecure: boolean}): Promise<RegistryClient> {
    return new RegistryClient(await this.transport(source.host, source.insecure, `${source.host}/${source.repository}`), source.repository);
  }

  async transport(host: string, insecure: boolean, credentialKey = host): Promise<RegistryTransport> {
    const key = `${host}|${insecure}`;
    let t = this.transports.get(key);
    if (!t) {
      t = new RegistryTransport({
        host,
        insecure: this.opts.tlsVerify === false || (this.opts.tlsVerify === undefined && insecure),
        tls: tlsMaterialFor(host, {env: this.env, home: this.home, rootless: this.identity.rootless, certDir: this.opts.certDir}),
        credentials: await this.credentials(credentialKey),
        retries: this.opts.retries ?? this.containers.engine?.retry ?? 3,
        retryDelayMs: this.opts.retryDelayMs ?? parseDelay(this.containers.engine?.retry_delay) ?? 1000,
      });
      this.transports.set(key, t);
    }
    return t;
  }

  get parallelCopies(): number {
    const n = this.containers.engine?.image_parallel_copies;
    return n && n > 0 ? n : 6;
  }

  private async credentials(key: string): Promise<Credentials | undefined> {
    if (this.opts.creds !== undefined) return parseCreds(this.opts.creds);
    return lookupCredentials(this.authLocations, key);
  }

  close(): void {
    for (const t of this.transports.values()) t.close();
  }
}

/** `--creds USER:PASS` (Podman also takes USER alone and prompts; burrow does not prompt). */
export function parseCreds(s: string): Credentials {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new InvalidInputError('--creds needs USERNAME:PASSWORD', {hint: 'or store them once with `burrow login`'});
  return {username: s.slice(0, i), password: s.slice(i + 1)};
}

function parseDelay(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1]) * ({ms: 1, s: 1000, m: 60_000} as Record<string, number>)[m[2]];
}
