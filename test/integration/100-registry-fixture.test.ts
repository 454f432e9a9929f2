// The registry fixture itself, checked without burrow: real registries come up plain, with htpasswd
// over TLS and with the bearer-token flow; skopeo pushes the test images into them and reads back
// what a client would see; credentials are really enforced.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import {startRegistry, type TestRegistry} from '../support/registry';
import {DEBIAN_TARBALL, busyboxLayout, debianLayout, multiArchLayout, pushLayout, skopeoRegistryFlags} from '../support/test-images';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, o: {ca?: string; headers?: Record<string, string>; auth?: string} = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, {ca: o.ca ? fs.readFileSync(o.ca) : undefined, headers: o.headers, auth: o.auth}, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}));
    });
    req.on('error', reject);
  });
}

const ACCEPT = {Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json'};

function skopeo(reg: TestRegistry, args: string[], ref: string, creds = true): {status: number; stdout: string; stderr: string} {
  const flags = skopeoRegistryFlags(creds ? reg : {...reg, user: undefined, password: undefined});
  const r = spawnSync('skopeo', ['--insecure-policy', ...args, ...flags, `docker://${reg.host}/${ref}`], {encoding: 'utf8', timeout: 60_000});
  return {status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr};
}

function inspect(reg: TestRegistry, ref: string): {Layers: string[]; Digest: string; Labels: Record<string, string>} {
  const r = skopeo(reg, ['inspect'], ref);
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout);
}

function rawManifest(reg: TestRegistry, ref: string): {mediaType: string; layers?: {mediaType: string; digest: string}[]; manifests?: {platform: {architecture: string}}[]} {
  const r = skopeo(reg, ['inspect', '--raw'], ref);
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout);
}

/** The layer digests an OCI layout's `latest` manifest lists. */
function layoutLayers(layout: string): string[] {
  const blob = (d: string) => JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', d.slice(7)), 'utf8'));
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  return (blob(index.manifests[0].digest).layers as {digest: string}[]).map((l) => l.digest);
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
function challenge(h: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (h ?? '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

describe('registry fixture (no burrow)', function () {
  this.timeout(120_000);

  describe('plain http registry', () => {
    let reg: TestRegistry;
    before(async () => {
      reg = await startRegistry();
    });
    after(async () => reg && reg.stop());

    it('answers /v2/ without credentials on 127.0.0.1', async () => {
      expect(reg.host).to.match(/^127\.0\.0\.1:\d+$/);
      expect((await get(`${reg.url}/v2/`)).status).to.equal(200);
    });

    it('holds the busybox image skopeo pushed, three layers with the layout\'s digests', () => {
      pushLayout(busyboxLayout(), reg, 'library/busybox:latest');
      const info = inspect(reg, 'library/busybox:latest');
      expect(info.Layers).to.deep.equal(layoutLayers(busyboxLayout()));
      expect(info.Layers).to.have.length(3);
      expect(info.Labels['org.burrow.test.image']).to.equal('busybox');
    });

    it('busybox layers are root-owned tarballs, the third with a whiteout', () => {
      const layers = layoutLayers(busyboxLayout()).map((d) => path.join(busyboxLayout(), 'blobs', 'sha256', d.slice(7)));
      const list = layers.map((l) => spawnSync('tar', ['-tzvf', l, '--numeric-owner'], {encoding: 'utf8'}).stdout);
      for (const l of list) for (const line of l.trim().split('\n')) expect(line.split(/\s+/)[1]).to.equal('0/0');
      expect(list[0]).to.match(/bin\/busybox\n/).and.to.match(/bin\/sh -> busybox/);
      expect(list[1]).to.match(/ etc\/passwd\n/).and.to.match(/^drwxrwxrwt .* tmp\/$/m);
      expect(list[2]).to.match(/etc\/\.wh\.removed-in-layer3\n/).and.to.match(/etc\/added-in-layer3\n/);
    });

    it('pushes a two-platform index, Docker schema 2 and zstd layers on request', () => {
      pushLayout(multiArchLayout(), reg, 'test/multi:latest', {all: true});
      const index = rawManifest(reg, 'test/multi:latest');
      expect(index.mediaType).to.equal('application/vnd.oci.image.index.v1+json');
      expect(index.manifests!.map((m) => m.platform.architecture).sort()).to.deep.equal(['amd64', 'arm64']);

      pushLayout(busyboxLayout(), reg, 'test/docker:latest', {format: 'v2s2'});
      expect(rawManifest(reg, 'test/docker:latest').mediaType).to.equal('application/vnd.docker.distribution.manifest.v2+json');

      pushLayout(busyboxLayout(), reg, 'test/zstd:latest', {zstd: true});
      const z = rawManifest(reg, 'test/zstd:latest');
      expect(z.layers!.map((l) => l.mediaType)).to.deep.equal(Array(3).fill('application/vnd.oci.image.layer.v1.tar+zstd'));
    });

    it('stop() ends the registry and removes its storage', async () => {
      const r2 = await startRegistry();
      pushLayout(busyboxLayout(), r2, 'x/y:1');
      expect(fs.readdirSync(r2.storageDir)).to.not.be.empty;
      await r2.stop();
      expect(fs.existsSync(r2.storageDir)).to.equal(false);
      let err: unknown;
      try {
        await get(`${r2.url}/v2/`);
      } catch (e) {
        err = e;
      }
      expect((err as NodeJS.ErrnoException)?.code).to.equal('ECONNREFUSED');
    });
  });

  describe('htpasswd registry over TLS', () => {
    let reg: TestRegistry;
    before(async () => {
      reg = await startRegistry({auth: 'htpasswd', tls: true});
    });
    after(async () => reg && reg.stop());

    it('serves https with a certificate the test CA vouches for, and nothing else does', async () => {
      expect(reg.url).to.equal(`https://${reg.host}`);
      expect(fs.readFileSync(reg.caFile!, 'utf8')).to.contain('BEGIN CERTIFICATE');
      expect((await get(`${reg.url}/v2/`, {ca: reg.caFile})).status).to.equal(401);
      let err: unknown;
      try {
        await get(`${reg.url}/v2/`);
      } catch (e) {
        err = e;
      }
      expect((err as NodeJS.ErrnoException)?.code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
      // localhost is in the certificate too.
      expect((await get(reg.url.replace('127.0.0.1', 'localhost') + '/v2/', {ca: reg.caFile})).status).to.equal(401);
    });

    it('asks for basic credentials and accepts only the right password', async () => {
      const anon = await get(`${reg.url}/v2/`, {ca: reg.caFile});
      expect(anon.status).to.equal(401);
      expect(anon.headers['www-authenticate']).to.match(/^Basic realm=/);
      expect((await get(`${reg.url}/v2/`, {ca: reg.caFile, auth: `${reg.user}:wrong`})).status).to.equal(401);
      expect((await get(`${reg.url}/v2/`, {ca: reg.caFile, auth: `${reg.user}:${reg.password}`})).status).to.equal(200);
    });

    it('takes a push with credentials, and refuses to show it without', () => {
      pushLayout(busyboxLayout(), reg, 'private/busybox:1.0');
      expect(inspect(reg, 'private/busybox:1.0').Layers).to.have.length(3);
      const anon = skopeo(reg, ['inspect'], 'private/busybox:1.0', false);
      expect(anon.status).to.not.equal(0);
      expect(anon.stderr).to.match(/unauthorized|authentication required/i);
    });
  });

  for (const tls of [false, true]) {
    describe(`token-auth registry${tls ? ' over TLS' : ''}`, () => {
      let reg: TestRegistry;
      const ca = () => (tls ? reg.caFile : undefined);
      before(async () => {
        reg = await startRegistry({auth: 'token', tls});
        pushLayout(busyboxLayout(), reg, 'private/busybox:latest');
        pushLayout(busyboxLayout(), reg, 'public/busybox:latest');
      });
      after(async () => reg && reg.stop());

      it('sends clients to the token server, whose token opens the repository', async () => {
        const url = `${reg.url}/v2/private/busybox/manifests/latest`;
        const first = await get(url, {ca: ca(), headers: ACCEPT});
        expect(first.status).to.equal(401);
        expect(first.headers['www-authenticate']).to.match(/^Bearer /);
        const c = challenge(first.headers['www-authenticate']);
        expect(c.realm).to.equal(reg.tokenRealm);
        expect(c.scope).to.equal('repository:private/busybox:pull');

        const tokenUrl = `${c.realm}?service=${encodeURIComponent(c.service)}&scope=${encodeURIComponent(c.scope)}`;
        const t = await get(tokenUrl, {ca: ca(), auth: `${reg.user}:${reg.password}`});
        expect(t.status).to.equal(200);
        const body = JSON.parse(t.body) as {token: string; access_token: string; expires_in: number; issued_at: string};
        expect(body.access_token).to.equal(body.token);
        expect(body.expires_in).to.equal(300);
        const [header, claims] = body.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
        expect(header.alg).to.equal('RS256');
        expect(header.x5c).to.have.length(1);
        expect(claims.aud).to.equal(c.service);
        expect(claims.access).to.deep.equal([{type: 'repository', name: 'private/busybox', actions: ['pull']}]);

        const second = await get(url, {ca: ca(), headers: {...ACCEPT, Authorization: `Bearer ${body.token}`}});
        expect(second.status).to.equal(200);
        expect(JSON.parse(second.body).layers).to.have.length(3);
      });

      it('gives anonymous clients pull on public/ only, and wrong passwords nothing', async () => {
        const token = async (scope: string, auth?: string) =>
          get(`${reg.tokenRealm}?service=burrow-test-registry&scope=${encodeURIComponent(scope)}`, {ca: ca(), auth});
        const manifest = async (repo: string, tok: string) =>
          (await get(`${reg.url}/v2/${repo}/manifests/latest`, {ca: ca(), headers: {...ACCEPT, Authorization: `Bearer ${tok}`}})).status;

        const pub = JSON.parse((await token('repository:public/busybox:pull,push')).body);
        expect(pub.token).to.be.a('string');
        expect(await manifest('public/busybox', pub.token)).to.equal(200);
        const priv = JSON.parse((await token('repository:private/busybox:pull')).body);
        expect(await manifest('private/busybox', priv.token)).to.equal(401);
        expect((await token('repository:private/busybox:pull', `${reg.user}:wrong`)).status).to.equal(401);

        expect(skopeo(reg, ['inspect'], 'public/busybox:latest', false).status).to.equal(0);
        expect(skopeo(reg, ['inspect'], 'private/busybox:latest', false).status).to.not.equal(0);
        const seen = reg.tokenRequests!();
        expect(seen.map((r) => r.auth)).to.include.members(['password', 'anonymous', 'rejected']);
      });

      it('lets skopeo push with --dest-creds and read back three layers', () => {
        pushLayout(busyboxLayout(), reg, 'team/app:v1');
        expect(inspect(reg, 'team/app:v1').Layers).to.deep.equal(layoutLayers(busyboxLayout()));
      });
    });
  }

  describe('Debian image', () => {
    let reg: TestRegistry;
    before(async function () {
      // Built by scripts/make-debian-rootfs.sh, which `npm test` runs when it runs as root.
      if (!fs.existsSync(DEBIAN_TARBALL)) this.skip();
      reg = await startRegistry();
    });
    after(async () => reg && reg.stop());

    it('splits bookworm into four gzip layers that skopeo pushes', () => {
      const layout = debianLayout();
      pushLayout(layout, reg, 'bench/debian:latest');
      const info = inspect(reg, 'bench/debian:latest');
      expect(info.Layers).to.deep.equal(layoutLayers(layout));
      expect(info.Layers).to.have.length(4);
      const names = info.Layers.map((d) => spawnSync('sh', ['-c', 'tar -tzf "$1" | head -n 1', 'sh',
        path.join(layout, 'blobs', 'sha256', d.slice(7))], {encoding: 'utf8'}).stdout.trim());
      expect(names).to.deep.equal(['./', './usr/lib/', './usr/share/', './etc/']);
    });
  });
});
