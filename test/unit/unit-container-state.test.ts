import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {observedState} from '../../src/runtime/container-state';
import type {ContainerState, ContainerView} from '../../src/storage/container-store';
import {bootId} from '../../rootless/proc';

describe('unit: runtime/container-state observedState', () => {
  let dir: string;
  const deadPid = spawnSync('true').pid!;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-state-'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  const view = (state: Partial<ContainerState>): ContainerView => ({
    config: {id: 'a'.repeat(64)} as ContainerView['config'],
    state: {status: 'created', restartCount: 0, ...state},
  });

  it('a running container with an exit file has exited with that code', () => {
    fs.writeFileSync(path.join(dir, 'a'.repeat(64)), '3');
    const st = observedState(view({status: 'running', conmonPid: process.pid, bootId: bootId()}), dir);
    expect(st.status).to.equal('exited');
    expect(st.exitCode).to.equal(3);
  });

  it('a running container whose conmon is gone without an exit file is reported exited (-1)', () => {
    const st = observedState(view({status: 'running', conmonPid: deadPid, bootId: bootId()}), dir);
    expect(st.status).to.equal('exited');
    expect(st.exitCode).to.equal(-1);
  });

  it('a container started before a reboot is not running', () => {
    const st = observedState(view({status: 'running', conmonPid: process.pid, bootId: 'another-boot'}), dir);
    expect(st.status).to.equal('exited');
  });

  it('a start killed after conmon came up leaves a running container, found through conmon\'s pid file', () => {
    fs.writeFileSync(path.join(dir, 'conmon.pid'), String(process.pid));
    fs.writeFileSync(path.join(dir, 'pidfile'), '4242');
    const st = observedState(view({startingPid: deadPid, conmonPidFile: path.join(dir, 'conmon.pid'), containerPidFile: path.join(dir, 'pidfile')}), dir);
    expect(st.status).to.equal('running');
    expect(st.conmonPid).to.equal(process.pid);
    expect(st.pid).to.equal(4242);
  });

  it('a start killed before conmon came up leaves a created container; one still starting is left alone', () => {
    const gone = observedState(view({startingPid: deadPid, conmonPidFile: path.join(dir, 'conmon.pid')}), dir);
    expect(gone.status).to.equal('created');
    expect(gone.startingPid).to.equal(undefined);
    const busy = observedState(view({startingPid: process.pid, conmonPidFile: path.join(dir, 'conmon.pid')}), dir);
    expect(busy.status).to.equal('created');
    expect(busy.startingPid).to.equal(process.pid);
  });
});
