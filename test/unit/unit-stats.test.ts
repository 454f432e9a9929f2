// stats arithmetic (CPU % over an interval or since the start, averages, memory %), Podman's strings,
// and /proc/PID/net/dev parsing.
import {expect} from 'chai';
import {cpuPercent, statsJson, statsRow, statsValues, type StatsHistory} from '../../src/runtime/stats/stats-report';
import {parseNetDev, type ProcReading} from '../../src/runtime/stats/proc-stats';
import {readCgroup} from '../../src/runtime/stats/cgroup-stats';

const reading = (over: Partial<ProcReading>): ProcReading => ({at: 0, cpuNs: 0, source: 'proc', rssBytes: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 1, ...over});

describe('unit: stats/stats-report', () => {
  it('CPU % since the start for a first reading, over the interval after; 100 % is one core', () => {
    expect(cpuPercent(reading({at: 10_000, cpuNs: 5e9}), undefined, 0)).to.equal(50); // 5 s of CPU in 10 s
    expect(cpuPercent(reading({at: 12_000, cpuNs: 9e9}), reading({at: 10_000, cpuNs: 5e9}), 0)).to.equal(200); // two cores busy
    expect(cpuPercent(reading({at: 10_000, cpuNs: 4e9}), reading({at: 9_000, cpuNs: 5e9}), 0)).to.equal(0); // a process vanished
    expect(cpuPercent(reading({at: 10_000}), reading({at: 10_000}), 0)).to.equal(0);
  });

  it('averages the readings and computes memory % against the limit', () => {
    const h: StatsHistory = {avgCpu: 0, points: 0};
    const base = {id: 'a'.repeat(64), name: 'web', startedAtMs: 0, memLimit: 1_000_000_000};
    const first = statsValues({...base, reading: reading({at: 10_000, cpuNs: 1e9, rssBytes: 250_000_000})}, h);
    expect(first.CPU).to.equal(10);
    expect(first.MemPerc).to.equal(25);
    const second = statsValues({...base, reading: reading({at: 11_000, cpuNs: 1.5e9, rssBytes: 250_000_000})}, h);
    expect(second.CPU).to.equal(50);
    expect(second.AvgCPU).to.equal(30);
    expect(second.UpTime).to.equal(1.5e9);
  });

  it('prints values as Podman does, "--" for a container that is not running', () => {
    const h: StatsHistory = {avgCpu: 0, points: 0};
    const v = statsValues({id: 'b'.repeat(64), name: 'db', startedAtMs: 0, memLimit: 25_276_510_208,
      reading: reading({at: 100_000, cpuNs: 12.34e9, rssBytes: 1_585_152, netRx: 0, netTx: 596, blockRead: 94_208, blockWrite: 36_864, pids: 3})}, h);
    const row = statsRow(v);
    expect(row).to.include({ID: 'bbbbbbbbbbbb', Name: 'db', CPUPerc: '12.34%', MemUsage: '1.585MB / 25.28GB', MemPerc: '0.01%', NetIO: '0B / 596B',
      BlockIO: '94.21kB / 36.86kB', PIDS: '3', PIDs: 3, CPUTime: '12.34s', AVGCPU: '12.34%'});
    expect(statsJson(v)).to.include({id: 'bbbbbbbbbbbb', cpu_percent: '12.34%', pids: '3'});
    const stopped = statsRow(statsValues({id: 'c'.repeat(64), name: 'off', startedAtMs: 0, memLimit: 1}, {avgCpu: 0, points: 0}));
    expect(stopped).to.include({MemUsage: '-- / --', NetIO: '-- / --', PIDS: '--', CPUPerc: '0.00%'});
  });
});

describe('unit: stats/proc-stats parseNetDev', () => {
  it('sums every interface but loopback', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
      '  eth0:    5000      20    0    0    0     0          0         0      700       7    0    0    0     0       0          0',
      '   tap0:     100       1    0    0    0     0          0         0       50       1    0    0    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(text)).to.deep.equal({rx: 5100, tx: 750});
  });
});

describe('unit: stats/cgroup-stats readCgroup', () => {
  const files = (m: Record<string, string>) => (f: string) => m[f];
  it('cgroup v1: cpuacct, memory without inactive cache, no-limit as none, blkio read/write', () => {
    const r = readCgroup('/burrow/abc', '/cg', files({
      '/cg/cpuacct/burrow/abc/cpuacct.usage': '2500000000\n',
      '/cg/cpuacct/burrow/abc/cgroup.procs': '10\n11\n',
      '/cg/memory/burrow/abc/memory.usage_in_bytes': '10485760\n',
      '/cg/memory/burrow/abc/memory.stat': 'cache 100\ntotal_inactive_file 2097152\n',
      '/cg/memory/burrow/abc/memory.limit_in_bytes': '9223372036854771712\n',
      '/cg/blkio/burrow/abc/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:16 Read 4096\nTotal 16384\n',
    }));
    expect(r).to.deep.equal({cpuNs: 2.5e9, memUsage: 8388608, memLimit: undefined, blockRead: 8192, blockWrite: 8192, pids: 2});
  });
  it('cgroup v2: cpu.stat, memory.current/max, io.stat', () => {
    const r = readCgroup('/burrow/abc', '/cg', files({
      '/cg/cgroup.controllers': 'cpu io memory pids\n',
      '/cg/burrow/abc/cpu.stat': 'usage_usec 1500000\nuser_usec 1000000\n',
      '/cg/burrow/abc/memory.current': '5000000\n',
      '/cg/burrow/abc/memory.stat': 'anon 100\ninactive_file 1000000\n',
      '/cg/burrow/abc/memory.max': '268435456\n',
      '/cg/burrow/abc/io.stat': '8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n',
      '/cg/burrow/abc/cgroup.procs': '5\n',
    }));
    expect(r).to.deep.equal({cpuNs: 1.5e9, memUsage: 4000000, memLimit: 268435456, blockRead: 101, blockWrite: 202, pids: 1});
  });
  it('no such cgroup: undefined (the caller reads /proc instead)', () => {
    expect(readCgroup('/burrow/none', '/cg', files({}))).to.equal(undefined);
  });
});
