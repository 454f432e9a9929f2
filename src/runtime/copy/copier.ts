// The copier: a short-lived Node process that burrow starts as namespaced root (through the rootless
// session) to read or write a container's files. It chroots into the container's root — the running
// container's own view (/proc/PID/root, with its volumes) or the mounted rootfs of a stopped one — so
// every path, and every symlink the container planted, is resolved by the kernel inside that root: a
// copy can neither write nor read outside it. For a stopped container, a path inside a -v bind is
// served from the bind's host directory instead, as the running container would see it.
//
// Request: one base64 JSON argument. get: a tar of the path on stdout. put: a tar on stdin, laid out
// at the path. Failure: one JSON line {"error","hint","kind"} on stderr and exit status 3.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {readTar} from '../../image/tar/tar-reader';
import {resolveUser} from '../user-resolver';
import {endsWithSlashDot, hasTrailingSlash, sourceName} from './copy-paths';
import {below, hostRootTree, resolveInRoot} from './root-path';
import {packTree} from './tree-pack';
import {receiveTree} from './tree-receive';
import {NoSuchObjectError, InvalidInputError} from '../../errors';

export interface CopierRequest {
  op: 'get' | 'put';
  /** host path of the root to work in */
  root: string;
  /** binds of a stopped container (a running one has them mounted in its own view) */
  binds: {source: string; destination: string; readOnly?: boolean}[];
  /** the path as the container sees it */
  path: string;
  followLink?: boolean;
  /** put: the stream is a plain archive to unpack inside path (cp - CTR:DIR) */
  archive?: boolean;
  /** put: SRC ended in "/." */
  contentsOnly?: boolean;
  overwrite?: boolean;
  /** put: a user spec (chown everything to the container's user) or "entry" (keep the stream's ids) */
  owner?: {user: string} | 'entry';
  /** put: the highest id the user namespace maps */
  maxId?: number;
}

export const COPIER_FAILED = 3;

/** chroot(2) through koffi, loaded only here: it is a native module and only the copier needs it. */
function chroot(dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const koffi = require('koffi') as {load(lib: string): {func(sig: string): (...a: unknown[]) => number}; errno(): number};
  const lib = koffi.load('libc.so.6');
  if (lib.func('int chroot(const char *path)')(dir) !== 0) {
    const errno = koffi.errno();
    throw new NoSuchObjectError(`cannot enter the container's root ${dir} (errno ${errno})`, {hint: errno === 2 ? 'the container stopped meanwhile' : 'check that the container still exists'});
  }
  process.chdir('/');
}

/** A file of the tree, read before the chroot through the in-root resolver (for passwd and group). */
function readInRoot(root: string, p: string): string | undefined {
  try {
    const fd = fs.openSync(path.join(root, resolveInRoot(p, hostRootTree(root))), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      return fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Where to chroot and which path to use there: the root, or the host directory of a bind. */
export function placeRequest(req: Pick<CopierRequest, 'root' | 'binds' | 'path' | 'followLink' | 'op'>, tree = hostRootTree(req.root)): {dir: string; path: string} {
  const p = req.path.startsWith('/') ? req.path : `/${req.path}`;
  if (req.binds.length === 0) return {dir: req.root, path: p};
  const follow = req.op === 'put' || req.followLink === true || hasTrailingSlash(p) || endsWithSlashDot(p);
  const resolved = resolveInRoot(p, tree, follow);
  const byDepth = [...req.binds].sort((a, b) => b.destination.length - a.destination.length);
  for (const b of byDepth) {
    const rel = below(resolved, b.destination);
    if (rel === undefined) continue;
    if (b.readOnly && req.op === 'put') throw new InvalidInputError(`"${req.path}" is on a read-only mount of the container (${b.destination})`, {hint: 'the container could not write there either'});
    const suffix = endsWithSlashDot(p) ? '/.' : hasTrailingSlash(p) ? '/' : '';
    return {dir: b.source, path: `/${rel}${suffix}`.replace(/^\/\//, '/')};
  }
  return {dir: req.root, path: p};
}

async function writeOut(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const c of chunks) {
    if (!process.stdout.write(c)) await new Promise<void>((r) => process.stdout.once('drain', r));
  }
}

export async function runCopier(req: CopierRequest): Promise<void> {
  const {dir, path: inner} = placeRequest(req);
  const user = typeof req.owner === 'object' ? req.owner.user : undefined;
  const ids = user === undefined ? undefined : resolveUser(user, readInRoot(req.root, '/etc/passwd'), readInRoot(req.root, '/etc/group'));
  chroot(dir);
  if (req.op === 'get') {
    const follow = req.followLink === true || hasTrailingSlash(inner) || endsWithSlashDot(inner);
    const target = endsWithSlashDot(inner) ? inner.slice(0, -1) : inner;
    let st: fs.Stats;
    try {
      st = follow ? fs.statSync(target) : fs.lstatSync(target);
    } catch {
      throw new NoSuchObjectError(`"${req.path}" could not be found on the container: no such file or directory`, {hint: 'check the path (burrow exec CTR ls)'});
    }
    if ((hasTrailingSlash(inner) || endsWithSlashDot(inner)) && !st.isDirectory()) throw new InvalidInputError(`"${req.path}" is not a directory`, {hint: 'drop the trailing "/" or "/."'});
    await writeOut(packTree(target, sourceName(inner), {followTop: follow}));
    return;
  }
  await receiveTree(readTar(process.stdin), inner, {
    overwrite: req.overwrite === true, contentsOnly: req.contentsOnly === true, archive: req.archive === true,
    owner: req.owner === 'entry' ? 'entry' : ids ? {uid: ids.uid, gid: ids.gid} : undefined, maxId: req.maxId, keepSpecialBits: true,
  });
}

if (require.main === module) {
  const req = JSON.parse(Buffer.from(process.argv[2] ?? '', 'base64').toString()) as CopierRequest;
  runCopier(req).catch((e: Error & {hint?: string}) => {
    // Node's "EROFS: read-only file system, open '/etc/x'" becomes a sentence about the container's path.
    const sys = /^E[A-Z]+: ([^,]+), \w+ '(.*)'$/.exec(e.message);
    if (sys) e.message = `cannot ${req.op === 'put' ? 'write' : 'read'} "${sys[2]}" in the container: ${sys[1]}`;
    process.stderr.write(`${JSON.stringify({error: e.message, hint: e.hint, kind: e.name})}\n`);
    process.exitCode = COPIER_FAILED;
  });
}
