// diff's classification of an overlay upper directory, and its JSON shape.
import {expect} from 'chai';
import {changesJson, classifyChanges, type LowerStat, type UpperEntry} from '../../src/runtime/changes/layer-changes';

const dir = (p: string, over: Partial<UpperEntry> = {}): UpperEntry => ({path: p, type: 'dir', size: 4096, mode: 0o40755, mtimeMs: 1000, ...over});
const file = (p: string): UpperEntry => ({path: p, type: 'other', size: 3, mode: 0o100644, mtimeMs: 2000});
const whiteout = (p: string): UpperEntry => ({path: p, type: 'whiteout', size: 0, mode: 0o20000, mtimeMs: 2000});

function lowerOf(entries: Record<string, LowerStat>): (p: string) => LowerStat | undefined {
  return (p) => entries[p];
}

describe('unit: changes/layer-changes classifyChanges', () => {
  const lower = lowerOf({
    '/etc': {isDir: true, size: 4096, mode: 0o40755, mtimeMs: 1000},
    '/etc/passwd': {isDir: false, size: 10, mode: 0o100644, mtimeMs: 5},
    '/usr': {isDir: true, size: 4096, mode: 0o40755, mtimeMs: 1000},
    '/usr/bin': {isDir: true, size: 4096, mode: 0o40755, mtimeMs: 1000},
    '/var': {isDir: true, size: 4096, mode: 0o40755, mtimeMs: 1000},
  });

  it('A for new paths, C for paths a lower layer has, D for whiteouts; the parent of an A/D is C', () => {
    const out = classifyChanges([dir('/etc', {mtimeMs: 3000}), file('/etc/passwd'), file('/etc/new'), dir('/var'), whiteout('/var/gone'), dir('/opt'), file('/opt/x')], lower);
    expect(out.map((c) => `${c.kind} ${c.path}`)).to.deep.equal(['C /etc', 'A /etc/new', 'C /etc/passwd', 'A /opt', 'A /opt/x', 'C /var', 'D /var/gone']);
  });

  it('an unchanged directory on the way to a change is listed only because of the change below it', () => {
    const out = classifyChanges([dir('/usr'), dir('/usr/bin'), file('/usr/bin/tool')], lower);
    expect(out.map((c) => `${c.kind} ${c.path}`)).to.deep.equal(['C /usr/bin', 'A /usr/bin/tool']);
  });

  it('an opaque directory is deleted (what was below is gone) and its contents are added', () => {
    const out = classifyChanges([dir('/usr', {mtimeMs: 9}), dir('/usr/bin', {opaque: true}), file('/usr/bin/only')], lower);
    expect(out.map((c) => `${c.kind} ${c.path}`)).to.deep.equal(['C /usr', 'D /usr/bin', 'A /usr/bin/only']);
  });

  it('JSON has Podman\'s keys and leaves out empty lists', () => {
    expect(changesJson([{kind: 'A', path: '/a'}, {kind: 'D', path: '/b'}])).to.deep.equal({added: ['/a'], deleted: ['/b']});
    expect(changesJson([])).to.deep.equal({});
  });
});
