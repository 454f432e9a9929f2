// Image archives end to end: save → rmi → load → run for docker-archive and oci-archive, several images in
// one archive, layout directories (oci:, dir:), standard input and output; interoperability with Podman
// and skopeo in both directions; export → import → run; and hostile or broken archives refused with one
// line, leaving the image list and the storage root as they were.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bin, burrow, demoTarball, env, ok, runRoot, storageRoot, work} from './harness';

const dir = path.join(work, 'archives');

/** Runs burrow with standard output going to `file` (binary safe) or standard input read from it. */
function burrowIO(args: string[], io: {stdout?: string; stdin?: string}): {status: number; stderr: string} {
  const out = io.stdout ? fs.openSync(io.stdout, 'w') : 'pipe';
  const input = io.stdin ? fs.openSync(io.stdin, 'r') : 'ignore';
  try {
    const r = spawnSync(bin, ['--runroot', runRoot, ...args], {env, stdio: [input, out, 'pipe'], encoding: 'utf8', timeout: 60_000});
    return {status: r.status ?? 128, stderr: r.stderr};
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
    if (typeof input === 'number') fs.closeSync(input);
  }
}

/** Full image id without the sha256: prefix. */
function imageId(ref: string): string {
  return ok(['images', '-q', '--no-trunc', ref]).trim().replace(/^sha256:/, '');
}

function names(): string[] {
  return ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).trim().split('\n').filter(Boolean).sort();
}

/** Temp files and half-made blobs or layers under the storage root. */
function leftovers(): string[] {
  const out: string[] = [];
  for (const d of ['tmp', 'blobs/sha256', 'layers']) {
    try {
      for (const e of fs.readdirSync(path.join(storageRoot, d))) if (d === 'tmp' || e.startsWith('.')) out.push(`${d}/${e}`);
    } catch {
      // not created yet
    }
  }
  return out;
}

function python(script: string, ...args: string[]): void {
  const r = spawnSync('python3', ['-c', script, ...args], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(r.stderr);
}

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], {encoding: 'utf8'}).status === 0;
}

describe('archives: save, load, export', function () {
  this.timeout(120_000);

  before(() => {
    fs.mkdirSync(dir, {recursive: true});
    // Images of their own (distinct configs), so removing them disturbs no other test.
    ok(['import', '--change', 'CMD=["/usr/bin/demo"]', '--change', 'LABEL which=a', demoTarball, 'localhost/arch-a:1']);
    ok(['import', '--change', 'CMD=["/bin/sh"]', '--change', 'LABEL which=b', demoTarball, 'localhost/arch-b:2']);
  });
  after(() => {
    burrow(['rm', '-a', '-f']);
    burrow(['rmi', '-f', 'localhost/arch-a:1', 'localhost/arch-b:2']);
  });

  for (const format of ['docker-archive', 'oci-archive']) {
    it(`${format}: save → rmi → load gives the same image, and it runs`, () => {
      const id = imageId('localhost/arch-a:1');
      const file = path.join(dir, `a-${format}.tar`);
      ok(['save', '--format', format, '-o', file, 'localhost/arch-a:1']);
      expect(ok(['rmi', 'localhost/arch-a:1'])).to.contain(`Deleted: ${id}`);
      expect(ok(['images', '--format', '{{.Repository}}'])).to.not.contain('localhost/arch-a');
      expect(ok(['load', '-i', file])).to.equal('Loaded image: localhost/arch-a:1\n');
      expect(imageId('localhost/arch-a:1')).to.equal(id);
      expect(ok(['run', '--rm', 'localhost/arch-a:1'])).to.contain('Hello from inside a burrow container.');
      expect(leftovers()).to.deep.equal([]);
    });
  }

  it('several images in one archive (-m), docker-archive and oci-archive; extra names without -m are tags', () => {
    for (const format of ['docker-archive', 'oci-archive']) {
      const file = path.join(dir, `multi-${format}.tar`);
      ok(['save', '-m', '--format', format, '-o', file, 'localhost/arch-a:1', 'localhost/arch-b:2']);
      ok(['rmi', 'localhost/arch-a:1', 'localhost/arch-b:2']);
      expect(ok(['load', '-i', file]).trim().split('\n').sort()).to.deep.equal(['Loaded image: localhost/arch-a:1', 'Loaded image: localhost/arch-b:2']);
      expect(ok(['run', '--rm', 'localhost/arch-b:2', 'echo', 'b runs']).trim()).to.equal('b runs');
    }
    const tagged = path.join(dir, 'tagged.tar');
    ok(['save', '-o', tagged, 'localhost/arch-a:1', 'localhost/extra:9']);
    expect(ok(['load', '-i', tagged]).trim().split('\n').sort()).to.deep.equal(['Loaded image: localhost/arch-a:1', 'Loaded image: localhost/extra:9']);
    ok(['rmi', 'localhost/extra:9']);
  });

  it('standard output and input: save > file, gzip, load < file', () => {
    const file = path.join(dir, 'stdout.tar');
    const r = burrowIO(['save', 'localhost/arch-b:2'], {stdout: file});
    expect(r.status, r.stderr).to.equal(0);
    expect(spawnSync('gzip', ['-k', '-f', file]).status).to.equal(0);
    ok(['rmi', 'localhost/arch-b:2']);
    const l = spawnSync(bin, ['--runroot', runRoot, 'load'], {env, input: fs.readFileSync(`${file}.gz`)});
    expect(l.status, l.stderr.toString()).to.equal(0);
    expect(l.stdout.toString()).to.equal('Loaded image: localhost/arch-b:2\n');
    expect(leftovers()).to.deep.equal([]);
  });

  it('layout directories: oci-dir and docker-dir load as oci:DIR and dir:DIR (dir: has no names)', () => {
    const id = imageId('localhost/arch-a:1');
    ok(['save', '--format', 'oci-dir', '-o', path.join(dir, 'layout'), 'localhost/arch-a:1']);
    ok(['save', '--format', 'docker-dir', '-o', path.join(dir, 'dirimg'), 'localhost/arch-a:1']);
    expect(fs.readFileSync(path.join(dir, 'dirimg', 'version'), 'utf8')).to.equal('Directory Transport Version: 1.1\n');
    ok(['rmi', 'localhost/arch-a:1']);
    expect(ok(['load', '-i', `dir:${path.join(dir, 'dirimg')}`])).to.equal(`Loaded image: sha256:${id}\n`);
    expect(ok(['load', '-i', `oci:${path.join(dir, 'layout')}:localhost/arch-a:1`])).to.equal('Loaded image: localhost/arch-a:1\n');
    expect(imageId('localhost/arch-a:1')).to.equal(id);
  });

  it('export → import → run shows the container\'s files', () => {
    ok(['run', '--name', 'exp-src', 'localhost/arch-a:1', 'sh', '-c', 'echo exported > /root/marker; rm /etc/group']);
    const file = path.join(dir, 'export.tar');
    ok(['export', '-o', file, 'exp-src']);
    const list = spawnSync('tar', ['-tf', file], {encoding: 'utf8'}).stdout.split('\n');
    expect(list).to.include('root/marker');
    expect(list).to.not.include('etc/group');
    // names as Podman writes them: no "./" entry or prefix
    expect(list.filter((n) => n.startsWith('./'))).to.deep.equal([]);
    ok(['import', file, 'localhost/exported:1']);
    expect(ok(['run', '--rm', 'localhost/exported:1', 'sh', '-c', 'cat /root/marker; test -e /etc/group || echo no-group; stat -c %u:%g /bin/busybox']).trim().split('\n'))
      .to.deep.equal(['exported', 'no-group', '0:0']);
    // the container can still start afterwards: export left no mount behind
    ok(['start', 'exp-src']);
    ok(['rm', '-f', 'exp-src']);
    ok(['rmi', 'localhost/exported:1']);
  });

  describe('broken and hostile archives', () => {
    let good: string;
    before(() => {
      good = path.join(dir, 'good.tar');
      ok(['save', '-o', good, 'localhost/arch-b:2']);
    });

    const refused = (file: string, pattern: RegExp) => {
      const before = names();
      const r = burrow(['load', '-i', file]);
      expect(r.status).to.equal(125);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(pattern);
      expect(names()).to.deep.equal(before);
      expect(leftovers()).to.deep.equal([]);
    };

    it('a truncated archive fails with one line and changes nothing', () => {
      const bytes = fs.readFileSync(good);
      fs.writeFileSync(path.join(dir, 'cut.tar'), bytes.subarray(0, Math.floor(bytes.length / 2)));
      refused(path.join(dir, 'cut.tar'), /^Error: archive .*cut\.tar: tar archive is truncated/);
      fs.writeFileSync(path.join(dir, 'noend.tar'), bytes.subarray(0, bytes.length - 1024));
      refused(path.join(dir, 'noend.tar'), /is truncated: it stops after \d+ bytes without the end-of-archive marker/);
    });

    it('an archive with a "../" member is refused naming it', () => {
      const evil = path.join(dir, 'evil.tar');
      python(`import tarfile, io, sys
src = tarfile.open(sys.argv[1]); dst = tarfile.open(sys.argv[2], 'w')
for m in src.getmembers(): dst.addfile(m, src.extractfile(m) if m.isfile() else None)
i = tarfile.TarInfo('../escape'); i.size = 4; dst.addfile(i, io.BytesIO(b'evil')); dst.close()`, good, evil);
      refused(evil, /^Error: archive .*evil\.tar: member "\.\.\/escape" has "\.\." in its name/);
    });

    it('a layer that does not match the config\'s diff id is refused and nothing is stored', () => {
      // A fresh layer (extracted, then checked) and a changed copy of a layer storage already holds (only
      // its blob would be copied): both are refused.
      const fresh = path.join(dir, 'fresh-mismatch.tar');
      python(`import tarfile, io, sys, json, hashlib
lay = io.BytesIO(); t = tarfile.open(fileobj=lay, mode='w')
i = tarfile.TarInfo('hello'); i.size = 2; t.addfile(i, io.BytesIO(b'hi')); t.close()
cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + hashlib.sha256(b'other').hexdigest()]}}).encode()
out = tarfile.open(sys.argv[1], 'w')
for name, data in [('l.tar', lay.getvalue()), ('c.json', cfg), ('manifest.json', json.dumps([{'Config': 'c.json', 'RepoTags': ['localhost/fresh:1'], 'Layers': ['l.tar']}]).encode())]:
    m = tarfile.TarInfo(name); m.size = len(data); out.addfile(m, io.BytesIO(data))
out.close()`, fresh);
      refused(fresh, /^Error: archive .*fresh-mismatch\.tar, image 1: layer [0-9a-f]{12} unpacks to [0-9a-f]{12}, but the image config says [0-9a-f]{12}/);
      const known = path.join(dir, 'known-mismatch.tar');
      python(`import tarfile, io, sys, json
src = tarfile.open(sys.argv[1]); dst = tarfile.open(sys.argv[2], 'w')
layer = json.load(src.extractfile('manifest.json'))[0]['Layers'][0]
for m in src.getmembers():
    if m.name == layer:
        inner = io.BytesIO(src.extractfile(m).read()); t = tarfile.open(fileobj=inner, mode='a')
        i = tarfile.TarInfo('smuggled'); i.size = 1; t.addfile(i, io.BytesIO(b'x')); t.close()
        data = inner.getvalue(); m.size = len(data); dst.addfile(m, io.BytesIO(data))
    else:
        dst.addfile(m, src.extractfile(m) if m.isfile() else None)
dst.close()`, good, known);
      ok(['rmi', 'localhost/arch-b:2']);
      refused(known, /^Error: archive .*known-mismatch\.tar, image 1: layer [0-9a-f]{12} unpacks to [0-9a-f]{12}, but the image config says [0-9a-f]{12}/);
      ok(['load', '-i', good]);
    });

    it('save names bad formats and unknown images, and leaves no file or temp file behind', () => {
      const r = burrow(['save', '--format', 'zip', '-o', path.join(dir, 'x'), 'localhost/arch-b:2']);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.contain('Expected --format=zip to be one of');
      const m = burrow(['save', '-m', '--format', 'docker-dir', '-o', path.join(dir, 'y'), 'localhost/arch-a:1', 'localhost/arch-b:2']);
      expect(m.stderr).to.contain('unsupported format "docker-dir" for saving multiple images');
      const missing = burrow(['save', '-o', path.join(dir, 'z.tar'), 'localhost/nope:1']);
      expect(missing.stderr).to.contain('localhost/nope:1: image not known');
      expect(fs.existsSync(path.join(dir, 'z.tar'))).to.equal(false);
      expect(fs.readdirSync(dir).filter((f) => f.includes('.burrow-'))).to.deep.equal([]);
    });
  });

  describe('interoperability with Podman and skopeo', () => {
    const podmanRoot = path.join(work, 'podman-root');
    const podmanRunRoot = path.join(work, 'podman-runroot');
    const podman = (args: string[]) => spawnSync('podman', ['--runtime', 'runc', '--storage-driver', 'overlay', '--root', podmanRoot, '--runroot', podmanRunRoot, ...args], {encoding: 'utf8', timeout: 120_000});
    const podmanOk = (args: string[]) => {
      const r = podman(args);
      if (r.status !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.stdout;
    };

    before(function () {
      if (!has('podman')) this.skip();
    });
    after(() => {
      if (fs.existsSync(podmanRoot)) podman(['unshare', 'rm', '-rf', podmanRoot, podmanRunRoot]);
    });

    for (const format of ['docker-archive', 'oci-archive']) {
      it(`podman save (${format}) loads in burrow and runs`, () => {
        podmanOk(['import', '--change', 'CMD=["/usr/bin/demo"]', demoTarball, 'localhost/from-podman:1']);
        const file = path.join(dir, `podman-${format}.tar`);
        podmanOk(['save', '--format', format, '-o', file, 'localhost/from-podman:1']);
        const podmanId = podmanOk(['images', '-q', '--no-trunc', 'localhost/from-podman:1']).trim().replace(/^sha256:/, '');
        expect(ok(['load', '-i', file])).to.equal('Loaded image: localhost/from-podman:1\n');
        expect(imageId('localhost/from-podman:1')).to.equal(podmanId);
        expect(ok(['run', '--rm', 'localhost/from-podman:1'])).to.contain('Hello from inside a burrow container.');
        ok(['rmi', 'localhost/from-podman:1']);
      });
    }

    it('burrow save loads in podman load (single and -m), and skopeo reads the archives', () => {
      const id = imageId('localhost/arch-a:1');
      const docker = path.join(dir, 'for-podman.tar');
      const oci = path.join(dir, 'for-podman-oci.tar');
      const multi = path.join(dir, 'for-podman-multi.tar');
      ok(['save', '-o', docker, 'localhost/arch-a:1']);
      ok(['save', '--format', 'oci-archive', '-o', oci, 'localhost/arch-a:1']);
      ok(['save', '-m', '-o', multi, 'localhost/arch-a:1', 'localhost/arch-b:2']);
      for (const file of [docker, oci]) {
        expect(podmanOk(['load', '-q', '-i', file])).to.contain('Loaded image: localhost/arch-a:1');
        expect(podmanOk(['images', '-q', '--no-trunc', 'localhost/arch-a:1']).trim().replace(/^sha256:/, '')).to.equal(id);
        podmanOk(['rmi', 'localhost/arch-a:1']);
      }
      const loaded = podmanOk(['load', '-q', '-i', multi]);
      expect(loaded).to.contain('Loaded image: localhost/arch-a:1').and.to.contain('Loaded image: localhost/arch-b:2');
      if (!has('skopeo')) return;
      for (const ref of [`docker-archive:${docker}`, `oci-archive:${oci}`, `docker-archive:${multi}:localhost/arch-b:2`]) {
        const r = spawnSync('skopeo', ['inspect', '--config', ref], {encoding: 'utf8'});
        expect(r.status, `${ref}: ${r.stderr}`).to.equal(0);
        expect((JSON.parse(r.stdout) as {rootfs: {diff_ids: string[]}}).rootfs.diff_ids).to.have.length(1);
      }
    });
  });
});
