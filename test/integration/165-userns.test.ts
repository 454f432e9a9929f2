// --userns as a user meets it: keep-id runs the container as you, so a bind-mounted directory keeps its
// owners both ways; auto gives each container its own slice of your subordinate ids (disjoint, freed on
// rm, a clear error when none is left); ports still publish; without --userns nothing changes.
import {freePort, httpGet} from '../support/ports';
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {burrow, ensureDemoImage, ok, subuidRange, work} from './harness';

const me = {uid: process.getuid!(), gid: process.getgid!(), name: os.userInfo().username};

/** /proc/self/uid_map as the container reads it: its ids → the pause namespace's. */
function uidMapOf(text: string): {inside: number; outside: number; size: number}[] {
  return text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)).map(([inside, outside, size]) => ({inside, outside, size}));
}

const httpBody = async (port: number, timeoutMs?: number) => (await httpGet(port, {path: '/index.html', timeoutMs})).body;


describe('userns: --userns keep-id and auto', function () {
  this.timeout(120_000);
  before(() => ensureDemoImage());

  it('keep-id: id shows your uid/gid and name; a bind-mounted directory keeps its owners both ways; root still exists', () => {
    const dir = fs.mkdtempSync(path.join(work, 'keepid-'));
    fs.writeFileSync(path.join(dir, 'from-host'), 'x');
    const out = ok(['run', '--rm', '--userns=keep-id', '-v', `${dir}:/data`, 'localhost/demo', 'sh', '-c',
      'id; stat -c "%u:%g" /data/from-host; touch /data/from-ctr; stat -c "%u:%g" /bin/busybox; grep ":$(id -u):" /etc/passwd; echo "HOME=$HOME"; cat /proc/self/uid_map']);
    const lines = out.trim().split('\n');
    expect(lines[0]).to.equal(`uid=${me.uid}(${me.name}) gid=${me.gid}(${me.name})`);
    expect(lines[1]).to.equal(`${me.uid}:${me.gid}`);
    // the image's files are still root's inside
    expect(lines[2]).to.equal('0:0');
    expect(lines[3]).to.match(new RegExp(`^${me.name}:\\*:${me.uid}:${me.gid}:[^:]*:/:/bin/sh$`));
    expect(lines[4]).to.equal('HOME=/');
    const map = uidMapOf(lines.slice(5).join('\n'));
    expect(map).to.deep.include({inside: 0, outside: 1, size: Math.min(me.uid, subuidRange().count)});
    expect(map).to.deep.include({inside: me.uid, outside: 0, size: 1});
    const st = fs.statSync(path.join(dir, 'from-ctr'));
    expect([st.uid, st.gid]).to.deep.equal([me.uid, me.gid]);
  });

  it('keep-id: root inside is your first subordinate id on the host', () => {
    const dir = fs.mkdtempSync(path.join(work, 'keepid-root-'));
    fs.chmodSync(dir, 0o777);
    ok(['run', '--rm', '--userns=keep-id', '--user', '0', '-v', `${dir}:/data`, 'localhost/demo', 'touch', '/data/as-root']);
    expect(fs.statSync(path.join(dir, 'as-root')).uid).to.equal(subuidRange().start);
  });

  it('keep-id:uid=,gid= runs as those ids inside, which are you outside', () => {
    const dir = fs.mkdtempSync(path.join(work, 'keepid-uid-'));
    const out = ok(['run', '--rm', '--userns=keep-id:uid=200,gid=210', '-v', `${dir}:/data`, 'localhost/demo', 'sh', '-c', 'id -u; id -g; touch /data/f; stat -c %u:%g /data/f']);
    expect(out.trim().split('\n')).to.deep.equal(['200', '210', '200:210']);
    const st = fs.statSync(path.join(dir, 'f'));
    expect([st.uid, st.gid]).to.deep.equal([me.uid, me.gid]);
  });

  it('inspect shows UsernsMode and IDMappings as Podman does; without --userns they are empty and the pause mapping is used', () => {
    ok(['create', '--name', 'ns-keep', '--userns=keep-id', 'localhost/demo', 'true']);
    ok(['create', '--name', 'ns-default', 'localhost/demo', 'true']);
    try {
      const h = JSON.parse(ok(['inspect', '--format', '{{json .HostConfig}}', 'ns-keep'])) as {UsernsMode: string; IDMappings: {UidMap: string[]; GidMap: string[]}};
      expect(h.UsernsMode).to.equal('keep-id');
      expect(h.IDMappings.UidMap).to.include(`${me.uid}:0:1`);
      expect(h.IDMappings.GidMap).to.include(`${me.gid}:0:1`);
      const d = JSON.parse(ok(['inspect', '--format', '{{json .HostConfig}}', 'ns-default'])) as {UsernsMode: string; IDMappings?: unknown};
      expect(d.UsernsMode).to.equal('');
      expect(d.IDMappings).to.equal(undefined);
    } finally {
      burrow(['rm', '-f', 'ns-keep', 'ns-default']);
    }
    const out = ok(['run', '--rm', 'localhost/demo', 'sh', '-c', 'id -u; cat /proc/self/uid_map']).trim().split('\n');
    expect(out[0]).to.equal('0');
    expect(uidMapOf(out.slice(1).join('\n'))).to.deep.equal([{inside: 0, outside: me.uid, size: 1}, {inside: 1, outside: subuidRange().start, size: subuidRange().count}]);
  });

  it('auto: two containers get disjoint ranges; files they create belong to different host subordinate ids', () => {
    const dir = fs.mkdtempSync(path.join(work, 'auto-'));
    fs.chmodSync(dir, 0o777);
    const run = (name: string) => ok(['run', '--name', name, '--userns=auto:size=2000', '-v', `${dir}:/data`, 'localhost/demo', 'sh', '-c', `cat /proc/self/uid_map; touch /data/${name}; id -u`]);
    try {
      const a = run('ns-auto-a').trim().split('\n');
      const b = run('ns-auto-b').trim().split('\n');
      const [ma] = uidMapOf(a[0]);
      const [mb] = uidMapOf(b[0]);
      expect(a[1]).to.equal('0');
      expect(ma.inside).to.equal(0);
      expect(ma.size).to.equal(2000);
      expect(mb.size).to.equal(2000);
      expect(ma.outside + ma.size <= mb.outside || mb.outside + mb.size <= ma.outside, `${JSON.stringify(ma)} and ${JSON.stringify(mb)} overlap`).to.equal(true);
      expect(ma.outside).to.be.greaterThan(0);
      const hostOf = (pauseId: number) => subuidRange().start + pauseId - 1;
      expect(fs.statSync(path.join(dir, 'ns-auto-a')).uid).to.equal(hostOf(ma.outside));
      expect(fs.statSync(path.join(dir, 'ns-auto-b')).uid).to.equal(hostOf(mb.outside));
      expect(ok(['inspect', '--format', '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings.UidMap}}', 'ns-auto-a']).trim()).to.equal(`auto ["0:${ma.outside}:2000"]`);
    } finally {
      burrow(['rm', '-f', 'ns-auto-a', 'ns-auto-b']);
    }
  });

  it('auto: an exhausted range is one clear line and nothing is created; rm frees the range', () => {
    const half = Math.floor(subuidRange().count / 2) + 1;
    ok(['create', '--name', 'ns-big', `--userns=auto:size=${half}`, 'localhost/demo', 'true']);
    try {
      const r = burrow(['create', '--name', 'ns-big2', `--userns=auto:size=${half}`, 'localhost/demo', 'true']);
      expect(r.status).to.equal(125);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(new RegExp(`--userns=auto: no free range of ${half} ids is left`));
      expect(ok(['ps', '-a', '--format', '{{.Names}}']).split('\n')).to.not.include('ns-big2');
      ok(['rm', 'ns-big']);
      ok(['create', '--name', 'ns-big2', `--userns=auto:size=${half}`, 'localhost/demo', 'true']);
      expect(ok(['inspect', '--format', '{{json .HostConfig.IDMappings.UidMap}}', 'ns-big2']).trim()).to.equal(`["0:1:${half}"]`);
    } finally {
      burrow(['rm', '-f', 'ns-big', 'ns-big2']);
    }
  });

  it('keep-id: a published port reaches the container', async () => {
    const port = await freePort();
    ok(['run', '-d', '--name', 'ns-web', '--userns=keep-id', '-p', `127.0.0.1:${port}:8080`, 'localhost/demo', 'sh', '-c', 'mkdir -p /tmp/www && echo "served as $(id -u)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']);
    try {
      expect((await httpBody(port)).trim()).to.equal(`served as ${me.uid}`);
    } finally {
      burrow(['rm', '-f', 'ns-web']);
    }
  });

  it('bad --userns values are one clear line with exit 125', () => {
    const r = burrow(['run', '--rm', '--userns=sideways', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/unsupported --userns mode "sideways"/);
  });
});
