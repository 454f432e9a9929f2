// sanitizeLayer: what reaches GNU tar is safe and faithful. Fixtures are built in each test: trees packed
// by GNU tar for the faithful path, and archives crafted with our writer for the attacks.
import {expect} from 'chai';
import * as fc from 'fast-check';
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {Writable} from 'node:stream';
import {InvalidInputError, LayerRejectedError} from '../../src/errors';
import {encodeUstarBlock} from '../../src/image/tar/tar-header';
import {readTar, type TarEntry} from '../../src/image/tar/tar-reader';
import {END_OF_ARCHIVE, encodeEntry, encodePaxRecords, padding, type TarHeaderInit} from '../../src/image/tar/tar-writer';
import {normalizeEntryPath, sanitizeLayer, symlinkEscapes, type LayerSummary, type SanitizeOptions} from '../../src/image/tar/layer-sanitizer';

type Spec = TarHeaderInit & {data?: string | Buffer};

function build(entries: Spec[]): Buffer {
  const parts: Buffer[] = [];
  for (const {data, ...h} of entries) {
    const bytes = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
    parts.push(...encodeEntry({mode: 0o644, ...h, size: bytes.length}));
    parts.push(bytes, padding(bytes.length));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

async function* chunks(buf: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** A Writable that keeps what it receives; `delay` makes it slow so backpressure kicks in. */
class Collector extends Writable {
  readonly parts: Buffer[] = [];
  drains = 0;
  constructor(private readonly delay = false, highWaterMark = 16 * 1024) {
    super({highWaterMark});
    this.on('drain', () => this.drains++);
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error) => void): void {
    this.parts.push(Buffer.from(chunk));
    if (this.delay) setImmediate(cb);
    else cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const KEEP: SanitizeOptions = {whiteouts: 'keep'};
const USER: SanitizeOptions = {whiteouts: 'overlay-user'};

async function sanitize(input: Buffer, opts: SanitizeOptions = KEEP): Promise<{summary: LayerSummary; out: Buffer}> {
  const sink = new Collector();
  const summary = await sanitizeLayer(chunks(input), sink, opts);
  expect(sink.writableEnded, 'output ended').to.equal(true);
  return {summary, out: sink.bytes};
}

type OutEntry = Omit<TarEntry, 'data'> & {content: Buffer};

async function entriesOf(tar: Buffer): Promise<OutEntry[]> {
  const out: OutEntry[] = [];
  for await (const e of readTar(chunks(tar))) {
    const parts: Buffer[] = [];
    for await (const c of e.data) parts.push(c);
    const {data: _data, ...rest} = e;
    out.push({...rest, content: Buffer.concat(parts)});
  }
  return out;
}

/** Expects a LayerRejectedError naming `entry`, and that the output was not ended (tar must not finish). */
async function expectRejected(entries: Spec[] | Buffer, entry: string, reason: RegExp, opts: SanitizeOptions = USER): Promise<void> {
  const sink = new Collector();
  const input = Buffer.isBuffer(entries) ? entries : build(entries);
  try {
    await sanitizeLayer(chunks(input), sink, opts);
  } catch (e) {
    expect(e).to.be.instanceOf(LayerRejectedError);
    const err = e as LayerRejectedError;
    expect(err.entry).to.equal(entry);
    expect(err.message).to.contain(`"${entry}"`);
    expect(err.message).to.match(reason);
    expect(sink.writableEnded, 'output ended after a rejection').to.equal(false);
    return;
  }
  expect.fail(`expected entry ${entry} to be rejected`);
}

function tarList(tar: Buffer): string[] {
  const r = spawnSync('tar', ['--numeric-owner', '-tvf', '-'], {input: tar, env: {...process.env, TZ: 'UTC', LC_ALL: 'C'}});
  expect(r.status, r.stderr.toString()).to.equal(0);
  return r.stdout.toString().trimEnd().split('\n').map((l) => l.replace(/ +/g, ' '));
}

const EXTRACT_ARGS = ['--numeric-owner', '--same-owner', '--same-permissions', '--xattrs', '--xattrs-include=*', '--delay-directory-restore'];

/** Streams the sanitizer's output straight into `tar -x` the way the layer store does. */
async function extract(input: AsyncIterable<Buffer>, dest: string, opts: SanitizeOptions = KEEP): Promise<LayerSummary> {
  const child = spawn('tar', ['-x', '-f', '-', '-C', dest, ...EXTRACT_ARGS], {stdio: ['pipe', 'ignore', 'pipe']});
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.on('error', () => undefined);
  let summary: LayerSummary;
  try {
    summary = await sanitizeLayer(input, child.stdin, opts);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  const code = await exited;
  expect(code, Buffer.concat(stderr).toString()).to.equal(0);
  return summary;
}

interface Node {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs?: bigint;
  target?: string;
  sha?: string;
  links?: string;
}

/** Everything about a tree that extraction must preserve; hardlinks as the set of names sharing an inode. */
function snapshot(root: string): Map<string, Node> {
  const out = new Map<string, Node>();
  const byIno = new Map<bigint, string[]>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = path.join(root, r);
      const st = fs.lstatSync(p, {bigint: true});
      const n: Node = {type: '', mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid)};
      if (st.isDirectory()) {
        n.type = 'dir';
        walk(r);
      } else if (st.isSymbolicLink()) {
        n.type = 'symlink';
        n.target = fs.readlinkSync(p);
      } else if (st.isFIFO()) {
        n.type = 'fifo';
      } else {
        n.type = 'file';
        n.sha = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
        byIno.set(st.ino, [...(byIno.get(st.ino) ?? []), r]);
      }
      if (!st.isSymbolicLink()) n.mtimeNs = st.mtimeNs;
      out.set(r, n);
    }
  };
  walk('');
  for (const names of byIno.values()) for (const n of names) out.get(n)!.links = names.sort().join(',');
  return out;
}

const isRoot = process.getuid?.() === 0;

describe('layer sanitizer', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-tar-sanitizer-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, {recursive: true, force: true});
  });

  describe('faithful round trip', () => {
    function makeTree(root: string): void {
      const w = (rel: string, data: string | Buffer, mode = 0o644) => {
        fs.mkdirSync(path.join(root, path.dirname(rel)), {recursive: true});
        fs.writeFileSync(path.join(root, rel), data);
        fs.chmodSync(path.join(root, rel), mode);
      };
      w('etc/hello.txt', 'hello world\n');
      w('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
      w('bin/suid', 'x', 0o4750);
      w('empty', '');
      w('big.bin', Buffer.from(Array.from({length: 3_000_000}, (_, i) => (i * 7919 + (i >> 11)) & 0xff)));
      w('héllo-ünïcode.txt', 'unicode\n');
      w(`${'long-directory-name/'.repeat(8)}${'f'.repeat(120)}`, 'deep\n');
      fs.mkdirSync(path.join(root, 'tmp'));
      fs.chmodSync(path.join(root, 'tmp'), 0o1777);
      fs.mkdirSync(path.join(root, 'private'));
      fs.chmodSync(path.join(root, 'private'), 0o700);
      fs.symlinkSync('../etc/hello.txt', path.join(root, 'bin/rel-link'));
      fs.symlinkSync('/etc/alternatives/awk', path.join(root, 'abs-link'));
      fs.linkSync(path.join(root, 'etc/hello.txt'), path.join(root, 'etc/hard.txt'));
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
      if (isRoot) {
        fs.lchownSync(path.join(root, 'etc/hello.txt'), 1234, 5678);
        fs.lchownSync(path.join(root, 'private'), 100, 101);
        fs.lchownSync(path.join(root, 'abs-link'), 7, 8);
      }
      fs.utimesSync(path.join(root, 'etc'), 1_600_000_000, 1_600_000_000.25);
    }

    it('lists what GNU tar packed, with numeric owners and all mode bits', async () => {
      const root = path.join(tmp, 'tree');
      fs.mkdirSync(root);
      makeTree(root);
      const input = execFileSync('tar', ['--format=pax', '-C', root, '-cf', '-', '.'], {maxBuffer: 64 << 20});
      const {out, summary} = await sanitize(input);
      const lines = tarList(out);
      const uid = process.getuid!();
      const gid = process.getgid!();
      const owner = (u: number, g: number) => (isRoot ? `${u}/${g}` : `${uid}/${gid}`);
      // GNU tar stores whichever of the two hardlinked names it meets first as the file
      const hello = (n: string) => `-rw-r--r-- ${owner(1234, 5678)} 12 ${dateOf(root, 'etc/hello.txt')} ${n}`;
      expect(lines.includes(hello('etc/hello.txt')) || lines.includes(hello('etc/hard.txt')), lines.join('\n')).to.equal(true);
      expect(lines.filter((l) => / etc\/(hello|hard)\.txt link to etc\/(hello|hard)\.txt$/.test(l))).to.have.length(1);
      expect(lines).to.include.members([
        `-rwsr-x--- ${uid}/${gid} 1 ${dateOf(root, 'bin/suid')} bin/suid`,
        `drwxrwxrwt ${uid}/${gid} 0 ${dateOf(root, 'tmp')} tmp/`,
        `drwx------ ${owner(100, 101)} 0 ${dateOf(root, 'private')} private/`,
        `lrwxrwxrwx ${uid}/${gid} 0 ${dateOf(root, 'bin/rel-link')} bin/rel-link -> ../etc/hello.txt`,
        `lrwxrwxrwx ${owner(7, 8)} 0 ${dateOf(root, 'abs-link')} abs-link -> /etc/alternatives/awk`,
        `prw-r--r-- ${uid}/${gid} 0 ${dateOf(root, 'pipe')} pipe`,
      ]);
      expect(lines[0]).to.match(/^d.* \.\/$/);
      expect(summary.entries).to.equal(lines.length);
      expect(summary.skipped).to.deep.equal([]);
    });

    it('extracts through GNU tar into an identical tree', async () => {
      const root = path.join(tmp, 'tree');
      const dest = path.join(tmp, 'dest');
      fs.mkdirSync(root);
      fs.mkdirSync(dest);
      makeTree(root);
      const archive = path.join(tmp, 'layer.tar');
      execFileSync('tar', ['--format=pax', '-C', root, '-cf', archive, '.']);
      const summary = await extract(fs.createReadStream(archive), dest);
      const want = snapshot(root);
      const got = snapshot(dest);
      expect([...got.keys()]).to.deep.equal([...want.keys()]);
      for (const [name, node] of want) {
        const g = got.get(name)!;
        if (!isRoot) {
          // as a normal user ownership cannot be restored, only kept
          node.uid = g.uid;
          node.gid = g.gid;
        }
        expect(g, name).to.deep.equal(node);
      }
      expect(summary.uncompressedSize).to.equal(fs.statSync(archive).size);
    });

    it('passes xattrs through to disk, binary values intact', async function () {
      const probe = path.join(tmp, 'probe');
      fs.writeFileSync(probe, '');
      if (spawnSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"1")', probe]).status !== 0) this.skip();
      const value = Buffer.from([0x00, 0xff, 0x0a, 0x3d]);
      const input = build([{name: 'f', type: '0', data: 'x', uid: process.getuid!(), gid: process.getgid!(), xattrs: new Map([['user.test', value]])}]);
      const {out} = await sanitize(input);
      expect((await entriesOf(out))[0].xattrs.get('user.test')!.equals(value)).to.equal(true);
      const dest = path.join(tmp, 'dest');
      fs.mkdirSync(dest);
      await extract(chunks(input), dest);
      const got = execFileSync('python3', ['-c', 'import os,sys; sys.stdout.buffer.write(os.getxattr(sys.argv[1], "user.test"))', path.join(dest, 'f')]);
      expect(got.equals(value)).to.equal(true);
    });

    it('keeps ids, modes, sub-second mtimes and link targets, and normalizes names', async () => {
      const input = build([
        {name: './', type: '5', mode: 0o755},
        {name: './usr//bin/', type: '5', mode: 0o755, uid: 0, gid: 0},
        {name: './usr/bin/./tool', type: '0', mode: 0o6755, uid: 1000, gid: 2000, mtime: 1700000000, mtimeNsec: 42, data: 'bin', uname: 'someone', gname: 'group'},
        {name: 'usr/bin/alias', type: '1', linkname: './usr/bin/tool', mode: 0o6755, uid: 1000, gid: 2000},
        {name: 'usr/lib/huge-id', type: '0', uid: 3_000_000_000, gid: 70000, data: ''},
      ]);
      const out = await entriesOf((await sanitize(input)).out);
      expect(out.map((e) => [e.name, e.type, e.mode, e.uid, e.gid, e.linkname, e.uname])).to.deep.equal([
        ['./', '5', 0o755, 0, 0, '', ''],
        ['usr/bin/', '5', 0o755, 0, 0, '', ''],
        ['usr/bin/tool', '0', 0o6755, 1000, 2000, '', ''],
        ['usr/bin/alias', '1', 0o6755, 1000, 2000, 'usr/bin/tool', ''],
        ['usr/lib/huge-id', '0', 0o644, 3_000_000_000, 70000, '', ''],
      ]);
      expect(out[2]).to.include({mtime: 1700000000, mtimeNsec: 42});
      expect(out[2].content.toString()).to.equal('bin');
    });

    it('streams data under backpressure from a slow output', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      const input = build([{name: 'a', type: '0', data: big}, {name: 'b', type: '0', data: 'tail'}]);
      const slow = new Collector(true, 4096);
      await sanitizeLayer(chunks(input, 64 * 1024), slow, KEEP);
      expect(slow.drains).to.be.greaterThan(10);
      const out = await entriesOf(slow.bytes);
      expect(out[0].content.equals(big)).to.equal(true);
      expect(out[1].content.toString()).to.equal('tail');
    });

    it('rejects instead of hanging when the output fails', async () => {
      const broken = new Writable({
        highWaterMark: 1024,
        write: (_c, _e, cb) => cb(new Error('EPIPE: tar went away')),
      });
      const input = build([{name: 'a', type: '0', data: Buffer.alloc(100_000)}]);
      let error: unknown;
      await sanitizeLayer(chunks(input), broken, KEEP).catch((e) => (error = e));
      expect((error as Error).message).to.contain('tar went away');
    });
  });

  describe('digests and compression', () => {
    it('gives a gzip layer the DiffID of its uncompressed tar', async () => {
      const root = path.join(tmp, 'tree');
      fs.mkdirSync(root);
      fs.writeFileSync(path.join(root, 'f'), 'some content\n'.repeat(1000));
      const plain = path.join(tmp, 'layer.tar');
      execFileSync('tar', ['--format=pax', '-C', root, '-cf', plain, '.']);
      execFileSync('gzip', ['-k', '-9', plain]);
      const sha = (file: string) => `sha256:${execFileSync('sha256sum', [file]).toString().split(' ')[0]}`;

      const a = await sanitizeLayer(fs.createReadStream(plain), new Collector(), KEEP);
      const gz = new Collector();
      const b = await sanitizeLayer(fs.createReadStream(`${plain}.gz`, {highWaterMark: 3}), gz, KEEP);
      expect(a.diffId).to.equal(sha(plain));
      expect(b.diffId).to.equal(a.diffId);
      expect(a.compressedDigest).to.equal(a.diffId);
      expect(b.compressedDigest).to.equal(sha(`${plain}.gz`));
      expect([a.compression, b.compression]).to.deep.equal(['none', 'gzip']);
      expect(b.uncompressedSize).to.equal(fs.statSync(plain).size);
      expect((await entriesOf(gz.bytes)).map((e) => e.name)).to.deep.equal(['./', 'f']);
    });

    it('reads zstd layers (as made by the zstd tool) with the same diff id as the plain tar', async () => {
      const tar = build([{name: 'f', type: '0', data: Buffer.alloc(100_000, 3)}, {name: 'g', type: '0', data: 'x'}]);
      const zst = execFileSync('zstd', ['-c', '-q'], {input: tar});
      const out = new Collector();
      const s = await sanitizeLayer(chunks(zst, 7), out, KEEP);
      expect(s.compression).to.equal('zstd');
      expect(s.diffId).to.equal(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
      expect(s.compressedDigest).to.equal(`sha256:${createHash('sha256').update(zst).digest('hex')}`);
      expect((await entriesOf(out.bytes)).map((e) => e.name)).to.deep.equal(['f', 'g']);
    });

    it('rejects corrupt zstd and corrupt gzip as invalid input', async () => {
      const tar = build([{name: 'f', type: '0', data: 'x'}]);
      const zstdMagic = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tar]);
      let err: unknown = await sanitizeLayer(chunks(zstdMagic, 2), new Collector(), KEEP).catch((e) => e);
      expect(err).to.be.instanceOf(InvalidInputError);
      expect((err as Error).message).to.match(/not valid zstd/);
      const gz = execFileSync('gzip', ['-c'], {input: tar});
      const evil = execFileSync('gzip', ['-c'], {input: build([{name: 'a', type: '2', linkname: '/etc'}, {name: 'a/passwd', type: '0', data: 'x'}])});
      err = await sanitizeLayer(chunks(evil, 10), new Collector(), USER).catch((e) => e);
      expect(err).to.be.instanceOf(LayerRejectedError);
      expect((err as LayerRejectedError).entry).to.equal('a/passwd');
      err = await sanitizeLayer(chunks(gz.subarray(0, gz.length - 12)), new Collector(), KEEP).catch((e) => e);
      expect(err).to.be.instanceOf(InvalidInputError);
      expect((err as Error).message).to.match(/gzip/);
    });

    it('reports a truncated archive or a bad checksum as invalid input', async () => {
      const tar = build([{name: 'f', type: '0', data: Buffer.alloc(2000, 7)}, {name: 'g', type: '0', data: 'x'}]);
      const sink = new Collector();
      let err: unknown = await sanitizeLayer(chunks(tar.subarray(0, 1500)), sink, KEEP).catch((e) => e);
      expect(err).to.be.instanceOf(InvalidInputError);
      expect((err as Error).message).to.match(/truncated.*byte offset 1500/);
      expect(sink.writableEnded).to.equal(false);
      const corrupt = Buffer.from(tar);
      corrupt[512 * 5 + 3] ^= 1;
      err = await sanitizeLayer(chunks(corrupt), new Collector(), KEEP).catch((e) => e);
      expect(err).to.be.instanceOf(InvalidInputError);
      expect((err as Error).message).to.match(/byte offset 2560 has a bad checksum/);
    });
  });

  describe('rejections', () => {
    it('rejects a path through a symlink made earlier in the layer', async () => {
      await expectRejected([{name: 'a', type: '2', linkname: '/etc'}, {name: 'a/passwd', type: '0', data: 'root::0:0::/:/bin/sh\n'}], 'a/passwd', /path goes through symlink a$/);
      await expectRejected([{name: 'a', type: '2', linkname: 'b'}, {name: 'b/', type: '5'}, {name: './a/x', type: '0'}], './a/x', /goes through symlink a/);
      await expectRejected([{name: 'd/l', type: '2', linkname: '/'}, {name: 'd/l/etc/cron.d/x', type: '0'}], 'd/l/etc/cron.d/x', /goes through symlink d\/l/);
      // even once the symlink has been replaced: tar's behaviour on replacement is not worth betting on
      await expectRejected([{name: 'a', type: '2', linkname: '/etc'}, {name: 'a', type: '0'}, {name: 'a/x', type: '0'}], 'a/x', /goes through symlink a/);
      await expectRejected([{name: 'a', type: '2', linkname: '/etc'}, {name: 'a/.wh.passwd', type: '0'}], 'a/.wh.passwd', /goes through symlink a/);
      await expectRejected([{name: 'a', type: '2', linkname: '/etc'}, {name: 'a/.wh..wh..opq', type: '0'}], 'a/.wh..wh..opq', /goes through symlink a/);
    });

    it('rejects a directory entry that would land on a symlink, and a symlink replacing a directory', async () => {
      await expectRejected([{name: 'a', type: '2', linkname: '/home/user/.ssh'}, {name: 'a/', type: '5', mode: 0o777}], 'a/', /directory replaces symlink a/);
      await expectRejected([{name: 'd/', type: '5'}, {name: 'd', type: '2', linkname: '/etc'}], 'd', /symlink replaces directory d/);
    });

    it('rejects ".." components, absolute names, NUL bytes and a non-directory root', async () => {
      await expectRejected([{name: '../x', type: '0'}], '../x', /"\.\." component/);
      await expectRejected([{name: 'a/../../etc/passwd', type: '0'}], 'a/../../etc/passwd', /"\.\." component/);
      await expectRejected([{name: 'ok', type: '0'}, {name: 'x/..', type: '5'}], 'x/..', /"\.\." component/);
      await expectRejected([{name: '/etc/passwd', type: '0'}], '/etc/passwd', /absolute path/);
      await expectRejected([{name: '.', type: '0'}], '.', /root can only be a directory/);
      await expectRejected([{name: './', type: '2', linkname: '/'}], './', /root can only be a directory/);
      const pax = encodePaxRecords([['path', Buffer.from('evil\0.txt')]]);
      const nul = Buffer.concat([
        encodeUstarBlock({name: Buffer.from('PaxHeader'), prefix: Buffer.alloc(0), type: 'x', mode: 0o644, uid: 0, gid: 0, size: pax.length,
          mtime: 0, linkname: Buffer.alloc(0), uname: Buffer.alloc(0), gname: Buffer.alloc(0), devmajor: 0, devminor: 0}),
        pax, padding(pax.length), ...encodeEntry({name: 'placeholder', type: '0'}), END_OF_ARCHIVE,
      ]);
      await expectRejected(nul, 'evil\0.txt', /NUL byte/);
    });

    it('allows absolute symlinks but rejects relative ones that climb out of the layer', async () => {
      const {out} = await sanitize(build([
        {name: 'etc/alternatives/awk', type: '2', linkname: '/usr/bin/mawk'},
        {name: 'usr/bin/awk', type: '2', linkname: '../../etc/alternatives/awk'},
        {name: 'lib', type: '2', linkname: 'usr/lib'},
      ]), USER);
      expect((await entriesOf(out)).map((e) => `${e.name} -> ${e.linkname}`)).to.deep.equal([
        'etc/alternatives/awk -> /usr/bin/mawk', 'usr/bin/awk -> ../../etc/alternatives/awk', 'lib -> usr/lib',
      ]);
      await expectRejected([{name: 'etc/x', type: '2', linkname: '../../../etc/passwd'}], 'etc/x', /symlink target \.\.\/\.\.\/\.\.\/etc\/passwd escapes the layer root/);
      await expectRejected([{name: 'a', type: '2', linkname: '..'}], 'a', /escapes/);
      await expectRejected([{name: 'a', type: '2', linkname: '../..'}], 'a', /escapes/);
      await expectRejected([{name: 'd/a', type: '2', linkname: 'x/../../../y'}], 'd/a', /escapes/);
      await expectRejected([{name: 'a', type: '2', linkname: ''}], 'a', /empty target/);
    });

    it('rejects hardlinks outside the layer, to missing entries and to anything but regular files', async () => {
      await expectRejected([{name: 'shadow', type: '1', linkname: '/etc/shadow'}], 'shadow', /hardlink target \/etc\/shadow is outside the layer/);
      await expectRejected([{name: 'x', type: '0'}, {name: 'up', type: '1', linkname: '../x'}], 'up', /hardlink target \.\.\/x is outside the layer/);
      await expectRejected([{name: 'h', type: '1', linkname: 'later'}, {name: 'later', type: '0'}], 'h', /hardlink to missing entry later/);
      await expectRejected([{name: 'd/', type: '5'}, {name: 'h', type: '1', linkname: 'd'}], 'h', /is a dir, not a regular file/);
      await expectRejected([{name: 's', type: '2', linkname: '/etc/shadow'}, {name: 'h', type: '1', linkname: 's'}], 'h', /is a symlink, not a regular file/);
      await expectRejected([{name: 'f', type: '0'}, {name: 'f', type: '2', linkname: '/etc/shadow'}, {name: 'h', type: '1', linkname: 'f'}], 'h', /is a symlink/);
      await expectRejected([{name: 'l', type: '2', linkname: '/etc'}, {name: 'h', type: '1', linkname: 'l/shadow'}], 'h', /hardlink target goes through symlink l/);
      await expectRejected([{name: 'f', type: '0'}, {name: 'f', type: '1', linkname: 'f'}], 'f', /hardlink to itself/);
      // and the happy path: chains of hardlinks to a regular file are fine
      const {out} = await sanitize(build([{name: 'f', type: '0', data: 'x'}, {name: 'h1', type: '1', linkname: './f'}, {name: 'h2', type: '1', linkname: 'h1'}]));
      expect((await entriesOf(out)).map((e) => [e.name, e.linkname])).to.deep.equal([['f', ''], ['h1', 'f'], ['h2', 'h1']]);
    });

    it('rejects unknown entry types', async () => {
      await expectRejected([{name: 'label', type: 'V'}], 'label', /unsupported entry type "V"/);
      await expectRejected([{name: 'dumpdir', type: 'D', data: 'Yfile\0\0'}], 'dumpdir', /unsupported entry type "D"/);
    });

    it('enforces the entry and total size limits', async () => {
      await expectRejected([{name: 'small', type: '0', data: 'x'.repeat(10)}, {name: 'big', type: '0', data: 'x'.repeat(11)}], 'big',
        /entry is 11 bytes, larger than the limit of 10/, {whiteouts: 'keep', maxEntrySize: 10});
      const many = Array.from({length: 10}, (_, i) => ({name: `f${i}`, type: '0', data: Buffer.alloc(1000)}));
      // f5's data would start at byte 8192 and end at 9192
      await expectRejected(many, 'f5', /layer would be at least 9192 bytes uncompressed, larger than the limit of 8000/, {whiteouts: 'keep', maxTotalSize: 8000});
      // bytes outside any entry count too (here: a long tail after the end-of-archive marker)
      const tail = Buffer.concat([build([{name: 'f', type: '0', data: 'x'}]), Buffer.alloc(50_000, 1)]);
      await expectRejected(tail, '(archive)', /more than 20000 bytes uncompressed/, {whiteouts: 'keep', maxTotalSize: 20_000});
    });

    it('rejects invalid whiteout names, whiteouts clashing with entries, and forged overlay xattrs', async () => {
      for (const mode of ['keep', 'overlay-user'] as const) {
        await expectRejected([{name: 'd/.wh.', type: '0'}], 'd/.wh.', /invalid whiteout name/, {whiteouts: mode});
        await expectRejected([{name: 'd/.wh..', type: '0'}], 'd/.wh..', /invalid whiteout name/, {whiteouts: mode});
        await expectRejected([{name: 'd/.wh...', type: '0'}], 'd/.wh...', /invalid whiteout name/, {whiteouts: mode});
      }
      await expectRejected([{name: 'foo', type: '0'}, {name: '.wh.foo', type: '0'}], '.wh.foo', /foo is both whited out and present/);
      await expectRejected([{name: 'd/.wh.foo', type: '0'}, {name: 'd/foo/bar', type: '0'}], 'd/foo/bar', /d\/foo is both whited out and present/);
      await expectRejected([{name: '.wh.x/y', type: '0'}], '.wh.x/y', /whiteout \.wh\.x is used as a directory/);
      await expectRejected([{name: 'd/', type: '5', xattrs: new Map([['user.overlay.opaque', Buffer.from('y')]])}], 'd/', /overlayfs xattr user\.overlay\.opaque/);
      await expectRejected([{name: 'd/', type: '5', xattrs: new Map([['trusted.overlay.redirect', Buffer.from('/x')]])}], 'd/', /overlayfs xattr/);
    });
  });

  describe('whiteouts and devices', () => {
    const layer = () => build([
      {name: 'dir/', type: '5', mode: 0o755},
      {name: 'dir/.wh.foo', type: '0', mtime: 5},
      {name: 'gone/.wh..wh..opq', type: '0'},
      {name: 'kept/', type: '5', mode: 0o700, uid: 5, gid: 6, mtime: 123, xattrs: new Map([['user.a', Buffer.from([1, 2])]])},
      {name: 'kept/.wh..wh..opq', type: '0'},
      {name: 'kept/new', type: '0', data: 'n'},
      {name: 'late/.wh..wh..opq', type: '0'},
      {name: 'late/', type: '5', mode: 0o750, uid: 9, gid: 9},
      {name: 'dev/null', type: '3', mode: 0o666, devmajor: 1, devminor: 3},
      {name: 'dev/sda', type: '4', mode: 0o660, devmajor: 8, devminor: 0},
      {name: 'run/fifo', type: '6', mode: 0o600},
      {name: '.wh..wh.plnk/123.456', type: '0'},
    ]);

    it('turns .wh.NAME into a 0/0 character device and opaque markers into an xattr on the directory', async () => {
      const {out, summary} = await sanitize(layer(), USER);
      const got = await entriesOf(out);
      const opaque = (e: OutEntry) => e.xattrs.get('user.overlay.opaque')?.toString();
      expect(got.map((e) => [e.name, e.type, e.mode, e.uid, e.gid, e.devmajor, e.devminor, opaque(e)])).to.deep.equal([
        ['dir/', '5', 0o755, 0, 0, 0, 0, undefined],
        ['dir/foo', '3', 0, 0, 0, 0, 0, undefined],
        ['gone/', '5', 0o755, 0, 0, 0, 0, 'y'],
        ['kept/', '5', 0o700, 5, 6, 0, 0, undefined],
        ['kept/', '5', 0o700, 5, 6, 0, 0, 'y'],
        ['kept/new', '0', 0o644, 0, 0, 0, 0, undefined],
        ['late/', '5', 0o755, 0, 0, 0, 0, 'y'],
        ['late/', '5', 0o750, 9, 9, 0, 0, 'y'],
        ['run/fifo', '6', 0o600, 0, 0, 0, 0, undefined],
      ]);
      expect(got[1].mtime).to.equal(5);
      expect(got[4].mtime).to.equal(123);
      expect([...got[4].xattrs.keys()].sort()).to.deep.equal(['user.a', 'user.overlay.opaque']);
      expect(summary.skipped).to.deep.equal([
        {path: 'dev/null', reason: 'device node (char 1:3) not created rootless'},
        {path: 'dev/sda', reason: 'device node (block 8:0) not created rootless'},
        {path: '.wh..wh.plnk/123.456', reason: 'aufs whiteout metadata'},
      ]);
      expect(summary.entries).to.equal(12);
      expect(tarList(out)).to.include('c--------- 0/0 0,0 1970-01-01 00:00 dir/foo');
    });

    it('uses trusted.overlay.opaque in the trusted mode', async () => {
      const got = await entriesOf((await sanitize(layer(), {whiteouts: 'overlay-trusted'})).out);
      const gone = got.find((e) => e.name === 'gone/')!;
      expect([...gone.xattrs.keys()]).to.deep.equal(['trusted.overlay.opaque']);
    });

    it('passes whiteout files through unchanged in keep mode, still skipping devices', async () => {
      const {out, summary} = await sanitize(layer(), KEEP);
      const got = await entriesOf(out);
      expect(got.map((e) => `${e.type} ${e.name}`)).to.deep.equal([
        '5 dir/', '0 dir/.wh.foo', '0 gone/.wh..wh..opq', '5 kept/', '0 kept/.wh..wh..opq', '0 kept/new',
        '0 late/.wh..wh..opq', '5 late/', '6 run/fifo', '0 .wh..wh.plnk/123.456',
      ]);
      expect(got.every((e) => e.xattrs.get('user.overlay.opaque') === undefined)).to.equal(true);
      expect(summary.skipped.map((s) => s.path)).to.deep.equal(['dev/null', 'dev/sda']);
    });
  });

  describe('path rules (property)', () => {
    const segment = fc.oneof(
      {weight: 3, arbitrary: fc.constantFrom('a', 'b/c', 'x/', '.wh')},
      {weight: 2, arbitrary: fc.constantFrom('..', '.', '', '/')},
    );
    const rawName = fc.array(fc.tuple(segment, fc.constantFrom('/', '')), {minLength: 1, maxLength: 8}).map((parts) => parts.map(([s, sep]) => s + sep).join(''));

    it('normalizes a name to one that stays inside the root, or rejects it', () => {
      fc.assert(
        fc.property(rawName, (n) => {
          let result: string;
          try {
            result = normalizeEntryPath(n);
          } catch (e) {
            expect(e).to.be.instanceOf(LayerRejectedError);
            expect((e as LayerRejectedError).entry).to.equal(n);
            expect(n.startsWith('/') || n.split('/').includes('..')).to.equal(true);
            return;
          }
          expect(result.startsWith('/')).to.equal(false);
          const parts = result === '' ? [] : result.split('/');
          expect(parts.every((p) => p !== '' && p !== '.' && p !== '..')).to.equal(true);
          expect(path.posix.resolve('/root', result).startsWith('/root')).to.equal(true);
          // the same file the name meant, just spelled canonically
          expect(path.posix.resolve('/', result)).to.equal(path.posix.resolve('/', n));
        }),
        {numRuns: 3000},
      );
    });

    it('never writes an entry that leaves the layer or goes through a symlink, end to end', async () => {
      const entry = fc.record({type: fc.constantFrom('0', '5', '2', '1'), name: rawName, target: rawName});
      await fc.assert(
        fc.asyncProperty(fc.array(entry, {minLength: 1, maxLength: 5}), async (specs) => {
          fc.pre(specs.every((e) => e.name !== ''));
          const input = build(specs.map((e) => ({name: e.name, type: e.type, linkname: e.type === '1' || e.type === '2' ? e.target : undefined})));
          let out: Buffer;
          try {
            out = (await sanitize(input, USER)).out;
          } catch (e) {
            expect(e).to.be.instanceOf(LayerRejectedError);
            return;
          }
          const symlinks = new Set<string>();
          const files = new Set<string>();
          const throughSymlink = (p: string) => p.split('/').slice(0, -1).some((_, i, parts) => symlinks.has(parts.slice(0, i + 1).join('/')));
          for (const e of await entriesOf(out)) {
            const p = e.name === './' ? '' : e.name.replace(/\/$/, '');
            expect(p.startsWith('/'), e.name).to.equal(false);
            expect(p.split('/'), e.name).to.not.include('..');
            expect(throughSymlink(p), e.name).to.equal(false);
            if (e.type === '2' && !e.linkname.startsWith('/')) {
              const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(p), e.linkname));
              expect(resolved === '..' || resolved.startsWith('../'), `${e.name} -> ${e.linkname}`).to.equal(false);
            }
            if (e.type === '1') {
              expect(files.has(e.linkname), `${e.name} link to ${e.linkname}`).to.equal(true);
              expect(throughSymlink(e.linkname)).to.equal(false);
            }
            if (e.type === '2') symlinks.add(p);
            if (e.type === '0' || e.type === '1') files.add(p);
            else files.delete(p);
          }
        }),
        {numRuns: 2000},
      );
    });

    it('agrees with a path-library oracle on which relative symlinks escape', () => {
      fc.assert(
        fc.property(rawName, rawName, (link, target) => {
          fc.pre(!link.startsWith('/') && !target.startsWith('/'));
          let normalized: string;
          try {
            normalized = normalizeEntryPath(link);
          } catch {
            return;
          }
          fc.pre(normalized !== '');
          const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(normalized), target));
          expect(symlinkEscapes(normalized, target)).to.equal(resolved === '..' || resolved.startsWith('../'));
        }),
        {numRuns: 3000},
      );
    });
  });
});

/** The date column `tar -tv` prints for a file (TZ=UTC). */
function dateOf(root: string, rel: string): string {
  const d = new Date(Math.floor(fs.lstatSync(path.join(root, rel)).mtimeMs / 1000) * 1000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
