// The OCI process `exec` hands the runtime: the container's environment and capabilities, then flags.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {ContainerConfig} from '../../src/storage/container-store';
import {execFailure, execProcessSpec} from '../../src/runtime/exec-session';
import {ALL_CAPABILITIES, DEFAULT_CAPABILITIES} from '../../src/runtime/capabilities';
import {ExitCode} from '../../src/errors';

const config = {
  id: 'c'.repeat(64), name: 'web', env: ['PATH=/custom/bin', 'A=1'], workdir: '/srv', user: '', capAdd: [], capDrop: [],
} as unknown as ContainerConfig;
const root = {uid: 0, gid: 0, additionalGids: []};
const base = {command: ['sh'], env: [] as string[], privileged: false, detach: false, interactive: false};

describe('unit: runtime/exec-session', () => {
  it('inherits the container\'s environment and workdir; flags override', () => {
    const spec = execProcessSpec(config, {...base, env: ['A=2', 'B=3']}, root, 'host1') as {env: string[]; cwd: string; args: string[]};
    expect(spec.env).to.include.members(['PATH=/custom/bin', 'A=2', 'B=3', 'HOSTNAME=host1', 'HOME=/root']);
    expect(spec.env).to.not.include('A=1');
    expect(spec.cwd).to.equal('/srv');
    expect((execProcessSpec(config, {...base, workdir: '/tmp'}, root, 'h') as {cwd: string}).cwd).to.equal('/tmp');
  });

  it('capabilities: the container\'s set, all with --privileged, none effective for a non-root user', () => {
    type Caps = {capabilities: {bounding: string[]; effective: string[]}};
    expect((execProcessSpec(config, base, root, 'h') as Caps).capabilities.effective).to.deep.equal(DEFAULT_CAPABILITIES);
    expect((execProcessSpec(config, {...base, privileged: true}, root, 'h') as Caps).capabilities.bounding).to.deep.equal(ALL_CAPABILITIES);
    const user = execProcessSpec(config, base, {uid: 1000, gid: 1000, additionalGids: [], home: '/home/u'}, 'h') as Caps & {env: string[]};
    expect(user.capabilities.effective).to.deep.equal([]);
    expect(user.env).to.include('HOME=/home/u');
  });

  it('the runtime\'s log turns into Podman\'s exit codes; a clean log means the process ran', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-log-'));
    const log = path.join(dir, 'log');
    expect(execFailure(log)).to.equal(undefined);
    fs.writeFileSync(log, '{"level":"info","msg":"x"}\n');
    expect(execFailure(log)).to.equal(undefined);
    fs.writeFileSync(log, '{"level":"error","msg":"exec failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"}\n');
    expect((execFailure(log) as unknown as {exitCode: number}).exitCode).to.equal(ExitCode.NotFound);
    fs.writeFileSync(log, '{"level":"error","msg":"exec failed: unable to start container process: exec: \\"/etc/passwd\\": permission denied"}\n');
    expect((execFailure(log) as unknown as {exitCode: number}).exitCode).to.equal(ExitCode.CannotInvoke);
    fs.rmSync(dir, {recursive: true});
  });
});

import {goDuration, normalizeDescriptors, TOP_DEFAULT} from '../../src/runtime/container-top';

describe('unit: runtime/container-top', () => {
  it('durations print as Go\'s time.Duration does', () => {
    expect(goDuration(0)).to.equal('0s');
    expect(goDuration(0.25)).to.equal('250ms');
    expect(goDuration(1.483)).to.equal('1.483s');
    expect(goDuration(62)).to.equal('1m2s');
    expect(goDuration(3600)).to.equal('1h0m0s');
  });

  it('descriptors: Podman\'s default set, ps spellings, comma lists, unknown ones refused', () => {
    expect(normalizeDescriptors([])).to.deep.equal(TOP_DEFAULT);
    expect(normalizeDescriptors(['pid,%CPU', 'COMMAND'])).to.deep.equal(['pid', 'pcpu', 'args']);
    expect(() => normalizeDescriptors(['rss'])).to.throw(/unknown top descriptor "rss"/);
  });
});
