// Walks an overlay upper directory as namespaced root (its files belong to the container's ids, which
// the user cannot always read) and prints the changes against the lower layers as JSON on stdout.
// Nothing is followed: entries are lstat'ed, opaque markers read with lgetxattr through koffi.
// argv: UPPER LOWER... (lower layers top first).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {classifyChanges, type LowerStat, type UpperEntry} from './layer-changes';

type Getxattr = (p: string, name: string, buf: Buffer, size: number) => number;

function loadGetxattr(): Getxattr {
  const koffi = require('koffi') as {load(lib: string): {func(sig: string): Getxattr}};
  return koffi.load('libc.so.6').func('long lgetxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)');
}

function* walk(upper: string, rel: string, getxattr: Getxattr): Generator<UpperEntry> {
  for (const name of fs.readdirSync(path.join(upper, rel)).sort()) {
    const p = `${rel}/${name}`;
    const abs = path.join(upper, p);
    const st = fs.lstatSync(abs, {bigint: false});
    const whiteout = st.isCharacterDevice() && st.rdev === 0;
    let opaque = false;
    if (st.isDirectory()) {
      const buf = Buffer.alloc(4);
      opaque = ['user.overlay.opaque', 'trusted.overlay.opaque'].some((x) => getxattr(abs, x, buf, buf.length) === 1 && buf[0] === 0x79);
    }
    yield {path: p, type: whiteout ? 'whiteout' : st.isDirectory() ? 'dir' : 'other', opaque, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs};
    if (st.isDirectory()) yield* walk(upper, p, getxattr);
  }
}

function lowerStat(lowers: string[]): (p: string) => LowerStat | undefined {
  return (p) => {
    for (const l of lowers) {
      try {
        // lstat, not stat as docker does: a layer's symlink must not lead the walker anywhere.
        const st = fs.lstatSync(path.join(l, p));
        return {isDir: st.isDirectory(), size: st.size, mode: st.mode, mtimeMs: st.mtimeMs};
      } catch {
        // not in this layer
      }
    }
    return undefined;
  };
}

if (require.main === module) {
  const [upper, ...lowers] = process.argv.slice(2);
  try {
    process.stdout.write(JSON.stringify(classifyChanges(walk(upper, '', loadGetxattr()), lowerStat(lowers))));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
