// Running as real root also works (no user namespace needed). Run by `npm test` only when it runs as
// root; rootless is the product and what the integration suite proves.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '../../../bin/burrow');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-root-'));
const base = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run')];

function burrow(args: string[]) {
  const r = spawnSync(bin, [...base, ...args], {encoding: 'utf8', timeout: 60_000});
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

describe('as root', function () {
  this.timeout(120_000);
  before(function () {
    if (process.getuid!() !== 0) this.skip();
    const tar = path.join(dir, 'demo.tar');
    const mk = spawnSync(path.resolve(__dirname, '../../../scripts/make-demo-rootfs.sh'), [tar], {encoding: 'utf8'});
    expect(mk.status, mk.stderr).to.equal(0);
    expect(burrow(['import', tar, 'localhost/demo']).status).to.equal(0);
  });
  after(() => {
    burrow(['rm', '-a', '-f']);
    fs.rmSync(dir, {recursive: true, force: true});
  });

  it('runs a container with the identity mapping and the right exit code', () => {
    const r = burrow(['run', '--rm', 'localhost/demo', 'sh', '-c', 'id -u; cat /proc/self/uid_map; exit 3']);
    expect(r.status, r.stderr).to.equal(3);
    const [uid, map] = r.stdout.trim().split('\n');
    expect(uid).to.equal('0');
    expect(map.trim().split(/\s+/)).to.deep.equal(['0', '0', '4294967295']);
  });

  it('runs detached, stops and removes, leaving no mount behind', () => {
    expect(burrow(['run', '-d', '--name', 'rootweb', 'localhost/demo', 'sleep', '30']).status).to.equal(0);
    expect(burrow(['ps', '--format', '{{.Names}} {{.State}}']).stdout.trim()).to.equal('rootweb running');
    expect(burrow(['rm', '-f', 'rootweb']).status).to.equal(0);
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).to.not.contain(dir);
  });
});
