// Image records (images/<id>.json) and their names (images/names/). An image id is the hex sha256 of its
// config blob, as in Podman. Writers hold the images lock; readers rely on atomic renames.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {NoSuchObjectError, InvalidInputError} from '../errors';
import {readJson, writeJsonAtomic} from './atomic-file';
import {NameTable} from './names';
import {canonicalName, parseReference} from '../image/reference';

export interface ImageLayer {
  /** sha256 of the uncompressed tar, the key of the extracted layer */
  diffId: string;
  /** digest of the blob as stored (possibly compressed) */
  digest: string;
  mediaType: string;
  /** uncompressed size in bytes */
  size: number;
}

/** The OCI image configuration's "config" part (Entrypoint, Cmd, Env…). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker's HEALTHCHECK (OCI images may carry it too) */
  Healthcheck?: import('../runtime/health-config').HealthConfig;
}

export interface OciImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  config?: ImageRuntimeConfig;
  rootfs: {type: 'layers'; diff_ids: string[]};
  history?: {created?: string; created_by?: string; comment?: string; empty_layer?: boolean}[];
}

export interface ImageRecord {
  id: string;
  /** digest of the manifest */
  digest: string;
  configDigest: string;
  created: string;
  layers: ImageLayer[];
  config: OciImageConfig;
  /** media type of the stored manifest (OCI when absent: images made before this field existed) */
  manifestMediaType?: string;
  /** the manifest list this image was picked from, when pulled through one */
  listDigest?: string;
}

export interface ImageView extends ImageRecord {
  names: string[];
}

export class ImageStore {
  readonly dir: string;
  readonly names: NameTable;

  constructor(root: string) {
    this.dir = path.join(root, 'images');
    this.names = new NameTable(path.join(this.dir, 'names'));
  }

  /** The lock every image writer holds (also taken by container creation, so rmi and create do not race). */
  get lockFile(): string {
    return path.join(this.dir, 'images');
  }

  private recordFile(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  get(id: string): ImageRecord | undefined {
    return readJson<ImageRecord>(this.recordFile(id));
  }

  exists(id: string): boolean {
    return fs.existsSync(this.recordFile(id));
  }

  list(): ImageView[] {
    let files: string[];
    try {
      files = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const byId = new Map<string, string[]>();
    for (const [name, id] of this.names.all()) byId.set(id, [...(byId.get(id) ?? []), name]);
    const out: ImageView[] = [];
    for (const f of files) {
      if (!f.endsWith('.json') || f.startsWith('.')) continue;
      const rec = this.get(f.slice(0, -5));
      if (rec) out.push({...rec, names: (byId.get(rec.id) ?? []).sort()});
    }
    return out.sort((a, b) => b.created.localeCompare(a.created));
  }

  namesOf(id: string): string[] {
    return [...this.names.all()].filter(([, v]) => v === id).map(([k]) => k).sort();
  }

  /**
   * Finds an image by full name, short name (any registry, localhost first), id or unique id prefix.
   * Throws NoSuchObjectError with a hint when nothing matches.
   */
  resolve(ref: string): ImageView {
    const found = this.find(ref);
    if (!found) {
      throw new NoSuchObjectError(`${ref}: image not known`, {hint: 'list local images with `burrow images`; get one with `burrow pull` or `burrow load`'});
    }
    return {...found, names: this.namesOf(found.id)};
  }

  /** The stored name that `ref` matches (full or short), or undefined when it is an id. */
  matchName(ref: string): string | undefined {
    if (/^(sha256:)?[a-f0-9]{64}$/.test(ref)) return undefined;
    let full: string;
    let short: boolean;
    try {
      const parsed = parseReference(ref);
      full = canonicalName(parsed);
      short = parsed.short;
    } catch {
      return undefined;
    }
    if (this.names.lookup(full)) return full;
    if (!short) return undefined;
    const suffix = `/${full.slice('localhost/'.length)}`;
    const candidates = [...this.names.all().keys()].filter((n) => n.endsWith(suffix));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  find(ref: string): ImageRecord | undefined {
    const idLike = ref.startsWith('sha256:') ? ref.slice(7) : ref;
    if (/^[a-f0-9]{64}$/.test(idLike)) return this.get(idLike);
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch (e) {
      if (/^[a-f0-9]{3,63}$/.test(idLike)) return this.byIdPrefix(idLike);
      throw e;
    }
    const full = canonicalName(parsed);
    const direct = this.names.lookup(full);
    if (direct) return this.get(direct);
    if (parsed.short) {
      const suffix = `/${full.slice('localhost/'.length)}`;
      const candidates = [...this.names.all()].filter(([n]) => n.endsWith(suffix));
      if (candidates.length === 1) return this.get(candidates[0][1]);
      if (candidates.length > 1) {
        throw new InvalidInputError(`short name "${ref}" matches several images: ${candidates.map(([n]) => n).join(', ')}`, {hint: 'use the full name'});
      }
    }
    if (/^[a-f0-9]{3,63}$/.test(idLike)) return this.byIdPrefix(idLike);
    return undefined;
  }

  private byIdPrefix(prefix: string): ImageRecord | undefined {
    let files: string[];
    try {
      files = fs.readdirSync(this.dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
    } catch {
      return undefined;
    }
    if (files.length > 1) throw new InvalidInputError(`image id prefix "${prefix}" is ambiguous`, {hint: 'give more characters of the id'});
    return files.length === 1 ? this.get(files[0].slice(0, -5)) : undefined;
  }

  /** Writes the record; callers hold the images lock. */
  put(rec: ImageRecord): void {
    fs.mkdirSync(this.dir, {recursive: true});
    writeJsonAtomic(this.recordFile(rec.id), rec);
  }

  /** Moves `name` to image `id` (the previous holder keeps its other names). */
  tag(id: string, name: string): void {
    this.names.set(name, id);
  }

  untag(name: string): void {
    this.names.release(name);
  }

  delete(id: string): void {
    for (const n of this.namesOf(id)) this.names.release(n, id);
    fs.rmSync(this.recordFile(id), {force: true});
  }
}
