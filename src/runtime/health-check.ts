// Running health checks: `healthcheck run` (one check, as an exec in the container, its result folded
// into <userdata>/healthcheck.json under a lock of its own, then the --health-on-failure action), the
// record's reset when the container starts, and the schedule. As in Podman the schedule is a transient
// systemd user timer (`systemd-run --user --on-unit-inactive=INTERVAL … burrow healthcheck run ID`);
// where no user manager runs nothing is faked: the record says so and the check runs only by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import {BurrowError, InvalidStateError} from '../errors';
import {log} from '../log';
import type {EngineContext} from '../engine/context';
import type {ContainerConfig} from '../storage/container-store';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {withLock} from '../storage/lock';
import {effectiveHealth, systemdSpan, type HealthOnFailure} from './health-config';
import {applyResult, initialHealth, type HealthRecord, type HealthStatus} from './health-state';
import {findTool} from './host-tools';
import * as runner from '../process/runner';

/** How the checks of a started container are scheduled. */
export type HealthScheduler = 'systemd' | 'none' | 'disabled';

/** The file: Podman's record plus the schedule of the current run of the container. */
export interface HealthFile extends HealthRecord {
  scheduler?: HealthScheduler;
  /** transient unit name (`<id>-<random>`, as Podman names it) while a timer runs */
  unit?: string;
}

export function healthFilePath(userdata: string): string {
  return path.join(userdata, 'healthcheck.json');
}

export function readHealth(userdata: string): HealthFile | undefined {
  return readJson<HealthFile>(healthFilePath(userdata));
}

/** A systemd user manager answers on its private socket: no process is started to find out. */
export function userManagerRunning(env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = env.XDG_RUNTIME_DIR;
  if (!dir || !findTool('systemd-run', env)) return false;
  try {
    return fs.statSync(path.join(dir, 'systemd', 'private')).isSocket();
  } catch {
    return false;
  }
}

export const NO_SCHEDULER_HINT = 'no systemd user manager runs timers for you (run `burrow healthcheck run NAME` yourself, e.g. from cron)';

/** The once-per-container line at create: a health check that will never run on its own is worth saying. */
export function warnIfUnscheduled(name: string, intervalNs: number | undefined): void {
  if (intervalNs !== 0 && !userManagerRunning()) {
    log.warn(`health check of ${name} will not run on its own: ${NO_SCHEDULER_HINT.replace('NAME', name)}`);
  }
}

export interface HealthRunResult {
  /** this check's own result (what `healthcheck run` reports, as Podman does) */
  passed: boolean;
  /** the container's status after it */
  status: HealthStatus;
  /** the on-failure action taken, if any */
  action?: HealthOnFailure;
}

/** What the checker needs from the container manager (kept narrow so this module stays testable). */
export interface HealthHost {
  exec(id: string, argv: string[], timeoutMs: number): Promise<{code: number; output: string; timedOut: boolean}>;
  kill(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
}

export class HealthChecker {
  constructor(private readonly ctx: EngineContext, private readonly host: HealthHost) {}

  private lockFile(id: string): string {
    return `${this.ctx.containers.lockFile(id)}-health`;
  }

  /** At start: the status goes back to "starting" and, where systemd can, the timer is started. */
  async started(c: ContainerConfig, userdata: string, burrowArgv: string[]): Promise<void> {
    if (!c.healthcheck) return;
    const h = effectiveHealth(c.healthcheck);
    let scheduler: HealthScheduler = h.intervalMs === 0 ? 'disabled' : userManagerRunning() ? 'systemd' : 'none';
    let unit: string | undefined;
    if (scheduler === 'systemd') {
      unit = `${c.id}-${randomBytes(8).toString('hex')}`;
      const r = await runner.run([findTool('systemd-run')!, '--user', '--unit', unit, `--on-unit-inactive=${systemdSpan(h.intervalMs)}`,
        '--timer-property=AccuracySec=1s', ...burrowArgv, 'healthcheck', 'run', c.id], {okStatuses: [0, 1]}).catch((e: Error) => ({status: 1, stderr: e.message}));
      if (r.status !== 0) {
        log.warn(`health check of ${c.name} will not run on its own: systemd-run failed: ${r.stderr.trim().split('\n').pop()}`);
        scheduler = 'none';
        unit = undefined;
      }
    }
    await withLock(this.lockFile(c.id), () => {
      writeJsonAtomic(healthFilePath(userdata), {...initialHealth(readHealth(userdata)), scheduler, unit} satisfies HealthFile);
    }, `health check of ${c.name}`);
  }

  /** When the container ends: its timer goes (only a container that had one costs a process here). */
  async stopped(c: ContainerConfig, userdata: string): Promise<void> {
    const f = c.healthcheck ? readHealth(userdata) : undefined;
    if (!f?.unit) return;
    const systemctl = findTool('systemctl');
    // Only the timer: the service may be the very `healthcheck run` that is stopping the container.
    if (systemctl) await runner.run([systemctl, '--user', 'stop', `${f.unit}.timer`], {okStatuses: [0, 1, 5]}).catch(() => undefined);
    await withLock(this.lockFile(c.id), () => {
      const cur = readHealth(userdata);
      if (cur && cur.unit === f.unit) writeJsonAtomic(healthFilePath(userdata), {...cur, unit: undefined} satisfies HealthFile);
    });
  }

  /** `healthcheck run`: one check, recorded; the on-failure action when it leaves the container unhealthy. */
  async run(c: ContainerConfig, running: boolean, startedAt: string | undefined, onFailure: HealthOnFailure): Promise<HealthRunResult> {
    if (!c.healthcheck) throw new InvalidStateError(`container ${c.id} has no defined healthcheck`, {hint: 'create it with --health-cmd'});
    if (!running) throw new InvalidStateError(`container ${c.name} is not running`, {hint: `start it first: burrow start ${c.name}`});
    const h = effectiveHealth(c.healthcheck);
    const userdata = this.ctx.containers.userdataDir(c.id);
    const start = new Date();
    let code: number;
    let output: string;
    try {
      const r = await this.host.exec(c.id, h.argv, h.timeoutMs);
      code = r.timedOut ? -1 : r.code;
      output = r.timedOut ? `healthcheck command exceeded timeout of ${systemdSpan(h.timeoutMs)}` : r.output;
    } catch (e) {
      if (!(e instanceof BurrowError) || e instanceof InvalidStateError) throw e;
      // The command could not be started (not found, not executable): a failed check, not a burrow error.
      code = e.exitCode;
      output = e.message;
    }
    const end = new Date();
    const next = await withLock(this.lockFile(c.id), () => {
      const cur = readHealth(userdata) ?? initialHealth();
      const rec = applyResult(cur, {start, end, exitCode: code, output}, {retries: h.retries, startPeriodMs: h.startPeriodMs, startedAt});
      writeJsonAtomic(healthFilePath(userdata), {...cur, ...rec} satisfies HealthFile);
      return rec;
    }, `health check of ${c.name}`);
    const passed = code === 0;
    if (next.Status !== 'unhealthy' || onFailure === 'none') return {passed, status: next.Status};
    if (onFailure === 'kill') await this.host.kill(c.id);
    else if (onFailure === 'stop') await this.host.stop(c.id);
    else await this.host.restart(c.id);
    return {passed, status: next.Status, action: onFailure};
  }
}
