// systemd unit-file syntax, read and written: [Section] headers, Key=Value lines, # and ; comments,
// backslash continuation lines, repeated keys (an empty assignment resets the list), and the quoting
// of command lines and word lists (double or single quotes, C-style escapes) that systemd applies.

export interface UnitEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts */
  line: number;
}

export interface UnitSection {
  name: string;
  entries: UnitEntry[];
}

export class UnitFileError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

export class UnitFile {
  constructor(readonly file: string, readonly sections: UnitSection[]) {}

  static parse(text: string, file = '<unit>'): UnitFile {
    const sections: UnitSection[] = [];
    let current: UnitSection | undefined;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const start = i + 1;
      let line = lines[i].trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      if (line.startsWith('[')) {
        const m = /^\[([^\[\]]+)\]$/.exec(line);
        if (!m) throw new UnitFileError(file, start, `invalid section header "${line}"`);
        current = sections.find((s) => s.name === m[1]);
        if (!current) {
          current = {name: m[1], entries: []};
          sections.push(current);
        }
        continue;
      }
      // A trailing backslash joins the next line (with a space); comment lines inside are skipped.
      while (line.endsWith('\\') && i + 1 < lines.length) {
        line = line.slice(0, -1);
        let next = lines[++i].trim();
        while ((next.startsWith('#') || next.startsWith(';')) && i + 1 < lines.length) next = lines[++i].trim();
        line = `${line} ${next}`;
      }
      if (line.endsWith('\\')) line = line.slice(0, -1);
      const eq = line.indexOf('=');
      if (eq <= 0) throw new UnitFileError(file, start, `expected KEY=VALUE, found "${line}"`);
      if (!current) throw new UnitFileError(file, start, `"${line.slice(0, eq).trim()}" comes before any [Section]`);
      current.entries.push({key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), line: start});
    }
    return new UnitFile(file, sections);
  }

  section(name: string): UnitSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Every value of a key, in order; an empty assignment drops the values before it. */
  all(section: string, key: string): string[] {
    let out: string[] = [];
    for (const e of this.section(section)?.entries ?? []) {
      if (e.key !== key) continue;
      if (e.value === '') out = [];
      else out.push(e.value);
    }
    return out;
  }

  /** The last value of a key (systemd's rule for single-valued keys). */
  last(section: string, key: string): string | undefined {
    const v = this.section(section)?.entries.filter((e) => e.key === key);
    return v && v.length > 0 ? v[v.length - 1].value : undefined;
  }

  /** Every word of every value (Exec=, PodmanArgs=, Environment= …), unquoted. */
  words(section: string, key: string): string[] {
    return this.all(section, key).flatMap((v) => splitWords(v, this.file));
  }

  lastWords(section: string, key: string): string[] | undefined {
    const v = this.last(section, key);
    return v === undefined || v === '' ? undefined : splitWords(v, this.file);
  }

  bool(section: string, key: string): boolean | undefined {
    const v = this.last(section, key);
    if (v === undefined) return undefined;
    const l = v.toLowerCase();
    if (['1', 'yes', 'true', 'on'].includes(l)) return true;
    if (['0', 'no', 'false', 'off'].includes(l)) return false;
    const e = this.section(section)!.entries.filter((x) => x.key === key).pop()!;
    throw new UnitFileError(this.file, e.line, `${key}=${v} is not a boolean (use true or false)`);
  }
}

const ESCAPES: Record<string, string> = {a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' '};

/** systemd's word splitting with unquoting and C unescaping (extract_first_word, RELAX|UNQUOTE|CUNESCAPE). */
export function splitWords(value: string, file = '<unit>'): string[] {
  const out: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && /\s/.test(value[i])) i++;
    if (i >= n) break;
    let word = '';
    let quote: string | undefined;
    for (; i < n; i++) {
      const ch = value[i];
      if (!quote && /\s/.test(ch)) break;
      if (ch === '\\' && i + 1 < n) {
        const e = value[++i];
        if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
          word += String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16));
          i += 2;
        } else {
          word += ESCAPES[e] ?? e;
        }
        continue;
      }
      if (quote) {
        if (ch === quote) quote = undefined;
        else word += ch;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else {
        word += ch;
      }
    }
    if (quote) throw new Error(`${file}: unbalanced quote in "${value}"`);
    out.push(word);
  }
  return out;
}

/**
 * One word as systemd reads it back: bare when safe, else in double quotes with C escapes. `%` and
 * `$` pass through, so specifiers (%h, %N) and $VARIABLES in the source keep working as in Quadlet.
 */
export function quoteWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_@%+=:,./$-]+$/.test(w)) return w;
  return `"${w.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

/** A unit as text: sections in order, each entry on one line. */
export function renderUnit(sections: readonly UnitSection[]): string {
  return sections.filter((s) => s.entries.length > 0).map((s) => `[${s.name}]\n${s.entries.map((e) => `${e.key}=${e.value}\n`).join('')}`).join('\n');
}
