// Temp files that archive verbs keep in the storage root's tmp/ (stdin spooled to disk so that a tar can be
// read twice, a decompressed archive, an archive being built for stdout). Each name carries the writer's
// pid, so what a killed process left is removed by the next archive verb, and every scratch file a
// command makes is deleted when it ends, whether it succeeded or not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {pipeline} from 'node:stream/promises';
import {entriesOfDeadWriters} from '../../storage/dead-writers';

const PATTERN = /^(?:load|save|export|unpack)-(\d+)-/;

export type ScratchKind = 'load' | 'save' | 'export' | 'unpack';

export class Scratch {
  readonly dir: string;
  private readonly made: string[] = [];

  constructor(root: string) {
    this.dir = path.join(root, 'tmp');
  }

  /** Removes scratch files of processes that died before cleaning up. */
  sweep(isAlive: (pid: number) => boolean): void {
    for (const f of entriesOfDeadWriters(this.dir, PATTERN, isAlive)) fs.rmSync(f, {recursive: true, force: true});
  }

  /** A fresh path (not created) that `cleanup` removes. */
  file(kind: ScratchKind): string {
    fs.mkdirSync(this.dir, {recursive: true, mode: 0o700});
    const f = path.join(this.dir, `${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
    this.made.push(f);
    return f;
  }

  /** Writes a stream to a new scratch file. */
  async spool(kind: ScratchKind, source: AsyncIterable<Buffer> | NodeJS.ReadableStream): Promise<string> {
    const f = this.file(kind);
    await pipeline(source as NodeJS.ReadableStream, fs.createWriteStream(f, {flags: 'wx', mode: 0o600}));
    return f;
  }

  remove(f: string): void {
    fs.rmSync(f, {recursive: true, force: true});
    const i = this.made.indexOf(f);
    if (i >= 0) this.made.splice(i, 1);
  }

  cleanup(): void {
    for (const f of this.made.splice(0)) fs.rmSync(f, {recursive: true, force: true});
  }
}

/** Copies a finished file to a stream (stdout), honouring backpressure; the stream is not ended. */
export async function copyFileTo(file: string, out: NodeJS.WritableStream): Promise<void> {
  await pipeline(fs.createReadStream(file, {highWaterMark: 1 << 20}), out as NodeJS.WritableStream, {end: false});
}
