// Reads conmon's k8s-file logs ("<RFC3339Nano> <stdout|stderr> <F|P> <text>" per line; P marks a line
// that continues in the next record). Supports --tail, timestamps and following a growing file.
import * as fs from 'node:fs';

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
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const {records, rest} = parseLogChunk(text);
  const last = parseLogLine(rest);
  return last ? [...records, last] : records;
}

/**
 * Follows a log from byte `offset` until `finished()` says the writer is done, then drains what is
 * left. fs.watch gives low latency; the interval is the fallback where inotify is not available.
 */
export async function* followLog(file: string, offset: number, finished: () => boolean, intervalMs = 50): AsyncGenerator<LogRecord> {
  let pos = offset;
  // Kept as bytes so that a multi-byte character split across two reads is decoded whole.
  let rest = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  const startWatch = () => {
    if (watcher) return;
    try {
      watcher = fs.watch(file, () => wake?.());
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
  };
  try {
    for (;;) {
      startWatch();
      const done = finished();
      const chunk = readFrom(file, pos);
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
  }
}

function readFrom(file: string, pos: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= pos) return Buffer.alloc(0);
    const buf = Buffer.alloc(Math.min(size - pos, 1 << 20));
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
