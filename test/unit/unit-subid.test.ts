// Subordinate id files (/etc/subuid, /etc/subgid) and the user-namespace map built from them.
import {expect} from 'chai';
import {HostConfigError} from '../../src/errors';
import {buildIdMap, idMapArgs, mappedSize, parseSubIds, toHostId} from '../../rootless/subid';

const alice = {name: 'alice', id: 1000};
const FILE = '/etc/subuid';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('unit: rootless/subid parseSubIds', () => {
  it('reads the user\'s range by name', () => {
    expect(parseSubIds('alice:100000:65536\n', alice, FILE)).to.deep.equal([{start: 100000, count: 65536, line: 1}]);
  });

  it('reads the user\'s range by numeric uid', () => {
    expect(parseSubIds('1000:200000:65536\n', alice, FILE)).to.deep.equal([{start: 200000, count: 65536, line: 1}]);
  });

  it('keeps several ranges in file order, mixing name and uid, with their line numbers', () => {
    const text = [
      '# subordinate ids',
      '',
      'bob:100000:65536',
      'alice:165536:65536',
      '   ',
      '1000:400000:1000',
      '  # indented comment',
      'alice:300000:10',
    ].join('\n');
    expect(parseSubIds(text, alice, FILE)).to.deep.equal([
      {start: 165536, count: 65536, line: 4},
      {start: 400000, count: 1000, line: 6},
      {start: 300000, count: 10, line: 8},
    ]);
  });

  it('returns nothing when the user has no line, ignoring other users\' lines even when they are malformed', () => {
    const text = 'bob:100000:65536\ncarol:oops:1\nmallory:100000:0\n2000:1:1\n';
    expect(parseSubIds(text, alice, FILE)).to.deep.equal([]);
    expect(parseSubIds('', alice, FILE)).to.deep.equal([]);
  });

  it('with a separate uid (subgid files), matches numeric owners by uid and keeps the ranges clear of the gid', () => {
    const group = {name: 'alice', id: 100, uid: 1000};
    expect(parseSubIds('100:500000:10\n1000:100000:65536\n', group, '/etc/subgid')).to.deep.equal([{start: 100000, count: 65536, line: 2}]);
    expect(() => parseSubIds('alice:50:100\n', group, '/etc/subgid')).to.throw(HostConfigError, '/etc/subgid line 1');
  });

  it('does not match a user whose name merely starts with the user name', () => {
    expect(parseSubIds('alice2:100000:65536\nalic:200000:5\n10000:1:5\n', alice, FILE)).to.deep.equal([]);
  });

  for (const [what, line] of [
    ['a non-numeric start', 'alice:abc:65536'],
    ['a non-numeric count', 'alice:100000:lots'],
    ['a zero count', 'alice:0100000:0'],
    ['a negative count', 'alice:100000:-5'],
    ['a range past 2^32-1', 'alice:4294967290:10'],
    ['an empty start', 'alice::65536'],
    ['a missing count', 'alice:100000'],
    ['an extra field', 'alice:100000:65536:1'],
  ] as const) {
    it(`refuses the user's line with ${what}, naming the file and the line`, () => {
      const e = thrown(() => parseSubIds(`bob:1:1\n# x\n${line}\n`, alice, '/tmp/x/subuid'));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain('/tmp/x/subuid line 3');
      expect(e.message).to.contain(line);
      expect((e as HostConfigError).hint).to.contain('NAME:START:COUNT');
    });
  }

  it('accepts a range ending exactly at 2^32-1', () => {
    expect(parseSubIds('alice:4294967286:10', alice, FILE)).to.deep.equal([{start: 4294967286, count: 10, line: 1}]);
  });

  it('refuses a range that contains the user\'s own uid, naming the line and suggesting a range', () => {
    const e = thrown(() => parseSubIds('alice:100000:65536\nalice:500:1000\n', alice, FILE));
    expect(e).to.be.instanceOf(HostConfigError);
    expect(e.message).to.contain(`${FILE} line 2`);
    expect(e.message).to.contain('alice:500:1000');
    expect(e.message).to.contain('1000');
    expect((e as HostConfigError).hint).to.contain('alice:100000:65536');
  });

  it('treats the range bounds exactly: [start, start+count) ', () => {
    // 1000 is the first id of the range → refused; a range ending right before 1000 is fine
    expect(() => parseSubIds('alice:1000:5', alice, FILE)).to.throw(HostConfigError);
    expect(() => parseSubIds('alice:999:2', alice, FILE)).to.throw(HostConfigError);
    expect(parseSubIds('alice:990:10', alice, FILE)).to.deep.equal([{start: 990, count: 10, line: 1}]);
    expect(parseSubIds('alice:1001:10', alice, FILE)).to.deep.equal([{start: 1001, count: 10, line: 1}]);
  });
});

describe('unit: rootless/subid maps', () => {
  const ranges = [{start: 100000, count: 65536, line: 1}, {start: 300000, count: 10, line: 2}];

  it('buildIdMap maps 0 to the user and lays the ranges end to end', () => {
    expect(buildIdMap(1000, ranges)).to.deep.equal([
      {containerId: 0, hostId: 1000, size: 1},
      {containerId: 1, hostId: 100000, size: 65536},
      {containerId: 65537, hostId: 300000, size: 10},
    ]);
    expect(buildIdMap(1000, [])).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
  });

  it('idMapArgs gives the newuidmap argument triples', () => {
    expect(idMapArgs(buildIdMap(1000, ranges))).to.deep.equal(['0', '1000', '1', '1', '100000', '65536', '65537', '300000', '10']);
    expect(idMapArgs(buildIdMap(1000, [{start: 100000, count: 65536, line: 1}])).join(' ')).to.equal('0 1000 1 1 100000 65536');
  });

  it('mappedSize counts every id in the namespace', () => {
    expect(mappedSize(buildIdMap(1000, ranges))).to.equal(1 + 65536 + 10);
    expect(mappedSize(buildIdMap(1000, []))).to.equal(1);
  });

  it('toHostId translates container ids through each range and is undefined outside', () => {
    const map = buildIdMap(1000, ranges);
    expect(toHostId(map, 0)).to.equal(1000);
    expect(toHostId(map, 1)).to.equal(100000);
    expect(toHostId(map, 5)).to.equal(100004);
    expect(toHostId(map, 65536)).to.equal(165535);
    expect(toHostId(map, 65537)).to.equal(300000);
    expect(toHostId(map, 65546)).to.equal(300009);
    expect(toHostId(map, 65547)).to.equal(undefined);
    expect(toHostId(buildIdMap(1000, []), 1)).to.equal(undefined);
  });
});
