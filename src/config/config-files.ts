// Reading the containers configuration files (registries.conf, containers.conf and their .d drop-ins):
// a missing file or directory is normal, anything else unreadable or unparsable is a HostConfigError
// naming the file and the line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError} from '../errors';

export type TomlTable = Record<string, unknown>;

/** smol-toml is an ES module with a CommonJS build; loaded on first use to keep start-up fast. */
export function toml(): {parse(text: string): unknown; stringify(value: unknown): string} {
  return require('smol-toml') as {parse(text: string): unknown; stringify(value: unknown): string};
}

/** The file's text, or undefined when it does not exist. */
export function readConfigText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw new HostConfigError(`cannot read ${file}: ${(e as Error).message}`, {hint: 'fix its permissions or remove it'});
  }
}

/** *.conf files of each directory, sorted by name within the directory; directories in the given order. */
export function dropInFiles(dirs: string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, {withFileTypes: true});
    } catch (e) {
      if (isMissing(e)) continue;
      throw new HostConfigError(`cannot read ${dir}: ${(e as Error).message}`, {hint: 'fix its permissions or remove it'});
    }
    for (const n of entries.filter((d) => !d.isDirectory() && d.name.endsWith('.conf')).map((d) => d.name).sort()) out.push(path.join(dir, n));
  }
  return out;
}

export function parseTomlFile(file: string, text: string): TomlTable {
  try {
    return toml().parse(text) as TomlTable;
  } catch (e) {
    const err = e as Error & {line?: number; column?: number};
    const where = err.line !== undefined ? `:${err.line}:${err.column ?? 0}` : '';
    throw new HostConfigError(`${file}${where}: ${err.message.split('\n')[0]}`, {hint: 'fix or remove the file'});
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
