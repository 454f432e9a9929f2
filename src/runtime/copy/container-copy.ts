// `cp`: copies between a container and the host (either way), between two containers, or from/to a tar
// stream on stdin/stdout. The host side is read and written here, as the user; the container side by
// the copier (copier.ts), chrooted into the container's root as namespaced root. Each container is used
// under its lock: a stopped one has its rootfs mounted for the copy and unmounted after (recorded in its
// state first, so a crash leaves a mount the next start or cleanup undoes), a running one is reached
// through its own view of its filesystem, volumes included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {Readable, type Writable} from 'node:stream';
import type {ChildProcess} from 'node:child_process';
import type {EngineContext} from '../../engine/context';
import {BurrowError, InvalidInputError, LayerRejectedError, NoSuchObjectError} from '../../errors';
import * as runner from '../../process/runner';
import {readTar} from '../../image/tar/tar-reader';
import {sanitizeLayer} from '../../image/tar/layer-sanitizer';
import {mappedSize} from '../../../rootless/subid';
import type {IdMapEntry} from '../../../rootless/subid';
import {isRunning, observedState} from '../container-state';
import {withRootfs} from '../rootfs-access';
import {endsWithSlashDot, hasTrailingSlash, parseCopyEndpoint, sourceName, type CopyEndpoint} from './copy-paths';
import {packTree} from './tree-pack';
import {receiveTree} from './tree-receive';
import {COPIER_FAILED, type CopierRequest} from './copier';

export interface CopyOptions {
  /** chown what is copied in to the container's user (Podman's default); false keeps the source's ids */
  archive: boolean;
  followLink: boolean;
  overwrite: boolean;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

interface ContainerRoot {
  root: string;
  binds: {source: string; destination: string; readOnly?: boolean}[];
  user: string;
  /** the container has a user namespace of its own (--userns): its ids are not the session's */
  ownUserns: boolean;
}

export async function copy(ctx: EngineContext, srcArg: string, destArg: string, o: CopyOptions): Promise<void> {
  await ctx.ready();
  const src = parseCopyEndpoint(srcArg);
  const dest = parseCopyEndpoint(destArg);
  if (src.container === undefined && dest.container === undefined) {
    throw new InvalidInputError('copying between two host paths is not supported', {hint: 'one of SRC and DEST must be CONTAINER:PATH (use cp(1) on the host)'});
  }
  if ((src.path === '-' && src.container === undefined && dest.container === undefined) || (dest.path === '-' && dest.container === undefined && src.container === undefined)) {
    throw new InvalidInputError('"-" needs a container on the other side', {hint: 'burrow cp - CTR:DIR < archive.tar, or burrow cp CTR:PATH - > archive.tar'});
  }
  if (src.container !== undefined && dest.container !== undefined) return containerToContainer(ctx, src, dest, o);
  if (src.container !== undefined) {
    return inContainer(ctx, src.container, (r) => copyOut(ctx, r, src.path, dest.path, o));
  }
  return inContainer(ctx, dest.container!, (r) => copyIn(ctx, r, src.path, dest.path, o));
}

/** Runs fn with the container's root reachable: its live view when running, else its mounted rootfs. */
async function inContainer<T>(ctx: EngineContext, ref: string, fn: (r: ContainerRoot) => Promise<T>): Promise<T> {
  const id = ctx.containers.resolve(ref).config.id;
  return ctx.containers.update(id, async (v) => {
    const st = observedState(v, ctx.exitDir);
    const user = v.config.user;
    const ownUserns = v.config.userns !== undefined;
    if (isRunning(st) && st.pid !== undefined) return fn({root: `/proc/${st.pid}/root`, binds: [], user, ownUserns});
    // What the running container would see at these paths: host binds and volumes (an O overlay's
    // changes are discarded and an image mount is read-only, so neither is a target).
    const binds = (v.config.mounts ?? []).filter((m) => (m.type === 'bind' || (m.type === 'volume' && m.source !== '')) && !m.overlay)
      .map((m) => ({source: m.type === 'volume' ? ctx.volumes.dataDir(m.source) : m.source, destination: m.destination, readOnly: m.options.includes('ro')}));
    return withRootfs(ctx, v, st, (merged) => fn({root: merged, binds, user, ownUserns}));
  });
}

async function containerToContainer(ctx: EngineContext, src: CopyEndpoint, dest: CopyEndpoint, o: CopyOptions): Promise<void> {
  const a = ctx.containers.resolve(src.container!).config.id;
  const b = ctx.containers.resolve(dest.container!).config.id;
  if (a === b) {
    return inContainer(ctx, a, async (r) => {
      const getter = await startCopier(ctx, {op: 'get', root: r.root, binds: r.binds, path: src.path, followLink: o.followLink}, 'get');
      await putFrom(ctx, r, dest.path, Readable.from(getter.child.stdout!), o, endsWithSlashDot(src.path), getter);
    });
  }
  // Two locks, always taken in id order, so two opposite copies cannot deadlock.
  const [first, second] = a < b ? [a, b] : [b, a];
  await inContainer(ctx, first, (r1) => inContainer(ctx, second, async (r2) => {
    const [rs, rd] = first === a ? [r1, r2] : [r2, r1];
    const getter = await startCopier(ctx, {op: 'get', root: rs.root, binds: rs.binds, path: src.path, followLink: o.followLink}, 'get');
    await putFrom(ctx, rd, dest.path, Readable.from(getter.child.stdout!), o, endsWithSlashDot(src.path), getter);
  }));
}

async function copyOut(ctx: EngineContext, r: ContainerRoot, srcPath: string, destPath: string, o: CopyOptions): Promise<void> {
  const getter = await startCopier(ctx, {op: 'get', root: r.root, binds: r.binds, path: srcPath, followLink: o.followLink}, 'get');
  const consume = destPath === '-'
    ? pipeline(getter.child.stdout!, (o.stdout ?? process.stdout) as Writable, {end: false})
    : receiveTree(readTar(getter.child.stdout!), path.resolve(destPath) + (hasTrailingSlash(destPath) ? '/' : ''), {
      overwrite: o.overwrite, contentsOnly: endsWithSlashDot(srcPath), archive: false, keepSpecialBits: false,
    });
  await settle(consume, [getter]);
}

async function copyIn(ctx: EngineContext, r: ContainerRoot, srcPath: string, destPath: string, o: CopyOptions): Promise<void> {
  if (srcPath === '-') {
    const putter = await startCopier(ctx, putRequest(ctx, r, destPath, o, {archive: true}), 'put');
    // The stream is the user's (or anyone's): it goes through the layer sanitizer, and the copier only
    // ever reads what the sanitizer wrote anew.
    const feed = sanitizeLayer(o.stdin as AsyncIterable<Buffer> ?? process.stdin, putter.child.stdin!, {whiteouts: 'keep'});
    await settle(feed, [putter]).catch((e: Error) => {
      throw e instanceof LayerRejectedError ? new InvalidInputError(e.message.replace(/^layer entry/, 'archive entry'), {hint: 'the archive is unsafe or corrupt; entries before it were copied'}) : e;
    });
    return;
  }
  const abs = path.resolve(srcPath);
  const follow = o.followLink || hasTrailingSlash(srcPath) || endsWithSlashDot(srcPath);
  const top = abs;
  let st: fs.Stats;
  try {
    st = follow ? fs.statSync(top) : fs.lstatSync(top);
  } catch {
    throw new NoSuchObjectError(`"${srcPath}" could not be found on the host: no such file or directory`, {hint: 'check the source path'});
  }
  if ((hasTrailingSlash(srcPath) || endsWithSlashDot(srcPath)) && !st.isDirectory()) throw new InvalidInputError(`"${srcPath}" is not a directory`, {hint: 'drop the trailing "/" or "/."'});
  const maps = ctx.mappings();
  const ids = o.archive ? undefined : (u: number, g: number): [number, number] => [toContainerId(u, maps.uidMap), toContainerId(g, maps.gidMap)];
  await putFrom(ctx, r, destPath, Readable.from(packTree(top, sourceName(srcPath === '.' ? abs : srcPath), {followTop: follow, ids})), o, endsWithSlashDot(srcPath));
}

async function putFrom(ctx: EngineContext, r: ContainerRoot, destPath: string, stream: Readable, o: CopyOptions, contentsOnly: boolean, upstream?: Copier): Promise<void> {
  const putter = await startCopier(ctx, putRequest(ctx, r, destPath, o, {archive: false, contentsOnly}), 'put');
  await settle(pipeline(stream, putter.child.stdin!), upstream ? [upstream, putter] : [putter]);
}

function putRequest(ctx: EngineContext, r: ContainerRoot, destPath: string, o: CopyOptions, extra: Partial<CopierRequest>): CopierRequest {
  if (r.ownUserns) {
    throw new InvalidInputError('copying into a container with a user namespace of its own (--userns) is not supported yet: its ids are not the session\'s', {hint: 'copy into a -v directory of the container from the host instead'});
  }
  return {
    op: 'put', root: r.root, binds: r.binds, path: destPath, overwrite: o.overwrite,
    owner: o.archive ? {user: r.user} : 'entry', maxId: Math.min(mappedSize(ctx.mappings().uidMap), mappedSize(ctx.mappings().gidMap)) - 1, ...extra,
  };
}

/** A host id as the container sees it; one the user namespace does not map becomes root. */
export function toContainerId(hostId: number, map: readonly IdMapEntry[]): number {
  for (const m of map) if (hostId >= m.hostId && hostId < m.hostId + m.size) return m.containerId + (hostId - m.hostId);
  return 0;
}

interface Copier {
  child: ChildProcess;
  done: Promise<void>;
}

async function startCopier(ctx: EngineContext, req: CopierRequest, op: 'get' | 'put'): Promise<Copier> {
  const script = path.join(__dirname, 'copier.js');
  const argv = await ctx.priv.wrap([process.execPath, script, Buffer.from(JSON.stringify(req)).toString('base64')]);
  const child = runner.start(argv, {stdio: op === 'get' ? ['ignore', 'pipe', 'pipe'] : ['pipe', 'ignore', 'pipe'], env: ctx.priv.childEnv()});
  const err: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const text = Buffer.concat(err).toString();
      const last = text.trim().split('\n').pop() ?? '';
      if (code === COPIER_FAILED) {
        try {
          const e = JSON.parse(last) as {error: string; hint?: string; kind?: string};
          const Kind = e.kind === 'NoSuchObjectError' ? NoSuchObjectError : e.kind === 'InvalidInputError' ? InvalidInputError : BurrowError;
          return reject(new Kind(e.error, {hint: e.hint}));
        } catch {
          // not ours: fall through to the raw failure
        }
      }
      reject(runner.failure(['copier', op], code, signal, text));
    });
  });
  done.catch(() => undefined);
  return {child, done};
}

/**
 * Waits for the local side and the copiers. A copier's own error explains more than the broken pipe
 * the local side then sees, unless the copier only failed because the local side stopped reading.
 */
async function settle(local: Promise<unknown>, copiers: Copier[]): Promise<void> {
  const localResult = await local.then(() => undefined, (e: Error) => e);
  if (localResult) for (const c of copiers) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  const results = await Promise.all(copiers.map((c) => c.done.then(() => undefined, (e: Error) => e)));
  const copierError = results.find((e) => e !== undefined && !/EPIPE|SIGKILL|SIGPIPE/.test(e.message));
  if (copierError) throw copierError;
  if (localResult) throw localResult;
  const other = results.find((e) => e !== undefined);
  if (other) throw other;
}
