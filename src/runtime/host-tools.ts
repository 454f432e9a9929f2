// Finds host programs. Ordinary users' PATH often lacks /usr/sbin, where Debian puts runc, so the
// usual system directories are searched after PATH.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SYSTEM_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/libexec/podman', '/usr/lib/podman'];

/** Answers found in this process: `run` asks for the same helpers from several places. */
const found = new Map<string, string | undefined>();

export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  // BURROW_TOOL_PATH replaces the search (tests use it to show what a host without a tool sees).
  const dirs = env.BURROW_TOOL_PATH ? env.BURROW_TOOL_PATH.split(':') : [...(env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_DIRS];
  const key = `${name}\0${dirs.join(':')}`;
  if (!found.has(key)) found.set(key, dirs.map((d) => path.join(d, name)).find(isExecutable));
  return found.get(key);
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
