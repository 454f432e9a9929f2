// stats arithmetic (CPU % over an interval or since the start, averages, memory %), Podman's strings,
// and /proc/PID/net/dev parsing.
import {expect} from 'chai';
import {cpuPercent, statsJson, statsRow, statsValues, type StatsHistory} from '../../src/runtime/stats/stats-report';
import {parseNetDev, type ProcReading} from '../../src/runtime/stats/proc-stats';

const reading = (over: Partial<ProcReading>): ProcReading => ({at: 0, cpuTicks: 0, rssBytes: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 1, ...over});

describe('unit: stats/stats-report', () => {
  it('CPU % since the start for a first reading, over the interval after; 100 % is one core', () => {
    expect(cpuPercent(reading({at: 10_000, cpuTicks: 500}), undefined, 0)).to.equal(50); // 5 s of CPU in 10 s
    expect(cpuPercent(reading({at: 12_000, cpuTicks: 900}), reading({at: 10_000, cpuTicks: 500}), 0)).to.equal(200); // two cores busy
    expect(cpuPercent(reading({at: 10_000, cpuTicks: 400}), reading({at: 9_000, cpuTicks: 500}), 0)).to.equal(0); // a process vanished
    expect(cpuPercent(reading({at: 10_000}), reading({at: 10_000}), 0)).to.equal(0);
  });

  it('averages the readings and computes memory % against the limit', () => {
    const h: StatsHistory = {avgCpu: 0, points: 0};
    const base = {id: 'a'.repeat(64), name: 'web', startedAtMs: 0, memLimit: 1_000_000_000};
    const first = statsValues({...base, reading: reading({at: 10_000, cpuTicks: 100, rssBytes: 250_000_000})}, h);
    expect(first.CPU).to.equal(10);
    expect(first.MemPerc).to.equal(25);
    const second = statsValues({...base, reading: reading({at: 11_000, cpuTicks: 150, rssBytes: 250_000_000})}, h);
    expect(second.CPU).to.equal(50);
    expect(second.AvgCPU).to.equal(30);
    expect(second.UpTime).to.equal(1.5e9);
  });

  it('prints values as Podman does, "--" for a container that is not running', () => {
    const h: StatsHistory = {avgCpu: 0, points: 0};
    const v = statsValues({id: 'b'.repeat(64), name: 'db', startedAtMs: 0, memLimit: 25_276_510_208,
      reading: reading({at: 100_000, cpuTicks: 1234, rssBytes: 1_585_152, netRx: 0, netTx: 596, blockRead: 94_208, blockWrite: 36_864, pids: 3})}, h);
    const row = statsRow(v);
    expect(row).to.include({ID: 'bbbbbbbbbbbb', Name: 'db', CPUPerc: '12.34%', MemUsage: '1.585 MB / 25.28 GB', MemPerc: '0.01%', NetIO: '0 B / 596 B',
      BlockIO: '94.21 kB / 36.86 kB', PIDS: '3', PIDs: 3, CPUTime: '12.34s', AVGCPU: '12.34%'});
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
