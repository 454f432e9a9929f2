// Local images: import, images (table, template, json, filters), tag, rmi (refusing images in use),
// image inspect — and hostile tarballs refused with the entry named and nothing left behind.
import {expect} from 'chai';
import {spawn, spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bin, burrow, demoTarball, env, ok, runRoot, storageRoot, until, work} from './harness';

/** Writes a tar made by Python's tarfile from a small spec, so tests can craft hostile archives. */
function craftTar(name: string, script: string): string {
  const file = path.join(work, name);
  const py = `import tarfile, io, sys\nt = tarfile.open(sys.argv[1], 'w')\ndef f(n, data=b'x', **kw):\n    i = tarfile.TarInfo(n); i.size = len(data)\n    for k, v in kw.items(): setattr(i, k, v)\n    t.addfile(i, io.BytesIO(data))\ndef l(n, target, kind=tarfile.SYMTYPE):\n    i = tarfile.TarInfo(n); i.type = kind; i.linkname = target; t.addfile(i)\n${script}\nt.close()\n`;
  const r = spawnSync('python3', ['-c', py, file], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(r.stderr);
  return file;
}

function storageSnapshot(): string[] {
  const out: string[] = [];
  for (const d of ['images', 'layers', 'blobs/sha256']) {
    try {
      for (const e of fs.readdirSync(path.join(storageRoot, d))) out.push(`${d}/${e}`);
    } catch {
      // not created yet
    }
  }
  return out.sort();
}

describe('images', function () {
  this.timeout(60_000);
  afterEach(() => burrow(['rm', '-a', '-f']));

  it('import names short names under localhost/ and images lists them like Podman', () => {
    const id = ok(['import', demoTarball, 'mybox:1.0']).trim();
    expect(id).to.match(/^[0-9a-f]{64}$/);
    const [header, ...rows] = ok(['images']).trimEnd().split('\n');
    expect(header).to.match(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(rows.some((r) => new RegExp(`^localhost/mybox\\s+1\\.0\\s+${id.slice(0, 12)}\\s+.*ago\\s+[\\d.]+ [kM]B$`).test(r))).to.equal(true);
    expect(ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n')).to.include('localhost/mybox:1.0');
    const json = JSON.parse(ok(['images', '--format', 'json'])) as Record<string, unknown>[];
    const mine = json.find((j) => j.Id === id)!;
    expect(mine.RepoTags).to.deep.equal(['localhost/mybox:1.0']);
    expect(mine.Size).to.be.a('number').and.above(1_000_000);
    expect(ok(['run', '--rm', 'mybox:1.0', 'echo', 'from mybox']).trim()).to.equal('from mybox');
    ok(['rmi', 'mybox:1.0']);
  });

  it('tag adds names; rmi of one name only untags; image inspect shows the config', () => {
    ok(['tag', 'localhost/demo', 'localhost/demo:v2', 'alias']);
    const names = ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).trim().split('\n');
    expect(names).to.include.members(['localhost/demo:latest', 'localhost/demo:v2', 'localhost/alias:latest']);
    const [img] = JSON.parse(ok(['image', 'inspect', 'alias'])) as Record<string, any>[];
    expect(img.Config.Cmd).to.deep.equal(['/usr/bin/demo']);
    expect(img.RepoTags).to.include.members(['localhost/demo:latest', 'localhost/alias:latest']);
    expect(img.Os).to.equal('linux');
    expect(ok(['rmi', 'alias']).trim()).to.equal('Untagged: localhost/alias:latest');
    expect(ok(['rmi', 'localhost/demo:v2']).trim()).to.equal('Untagged: localhost/demo:v2');
    expect(ok(['image', 'inspect', '--format', '{{.RepoTags}}', 'localhost/demo']).trim()).to.equal('[localhost/demo:latest]');
  });

  it('rmi refuses an image a container uses (exit 2) and -f removes both', () => {
    ok(['import', demoTarball, 'localhost/inuse']);
    ok(['create', '--name', 'user-of-image', 'localhost/inuse', 'true']);
    const r = burrow(['rmi', 'localhost/inuse']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('image is in use by a container');
    expect(ok(['images', '--format', '{{.Repository}}'])).to.contain('localhost/inuse');
    const f = ok(['rmi', '-f', 'localhost/inuse']);
    expect(f).to.match(/Untagged: localhost\/inuse:latest\nDeleted: [0-9a-f]{64}\n/);
    expect(ok(['ps', '-a', '--format', '{{.Names}}'])).to.not.contain('user-of-image');
    expect(burrow(['rmi', 'localhost/inuse']).status).to.equal(1);
  });

  const hostile: [string, string, string][] = [
    ['symlink then write through it', "l('a', '/etc')\nf('a/passwd')", 'a/passwd'],
    ['parent directory traversal', "f('../evil')", '../evil'],
    ['absolute path', "f('/etc/cron.d/evil')", '/etc/cron.d/evil'],
    ['escaping relative symlink', "l('etc/x', '../../../etc/shadow')", 'etc/x'],
    ['hardlink outside the layer', "l('shadow', '/etc/shadow', tarfile.LNKTYPE)", 'shadow'],
  ];
  for (const [what, script, entry] of hostile) {
    it(`refuses a tarball with ${what}, naming the entry and keeping storage as it was`, () => {
      const before = storageSnapshot();
      const r = burrow(['import', craftTar(`hostile-${entry.replace(/\W/g, '_')}.tar`, script), 'localhost/hostile']);
      expect(r.status).to.equal(125);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.contain(`"${entry}"`);
      expect(storageSnapshot()).to.deep.equal(before);
      expect(ok(['images', '--format', '{{.Repository}}'])).to.not.contain('hostile');
    });
  }

  it('refuses a truncated tarball and a missing file with clear errors', () => {
    const trunc = path.join(work, 'trunc.tar');
    fs.writeFileSync(trunc, fs.readFileSync(demoTarball).subarray(0, 10_000));
    const before = storageSnapshot();
    const r = burrow(['import', trunc, 'localhost/trunc']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/^Error: /);
    expect(storageSnapshot()).to.deep.equal(before);
    const m = burrow(['import', path.join(work, 'nope.tar')]);
    expect(m.status).to.equal(125);
    expect(m.stderr).to.contain('nope.tar');
  });
});

describe('images after a crash', function () {
  this.timeout(60_000);

  it('an import killed half-way leaves no image, and the next import clears its leftovers', async () => {
    const child = spawn(bin, ['--runroot', runRoot, 'import', '-', 'localhost/half'], {env, stdio: ['pipe', 'ignore', 'ignore']});
    // Killing the importer closes the pipe; what it had not read yet is lost on purpose.
    child.stdin.on('error', () => undefined);
    const data = fs.readFileSync(demoTarball);
    child.stdin.write(data.subarray(0, data.length / 2));
    const blobs = path.join(storageRoot, 'blobs', 'sha256');
    const incoming = () => fs.readdirSync(blobs).filter((e) => e.startsWith('.incoming-'));
    expect(await until(() => incoming().length > 0)).to.equal(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(ok(['images', '--format', '{{.Repository}}'])).to.not.contain('localhost/half');
    ok(['import', demoTarball, 'localhost/whole']);
    expect(incoming()).to.deep.equal([]);
    expect(fs.readdirSync(path.join(storageRoot, 'layers')).filter((e) => e.startsWith('.'))).to.deep.equal([]);
    ok(['rmi', 'localhost/whole']);
  });
});
