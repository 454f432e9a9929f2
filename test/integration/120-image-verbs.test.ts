// history, image exists, image prune, and the digests of images/image inspect, on pulled images from a
// real registry (three-layer busybox, its manifest list, a Docker schema 2 copy, and an image with
// empty-layer history entries built here) and on the imported demo image. Expected outputs are what
// Podman 4.3.1 printed for the same images.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, burrowAsync, demoTarball, ensureDemoImage, ok, storageRoot, work} from './harness';
import {startRegistry, type TestRegistry} from '../support/registry';
import {busyboxLayout, multiArchLayout, pushLayout, skopeoRegistryFlags} from '../support/test-images';

const sha256 = (b: Buffer | string) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;
const T = '2026-01-01T00:00:00Z';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface BuiltLayout {
  dir: string;
  /** digests of the layer blobs as pushed (gzip) and of the uncompressed tars */
  blobs: string[];
  diffIds: string[];
  manifest: string;
}

/**
 * An OCI layout of one image: layer "a" (5000 bytes of x), optionally layer "b", with history entries that
 * made no layer (ENV, CMD) between and after them, as the Podman comparison used.
 */
function emptyLayerLayout(name: string, withSecond: boolean): BuiltLayout {
  const dir = path.join(work, `layout-${name}`);
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), {recursive: true});
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const put = (b: Buffer) => {
    const digest = sha256(b);
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), b);
    return {digest, size: b.length};
  };
  const layer = (file: string, content: string) => {
    const stage = fs.mkdtempSync(path.join(work, 'stage-'));
    fs.writeFileSync(path.join(stage, file), content);
    const tar = spawnSync('tar', ['-c', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@1767225600', '-C', stage, file]).stdout;
    fs.rmSync(stage, {recursive: true});
    return {tar, gz: spawnSync('gzip', ['-n', '-c'], {input: tar}).stdout};
  };
  const layers = [layer('a', 'x'.repeat(5000)), ...(withSecond ? [layer('b', 'y'.repeat(30000))] : [])];
  const descs = layers.map((l) => ({mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(l.gz)}));
  const history = [{created: T, created_by: '/bin/sh -c #(nop) ADD file:a in /', comment: 'first'}];
  if (withSecond) {
    history.push({created: T, created_by: '/bin/sh -c #(nop)  ENV X=1', empty_layer: true} as never,
      {created: '2026-01-02T03:04:05.123456789+02:00', created_by: 'COPY b /'} as never,
      {created: T, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true} as never);
  }
  const diffIds = layers.map((l) => sha256(l.tar));
  const config = put(Buffer.from(JSON.stringify({created: T, architecture: goArch(), os: 'linux', config: {Cmd: ['sh'], Labels: {'org.burrow.test.image': name}},
    rootfs: {type: 'layers', diff_ids: diffIds}, history})));
  const manifest = put(Buffer.from(JSON.stringify({schemaVersion: 2, mediaType: OCI_MANIFEST, config: {mediaType: 'application/vnd.oci.image.config.v1+json', ...config}, layers: descs})));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({schemaVersion: 2, manifests: [{mediaType: OCI_MANIFEST, ...manifest, annotations: {'org.opencontainers.image.ref.name': 'latest'}}]}));
  return {dir, blobs: descs.map((d) => d.digest), diffIds, manifest: manifest.digest};
}

function goArch(): string {
  return ({x64: 'amd64', arm64: 'arm64'} as Record<string, string>)[process.arch] ?? process.arch;
}

function inspect(ref: string): Record<string, any> {
  return (JSON.parse(ok(['image', 'inspect', ref])) as Record<string, any>[])[0];
}

function imageIds(): string[] {
  return ok(['images', '-q', '--no-trunc']).split('\n').filter(Boolean).map((l) => l.replace(/^sha256:/, ''));
}

/** Layers and blobs every image record references, and whether each is on disk. */
function missingReferences(): string[] {
  const missing: string[] = [];
  const dir = path.join(storageRoot, 'images');
  for (const f of fs.readdirSync(dir).filter((e) => e.endsWith('.json') && !e.startsWith('.'))) {
    const rec = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {digest: string; configDigest: string; layers: {diffId: string; digest: string}[]};
    for (const l of rec.layers) {
      if (!fs.existsSync(path.join(storageRoot, 'layers', l.diffId.slice(7), 'layer.json'))) missing.push(`layer ${l.diffId} of ${f}`);
      if (!fs.existsSync(path.join(storageRoot, 'blobs/sha256', l.digest.slice(7)))) missing.push(`blob ${l.digest} of ${f}`);
    }
    for (const d of [rec.digest, rec.configDigest]) if (!fs.existsSync(path.join(storageRoot, 'blobs/sha256', d.slice(7)))) missing.push(`blob ${d} of ${f}`);
  }
  return missing;
}

/** Makes an entry look older than prune's grace period for unreferenced layers and blobs. */
function age(p: string): void {
  const t = new Date(Date.now() - 3_600_000);
  fs.utimesSync(p, t, t);
}

describe('image verbs: history, image exists, image prune, digests', function () {
  this.timeout(180_000);
  let reg: TestRegistry;
  let busybox: string;
  let multi: string;
  let v2s2: string;
  let empty: string;
  let base: string;
  let emptyLayout: BuiltLayout;
  let demoContainer: string;

  before(async () => {
    ensureDemoImage();
    // Earlier test files may have removed every image.
    if (burrow(['image', 'exists', 'localhost/demo']).status !== 0) ok(['import', '--change', 'CMD=["/usr/bin/demo"]', demoTarball, 'localhost/demo']);
    // Kept by every prune below: an image a container uses is never pruned.
    demoContainer = ok(['create', 'localhost/demo']).trim();
    reg = await startRegistry();
    busybox = `${reg.host}/test/busybox:latest`;
    multi = `${reg.host}/test/multi:latest`;
    v2s2 = `${reg.host}/test/v2s2:latest`;
    empty = `${reg.host}/test/empty:latest`;
    base = `${reg.host}/test/base:latest`;
    pushLayout(busyboxLayout(), reg, 'test/busybox:latest');
    pushLayout(multiArchLayout(), reg, 'test/multi:latest', {all: true});
    pushLayout(busyboxLayout(), reg, 'test/v2s2:latest', {format: 'v2s2'});
    emptyLayout = emptyLayerLayout('empty', true);
    pushLayout(emptyLayout.dir, reg, 'test/empty:latest');
    pushLayout(emptyLayerLayout('base', false).dir, reg, 'test/base:latest');
  });

  after(async () => {
    for (const ref of [busybox, multi, v2s2, empty, base]) if (ref) burrow(['rmi', '-f', ref]);
    if (demoContainer) burrow(['rm', '-f', demoContainer]);
    await reg?.stop();
  });

  const pull = (ref: string) => ok(['pull', '-q', '--tls-verify=false', ref]).trim();

  describe('history', () => {
    let id: string;
    before(() => {
      id = pull(busybox);
    });

    it('prints Podman\'s columns: the image id on the newest entry, <missing> below, layer sizes, truncated CREATED BY', () => {
      const out = ok(['history', busybox]);
      const lines = out.trimEnd().split('\n');
      // CREATED's width depends on how long ago 2026-01-01 is; the others are fixed.
      expect(lines[0]).to.match(/^ID {12}CREATED +CREATED BY {37}SIZE {8}COMMENT$/);
      expect(lines.slice(1)).to.have.length(3);
      expect(lines[1]).to.match(new RegExp(`^${id.slice(0, 12)}  \\S.* ago +delete /etc/removed-in-layer3, add /etc/ad\\.\\.\\.  10\\.2 kB +burrow test fixture$`));
      expect(lines[2]).to.match(/^<missing> +\S.* ago +\/etc files and top-level directories +10\.2 kB +burrow test fixture$/);
      expect(lines[3]).to.match(/^<missing> +\S.* ago +busybox and its applet links +2\.\d\d MB +burrow test fixture$/);
      // `image history` is the same command
      expect(ok(['image', 'history', busybox])).to.equal(out);
    });

    it('--no-trunc --human=false, -q, and templates with Podman\'s field names', () => {
      const lines = ok(['history', '--no-trunc', '--human=false', busybox]).trimEnd().split('\n');
      expect(lines[1]).to.match(new RegExp(`^${id}  ${T}  delete /etc/removed-in-layer3, add /etc/added-in-layer3  10\\.2 kB`));
      expect(ok(['history', '-q', busybox])).to.equal(`${id.slice(0, 12)}\n<missing>\n<missing>\n`);
      expect(ok(['history', '-q', '--no-trunc', busybox])).to.equal(`${id}\n<missing>\n<missing>\n`);
      expect(ok(['history', '--format', '{{.ID}}|{{.Tags}}|{{.Size}}|{{.Comment}}', busybox]).split('\n')[0]).to.equal(`${id.slice(0, 12)}|[]|10.2 kB|burrow test fixture`);
      expect(ok(['history', '--format', 'table {{.ID}} {{.Size}}', busybox]).split('\n')[0]).to.match(/^ID {12}SIZE$/);
    });

    it('--format json: one line, Podman\'s keys, HTML-escaped <missing>, sizes summing to the image size', () => {
      const out = ok(['history', '--format', 'json', busybox]);
      expect(out.split('\n')).to.have.length(2);
      expect(out).to.include('"id":"\\u003cmissing\\u003e"');
      const rows = JSON.parse(out) as Record<string, unknown>[];
      expect(Object.keys(rows[0])).to.deep.equal(['id', 'created', 'CreatedBy', 'size', 'comment', 'Created']);
      expect(rows[0]).to.include({id, created: T, Created: T, comment: 'burrow test fixture'});
      expect(rows.reduce((n, r) => n + (r.size as number), 0)).to.equal(inspect(busybox).Size);
    });

    it('empty_layer entries have size 0; a local image with the lower layers lends its id, as Podman shows', () => {
      const emptyId = pull(empty);
      const baseId = pull(base);
      const json = JSON.parse(ok(['history', '--format', 'json', empty])) as {id: string; size: number; CreatedBy: string; created: string; Created: string}[];
      expect(json.map((r) => [r.id, r.CreatedBy, r.size])).to.deep.equal([
        [emptyId, '/bin/sh -c #(nop)  CMD ["sh"]', 0],
        ['<missing>', 'COPY b /', 40960],
        [baseId, '/bin/sh -c #(nop)  ENV X=1', 0],
        ['<missing>', '/bin/sh -c #(nop) ADD file:a in /', 10240],
      ]);
      expect(json[1]).to.include({created: '2026-01-02T03:04:05.123456789+02:00', Created: '2026-01-02T03:04:05+02:00'});
      expect(ok(['history', '--human=false', '--format', '{{.Created}}', empty]).split('\n')[1]).to.equal('2026-01-02T03:04:05+02:00');
    });

    it('an unknown image is an error (125), as in Podman', () => {
      const r = burrow(['history', 'localhost/no-such-image']);
      expect(r.status).to.equal(125);
      expect(r.stderr).to.match(/^Error: localhost\/no-such-image: image not known/);
      expect(burrow(['history']).status).to.equal(125);
    });
  });

  describe('image exists', () => {
    it('exits 0 when the image exists (by name, short name, id prefix), 1 when not, 125 for a bad name; prints nothing', () => {
      const id = pull(busybox);
      for (const ref of [busybox, 'test/busybox', id.slice(0, 8), 'localhost/demo']) {
        const r = burrow(['image', 'exists', ref]);
        expect([r.status, r.stdout, r.stderr], ref).to.deep.equal([0, '', '']);
      }
      const no = burrow(['image', 'exists', 'localhost/nope']);
      expect([no.status, no.stdout, no.stderr]).to.deep.equal([1, '', '']);
      const bad = burrow(['image', 'exists', 'BAD!!']);
      expect(bad.status).to.equal(125);
      expect(bad.stdout).to.equal('');
    });
  });

  describe('digests', () => {
    it('a plain OCI pull: Digest and --digests are the manifest digest, RepoDigests per name, ManifestType OCI', () => {
      burrow(['rmi', '-f', multi, v2s2]);
      pull(busybox);
      ok(['tag', busybox, `${reg.host}/other/name:v1`]);
      const raw = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${busybox}`]).stdout;
      const digest = sha256(raw);
      const img = inspect(busybox);
      expect(img.Digest).to.equal(digest);
      expect(img.RepoDigests).to.deep.equal([`${reg.host}/other/name@${digest}`, `${reg.host}/test/busybox@${digest}`]);
      expect(img.ManifestType).to.equal(OCI_MANIFEST);
      const row = ok(['images', '--digests', busybox]).split('\n')[1];
      expect(row).to.match(new RegExp(`^${reg.host}/test/busybox +latest +${digest} +${img.Id.slice(0, 12)} `));
      expect(ok(['images', '--digests']).split('\n')[0]).to.match(/^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$/);
      const json = (JSON.parse(ok(['images', '--format', 'json'])) as Record<string, any>[]).find((j) => j.Id === img.Id)!;
      expect(json.Digest).to.equal(digest);
      expect(json.RepoDigests).to.deep.equal(img.RepoDigests);
      ok(['untag', busybox, `${reg.host}/other/name:v1`]);
    });

    it('pulled through a manifest list: Digest is the list\'s, RepoDigests hold both (Podman records both)', () => {
      burrow(['rmi', '-f', busybox]);
      pull(multi);
      const list = spawnSync('skopeo', ['inspect', '--raw', ...skopeoRegistryFlags(reg), `docker://${multi}`]).stdout;
      const listDigest = sha256(list);
      const instance = (JSON.parse(list.toString()) as {manifests: {digest: string; platform: {architecture: string}}[]}).manifests.find((m) => m.platform.architecture === goArch())!.digest;
      const img = inspect(multi);
      expect(img.Digest).to.equal(listDigest);
      expect(img.RepoDigests).to.deep.equal([`${reg.host}/test/multi@${listDigest}`, `${reg.host}/test/multi@${instance}`].sort());
      expect(ok(['images', '--format', '{{.Digest}}', multi]).trim()).to.equal(listDigest);
      burrow(['rmi', '-f', multi]);
    });

    it('Docker schema 2: ManifestType says so; an imported image is OCI', () => {
      pull(v2s2);
      expect(inspect(v2s2).ManifestType).to.equal('application/vnd.docker.distribution.manifest.v2+json');
      burrow(['rmi', '-f', v2s2]);
      const demo = inspect('localhost/demo');
      expect(demo.ManifestType).to.equal(OCI_MANIFEST);
      expect(demo.RepoDigests).to.deep.equal([`localhost/demo@${demo.Digest}`]);
    });
  });

  describe('image prune', () => {
    const dangling = () => ok(['import', '-q', demoTarball]).trim();

    it('asks first, as Podman: no answer (end of input) is an error, anything but y keeps everything', () => {
      const id = dangling();
      const eof = burrow(['image', 'prune'], {input: ''});
      expect(eof.status).to.equal(125);
      expect(eof.stdout).to.equal('WARNING! This command removes all dangling images.\nAre you sure you want to continue? [y/N] ');
      expect(eof.stderr).to.match(/^Error: EOF/);
      for (const answer of ['\n', 'n\n', ' y\n']) expect(burrow(['image', 'prune'], {input: answer}).status).to.equal(0);
      expect(imageIds()).to.include(id);
      const all = burrow(['image', 'prune', '-a'], {input: 'no\n'});
      expect(all.stdout).to.equal('WARNING! This command removes all images without at least one container associated with them.\nAre you sure you want to continue? [y/N] ');
      const yes = burrow(['image', 'prune'], {input: 'Yes\n'});
      expect(yes.status, yes.stderr).to.equal(0);
      expect(yes.stdout).to.include(`[y/N] ${id}\n`);
      expect(imageIds()).to.not.include(id);
    });

    it('-f removes dangling images only, printing their ids; named ones stay', () => {
      pull(busybox);
      const a = dangling();
      const b = ok(['import', '-q', '--change', 'LABEL=x=y', demoTarball]).trim();
      const out = ok(['image', 'prune', '-f']);
      expect(out.split('\n').filter(Boolean).sort()).to.deep.equal([a, b].sort());
      expect(ok(['image', 'prune', '-f'])).to.equal('');
      expect(burrow(['image', 'exists', busybox]).status).to.equal(0);
      expect(burrow(['image', 'exists', 'localhost/demo']).status).to.equal(0);
    });

    it('-a removes every image no container uses; a layer shared with a kept image stays; filters narrow it', () => {
      const busyId = pull(busybox);
      const busyLayers = inspectLayers(busyId);
      ok(['tag', 'localhost/demo', 'localhost/demo-twin']);
      // Same tarball, other config: a second image on the very same layer.
      const twin = ok(['import', '-q', '--change', 'LABEL=twin=1', demoTarball, 'localhost/twin']).trim();
      const demo = inspect('localhost/demo');
      expect(inspect('localhost/twin').RootFS.Layers).to.deep.equal(demo.RootFS.Layers);

      const bad = burrow(['image', 'prune', '-a', '-f', '--filter', 'bogus=1']);
      expect([bad.status, bad.stderr.split(' (')[0]]).to.deep.equal([125, 'Error: unsupported image filter "bogus"']);
      expect(burrow(['image', 'prune', '-a', '-f', '--filter', 'label']).stderr).to.match(/^Error: filter input must be in the form of filter=value: label is invalid/);

      expect(ok(['image', 'prune', '-a', '-f', '--filter', 'label=twin=1'])).to.equal(`${twin}\n`);
      expect(ok(['image', 'prune', '-a', '-f', '--filter', 'until=2020-01-01'])).to.equal('');
      const out = ok(['image', 'prune', '-a', '-f']);
      expect(out).to.include(`${busyId}\n`);
      expect(out).to.not.include(demo.Id);
      expect(burrow(['image', 'exists', 'localhost/demo-twin']).status).to.equal(0);
      // The demo's layer, shared with the pruned twin, is still there and the demo still runs.
      expect(fs.existsSync(path.join(storageRoot, 'layers', demo.RootFS.Layers[0].slice(7), 'layer.json'))).to.equal(true);
      expect(ok(['run', '--rm', 'localhost/demo', 'echo', 'still here']).trim()).to.equal('still here');
      for (const l of busyLayers) expect(fs.existsSync(path.join(storageRoot, 'layers', l)), l).to.equal(false);
      expect(missingReferences()).to.deep.equal([]);
      ok(['untag', 'localhost/demo', 'localhost/demo-twin']);
    });

    it('removes unreferenced layers and blobs once old enough, and what dead writers left; keeps young ones', () => {
      const id = pull(empty);
      // An image record lost after its layers were stored: what an interrupted pull leaves.
      ok(['untag', empty]);
      fs.rmSync(path.join(storageRoot, 'images', `${id}.json`));
      const layerDirs = emptyLayout.diffIds.map((d) => path.join(storageRoot, 'layers', d.slice(7)));
      const blobFiles = [...emptyLayout.blobs, emptyLayout.manifest, `sha256:${id}`].map((d) => path.join(storageRoot, 'blobs/sha256', d.slice(7)));
      const deadLayer = path.join(storageRoot, 'layers', '.incoming-999999999-abc');
      const deadBlob = path.join(storageRoot, 'blobs/sha256', '.incoming-999999999-abc');
      fs.mkdirSync(deadLayer);
      fs.writeFileSync(deadBlob, 'partial');
      for (const p of [...layerDirs, ...blobFiles]) expect(fs.existsSync(p), p).to.equal(true);

      // Young: a pull that has not written its record yet could be about to use them.
      expect(ok(['image', 'prune', '-f'])).to.equal('');
      for (const p of [...layerDirs, ...blobFiles]) expect(fs.existsSync(p), p).to.equal(true);
      expect(fs.existsSync(deadLayer) || fs.existsSync(deadBlob)).to.equal(false);

      for (const p of [...layerDirs, ...blobFiles]) age(p);
      expect(ok(['image', 'prune', '-f'])).to.equal('');
      for (const p of [...layerDirs, ...blobFiles]) expect(fs.existsSync(p), p).to.equal(false);
      expect(fs.readdirSync(path.join(storageRoot, 'layers')).filter((e) => e.startsWith('.'))).to.deep.equal([]);
      expect(missingReferences()).to.deep.equal([]);
      // and a new pull of the same image works
      expect(pull(empty)).to.equal(id);
      expect(missingReferences()).to.deep.equal([]);
    });

    it('pulls running alongside prunes never end with an image whose layers or blobs are gone', async () => {
      burrow(['rmi', '-f', busybox]);
      let pulling = true;
      const pulls = (async () => {
        try {
          for (let i = 0; i < 4; i++) {
            const r = await burrowAsync(['pull', '-q', '--tls-verify=false', busybox]);
            expect(r.status, r.stderr).to.equal(0);
            if (i < 3) expect((await burrowAsync(['rmi', busybox])).status).to.equal(0);
          }
        } finally {
          pulling = false;
        }
      })();
      let prunes = 0;
      while (pulling) {
        const r = await burrowAsync(['image', 'prune', '-f']);
        expect(r.status, r.stderr).to.equal(0);
        prunes++;
      }
      await pulls;
      expect(prunes).to.be.above(1);
      expect(missingReferences()).to.deep.equal([]);
      expect(ok(['run', '--rm', busybox, 'cat', '/etc/added-in-layer3']).trim()).to.equal('added by the third layer');
    });
  });
});

/** The layer directories (diff id hex) of an image, from its config as stored. */
function inspectLayers(id: string): string[] {
  const cfg = JSON.parse(fs.readFileSync(path.join(storageRoot, 'blobs/sha256', id), 'utf8')) as {rootfs: {diff_ids: string[]}};
  return cfg.rootfs.diff_ids.map((d) => d.slice(7));
}
