// encodeEntry: what it writes must read back identically with our reader and with GNU tar.
import {expect} from 'chai';
import * as fc from 'fast-check';
import {execFileSync, spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError} from '../../src/errors';
import {BLOCK_SIZE, decodeHeader, decodeName} from '../../src/image/tar/tar-header';
import {parsePaxRecords, readTar} from '../../src/image/tar/tar-reader';
import {END_OF_ARCHIVE, encodeEntry, padding, type TarHeaderInit} from '../../src/image/tar/tar-writer';

function archive(entries: {h: TarHeaderInit; data?: Buffer}[]): Buffer {
  const parts: Buffer[] = [];
  for (const {h, data} of entries) {
    parts.push(...encodeEntry({...h, size: data?.length ?? 0}));
    if (data) parts.push(data, padding(data.length));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

async function readBack(buf: Buffer) {
  const out = [];
  for await (const e of readTar(once(buf))) {
    const chunks: Buffer[] = [];
    for await (const c of e.data) chunks.push(c);
    out.push({...e, content: Buffer.concat(chunks)});
  }
  return out;
}

/** `tar -tv` with numeric owners and UTC times, one line per entry. */
function gnuList(buf: Buffer): string[] {
  const r = spawnSync('tar', ['--numeric-owner', '--full-time', '-tvf', '-'], {input: buf, env: {...process.env, TZ: 'UTC', LC_ALL: 'C'}});
  expect(r.status, r.stderr.toString()).to.equal(0);
  expect(r.stderr.toString()).to.equal('');
  return r.stdout.toString('latin1').trimEnd().split('\n');
}

describe('tar writer', function () {
  this.timeout(30_000);

  it('writes plain ustar for short names, with no PAX header', () => {
    const blocks = encodeEntry({name: 'etc/passwd', type: '0', mode: 0o644, uid: 1, gid: 2, size: 5, mtime: 1700000000});
    expect(blocks).to.have.length(1);
    expect(blocks[0].length).to.equal(BLOCK_SIZE);
    const h = decodeHeader(blocks[0], 0);
    expect(h).to.include({type: '0', mode: 0o644, uid: 1, gid: 2, size: 5, mtime: 1700000000, format: 'ustar'});
    expect(h.name.toString()).to.equal('etc/passwd');
  });

  it('splits names up to 255 bytes into prefix and name, and uses PAX beyond', async () => {
    const mid = `${'p'.repeat(140)}/${'n'.repeat(90)}`;
    const long = `${'a/'.repeat(200)}file`;
    const longLink = `/opt/${'t'.repeat(300)}`;
    expect(encodeEntry({name: mid, type: '0'})).to.have.length(1);
    const buf = archive([
      {h: {name: mid, type: '0', mode: 0o600}, data: Buffer.from('mid')},
      {h: {name: long, type: '0', mode: 0o600}, data: Buffer.from('long')},
      {h: {name: 'sym', type: '2', mode: 0o777, linkname: longLink}},
    ]);
    const got = await readBack(buf);
    expect(got.map((e) => [e.name, e.content.toString(), e.linkname])).to.deep.equal([[mid, 'mid', ''], [long, 'long', ''], ['sym', '', longLink]]);
    const listed = gnuList(buf);
    expect(listed[0]).to.match(new RegExp(`^-rw------- 0/0 +3 1970-01-01 00:00:00 ${mid}$`));
    expect(listed[1]).to.match(new RegExp(`${long}$`));
    expect(listed[2]).to.match(new RegExp(`^lrwxrwxrwx 0/0 .* sym -> ${longLink}$`));
  });

  it('uses PAX and base-256 for sizes of 8 GiB and more and for ids above 0o7777777', () => {
    const size = 9 * 1024 ** 3;
    const blocks = encodeEntry({name: 'huge', type: '0', size, uid: 0o10000000, gid: 4000000000});
    expect(blocks).to.have.length(4);
    const records = new Map(parsePaxRecords(blocks[1], 0).map(([k, v]) => [k, v.toString()]));
    expect(Object.fromEntries(records)).to.deep.equal({size: String(size), uid: String(0o10000000), gid: '4000000000'});
    // the ustar fields still hold the right values, in GNU base-256, for readers that skip PAX
    expect(decodeHeader(blocks[3], 0)).to.include({size, uid: 0o10000000, gid: 4000000000});
  });

  it('keeps sub-second and negative mtimes exactly through PAX', async () => {
    const buf = archive([
      {h: {name: 'frac', type: '0', mtime: 1700000000, mtimeNsec: 123456789}},
      {h: {name: 'float', type: '0', mtime: 1700000000.5}},
      {h: {name: 'neg', type: '0', mtime: -2, mtimeNsec: 750000000}},
      {h: {name: 'whole', type: '0', mtime: 1700000000}},
    ]);
    const got = await readBack(buf);
    expect(got.map((e) => [e.name, e.mtime, e.mtimeNsec])).to.deep.equal([
      ['frac', 1700000000, 123456789],
      ['float', 1700000000, 500000000],
      ['neg', -2, 750000000],
      ['whole', 1700000000, 0],
    ]);
    expect(gnuList(buf)[0]).to.contain('2023-11-14 22:13:20.123456789 frac');
    expect(encodeEntry({name: 'whole', type: '0', mtime: 1700000000})).to.have.length(1);
  });

  it('keeps binary xattr values (security.capability, NUL/0xff/newline bytes) byte for byte', async () => {
    const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
    const odd = Buffer.from([0x00, 0xff, 0x0a, 0x3d, 0x0a]);
    const xattrs = new Map([['security.capability', cap], ['user.test', odd]]);
    const [e] = await readBack(archive([{h: {name: 'bin/ping', type: '0', mode: 0o755, xattrs}, data: Buffer.from('ELF')}]));
    expect([...e.xattrs.keys()]).to.deep.equal(['security.capability', 'user.test']);
    expect(e.xattrs.get('security.capability')!.equals(cap)).to.equal(true);
    expect(e.xattrs.get('user.test')!.equals(odd)).to.equal(true);
    expect(e.content.toString()).to.equal('ELF');
  });

  it('writes xattrs that GNU tar restores on extraction', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-tar-writer-'));
    try {
      const probe = path.join(dir, 'probe');
      fs.writeFileSync(probe, '');
      const canXattr = spawnSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"1")', probe]).status === 0;
      if (!canXattr) this.skip();
      const odd = Buffer.from([0x00, 0xff, 0x0a, 0x3d]);
      const buf = archive([{h: {name: 'f', type: '0', mode: 0o644, xattrs: new Map([['user.test', odd]])}, data: Buffer.from('x')}]);
      execFileSync('tar', ['-x', '-f', '-', '-C', dir, '--xattrs', '--xattrs-include=*'], {input: buf});
      const got = execFileSync('python3', ['-c', 'import os,sys; sys.stdout.buffer.write(os.getxattr(sys.argv[1], "user.test"))', path.join(dir, 'f')]);
      expect(got.equals(odd)).to.equal(true);
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });

  it('writes names that are not UTF-8 as their original bytes', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-tar-writer-'));
    try {
      const short = decodeName(Buffer.from([0x61, 0xff, 0x62]));
      const long = `${'d'.repeat(120)}/${decodeName(Buffer.from([0xe9, 0x74, 0xe9]))}${'x'.repeat(140)}`;
      const buf = archive([{h: {name: short, type: '0', mode: 0o644}}, {h: {name: long, type: '0', mode: 0o644}}]);
      execFileSync('tar', ['-x', '-f', '-', '-C', dir], {input: buf});
      const top = fs.readdirSync(dir, {encoding: 'buffer'}).map((b) => b.toString('hex')).sort();
      expect(top).to.deep.equal([Buffer.from([0x61, 0xff, 0x62]).toString('hex'), Buffer.from('d'.repeat(120)).toString('hex')].sort());
      const inner = fs.readdirSync(path.join(dir, 'd'.repeat(120)), {encoding: 'buffer'});
      expect(inner[0].equals(Buffer.concat([Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('x'.repeat(140))]))).to.equal(true);
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });

  it('writes every type with the fields GNU tar shows', () => {
    const buf = archive([
      {h: {name: 'dir/', type: '5', mode: 0o1777, uid: 1000, gid: 1000, mtime: 0}},
      {h: {name: 'dir/suid', type: '0', mode: 0o4755, uid: 0, gid: 50}, data: Buffer.from('#!')},
      {h: {name: 'dir/hard', type: '1', mode: 0o4755, linkname: 'dir/suid'}},
      {h: {name: 'fifo', type: '6', mode: 0o600, uid: 65534, gid: 65534}},
      {h: {name: 'null', type: '3', mode: 0o666, devmajor: 1, devminor: 3}},
    ]);
    const lines = gnuList(buf).map((l) => l.replace(/ +/g, ' '));
    expect(lines).to.deep.equal([
      'drwxrwxrwt 1000/1000 0 1970-01-01 00:00:00 dir/',
      '-rwsr-xr-x 0/50 2 1970-01-01 00:00:00 dir/suid',
      'hrwsr-xr-x 0/0 0 1970-01-01 00:00:00 dir/hard link to dir/suid',
      'prw------- 65534/65534 0 1970-01-01 00:00:00 fifo',
      'crw-rw-rw- 0/0 1,3 1970-01-01 00:00:00 null',
    ]);
  });

  it('pads to whole blocks and ends with two zero blocks', () => {
    expect(END_OF_ARCHIVE.length).to.equal(1024);
    expect(END_OF_ARCHIVE.every((b) => b === 0)).to.equal(true);
    expect(padding(0).length).to.equal(0);
    expect(padding(1).length).to.equal(511);
    expect(padding(512).length).to.equal(0);
    expect(padding(513).length).to.equal(511);
  });

  it('refuses values tar cannot represent', () => {
    expect(() => encodeEntry({name: '', type: '0'})).to.throw(InvalidInputError, /name is empty/);
    expect(() => encodeEntry({name: 'a\0b', type: '0'})).to.throw(InvalidInputError, /NUL/);
    expect(() => encodeEntry({name: 'a', type: '2', linkname: 'x\0'})).to.throw(InvalidInputError, /NUL/);
    expect(() => encodeEntry({name: 'a', type: '0', mode: 0o170000})).to.throw(InvalidInputError, /mode/);
    expect(() => encodeEntry({name: 'a', type: '0', uid: -1})).to.throw(InvalidInputError, /uid/);
    expect(() => encodeEntry({name: 'a', type: '0', xattrs: new Map([['a=b', Buffer.alloc(1)]])})).to.throw(InvalidInputError, /xattr/);
  });

  it('round-trips arbitrary headers through the reader', async () => {
    const component = fc.stringMatching(/^[^/\0]{1,40}$/);
    const header = fc.record({
      name: fc.array(component, {minLength: 1, maxLength: 12}).map((c) => c.join('/')),
      mode: fc.integer({min: 0, max: 0o7777}),
      uid: fc.oneof(fc.integer({min: 0, max: 70000}), fc.integer({min: 0, max: 2 ** 32})),
      gid: fc.integer({min: 0, max: 2 ** 32}),
      mtime: fc.integer({min: -(2 ** 34), max: 2 ** 34}),
      mtimeNsec: fc.oneof(fc.constant(0), fc.integer({min: 0, max: 999_999_999})),
      linkname: fc.string({maxLength: 300}).filter((s) => !s.includes('\0')),
      data: fc.uint8Array({maxLength: 1100}),
      xattrs: fc.array(fc.tuple(fc.stringMatching(/^user\.[a-z]{1,10}$/), fc.uint8Array({minLength: 1, maxLength: 50})), {maxLength: 3}),
    });
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const xattrs = new Map(h.xattrs.map(([k, v]) => [k, Buffer.from(v)]));
        const data = Buffer.from(h.data);
        const [e] = await readBack(archive([{h: {...h, type: '0', xattrs}, data}]));
        expect(e).to.include({name: h.name, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime, mtimeNsec: h.mtimeNsec, linkname: h.linkname, size: data.length});
        expect(e.content.equals(data)).to.equal(true);
        expect([...e.xattrs].map(([k, v]) => [k, v.toString('hex')])).to.deep.equal([...xattrs].map(([k, v]) => [k, v.toString('hex')]));
      }),
      {numRuns: 300},
    );
  });
});
