// image-filter: `image prune --filter` keys compiled into one predicate, and Podman's errors for bad ones.
import {expect} from 'chai';
import {compileImageFilters} from '../../src/image/image-filter';
import {parseTime} from '../../src/engine/engine';
import {InvalidInputError, NoSuchObjectError} from '../../src/errors';
import type {ImageView} from '../../src/storage/image-store';

function view(id: string, names: string[], created: string, labels: Record<string, string> = {}): ImageView {
  return {
    id, names, digest: `sha256:${'d'.repeat(64)}`, configDigest: `sha256:${id}`, created, layers: [],
    config: {created, architecture: 'amd64', os: 'linux', config: {Labels: labels}, rootfs: {type: 'layers', diff_ids: []}},
  };
}

const OLD = view('a'.repeat(64), [], '2025-01-01T00:00:00Z', {stage: 'build'});
const NEW = view('b'.repeat(64), ['localhost/app:1.0'], '2026-06-01T00:00:00Z', {stage: 'run', team: 'x'});
const all = [OLD, NEW];
const ctx = {parseTime: (v: string) => parseTime(v, Date.parse('2026-07-01T00:00:00Z')), resolve: (ref: string) => {
  const v = all.find((i) => i.names.includes(ref) || i.id.startsWith(ref));
  if (!v) throw new NoSuchObjectError(`${ref}: image not known`);
  return v;
}};
const kept = (...filters: string[]) => all.filter(compileImageFilters(filters, ctx)).map((i) => i.id[0]);

describe('unit: image/image-filter', () => {
  it('no filter matches everything; several must all match', () => {
    expect(kept()).to.deep.equal(['a', 'b']);
    expect(kept('label=stage', 'label=team')).to.deep.equal(['b']);
  });

  it('label, label!, dangling, id, reference', () => {
    expect(kept('label=stage=build')).to.deep.equal(['a']);
    expect(kept('label!=team')).to.deep.equal(['a']);
    expect(kept('label=')).to.deep.equal([]);
    expect(kept('dangling=true')).to.deep.equal(['a']);
    expect(kept('dangling=0')).to.deep.equal(['b']);
    expect(kept('id=bbb')).to.deep.equal(['b']);
    expect(kept('reference=app')).to.deep.equal(['b']);
  });

  it('until (time or duration), before and since (images)', () => {
    expect(kept('until=2025-06-01')).to.deep.equal(['a']);
    expect(kept('until=700h')).to.deep.equal(['a', 'b']);
    expect(kept('until=1000h')).to.deep.equal(['a']);
    expect(kept('before=localhost/app:1.0')).to.deep.equal(['a']);
    expect(kept('since=aaaa')).to.deep.equal(['b']);
    expect(() => kept('since=nope')).to.throw(NoSuchObjectError);
  });

  it('refuses unknown keys, values without "=", non-boolean dangling and bad times', () => {
    expect(() => kept('bogus=1')).to.throw(InvalidInputError, 'unsupported image filter "bogus"');
    expect(() => kept('label')).to.throw(InvalidInputError, 'filter input must be in the form of filter=value: label is invalid');
    expect(() => kept('dangling=x')).to.throw(InvalidInputError, 'non-boolean value "x" for dangling filter');
    expect(() => kept('until=garbage')).to.throw(InvalidInputError, 'invalid time');
  });
});
