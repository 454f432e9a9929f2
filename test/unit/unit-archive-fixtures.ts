// Small images in memory for the archive unit tests: layers are real tars (made with the project's tar
// writer) stored plain, gzip or zstd, configs list their diff ids, and a BlobReader serves the blobs as a
// store would. Also a way to write a tar of arbitrary members, for hostile archives.
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import {gzipSync} from 'node:zlib';
import {TarType} from '../../src/image/tar/tar-header';
import {END_OF_ARCHIVE, encodeEntry, padding, type TarHeaderInit} from '../../src/image/tar/tar-writer';
import {compressionOf} from '../../src/image/compression';
import type {BlobReader, SavedImage} from '../../src/image/archive/saved-image';

export function sha(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export interface RawMember {
  h: TarHeaderInit;
  data?: Buffer;
}

export function tarBytes(members: RawMember[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const {h, data} of members) {
    parts.push(...encodeEntry({...h, size: data?.length ?? 0}));
    if (data) parts.push(data, padding(data.length));
  }
  if (end) parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

export function file(name: string, text: string | Buffer): RawMember {
  const data = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return {h: {name, type: TarType.File, mode: 0o644}, data};
}

export class MemoryBlobs implements BlobReader {
  readonly blobs = new Map<string, Buffer>();
  put(b: Buffer): string {
    const d = sha(b);
    this.blobs.set(d, b);
    return d;
  }
  has(d: string): boolean {
    return this.blobs.has(d);
  }
  size(d: string): number {
    return this.get(d).length;
  }
  async *open(d: string): AsyncGenerator<Buffer> {
    const b = this.get(d);
    // several chunks, so that streaming code paths are exercised
    for (let i = 0; i < b.length; i += 700) yield b.subarray(i, i + 700);
  }
  compression(d: string) {
    return compressionOf(this.get(d).subarray(0, 4));
  }
  private get(d: string): Buffer {
    const b = this.blobs.get(d);
    if (!b) throw new Error(`no blob ${d}`);
    return b;
  }
}

export type Packing = 'none' | 'gzip' | 'zstd';

export interface TestLayer {
  plain: Buffer;
  stored: Buffer;
  mediaType: string;
}

export function layer(files: Record<string, string>, packing: Packing = 'gzip'): TestLayer {
  const plain = tarBytes(Object.entries(files).map(([n, t]) => file(n, t)));
  if (packing === 'gzip') return {plain, stored: gzipSync(plain), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip'};
  if (packing === 'zstd') {
    const {compress} = require('zstd-napi') as typeof import('zstd-napi');
    return {plain, stored: compress(plain), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd'};
  }
  return {plain, stored: plain, mediaType: 'application/vnd.oci.image.layer.v1.tar'};
}

/** A stored image made of `layers`, its blobs put into `blobs`. */
export function image(blobs: MemoryBlobs, names: string[], layers: TestLayer[], opts: {cmd?: string; docker?: boolean} = {}): SavedImage {
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z', config: {Cmd: [opts.cmd ?? 'sh']},
    rootfs: {type: 'layers', diff_ids: layers.map((l) => sha(l.plain))},
  }));
  const configDigest = blobs.put(config);
  const docker = opts.docker === true;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    config: {mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length},
    layers: layers.map((l) => ({mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : l.mediaType, digest: sha(l.stored), size: l.stored.length})),
  }));
  blobs.put(manifest);
  for (const l of layers) blobs.put(l.stored);
  return {
    names, id: configDigest.slice(7), manifest, manifestMediaType: docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    config, configDigest, layers: layers.map((l) => ({digest: sha(l.stored), diffId: sha(l.plain), uncompressedSize: l.plain.length})),
  };
}

export async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts);
}

/** Runs `fill` with an fd open on `target`, then closes it. */
export async function withFd(target: string, fill: (fd: number) => Promise<void>): Promise<void> {
  const fd = fs.openSync(target, 'w');
  try {
    await fill(fd);
  } finally {
    fs.closeSync(fd);
  }
}
