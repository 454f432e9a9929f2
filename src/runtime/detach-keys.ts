// The detach sequence of an attached session (`--detach-keys`, Podman's syntax: "ctrl-p,ctrl-q"). The
// client watches what the user types: the sequence ends the session and leaves the container running;
// anything that only starts like it is passed on once it stops matching.
import {InvalidInputError} from '../errors';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** The bytes of a key list; an empty list (detaching disabled) for "". */
export function parseDetachKeys(spec: string): Buffer {
  if (spec === '') return Buffer.alloc(0);
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (key.length === 1) {
      bytes.push(key.charCodeAt(0));
    } else if (ctrl) {
      const c = ctrl[1].toLowerCase();
      // ctrl-a..ctrl-z are 1..26; ctrl-@ [ \ ] ^ _ are 0 and 27..31, as a terminal sends them.
      if (c >= 'a' && c <= 'z') bytes.push(c.charCodeAt(0) - 96);
      else if ('@[\\]^_'.includes(c)) bytes.push(c.charCodeAt(0) - 64);
      else throw badKeys(spec, key);
    } else {
      throw badKeys(spec, key);
    }
  }
  return Buffer.from(bytes);
}

function badKeys(spec: string, key: string): InvalidInputError {
  return new InvalidInputError(`invalid detach keys "${spec}": "${key}" is not a key`,
    {hint: 'use single characters or ctrl-<a-z, @, [, \\, ], ^, _>, comma-separated, e.g. --detach-keys ctrl-p,ctrl-q'});
}

/** Watches typed input for the detach sequence across reads. */
export class DetachKeyFilter {
  private held = 0;

  constructor(private readonly keys: Buffer) {}

  /** What to pass on from this read, and whether the sequence was completed. */
  feed(chunk: Buffer): {forward: Buffer; detach: boolean} {
    if (this.keys.length === 0) return {forward: chunk, detach: false};
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.held]) {
        this.held++;
        if (this.held === this.keys.length) {
          this.held = 0;
          return {forward: Buffer.from(out), detach: true};
        }
        continue;
      }
      // A broken match: what was held was ordinary input after all; this byte may start a new match.
      for (let i = 0; i < this.held; i++) out.push(this.keys[i]);
      this.held = 0;
      if (byte === this.keys[0]) this.held = 1;
      else out.push(byte);
    }
    return {forward: Buffer.from(out), detach: false};
  }
}
