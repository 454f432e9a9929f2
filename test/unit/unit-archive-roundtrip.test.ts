// Archive writers and readers against each other: what save writes (docker-archive, oci-archive, oci-dir,
// dir:) reads back as the same images — same config bytes (so the same image id), layers whose content
// hashes to the config's diff ids, names as given — for one image and for several sharing a layer.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {sha256} from '../../src/image/image-commit';
import type {ArchiveImage} from '../../src/image/archive/archive-image';
import {readDirLayout} from '../../src/image/archive/dir-transport-reader';
import {writeDirLayout} from '../../src/image/archive/dir-transport-writer';
import {readDockerArchive} from '../../src/image/archive/docker-archive-reader';
import {writeDockerArchive} from '../../src/image/archive/docker-archive-writer';
import {decompress} from '../../src/image/archive/layer-streams';
import {DirFiles, TarIndex} from '../../src/image/archive/layout-files';
import {DirSink, TarSink} from '../../src/image/archive/layout-sink';
import {readOciLayout} from '../../src/image/archive/oci-layout-reader';
import {writeOciLayout} from '../../src/image/archive/oci-layout-writer';
import type {SavedImage} from '../../src/image/archive/saved-image';
import {MemoryBlobs, collect, image, layer, sha, withFd} from './unit-archive-fixtures';

/** The uncompressed content of each layer of a loaded image, checked against the descriptor's digest. */
async function plainLayers(img: ArchiveImage): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const l of img.layers) {
    const stored = await collect(await l.open());
    expect(sha(stored)).to.equal(l.descriptor.digest);
    expect(stored.length).to.equal(l.descriptor.size);
    const head = stored.subarray(0, 4);
    const kind = head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : head.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])) ? 'zstd' : 'none';
    out.push(await collect(decompress((async function* () {
      yield stored;
    })(), kind, 'layer')));
  }
  return out;
}

async function expectSame(loaded: ArchiveImage, saved: SavedImage): Promise<void> {
  expect(loaded.config.equals(saved.config)).to.equal(true);
  expect(loaded.configDigest).to.equal(saved.configDigest);
  const plain = await plainLayers(loaded);
  expect(plain.map(sha)).to.deep.equal(saved.layers.map((l) => l.diffId));
}

describe('unit: image/archive writers and readers round trip', () => {
  let dir: string;
  let blobs: MemoryBlobs;
  let one: SavedImage;
  let two: SavedImage;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-archive-'));
    blobs = new MemoryBlobs();
    const base = layer({'etc/os-release': 'ID=test\n', 'bin/tool': 'x'.repeat(5000)}, 'gzip');
    one = image(blobs, ['localhost/one:1'], [base, layer({'app/one': 'one'}, 'zstd')]);
    two = image(blobs, ['docker.io/library/two:latest', 'localhost/two:2'], [base, layer({'app/two': 'two'}, 'none')], {cmd: 'two'});
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('docker-archive: several images, shared layer written once, uncompressed, names kept', async () => {
    const file = path.join(dir, 'd.tar');
    await withFd(file, async (fd) => {
      const sink = new TarSink(fd);
      await writeDockerArchive(sink, [one, two], blobs);
      await sink.finish();
    });
    const index = await TarIndex.build(file, 'archive d.tar');
    const layerFiles = index.names().filter((n) => /^[0-9a-f]{64}\.tar$/.test(n));
    expect(layerFiles).to.have.length(3);
    for (const f of layerFiles) expect(index.compression(f)).to.equal('none');
    expect(index.names()).to.include.members(['manifest.json', 'repositories']);
    const repos = JSON.parse(index.read('repositories', 1 << 20).toString()) as Record<string, Record<string, string>>;
    expect(Object.keys(repos).sort()).to.deep.equal(['docker.io/library/two', 'localhost/one', 'localhost/two']);
    const loaded = await readDockerArchive(index);
    expect(loaded.map((i) => i.names)).to.deep.equal([['localhost/one:1'], ['docker.io/library/two:latest', 'localhost/two:2']]);
    await expectSame(loaded[0], one);
    await expectSame(loaded[1], two);
    // the synthesized manifest describes the archive's (uncompressed) layer files
    const m = JSON.parse(loaded[0].manifest.toString()) as {layers: {mediaType: string}[]};
    expect(m.layers.map((l) => l.mediaType)).to.deep.equal(['application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar']);
    expect(loaded[0].manifestMediaType).to.equal('application/vnd.oci.image.manifest.v1+json');
    // selection by name and by position
    expect((await readDockerArchive(index, {name: 'two:latest'}))[0].configDigest).to.equal(two.configDigest);
    expect((await readDockerArchive(index, {index: 0}))[0].configDigest).to.equal(one.configDigest);
  });

  it('oci-archive: blobs copied as stored, so manifests and layer digests are unchanged', async () => {
    const file = path.join(dir, 'o.tar');
    await withFd(file, async (fd) => {
      const sink = new TarSink(fd, true);
      await writeOciLayout(sink, [one, two], blobs);
      await sink.finish();
    });
    const index = await TarIndex.build(file, 'archive o.tar');
    expect(index.exists('oci-layout')).to.equal(true);
    const loaded = await readOciLayout(index);
    expect(loaded).to.have.length(2);
    expect(loaded[0].manifest.equals(one.manifest)).to.equal(true);
    expect(loaded[1].names).to.deep.equal(['docker.io/library/two:latest', 'localhost/two:2']);
    await expectSame(loaded[0], one);
    await expectSame(loaded[1], two);
    expect((await readOciLayout(index, {name: 'localhost/two:2'}))[0].configDigest).to.equal(two.configDigest);
  });

  it('oci-dir: a Docker schema 2 image is written with an OCI manifest, same config and layers', async () => {
    const docker = image(blobs, ['localhost/dock:1'], [layer({a: 'a'}, 'gzip')], {docker: true});
    const out = path.join(dir, 'layout');
    fs.mkdirSync(out);
    await writeOciLayout(new DirSink(out), [docker], blobs);
    const [loaded] = await readOciLayout(new DirFiles(out));
    expect(loaded.manifestMediaType).to.equal('application/vnd.oci.image.manifest.v1+json');
    const m = JSON.parse(loaded.manifest.toString()) as {config: {mediaType: string}; layers: {mediaType: string; digest: string}[]};
    expect(m.config.mediaType).to.equal('application/vnd.oci.image.config.v1+json');
    expect(m.layers[0].mediaType).to.equal('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(m.layers[0].digest).to.equal(docker.layers[0].digest);
    expect(loaded.names).to.deep.equal(['localhost/dock:1']);
    await expectSame(loaded, docker);
  });

  it('dir: (docker-dir) writes Docker schema 2 with blobs named by hex, read back unnamed', async () => {
    const plain = image(blobs, ['localhost/p:1'], [layer({a: 'a'}, 'none'), layer({b: 'b'}, 'gzip')]);
    const out = path.join(dir, 'dd');
    fs.mkdirSync(out);
    await writeDirLayout(new DirSink(out), plain, blobs);
    expect(fs.readFileSync(path.join(out, 'version'), 'utf8')).to.equal('Directory Transport Version: 1.1\n');
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {mediaType: string; layers: {mediaType: string}[]};
    expect(m.mediaType).to.equal('application/vnd.docker.distribution.manifest.v2+json');
    expect(m.layers.map((l) => l.mediaType)).to.deep.equal(['application/vnd.docker.image.rootfs.diff.tar', 'application/vnd.docker.image.rootfs.diff.tar.gzip']);
    const loaded = readDirLayout(new DirFiles(out));
    expect(loaded.names).to.deep.equal([]);
    expect(loaded.layers[0].descriptor.mediaType).to.equal('application/vnd.docker.image.rootfs.diff.tar');
    await expectSame(loaded, plain);
  });

  it('dir: refuses zstd layers, which Docker schema 2 cannot describe', async () => {
    const out = path.join(dir, 'dz');
    fs.mkdirSync(out);
    let err: Error | undefined;
    await writeDirLayout(new DirSink(out), one, blobs).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/zstd layer, which Docker schema 2 cannot describe/);
  });

  it('docker-archive save refuses a stored layer that does not decompress to its diff id', async () => {
    const bad: SavedImage = {...one, layers: [{...one.layers[0], diffId: sha256(Buffer.from('other'))}, one.layers[1]]};
    bad.config = Buffer.from(JSON.stringify({...JSON.parse(one.config.toString()), rootfs: {type: 'layers', diff_ids: bad.layers.map((l) => l.diffId)}}));
    const file = path.join(dir, 'bad.tar');
    let err: Error | undefined;
    await withFd(file, async (fd) => {
      await writeDockerArchive(new TarSink(fd), [bad], blobs).catch((e: Error) => (err = e));
    });
    expect(err?.message).to.match(/uncompressed layer .* hashes to sha256:[0-9a-f]{64}, expected/);
  });
});
