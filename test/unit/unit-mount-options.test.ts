// -v, --mount, --tmpfs and --volumes-from as Podman reads them; the image's VOLUME entries; how
// a container path is found in a stack of layer directories without following host symlinks.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {addUncovered, imageVolumeMounts, inheritedMount, parseMountFlag, parseMounts, parseTmpfs, parseVolume, parseVolumesFrom} from '../../src/runtime/mount-options';
import {resolveInLayers} from '../../src/volume/rootfs-path';
import {throughMapping} from '../../src/volume/id-chown';
import {InvalidInputError} from '../../src/errors';
import {putFile} from '../support/fixtures';

describe('unit: runtime/mount-options', () => {
  it('-v HOST:CTR[:OPTIONS]: rbind, rprivate unless a propagation is given, z/Z accepted and dropped', () => {
    expect(parseVolume('/srv/data:/data')).to.deep.equal({type: 'bind', source: '/srv/data', destination: '/data', options: ['rbind', 'rprivate']});
    expect(parseVolume('/srv:/data:ro,Z,nosuid').options).to.deep.equal(['rbind', 'ro', 'nosuid', 'rprivate']);
    expect(parseVolume('/srv:/data:bind,rshared').options).to.deep.equal(['bind', 'rshared']);
    expect(parseVolume('./rel:/data/../x', '/home/u').source).to.equal('/home/u/rel');
    expect(parseVolume('./rel:/data/../x', '/home/u').destination).to.equal('/x');
  });

  it('-v NAME:CTR is a named volume (nosuid,nodev by default); -v /CTR alone an anonymous one', () => {
    expect(parseVolume('cache:/var/cache')).to.deep.equal({type: 'volume', source: 'cache', destination: '/var/cache', options: ['rbind', 'nosuid', 'nodev', 'rprivate']});
    expect(parseVolume('cache:/c:ro,suid').options).to.deep.equal(['rbind', 'ro', 'nodev', 'rprivate']);
    expect(parseVolume('/data')).to.deep.equal({type: 'volume', source: '', destination: '/data', options: ['rbind', 'nosuid', 'nodev', 'rprivate'], anonymous: true});
    expect(parseVolume('cache:/c:nocopy').noCopy).to.equal(true);
  });

  it('U and O are flags of the mount, not OCI options', () => {
    const m = parseVolume('/srv:/data:U,O');
    expect(m.chown).to.equal(true);
    expect(m.overlay).to.equal(true);
    expect(m.options).to.deep.equal(['rbind', 'rprivate']);
    expect(() => parseVolume('/srv:/data:O,ro')).to.throw(/O and ro/);
  });

  it('refuses relative container paths, bad names, unknown options, idmap and doubled destinations', () => {
    expect(() => parseVolume('/a:data')).to.throw(/must be absolute/);
    expect(() => parseVolume('data')).to.throw(/must be absolute/);
    expect(() => parseVolume('bad name:/d')).to.throw(/neither a host path nor a volume name/);
    expect(() => parseVolume('/a:/b:fast')).to.throw(/unknown option/);
    expect(() => parseVolume('/a:/b:ro,rw')).to.throw(/ro and rw/);
    expect(() => parseVolume('/a:/b:idmap')).to.throw(/idmap is not supported/);
    expect(() => parseVolume('/a::/b')).to.throw(InvalidInputError);
    expect(() => parseMounts(['/a:/d', '/b:/d'], [])).to.throw(/mounted twice/);
    expect(() => parseMounts(['/a:/d'], ['/d'])).to.throw(/mounted twice/);
    expect(() => parseMounts(['v:/d'], [], ['type=tmpfs,target=/d'])).to.throw(/mounted twice/);
  });

  it('--tmpfs PATH[:OPTIONS] with Podman\'s defaults', () => {
    expect(parseTmpfs('/run/x')).to.deep.equal({type: 'tmpfs', source: 'tmpfs', destination: '/run/x', options: ['rw', 'noexec', 'nosuid', 'nodev']});
    expect(parseTmpfs('/t:size=64m,mode=1777').options).to.deep.equal(['size=64m', 'mode=1777']);
    expect(() => parseTmpfs('t')).to.throw(/absolute/);
    expect(() => parseTmpfs('/t:size=1m;rm -rf')).to.throw(InvalidInputError);
  });

  it('--mount: bind, volume (named or anonymous), tmpfs and image forms with their keys', () => {
    expect(parseMountFlag('type=bind,source=/srv,target=/data,ro', '/')).to.deep.equal({type: 'bind', source: '/srv', destination: '/data', options: ['rbind', 'ro', 'rprivate']});
    expect(parseMountFlag('type=bind,src=./x,dst=/d,bind-propagation=rshared,bind-nonrecursive', '/home/u')).to.deep.equal({type: 'bind', source: '/home/u/x', destination: '/d', options: ['bind', 'rshared']});
    expect(parseMountFlag('type=volume,source=cache,target=/c,readonly=true')).to.deep.equal({type: 'volume', source: 'cache', destination: '/c', options: ['rbind', 'ro', 'nosuid', 'nodev', 'rprivate']});
    expect(parseMountFlag('type=volume,destination=/c')).to.include({source: '', anonymous: true});
    expect(parseMountFlag('target=/c,src=named').type).to.equal('volume'); // Podman's default type
    expect(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777').options).to.deep.equal(['rw', 'noexec', 'nosuid', 'nodev', 'size=1m', 'mode=1777']);
    expect(parseMountFlag('type=image,source=localhost/demo,target=/img')).to.deep.equal({
      type: 'image', source: 'localhost/demo', destination: '/img', options: ['rbind', 'ro', 'rprivate', 'nosuid', 'nodev'], imageName: 'localhost/demo'});
    expect(parseMountFlag('type=bind,src=/s,target=/d,U=true').chown).to.equal(true);
  });

  it('--mount refuses what it cannot mean', () => {
    expect(() => parseMountFlag('type=nfs,target=/d')).to.throw(/unknown type "nfs"/);
    expect(() => parseMountFlag('type=bind,src=/s')).to.throw(/target= is required/);
    expect(() => parseMountFlag('type=bind,target=/d')).to.throw(/needs source/);
    expect(() => parseMountFlag('type=image,target=/d')).to.throw(/needs source=IMAGE/);
    expect(() => parseMountFlag('type=image,src=x,target=/d,rw')).to.throw(/read-only/);
    expect(() => parseMountFlag('type=volume,src=/abs,target=/d')).to.throw(/not a volume name/);
    expect(() => parseMountFlag('type=bind,src=/s,target=/d,ro=maybe')).to.throw(/true or false/);
    expect(() => parseMountFlag('type=bind,src=/s,target=/d,tmpfs-size=1m')).to.throw(/for type=tmpfs/);
    expect(() => parseMountFlag('type=bind,src=/s,target=/d,color=red')).to.throw(/unknown option "color"/);
  });

  it('--volumes-from CTR[:ro|rw]: the mode overrides the other container\'s, otherwise it is kept', () => {
    expect(parseVolumesFrom('db')).to.deep.equal({container: 'db', mode: undefined});
    expect(parseVolumesFrom('db:ro,z')).to.deep.equal({container: 'db', mode: 'ro'});
    expect(() => parseVolumesFrom('db:fast')).to.throw(/invalid --volumes-from option/);
    expect(() => parseVolumesFrom(':ro')).to.throw(InvalidInputError);
    const vol = parseVolume('cache:/c');
    expect(inheritedMount(vol, 'ro').options).to.deep.equal(['rbind', 'ro', 'nosuid', 'nodev', 'rprivate']);
    expect(inheritedMount(parseVolume('cache:/c:ro'), 'rw').options).to.deep.equal(['rbind', 'nosuid', 'nodev', 'rprivate']);
    expect(inheritedMount(parseVolume('cache:/c:ro')).options).to.include('ro');
  });

  it('image VOLUMEs become anonymous volumes only where nothing else is mounted', () => {
    const own = [parseVolume('/srv:/data')];
    const all = addUncovered(own, imageVolumeMounts({'/data': {}, '/var/lib/db/': {}, relative: {}}));
    expect(all.map((m) => [m.type, m.destination, m.anonymous === true])).to.deep.equal([['bind', '/data', false], ['volume', '/var/lib/db', true]]);
  });
});

describe('unit: volume/rootfs-path', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootfs-path-'));
  const upper = path.join(tmp, 'upper');
  const lower = path.join(tmp, 'lower');
  const outside = path.join(tmp, 'outside');
  before(() => {
    putFile(path.join(lower, 'srv/data/seed'), 'x');
    putFile(path.join(outside, 'secret/file'), 'x');
    fs.mkdirSync(path.join(lower, 'var'), {recursive: true});
    fs.symlinkSync('/srv', path.join(lower, 'var/srv'));
    fs.symlinkSync('../../..', path.join(lower, 'var/climb'));
    fs.symlinkSync(outside, path.join(lower, 'escape'));
    putFile(path.join(upper, 'etc/hidden'), 'x');
    fs.mkdirSync(path.join(lower, 'shadowed'), {recursive: true});
    putFile(path.join(upper, 'shadowed'), 'a file over a directory');
  });
  after(() => fs.rmSync(tmp, {recursive: true, force: true}));

  it('finds directories in any layer, the top one winning', () => {
    expect(resolveInLayers([upper, lower], '/srv/data')).to.deep.equal({path: '/srv/data', isDirectory: true});
    expect(resolveInLayers([upper, lower], '/shadowed')).to.deep.equal({path: '/shadowed', isDirectory: false});
    expect(resolveInLayers([upper, lower], '/nope')).to.equal(undefined);
  });

  it('resolves symlinks against the container root, never the host', () => {
    expect(resolveInLayers([upper, lower], '/var/srv/data')).to.deep.equal({path: '/srv/data', isDirectory: true});
    expect(resolveInLayers([upper, lower], '/var/climb/srv')).to.deep.equal({path: '/srv', isDirectory: true});
    // An absolute link to a host path is read as a container path, which does not exist there.
    expect(resolveInLayers([upper, lower], '/escape/secret')).to.equal(undefined);
  });
});

describe('unit: volume/id-chown', () => {
  it('translates a container id through the container\'s mapping (none: the same id)', () => {
    expect(throughMapping(1000, undefined, 'uid')).to.equal(1000);
    const map = [{containerId: 0, hostId: 1, size: 999}, {containerId: 1000, hostId: 0, size: 1}, {containerId: 1001, hostId: 1001, size: 64535}];
    expect(throughMapping(1000, map, 'uid')).to.equal(0);
    expect(throughMapping(0, map, 'uid')).to.equal(1);
    expect(() => throughMapping(70000, map, 'uid')).to.throw(/not mapped/);
  });
});
