// Interactive terminals as a person uses them, driven through a real pseudo-terminal: `run -it` (prompt,
// echo, line editing, the window size at start and after a resize, Ctrl-C to the foreground program, the
// exit code), the detach keys and `attach`, `start -ai`, `exec -it` beside a `logs -f` follower, and
// `run -i` with piped binary input.
import {expect} from 'chai';
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import type {IPty} from '@lydell/node-pty';
import {bin, burrow, ensureDemoImage, env, ok, runRoot, sleep, until, work} from './harness';

/** A burrow command on a pseudo-terminal of its own, with what it printed so far. */
class Terminal {
  readonly pty: IPty;
  output = '';
  private seen = 0;
  readonly exited: Promise<number>;

  constructor(args: string[], size = {cols: 100, rows: 30}) {
    const {spawn: spawnPty} = require('@lydell/node-pty') as typeof import('@lydell/node-pty');
    this.pty = spawnPty(bin, ['--runroot', runRoot, ...args], {...size, cwd: work, env: env as Record<string, string>, name: 'xterm'});
    this.pty.onData((d) => (this.output += d));
    this.exited = new Promise((resolve) => this.pty.onExit((e) => resolve(e.exitCode)));
  }

  /** Waits for text matching `re` after what earlier waits consumed. */
  async expect(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const found = await until(() => re.test(this.output.slice(this.seen)), timeoutMs);
    if (!found) throw new Error(`timed out waiting for ${re} in ${JSON.stringify(this.output.slice(this.seen))}`);
    const rest = this.output.slice(this.seen);
    const m = re.exec(rest)!;
    this.seen += m.index + m[0].length;
    return m[0];
  }

  type(text: string): void {
    this.pty.write(text);
  }

  async exitCode(timeoutMs = 15_000): Promise<number> {
    return Promise.race([this.exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no exit; output: ${JSON.stringify(this.output)}`)), timeoutMs))]);
  }
}

const PROMPT = /# /;
const state = (name: string) => ok(['inspect', '--format', '{{.State.Status}}', name]).trim();

describe('terminals: run -it, attach, exec -it', function () {
  this.timeout(120_000);

  before(() => ensureDemoImage());
  after(() => {
    burrow(['rm', '-f', 'tty-box', 'tty-start', 'tty-exec']);
  });

  it('run -it: prompt, echo, line editing, window size and resize, Ctrl-C, exit code', async () => {
    const t = new Terminal(['run', '-it', '--rm', 'localhost/demo', 'sh'], {cols: 91, rows: 27});
    await t.expect(PROMPT);
    t.type('stty size\r');
    await t.expect(/27 91/);
    // Typed characters come back (echo); backspace edits the line before the shell sees it.
    t.type('echo abcX\x7fd\r');
    await t.expect(/echo abc/);
    await t.expect(/\nabcd\r*\n/);
    t.pty.resize(120, 40);
    await sleep(300);
    t.type('stty size\r');
    await t.expect(/40 120/);
    // Ctrl-C reaches the foreground program in the container, not burrow: the shell survives it.
    t.type('sleep 30; echo after-sleep\r');
    await sleep(500);
    const before = Date.now();
    t.type('\x03');
    await t.expect(PROMPT);
    expect(Date.now() - before).to.be.below(5000);
    t.type('echo alive-$((40+2))\r');
    await t.expect(/alive-42/);
    expect(t.output).to.not.contain('after-sleep\r\n');
    t.type('exit 3\r');
    expect(await t.exitCode()).to.equal(3);
  });

  it('the detach keys leave the container running; attach gets the same shell back, and its exit code', async () => {
    const t = new Terminal(['run', '-it', '--name', 'tty-box', 'localhost/demo', 'sh']);
    await t.expect(PROMPT);
    t.type('MARK=kept-in-shell\r');
    await t.expect(PROMPT);
    t.type('\x10\x11');
    expect(await t.exitCode()).to.equal(0);
    expect(state('tty-box')).to.equal('running');

    // A custom sequence, on a second attach: the shell's variable shows it is the same process.
    const a = new Terminal(['attach', '--detach-keys', 'ctrl-x', 'tty-box']);
    await sleep(500);
    a.type('echo $MARK\r');
    await a.expect(/kept-in-shell/);
    a.type('\x18');
    expect(await a.exitCode()).to.equal(0);
    expect(state('tty-box')).to.equal('running');

    const b = new Terminal(['attach', 'tty-box']);
    await sleep(500);
    b.type('exit 5\r');
    expect(await b.exitCode()).to.equal(5);
    expect(await until(() => state('tty-box') === 'exited')).to.equal(true);
    expect(ok(['inspect', '--format', '{{.State.ExitCode}} {{.Config.Tty}} {{.Config.OpenStdin}}', 'tty-box']).trim()).to.equal('5 true true');
  });

  it('attach refuses a container that is not running, with the way to start it', () => {
    ok(['create', '--name', 'tty-start', '-it', 'localhost/demo', 'sh']);
    const r = burrow(['attach', 'tty-start']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('you can only attach to running containers');
    expect(r.stderr).to.contain('burrow start -ai tty-start');
  });

  it('start -ai attaches a created -it container and returns its exit code', async () => {
    const t = new Terminal(['start', '-ai', 'tty-start']);
    await t.expect(PROMPT);
    t.type('tty; exit 4\r');
    await t.expect(/\/dev\/pts\/\d+/);
    expect(await t.exitCode()).to.equal(4);
  });

  it('exec -it works from one terminal while another follows the logs, and inspect lists the session', async () => {
    ok(['run', '-d', '--name', 'tty-exec', 'localhost/demo', 'sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.2; done']);
    const follower = spawn(bin, ['--runroot', runRoot, 'logs', '-f', 'tty-exec'], {env});
    let followed = '';
    let followerErr = '';
    follower.stdout.on('data', (b) => (followed += b));
    follower.stderr.on('data', (b) => (followerErr += b));
    try {
      const t = new Terminal(['exec', '-it', 'tty-exec', 'sh'], {cols: 77, rows: 22});
      await t.expect(PROMPT);
      const ids = ok(['inspect', '--format', '{{len .ExecIDs}}', 'tty-exec']).trim();
      expect(ids).to.equal('1');
      t.type('stty size; echo in-exec-$((3*3))\r');
      await t.expect(/22 77/);
      await t.expect(/in-exec-9/);
      const ticksBefore = (followed.match(/tick-/g) ?? []).length;
      await until(() => (followed.match(/tick-/g) ?? []).length > ticksBefore + 3);
      t.type('exit 6\r');
      expect(await t.exitCode()).to.equal(6);
      expect(await until(() => ok(['inspect', '--format', '{{len .ExecIDs}}', 'tty-exec']).trim() === '0')).to.equal(true);
      expect((followed.match(/tick-/g) ?? []).length).to.be.above(ticksBefore + 3);
      expect(followerErr).to.equal('');
      expect(t.output).to.not.match(/lock/i);
    } finally {
      follower.kill();
    }
  });

  it('run -i passes piped binary input whole, ends it with EOF, and keeps stderr apart', () => {
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 9)) & 0xff;
    // The detach keys (ctrl-p, ctrl-q) occur in the data: piped input is never read for them.
    data.set([16, 17], 4096);
    const r = spawnSync(bin, ['--runroot', runRoot, 'run', '-i', '--rm', 'localhost/demo', 'sh', '-c', 'cat; echo done >&2; exit 2'], {env, input: data, maxBuffer: 16 * 1024 * 1024});
    expect(r.status).to.equal(2);
    expect(createHash('sha256').update(r.stdout).digest('hex')).to.equal(createHash('sha256').update(data).digest('hex'));
    expect(r.stderr.toString()).to.equal('done\n');
  });
});
