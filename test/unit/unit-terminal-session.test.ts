// Terminal sessions: the detach sequence, the terminal fields of OCI processes, conmon's flags and the
// record of exec sessions that inspect lists.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {DetachKeyFilter, parseDetachKeys} from '../../src/runtime/detach-keys';
import {conmonArgs, conmonExecArgs} from '../../src/runtime/conmon';
import {activeExecSessions, execProcessSpec, openExecSession, sweepExecSessions} from '../../src/runtime/exec-session';
import type {ContainerConfig} from '../../src/storage/container-store';
import {caughtAs} from '../support/fixtures';
import {InvalidInputError} from '../../src/errors';

const feedAll = (f: DetachKeyFilter, chunks: string[]) => {
  let forwarded = '';
  for (const c of chunks) {
    const r = f.feed(Buffer.from(c, 'latin1'));
    forwarded += r.forward.toString('latin1');
    if (r.detach) return {forwarded, detach: true};
  }
  return {forwarded, detach: false};
};

describe('unit: terminal sessions', () => {
  it('parses Podman\'s detach key syntax into the bytes a terminal sends', () => {
    expect([...parseDetachKeys('ctrl-p,ctrl-q')]).to.deep.equal([16, 17]);
    expect([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')]).to.deep.equal([0, 27, 28, 29, 30, 31]);
    expect([...parseDetachKeys('a,ctrl-Z')]).to.deep.equal([97, 26]);
    expect(parseDetachKeys('').length).to.equal(0);
    for (const bad of ['ctrl-', 'ctrl-1', 'alt-x', 'ab', 'ctrl-p,,ctrl-q']) {
      expect(caughtAs(InvalidInputError, () => parseDetachKeys(bad)).message).to.contain(`invalid detach keys "${bad}"`);
    }
  });

  it('detaches on the whole sequence, even split across reads, and passes everything else on', () => {
    const keys = parseDetachKeys('ctrl-p,ctrl-q');
    expect(feedAll(new DetachKeyFilter(keys), ['ls\r', '\x10', '\x11'])).to.deep.equal({forwarded: 'ls\r', detach: true});
    expect(feedAll(new DetachKeyFilter(keys), ['a\x10\x11b'])).to.deep.equal({forwarded: 'a', detach: true});
    // A held ctrl-p that is not followed by ctrl-q is ordinary input after all, in order.
    expect(feedAll(new DetachKeyFilter(keys), ['\x10', 'x', '\x10\x10\x11'])).to.deep.equal({forwarded: '\x10x\x10', detach: true});
    expect(feedAll(new DetachKeyFilter(keys), ['\x10', 'y'])).to.deep.equal({forwarded: '\x10y', detach: false});
    expect(feedAll(new DetachKeyFilter(Buffer.alloc(0)), ['\x10\x11'])).to.deep.equal({forwarded: '\x10\x11', detach: false});
  });

  it('a terminal process asks for a terminal of the client\'s size', () => {
    const c = {id: 'c'.repeat(64), env: [], workdir: '/', capAdd: [], capDrop: []} as unknown as ContainerConfig;
    const root = {uid: 0, gid: 0, additionalGids: []};
    const base = {command: ['sh'], env: [], privileged: false, detach: false, interactive: true};
    const tty = execProcessSpec(c, {...base, tty: true}, root, 'h', {rows: 40, cols: 120}) as {terminal: boolean; consoleSize?: unknown};
    expect(tty.terminal).to.equal(true);
    expect(tty.consoleSize).to.deep.equal({height: 40, width: 120});
    const plain = execProcessSpec(c, base, root, 'h', {rows: 40, cols: 120}) as {terminal: boolean; consoleSize?: unknown};
    expect(plain.terminal).to.equal(false);
    expect(plain).to.not.have.property('consoleSize');
  });

  it('conmon: a terminal is its own input (-t without -i); exec sessions wait for their client', () => {
    const o = {id: 'x', name: 'n', bundle: '/b', runtimePath: '/usr/bin/runc', runtimeRoot: '/r', logPath: '/l', exitDir: '/e', socketDir: '/s', exitCommand: []};
    expect(conmonArgs({...o, terminal: true, stdin: true}, 'conmon')).to.include('-t').and.not.include('-i');
    expect(conmonArgs({...o, stdin: true}, 'conmon')).to.include('-i').and.not.include('-t');
    expect(conmonArgs(o, 'conmon')).to.not.include.members(['-i', '-t']);
    const exec = conmonExecArgs({...o, bundle: '/b/exec/s1', processSpec: '/b/exec/s1/process.json', terminal: true, stdin: true, attach: true}, 'conmon');
    expect(exec).to.include.members(['-e', '-t', '-i', '--exec-attach', '--full-attach']);
    expect(exec[exec.indexOf('-u') + 1]).to.equal('s1');
    expect(exec[exec.indexOf('--exec-process-spec') + 1]).to.equal('/b/exec/s1/process.json');
    // The session's exit file must not land where the container's own is read from.
    expect(exec[exec.indexOf('--exit-dir') + 1]).to.equal('/e');
  });

  it('lists exec sessions while their process or their starter lives, and forgets finished ones', () => {
    const userdata = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-sessions-'));
    const starting = openExecSession(userdata, 'starting');
    const running = openExecSession(userdata, 'running');
    fs.rmSync(running.ownerFile);
    fs.writeFileSync(running.pidFile, String(process.pid));
    const done = openExecSession(userdata, 'done');
    fs.writeFileSync(done.ownerFile, '999999999');
    fs.writeFileSync(done.pidFile, '999999998');
    expect(activeExecSessions(userdata).sort()).to.deep.equal(['running', 'starting']);
    expect(fs.existsSync(done.dir)).to.equal(true);
    sweepExecSessions(userdata);
    expect(fs.existsSync(done.dir)).to.equal(false);
    expect(fs.existsSync(starting.dir)).to.equal(true);
  });
});
