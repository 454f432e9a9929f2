// Writes an OCI image layout (into a tar for oci-archive, a directory for oci-dir): blobs/sha256/<hex> for
// every manifest, config and layer, copied as stored (compressed layers stay compressed, so an image keeps
// its layer digests), index.json with one entry per name (annotated with the name, as Podman does) and
// oci-layout. Docker schema 2 manifests are rewritten as OCI, since a layout holds OCI manifests only.
import {ANNOTATION_REF_NAME} from './archive-image';
import {InvalidInputError} from '../../errors';
import {sha256} from '../image-commit';
import {MediaType} from '../manifest';
import type {LayoutSink} from './layout-sink';
import {verified} from './layer-streams';
import {blobPath} from './oci-layout-reader';
import {ociManifest, hexOf, type BlobReader, type SavedImage} from './saved-image';

export const OCI_LAYOUT_FILE = JSON.stringify({imageLayoutVersion: '1.0.0'});

interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export async function writeOciLayout(sink: LayoutSink, images: SavedImage[], blobs: BlobReader): Promise<void> {
  const entries: IndexEntry[] = [];
  for (const img of images) {
    const manifest = ociManifest(img);
    const doc = JSON.parse(manifest.toString('utf8')) as {layers: {digest: string; size: number; urls?: string[]}[]};
    for (const l of doc.layers) {
      const name = blobPath(l.digest);
      if (sink.has(name)) continue;
      if (!blobs.has(l.digest)) {
        // Non-distributable layers were never downloaded; the OCI layout may go without them.
        if (l.urls?.length) continue;
        throw new InvalidInputError(`image ${img.id.slice(0, 12)} lacks layer ${hexOf(l.digest).slice(0, 12)} in storage`, {hint: 'pull or load the image again, then save'});
      }
      await sink.stream(name, l.size, verified(blobs.open(l.digest), {size: l.size, digest: l.digest}, `layer ${hexOf(l.digest).slice(0, 12)} of image ${img.id.slice(0, 12)}`));
    }
    const configName = blobPath(img.configDigest);
    if (!sink.has(configName)) await sink.file(configName, img.config);
    const digest = sha256(manifest);
    if (!sink.has(blobPath(digest))) await sink.file(blobPath(digest), manifest);
    const base = {mediaType: MediaType.ociManifest, digest, size: manifest.length};
    if (img.names.length === 0) entries.push(base);
    for (const n of img.names) {
      if (!entries.some((e) => e.digest === digest && e.annotations?.[ANNOTATION_REF_NAME] === n)) entries.push({...base, annotations: {[ANNOTATION_REF_NAME]: n}});
    }
  }
  await sink.file('index.json', Buffer.from(JSON.stringify({schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries})));
  await sink.file('oci-layout', Buffer.from(OCI_LAYOUT_FILE));
}
