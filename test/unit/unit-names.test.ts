// NameTable: names as symlinks, reserved atomically.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {NameTable} from '../../src/storage/names';

describe('unit: storage/names NameTable', () => {
  let dir: string;
  let table: NameTable;
  const live = new Set<string>();
  const exists = (id: string) => live.has(id);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-names-'));
    table = new NameTable(path.join(dir, 'names'));
    live.clear();
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('reserve takes a free name and lookup finds it', () => {
    expect(table.reserve('web', 'id1', exists)).to.equal(undefined);
    expect(table.lookup('web')).to.equal('id1');
  });

  it('a second reserve of a held name for another id fails and returns the holder', () => {
    live.add('id1');
    expect(table.reserve('web', 'id1', exists)).to.equal(undefined);
    expect(table.reserve('web', 'id2', exists)).to.equal('id1');
    expect(table.lookup('web')).to.equal('id1');
  });

  it('a fresh reservation whose holder has no record yet is respected (its creator may still be working)', () => {
    expect(table.reserve('web', 'id1', exists)).to.equal(undefined);
    expect(table.reserve('web', 'id2', exists)).to.equal('id1');
    expect(table.lookup('web')).to.equal('id1');
  });

  it('a dangling reservation older than 60 s whose holder does not exist is taken over', () => {
    expect(table.reserve('web', 'dead', exists)).to.equal(undefined);
    const old = new Date(Date.now() - 61_000);
    fs.lutimesSync(path.join(dir, 'names', 'web'), old, old);
    expect(table.reserve('web', 'id2', exists)).to.equal(undefined);
    expect(table.lookup('web')).to.equal('id2');
  });

  it('an old reservation whose holder exists is never taken over', () => {
    live.add('id1');
    table.reserve('web', 'id1', exists);
    const old = new Date(Date.now() - 3_600_000);
    fs.lutimesSync(path.join(dir, 'names', 'web'), old, old);
    expect(table.reserve('web', 'id2', exists)).to.equal('id1');
    expect(table.lookup('web')).to.equal('id1');
  });

  it('set, lookup, release and all work with names containing "/" and ":"', () => {
    const a = 'docker.io/library/busybox:1.36';
    const b = 'localhost:5000/team/app:v1';
    table.set(a, 'img1');
    table.set(b, 'img2');
    table.set('plain', 'img1');
    expect(table.lookup(a)).to.equal('img1');
    expect(table.lookup(b)).to.equal('img2');
    expect(table.lookup('docker.io')).to.equal(undefined);
    expect(new Map([...table.all()].sort())).to.deep.equal(new Map([[a, 'img1'], [b, 'img2'], ['plain', 'img1']].sort() as [string, string][]));
    // one flat entry per name, nothing nested
    expect(fs.readdirSync(path.join(dir, 'names')).sort()).to.have.length(3);
    table.release(a);
    expect(table.lookup(a)).to.equal(undefined);
    expect([...table.all().keys()].sort()).to.deep.equal([b, 'plain'].sort());
  });

  it('set moves a name to another id', () => {
    table.set('localhost/demo:latest', 'old');
    table.set('localhost/demo:latest', 'new');
    expect(table.lookup('localhost/demo:latest')).to.equal('new');
    expect([...table.all()]).to.deep.equal([['localhost/demo:latest', 'new']]);
  });

  it('release with an id removes the name only if it still names that id', () => {
    table.set('web', 'id2');
    table.release('web', 'id1');
    expect(table.lookup('web')).to.equal('id2');
    table.release('web', 'id2');
    expect(table.lookup('web')).to.equal(undefined);
    expect(() => table.release('web', 'id2')).not.to.throw();
    expect(() => table.release('never')).not.to.throw();
  });

  it('all() of a table that was never written is empty, and ignores temp files', () => {
    expect(table.all().size).to.equal(0);
    table.set('a', '1');
    fs.symlinkSync('2', path.join(dir, 'names', '.abc.tmp'));
    expect([...table.all()]).to.deep.equal([['a', '1']]);
  });

  it('a name freed by release can be reserved again', () => {
    expect(table.reserve('web', 'id1', exists)).to.equal(undefined);
    table.release('web', 'id1');
    expect(table.reserve('web', 'id2', exists)).to.equal(undefined);
    expect(table.lookup('web')).to.equal('id2');
  });
});
