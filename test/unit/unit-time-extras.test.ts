import {expect} from 'chai';
import {parseGoDuration, parseTime} from '../../src/engine/engine';
import {matchesFilters, parseFilters} from '../../src/engine/container-filter';
import {InvalidInputError} from '../../src/errors';

describe('unit: Go durations and time filters', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('parses Go durations with fractions and every unit', () => {
    expect(parseGoDuration('1.5h')).to.equal(5_400_000);
    expect(parseGoDuration('500ms')).to.equal(500);
    expect(parseGoDuration('1h30m10s')).to.equal(5_410_000);
    expect(parseGoDuration('2us')).to.be.closeTo(0.002, 1e-9);
    expect(parseGoDuration('10')).to.equal(undefined);
    expect(parseGoDuration('h')).to.equal(undefined);
    expect(parseTime('1.5h', now)).to.equal(now - 5_400_000);
  });

  it('accepts RFC 3339 and its date part, refuses free text that Date.parse would guess at', () => {
    expect(parseTime('2026-11-23T11:00:00Z', now)).to.equal(now - 3_600_000);
    expect(parseTime('2026-11-23', now)).to.equal(Date.parse('2026-11-23'));
    expect(() => parseTime('1 2', now)).to.throw(InvalidInputError);
    expect(() => parseTime('yesterday', now)).to.throw(InvalidInputError);
  });

  it('ps filters since= and before= compare creation times with the named container', () => {
    const mk = (name: string, created: string) => ({config: {id: name.padEnd(64, '0'), name, created, labels: {}, imageName: 'x', imageId: 'y'}, state: {status: 'exited', restartCount: 0}}) as never;
    const created: Record<string, string> = {a: '2026-01-01T00:00:00Z', b: '2026-01-02T00:00:00Z', c: '2026-01-03T00:00:00Z'};
    const createdOf = (ref: string) => created[ref];
    const pick = (f: string) => ['a', 'b', 'c'].filter((n) => matchesFilters(mk(n, created[n]), parseFilters([f]), () => undefined, createdOf));
    expect(pick('since=a')).to.deep.equal(['b', 'c']);
    expect(pick('before=c')).to.deep.equal(['a', 'b']);
  });
});
