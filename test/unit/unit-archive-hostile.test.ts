// Archives are untrusted: member names that are absolute or climb with "..", duplicate members, links that
// leave the archive, truncation and oversized documents are refused with the member named; an OCI blob
// whose bytes do not match its digest (or size) is refused before anything is loaded.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError} from '../../src/errors';
import {TarType} from '../../src/image/tar/tar-header';
import {readDockerArchive} from '../../src/image/archive/docker-archive-reader';
import {TarIndex, memberName} from '../../src/image/archive/layout-files';
import {TarSink} from '../../src/image/archive/layout-sink';
import {readOciLayout} from '../../src/image/archive/oci-layout-reader';
import {writeOciLayout} from '../../src/image/archive/oci-layout-writer';
import {MemoryBlobs, file, image, layer, tarBytes, withFd, type RawMember} from './unit-archive-fixtures';

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('unit: image/archive hostile archives', () => {
  let dir: string;
  const write = (name: string, bytes: Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const index = (members: RawMember[], end = true) => TarIndex.build(write('a.tar', tarBytes(members, end)), 'archive a.tar');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-hostile-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('member names are canonical; absolute and ".." names are refused naming the member', () => {
    expect(memberName('./a//b/', 'x')).to.equal('a/b');
    expect(memberName('.', 'x')).to.equal('');
    expect(() => memberName('/etc/passwd', 'x')).to.throw(InvalidInputError, 'member "/etc/passwd" has an absolute name');
    expect(() => memberName('a/../../b', 'x')).to.throw(InvalidInputError, 'member "a/../../b" has ".." in its name');
    expect(() => memberName('..', 'x')).to.throw(InvalidInputError, '".."');
  });

  for (const bad of ['../evil', 'blobs/../../evil', '/abs/evil']) {
    it(`an archive with member "${bad}" is refused with that name`, async () => {
      const e = await failure(index([file('manifest.json', '[]'), file(bad, 'x')]));
      expect(e).to.be.instanceOf(InvalidInputError);
      expect(e.message).to.contain(`archive a.tar: member "${bad}"`);
    });
  }

  it('a member that appears twice is refused', async () => {
    const e = await failure(index([file('manifest.json', '[]'), file('./manifest.json', '[{}]')]));
    expect(e.message).to.contain('member "./manifest.json" appears twice');
  });

  it('a truncated archive (cut inside a member, or without its end marker) is refused', async () => {
    const whole = tarBytes([file('manifest.json', '[]'), file('big', 'y'.repeat(5000))]);
    const cut = await failure(TarIndex.build(write('cut.tar', whole.subarray(0, 3000)), 'archive cut.tar'));
    expect(cut.message).to.match(/^archive cut\.tar: tar archive is truncated/);
    const noEnd = await failure(index([file('manifest.json', '[]')], false));
    expect(noEnd.message).to.contain('archive a.tar is truncated');
    const empty = await failure(TarIndex.build(write('e.tar', Buffer.alloc(0)), 'archive e.tar'));
    expect(empty.message).to.contain('is empty or not a tar archive');
  });

  it('symlinks are followed inside the archive only', async () => {
    const idx = await index([
      file('real.tar', 'data'),
      {h: {name: 'id/layer.tar', type: TarType.Symlink, linkname: '../real.tar'}},
      {h: {name: 'hard', type: TarType.HardLink, linkname: 'real.tar'}},
      {h: {name: 'out/layer.tar', type: TarType.Symlink, linkname: '../../etc/passwd'}},
      {h: {name: 'abs', type: TarType.Symlink, linkname: '/etc/passwd'}},
      {h: {name: 'loop', type: TarType.Symlink, linkname: 'loop'}},
    ]);
    expect(idx.read('id/layer.tar', 100).toString()).to.equal('data');
    expect(idx.read('hard', 100).toString()).to.equal('data');
    expect(() => idx.read('out/layer.tar', 100)).to.throw(InvalidInputError, 'member "out/layer.tar" links to "../../etc/passwd", outside the archive');
    expect(() => idx.read('abs', 100)).to.throw(InvalidInputError, 'outside the archive');
    expect(() => idx.read('loop', 100)).to.throw(InvalidInputError, 'chain of more than');
  });

  it('documents larger than the limit are refused', async () => {
    const idx = await index([file('manifest.json', 'x'.repeat(2000))]);
    expect(() => idx.read('manifest.json', 1000)).to.throw(InvalidInputError, 'member "manifest.json" is 2000 bytes, more than the limit of 1000');
  });

  it('docker-archive: malformed manifest.json and missing layer files are named', async () => {
    const notList = await failure(index([file('manifest.json', '{"a":1}')]).then((i) => readDockerArchive(i)));
    expect(notList.message).to.contain('manifest.json is not a list of images');
    const missing = await failure(index([file('manifest.json', '[{"Config":"c.json","RepoTags":["x:1"],"Layers":["l.tar"]}]'), file('c.json', '{}')]).then((i) => readDockerArchive(i)));
    expect(missing.message).to.contain('archive a.tar has no member "l.tar"');
    const badName = await failure(index([file('manifest.json', '[{"Config":"c.json","RepoTags":["x/Y:1"],"Layers":[]}]'), file('c.json', '{}')]).then((i) => readDockerArchive(i)));
    expect(badName.message).to.contain('names the image "x/Y:1"');
  });

  describe('OCI layouts: digests and sizes', () => {
    async function ociArchive(mutate: (members: Map<string, Buffer>) => void): Promise<string> {
      const blobs = new MemoryBlobs();
      const img = image(blobs, ['localhost/x:1'], [layer({f: 'content'}, 'gzip')]);
      const good = path.join(dir, 'good.tar');
      await withFd(good, async (fd) => {
        const sink = new TarSink(fd, false);
        await writeOciLayout(sink, [img], blobs);
        await sink.finish();
      });
      const idx = await TarIndex.build(good, 'good');
      const members = new Map(idx.names().map((n) => [n, idx.read(n, 1 << 20)]));
      mutate(members);
      return write('o.tar', tarBytes([...members].map(([n, b]) => file(n, b))));
    }
    const layerName = (m: Map<string, Buffer>) => [...m.keys()].find((n) => n.startsWith('blobs/') && m.get(n)![0] === 0x1f)!;

    it('a layer blob whose content does not match its name is refused before loading', async () => {
      const f = await ociArchive((m) => {
        const n = layerName(m);
        const b = Buffer.from(m.get(n)!);
        b[b.length - 5] ^= 0xff;
        m.set(n, b);
      });
      const e = await failure(TarIndex.build(f, 'archive o.tar').then((i) => readOciLayout(i)));
      expect(e.message).to.match(/^archive o\.tar: layer blobs\/sha256\/[0-9a-f]{64} failed its digest check/);
    });

    it('a manifest or config that does not match its descriptor is refused', async () => {
      const cfg = await ociArchive((m) => {
        for (const [n, b] of m) {
          if (n.startsWith('blobs/') && b.toString().includes('"rootfs"')) m.set(n, Buffer.from(b.toString().replace('"sh"', '"xx"')));
        }
      });
      const e = await failure(TarIndex.build(cfg, 'archive o.tar').then((i) => readOciLayout(i)));
      expect(e.message).to.match(/config blobs\/sha256\/[0-9a-f]{64} failed its digest check/);
      const short = await ociArchive((m) => {
        const n = layerName(m);
        m.set(n, m.get(n)!.subarray(0, 10));
      });
      const s = await failure(TarIndex.build(short, 'archive o.tar').then((i) => readOciLayout(i)));
      expect(s.message).to.match(/layer blobs\/sha256\/[0-9a-f]{64} is 10 bytes, but its descriptor says \d+/);
    });

    it('an index entry pointing at a missing blob is named', async () => {
      const f = await ociArchive((m) => {
        for (const n of [...m.keys()]) if (n.startsWith('blobs/') && m.get(n)!.toString().includes('"layers"')) m.delete(n);
      });
      const e = await failure(TarIndex.build(f, 'archive o.tar').then((i) => readOciLayout(i)));
      expect(e.message).to.match(/archive o\.tar has no member "blobs\/sha256\/[0-9a-f]{64}"/);
    });
  });
});
