// Pull/push progress: bars with in-place redraws on a terminal, one summary line when piped, nothing with -q.
import {expect} from 'chai';
import {TransferProgress} from '../../src/cli/transfer-progress';

interface FakeStream {isTTY: boolean; columns?: number; writes: string[]; write(s: string): boolean}
const fake = (isTTY: boolean, columns?: number): FakeStream => ({
  isTTY, columns, writes: [],
  write(s: string) {
    this.writes.push(s);
    return true;
  },
});
const asStream = (f: FakeStream) => f as unknown as NodeJS.WriteStream;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const D1 = `sha256:${'1a2b3c4d5e6f'}${'0'.repeat(52)}`;
const D2 = `sha256:${'abcdefabcdef'}${'1'.repeat(52)}`;
const D3 = `sha256:${'fedcba987654'}${'2'.repeat(52)}`;

/** A pull: one layer downloaded in two steps, one already present, one foreign. */
function feed(p: TransferProgress): void {
  p.event({kind: 'trying', name: 'docker.io/library/busybox:latest'});
  p.event({kind: 'resolved', name: 'docker.io/library/busybox:latest', digest: D1, layers: [{digest: D1, size: 2_000_000}, {digest: D2, size: 500_000}, {digest: D3, size: 10}]});
  p.event({kind: 'layer-skip', digest: D2, size: 500_000, reason: 'exists'});
  p.event({kind: 'layer-skip', digest: D3, size: 10, reason: 'foreign'});
  p.event({kind: 'layer-start', digest: D1, size: 2_000_000});
  p.event({kind: 'layer-bytes', digest: D1, done: 1_000_000, size: 2_000_000});
  p.event({kind: 'layer-bytes', digest: D1, done: 2_000_000, size: 2_000_000});
  p.event({kind: 'layer-done', digest: D1, size: 2_000_000});
  p.event({kind: 'config'});
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9]*[A-Za-z]/g;
const plainLines = (s: string) => s.replace(ANSI, '').split('\n').filter((l) => l !== '');

describe('unit: cli/transfer-progress', () => {
  let savedTerm: string | undefined;
  beforeEach(() => {
    savedTerm = process.env.TERM;
  });
  afterEach(() => {
    if (savedTerm === undefined) delete process.env.TERM;
    else process.env.TERM = savedTerm;
  });

  it('summary mode (not a terminal) writes only the final line', async () => {
    const out = fake(false);
    const p = TransferProgress.for(asStream(out), false);
    feed(p);
    await sleep(150);
    expect(out.writes).to.deep.equal([]);
    p.finish('Writing manifest to image destination');
    expect(out.writes).to.deep.equal(['Writing manifest to image destination\n']);
  });

  it('uses summary mode on a terminal with TERM=dumb', () => {
    process.env.TERM = 'dumb';
    const out = fake(true, 100);
    const p = TransferProgress.for(asStream(out), false);
    feed(p);
    p.finish('done');
    expect(out.writes).to.deep.equal(['done\n']);
  });

  it('quiet mode writes nothing at all, even on a terminal and after abort', async () => {
    process.env.TERM = 'xterm';
    const out = fake(true, 100);
    const p = TransferProgress.for(asStream(out), true);
    feed(p);
    await sleep(150);
    p.abort();
    p.finish('summary');
    expect(out.writes).to.deep.equal([]);
  });

  it('bars mode draws a line per blob with 12 hex digits, skipped ones as already exists, and a Total with a rate', () => {
    process.env.TERM = 'xterm';
    const out = fake(true, 100);
    const p = TransferProgress.for(asStream(out), false);
    feed(p);
    p.finish('Writing manifest to image destination');
    const all = out.writes.join('');
    const lines = plainLines(all);
    expect(lines[0]).to.equal('Trying to pull docker.io/library/busybox:latest...');
    expect(lines.filter((l) => /^Copying blob [0-9a-f]{12} /.test(l))).to.have.length(3);
    const l1 = lines.find((l) => l.startsWith('Copying blob 1a2b3c4d5e6f '));
    expect(l1).to.match(/^Copying blob 1a2b3c4d5e6f \[=+\] 2 MB \/ 2 MB done$/);
    expect(lines).to.include('Copying blob abcdefabcdef already exists');
    expect(lines).to.include('Copying blob fedcba987654 foreign layer, skipped');
    const total = lines.find((l) => l.startsWith('Total '));
    expect(total).to.match(/^Total \[=+\] 2\.5 MB \/ 2\.5 MB [0-9.]+ [kMGT]?B\/s$/);
    expect(lines[lines.length - 1]).to.equal('Writing manifest to image destination');
    // every drawn line fits the terminal
    for (const l of lines) expect(l.length).to.be.at.most(99);
    // each drawn line clears the old one first
    expect(all.split('\n').filter((l) => l !== '' && !l.startsWith('Writing')).every((l) => l.includes('\x1b[2K'))).to.equal(true);
  });

  it('bars mode redraws in place: the next frame moves the cursor up over the previous one', async () => {
    const out = fake(true, 100);
    const p = new TransferProgress(asStream(out), 'bars');
    p.event({kind: 'layer-start', digest: D1, size: 1000});
    p.event({kind: 'layer-bytes', digest: D1, done: 250, size: 1000});
    // a frame is drawn on its own within 100 ms, without finish()
    await sleep(150);
    expect(out.writes).to.have.length(1);
    const first = out.writes[0];
    expect(first).to.not.match(/\x1b\[\d+A/);
    const firstLines = plainLines(first);
    expect(firstLines).to.have.length(2);
    expect(firstLines[0]).to.match(/^Copying blob 1a2b3c4d5e6f \[=*>? *\] 250 B \/ 1 kB$/);
    expect(firstLines[1]).to.match(/^Total /);

    p.event({kind: 'layer-done', digest: D1, size: 1000});
    p.finish('ok');
    const frame = out.writes[out.writes.length - 2];
    expect(frame.startsWith('\x1b[2A')).to.equal(true);
    expect(plainLines(frame)[0]).to.match(/1 kB \/ 1 kB done$/);
    expect(out.writes[out.writes.length - 1]).to.equal('ok\n');
  });

  it('draws at most one frame per 100 ms however many events arrive', async () => {
    const out = fake(true, 100);
    const p = new TransferProgress(asStream(out), 'bars');
    for (let i = 1; i <= 500; i++) p.event({kind: 'blob-bytes', digest: D1, done: i, size: 500});
    await sleep(150);
    expect(out.writes).to.have.length(1);
    p.event({kind: 'blob-done', digest: D1, size: 500, how: 'uploaded'});
    p.event({kind: 'blob-done', digest: D2, size: 7, how: 'mounted'});
    p.event({kind: 'blob-done', digest: D3, size: 7, how: 'exists'});
    p.finish('pushed');
    const last = plainLines(out.writes[out.writes.length - 2]);
    expect(last).to.include('Copying blob abcdefabcdef mounted');
    expect(last).to.include('Copying blob fedcba987654 already exists');
  });

  it('abort draws the last state in bars mode and stops the pending redraw', async () => {
    const out = fake(true, 100);
    const p = new TransferProgress(asStream(out), 'bars');
    p.event({kind: 'layer-start', digest: D1, size: 1000});
    p.abort();
    expect(out.writes).to.have.length(1);
    await sleep(150);
    expect(out.writes).to.have.length(1);
  });

  it('ignores events it does not know', async () => {
    const out = fake(true, 100);
    const p = new TransferProgress(asStream(out), 'bars');
    p.event({kind: 'stored'});
    await sleep(150);
    expect(out.writes).to.deep.equal([]);
  });
});
