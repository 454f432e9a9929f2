// cp as a user meets it: files and directories both ways with running and stopped containers, docker
// cp's path rules, tar streams on stdin/stdout, ownership on each side, binds of a stopped container,
// and the security promises: symlinks the container planted (absolute, relative, final or in the
// middle of a path) never make a copy write outside the container nor read a host file, and a hostile
// archive on stdin is refused.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bin, burrow, ensureDemoImage, env, ok, runRoot, storageMounts, work} from './harness';

/** burrow with binary standard input and output. */
function burrowBin(args: string[], input?: Buffer): {status: number; stdout: Buffer; stderr: string} {
  const r = spawnSync(bin, ['--runroot', runRoot, ...args], {env, input, timeout: 60_000});
  return {status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr.toString()};
}

function tarOf(dir: string, ...members: string[]): Buffer {
  const r = spawnSync('tar', ['-C', dir, '-cf', '-', ...members]);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return r.stdout;
}

function listTar(data: Buffer): string[] {
  const r = spawnSync('tar', ['-tvf', '-'], {input: data, encoding: 'buffer'});
  return r.stdout.toString().trim().split('\n');
}

function snapshot(dir: string): string {
  return spawnSync('find', [dir, '-printf', '%p %y %s %T@\\n'], {encoding: 'utf8'}).stdout;
}

describe('cp: copying files between containers and the host', function () {
  this.timeout(120_000);
  let host: string;
  before(() => {
    ensureDemoImage();
    host = fs.mkdtempSync(path.join(work, 'cp-'));
    fs.writeFileSync(path.join(host, 'hello.txt'), 'hello\n');
    fs.mkdirSync(path.join(host, 'tree', 'sub'), {recursive: true});
    fs.writeFileSync(path.join(host, 'tree', 'sub', 'leaf'), 'leaf\n');
    fs.symlinkSync('sub/leaf', path.join(host, 'tree', 'link'));
    ok(['run', '-d', '--name', 'cp-run', 'localhost/demo', 'sleep', '600']);
    ok(['create', '--name', 'cp-stopped', '-u', '1000:1000', 'localhost/demo', 'sleep', '600']);
  });
  after(() => {
    burrow(['rm', '-f', 'cp-run', 'cp-stopped', 'cp-bind', 'cp-trap', 'cp-ro']);
  });

  it('copies a file and a directory into a running container, owned by its user', () => {
    ok(['cp', path.join(host, 'hello.txt'), 'cp-run:/tmp/']);
    ok(['cp', path.join(host, 'tree'), 'cp-run:/tmp/newtree']);
    const out = ok(['exec', 'cp-run', 'sh', '-c', 'cat /tmp/hello.txt /tmp/newtree/sub/leaf; readlink /tmp/newtree/link; stat -c "%u:%g %n" /tmp/hello.txt /tmp/newtree/sub/leaf']);
    expect(out).to.equal('hello\nleaf\nsub/leaf\n0:0 /tmp/hello.txt\n0:0 /tmp/newtree/sub/leaf\n');
    // a second copy of the directory lands inside the existing one, as docker cp does
    ok(['cp', path.join(host, 'tree'), 'cp-run:/tmp/newtree']);
    expect(ok(['exec', 'cp-run', 'cat', '/tmp/newtree/tree/sub/leaf'])).to.equal('leaf\n');
    // "/." copies the contents
    ok(['exec', 'cp-run', 'mkdir', '/tmp/contents']);
    ok(['cp', `${path.join(host, 'tree')}/.`, 'cp-run:/tmp/contents']);
    expect(ok(['exec', 'cp-run', 'ls', '/tmp/contents']).split('\n').filter(Boolean)).to.deep.equal(['link', 'sub']);
  });

  it('a stopped container: copied in as its user (ids seen from the namespace), mounted only during the copy', () => {
    ok(['cp', path.join(host, 'hello.txt'), 'cp-stopped:/tmp/in.txt']);
    ok(['cp', '--archive=false', path.join(host, 'hello.txt'), 'cp-stopped:/tmp/keep.txt']);
    expect(storageMounts().filter((m) => m.includes(ok(['inspect', '--format', '{{.Id}}', 'cp-stopped']).trim()))).to.deep.equal([]);
    expect(ok(['inspect', '--format', '{{.State.Status}}', 'cp-stopped']).trim()).to.equal('created');
    const ls = ok(['unshare', 'sh', '-c', `stat -c "%u:%g" $(find ${path.join(work, 'data')} -path '*/diff/tmp/in.txt') $(find ${path.join(work, 'data')} -path '*/diff/tmp/keep.txt')`]);
    expect(ls).to.equal('1000:1000\n0:0\n');
    ok(['cp', 'cp-stopped:/tmp/in.txt', path.join(host, 'out.txt')]);
    expect(fs.readFileSync(path.join(host, 'out.txt'), 'utf8')).to.equal('hello\n');
    expect(fs.statSync(path.join(host, 'out.txt')).uid).to.equal(process.getuid!());
  });

  it('copies a directory out of a running container; files belong to the user', () => {
    ok(['exec', 'cp-run', 'sh', '-c', 'mkdir -p /srv/app/conf && echo v=1 > /srv/app/conf/a && chown 100:100 /srv/app/conf/a && chmod 600 /srv/app/conf/a']);
    const dest = path.join(host, 'app-out');
    ok(['cp', 'cp-run:/srv/app', dest]);
    expect(fs.readFileSync(path.join(dest, 'conf', 'a'), 'utf8')).to.equal('v=1\n');
    const st = fs.statSync(path.join(dest, 'conf', 'a'));
    expect(st.uid).to.equal(process.getuid!());
    expect(st.mode & 0o777).to.equal(0o600);
  });

  it('"-" writes a tar of the path to stdout and reads a tar from stdin into a directory', () => {
    const out = burrowBin(['cp', 'cp-run:/srv/app', '-']);
    expect(out.status, out.stderr).to.equal(0);
    const names = listTar(out.stdout).map((l) => l.split(/\s+/).pop());
    expect(names).to.include.members(['app', 'app/conf', 'app/conf/a']);
    ok(['exec', 'cp-run', 'mkdir', '/unpacked']);
    const r = burrowBin(['cp', '-', 'cp-run:/unpacked'], tarOf(host, 'tree'));
    expect(r.status, r.stderr).to.equal(0);
    expect(ok(['exec', 'cp-run', 'cat', '/unpacked/tree/sub/leaf'])).to.equal('leaf\n');
  });

  it('a hostile archive on stdin is refused (.., absolute names, writing through its own symlink)', () => {
    const dir = fs.mkdtempSync(path.join(work, 'hostile-'));
    const before = snapshot(host);
    fs.symlinkSync(host, path.join(dir, 'esc'));
    fs.mkdirSync(path.join(dir, 'payload'));
    fs.writeFileSync(path.join(dir, 'payload', 'pwned'), 'x');
    const viaLink = spawnSync('sh', ['-c', `tar -C "${dir}" -cf - esc && true`]).stdout;
    const second = spawnSync('tar', ['-C', dir, '--transform', 's,^payload,esc,', '-cf', '-', 'payload/pwned']).stdout;
    const trimmed = viaLink.subarray(0, 512);
    const cases = [
      Buffer.concat([trimmed, second]),
      spawnSync('tar', ['-C', dir, '--transform', 's,^payload,../../../../../..' + host + ',', '-cf', '-', 'payload/pwned']).stdout,
      spawnSync('tar', ['-cPf', '-', path.join(dir, 'payload', 'pwned')]).stdout,
    ];
    for (const input of cases) {
      const r = burrowBin(['cp', '-', 'cp-run:/tmp'], input);
      expect(r.status, r.stderr).to.equal(125);
      expect(r.stderr).to.match(/^Error: archive entry /);
    }
    expect(snapshot(host)).to.equal(before);
  });

  for (const state of ['running', 'stopped']) {
    it(`symlinks planted by a ${state} container never lead a copy outside it`, () => {
      const trap = fs.mkdtempSync(path.join(work, 'trap-'));
      fs.writeFileSync(path.join(trap, 'secret'), 'HOST SECRET\n');
      const levels = '../'.repeat(12);
      ok(['run', '-d', '--name', 'cp-trap', 'localhost/demo', 'sh', '-c',
        `[ -L /abs ] || { mkdir -p ${trap} && echo container-secret > ${trap}/secret && ln -s ${trap} /abs && ln -s ${levels}${trap.slice(1)} /rel && ` +
        `ln -s ${trap}/secret /abs-file && mkdir /mid && ln -s ${trap} /mid/link; }; sleep 600`]);
      try {
        expect(ok(['exec', 'cp-trap', 'cat', `${trap}/secret`])).to.equal('container-secret\n');
        if (state === 'stopped') ok(['stop', '-t', '0', 'cp-trap']);
        const before = snapshot(trap);
        for (const dest of ['cp-trap:/abs/', 'cp-trap:/rel/', 'cp-trap:/mid/link/', 'cp-trap:/abs/secret', 'cp-trap:/abs-file']) {
          ok(['cp', path.join(host, 'hello.txt'), dest]);
        }
        ok(['cp', path.join(host, 'tree'), 'cp-trap:/mid/link']);
        expect(snapshot(trap), 'the host directory is unchanged').to.equal(before);
        for (const src of ['cp-trap:/abs/secret', 'cp-trap:/rel/secret', 'cp-trap:/mid/link/secret']) {
          const out = path.join(host, `read-${state}-${src.replace(/\W/g, '_')}`);
          ok(['cp', '-L', src, out]);
          expect(fs.readFileSync(out, 'utf8'), src).to.not.contain('HOST SECRET');
        }
        const followed = path.join(host, `read-${state}-final`);
        ok(['cp', '-L', 'cp-trap:/abs-file', followed]);
        expect(fs.readFileSync(followed, 'utf8')).to.equal('hello\n'); // the container's own file, overwritten above
        const kept = path.join(host, `link-${state}`);
        ok(['cp', 'cp-trap:/abs-file', kept]);
        expect(fs.lstatSync(kept).isSymbolicLink()).to.equal(true);
        if (state === 'stopped') ok(['start', 'cp-trap']);
        expect(ok(['exec', 'cp-trap', 'ls', trap]).split('\n').filter(Boolean).sort()).to.deep.equal(['hello.txt', 'secret', 'tree']);
      } finally {
        burrow(['rm', '-f', 'cp-trap']);
      }
    });
  }

  it('a stopped container\'s -v bind and named volume get what is copied to their paths, as the running container would see it; a :ro one is refused', () => {
    const vol = fs.mkdtempSync(path.join(work, 'vol-'));
    ok(['create', '--name', 'cp-bind', '-v', `${vol}:/data`, 'localhost/demo', 'true']);
    ok(['cp', path.join(host, 'hello.txt'), 'cp-bind:/data/']);
    expect(fs.readFileSync(path.join(vol, 'hello.txt'), 'utf8')).to.equal('hello\n');
    ok(['cp', 'cp-bind:/data/hello.txt', path.join(host, 'from-bind.txt')]);
    expect(fs.readFileSync(path.join(host, 'from-bind.txt'), 'utf8')).to.equal('hello\n');
    // a named volume is served from its data directory; a read-only bind is refused
    const ro = fs.mkdtempSync(path.join(work, 'ro-'));
    ok(['create', '--name', 'cp-vol', '-v', 'cpvol:/vol', '-v', `${ro}:/ro:ro`, 'localhost/demo', 'true']);
    try {
      ok(['cp', path.join(host, 'hello.txt'), 'cp-vol:/vol/']);
      expect(ok(['run', '--rm', '-v', 'cpvol:/v', 'localhost/demo', 'cat', '/v/hello.txt'])).to.equal('hello\n');
      const r = burrow(['cp', path.join(host, 'hello.txt'), 'cp-vol:/ro/']);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.contain('read-only mount');
      expect(fs.readdirSync(ro)).to.deep.equal([]);
    } finally {
      burrow(['rm', '-f', '-v', 'cp-vol']);
      burrow(['volume', 'rm', 'cpvol']);
    }
  });

  it('copies from one container to another', () => {
    ok(['cp', 'cp-run:/srv/app', 'cp-stopped:/tmp/app']);
    ok(['cp', 'cp-stopped:/tmp/app/conf/a', path.join(host, 'relayed')]);
    expect(fs.readFileSync(path.join(host, 'relayed'), 'utf8')).to.equal('v=1\n');
  });

  it('errors are one line with exit 125', () => {
    ok(['run', '-d', '--name', 'cp-ro', '--read-only', 'localhost/demo', 'sleep', '600']);
    const cases: [string[], RegExp][] = [
      [['cp', 'cp-run:/does/not/exist', host], /could not be found on the container/],
      [['cp', path.join(host, 'nope'), 'cp-run:/tmp'], /could not be found on the host/],
      [['cp', path.join(host, 'hello.txt'), path.join(host, 'x')], /two host paths/],
      [['cp', path.join(host, 'tree'), 'cp-run:/tmp/hello.txt'], /cannot copy a directory to a file/],
      [['cp', path.join(host, 'hello.txt'), 'cp-run:/no/such/dir/'], /could not be found/],
      [['cp', path.join(host, 'hello.txt'), 'cp-ro:/etc/'], /cannot write "\/etc\/hello.txt" in the container: read-only file system/],
      [['cp', path.join(host, 'hello.txt'), 'no-such-ctr:/tmp'], /no such container/i],
    ];
    for (const [args, re] of cases) {
      const r = burrow(args);
      expect(r.status, args.join(' ')).to.equal(125);
      expect(r.stderr).to.match(re);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
    }
  });
});

describe('diff, mount and unmount', function () {
  this.timeout(120_000);
  before(() => ensureDemoImage());
  after(() => {
    burrow(['rm', '-f', 'diff-ctr', 'mnt-ctr']);
  });

  it('diff lists what the container added, changed and deleted (whiteouts and opaque directories)', () => {
    ok(['run', '--name', 'diff-ctr', 'localhost/demo', 'sh', '-c',
      'mkdir /newdir && echo x > /newdir/f && echo >> /etc/group && rm /bin/ls && rm -rf /usr/bin && mkdir /usr/bin && touch /usr/bin/only']);
    const lines = ok(['diff', 'diff-ctr']).trim().split('\n');
    expect(lines).to.include.members(['A /newdir', 'A /newdir/f', 'C /etc', 'C /etc/group', 'C /bin', 'D /bin/ls', 'D /usr/bin', 'A /usr/bin/only']);
    expect(lines).to.not.include('A /etc/passwd');
    const json = JSON.parse(ok(['diff', '--format', 'json', 'diff-ctr'])) as {added: string[]; changed: string[]; deleted: string[]};
    expect(json.deleted).to.include.members(['/bin/ls', '/usr/bin']);
    expect(json.added).to.include('/newdir/f');
    expect(json.changed).to.include('/etc/group');
    // an image: its top (here: only) layer, all added
    expect(ok(['diff', 'localhost/demo']).split('\n')).to.include('A /bin/busybox');
    const missing = burrow(['diff', 'no-such-thing']);
    expect(missing.status).to.equal(125);
    expect(missing.stderr).to.match(/no container or image/);
  });

  it('mount is refused outside burrow unshare, works inside, and counts so a running rootfs stays mounted', () => {
    ok(['create', '--name', 'mnt-ctr', 'localhost/demo', 'sleep', '600']);
    const refused = burrow(['mount', 'mnt-ctr']);
    expect(refused.status).to.equal(125);
    expect(refused.stderr).to.contain('must execute `burrow unshare` first');
    const id = ok(['inspect', '--format', '{{.Id}}', 'mnt-ctr']).trim();
    const inside = (script: string) => ok(['unshare', 'sh', '-c', script], {env: {B: bin, RR: runRoot}}).trim();
    const mp = inside('"$B" --runroot "$RR" mount mnt-ctr');
    expect(mp).to.match(/\/containers\/[0-9a-f]{64}\/merged$/);
    expect(inside(`ls ${mp}/bin/busybox`)).to.equal(`${mp}/bin/busybox`);
    expect(inside('"$B" --runroot "$RR" mount')).to.equal(`${id.slice(0, 12)}  ${mp}`);
    expect(JSON.parse(inside('"$B" --runroot "$RR" mount --format json'))).to.deep.equal([{id, names: ['mnt-ctr'], mountpoint: mp}]);
    // started while mounted, stopped: the user's mount stays
    ok(['start', 'mnt-ctr']);
    const running = burrow(['unshare', 'sh', '-c', '"$B" --runroot "$RR" unmount mnt-ctr'], {env: {B: bin, RR: runRoot}});
    expect(running.status).to.equal(0);
    expect(storageMounts().filter((m) => m === mp)).to.have.length(1); // running: still mounted
    const again = burrow(['unshare', 'sh', '-c', '"$B" --runroot "$RR" unmount mnt-ctr'], {env: {B: bin, RR: runRoot}});
    expect(again.status).to.equal(125);
    expect(again.stderr).to.contain('as it is running');
    inside('"$B" --runroot "$RR" mount mnt-ctr');
    ok(['stop', '-t', '0', 'mnt-ctr']);
    expect(storageMounts().filter((m) => m === mp)).to.have.length(1);
    expect(inside('"$B" --runroot "$RR" unmount mnt-ctr')).to.equal(id);
    expect(storageMounts().filter((m) => m === mp)).to.deep.equal([]);
  });
});
