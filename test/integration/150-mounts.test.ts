// -v host binds and --tmpfs as a user meets them: data written inside lands in the host directory owned
// by the user, :ro refuses writes, z/Z are accepted, tmpfs is private to the container, a missing source
// or a source that is neither a path nor a volume name is one clear line before anything is created.
// Named and anonymous volumes are in 160-volumes.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, ensureDemoImage, ok, work} from './harness';

describe('mounts: -v host paths and --tmpfs', function () {
  this.timeout(60_000);
  before(() => ensureDemoImage());

  it('a bind mount shares files both ways; what the container writes as root belongs to the user on the host', () => {
    const dir = fs.mkdtempSync(path.join(work, 'bind-'));
    fs.writeFileSync(path.join(dir, 'from-host'), 'hello from the host\n');
    const out = ok(['run', '--rm', '-v', `${dir}:/data:z`, 'localhost/demo', 'sh', '-c', 'cat /data/from-host; echo from the container > /data/from-ctr']);
    expect(out).to.equal('hello from the host\n');
    expect(fs.readFileSync(path.join(dir, 'from-ctr'), 'utf8')).to.equal('from the container\n');
    expect(fs.statSync(path.join(dir, 'from-ctr')).uid).to.equal(process.getuid!());
  });

  it(':ro refuses writes; inspect shows the mount as Podman does', () => {
    const dir = fs.mkdtempSync(path.join(work, 'ro-'));
    const r = burrow(['run', '--name', 'ro-ctr', '-v', `${dir}:/data:ro`, 'localhost/demo', 'sh', '-c', 'touch /data/x']);
    try {
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.match(/Read-only file system/i);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
      const m = JSON.parse(ok(['inspect', '--format', '{{json .Mounts}}', 'ro-ctr'])) as {Source: string; Destination: string; RW: boolean}[];
      expect(m).to.deep.include({Type: 'bind', Source: dir, Destination: '/data', Driver: '', Mode: '', Options: ['ro', 'rprivate'], RW: false, Propagation: 'rprivate'});
      expect(ok(['inspect', '--format', '{{index .HostConfig.Binds 0}}', 'ro-ctr']).trim()).to.equal(`${dir}:/data:ro,rprivate`);
    } finally {
      burrow(['rm', '-f', 'ro-ctr']);
    }
  });

  it('--tmpfs gives the container a private tmpfs with the options asked for', () => {
    const out = ok(['run', '--rm', '--tmpfs', '/scratch:size=1m,mode=1777', 'localhost/demo', 'sh', '-c', 'grep " /scratch " /proc/mounts; stat -c %a /scratch']);
    expect(out).to.match(/^tmpfs \/scratch tmpfs rw.*size=1024k/);
    expect(out.trim().split('\n')[1]).to.equal('1777');
  });

  it('a missing host path and a source that is no volume name are one-line errors; nothing is created', () => {
    const before = ok(['ps', '-a', '-q']);
    const missing = burrow(['create', '-v', path.join(work, 'does-not-exist') + ':/data', 'localhost/demo', 'true']);
    expect(missing.status).to.equal(125);
    expect(missing.stderr).to.contain('no such file or directory').and.to.contain('mkdir -p');
    const named = burrow(['create', '-v', 'no such:/data', 'localhost/demo', 'true']);
    expect(named.status).to.equal(125);
    expect(named.stderr).to.contain('neither a host path nor a volume name');
    const relative = burrow(['create', '-v', `${work}:data`, 'localhost/demo', 'true']);
    expect(relative.status).to.equal(125);
    expect(relative.stderr).to.contain('must be absolute');
    expect(ok(['ps', '-a', '-q'])).to.equal(before);
  });
});
