// pause / unpause: the runtime freezes the container's cgroup. A rootless container only has a cgroup
// of its own on cgroup v2 with a subtree delegated to the user, and burrow does not place rootless
// containers in one yet; as real root they get /burrow/ID (freezer on v1, cgroup.freeze on v2). So the
// host is checked first and a rootless user gets one line saying why not and what would make it work.
import * as fs from 'node:fs';
import type {EngineContext} from '../engine/context';
import {HostConfigError, InvalidStateError} from '../errors';
import {isPaused, isRunning, observedState} from './container-state';

export interface FreezeSupport {
  ok: boolean;
  /** why not, and what would make it work */
  reason?: string;
  hint?: string;
}

export interface CgroupHost {
  rootless: boolean;
  uid: number;
  /** /proc/self/cgroup */
  selfCgroup: string;
  /** whether /sys/fs/cgroup/cgroup.controllers exists (the unified, v2 hierarchy) */
  unified: boolean;
  /** owner uid of a directory under /sys/fs/cgroup, or undefined */
  ownerOf(cgroupPath: string): number | undefined;
}

const v2Hint = (uid: number) => `it needs cgroup v2 with a cgroup subtree delegated to your user: systemd's user@${uid}.service with Delegate=yes`;

export function freezeSupport(h: CgroupHost): FreezeSupport {
  if (!h.rootless) return {ok: true};
  if (!h.unified) {
    return {ok: false, reason: 'this host uses cgroup v1 (no cgroup is delegated to users), so a rootless container has no cgroup the runtime could freeze', hint: v2Hint(h.uid)};
  }
  const own = /^0::(.*)$/m.exec(h.selfCgroup)?.[1] ?? '';
  const parts = own.split('/');
  const service = parts.findIndex((p) => p === `user@${h.uid}.service`);
  const delegated = service >= 0 && h.ownerOf(parts.slice(0, service + 1).join('/')) === h.uid;
  if (!delegated) return {ok: false, reason: 'cgroup v2 is in use but no cgroup subtree is delegated to you, so a rootless container has no cgroup the runtime could freeze', hint: v2Hint(h.uid)};
  return {ok: false, reason: 'your cgroup subtree is delegated, but burrow does not place rootless containers in cgroups yet', hint: 'use `burrow stop` and `burrow start` instead'};
}

export function hostCgroups(rootless: boolean, uid: number): CgroupHost {
  return {
    rootless, uid,
    selfCgroup: readText('/proc/self/cgroup'),
    unified: fs.existsSync('/sys/fs/cgroup/cgroup.controllers'),
    ownerOf: (p) => {
      try {
        return fs.statSync(`/sys/fs/cgroup${p}`).uid;
      } catch {
        return undefined;
      }
    },
  };
}

function readText(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

export async function setPaused(ctx: EngineContext, ref: string, pause: boolean): Promise<string> {
  const support = freezeSupport(hostCgroups(ctx.identity.rootless, ctx.identity.uid));
  if (!support.ok) throw new HostConfigError(`cannot ${pause ? 'pause' : 'unpause'} containers here: ${support.reason}`, {hint: support.hint});
  await ctx.ready();
  const id = ctx.containers.resolve(ref).config.id;
  return ctx.containers.update(id, async (v) => {
    const st = observedState(v, ctx.exitDir);
    if (!isRunning(st) || !st.runtime) throw new InvalidStateError(`"${v.config.name}" is not running, can't ${pause ? 'pause' : 'unpause'}: container state improper`);
    if (pause === isPaused(st)) throw new InvalidStateError(`"${v.config.name}" is ${pause ? 'already paused' : 'not paused, can\'t unpause'}: container state improper`);
    await ctx.priv.run([st.runtime, '--root', ctx.runtimeRoot, pause ? 'pause' : 'resume', v.config.id]);
    ctx.containers.writeState(v.config.id, {...st, paused: pause ? {pid: st.pid!, at: new Date().toISOString()} : undefined});
    return v.config.id;
  });
}
