// runLimited: the bounded parallelism layer downloads go through.
import {expect} from 'chai';
import fc from 'fast-check';
import {runLimited} from '../../src/image/image-commit';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs items through runLimited, recording starts, ends and the peak number running at once. */
function tracker() {
  let running = 0;
  const t = {peak: 0, started: [] as number[], finished: [] as number[], log: [] as string[]};
  const fn = (work: (i: number) => Promise<void>) => async (i: number) => {
    running++;
    t.peak = Math.max(t.peak, running);
    t.started.push(i);
    t.log.push(`start ${i}`);
    try {
      await work(i);
    } finally {
      running--;
      t.finished.push(i);
      t.log.push(`end ${i}`);
    }
  };
  return {t, fn};
}

describe('unit: image/image-commit runLimited', () => {
  it('runs every item once, never more than limit at once, and uses the whole limit', async () => {
    const {t, fn} = tracker();
    const items = Array.from({length: 20}, (_, i) => i);
    await runLimited(items, 4, fn(async (i) => sleep((i * 7) % 5)));
    expect([...t.finished].sort((a, b) => a - b)).to.deep.equal(items);
    expect(t.started).to.have.length(20);
    expect(t.peak).to.equal(4);
    // items start in order
    expect(t.started).to.deep.equal(items);
  });

  it('runs one at a time with limit 1, and treats limits below 1 as 1', async () => {
    for (const limit of [1, 0, -3]) {
      const {t, fn} = tracker();
      await runLimited([1, 2, 3], limit, fn(() => sleep(1)));
      expect(t.peak, `limit ${limit}`).to.equal(1);
      expect(t.log).to.deep.equal(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    }
  });

  it('handles no items and a limit larger than the item count', async () => {
    let calls = 0;
    await runLimited([], 5, async () => {
      calls++;
    });
    expect(calls).to.equal(0);
    const {t, fn} = tracker();
    await runLimited([0, 1], 10, fn(() => sleep(2)));
    expect(t.peak).to.equal(2);
  });

  it('rethrows a failure only after the running items settle, and starts nothing after it', async () => {
    const events: string[] = [];
    const startedAfterFailure: number[] = [];
    let failed = false;
    const boom = new Error('layer 1 failed');
    const outcome = await runLimited([0, 1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      if (failed) startedAfterFailure.push(i);
      events.push(`start ${i}`);
      if (i === 1) {
        await sleep(5);
        failed = true;
        throw boom;
      }
      await sleep(i === 0 ? 40 : 4);
      events.push(`end ${i}`);
    }).then(() => 'resolved', (e: unknown) => e);
    events.push('rejected');
    expect(outcome).to.equal(boom);
    expect(startedAfterFailure).to.deep.equal([]);
    // item 0 was running when 1 failed: the rejection waited for it
    expect(events.indexOf('end 0')).to.be.within(0, events.indexOf('rejected') - 1);
    // every started item ended before the rejection
    for (const ev of events.filter((x) => x.startsWith('start ') && x !== 'start 1')) {
      expect(events.indexOf(ev.replace('start', 'end'))).to.be.within(0, events.indexOf('rejected') - 1);
    }
    expect(events).to.not.include('start 7');
  });

  it('reports the earliest failure when several items fail', async () => {
    const settled: number[] = [];
    const e = await runLimited([0, 1, 2, 3], 3, async (i) => {
      if (i === 0) {
        await sleep(30);
        settled.push(0);
        return;
      }
      await sleep(i === 1 ? 5 : 15);
      settled.push(i);
      throw new Error(i === 1 ? 'first' : `later ${i}`);
    }).then(() => undefined, (x: Error) => x);
    expect(e?.message).to.equal('first');
    expect([...settled].sort()).to.deep.equal([0, 1, 2]);
  });

  it('property: peak concurrency is min(limit, n), each item runs exactly once, success resolves', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({min: 0, max: 3}), {maxLength: 15}), fc.integer({min: 1, max: 6}), async (delays, limit) => {
      const {t, fn} = tracker();
      await runLimited(delays.map((_, i) => i), limit, fn((i) => sleep(delays[i])));
      expect([...t.started].sort((a, b) => a - b)).to.deep.equal(delays.map((_, i) => i));
      expect(t.finished).to.have.length(delays.length);
      expect(t.peak).to.equal(Math.min(limit, delays.length));
    }), {numRuns: 60});
  });

  it('property: with one failing item, the failure is thrown, nothing runs after it, and nothing is left running', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({min: 1, max: 12}), fc.integer({min: 1, max: 5}), fc.nat(), async (n, limit, k) => {
      const bad = k % n;
      let running = 0;
      let startedAfterFailure = 0;
      let failed = false;
      const err = new Error(`item ${bad}`);
      const e = await runLimited(Array.from({length: n}, (_, i) => i), limit, async (i) => {
        if (failed) startedAfterFailure++;
        running++;
        await sleep(i % 3);
        running--;
        if (i === bad) {
          failed = true;
          throw err;
        }
      }).then(() => undefined, (x: unknown) => x);
      expect(e).to.equal(err);
      expect(running).to.equal(0);
      expect(startedAfterFailure).to.equal(0);
    }), {numRuns: 60});
  });
});
