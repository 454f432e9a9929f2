// The rootless layer as users meet it: `unshare`, one pause process reused by every command, pid files
// that lie, reboots noticed through the boot id, a missing or foreign XDG_RUNTIME_DIR, no subordinate
// ranges, `system migrate`, and `info` saying what was chosen and why.
import {expect} from 'chai';
import {spawn} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {burrow, env, ok, pausePid, runRoot, subuidRange, work} from './harness';

function killQuietly(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

describe('rootless session', function () {
  this.timeout(60_000);

  it('unshare runs commands as root of the user namespace with the subordinate mapping', () => {
    expect(ok(['unshare', 'id', '-u']).trim()).to.equal('0');
    const {start, count} = subuidRange();
    const map = ok(['unshare', 'cat', '/proc/self/uid_map']).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    expect(map).to.deep.equal([[0, process.getuid!(), 1], [1, start, count]]);
    expect(burrow(['unshare', 'sh', '-c', 'exit 7']).status).to.equal(7);
  });

  it('every command joins the same pause process', () => {
    ok(['unshare', 'true']);
    const first = pausePid();
    ok(['run', '--rm', 'localhost/demo', 'true']);
    ok(['unshare', 'true']);
    expect(pausePid()).to.equal(first);
    const environ = fs.readFileSync(`/proc/${first}/environ`, 'latin1');
    expect(environ).to.contain('_BURROW_PAUSE=');
  });

  it('does not join a process that a lying pid file names', async () => {
    const stranger = spawn('sleep', ['30'], {stdio: 'ignore'});
    try {
      const file = path.join(runRoot, 'pause.json');
      const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      const stat = fs.readFileSync(`/proc/${stranger.pid}/stat`, 'utf8');
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      const oldPid = rec.pid as number;
      fs.writeFileSync(file, JSON.stringify({...rec, pid: stranger.pid, startTime}));
      expect(ok(['unshare', 'id', '-u']).trim()).to.equal('0');
      const now = pausePid();
      expect(now).to.not.equal(stranger.pid);
      expect(fs.readFileSync(`/proc/${now}/environ`, 'latin1')).to.contain('_BURROW_PAUSE=');
      expect(stranger.exitCode).to.equal(null);
      killQuietly(oldPid);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('a pause process that died is recreated', () => {
    const old = pausePid();
    killQuietly(old);
    expect(ok(['run', '--rm', 'localhost/demo', 'echo', 'back']).trim()).to.equal('back');
    expect(pausePid()).to.not.equal(old);
  });

  it('notices a reboot through the boot id and resets runtime state instead of failing', () => {
    ok(['create', '--name', 'before-reboot', 'localhost/demo', 'true']);
    ok(['unshare', 'true']);
    const old = pausePid();
    fs.writeFileSync(path.join(runRoot, 'boot_id'), '00000000-0000-0000-0000-000000000000');
    fs.writeFileSync(path.join(runRoot, 'stale-state-from-before'), 'x');
    try {
      expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).to.equal('before-reboot');
      expect(fs.existsSync(path.join(runRoot, 'stale-state-from-before'))).to.equal(false);
      expect(ok(['run', '--rm', 'localhost/demo', 'echo', 'after']).trim()).to.equal('after');
      expect(pausePid()).to.not.equal(old);
    } finally {
      killQuietly(old);
      burrow(['rm', '-f', 'before-reboot']);
    }
  });

  it('without XDG_RUNTIME_DIR, falls back to a private directory and says so under --log-level info', () => {
    const noXdg = {...env, XDG_RUNTIME_DIR: ''};
    const r = burrow(['--log-level', 'info', 'ps'], {env: noXdg, runroot: null});
    expect(r.status, r.stderr).to.equal(0);
    const fallback = path.join(os.tmpdir(), `burrow-run-${process.getuid!()}`);
    expect(r.stderr).to.contain('XDG_RUNTIME_DIR is not set');
    expect(r.stderr).to.contain(fallback);
    expect(fs.statSync(fallback).mode & 0o777).to.equal(0o700);
    expect(burrow(['ps'], {env: noXdg, runroot: null}).stderr).to.equal('');
  });

  it('refuses an XDG_RUNTIME_DIR that belongs to somebody else', () => {
    const r = burrow(['--log-level', 'info', 'ps'], {env: {...env, XDG_RUNTIME_DIR: '/'}, runroot: null});
    expect(r.status).to.equal(0);
    expect(r.stderr).to.contain('XDG_RUNTIME_DIR=/ is owned by uid 0');
    expect(r.stderr).to.contain(`burrow-run-${process.getuid!()}`);
  });

  it('with no subordinate range, maps only the user and warns what will not work', () => {
    const rr = path.join(work, 'run-nosub');
    const noSub = {...env, BURROW_SUBUID_FILE: '/dev/null', BURROW_SUBGID_FILE: '/dev/null'};
    try {
      const r = burrow(['run', '--rm', 'localhost/demo', 'cat', '/proc/self/uid_map'], {env: noSub, runroot: rr});
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim().split(/\s+/).map(Number)).to.deep.equal([0, process.getuid!(), 1]);
      expect(r.stderr).to.contain('no subordinate ids');
      expect(r.stderr).to.contain('usermod --add-subuids');
    } finally {
      const pid = JSON.parse(fs.readFileSync(path.join(rr, 'pause.json'), 'utf8')).pid as number;
      killQuietly(pid);
    }
  });

  it('system migrate stops containers and restarts the pause process', () => {
    ok(['run', '-d', '--name', 'pre-migrate', '--stop-timeout', '1', 'localhost/demo', 'sleep', '30']);
    const old = pausePid();
    const r = burrow(['system', 'migrate']);
    expect(r.status).to.equal(0);
    expect(r.stderr).to.contain('pre-migrate');
    expect(ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']).trim()).to.equal('pre-migrate exited');
    ok(['start', 'pre-migrate']);
    expect(pausePid()).to.not.equal(old);
    expect(ok(['inspect', '--format', '{{.State.Running}}', 'pre-migrate']).trim()).to.equal('true');
    ok(['rm', '-f', 'pre-migrate']);
  });

  it('info reports driver, runtime, mappings and paths, with Podman field names', () => {
    const info = JSON.parse(ok(['info', '--format', 'json'])) as Record<string, any>;
    expect(info.host.security.rootless).to.equal(true);
    expect(['overlay', 'fuse-overlayfs', 'vfs']).to.include(info.store.graphDriverName);
    expect(info.store.graphDriverReason).to.be.a('string').and.not.equal('');
    expect(info.store.runRoot).to.equal(runRoot);
    expect(info.host.idMappings.uidmap[1]).to.deep.equal({container_id: 1, host_id: subuidRange().start, size: subuidRange().count});
    expect(['runc', 'crun']).to.include(info.host.ociRuntime.name);
    for (const s of info.host.ociRuntime.skipped as {name: string; reason: string}[]) expect(s.reason).to.not.equal('');
    const line = ok(['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} {{.Host.Security.Rootless}}']).trim();
    expect(line).to.equal(`${info.host.ociRuntime.name} ${info.store.graphDriverName} true`);
  });
});
