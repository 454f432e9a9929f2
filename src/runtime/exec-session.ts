// `exec`: one more process in a running container, run by the OCI runtime's own `exec` inside the
// rootless session. The process JSON is built here (pure) from the container's config and the flags;
// the runtime's own complaints go to a JSON log (--log), so the process's stderr stays the user's and a
// missing command still becomes Podman's 127/126.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {ContainerConfig} from '../storage/container-store';
import {ALL_CAPABILITIES, effectiveCapabilities} from './capabilities';
import {DEFAULT_PATH, mergeEnv, type ProcessUser} from './oci-spec';
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
}

/** The OCI process the runtime starts: the container's environment and caps, then the flags. */
export function execProcessSpec(c: ContainerConfig, o: ExecOptions, user: ProcessUser, hostname: string): Record<string, unknown> {
  const caps = o.privileged ? ALL_CAPABILITIES : effectiveCapabilities(c.capAdd, c.capDrop);
  const isRoot = user.uid === 0;
  return {
    terminal: false,
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

/** Files of one exec session, under the container's userdata. */
export function execFiles(userdata: string, sessionId: string): {processFile: string; logFile: string} {
  const dir = path.join(userdata, 'exec');
  fs.mkdirSync(dir, {recursive: true});
  return {processFile: path.join(dir, `${sessionId}.json`), logFile: path.join(dir, `${sessionId}.log`)};
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
