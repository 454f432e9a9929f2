// storage.conf ([storage] graphroot / runroot / driver) read from a config directory.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError} from '../../src/errors';
import {readStorageConf} from '../../src/config/storage-conf';

describe('unit: config/storage-conf readStorageConf', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-conf-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  const write = (text: string) => fs.writeFileSync(path.join(dir, 'storage.conf'), text);

  it('reads graphroot, runroot and driver from [storage]', () => {
    write([
      '# burrow storage',
      '[storage]',
      'driver = "overlay"',
      'graphroot = "/srv/burrow/storage"',
      'runroot = "/run/user/1000/burrow"',
      '',
      '[storage.options]',
      'mount_program = "/usr/bin/fuse-overlayfs"',
    ].join('\n'));
    expect(readStorageConf(dir)).to.deep.equal({
      graphroot: '/srv/burrow/storage',
      runroot: '/run/user/1000/burrow',
      driver: 'overlay',
      file: path.join(dir, 'storage.conf'),
    });
  });

  it('leaves out keys that are absent, empty or not strings', () => {
    write('[storage]\ngraphroot = ""\nrunroot = 5\n');
    const c = readStorageConf(dir);
    expect(c.graphroot).to.equal(undefined);
    expect(c.runroot).to.equal(undefined);
    expect(c.driver).to.equal(undefined);
    expect(c.file).to.equal(path.join(dir, 'storage.conf'));
  });

  it('ignores keys outside [storage]', () => {
    write('graphroot = "/top/level"\n[other]\nrunroot = "/x"\n');
    const c = readStorageConf(dir);
    expect(c.graphroot).to.equal(undefined);
    expect(c.runroot).to.equal(undefined);
  });

  it('returns {} when there is no storage.conf', () => {
    expect(readStorageConf(dir)).to.deep.equal({});
    expect(readStorageConf(path.join(dir, 'does', 'not', 'exist'))).to.deep.equal({});
  });

  it('refuses invalid TOML with an error that names the file', () => {
    write('[storage\ngraphroot = /unquoted\n');
    let err: InvalidInputError | undefined;
    try {
      readStorageConf(dir);
    } catch (e) {
      err = e as InvalidInputError;
    }
    expect(err).to.be.instanceOf(InvalidInputError);
    expect(err!.message.startsWith(`${path.join(dir, 'storage.conf')}: `)).to.equal(true);
    expect(err!.message).not.to.contain('\n');
    expect(err!.hint).to.contain('TOML');
  });
});
