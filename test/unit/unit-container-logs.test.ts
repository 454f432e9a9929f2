// One container's `logs`: --tail, then the --since/--until window, partial lines, following until the run ends.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {readContainerLog, type LogReadOptions} from '../../src/runtime/container-logs';
import type {LogRecord} from '../../src/runtime/k8s-log';

const line = (sec: number, stream: string, tag: string, text: string) => `2026-01-02T15:04:${String(sec).padStart(2, '0')}.000000001+00:00 ${stream} ${tag} ${text}\n`;
const at = (sec: number) => Date.UTC(2026, 0, 2, 15, 4, sec);

describe('unit: runtime/container-logs readContainerLog', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-ctrlogs-'));
    file = path.join(dir, 'ctr.log');
    fs.writeFileSync(file, line(1, 'stdout', 'F', 'one') + line(2, 'stderr', 'F', 'two') + line(3, 'stdout', 'P', 'thr') + line(3, 'stdout', 'F', 'ee') + line(4, 'stdout', 'F', 'four'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  async function read(o: Partial<LogReadOptions>, running = () => false): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    await readContainerLog({file, running}, {follow: false, joinLines: false, ...o}, (r) => out.push(r));
    return out;
  }
  const texts = (rs: LogRecord[]) => rs.map((r) => `${r.stream}:${r.data}`);

  it('shows everything, stderr records marked as such', async () => {
    expect(texts(await read({}))).to.deep.equal(['stdout:one\n', 'stderr:two\n', 'stdout:thr', 'stdout:ee\n', 'stdout:four\n']);
  });

  it('--since and --until keep the records inside the window', async () => {
    expect(texts(await read({since: at(2), until: at(3) + 500}))).to.deep.equal(['stderr:two\n', 'stdout:thr', 'stdout:ee\n']);
    expect(texts(await read({since: at(4)}))).to.deep.equal(['stdout:four\n']);
    expect(await read({until: at(0)})).to.deep.equal([]);
  });

  it('--tail counts whole lines first, then the window applies (Podman\'s order)', async () => {
    expect(texts(await read({tail: 2}))).to.deep.equal(['stdout:thr', 'stdout:ee\n', 'stdout:four\n']);
    expect(texts(await read({tail: 2, since: at(4)}))).to.deep.equal(['stdout:four\n']);
    expect(await read({tail: 0})).to.deep.equal([]);
  });

  it('joinLines gives whole lines only', async () => {
    expect(texts(await read({joinLines: true}))).to.deep.equal(['stdout:one\n', 'stderr:two\n', 'stdout:three\n', 'stdout:four\n']);
  });

  it('follow returns new records until the run ends, then stops', async function () {
    this.timeout(10000);
    let running = true;
    const out: LogRecord[] = [];
    const done = readContainerLog({file, running: () => running}, {follow: true, tail: 1, joinLines: false}, (r) => out.push(r));
    await new Promise((r) => setTimeout(r, 60));
    fs.appendFileSync(file, line(5, 'stdout', 'F', 'five'));
    await new Promise((r) => setTimeout(r, 60));
    running = false;
    fs.appendFileSync(file, line(6, 'stderr', 'F', 'last words'));
    await done;
    expect(texts(out)).to.deep.equal(['stdout:four\n', 'stdout:five\n', 'stderr:last words\n']);
  });

  it('follow ends when --until has passed even while the container runs, and an aborted signal ends it too', async function () {
    this.timeout(10000);
    let clock = at(10);
    const out: LogRecord[] = [];
    const done = readContainerLog({file, running: () => true}, {follow: true, until: at(11), joinLines: false}, (r) => out.push(r), () => clock);
    await new Promise((r) => setTimeout(r, 60));
    clock = at(12);
    await done;
    expect(out).to.have.length(5);
    const stop = new AbortController();
    const second = readContainerLog({file, running: () => true}, {follow: true, joinLines: false, signal: stop.signal}, () => undefined);
    setTimeout(() => stop.abort(), 50);
    await second;
  });
});
