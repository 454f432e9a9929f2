// Health checks as a user runs them: `healthcheck run` against a real container (exec inside it),
// the status in ps and inspect, retries, the time limit, --health-on-failure kill and restart, the one
// warning where no systemd user manager can schedule checks; and --cidfile/--replace/rm --cidfile.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, ensureDemoImage, ok, until, work} from './harness';

const inspect = (name: string, format: string) => ok(['inspect', '--format', format, name]).trim();
const status = (name: string) => ok(['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}']).trim();

describe('healthcheck: checks run by hand, recorded and acted on', function () {
  this.timeout(180_000);

  before(() => ensureDemoImage());
  after(() => {
    burrow(['rm', '-f', 'hc-basic', 'hc-kill', 'hc-restart', 'hc-timeout', 'hc-none', 'cid-one']);
  });

  it('fails, turns unhealthy after the retries, and recovers; ps and inspect show it', () => {
    const r = burrow(['run', '-d', '--name', 'hc-basic', '--health-cmd', 'echo checking; test -e /tmp/ok', '--health-retries', '2', 'localhost/demo', 'sleep', '1000']);
    expect(r.status, r.stderr).to.equal(0);
    // No user manager runs for the test user: one line says the check will not run on its own.
    const warnings = r.stderr.split('\n').filter((l) => l.includes('health check of hc-basic will not run on its own'));
    expect(warnings, r.stderr).to.have.length(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(status('hc-basic')).to.match(/^Up .* \(starting\)$/);

    let c = burrow(['healthcheck', 'run', 'hc-basic']);
    expect([c.status, c.stdout]).to.deep.equal([1, 'unhealthy\n']);
    expect(status('hc-basic')).to.match(/\(starting\)$/);
    expect(inspect('hc-basic', '{{.State.Health.FailingStreak}}')).to.equal('1');
    c = burrow(['healthcheck', 'run', 'hc-basic']);
    expect(c.status).to.equal(1);
    expect(status('hc-basic')).to.match(/\(unhealthy\)$/);

    ok(['exec', 'hc-basic', 'touch', '/tmp/ok']);
    c = burrow(['healthcheck', 'run', 'hc-basic']);
    expect([c.status, c.stdout, c.stderr]).to.deep.equal([0, '', '']);
    expect(status('hc-basic')).to.match(/^Up .* \(healthy\)$/);
    const state = JSON.parse(inspect('hc-basic', '{{json .State.Health}}')) as {Status: string; FailingStreak: number; Log: {ExitCode: number; Output: string}[]; Scheduler: string};
    expect(state.Status).to.equal('healthy');
    expect(state.FailingStreak).to.equal(0);
    expect(state.Log.map((l) => l.ExitCode)).to.deep.equal([1, 1, 0]);
    expect(state.Log[2].Output).to.equal('checking\n');
    expect(state.Scheduler).to.equal('none');
    const config = JSON.parse(inspect('hc-basic', '{{json .Config.Healthcheck}}')) as Record<string, unknown>;
    expect(config).to.deep.equal({Test: ['CMD-SHELL', 'echo checking; test -e /tmp/ok'], Interval: 30e9, Timeout: 30e9, Retries: 2});
    expect(inspect('hc-basic', '{{.Config.HealthcheckOnFailureAction}}')).to.equal('none');
  });

  it('a container without a check, or not running, is an engine error (125)', () => {
    ok(['create', '--name', 'hc-none', 'localhost/demo', 'true']);
    let r = burrow(['healthcheck', 'run', 'hc-none']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/has no defined healthcheck/);
    ok(['stop', '-t', '0', 'hc-basic']);
    r = burrow(['healthcheck', 'run', 'hc-basic']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.match(/hc-basic is not running/);
    expect(burrow(['healthcheck', 'run', 'no-such-ctr']).status).to.equal(125);
  });

  it('a check that outlives --health-timeout fails and is stopped', () => {
    ok(['run', '-d', '--name', 'hc-timeout', '--health-cmd', 'sleep 60', '--health-timeout', '1s', 'localhost/demo', 'sleep', '1000']);
    const t0 = Date.now();
    const r = burrow(['healthcheck', 'run', 'hc-timeout']);
    expect(r.status).to.equal(1);
    expect(Date.now() - t0).to.be.below(20_000);
    const log = JSON.parse(inspect('hc-timeout', '{{json .State.Health.Log}}')) as {ExitCode: number; Output: string}[];
    expect(log[0]).to.deep.include({ExitCode: -1, Output: 'healthcheck command exceeded timeout of 1s'});
    expect(ok(['exec', 'hc-timeout', 'ps', '-o', 'args'])).to.not.contain('sleep 60');
  });

  it('--health-on-failure=kill kills the container when it becomes unhealthy', () => {
    ok(['run', '-d', '--name', 'hc-kill', '--health-cmd', '["/bin/false"]', '--health-retries', '1', '--health-on-failure', 'kill', 'localhost/demo', 'sleep', '1000']);
    expect(JSON.parse(inspect('hc-kill', '{{json .Config.Healthcheck.Test}}'))).to.deep.equal(['CMD-SHELL', '/bin/false']);
    const r = burrow(['healthcheck', 'run', 'hc-kill']);
    expect([r.status, r.stdout]).to.deep.equal([1, 'unhealthy\n']);
    expect(inspect('hc-kill', '{{.State.Status}} {{.State.ExitCode}}')).to.equal('exited 137');
  });

  it('--health-on-failure=restart restarts it, and the status starts over', async () => {
    ok(['run', '-d', '--name', 'hc-restart', '--stop-timeout', '1', '--health-cmd', 'false', '--health-retries', '1', '--health-on-failure', 'restart', 'localhost/demo', 'sleep', '1000']);
    const before = inspect('hc-restart', '{{.State.StartedAt}} {{.State.Pid}}');
    const r = burrow(['healthcheck', 'run', 'hc-restart']);
    expect(r.status).to.equal(1);
    expect(await until(() => inspect('hc-restart', '{{.State.Status}}') === 'running', 20_000)).to.equal(true);
    expect(inspect('hc-restart', '{{.State.StartedAt}} {{.State.Pid}}')).to.not.equal(before);
    expect(status('hc-restart')).to.match(/^Up .* \(starting\)$/);
    expect(inspect('hc-restart', '{{.State.Health.Log}}')).to.not.equal('[]');
  });

  it('--no-healthcheck conflicts with --health-cmd; bad durations are refused before anything is created', () => {
    let r = burrow(['create', '--no-healthcheck', '--health-cmd', 'true', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('--no-healthcheck');
    r = burrow(['create', '--name', 'hc-bad', '--health-cmd', 'true', '--health-interval', 'often', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('--health-interval');
    expect(burrow(['inspect', 'hc-bad']).status).to.not.equal(0);
  });
});

describe('cidfile and replace', function () {
  this.timeout(120_000);
  before(() => ensureDemoImage());
  after(() => {
    burrow(['rm', '-f', 'cid-one']);
  });

  it('--cidfile holds the id, refuses to overwrite, --replace takes the name over, rm --cidfile removes both', () => {
    const file = path.join(work, 'one.cid');
    const id = ok(['run', '-d', '--name', 'cid-one', '--cidfile', file, 'localhost/demo', 'sleep', '1000']).trim();
    expect(fs.readFileSync(file, 'utf8')).to.equal(id);
    let r = burrow(['run', '-d', '--cidfile', file, 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain(`container id file exists. Ensure another container is not using it or delete ${file}`);
    r = burrow(['run', '-d', '--name', 'cid-one', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    const id2 = ok(['run', '-d', '--name', 'cid-one', '--replace', '--cidfile', file, 'localhost/demo', 'sleep', '1000']).trim();
    expect(id2).to.not.equal(id);
    expect(fs.readFileSync(file, 'utf8')).to.equal(id2);
    expect(burrow(['inspect', id]).status).to.not.equal(0);
    expect(inspect('cid-one', '{{.State.Status}}')).to.equal('running');
    expect(ok(['rm', '-f', '-i', '--cidfile', file])).to.equal(`${id2}\n`);
    expect(fs.existsSync(file)).to.equal(false);
    expect(burrow(['inspect', 'cid-one']).status).to.not.equal(0);
    r = burrow(['rm', '-f', '-i', '--cidfile', file]);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([0, '', '']);
    expect(burrow(['rm', '--cidfile', file]).status).to.equal(1);
  });
});
