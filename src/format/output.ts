// Owns the `--format` behaviour shared by burrow's list, inspect and info-style commands, mirroring Podman's
// containers/common pkg/report: `json` output, `table ...` templates (header row + aligned columns) and plain
// Go templates, including Podman's rewriting of the user's text before it is parsed.
import type {GoTemplate} from './go-template';
import {formatTable} from './tabwriter';

type Engine = typeof import('./go-template');
let engine: Engine | undefined;

/** The template engine is large; plain default tables never load it (see renderSimple). */
function gt(): Engine {
  return (engine ??= require('./go-template') as Engine);
}

export interface ListSpec {
  /** The user's --format; undefined means the command's default. */
  format?: string;
  /** The command's own layout, e.g. "table {{.ID}}\t{{.Image}}\t{{.Names}}". */
  defaultFormat: string;
  /**
   * Column headers by field name, e.g. {ID: 'container id'}; upper-cased like Podman's report.Headers. A field
   * without an entry is headed by its name split at camel-case boundaries and upper-cased (CreatedAt -> CREATED AT).
   */
  headers?: Record<string, string>;
  /** --noheading */
  noHeading?: boolean;
  /** Template name in error messages; Podman uses the command name ("ps", "images"). */
  name?: string;
  /**
   * Indentation of `--format json`: `podman images` uses 4 spaces (the default here), `podman ps` uses 2.
   * Both come from json.MarshalIndent, which also escapes <, > and &.
   */
  jsonIndent?: number | string;
}

export interface ObjectOptions {
  /** Template name in error messages (Podman: "inspect", "info"). */
  name?: string;
  /** Indentation of JSON output, spaces or a literal string. */
  jsonIndent?: number | string;
  /** Escape <, > and & in JSON strings as json.Marshal does; the encoder Podman's inspect uses does not. */
  escapeHTML?: boolean;
}

// containers/common pkg/report/validate.go: `json`, `{{json}}` and `{{ json. }}`, but not `{{json .}}`.
const JSON_FORMAT = /^[ \t\n\f\r]*(json|\{\{[ \t\n\f\r]*json\.?[ \t\n\f\r]*\}\})[ \t\n\f\r]*$/;

// report.EnforceRange's test: (?s){{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}} with Go's ASCII \s.
const HAS_RANGE = /\{\{[ \t\n\f\r]*range[ \t\n\f\r]*\.[ \t\n\f\r]*\}\}[\s\S]*\{\{[ \t\n\f\r]*end[ \t\n\f\r]*-?[ \t\n\f\r]*\}\}/;

/** Whether --format asks for JSON rather than a template (report.IsJSON). */
export function isJsonFormat(format: string): boolean {
  return JSON_FORMAT.test(format);
}

/** Whether --format is a table template (report.HasTable). */
export function isTableFormat(format: string): boolean {
  return format.startsWith('table ');
}

/** Go's strings.Replacer: at each position the earliest-listed matching pair wins. */
function replacePairs(s: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  let i = 0;
  next: while (i < s.length) {
    for (const [from, to] of pairs) {
      if (s.startsWith(from, i)) {
        out += to;
        i += from.length;
        continue next;
      }
    }
    out += s[i++];
  }
  return out;
}

// Podman replaces every "table " and every space, not only the prefix: `table {{.ID}} {{.Names}}` is a two
// column table, and a space inside a quoted template string becomes a tab too.
const TABLE_PAIRS = [
  ['table ', ''],
  ['\\t', '\t'],
  [' ', '\t'],
  ['\\n', '\n'],
] as const;
const ESCAPE_PAIRS = [
  ['\\t', '\t'],
  ['\\n', '\n'],
] as const;

/** report.NormalizeFormat: turns typed `\t`/`\n` into real ones (tables: spaces into tabs) and ends with "\n". */
export function normalizeFormat(format: string): string {
  let f = replacePairs(format, isTableFormat(format) ? TABLE_PAIRS : ESCAPE_PAIRS);
  if (!f.endsWith('\n')) f += '\n';
  return f;
}

/** report.EnforceRange: iterate the rows unless the template already ranges over them. */
export function enforceRange(format: string): string {
  return HAS_RANGE.test(format) ? format : '{{range .}}' + format + '{{end -}}';
}

/** camelcase's rune classes: 1 lower, 2 upper, 3 digit, 4 other (Unicode tables only off the ASCII path). */
function runeClass(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 4;
  return /\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4;
}

/** camelcase.Split from containers/common: "CreatedAt" -> ["Created", "At"], "PDFLoader" -> ["PDF", "Loader"]. */
export function camelCaseSplit(src: string): string[] {
  const runs: string[][] = [];
  let last = 0;
  for (const ch of src) {
    const cls = runeClass(ch);
    if (cls === last) runs[runs.length - 1].push(ch);
    else runs.push([ch]);
    last = cls;
  }
  // An upper-case run followed by a lower-case one gives it its last letter: "PDFL" "oader" -> "PDF" "Loader".
  for (let i = 0; i < runs.length - 1; i++) {
    if (runeClass(runs[i][0]) === 2 && runeClass(runs[i + 1][0]) === 1) runs[i + 1].unshift(runs[i].pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** The column header Podman derives for a field: the override, else the split field name, upper-cased. */
export function headerFor(field: string, headers?: Record<string, string>): string {
  if (headers && Object.prototype.hasOwnProperty.call(headers, field)) return headers[field].toUpperCase();
  return camelCaseSplit(field).join(' ').toUpperCase();
}

/** Podman renders the header line by running the row template over a field -> header map. */
class HeaderRow extends Map<string, string> {
  constructor(private readonly headers?: Record<string, string>) {
    super();
  }
  override has(): boolean {
    return true;
  }
  override get(key: string): string {
    return headerFor(key, this.headers);
  }
}

type Origin = 'podman' | 'user' | 'unknown';

interface Prepared {
  /** The text as Podman rewrites it. */
  norm: string;
  /** The text as given, parsed when the rewritten one does not parse. */
  raw: string;
  /** The per-item text when the template is the rewritten text wrapped in {{range .}}...{{end -}}. */
  body?: string;
  table: boolean;
}

/** report.Formatter.Parse's rewriting of the user's text. */
function prepare(text: string, origin: Origin): Prepared {
  if (isTableFormat(text)) {
    const body = normalizeFormat(text);
    return {norm: '{{range .}}' + body + '{{end -}}', raw: '{{range .}}' + text.slice('table '.length) + '{{end -}}', body, table: true};
  }
  if (origin === 'unknown') return {norm: normalizeFormat(text), raw: text, table: false};
  const body = normalizeFormat(text);
  const norm = enforceRange(body);
  return {norm, raw: enforceRange(text), body: norm === body ? undefined : body, table: false};
}

/** Parses the rewritten text and, if that fails (a typed `\n` inside a quoted string became a newline), the original. */
function parse(p: Prepared, name: string): GoTemplate {
  try {
    return gt().parseTemplate(p.norm, name);
  } catch {
    return gt().parseTemplate(p.raw, name);
  }
}

const FIELD_ACTION = /\{\{[ \t]*\.([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}/g;

interface Simple {
  texts: string[];
  fields: string[];
}

/** Splits a per-item text made only of literal text and `{{.Field}}` actions, as default layouts are. */
function splitSimple(body: string): Simple | undefined {
  const texts: string[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const m of body.matchAll(FIELD_ACTION)) {
    texts.push(body.slice(last, m.index));
    fields.push(m[1]);
    last = m.index! + m[0].length;
  }
  texts.push(body.slice(last));
  // Any other "{{" is an action the engine must see; a "{" before an action would join its delimiter.
  return texts.some((t, i) => t.includes('{{') || (i < fields.length && t.endsWith('{'))) ? undefined : {texts, fields};
}

/**
 * Renders a simple per-item text over items whose fields are all own string properties, which is exactly what
 * the engine prints for them; undefined for anything else, which goes to the engine for Go's full semantics.
 */
function renderSimple(s: Simple, items: readonly object[], lookup: (item: object, field: string) => unknown): string | undefined {
  let out = '';
  for (const item of items) {
    out += s.texts[0];
    for (let i = 0; i < s.fields.length; i++) {
      const v = lookup(item, s.fields[i]);
      if (typeof v !== 'string') return undefined;
      out += v + s.texts[i + 1];
    }
  }
  return out;
}

const ownString = (item: object, field: string): unknown =>
  item !== null && typeof item === 'object' && Object.prototype.hasOwnProperty.call(item, field) ? (item as Record<string, unknown>)[field] : undefined;

function indentString(indent: number | string): string {
  return typeof indent === 'number' ? ' '.repeat(indent) : indent;
}

/**
 * `--format` for list commands (ps, images, ...): JSON array, a `table` template with headers and aligned
 * columns, or a plain template rendered once per row. Throws InvalidInputError for bad templates.
 */
export function renderList(rows: readonly object[], spec: ListSpec): string {
  const format = spec.format ?? spec.defaultFormat;
  if (isJsonFormat(format)) {
    return gt().goJson(rows, {indent: indentString(spec.jsonIndent ?? 4), escapeHTML: true}) + '\n';
  }
  const name = spec.name ?? 'template';
  const p = prepare(format, 'user');
  // Podman's own layouts always get headers and alignment; user templates only when they say "table".
  const aligned = p.table || spec.format === undefined;
  const headed = aligned && !spec.noHeading;
  const finish = (text: string): string => (aligned ? formatTable(text) : text);

  const simple = p.body === undefined ? undefined : splitSimple(p.body);
  if (simple) {
    const head = headed ? renderSimple(simple, [{}], (_item, field) => headerFor(field, spec.headers)) : '';
    const body = renderSimple(simple, rows, ownString);
    if (head !== undefined && body !== undefined) return finish(head + body);
  }
  const tmpl = parse(p, name);
  let text = '';
  if (headed) text += tmpl.execute([new HeaderRow(spec.headers)], {headerMode: true});
  text += tmpl.execute(rows);
  return finish(text);
}

/**
 * `--format` for inspect: no format, "" or json print the objects as a JSON array with the 5-space indent of
 * Podman's inspect encoder (HTML characters left alone); a template is rendered once per object.
 */
export function renderInspect(objs: readonly unknown[], format?: string, opts: ObjectOptions = {}): string {
  if (format === undefined || format === '' || isJsonFormat(format)) {
    return gt().goJson(objs, {indent: indentString(opts.jsonIndent ?? 5), escapeHTML: opts.escapeHTML ?? false}) + '\n';
  }
  const p = prepare(format, 'user');
  const text = parse(p, opts.name ?? 'inspect').execute(objs);
  return p.table ? formatTable(text) : text;
}

/**
 * `--format` for single-object commands (info, version): no format or json print indented JSON (4 spaces by
 * default; `podman info` uses 2); a template is applied to the object itself, with a newline appended.
 */
export function renderObject(obj: unknown, format?: string, opts: ObjectOptions = {}): string {
  if (format === undefined || isJsonFormat(format)) {
    return gt().goJson(obj, {indent: indentString(opts.jsonIndent ?? 4), escapeHTML: opts.escapeHTML ?? true}) + '\n';
  }
  const p = prepare(format, 'unknown');
  const text = parse(p, opts.name ?? 'template').execute(obj);
  return p.table ? formatTable(text) : text;
}
