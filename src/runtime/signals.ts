// Signal names and numbers as users type them (KILL, SIGKILL, 9) and as runtimes want them.
import * as os from 'node:os';
import {InvalidInputError} from '../errors';

/** "term", "SIGTERM" and "15" all become "SIGTERM". */
export function normalizeSignal(input: string | number): string {
  const table = os.constants.signals as Record<string, number>;
  const s = String(input).trim().toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    const name = Object.keys(table).find((k) => table[k] === n);
    if (name) return name;
    if (n >= 34 && n <= 64) return `SIGRTMIN+${n - 34}`;
  } else {
    const name = s.startsWith('SIG') ? s : `SIG${s}`;
    if (name in table) return name;
    if (/^SIGRTM(IN|AX)([+-]\d+)?$/.test(name)) return name;
  }
  throw new InvalidInputError(`invalid signal: ${input}`, {hint: 'use a name like SIGTERM or TERM, or a number like 15'});
}
