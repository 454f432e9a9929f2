// kill -9 of a foreground `burrow run`: the container, monitored by conmon, lives on and ends normally;
// ps, logs, wait and rm handle it, and conmon's exit command does the cleanup (and --rm) exactly once.
import {expect} from 'chai';
import {spawn} from 'node:child_process';
import {bin, burrow, env, ok, runRoot, storageMounts, until} from './harness';

function startForeground(args: string[]): Promise<{pid: number; output: () => string}> {
  const child = spawn(bin, ['--runroot', runRoot, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('started')) {
        clearInterval(t);
        resolve({pid: child.pid!, output: () => out});
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(t);
      if (!out.includes('started')) reject(new Error(`run exited early: ${out}`));
    });
  });
}

describe('kill -9 of a foreground run', function () {
  this.timeout(60_000);
  afterEach(() => burrow(['rm', '-a', '-f']));

  it('leaves a container that ps -a, logs, wait and rm -f handle', async () => {
    const fg = await startForeground(['run', '--name', 'victim', 'localhost/demo', 'sh', '-c', 'echo started; sleep 2; echo finished; exit 5']);
    process.kill(fg.pid, 'SIGKILL');
    expect(ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']).trim()).to.equal('victim running');
    expect(ok(['wait', 'victim']).trim()).to.equal('5');
    expect(ok(['logs', 'victim'])).to.equal('started\nfinished\n');
    expect(await until(() => storageMounts().length === 0), 'rootfs unmounted by the exit command').to.equal(true);
    expect(ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).trim()).to.match(/^victim Exited \(5\)/);
    expect(ok(['rm', '-f', 'victim']).trim()).to.equal('victim');
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('with --rm, the container is still removed once it ends', async () => {
    const fg = await startForeground(['run', '--rm', '--name', 'victim-rm', 'localhost/demo', 'sh', '-c', 'echo started; sleep 1; exit 0']);
    process.kill(fg.pid, 'SIGKILL');
    expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).to.equal('victim-rm');
    expect(await until(() => burrow(['ps', '-a', '-q']).stdout === '', 15_000)).to.equal(true);
    // The container vanishes from ps as its directory is renamed away; unmounting finishes just after.
    expect(await until(() => storageMounts().length === 0, 15_000), storageMounts().join(', ')).to.equal(true);
  });

  it('SIGTERM to a foreground run is forwarded to the container', async () => {
    const child = spawn(bin, ['--runroot', runRoot, 'run', '--rm', 'localhost/demo', 'sh', '-c', 'trap "echo forwarded; exit 9" TERM; echo started; while :; do sleep 0.1; done'], {env});
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    await until(() => out.includes('started'));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).to.equal(9);
    expect(out).to.equal('started\nforwarded\n');
  });
});
