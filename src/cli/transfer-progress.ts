// Progress of a pull or push on stderr. On a terminal: one bar per blob and a total, with rates, redrawn
// in place at most ten times a second. Piped: nothing while it runs and one summary line at the end, so
// logs stay readable and stdout stays the image id alone.
import {humanSize} from '../format/human';

interface Item {
  label: string;
  size: number;
  done: number;
  state: 'waiting' | 'running' | 'done' | 'skipped';
  note?: string;
}

export type TransferEvent =
  | {kind: 'layer-start' | 'blob-start'; digest: string; size: number}
  | {kind: 'layer-bytes' | 'blob-bytes'; digest: string; done: number; size: number}
  | {kind: 'layer-done'; digest: string; size: number}
  | {kind: 'blob-done'; digest: string; size: number; how: string}
  | {kind: 'layer-skip'; digest: string; size: number; reason: string}
  | {kind: 'resolved'; name: string; digest: string; layers: {digest: string; size: number}[]}
  | {kind: 'trying'; name: string}
  | {kind: string};

export class TransferProgress {
  private readonly items = new Map<string, Item>();
  private drawnLines = 0;
  private lastDraw = 0;
  private timer?: NodeJS.Timeout;
  private readonly started = Date.now();
  private heading = '';

  constructor(private readonly out: NodeJS.WriteStream, private readonly mode: 'bars' | 'summary' | 'quiet') {}

  static for(stream: NodeJS.WriteStream, quiet: boolean): TransferProgress {
    return new TransferProgress(stream, quiet ? 'quiet' : stream.isTTY && process.env.TERM !== 'dumb' ? 'bars' : 'summary');
  }

  readonly event = (e: TransferEvent): void => {
    const d = (e as {digest?: string}).digest;
    switch (e.kind) {
      case 'trying':
        this.heading = `Trying to pull ${(e as {name: string}).name}...`;
        break;
      case 'resolved':
        for (const l of (e as {layers: {digest: string; size: number}[]}).layers) this.item(l.digest, l.size);
        break;
      case 'layer-start':
      case 'blob-start':
        this.item(d!, (e as {size: number}).size).state = 'running';
        break;
      case 'layer-bytes':
      case 'blob-bytes':
        this.item(d!, (e as {size: number}).size).done = (e as {done: number}).done;
        break;
      case 'layer-done':
        Object.assign(this.item(d!, (e as {size: number}).size), {state: 'done'});
        this.item(d!, 0).done = this.item(d!, 0).size;
        break;
      case 'blob-done': {
        const how = (e as {how: string}).how;
        Object.assign(this.item(d!, (e as {size: number}).size), how === 'uploaded' ? {state: 'done'} : {state: 'skipped', note: how === 'mounted' ? 'mounted' : 'already exists'});
        break;
      }
      case 'layer-skip':
        Object.assign(this.item(d!, (e as {size: number}).size), {state: 'skipped', note: (e as {reason: string}).reason === 'foreign' ? 'foreign layer, skipped' : 'already exists'});
        break;
      default:
        return;
    }
    this.schedule();
  };

  /** Final redraw (bars) or the one summary line (piped). */
  finish(summary: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.mode === 'bars') {
      this.draw();
      this.out.write(`${summary}\n`);
    } else if (this.mode === 'summary') {
      this.out.write(`${summary}\n`);
    }
  }

  /** Clears the timer after a failure; the error message follows on its own line. */
  abort(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.mode === 'bars' && this.items.size > 0) this.draw();
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private item(digest: string, size: number): Item {
    let it = this.items.get(digest);
    if (!it) {
      it = {label: digest.slice(7, 19), size, done: 0, state: 'waiting'};
      this.items.set(digest, it);
    }
    if (size > 0) it.size = size;
    return it;
  }

  private schedule(): void {
    if (this.mode !== 'bars' || this.timer) return;
    const wait = Math.max(0, 100 - (Date.now() - this.lastDraw));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, wait);
    this.timer.unref();
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const width = Math.max(10, Math.min(30, (this.out.columns ?? 80) - 50));
    const secs = Math.max(0.001, this.elapsedSeconds);
    const lines: string[] = [];
    if (this.heading) lines.push(this.heading);
    let total = 0;
    let done = 0;
    for (const it of this.items.values()) {
      total += it.size;
      done += it.state === 'skipped' ? it.size : it.done;
      if (it.state === 'skipped') lines.push(`Copying blob ${it.label} ${it.note}`);
      else lines.push(`Copying blob ${it.label} ${bar(it.done, it.size, width)} ${humanSize(it.done)} / ${humanSize(it.size)}${it.state === 'done' ? ' done' : ''}`);
    }
    lines.push(`Total ${bar(done, total, width)} ${humanSize(done)} / ${humanSize(total)} ${humanSize(done / secs)}/s`);
    let s = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    for (const l of lines) s += `\x1b[2K${l.slice(0, (this.out.columns ?? 200) - 1)}\n`;
    this.out.write(s);
    this.drawnLines = lines.length;
  }
}

function bar(done: number, size: number, width: number): string {
  const f = size > 0 ? Math.min(1, done / size) : 1;
  const full = Math.round(f * width);
  return `[${'='.repeat(Math.max(0, full - 1))}${full > 0 ? (f >= 1 ? '=' : '>') : ''}${' '.repeat(width - full)}]`;
}
