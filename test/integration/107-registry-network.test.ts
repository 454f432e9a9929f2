// The network misbehaving between burrow and a real registry: a connection dropped in the middle of a
// layer (resumed with a Range request, not restarted), a registry failing with 503 for a while (retried
// with backoff), and a mirror from registries.conf serving an image whose primary registry is down.
// Also: progress bars when stdout/stderr is a terminal, and Podman pulling what burrow pushed.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {burrow, burrowAsync, env, ok, runRoot, bin, work} from './harness';
import {startRegistry, type TestRegistry} from '../support/registry';
import {busyboxLayout, debianLayout, pushLayout} from '../support/test-images';

interface Proxy {
  host: string;
  requests: {method: string; url: string; range?: string; status?: number}[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of a plain registry. `cutBlobs`: the first GET of each blob is cut
 * off after half its bytes. `failFirst`: the first N requests get 503.
 */
async function startProxy(upstream: TestRegistry, o: {cutBlobs?: boolean; failFirst?: number}): Promise<Proxy> {
  const requests: Proxy['requests'] = [];
  const cut = new Set<string>();
  let failures = o.failFirst ?? 0;
  const server = http.createServer((req, res) => {
    const rec: Proxy['requests'][number] = {method: req.method!, url: req.url!, range: req.headers.range};
    requests.push(rec);
    if (failures > 0) {
      failures--;
      rec.status = 503;
      res.writeHead(503, {'content-type': 'application/json'}).end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
      return;
    }
    const up = http.request(`${upstream.url}${req.url}`, {method: req.method, headers: {...req.headers, host: upstream.host}}, (ur) => {
      rec.status = ur.statusCode;
      res.writeHead(ur.statusCode!, ur.headers);
      const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url!) && !req.headers.range;
      const length = Number(ur.headers['content-length'] ?? 0);
      if (o.cutBlobs && isBlob && !cut.has(req.url!) && length > 4096) {
        cut.add(req.url!);
        let sent = 0;
        ur.on('data', (c: Buffer) => {
          if (sent >= length / 2) return;
          const part = c.subarray(0, Math.max(0, Math.ceil(length / 2) - sent));
          sent += part.length;
          res.write(part);
          if (sent >= length / 2) {
            ur.destroy();
            res.socket?.destroy();
          }
        });
        return;
      }
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as {port: number}).port;
  return {host: `127.0.0.1:${port}`, requests, close: () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  })};
}

describe('registry: a misbehaving network', function () {
  this.timeout(180_000);
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
    pushLayout(busyboxLayout(), reg, 'net/busybox:latest');
    pushLayout(debianLayout(), reg, 'net/debian:latest');
  });
  after(async () => {
    burrow(['rmi', '-a', '-f']);
    await reg?.stop();
  });

  it('a connection dropped mid-layer is resumed with a Range request and the image is whole', async () => {
    const proxy = await startProxy(reg, {cutBlobs: true});
    try {
      // async: the proxy lives in this process, so a blocking spawn would starve it
      const r = await burrowAsync(['pull', '--tls-verify=false', '--retry-delay', '10ms', `${proxy.host}/net/debian:latest`]);
      expect(r.status, r.stderr).to.equal(0);
      const ranged = proxy.requests.filter((q) => q.range);
      // each of the four layers (and the config, if big enough) was cut once and resumed from its middle
      expect(ranged.length).to.be.at.least(4);
      for (const q of ranged) {
        expect(q.range).to.match(/^bytes=[1-9]\d*-$/);
        expect(q.status).to.equal(206);
      }
      const run = await burrowAsync(['run', '--rm', `${proxy.host}/net/debian:latest`, 'sh', '-c', 'dpkg -l | grep -c ^ii']);
      expect(run.stdout).to.match(/^\d{2,}\n$/);
    } finally {
      await proxy.close();
    }
  });

  it('503s are retried with backoff; too many are a one-line error naming the registry', async () => {
    let proxy = await startProxy(reg, {failFirst: 3});
    try {
      const r = await burrowAsync(['pull', '-q', '--tls-verify=false', '--retry', '3', '--retry-delay', '10ms', `${proxy.host}/net/busybox:latest`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(proxy.requests.filter((q) => q.status === 503)).to.have.length(3);
    } finally {
      await proxy.close();
    }
    proxy = await startProxy(reg, {failFirst: 100});
    try {
      const r = await burrowAsync(['pull', '-q', '--tls-verify=false', '--retry', '1', '--retry-delay', '10ms', `${proxy.host}/net/busybox:latest`]);
      expect(r.status).to.equal(125);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/127\.0\.0\.1:\d+ answered HTTP 503: try later/);
    } finally {
      await proxy.close();
    }
  });

  it('a mirror from registries.conf serves the image when the primary registry is down', () => {
    const home = path.join(work, 'home-mirror');
    fs.mkdirSync(path.join(home, '.config', 'containers'), {recursive: true});
    fs.writeFileSync(path.join(home, '.config', 'containers', 'registries.conf'), [
      '[[registry]]', 'location = "127.0.0.1:1"', 'insecure = true',
      '[[registry.mirror]]', `location = "${reg.host}"`, 'insecure = true', '',
    ].join('\n'));
    const r = burrow(['pull', '-q', '127.0.0.1:1/net/busybox:latest'], {env: {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config')}});
    expect(r.status, r.stderr).to.equal(0);
    expect(ok(['images', '--format', '{{.Repository}}'])).to.include('127.0.0.1:1/net/busybox');
  });

  it('on a terminal, pull draws per-layer bars and a total with a rate', () => {
    ok(['rmi', '-a', '-f']);
    const cmd = 'stty cols 120; ' + [bin, '--runroot', runRoot, 'pull', '--tls-verify=false', `${reg.host}/net/busybox:latest`].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {env: {...env, TERM: 'xterm', COLUMNS: '120'}, encoding: 'utf8', timeout: 60_000});
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/Copying blob [0-9a-f]{12} \[=+\]/);
    expect(r.stdout).to.match(/Total \[=+\] .* \d[\d.]* [kMG]?B\/s/);
    expect(r.stdout).to.include('\x1b[');
    expect(r.stdout).to.match(/^[0-9a-f]{64}\r?$/m);
  });

  it('Podman pulls and runs what burrow pushed', function () {
    if (spawnSync('podman', ['--version']).status !== 0) this.skip();
    ok(['pull', '-q', '--tls-verify=false', `${reg.host}/net/busybox:latest`]);
    ok(['push', '-q', '--tls-verify=false', `${reg.host}/net/busybox:latest`, `${reg.host}/from-burrow/bb:1`]);
    const pr = path.join(work, 'podman');
    const podman = (args: string[]) => spawnSync('podman', ['--root', `${pr}/root`, '--runroot', `${pr}/run`, '--runtime', 'runc', '--storage-driver', 'overlay', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', ...args], {encoding: 'utf8', timeout: 120_000});
    try {
      let r = podman(['pull', '--tls-verify=false', `${reg.host}/from-burrow/bb:1`]);
      expect(r.status, r.stderr).to.equal(0);
      r = podman(['run', '--rm', '--net', 'host', `${reg.host}/from-burrow/bb:1`, 'cat', '/etc/added-in-layer3']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('added by the third layer\n');
    } finally {
      podman(['system', 'reset', '-f']);
      spawnSync('rm', ['-rf', pr]);
    }
  });
});
