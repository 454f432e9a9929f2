// The token server of the Docker registry bearer-token flow, for tests: it authenticates one user and
// issues RS256 JWTs that docker-registry checks against the signing certificate in its rootcertbundle.
// Policy: the right user gets every action asked for; anonymous clients get `pull` on repositories
// under public/ and nothing else; wrong credentials get 401. registry.ts runs it as its own process
// (`node token-server.js OPTIONS.json`), because tests block their event loop in spawnSync while
// burrow or skopeo talk to it.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';

export interface TokenServerOptions {
  service: string;
  issuer: string;
  user: string;
  password: string;
  /** PEM RSA private key and the certificate of its public key (sent in the JWT's x5c header). */
  signingKey: string;
  signingCert: string;
  /** Serve https with this certificate (it must be valid for 127.0.0.1). */
  tls?: {cert: string; key: string};
  /** Token lifetime in seconds. */
  expiresIn?: number;
  /** Append each answered request to this file as a JSON line. */
  requestLog?: string;
}

export interface TokenRequest {
  method: string;
  /** 'password' (user and password), 'anonymous', 'refresh_token' or 'rejected'. */
  auth: string;
  scopes: string[];
  granted: Access[];
}

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenServer {
  /** URL of the token endpoint, as the registry's realm. */
  realm: string;
  /** Every request answered, so tests can tell whether and how a client used the flow. */
  requests: TokenRequest[];
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** "repository:NAME:pull,push" → Access; names may not contain ':' but the type may ("repository(plugin)"). */
function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean)};
}

export function startTokenServer(o: TokenServerOptions): Promise<TokenServer> {
  const x5c = [new crypto.X509Certificate(o.signingCert).raw.toString('base64')];
  const key = crypto.createPrivateKey(o.signingKey);
  const lifetime = o.expiresIn ?? 300;
  const requests: TokenRequest[] = [];
  const record = (r: TokenRequest) => {
    requests.push(r);
    if (o.requestLog) fs.appendFileSync(o.requestLog, JSON.stringify(r) + '\n');
  };
  const refreshTokens = new Map<string, string>();

  const sign = (subject: string, access: Access[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = {typ: 'JWT', alg: 'RS256', x5c};
    const claims = {
      iss: o.issuer, sub: subject, aud: o.service, exp: now + lifetime, nbf: now - 10, iat: now,
      jti: crypto.randomBytes(16).toString('hex'), access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), key))}`;
  };

  const grant = (authenticated: boolean, scopes: string[]): Access[] => {
    const out: Access[] = [];
    for (const s of scopes) {
      const a = parseScope(s);
      if (!a) continue;
      const actions = authenticated ? a.actions
        : a.type === 'repository' && a.name.startsWith('public/') ? a.actions.filter((x) => x === 'pull') : [];
      // A scope that grants nothing is left out, as real token servers do; the registry then answers 401.
      if (actions.length) out.push({...a, actions});
    }
    return out;
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {'Content-Type': 'application/json', ...headers});
    res.end(JSON.stringify(body));
  };
  const deny = (res: http.ServerResponse, method: string, scopes: string[]) => {
    record({method, auth: 'rejected', scopes, granted: []});
    send(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'invalid username or password'}]},
      {'WWW-Authenticate': 'Basic realm="burrow-test-token"'});
  };
  const issue = (res: http.ServerResponse, method: string, auth: string, subject: string, scopes: string[], refresh: boolean) => {
    const granted = grant(auth !== 'anonymous', scopes);
    record({method, auth, scopes, granted});
    const token = sign(subject, granted);
    const body: Record<string, unknown> = {token, access_token: token, expires_in: lifetime, issued_at: new Date().toISOString()};
    if (refresh && subject) {
      const rt = crypto.randomBytes(24).toString('base64url');
      refreshTokens.set(rt, subject);
      body.refresh_token = rt;
    }
    send(res, 200, body);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') return send(res, 404, {errors: [{code: 'NOT_FOUND', message: url.pathname}]});
    if (req.method === 'GET') {
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
      if (url.searchParams.get('service') !== o.service) {
        return send(res, 400, {errors: [{code: 'UNSUPPORTED', message: `unknown service ${url.searchParams.get('service')}`}]});
      }
      const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
      if (!basic) return issue(res, 'GET', 'anonymous', '', scopes, false);
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0 || decoded.slice(0, colon) !== o.user || decoded.slice(colon + 1) !== o.password) return deny(res, 'GET', scopes);
      return issue(res, 'GET', 'password', o.user, scopes, url.searchParams.get('offline_token') === 'true');
    }
    if (req.method === 'POST') {
      // The OAuth2 form of the spec, which clients use when they hold a refresh (identity) token.
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const f = new URLSearchParams(body);
        const scopes = (f.get('scope') ?? '').split(' ').filter(Boolean);
        if (f.get('service') !== o.service) return send(res, 400, {errors: [{code: 'UNSUPPORTED', message: 'unknown service'}]});
        const grantType = f.get('grant_type');
        if (grantType === 'password') {
          if (f.get('username') !== o.user || f.get('password') !== o.password) return deny(res, 'POST', scopes);
          return issue(res, 'POST', 'password', o.user, scopes, f.get('access_type') === 'offline');
        }
        if (grantType === 'refresh_token') {
          const subject = refreshTokens.get(f.get('refresh_token') ?? '');
          if (!subject) return deny(res, 'POST', scopes);
          return issue(res, 'POST', 'refresh_token', subject, scopes, false);
        }
        send(res, 400, {errors: [{code: 'UNSUPPORTED', message: `grant_type ${grantType}`}]});
      });
      return;
    }
    send(res, 405, {errors: [{code: 'UNSUPPORTED', message: req.method}]});
  };

  const server = o.tls ? https.createServer({cert: o.tls.cert, key: o.tls.key}, handler) : http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        realm: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}/token`,
        requests,
        close: () => new Promise((r) => {
          // Keep-alive sockets from clients would hold close() open.
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}

// As a process: options from the JSON file named by the first argument; prints "listening PORT" once ready.
if (require.main === module) {
  const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as TokenServerOptions;
  startTokenServer(opts).then((t) => {
    process.stdout.write(`listening ${new URL(t.realm).port}\n`);
    process.on('SIGTERM', () => void t.close().then(() => process.exit(0)));
  }, (e: Error) => {
    process.stderr.write(`token server: ${e.message}\n`);
    process.exit(1);
  });
}
