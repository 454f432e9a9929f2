// `logs` for one container's k8s-file: --tail, then --since/--until (Podman's order), then, with
// --follow, what is written until the run being followed ends (or --until passes).
import {followLog, LineJoiner, readLogUpTo, tailRecords, type LogRecord} from './k8s-log';

export interface LogReadOptions {
  follow: boolean;
  /** last N lines; undefined or negative for all */
  tail?: number;
  /** ms since the epoch */
  since?: number;
  until?: number;
  /** join partial records into whole lines before emitting them (several containers at once) */
  joinLines: boolean;
  /** ends a follow early */
  signal?: AbortSignal;
}

export interface LogSource {
  file: string;
  /** whether the run that was going when `logs` started is still going */
  running: () => boolean;
}

export async function readContainerLog(src: LogSource, o: LogReadOptions, emit: (r: LogRecord) => void, now: () => number = Date.now): Promise<void> {
  const inWindow = (r: LogRecord) => {
    if (o.since === undefined && o.until === undefined) return true;
    const t = Date.parse(r.time);
    return (o.since === undefined || t >= o.since) && (o.until === undefined || t <= o.until);
  };
  const joiner = o.joinLines ? new LineJoiner(emit) : undefined;
  const out = (r: LogRecord) => {
    if (!inWindow(r)) return;
    if (joiner) joiner.push(r);
    else emit(r);
  };
  const {records, end} = readLogUpTo(src.file, !o.follow);
  const shown = o.tail !== undefined && o.tail >= 0 ? tailRecords(records, o.tail) : records;
  for (const r of shown) out(r);
  if (o.follow && (o.until === undefined || o.until > now())) {
    const until = o.until;
    const finished = () => o.signal?.aborted === true || !src.running() || (until !== undefined && now() >= until);
    for await (const r of followLog(src.file, end, finished)) out(r);
  }
  joiner?.flush();
}
