// Human-readable durations and sizes, as docker/go-units prints them (and Podman shows them).
import {expect} from 'chai';
import {humanDuration, humanSize, timeAgo} from '../../src/format/human';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('unit: format/human humanDuration (go-units HumanDuration)', () => {
  const cases: [number, string][] = [
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [-5 * S, 'Less than a second'],
    [1 * S, '1 second'],
    [1999, '1 second'],
    [2 * S, '2 seconds'],
    [59 * S, '59 seconds'],
    [59 * S + 999, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M + 59 * S, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'], // rounds to the nearest hour
    [90 * M, '2 hours'],
    [2 * H, '2 hours'],
    [47 * H, '47 hours'],
    [47 * H + 29 * M, '47 hours'],
    [47 * H + 30 * M, '2 days'],
    [48 * H, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [364 * D, '12 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
    [3 * 365 * D + 100 * D, '3 years'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → "${text}"`, () => expect(humanDuration(ms)).to.equal(text));
  }
});

describe('unit: format/human timeAgo', () => {
  it('appends "ago" to the duration since the time', () => {
    const now = Date.parse('2026-01-02T15:04:05Z');
    expect(timeAgo('2026-01-02T15:02:05Z', now)).to.equal('2 minutes ago');
    expect(timeAgo('2026-01-02T15:04:05Z', now)).to.equal('Less than a second ago');
    expect(timeAgo('2025-12-31T15:04:05Z', now)).to.equal('2 days ago');
  });

  it('is empty for no time', () => {
    expect(timeAgo(undefined)).to.equal('');
    expect(timeAgo('')).to.equal('');
  });
});

describe('unit: format/human humanSize (go-units HumanSizeWithPrecision(size, 3), Podman spacing)', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1024, '1.02 kB'],
    [1500, '1.5 kB'],
    [12_345, '12.3 kB'],
    [123_456, '123 kB'],
    [2_140_000, '2.14 MB'],
    [5_870_000, '5.87 MB'],
    [1_500_000_000, '1.5 GB'],
    [1_000_000_000_000, '1 TB'],
    [2.5e15, '2.5 PB'],
    [1e24, '1 YB'],
  ];
  for (const [bytes, text] of cases) {
    it(`${bytes} → "${text}"`, () => expect(humanSize(bytes)).to.equal(text));
  }

  it('uses decimal units, not binary', () => {
    expect(humanSize(1_048_576)).to.equal('1.05 MB');
  });
});
