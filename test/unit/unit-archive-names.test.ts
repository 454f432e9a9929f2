// How load reads its source argument (TRANSPORT:PATH[:REF]) and how names in archives become burrow's
// canonical names: Docker's RepoTags are Docker-normalized, OCI ref names only when they are whole names.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {dockerName, ociName, parseImageManifest} from '../../src/image/archive/archive-image';
import {parseSourceSpec} from '../../src/image/archive/archive-source';

describe('unit: image/archive source specs and names', () => {
  const none = () => false;

  it('parses transports, paths and image selectors', () => {
    expect(parseSourceSpec('plain.tar', none)).to.deep.equal({path: 'plain.tar', select: {}});
    expect(parseSourceSpec('docker-archive:/x/a.tar', none)).to.deep.equal({transport: 'docker-archive', path: '/x/a.tar', select: {}});
    expect(parseSourceSpec('docker-archive:/x/a.tar:busybox:1.36', none)).to.deep.equal({transport: 'docker-archive', path: '/x/a.tar', select: {name: 'busybox:1.36'}});
    expect(parseSourceSpec('docker-archive:a.tar:@2', none)).to.deep.equal({transport: 'docker-archive', path: 'a.tar', select: {index: 2}});
    expect(parseSourceSpec('oci:/layout:v1', none)).to.deep.equal({transport: 'oci', path: '/layout', select: {name: 'v1'}});
    expect(parseSourceSpec('oci-archive:o.tar', none)).to.deep.equal({transport: 'oci-archive', path: 'o.tar', select: {}});
    expect(parseSourceSpec('dir:/some:dir', none)).to.deep.equal({transport: 'dir', path: '/some:dir', select: {}});
    // a path that exists as given is never split
    expect(parseSourceSpec('oci:odd:name', (p) => p === 'odd:name')).to.deep.equal({transport: 'oci', path: 'odd:name', select: {}});
    expect(parseSourceSpec('oci-archive:x', (p) => p === 'oci-archive:x')).to.deep.equal({path: 'oci-archive:x', select: {}});
    expect(() => parseSourceSpec('oci:', none)).to.throw(InvalidInputError, 'names no path');
    expect(() => parseSourceSpec('oci:l:@1', none)).to.throw(InvalidInputError, 'invalid image selector');
  });

  it('Docker names are normalized as Docker does', () => {
    expect(dockerName('busybox', 'x')).to.equal('docker.io/library/busybox:latest');
    expect(dockerName('busybox:1.36', 'x')).to.equal('docker.io/library/busybox:1.36');
    expect(dockerName('user/app:2', 'x')).to.equal('docker.io/user/app:2');
    expect(dockerName('localhost/demo:latest', 'x')).to.equal('localhost/demo:latest');
    expect(dockerName('quay.io/org/app:1', 'x')).to.equal('quay.io/org/app:1');
    expect(() => dockerName('Bad Name', 'archive y')).to.throw(InvalidInputError, 'archive y names the image "Bad Name"');
  });

  it('OCI names: containerd name first, then whole ref names; a bare tag names nothing', () => {
    expect(ociName({'io.containerd.image.name': 'docker.io/library/alpine:3', 'org.opencontainers.image.ref.name': '3'}, 'x')).to.equal('docker.io/library/alpine:3');
    expect(ociName({'org.opencontainers.image.ref.name': 'localhost/app:1'}, 'x')).to.equal('localhost/app:1');
    expect(ociName({'org.opencontainers.image.ref.name': 'app:1'}, 'x')).to.equal('localhost/app:1');
    expect(ociName({'org.opencontainers.image.ref.name': 'latest'}, 'x')).to.equal(undefined);
    expect(ociName(undefined, 'x')).to.equal(undefined);
  });

  it('manifests with uncompressed Docker layers parse and keep their media type', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    const m = parseImageManifest(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {mediaType: 'application/vnd.docker.container.image.v1+json', digest: d, size: 1},
      layers: [{mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: d, size: 2}],
    })), 'dir x');
    expect(m.layers[0].mediaType).to.equal('application/vnd.docker.image.rootfs.diff.tar');
    expect(() => parseImageManifest(Buffer.from('{"schemaVersion":2,"manifests":[]}'), 'dir x')).to.throw(InvalidInputError, 'dir x: expected an image manifest');
  });
});
