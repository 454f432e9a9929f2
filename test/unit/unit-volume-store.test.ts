// Volume records on a temp storage root: atomic creation, names, the owner option, removal by rename;
// and the `volume ls`/`prune` filters.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {parseOwner, VolumeStore, type VolumeRecord} from '../../src/volume/volume-store';
import {compileVolumeFilters} from '../../src/volume/volume-service';
import {InvalidInputError, NameInUseError} from '../../src/errors';
import {caughtAs} from '../support/fixtures';

describe('unit: volume/volume-store', () => {
  let root: string;
  let store: VolumeStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'volstore-'));
    store = new VolumeStore(root, path.join(root, 'locks'));
  });
  afterEach(() => fs.rmSync(root, {recursive: true, force: true}));

  it('creates volumes/NAME/_data and a record; a second create of the name fails unless ignored', () => {
    const v = store.createLocked({name: 'cache', labels: {team: 'web'}});
    expect(v).to.include({Name: 'cache', Driver: 'local', Anonymous: false, NeedsCopyUp: true, NeedsChown: true});
    expect(fs.statSync(store.dataDir('cache')).isDirectory()).to.equal(true);
    expect(fs.statSync(store.dataDir('cache')).mode & 0o777).to.equal(0o755);
    expect(store.list().map((x) => x.Name)).to.deep.equal(['cache']);
    caughtAs(NameInUseError, () => store.createLocked({name: 'cache'}));
    expect(store.createLocked({name: 'cache'}, true).CreatedAt).to.equal(v.CreatedAt);
    expect(fs.readdirSync(store.dir)).to.deep.equal(['cache']); // no temp directory left
  });

  it('anonymous volumes get a random 64-hex name; bad names are refused', () => {
    const v = store.createLocked({anonymous: true});
    expect(v.Name).to.match(/^[a-f0-9]{64}$/);
    expect(v.Anonymous).to.equal(true);
    caughtAs(InvalidInputError, () => store.createLocked({name: '../x'}));
    expect(store.get('../x')).to.equal(undefined);
  });

  it('o=uid=N,gid=N sets the owner (no chown on first mount); other mount options are refused', () => {
    expect(parseOwner({o: 'uid=1000,gid=100'})).to.deep.equal({UID: 1000, GID: 100});
    expect(parseOwner({})).to.equal(undefined);
    expect(() => parseOwner({o: 'size=10m'})).to.throw(/"size=10m" is not supported/);
    expect(store.createLocked({name: 'owned', options: {o: 'uid=5'}})).to.include({UID: 5, NeedsChown: false});
  });

  it('a detached volume is gone for readers at once', () => {
    store.createLocked({name: 'gone'});
    const doomed = store.detachLocked('gone');
    expect(store.exists('gone')).to.equal(false);
    expect(path.basename(doomed)).to.match(new RegExp(`^\\.removing-${process.pid}-`));
    expect(store.leftovers(() => false)).to.deep.equal([doomed]);
    expect(store.leftovers(() => true)).to.deep.equal([]);
  });
});

describe('unit: volume filters', () => {
  const vol = (Name: string, extra: Partial<VolumeRecord> = {}): VolumeRecord => ({
    Name, Driver: 'local', CreatedAt: '2026-01-01T00:00:00Z', Labels: {}, Options: {}, Anonymous: false, NeedsCopyUp: true, NeedsChown: true, ...extra,
  });
  const vols = [vol('web', {Labels: {team: 'web'}}), vol('db', {Labels: {team: 'db', keep: ''}}), vol('a'.repeat(64), {Anonymous: true})];
  const names = (f: string[], used = new Set<string>(['db'])) => vols.filter(compileVolumeFilters(f, () => used, Date.parse('2026-06-01T00:00:00Z'))).map((v) => v.Name.slice(0, 3));

  it('name (regular expression), label, label!, dangling, anonymous, driver, until', () => {
    expect(names(['name=web'])).to.deep.equal(['web']);
    expect(names(['name=^d'])).to.deep.equal(['db']);
    expect(names(['label=team=db'])).to.deep.equal(['db']);
    expect(names(['label=team'])).to.deep.equal(['web', 'db']);
    expect(names(['label!=keep'])).to.deep.equal(['web', 'aaa']);
    expect(names(['dangling=true'])).to.deep.equal(['web', 'aaa']);
    expect(names(['dangling=false'])).to.deep.equal(['db']);
    expect(names(['anonymous=true'])).to.deep.equal(['aaa']);
    expect(names(['driver=local', 'name=web', 'name=db'])).to.deep.equal(['web', 'db']);
    expect(names(['until=2025-01-01'])).to.deep.equal([]);
    expect(names(['until=24h'])).to.deep.equal(['web', 'db', 'aaa']);
  });

  it('refuses unknown keys and bad values', () => {
    expect(() => names(['color=red'])).to.throw(/invalid volume filter "color"/);
    expect(() => names(['dangling=maybe'])).to.throw(/invalid dangling filter value/);
    expect(() => names(['name'])).to.throw(/invalid volume filter "name"/);
  });
});
