// Storage and run root resolution, runtime-dir checks, private dirs and unsuitable filesystems.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError} from '../../src/errors';
import {checkStorageFilesystem, ensurePrivateDir, resolvePaths, unsuitableFilesystem, type HostIdentity} from '../../src/config/paths';

const user: HostIdentity = {uid: 1000, gid: 1000, rootless: true};
const root: HostIdentity = {uid: 0, gid: 0, rootless: false};
const HOME = '/home/alice';

/** A stat that knows only the given directories and their owners. */
function statOf(dirs: Record<string, number>): (p: string) => fs.Stats | undefined {
  return (p) => (p in dirs ? ({isDirectory: () => true, uid: dirs[p]} as unknown as fs.Stats) : undefined);
}

describe('unit: config/paths resolvePaths', () => {
  it('rootless defaults follow XDG: data home, runtime dir, config home', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000'}, identity: user, home: HOME, stat: statOf({'/run/user/1000': 1000}),
    });
    expect(p.root).to.equal('/home/alice/.local/share/burrow');
    expect(p.runroot).to.equal('/run/user/1000/burrow');
    expect(p.configDir).to.equal('/home/alice/.config/burrow');
    expect(p.notes).to.deep.equal([
      'storage root /home/alice/.local/share/burrow: default (~/.local/share/burrow)',
      'run root /run/user/1000/burrow: default ($XDG_RUNTIME_DIR/burrow)',
    ]);
  });

  it('honours XDG_DATA_HOME and XDG_CONFIG_HOME', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000', XDG_DATA_HOME: '/data/alice', XDG_CONFIG_HOME: '/cfg/alice'},
      identity: user, home: HOME, stat: statOf({'/run/user/1000': 1000}),
    });
    expect(p.root).to.equal('/data/alice/burrow');
    expect(p.configDir).to.equal('/cfg/alice/burrow');
  });

  it('storage.conf beats the XDG defaults and the note names the file', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000'}, identity: user, home: HOME, stat: statOf({'/run/user/1000': 1000}),
      conf: {graphroot: '/srv/conf-root', runroot: '/srv/conf-run'},
    });
    expect(p.root).to.equal('/srv/conf-root');
    expect(p.runroot).to.equal('/srv/conf-run');
    expect(p.notes).to.deep.equal([
      'storage root /srv/conf-root: from /home/alice/.config/burrow/storage.conf',
      'run root /srv/conf-run: from /home/alice/.config/burrow/storage.conf',
    ]);
  });

  it('--root / --runroot beat storage.conf', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000'}, identity: user, home: HOME, stat: statOf({'/run/user/1000': 1000}),
      conf: {graphroot: '/srv/conf-root', runroot: '/srv/conf-run'}, rootFlag: '/flag/root', runrootFlag: '/flag/run',
    });
    expect(p.root).to.equal('/flag/root');
    expect(p.runroot).to.equal('/flag/run');
    expect(p.notes).to.deep.equal(['storage root /flag/root: from --root', 'run root /flag/run: from --runroot']);
  });

  it('a flag and storage.conf can each decide one of the two paths', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000'}, identity: user, home: HOME, stat: statOf({'/run/user/1000': 1000}),
      conf: {runroot: '/srv/conf-run'}, rootFlag: '/flag/root',
    });
    expect(p.root).to.equal('/flag/root');
    expect(p.runroot).to.equal('/srv/conf-run');
  });

  it('makes relative flags absolute', () => {
    const p = resolvePaths({env: {}, identity: root, home: '/root', rootFlag: 'rel/store', runrootFlag: './run'});
    expect(p.root).to.equal(path.resolve('rel/store'));
    expect(p.runroot).to.equal(path.resolve('run'));
  });

  it('root defaults to /var/lib/burrow, /run/burrow and /etc/burrow, whatever XDG says', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/0', XDG_DATA_HOME: '/root/.data', XDG_CONFIG_HOME: '/root/.cfg'},
      identity: root, home: '/root', stat: statOf({'/run/user/0': 0}),
    });
    expect(p.root).to.equal('/var/lib/burrow');
    expect(p.runroot).to.equal('/run/burrow');
    expect(p.configDir).to.equal('/etc/burrow');
    expect(p.notes).to.deep.equal(['storage root /var/lib/burrow: default for root', 'run root /run/burrow: default for root']);
  });

  it('root flags still win for root', () => {
    const p = resolvePaths({env: {}, identity: root, home: '/root', rootFlag: '/flag/root', conf: {runroot: '/conf/run'}});
    expect(p.root).to.equal('/flag/root');
    expect(p.runroot).to.equal('/conf/run');
    expect(p.notes[1]).to.equal('run root /conf/run: from /etc/burrow/storage.conf');
  });

  it('without XDG_RUNTIME_DIR uses a private directory in the temp dir and says why', () => {
    let statted = false;
    const p = resolvePaths({env: {}, identity: user, home: HOME, stat: () => {
      statted = true;
      return undefined;
    }});
    const fallback = path.join(os.tmpdir(), 'burrow-run-1000');
    expect(p.runroot).to.equal(path.join(fallback, 'burrow'));
    expect(statted).to.equal(false);
    expect(p.notes).to.have.length(3);
    expect(p.notes[1]).to.contain('XDG_RUNTIME_DIR is not set');
    expect(p.notes[2]).to.equal(`using private runtime directory ${fallback}`);
  });

  it('an empty XDG_RUNTIME_DIR counts as unset', () => {
    const p = resolvePaths({env: {XDG_RUNTIME_DIR: ''}, identity: user, home: HOME, stat: statOf({})});
    expect(p.runroot).to.equal(path.join(os.tmpdir(), 'burrow-run-1000', 'burrow'));
  });

  it('does not use an XDG_RUNTIME_DIR owned by another uid (su, sudo -u) and the note says so', () => {
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/0'}, identity: user, home: HOME, stat: statOf({'/run/user/0': 0}),
    });
    expect(p.runroot).to.equal(path.join(os.tmpdir(), 'burrow-run-1000', 'burrow'));
    expect(p.notes[1]).to.equal('XDG_RUNTIME_DIR=/run/user/0 is owned by uid 0, not you (1000); not using it');
    expect(p.notes[2]).to.contain(path.join(os.tmpdir(), 'burrow-run-1000'));
  });

  it('inside burrow\'s user namespace (burrow unshare) the user\'s own XDG_RUNTIME_DIR shows as root\'s and is used', function () {
    if (process.geteuid!() !== 0) this.skip(); // the namespace's root is who runs burrow there
    const p = resolvePaths({
      env: {XDG_RUNTIME_DIR: '/run/user/1000', _BURROW_HOST_UID: '1000'}, identity: user, home: HOME, stat: statOf({'/run/user/1000': 0}),
    });
    expect(p.runroot).to.equal('/run/user/1000/burrow');
  });

  it('does not use a missing XDG_RUNTIME_DIR', () => {
    const p = resolvePaths({env: {XDG_RUNTIME_DIR: '/run/user/1000'}, identity: user, home: HOME, stat: statOf({})});
    expect(p.runroot).to.equal(path.join(os.tmpdir(), 'burrow-run-1000', 'burrow'));
    expect(p.notes[1]).to.equal('XDG_RUNTIME_DIR=/run/user/1000 is missing; not using it');
  });

  it('does not look at XDG_RUNTIME_DIR at all when --runroot is given', () => {
    const p = resolvePaths({env: {XDG_RUNTIME_DIR: '/run/user/0'}, identity: user, home: HOME, runrootFlag: '/flag/run', stat: () => {
      throw new Error('must not stat');
    }});
    expect(p.runroot).to.equal('/flag/run');
  });
});

describe('unit: config/paths ensurePrivateDir', () => {
  let dir: string;
  const uid = process.getuid!();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-paths-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('creates a missing directory (and parents) with mode 0700', () => {
    const d = path.join(dir, 'a', 'b');
    ensurePrivateDir(d, uid);
    const st = fs.statSync(d);
    expect(st.isDirectory()).to.equal(true);
    expect(st.mode & 0o777).to.equal(0o700);
    expect(st.uid).to.equal(uid);
  });

  it('tightens an existing 0755 directory of ours to 0700', () => {
    const d = path.join(dir, 'run');
    fs.mkdirSync(d);
    fs.chmodSync(d, 0o755);
    ensurePrivateDir(d, uid);
    expect(fs.statSync(d).mode & 0o777).to.equal(0o700);
  });

  it('leaves a 0700 directory as it is', () => {
    const d = path.join(dir, 'run');
    fs.mkdirSync(d, {mode: 0o700});
    fs.writeFileSync(path.join(d, 'keep'), 'x');
    ensurePrivateDir(d, uid);
    expect(fs.statSync(d).mode & 0o777).to.equal(0o700);
    expect(fs.readFileSync(path.join(d, 'keep'), 'utf8')).to.equal('x');
  });

  it('refuses a directory that belongs to another uid (someone created it first in /tmp)', () => {
    const d = path.join(dir, 'burrow-run-x');
    fs.mkdirSync(d, {mode: 0o777});
    // We cannot give a directory away without root; pretend to be another uid instead.
    expect(() => ensurePrivateDir(d, uid + 1)).to.throw(HostConfigError, `${d} is not a directory owned by you (uid ${uid + 1})`);
  });

  it('refuses a directory chowned to nobody (65534), as root', function () {
    if (uid !== 0) this.skip();
    const d = path.join(dir, 'burrow-run-1000');
    fs.mkdirSync(d, {mode: 0o755});
    fs.chownSync(d, 65534, 65534);
    let err: HostConfigError | undefined;
    try {
      ensurePrivateDir(d, 0);
    } catch (e) {
      err = e as HostConfigError;
    }
    expect(err).to.be.instanceOf(HostConfigError);
    expect(err!.message).to.contain(d);
    expect(err!.hint).to.contain('XDG_RUNTIME_DIR');
    // refused, not "fixed"
    expect(fs.statSync(d).mode & 0o777).to.equal(0o755);
    expect(fs.statSync(d).uid).to.equal(65534);
  });

  it('refuses a symlink planted where the directory should be', () => {
    const target = path.join(dir, 'elsewhere');
    fs.mkdirSync(target);
    const d = path.join(dir, 'run');
    fs.symlinkSync(target, d);
    expect(() => ensurePrivateDir(d, uid)).to.throw(HostConfigError);
  });
});

describe('unit: config/paths filesystems', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-fs-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('names network filesystems by their statfs magic', () => {
    expect(unsuitableFilesystem(0x6969)).to.equal('NFS');
    expect(unsuitableFilesystem(0xff534d42)).to.equal('CIFS');
    // the same magic as a signed 32-bit number (how some statfs bindings return it)
    expect(unsuitableFilesystem(0xff534d42 - 2 ** 32)).to.equal('CIFS');
    expect(unsuitableFilesystem(0x01021997)).to.equal('9p');
  });

  it('finds nothing wrong with local filesystems', () => {
    expect(unsuitableFilesystem(0xef53)).to.equal(undefined); // ext4
    expect(unsuitableFilesystem(0x58465342)).to.equal(undefined); // xfs
    expect(unsuitableFilesystem(0x9123683e)).to.equal(undefined); // btrfs
    expect(unsuitableFilesystem(0x01021994)).to.equal(undefined); // tmpfs
  });

  it('refuses a storage root on NFS, naming the path and NFS, with a hint about --root and storage.conf', () => {
    const rootDir = path.join(dir, 'store');
    fs.mkdirSync(rootDir);
    let err: HostConfigError | undefined;
    try {
      checkStorageFilesystem(rootDir, () => ({type: 0x6969}));
    } catch (e) {
      err = e as HostConfigError;
    }
    expect(err).to.be.instanceOf(HostConfigError);
    expect(err!.message).to.contain(rootDir);
    expect(err!.message).to.contain('NFS');
    expect(err!.hint).to.contain('--root');
    expect(err!.hint).to.contain('storage.conf');
  });

  it('accepts a storage root on ext4', () => {
    expect(() => checkStorageFilesystem(dir, () => ({type: 0xef53}))).not.to.throw();
  });

  it('checks the nearest existing ancestor of a root that does not exist yet', () => {
    const asked: string[] = [];
    const rootDir = path.join(dir, 'a', 'b', 'c');
    expect(() => checkStorageFilesystem(rootDir, (p) => {
      asked.push(p);
      return {type: 0x6969};
    })).to.throw(HostConfigError, rootDir);
    expect(asked).to.deep.equal([dir]);
  });

  it('works with the real statfs on the temp directory (not a network filesystem here)', function () {
    const type = fs.statfsSync(dir).type;
    if (unsuitableFilesystem(type)) this.skip();
    expect(() => checkStorageFilesystem(path.join(dir, 'x'))).not.to.throw();
  });
});
