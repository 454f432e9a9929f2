// --userns: flag parsing, keep-id/auto map arithmetic, range allocation, the spec's user namespace and
// keep-id's /etc entries.
import {expect} from 'chai';
import {HostConfigError, InvalidInputError} from '../../src/errors';
import {mappedSize, toHostId} from '../../rootless/subid';
import {autoRange, containerMaps, effectiveIdMaps, firstFreeRange, fuseMapping, keepIdMap, mapsYou, parseIdMapList, parseUserns} from '../../src/runtime/userns';
import {generateSpec, type SpecInput} from '../../src/runtime/oci-spec';
import {groupWithUser, hostUserEntry, keepIdHome, passwdWithUser} from '../../src/runtime/keepid-files';
import type {ContainerConfig} from '../../src/storage/container-store';
import {caughtAs} from '../support/fixtures';

// The pause namespace of a user 1000 with 100000:65536: 0 → 1000, 1..65536 → 100000..
const PAUSE = {uidMap: [{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 100000, size: 65536}],
  gidMap: [{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 100000, size: 65536}]};
const ME = {uid: 1000, gid: 1000};
/** container id → host id, through the container's map and then the pause namespace's. */
const onHost = (map: Parameters<typeof toHostId>[0], id: number) => {
  const p = toHostId(map, id);
  return p === undefined ? undefined : toHostId(PAUSE.uidMap, p);
};

describe('unit: runtime/userns parseUserns', () => {
  it('reads host (and no flag), keep-id with and without uid/gid, auto with and without size', () => {
    expect(parseUserns(undefined)).to.deep.equal({mode: 'host'});
    expect(parseUserns('host')).to.deep.equal({mode: 'host'});
    expect(parseUserns('keep-id')).to.deep.equal({mode: 'keep-id'});
    expect(parseUserns('keep-id:uid=200,gid=210')).to.deep.equal({mode: 'keep-id', uid: 200, gid: 210});
    expect(parseUserns('auto')).to.deep.equal({mode: 'auto'});
    expect(parseUserns('auto:size=2048')).to.deep.equal({mode: 'auto', size: 2048});
  });

  it('refuses unknown modes and options, bad numbers, and --userns beside --uidmap, naming the fix', () => {
    expect(caughtAs(InvalidInputError, () => parseUserns('nomap')).message).to.match(/unsupported --userns mode "nomap"/);
    expect(caughtAs(InvalidInputError, () => parseUserns('keep-id:size=3')).message).to.match(/unknown --userns=keep-id option "size=3"/);
    expect(caughtAs(InvalidInputError, () => parseUserns('keep-id:uid=abc')).message).to.match(/invalid keep-id uid "abc"/);
    expect(caughtAs(InvalidInputError, () => parseUserns('auto:size=0')).message).to.match(/at least 1/);
    expect(caughtAs(InvalidInputError, () => parseUserns('keep-id', ['0:1:10'])).message).to.match(/cannot be combined/);
  });

  it('--uidmap alone gives the gid map too; entries are sorted and must not overlap', () => {
    const r = parseUserns(undefined, ['100:2:50,0:1:1']);
    expect(r).to.deep.equal({mode: 'private', uidMap: [{containerId: 0, hostId: 1, size: 1}, {containerId: 100, hostId: 2, size: 50}],
      gidMap: [{containerId: 0, hostId: 1, size: 1}, {containerId: 100, hostId: 2, size: 50}]});
    expect(caughtAs(InvalidInputError, () => parseIdMapList(['0:1:10', '5:20:10'], '--uidmap')).message).to.match(/overlap/);
    expect(caughtAs(InvalidInputError, () => parseIdMapList(['0:1'], '--uidmap')).message).to.match(/invalid --uidmap "0:1"/);
  });
});

describe('unit: runtime/userns maps', () => {
  it('keep-id: your uid inside is you outside, root is the first subordinate id, every pause id used once', () => {
    const m = keepIdMap(1000, 65537);
    expect(m).to.deep.equal([{containerId: 0, hostId: 1, size: 1000}, {containerId: 1000, hostId: 0, size: 1}, {containerId: 1001, hostId: 1001, size: 64536}]);
    expect(onHost(m, 1000)).to.equal(1000);
    expect(onHost(m, 0)).to.equal(100000);
    expect(onHost(m, 999)).to.equal(100999);
    expect(onHost(m, 1001)).to.equal(101000);
    expect(mappedSize(m)).to.equal(65537);
    expect(mapsYou(m)).to.equal(true);
  });

  it('keep-id with a uid beyond the subordinate range maps what exists and still maps you', () => {
    const m = keepIdMap(70000, 65537);
    expect(m).to.deep.equal([{containerId: 0, hostId: 1, size: 65536}, {containerId: 70000, hostId: 0, size: 1}]);
    expect(keepIdMap(0, 65537)).to.deep.equal([{containerId: 0, hostId: 0, size: 1}, {containerId: 1, hostId: 1, size: 65536}]);
  });

  it('containerMaps: keep-id uses your ids or the given ones; auto the allocated range; --uidmap is checked against the namespace', () => {
    const k = containerMaps({mode: 'keep-id', uid: 200, gid: 210}, PAUSE, ME)!;
    expect(toHostId(k.uidMap, 200)).to.equal(0);
    expect(toHostId(k.gidMap, 210)).to.equal(0);
    const a = containerMaps({mode: 'auto', size: 500}, PAUSE, ME, 1025)!;
    expect(a).to.deep.equal({mode: 'auto', uidMap: [{containerId: 0, hostId: 1025, size: 500}], gidMap: [{containerId: 0, hostId: 1025, size: 500}]});
    expect(autoRange(a)).to.deep.equal({start: 1025, size: 500});
    expect(mapsYou(a.uidMap)).to.equal(false);
    expect(containerMaps({mode: 'host'}, PAUSE, ME)).to.equal(undefined);
    expect(caughtAs(InvalidInputError, () => containerMaps(parseUserns(undefined, ['0:60000:10000']), PAUSE, ME)).message).to.match(/needs ids up to 69999/);
    const single = {uidMap: [PAUSE.uidMap[0]], gidMap: [PAUSE.gidMap[0]]};
    expect(caughtAs(HostConfigError, () => containerMaps({mode: 'keep-id'}, single, ME)).message).to.match(/needs subordinate ids/);
  });

  it('effectiveIdMaps: the container\'s own maps, else the identity over the pause namespace', () => {
    expect(effectiveIdMaps(undefined, PAUSE)).to.deep.equal({uidMap: [{containerId: 0, hostId: 0, size: 65537}], gidMap: [{containerId: 0, hostId: 0, size: 65537}]});
    const a = containerMaps({mode: 'auto'}, PAUSE, ME, 1)!;
    expect(effectiveIdMaps(a, PAUSE)).to.deep.equal({uidMap: a.uidMap, gidMap: a.gidMap});
  });

  it('fuse-overlayfs mapping: on-disk id, shown id, size, joined by colons', () => {
    expect(fuseMapping(keepIdMap(1000, 65537))).to.equal('0:1:1000:1000:0:1:1001:1001:64536');
  });
});

describe('unit: runtime/userns firstFreeRange', () => {
  it('takes the lowest gap that fits, never id 0, and says undefined when full', () => {
    expect(firstFreeRange([], 1024, 65537)).to.deep.equal({start: 1, size: 1024});
    expect(firstFreeRange([{start: 1, size: 1024}], 1024, 65537)).to.deep.equal({start: 1025, size: 1024});
    // a freed range in the middle is reused
    expect(firstFreeRange([{start: 2049, size: 1024}, {start: 1, size: 1024}], 1024, 65537)).to.deep.equal({start: 1025, size: 1024});
    expect(firstFreeRange([{start: 1, size: 1024}, {start: 1500, size: 10}], 1024, 65537)).to.deep.equal({start: 1510, size: 1024});
    expect(firstFreeRange([{start: 1, size: 65000}], 537, 65537)).to.equal(undefined);
    expect(firstFreeRange([{start: 1, size: 65000}], 536, 65537)).to.deep.equal({start: 65001, size: 536});
    expect(firstFreeRange([], 65537, 65537)).to.equal(undefined);
  });
});

describe('unit: runtime/oci-spec with a user namespace', () => {
  const config = {id: 'a'.repeat(64), name: 'k', created: '', imageId: 'b'.repeat(64), imageName: 'demo', args: ['id'], entrypoint: [], command: ['id'],
    env: [], workdir: '/', user: '1000:1000', labels: {}, network: 'pasta', readOnly: false, capAdd: [], capDrop: [], init: false, stopSignal: 'SIGTERM',
    stopTimeout: 10, autoRemove: false, createCommand: [], driver: 'fuse-overlayfs'} as ContainerConfig;
  const input = (over: Partial<SpecInput>): SpecInput => ({config, rootfs: '/m', userdata: '/u', rootless: true, mappedIds: 65537,
    user: {uid: 1000, gid: 1000, additionalGids: []}, hostname: 'h', ...over});
  type S = {linux: {namespaces: {type: string}[]; uidMappings?: unknown; gidMappings?: unknown}; mounts: {destination: string; source: string; options: string[]; type: string}[]};

  it('adds a user namespace with the maps in OCI form, and binds the given /etc files', () => {
    const maps = containerMaps({mode: 'keep-id'}, PAUSE, ME)!;
    const s = generateSpec(input({userns: maps, etcFiles: ['passwd', 'group']})) as unknown as S;
    expect(s.linux.namespaces.map((n) => n.type)).to.include('user');
    expect(s.linux.uidMappings).to.deep.equal([{containerID: 0, hostID: 1, size: 1000}, {containerID: 1000, hostID: 0, size: 1}, {containerID: 1001, hostID: 1001, size: 64536}]);
    expect(s.linux.gidMappings).to.deep.equal(s.linux.uidMappings);
    expect(s.mounts.find((m) => m.destination === '/etc/passwd')?.source).to.equal('/u/passwd');
    expect(s.mounts.find((m) => m.destination === '/etc/group')?.source).to.equal('/u/group');
  });

  it('without --userns: no user namespace, no maps (the pause namespace is the container\'s)', () => {
    const s = generateSpec(input({})) as unknown as S;
    expect(s.linux.namespaces.map((n) => n.type)).to.not.include('user');
    expect(s.linux.uidMappings).to.equal(undefined);
  });

  it('devpts gets gid=5 only when gid 5 is mapped in the container\'s namespace', () => {
    const small = {uidMap: [{containerId: 0, hostId: 1, size: 3}], gidMap: [{containerId: 0, hostId: 1, size: 3}]};
    const pts = (s: S) => s.mounts.find((m) => m.destination === '/dev/pts')!.options;
    expect(pts(generateSpec(input({userns: small})) as unknown as S)).to.not.include('gid=5');
    expect(pts(generateSpec(input({userns: containerMaps({mode: 'auto'}, PAUSE, ME, 1)!})) as unknown as S)).to.include('gid=5');
  });
});

describe('unit: runtime/keepid-files', () => {
  const me = {name: 'alice', gecos: 'Alice A', home: '/home/alice'};
  it('adds your passwd and group entries only when the image lacks your ids', () => {
    const img = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
    expect(passwdWithUser(img, me, 1000, 1000, '/home/alice')).to.equal(`${img}alice:*:1000:1000:Alice A:/home/alice:/bin/sh\n`);
    expect(passwdWithUser(img, me, 0, 0, '/')).to.equal(undefined);
    expect(passwdWithUser(undefined, me, 5, 5, '/')).to.equal('alice:*:5:5:Alice A:/:/bin/sh\n');
    expect(groupWithUser('root:x:0:\n', 'alice', 1000)).to.equal('root:x:0:\nalice:x:1000:alice\n');
    expect(groupWithUser('root:x:0:\nstaff:x:1000:', 'alice', 1000)).to.equal(undefined);
  });

  it('HOME is your home when it or a directory above it is mounted in, else the working directory', () => {
    expect(keepIdHome('/home/alice', ['/home/alice'], '/src')).to.equal('/home/alice');
    expect(keepIdHome('/home/alice', ['/home/'], '/src')).to.equal('/home/alice');
    expect(keepIdHome('/home/alice', ['/data'], '/src')).to.equal('/src');
    expect(keepIdHome('/home/alice', [], '')).to.equal('/');
  });

  it('reads your host entry by uid, with a fallback', () => {
    expect(hostUserEntry('root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001:Bob B,,,:/home/bob:/bin/bash\n', 1001, me)).to.deep.equal({name: 'bob', gecos: 'Bob B,,,', home: '/home/bob'});
    expect(hostUserEntry('', 1001, me)).to.equal(me);
  });
});
