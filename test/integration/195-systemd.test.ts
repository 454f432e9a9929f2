// systemd without a running user manager: generated units pass `systemd-analyze verify --user`, and
// their ExecStart/ExecStop/ExecStopPost lines, run through sh -c as systemd would run them, start and
// stop the container; --sdnotify delivers READY=1 (and MAINPID) to a real datagram socket.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {DgramSocket} from 'node-unix-socket';
import {bin, burrow, env, ok, runRoot, until, work} from './harness';
import {parseNotifyMessage} from '../../src/runtime/sd-notify';

const DEBIAN_TAR = process.env.BURROW_DEBIAN_TAR ?? '/var/cache/burrow-test/debian-bookworm.tar';
const inspect = (name: string, f: string) => ok(['inspect', name, '--format', f]).trim();

/** A notify socket as systemd offers one: every datagram received is kept. */
class NotifyListener {
  readonly path: string;
  readonly messages: Record<string, string>[] = [];
  private readonly socket: DgramSocket;
  constructor(name: string) {
    const {DgramSocket: Socket} = require('node-unix-socket') as typeof import('node-unix-socket');
    this.path = path.join(work, `${name}.sock`);
    fs.rmSync(this.path, {force: true});
    this.socket = new Socket();
    this.socket.bind(this.path);
    this.socket.on('data', (b: Buffer) => this.messages.push(parseNotifyMessage(b.toString())));
  }
  has(key: string, value?: string): boolean {
    return this.messages.some((m) => key in m && (value === undefined || m[key] === value));
  }
  close(): void {
    this.socket.close();
  }
}

/** The value of KEY= for sh: continuation lines joined, %% undone, systemd's literal $$ made sh's \$. */
function execOf(unit: string, key: string): string {
  const line = unit.replace(/ \\\n\t/g, ' ').split('\n').find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`${key} missing in\n${unit}`);
  return line.slice(key.length + 1).replace(/%%/g, '%').replace(/\$\$/g, '\\$');
}

function sh(command: string, extra: NodeJS.ProcessEnv = {}): {status: number; stderr: string} {
  const r = spawnSync('/bin/sh', ['-c', command], {env: {...env, ...extra}, encoding: 'utf8', timeout: 60_000});
  return {status: r.status ?? 128, stderr: r.stderr};
}

function verify(file: string): {status: number; stderr: string} | undefined {
  const r = spawnSync('systemd-analyze', ['verify', '--user', '--man=no', file], {env: {...process.env}, encoding: 'utf8', cwd: path.dirname(file)});
  if (r.error) return undefined;
  return {status: r.status ?? 128, stderr: r.stderr};
}

describe('systemd units and sd_notify', function () {
  this.timeout(180_000);
  const dir = path.join(work, 'units');
  before(() => fs.mkdirSync(dir, {recursive: true}));
  afterEach(() => burrow(['rm', '-a', '-f']));

  it('--new: the unit verifies; ExecStart runs it with READY=1 and MAINPID=conmon; ExecStop and ExecStopPost end and remove it', async function () {
    ok(['create', '--name', 'web', '--restart', 'always', '-e', 'GREETING=hello world', 'localhost/demo', 'sh', '-c', 'echo "$GREETING"; exec sleep 1000']);
    // --files writes into the current directory and prints the path.
    const r = spawnSync(bin, ['--runroot', runRoot, 'generate', 'systemd', '--new', '--name', '--files', '--restart-policy', 'always', 'web'], {env, cwd: dir, encoding: 'utf8'});
    expect(r.status, r.stderr).to.equal(0);
    const file = r.stdout.trim();
    expect(file).to.equal(path.join(dir, 'container-web.service'));
    const unit = fs.readFileSync(file, 'utf8');
    expect(unit).to.match(/^Type=notify$/m);
    expect(unit).to.match(/^NotifyAccess=all$/m);
    expect(unit).to.match(/^Restart=always$/m);
    const v = verify(path.join(dir, 'container-web.service'));
    if (!v) this.skip();
    expect(v.stderr).to.equal('');
    expect(v.status).to.equal(0);

    ok(['rm', 'web']);
    const listener = new NotifyListener('notify-new');
    try {
      const start = sh(execOf(unit, 'ExecStart'), {NOTIFY_SOCKET: listener.path});
      expect(start.status, start.stderr).to.equal(0);
      expect(inspect('web', '{{.State.Status}}')).to.equal('running');
      expect(await until(() => listener.has('READY', '1'))).to.equal(true);
      expect(listener.has('MAINPID', inspect('web', '{{.State.ConmonPid}}'))).to.equal(true);
      expect(await until(() => ok(['logs', 'web']) === 'hello world\n')).to.equal(true);
      // The restart policy is systemd's now, not the container's.
      expect(inspect('web', '{{.HostConfig.RestartPolicy.Name}}')).to.equal('');
      // A second ExecStart (systemd restarting the unit) replaces the container instead of failing on its name.
      expect(sh(execOf(unit, 'ExecStart')).status).to.equal(0);
      expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).to.equal('web');
      expect(sh(execOf(unit, 'ExecStop')).status).to.equal(0);
      expect(sh(execOf(unit, 'ExecStopPost')).status).to.equal(0);
      expect(ok(['ps', '-a', '-q'])).to.equal('');
      // Both are idempotent (--ignore): systemd runs ExecStopPost even after a failed start.
      expect(sh(execOf(unit, 'ExecStopPost')).status).to.equal(0);
    } finally {
      listener.close();
    }
  });

  it('an existing container: Type=forking, PIDFile is conmon\'s; ExecStart starts it and ExecStop stops it', async function () {
    ok(['create', '--name', 'db', 'localhost/demo', 'sleep', '1000']);
    const unit = ok(['generate', 'systemd', '--name', 'db']);
    fs.writeFileSync(path.join(dir, 'container-db.service'), unit);
    expect(unit).to.match(/^Type=forking$/m);
    expect(unit).to.match(/^Restart=on-failure$/m);
    const v = verify(path.join(dir, 'container-db.service'));
    if (v) {
      expect(v.stderr).to.equal('');
      expect(v.status).to.equal(0);
    }
    expect(sh(execOf(unit, 'ExecStart')).status).to.equal(0);
    expect(inspect('db', '{{.State.Status}}')).to.equal('running');
    const pidFile = execOf(unit, 'PIDFile');
    expect(fs.readFileSync(pidFile, 'utf8').trim()).to.equal(inspect('db', '{{.State.ConmonPid}}'));
    expect(sh(execOf(unit, 'ExecStop')).status).to.equal(0);
    expect(inspect('db', '{{.State.Status}}')).to.equal('exited');
  });

  it('--sdnotify=conmon sends READY=1 once the container runs; ignore sends nothing; without NOTIFY_SOCKET nothing breaks', async () => {
    const listener = new NotifyListener('notify-conmon');
    try {
      ok(['run', '-d', '--name', 'c1', '--sdnotify=conmon', 'localhost/demo', 'sleep', '1000'], {env: {NOTIFY_SOCKET: listener.path}});
      expect(await until(() => listener.has('READY', '1'))).to.equal(true);
      expect(listener.has('MAINPID', inspect('c1', '{{.State.ConmonPid}}'))).to.equal(true);
      const before = listener.messages.length;
      ok(['run', '-d', '--name', 'c2', '--sdnotify=ignore', 'localhost/demo', 'sleep', '1000'], {env: {NOTIFY_SOCKET: listener.path}});
      ok(['run', '-d', '--name', 'c3', '--sdnotify=conmon', 'localhost/demo', 'sleep', '1000']);
      await new Promise((r) => setTimeout(r, 1000));
      expect(listener.messages.length).to.equal(before);
      // The runtime never sees the variable: nothing inside c2 names it.
      expect(ok(['exec', 'c2', 'env'])).to.not.include('NOTIFY_SOCKET');
    } finally {
      listener.close();
    }
  });

  it('--sdnotify=container: the container\'s own READY=1 reaches the socket through conmon, after it chose to send it', async function () {
    if (!fs.existsSync(DEBIAN_TAR)) this.skip();
    ok(['import', DEBIAN_TAR, 'localhost/debian-notify']);
    const listener = new NotifyListener('notify-container');
    try {
      // perl (in Debian's perl-base) sends the datagram; the container waits for a file before it does.
      const send = 'while [ ! -e /tmp/go ]; do sleep 0.1; done; perl -MIO::Socket::UNIX -e \'IO::Socket::UNIX->new(Type => SOCK_DGRAM(), Peer => $ENV{NOTIFY_SOCKET})->send("READY=1\\nSTATUS=up")\'; exec sleep 1000';
      ok(['run', '-d', '--name', 'n1', '--sdnotify=container', 'localhost/debian-notify', 'sh', '-c', send], {env: {NOTIFY_SOCKET: listener.path}});
      expect(inspect('n1', '{{.State.Status}}')).to.equal('running');
      expect(await until(() => listener.has('MAINPID', inspect('n1', '{{.State.ConmonPid}}')))).to.equal(true);
      expect(listener.has('READY')).to.equal(false);
      expect(ok(['exec', 'n1', 'sh', '-c', 'tr "\\0" "\\n" < /proc/1/environ | grep ^NOTIFY_SOCKET=; test -S /run/notify/notify.sock && echo socket'])).to.equal('NOTIFY_SOCKET=/run/notify/notify.sock\nsocket\n');
      ok(['exec', 'n1', 'touch', '/tmp/go']);
      expect(await until(() => listener.has('READY', '1'), 20_000)).to.equal(true);
      // conmon relays READY=1 only, as an OCI runtime does.
      expect(listener.has('STATUS')).to.equal(false);
    } finally {
      listener.close();
      burrow(['rm', '-f', 'n1']);
      burrow(['rmi', 'localhost/debian-notify']);
    }
  });
});
