// Pull, run and push against real registries on 127.0.0.1 (Debian's docker-registry, started here as
// this user): plain, htpasswd behind TLS from a test CA, and a bearer-token registry; manifest lists,
// Docker schema 2 and zstd images; short names through registries.conf; and the failures a user meets
// (401, unknown CA, wrong password, missing tag, corrupt blob), each leaving storage as it was.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, burrowAsync, ok, storageRoot, work} from './harness';
import {startRegistry, type TestRegistry} from '../support/registry';
import {busyboxLayout, multiArchLayout, pushLayout, skopeoRegistryFlags} from '../support/test-images';

/** A private home and runtime dir, so config files and auth files written here touch nothing else. */
function userEnv(name: string): NodeJS.ProcessEnv {
  const home = path.join(work, `home-${name}`);
  const rt = path.join(work, `rt-${name}`);
  fs.mkdirSync(path.join(home, '.config'), {recursive: true});
  fs.mkdirSync(rt, {recursive: true, mode: 0o700});
  return {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_RUNTIME_DIR: rt, REGISTRY_AUTH_FILE: ''};
}

function leftovers(): string[] {
  const out: string[] = [];
  for (const d of ['blobs/sha256', 'layers', 'tmp']) {
    try {
      for (const e of fs.readdirSync(path.join(storageRoot, d))) if (e.startsWith('.incoming') || e.startsWith('.removing')) out.push(`${d}/${e}`);
    } catch {
      // not created
    }
  }
  return out;
}

function imageNames(): string[] {
  return ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter(Boolean);
}

describe('registry: plain http registry', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
    pushLayout(busyboxLayout(), reg, 'test/busybox:latest');
  });
  after(async () => {
    burrow(['rmi', '-a', '-f']);
    await reg?.stop();
  });

  it('pulls a three-layer image, prints its id, and runs it with the whiteout applied', () => {
    const r = burrow(['pull', '--tls-verify=false', `${reg.host}/test/busybox:latest`]);
    expect(r.status, r.stderr).to.equal(0);
    const id = r.stdout.trim();
    expect(id).to.match(/^[0-9a-f]{64}$/);
    // piped: one summary line, no bars
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^Pulled 127\.0\.0\.1:\d+\/test\/busybox:latest \(3 layers fetched/);
    expect(imageNames()).to.include(`${reg.host}/test/busybox:latest`);
    const out = ok(['run', '--rm', `${reg.host}/test/busybox`, 'sh', '-c', 'ls /etc; cat /etc/passwd | head -1']);
    expect(out).to.include('added-in-layer3');
    expect(out).not.to.include('removed-in-layer3');
    expect(out).to.include('root:x:0:0');
    // the image id is the config digest, as skopeo sees it
    const cfg = spawnSync('skopeo', ['inspect', '--config', '--raw', ...skopeoRegistryFlags(reg), `docker://${reg.host}/test/busybox:latest`]);
    expect(require('node:crypto').createHash('sha256').update(cfg.stdout).digest('hex')).to.equal(id);
  });

  it('five pulls of the same image at once all succeed and leave it listed once', async () => {
    ok(['rmi', '-a', '-f']);
    const results = await Promise.all(Array.from({length: 5}, () => burrowAsync(['pull', '-q', '--tls-verify=false', `${reg.host}/test/busybox:latest`])));
    for (const r of results) expect(r.status, r.stderr).to.equal(0);
    expect(new Set(results.map((r) => r.stdout)).size).to.equal(1);
    expect(imageNames().filter((n) => n === `${reg.host}/test/busybox:latest`)).to.have.length(1);
    expect(leftovers()).to.deep.equal([]);
    expect(ok(['run', '--rm', `${reg.host}/test/busybox`, 'cat', '/etc/added-in-layer3'])).to.equal('added by the third layer\n');
  });

  it('a second pull fetches nothing and lists the image once', () => {
    const r = burrow(['pull', '--tls-verify=false', `${reg.host}/test/busybox:latest`]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/0 layers fetched, 3 already present/);
    expect(imageNames().filter((n) => n === `${reg.host}/test/busybox:latest`)).to.have.length(1);
    expect(burrow(['pull', '-q', '--tls-verify=false', `${reg.host}/test/busybox:latest`]).stderr).to.equal('');
  });

  it('pushes to another repository; the manifest arrives byte for byte and skopeo reads it', () => {
    ok(['push', '--tls-verify=false', `${reg.host}/test/busybox:latest`, `${reg.host}/copy/bb:v1`]);
    const a = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${reg.host}/test/busybox:latest`], {encoding: 'utf8'});
    const b = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${reg.host}/copy/bb:v1`], {encoding: 'utf8'});
    expect(b.status, b.stderr).to.equal(0);
    expect(b.stdout).to.equal(a.stdout);
    const copy = spawnSync('skopeo', ['--insecure-policy', 'copy', ...skopeoRegistryFlags(reg, 'src'), `docker://${reg.host}/copy/bb:v1`, `oci:${path.join(work, 'skopeo-copy')}:x`], {encoding: 'utf8'});
    expect(copy.status, copy.stderr).to.equal(0);
  });

  it('pushes an imported image, which pulls back into a clean store and runs', () => {
    const rootfs = path.join(work, 'push-rootfs');
    fs.mkdirSync(path.join(rootfs, 'bin'), {recursive: true});
    fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    fs.symlinkSync('busybox', path.join(rootfs, 'bin', 'sh'));
    fs.writeFileSync(path.join(rootfs, 'hello'), 'pushed by burrow\n');
    const tar = path.join(work, 'push-rootfs.tar');
    spawnSync('tar', ['-C', rootfs, '-cf', tar, '--owner=0', '--group=0', '.']);
    ok(['import', tar, `${reg.host}/mine/hello:1`]);
    ok(['push', '--tls-verify=false', `${reg.host}/mine/hello:1`]);
    ok(['rmi', `${reg.host}/mine/hello:1`]);
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/mine/hello:1`]);
    expect(ok(['run', '--rm', `${reg.host}/mine/hello:1`, '/bin/sh', '-c', 'cat /hello'])).to.equal('pushed by burrow\n');
  });

  it('run pulls a missing image itself (--pull=missing), and --pull=never refuses', () => {
    ok(['rmi', '-f', `${reg.host}/test/busybox:latest`]);
    expect(burrow(['run', '--rm', '--pull=never', `${reg.host}/test/busybox`, 'true']).status).to.equal(125);
    const r = burrow(['run', '--rm', '--tls-verify=false', `${reg.host}/test/busybox`, 'echo', 'hi']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('hi\n');
  });

  it('pulls by digest, and refuses a digest the registry does not have', () => {
    const digest = spawnSync('skopeo', ['inspect', '--format', '{{.Digest}}', ...skopeoRegistryFlags(reg), `docker://${reg.host}/test/busybox:latest`], {encoding: 'utf8'}).stdout.trim();
    expect(digest).to.match(/^sha256:/);
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/test/busybox@${digest}`]);
    expect(ok(['images', '--digests', '--format', '{{.Digest}}'])).to.include(digest);
    const r = burrow(['pull', '--tls-verify=false', `${reg.host}/test/busybox@sha256:${'0'.repeat(64)}`]);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/^Error: .*not found on 127\.0\.0\.1/);
  });

  it('a missing tag, an unknown host and a refused connection are one-line errors', () => {
    let r = burrow(['pull', '--tls-verify=false', `${reg.host}/test/busybox:nope`]);
    expect(r.status).to.equal(125);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/manifest unknown/);
    r = burrow(['pull', 'no-such-host.invalid/x/y']);
    expect(r.stderr).to.match(/unknown host/);
    r = burrow(['pull', '--tls-verify=false', '127.0.0.1:1/x/y']);
    expect(r.stderr).to.match(/connection refused/);
    // TLS demanded from a plain-http registry: the fix is named
    r = burrow(['pull', `${reg.host}/test/busybox`]);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/does not speak TLS.*--tls-verify=false/);
  });

  it('a corrupt blob in the registry fails the pull and leaves no image and no partial layer', () => {
    pushLayout(busyboxLayout(), reg, 'test/corrupt:latest');
    const before = fs.readdirSync(path.join(storageRoot, 'layers')).length;
    // Flip a byte in the image's biggest layer, where the registry keeps it.
    const raw = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${reg.host}/test/corrupt:latest`], {encoding: 'utf8'}).stdout;
    const layer = (JSON.parse(raw).layers as {digest: string; size: number}[]).sort((a, b) => b.size - a.size)[0].digest.slice(7);
    const big = path.join(reg.storageDir, 'docker/registry/v2/blobs/sha256', layer.slice(0, 2), layer, 'data');
    const copyStore = path.join(work, 'registry-backup');
    fs.copyFileSync(big, copyStore);
    const data = fs.readFileSync(big);
    data[data.length >> 1] ^= 0xff;
    fs.writeFileSync(big, data);
    try {
      ok(['rmi', '-a', '-f']);
      const r = burrow(['pull', '--tls-verify=false', `${reg.host}/test/corrupt:latest`]);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.match(/digest|not valid gzip|corrupt/);
      expect(imageNames()).not.to.include(`${reg.host}/test/corrupt:latest`);
      expect(leftovers()).to.deep.equal([]);
      expect(fs.readdirSync(path.join(storageRoot, 'layers')).length).to.be.at.most(before);
    } finally {
      fs.copyFileSync(copyStore, big);
    }
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/test/corrupt:latest`]);
  });

  it('short names resolve through the user\'s registries.conf (search registries, aliases, insecure)', () => {
    const e = userEnv('shortnames');
    fs.mkdirSync(path.join(e.HOME!, '.config', 'containers'), {recursive: true});
    fs.writeFileSync(path.join(e.HOME!, '.config', 'containers', 'registries.conf'), [
      `unqualified-search-registries = ["${reg.host}"]`,
      `[[registry]]`, `location = "${reg.host}"`, `insecure = true`,
      `[aliases]`, `"bb" = "${reg.host}/test/busybox"`, '',
    ].join('\n'));
    expect(burrow(['pull', '-q', 'test/busybox'], {env: e}).status).to.equal(0);
    expect(burrow(['pull', '-q', 'bb:latest'], {env: e}).status).to.equal(0);
    expect(imageNames()).to.include(`${reg.host}/test/busybox:latest`);
    const r = burrow(['search', 'busy'], {env: e});
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^NAME\\s+DESCRIPTION\\n${reg.host.replace(/\./g, '\\.')}/test/busybox`, 'm'));
    expect(ok(['search', '--list-tags', '--format', '{{.Tag}}', `${reg.host}/test/busybox`], {env: e})).to.equal('latest\n');
  });
});

describe('registry: platforms and formats', function () {
  this.timeout(180_000);
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
    pushLayout(multiArchLayout(), reg, 'multi/bb:latest', {all: true});
    pushLayout(busyboxLayout(), reg, 'v2s2/bb:latest', {format: 'v2s2'});
    pushLayout(busyboxLayout(), reg, 'zstd/bb:latest', {zstd: true});
  });
  after(async () => {
    burrow(['rmi', '-a', '-f']);
    await reg?.stop();
  });

  it('picks the host platform from a manifest list, or the one --platform/--arch names', () => {
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/multi/bb:latest`]);
    expect(ok(['image', 'inspect', '--format', '{{.Architecture}}', `${reg.host}/multi/bb:latest`]).trim()).to.equal('amd64');
    ok(['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64', `${reg.host}/multi/bb:latest`]);
    expect(ok(['image', 'inspect', '--format', '{{.Architecture}}', `${reg.host}/multi/bb:latest`]).trim()).to.equal('arm64');
    ok(['pull', '-q', '--tls-verify=false', '--arch', 'amd64', `${reg.host}/multi/bb:latest`]);
    expect(ok(['image', 'inspect', '--format', '{{.Architecture}}', `${reg.host}/multi/bb:latest`]).trim()).to.equal('amd64');
    const r = burrow(['pull', '--tls-verify=false', '--platform', 'linux/s390x', `${reg.host}/multi/bb:latest`]);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/no image found in manifest list for platform linux\/s390x.*linux\/amd64.*linux\/arm64/);
  });

  it('pulls Docker schema 2 and zstd-compressed images and runs them', () => {
    const types: string[] = [];
    for (const repo of ['v2s2/bb', 'zstd/bb']) {
      const r = burrow(['pull', '--tls-verify=false', `${reg.host}/${repo}:latest`]);
      expect(r.status, `${repo}: ${r.stderr}`).to.equal(0);
      types.push(ok(['image', 'inspect', '--format', '{{.ManifestType}}', `${reg.host}/${repo}:latest`]).trim());
      expect(ok(['run', '--rm', `${reg.host}/${repo}`, 'cat', '/etc/added-in-layer3'])).to.equal('added by the third layer\n');
    }
    // (both have the same config, hence one image record: each pull's manifest type is read right after it)
    expect(types).to.deep.equal(['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json']);
    // pushed back as OCI on request
    ok(['push', '--tls-verify=false', '--format', 'oci', `${reg.host}/v2s2/bb:latest`, `${reg.host}/back/oci:1`]);
    const raw = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${reg.host}/back/oci:1`], {encoding: 'utf8'});
    expect(JSON.parse(raw.stdout).mediaType).to.equal('application/vnd.oci.image.manifest.v1+json');
  });
});

describe('registry: htpasswd auth over TLS from a test CA', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let e: NodeJS.ProcessEnv;
  before(async () => {
    reg = await startRegistry({auth: 'htpasswd', tls: true});
    pushLayout(busyboxLayout(), reg, 'private/busybox:latest');
    e = userEnv('htpasswd');
  });
  after(async () => {
    burrow(['rmi', '-a', '-f']);
    await reg?.stop();
  });

  it('an unknown CA is refused with the certs.d fix named', () => {
    const r = burrow(['pull', `${reg.host}/private/busybox`], {env: e});
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/TLS verification of 127\.0\.0\.1:\d+ failed.*certs\.d/);
  });

  it('with the CA in ~/.config/containers/certs.d: 401 says to log in; a wrong password is refused', () => {
    const dir = path.join(e.XDG_CONFIG_HOME!, 'containers', 'certs.d', reg.host);
    fs.mkdirSync(dir, {recursive: true});
    fs.copyFileSync(reg.caFile!, path.join(dir, 'ca.crt'));
    let r = burrow(['pull', `${reg.host}/private/busybox`], {env: e});
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/authentication required.*burrow login 127\.0\.0\.1:\d+/);
    r = burrow(['login', '-u', reg.user!, '--password-stdin', reg.host], {env: e, input: 'wrong\n'});
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/invalid username\/password/);
    expect(fs.existsSync(path.join(e.XDG_RUNTIME_DIR!, 'containers', 'auth.json'))).to.equal(false);
  });

  it('login stores 0600 credentials where Podman looks; pull, run and push work; logout forgets', () => {
    const r = burrow(['login', '-u', reg.user!, '--password-stdin', reg.host], {env: e, input: `${reg.password}\n`});
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('Login Succeeded!\n');
    const authFile = path.join(e.XDG_RUNTIME_DIR!, 'containers', 'auth.json');
    expect(fs.statSync(authFile).mode & 0o777).to.equal(0o600);
    const auth = JSON.parse(fs.readFileSync(authFile, 'utf8'));
    expect(Buffer.from(auth.auths[reg.host].auth, 'base64').toString()).to.equal(`${reg.user}:${reg.password}`);
    ok(['pull', '-q', `${reg.host}/private/busybox`], {env: e});
    expect(ok(['run', '--rm', `${reg.host}/private/busybox`, 'echo', 'tls+auth'], {env: e})).to.equal('tls+auth\n');
    ok(['push', `${reg.host}/private/busybox`, `${reg.host}/private/pushed:1`], {env: e});
    // skopeo reads the same auth file
    const s = spawnSync('skopeo', ['inspect', '--authfile', authFile, '--cert-dir', path.dirname(reg.caFile!), `docker://${reg.host}/private/pushed:1`], {encoding: 'utf8'});
    expect(s.status, s.stderr).to.equal(0);
    expect(ok(['logout', reg.host], {env: e})).to.equal(`Removed login credentials for ${reg.host}\n`);
    expect(burrow(['pull', `${reg.host}/private/busybox`], {env: e}).status).to.equal(125);
    expect(burrow(['logout', reg.host], {env: e}).stderr).to.match(/not logged into/);
  });

  it('--creds and --authfile work without a stored login; --tls-verify=false skips the CA', () => {
    const bare = userEnv('bare');
    const r = burrow(['pull', '-q', '--tls-verify=false', '--creds', `${reg.user}:${reg.password}`, `${reg.host}/private/busybox`], {env: bare});
    expect(r.status, r.stderr).to.equal(0);
    const file = path.join(work, 'my-auth.json');
    ok(['login', '--authfile', file, '--tls-verify=false', '-u', reg.user!, '-p', reg.password!, reg.host], {env: bare});
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(burrow(['pull', '-q', '--tls-verify=false', '--authfile', file, `${reg.host}/private/busybox`], {env: bare}).status).to.equal(0);
    expect(burrow(['pull', '-q', '--tls-verify=false', `${reg.host}/private/busybox`], {env: {...bare, REGISTRY_AUTH_FILE: file}}).status).to.equal(0);
  });
});

describe('registry: bearer tokens', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let e: NodeJS.ProcessEnv;
  before(async () => {
    reg = await startRegistry({auth: 'token'});
    pushLayout(busyboxLayout(), reg, 'public/busybox:latest');
    pushLayout(busyboxLayout(), reg, 'team/busybox:latest');
    e = userEnv('token');
  });
  after(async () => {
    burrow(['rmi', '-a', '-f']);
    await reg?.stop();
  });

  it('pulls a public repository anonymously with a token scoped to it', () => {
    const r = burrow(['pull', '-q', '--tls-verify=false', `${reg.host}/public/busybox`], {env: e});
    expect(r.status, r.stderr).to.equal(0);
    const asked = reg.tokenRequests!().map((t) => (t as unknown as {scope?: string; scopes?: string[]}));
    expect(JSON.stringify(asked)).to.include('repository:public/busybox:pull');
  });

  it('a private repository needs login; then pull and push work with bearer tokens', () => {
    let r = burrow(['pull', '--tls-verify=false', `${reg.host}/team/busybox`], {env: e});
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/burrow login/);
    r = burrow(['login', '--tls-verify=false', '-u', reg.user!, '--password-stdin', reg.host], {env: e, input: 'nope'});
    expect(r.stderr).to.match(/invalid username\/password/);
    ok(['login', '--tls-verify=false', '-u', reg.user!, '--password-stdin', reg.host], {env: e, input: reg.password!});
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/team/busybox`], {env: e});
    ok(['push', '--tls-verify=false', `${reg.host}/team/busybox`, `${reg.host}/team/copy:2`], {env: e});
    const s = spawnSync('skopeo', ['inspect', ...skopeoRegistryFlags(reg), `docker://${reg.host}/team/copy:2`], {encoding: 'utf8'});
    expect(s.status, s.stderr).to.equal(0);
  });
});
