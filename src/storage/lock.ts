// Inter-process locks on storage, through proper-lockfile (mkdir-based, with stale-lock recovery: a
// lock whose holder was killed -9 stops being refreshed and is taken over after `stale` ms).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {BurrowError} from '../errors';

type Release = () => Promise<void>;

const STALE_MS = 10_000;

/** Runs `fn` while holding the lock named by `file` (the lock itself is `${file}.lock`). */
export async function withLock<T>(file: string, fn: () => Promise<T> | T, what = path.basename(file)): Promise<T> {
  const lockfile = require('proper-lockfile') as typeof import('proper-lockfile');
  fs.mkdirSync(path.dirname(file), {recursive: true});
  let release: Release;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 4,
      retries: {retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 200, randomize: true},
      onCompromised: () => {
        // A compromised lock means we stalled past `stale`; the operation still finishes, the next
        // writer will see a consistent file thanks to atomic renames.
      },
    });
  } catch (e) {
    throw new BurrowError(`timed out waiting for the ${what} lock (${file}.lock)`, {
      cause: e,
      hint: 'another burrow command holds it; if none is running, the lock is stale and is freed within 10s',
    });
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
