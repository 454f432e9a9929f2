// Reads a docker-archive (`docker save` / `podman save`): manifest.json lists each image's config file,
// names (RepoTags) and layer files. Layers may be plain tars or compressed, named "<hex>.tar",
// "<id>/layer.tar" (often a symlink) or "blobs/sha256/<hex>". The archive has no image manifest, so one is
// made: OCI, with each layer file's digest and size as indexed (the commit checks them again while it
// reads, and checks each layer's diff id against the config).
import {InvalidInputError, NoSuchObjectError} from '../../errors';
import {sha256} from '../image-commit';
import {MediaType} from '../manifest';
import {dockerName, type ArchiveImage} from './archive-image';
import {DOCUMENT_LIMIT, type LayoutFiles} from './layout-files';
import {measure} from './layer-streams';

export interface ArchiveSelection {
  /** an image name (as RepoTags or OCI ref names give it) */
  name?: string;
  /** position in the archive, from 0 (docker-archive's "@N") */
  index?: number;
}

interface Item {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export async function readDockerArchive(files: LayoutFiles, select: ArchiveSelection = {}): Promise<ArchiveImage[]> {
  const items = parseItems(files);
  const wanted = select.name === undefined ? undefined : dockerName(select.name, 'the requested name');
  const out: ArchiveImage[] = [];
  for (const [i, item] of items.entries()) {
    if (select.index !== undefined && select.index !== i) continue;
    const where = `${files.label}, image ${i + 1}`;
    const names = item.RepoTags.map((t) => dockerName(t, where));
    if (wanted !== undefined && !names.includes(wanted)) continue;
    out.push(await image(files, item, wanted !== undefined ? [wanted] : names, where));
  }
  if (out.length === 0) {
    const what = select.name ?? (select.index !== undefined ? `@${select.index}` : '');
    if (what) throw new NoSuchObjectError(`${files.label} holds no image ${what}`, {hint: `it holds ${items.length} image${items.length === 1 ? '' : 's'}: ${items.map((it, i) => it.RepoTags[0] ?? `@${i}`).join(', ')}`});
    throw new InvalidInputError(`${files.label} holds no images`, {hint: 'its manifest.json is empty'});
  }
  return out;
}

function parseItems(files: LayoutFiles): Item[] {
  let doc: unknown;
  try {
    doc = JSON.parse(files.read('manifest.json', DOCUMENT_LIMIT).toString('utf8'));
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(`${files.label}: manifest.json is not valid JSON`, {hint: 'the archive is corrupt'});
  }
  const bad = (why: string) => new InvalidInputError(`${files.label}: manifest.json ${why}`, {hint: 'the archive is corrupt or not a docker-archive'});
  if (!Array.isArray(doc)) throw bad('is not a list of images');
  return doc.map((raw, i) => {
    const it = raw as Record<string, unknown> | null;
    if (typeof it !== 'object' || it === null) throw bad(`entry ${i + 1} is not an object`);
    if (typeof it.Config !== 'string' || it.Config === '') throw bad(`entry ${i + 1} has no Config`);
    if (!Array.isArray(it.Layers) || it.Layers.some((l) => typeof l !== 'string')) throw bad(`entry ${i + 1} has no list of Layers`);
    const tags = it.RepoTags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw bad(`entry ${i + 1} has malformed RepoTags`);
    return {Config: it.Config, RepoTags: tags as string[], Layers: it.Layers as string[]};
  });
}

async function image(files: LayoutFiles, item: Item, names: string[], where: string): Promise<ArchiveImage> {
  const config = files.read(item.Config, DOCUMENT_LIMIT);
  const configDigest = sha256(config);
  const layers = [];
  for (const p of item.Layers) {
    const size = files.size(p);
    const digest = files.knownDigest(p) ?? (await measure(files.open(p))).digest;
    const compression = files.compression(p);
    const mediaType = compression === 'gzip' ? MediaType.ociLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
    layers.push({path: p, descriptor: {mediaType, digest, size}});
  }
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: {mediaType: MediaType.ociConfig, digest: configDigest, size: config.length},
    layers: layers.map((l) => l.descriptor),
  }));
  return {
    names, manifest, manifestMediaType: MediaType.ociManifest, config, configDigest, where,
    layers: layers.map((l) => ({descriptor: l.descriptor, open: async () => files.open(l.path)})),
  };
}
