// --restart without a daemon: conmon's exit command restarts the container by its policy. Podman's
// rules: a process that ends (or is killed from outside burrow) is restarted; `burrow stop` and
// `burrow kill` leave it down; on-failure:N stops after N restarts; a user's start gives retries back.
import {expect} from 'chai';
import * as fs from 'node:fs';
import {burrow, ok, until, sleep} from './harness';

const inspect = (name: string, f: string) => ok(['inspect', name, '--format', f]).trim();
const restartCount = (name: string) => Number(inspect(name, '{{.RestartCount}}'));
const runs = (name: string) => ok(['logs', name]).split('\n').filter((l) => l === 'run').length;

describe('restart policies', function () {
  this.timeout(120_000);
  afterEach(() => burrow(['rm', '-a', '-f']));

  it('on-failure:2 restarts a failing container twice, then leaves it exited; inspect shows the policy', async () => {
    ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'localhost/demo', 'sh', '-c', 'echo run; exit 3']);
    expect(await until(() => runs('flaky') === 3 && inspect('flaky', '{{.State.Status}}') === 'exited', 60_000)).to.equal(true);
    expect(restartCount('flaky')).to.equal(2);
    expect(inspect('flaky', '{{.State.ExitCode}}')).to.equal('3');
    expect(inspect('flaky', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}')).to.equal('on-failure 2');
    // No fourth run comes later.
    await sleep(3000);
    expect(runs('flaky')).to.equal(3);
    expect(ok(['ps', '-a', '--filter', 'restart-policy=on-failure', '--format', '{{.Names}}']).trim()).to.equal('flaky');
  });

  it('on-failure does not restart a container that exits 0', async () => {
    ok(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'localhost/demo', 'sh', '-c', 'echo run; exit 0']);
    expect(await until(() => inspect('fine', '{{.State.Status}}') === 'exited', 30_000)).to.equal(true);
    await sleep(2000);
    expect(runs('fine')).to.equal(1);
    expect(restartCount('fine')).to.equal(0);
  });

  it('always restarts after the process exits and after it is killed from outside burrow, with its published port', async () => {
    ok(['run', '-d', '--name', 'svc', '--restart', 'always', '-p', '127.0.0.1::8080', 'localhost/demo', 'sh', '-c', 'echo run; sleep 2; exit 0']);
    expect(await until(() => runs('svc') >= 2, 60_000)).to.equal(true);
    expect(restartCount('svc')).to.be.greaterThan(0);
    ok(['rm', '-f', 'svc']);

    ok(['run', '-d', '--name', 'crash', '--restart', 'always', 'localhost/demo', 'sh', '-c', 'echo run; exec sleep 1000']);
    expect(await until(() => runs('crash') === 1)).to.equal(true);
    const pid = Number(inspect('crash', '{{.State.Pid}}'));
    process.kill(pid, 'SIGKILL');
    expect(await until(() => runs('crash') === 2 && inspect('crash', '{{.State.Status}}') === 'running', 60_000)).to.equal(true);
    expect(Number(inspect('crash', '{{.State.Pid}}'))).to.not.equal(pid);
    expect(restartCount('crash')).to.equal(1);
    expect(ok(['ps', '--format', '{{.Names}} {{.Status}}']).trim()).to.match(/^crash Up /);
    expect(ok(['ps', '--format', '{{.Status}}'])).to.not.include('network helper exited');
  });

  it('burrow stop and burrow kill leave an always container down; start brings it back with its count reset', async () => {
    ok(['run', '-d', '--name', 'held', '--restart', 'always', 'localhost/demo', 'sh', '-c', 'echo run; exec sleep 1000']);
    expect(await until(() => runs('held') === 1)).to.equal(true);
    ok(['stop', '-t', '1', 'held']);
    await sleep(3000);
    expect(inspect('held', '{{.State.Status}}')).to.equal('exited');
    expect(runs('held')).to.equal(1);

    ok(['start', 'held']);
    expect(await until(() => runs('held') === 2)).to.equal(true);
    ok(['kill', 'held']);
    expect(await until(() => inspect('held', '{{.State.Status}}') === 'exited', 30_000)).to.equal(true);
    await sleep(3000);
    expect(inspect('held', '{{.State.Status}}')).to.equal('exited');
    expect(runs('held')).to.equal(2);
    expect(restartCount('held')).to.equal(0);
  });

  it('start --all --filter restart-policy=always starts only those containers (what burrow-restart.service runs)', async () => {
    ok(['create', '--name', 'boot-me', '--restart', 'always', 'localhost/demo', 'sleep', '1000']);
    ok(['create', '--name', 'leave-me', 'localhost/demo', 'sleep', '1000']);
    expect(ok(['start', '--all', '--filter', 'restart-policy=always']).trim()).to.match(/^[0-9a-f]{64}$/);
    expect(ok(['ps', '--format', '{{.Names}}']).trim()).to.equal('boot-me');
  });

  it('--rm conflicts with a restarting policy; a bad policy is one line and exit 125; nothing is created', () => {
    const r = burrow(['run', '--rm', '--restart', 'always', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.include('the --rm option conflicts with --restart');
    const bad = burrow(['run', '-d', '--restart', 'sometimes', 'localhost/demo', 'true']);
    expect(bad.status).to.equal(125);
    expect(bad.stderr).to.include('invalid restart policy "sometimes"');
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('the unit file for burrow-restart.service ships with the package and runs start --all --filter restart-policy=always', () => {
    const unit = fs.readFileSync(require.resolve('../../../systemd/burrow-restart.service'), 'utf8');
    expect(unit).to.match(/^ExecStart=@BURROW@ start --all --filter restart-policy=always$/m);
    expect(unit).to.match(/^WantedBy=default\.target$/m);
  });
});
