// stats from /proc with real containers: a busy loop shows CPU, a container holding memory shows it,
// piped streaming prints readings one after the other; pause is refused here with its reason.
import {expect} from 'chai';
import {spawn} from 'node:child_process';
import {bin, burrow, ensureDemoImage, env, ok, runRoot, until} from './harness';

describe('stats and pause', function () {
  this.timeout(120_000);
  before(() => ensureDemoImage());
  after(() => {
    burrow(['rm', '-f', 'st-busy', 'st-mem', 'st-idle']);
  });

  it('stats --no-stream: a busy loop uses CPU, a container holding 40 MB shows it, columns as Podman', async () => {
    ok(['run', '-d', '--name', 'st-busy', 'localhost/demo', 'sh', '-c', 'while :; do :; done']);
    ok(['run', '-d', '--name', 'st-mem', 'localhost/demo', 'sh', '-c', 'x=$(head -c 40000000 /dev/zero | tr "\\0" a); echo ready; sleep 600; echo ${#x}']);
    expect(await until(() => ok(['logs', 'st-mem']).includes('ready'), 30_000)).to.equal(true);
    const table = ok(['stats', '--no-stream', 'st-busy', 'st-mem']).split('\n');
    expect(table[0].split(/\s{2,}/)).to.deep.equal(['ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET IO', 'BLOCK IO', 'PIDS', 'CPU TIME', 'AVG CPU %']);
    const fields = JSON.parse(ok(['stats', '--no-stream', '--format', 'json', 'st-busy', 'st-mem'])) as Record<string, string>[];
    const busy = fields.find((f) => f.name === 'st-busy')!;
    const mem = fields.find((f) => f.name === 'st-mem')!;
    expect(parseFloat(busy.cpu_percent)).to.be.greaterThan(10);
    expect(busy.pids).to.equal('1');
    const [used, limit] = mem.mem_usage.split(' / ');
    expect(used).to.match(/^[\d.]+MB$/);
    expect(parseFloat(used)).to.be.within(40, 200);
    expect(limit).to.match(/GB$/);
    const custom = ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}} {{.MemPerc}}', 'st-mem']).trim();
    expect(custom).to.match(/^st-mem 2 \d+\.\d\d%$/);
  });

  it('streams plain readings when piped', async () => {
    const child = spawn(bin, ['--runroot', runRoot, 'stats', '--interval', '1', '--format', '{{.Name}} {{.CPUPerc}}', 'st-busy'], {env});
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    const got = await until(() => out.split('\n').filter((l) => l.startsWith('st-busy ')).length >= 2, 20_000);
    child.kill('SIGINT');
    expect(got).to.equal(true);
    expect(out).to.not.contain('\x1b[');
  });

  it('stats -a shows a stopped container with "--"; an unknown one is an error', () => {
    ok(['create', '--name', 'st-idle', 'localhost/demo', 'true']);
    const line = ok(['stats', '--no-stream', '-a', '--format', '{{.Name}} {{.PIDS}} {{.MemUsage}}']).split('\n').find((l) => l.startsWith('st-idle '));
    expect(line).to.equal('st-idle -- -- / --');
    const r = burrow(['stats', '--no-stream', 'no-such-ctr']);
    expect(r.status).to.equal(125);
  });

  it('pause is refused on this host (cgroup v1, nothing delegated) with the reason; nothing changes', () => {
    const r = burrow(['pause', 'st-busy']);
    expect(r.status).to.equal(125);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^Error: cannot pause containers here: .*(cgroup v1|not delegated|delegated).*cgroup v2/);
    expect(ok(['inspect', '--format', '{{.State.Status}} {{.State.Paused}}', 'st-busy']).trim()).to.equal('running false');
    expect(burrow(['unpause', 'st-busy']).status).to.equal(125);
  });
});
