// burrow's own storage.conf (TOML, [storage] graphroot / runroot / driver), read from the user's config
// directory; /etc/burrow/storage.conf for root. Same key names as containers-storage, separate file,
// because burrow's on-disk layout is not Podman's and must not be pointed at Podman's store.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../errors';

export interface StorageConf {
  graphroot?: string;
  runroot?: string;
  driver?: string;
  /** where it was read from */
  file?: string;
}

export function readStorageConf(configDir: string): StorageConf {
  const file = path.join(configDir, 'storage.conf');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let parsed: {storage?: Record<string, unknown>};
  try {
    // Loaded only when the file exists: most users have none, and start-up time matters.
    parsed = (require('smol-toml') as {parse(t: string): unknown}).parse(text) as typeof parsed;
  } catch (e) {
    throw new InvalidInputError(`${file}: ${(e as Error).message.split('\n')[0]}`, {hint: 'fix the TOML syntax (see `man burrow`)'});
  }
  const s = parsed.storage ?? {};
  const str = (k: string) => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  return {graphroot: str('graphroot'), runroot: str('runroot'), driver: str('driver'), file};
}
