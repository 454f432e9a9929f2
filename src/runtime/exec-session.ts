// `exec`: one more process in a running container, run by the OCI runtime's own `exec` inside the
// rootless session. The process JSON is built here (pure) from the container's config and the flags;
// the runtime's own complaints go to a JSON log (--log), so the process's stderr stays the user's and a
// missing command still becomes Podman's 127/126.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {ContainerConfig} from '../storage/container-store';
import {ALL_CAPABILITIES, effectiveCapabilities} from './capabilities';
import {DEFAULT_PATH, consoleSizeField, mergeEnv, type ConsoleSize, type ProcessUser} from './oci-spec';
import {isAlive, readPidFile} from '../../rootless/proc';
import {runtimeFailure} from './conmon';

export interface ExecOptions {
  command: string[];
  env: string[];
  workdir?: string;
  user?: string;
  privileged: boolean;
  detach: boolean;
  /** keep stdin open (-i) */
  interactive: boolean;
  /** a pseudo-terminal (-t) */
  tty?: boolean;
}

/** The OCI process the runtime starts: the container's environment and caps, then the flags. */
export function execProcessSpec(c: ContainerConfig, o: ExecOptions, user: ProcessUser, hostname: string, consoleSize?: ConsoleSize): Record<string, unknown> {
  const caps = o.privileged ? ALL_CAPABILITIES : effectiveCapabilities(c.capAdd, c.capDrop);
  const isRoot = user.uid === 0;
  return {
    terminal: o.tty === true,
    ...consoleSizeField(o.tty, consoleSize),
    user: {uid: user.uid, gid: user.gid, additionalGids: user.additionalGids},
    args: o.command,
    env: mergeEnv(
      [`PATH=${DEFAULT_PATH}`, 'TERM=xterm', 'container=podman', `HOSTNAME=${hostname}`, `HOME=${user.home ?? (isRoot ? '/root' : '/')}`],
      c.env, o.env),
    cwd: o.workdir ?? (c.workdir || '/'),
    capabilities: {bounding: caps, effective: isRoot ? caps : [], permitted: isRoot ? caps : [], inheritable: [], ambient: []},
    noNewPrivileges: false,
  };
}

/** Files of one exec session: a directory of its own under the container's userdata. */
export interface ExecSessionFiles {
  dir: string;
  processFile: string;
  /** the runtime's JSON log */
  logFile: string;
  /** the process's pid, written by the runtime (or conmon) once it runs */
  pidFile: string;
  /** who started the session: a session still starting counts as active while its starter lives */
  ownerFile: string;
}

export function execSessionFiles(userdata: string, sessionId: string): ExecSessionFiles {
  const dir = path.join(userdata, 'exec', sessionId);
  return {dir, processFile: path.join(dir, 'process.json'), logFile: path.join(dir, 'oci-log'), pidFile: path.join(dir, 'pidfile'), ownerFile: path.join(dir, 'owner')};
}

/** Creates the session's directory, owned by this process until the runtime writes the pid. */
export function openExecSession(userdata: string, sessionId: string): ExecSessionFiles {
  sweepExecSessions(userdata);
  const files = execSessionFiles(userdata, sessionId);
  fs.mkdirSync(files.dir, {recursive: true});
  fs.writeFileSync(files.ownerFile, String(process.pid));
  return files;
}

function sessionLives(f: ExecSessionFiles): boolean {
  const pid = readPidFile(f.pidFile);
  const owner = readPidFile(f.ownerFile);
  return (pid !== undefined && isAlive(pid)) || (owner !== undefined && isAlive(owner));
}

function sessionIds(userdata: string): string[] {
  try {
    return fs.readdirSync(path.join(userdata, 'exec'));
  } catch {
    return [];
  }
}

/** The sessions whose process still runs (or is being started by a live burrow): inspect's ExecIDs. */
export function activeExecSessions(userdata: string): string[] {
  return sessionIds(userdata).filter((id) => sessionLives(execSessionFiles(userdata, id)));
}

/** Removes the directories of finished sessions (a detached one leaves its directory when it ends). */
export function sweepExecSessions(userdata: string): void {
  for (const id of sessionIds(userdata)) {
    const f = execSessionFiles(userdata, id);
    if (!sessionLives(f)) fs.rmSync(f.dir, {recursive: true, force: true});
  }
}

/**
 * What the runtime said when it could not start the process (its JSON log), as a typed error with
 * Podman's exit code; undefined when it started it (the exit status is then the process's own).
 */
export function execFailure(logFile: string): Error | undefined {
  let text = '';
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const errors = text.trim().split('\n').map((l) => {
    try {
      return JSON.parse(l) as {level?: string; msg?: string};
    } catch {
      return {level: 'error', msg: l};
    }
  }).filter((e) => e.level === 'error' && e.msg);
  if (errors.length === 0) return undefined;
  return runtimeFailure('', errors[errors.length - 1].msg!.replace(/^exec failed: /, ''));
}
