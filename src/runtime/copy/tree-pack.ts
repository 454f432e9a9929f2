// Serializes a file or directory tree from the local filesystem as a tar stream for `cp`: the top entry
// carries the source's base name, directories are walked in name order, hard links inside the tree
// become link entries, and a file that changes size while read (a running container) is cut or
// zero-padded to the size in its header so the stream stays well formed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {TarType} from '../../image/tar/tar-header';
import {END_OF_ARCHIVE, encodeEntry, padding} from '../../image/tar/tar-writer';

export interface PackOptions {
  /** follow a symlink at the top (cp -L, or a trailing "/" or "/.") */
  followTop: boolean;
  /** ids written into the headers; default: as on disk */
  ids?: (uid: number, gid: number) => [number, number];
}

const CHUNK = 256 * 1024;

export async function* packTree(abs: string, topName: string, o: PackOptions): AsyncGenerator<Buffer> {
  const links = new Map<string, string>();
  const ids = o.ids ?? ((u: number, g: number) => [u, g] as [number, number]);
  async function* walk(p: string, name: string, st: fs.Stats): AsyncGenerator<Buffer> {
    const [uid, gid] = ids(st.uid, st.gid);
    const base = {name, mode: st.mode & 0o7777, uid, gid, mtime: Math.floor(st.mtimeMs / 1000)};
    if (st.isDirectory()) {
      yield* encodeEntry({...base, type: TarType.Directory});
      let names: string[];
      try {
        names = fs.readdirSync(p).sort();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // removed while we walk
        throw e;
      }
      for (const n of names) {
        let cst: fs.Stats;
        try {
          cst = fs.lstatSync(path.join(p, n));
        } catch {
          continue; // gone meanwhile
        }
        yield* walk(path.join(p, n), `${name}/${n}`, cst);
      }
    } else if (st.isSymbolicLink()) {
      yield* encodeEntry({...base, type: TarType.Symlink, linkname: fs.readlinkSync(p)});
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        yield* encodeEntry({...base, type: TarType.HardLink, linkname: first});
        return;
      }
      if (st.nlink > 1) links.set(key, name);
      yield* encodeEntry({...base, type: TarType.File, size: st.size});
      yield* fileData(p, st.size);
      yield padding(st.size);
    } else if (st.isFIFO()) {
      yield* encodeEntry({...base, type: TarType.Fifo});
    }
    // sockets and device nodes are not copied (docker cp skips sockets; devices cannot be made rootless)
  }
  // A followed top is read at its real path, so that the file itself is opened without following links.
  const top = o.followTop ? fs.realpathSync(abs) : abs;
  yield* walk(top, topName, fs.lstatSync(top));
  yield END_OF_ARCHIVE;
}

async function* fileData(p: string, size: number): AsyncGenerator<Buffer> {
  const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const n = await new Promise<number>((resolve, reject) => fs.read(fd, buf, 0, buf.length, null, (e, r) => (e ? reject(e) : resolve(r))));
      if (n === 0) {
        yield Buffer.alloc(left); // the file shrank: pad to the size already announced
        return;
      }
      left -= n;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}
