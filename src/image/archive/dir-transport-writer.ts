// Writes one image in containers/image's dir: layout (`save --format docker-dir`): manifest.json as
// Docker schema 2 (what Podman writes for docker-dir), the version file, and the config and layer blobs
// as stored, each named by its hex digest.
import {InvalidInputError} from '../../errors';
import {DIR_VERSION_TEXT} from './dir-transport-reader';
import type {LayoutSink} from './layout-sink';
import {verified} from './layer-streams';
import {dockerManifest, hexOf, type BlobReader, type SavedImage} from './saved-image';

export async function writeDirLayout(sink: LayoutSink, img: SavedImage, blobs: BlobReader): Promise<void> {
  const manifest = dockerManifest(img);
  const doc = JSON.parse(manifest.toString('utf8')) as {layers: {digest: string; size: number}[]};
  for (const l of doc.layers) {
    const name = hexOf(l.digest);
    if (sink.has(name)) continue;
    if (!blobs.has(l.digest)) throw new InvalidInputError(`image ${img.id.slice(0, 12)} lacks layer ${name.slice(0, 12)} in storage`, {hint: 'pull or load the image again, then save'});
    await sink.stream(name, l.size, verified(blobs.open(l.digest), {size: l.size, digest: l.digest}, `layer ${name.slice(0, 12)} of image ${img.id.slice(0, 12)}`));
  }
  await sink.file(hexOf(img.configDigest), img.config);
  await sink.file('manifest.json', manifest);
  await sink.file('version', Buffer.from(DIR_VERSION_TEXT));
}
