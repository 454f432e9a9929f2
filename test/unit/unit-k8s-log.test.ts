// conmon's k8s-file log format: parsing, --tail, reading and following a growing file.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {followLog, formatLogTime, LineJoiner, parseLogChunk, parseLogLine, readLog, readLogUpTo, tailRecords, type LogRecord} from '../../src/runtime/k8s-log';

const T1 = '2026-01-02T15:04:05.123456789Z';
const T2 = '2026-01-02T15:04:06.000000001Z';
const T3 = '2026-01-02T15:04:07.5Z';

const rec = (time: string, stream: 'stdout' | 'stderr', data: string): LogRecord => ({time, stream, data});

describe('unit: runtime/k8s-log parsing', () => {
  it('parses a full (F) stdout record and ends it with a newline', () => {
    expect(parseLogLine(`${T1} stdout F hello world`)).to.deep.equal(rec(T1, 'stdout', 'hello world\n'));
  });

  it('parses a partial (P) stderr record without adding a newline', () => {
    expect(parseLogLine(`${T1} stderr P half a li`)).to.deep.equal(rec(T1, 'stderr', 'half a li'));
  });

  it('keeps the text exactly, including leading spaces and more spaces inside', () => {
    expect(parseLogLine(`${T1} stdout F   indented  text `)).to.deep.equal(rec(T1, 'stdout', '  indented  text \n'));
  });

  it('an F record with no text is an empty line', () => {
    expect(parseLogLine(`${T1} stdout F `)).to.deep.equal(rec(T1, 'stdout', '\n'));
    expect(parseLogLine(`${T1} stdout F`)).to.deep.equal(rec(T1, 'stdout', '\n'));
  });

  it('rejects lines that are not records', () => {
    expect(parseLogLine('')).to.equal(undefined);
    expect(parseLogLine('garbage')).to.equal(undefined);
    expect(parseLogLine(`${T1} stdin F text`)).to.equal(undefined);
    expect(parseLogLine(`${T1}`)).to.equal(undefined);
  });

  it('parseLogChunk returns whole records and keeps the unfinished tail', () => {
    const chunk = `${T1} stdout F one\n${T2} stderr P tw\n${T3} stdout F thr`;
    const {records, rest} = parseLogChunk(chunk);
    expect(records).to.deep.equal([rec(T1, 'stdout', 'one\n'), rec(T2, 'stderr', 'tw')]);
    expect(rest).to.equal(`${T3} stdout F thr`);
    // the tail completes with the next chunk
    const next = parseLogChunk(`${rest}ee\n`);
    expect(next.records).to.deep.equal([rec(T3, 'stdout', 'three\n')]);
    expect(next.rest).to.equal('');
  });

  it('parseLogChunk of text ending in a newline has an empty tail', () => {
    expect(parseLogChunk(`${T1} stdout F a\n`)).to.deep.equal({records: [rec(T1, 'stdout', 'a\n')], rest: ''});
    expect(parseLogChunk('')).to.deep.equal({records: [], rest: ''});
  });
});

describe('unit: runtime/k8s-log tailRecords', () => {
  const records = [
    rec(T1, 'stdout', 'line 1\n'),
    rec(T1, 'stdout', 'line '),
    rec(T1, 'stdout', '2 in '),
    rec(T1, 'stdout', 'parts\n'),
    rec(T2, 'stderr', 'line 3\n'),
    rec(T3, 'stdout', 'line 4\n'),
  ];

  it('counts whole lines, joining partial records to the line they complete', () => {
    expect(tailRecords(records, 1)).to.deep.equal([records[5]]);
    expect(tailRecords(records, 2)).to.deep.equal(records.slice(4));
    expect(tailRecords(records, 3)).to.deep.equal(records.slice(1));
    expect(tailRecords(records, 4)).to.deep.equal(records);
  });

  it('n larger than the number of lines gives everything; 0 gives nothing; negative means all', () => {
    expect(tailRecords(records, 100)).to.deep.equal(records);
    expect(tailRecords(records, 0)).to.deep.equal([]);
    expect(tailRecords(records, -1)).to.deep.equal(records);
    expect(tailRecords([], 3)).to.deep.equal([]);
  });
});

describe('unit: runtime/k8s-log files', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-log-'));
    file = path.join(dir, 'ctr.log');
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('readLog returns every record, including a last line without a newline', () => {
    fs.writeFileSync(file, `${T1} stdout F one\n${T2} stderr F two\n${T3} stdout P thr`);
    expect(readLog(file)).to.deep.equal([rec(T1, 'stdout', 'one\n'), rec(T2, 'stderr', 'two\n'), rec(T3, 'stdout', 'thr')]);
  });

  it('readLog of a missing file is empty', () => {
    expect(readLog(path.join(dir, 'missing.log'))).to.deep.equal([]);
  });

  it('readLog decodes UTF-8 text', () => {
    fs.writeFileSync(file, `${T1} stdout F grüße 🦫\n`);
    expect(readLog(file)).to.deep.equal([rec(T1, 'stdout', 'grüße 🦫\n')]);
  });

  async function collect(gen: AsyncGenerator<LogRecord>): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    for await (const r of gen) out.push(r);
    return out;
  }

  it('followLog yields every record exactly once while another writer appends, including a character split across writes', async function () {
    this.timeout(10000);
    fs.writeFileSync(file, `${T1} stdout F before\n`);
    const utf8 = Buffer.from(`${T2} stdout F caf\u00e9 \u{1F9AB}\n`, 'utf8');
    const e = utf8.indexOf(0xc3); // first byte of "é"
    const beaver = utf8.indexOf(0xf0); // first byte of the 4-byte emoji
    const pieces: Buffer[] = [
      Buffer.from(`${T2} stderr P par`), // a partial record, itself split across two writes
      Buffer.from(`tial\n${T2} stderr F  done\n${T2} std`),
      Buffer.from('out F no newline yet'),
      Buffer.from(' ...now\n'),
      utf8.subarray(0, e + 1), // ends in the middle of "é"
      utf8.subarray(e + 1, beaver + 2), // ends in the middle of the emoji
      utf8.subarray(beaver + 2),
      Buffer.from(`${T3} stdout F last\n`),
    ];
    let finished = false;
    let i = 0;
    const timer = setInterval(() => {
      if (i < pieces.length) {
        fs.appendFileSync(file, pieces[i++]);
      } else {
        finished = true;
        clearInterval(timer);
      }
    }, 15);
    try {
      const got = await collect(followLog(file, 0, () => finished, 10));
      expect(got).to.deep.equal([
        rec(T1, 'stdout', 'before\n'),
        rec(T2, 'stderr', 'partial'),
        rec(T2, 'stderr', ' done\n'),
        rec(T2, 'stdout', 'no newline yet ...now\n'),
        rec(T2, 'stdout', 'caf\u00e9 \u{1F9AB}\n'),
        rec(T3, 'stdout', 'last\n'),
      ]);
    } finally {
      clearInterval(timer);
    }
  });

  it('followLog starts at the given byte offset', async () => {
    const first = `${T1} stdout F old\n`;
    fs.writeFileSync(file, `${first}${T2} stdout F new\n`);
    const got = await collect(followLog(file, Buffer.byteLength(first), () => true, 5));
    expect(got).to.deep.equal([rec(T2, 'stdout', 'new\n')]);
  });

  it('followLog drains an unterminated last record once the writer is done', async () => {
    fs.writeFileSync(file, `${T1} stdout F a\n${T2} stdout P tail`);
    const got = await collect(followLog(file, 0, () => true, 5));
    expect(got).to.deep.equal([rec(T1, 'stdout', 'a\n'), rec(T2, 'stdout', 'tail')]);
  });

  it('followLog waits for a file that does not exist yet', async () => {
    let finished = false;
    setTimeout(() => fs.writeFileSync(file, `${T1} stdout F late\n`), 30);
    setTimeout(() => {
      finished = true;
    }, 80);
    const got = await collect(followLog(file, 0, () => finished, 5));
    expect(got).to.deep.equal([rec(T1, 'stdout', 'late\n')]);
  });
});

describe('unit: runtime/k8s-log formatLogTime, LineJoiner', () => {
  it('prints times as Go\'s RFC3339Nano: trailing zeros dropped, UTC as Z, other offsets kept', () => {
    expect(formatLogTime('2026-11-23T19:20:26.279601175+00:00')).to.equal('2026-11-23T19:20:26.279601175Z');
    expect(formatLogTime('2026-11-23T19:20:26.487012190+00:00')).to.equal('2026-11-23T19:20:26.48701219Z');
    expect(formatLogTime('2026-11-23T19:20:26.000000000-00:00')).to.equal('2026-11-23T19:20:26Z');
    expect(formatLogTime('2026-11-23T20:20:26.500000000+01:00')).to.equal('2026-11-23T20:20:26.5+01:00');
    expect(formatLogTime('2026-11-23T19:20:26Z')).to.equal('2026-11-23T19:20:26Z');
    expect(formatLogTime('not a time')).to.equal('not a time');
  });

  it('joins partial records of each stream into whole lines with the first record\'s time', () => {
    const out: LogRecord[] = [];
    const j = new LineJoiner((r) => out.push(r));
    j.push(rec(T1, 'stdout', 'hel'));
    j.push(rec(T2, 'stderr', 'err '));
    j.push(rec(T2, 'stdout', 'lo'));
    j.push(rec(T3, 'stdout', ' world\n'));
    j.push(rec(T3, 'stdout', 'next\n'));
    expect(out).to.deep.equal([rec(T1, 'stdout', 'hello world\n'), rec(T3, 'stdout', 'next\n')]);
    j.push(rec(T3, 'stdout', 'no newline'));
    j.flush();
    expect(out.slice(2)).to.deep.equal([rec(T2, 'stderr', 'err '), rec(T3, 'stdout', 'no newline')]);
    j.flush();
    expect(out).to.have.length(4);
  });
});

describe('unit: runtime/k8s-log rotation and offsets', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-logrot-'));
    file = path.join(dir, 'ctr.log');
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('readLogUpTo gives the offset after the last whole record, and the unterminated tail only when asked', () => {
    const whole = `${T1} stdout F a\n`;
    fs.writeFileSync(file, `${whole}${T2} stdout P b`);
    expect(readLogUpTo(file, false)).to.deep.equal({records: [rec(T1, 'stdout', 'a\n')], end: Buffer.byteLength(whole)});
    expect(readLogUpTo(file, true).records).to.deep.equal([rec(T1, 'stdout', 'a\n'), rec(T2, 'stdout', 'b')]);
    expect(readLogUpTo(path.join(dir, 'missing'), true)).to.deep.equal({records: [], end: 0});
  });

  it('followLog reads the old file to its end, then the file renamed over it from its start (conmon\'s max-size)', async function () {
    this.timeout(10000);
    fs.writeFileSync(file, `${T1} stdout F one\n`);
    let finished = false;
    const got: LogRecord[] = [];
    const follow = (async () => {
      for await (const r of followLog(file, 0, () => finished, 10)) got.push(r);
    })();
    await new Promise((r) => setTimeout(r, 50));
    // written to the old file just before the replacement: must not be lost
    fs.appendFileSync(file, `${T1} stdout F two\n`);
    fs.writeFileSync(`${file}.tmp`, `${T2} stdout F three\n`);
    fs.renameSync(`${file}.tmp`, file);
    await new Promise((r) => setTimeout(r, 50));
    fs.appendFileSync(file, `${T3} stdout F four\n`);
    await new Promise((r) => setTimeout(r, 50));
    finished = true;
    await follow;
    expect(got.map((r) => r.data)).to.deep.equal(['one\n', 'two\n', 'three\n', 'four\n']);
  });

  it('followLog starts over when the file is truncated below what it read', async function () {
    this.timeout(10000);
    fs.writeFileSync(file, `${T1} stdout F a fairly long first line\n`);
    let finished = false;
    const got: string[] = [];
    const follow = (async () => {
      for await (const r of followLog(file, 0, () => finished, 10)) got.push(r.data);
    })();
    await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(file, `${T2} stdout F b\n`);
    await new Promise((r) => setTimeout(r, 80));
    finished = true;
    await follow;
    expect(got).to.deep.equal(['a fairly long first line\n', 'b\n']);
  });
});
