// `push`: uploads a stored image's blobs (those the registry lacks, in parallel) and then its manifest.
// Blobs go up exactly as stored, so an image pulled and pushed again keeps its digest; `--format`
// rewrites only the manifest's media types when the user asks for the other schema.
import * as fs from 'node:fs';
import type {EngineContext} from '../engine/context';
import {InvalidInputError} from '../errors';
import {runLimited, sha256} from '../image/image-commit';
import {MediaType} from '../image/manifest';
import {parseReference} from '../image/reference';
import type {ImageView} from '../storage/image-store';
import type {RegistrySession} from './registry-session';

export type PushEvent =
  | {kind: 'blob-start'; digest: string; size: number}
  | {kind: 'blob-bytes'; digest: string; done: number; size: number}
  | {kind: 'blob-done'; digest: string; size: number; how: 'exists' | 'mounted' | 'uploaded'}
  | {kind: 'manifest'; digest: string};

export interface PushResult {
  /** where it went: host/repository:tag */
  destination: string;
  digest: string;
  uploaded: number;
  skipped: number;
}

export class ImagePusher {
  constructor(private readonly ctx: EngineContext, private readonly session: RegistrySession) {}

  async push(img: ImageView, destination: string, o: {format?: string; onEvent?: (e: PushEvent) => void} = {}): Promise<PushResult> {
    const ref = parseReference(destination);
    // A short name would mean localhost:443, never what the user wants: say so instead of failing to connect.
    if (ref.short) {
      throw new InvalidInputError(`push destination "${destination}" names no registry`, {hint: `give the full name, e.g. \`burrow push ${destination} REGISTRY/${ref.path}:${ref.tag ?? 'latest'}\``});
    }
    const target = this.session.pushTarget(`${ref.domain}/${ref.path}`);
    const client = await this.session.client(target);
    const emit = o.onEvent ?? (() => undefined);
    const {manifest, mediaType} = this.manifestFor(img, o.format);
    let uploaded = 0;
    let skipped = 0;
    const blobs = [...img.layers.map((l) => ({digest: l.digest, size: fs.statSync(this.blobPath(l.digest, img)).size})), {digest: img.configDigest, size: fs.statSync(this.blobPath(img.configDigest, img)).size}];
    await runLimited(blobs, this.session.parallelCopies, async (b) => {
      emit({kind: 'blob-start', digest: b.digest, size: b.size});
      const file = this.ctx.blobs.path(b.digest);
      const how = await client.pushBlob(b.digest, b.size, () => {
        let done = 0;
        const s = fs.createReadStream(file);
        s.on('data', (c) => {
          done += c.length;
          emit({kind: 'blob-bytes', digest: b.digest, done, size: b.size});
        });
        return s;
      });
      if (how === 'uploaded') uploaded++;
      else skipped++;
      emit({kind: 'blob-done', digest: b.digest, size: b.size, how});
    });
    const digest = sha256(manifest);
    const tag = ref.digest && !ref.tag ? ref.digest : ref.tag ?? 'latest';
    await client.putManifest(tag, manifest, mediaType);
    emit({kind: 'manifest', digest});
    return {destination: `${target.host}/${target.repository}${tag.startsWith('sha256:') ? '@' : ':'}${tag}`, digest, uploaded, skipped};
  }

  private blobPath(digest: string, img: ImageView): string {
    const p = this.ctx.blobs.path(digest);
    if (!fs.existsSync(p)) {
      throw new InvalidInputError(`image ${img.id.slice(0, 12)} lacks blob ${digest.slice(7, 19)} in storage`, {hint: 'pull or import the image again, then push'});
    }
    return p;
  }

  /** The stored manifest, or one rewritten to the other schema when --format asks for it. */
  private manifestFor(img: ImageView, format?: string): {manifest: Buffer; mediaType: string} {
    const stored = this.ctx.blobs.read(img.digest);
    const storedType = img.manifestMediaType ?? MediaType.ociManifest;
    if (!format) return {manifest: stored, mediaType: storedType};
    const want = format === 'oci' ? MediaType.ociManifest : format === 'v2s2' || format === 'docker' ? MediaType.dockerManifest : undefined;
    if (!want) throw new InvalidInputError(`unknown manifest format "${format}"`, {hint: 'use --format oci or --format v2s2'});
    if (want === storedType) return {manifest: stored, mediaType: storedType};
    const doc = JSON.parse(stored.toString()) as {mediaType?: string; config: {mediaType: string}; layers: {mediaType: string}[]};
    const toDocker = want === MediaType.dockerManifest;
    doc.mediaType = want;
    doc.config.mediaType = toDocker ? MediaType.dockerConfig : MediaType.ociConfig;
    for (const l of doc.layers) l.mediaType = convertLayerType(l.mediaType, toDocker);
    return {manifest: Buffer.from(JSON.stringify(doc)), mediaType: want};
  }
}

function convertLayerType(t: string, toDocker: boolean): string {
  if (toDocker) {
    if (t === MediaType.ociLayerGzip) return MediaType.dockerLayer;
    if (t === MediaType.ociForeignGzip) return MediaType.dockerForeign;
    if (t === MediaType.dockerLayer || t === MediaType.dockerForeign) return t;
    throw new InvalidInputError(`a ${t} layer cannot be pushed in Docker schema 2 (it carries only gzip layers)`, {hint: 'push with --format oci'});
  }
  if (t === MediaType.dockerLayer) return MediaType.ociLayerGzip;
  if (t === MediaType.dockerForeign) return MediaType.ociForeignGzip;
  return t;
}
