// Local image operations: import a tarball as a one-layer image, tag, untag, remove (refusing images
// that containers use, unless forced), prune (with the layers and blobs no image references) and the
// Podman-shaped views of `images` and `image inspect`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {BurrowError, InvalidInputError, InvalidStateError, NoSuchObjectError} from '../errors';
import type {EngineContext} from '../engine/context';
import {withLock} from '../storage/lock';
import type {ImageRecord, ImageView, OciImageConfig} from '../storage/image-store';
import {canonicalName, parseReference, splitName} from './reference';
import {applyChanges} from './image-change';
import {DEFAULT_PATH} from '../runtime/oci-spec';
import {goArch} from '../config/platform';
import {isAlive} from '../../rootless/proc';
import {log} from '../log';

export interface ImportOptions {
  source: string;
  name?: string;
  changes: string[];
  message?: string;
}

export interface RemoveReport {
  untagged: string[];
  deleted: string[];
}

export interface PruneOptions {
  /** every image no container uses, not only dangling (unnamed) ones */
  all: boolean;
  /** the --filter predicate */
  matches: (img: ImageView) => boolean;
}

export interface PruneReport {
  /** ids of the images removed */
  images: string[];
  /** layers and blobs deleted because no image references them any more */
  layers: number;
  blobs: number;
  /** unreferenced layers and blobs left alone because a writer may be about to reference them */
  kept: number;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

/**
 * A pull or import writes its blobs and layers first and its image record last, without holding the images
 * lock (downloads can take minutes). Unreferenced entries this young, or any while a live writer has temp
 * files in the store, may belong to one of those and are left for a later prune.
 */
const ORPHAN_GRACE_MS = 10 * 60_000;
const HEX64 = /^[a-f0-9]{64}$/;
const INCOMING = /^\.incoming-(\d+)-/;

export class ImageService {
  constructor(private readonly ctx: EngineContext) {}

  async importTarball(o: ImportOptions): Promise<ImageView> {
    await this.ctx.ready();
    await this.sweep();
    const name = o.name === undefined ? undefined : qualify(o.name);
    const input = o.source === '-' ? process.stdin : openSource(o.source);
    const blob = await this.ctx.blobs.put(input as AsyncIterable<Buffer>);
    const blobPath = this.ctx.blobs.path(blob.digest);
    let layer;
    try {
      layer = await this.ctx.layers.extract(fs.createReadStream(blobPath), {baseLayer: true});
    } catch (e) {
      // A refused or broken tarball leaves nothing behind, unless an existing image already holds it.
      const used = this.ctx.images.list().some((i) => i.layers.some((l) => l.digest === blob.digest));
      if (!used) this.ctx.blobs.remove(blob.digest);
      throw e;
    }
    const gz = isGzip(blobPath);
    const created = new Date().toISOString();
    const config: OciImageConfig = {
      created,
      architecture: goArch(),
      os: 'linux',
      config: applyChanges({Env: [`PATH=${DEFAULT_PATH}`]}, o.changes),
      rootfs: {type: 'layers', diff_ids: [layer.diffId]},
      history: [{created, created_by: `/bin/sh -c #(nop) ADD file:${blob.digest.slice(7)} in /`, comment: o.message ?? 'imported from tarball'}],
    };
    const configBlob = await this.ctx.blobs.putBytes(JSON.stringify(config));
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size},
      layers: [{mediaType: gz ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: blob.digest, size: blob.size}],
    };
    const manifestBlob = await this.ctx.blobs.putBytes(JSON.stringify(manifest));
    const rec: ImageRecord = {
      id: configBlob.digest.slice(7), digest: manifestBlob.digest, configDigest: configBlob.digest, created,
      layers: [{diffId: layer.diffId, digest: blob.digest, mediaType: manifest.layers[0].mediaType, size: layer.size}], config,
    };
    await withLock(this.ctx.images.lockFile, () => {
      // The layer may be an older one this import found already extracted; a concurrent prune may have
      // removed it since, as it may the blobs. Checked under the lock that prune holds while deleting.
      const gone = [blob.digest, configBlob.digest, manifestBlob.digest].find((d) => !this.ctx.blobs.has(d)) ?? (this.ctx.layers.has(layer.diffId) ? undefined : layer.diffId);
      if (gone) throw new InvalidStateError(`${gone} was removed while the image was being stored (by a concurrent \`burrow image prune\`?)`, {hint: 'run the import again'});
      this.ctx.images.put(rec);
      if (name) this.ctx.images.tag(rec.id, name);
    }, 'images');
    return {...rec, names: this.ctx.images.namesOf(rec.id)};
  }

  async tag(source: string, targets: string[]): Promise<void> {
    await withLock(this.ctx.images.lockFile, () => {
      const img = this.ctx.images.resolve(source);
      for (const t of targets) this.ctx.images.tag(img.id, qualify(t));
    }, 'images');
  }

  async untag(source: string, targets: string[]): Promise<void> {
    await withLock(this.ctx.images.lockFile, () => {
      const img = this.ctx.images.resolve(source);
      const names = targets.length > 0 ? targets.map(qualify) : img.names;
      for (const n of names) {
        if (!img.names.includes(n)) throw new NoSuchObjectError(`${n}: tag not known for image ${img.id.slice(0, 12)}`);
        this.ctx.images.untag(n);
      }
    }, 'images');
  }

  /**
   * Removes one image reference. A name of an image with other names only untags it; an id (or the last
   * name) deletes the image and the layers no other image uses. Containers using it block removal unless
   * `force`, which removes those containers first (as Podman does).
   */
  async remove(ref: string, opts: {force?: boolean; removeContainer: (id: string) => Promise<void>}): Promise<RemoveReport> {
    await this.ctx.ready();
    await this.sweep();
    const img = this.ctx.images.resolve(ref);
    const users = this.ctx.containers.list().filter((c) => c.config.imageId === img.id);
    const qualified = this.ctx.images.matchName(ref);
    if (qualified && img.names.length > 1) {
      await withLock(this.ctx.images.lockFile, () => this.ctx.images.untag(qualified), 'images');
      return {untagged: [qualified], deleted: []};
    }
    if (!qualified && img.names.length > 1 && !opts.force) {
      throw new InvalidStateError(`unable to delete image "${img.id}" by ID with more than one tag (${img.names.join(', ')}): please force removal`,
        {exitCode: 2, hint: 'remove the tags one by one or use `burrow rmi -f`'});
    }
    if (users.length > 0) {
      if (!opts.force) {
        throw new InvalidStateError(`image used by ${users[0].config.id}: image is in use by a container: consider listing external containers and force-removing image`,
          {exitCode: 2, hint: `remove the container${users.length > 1 ? 's' : ''} first (${users.map((u) => u.config.name).join(', ')}) or use \`burrow rmi -f\``});
      }
      for (const u of users) await opts.removeContainer(u.config.id);
    }
    const doomed: string[] = [];
    await withLock(this.ctx.images.lockFile, () => {
      if (this.ctx.containers.list().some((c) => c.config.imageId === img.id)) {
        throw new InvalidStateError(`image ${img.id.slice(0, 12)} gained a container while being removed`, {exitCode: 2, hint: 'try again'});
      }
      this.ctx.images.delete(img.id);
      const still = new Set(this.ctx.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
      // Detached under the lock, so an image stored after it is released never finds a layer half deleted.
      for (const l of img.layers) if (!still.has(l.diffId)) doomed.push(...this.detachLayer(hexOf(l.diffId)));
      const keepBlobs = new Set(this.ctx.images.list().flatMap((i) => [i.digest, i.configDigest, ...i.layers.map((l) => l.digest)]));
      for (const d of [img.digest, img.configDigest, ...img.layers.map((l) => l.digest)]) if (!keepBlobs.has(d)) this.ctx.blobs.remove(d);
    }, 'images');
    for (const d of doomed) await this.ctx.layers.removeTree(d);
    return {untagged: img.names, deleted: [img.id]};
  }

  /**
   * `image prune`: removes the images no container uses that are dangling (no name), or all of them with
   * `all`, among those `matches` accepts; then the layers and blobs no image references any more, and
   * what interrupted writers left. The images lock is held from the choice to the last deletion, so an
   * image stored meanwhile either is seen (and its layers kept) or is stored after them.
   */
  async prune(o: PruneOptions): Promise<PruneReport> {
    await this.ctx.ready();
    await this.sweep();
    const report: PruneReport = {images: [], layers: 0, blobs: 0, kept: 0};
    const doomed: string[] = [];
    await withLock(this.ctx.images.lockFile, () => {
      // Container creation resolves its image under this lock: the set of used images cannot grow meanwhile.
      const used = new Set(this.ctx.containers.list().map((c) => c.config.imageId));
      const freed: ImageRecord[] = [];
      for (const img of this.ctx.images.list()) {
        if (used.has(img.id) || (!o.all && img.names.length > 0) || !o.matches(img)) continue;
        this.ctx.images.delete(img.id);
        report.images.push(img.id);
        freed.push(img);
      }
      this.collectGarbage(freed, report, doomed);
    }, 'images');
    // The trees were renamed away under the lock; deleting them (as namespaced root) can take a while.
    for (const d of doomed) await this.ctx.layers.removeTree(d);
    if (report.layers + report.blobs + report.kept > 0) {
      log.info(`image prune: removed ${report.layers} layers and ${report.blobs} blobs no image references; kept ${report.kept} that a pull or import in progress may still use`);
    }
    return report;
  }

  /**
   * Unreferenced layers and blobs, under the images lock; layer trees are detached into `doomed`. Those of
   * the images just removed go at once, as with rmi; other unreferenced ones only when no writer may be
   * about to reference them.
   */
  private collectGarbage(freed: ImageRecord[], report: PruneReport, doomed: string[]): void {
    const layersOf = (list: ImageRecord[]) => new Set(list.flatMap((i) => i.layers.map((l) => hexOf(l.diffId))));
    const blobsOf = (list: ImageRecord[]) => new Set(list.flatMap((i) => [i.digest, i.configDigest, i.listDigest, ...i.layers.map((l) => l.digest)]).filter((d): d is string => !!d).map(hexOf));
    const images = this.ctx.images.list();
    const now = Date.now();
    const stores = [
      {dir: this.ctx.layers.dir, refs: layersOf(images), freed: layersOf(freed), drop: (hex: string) => doomed.push(...this.detachLayer(hex)), count: () => report.layers++},
      {dir: this.ctx.blobs.dir, refs: blobsOf(images), freed: blobsOf(freed), drop: (hex: string) => fs.rmSync(path.join(this.ctx.blobs.dir, hex), {force: true}), count: () => report.blobs++},
    ];
    for (const s of stores) {
      const entries = listDir(s.dir);
      const writing = entries.some((e) => {
        const m = INCOMING.exec(e);
        return m !== null && isAlive(Number(m[1]));
      });
      for (const e of entries) {
        if (!HEX64.test(e) || s.refs.has(e)) continue;
        if (!s.freed.has(e) && (writing || now - mtimeMs(path.join(s.dir, e)) < ORPHAN_GRACE_MS)) {
          report.kept++;
          continue;
        }
        s.drop(e);
        s.count();
      }
    }
  }

  /** Renames a layer away (readers stop seeing it at once); returns the directory to delete, if any. */
  private detachLayer(hex: string): string[] {
    const doomed = path.join(this.ctx.layers.dir, `.removing-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      fs.renameSync(path.join(this.ctx.layers.dir, hex), doomed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return [doomed];
  }

  /** Temp blobs and layer directories of imports or removals that were killed half-way. */
  private async sweep(): Promise<void> {
    this.ctx.blobs.sweep(isAlive);
    await this.ctx.layers.sweep(isAlive);
  }

  size(img: ImageRecord): number {
    return img.layers.reduce((n, l) => n + l.size, 0);
  }

  /** `podman image inspect` shape. */
  inspectView(img: ImageView, driver: string): Record<string, unknown> {
    const cfg = img.config;
    return {
      Id: img.id,
      Digest: imageDigest(img),
      RepoTags: img.names,
      RepoDigests: repoDigests(img),
      Parent: '',
      Comment: cfg.history?.[0]?.comment ?? '',
      Created: cfg.created ?? img.created,
      Config: cfg.config ?? {},
      Version: '',
      Author: cfg.author ?? '',
      Architecture: cfg.architecture,
      Os: cfg.os,
      Size: this.size(img),
      VirtualSize: this.size(img),
      GraphDriver: {Name: driver, Data: {UpperDir: this.ctx.layers.diffDir(img.layers[img.layers.length - 1]?.diffId ?? img.configDigest),
        LowerDir: img.layers.slice(0, -1).reverse().map((l) => this.ctx.layers.diffDir(l.diffId)).join(':') || undefined}},
      RootFS: {Type: 'layers', Layers: cfg.rootfs.diff_ids},
      Labels: cfg.config?.Labels ?? null,
      Annotations: {},
      ManifestType: img.manifestMediaType ?? OCI_MANIFEST,
      User: cfg.config?.User ?? '',
      History: cfg.history ?? [],
      NamesHistory: img.names,
    };
  }
}

/**
 * The digest Podman reports for an image (Digest, `images --digests`): that of the manifest list when the
 * image was pulled through one, else that of its manifest.
 */
export function imageDigest(img: ImageRecord): string {
  return img.listDigest ?? img.digest;
}

/** REPOSITORY@DIGEST for every name and every digest the image is known by (manifest, manifest list), sorted as Podman does. */
export function repoDigests(img: ImageView): string[] {
  const out = new Set<string>();
  for (const n of img.names) for (const d of [img.digest, img.listDigest]) if (d) out.add(`${splitName(n).repository}@${d}`);
  return [...out].sort();
}

/** A short name given to burrow for a new image lands under localhost/, as in Podman. */
export function qualify(name: string): string {
  return canonicalName(parseReference(name));
}

function openSource(source: string): fs.ReadStream {
  if (/^https?:\/\//.test(source)) throw new InvalidInputError(`importing from a URL (${source}) is not supported yet`, {hint: 'download the file first'});
  try {
    const st = fs.statSync(source);
    if (!st.isFile()) throw new InvalidInputError(`${source} is not a regular file`, {hint: 'give the path of a tar archive, or - for stdin'});
  } catch (e) {
    if (e instanceof BurrowError) throw e;
    throw new InvalidInputError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, {hint: 'give the path of a tar archive, or - for stdin'});
  }
  return fs.createReadStream(path.resolve(source));
}

function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Modification time; a vanished entry counts as new (someone else is handling it). */
function mtimeMs(p: string): number {
  try {
    return fs.lstatSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    fs.readSync(fd, b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}
