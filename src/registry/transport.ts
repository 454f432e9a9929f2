// HTTP(S) to one registry host: the scheme (https, or http for an insecure registry that does not speak
// TLS), TLS material from certs.d, the auth challenge dance (anonymous, basic, bearer tokens cached by
// scope), redirects, and retries with backoff on 5xx and dropped connections. Node's own http(s) client
// is used rather than undici: it is already loaded, costs nothing at start-up, and takes the CA, client
// pair and verification switch per agent, which is all a registry needs.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import {BurrowError, HostConfigError, InvalidInputError, NoSuchObjectError} from '../errors';
import {log} from '../log';
import type {Credentials} from './auth-file';
import type {TlsMaterial} from './certs';

export interface EndpointOptions {
  /** "host[:port]" */
  host: string;
  /** skip TLS verification and allow plain http (--tls-verify=false, insecure = true) */
  insecure: boolean;
  tls: TlsMaterial;
  credentials?: Credentials;
  /** attempts after the first one, for 5xx, 429 and dropped connections */
  retries: number;
  retryDelayMs: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** request body: bytes, or a function opening a fresh stream (called again on retries) */
  body?: Buffer | (() => NodeJS.ReadableStream);
  contentLength?: number;
  /** token scope for bearer auth, e.g. "repository:library/busybox:pull" */
  scope?: string;
  /** statuses returned to the caller instead of thrown */
  accept?: number[];
  /** what the request is about, for error messages ("manifest busybox:latest") */
  what?: string;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  url: URL;
}

/** The registry said no to these credentials (or to none): `login` is the fix. */
export class RegistryAuthError extends BurrowError {}
/** The registry could not be reached or spoke nonsense. */
export class RegistryUnavailableError extends BurrowError {}

interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

const USER_AGENT = 'burrow/0.1 (containers/image compatible)';

export class RegistryTransport {
  private scheme: 'https' | 'http' = 'https';
  private schemeChecked?: Promise<void>;
  private challenge?: Challenge;
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent = new http.Agent({keepAlive: true, maxSockets: 16});

  constructor(readonly opts: EndpointOptions) {
    this.httpsAgent = new https.Agent({
      keepAlive: true, maxSockets: 16,
      ca: opts.tls.ca.length > 0 ? [...tls.rootCertificates, ...opts.tls.ca.map((b) => b.toString())] : undefined,
      cert: opts.tls.cert, key: opts.tls.key,
      rejectUnauthorized: !opts.insecure,
    });
  }

  get host(): string {
    return this.opts.host;
  }

  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  /**
   * Sends a request, authenticating and retrying as needed. Statuses in `accept` (and 2xx) come back
   * with the body unread; anything else is turned into a typed error with the registry's own message.
   */
  async request(method: string, pathAndQuery: string, o: RequestOptions = {}): Promise<Response> {
    await this.pickScheme();
    let authTried = false;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.send(method, new URL(pathAndQuery, this.base()), o, await this.authorization(o.scope));
      } catch (e) {
        if (attempt < this.opts.retries && isTransient(e)) {
          await this.backoff(attempt, `${method} ${pathAndQuery}: ${(e as Error).message}`);
          continue;
        }
        throw this.networkError(e);
      }
      if (res.status === 401 && !authTried) {
        const c = parseChallenge(res.headers['www-authenticate']);
        res.body.resume();
        if (c) {
          authTried = true;
          this.challenge = c;
          if (o.scope) this.tokens.delete(o.scope);
          attempt--;
          continue;
        }
      }
      if ((res.status >= 500 || res.status === 429) && attempt < this.opts.retries) {
        res.body.resume();
        await this.backoff(attempt, `${method} ${pathAndQuery}: HTTP ${res.status}`);
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || o.accept?.includes(res.status)) return res;
      throw await this.httpError(res, o.what ?? pathAndQuery);
    }
  }

  /** Reads a whole (small) response body, refusing absurd sizes. */
  static async readBody(res: Response, limit = 8 * 1024 * 1024): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of res.body) {
      n += (c as Buffer).length;
      if (n > limit) {
        res.body.destroy();
        throw new InvalidInputError(`registry ${res.url.host} sent more than ${limit} bytes for ${res.url.pathname}`, {hint: 'the registry is misbehaving'});
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Docker Hub's API lives on another host than its name. */
  private base(): string {
    const endpoint = this.opts.host === 'docker.io' ? 'registry-1.docker.io' : this.opts.host;
    return `${this.scheme}://${endpoint}`;
  }

  /** `login`: the registry accepts these credentials (for a token registry: the token server does). */
  async checkLogin(): Promise<void> {
    try {
      const res = await this.request('GET', '/v2/', {what: `logging into "${this.opts.host}"`});
      res.body.resume();
    } catch (e) {
      if (e instanceof RegistryAuthError) throw new RegistryAuthError(`logging into "${this.opts.host}": invalid username/password`, {hint: 'check the user name and password'});
      throw e;
    }
  }

  /**
   * An insecure registry may speak plain http; find out once with `GET /v2/` as containers/image does,
   * and learn the auth challenge on the way so later requests authenticate up front.
   */
  private pickScheme(): Promise<void> {
    // Parallel first requests (blob uploads) all wait for the one probe.
    this.schemeChecked ??= this.probeScheme();
    return this.schemeChecked;
  }

  private async probeScheme(): Promise<void> {
    const probe = async () => {
      const res = await this.send('GET', new URL('/v2/', this.base()), {}, undefined);
      res.body.resume();
      if (res.status === 401) this.challenge = parseChallenge(res.headers['www-authenticate']);
    };
    try {
      await probe();
    } catch (e) {
      if (this.opts.insecure && this.scheme === 'https' && isTlsMismatch(e)) {
        log.debug(`${this.opts.host} does not speak TLS: using http`);
        this.scheme = 'http';
        try {
          await probe();
        } catch (e2) {
          if (!isTransient(e2)) throw this.networkError(e2);
        }
        return;
      }
      // Transient failures are retried by the real request; the rest are final now.
      if (!isTransient(e)) throw this.networkError(e);
    }
  }

  private send(method: string, url: URL, o: RequestOptions, auth: string | undefined, redirects = 0): Promise<Response> {
    const headers: Record<string, string> = {'user-agent': USER_AGENT, ...o.headers};
    if (auth) headers.authorization = auth;
    if (o.contentLength !== undefined) headers['content-length'] = String(o.contentLength);
    else if (Buffer.isBuffer(o.body)) headers['content-length'] = String(o.body.length);
    log.debug(`registry: ${method} ${url.href}`);
    return new Promise<Response>((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, {method, headers, agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent, timeout: 60_000}, (res) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && res.headers.location && redirects < 5) {
          res.resume();
          const next = new URL(res.headers.location, url);
          // Credentials for the registry are not for the storage it redirects to.
          const keepAuth = next.host === url.host ? auth : undefined;
          const nextMethod = status === 303 ? 'GET' : method;
          this.send(nextMethod, next, {...o, body: status === 303 ? undefined : o.body}, keepAuth, redirects + 1).then(resolve, reject);
          return;
        }
        resolve({status, headers: res.headers, body: res, url});
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('no response for 60 s'), {code: 'ETIMEDOUT'})));
      req.on('error', reject);
      if (o.body === undefined) req.end();
      else if (Buffer.isBuffer(o.body)) req.end(o.body);
      else {
        const stream = o.body();
        stream.on('error', (e) => req.destroy(e));
        stream.pipe(req);
      }
    });
  }

  private async authorization(scope: string | undefined): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    const creds = this.opts.credentials;
    if (c.scheme === 'basic') {
      if (!creds) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const key = scope ?? '';
    let token = this.tokens.get(key);
    if (!token) {
      token = this.fetchToken(c.params, scope);
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await token}`;
  }

  /** The Docker token flow: GET the realm with service and scope (basic auth when we have credentials), or POST a refresh token. */
  private async fetchToken(params: Record<string, string>, scope: string | undefined): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new RegistryUnavailableError(`registry ${this.opts.host} asked for a bearer token without saying where to get one`);
    const url = new URL(realm);
    const creds = this.opts.credentials;
    const query = new URLSearchParams();
    if (params.service) query.set('service', params.service);
    if (scope) query.set('scope', scope);
    let res: Response;
    try {
      if (creds?.identityToken) {
        const form = new URLSearchParams({grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'burrow'});
        if (params.service) form.set('service', params.service);
        if (scope) form.set('scope', scope);
        res = await this.send('POST', url, {headers: {'content-type': 'application/x-www-form-urlencoded'}, body: Buffer.from(form.toString())}, undefined);
      } else {
        for (const [k, v] of query) url.searchParams.set(k, v);
        const auth = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
        res = await this.send('GET', url, {}, auth);
      }
    } catch (e) {
      throw this.networkError(e, url.host);
    }
    const body = await RegistryTransport.readBody(res, 1024 * 1024);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryAuthError(`authentication to ${this.opts.host} failed: ${creds ? 'invalid username or password' : 'the registry needs credentials'}`,
        {hint: `run \`burrow login ${this.opts.host}\``});
    }
    if (res.status !== 200) throw new RegistryUnavailableError(`token server ${url.host} answered HTTP ${res.status}`, {hint: 'try again later'});
    let doc: {token?: unknown; access_token?: unknown} | null;
    try {
      doc = JSON.parse(body.toString());
    } catch {
      throw new RegistryUnavailableError(`token server ${url.host} sent something that is not JSON`);
    }
    const token = doc?.token ?? doc?.access_token;
    if (typeof token !== 'string' || !token) throw new RegistryUnavailableError(`token server ${url.host} sent no token`);
    return token;
  }

  private async backoff(attempt: number, why: string): Promise<void> {
    const ms = this.opts.retryDelayMs * 2 ** attempt;
    log.info(`${why}; retrying in ${ms} ms (attempt ${attempt + 2} of ${this.opts.retries + 1})`);
    await new Promise((r) => setTimeout(r, ms));
  }

  /** Registry error bodies are {"errors":[{"code","message"}]}; turn them into one-line errors with a fix. */
  private async httpError(res: Response, what: string): Promise<BurrowError> {
    let detail = '';
    let code = '';
    try {
      const body = await RegistryTransport.readBody(res, 64 * 1024);
      const doc = JSON.parse(body.toString()) as {errors?: {code?: string; message?: string}[]};
      code = doc.errors?.[0]?.code ?? '';
      detail = doc.errors?.map((e) => e.message ?? e.code).join('; ') ?? '';
    } catch {
      // not JSON: the status line says enough
    }
    const host = this.opts.host;
    const msg = detail ? `: ${detail}` : '';
    if (res.status === 401) {
      return new RegistryAuthError(`${what}: authentication required by ${host}${msg}`,
        {hint: this.opts.credentials ? `the stored credentials were refused; run \`burrow login ${host}\` again` : `run \`burrow login ${host}\` first`});
    }
    if (res.status === 403) return new RegistryAuthError(`${what}: access denied by ${host}${msg}`, {hint: `check that your account on ${host} may do this, or \`burrow login ${host}\` as another user`});
    if (res.status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN') {
      return new NoSuchObjectError(`${what}: not found on ${host}${msg || ': manifest unknown'}`, {hint: 'check the name and tag (`burrow search` lists what a registry has)'});
    }
    if (res.status === 415 || code === 'MANIFEST_INVALID') return new InvalidInputError(`${what}: ${host} refused the media type${msg}`, {hint: 'the registry does not accept this image format'});
    return new RegistryUnavailableError(`${what}: ${host} answered HTTP ${res.status}${msg}`, {hint: res.status >= 500 ? 'the registry is failing; try again later' : undefined});
  }

  private networkError(e: unknown, host = this.opts.host): BurrowError {
    if (e instanceof BurrowError) return e;
    const err = e as NodeJS.ErrnoException;
    const code = err.code ?? '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new RegistryUnavailableError(`cannot reach registry ${host}: unknown host`, {hint: 'check the registry name, or the network and DNS settings'});
    }
    if (code === 'ECONNREFUSED') return new RegistryUnavailableError(`cannot reach registry ${host}: connection refused`, {hint: 'check the address and port, and that the registry is running'});
    if (isTlsMismatch(e)) {
      return new RegistryUnavailableError(`registry ${host} does not speak TLS (http: server gave HTTP response to HTTPS client)`,
        {hint: `use --tls-verify=false, or mark it \`insecure = true\` in registries.conf`});
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      return new HostConfigError(`TLS verification of ${host} failed: ${err.message}`,
        {hint: `put the registry's CA certificate in ~/.config/containers/certs.d/${host}/ca.crt (or /etc/containers/certs.d/), or use --tls-verify=false`});
    }
    return new RegistryUnavailableError(`registry ${host}: ${err.message}`, {hint: 'check the network and try again'});
  }
}

function isTransient(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'].includes(code)
    || /socket hang up|aborted/i.test((e as Error).message ?? '');
}

function isTlsMismatch(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EPROTO' || /wrong version number|packet length too long|WRONG_VERSION_NUMBER/i.test(err.message ?? '');
}

/** `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(h);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return {scheme, params};
}
