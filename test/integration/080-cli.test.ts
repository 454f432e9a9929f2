// The command line itself: the manifest-driven fast path and oclif run the same actions with the same
// results; --help goes to oclif; global flags work before the command; usage errors are one line, 125.
import {expect} from 'chai';
import {burrow, ok} from './harness';

const viaOclif = {BURROW_NO_FAST_PATH: '1'};

describe('command line', function () {
  this.timeout(60_000);
  after(() => burrow(['rm', '-a', '-f']));

  it('gives the same results through oclif as through the fast path', () => {
    ok(['run', '-d', '--name', 'cli1', '--label', 'k=v', 'localhost/demo', 'sleep', '20']);
    const fmt = ['ps', '--format', '{{.Names}} {{.State}} {{.Labels.k}}'];
    expect(ok(fmt, {env: viaOclif})).to.equal(ok(fmt));
    expect(ok(fmt)).to.equal('cli1 running v\n');
    const r = burrow(['run', '--rm', 'localhost/demo', 'sh', '-c', 'echo via-oclif; exit 6'], {env: viaOclif});
    expect(r.status).to.equal(6);
    expect(r.stdout).to.equal('via-oclif\n');
    expect(burrow(['rm', 'no-such'], {env: viaOclif}).status).to.equal(1);
  });

  it('--help shows usage with examples; -h of run is --hostname, as in Podman', () => {
    const help = ok(['run', '--help']);
    expect(help).to.contain('USAGE');
    expect(help).to.contain('burrow run --rm localhost/demo id');
    expect(ok(['run', '--rm', '-h', 'named', 'localhost/demo', 'hostname']).trim()).to.equal('named');
    expect(ok(['ps', '-h'])).to.contain('USAGE');
  });

  it('global flags before the command and usage errors as one line with exit 125', () => {
    expect(ok(['--log-level', 'error', 'ps', '-a', '-q'])).to.be.a('string');
    const bad = burrow(['ps', '--bogus']);
    expect(bad.status).to.equal(125);
    expect(bad.stderr.trim().split('\n')).to.have.length(1);
    expect(bad.stderr).to.contain('Nonexistent flag: --bogus');
    const unknown = burrow(['frobnicate']);
    expect(unknown.status).to.equal(125);
    expect(unknown.stderr).to.contain('frobnicate');
    const level = burrow(['--log-level', 'loud', 'ps']);
    expect(level.status).to.equal(125);
    expect(level.stderr).to.contain('invalid log level');
  });

  it('--version and version agree', () => {
    const v = ok(['--version']).trim();
    expect(v).to.match(/^burrow version \d+\.\d+\.\d+$/);
    expect(ok(['version', '--format', '{{.Client.Version}}']).trim()).to.equal(v.split(' ').pop());
  });
});
