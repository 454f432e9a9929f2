// writeFileAtomic / writeJsonAtomic / readJson.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {readJson, writeFileAtomic, writeJsonAtomic} from '../../src/storage/atomic-file';

describe('unit: storage/atomic-file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('writes the content and leaves no temp file behind', () => {
    const f = path.join(dir, 'state.json');
    writeFileAtomic(f, 'first');
    writeFileAtomic(f, Buffer.from('second'));
    expect(fs.readFileSync(f, 'utf8')).to.equal('second');
    expect(fs.readdirSync(dir)).to.deep.equal(['state.json']);
  });

  it('applies the requested mode to a new file', () => {
    const f = path.join(dir, 'secret.json');
    writeFileAtomic(f, '{}', 0o600);
    expect(fs.statSync(f).mode & 0o777).to.equal(0o600);
  });

  it('replaces the file rather than writing into it (a reader holding the old file keeps the old content)', () => {
    const f = path.join(dir, 'f');
    writeFileAtomic(f, 'old');
    const fd = fs.openSync(f, 'r');
    try {
      writeFileAtomic(f, 'new content');
      const buf = Buffer.alloc(32);
      const n = fs.readSync(fd, buf, 0, 32, 0);
      expect(buf.subarray(0, n).toString()).to.equal('old');
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(f, 'utf8')).to.equal('new content');
  });

  it('leaves no temp file when the rename fails', () => {
    const target = path.join(dir, 'target');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'x'), 'x'); // a non-empty directory cannot be renamed over
    expect(() => writeFileAtomic(target, 'data')).to.throw();
    expect(fs.readdirSync(dir)).to.deep.equal(['target']);
  });

  it('writeJsonAtomic and readJson round-trip a value', () => {
    const f = path.join(dir, 'v.json');
    const value = {a: 1, b: ['x', null], c: {d: 'é'}};
    writeJsonAtomic(f, value);
    expect(readJson(f)).to.deep.equal(value);
    expect(fs.readFileSync(f, 'utf8').endsWith('\n')).to.equal(true);
  });

  it('readJson is undefined for a missing file', () => {
    expect(readJson(path.join(dir, 'missing.json'))).to.equal(undefined);
    expect(readJson(path.join(dir, 'no', 'such', 'dir.json'))).to.equal(undefined);
  });

  it('readJson throws on a corrupt file rather than pretending it is missing', () => {
    const f = path.join(dir, 'bad.json');
    fs.writeFileSync(f, '{"half":');
    expect(() => readJson(f)).to.throw(SyntaxError);
  });

  it('readJson throws on errors other than ENOENT', () => {
    expect(() => readJson(dir)).to.throw(/EISDIR/);
  });
});
