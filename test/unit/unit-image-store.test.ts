// ImageStore: image records and their names, lookup by name, short name, id and id prefix.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError, NoSuchObjectError} from '../../src/errors';
import {ImageStore, type ImageRecord} from '../../src/storage/image-store';

function record(id: string, created: string): ImageRecord {
  return {
    id, digest: `sha256:${'d'.repeat(64)}`, configDigest: `sha256:${id}`, created,
    layers: [{diffId: `sha256:${'e'.repeat(64)}`, digest: `sha256:${'f'.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar', size: 1024}],
    config: {architecture: 'amd64', os: 'linux', config: {Cmd: ['sh']}, rootfs: {type: 'layers', diff_ids: [`sha256:${'e'.repeat(64)}`]}},
  };
}

// ids chosen so that prefixes are predictable
const DEMO = `abc1${'0'.repeat(60)}`;
const BUSY = `abc2${'1'.repeat(60)}`;
const OTHER = `9f00${'2'.repeat(60)}`;

describe('unit: storage/image-store ImageStore', () => {
  let dir: string;
  let store: ImageStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-img-'));
    store = new ImageStore(path.join(dir, 'root'));
    store.put(record(DEMO, '2026-01-01T00:00:00.000Z'));
    store.put(record(BUSY, '2026-02-01T00:00:00.000Z'));
    store.put(record(OTHER, '2025-12-01T00:00:00.000Z'));
    store.tag(DEMO, 'localhost/demo:latest');
    store.tag(DEMO, 'localhost/demo:v1');
    store.tag(BUSY, 'docker.io/library/busybox:1.36');
    store.tag(BUSY, 'docker.io/library/busybox:latest');
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('put/get round-trips a record', () => {
    expect(store.get(DEMO)).to.deep.equal(record(DEMO, '2026-01-01T00:00:00.000Z'));
    expect(store.exists(DEMO)).to.equal(true);
    expect(store.get('0'.repeat(64))).to.equal(undefined);
  });

  it('lists every image newest first with its sorted names (an untagged image has none)', () => {
    const list = store.list();
    expect(list.map((i) => i.id)).to.deep.equal([BUSY, DEMO, OTHER]);
    expect(list.map((i) => i.names)).to.deep.equal([
      ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:latest'],
      ['localhost/demo:latest', 'localhost/demo:v1'],
      [],
    ]);
  });

  it('an empty store lists nothing and resolves nothing', () => {
    const empty = new ImageStore(path.join(dir, 'empty'));
    expect(empty.list()).to.deep.equal([]);
    expect(() => empty.resolve('demo')).to.throw(NoSuchObjectError);
  });

  it('resolves by full name', () => {
    expect(store.resolve('localhost/demo:latest').id).to.equal(DEMO);
    expect(store.resolve('docker.io/library/busybox:1.36').id).to.equal(BUSY);
    expect(store.resolve('localhost/demo:v1').names).to.deep.equal(['localhost/demo:latest', 'localhost/demo:v1']);
  });

  it('resolves short names: localhost first, then any registry when only one matches', () => {
    expect(store.resolve('demo').id).to.equal(DEMO);
    expect(store.resolve('demo:v1').id).to.equal(DEMO);
    expect(store.resolve('busybox').id).to.equal(BUSY);
    expect(store.resolve('busybox:1.36').id).to.equal(BUSY);
    expect(store.resolve('library/busybox').id).to.equal(BUSY);
    store.tag(OTHER, 'localhost/busybox:latest');
    expect(store.resolve('busybox').id).to.equal(OTHER);
  });

  it('a short name matching images in several registries is ambiguous', () => {
    store.tag(OTHER, 'quay.io/library/busybox:1.36');
    expect(() => store.resolve('busybox:1.36')).to.throw(InvalidInputError, 'matches several images');
    expect(store.resolve('quay.io/library/busybox:1.36').id).to.equal(OTHER);
  });

  it('a full name with a registry is not matched against other registries', () => {
    expect(() => store.resolve('quay.io/library/busybox:1.36')).to.throw(NoSuchObjectError);
  });

  it('resolves by id, sha256:id and a unique id prefix', () => {
    expect(store.resolve(DEMO).id).to.equal(DEMO);
    expect(store.resolve(`sha256:${DEMO}`).id).to.equal(DEMO);
    expect(store.resolve('abc1').id).to.equal(DEMO);
    expect(store.resolve(OTHER.slice(0, 12)).names).to.deep.equal([]);
    expect(store.resolve('9f0').id).to.equal(OTHER);
  });

  it('an ambiguous id prefix is an InvalidInputError', () => {
    expect(() => store.resolve('abc')).to.throw(InvalidInputError, 'ambiguous');
  });

  it('an unknown reference is a NoSuchObjectError naming it', () => {
    for (const ref of ['alpine', 'localhost/demo:v2', 'ffff', `sha256:${'0'.repeat(64)}`]) {
      expect(() => store.resolve(ref), ref).to.throw(NoSuchObjectError, `${ref}: image not known`);
    }
  });

  it('tag moves a name to another image; the old image keeps its other names', () => {
    store.tag(OTHER, 'localhost/demo:latest');
    expect(store.resolve('demo').id).to.equal(OTHER);
    expect(store.namesOf(DEMO)).to.deep.equal(['localhost/demo:v1']);
    expect(store.namesOf(OTHER)).to.deep.equal(['localhost/demo:latest']);
  });

  it('untag removes just that name', () => {
    store.untag('localhost/demo:v1');
    expect(store.namesOf(DEMO)).to.deep.equal(['localhost/demo:latest']);
    expect(() => store.resolve('demo:v1')).to.throw(NoSuchObjectError);
  });

  it('delete removes the record and all its names, and nothing else', () => {
    store.delete(DEMO);
    expect(store.get(DEMO)).to.equal(undefined);
    expect(store.exists(DEMO)).to.equal(false);
    expect(() => store.resolve('demo')).to.throw(NoSuchObjectError);
    expect(() => store.resolve(DEMO)).to.throw(NoSuchObjectError);
    expect(store.list().map((i) => i.id)).to.deep.equal([BUSY, OTHER]);
    expect([...store.names.all().keys()].sort()).to.deep.equal(['docker.io/library/busybox:1.36', 'docker.io/library/busybox:latest']);
  });

  it('delete does not release a name that was moved to another image in the meantime', () => {
    store.tag(OTHER, 'localhost/demo:latest');
    store.delete(DEMO);
    expect(store.resolve('demo').id).to.equal(OTHER);
  });

  it('matchName gives the stored name a reference matches, or undefined', () => {
    expect(store.matchName('demo')).to.equal('localhost/demo:latest');
    expect(store.matchName('busybox:1.36')).to.equal('docker.io/library/busybox:1.36');
    expect(store.matchName(DEMO)).to.equal(undefined);
    expect(store.matchName('alpine')).to.equal(undefined);
    expect(store.matchName('Not Valid')).to.equal(undefined);
  });
});
