// readTar against archives made by GNU tar and Python's tarfile (the formats real layers come in), plus
// corrupt and unsupported input.
import {expect} from 'chai';
import * as fc from 'fast-check';
import {execFileSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError} from '../../src/errors';
import {decodeName, encodeName} from '../../src/image/tar/tar-header';
import {parsePaxRecords, readTar, type TarEntry} from '../../src/image/tar/tar-reader';

interface ReadEntry extends Omit<TarEntry, 'data'> {
  content: Buffer;
}

async function readAll(source: AsyncIterable<Buffer>): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const e of readTar(source)) {
    const chunks: Buffer[] = [];
    for await (const c of e.data) chunks.push(c);
    const {data: _data, ...rest} = e;
    out.push({...rest, content: Buffer.concat(chunks)});
  }
  return out;
}

/** Feeds a buffer in fixed-size chunks, so headers and data straddle chunk boundaries. */
async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

function fileStream(file: string, highWaterMark = 777): AsyncIterable<Buffer> {
  return fs.createReadStream(file, {highWaterMark});
}

function python(script: string, ...args: string[]): void {
  execFileSync('python3', ['-c', script, ...args], {stdio: ['ignore', 'ignore', 'pipe']});
}

async function expectInvalid(p: Promise<unknown>, pattern: RegExp): Promise<InvalidInputError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(InvalidInputError);
    expect((e as Error).message).to.match(pattern);
    return e as InvalidInputError;
  }
  expect.fail('expected an InvalidInputError');
}

const LONG_DIR = 'deep/' + 'directory-with-a-long-name/'.repeat(5);
const LONG_FILE = `${LONG_DIR}and-a-file-whose-name-is-also-quite-long-${'z'.repeat(60)}.txt`;

/** Makes a tree with the kinds of files layers contain and returns its root. */
function makeTree(root: string): void {
  const w = (rel: string, data: string | Buffer, mode = 0o644) => {
    fs.mkdirSync(path.join(root, path.dirname(rel)), {recursive: true});
    fs.writeFileSync(path.join(root, rel), data);
    fs.chmodSync(path.join(root, rel), mode);
  };
  w('etc/hello.txt', 'hello world\n');
  w('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  w('bin/setuid', 'x', 0o4755);
  w('empty', '');
  w('big.bin', Buffer.from(Array.from({length: 300_000}, (_, i) => (i * 7919) & 0xff)));
  w('héllo-ünïcode.txt', 'unicode\n');
  w(LONG_FILE, 'long\n');
  fs.mkdirSync(path.join(root, 'private'), {mode: 0o700});
  fs.chmodSync(path.join(root, 'private'), 0o700);
  fs.mkdirSync(path.join(root, 'tmp'));
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.symlinkSync('etc/hello.txt', path.join(root, 'rel-link'));
  fs.symlinkSync('/etc/alternatives/awk', path.join(root, 'abs-link'));
  fs.linkSync(path.join(root, 'etc/hello.txt'), path.join(root, 'etc/hard.txt'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
}

describe('tar reader', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-tar-reader-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, {recursive: true, force: true});
  });

  for (const format of ['pax', 'gnu', 'ustar', 'oldgnu'] as const) {
    it(`reads a tree packed by GNU tar --format=${format} exactly as it is on disk`, async function () {
      const root = path.join(tmp, 'tree');
      fs.mkdirSync(root);
      makeTree(root);
      // ustar cannot hold names over 255 bytes at all
      if (format === 'ustar') fs.rmSync(path.join(root, 'deep'), {recursive: true});
      const archive = path.join(tmp, 'a.tar');
      execFileSync('tar', [`--format=${format}`, '-C', root, '-cf', archive, '.']);
      const entries = await readAll(fileStream(archive));
      const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, '').replace(/\/$/, ''), e]));

      const seen = new Set<string>();
      const walk = (rel: string) => {
        for (const name of fs.readdirSync(path.join(root, rel))) {
          const r = rel ? `${rel}/${name}` : name;
          seen.add(r);
          const st = fs.lstatSync(path.join(root, r));
          const nsec = Number(fs.lstatSync(path.join(root, r), {bigint: true}).mtimeNs % 1_000_000_000n);
          const e = byName.get(r);
          expect(e, `entry for ${r}`).to.not.equal(undefined);
          expect(e!.mode, `mode of ${r}`).to.equal(st.mode & 0o7777);
          expect(e!.mtime, `mtime of ${r}`).to.equal(Math.floor(st.mtimeMs / 1000));
          // only PAX carries sub-second times
          expect(e!.mtimeNsec, `mtime nanoseconds of ${r}`).to.equal(format === 'pax' ? nsec : 0);
          expect(e!.uid).to.equal(st.uid);
          if (st.isDirectory()) {
            expect(e!.type).to.equal('5');
            walk(r);
          } else if (st.isSymbolicLink()) {
            expect(e!.type).to.equal('2');
            expect(e!.linkname).to.equal(fs.readlinkSync(path.join(root, r)));
          } else if (st.isFIFO()) {
            expect(e!.type).to.equal('6');
          } else if (e!.type === '1') {
            expect(fs.statSync(path.join(root, e!.linkname.replace(/^\.\//, ''))).ino).to.equal(st.ino);
          } else {
            expect(e!.type).to.equal('0');
            expect(e!.content.equals(fs.readFileSync(path.join(root, r))), `content of ${r}`).to.equal(true);
          }
        }
      };
      walk('');
      expect([...byName.keys()].filter((k) => k !== '' && !seen.has(k))).to.deep.equal([]);
    });
  }

  it('reads v7 archives, where directories are old-style files with a trailing slash', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(path.join(root, 'dir'), {recursive: true});
    fs.writeFileSync(path.join(root, 'dir/file'), 'v7 data');
    const archive = path.join(tmp, 'v7.tar');
    execFileSync('tar', ['--format=v7', '-C', root, '-cf', archive, 'dir']);
    const entries = await readAll(fileStream(archive));
    expect(entries.map((e) => [e.name, e.type])).to.deep.equal([['dir/', '5'], ['dir/file', '0']]);
    expect(entries[1].content.toString()).to.equal('v7 data');
    expect(entries[1].uname).to.equal('');
  });

  it('reads PAX xattrs written by GNU tar, binary values intact', async function () {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'f'), 'x');
    try {
      python('import os,sys; os.setxattr(sys.argv[1], "user.test", bytes([0, 255, 10, 61, 0]))', path.join(root, 'f'));
    } catch {
      this.skip(); // the temp file system has no user xattrs
    }
    const archive = path.join(tmp, 'x.tar');
    execFileSync('tar', ['--format=pax', '--xattrs', '--xattrs-include=*', '-C', root, '-cf', archive, 'f']);
    const [e] = await readAll(fileStream(archive, 100));
    expect([...e.xattrs.keys()]).to.deep.equal(['user.test']);
    expect([...e.xattrs.get('user.test')!]).to.deep.equal([0, 255, 10, 61, 0]);
  });

  it('reads GNU long names/links, base-256 numbers, global and per-entry PAX records', async () => {
    const archive = path.join(tmp, 'py.tar');
    python(`
import tarfile, io, sys
long = "d/" + "n" * 150
target = "t/" + "l" * 150
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    i = tarfile.TarInfo(long); i.size = 3; i.uid = 0o10000000; i.gid = 3000000000; i.mtime = -86400
    t.addfile(i, io.BytesIO(b"abc"))
    s = tarfile.TarInfo("sym"); s.type = tarfile.SYMTYPE; s.linkname = target
    t.addfile(s)
    h = tarfile.TarInfo("hard"); h.type = tarfile.LNKTYPE; h.linkname = long
    t.addfile(h)
with tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT, pax_headers={"uid": "4242", "comment": "global"}) as t:
    a = tarfile.TarInfo("a"); a.size = 1
    t.addfile(a, io.BytesIO(b"A"))
    b = tarfile.TarInfo("b"); b.size = 1
    b.pax_headers = {"uid": "7", "mtime": "1700000000.123456789", "gname": "wheel"}
    t.addfile(b, io.BytesIO(b"B"))
    n = tarfile.TarInfo("neg"); n.pax_headers = {"mtime": "-1.25"}
    t.addfile(n)
`, archive, path.join(tmp, 'pax.tar'));
    const gnu = await readAll(fileStream(archive, 64));
    expect(gnu.map((e) => e.name)).to.deep.equal(['d/' + 'n'.repeat(150), 'sym', 'hard']);
    expect(gnu[0]).to.include({uid: 0o10000000, gid: 3000000000, mtime: -86400, size: 3});
    expect(gnu[0].content.toString()).to.equal('abc');
    expect(gnu[1].linkname).to.equal('t/' + 'l'.repeat(150));
    expect(gnu[2]).to.include({type: '1', linkname: 'd/' + 'n'.repeat(150)});

    const pax = await readAll(fileStream(path.join(tmp, 'pax.tar')));
    expect(pax.map((e) => [e.name, e.uid, e.content.toString()])).to.deep.equal([['a', 4242, 'A'], ['b', 7, 'B'], ['neg', 4242, '']]);
    expect(pax[1]).to.include({mtime: 1700000000, mtimeNsec: 123456789, gname: 'wheel'});
    expect(pax[2]).to.include({mtime: -2, mtimeNsec: 750000000});
  });

  it('reads PAX records whose values contain newlines, "=" and NULs, counting length in bytes', () => {
    const rec = (k: string, v: Buffer) => {
      const rest = Buffer.byteLength(k) + v.length + 3;
      let len = rest + String(rest).length;
      if (String(len).length !== String(rest).length) len = rest + String(len).length;
      return Buffer.concat([Buffer.from(`${len} ${k}=`), v, Buffer.from('\n')]);
    };
    const value = Buffer.from([0x0a, 0x3d, 0x00, 0xff, 0x0a]);
    const body = Buffer.concat([rec('path', Buffer.from('é/ü')), rec('SCHILY.xattr.security.capability', value)]);
    const records = parsePaxRecords(body, 0);
    expect(records.map(([k]) => k)).to.deep.equal(['path', 'SCHILY.xattr.security.capability']);
    expect(records[0][1].toString()).to.equal('é/ü');
    expect(records[1][1].equals(value)).to.equal(true);
    expect(() => parsePaxRecords(Buffer.from('99 path=x\n'), 1024)).to.throw(InvalidInputError, /byte offset 1024/);
  });

  it('skips the data of entries the consumer does not read', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    makeTree(root);
    const archive = path.join(tmp, 'a.tar');
    execFileSync('tar', ['--format=pax', '-C', root, '-cf', archive, '.']);
    const names: string[] = [];
    let hello = '';
    for await (const e of readTar(fileStream(archive, 1000))) {
      names.push(e.name);
      if (e.name === './etc/hello.txt') {
        for await (const c of e.data) hello += c.toString();
      }
    }
    expect(names).to.include('./big.bin').and.include('./pipe').and.include('./etc/hello.txt');
    expect(hello).to.equal('hello world\n');
  });

  it('accepts any chunking of the input, down to single bytes', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'a'), 'alpha');
    fs.writeFileSync(path.join(root, 'b'.repeat(120)), 'beta');
    execFileSync('tar', ['--format=pax', '-C', root, '-cf', path.join(tmp, 'a.tar'), 'a', 'b'.repeat(120)]);
    const buf = fs.readFileSync(path.join(tmp, 'a.tar'));
    const expected = await readAll(chunked(buf, buf.length));
    for (const size of [1, 7, 511, 513]) {
      const got = await readAll(chunked(buf, size));
      expect(got.map((e) => [e.name, e.content.toString()])).to.deep.equal(expected.map((e) => [e.name, e.content.toString()]));
    }
    expect(expected.map((e) => e.name)).to.deep.equal(['a', 'b'.repeat(120)]);
  });

  it('rejects GNU sparse files in both the old GNU and the PAX encodings', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    execFileSync('truncate', ['-s', '1M', path.join(root, 'holes')]);
    for (const format of ['gnu', 'pax']) {
      const archive = path.join(tmp, `sparse-${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sparse', '-C', root, '-cf', archive, 'holes']);
      await expectInvalid(readAll(fileStream(archive)), /sparse files are not supported/);
    }
  });

  it('rejects a truncated archive, naming the byte offset', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'f'), Buffer.alloc(5000, 1));
    execFileSync('tar', ['--format=pax', '-C', root, '-cf', path.join(tmp, 'a.tar'), 'f']);
    const buf = fs.readFileSync(path.join(tmp, 'a.tar'));
    // cut inside the file data, and inside a header
    await expectInvalid(readAll(chunked(buf.subarray(0, 512 * 4), 300)), /truncated.*byte offset 2048/);
    await expectInvalid(readAll(chunked(buf.subarray(0, 100), 300)), /truncated.*byte offset 100/);
  });

  it('rejects a header with a bad checksum, naming its byte offset', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'one'), 'x');
    fs.writeFileSync(path.join(root, 'two'), 'y');
    execFileSync('tar', ['--format=ustar', '-C', root, '-cf', path.join(tmp, 'a.tar'), 'one', 'two']);
    const buf = fs.readFileSync(path.join(tmp, 'a.tar'));
    buf[1024] ^= 0x20; // second header's name
    await expectInvalid(readAll(chunked(buf, 4096)), /byte offset 1024 has a bad checksum/);
    const notTar = Buffer.alloc(2048, 0x41);
    await expectInvalid(readAll(chunked(notTar, 4096)), /byte offset 0 has a bad checksum/);
  });

  it('ends at two zero blocks or at end of input, and rejects a lone zero block followed by data', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'f'), 'x');
    execFileSync('tar', ['--format=ustar', '-C', root, '-cf', path.join(tmp, 'a.tar'), 'f']);
    const buf = fs.readFileSync(path.join(tmp, 'a.tar'));
    const member = buf.subarray(0, 1024);
    expect((await readAll(chunked(member, 4096))).map((e) => e.name)).to.deep.equal(['f']);
    const trailingGarbage = Buffer.concat([member, Buffer.alloc(1024), Buffer.from('garbage after the end')]);
    expect((await readAll(chunked(trailingGarbage, 4096))).map((e) => e.name)).to.deep.equal(['f']);
    const lone = Buffer.concat([member, Buffer.alloc(512), member, Buffer.alloc(1024)]);
    await expectInvalid(readAll(chunked(lone, 4096)), /lone zero block/);
  });

  it('maps names that are not UTF-8 to strings that encode back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 40}), (bytes) => {
        const b = Buffer.from(bytes);
        expect(encodeName(decodeName(b)).equals(b)).to.equal(true);
      }),
      {numRuns: 2000},
    );
    expect(decodeName(Buffer.from('héllo'))).to.equal('héllo');
  });
});
