// The long-lived network helpers (slirp4netns, pasta, aardvark-dns) outlive the burrow command that
// starts them; they are recorded by pid and start time, so that a later command can tell "still the
// same process" from "dead, and its pid reused", stop them, and report a crash.
import {isAlive, processStartTime} from '../../rootless/proc';

export interface HelperRecord {
  kind: 'slirp4netns' | 'pasta' | 'aardvark-dns';
  pid: number;
  /** field 22 of /proc/PID/stat when started */
  startTime?: string;
}

export function recordHelper(kind: HelperRecord['kind'], pid: number): HelperRecord {
  return {kind, pid, startTime: processStartTime(pid)};
}

/** True while the recorded process (not a later one with the same pid) lives. */
export function helperAlive(h: HelperRecord): boolean {
  return isAlive(h.pid) && (h.startTime === undefined || processStartTime(h.pid) === h.startTime);
}

/** SIGTERM to a helper that is still the recorded process; nothing otherwise. */
export function stopHelper(h: HelperRecord | undefined): void {
  if (!h || !helperAlive(h)) return;
  try {
    process.kill(h.pid, 'SIGTERM');
  } catch {
    // gone in between
  }
}

/** Waits (briefly) until a stopped helper has let go of its sockets, so a port is free on return. */
export async function waitHelperGone(h: HelperRecord | undefined, timeoutMs = 2000): Promise<void> {
  if (!h) return;
  const deadline = Date.now() + timeoutMs;
  while (helperAlive(h) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (helperAlive(h)) {
    try {
      process.kill(h.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
