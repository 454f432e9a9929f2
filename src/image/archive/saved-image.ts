// What the archive writers take: an image as storage holds it (stored manifest, config bytes, layer blobs
// with their diff ids and uncompressed sizes) and a reader of blobs by digest, so the writers need no
// engine and can be tested against blobs in memory. Also the manifest rewrites between OCI and Docker
// schema 2 that a format may demand (config and blobs stay as they are; only media types change).
import {InvalidInputError} from '../../errors';
import {MediaType} from '../manifest';
import {DOCKER_LAYER_TAR} from './archive-image';
import type {Compression} from './layer-streams';

export interface SavedLayer {
  /** digest of the blob as stored (possibly compressed) */
  digest: string;
  /** digest of the uncompressed tar */
  diffId: string;
  /** bytes of the uncompressed tar */
  uncompressedSize: number;
}

export interface SavedImage {
  /** names to record for it in the archive (canonical) */
  names: string[];
  id: string;
  manifest: Buffer;
  manifestMediaType: string;
  config: Buffer;
  configDigest: string;
  layers: SavedLayer[];
}

export interface BlobReader {
  has(digest: string): boolean;
  size(digest: string): number;
  open(digest: string): AsyncIterable<Buffer>;
  compression(digest: string): Compression;
}

interface ManifestDoc {
  schemaVersion: number;
  mediaType?: string;
  config: {mediaType: string; digest: string; size: number};
  layers: {mediaType: string; digest: string; size: number; urls?: string[]}[];
  annotations?: Record<string, string>;
}

export function manifestDoc(img: SavedImage): ManifestDoc {
  return JSON.parse(img.manifest.toString('utf8')) as ManifestDoc;
}

const TO_OCI: Record<string, string> = {
  [MediaType.dockerLayer]: MediaType.ociLayerGzip,
  [MediaType.dockerForeign]: MediaType.ociForeignGzip,
  [DOCKER_LAYER_TAR]: MediaType.ociLayer,
};

const TO_DOCKER: Record<string, string> = {
  [MediaType.ociLayerGzip]: MediaType.dockerLayer,
  [MediaType.ociForeignGzip]: MediaType.dockerForeign,
  [MediaType.ociLayer]: DOCKER_LAYER_TAR,
};

/** The image's manifest as OCI (an OCI layout holds only OCI manifests): the stored bytes when already OCI. */
export function ociManifest(img: SavedImage): Buffer {
  if (img.manifestMediaType === MediaType.ociManifest) return img.manifest;
  const doc = manifestDoc(img);
  doc.mediaType = MediaType.ociManifest;
  doc.config.mediaType = MediaType.ociConfig;
  for (const l of doc.layers) l.mediaType = TO_OCI[l.mediaType] ?? l.mediaType;
  return Buffer.from(JSON.stringify(doc));
}

/** The image's manifest as Docker schema 2, which has no zstd layers. */
export function dockerManifest(img: SavedImage): Buffer {
  if (img.manifestMediaType === MediaType.dockerManifest) return img.manifest;
  const doc = manifestDoc(img);
  doc.mediaType = MediaType.dockerManifest;
  doc.config.mediaType = MediaType.dockerConfig;
  for (const l of doc.layers) {
    const t = TO_DOCKER[l.mediaType] ?? (Object.values(TO_DOCKER).includes(l.mediaType) ? l.mediaType : undefined);
    if (!t) throw new InvalidInputError(`image ${img.id.slice(0, 12)} has a ${l.mediaType} layer, which Docker schema 2 cannot describe`, {hint: 'save it with --format oci-dir or oci-archive'});
    l.mediaType = t;
  }
  delete doc.annotations;
  return Buffer.from(JSON.stringify(doc));
}

export function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}
