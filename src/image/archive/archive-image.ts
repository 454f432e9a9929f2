// What every archive reader hands to the load: one image as commitImage() takes it (manifest bytes, config
// bytes and digest, a way to open each layer) plus the names it should get. Also the rules shared by the
// readers: how names in archives become burrow's canonical names, and manifest parsing that accepts the
// uncompressed Docker layer type that dir: and docker-archive tools write.
import {InvalidInputError} from '../../errors';
import type {LayerSource} from '../image-commit';
import {MediaType, parseManifest, type ImageManifest} from '../manifest';
import {canonicalName, parseReference} from '../reference';

export interface ArchiveImage {
  /** canonical names the image gets (may be empty) */
  names: string[];
  manifest: Buffer;
  manifestMediaType: string;
  config: Buffer;
  configDigest: string;
  layers: LayerSource[];
  /** where it was found, for messages: "archive x.tar, image 2" */
  where: string;
}

/** Uncompressed Docker layers: written by `podman save --format docker-dir` and some docker-archive tools. */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';

/**
 * Parses an image manifest from an archive. The shared parser does not know the uncompressed Docker layer
 * type, so such layers are checked as their OCI twin and keep their own type afterwards.
 */
export function parseImageManifest(bytes: Buffer, where: string, contentType?: string): ImageManifest {
  let checked = bytes;
  let patched = false;
  if (bytes.includes(DOCKER_LAYER_TAR)) {
    try {
      const doc = JSON.parse(bytes.toString('utf8')) as {layers?: {mediaType?: string}[]};
      for (const l of Array.isArray(doc.layers) ? doc.layers : []) {
        if (l && l.mediaType === DOCKER_LAYER_TAR) {
          l.mediaType = MediaType.ociLayer;
          patched = true;
        }
      }
      if (patched) checked = Buffer.from(JSON.stringify(doc));
    } catch {
      // not JSON: parseManifest says so below
    }
  }
  let m;
  try {
    m = parseManifest(checked, contentType);
  } catch (e) {
    if (e instanceof InvalidInputError) throw new InvalidInputError(`${where}: ${e.message}`, {hint: e.hint ?? 'the archive is corrupt', cause: e});
    throw e;
  }
  if (m.kind !== 'image') throw new InvalidInputError(`${where}: expected an image manifest, found a manifest list`, {hint: 'the archive is malformed'});
  if (patched) {
    const original = (JSON.parse(bytes.toString('utf8')) as {layers: {mediaType: string}[]}).layers;
    m.layers = m.layers.map((l, i) => ({...l, mediaType: original[i].mediaType}));
  }
  return m;
}

/** Manifest lists have "manifests"; anything else is read as an image manifest (and refused there if it is not one). */
export function isList(bytes: Buffer, mediaType?: string): boolean {
  if (mediaType === MediaType.ociIndex || mediaType === MediaType.dockerList) return true;
  try {
    return Array.isArray((JSON.parse(bytes.toString('utf8')) as {manifests?: unknown}).manifests);
  } catch {
    return false;
  }
}

/**
 * A name as Docker writes it in RepoTags or io.containerd.image.name ("busybox:latest" is
 * docker.io/library/busybox:latest), in burrow's canonical form.
 */
export function dockerName(name: string, where: string): string {
  let ref;
  try {
    ref = parseReference(name);
  } catch (e) {
    throw new InvalidInputError(`${where} names the image "${name}", which is not a valid image name`, {hint: 'fix the name in the archive, or load it with another tool', cause: e});
  }
  if (ref.digest && !ref.tag) throw new InvalidInputError(`${where} names the image "${name}" by digest; archives carry tags`, {hint: 'the archive is malformed'});
  if (ref.short) {
    ref.domain = 'docker.io';
    if (!ref.path.includes('/')) ref.path = `library/${ref.path}`;
  }
  return canonicalName({...ref, digest: undefined});
}

/**
 * The name an OCI layout gives a manifest: io.containerd.image.name when present (Docker's saves), else
 * org.opencontainers.image.ref.name when it is a whole name (Podman writes "localhost/app:1"); a ref name
 * that is only a tag ("latest") names no image by itself.
 */
export function ociName(annotations: Record<string, string> | undefined, where: string): string | undefined {
  const containerd = annotations?.[ANNOTATION_CONTAINERD_NAME];
  if (containerd) return dockerName(containerd, where);
  const ref = annotations?.[ANNOTATION_REF_NAME];
  if (!ref || !/[/:]/.test(ref)) return undefined;
  try {
    const parsed = parseReference(ref);
    return canonicalName({...parsed, digest: undefined});
  } catch {
    return undefined;
  }
}

/** A descriptor's size checked against the bytes found, before they are trusted. */
export function checkSize(what: string, expected: number, found: number): void {
  if (expected !== found) throw new InvalidInputError(`${what} is ${found} bytes, but its descriptor says ${expected}`, {hint: 'the archive is corrupt'});
}
