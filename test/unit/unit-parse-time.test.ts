// parseTime (logs --since/--until): RFC 3339, Unix seconds, Go durations before an injected now.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {parseTime} from '../../src/engine/engine';

const NOW = Date.parse('2026-03-04T05:06:07.000Z');

describe('unit: engine/engine parseTime', () => {
  it('reads RFC 3339 times with Z or an offset', () => {
    expect(parseTime('2026-01-02T15:04:05Z', NOW)).to.equal(Date.UTC(2026, 0, 2, 15, 4, 5));
    expect(parseTime('2026-01-02T15:04:05+02:00', NOW)).to.equal(Date.UTC(2026, 0, 2, 13, 4, 5));
    expect(parseTime('2026-01-02T15:04:05.250Z', NOW)).to.equal(Date.UTC(2026, 0, 2, 15, 4, 5, 250));
  });

  it('reads RFC 3339 with nanoseconds, as in the log files', () => {
    expect(parseTime('2026-01-02T15:04:05.123456789Z', NOW)).to.equal(Date.UTC(2026, 0, 2, 15, 4, 5, 123));
  });

  it('reads Unix seconds, with a fraction', () => {
    expect(parseTime('1700000000', NOW)).to.equal(1_700_000_000_000);
    expect(parseTime('1700000000.5', NOW)).to.equal(1_700_000_000_500);
    expect(parseTime('0', NOW)).to.equal(0);
  });

  it('reads Go durations as that long before now', () => {
    expect(parseTime('10m', NOW)).to.equal(NOW - 10 * 60_000);
    expect(parseTime('1h30m', NOW)).to.equal(NOW - 90 * 60_000);
    expect(parseTime('2h', NOW)).to.equal(NOW - 2 * 3_600_000);
    expect(parseTime('45s', NOW)).to.equal(NOW - 45_000);
    expect(parseTime('1h30m15s', NOW)).to.equal(NOW - (90 * 60 + 15) * 1000);
    expect(parseTime('1.5s', NOW)).to.equal(NOW - 1500);
    expect(parseTime('90m', NOW)).to.equal(NOW - 90 * 60_000);
  });

  it('uses the real clock when no now is given', () => {
    const before = Date.now();
    const t = parseTime('1m');
    expect(t).to.be.within(before - 60_000, Date.now() - 60_000);
  });

  it('refuses anything else with InvalidInputError quoting the value', () => {
    for (const bad of ['', 'yesterday', '10x', '5 minutes', '-10m', 'm', 'h1', '2026-13-45T99:99:99Z']) {
      expect(() => parseTime(bad, NOW), JSON.stringify(bad)).to.throw(InvalidInputError, `invalid time "${bad}"`);
    }
  });
});

describe('unit: engine/engine parseTime, Podman\'s forms for logs --since/--until', () => {
  it('reads an RFC 3339 time without a zone as UTC, as Go\'s time.Parse does', () => {
    expect(parseTime('2026-01-02T15:04:05', NOW)).to.equal(Date.UTC(2026, 0, 2, 15, 4, 5));
    expect(parseTime('2026-01-02T15:04:05.5', NOW)).to.equal(Date.UTC(2026, 0, 2, 15, 4, 5, 500));
  });

  it('reads a date with a zone, and a zone without a colon', () => {
    expect(parseTime('2026-01-02+02:00', NOW)).to.equal(Date.UTC(2026, 0, 1, 22, 0, 0));
    expect(parseTime('2026-01-02Z', NOW)).to.equal(Date.UTC(2026, 0, 2));
    expect(parseTime('2026-01-02T15:04:05+0200', NOW)).to.equal(Date.UTC(2026, 0, 2, 13, 4, 5));
  });

  it('puts a duration after now for --until (future), before now otherwise', () => {
    expect(parseTime('10m', NOW, {future: true})).to.equal(NOW + 10 * 60_000);
    expect(parseTime('10m', NOW)).to.equal(NOW - 10 * 60_000);
    // absolute times do not move
    expect(parseTime('1700000000', NOW, {future: true})).to.equal(1_700_000_000_000);
  });

  it('names the flag in the error', () => {
    expect(() => parseTime('garbage', NOW, {flag: '--since'})).to.throw(InvalidInputError, 'invalid --since time "garbage"');
  });
});
