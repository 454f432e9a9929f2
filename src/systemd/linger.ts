// Whether the user's services outlive their login sessions. systemd-logind keeps lingering as a file per
// user in /var/lib/systemd/linger (what `loginctl enable-linger` creates and `loginctl show-user -p Linger`
// reports); without it the user manager, every user unit and every process left in the session's scope
// end at logout on hosts that kill user processes. Reading the file needs neither D-Bus nor logind.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LingerStatus {
  /** true / false; undefined when the host does not run systemd (then nothing lingers) */
  enabled?: boolean;
  systemd: boolean;
  /** the user's systemd manager runs (its private socket exists in XDG_RUNTIME_DIR) */
  userManager: boolean;
  message: string;
}

export interface LingerProbe {
  user: string;
  uid: number;
  runtimeDir?: string;
  exists?: (p: string) => boolean;
  lingerDir?: string;
  systemdDir?: string;
}

export function lingerStatus(p: LingerProbe): LingerStatus {
  const exists = p.exists ?? fs.existsSync;
  const systemd = exists(p.systemdDir ?? '/run/systemd/system');
  const runtimeDir = p.runtimeDir ?? `/run/user/${p.uid}`;
  const userManager = exists(path.join(runtimeDir, 'systemd', 'private'));
  if (!systemd) {
    return {systemd, userManager, message: 'this host does not run systemd: units and burrow-restart.service cannot be used, and containers end when the host stops'};
  }
  const enabled = exists(path.join(p.lingerDir ?? '/var/lib/systemd/linger', p.user));
  const message = enabled
    ? `lingering is enabled for ${p.user}: your user units start at boot and keep running after you log out`
    : `lingering is off for ${p.user}: your user units (and containers they run) stop when you log out and do not start at boot; run: loginctl enable-linger ${p.user}`;
  return {enabled, systemd, userManager, message};
}

export interface DoctorCheck {
  name: string;
  ok: boolean;
  message: string;
}

/** `system doctor`: what decides whether containers survive a logout or a reboot, one line each. */
export function doctorChecks(linger: LingerStatus, unitInstalled: string | undefined, policies: {name: string; policy: string}[]): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  checks.push({name: 'linger', ok: linger.enabled === true, message: linger.message});
  checks.push({name: 'user manager', ok: linger.userManager,
    message: linger.userManager ? 'your systemd user manager runs (systemctl --user works)'
      : 'no systemd user manager runs for you now (log in through a session, or enable lingering): systemctl --user and generated units cannot be used'});
  const always = policies.filter((p) => p.policy === 'always');
  checks.push({name: 'burrow-restart.service', ok: unitInstalled !== undefined || always.length === 0,
    message: unitInstalled ? `installed at ${unitInstalled}: containers with --restart always start again after boot (with lingering) or login`
      : `not installed: ${always.length ? `${always.length} container(s) with --restart always will not start again after a reboot; ` : ''}scripts/setup.sh installs it`});
  const restarting = policies.filter((p) => p.policy !== '' && p.policy !== 'no');
  checks.push({name: 'restart policies', ok: true,
    message: restarting.length ? restarting.map((p) => `${p.name} (${p.policy})`).join(', ') : 'no container has a restart policy'});
  return checks;
}

/** Where burrow-restart.service may be installed for this user (user dir first, then the system-wide ones). */
export function restartUnitPaths(home: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [path.join(config, 'systemd', 'user', 'burrow-restart.service'), '/etc/systemd/user/burrow-restart.service', '/usr/lib/systemd/user/burrow-restart.service'];
}
