// Names held as symlinks (names/<encoded name> -> id). symlink(2) fails if the name exists, so taking
// a name is atomic across processes without a lock; moving a name is an atomic rename over it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';

/** How long a name may point at an id whose record does not exist yet before it counts as abandoned. */
const ABANDONED_MS = 60_000;

export class NameTable {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    return path.join(this.dir, encodeURIComponent(name));
  }

  /** Reserves `name` for `id`; returns the id that holds it when taken. `exists(id)` tells a live holder. */
  reserve(name: string, id: string, exists: (id: string) => boolean): string | undefined {
    fs.mkdirSync(this.dir, {recursive: true});
    const file = this.file(name);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.symlinkSync(id, file);
        return undefined;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = this.lookup(name);
      if (holder === undefined) continue;
      if (exists(holder)) return holder;
      // A creator killed between reserving and writing its record leaves a dangling name.
      const st = fs.lstatSync(file, {throwIfNoEntry: false});
      if (st && Date.now() - st.mtimeMs < ABANDONED_MS) return holder;
      this.release(name, holder);
    }
    return this.lookup(name);
  }

  /** Points `name` at `id`, replacing whatever it named. */
  set(name: string, id: string): void {
    fs.mkdirSync(this.dir, {recursive: true});
    const tmp = path.join(this.dir, `.${randomBytes(6).toString('hex')}.tmp`);
    fs.symlinkSync(id, tmp);
    fs.renameSync(tmp, this.file(name));
  }

  lookup(name: string): string | undefined {
    try {
      return fs.readlinkSync(this.file(name));
    } catch {
      return undefined;
    }
  }

  /** Removes `name` if it still names `id`. */
  release(name: string, id?: string): void {
    if (id !== undefined && this.lookup(name) !== id) return;
    fs.rmSync(this.file(name), {force: true});
  }

  /** Every name → id pair. */
  all(): Map<string, string> {
    const out = new Map<string, string>();
    let entries: string[];
    try {
      entries = fs.readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const e of entries) {
      if (e.startsWith('.')) continue;
      const id = this.lookup(decodeURIComponent(e));
      if (id !== undefined) out.set(decodeURIComponent(e), id);
    }
    return out;
  }
}
