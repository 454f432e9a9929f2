// Reads conmon's k8s-file logs ("<RFC3339Nano> <stdout|stderr> <F|P> <text>" per line; P marks a line
// that continues in the next record). Supports --tail, timestamps and following a growing file, also
// across conmon's max-size rotation (it renames a fresh file over the old one).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  /** the text, with "\n" appended when the record ends a line */
  data: string;
}

export function parseLogLine(line: string): LogRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const text = c < 0 ? '' : line.slice(c + 1);
  return {time: line.slice(0, a), stream, data: tag.includes('P') ? text : `${text}\n`};
}

/** Splits a chunk of log text into records; returns the unfinished tail to prepend to the next chunk. */
export function parseLogChunk(text: string): {records: LogRecord[]; rest: string} {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const records: LogRecord[] = [];
  for (const l of lines) {
    const r = parseLogLine(l);
    if (r) records.push(r);
  }
  return {records, rest};
}

/** The last `n` whole lines (partial records are joined to the line they complete). */
export function tailRecords(records: LogRecord[], n: number): LogRecord[] {
  if (n < 0) return records;
  let lines = 0;
  let i = records.length;
  while (i > 0) {
    if (records[i - 1].data.endsWith('\n')) {
      if (lines === n) break;
      lines++;
    }
    i--;
  }
  return records.slice(i);
}

export function readLog(file: string): LogRecord[] {
  return readLogUpTo(file, true).records;
}

/**
 * The records of the whole file and the byte offset after the last complete one (where a follower
 * goes on). `withTail` also returns an unterminated last record, for a reader that will not follow.
 */
export function readLogUpTo(file: string, withTail: boolean): {records: LogRecord[]; end: number} {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return {records: [], end: 0};
  }
  const end = buf.lastIndexOf(10) + 1;
  const {records} = parseLogChunk(buf.subarray(0, end).toString('utf8'));
  if (withTail && end < buf.length) {
    const last = parseLogLine(buf.subarray(end).toString('utf8'));
    if (last) records.push(last);
  }
  return {records, end};
}

/** A record's time as Podman prints it with -t (Go's RFC3339Nano): no trailing zeros, "Z" for UTC. */
export function formatLogTime(raw: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(raw);
  if (!m) return raw;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const zone = m[3] === 'Z' || /^[+-]00:00$/.test(m[3]) ? 'Z' : m[3];
  return `${m[1]}${frac ? `.${frac}` : ''}${zone}`;
}

/**
 * Joins partial (P) records into whole lines, one stream at a time, so that lines of several
 * containers followed at once never interleave mid-line. A joined line carries its first record's time.
 */
export class LineJoiner {
  private readonly pending = new Map<string, LogRecord>();

  constructor(private readonly emit: (r: LogRecord) => void) {}

  push(r: LogRecord): void {
    const held = this.pending.get(r.stream);
    const joined = held ? {...held, data: held.data + r.data} : r;
    if (joined.data.endsWith('\n')) {
      this.pending.delete(r.stream);
      this.emit(joined);
    } else {
      this.pending.set(r.stream, joined);
    }
  }

  /** What is left unterminated, as it is (the container ended without a newline). */
  flush(): void {
    for (const r of this.pending.values()) this.emit(r);
    this.pending.clear();
  }
}

/**
 * Follows a log from byte `offset` until `finished()` says the writer is done, then drains what is
 * left. The file stays open while it is read; when conmon replaces it (max-size), the old one is read
 * to its end before the new one is opened from its start. Watching the directory gives low latency
 * (and sees the replacement); the interval is the fallback where inotify is not available.
 */
export async function* followLog(file: string, offset: number, finished: () => boolean, intervalMs = 50): AsyncGenerator<LogRecord> {
  let pos = offset;
  let fd: number | undefined;
  let ino = 0;
  // Kept as bytes so that a multi-byte character split across two reads is decoded whole.
  let rest = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  const startWatch = () => {
    if (watcher) return;
    try {
      watcher = fs.watch(path.dirname(file), () => wake?.());
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
  };
  const open = () => {
    try {
      fd = fs.openSync(file, 'r');
      ino = fs.fstatSync(fd).ino;
    } catch {
      fd = undefined;
    }
  };
  try {
    for (;;) {
      startWatch();
      const done = finished();
      if (fd === undefined) open();
      const chunk = fd === undefined ? Buffer.alloc(0) : readFrom(fd, pos);
      if (chunk.length > 0) {
        pos += chunk.length;
        const all = Buffer.concat([rest, chunk]);
        const end = all.lastIndexOf(10);
        if (end >= 0) {
          yield* parseLogChunk(all.subarray(0, end + 1).toString('utf8')).records;
          rest = all.subarray(end + 1);
        } else {
          rest = all;
        }
        continue;
      }
      if (fd !== undefined && replaced(file, ino, pos)) {
        // Everything of the old file has been read (the read above came back empty): start the new one.
        fs.closeSync(fd);
        fd = undefined;
        pos = 0;
        rest = Buffer.alloc(0);
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
    const last = parseLogLine(rest.toString('utf8'));
    if (last) yield last;
  } finally {
    watcher?.close();
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The path now names another file than the open one, or the open one was truncated below what was read. */
function replaced(file: string, ino: number, pos: number): boolean {
  try {
    const st = fs.statSync(file);
    return st.ino !== ino || st.size < pos;
  } catch {
    return false;
  }
}

function readFrom(fd: number, pos: number): Buffer {
  const size = fs.fstatSync(fd).size;
  if (size <= pos) return Buffer.alloc(0);
  const buf = Buffer.alloc(Math.min(size - pos, 1 << 20));
  const n = fs.readSync(fd, buf, 0, buf.length, pos);
  return buf.subarray(0, n);
}
