// exec into a running container as a user does it: output and exit code of the process, -e/--env-file,
// -w, -u, -i with piped input, -d, --privileged, 127/126/125 for a missing command, a file that is not
// executable and a container that is not running, and exec while another process follows the logs.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {spawn} from 'node:child_process';
import {bin, burrow, ensureDemoImage, env, ok, runRoot, work} from './harness';

describe('exec: processes in a running container', function () {
  this.timeout(120_000);
  let id: string;

  before(() => {
    ensureDemoImage();
    id = ok(['run', '-d', '--name', 'ex-target', '-e', 'FROM_RUN=yes', 'localhost/demo', 'sh', '-c', 'echo started; while :; do sleep 1; done']).trim();
  });

  after(() => {
    burrow(['rm', '-f', 'ex-target']);
  });

  it('runs a command with the container\'s environment and returns its exit code', () => {
    const r = burrow(['exec', 'ex-target', 'sh', '-c', 'echo "$FROM_RUN $HOSTNAME"; echo err >&2; exit 7']);
    expect(r.status).to.equal(7);
    expect(r.stdout).to.equal(`yes ${id.slice(0, 12)}\n`);
    expect(r.stderr).to.equal('err\n');
  });

  it('-e, --env-file, -w and -u apply to the process only', () => {
    const file = path.join(work, 'exec.env');
    fs.writeFileSync(file, '# comment\nFROM_FILE=f\n');
    const out = ok(['exec', '-e', 'FROM_FLAG=x', '--env-file', file, '-w', '/tmp', '-u', '1000:1000', 'ex-target', 'sh', '-c', 'echo $FROM_FLAG $FROM_FILE $(pwd) $(id -u):$(id -g)']);
    expect(out).to.equal('x f /tmp 1000:1000\n');
    expect(ok(['exec', 'ex-target', 'sh', '-c', 'echo ${FROM_FLAG:-unset} $(pwd) $(id -u)'])).to.equal('unset / 0\n');
  });

  it('-i passes standard input; without it the process reads nothing', () => {
    expect(ok(['exec', '-i', 'ex-target', 'cat'], {input: 'line one\nline two\n'})).to.equal('line one\nline two\n');
    expect(ok(['exec', 'ex-target', 'cat'], {input: 'ignored\n'})).to.equal('');
  });

  it('-d starts the process in the background and prints a session id', () => {
    const out = ok(['exec', '-d', 'ex-target', 'sh', '-c', 'echo bg > /tmp/bg-done']).trim();
    expect(out).to.match(/^[0-9a-f]{64}$/);
    let seen = '';
    for (let i = 0; i < 50 && seen === ''; i++) seen = burrow(['exec', 'ex-target', 'cat', '/tmp/bg-done']).stdout;
    expect(seen).to.equal('bg\n');
  });

  it('--privileged gives every capability; the default set is Podman\'s', () => {
    const capEff = (args: string[]) => ok(['exec', ...args, 'ex-target', 'sh', '-c', 'grep CapEff /proc/self/status']).trim().split(/\s+/)[1];
    expect(capEff([])).to.equal('00000000800405fb');
    expect(BigInt(`0x${capEff(['--privileged'])}`) > BigInt('0x800405fb')).to.equal(true);
  });

  it('a missing command is 127, a file that cannot be executed 126, each one line', () => {
    const missing = burrow(['exec', 'ex-target', 'no-such-command']);
    expect(missing.status).to.equal(127);
    expect(missing.stderr.trim().split('\n')).to.have.length(1);
    expect(missing.stderr).to.contain('no-such-command');
    const notExec = burrow(['exec', 'ex-target', '/etc/passwd']);
    expect(notExec.status).to.equal(126);
    expect(notExec.stderr.trim().split('\n')).to.have.length(1);
  });

  it('exec while another process follows the logs: both work, nobody waits on a lock', async () => {
    const follower = spawn(bin, ['--runroot', runRoot, 'logs', '-f', 'ex-target'], {env});
    let followed = '';
    follower.stdout.on('data', (b) => (followed += b));
    try {
      const t0 = Date.now();
      for (let i = 0; i < 5; i++) expect(ok(['exec', 'ex-target', 'echo', `round ${i}`])).to.equal(`round ${i}\n`);
      expect(Date.now() - t0).to.be.below(10_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(followed).to.contain('started');
    } finally {
      follower.kill();
    }
  });

  it('rename keeps the running container and frees the old name; a taken or invalid name is refused', () => {
    ok(['rename', 'ex-target', 'ex-renamed']);
    try {
      expect(ok(['ps', '--filter', `id=${id}`, '--format', '{{.Names}} {{.State}}'])).to.equal('ex-renamed running\n');
      expect(ok(['exec', 'ex-renamed', 'echo', 'alive'])).to.equal('alive\n');
      ok(['create', '--name', 'ex-target', 'localhost/demo', 'true']);
      const taken = burrow(['rename', 'ex-renamed', 'ex-target']);
      expect(taken.status).to.equal(125);
      expect(taken.stderr).to.contain('already in use');
      expect(burrow(['rename', 'ex-renamed', 'no spaces']).status).to.equal(125);
      ok(['rm', 'ex-target']);
    } finally {
      ok(['rename', 'ex-renamed', 'ex-target']);
    }
  });

  it('top lists the container\'s processes with its own pids and users, and an exec\'d process among them', () => {
    ok(['exec', '-d', '-u', '1000', 'ex-target', 'sleep', '30']);
    let out = '';
    for (let i = 0; i < 20 && !out.includes('sleep 30'); i++) out = ok(['top', 'ex-target']);
    const lines = out.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).to.deep.equal(['USER', 'PID', 'PPID', '%CPU', 'ELAPSED', 'TTY', 'TIME', 'COMMAND']);
    expect(lines[1]).to.match(/^root\s+1\s+0\s+\S+\s+\S+\s+\?\s+\S+\s+sh -c echo started/);
    expect(lines.some((l) => /^app\s+\d+\s+0\s.*sleep 30$/.test(l)), out).to.equal(true); // uid 1000 is "app" in the demo image
    const custom = ok(['top', 'ex-target', 'pid', 'huser', 'comm']).trim().split('\n');
    expect(custom[0].split(/\s+/)).to.deep.equal(['PID', 'HUSER', 'COMMAND']);
    expect(custom[1].split(/\s+/)).to.deep.equal(['1', String(process.getuid!()), 'sh']);
    const bad = burrow(['top', 'ex-target', 'bogus']);
    expect(bad.status).to.equal(125);
    expect(bad.stderr).to.contain('unknown top descriptor');
  });

  it('a container that is not running: exit 125 with the fix named', () => {
    ok(['create', '--name', 'ex-stopped', 'localhost/demo', 'true']);
    try {
      const r = burrow(['exec', 'ex-stopped', 'true']);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.contain('running containers').and.to.contain('burrow start ex-stopped');
    } finally {
      burrow(['rm', '-f', 'ex-stopped']);
    }
  });
});
