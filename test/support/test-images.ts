// Test images built without burrow, as OCI image layouts on disk, and pushed into a test registry with
// skopeo: a three-layer busybox (with a whiteout), a two-platform index of it, and Debian bookworm split
// into four layers. Layers are tar + gzip made by GNU tar with root ownership and fixed mtimes, so the
// same inputs give the same digests. The Debian layout is cached on disk across runs; the others are
// rebuilt once per process.
import {spawnSync} from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {TestRegistry} from './registry';

export const DEBIAN_TARBALL = process.env.BURROW_DEBIAN_TAR ?? '/var/cache/burrow-test/debian-bookworm.tar';

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: {architecture: string; os: string; variant?: string};
  annotations?: Record<string, string>;
}

// 2026-01-01T00:00:00Z: every file and history entry gets it, so digests do not depend on when a run was.
const EPOCH = 1767225600;
const CREATED = new Date(EPOCH * 1000).toISOString().replace('.000Z', 'Z');
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Bumped whenever the Debian split changes, so old cached layouts are not reused.
const DEBIAN_LAYOUT_VERSION = 1;

function goArch(): string {
  return ({x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'} as Record<string, string>)[process.arch] ?? process.arch;
}

function run(cmd: string, args: string[], opts: {stdout?: number} = {}): string {
  const r = spawnSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'], maxBuffer: 64 << 20});
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout ?? '';
}

/** Per-user cache directory under a world-writable sticky parent, shared by runs. */
export function cacheDir(): string {
  const base = path.join(os.tmpdir(), 'burrow-test-cache');
  fs.mkdirSync(base, {recursive: true});
  try {
    if (fs.statSync(base).uid === process.getuid!()) fs.chmodSync(base, 0o1777);
  } catch {
    // someone else's; it is 1777 if they made it
  }
  const dir = path.join(base, `uid-${process.getuid!()}`);
  fs.mkdirSync(dir, {recursive: true, mode: 0o755});
  return dir;
}

let scratch: string | undefined;
/** A directory for this process's layouts, removed when it exits. */
function processDir(): string {
  if (!scratch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-test-images-'));
    process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));
    scratch = dir;
  }
  return scratch;
}

function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${h.digest('hex')}`;
}

class Layout {
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), {recursive: true});
    fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({imageLayoutVersion: '1.0.0'}));
  }

  blobPath(digest: string): string {
    return path.join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  addJSON(mediaType: string, value: unknown): Descriptor {
    const data = Buffer.from(JSON.stringify(value));
    const digest = `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
    fs.writeFileSync(this.blobPath(digest), data);
    return {mediaType, digest, size: data.length};
  }

  /** Moves a finished file into the blob store. */
  addFile(mediaType: string, file: string): Descriptor {
    const digest = sha256File(file);
    const size = fs.statSync(file).size;
    fs.renameSync(file, this.blobPath(digest));
    return {mediaType, digest, size};
  }

  /** Gzips the given tar files (in parallel, gzip -n so no name or time goes in), adds them as layers. */
  addLayers(tars: string[]): {layers: Descriptor[]; diffIds: string[]} {
    const diffIds = tars.map(sha256File);
    run('sh', ['-c', 'pids=; for f; do gzip -n -c "$f" > "$f.gz" & pids="$pids $!"; done; rc=0; ' +
      'for p in $pids; do wait "$p" || rc=1; done; exit $rc', 'sh', ...tars]);
    const layers = tars.map((t) => {
      const d = this.addFile(MT.ociLayerGzip, `${t}.gz`);
      fs.rmSync(t);
      return d;
    });
    return {layers, diffIds};
  }

  /** Writes config and manifest blobs; returns the manifest's descriptor. */
  addImage(o: {arch: string; variant?: string; layers: Descriptor[]; diffIds: string[]; history: string[];
    config: Record<string, unknown>}): Descriptor {
    const config = this.addJSON(MT.ociConfig, {
      created: CREATED, architecture: o.arch, ...(o.variant ? {variant: o.variant} : {}), os: 'linux',
      config: o.config, rootfs: {type: 'layers', diff_ids: o.diffIds},
      history: o.history.map((h) => ({created: CREATED, created_by: h, comment: 'burrow test fixture'})),
    });
    const manifest = this.addJSON(MT.ociManifest, {schemaVersion: 2, mediaType: MT.ociManifest, config, layers: o.layers});
    return {...manifest, platform: {architecture: o.arch, os: 'linux', ...(o.variant ? {variant: o.variant} : {})}};
  }

  /** index.json naming one manifest or index as tag `latest`. */
  tag(d: Descriptor): void {
    fs.writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({
      schemaVersion: 2, mediaType: MT.ociIndex,
      manifests: [{mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: {'org.opencontainers.image.ref.name': 'latest'}}],
    }));
  }
}

/** tar of a staged directory's top-level entries, as root with fixed times, without a "./" prefix. */
function tarDir(stage: string, out: string): string {
  const fd = fs.openSync(out, 'w');
  try {
    run('tar', ['--create', '--file=-', '--format=posix', '--pax-option=delete=atime,delete=ctime', '--sort=name',
      '--numeric-owner', '--owner=0', '--group=0', `--mtime=@${EPOCH}`, '-C', stage, ...fs.readdirSync(stage).sort()], {stdout: fd});
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** Creates root/rel and any missing parents as 0755 whatever the umask, then gives rel `mode`. */
function mkdir(root: string, rel: string, mode = 0o755): void {
  fs.mkdirSync(root, {recursive: true});
  let p = root;
  for (const part of rel.split('/').filter(Boolean)) {
    p = path.join(p, part);
    if (!fs.existsSync(p)) {
      fs.mkdirSync(p);
      fs.chmodSync(p, 0o755);
    }
  }
  fs.chmodSync(p, mode);
}

function write(root: string, rel: string, content: string, mode = 0o644): void {
  mkdir(root, path.dirname(rel));
  const p = path.join(root, rel);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
}

function hostBusybox(): string {
  for (const b of [process.env.BUSYBOX, '/bin/busybox', '/usr/bin/busybox']) {
    if (!b) continue;
    const r = spawnSync(b, ['--list'], {encoding: 'utf8'});
    if (r.status === 0 && spawnSync('file', ['-L', b], {encoding: 'utf8'}).stdout.includes('statically linked')) return b;
  }
  throw new Error('test images need a static busybox: apt-get install busybox-static');
}

/** The three busybox layers and their image, added to `l`; returns the manifest's descriptor. */
function addBusybox(l: Layout, work: string): Descriptor {
  const busybox = hostBusybox();
  // Layer 1: busybox and a symlink per applet where busybox says it belongs.
  const s1 = path.join(work, 'l1');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin']) mkdir(s1, d);
  fs.copyFileSync(busybox, path.join(s1, 'bin/busybox'));
  fs.chmodSync(path.join(s1, 'bin/busybox'), 0o755);
  const applets = run(busybox, ['--list-full']).split('\n').filter((a) => a && a !== 'bin/busybox');
  for (const a of applets) {
    const link = path.join(s1, a);
    if (fs.existsSync(link)) continue;
    mkdir(s1, path.dirname(a));
    fs.symlinkSync(path.relative(path.dirname(link), path.join(s1, 'bin/busybox')), link);
  }
  // Layer 2: /etc and the usual top-level directories with their usual modes.
  const s2 = path.join(work, 'l2');
  write(s2, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  write(s2, 'etc/group', 'root:x:0:\ntty:x:5:\napp:x:1000:\nnogroup:x:65534:\n');
  write(s2, 'etc/os-release', 'NAME="burrow test busybox"\nID=busybox\n');
  write(s2, 'etc/removed-in-layer3', 'this file is deleted by the third layer\n');
  mkdir(s2, 'root', 0o700);
  mkdir(s2, 'tmp', 0o1777);
  mkdir(s2, 'var/tmp', 0o1777);
  mkdir(s2, 'home/app', 0o755);
  // Layer 3: a whiteout for a file of layer 2, and a new file.
  const s3 = path.join(work, 'l3');
  write(s3, 'etc/.wh.removed-in-layer3', '');
  write(s3, 'etc/added-in-layer3', 'added by the third layer\n');

  const {layers, diffIds} = l.addLayers([s1, s2, s3].map((s, i) => tarDir(s, path.join(work, `layer${i + 1}.tar`))));
  for (const s of [s1, s2, s3]) fs.rmSync(s, {recursive: true, force: true});
  return l.addImage({
    arch: goArch(), layers, diffIds,
    history: ['busybox and its applet links', '/etc files and top-level directories', 'delete /etc/removed-in-layer3, add /etc/added-in-layer3'],
    config: {Env: [PATH_ENV], Cmd: ['sh'], WorkingDir: '/', Labels: {'org.burrow.test.image': 'busybox'}},
  });
}

let busyboxCache: string | undefined;
/** A three-layer busybox image (applets; /etc and directories; a whiteout of a layer-2 file plus a new file), OCI manifest, gzip layers. */
export function busyboxLayout(): string {
  if (busyboxCache) return busyboxCache;
  const dir = path.join(processDir(), 'busybox');
  const l = new Layout(dir);
  l.tag(addBusybox(l, processDir()));
  busyboxCache = dir;
  return dir;
}

let multiArchCache: string | undefined;
/** An OCI index of two platforms: linux/amd64 is the busybox image, linux/arm64 one layer holding only /arch ("arm64"). */
export function multiArchLayout(): string {
  if (multiArchCache) return multiArchCache;
  const dir = path.join(processDir(), 'multiarch');
  const work = path.join(processDir(), 'multiarch-work');
  fs.mkdirSync(work, {recursive: true});
  const l = new Layout(dir);
  const amd64 = addBusybox(l, work);
  const stage = path.join(work, 'arm64');
  write(stage, 'arch', 'arm64\n');
  const {layers, diffIds} = l.addLayers([tarDir(stage, path.join(work, 'arm64.tar'))]);
  const arm64 = l.addImage({arch: 'arm64', variant: 'v8', layers, diffIds, history: ['/arch marker'],
    config: {Env: [PATH_ENV], Cmd: ['/bin/sh'], Labels: {'org.burrow.test.image': 'multiarch-arm64'}}});
  // The amd64 entry is whatever the host builds busybox for; on amd64 hosts that is the real thing.
  const index = l.addJSON(MT.ociIndex, {schemaVersion: 2, mediaType: MT.ociIndex, manifests: [amd64, arm64]});
  l.tag(index);
  fs.rmSync(work, {recursive: true, force: true});
  multiArchCache = dir;
  return dir;
}

/** Which Debian layer an entry goes to: 0 everything else, 1 /usr/lib*, 2 /usr/share, 3 /etc and /var. */
function debianLayerOf(name: string): number {
  const p = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  if (/^usr\/lib[^/]*(\/|$)/.test(p)) return 1;
  if (/^usr\/share(\/|$)/.test(p)) return 2;
  if (/^(etc|var)(\/|$)/.test(p)) return 3;
  return 0;
}

function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
}

function tarSize(h: Buffer): number {
  const f = h.subarray(124, 136);
  if (f[0] & 0x80) {
    let n = 0;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i];
    return n;
  }
  return parseInt(cstr(f).trim() || '0', 8);
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(data.subarray(i, sp).toString('ascii'), 10);
    if (!len) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Splits a tar into several by path, copying entries byte for byte (headers, pax and GNU long-name
 * records included), so ownership, modes and times stay exactly as in the source. Hard links go with
 * their target, since a layer cannot link to a file in another one.
 */
function splitTar(src: string, outs: string[], layerOf: (name: string) => number): void {
  const buf = fs.readFileSync(src);
  const fds = outs.map((o) => fs.openSync(o, 'w'));
  try {
    let pending: Buffer[] = [];
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    let off = 0;
    while (off + 512 <= buf.length) {
      const h = buf.subarray(off, off + 512);
      if (h.every((b) => b === 0)) break;
      const size = tarSize(h);
      const total = 512 + Math.ceil(size / 512) * 512;
      const entry = buf.subarray(off, off + total);
      const data = buf.subarray(off + 512, off + 512 + size);
      off += total;
      const type = String.fromCharCode(h[156] || 0x30);
      if (type === 'g') {
        for (const fd of fds) fs.writeSync(fd, entry);
        continue;
      }
      if (type === 'x' || type === 'L' || type === 'K') {
        pending.push(entry);
        if (type === 'x') pax = new Map([...pax, ...paxRecords(data)]);
        else if (type === 'L') longName = cstr(data);
        else longLink = cstr(data);
        continue;
      }
      const ustar = h.subarray(257, 263).toString('latin1') === 'ustar\0';
      const prefix = ustar ? cstr(h.subarray(345, 500)) : '';
      const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
      const link = pax.get('linkpath') ?? longLink ?? cstr(h.subarray(157, 257));
      const fd = fds[layerOf(type === '1' ? link : name)];
      for (const p of pending) fs.writeSync(fd, p);
      fs.writeSync(fd, entry);
      pending = [];
      pax = new Map();
      longName = longLink = undefined;
    }
    for (const fd of fds) fs.writeSync(fd, Buffer.alloc(1024));
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/**
 * Debian bookworm (from scripts/make-debian-rootfs.sh) as four gzip layers: everything outside the
 * others; /usr/lib*; /usr/share; /etc and /var. OCI manifest. Cached on disk per user and source tarball.
 */
export function debianLayout(): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(DEBIAN_TARBALL);
  } catch {
    throw new Error(`${DEBIAN_TARBALL} is missing: build it as root with scripts/make-debian-rootfs.sh (debootstrap, a few minutes)`);
  }
  const key = crypto.createHash('sha256').update(`${DEBIAN_LAYOUT_VERSION}\0${DEBIAN_TARBALL}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cache = cacheDir();
  const dir = path.join(cache, `debian-${key}`);
  if (fs.existsSync(path.join(dir, 'index.json'))) return dir;

  // Built beside the cache entry and renamed, so a concurrent or interrupted build never shows half a layout.
  const tmp = fs.mkdtempSync(path.join(cache, '.debian-build-'));
  try {
    const l = new Layout(path.join(tmp, 'layout'));
    const tars = [0, 1, 2, 3].map((i) => path.join(tmp, `layer${i}.tar`));
    splitTar(DEBIAN_TARBALL, tars, debianLayerOf);
    const {layers, diffIds} = l.addLayers(tars);
    l.tag(l.addImage({
      arch: goArch(), layers, diffIds,
      history: ['debootstrap --variant=minbase bookworm: all but /usr/lib*, /usr/share, /etc, /var', '/usr/lib*', '/usr/share', '/etc and /var'],
      config: {Env: [PATH_ENV], Cmd: ['bash'], Labels: {'org.burrow.test.image': 'debian'}},
    }));
    try {
      fs.renameSync(l.dir, dir);
    } catch (e) {
      // Another process finished first: theirs is as good.
      if (!fs.existsSync(path.join(dir, 'index.json'))) throw e;
    }
  } finally {
    fs.rmSync(tmp, {recursive: true, force: true});
  }
  for (const old of fs.readdirSync(cache)) {
    if (old.startsWith('debian-') && old !== path.basename(dir)) fs.rmSync(path.join(cache, old), {recursive: true, force: true});
  }
  return dir;
}

export interface PushOptions {
  /** Manifest format in the registry: OCI (default) or Docker schema 2. */
  format?: 'oci' | 'v2s2';
  /** Push every platform of an index (otherwise skopeo picks the host's). */
  all?: boolean;
  /** Recompress layers with zstd (OCI only). */
  zstd?: boolean;
}

/**
 * skopeo's flags to reach `reg`: side 'dest' or 'src' for `copy`, '' for `inspect` and the like.
 * Credentials on the command line win over any auth file a test (or burrow login) may have written.
 */
export function skopeoRegistryFlags(reg: TestRegistry, side: 'src' | 'dest' | '' = ''): string[] {
  const p = side ? `--${side}-` : '--';
  const flags = reg.caFile ? [`${p}cert-dir`, path.dirname(reg.caFile)] : [`${p}tls-verify=false`];
  if (reg.user) flags.push(`${p}creds`, `${reg.user}:${reg.password}`);
  else flags.push(`${p}no-creds`);
  return flags;
}

/** skopeo copy oci:LAYOUT:latest docker://HOST/REPO:TAG. */
export function pushLayout(layout: string, reg: TestRegistry, repoAndTag: string, opts: PushOptions = {}): void {
  const args = ['--insecure-policy', 'copy', '--quiet', '--retry-times', '2', ...skopeoRegistryFlags(reg, 'dest')];
  if (opts.format) args.push('--format', opts.format);
  if (opts.all) args.push('--all');
  if (opts.zstd) args.push('--dest-compress', '--dest-compress-format', 'zstd');
  args.push(`oci:${layout}:latest`, `docker://${reg.host}/${repoAndTag}`);
  // A private blob-info cache: the shared one would let skopeo mount layers it saw earlier in another
  // compression (a gzip push reusing zstd blobs, or the reverse) instead of doing what was asked.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-skopeo-'));
  const r = spawnSync('skopeo', args, {encoding: 'utf8', timeout: 300_000, env: {...process.env, XDG_DATA_HOME: cache}});
  fs.rmSync(cache, {recursive: true, force: true});
  if (r.error) throw new Error(`skopeo: ${r.error.message} (apt-get install skopeo)`);
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}
