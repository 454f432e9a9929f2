// cp's path rules, the in-root resolver (fast-check: never outside the root), and a pack → receive
// round trip on a temp tree, including the refusal to write through a symlink.
import {expect} from 'chai';
import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {Readable} from 'node:stream';
import {copyTarget, parseCopyEndpoint, sourceName} from '../../src/runtime/copy/copy-paths';
import {below, hostRootTree, resolveInRoot, type RootTree} from '../../src/runtime/copy/root-path';
import {placeRequest} from '../../src/runtime/copy/copier';
import {packTree} from '../../src/runtime/copy/tree-pack';
import {receiveTree} from '../../src/runtime/copy/tree-receive';
import {readTar} from '../../src/image/tar/tar-reader';
import {InvalidInputError, NoSuchObjectError} from '../../src/errors';
import {toContainerId} from '../../src/runtime/copy/container-copy';
import {caughtAs} from '../support/fixtures';

describe('unit: copy/copy-paths', () => {
  it('tells container paths from host paths as Podman does', () => {
    expect(parseCopyEndpoint('web:/etc/hosts')).to.deep.equal({container: 'web', path: '/etc/hosts'});
    expect(parseCopyEndpoint('web:')).to.deep.equal({container: 'web', path: '/'});
    expect(parseCopyEndpoint('/tmp/a:b')).to.deep.equal({path: '/tmp/a:b'});
    expect(parseCopyEndpoint('./a:b')).to.deep.equal({path: './a:b'});
    expect(parseCopyEndpoint('file.txt')).to.deep.equal({path: 'file.txt'});
    expect(parseCopyEndpoint('-')).to.deep.equal({path: '-'});
    caughtAs(InvalidInputError, () => parseCopyEndpoint(':/x'));
  });

  it('names the top entry after the source', () => {
    expect(sourceName('/a/b')).to.equal('b');
    expect(sourceName('/a/b/')).to.equal('b');
    expect(sourceName('/a/b/.')).to.equal('b');
    expect(sourceName('/')).to.equal('.');
  });

  const file = {isDir: false, contentsOnly: false, name: 'f'};
  const dir = {isDir: true, contentsOnly: false, name: 'd'};
  it('file: to a new name, over a file, into a directory', () => {
    expect(copyTarget(file, {path: '/x/new', parentIsDir: true})).to.equal('/x/new');
    expect(copyTarget(file, {path: '/x/old', existing: 'other', parentIsDir: true})).to.equal('/x/old');
    expect(copyTarget(file, {path: '/x/dir/', existing: 'dir', parentIsDir: true})).to.equal('/x/dir/f');
    caughtAs(NoSuchObjectError, () => copyTarget(file, {path: '/x/missing/', parentIsDir: true}));
    caughtAs(NoSuchObjectError, () => copyTarget(file, {path: '/nope/new', parentIsDir: false}));
    caughtAs(InvalidInputError, () => copyTarget(file, {path: '/x/old/', existing: 'other', parentIsDir: true}));
  });

  it('directory: created when missing, into an existing one, contents with "/."', () => {
    expect(copyTarget(dir, {path: '/x/new', parentIsDir: true})).to.equal('/x/new');
    expect(copyTarget(dir, {path: '/x/dir', existing: 'dir', parentIsDir: true})).to.equal('/x/dir/d');
    expect(copyTarget({...dir, contentsOnly: true}, {path: '/x/dir', existing: 'dir', parentIsDir: true})).to.equal('/x/dir');
    expect(copyTarget(dir, {path: '/', existing: 'dir', parentIsDir: true})).to.equal('/d');
    caughtAs(InvalidInputError, () => copyTarget(dir, {path: '/x/file', existing: 'other', parentIsDir: true}));
  });
});

/** A tree described as a map: container path → 'dir' | 'file' | {link: target}. */
function mapTree(entries: Record<string, 'dir' | 'file' | {link: string}>): RootTree {
  return {
    kind: (p) => {
      const e = entries[p];
      return e === undefined ? undefined : e === 'dir' ? 'dir' : e === 'file' ? 'other' : 'link';
    },
    readlink: (p) => (entries[p] as {link: string}).link,
  };
}

describe('unit: copy/root-path resolveInRoot', () => {
  const tree = mapTree({
    '/etc': 'dir', '/etc/passwd': 'file', '/abs': {link: '/etc'}, '/rel': {link: '../../../../etc'},
    '/deep': 'dir', '/deep/up': {link: '../../../..'}, '/loop': {link: '/loop'}, '/chain': {link: 'abs/passwd'},
  });
  it('follows absolute and relative links inside the root, at any component', () => {
    expect(resolveInRoot('/abs/passwd', tree)).to.equal('/etc/passwd');
    expect(resolveInRoot('/rel/passwd', tree)).to.equal('/etc/passwd');
    expect(resolveInRoot('/deep/up/etc', tree)).to.equal('/etc');
    expect(resolveInRoot('../../../etc/passwd', tree)).to.equal('/etc/passwd');
    expect(resolveInRoot('/chain', tree)).to.equal('/etc/passwd');
  });
  it('leaves the final link alone unless asked', () => {
    expect(resolveInRoot('/abs', tree, false)).to.equal('/abs');
    expect(resolveInRoot('/abs', tree, true)).to.equal('/etc');
  });
  it('stops at a link loop', () => {
    caughtAs(InvalidInputError, () => resolveInRoot('/loop/x', tree));
  });
  it('never leaves the root, whatever the links (property)', () => {
    const comp = fc.constantFrom('a', 'b', '..', '.', '', 'etc');
    const target = fc.tuple(fc.boolean(), fc.array(comp, {maxLength: 6})).map(([abs, cs]) => (abs ? '/' : '') + cs.join('/'));
    const treeArb = fc.dictionary(fc.array(fc.constantFrom('a', 'b', 'etc'), {minLength: 1, maxLength: 3}).map((cs) => `/${cs.join('/')}`),
      fc.oneof(fc.constant<'dir'>('dir'), target.map((t) => ({link: t}))));
    fc.assert(fc.property(treeArb, fc.array(comp, {maxLength: 8}), (t, parts) => {
      let out: string;
      try {
        out = resolveInRoot(parts.join('/'), mapTree(t));
      } catch (e) {
        return e instanceof InvalidInputError; // a loop
      }
      return out.startsWith('/') && !out.split('/').includes('..') && path.posix.normalize(out) === out;
    }));
  });
  it('maps a path into a bind', () => {
    expect(below('/data/x/y', '/data')).to.equal('x/y');
    expect(below('/data', '/data/')).to.equal('');
    expect(below('/database', '/data')).to.equal(undefined);
    expect(below('/a', '/')).to.equal('a');
  });
});

describe('unit: copy/tree-pack and tree-receive', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-cp-'));
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const put = async (src: string, dest: string, over: Partial<Parameters<typeof receiveTree>[2]> = {}, name = path.basename(src)) => receiveTree(
    readTar(Readable.from(packTree(src, name, {followTop: false}))), dest, {overwrite: false, contentsOnly: false, archive: false, keepSpecialBits: false, ...over});

  it('round-trips a tree with a symlink, a hard link and modes', async () => {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(path.join(src, 'sub'), {recursive: true});
    fs.writeFileSync(path.join(src, 'sub', 'a'), 'alpha');
    fs.linkSync(path.join(src, 'sub', 'a'), path.join(src, 'hard'));
    fs.symlinkSync('/etc/passwd', path.join(src, 'abs-link'));
    fs.chmodSync(path.join(src, 'sub', 'a'), 0o640);
    fs.chmodSync(path.join(src, 'sub'), 0o555);
    fs.mkdirSync(path.join(tmp, 'dest'));
    await put(src, path.join(tmp, 'dest'));
    const out = path.join(tmp, 'dest', 'src');
    expect(fs.readFileSync(path.join(out, 'sub', 'a'), 'utf8')).to.equal('alpha');
    expect(fs.statSync(path.join(out, 'hard')).ino).to.equal(fs.statSync(path.join(out, 'sub', 'a')).ino);
    expect(fs.readlinkSync(path.join(out, 'abs-link'))).to.equal('/etc/passwd');
    expect(fs.statSync(path.join(out, 'sub', 'a')).mode & 0o777).to.equal(0o640);
    expect(fs.statSync(path.join(out, 'sub')).mode & 0o777).to.equal(0o555);
    fs.chmodSync(path.join(src, 'sub'), 0o755);
    fs.chmodSync(path.join(out, 'sub'), 0o755);
  });

  it('copies a directory\'s contents with "/." and a file to a new name', async () => {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'one'), '1');
    fs.mkdirSync(path.join(tmp, 'existing'));
    await put(src, path.join(tmp, 'existing'), {contentsOnly: true});
    expect(fs.readdirSync(path.join(tmp, 'existing'))).to.deep.equal(['one']);
    await put(path.join(src, 'one'), path.join(tmp, 'renamed'));
    expect(fs.readFileSync(path.join(tmp, 'renamed'), 'utf8')).to.equal('1');
  });

  it('refuses to replace a directory by a file without --overwrite, and does with it', async () => {
    const f = path.join(tmp, 'thing');
    fs.writeFileSync(f, 'file');
    const d = path.join(tmp, 'dest');
    fs.mkdirSync(path.join(d, 'thing'), {recursive: true});
    const err = await put(f, d).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(InvalidInputError);
    expect(err!.message).to.match(/cannot overwrite directory/);
    await put(f, d, {overwrite: true});
    expect(fs.readFileSync(path.join(d, 'thing'), 'utf8')).to.equal('file');
  });

  it('never writes through a symlink that is in the way below the destination', async () => {
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    const d = path.join(tmp, 'dest');
    fs.mkdirSync(path.join(d, 'src'), {recursive: true});
    fs.symlinkSync(outside, path.join(d, 'src', 'sub'));
    const src = path.join(tmp, 'src');
    fs.mkdirSync(path.join(src, 'sub'), {recursive: true});
    fs.writeFileSync(path.join(src, 'sub', 'x'), 'x');
    const err = await put(src, d).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(InvalidInputError);
    expect(fs.readdirSync(outside)).to.deep.equal([]);
  });

  it('an archive stream is laid out inside an existing directory only', async () => {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'x'), 'x');
    const err = await put(src, path.join(tmp, 'missing'), {archive: true}).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(NoSuchObjectError);
    fs.mkdirSync(path.join(tmp, 'there'));
    await put(src, path.join(tmp, 'there'), {archive: true});
    expect(fs.readFileSync(path.join(tmp, 'there', 'src', 'x'), 'utf8')).to.equal('x');
  });
});

describe('unit: copy/copier placeRequest (binds of a stopped container)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-root-'));
    fs.mkdirSync(path.join(root, 'data'));
    fs.symlinkSync('/data/sub', path.join(root, 'shortcut'));
  });
  afterEach(() => fs.rmSync(root, {recursive: true, force: true}));
  const binds = [{source: '/host/vol', destination: '/data'}];

  it('serves a path inside a bind from the bind source, symlinks resolved in the root', () => {
    expect(placeRequest({op: 'put', root, binds, path: '/data/x'})).to.deep.equal({dir: '/host/vol', path: '/x'});
    expect(placeRequest({op: 'put', root, binds, path: '/shortcut/y'})).to.deep.equal({dir: '/host/vol', path: '/sub/y'});
    expect(placeRequest({op: 'get', root, binds, path: '/data/.'})).to.deep.equal({dir: '/host/vol', path: '/.'});
  });
  it('keeps other paths in the root', () => {
    expect(placeRequest({op: 'put', root, binds, path: '/etc/x'})).to.deep.equal({dir: root, path: '/etc/x'});
    expect(placeRequest({op: 'get', root, binds: [], path: 'rel'})).to.deep.equal({dir: root, path: '/rel'});
  });
  it('reads the tree without following anything on the host', () => {
    expect(hostRootTree(root).kind('/shortcut')).to.equal('link');
  });
});

describe('unit: copy/container-copy toContainerId', () => {
  const map = [{containerId: 0, hostId: 1000, size: 1}, {containerId: 1, hostId: 100000, size: 65536}];
  it('maps host ids into the container and unmapped ones to root', () => {
    expect(toContainerId(1000, map)).to.equal(0);
    expect(toContainerId(100000, map)).to.equal(1);
    expect(toContainerId(100999, map)).to.equal(1000);
    expect(toContainerId(5, map)).to.equal(0);
  });
});
