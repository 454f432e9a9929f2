// logs as a user reads them, from real containers: -f that ends when the container exits (or is
// restarted), --since/--until windows, --tail, -t in Podman's format, several containers with --names
// (followed at once), stdout/stderr kept apart, partial lines, and the log drivers: k8s-file with
// max-size, none, passthrough, journald on a host without a journal, inspect's LogConfig.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, burrowAsync, ensureDemoImage, ok, work} from './harness';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?(Z|[+-]\d{2}:\d{2})$/;

/** Re-runs `read` until it returns `want` or 20 s pass; returns the last value. */
function eventually(read: () => string, want: string): string {
  const deadline = Date.now() + 20_000;
  let got = read();
  while (got !== want && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    got = read();
  }
  return got;
}

function state(name: string): string {
  return ok(['inspect', '--format', '{{.State.Status}}', name]).trim();
}

describe('logs: reading and following container output', function () {
  this.timeout(120_000);
  const names: string[] = [];
  const run = (name: string, args: string[]) => {
    names.push(name);
    return ok(['run', '--name', name, ...args]);
  };

  before(() => ensureDemoImage());
  after(() => {
    if (names.length) burrow(['rm', '-f', ...names]);
  });

  it('-f prints what is written while following and ends when the container exits', async () => {
    run('lg-follow', ['-d', 'localhost/demo', 'sh', '-c', 'echo one; sleep 1; echo two; sleep 1; echo three']);
    const r = await burrowAsync(['logs', '-f', 'lg-follow']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal('one\ntwo\nthree\n');
    // it ended because the container did
    expect(state('lg-follow')).to.equal('exited');
    // a container that has already exited: -f prints everything and returns
    expect(ok(['logs', '-f', 'lg-follow'])).to.equal('one\ntwo\nthree\n');
  });

  it('-f of a container that is restarted ends with the run it was following', async () => {
    run('lg-restart', ['-d', 'localhost/demo', 'sh', '-c', 'echo started; sleep 100']);
    const following = burrowAsync(['logs', '-f', 'lg-restart']);
    ok(['restart', '-t', '0', 'lg-restart']);
    const r = await following;
    expect(r.status).to.equal(0);
    expect(r.stdout.startsWith('started\n')).to.equal(true);
    expect(state('lg-restart')).to.equal('running');
    // the log keeps both runs
    expect(eventually(() => ok(['logs', 'lg-restart']), 'started\nstarted\n')).to.equal('started\nstarted\n');
    ok(['stop', '-t', '0', 'lg-restart']);
  });

  it('--since and --until select a time window of a container that printed over a few seconds', () => {
    run('lg-window', ['localhost/demo', 'sh', '-c', 'echo first; sleep 1.5; echo second; sleep 1.5; echo third']);
    const lines = ok(['logs', '-t', 'lg-window']).trim().split('\n').map((l) => l.split(' '));
    expect(lines.map((l) => l[1])).to.deep.equal(['first', 'second', 'third']);
    const [t1, t2, t3] = lines.map((l) => Date.parse(l[0]));
    const iso = (ms: number) => new Date(ms).toISOString();
    const mid12 = iso((t1 + t2) / 2);
    const mid23 = iso((t2 + t3) / 2);
    expect(ok(['logs', '--since', mid12, 'lg-window'])).to.equal('second\nthird\n');
    expect(ok(['logs', '--until', mid12, 'lg-window'])).to.equal('first\n');
    expect(ok(['logs', '--since', mid12, '--until', mid23, 'lg-window'])).to.equal('second\n');
    // Unix seconds, and a zone-less RFC 3339 time (UTC, as in Podman)
    expect(ok(['logs', '--since', String((t2 + t3) / 2000), 'lg-window'])).to.equal('third\n');
    expect(ok(['logs', '--until', mid12.replace(/Z$/, ''), 'lg-window'])).to.equal('first\n');
    // durations: since 1h ago shows all; until is that long after now (Podman), so it shows all too
    expect(ok(['logs', '--since', '1h', '--until', '10m', 'lg-window'])).to.equal('first\nsecond\nthird\n');
    expect(ok(['logs', '--since', '1h', '--tail', '1', 'lg-window'])).to.equal('third\n');
    const bad = burrow(['logs', '--since', 'yesterday', 'lg-window']);
    expect(bad.status).to.equal(125);
    expect(bad.stderr.trim().split('\n')).to.have.length(1);
    expect(bad.stderr).to.contain('invalid --since time "yesterday"');
  });

  it('--tail N shows the last N lines; -t prefixes each line once with its time as Podman prints it', () => {
    run('lg-tail', ['localhost/demo', 'sh', '-c', 'for i in 1 2 3 4 5 6; do echo line$i; done; printf "par"; sleep 0.3; echo tial']);
    expect(ok(['logs', '--tail', '2', 'lg-tail'])).to.equal('line6\npartial\n');
    expect(ok(['logs', '--tail', '0', 'lg-tail'])).to.equal('');
    expect(ok(['logs', 'lg-tail']).split('\n')).to.have.length(8);
    const stamped = ok(['logs', '-t', '--tail', '2', 'lg-tail']).trimEnd().split('\n');
    expect(stamped).to.have.length(2);
    for (const l of stamped) expect(l.split(' ')[0]).to.match(TIME);
    // the line written in two parts has one timestamp
    expect(stamped[1].split(' ').slice(1).join(' ')).to.equal('partial');
  });

  it('stdout lines go to stdout and stderr lines to stderr', () => {
    run('lg-streams', ['localhost/demo', 'sh', '-c', 'echo to-out; echo to-err >&2; echo more-out']);
    const r = burrow(['logs', 'lg-streams']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal('to-out\nmore-out\n');
    expect(r.stderr).to.equal('to-err\n');
  });

  it('several containers: short ids or, with --names, names before each line; -f follows all until all have exited', async () => {
    const a = run('lg-multi-a', ['-d', 'localhost/demo', 'sh', '-c', 'echo a1; sleep 1; echo a2']).trim();
    const b = run('lg-multi-b', ['-d', 'localhost/demo', 'sh', '-c', 'sleep 0.5; echo b1; sleep 2; echo b2 >&2']).trim();
    const r = await burrowAsync(['logs', '-f', '-n', 'lg-multi-a', 'lg-multi-b']);
    expect(r.status).to.equal(0);
    expect(r.stdout.trim().split('\n').sort()).to.deep.equal(['lg-multi-a a1', 'lg-multi-a a2', 'lg-multi-b b1']);
    expect(r.stderr).to.equal('lg-multi-b b2\n');
    expect(state('lg-multi-a')).to.equal('exited');
    expect(state('lg-multi-b')).to.equal('exited');
    // without -f, each container in turn; without --names, the short id
    expect(ok(['logs', 'lg-multi-a', 'lg-multi-b'])).to.equal(`${a.slice(0, 12)} a1\n${a.slice(0, 12)} a2\n${b.slice(0, 12)} b1\n`);
    // with -t the name comes first
    const [first] = ok(['logs', '-n', '-t', 'lg-multi-a', 'lg-multi-b']).split('\n');
    expect(first.split(' ')[0]).to.equal('lg-multi-a');
    expect(first.split(' ')[1]).to.match(TIME);
    // one container: no prefix even with --names; --latest picks the last created
    expect(ok(['logs', '-n', 'lg-multi-a'])).to.equal('a1\na2\n');
    expect(ok(['logs', '--latest'])).to.equal('b1\n');
  });

  it('an unknown container is one line and 125, with nothing printed', () => {
    const r = burrow(['logs', 'lg-multi-a', 'lg-no-such']);
    expect(r.status).to.equal(125);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain('lg-no-such');
  });

  it('--log-opt max-size keeps the log bounded (conmon starts a new file) and logs still reads it', () => {
    run('lg-max', ['--log-opt', 'max-size=2k', 'localhost/demo', 'sh', '-c', 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo line-$i-padding-padding-padding; done']);
    const file = ok(['inspect', '--format', '{{.HostConfig.LogConfig.Path}}', 'lg-max']).trim();
    expect(fs.statSync(file).size).to.be.at.most(2000);
    const shown = ok(['logs', 'lg-max']).trim().split('\n');
    expect(shown.length).to.be.within(1, 30);
    expect(shown[shown.length - 1]).to.equal('line-300-padding-padding-padding');
    for (const l of shown) expect(l).to.match(/^line-\d+-padding-padding-padding$/);
    expect(ok(['inspect', '--format', '{{json .HostConfig.LogConfig}}', 'lg-max'])).to.contain('"Size":"2kB"');
  });

  it('--log-opt path= writes the log where asked; inspect shows Type, Path, Tag and Size', () => {
    const file = path.join(work, 'lg-path.log');
    run('lg-path', ['--log-driver', 'k8s-file', '--log-opt', `path=${file}`, '--log-opt', 'tag=web', 'localhost/demo', 'echo', 'to a file']);
    expect(fs.readFileSync(file, 'utf8')).to.match(/ stdout F to a file\n$/);
    expect(ok(['logs', 'lg-path'])).to.equal('to a file\n');
    const cfg = JSON.parse(ok(['inspect', '--format', '{{json .HostConfig.LogConfig}}', 'lg-path'])) as Record<string, unknown>;
    expect(cfg).to.deep.equal({Type: 'k8s-file', Config: null, Path: file, Tag: 'web', Size: '0B'});
    expect(ok(['inspect', '--format', '{{.LogPath}}', 'lg-path']).trim()).to.equal(file);
  });

  it('containers.conf log_driver and log_size_max are the defaults; the flag wins', () => {
    const conf = path.join(work, 'lg-containers.conf');
    fs.writeFileSync(conf, '[containers]\nlog_driver = "none"\nlog_size_max = 4096\n');
    names.push('lg-conf', 'lg-conf-flag');
    ok(['create', '--name', 'lg-conf', 'localhost/demo', 'true'], {env: {CONTAINERS_CONF: conf}});
    ok(['create', '--name', 'lg-conf-flag', '--log-driver', 'k8s-file', 'localhost/demo', 'true'], {env: {CONTAINERS_CONF: conf}});
    expect(ok(['inspect', '--format', '{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Size}}', 'lg-conf']).trim()).to.equal('none 4.096kB');
    expect(ok(['inspect', '--format', '{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Size}}', 'lg-conf-flag']).trim()).to.equal('k8s-file 4.096kB');
  });

  it('none: -d works and logs says the container uses the none driver; a foreground run shows its output through the attach socket', () => {
    run('lg-none', ['-d', '--log-driver', 'none', 'localhost/demo', 'echo', 'unseen']);
    const r = burrow(['logs', 'lg-none']);
    expect(r.status).to.equal(125);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain("this container is using the 'none' log driver, cannot read logs");
    const fg = burrow(['run', '--rm', '--log-driver', 'none', 'localhost/demo', 'sh', '-c', 'echo hi; echo there >&2; exit 3']);
    expect(fg.status).to.equal(3);
    expect(fg.stdout).to.equal('hi\n');
    expect(fg.stderr).to.equal('there\n');
  });

  it('passthrough: the container writes straight to burrow\'s stdout and stderr; logs has nothing to read', () => {
    names.push('lg-pass', 'lg-pass-d');
    const r = burrow(['run', '--name', 'lg-pass', '--log-driver', 'passthrough', 'localhost/demo', 'sh', '-c', 'echo direct-out; echo direct-err >&2; exit 3']);
    expect(r.status).to.equal(3);
    expect(r.stdout).to.equal('direct-out\n');
    expect(r.stderr).to.equal('direct-err\n');
    const l = burrow(['logs', 'lg-pass']);
    expect(l.status).to.equal(125);
    expect(l.stderr).to.contain("this container is using the 'passthrough' log driver, cannot read logs");
    // -d: as Podman, no id is printed (the terminal belongs to the container)
    const d = burrow(['run', '-d', '--name', 'lg-pass-d', '--log-driver', 'passthrough', 'localhost/demo', 'echo', 'from-detached']);
    expect(d.status).to.equal(0);
    expect(d.stdout).to.equal('from-detached\n');
  });

  it('journald on a host without a journal is one line at create naming the missing socket', function () {
    if (fs.existsSync('/run/systemd/journal/socket')) this.skip();
    const before = ok(['ps', '-a', '-q']);
    const r = burrow(['create', '--log-driver', 'journald', 'localhost/demo', 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain('/run/systemd/journal/socket does not exist');
    expect(ok(['ps', '-a', '-q'])).to.equal(before);
  });
});
