// Restart policies (`--restart`), honoured without a daemon: conmon's exit command (`container cleanup`)
// asks `restartDecision` whether the container that just ended starts again. The rules are Podman's:
// a container stopped or killed through burrow stays down, `on-failure` restarts on a non-zero code up
// to its retry count, `always` and `unless-stopped` (the same thing without a daemon) restart whatever
// the code. A user's `start` gives the container its retries back.
import {InvalidInputError} from '../errors';

export type RestartPolicyName = '' | 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface RestartPolicy {
  name: RestartPolicyName;
  /** on-failure only: 0 means without limit */
  maxRetries: number;
}

const NAMES: readonly string[] = ['no', 'never', 'on-failure', 'always', 'unless-stopped'];

/** `no`, `never` (Podman's synonym), `on-failure[:N]`, `always`, `unless-stopped`. */
export function parseRestartPolicy(value: string): RestartPolicy {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  const count = colon < 0 ? undefined : value.slice(colon + 1);
  if (!NAMES.includes(name)) {
    throw new InvalidInputError(`invalid restart policy "${value}"`, {hint: 'use no, on-failure[:MAX_RETRIES], always or unless-stopped'});
  }
  if (count !== undefined) {
    if (name !== 'on-failure') throw new InvalidInputError(`restart policy "${name}" takes no retry count`, {hint: 'only on-failure takes one: --restart on-failure:3'});
    if (!/^\d+$/.test(count)) throw new InvalidInputError(`invalid retry count "${count}" in --restart ${value}`, {hint: 'give a whole number: --restart on-failure:3'});
  }
  return {name: name === 'never' ? 'no' : (name as RestartPolicyName), maxRetries: count === undefined ? 0 : Number(count)};
}

/** Whether a policy restarts at all (`--rm` conflicts with those that do, as in Podman). */
export function restarts(p: RestartPolicy | undefined): boolean {
  return p !== undefined && p.name !== '' && p.name !== 'no';
}

export interface EndedContainer {
  exitCode: number | undefined;
  /** restarts made by the policy since the user last started it */
  restartCount: number;
  /** `stop`, `kill` or `rm -f` ended it */
  stoppedByUser: boolean;
}

export function restartDecision(p: RestartPolicy | undefined, ended: EndedContainer): boolean {
  if (!restarts(p) || ended.stoppedByUser) return false;
  if (p!.name === 'on-failure') {
    if (ended.exitCode === 0) return false;
    if (p!.maxRetries > 0 && ended.restartCount >= p!.maxRetries) return false;
  }
  return true;
}

/** `ps --filter restart-policy=NAME` and inspect's HostConfig.RestartPolicy.Name. */
export function policyName(p: RestartPolicy | undefined): string {
  return p?.name ?? '';
}
