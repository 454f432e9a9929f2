// `pull`: resolves the reference to registries and mirrors, fetches and checks the manifest (choosing
// the platform from a manifest list), the config and the layers, and hands them to the image commit,
// which streams each layer straight into storage.
import type {EngineContext} from '../engine/context';
import {BurrowError, InvalidInputError, NoSuchObjectError} from '../errors';
import {commitImage, sha256, type CommitEvent, type CommitResult} from '../image/image-commit';
import {choosePlatform, parseManifest, platformString, type ImageManifest, type Platform} from '../image/manifest';
import {log} from '../log';
import type {RegistryClient} from './registry-client';
import type {RegistrySession, Source} from './registry-session';

export type PullEvent =
  | {kind: 'trying'; name: string}
  | {kind: 'resolved'; name: string; digest: string; layers: {digest: string; size: number}[]}
  | CommitEvent;

export interface PullResult extends CommitResult {
  /** the fully qualified name pulled */
  name: string;
}

export class ImagePuller {
  constructor(private readonly ctx: EngineContext, private readonly session: RegistrySession) {}

  async pull(input: string, platform: Platform, onEvent: (e: PullEvent) => void = () => undefined): Promise<PullResult> {
    const {ref, names} = this.session.candidates(input);
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const errors: BurrowError[] = [];
    for (const name of names) {
      for (const src of this.session.pullSources(name, ref.digest !== undefined)) {
        onEvent({kind: 'trying', name: `${src.host}/${src.repository}:${ref.tag ?? 'latest'}${ref.digest ? `@${ref.digest}` : ''}`});
        let fetched: {client: RegistryClient; manifest: ImageManifest; bytes: Buffer; digest: string; listDigest?: string};
        try {
          fetched = await this.fetchManifest(src, reference, ref.digest, platform);
        } catch (e) {
          if (!(e instanceof BurrowError)) throw e;
          log.info(`pull from ${src.host}/${src.repository}: ${e.message}`);
          errors.push(e);
          continue;
        }
        const tagged = ref.digest && !ref.tag ? `${name}@${ref.digest}` : `${name}:${ref.tag ?? 'latest'}`;
        return {...await this.fetchImage(fetched, tagged, onEvent), name: tagged};
      }
    }
    throw summarize(input, errors);
  }

  private async fetchManifest(src: Source, reference: string, wantDigest: string | undefined, platform: Platform) {
    const client = await this.session.client(src);
    let got = await client.getManifest(reference);
    checkDigest(got.bytes, wantDigest ?? got.digest, `manifest ${src.repository}:${reference}`);
    let m = parseManifest(got.bytes, got.mediaType);
    let listDigest: string | undefined;
    if (m.kind === 'index') {
      listDigest = sha256(got.bytes);
      const pick = choosePlatform(m, platform);
      log.debug(`manifest list ${listDigest}: ${platformString(platform)} is ${pick.digest}`);
      got = await client.getManifest(pick.digest);
      checkDigest(got.bytes, pick.digest, `manifest ${pick.digest}`);
      m = parseManifest(got.bytes, got.mediaType ?? pick.mediaType);
      if (m.kind === 'index') throw new InvalidInputError(`manifest list ${listDigest} points at another list`, {hint: 'nested manifest lists are not supported'});
    }
    return {client, manifest: m, bytes: got.bytes, digest: sha256(got.bytes), listDigest};
  }

  private async fetchImage(f: {client: RegistryClient; manifest: ImageManifest; bytes: Buffer; digest: string; listDigest?: string}, name: string, onEvent: (e: PullEvent) => void): Promise<CommitResult> {
    const m = f.manifest;
    onEvent({kind: 'resolved', name, digest: f.digest, layers: m.layers.map((l) => ({digest: l.digest, size: l.size}))});
    const config = await this.fetchConfig(f.client, m.config.digest, m.config.size);
    return commitImage(this.ctx, {
      manifest: f.bytes, manifestMediaType: m.mediaType, config, configDigest: m.config.digest,
      layers: m.layers.map((d) => ({descriptor: d, open: async () => f.client.blob(d.digest, d.size)})),
      names: [name], listDigest: f.listDigest, parallel: this.session.parallelCopies, onEvent,
    });
  }

  private async fetchConfig(client: RegistryClient, digest: string, size: number): Promise<Buffer> {
    if (this.ctx.blobs.has(digest)) return this.ctx.blobs.read(digest);
    if (size > 16 * 1024 * 1024) throw new InvalidInputError(`image config ${digest} is ${size} bytes, more than the 16 MiB limit`, {hint: 'the image is malformed'});
    const chunks: Buffer[] = [];
    for await (const c of client.blob(digest, size)) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    checkDigest(bytes, digest, 'image config');
    return bytes;
  }
}

function checkDigest(bytes: Buffer, expected: string | undefined, what: string): void {
  if (!expected || !expected.startsWith('sha256:')) return;
  const got = sha256(bytes);
  if (got !== expected) throw new InvalidInputError(`${what} failed its digest check: expected ${expected}, got ${got}`, {hint: 'the registry sent corrupt data; try again'});
}

/** One error for the user: the only one, or the most telling of several candidates. */
function summarize(input: string, errors: BurrowError[]): BurrowError {
  if (errors.length === 0) return new NoSuchObjectError(`${input}: no registry to pull from`, {hint: 'check registries.conf'});
  if (errors.length === 1) return errors[0];
  const notFound = errors.every((e) => e instanceof NoSuchObjectError);
  const best = errors.find((e) => !(e instanceof NoSuchObjectError)) ?? errors[0];
  if (notFound) return new NoSuchObjectError(`${input}: image not found in any of ${errors.length} places tried`, {hint: best.hint});
  return best;
}

