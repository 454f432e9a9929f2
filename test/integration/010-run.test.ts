// Foreground `run` as an unprivileged user: identity and id mapping inside, output streams, exit codes
// as Podman gives them, and the run/create flags a Podman user reaches for.
import {expect} from 'chai';
import {burrow, ok, subuidRange} from './harness';

describe('run (foreground)', function () {
  this.timeout(60_000);

  it('runs the demo image as uid 0 inside, with no root on the host', () => {
    expect(process.getuid!()).to.not.equal(0);
    const out = ok(['run', '--rm', 'localhost/demo', 'id']);
    expect(out).to.match(/^uid=0\(root\) gid=0\(root\)/);
  });

  it('maps container ids onto the subordinate range from /etc/subuid', () => {
    const {start, count} = subuidRange();
    const lines = ok(['run', '--rm', 'localhost/demo', 'cat', '/proc/self/uid_map']).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    expect(lines[0]).to.deep.equal([0, process.getuid!(), 1]);
    expect(lines[1]).to.deep.equal([1, start, count]);
  });

  it('runs the image CMD (the demo says who it is and how ids are mapped)', () => {
    const out = ok(['run', '--rm', 'localhost/demo']);
    expect(out).to.contain('Hello from inside a burrow container.');
    expect(out).to.contain('uid=0(root)');
    expect(out).to.match(/uid map[^\n]*\n\s*0\s+\d+\s+1\n\s*1\s+\d+\s+\d+/);
  });

  it('exits with the container exit code and keeps stdout and stderr apart', () => {
    const r = burrow(['run', '--rm', 'localhost/demo', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    expect(r.status).to.equal(3);
    expect(r.stdout).to.equal('to-out\n');
    expect(r.stderr).to.equal('to-err\n');
  });

  it('exits 125 for a missing image, with a one-line error naming it', () => {
    const r = burrow(['run', '--rm', 'localhost/no-such-image', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^Error: .*no-such-image.*image not known/);
  });

  it('exits 127 for a missing command and 126 for one that cannot be executed', () => {
    const missing = burrow(['run', '--rm', 'localhost/demo', 'no-such-command']);
    expect(missing.status).to.equal(127);
    expect(missing.stderr).to.contain('no-such-command');
    const notExec = burrow(['run', '--rm', 'localhost/demo', '/etc/passwd']);
    expect(notExec.status).to.equal(126);
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('passes -e, --env-file, -w, -u and --hostname to the process', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const envFile = `${require('node:os').tmpdir()}/burrow-it-env-${process.pid}`;
    fs.writeFileSync(envFile, '# comment\nFROM_FILE=yes\n');
    try {
      const out = ok(['run', '--rm', '-e', 'GREETING=hi there', '--env-file', envFile, '-w', '/tmp', '-u', '1000:1000', '--hostname', 'box1',
        'localhost/demo', 'sh', '-c', 'echo "$GREETING|$FROM_FILE|$(pwd)|$(id -u):$(id -g)|$(hostname)|$HOME"']);
      expect(out.trim()).to.equal('hi there|yes|/tmp|1000:1000|box1|/home/app');
    } finally {
      fs.rmSync(envFile, {force: true});
    }
  });

  it('resolves -u by name from the image /etc/passwd and rejects unknown users', () => {
    expect(ok(['run', '--rm', '-u', 'app', 'localhost/demo', 'id']).trim()).to.match(/^uid=1000\(app\) gid=1000\(app\)/);
    const r = burrow(['run', '--rm', '-u', 'nobody-here', 'localhost/demo', 'id']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('nobody-here');
  });

  it('overrides the entrypoint, dropping the image CMD', () => {
    expect(ok(['run', '--rm', '--entrypoint', '/bin/echo', 'localhost/demo', 'a', 'b']).trim()).to.equal('a b');
    expect(ok(['run', '--rm', '--entrypoint', '["/bin/sh","-c","echo json-form"]', 'localhost/demo']).trim()).to.equal('json-form');
  });

  it('--read-only makes / read-only but keeps /tmp writable', () => {
    const r = burrow(['run', '--rm', '--read-only', 'localhost/demo', 'sh', '-c', 'touch /tmp/ok && touch /etc/nope']);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/Read-only file system/);
  });

  it('--cap-drop and --cap-add change the effective capabilities', () => {
    const capEff = (args: string[]) => BigInt('0x' + /CapEff:\s+([0-9a-f]+)/.exec(ok(['run', '--rm', ...args, 'localhost/demo', 'cat', '/proc/self/status']))![1]);
    const CHOWN = 1n << 0n;
    const NET_ADMIN = 1n << 12n;
    expect(capEff([]) & CHOWN).to.equal(CHOWN);
    expect(capEff([]) & NET_ADMIN).to.equal(0n);
    expect(capEff(['--cap-drop', 'chown']) & CHOWN).to.equal(0n);
    expect(capEff(['--cap-add', 'NET_ADMIN']) & NET_ADMIN).to.equal(NET_ADMIN);
  });

  it('--init runs an init as pid 1 that reaps and forwards', () => {
    const out = ok(['run', '--rm', '--init', 'localhost/demo', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline']);
    expect(out).to.match(/^\/run\/podman-init -- sh -c/);
  });

  it('--network none leaves only loopback; host shares the host interfaces', () => {
    expect(ok(['run', '--rm', '--network', 'none', 'localhost/demo', 'ls', '/sys/class/net']).trim()).to.equal('lo');
    const hostIfaces = require('node:fs').readdirSync('/sys/class/net').sort().join(' ');
    expect(ok(['run', '--rm', '--network', 'host', 'localhost/demo', 'ls', '/sys/class/net']).trim().split(/\s+/).sort().join(' ')).to.equal(hostIfaces);
    const bad = burrow(['run', '--rm', '--network', 'bogus', 'localhost/demo', 'true']);
    expect(bad.status).to.equal(125);
    expect(bad.stderr).to.contain('bogus').and.to.contain('network not found');
  });

  it('writes /etc/hosts and /etc/hostname for the container', () => {
    const out = ok(['run', '--rm', '--name', 'hosty', '--hostname', 'hh', '--network', 'none', 'localhost/demo', 'cat', '/etc/hostname', '/etc/hosts']);
    expect(out).to.match(/^hh\n/);
    expect(out).to.match(/127\.0\.0\.1\s+localhost/);
    expect(out).to.match(/hh hosty/);
  });
});
