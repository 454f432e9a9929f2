// The registry HTTP layer against a local plain-http server: auth challenges and bearer tokens, retries
// on 5xx and dropped connections, redirects, registry error bodies, the http fallback for insecure
// registries, and blob downloads resumed with Range requests.
import {expect} from 'chai';
import fc from 'fast-check';
import * as http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {BurrowError, InvalidInputError, NoSuchObjectError} from '../../src/errors';
import type {Credentials} from '../../src/registry/auth-file';
import {RegistryClient} from '../../src/registry/registry-client';
import {parseChallenge, RegistryAuthError, RegistryTransport, RegistryUnavailableError, type EndpointOptions} from '../../src/registry/transport';

interface Hit {method: string; path: string; headers: http.IncomingHttpHeaders}
interface Fake {port: number; host: string; hits: Hit[]; on(path: string): Hit[]; close(): Promise<void>}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const servers: Fake[] = [];
const transports: RegistryTransport[] = [];

/** A plain-http server; `handler` gets the request number (per path) as its third argument. */
async function fakeServer(handler: Handler): Promise<Fake> {
  const hits: Hit[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    hits.push({method: req.method ?? '', path: req.url ?? '', headers: req.headers});
    handler(req, res, hits.filter((h) => h.path.split('?')[0] === path).length);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const fake: Fake = {
    port, host: `127.0.0.1:${port}`, hits,
    on: (p) => hits.filter((h) => h.path.split('?')[0] === p),
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
  servers.push(fake);
  return fake;
}

function transport(fake: Fake, over: Partial<EndpointOptions> = {}): RegistryTransport {
  const t = new RegistryTransport({host: fake.host, insecure: true, tls: {ca: []}, retries: 3, retryDelayMs: 1, ...over});
  transports.push(t);
  return t;
}

function reply(res: http.ServerResponse, status: number, body: unknown = '', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers});
  res.end(text);
}

async function rejects(p: Promise<unknown>): Promise<BurrowError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(BurrowError);
    return e as BurrowError;
  }
  throw new Error('expected a rejection');
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CREDS: Credentials = {username: 'alice', password: 'p:ss w0rd'};
const text = async (r: {body: http.IncomingMessage; url: URL; status: number; headers: http.IncomingHttpHeaders}) => (await RegistryTransport.readBody(r)).toString();

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const s of servers.splice(0)) await s.close();
});

describe('unit: registry/transport parseChallenge', () => {
  it('parses a Bearer challenge with quoted realm, service and a scope holding commas', () => {
    const c = parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"');
    expect(c).to.deep.equal({scheme: 'bearer', params: {realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push'}});
  });

  it('accepts spaces around = and after commas, unquoted values, any scheme/key case, and escaped quotes', () => {
    const c = parseChallenge('  BEARER Realm = "https://a/t" ,  Service=reg.example , error="say \\"hi\\" \\\\ ok"');
    expect(c).to.deep.equal({scheme: 'bearer', params: {realm: 'https://a/t', service: 'reg.example', error: 'say "hi" \\ ok'}});
  });

  it('parses Basic, and takes the first of several headers', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).to.deep.equal({scheme: 'basic', params: {realm: 'Registry Realm'}});
    expect(parseChallenge(['Basic realm="r"', 'Bearer realm="x"'])).to.deep.equal({scheme: 'basic', params: {realm: 'r'}});
    expect(parseChallenge('Bearer')).to.deep.equal({scheme: 'bearer', params: {}});
  });

  it('returns undefined for unknown schemes, nothing and garbage', () => {
    for (const h of ['Digest realm="x", nonce="y"', 'Negotiate abc', 'NTLM', '', '   ', '"Bearer realm=x"', '=,=', '!!!', undefined, []]) {
      expect(parseChallenge(h as string | string[] | undefined), String(h)).to.equal(undefined);
    }
  });

  it('never throws, and a recognised challenge always has string params', () => {
    const token = fc.constantFrom('Bearer', 'Basic', 'bearer', 'realm', 'service', 'scope', '=', '"', '\\', ',', ' ', '\\"', 'x');
    const header = fc.oneof(fc.string({maxLength: 200}), fc.array(token, {maxLength: 30}).map((a) => a.join('')));
    fc.assert(fc.property(fc.oneof(header, fc.array(header, {maxLength: 3})), (h) => {
      const c = parseChallenge(h);
      if (c) {
        expect(['basic', 'bearer']).to.include(c.scheme);
        for (const v of Object.values(c.params)) expect(v).to.be.a('string');
      }
    }), {numRuns: 1000});
  });
});

describe('unit: registry/transport RegistryTransport', function () {
  this.timeout(10_000);

  describe('authentication', () => {
    it('answers a 401 Bearer challenge: token from the realm with service, scope and basic auth, then retries with the token', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.url === '/v2/') return reply(res, 200, {});
        if (req.url?.startsWith('/token')) return reply(res, 200, {token: 'tok-1', expires_in: 300});
        if (req.headers.authorization !== 'Bearer tok-1') {
          return reply(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]},
            {'www-authenticate': `Bearer realm="http://${reg.host}/token",service="reg.test",scope="repository:lib/x:pull"`});
        }
        reply(res, 200, 'the manifest');
      });
      const t = transport(reg, {credentials: CREDS});
      const r = await t.request('GET', '/v2/lib/x/manifests/latest', {scope: 'repository:lib/x:pull'});
      expect(r.status).to.equal(200);
      expect(await text(r)).to.equal('the manifest');

      const tokenHits = reg.on('/token');
      expect(tokenHits).to.have.length(1);
      const q = new URL(tokenHits[0].path, 'http://x').searchParams;
      expect(q.get('service')).to.equal('reg.test');
      expect(q.get('scope')).to.equal('repository:lib/x:pull');
      expect(tokenHits[0].headers.authorization).to.equal(`Basic ${b64('alice:p:ss w0rd')}`);
      const calls = reg.on('/v2/lib/x/manifests/latest');
      expect(calls.map((h) => h.headers.authorization)).to.deep.equal([undefined, 'Bearer tok-1']);
    });

    it('gets an anonymous token (no Authorization to the realm) without credentials', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.url?.startsWith('/token')) return reply(res, 200, {access_token: 'anon'});
        if (req.headers.authorization !== 'Bearer anon') return reply(res, 401, '', {'www-authenticate': `Bearer realm="http://${reg.host}/token",service="s"`});
        reply(res, 200, 'ok');
      });
      const r = await transport(reg).request('GET', '/v2/lib/x/tags/list', {scope: 'repository:lib/x:pull'});
      expect(await text(r)).to.equal('ok');
      expect(reg.on('/token').map((h) => h.headers.authorization)).to.deep.equal([undefined]);
    });

    it('reuses a token for the same scope (one token request for several calls) and fetches another for a new scope', async () => {
      let issued = 0;
      const reg = await fakeServer((req, res) => {
        if (req.url?.startsWith('/token')) return reply(res, 200, {token: `tok-${++issued}`});
        if (!req.headers.authorization?.startsWith('Bearer tok-')) return reply(res, 401, '', {'www-authenticate': `Bearer realm="http://${reg.host}/token",service="s"`});
        reply(res, 200, 'ok');
      });
      const t = transport(reg);
      const scope = 'repository:lib/x:pull';
      await text(await t.request('GET', '/v2/lib/x/manifests/a', {scope}));
      await text(await t.request('GET', '/v2/lib/x/manifests/b', {scope}));
      await Promise.all([1, 2, 3].map(async (i) => text(await t.request('GET', `/v2/lib/x/blobs/${i}`, {scope}))));
      expect(reg.on('/token')).to.have.length(1);
      // every registry request after the probe carried the one token
      const auths = reg.hits.filter((h) => h.path !== '/v2/' && !h.path.startsWith('/token')).map((h) => h.headers.authorization);
      expect(auths).to.have.length(5);
      expect(new Set(auths)).to.deep.equal(new Set(['Bearer tok-1']));

      await text(await t.request('GET', '/v2/lib/y/manifests/a', {scope: 'repository:lib/y:pull'}));
      expect(reg.on('/token')).to.have.length(2);
      expect(new URL(reg.on('/token')[1].path, 'http://x').searchParams.get('scope')).to.equal('repository:lib/y:pull');
    });

    it('sends basic credentials on every request after a Basic challenge', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.headers.authorization !== `Basic ${b64('alice:p:ss w0rd')}`) return reply(res, 401, '', {'www-authenticate': 'Basic realm="reg"'});
        reply(res, 200, 'ok');
      });
      const t = transport(reg, {credentials: CREDS});
      await text(await t.request('GET', '/v2/a/manifests/1'));
      await text(await t.request('GET', '/v2/a/manifests/2'));
      // the probe learnt the challenge, so neither request needed a second try
      expect(reg.hits.map((h) => h.path)).to.deep.equal(['/v2/', '/v2/a/manifests/1', '/v2/a/manifests/2']);
    });

    it('turns a 401 without credentials into a RegistryAuthError whose hint is `burrow login HOST`', async () => {
      const reg = await fakeServer((_req, res) => reply(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}, {'www-authenticate': 'Basic realm="reg"'}));
      const e = await rejects(transport(reg).request('GET', '/v2/a/manifests/1', {what: 'manifest a:1'}));
      expect(e).to.be.instanceOf(RegistryAuthError);
      expect(e.message).to.contain('manifest a:1').and.contain(reg.host).and.contain('authentication required');
      expect(e.hint).to.contain(`burrow login ${reg.host}`);
    });

    it('turns a token server 401 into a RegistryAuthError whose hint is `burrow login HOST`', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.url?.startsWith('/token')) return reply(res, 401, {details: 'incorrect username or password'});
        reply(res, 401, '', {'www-authenticate': `Bearer realm="http://${reg.host}/token",service="s"`});
      });
      const e = await rejects(transport(reg, {credentials: CREDS}).request('GET', '/v2/a/manifests/1', {scope: 'repository:a:pull'}));
      expect(e).to.be.instanceOf(RegistryAuthError);
      expect(e.message).to.contain('invalid username or password');
      expect(e.hint).to.contain(`burrow login ${reg.host}`);
    });

    it('refuses a token server answer without a token (or not an object) as RegistryUnavailableError', async () => {
      for (const body of [{nothing: 1}, null, {token: {toString: 1}}, {token: ''}]) {
        const reg = await fakeServer((req, res) => {
          if (req.url?.startsWith('/token')) return reply(res, 200, body === null ? 'null' : body, {'content-type': 'application/json'});
          reply(res, 401, '', {'www-authenticate': `Bearer realm="http://${reg.host}/token"`});
        });
        const e = await rejects(transport(reg).request('GET', '/v2/a/manifests/1', {scope: 'repository:a:pull'}));
        expect(e, JSON.stringify(body)).to.be.instanceOf(RegistryUnavailableError);
        expect(e.message).to.contain('sent no token');
      }
    });

    it('checkLogin reports refused credentials as invalid username/password', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.headers.authorization === `Basic ${b64('alice:right')}`) return reply(res, 200, {});
        reply(res, 401, '', {'www-authenticate': 'Basic realm="reg"'});
      });
      await transport(reg, {credentials: {username: 'alice', password: 'right'}}).checkLogin();
      const e = await rejects(transport(reg, {credentials: {username: 'alice', password: 'wrong'}}).checkLogin());
      expect(e).to.be.instanceOf(RegistryAuthError);
      expect(e.message).to.contain(`logging into "${reg.host}": invalid username/password`);
    });
  });

  describe('retries', () => {
    it('retries 503 twice and then succeeds', async () => {
      const reg = await fakeServer((req, res, n) => {
        if (req.url === '/v2/') return reply(res, 200, {});
        if (n <= 2) return reply(res, 503, 'busy');
        reply(res, 200, 'finally');
      });
      const r = await transport(reg, {retries: 3}).request('GET', '/v2/a/manifests/1');
      expect(await text(r)).to.equal('finally');
      expect(reg.on('/v2/a/manifests/1')).to.have.length(3);
    });

    it('gives up on a registry that answers 503 forever after retries + 1 attempts', async () => {
      const reg = await fakeServer((req, res) => (req.url === '/v2/' ? reply(res, 200, {}) : reply(res, 503, {errors: [{code: 'UNAVAILABLE', message: 'down for maintenance'}]})));
      const e = await rejects(transport(reg, {retries: 2}).request('GET', '/v2/a/manifests/1', {what: 'manifest a:1'}));
      expect(e).to.be.instanceOf(RegistryUnavailableError);
      expect(e.message).to.contain('HTTP 503').and.contain('down for maintenance');
      expect(e.hint).to.contain('try again later');
      expect(reg.on('/v2/a/manifests/1')).to.have.length(3);
    });

    it('retries 429 but not other 4xx', async () => {
      const reg = await fakeServer((req, res, n) => {
        if (req.url === '/v2/') return reply(res, 200, {});
        if (req.url === '/v2/slow') return n === 1 ? reply(res, 429, 'slow down') : reply(res, 200, 'ok');
        reply(res, 400, {errors: [{code: 'NAME_INVALID', message: 'invalid repository name'}]});
      });
      const t = transport(reg, {retries: 3});
      expect(await text(await t.request('GET', '/v2/slow'))).to.equal('ok');
      const e = await rejects(t.request('GET', '/v2/bad'));
      expect(e.message).to.contain('invalid repository name');
      expect(reg.on('/v2/bad')).to.have.length(1);
    });

    it('retries a request whose connection is reset', async () => {
      const reg = await fakeServer((req, res, n) => {
        if (req.url === '/v2/') return reply(res, 200, {});
        if (n === 1) return req.socket.destroy();
        reply(res, 200, 'after reset');
      });
      const r = await transport(reg, {retries: 2}).request('GET', '/v2/a/blobs/x');
      expect(await text(r)).to.equal('after reset');
      expect(reg.on('/v2/a/blobs/x')).to.have.length(2);
    });

    it('fails with RegistryUnavailableError when every connection is reset', async () => {
      const reg = await fakeServer((req, res) => (req.url === '/v2/' ? reply(res, 200, {}) : req.socket.destroy()));
      const e = await rejects(transport(reg, {retries: 1}).request('GET', '/v2/a/blobs/x'));
      expect(e).to.be.instanceOf(RegistryUnavailableError);
      expect(reg.on('/v2/a/blobs/x')).to.have.length(2);
    });

    it('says "connection refused" for a port nobody listens on', async () => {
      const gone = await fakeServer((_q, res) => reply(res, 200));
      await gone.close();
      const e = await rejects(transport(gone, {insecure: false, retries: 0}).request('GET', '/v2/'));
      expect(e).to.be.instanceOf(RegistryUnavailableError);
      expect(e.message).to.contain('connection refused');
    });
  });

  describe('redirects', () => {
    it('follows a redirect to another host without the Authorization header, and keeps it on the same host', async () => {
      const storage = await fakeServer((_req, res) => reply(res, 200, 'blob bytes'));
      const reg = await fakeServer((req, res) => {
        if (req.headers.authorization !== `Basic ${b64('alice:p:ss w0rd')}`) return reply(res, 401, '', {'www-authenticate': 'Basic realm="reg"'});
        if (req.url === '/v2/a/blobs/x') return reply(res, 307, '', {location: `http://${storage.host}/data/x?sig=abc`});
        if (req.url === '/v2/a/blobs/y') return reply(res, 302, '', {location: '/v2/a/blobs/y2'});
        reply(res, 200, `same host ${req.url}`);
      });
      const t = transport(reg, {credentials: CREDS});
      const r = await t.request('GET', '/v2/a/blobs/x');
      expect(await text(r)).to.equal('blob bytes');
      expect(r.url.host).to.equal(storage.host);
      expect(storage.hits).to.have.length(1);
      expect(storage.hits[0].path).to.equal('/data/x?sig=abc');
      expect(storage.hits[0].headers.authorization).to.equal(undefined);

      const r2 = await t.request('GET', '/v2/a/blobs/y');
      expect(await text(r2)).to.equal('same host /v2/a/blobs/y2');
      expect(reg.on('/v2/a/blobs/y2')[0].headers.authorization).to.equal(`Basic ${b64('alice:p:ss w0rd')}`);
    });
  });

  describe('registry errors', () => {
    it('turns a MANIFEST_UNKNOWN error body into NoSuchObjectError with the registry\'s message', async () => {
      const reg = await fakeServer((req, res) => (req.url === '/v2/' ? reply(res, 200, {})
        : reply(res, 404, {errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {Tag: 'nope'}}]})));
      const e = await rejects(transport(reg).request('GET', '/v2/lib/x/manifests/nope', {what: 'manifest lib/x:nope'}));
      expect(e).to.be.instanceOf(NoSuchObjectError);
      expect(e.message).to.equal(`manifest lib/x:nope: not found on ${reg.host}: manifest unknown`);
    });

    it('maps MANIFEST_UNKNOWN to NoSuchObjectError even on a non-404 status, and joins several messages', async () => {
      const reg = await fakeServer((req, res) => (req.url === '/v2/' ? reply(res, 200, {})
        : reply(res, 400, {errors: [{code: 'MANIFEST_UNKNOWN', message: 'first'}, {code: 'OTHER'}]})));
      const e = await rejects(transport(reg).request('GET', '/v2/lib/x/manifests/nope'));
      expect(e).to.be.instanceOf(NoSuchObjectError);
      expect(e.message).to.contain('first; OTHER');
    });

    it('reports 403 as access denied and 415 as a refused media type', async () => {
      const reg = await fakeServer((req, res) => {
        if (req.url === '/v2/') return reply(res, 200, {});
        if (req.url === '/v2/denied') return reply(res, 403, {errors: [{code: 'DENIED', message: 'requested access to the resource is denied'}]});
        reply(res, 415, 'no');
      });
      const t = transport(reg);
      const e = await rejects(t.request('PUT', '/v2/denied', {body: Buffer.from('x')}));
      expect(e).to.be.instanceOf(RegistryAuthError);
      expect(e.message).to.contain('access denied').and.contain('requested access to the resource is denied');
      expect(await rejects(t.request('PUT', '/v2/media', {body: Buffer.from('x')}))).to.be.instanceOf(InvalidInputError);
    });

    it('returns statuses listed in accept instead of throwing', async () => {
      const reg = await fakeServer((req, res) => (req.url === '/v2/' ? reply(res, 200, {}) : reply(res, 404, 'missing')));
      const r = await transport(reg).request('HEAD', '/v2/a/blobs/x', {accept: [404]});
      expect(r.status).to.equal(404);
      r.body.resume();
    });
  });

  describe('scheme', () => {
    it('falls back to plain http for an insecure registry that does not speak TLS', async () => {
      const reg = await fakeServer((_req, res) => reply(res, 200, 'plain'));
      const r = await transport(reg, {insecure: true}).request('GET', '/v2/a/manifests/1');
      expect(await text(r)).to.equal('plain');
      expect(r.url.protocol).to.equal('http:');
    });

    it('refuses plain http when the registry is not insecure, saying it does not speak TLS', async () => {
      const reg = await fakeServer((_req, res) => reply(res, 200, 'plain'));
      const e = await rejects(transport(reg, {insecure: false}).request('GET', '/v2/a/manifests/1'));
      expect(e).to.be.instanceOf(RegistryUnavailableError);
      expect(e.message).to.contain(`registry ${reg.host} does not speak TLS`);
      expect(e.hint).to.contain('--tls-verify=false');
      expect(reg.hits).to.have.length(0);
    });
  });

  describe('readBody', () => {
    it('refuses a body larger than the limit', async () => {
      const reg = await fakeServer((_req, res) => reply(res, 200, 'x'.repeat(5000)));
      const r = await transport(reg).request('GET', '/v2/big');
      const e = await rejects(RegistryTransport.readBody(r, 1000));
      expect(e).to.be.instanceOf(InvalidInputError);
      expect(e.message).to.contain('more than 1000 bytes');
    });
  });
});

describe('unit: registry/registry-client blob', function () {
  this.timeout(10_000);
  const BLOB = Buffer.from(Array.from({length: 300_000}, (_, i) => (i * 7919 + (i >> 8)) & 0xff));
  const DIGEST = `sha256:${'ab'.repeat(32)}`;
  const PATH = `/v2/lib/x/blobs/${DIGEST}`;

  async function drain(client: RegistryClient, size = BLOB.length): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of client.blob(DIGEST, size)) chunks.push(c);
    return Buffer.concat(chunks);
  }

  /** Sends the headers for the whole blob and `part`, then drops the connection. */
  function partial(req: http.IncomingMessage, res: http.ServerResponse, part: Buffer, status = 200, total = BLOB.length): void {
    res.writeHead(status, {'content-length': String(total), 'content-type': 'application/octet-stream'});
    res.write(part, () => setTimeout(() => req.socket.destroy(), 20));
  }

  function rangeStart(req: http.IncomingMessage): number | undefined {
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    return m ? Number(m[1]) : undefined;
  }

  it('resumes a dropped download with a Range request; the consumer sees exactly the blob', async () => {
    const cut = 123_457;
    const reg = await fakeServer((req, res, n) => {
      if (req.url === '/v2/') return reply(res, 200, {});
      if (n === 1) return partial(req, res, BLOB.subarray(0, cut));
      const from = rangeStart(req) ?? 0;
      const rest = BLOB.subarray(from);
      res.writeHead(206, {'content-length': String(rest.length), 'content-range': `bytes ${from}-${BLOB.length - 1}/${BLOB.length}`});
      res.end(rest);
    });
    const client = new RegistryClient(transport(reg, {retries: 2}), 'lib/x');
    const got = await drain(client);
    expect(got.length).to.equal(BLOB.length);
    expect(got.equals(BLOB)).to.equal(true);
    const calls = reg.on(PATH);
    expect(calls).to.have.length(2);
    expect(calls[0].headers.range).to.equal(undefined);
    expect(calls[1].headers.range).to.equal(`bytes=${cut}-`);
  });

  it('skips what it already has when the registry ignores Range and sends the whole blob again', async () => {
    const cut = 70_001;
    const whole = await fakeServer((req, res, n) => {
      if (req.url === '/v2/') return reply(res, 200, {});
      if (n === 1) return partial(req, res, BLOB.subarray(0, cut));
      res.writeHead(200, {'content-length': String(BLOB.length)});
      res.end(BLOB);
    });
    const got = await drain(new RegistryClient(transport(whole, {retries: 2}), 'lib/x'));
    expect(got.equals(BLOB)).to.equal(true);
    expect(whole.on(PATH)[1].headers.range).to.equal(`bytes=${cut}-`);
  });

  it('resumes after several drops, each Range starting where the data stopped', async () => {
    const cuts = [50_000, 120_000, 250_000];
    const reg = await fakeServer((req, res, n) => {
      if (req.url === '/v2/') return reply(res, 200, {});
      const from = rangeStart(req) ?? 0;
      if (n <= cuts.length) return partial(req, res, BLOB.subarray(from, cuts[n - 1]), from > 0 ? 206 : 200, BLOB.length - from);
      res.writeHead(206, {'content-length': String(BLOB.length - from)});
      res.end(BLOB.subarray(from));
    });
    const got = await drain(new RegistryClient(transport(reg, {retries: 3}), 'lib/x'));
    expect(got.equals(BLOB)).to.equal(true);
    expect(reg.on(PATH).map((h) => h.headers.range)).to.deep.equal([undefined, 'bytes=50000-', 'bytes=120000-', 'bytes=250000-']);
  });

  it('resumes a response that ends cleanly but short', async () => {
    const reg = await fakeServer((req, res, n) => {
      if (req.url === '/v2/') return reply(res, 200, {});
      const from = rangeStart(req) ?? 0;
      // chunked encoding, no length: the end looks normal, only the byte count shows it is short
      res.writeHead(from > 0 ? 206 : 200);
      res.end(n === 1 ? BLOB.subarray(0, 1000) : BLOB.subarray(from));
    });
    const got = await drain(new RegistryClient(transport(reg, {retries: 1}), 'lib/x'));
    expect(got.equals(BLOB)).to.equal(true);
    expect(reg.on(PATH)[1].headers.range).to.equal('bytes=1000-');
  });

  it('gives up with RegistryUnavailableError after more drops than retries', async () => {
    const reg = await fakeServer((req, res) => {
      if (req.url === '/v2/') return reply(res, 200, {});
      const from = rangeStart(req) ?? 0;
      partial(req, res, BLOB.subarray(from, from + 1000), from > 0 ? 206 : 200, BLOB.length - from);
    });
    const client = new RegistryClient(transport(reg, {retries: 2}), 'lib/x');
    let received = 0;
    const e = await rejects((async () => {
      for await (const c of client.blob(DIGEST, BLOB.length)) received += c.length;
    })());
    expect(e).to.be.instanceOf(RegistryUnavailableError);
    expect(e.message).to.contain(`download of blob ${'ab'.repeat(6)} from ${reg.host} failed`);
    expect(e.hint).to.contain('pull again');
    expect(reg.on(PATH)).to.have.length(3);
    expect(received).to.equal(3000);
  });

  it('streams an empty blob with one request', async () => {
    const reg = await fakeServer((req, res) => reply(res, 200, req.url === '/v2/' ? {} : ''));
    const got = await drain(new RegistryClient(transport(reg), 'lib/x'), 0);
    expect(got.length).to.equal(0);
    expect(reg.on(PATH)).to.have.length(1);
  });
});
