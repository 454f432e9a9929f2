// Detached containers through their whole life: create/start/run -d, ps (formats, filters), logs,
// wait, stop, kill, restart, inspect, rm — by name, full id and short id prefix.
import {expect} from 'chai';
import {burrow, ok, until, burrowAsync} from './harness';

const LOOP = 'trap "echo got-term; exit 0" TERM; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.1; done';

describe('container lifecycle', function () {
  this.timeout(60_000);
  afterEach(() => burrow(['rm', '-a', '-f']));

  it('run -d prints the id; ps lists it with Podman columns; stop and rm remove it', async () => {
    const id = ok(['run', '-d', '--name', 'web', 'localhost/demo', 'sh', '-c', LOOP]).trim();
    expect(id).to.match(/^[0-9a-f]{64}$/);
    const table = ok(['ps']);
    const [header, row] = table.trimEnd().split('\n');
    expect(header).to.match(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(row).to.match(new RegExp(`^${id.slice(0, 12)}\\s+localhost/demo:latest\\s+sh -c trap "echo \\.\\.\\.\\s+.*ago\\s+Up .*\\s+web$`));
    expect(ok(['ps', '-q']).trim()).to.equal(id.slice(0, 12));
    expect(ok(['ps', '-q', '--no-trunc']).trim()).to.equal(id);

    expect(await until(() => ok(['logs', 'web']).includes('tick 2'))).to.equal(true);
    const stop = burrow(['stop', 'web']);
    expect(stop.status).to.equal(0);
    expect(stop.stdout.trim()).to.equal('web');
    expect(ok(['logs', 'web'])).to.match(/got-term\n$/);
    expect(ok(['ps', '-q'])).to.equal('');
    expect(ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).trim()).to.match(/^web Exited \(0\) .* ago$/);
    expect(ok(['rm', 'web']).trim()).to.equal('web');
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('ps --format json uses Podman field names', () => {
    const id = ok(['run', '-d', '--name', 'j1', '--label', 'team=blue', 'localhost/demo', 'sleep', '30']).trim();
    const list = JSON.parse(ok(['ps', '--format', 'json'])) as Record<string, unknown>[];
    expect(list).to.have.length(1);
    expect(list[0].Id).to.equal(id);
    expect(list[0].Names).to.deep.equal(['j1']);
    expect(list[0].State).to.equal('running');
    expect(list[0].Image).to.equal('localhost/demo:latest');
    expect(list[0].Command).to.deep.equal(['sleep', '30']);
    expect(list[0].Labels).to.deep.include({team: 'blue'});
    expect(list[0].Pid).to.be.a('number').and.above(0);
    expect(JSON.parse(ok(['ps', '-a', '--format', 'json', '--filter', 'name=nomatch']))).to.deep.equal([]);
  });

  it('ps --filter selects by status, name, label and exit code', () => {
    ok(['run', '-d', '--name', 'f-run', '--label', 'tier=web', 'localhost/demo', 'sleep', '30']);
    expect(burrow(['run', '--name', 'f-exit', 'localhost/demo', 'sh', '-c', 'exit 7']).status).to.equal(7);
    const names = (args: string[]) => ok(['ps', '-a', '--format', '{{.Names}}', ...args]).trim().split('\n').filter(Boolean).sort();
    expect(names(['--filter', 'status=running'])).to.deep.equal(['f-run']);
    expect(names(['--filter', 'status=exited'])).to.deep.equal(['f-exit']);
    expect(names(['--filter', 'exited=7'])).to.deep.equal(['f-exit']);
    expect(names(['--filter', 'label=tier=web'])).to.deep.equal(['f-run']);
    expect(names(['--filter', 'name=^f-'])).to.deep.equal(['f-exit', 'f-run']);
    const bad = burrow(['ps', '--filter', 'colour=red']);
    expect(bad.status).to.equal(125);
  });

  it('logs supports --tail, -t and -f (which ends when the container exits)', async () => {
    ok(['run', '-d', '--name', 'lg', 'localhost/demo', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; sleep 3; echo last; exit 0']);
    expect(await until(() => ok(['logs', 'lg']).includes('line 5'))).to.equal(true);
    expect(ok(['logs', '--tail', '2', 'lg'])).to.equal('line 4\nline 5\n');
    expect(ok(['logs', '-t', '--tail', '1', 'lg'])).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+[+-Z][\d:]* line 5\n$/);
    const followed = await burrowAsync(['logs', '-f', 'lg']);
    expect(followed.status).to.equal(0);
    expect(followed.stdout).to.equal('line 1\nline 2\nline 3\nline 4\nline 5\nlast\n');
  });

  it('create then start; wait prints the exit code; start runs an exited container again', () => {
    const id = ok(['create', '--name', 'job', 'localhost/demo', 'sh', '-c', 'echo ran; exit 4']).trim();
    expect(ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).trim()).to.equal('job Created');
    expect(ok(['start', id.slice(0, 6)]).trim()).to.equal(id.slice(0, 6));
    expect(ok(['wait', 'job']).trim()).to.equal('4');
    ok(['start', 'job']);
    expect(ok(['wait', id]).trim()).to.equal('4');
    expect(ok(['logs', 'job'])).to.equal('ran\nran\n');
    expect(ok(['inspect', '--format', '{{.State.ExitCode}} {{.State.Running}} {{.State.Status}}', 'job']).trim()).to.equal('4 false exited');
    const attached = burrow(['start', '-a', 'job']);
    expect(attached.status).to.equal(4);
    expect(attached.stdout).to.equal('ran\n');
  });

  it('kill sends signals; killing a stopped container is an error', async () => {
    ok(['run', '-d', '--name', 'k', 'localhost/demo', 'sh', '-c', 'trap "echo hup" HUP; while :; do sleep 0.1; done']);
    await until(() => ok(['inspect', '--format', '{{.State.Running}}', 'k']).trim() === 'true');
    await new Promise((r) => setTimeout(r, 300));
    expect(ok(['kill', '-s', 'HUP', 'k']).trim()).to.equal('k');
    expect(await until(() => ok(['logs', 'k']).includes('hup'))).to.equal(true);
    ok(['kill', 'k']);
    expect(ok(['wait', 'k']).trim()).to.equal('137');
    const again = burrow(['kill', 'k']);
    expect(again.status).to.equal(125);
    expect(again.stderr).to.contain('can only kill running containers');
  });

  it('stop -t falls back to SIGKILL for a process that ignores the stop signal', () => {
    ok(['run', '-d', '--name', 'stubborn', 'localhost/demo', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.1; done']);
    const t0 = Date.now();
    const r = burrow(['stop', '-t', '1', 'stubborn']);
    expect(r.status).to.equal(0);
    expect(Date.now() - t0).to.be.within(900, 8000);
    expect(ok(['inspect', '--format', '{{.State.ExitCode}}', 'stubborn']).trim()).to.equal('137');
  });

  it('restart starts a stopped container again', async () => {
    ok(['run', '-d', '--name', 'rs', 'localhost/demo', 'sh', '-c', LOOP]);
    const first = ok(['inspect', '--format', '{{.State.Pid}}', 'rs']).trim();
    expect(ok(['restart', '-t', '2', 'rs']).trim()).to.match(/^[0-9a-f]{64}$/);
    const second = ok(['inspect', '--format', '{{.State.Pid}} {{.State.Running}}', 'rs']).trim();
    expect(second).to.match(/^\d+ true$/);
    expect(second.split(' ')[0]).to.not.equal(first);
  });

  it('inspect shows Podman fields for the container', () => {
    const id = ok(['run', '-d', '--name', 'insp', '--label', 'a=b', '-e', 'X=1', '--stop-signal', 'SIGINT', 'localhost/demo', 'sleep', '20']).trim();
    const [c] = JSON.parse(ok(['inspect', 'insp'])) as Record<string, any>[];
    expect(c.Id).to.equal(id);
    expect(c.Name).to.equal('insp');
    expect(c.State.Running).to.equal(true);
    expect(c.State.Pid).to.be.above(0);
    expect(c.Config.Labels).to.deep.include({a: 'b'});
    expect(c.Config.Env).to.include('X=1');
    expect(c.Config.StopSignal).to.equal('SIGINT');
    expect(c.ImageName).to.equal('localhost/demo:latest');
    expect(ok(['inspect', '--format', '{{.Config.Labels.a}}/{{.Name}}', id.slice(0, 8)]).trim()).to.equal('b/insp');
    const missing = burrow(['inspect', 'no-such-thing']);
    expect(missing.status).to.equal(125);
  });

  it('rm refuses a running container without -f (exit 2); a missing one exits 1', () => {
    ok(['run', '-d', '--name', 'busy', 'localhost/demo', 'sleep', '30']);
    const r = burrow(['rm', 'busy']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('cannot remove container');
    const t0 = Date.now();
    expect(ok(['rm', '-f', 'busy']).trim()).to.equal('busy');
    expect(Date.now() - t0).to.be.below(5000);
    expect(burrow(['rm', 'busy']).status).to.equal(1);
  });

  it('a name cannot be used twice', () => {
    ok(['create', '--name', 'dup', 'localhost/demo', 'true']);
    const r = burrow(['create', '--name', 'dup', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('the container name "dup" is already in use');
  });
});
