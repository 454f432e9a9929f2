// Owns column alignment for table output: a port of Go's text/tabwriter (elastic tabstops) with the settings
// Podman's report package uses, so `burrow ps`/`images` tables line up byte for byte with Podman's.
//
// Cells are terminated, not separated, by '\t': a line's trailing text after its last tab is not part of any
// column and is never padded. A column is a run of adjacent lines that all have a tab-terminated cell at that
// index; its width is the widest cell plus padding, at least minWidth. A line without any tab ends every open
// column (Go flushes there), and '\f' does the same explicitly.
//
// Not ported: FilterHTML, and escapes. Podman sets StripEscape, but its escape byte 0xff never occurs in UTF-8
// text, so the flag changes nothing there; TabFlags keeps Go's bit values for the flags that are ported.

export const TabFlags = {
  /** Right-align cell contents instead of left. */
  AlignRight: 4,
  /** Columns whose cells are all empty and '\v'-terminated take no space. */
  DiscardEmptyColumns: 8,
  /** Pad leading empty cells with tabs regardless of padChar. */
  TabIndent: 16,
  /** Print '|' between columns. */
  Debug: 32,
} as const;

export interface TabWriterOptions {
  /** Minimal cell width including padding. */
  minWidth?: number;
  /** Width of a tab character when padding with tabs. */
  tabWidth?: number;
  /** Added to the widest cell of a column. */
  padding?: number;
  /** Single character used for padding. */
  padChar?: string;
  /** Bitwise OR of TabFlags values. */
  flags?: number;
}

/** containers/common report: tabwriter.NewWriter(w, 12, 2, 2, ' ', tabwriter.StripEscape). */
export const PODMAN_TABLE: Readonly<Required<TabWriterOptions>> = Object.freeze({
  minWidth: 12,
  tabWidth: 2,
  padding: 2,
  padChar: ' ',
  flags: 0,
});

interface Cell {
  text: string;
  /** width in code points */
  width: number;
  /** terminated by '\t' (hard) rather than '\v' (soft) */
  htab: boolean;
}

function width(s: string): number {
  if (!/[\ud800-\udfff]/.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate completes a pair already counted; a lone one still counts as a character.
    if (c < 0xdc00 || c > 0xdfff || i === 0 || s.charCodeAt(i - 1) < 0xd800 || s.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/** Streaming aligner: `write` text in any pieces, then `flush` for the aligned output. */
export class TabWriter {
  private readonly minWidth: number;
  private readonly tabWidth: number;
  private readonly padding: number;
  private readonly padChar: string;
  private readonly flags: number;
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private out = '';

  constructor(opts: TabWriterOptions = {}) {
    const o = {...PODMAN_TABLE, ...opts};
    if (o.minWidth < 0 || o.tabWidth < 0 || o.padding < 0) throw new RangeError('negative minWidth, tabWidth, or padding');
    this.minWidth = o.minWidth;
    this.tabWidth = o.tabWidth;
    this.padding = o.padding;
    this.padChar = o.padChar.length > 0 ? o.padChar[0] : ' ';
    // Tab padding enforces left alignment, as in Go.
    this.flags = this.padChar === '\t' ? o.flags & ~TabFlags.AlignRight : o.flags;
  }

  write(text: string): void {
    // Cold code runs interpreted, so scan with indexOf rather than a per-character loop when only the
    // common separators occur.
    if (/[\v\f]/.test(text)) {
      this.writeSlow(text);
      return;
    }
    let start = 0;
    let tab = text.indexOf('\t');
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      while (tab >= 0 && tab < end) {
        this.cell += text.slice(start, tab);
        this.terminateCell(true);
        start = tab + 1;
        tab = text.indexOf('\t', start);
      }
      if (nl < 0) break;
      this.cell += text.slice(start, nl);
      start = nl + 1;
      this.endLine(this.terminateCell(false), false);
    }
    this.cell += text.slice(start);
  }

  private writeSlow(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // '\t' 9, '\n' 10, '\v' 11, '\f' 12
      if (c < 9 || c > 12) continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(c === 9);
      if (c === 10 || c === 12) this.endLine(ncells, c === 12);
    }
    this.cell += text.slice(start);
  }

  private endLine(ncells: number, formfeed: boolean): void {
    this.lines.push([]);
    // A one-cell line cannot affect later columns, so everything before it can be laid out now.
    if (formfeed || ncells === 1) {
      this.flushInternal();
      if (formfeed && this.flags & TabFlags.Debug) this.out += '---\n';
    }
  }

  /** Lays out everything written so far and returns it; the writer is empty afterwards. */
  flush(): string {
    this.flushInternal();
    const s = this.out;
    this.out = '';
    return s;
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1];
    line.push({text: this.cell, width: width(this.cell), htab});
    this.cell = '';
    return line.length;
  }

  private flushInternal(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
  }

  private writePadding(textw: number, cellw: number, useTabs: boolean): void {
    if (this.padChar === '\t' || useTabs) {
      if (this.tabWidth === 0) return;
      cellw = Math.ceil(cellw / this.tabWidth) * this.tabWidth;
      this.out += '\t'.repeat(Math.ceil((cellw - textw) / this.tabWidth));
      return;
    }
    if (cellw > textw) this.out += this.padChar.repeat(cellw - textw);
  }

  private writeLines(line0: number, line1: number): void {
    const debug = (this.flags & TabFlags.Debug) !== 0;
    const alignRight = (this.flags & TabFlags.AlignRight) !== 0;
    const widths = this.widths;
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      let useTabs = (this.flags & TabFlags.TabIndent) !== 0;
      for (let j = 0; j < line.length; j++) {
        const c = line[j];
        if (j > 0 && debug) this.out += '|';
        if (c.text.length === 0) {
          if (j < widths.length) this.writePadding(c.width, widths[j], useTabs);
          continue;
        }
        useTabs = false;
        if (!alignRight) {
          this.out += c.text;
          if (j < widths.length) this.writePadding(c.width, widths[j], false);
        } else {
          if (j < widths.length) this.writePadding(c.width, widths[j], false);
          this.out += c.text;
        }
      }
      // The last buffered line has no newline of its own.
      this.out += i + 1 === this.lines.length ? this.cell : '\n';
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= this.lines[cur].length - 1) continue;
      // This line has a cell in `column`: print what precedes the block, then size the column over the block.
      this.writeLines(line0, cur);
      line0 = cur;
      let w = this.minWidth;
      let discardable = true;
      for (; cur < line1; cur++) {
        const line = this.lines[cur];
        if (column >= line.length - 1) break;
        const c = line[column];
        w = Math.max(w, c.width + this.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.flags & TabFlags.DiscardEmptyColumns) w = 0;
      this.widths.push(w);
      this.format(line0, cur);
      this.widths.pop();
      line0 = cur;
      // The loop's increment skips the line that ended the block; it has no cell here anyway.
    }
    this.writeLines(line0, line1);
  }
}

/**
 * Aligns tab-terminated cells. `input` is either text (lines separated by '\n') or an array of lines, each
 * of which gets a '\n' terminator. Options default to Podman's table settings (PODMAN_TABLE).
 */
export function formatTable(input: string | readonly string[], opts?: TabWriterOptions): string {
  const w = new TabWriter(opts);
  w.write(typeof input === 'string' ? input : input.map((l) => l + '\n').join(''));
  return w.flush();
}
