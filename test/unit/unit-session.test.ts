// readMappings: the user-namespace maps built from subuid/subgid files, and the single-id fallback.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError} from '../../src/errors';
import {readMappings} from '../../rootless/session';

describe('unit: rootless/session readMappings', () => {
  let dir: string;
  let files: {subuid: string; subgid: string};
  const user = {name: 'alice', uid: 1000, gid: 1000};

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-session-'));
    files = {subuid: path.join(dir, 'subuid'), subgid: path.join(dir, 'subgid')};
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('maps 0 to the user and 1.. to the subordinate ranges, with no warning', () => {
    fs.writeFileSync(files.subuid, 'bob:100000:65536\nalice:165536:65536\n');
    fs.writeFileSync(files.subgid, 'alice:165536:65536\n');
    const m = readMappings(user, files);
    expect(m.singleIdWarning).to.equal(undefined);
    expect(m.uidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 165536, size: 65536}]);
    expect(m.gidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 165536, size: 65536}]);
  });

  it('uses the user\'s gid as container gid 0', () => {
    fs.writeFileSync(files.subuid, 'alice:100000:65536\n');
    fs.writeFileSync(files.subgid, 'alice:100000:65536\n');
    const m = readMappings({name: 'alice', uid: 1000, gid: 1500}, files);
    expect(m.uidMap[0]).to.deep.equal({containerId: 0, hostId: 1000, size: 1});
    expect(m.gidMap[0]).to.deep.equal({containerId: 0, hostId: 1500, size: 1});
  });

  it('matches numeric subgid owners against the uid, as shadow-utils does (subgid(5): "login name or UID")', () => {
    // alice is uid 1000 with primary gid 100 (users): her subgid line names her uid.
    fs.writeFileSync(files.subuid, '1000:100000:65536\n');
    fs.writeFileSync(files.subgid, '1000:100000:65536\n100:500000:65536\n');
    const m = readMappings({name: 'alice', uid: 1000, gid: 100}, files);
    expect(m.singleIdWarning).to.equal(undefined);
    expect(m.gidMap).to.deep.equal([{containerId: 0, hostId: 100, size: 1}, {containerId: 1, hostId: 100000, size: 65536}]);
  });

  it('falls back to mapping only the user when neither file has a range, and says what breaks and how to fix it', () => {
    fs.writeFileSync(files.subuid, 'bob:100000:65536\n');
    fs.writeFileSync(files.subgid, 'bob:100000:65536\n');
    const m = readMappings(user, files);
    expect(m.uidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
    expect(m.gidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
    const w = m.singleIdWarning!;
    expect(w).to.be.a('string');
    expect(w).to.contain('alice');
    expect(w).to.contain(`${files.subuid} and ${files.subgid}`);
    // what will not work
    expect(w).to.contain('only your own id is mapped');
    expect(w).to.contain('files owned by other users');
    expect(w).to.contain('switch user will fail');
    // how to fix it
    expect(w).to.contain('usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice');
  });

  it('treats missing files like files without a range', () => {
    const m = readMappings(user, {subuid: path.join(dir, 'nope-uid'), subgid: path.join(dir, 'nope-gid')});
    expect(m.uidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
    expect(m.gidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
    expect(m.singleIdWarning).to.contain(path.join(dir, 'nope-uid'));
    expect(m.singleIdWarning).to.contain(path.join(dir, 'nope-gid'));
  });

  it('names only the file that lacks a range, and keeps the ranges of the other', () => {
    fs.writeFileSync(files.subuid, 'alice:100000:65536\n');
    fs.writeFileSync(files.subgid, '# nothing for alice\n');
    const m = readMappings(user, files);
    expect(m.uidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 100000, size: 65536}]);
    expect(m.gidMap).to.deep.equal([{containerId: 0, hostId: 1000, size: 1}]);
    expect(m.singleIdWarning).to.contain(`in ${files.subgid}:`);
    expect(m.singleIdWarning).not.to.contain(files.subuid);
  });

  it('reports a malformed line of the user instead of falling back', () => {
    fs.writeFileSync(files.subuid, 'alice:100000:65536\n');
    fs.writeFileSync(files.subgid, '\nalice:x:65536\n');
    expect(() => readMappings(user, files)).to.throw(HostConfigError, `${files.subgid} line 2`);
  });
});
