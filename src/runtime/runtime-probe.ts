// Chooses the OCI runtime. crun is preferred (as in Podman) but some hosts refuse it (crun 1.8 on a
// hybrid cgroup host), so each candidate is tried once with a tiny container; the verdict is cached per
// boot in the run root and `burrow info` shows why each runtime was taken or skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError} from '../errors';
import type {PrivilegedExec} from '../../rootless/privileged';
import {bootId} from '../../rootless/proc';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {findTool} from './host-tools';

export interface RuntimeVerdict {
  name: string;
  path?: string;
  usable: boolean;
  reason: string;
}

export interface RuntimeChoice {
  name: string;
  path: string;
  verdicts: RuntimeVerdict[];
}

interface Cache {
  bootId: string;
  key: string;
  choice: RuntimeChoice;
}

export const DEFAULT_RUNTIMES = ['crun', 'runc'];

export async function chooseRuntime(priv: PrivilegedExec, runroot: string, candidates: readonly string[]): Promise<RuntimeChoice> {
  const cacheFile = path.join(runroot, 'runtime.json');
  const key = candidates.map((c) => `${c}=${fingerprint(findTool(c))}`).join(',');
  const cached = readJson<Cache>(cacheFile);
  if (cached && cached.bootId === bootId() && cached.key === key) return cached.choice;

  const verdicts: RuntimeVerdict[] = [];
  let chosen: RuntimeVerdict | undefined;
  for (const name of candidates) {
    const v = await probe(priv, runroot, name);
    verdicts.push(v);
    if (v.usable && !chosen) chosen = v;
    if (chosen) break;
  }
  if (!chosen) {
    throw new HostConfigError(`no usable OCI runtime: ${verdicts.map((v) => `${v.name}: ${v.reason}`).join('; ')}`,
      {hint: 'install runc or crun (apt install runc)'});
  }
  const choice = {name: chosen.name, path: chosen.path!, verdicts};
  writeJsonAtomic(cacheFile, {bootId: bootId(), key, choice} satisfies Cache);
  return choice;
}

function fingerprint(p: string | undefined): string {
  if (!p) return 'missing';
  const st = fs.statSync(p);
  return `${p}:${st.size}:${st.mtimeMs}`;
}

/** Runs `true` from the host's own /usr in a throw-away bundle: enough to hit cgroup and namespace refusals. */
async function probe(priv: PrivilegedExec, runroot: string, name: string): Promise<RuntimeVerdict> {
  const bin = findTool(name);
  if (!bin) return {name, usable: false, reason: 'not installed'};
  const dir = fs.mkdtempSync(path.join(runroot, `probe-${name}-`));
  try {
    fs.mkdirSync(path.join(dir, 'rootfs'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(probeSpec(path.join(dir, 'rootfs'), priv.rootless)));
    const res = await priv.run([bin, '--root', path.join(dir, 'state'), 'run', '--bundle', dir, `burrow-probe-${process.pid}`], {okStatuses: [0, 1, 2, 125, 126, 127, 255], timeoutMs: 20_000});
    if (res.status === 0) return {name, path: bin, usable: true, reason: 'started a test container'};
    const said = res.stderr.trim().split('\n').pop() ?? '';
    return {name, path: bin, usable: false, reason: `refused to start a test container (${said.replace(/^time=\S+ level=\w+ msg=/, '') || `exit ${res.status}`})`};
  } finally {
    await priv.run(['rm', '-rf', '--', dir]).catch(() => undefined);
  }
}

function probeSpec(rootfs: string, rootless: boolean): object {
  const ro = ['rbind', 'ro', 'nosuid', 'nodev'];
  return {
    ociVersion: '1.0.2-dev',
    process: {args: ['/usr/bin/true'], cwd: '/', user: {uid: 0, gid: 0}, env: ['PATH=/usr/bin:/bin'], capabilities: {bounding: [], effective: [], permitted: []}},
    root: {path: rootfs, readonly: false},
    mounts: [
      {destination: '/usr', type: 'bind', source: '/usr', options: ro},
      ...['/lib', '/lib64', '/bin'].filter((d) => fs.existsSync(d)).map((d) => ({destination: d, type: 'bind', source: fs.realpathSync(d), options: ro})),
      {destination: '/proc', type: 'proc', source: 'proc'},
    ],
    linux: {namespaces: [{type: 'pid'}, {type: 'mount'}, {type: 'ipc'}, {type: 'uts'}, {type: 'network'}], ...(rootless ? {} : {cgroupsPath: `/burrow/probe-${process.pid}`})},
  };
}
