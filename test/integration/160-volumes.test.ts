// Volumes as a user meets them, with real containers: named volumes outlive their containers and are
// made on first use, anonymous ones go with rm -v / --rm, an image's VOLUME gets one holding the image's
// content, a volume in use is refused, export/import round-trips and a hostile archive is refused, and
// the options U, O, --mount and --volumes-from do what Podman's do. Names carry "t160" so a leak is traceable.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, ensureDemoImage, ok, storageMounts, storageRoot, subuidRange, work} from './harness';

const volData = (name: string) => path.join(storageRoot, 'volumes', name, '_data');
const names = () => ok(['volume', 'ls', '-q']).split('\n').filter(Boolean);
/** Image mounts and O overlays burrow made for containers and has not undone. */
const extraMounts = () => storageMounts().filter((m) => m.includes('/mounts/'));

/** A tar with one member, written by hand (ustar), so hostile names can be expressed. */
function tarWith(members: {name: string; type?: '0' | '2' | '5'; link?: string; data?: string}[]): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    const h = Buffer.alloc(512);
    h.write(m.name, 0, 100);
    h.write(m.type === '5' ? '0000755\0' : '0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(m.type ?? '0', 156);
    if (m.link) h.write(m.link, 157, 100);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('volumes', function () {
  this.timeout(120_000);
  before(() => {
    ensureDemoImage();
    // An image whose /srv/data (owned by 1000, mode 750, with a file) is declared a VOLUME.
    ok(['run', '--name', 't160-seed', 'localhost/demo', 'sh', '-c', 'mkdir -p /srv/data && echo seeded > /srv/data/seed && chown -R 1000:1000 /srv/data && chmod 750 /srv/data']);
    const tar = path.join(work, 't160-seed.tar');
    ok(['export', '-o', tar, 't160-seed']);
    ok(['import', '--change', 'VOLUME /srv/data', '--change', 'CMD=["/bin/sh"]', tar, 'localhost/t160-withvol']);
    ok(['rm', 't160-seed']);
  });

  it('volume create, ls (formats, filters), inspect with Podman\'s fields, exists', () => {
    expect(ok(['volume', 'create', '--label', 'team=web', 't160-a']).trim()).to.equal('t160-a');
    expect(burrow(['volume', 'create', 't160-a']).status).to.equal(125);
    expect(ok(['volume', 'create', '--ignore', 't160-a']).trim()).to.equal('t160-a');
    const [v] = JSON.parse(ok(['volume', 'inspect', 't160-a'])) as Record<string, unknown>[];
    expect(v).to.include({Name: 't160-a', Driver: 'local', Scope: 'local', Mountpoint: volData('t160-a'), MountCount: 0, NeedsCopyUp: true});
    expect(v.Labels).to.deep.equal({team: 'web'});
    expect(fs.statSync(volData('t160-a')).isDirectory()).to.equal(true);
    expect(ok(['volume', 'ls'])).to.match(/^DRIVER\s+VOLUME NAME\n(.*\n)*local\s+t160-a\n/);
    expect(ok(['volume', 'ls', '--filter', 'label=team=web', '--format', '{{.Name}} {{.Driver}}'])).to.equal('t160-a local\n');
    expect((JSON.parse(ok(['volume', 'ls', '--format', 'json', '--filter', 'name=t160-a'])) as {Name: string}[]).map((x) => x.Name)).to.deep.equal(['t160-a']);
    expect(burrow(['volume', 'exists', 't160-a']).status).to.equal(0);
    expect(burrow(['volume', 'exists', 't160-none']).status).to.equal(1);
    expect(burrow(['volume', 'create', '--opt', 'type=tmpfs', 't160-bad']).stderr).to.contain('volume option "type" is not supported');
    ok(['volume', 'rm', 't160-a']);
    expect(burrow(['volume', 'exists', 't160-a']).status).to.equal(1);
  });

  it('-v NAME:/path creates the volume on first use; its data survives the container', () => {
    ok(['run', '--rm', '-v', 't160-keep:/data', 'localhost/demo', 'sh', '-c', 'echo kept > /data/f']);
    expect(names()).to.include('t160-keep');
    expect(ok(['run', '--rm', '-v', 't160-keep:/other:ro', 'localhost/demo', 'cat', '/other/f'])).to.equal('kept\n');
    const ro = burrow(['run', '--rm', '-v', 't160-keep:/other:ro', 'localhost/demo', 'touch', '/other/x']);
    expect(ro.status).to.not.equal(0);
    expect(ro.stderr).to.match(/Read-only file system/);
    ok(['volume', 'rm', 't160-keep']);
  });

  it('a volume in use is refused (exit 2) until rm -f, which removes its containers; an unknown one exits 1', () => {
    ok(['create', '--name', 't160-user', '-v', 't160-used:/data', 'localhost/demo', 'true']);
    const r = burrow(['volume', 'rm', 't160-used']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('volume is being used');
    expect(burrow(['volume', 'prune', '-f']).stdout).to.not.contain('t160-used');
    expect(names()).to.include('t160-used');
    expect(ok(['ps', '-a', '--filter', 'volume=t160-used', '--format', '{{.Names}}'])).to.equal('t160-user\n');
    expect(ok(['volume', 'rm', '-f', 't160-used']).trim()).to.equal('t160-used');
    expect(burrow(['container', 'inspect', 't160-user']).status).to.equal(125);
    expect(burrow(['volume', 'rm', 't160-used']).status).to.equal(1);
  });

  it('an anonymous volume (-v /path) stays after rm, goes with rm -v and with run --rm', () => {
    ok(['run', '--name', 't160-anon', '-v', '/scratch', 'localhost/demo', 'sh', '-c', 'echo a > /scratch/a']);
    const m = JSON.parse(ok(['inspect', '--format', '{{json .Mounts}}', 't160-anon'])) as {Type: string; Name: string; Source: string; Destination: string; Driver: string; RW: boolean}[];
    expect(m).to.have.length(1);
    expect(m[0]).to.include({Type: 'volume', Destination: '/scratch', Driver: 'local', RW: true});
    expect(m[0].Name).to.match(/^[a-f0-9]{64}$/);
    expect(m[0].Source).to.equal(volData(m[0].Name));
    expect(ok(['inspect', '--format', '{{index .HostConfig.Binds 0}}', 't160-anon']).trim()).to.equal(`${m[0].Name}:/scratch:rw,rprivate,nosuid,nodev,rbind`);
    expect((JSON.parse(ok(['volume', 'inspect', m[0].Name])) as {Anonymous: boolean}[])[0].Anonymous).to.equal(true);
    ok(['rm', 't160-anon']);
    expect(names()).to.include(m[0].Name);
    ok(['volume', 'rm', m[0].Name]);

    ok(['run', '--name', 't160-anon2', '-v', '/scratch', 'localhost/demo', 'true']);
    const name2 = ok(['inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', 't160-anon2']).trim();
    ok(['rm', '-v', 't160-anon2']);
    expect(names()).to.not.include(name2);

    const before = names();
    ok(['run', '--rm', '-v', '/scratch', '-v', 't160-named:/n', 'localhost/demo', 'true']);
    expect(names().filter((n) => !before.includes(n))).to.deep.equal(['t160-named']); // named survives, anonymous gone
    ok(['volume', 'rm', 't160-named']);
  });

  it('an image VOLUME gets an anonymous volume holding the image\'s content, owner and mode; a user mount there wins', () => {
    const out = ok(['run', '--name', 't160-iv', 'localhost/t160-withvol', 'sh', '-c', 'stat -c "%u %g %a" /srv/data; cat /srv/data/seed']);
    expect(out).to.equal('1000 1000 750\nseeded\n');
    const m = JSON.parse(ok(['inspect', '--format', '{{json .Mounts}}', 't160-iv'])) as {Type: string; Name: string; Destination: string}[];
    expect(m.map((x) => [x.Type, x.Destination])).to.deep.equal([['volume', '/srv/data']]);
    const {start} = subuidRange();
    expect(fs.statSync(volData(m[0].Name)).uid).to.equal(start + 999);
    ok(['rm', '-v', 't160-iv']);
    expect(names()).to.not.include(m[0].Name);

    const dir = fs.mkdtempSync(path.join(work, 't160-cover-'));
    const covered = ok(['run', '--rm', '-v', `${dir}:/srv/data`, 'localhost/t160-withvol', 'sh', '-c', 'ls -A /srv/data; echo end']);
    expect(covered).to.equal('end\n');
    // nocopy: a new named volume stays empty
    expect(ok(['run', '--rm', '-v', 't160-nocopy:/srv/data:nocopy', 'localhost/t160-withvol', 'sh', '-c', 'ls -A /srv/data; echo end'])).to.equal('end\n');
    ok(['volume', 'rm', 't160-nocopy']);
  });

  it('data a container writes as uid 1000 is owned by the mapped subordinate uid; burrow unshare shows 1000', () => {
    ok(['run', '--rm', '-u', '1000:1000', '-v', 't160-own:/data', 'localhost/demo', 'sh', '-c', 'echo mine > /data/mine']);
    const {start} = subuidRange();
    const st = fs.statSync(path.join(volData('t160-own'), 'mine'));
    expect(st.uid).to.equal(start + 999);
    expect(ok(['unshare', 'ls', '-ln', volData('t160-own')])).to.match(/^-rw-r--r-- +1 1000 1000 +5 .* mine$/m);
    ok(['volume', 'rm', 't160-own']);
  });

  it('U gives the source to the container\'s user (through the mapping); without U it stays the user\'s', () => {
    const dir = fs.mkdtempSync(path.join(work, 't160-u-'));
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    expect(ok(['run', '--rm', '-u', '1000:1000', '-v', `${dir}:/data`, 'localhost/demo', 'stat', '-c', '%u', '/data/f'])).to.equal('0\n');
    expect(fs.statSync(path.join(dir, 'f')).uid).to.equal(process.getuid!());
    expect(ok(['run', '--rm', '-u', '1000:1000', '-v', `${dir}:/data:U`, 'localhost/demo', 'sh', '-c', 'stat -c %u /data/f; echo w > /data/w'])).to.equal('1000\n');
    const {start} = subuidRange();
    expect(fs.statSync(path.join(dir, 'f')).uid).to.equal(start + 999);
    expect(fs.statSync(path.join(dir, 'w')).uid).to.equal(start + 999);
    burrow(['unshare', 'rm', '-rf', dir]);
  });

  it('O: the host directory is the lower layer; the container\'s changes never reach the host and go at the next start', () => {
    const dir = fs.mkdtempSync(path.join(work, 't160-o-'));
    fs.writeFileSync(path.join(dir, 'file'), 'original\n');
    const out = ok(['run', '--name', 't160-o', '-v', `${dir}:/data:O`, 'localhost/demo', 'sh', '-c', 'cat /data/file; echo changed > /data/file; echo new > /data/new; rm /data/file; ls /data']);
    expect(out).to.equal('original\nnew\n');
    expect(extraMounts()).to.deep.equal([]); // the overlay went with the container's exit
    expect(fs.readdirSync(dir)).to.deep.equal(['file']);
    expect(fs.readFileSync(path.join(dir, 'file'), 'utf8')).to.equal('original\n');
    fs.writeFileSync(path.join(dir, 'host-later'), 'h\n');
    ok(['start', 't160-o']);
    ok(['wait', 't160-o']);
    expect(ok(['logs', 't160-o'])).to.equal('original\nnew\noriginal\nhost-later\nnew\n');
    ok(['rm', 't160-o']);
  });

  it('--mount: bind (ro), volume, tmpfs and image forms', () => {
    const dir = fs.mkdtempSync(path.join(work, 't160-m-'));
    fs.writeFileSync(path.join(dir, 'h'), 'host\n');
    const out = ok(['run', '--rm',
      '--mount', `type=bind,source=${dir},target=/b,readonly`,
      '--mount', 'type=volume,src=t160-mv,dst=/v',
      '--mount', 'type=tmpfs,target=/t,tmpfs-size=1m',
      '--mount', 'type=image,source=localhost/t160-withvol,target=/img',
      'localhost/demo', 'sh', '-c',
      'cat /b/h; touch /b/x 2>/dev/null || echo b-ro; echo v > /v/v && echo v-rw; grep " /t " /proc/mounts | cut -d" " -f3; cat /img/srv/data/seed; touch /img/x 2>/dev/null || echo img-ro']);
    expect(out).to.equal('host\nb-ro\nv-rw\ntmpfs\nseeded\nimg-ro\n');
    expect(extraMounts()).to.deep.equal([]);
    expect(fs.readFileSync(path.join(volData('t160-mv'), 'v'), 'utf8')).to.equal('v\n');
    const bad = burrow(['run', '--rm', '--mount', 'type=image,source=localhost/t160-none,target=/img', 'localhost/demo', 'true']);
    expect(bad.status).to.equal(125);
    ok(['volume', 'rm', 't160-mv']);
  });

  it('--volumes-from shares another container\'s volumes and binds, read-only with :ro', () => {
    const dir = fs.mkdtempSync(path.join(work, 't160-vf-'));
    ok(['create', '--name', 't160-vf-src', '-v', 't160-shared:/shared', '-v', `${dir}:/host`, 'localhost/demo', 'true']);
    ok(['run', '--rm', '--volumes-from', 't160-vf-src', 'localhost/demo', 'sh', '-c', 'echo one > /shared/one; echo two > /host/two']);
    expect(fs.readFileSync(path.join(dir, 'two'), 'utf8')).to.equal('two\n');
    const ro = burrow(['run', '--rm', '--volumes-from', 't160-vf-src:ro', 'localhost/demo', 'sh', '-c', 'cat /shared/one; touch /shared/x']);
    expect(ro.stdout).to.equal('one\n');
    expect(ro.stderr).to.match(/Read-only file system/);
    ok(['rm', 't160-vf-src']);
    ok(['volume', 'rm', 't160-shared']);
  });

  it('export and import round-trip a volume, owners included; a hostile archive is refused and changes nothing', () => {
    ok(['run', '--rm', '-v', 't160-exp:/d', 'localhost/demo', 'sh', '-c', 'mkdir /d/sub && echo one > /d/sub/one && chown -R 1000:1000 /d/sub && ln -s sub/one /d/link']);
    const tar = path.join(work, 't160-exp.tar');
    ok(['volume', 'export', '-o', tar, 't160-exp']);
    ok(['volume', 'create', 't160-imp']);
    ok(['volume', 'import', 't160-imp', tar]);
    expect(ok(['run', '--rm', '-v', 't160-imp:/i', 'localhost/demo', 'sh', '-c', 'stat -c "%u %n" /i/sub/one; cat /i/link'])).to.equal('1000 /i/sub/one\none\n');

    const evil = path.join(work, 't160-evil.tar');
    for (const members of [
      [{name: '../escape', data: 'x'}],
      [{name: 'lnk', type: '2' as const, link: '/tmp'}, {name: 'lnk/pwned', data: 'x'}],
    ]) {
      fs.writeFileSync(evil, tarWith(members));
      const r = burrow(['volume', 'import', 't160-imp', evil]);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.match(/entry "(\.\.\/escape|lnk\/pwned)"/);
    }
    expect(fs.existsSync('/tmp/pwned')).to.equal(false);
    expect(ok(['unshare', 'ls', '-A', volData('t160-imp')]).split('\n').filter(Boolean).sort()).to.deep.equal(['link', 'sub']);
    expect(fs.readdirSync(path.join(storageRoot, 'volumes')).filter((e) => e.startsWith('.'))).to.deep.equal([]);

    // A symlink already in the volume is replaced by the archive's directory, never written through.
    const target = fs.mkdtempSync(path.join(work, 't160-target-'));
    ok(['run', '--rm', '-v', 't160-imp:/i', 'localhost/demo', 'ln', '-s', target, '/i/evil']);
    fs.writeFileSync(evil, tarWith([{name: 'evil/', type: '5'}, {name: 'evil/pwned', data: 'x'}]));
    ok(['volume', 'import', 't160-imp', evil]);
    expect(fs.readdirSync(target)).to.deep.equal([]);
    const none = burrow(['volume', 'import', 't160-none', tar]);
    expect(none.status).to.equal(125);
    expect(none.stderr).to.contain('no such volume');
    ok(['volume', 'rm', 't160-exp', 't160-imp']);
  });

  it('volume prune removes only volumes no container uses', () => {
    ok(['volume', 'create', 't160-p1']);
    ok(['volume', 'create', '--label', 'keep=yes', 't160-p2']);
    ok(['create', '--name', 't160-p-user', '-v', 't160-p3:/d', 'localhost/demo', 'true']);
    expect(ok(['volume', 'prune', '-f', '--filter', 'label!=keep'])).to.contain('t160-p1');
    expect(names()).to.include.members(['t160-p2', 't160-p3']).and.not.include('t160-p1');
    ok(['rm', 't160-p-user']);
    ok(['volume', 'prune', '-f']);
    expect(names().filter((n) => n.startsWith('t160-'))).to.deep.equal([]);
  });
});
