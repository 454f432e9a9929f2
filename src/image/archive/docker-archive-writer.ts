// Writes a docker-archive the way `podman save` does: each layer uncompressed as "<diffid hex>.tar"
// (stored blobs are decompressed on the way, and checked against the diff id and size), the config as
// "<config hex>.json", manifest.json and repositories last, plus the legacy per-layer directories
// ("<v1 id>/layer.tar" as a symlink, VERSION, json) that old Docker versions read. Several images may
// share one archive; a layer or config is written once.
import {createHash} from 'node:crypto';
import {InvalidInputError} from '../../errors';
import {splitName} from '../reference';
import type {LayoutSink} from './layout-sink';
import {decompress, verified} from './layer-streams';
import {hexOf, type BlobReader, type SavedImage} from './saved-image';

interface ManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export async function writeDockerArchive(sink: LayoutSink, images: SavedImage[], blobs: BlobReader): Promise<void> {
  const items: ManifestItem[] = [];
  const byConfig = new Map<string, ManifestItem>();
  const repositories: Record<string, Record<string, string>> = {};
  for (const img of images) {
    checkLayersMatchConfig(img);
    const layerFiles: string[] = [];
    for (const l of img.layers) {
      const name = `${hexOf(l.diffId)}.tar`;
      layerFiles.push(name);
      if (sink.has(name)) continue;
      const what = `layer ${hexOf(l.digest).slice(0, 12)} of image ${img.id.slice(0, 12)}`;
      const plain = decompress(blobs.open(l.digest), blobs.compression(l.digest), what);
      await sink.stream(name, l.uncompressedSize, verified(plain, {size: l.uncompressedSize, digest: l.diffId}, `uncompressed ${what}`));
    }
    const configFile = `${hexOf(img.configDigest)}.json`;
    if (!sink.has(configFile)) await sink.file(configFile, img.config);
    const top = await writeLegacyLayers(sink, img, layerFiles);
    const tags = img.names.filter((n) => !n.includes('@'));
    for (const t of top ? tags : []) {
      const {repository, tag} = splitName(t);
      (repositories[repository] ??= {})[tag] = top;
    }
    const seen = byConfig.get(img.configDigest);
    if (seen) {
      for (const t of tags) if (!seen.RepoTags.includes(t)) seen.RepoTags.push(t);
      continue;
    }
    const item = {Config: configFile, RepoTags: [...tags], Layers: layerFiles};
    byConfig.set(img.configDigest, item);
    items.push(item);
  }
  await sink.file('manifest.json', Buffer.from(JSON.stringify(items)));
  await sink.file('repositories', Buffer.from(JSON.stringify(repositories)));
}

/** Layers burrow did not store (foreign ones) would leave the archive's config pointing at missing files. */
function checkLayersMatchConfig(img: SavedImage): void {
  const ids = (JSON.parse(img.config.toString('utf8')) as {rootfs?: {diff_ids?: string[]}}).rootfs?.diff_ids ?? [];
  const have = img.layers.map((l) => l.diffId);
  if (ids.length !== have.length || ids.some((d, i) => d !== have[i])) {
    throw new InvalidInputError(`image ${img.id.slice(0, 12)} has layers that burrow does not store (foreign layers), so it cannot be written as a docker-archive`,
      {hint: 'save it with --format oci-archive, which may leave such layers out'});
  }
}

/**
 * The pre-1.10 Docker layout: one directory per layer, chained by "parent", the top one carrying the
 * image's runtime settings. The ids only need to be stable and distinct (loaders allocate their own),
 * so they are digests of each directory's json together with the layer chain below it.
 */
async function writeLegacyLayers(sink: LayoutSink, img: SavedImage, layerFiles: string[]): Promise<string> {
  const config = JSON.parse(img.config.toString('utf8')) as Record<string, unknown>;
  let chain = '';
  let parent = '';
  for (const [i, l] of img.layers.entries()) {
    chain = chain === '' ? l.diffId : `sha256:${createHash('sha256').update(`${chain} ${l.diffId}`).digest('hex')}`;
    const doc: Record<string, unknown> = {};
    if (parent) doc.parent = parent;
    if (i === img.layers.length - 1) {
      for (const k of ['architecture', 'config', 'container', 'container_config', 'created', 'docker_version', 'os']) doc[k] = config[k] ?? null;
    }
    const id = createHash('sha256').update(JSON.stringify({...doc, layer_id: chain})).digest('hex');
    if (!sink.has(`${id}/json`)) {
      await sink.symlink(`${id}/layer.tar`, `../${layerFiles[i]}`);
      await sink.file(`${id}/VERSION`, Buffer.from('1.0'));
      await sink.file(`${id}/json`, Buffer.from(JSON.stringify({id, ...doc})));
    }
    parent = id;
  }
  return parent;
}
