// Image manifests as registries and archives hand them over: OCI image manifest and index, Docker schema 2
// manifest and manifest list. Parses untrusted JSON into checked descriptors and picks the instance of an
// index that matches a platform, as containers/image does.
import {InvalidInputError} from '../errors';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeignGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociForeign: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociForeignZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** uncompressed Docker layers, as containers/image's dir: transport writes them */
  dockerLayerPlain: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerForeign: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What a pull asks registries for, best first. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageManifest {
  kind: 'image';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ManifestIndex {
  kind: 'index';
  mediaType: string;
  manifests: (Descriptor & {platform?: Platform})[];
}

export type Manifest = ImageManifest | ManifestIndex;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const FOREIGN = new Set<string>([MediaType.dockerForeign, MediaType.ociForeign, MediaType.ociForeignGzip, MediaType.ociForeignZstd]);
const LAYER_TYPES = new Set<string>([MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayerZstd, MediaType.dockerLayer, MediaType.dockerLayerPlain, ...FOREIGN]);

export function isForeignLayer(d: Descriptor): boolean {
  return FOREIGN.has(d.mediaType);
}

/**
 * Parses manifest bytes. The media type comes from the document itself, else from the transport's
 * Content-Type, else from its shape (OCI allows omitting it).
 */
export function parseManifest(bytes: Buffer, contentType?: string): Manifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidInputError('manifest is not valid JSON', {hint: 'the registry or archive returned a corrupt manifest'});
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidInputError('manifest is not a JSON object');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type = declared ?? cleanContentType(contentType) ?? (Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest);
  if (type === MediaType.dockerSchema1 || type === MediaType.dockerSchema1Signed || doc.schemaVersion === 1) {
    throw unsupported('Docker schema 1 manifests', 'the image is too old for burrow; rebuild or re-push it with a current tool');
  }
  if (doc.schemaVersion !== 2) throw new InvalidInputError(`manifest has schemaVersion ${show(doc.schemaVersion)}, expected 2`);
  if (type === MediaType.ociIndex || type === MediaType.dockerList) {
    if (!Array.isArray(doc.manifests)) throw new InvalidInputError('manifest list has no "manifests" array');
    return {kind: 'index', mediaType: type, manifests: doc.manifests.map((m) => ({...descriptor(m, 'manifest list entry'), platform: platformOf(m)}))};
  }
  if (type !== MediaType.ociManifest && type !== MediaType.dockerManifest) {
    throw unsupported(`manifest media type "${type}"`, 'burrow reads OCI and Docker schema 2 images');
  }
  if (!Array.isArray(doc.layers)) throw new InvalidInputError('manifest has no "layers" array');
  const config = descriptor(doc.config, 'config');
  const layers = doc.layers.map((l) => descriptor(l, 'layer'));
  for (const l of layers) {
    if (!LAYER_TYPES.has(l.mediaType)) throw unsupported(`layer media type "${l.mediaType}"`, 'burrow reads tar layers, plain, gzip or zstd');
  }
  return {kind: 'image', mediaType: type, config, layers, annotations: stringMap(doc.annotations)};
}

function cleanContentType(ct: string | undefined): string | undefined {
  const t = ct?.split(';')[0].trim();
  return t && t !== 'application/json' && t !== 'text/plain' && t !== 'application/octet-stream' ? t : undefined;
}

function unsupported(what: string, hint: string): InvalidInputError {
  return new InvalidInputError(`unsupported ${what}`, {hint});
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null) throw new InvalidInputError(`manifest ${what} is not an object`);
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) {
    throw new InvalidInputError(`manifest ${what} has an unsupported digest "${show(d.digest)}"`, {hint: 'burrow verifies sha256 digests only'});
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new InvalidInputError(`manifest ${what} ${d.digest} has no valid size`);
  if (typeof d.mediaType !== 'string') throw new InvalidInputError(`manifest ${what} ${d.digest} has no media type`);
  const out: Descriptor = {mediaType: d.mediaType, digest: d.digest, size: d.size};
  if (Array.isArray(d.urls)) out.urls = d.urls.filter((u): u is string => typeof u === 'string');
  const ann = stringMap(d.annotations);
  if (ann) out.annotations = ann;
  return out;
}

function platformOf(v: unknown): Platform | undefined {
  const p = (v as {platform?: Record<string, unknown>}).platform;
  if (typeof p !== 'object' || p === null) return undefined;
  return {os: show(p.os ?? ''), architecture: show(p.architecture ?? ''), variant: typeof p.variant === 'string' && p.variant ? p.variant : undefined};
}

/** Text of a parsed JSON value for messages: String() throws on an object whose own "toString" is not a function. */
function show(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Go's names for Node's process.arch values. */
export function hostPlatform(): Platform {
  const arch = ({x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'} as Record<string, string>)[process.arch] ?? process.arch;
  return {os: 'linux', architecture: arch, variant: arch === 'arm64' ? 'v8' : arch === 'arm' ? 'v7' : undefined};
}

/** Turns `--platform os/arch[/variant]`, `--os`, `--arch`, `--variant` into a platform over the host's. */
export function requestedPlatform(o: {platform?: string; os?: string; arch?: string; variant?: string}): Platform {
  const host = hostPlatform();
  let {os, arch, variant} = o;
  if (o.platform) {
    const parts = o.platform.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
      throw new InvalidInputError(`invalid platform "${o.platform}"`, {hint: 'use OS/ARCH[/VARIANT], e.g. linux/arm64 or linux/arm/v7'});
    }
    [os, arch, variant] = parts;
  }
  const architecture = normalizeArch(arch ?? host.architecture);
  return {os: os ?? host.os, architecture, variant: variant ?? (arch === undefined ? host.variant : architecture === 'arm64' ? 'v8' : undefined)};
}

function normalizeArch(a: string): string {
  return ({x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386'} as Record<string, string>)[a] ?? a;
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/**
 * The index entry for `want`: same OS and architecture; the variant must match when both sides name one
 * (arm64's "v8" is implied), otherwise the entry without a variant, then the first.
 */
export function choosePlatform(index: ManifestIndex, want: Platform): Descriptor & {platform?: Platform} {
  const candidates = index.manifests.filter((m) => m.platform && m.platform.os === want.os && normalizeArch(m.platform.architecture) === want.architecture
    && (m.mediaType === MediaType.ociManifest || m.mediaType === MediaType.dockerManifest));
  const variantOf = (p?: Platform) => p?.variant ?? (p && normalizeArch(p.architecture) === 'arm64' ? 'v8' : undefined);
  const exact = candidates.find((m) => variantOf(m.platform) === want.variant);
  const loose = candidates.find((m) => variantOf(m.platform) === undefined || want.variant === undefined);
  const pick = exact ?? loose;
  if (!pick) {
    const have = index.manifests.map((m) => (m.platform ? platformString(m.platform) : 'unknown')).join(', ');
    throw new InvalidInputError(`no image found in manifest list for platform ${platformString(want)} (the list has ${have || 'nothing'})`,
      {hint: 'choose one of those with --platform OS/ARCH[/VARIANT]'});
  }
  return pick;
}
