// Finds host programs. Ordinary users' PATH often lacks /usr/sbin, where Debian puts runc, so the
// usual system directories are searched after PATH.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SYSTEM_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/libexec/podman', '/usr/lib/podman'];

export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  // BURROW_TOOL_PATH replaces the search (tests use it to show what a host without a tool sees).
  const dirs = env.BURROW_TOOL_PATH ? env.BURROW_TOOL_PATH.split(':') : [...(env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_DIRS];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
