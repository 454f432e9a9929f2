// Real registries for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1, run as the
// current user from a private config and storage directory, optionally with TLS from a throwaway CA,
// htpasswd basic auth, or the Docker bearer-token flow backed by the token server in token-server.ts
// (a child process too). Everything a registry creates lives in one temporary directory that stop()
// (or process exit) removes.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type {TokenRequest, TokenServerOptions} from './token-server';

export interface TestRegistry {
  /** "127.0.0.1:PORT", as used in image references. */
  host: string;
  /** "http://127.0.0.1:PORT" or "https://…". */
  url: string;
  /** PEM of the test CA when the registry speaks TLS; its directory holds only CA files, so it works as a cert dir. */
  caFile?: string;
  user?: string;
  password?: string;
  /** Where the registry keeps its blobs and manifests (filesystem driver). */
  storageDir: string;
  /** For auth 'token': the realm the registry sends clients to. */
  tokenRealm?: string;
  /** For auth 'token': every request the token server has answered so far, oldest first. */
  tokenRequests?(): TokenRequest[];
  /** The registry's own output, for diagnosing a failed test. */
  logFile: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  auth?: 'htpasswd' | 'token';
  tls?: boolean;
}

export interface TestCerts {
  dir: string;
  /** CA certificate, alone in its directory. */
  caFile: string;
  /** Server certificate for IP:127.0.0.1 and DNS:localhost, signed by the CA, and its key. */
  certFile: string;
  keyFile: string;
  /** Self-signed certificate and key that sign bearer tokens. */
  tokenCertFile: string;
  tokenKeyFile: string;
}

const live = new Set<{children: ChildProcess[]; dir: string}>();
let certs: TestCerts | undefined;

// mocha ends with process.exit, and a failing run may never reach stop(): nothing may outlive the run.
process.on('exit', () => {
  for (const r of live) {
    for (const c of r.children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(r.dir, {recursive: true, force: true});
  }
  if (certs) fs.rmSync(certs.dir, {recursive: true, force: true});
});

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, {encoding: 'utf8', input});
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The test CA, server certificate and token-signing certificate, made once per process. */
export function testCerts(): TestCerts {
  if (certs) return certs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-test-certs-'));
  for (const sub of ['ca', 'server', 'token']) fs.mkdirSync(path.join(dir, sub));
  const c: TestCerts = {
    dir,
    caFile: path.join(dir, 'ca', 'ca.crt'),
    certFile: path.join(dir, 'server', 'server.crt'),
    keyFile: path.join(dir, 'server', 'server.key'),
    tokenCertFile: path.join(dir, 'token', 'token.crt'),
    tokenKeyFile: path.join(dir, 'token', 'token.key'),
  };
  const caKey = path.join(dir, 'server', 'ca.key');
  const csr = path.join(dir, 'server', 'server.csr');
  const ext = path.join(dir, 'server', 'ext.cnf');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=burrow test CA',
    '-keyout', caKey, '-out', c.caFile]);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', c.keyFile, '-out', csr]);
  // Go's TLS stack only looks at SANs, never the CN.
  fs.writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n' +
    'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', ['x509', '-req', '-in', csr, '-CA', c.caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '30',
    '-extfile', ext, '-out', c.certFile]);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=burrow test token issuer',
    '-keyout', c.tokenKeyFile, '-out', c.tokenCertFile]);
  for (const f of [caKey, csr, ext]) fs.rmSync(f, {force: true});
  certs = c;
  return c;
}

/** A port nobody listens on right now; the caller retries if someone takes it first. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function registryConfig(o: {storageDir: string; port: number; tls?: TestCerts; htpasswd?: string;
  token?: {realm: string; service: string; issuer: string; rootcertbundle: string}}): string {
  const q = (s: string) => JSON.stringify(s); // YAML accepts JSON strings, which sidesteps quoting rules
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(o.storageDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(`127.0.0.1:${o.port}`)}`,
    // Without a fixed secret the registry logs a warning and upload state would not survive a restart.
    `  secret: ${q(crypto.randomBytes(16).toString('hex'))}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
  if (o.tls) lines.push('  tls:', `    certificate: ${q(o.tls.certFile)}`, `    key: ${q(o.tls.keyFile)}`);
  if (o.htpasswd) lines.push('auth:', '  htpasswd:', '    realm: burrow-test', `    path: ${q(o.htpasswd)}`);
  if (o.token) {
    lines.push('auth:', '  token:');
    for (const [k, v] of Object.entries(o.token)) lines.push(`    ${k}: ${q(v)}`);
  }
  return lines.join('\n') + '\n';
}

/** GET url once; resolves with the status, or undefined when nothing answers. */
function probe(url: string, ca?: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, {ca, timeout: 2000}, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

// setpriv's parent-death signal kills the registry even when this process dies by SIGKILL, where no
// 'exit' handler runs.
const pdeathsig = spawnSync('setpriv', ['--help'], {encoding: 'utf8'}).stdout?.includes('--pdeathsig') ?? false;

function spawnChild(argv: string[], stdio: ('ignore' | 'pipe' | number)[]): ChildProcess {
  const child = spawn(pdeathsig ? 'setpriv' : argv[0], pdeathsig ? ['--pdeathsig', 'KILL', '--', ...argv] : argv.slice(1),
    {detached: false, stdio});
  // A test that forgets stop() should not keep mocha from exiting; the 'exit' handler then kills it.
  child.unref();
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited(child);
  clearTimeout(t);
}

/** Runs token-server.js beside this file; resolves with its realm once it listens. */
async function startTokenProcess(dir: string, opts: TokenServerOptions): Promise<{child: ChildProcess; realm: string}> {
  const optsFile = path.join(dir, 'token-server.json');
  fs.writeFileSync(optsFile, JSON.stringify(opts), {mode: 0o600});
  const logFile = path.join(dir, 'token-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = spawnChild([process.execPath, path.join(__dirname, 'token-server.js'), optsFile], ['ignore', 'pipe', logFd]);
  fs.closeSync(logFd);
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`token server did not start within 10s:\n${tail(logFile)}`)), 10_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    child.once('error', (e) => reject(e));
    child.once('exit', (code) => reject(new Error(`token server exited ${code}:\n${tail(logFile)}`)));
  });
  // The pipe would keep this process alive; the server says nothing more on it.
  child.stdout!.destroy();
  return {child, realm: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/token`};
}

/** Starts docker-registry as the current user; resolves once GET /v2/ answers 200 or 401. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-registry-'));
  const storageDir = path.join(dir, 'storage');
  fs.mkdirSync(storageDir);
  const logFile = path.join(dir, 'registry.log');
  const configFile = path.join(dir, 'config.yml');
  const tls = opts.tls ? testCerts() : undefined;
  const scheme = tls ? 'https' : 'http';
  let user: string | undefined;
  let password: string | undefined;
  let htpasswd: string | undefined;
  let token: Parameters<typeof registryConfig>[0]['token'];
  const requestLog = path.join(dir, 'token-requests.jsonl');
  const entry = {children: [] as ChildProcess[], dir};
  live.add(entry);

  const cleanupAll = async () => {
    await Promise.all(entry.children.map(stopChild));
    live.delete(entry);
    fs.rmSync(dir, {recursive: true, force: true});
  };

  try {
    if (opts.auth) {
      user = 'tester';
      password = crypto.randomBytes(12).toString('base64url');
    }
    if (opts.auth === 'htpasswd') {
      htpasswd = path.join(dir, 'htpasswd');
      fs.writeFileSync(htpasswd, run('htpasswd', ['-Bbn', user!, password!]));
    } else if (opts.auth === 'token') {
      const c = testCerts();
      const service = 'burrow-test-registry';
      const issuer = 'burrow-test-token-issuer';
      const t = await startTokenProcess(dir, {
        service, issuer, user: user!, password: password!, requestLog,
        signingKey: fs.readFileSync(c.tokenKeyFile, 'utf8'), signingCert: fs.readFileSync(c.tokenCertFile, 'utf8'),
        tls: tls ? {cert: fs.readFileSync(tls.certFile, 'utf8'), key: fs.readFileSync(tls.keyFile, 'utf8')} : undefined,
      });
      entry.children.push(t.child);
      token = {realm: t.realm, service, issuer, rootcertbundle: c.tokenCertFile};
    }
    const ca = tls ? fs.readFileSync(tls.caFile, 'utf8') : undefined;

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      fs.writeFileSync(configFile, registryConfig({storageDir, port, tls, htpasswd, token}));
      const logFd = fs.openSync(logFile, 'w');
      const child = spawnChild(['docker-registry', 'serve', configFile], ['ignore', logFd, logFd]);
      fs.closeSync(logFd);
      entry.children.push(child);
      let spawnError: Error | undefined;
      child.once('error', (e) => (spawnError = e));
      const url = `${scheme}://127.0.0.1:${port}`;

      const deadline = Date.now() + 20_000;
      let status: number | undefined;
      while (Date.now() < deadline && !spawnError && child.exitCode === null && child.signalCode === null) {
        status = await probe(`${url}/v2/`, ca);
        if (status === 200 || status === 401) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (status === 200 || status === 401) {
        const reg: TestRegistry = {host: `127.0.0.1:${port}`, url, caFile: tls?.caFile, user, password, storageDir, logFile, stop: cleanupAll};
        if (token) {
          reg.tokenRealm = token.realm;
          reg.tokenRequests = () => {
            try {
              return fs.readFileSync(requestLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TokenRequest);
            } catch {
              return [];
            }
          };
        }
        return reg;
      }
      child.kill('SIGKILL');
      await exited(child);
      entry.children = entry.children.filter((c) => c !== child);
      const log = tail(logFile);
      if (/address already in use/.test(log) && attempt < 5) continue;
      const why = spawnError ? `could not run docker-registry (${spawnError.message}; apt-get install docker-registry)`
        : child.exitCode !== null || child.signalCode !== null ? `docker-registry exited (${child.exitCode ?? child.signalCode})`
          : `${url}/v2/ did not answer 200 or 401 within 20s (last: ${status ?? 'no answer'})`;
      throw new Error(`test registry did not start: ${why}\n--- ${logFile}\n${log}`);
    }
  } catch (e) {
    await cleanupAll();
    throw e;
  }
}
