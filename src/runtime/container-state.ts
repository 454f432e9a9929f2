// What a container's state really is right now: the stored state, corrected by what conmon left
// behind (exits/<id>) and by whether its monitor still lives. Reading never writes; writers persist
// the observed state under the container's lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bootId, isAlive, readPidFile} from '../../rootless/proc';
import type {ContainerState, ContainerView} from '../storage/container-store';

/** Exit code and time written by conmon, if the container has ended. */
export function readExitFile(exitDir: string, id: string): {code: number; at: string} | undefined {
  const file = path.join(exitDir, id);
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text === '') return undefined;
    return {code: Number(text), at: fs.statSync(file).mtime.toISOString()};
  } catch {
    return undefined;
  }
}

export function observedState(v: ContainerView, exitDir: string): ContainerState {
  let st = v.state;
  if (st.status === 'created' && st.startingPid !== undefined && !isAlive(st.startingPid)) {
    // The starting process died. If conmon came up anyway, the container is running (or has run).
    const conmonPid = readPidFile(st.conmonPidFile);
    if (conmonPid === undefined) return {...st, startingPid: undefined};
    st = {...st, status: 'running', conmonPid, pid: readPidFile(st.containerPidFile), startedAt: st.startedAt ?? new Date().toISOString(), bootId: bootId(), startingPid: undefined};
  }
  if (st.status !== 'running' && st.status !== 'stopping') return st;
  const exit = readExitFile(exitDir, v.config.id);
  if (exit) return {...st, status: 'exited', exitCode: exit.code, finishedAt: exit.at};
  if (st.bootId !== bootId()) return {...st, status: 'exited', exitCode: st.exitCode ?? -1, finishedAt: st.finishedAt ?? st.startedAt, mounted: false, error: 'the host rebooted'};
  if (st.conmonPid !== undefined && !isAlive(st.conmonPid)) {
    return {...st, status: 'exited', exitCode: -1, finishedAt: new Date().toISOString(), error: 'conmon died without recording an exit code'};
  }
  return st;
}

export function isRunning(st: ContainerState): boolean {
  return st.status === 'running' || st.status === 'stopping';
}

/** Paused by `pause` in its current run (a later run of the container is never seen as paused). */
export function isPaused(st: ContainerState): boolean {
  return isRunning(st) && st.paused !== undefined && st.paused.pid === st.pid;
}

/** The status Podman shows: "paused" is a running container whose processes are frozen. */
export function shownStatus(st: ContainerState): string {
  return isPaused(st) ? 'paused' : st.status;
}
