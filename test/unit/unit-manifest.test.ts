// Image manifests: the four accepted formats, where the media type comes from, refusal of schema 1,
// unknown types and malformed descriptors, foreign layers, platform choice and --platform/--arch parsing.
import {expect} from 'chai';
import fc from 'fast-check';
import {InvalidInputError} from '../../src/errors';
import {
  choosePlatform, isForeignLayer, MediaType, parseManifest, requestedPlatform, type ManifestIndex, type Platform,
} from '../../src/image/manifest';
import {caughtAs} from '../support/fixtures';

const dg = (c: string) => `sha256:${c.repeat(64)}`;
const CONFIG = {mediaType: MediaType.ociConfig, digest: dg('c'), size: 1234};
const LAYER = {mediaType: MediaType.ociLayerGzip, digest: dg('1'), size: 5678};
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

const ociManifest = (over: Record<string, unknown> = {}) => ({schemaVersion: 2, mediaType: MediaType.ociManifest, config: CONFIG, layers: [LAYER], ...over});
const entry = (c: string, platform?: Partial<Platform>, mediaType: string = MediaType.ociManifest) => ({mediaType, digest: dg(c), size: 500, ...(platform ? {platform} : {})});

const invalid = (fn: () => unknown) => caughtAs(InvalidInputError, fn);

describe('unit: image/manifest', () => {
  describe('parseManifest: accepted formats', () => {
    it('parses an OCI image manifest with its config, layers and annotations', () => {
      const m = parseManifest(buf(ociManifest({annotations: {'org.opencontainers.image.title': 'x', n: 1}})));
      expect(m.kind).to.equal('image');
      if (m.kind !== 'image') return;
      expect(m.mediaType).to.equal(MediaType.ociManifest);
      expect(m.config).to.deep.equal(CONFIG);
      expect(m.layers).to.deep.equal([LAYER]);
      // non-string annotation values are dropped, not passed on
      expect(m.annotations).to.deep.equal({'org.opencontainers.image.title': 'x'});
    });

    it('parses a Docker schema 2 manifest', () => {
      const doc = {
        schemaVersion: 2, mediaType: MediaType.dockerManifest,
        config: {mediaType: MediaType.dockerConfig, digest: dg('c'), size: 10},
        layers: [{mediaType: MediaType.dockerLayer, digest: dg('a'), size: 20}, {mediaType: MediaType.dockerLayer, digest: dg('b'), size: 30}],
      };
      const m = parseManifest(buf(doc));
      expect(m).to.deep.include({kind: 'image', mediaType: MediaType.dockerManifest});
      if (m.kind !== 'image') return;
      expect(m.layers.map((l) => l.digest)).to.deep.equal([dg('a'), dg('b')]);
      expect(m.layers.map((l) => l.size)).to.deep.equal([20, 30]);
    });

    it('parses an OCI index with each entry\'s platform', () => {
      const doc = {schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry('a', {os: 'linux', architecture: 'amd64'}), entry('b', {os: 'linux', architecture: 'arm', variant: 'v7'})]};
      const m = parseManifest(buf(doc));
      expect(m.kind).to.equal('index');
      if (m.kind !== 'index') return;
      expect(m.mediaType).to.equal(MediaType.ociIndex);
      expect(m.manifests.map((e) => e.digest)).to.deep.equal([dg('a'), dg('b')]);
      expect(m.manifests[0].platform).to.deep.equal({os: 'linux', architecture: 'amd64', variant: undefined});
      expect(m.manifests[1].platform).to.deep.equal({os: 'linux', architecture: 'arm', variant: 'v7'});
    });

    it('parses a Docker manifest list; an entry without a platform has none', () => {
      const doc = {schemaVersion: 2, mediaType: MediaType.dockerList, manifests: [entry('a', {os: 'linux', architecture: 'amd64'}, MediaType.dockerManifest), entry('b', undefined, MediaType.dockerManifest)]};
      const m = parseManifest(buf(doc));
      expect(m).to.deep.include({kind: 'index', mediaType: MediaType.dockerList});
      if (m.kind !== 'index') return;
      expect(m.manifests[1].platform).to.equal(undefined);
    });
  });

  describe('parseManifest: where the media type comes from', () => {
    it('takes it from Content-Type (parameters ignored) when the document has none', () => {
      const {mediaType: _drop, ...doc} = ociManifest();
      void _drop;
      const m = parseManifest(buf(doc), `${MediaType.dockerManifest}; charset=utf-8`);
      expect(m.mediaType).to.equal(MediaType.dockerManifest);
      const list = parseManifest(buf({schemaVersion: 2, manifests: [entry('a')]}), MediaType.dockerList);
      expect(list).to.deep.include({kind: 'index', mediaType: MediaType.dockerList});
    });

    it('lets the document\'s own mediaType win over Content-Type', () => {
      const m = parseManifest(buf(ociManifest()), MediaType.dockerManifest);
      expect(m.mediaType).to.equal(MediaType.ociManifest);
    });

    it('infers it from the shape when neither says (or Content-Type is generic)', () => {
      const {mediaType: _drop, ...doc} = ociManifest();
      void _drop;
      expect(parseManifest(buf(doc))).to.deep.include({kind: 'image', mediaType: MediaType.ociManifest});
      expect(parseManifest(buf(doc), 'application/json')).to.deep.include({kind: 'image', mediaType: MediaType.ociManifest});
      expect(parseManifest(buf(doc), 'application/octet-stream')).to.deep.include({kind: 'image', mediaType: MediaType.ociManifest});
      const index = {schemaVersion: 2, manifests: [entry('a', {os: 'linux', architecture: 'amd64'})]};
      expect(parseManifest(buf(index))).to.deep.include({kind: 'index', mediaType: MediaType.ociIndex});
      expect(parseManifest(buf(index), 'text/plain; charset=utf-8')).to.deep.include({kind: 'index', mediaType: MediaType.ociIndex});
    });
  });

  describe('parseManifest: refusals', () => {
    it('refuses Docker schema 1, by media type, by signed media type and by schemaVersion', () => {
      for (const [doc, ct] of [
        [{schemaVersion: 1, name: 'x', tag: 'y', fsLayers: []}, undefined],
        [{schemaVersion: 1, fsLayers: []}, MediaType.dockerSchema1Signed],
        [{schemaVersion: 2, mediaType: MediaType.dockerSchema1, layers: []}, undefined],
        [{schemaVersion: 2, layers: []}, MediaType.dockerSchema1],
      ] as [unknown, string | undefined][]) {
        const e = invalid(() => parseManifest(buf(doc), ct));
        expect(e.message).to.contain('Docker schema 1');
        expect(e.hint).to.be.a('string').and.not.equal('');
      }
    });

    it('refuses an unknown manifest media type, naming it', () => {
      const e = invalid(() => parseManifest(buf(ociManifest({mediaType: 'application/vnd.example.weird+json'}))));
      expect(e.message).to.contain('application/vnd.example.weird+json');
      const e2 = invalid(() => parseManifest(buf({schemaVersion: 2, config: CONFIG, layers: []}), 'application/vnd.example.other+json'));
      expect(e2.message).to.contain('application/vnd.example.other+json');
    });

    it('refuses an unknown layer media type, naming it', () => {
      const e = invalid(() => parseManifest(buf(ociManifest({layers: [{...LAYER, mediaType: 'application/vnd.example.squashfs'}]}))));
      expect(e.message).to.contain('application/vnd.example.squashfs');
    });

    it('refuses invalid JSON and non-objects', () => {
      expect(invalid(() => parseManifest(Buffer.from('{"schemaVersion": 2,'))).message).to.contain('not valid JSON');
      for (const v of ['[]', 'null', '2', '"x"', 'true']) expect(invalid(() => parseManifest(Buffer.from(v))).message).to.contain('not a JSON object');
    });

    it('refuses a schemaVersion other than 2', () => {
      expect(invalid(() => parseManifest(buf(ociManifest({schemaVersion: 3})))).message).to.contain('schemaVersion 3');
      expect(invalid(() => parseManifest(buf(ociManifest({schemaVersion: undefined})))).message).to.contain('expected 2');
    });

    it('refuses digests that are not sha256 with 64 lowercase hex digits', () => {
      for (const digest of [`sha512:${'a'.repeat(128)}`, `sha256:${'a'.repeat(63)}`, `sha256:${'a'.repeat(65)}`, `sha256:${'A'.repeat(64)}`, 'a'.repeat(64), `sha256:${'g'.repeat(64)}`, 42]) {
        const e = invalid(() => parseManifest(buf(ociManifest({layers: [{...LAYER, digest}]}))));
        expect(e.message).to.contain(String(digest));
        expect(e.hint).to.contain('sha256');
      }
      invalid(() => parseManifest(buf(ociManifest({config: {...CONFIG, digest: 'sha256:abc'}}))));
      invalid(() => parseManifest(buf({schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{...entry('a'), digest: 'md5:x'}]})));
    });

    it('refuses negative, fractional, missing, string and unsafe sizes', () => {
      for (const size of [-1, 1.5, undefined, '12', 2 ** 53, null]) {
        const e = invalid(() => parseManifest(buf(ociManifest({layers: [{...LAYER, size}]}))));
        expect(e.message).to.contain('valid size');
      }
      // zero is a valid size (an empty blob)
      const m = parseManifest(buf(ociManifest({layers: [{...LAYER, size: 0}]})));
      expect(m.kind === 'image' && m.layers[0].size).to.equal(0);
    });

    it('refuses a descriptor without a media type or that is not an object', () => {
      const {mediaType: _m, ...noType} = LAYER;
      void _m;
      expect(invalid(() => parseManifest(buf(ociManifest({layers: [noType]})))).message).to.contain('media type');
      expect(invalid(() => parseManifest(buf(ociManifest({layers: [null]})))).message).to.contain('not an object');
      expect(invalid(() => parseManifest(buf(ociManifest({config: 'x'})))).message).to.contain('config');
      expect(invalid(() => parseManifest(buf(ociManifest({config: undefined})))).message).to.contain('config');
    });

    it('refuses an image manifest without a layers array, and an index without manifests', () => {
      expect(invalid(() => parseManifest(buf(ociManifest({layers: undefined})))).message).to.contain('"layers"');
      expect(invalid(() => parseManifest(buf(ociManifest({layers: {0: LAYER}})))).message).to.contain('"layers"');
      expect(invalid(() => parseManifest(buf({schemaVersion: 2, mediaType: MediaType.dockerList}))).message).to.contain('"manifests"');
    });

    it('refuses objects that cannot be turned into text without a TypeError', () => {
      // JSON can give an object an own "toString" that is not a function: String() of it throws a TypeError.
      const hostile = {toString: 1, valueOf: 2};
      invalid(() => parseManifest(buf(ociManifest({schemaVersion: hostile}))));
      invalid(() => parseManifest(buf(ociManifest({layers: [{...LAYER, digest: hostile}]}))));
      const idx = parseManifest(buf({schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{...entry('a'), platform: {os: hostile, architecture: 'amd64'}}]}));
      expect(idx.kind).to.equal('index');
    });
  });

  describe('foreign layers', () => {
    it('accepts and recognises Docker and OCI non-distributable layers, keeping their urls', () => {
      const foreign = [MediaType.dockerForeign, MediaType.ociForeign, MediaType.ociForeignGzip, MediaType.ociForeignZstd];
      const layers = [LAYER, ...foreign.map((mediaType, i) => ({mediaType, digest: dg(String(i + 2)), size: 9, urls: ['https://example.com/l', 7]}))];
      const m = parseManifest(buf(ociManifest({layers})));
      if (m.kind !== 'image') throw new Error('expected an image manifest');
      expect(m.layers.map(isForeignLayer)).to.deep.equal([false, true, true, true, true]);
      expect(m.layers[1].urls).to.deep.equal(['https://example.com/l']);
      for (const t of [MediaType.ociLayer, MediaType.ociLayerZstd, MediaType.dockerLayer]) expect(isForeignLayer({mediaType: t, digest: dg('a'), size: 1})).to.equal(false);
    });
  });

  describe('choosePlatform', () => {
    const index = (...manifests: ReturnType<typeof entry>[]): ManifestIndex => {
      const m = parseManifest(buf({schemaVersion: 2, mediaType: MediaType.ociIndex, manifests}));
      if (m.kind !== 'index') throw new Error('expected an index');
      return m;
    };

    it('picks the entry with the same os and architecture', () => {
      const idx = index(entry('a', {os: 'linux', architecture: 'amd64'}), entry('b', {os: 'linux', architecture: 's390x'}), entry('c', {os: 'windows', architecture: 'amd64'}));
      expect(choosePlatform(idx, {os: 'linux', architecture: 's390x'}).digest).to.equal(dg('b'));
      expect(choosePlatform(idx, {os: 'windows', architecture: 'amd64'}).digest).to.equal(dg('c'));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'amd64'}).digest).to.equal(dg('a'));
    });

    it('picks the exact variant over the first entry of the architecture', () => {
      const idx = index(entry('5', {os: 'linux', architecture: 'arm', variant: 'v5'}), entry('6', {os: 'linux', architecture: 'arm', variant: 'v6'}), entry('7', {os: 'linux', architecture: 'arm', variant: 'v7'}));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'arm', variant: 'v7'}).digest).to.equal(dg('7'));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'arm', variant: 'v6'}).digest).to.equal(dg('6'));
    });

    it('treats arm64 without a variant as v8, and normalises aarch64 in the list', () => {
      const idx = index(entry('a', {os: 'linux', architecture: 'amd64'}), entry('b', {os: 'linux', architecture: 'arm64'}));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'arm64', variant: 'v8'}).digest).to.equal(dg('b'));
      const idx2 = index(entry('a', {os: 'linux', architecture: 'aarch64'}));
      expect(choosePlatform(idx2, {os: 'linux', architecture: 'arm64', variant: 'v8'}).digest).to.equal(dg('a'));
      // an explicit v8 entry is preferred over a v9 one for a v8 request
      const idx3 = index(entry('9', {os: 'linux', architecture: 'arm64', variant: 'v9'}), entry('8', {os: 'linux', architecture: 'arm64', variant: 'v8'}));
      expect(choosePlatform(idx3, {os: 'linux', architecture: 'arm64', variant: 'v8'}).digest).to.equal(dg('8'));
    });

    it('takes an entry without a variant, or any when the request names none', () => {
      const idx = index(entry('a', {os: 'linux', architecture: 'arm'}));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'arm', variant: 'v7'}).digest).to.equal(dg('a'));
      const idx2 = index(entry('6', {os: 'linux', architecture: 'arm', variant: 'v6'}));
      expect(choosePlatform(idx2, {os: 'linux', architecture: 'arm'}).digest).to.equal(dg('6'));
    });

    it('refuses a variant mismatch, listing what the list has', () => {
      const idx = index(entry('6', {os: 'linux', architecture: 'arm', variant: 'v6'}), entry('a', {os: 'linux', architecture: 'amd64'}));
      const e = invalid(() => choosePlatform(idx, {os: 'linux', architecture: 'arm', variant: 'v7'}));
      expect(e.message).to.contain('linux/arm/v7');
      expect(e.message).to.contain('linux/arm/v6, linux/amd64');
      expect(e.hint).to.contain('--platform');
    });

    it('refuses a missing platform, listing entries without a platform as unknown, and an empty list as nothing', () => {
      const idx = index(entry('a', {os: 'linux', architecture: 'amd64'}), entry('b'));
      const e = invalid(() => choosePlatform(idx, {os: 'linux', architecture: 'ppc64le'}));
      expect(e.message).to.contain('linux/ppc64le');
      expect(e.message).to.contain('(the list has linux/amd64, unknown)');
      expect(invalid(() => choosePlatform(index(), {os: 'linux', architecture: 'amd64'})).message).to.contain('the list has nothing');
    });

    it('skips entries that are not image manifests (nested indexes, attestations with other types)', () => {
      const idx = index(entry('e', {os: 'linux', architecture: 'amd64'}, MediaType.ociIndex), entry('f', {os: 'linux', architecture: 'amd64'}, MediaType.dockerManifest));
      expect(choosePlatform(idx, {os: 'linux', architecture: 'amd64'}).digest).to.equal(dg('f'));
    });
  });

  describe('requestedPlatform', () => {
    it('splits --platform os/arch/variant', () => {
      expect(requestedPlatform({platform: 'linux/arm/v7'})).to.deep.equal({os: 'linux', architecture: 'arm', variant: 'v7'});
      expect(requestedPlatform({platform: 'linux/amd64'})).to.deep.equal({os: 'linux', architecture: 'amd64', variant: undefined});
      expect(requestedPlatform({platform: 'linux/arm64'})).to.deep.equal({os: 'linux', architecture: 'arm64', variant: 'v8'});
      expect(requestedPlatform({platform: 'linux/x86_64'})).to.deep.equal({os: 'linux', architecture: 'amd64', variant: undefined});
    });

    it('normalises --arch aarch64 to arm64 (variant v8) and keeps --os / --variant', () => {
      expect(requestedPlatform({arch: 'aarch64'})).to.deep.equal({os: 'linux', architecture: 'arm64', variant: 'v8'});
      expect(requestedPlatform({arch: 'armhf', variant: 'v6'})).to.deep.equal({os: 'linux', architecture: 'arm', variant: 'v6'});
      expect(requestedPlatform({os: 'freebsd', arch: 'amd64'})).to.deep.equal({os: 'freebsd', architecture: 'amd64', variant: undefined});
    });

    it('defaults to the host platform in Go\'s names', () => {
      const goArch: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386'};
      const p = requestedPlatform({});
      expect(p.os).to.equal('linux');
      if (goArch[process.arch]) expect(p.architecture).to.equal(goArch[process.arch]);
    });

    it('refuses malformed --platform strings with a hint showing the format', () => {
      for (const s of ['linux', 'linux/', '/amd64', 'linux//v7', 'linux/arm/v7/x']) {
        const e = invalid(() => requestedPlatform({platform: s}));
        expect(e.message).to.contain(`"${s}"`);
        expect(e.hint).to.contain('OS/ARCH[/VARIANT]');
      }
    });
  });

  describe('properties', () => {
    const onlyInvalidInput = (b: Buffer, ct?: string) => {
      try {
        parseManifest(b, ct);
      } catch (e) {
        if (!(e instanceof InvalidInputError)) throw e;
      }
    };
    const mediaTypes = fc.constantFrom(...Object.values(MediaType), 'application/json', 'x/y');

    it('throws nothing but InvalidInputError for arbitrary JSON values', () => {
      fc.assert(fc.property(fc.jsonValue(), fc.option(mediaTypes, {nil: undefined}), (v, ct) => onlyInvalidInput(buf(JSON.stringify(v)), ct)), {numRuns: 500});
    });

    it('throws nothing but InvalidInputError for manifest-shaped documents with arbitrary parts', () => {
      const hostile = fc.oneof(fc.jsonValue(), fc.constant({toString: 1}), fc.constant({valueOf: 'x', toString: null}));
      const desc = fc.record({mediaType: fc.oneof(mediaTypes, hostile), digest: fc.oneof(fc.constant(dg('a')), hostile), size: fc.oneof(fc.nat(), hostile), urls: hostile, annotations: hostile, platform: hostile}, {requiredKeys: []});
      const doc = fc.record({
        schemaVersion: fc.oneof(fc.constant(2), fc.constant(1), hostile),
        mediaType: fc.oneof(mediaTypes, hostile),
        config: fc.oneof(desc, hostile),
        layers: fc.oneof(fc.array(fc.oneof(desc, hostile)), hostile),
        manifests: fc.oneof(fc.array(fc.oneof(desc, hostile)), hostile),
        annotations: hostile,
      }, {requiredKeys: []});
      fc.assert(fc.property(doc, fc.option(mediaTypes, {nil: undefined}), (d, ct) => onlyInvalidInput(buf(JSON.stringify(d)), ct)), {numRuns: 1000});
    });

    it('throws nothing but InvalidInputError for arbitrary bytes', () => {
      fc.assert(fc.property(fc.uint8Array({maxLength: 300}), (b) => onlyInvalidInput(Buffer.from(b))), {numRuns: 500});
    });

    it('round-trips valid OCI manifests built from arbitrary descriptors', () => {
      const hex = fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`);
      const layer = fc.record({mediaType: fc.constantFrom(MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayerZstd, MediaType.dockerLayer), digest: hex, size: fc.maxSafeNat()});
      fc.assert(fc.property(fc.array(layer, {maxLength: 8}), hex, (layers, cfg) => {
        const m = parseManifest(buf({schemaVersion: 2, config: {mediaType: MediaType.ociConfig, digest: cfg, size: 1}, layers}));
        expect(m.kind === 'image' && m.layers).to.deep.equal(layers);
      }), {numRuns: 200});
    });
  });
});
