// Temp entries carry their writer's pid in the name (".incoming-PID-…"); those whose writer has died
// are leftovers of a crash and may be removed by anyone.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function entriesOfDeadWriters(dir: string, pattern: RegExp, isAlive: (pid: number) => boolean): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => {
    const m = pattern.exec(e);
    return m !== null && !isAlive(Number(m[1]));
  }).map((e) => path.join(dir, e));
}
