// Reads an OCI image layout (a directory, or the tar of one that oci-archive is): oci-layout, index.json and
// blobs/sha256/<hex>. Each index entry is an image, or a manifest list from which the host's platform is
// chosen; names come from the entry's annotations. Every document is checked against its descriptor's
// size and digest before it is parsed; layers are checked by the commit (and, in an archive, already by
// the index, which hashed every member).
import {InvalidInputError, NoSuchObjectError} from '../../errors';
import {sha256} from '../image-commit';
import {choosePlatform, hostPlatform, parseManifest, type Descriptor, type Platform} from '../manifest';
import {ANNOTATION_REF_NAME, checkSize, isList, ociName, parseImageManifest, type ArchiveImage} from './archive-image';
import type {ArchiveSelection} from './docker-archive-reader';
import {DOCUMENT_LIMIT, type LayoutFiles} from './layout-files';
import {canonicalName, parseReference} from '../reference';

export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

export async function readOciLayout(files: LayoutFiles, select: ArchiveSelection = {}, platform: Platform = hostPlatform()): Promise<ArchiveImage[]> {
  checkLayoutFile(files);
  const indexBytes = files.read('index.json', DOCUMENT_LIMIT);
  const index = parseManifest(indexBytes);
  if (index.kind !== 'index') throw new InvalidInputError(`${files.label}: index.json is not an image index`, {hint: 'the layout is corrupt'});
  const wanted = select.name === undefined ? undefined : wantedNames(select.name);
  const byDigest = new Map<string, {entry: Descriptor; names: string[]; position: number}>();
  for (const [i, entry] of index.manifests.entries()) {
    if (select.index !== undefined && select.index !== i) continue;
    const where = `${files.label}, index entry ${i + 1}`;
    const name = ociName(entry.annotations, where);
    if (wanted && !wanted.has(entry.annotations?.[ANNOTATION_REF_NAME] ?? '') && !(name && wanted.has(name))) continue;
    const seen = byDigest.get(entry.digest);
    if (seen) {
      if (name && !seen.names.includes(name)) seen.names.push(name);
    } else {
      byDigest.set(entry.digest, {entry, names: name ? [name] : [], position: i + 1});
    }
  }
  if (byDigest.size === 0) {
    const what = select.name ?? (select.index !== undefined ? `@${select.index}` : undefined);
    if (what) {
      const have = index.manifests.map((m) => m.annotations?.[ANNOTATION_REF_NAME]).filter(Boolean);
      throw new NoSuchObjectError(`${files.label} holds no image ${what}`, {hint: have.length ? `it holds: ${have.join(', ')}` : 'its images have no names; load them all'});
    }
    throw new InvalidInputError(`${files.label} holds no images`, {hint: 'its index.json lists nothing'});
  }
  const out: ArchiveImage[] = [];
  for (const {entry, names, position} of byDigest.values()) out.push(imageOf(files, entry, names, `${files.label}, index entry ${position}`, platform));
  return out;
}

/** A layout must say it is one; the version is only checked to be there, as other tools do. */
function checkLayoutFile(files: LayoutFiles): void {
  let doc: {imageLayoutVersion?: unknown};
  try {
    doc = JSON.parse(files.read('oci-layout', DOCUMENT_LIMIT).toString('utf8'));
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(`${files.label}: oci-layout is not valid JSON`, {hint: 'the layout is corrupt'});
  }
  if (typeof doc?.imageLayoutVersion !== 'string') throw new InvalidInputError(`${files.label}: oci-layout has no imageLayoutVersion`, {hint: 'the layout is corrupt'});
}

function wantedNames(name: string): Set<string> {
  const out = new Set([name]);
  try {
    out.add(canonicalName({...parseReference(name), digest: undefined}));
  } catch {
    // a bare ref name such as "v1" is matched as given
  }
  return out;
}

/** Bytes of a blob named by a descriptor, checked against its size and digest. */
export function readBlob(files: LayoutFiles, d: Descriptor, what: string): Buffer {
  const p = blobPath(d.digest);
  const bytes = files.read(p, DOCUMENT_LIMIT);
  checkSize(`${files.label}: ${what} ${p}`, d.size, bytes.length);
  const got = sha256(bytes);
  if (got !== d.digest) throw new InvalidInputError(`${files.label}: ${what} ${p} failed its digest check (got ${got})`, {hint: 'the layout is corrupt'});
  return bytes;
}

function imageOf(files: LayoutFiles, entry: Descriptor, names: string[], where: string, platform: Platform): ArchiveImage {
  let desc = entry;
  let bytes = readBlob(files, desc, 'manifest');
  if (isList(bytes, desc.mediaType)) {
    const list = parseManifest(bytes, desc.mediaType);
    if (list.kind !== 'index') throw new InvalidInputError(`${where}: manifest ${desc.digest} is not a manifest list`, {hint: 'the layout is corrupt'});
    desc = choosePlatform(list, platform);
    bytes = readBlob(files, desc, 'manifest');
    if (isList(bytes, desc.mediaType)) throw new InvalidInputError(`${where}: a manifest list points at another list`, {hint: 'nested manifest lists are not supported'});
  }
  const m = parseImageManifest(bytes, where, desc.mediaType);
  const config = readBlob(files, m.config, 'config');
  for (const l of m.layers) {
    const p = blobPath(l.digest);
    // Foreign layers are not in the layout by design; the commit skips them.
    if (l.urls?.length && !files.exists(p)) continue;
    checkSize(`${files.label}: layer ${p}`, l.size, files.size(p));
    const known = files.knownDigest(p);
    if (known !== undefined && known !== l.digest) throw new InvalidInputError(`${files.label}: layer ${p} failed its digest check (got ${known})`, {hint: 'the layout is corrupt'});
  }
  return {
    names, manifest: bytes, manifestMediaType: m.mediaType, config, configDigest: m.config.digest, where,
    layers: m.layers.map((l) => ({descriptor: l, open: async () => files.open(blobPath(l.digest))})),
  };
}
