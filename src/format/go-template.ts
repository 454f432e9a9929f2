// Owns burrow's Go text/template engine: the lexer, parser and evaluator for the template subset Podman users
// put in `--format`, Podman's extra template functions (containers/common pkg/report), and Go-compatible
// rendering of values (fmt's %v and Printf verbs, encoding/json). Error messages copy Go's wording so scripts
// and users see what Podman would have said.
//
// Value model (JavaScript -> Go):
//   undefined -> an invalid value (missing map key), printed "<no value>"; null -> nil, printed "<nil>";
//   number -> int when integral, float64 otherwise; bigint -> int; string, boolean as is; arrays -> slices;
//   `Map`s, objects marked with `goMap()`/GO_MAP and null-prototype objects -> Go maps;
//   every other object -> a Go struct: reading a field it lacks is an error, as for a Podman struct, while a
//   missing map key reads as <no value>. Function-valued properties are methods: `.Name args...` calls them.
//   Maps and structs both print as `map[k:v ...]` with sorted keys, and range over their values in key order.
import {InvalidInputError} from '../errors';

// ---------------------------------------------------------------------------------------------------------
// Value model

// Map marking lives in its own small module so that data producers need not load this engine.
import {isGoMap} from './go-map';
export {GO_MAP, goMap, isGoMap} from './go-map';

type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

function kindOf(v: unknown): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'symbol':
      return 'string';
  }
  if (isList(v)) return 'slice';
  if (isGoMap(v)) return 'map';
  return 'struct';
}

function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function toList(v: ArrayLike<unknown>): unknown[] {
  return Array.isArray(v) ? v : Array.from(v as ArrayLike<unknown>, (x) => (typeof x === 'bigint' ? x : Number(x)));
}

/** Go orders strings by UTF-8 bytes, i.e. by code point; UTF-16 order differs only around surrogates. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareStrings(String(a), String(b));
}

/** Entries of a map or struct in Go's map iteration order for templates and printing (sorted keys). */
function sortedEntries(v: object): Array<[unknown, unknown]> {
  if (v instanceof Map) return [...v.entries()].sort((a, b) => compareKeys(a[0], b[0]));
  const rec = v as Record<string, unknown>;
  return Object.keys(v)
    .sort(compareStrings)
    .map((k): [unknown, unknown] => [k, rec[k]]);
}

function mapSize(v: object): number {
  return v instanceof Map ? v.size : Object.keys(v).length;
}

function elemTypeName(values: unknown[]): string {
  if (values.length === 0) return 'interface {}';
  const first = goTypeName(values[0]);
  return values.every((x) => goTypeName(x) === first) && first !== '<nil>' ? first : 'interface {}';
}

/** The Go type name Podman's messages would show for a value of this shape. */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return typeof v === 'bigint' ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'func':
      return 'func';
    case 'slice':
      return '[]' + elemTypeName(toList(v as ArrayLike<unknown>));
    case 'map':
      return 'map[string]' + elemTypeName(sortedEntries(v as object).map((e) => e[1]));
    default: {
      if (v instanceof Date) return 'time.Time';
      const name = (Object.getPrototypeOf(v) as {constructor?: {name?: string}} | null)?.constructor?.name;
      return name && name !== 'Object' ? name : 'struct';
    }
  }
}

/** Go's truth for if/with/and/or/not: empty values and zero are false, structs are true. */
function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as ArrayLike<unknown>).length > 0;
    case 'map':
      return mapSize(v as object) > 0;
    default:
      return true;
  }
}

/** Properties a template may read from a struct: own keys plus class getters and methods. */
function structFieldNames(v: object): string[] {
  const names = new Set(Object.keys(v));
  for (let p = Object.getPrototypeOf(v); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor') names.add(k);
  }
  return [...names];
}

function hasStructField(v: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(v, name) || (name in v && !(name in Object.prototype));
}

/** A user-supplied toString plays the role of Go's fmt.Stringer. */
function stringerText(v: object): string | undefined {
  if (v instanceof Date) return goTimeString(v);
  const ts = (v as {toString?: unknown}).toString;
  if (typeof ts === 'function' && ts !== Object.prototype.toString && !(v instanceof Map)) {
    return String(ts.call(v));
  }
  return undefined;
}

function pad2(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** time.Time.String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function goTimeString(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'Invalid Date';
  const ms = d.getUTCMilliseconds();
  const frac = ms ? '.' + pad2(ms, 3).replace(/0+$/, '') : '';
  return (
    `${pad2(d.getUTCFullYear(), 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac} +0000 UTC`
  );
}

/** RFC 3339 with trimmed nanoseconds, as encoding/json writes a time.Time. */
function goTimeJson(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new Error('json: error calling MarshalJSON for type time.Time: invalid time');
  const ms = d.getUTCMilliseconds();
  const frac = ms ? '.' + pad2(ms, 3).replace(/0+$/, '') : '';
  return (
    `${pad2(d.getUTCFullYear(), 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac}Z`
  );
}

function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function truncateRunes(s: string, n: number): string {
  if (s.length <= n) return s;
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (count++ === n) break;
    out += ch;
  }
  return out;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------
// encoding/json

export interface GoJsonOptions {
  /** Indent unit for json.MarshalIndent-style output; compact when absent. */
  indent?: string;
  /** json.Marshal escapes <, > and & as \u003c...; Podman's `json` function and inspect turn that off. */
  escapeHTML?: boolean;
}

const HEX = '0123456789abcdef';

function jsonQuote(s: string, escapeHTML: boolean): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 8:
          rep = '\\b';
          break;
        case 9:
          rep = '\\t';
          break;
        case 10:
          rep = '\\n';
          break;
        case 12:
          rep = '\\f';
          break;
        case 13:
          rep = '\\r';
          break;
        default:
          rep = '\\u00' + HEX[c >> 4] + HEX[c & 15];
      }
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) rep = '\\u00' + HEX[c >> 4] + HEX[c & 15];
    else if (c === 0x2028 || c === 0x2029) rep = '\\u202' + HEX[c & 15];
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      // A lone surrogate cannot come from valid UTF-8; Go writes the replacement character for bad input.
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function jsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${formatFloat(n, 'g', -1)}`);
  if (Object.is(n, -0)) return '-0';
  // ECMAScript's shortest form switches to exponents at the same bounds as Go (1e-6, 1e21) and spells them alike.
  return String(n);
}

/** Serialises like Go's encoding/json: structs keep field order, maps sort keys, nil is null. */
export function goJson(value: unknown, opts: GoJsonOptions = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const unit = opts.indent ?? '';
  const seen = new Set<object>();
  const enc = (v: unknown, indent: string): string => {
    if (v === undefined || v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return jsonQuote(v, escapeHTML);
      case 'number':
        return jsonNumber(v);
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
      case 'function':
      case 'symbol':
        throw new Error(`json: unsupported type: ${typeof v}`);
    }
    const obj = v as object;
    if (obj instanceof Date) return '"' + goTimeJson(obj) + '"';
    const toJSON = (obj as {toJSON?: unknown}).toJSON;
    if (typeof toJSON === 'function') return enc(toJSON.call(obj), indent);
    if (seen.has(obj)) throw new Error('json: unsupported value: encountered a cycle');
    seen.add(obj);
    try {
      const inner = unit ? indent + unit : '';
      const nl = unit ? '\n' : '';
      if (isList(obj)) {
        const items = toList(obj);
        if (items.length === 0) return '[]';
        return '[' + nl + items.map((x) => inner + enc(x, inner)).join(',' + nl) + nl + indent + ']';
      }
      let entries: Array<[string, unknown]>;
      if (obj instanceof Map) {
        entries = [...obj.entries()].map((e): [string, unknown] => [String(e[0]), e[1]]);
        entries.sort((a, b) => compareStrings(a[0], b[0]));
      } else {
        const rec = obj as Record<string, unknown>;
        const keys = Object.keys(obj);
        if (isGoMap(obj)) keys.sort(compareStrings);
        entries = keys.map((k): [string, unknown] => [k, rec[k]]);
      }
      entries = entries.filter((e) => e[1] !== undefined && typeof e[1] !== 'function');
      if (entries.length === 0) return '{}';
      const sep = unit ? ': ' : ':';
      const body = entries.map(([k, x]) => inner + jsonQuote(k, escapeHTML) + sep + enc(x, inner));
      return '{' + nl + body.join(',' + nl) + nl + indent + '}';
    } finally {
      seen.delete(obj);
    }
  };
  return enc(value, '');
}

// ---------------------------------------------------------------------------------------------------------
// strconv: floats and quoting

/** A decimal digit string: value = 0.d × 10^dp, without leading or trailing zeros ('' is zero). */
interface Decimal {
  d: string;
  dp: number;
}

function trimDecimal(d: string, dp: number): Decimal {
  let start = 0;
  while (start < d.length && d[start] === '0') {
    start++;
    dp--;
  }
  let end = d.length;
  while (end > start && d[end - 1] === '0') end--;
  if (start === end) return {d: '', dp: 0};
  return {d: d.slice(start, end), dp};
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return {d: '', dp: 0};
  // toExponential() without digits yields the shortest round-tripping digits, as Go's shortest mode does.
  const [mant, exp] = x.toExponential().split('e');
  return trimDecimal(mant.replace('.', ''), Number(exp) + 1);
}

/** The exact binary value in decimal, so fixed precisions round half-to-even on true ties as strconv does. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return {d: '', dp: 0};
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) {
    const digits = (mant << BigInt(e)).toString();
    return trimDecimal(digits, digits.length);
  }
  const digits = (mant * 5n ** BigInt(-e)).toString();
  return trimDecimal(digits, digits.length + e);
}

function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 5;
  if (!up) return trimDecimal(a.d.slice(0, nd), a.dp);
  for (let i = nd - 1; i >= 0; i--) {
    if (a.d[i] !== '9') return trimDecimal(a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), a.dp);
  }
  return {d: '1', dp: a.dp + 1};
}

function fmtE(neg: boolean, dec: Decimal, prec: number, ch: string): string {
  let s = neg ? '-' : '';
  s += dec.d.length ? dec.d[0] : '0';
  if (prec > 0) {
    s += '.';
    const m = Math.min(dec.d.length, prec + 1);
    let i = 1;
    if (i < m) {
      s += dec.d.slice(1, m);
      i = m;
    }
    for (; i <= prec; i++) s += '0';
  }
  let exp = dec.d.length === 0 ? 0 : dec.dp - 1;
  s += ch + (exp < 0 ? '-' : '+');
  exp = Math.abs(exp);
  return s + (exp < 10 ? '0' + exp : String(exp));
}

function fmtF(neg: boolean, dec: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (dec.dp > 0) {
    const m = Math.min(dec.d.length, dec.dp);
    s += dec.d.slice(0, m) + '0'.repeat(dec.dp - m);
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dec.dp + i - 1;
      s += j >= 0 && j < dec.d.length ? dec.d[j] : '0';
    }
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e, E, f, g, G; prec < 0 means shortest. */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const shortest = prec < 0;
  let dec: Decimal;
  if (shortest) {
    dec = shortestDecimal(a);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(dec.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(dec.d.length - dec.dp, 0);
    else prec = dec.d.length;
  } else {
    dec = exactDecimal(a);
    if (fmt === 'e' || fmt === 'E') dec = roundDecimal(dec, prec + 1);
    else if (fmt === 'f') dec = roundDecimal(dec, dec.dp + prec);
    else {
      if (prec === 0) prec = 1;
      dec = roundDecimal(dec, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, dec, prec, fmt);
  if (fmt === 'f') return fmtF(neg, dec, prec);
  let eprec = prec;
  if (eprec > dec.d.length && dec.d.length >= dec.dp) eprec = dec.d.length;
  // Go: "if precision was the shortest possible, use precision 6 for this decision".
  if (shortest) eprec = 6;
  const exp = dec.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > dec.d.length) prec = dec.d.length;
    return fmtE(neg, dec, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > dec.dp) prec = dec.d.length;
  return fmtF(neg, dec, Math.max(prec - dec.dp, 0));
}

function isPrintRune(c: number): boolean {
  if (c < 0x7f) return c >= 0x20;
  if (c <= 0xa0) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(c));
}

function hexN(c: number, n: number): string {
  return c.toString(16).padStart(n, '0');
}

/** strconv.Quote / QuoteToASCII / QuoteRune. */
export function goQuote(s: string, asciiOnly = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (asciiOnly ? c < 0x7f && c >= 0x20 : isPrintRune(c) && !(c >= 0xd800 && c <= 0xdfff)) {
      out += ch;
      continue;
    }
    switch (c) {
      case 7:
        out += '\\a';
        continue;
      case 8:
        out += '\\b';
        continue;
      case 12:
        out += '\\f';
        continue;
      case 10:
        out += '\\n';
        continue;
      case 13:
        out += '\\r';
        continue;
      case 9:
        out += '\\t';
        continue;
      case 11:
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + hexN(c, 2);
    else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out += c < 0x10000 ? '\\u' + hexN(c, 4) : '\\U' + hexN(c, 8);
    }
  }
  return out + quote;
}

function canBackquote(s: string): boolean {
  return !/[\x00-\x08\x0a-\x1f\x7f`\ufeff]/.test(s) && !/[\ud800-\udfff]/u.test(s);
}

// ---------------------------------------------------------------------------------------------------------
// fmt: Sprint, Sprintln, Sprintf

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  /** -1 when absent */
  wid: number;
  /** -1 when absent */
  prec: number;
}

function newFlags(): Flags {
  return {plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: -1, prec: -1};
}

const PLAIN: Flags = newFlags();

function pad(f: Flags, s: string): string {
  if (f.wid < 0) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

function badVerb(verb: string, arg: unknown, f: Flags): string {
  if (arg === undefined || arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${fmtArg(arg, 'v', f, 0)})`;
}

function fmtInteger(n: bigint, verb: string, f: Flags): string {
  let base = 10;
  switch (verb) {
    case 'b':
      base = 2;
      break;
    case 'o':
    case 'O':
      base = 8;
      break;
    case 'x':
    case 'X':
      base = 16;
      break;
  }
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = 0;
  if (f.prec >= 0) {
    prec = f.prec;
    if (prec === 0 && n === 0n) return pad({...f, zero: false}, '');
  } else if (f.zero && !f.minus && f.wid >= 0) {
    prec = f.wid;
    if (neg || f.plus || f.space) prec--;
  }
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  if (neg) digits = '-' + digits;
  else if (f.plus) digits = '+' + digits;
  else if (f.space) digits = ' ' + digits;
  return pad({...f, zero: false}, digits);
}

function fmtFloatVerb(x: number, verb: string, f: Flags): string {
  let fmt: 'e' | 'E' | 'f' | 'g' | 'G';
  let prec: number;
  switch (verb) {
    case 'v':
    case 'g':
    case 'b':
    case 'x':
    case 'X':
      fmt = 'g';
      prec = -1;
      break;
    case 'G':
      fmt = 'G';
      prec = -1;
      break;
    case 'f':
    case 'F':
      fmt = 'f';
      prec = 6;
      break;
    case 'e':
    case 'E':
      fmt = verb;
      prec = 6;
      break;
    default:
      return badVerb(verb, x, f);
  }
  if (f.prec >= 0) prec = f.prec;
  let num = formatFloat(x, fmt, prec);
  if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad({...f, zero: false}, num);
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.wid > num.length) return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

function fmtStringVerb(s: string, verb: string, f: Flags): string {
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(f, goQuote(s));
      return pad(f, f.prec >= 0 ? truncateRunes(s, f.prec) : s);
    case 's':
      return pad(f, f.prec >= 0 ? truncateRunes(s, f.prec) : s);
    case 'q': {
      const t = f.prec >= 0 ? truncateRunes(s, f.prec) : s;
      if (f.sharp && canBackquote(t)) return pad(f, '`' + t + '`');
      return pad(f, goQuote(t, f.plus));
    }
    case 'x':
    case 'X': {
      let bytes = Buffer.from(s, 'utf8');
      if (f.prec >= 0 && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
      const parts: string[] = [];
      for (const b of bytes) {
        let h = hexN(b, 2);
        if (verb === 'X') h = h.toUpperCase();
        parts.push(h);
      }
      const prefix = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const body = f.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
      return pad(f, bytes.length === 0 ? '' : body);
    }
    default:
      return badVerb(verb, s, f);
  }
}

function fmtRune(n: bigint, verb: string, f: Flags): string {
  let c = Number(n);
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = 0xfffd;
  const ch = String.fromCodePoint(c);
  if (verb === 'c') return pad(f, ch);
  if (verb === 'q') return pad(f, goQuote(ch, f.plus, "'"));
  let u = 'U+' + c.toString(16).toUpperCase().padStart(f.prec >= 0 ? Math.max(f.prec, 4) : 4, '0');
  if (f.sharp && isPrintRune(c)) u += " '" + ch + "'";
  return pad(f, u);
}

/** fmt's printArg: formats one operand for one verb. */
function fmtArg(arg: unknown, verb: string, f: Flags, depth: number): string {
  if (arg === undefined || arg === null) {
    if (verb === 'v' || depth > 0) return pad(f, '<nil>');
    return badVerb(verb, arg, f);
  }
  if (verb === 'T') return pad(f, goTypeName(arg));
  switch (typeof arg) {
    case 'boolean':
      return verb === 't' || verb === 'v' ? pad(f, arg ? 'true' : 'false') : badVerb(verb, arg, f);
    case 'number':
    case 'bigint': {
      if (typeof arg === 'number' && !Number.isInteger(arg)) return fmtFloatVerb(arg, verb, f);
      const n = BigInt(arg);
      switch (verb) {
        case 'v':
        case 'd':
        case 'b':
        case 'o':
        case 'O':
        case 'x':
        case 'X':
          return fmtInteger(n, verb, f);
        case 'c':
        case 'q':
        case 'U':
          return fmtRune(n, verb, f);
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          // JSON-shaped data cannot tell 2.0 from 2; a float verb is the author saying it is a float.
          return fmtFloatVerb(Number(arg), verb, f);
        default:
          return badVerb(verb, arg, f);
      }
    }
    case 'string':
      return fmtStringVerb(arg, verb, f);
    case 'function':
      return pad(f, 'func');
    case 'symbol':
      return fmtStringVerb(arg.toString(), verb, f);
  }
  const obj = arg as object;
  const str = isList(obj) ? undefined : stringerText(obj);
  if (str !== undefined) return fmtStringVerb(str, verb, f);
  if (isList(obj)) {
    return '[' + toList(obj).map((x) => fmtArg(x, verb, f, depth + 1)).join(' ') + ']';
  }
  const parts = sortedEntries(obj).map(([k, v]) => fmtArg(k, verb, f, depth + 1) + ':' + fmtArg(v, verb, f, depth + 1));
  return 'map[' + parts.join(' ') + ']';
}

/** fmt.Sprint of one value, i.e. `%v`; `undefined` prints "<nil>" here (templates print it as "<no value>"). */
export function goSprintValue(v: unknown): string {
  return fmtArg(v, 'v', PLAIN, 0);
}

/** fmt.Sprint: spaces only between operands when neither side is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += goSprintValue(a);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: always spaces between operands, then a newline. */
export function goSprintln(args: readonly unknown[]): string {
  return args.map(goSprintValue).join(' ') + '\n';
}

function parseNum(s: string, i: number): [number, number] {
  let n = -1;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    n = (n < 0 ? 0 : n) * 10 + (s.charCodeAt(i) - 48);
    if (n > 1e6) n = 1e6;
    i++;
  }
  return [n, i];
}

function intFromArg(args: readonly unknown[], argNum: number): [number, boolean, number] {
  if (argNum >= args.length) return [-1, false, argNum];
  const v = args[argNum];
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 1e6) return [v, true, argNum + 1];
  if (typeof v === 'bigint' && v <= 1000000n && v >= -1000000n) return [Number(v), true, argNum + 1];
  return [-1, false, argNum + 1];
}

/** fmt.Sprintf with Go's verbs, flags, widths and error annotations (%!d(string=x), %!s(MISSING), ...). */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  const end = format.length;
  while (i < end) {
    const start = i;
    while (i < end && format[i] !== '%') i++;
    if (i > start) out += format.slice(start, i);
    if (i >= end) break;
    i++;
    const f = newFlags();
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    if (i < end && format[i] === '*') {
      i++;
      let ok: boolean;
      [f.wid, ok, argNum] = intFromArg(args, argNum);
      if (!ok) {
        out += '%!(BADWIDTH)';
        f.wid = -1;
      } else if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
    } else {
      [f.wid, i] = parseNum(format, i);
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        let ok: boolean;
        [f.prec, ok, argNum] = intFromArg(args, argNum);
        if (f.prec < 0) {
          f.prec = -1;
          ok = false;
        }
        if (!ok) out += '%!(BADPREC)';
      } else {
        [f.prec, i] = parseNum(format, i);
        if (f.prec < 0) f.prec = 0;
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      f.sharpV = f.sharp;
      f.sharp = false;
      f.plusV = f.plus;
      f.plus = false;
    }
    out += fmtArg(args[argNum++], verb, f, 0);
  }
  if (argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${goSprintValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Lexer

enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

interface Token {
  t: T;
  v: string;
  pos: number;
  line: number;
}

class ParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string): boolean => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);

/** %#U, as Go's lexer names a bad character. */
function describeRune(c: string): string {
  const cp = c.codePointAt(0)!;
  const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrintRune(cp) ? `${u} '${c}'` : u;
}

class Lexer {
  private pos = 0;
  private line = 1;
  private insideAction = false;
  private parenDepth = 0;
  private done = false;

  constructor(private readonly input: string) {}

  private fail(msg: string, line = this.line): never {
    throw new ParseError(line, msg);
  }

  private count(from: number, to: number): void {
    for (let i = from; i < to; i++) if (this.input.charCodeAt(i) === 10) this.line++;
  }

  /** Moves to `to`, keeping the line count right. */
  private advance(to: number): void {
    this.count(this.pos, to);
    this.pos = to;
  }

  private tok(t: T, start: number, line: number): Token {
    return {t, v: this.input.slice(start, this.pos), pos: start, line};
  }

  next(): Token {
    if (this.done) return {t: T.EOF, v: '', pos: this.input.length, line: this.line};
    return this.insideAction ? this.lexInsideAction() : this.lexText();
  }

  private hasLeftTrim(i: number): boolean {
    return this.input[i] === '-' && isSpace(this.input[i + 1]);
  }

  private hasRightTrim(i: number): boolean {
    return isSpace(this.input[i]) && this.input[i + 1] === '-';
  }

  private atRightDelim(): [boolean, boolean] {
    if (this.hasRightTrim(this.pos) && this.input.startsWith('}}', this.pos + 2)) return [true, true];
    if (this.input.startsWith('}}', this.pos)) return [true, false];
    return [false, false];
  }

  private skipSpaces(): void {
    let i = this.pos;
    while (isSpace(this.input[i])) i++;
    this.advance(i);
  }

  private lexText(): Token {
    const input = this.input;
    for (;;) {
      const x = input.indexOf('{{', this.pos);
      if (x < 0) {
        this.done = true;
        if (this.pos < input.length) {
          const start = this.pos;
          const line = this.line;
          this.advance(input.length);
          return this.tok(T.Text, start, line);
        }
        return {t: T.EOF, v: '', pos: input.length, line: this.line};
      }
      if (x > this.pos) {
        const start = this.pos;
        const line = this.line;
        let end = x;
        if (this.hasLeftTrim(x + 2)) while (end > start && isSpace(input[end - 1])) end--;
        this.advance(x);
        if (end > start) return {t: T.Text, v: input.slice(start, end), pos: start, line};
      }
      // Left delimiter.
      const delimPos = this.pos;
      const delimLine = this.line;
      this.pos += 2;
      const trim = this.hasLeftTrim(this.pos);
      const after = trim ? 2 : 0;
      if (input.startsWith('/*', this.pos + after)) {
        this.advance(this.pos + after + 2);
        const close = input.indexOf('*/', this.pos);
        if (close < 0) this.fail('unclosed comment');
        this.advance(close + 2);
        const [delim, trimAfter] = this.atRightDelim();
        if (!delim) this.fail('comment ends before closing delimiter');
        this.advance(this.pos + (trimAfter ? 4 : 2));
        if (trimAfter) this.skipSpaces();
        continue;
      }
      this.advance(this.pos + after);
      this.insideAction = true;
      this.parenDepth = 0;
      return {t: T.LeftDelim, v: '{{', pos: delimPos, line: delimLine};
    }
  }

  private lexRightDelim(trim: boolean): Token {
    if (trim) this.advance(this.pos + 2);
    const start = this.pos;
    const line = this.line;
    this.pos += 2;
    const tok = this.tok(T.RightDelim, start, line);
    if (trim) this.skipSpaces();
    this.insideAction = false;
    return tok;
  }

  private atTerminator(): boolean {
    const c = this.input[this.pos];
    if (c === undefined || isSpace(c)) return true;
    switch (c) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return this.input.startsWith('}}', this.pos);
  }

  private peekRune(): string | undefined {
    const cp = this.input.codePointAt(this.pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private scanAlnum(): void {
    for (let r = this.peekRune(); r !== undefined && isAlphaNumeric(r); r = this.peekRune()) this.pos += r.length;
  }

  private lexInsideAction(): Token {
    const input = this.input;
    const [delim, trim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return this.lexRightDelim(trim);
      this.fail('unclosed left paren');
    }
    const start = this.pos;
    const line = this.line;
    const r = this.peekRune();
    if (r === undefined) this.fail('unclosed action');
    if (isSpace(r)) {
      let n = 0;
      while (isSpace(input[this.pos])) {
        this.advance(this.pos + 1);
        n++;
      }
      // A trim-marked closing delimiter starts with a space: leave that space to it.
      if (this.hasRightTrim(this.pos - 1) && input.startsWith('}}', this.pos + 1)) {
        this.pos--;
        if (input[this.pos] === '\n') this.line--;
        if (n === 1) return this.lexRightDelim(true);
      }
      return this.tok(T.Space, start, line);
    }
    this.pos += r.length;
    switch (r) {
      case '=':
        return this.tok(T.Assign, start, line);
      case ':':
        if (input[this.pos] !== '=') this.fail('expected :=');
        this.pos++;
        return this.tok(T.Declare, start, line);
      case '|':
        return this.tok(T.Pipe, start, line);
      case '"':
      case "'": {
        for (;;) {
          const c = input[this.pos];
          if (c === '\\') {
            const e = input[this.pos + 1];
            if (e === undefined || e === '\n') break;
            this.pos += 2;
            continue;
          }
          if (c === undefined || c === '\n') break;
          this.pos++;
          if (c === r) return this.tok(r === '"' ? T.String : T.CharConstant, start, line);
        }
        this.fail(r === '"' ? 'unterminated quoted string' : 'unterminated character constant');
        break;
      }
      case '`': {
        const close = input.indexOf('`', this.pos);
        if (close < 0) this.fail('unterminated raw quoted string');
        this.advance(close + 1);
        return this.tok(T.RawString, start, line);
      }
      case '$': {
        if (this.atTerminator()) return this.tok(T.Variable, start, line);
        this.scanAlnum();
        if (!this.atTerminator()) this.fail(`bad character ${describeRune(this.peekRune()!)}`);
        return this.tok(T.Variable, start, line);
      }
      case '(':
        this.parenDepth++;
        return this.tok(T.LeftParen, start, line);
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) this.fail('unexpected right paren');
        return this.tok(T.RightParen, start, line);
    }
    if (r === '.') {
      const c = input[this.pos];
      if (c === undefined || c < '0' || c > '9') {
        if (this.atTerminator()) return this.tok(T.Dot, start, line);
        this.scanAlnum();
        if (!this.atTerminator()) this.fail(`bad character ${describeRune(this.peekRune()!)}`);
        return this.tok(T.Field, start, line);
      }
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.pos = start;
      if (!this.scanNumber()) this.fail(`bad number syntax: ${goQuote(input.slice(start, this.pos))}`);
      const sign = input[this.pos];
      if (sign === '+' || sign === '-') {
        if (!this.scanNumber() || input[this.pos - 1] !== 'i') {
          this.fail(`bad number syntax: ${goQuote(input.slice(start, this.pos))}`);
        }
        return this.tok(T.Complex, start, line);
      }
      return this.tok(T.Number, start, line);
    }
    if (isAlphaNumeric(r)) {
      this.scanAlnum();
      const word = input.slice(start, this.pos);
      if (!this.atTerminator()) this.fail(`bad character ${describeRune(this.peekRune()!)}`);
      const kw = KEYWORDS[word];
      if (kw !== undefined && Object.prototype.hasOwnProperty.call(KEYWORDS, word)) return this.tok(kw, start, line);
      if (word === 'true' || word === 'false') return this.tok(T.Bool, start, line);
      return this.tok(T.Identifier, start, line);
    }
    const cp = r.codePointAt(0)!;
    if (cp < 0x7f && cp >= 0x20) return this.tok(T.Char, start, line);
    this.fail(`unrecognized character in action: ${describeRune(r)}`);
  }

  private accept(valid: string): boolean {
    const c = this.input[this.pos];
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    const next = this.peekRune();
    if (next !== undefined && isAlphaNumeric(next)) {
      this.pos += next.length;
      return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parse tree

interface ListNode {
  k: 'list';
  pos: number;
  nodes: Node[];
}
interface TextNode {
  k: 'text';
  pos: number;
  text: string;
}
interface ActionNode {
  k: 'action';
  pos: number;
  pipe: PipeNode;
}
interface BranchNode {
  k: 'if' | 'range' | 'with';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
interface TemplateNode {
  k: 'template';
  pos: number;
  name: string;
  pipe?: PipeNode;
}
interface BreakNode {
  k: 'break' | 'continue';
  pos: number;
}
interface EndNode {
  k: 'end' | 'else';
  pos: number;
}
type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | BreakNode;

function isEnd(n: Node | EndNode): n is EndNode {
  return n.k === 'end' || n.k === 'else';
}

interface PipeNode {
  k: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
interface CommandNode {
  k: 'command';
  pos: number;
  args: Arg[];
}
interface FieldNode {
  k: 'field';
  pos: number;
  ident: string[];
}
interface ChainNode {
  k: 'chain';
  pos: number;
  node: Arg;
  field: string[];
}
interface VariableNode {
  k: 'variable';
  pos: number;
  ident: string[];
}
interface IdentifierNode {
  k: 'identifier';
  pos: number;
  ident: string;
}
interface DotNode {
  k: 'dot';
  pos: number;
}
interface NilNode {
  k: 'nil';
  pos: number;
}
interface BoolNode {
  k: 'bool';
  pos: number;
  value: boolean;
}
interface NumberNode {
  k: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  value: number | bigint;
}
interface StringNode {
  k: 'string';
  pos: number;
  quoted: string;
  text: string;
}
type Arg = FieldNode | ChainNode | VariableNode | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

function argString(a: Arg): string {
  switch (a.k) {
    case 'field':
      return a.ident.map((x) => '.' + x).join('');
    case 'variable':
      return a.ident.join('.');
    case 'chain': {
      let s = argString(a.node);
      if (a.node.k === 'pipe') s = '(' + s + ')';
      return s + a.field.map((x) => '.' + x).join('');
    }
    case 'identifier':
      return a.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(a.value);
    case 'number':
      return a.text;
    case 'string':
      return a.quoted;
    case 'pipe':
      return pipeString(a);
  }
}

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) s = p.decl.map(argString).join(', ') + (p.isAssign ? ' = ' : ' := ');
  return s + p.cmds.map(commandString).join(' | ');
}

function commandString(c: CommandNode): string {
  return c.args.map((a) => (a.k === 'pipe' ? '(' + argString(a) + ')' : argString(a))).join(' ');
}

function nodeString(n: Node | EndNode | Arg | CommandNode): string {
  switch (n.k) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return '{{' + pipeString(n.pipe) + '}}';
    case 'if':
    case 'range':
    case 'with':
      return (
        `{{${n.k} ${pipeString(n.pipe)}}}${nodeString(n.list)}` +
        (n.elseList ? `{{else}}${nodeString(n.elseList)}` : '') +
        '{{end}}'
      );
    case 'template':
      return `{{template ${goQuote(n.name)}${n.pipe ? ' ' + pipeString(n.pipe) : ''}}}`;
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${n.k}}}`;
    case 'command':
      return commandString(n);
    default:
      return argString(n);
  }
}

function tokenString(t: Token): string {
  if (t.t === T.EOF) return 'EOF';
  if (t.t > T.Keyword) return `<${t.v}>`;
  if (runeCount(t.v) > 10) return goQuote(truncateRunes(t.v, 10)) + '...';
  return goQuote(t.v);
}

const OCTAL = /^[0-7]$/;

/** strconv.Unquote for "..." and `...` literals (and UnquoteChar for '...'). */
function unquote(lit: string): string {
  const q = lit[0];
  if (q === '`') return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      if (c === q) throw new Error('invalid syntax');
      flush();
      out += c;
      continue;
    }
    const e = body[++i];
    const hex = (n: number): number => {
      const h = body.slice(i + 1, i + 1 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
      i += n;
      return parseInt(h, 16);
    };
    switch (e) {
      case 'a':
        flush();
        out += '\x07';
        break;
      case 'b':
        flush();
        out += '\b';
        break;
      case 'f':
        flush();
        out += '\f';
        break;
      case 'n':
        flush();
        out += '\n';
        break;
      case 'r':
        flush();
        out += '\r';
        break;
      case 't':
        flush();
        out += '\t';
        break;
      case 'v':
        flush();
        out += '\v';
        break;
      case '\\':
        flush();
        out += '\\';
        break;
      case '"':
      case "'":
        if (e !== q) throw new Error('invalid syntax');
        flush();
        out += e;
        break;
      case 'x':
        bytes.push(hex(2));
        break;
      case 'u':
      case 'U': {
        const cp = hex(e === 'u' ? 4 : 8);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error('invalid syntax');
        flush();
        out += String.fromCodePoint(cp);
        break;
      }
      default: {
        if (e !== undefined && OCTAL.test(e)) {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) throw new Error('invalid syntax');
          bytes.push(parseInt(o, 8));
          i += 2;
          break;
        }
        throw new Error('invalid syntax');
      }
    }
  }
  flush();
  return out;
}

/** strconv.ParseInt(text, 0, 64): base prefixes, legacy octal, underscores. */
function parseGoInt(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) {
    base = 16;
    digits = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    base = 8;
    digits = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    base = 2;
    digits = s.slice(2);
  } else if (/^0[0-9_]/.test(s)) {
    base = 8;
    digits = s.slice(1);
  }
  // Go allows one underscore after a base prefix and between digits.
  if (base !== 10) digits = digits.replace(/^_/, '');
  if (digits.includes('_')) {
    if (/^_|__|_$/.test(digits)) return undefined;
    digits = digits.replace(/_/g, '');
  }
  const valid = {2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/}[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) return undefined;
  const prefix = {2: '0b', 8: '0o', 10: '', 16: '0x'}[base as 2 | 8 | 10 | 16];
  let v = BigInt(prefix + digits);
  if (neg) v = -v;
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return undefined;
  return v;
}

function toJsNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function newNumber(pos: number, text: string, typ: T): NumberNode {
  if (typ === T.CharConstant) {
    let s: string;
    try {
      s = unquote(text);
    } catch {
      throw new Error(`malformed character constant: ${text}`);
    }
    if ([...s].length !== 1) throw new Error(`malformed character constant: ${text}`);
    return {k: 'number', pos, text, isInt: true, isFloat: true, value: s.codePointAt(0)!};
  }
  if (typ === T.Complex || text.endsWith('i')) throw new Error(`complex numbers are not supported: ${text}`);
  const i = parseGoInt(text);
  if (i !== undefined) return {k: 'number', pos, text, isInt: true, isFloat: true, value: toJsNumber(i)};
  const clean = text.replace(/_/g, '');
  const f = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(clean) ? Number(clean) : NaN;
  if (Number.isNaN(f)) throw new Error(`illegal number syntax: ${goQuote(text)}`);
  if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${text}`);
  const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return {k: 'number', pos, text, isInt, isFloat: true, value: f};
}

interface Tree {
  root: ListNode;
}

class Parser {
  private readonly lex: Lexer;
  private readonly pending: Token[] = [];
  private lastLine = 1;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly defs = new Map<string, Tree>();

  constructor(
    text: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.lex = new Lexer(text);
  }

  private next(): Token {
    const t = this.pending.length ? this.pending.pop()! : this.lex.next();
    this.lastLine = t.line;
    return t;
  }

  private backup(...toks: Token[]): void {
    for (let i = toks.length - 1; i >= 0; i--) this.pending.push(toks[i]);
  }

  private peek(): Token {
    const t = this.next();
    this.backup(t);
    return t;
  }

  private nextNonSpace(): Token {
    let t: Token;
    do t = this.next();
    while (t.t === T.Space);
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup(t);
    return t;
  }

  private errorf(msg: string): never {
    throw new ParseError(this.lastLine, msg);
  }

  private unexpected(t: Token, context: string): never {
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }

  private expect(typ: T, context: string): Token {
    const t = this.nextNonSpace();
    if (t.t !== typ) this.unexpected(t, context);
    return t;
  }

  parse(): ListNode {
    const root: ListNode = {k: 'list', pos: this.peek().pos, nodes: []};
    while (this.peek().t !== T.EOF) {
      if (this.peek().t === T.LeftDelim) {
        const delim = this.next();
        const kw = this.nextNonSpace();
        if (kw.t === T.Define) {
          this.parseDefinition();
          continue;
        }
        this.backup(delim, kw);
      }
      const n = this.textOrAction();
      if (isEnd(n)) this.errorf(`unexpected ${nodeString(n)}`);
      else root.nodes.push(n);
    }
    return root;
  }

  private withOwnVars<R>(fn: () => R): R {
    const saved = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return fn();
    } finally {
      this.vars = saved;
      this.rangeDepth = savedDepth;
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.t !== T.String && t.t !== T.RawString) this.unexpected(t, context);
    try {
      return unquote(t.v);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect(T.RightDelim, context);
    this.withOwnVars(() => {
      const [list, end] = this.itemList();
      if (end.k !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.defs.set(name, {root: list});
    });
  }

  private itemList(): [ListNode, EndNode] {
    const list: ListNode = {k: 'list', pos: this.peekNonSpace().pos, nodes: []};
    while (this.peekNonSpace().t !== T.EOF) {
      const n = this.textOrAction();
      if (isEnd(n)) return [list, n];
      else list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node | EndNode {
    const t = this.nextNonSpace();
    if (t.t === T.Text) return {k: 'text', pos: t.pos, text: t.v};
    if (t.t === T.LeftDelim) return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node | EndNode {
    const t = this.nextNonSpace();
    switch (t.t) {
      case T.Block:
        return this.blockControl();
      case T.Break:
      case T.Continue: {
        const k = t.t === T.Break ? 'break' : 'continue';
        const end = this.nextNonSpace();
        if (end.t !== T.RightDelim) this.unexpected(end, `{{${k}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${k}}} outside {{range}}`);
        return {k, pos: t.pos};
      }
      case T.Else: {
        const p = this.peekNonSpace();
        if (p.t === T.If || p.t === T.With) return {k: 'else', pos: p.pos};
        return {k: 'else', pos: this.expect(T.RightDelim, 'else').pos};
      }
      case T.End:
        return {k: 'end', pos: this.expect(T.RightDelim, 'end').pos};
      case T.If:
        return this.control('if');
      case T.Range:
        return this.control('range');
      case T.With:
        return this.control('with');
      case T.Template:
        return this.templateControl();
    }
    this.backup(t);
    const pos = this.peek().pos;
    // Variables declared here persist until the enclosing {{end}}.
    return {k: 'action', pos, pipe: this.pipeline('command', T.RightDelim)};
  }

  private control(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let list: ListNode;
      let next: EndNode;
      try {
        [list, next] = this.itemList();
      } finally {
        if (context === 'range') this.rangeDepth--;
      }
      let elseList: ListNode | undefined;
      if (next.k === 'else') {
        // {{else if x}} / {{else with x}} parse as {{else}}{{if x}}...{{end}}{{end}}.
        const p = this.peek();
        if ((context === 'if' && p.t === T.If) || (context === 'with' && p.t === T.With)) {
          this.next();
          elseList = {k: 'list', pos: next.pos, nodes: [this.control(context)]};
        } else {
          let end: EndNode;
          [elseList, end] = this.itemList();
          if (end.k !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return {k: context, pos: pipe.pos, pipe, list, elseList};
    } finally {
      this.vars.length = mark;
    }
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    const n = this.nextNonSpace();
    if (n.t !== T.RightDelim) {
      this.backup(n);
      pipe = this.pipeline(context, T.RightDelim);
    }
    return {k: 'template', pos: t.pos, name, pipe};
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, T.RightDelim);
    this.withOwnVars(() => {
      const [list, end] = this.itemList();
      if (end.k !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.defs.set(name, {root: list});
    });
    return {k: 'template', pos: t.pos, name, pipe};
  }

  private pipeline(context: string, end: T): PipeNode {
    const pipe: PipeNode = {k: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: []};
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.t !== T.Variable) break;
      this.next();
      const afterVar = this.peek();
      const nx = this.peekNonSpace();
      if (nx.t === T.Assign || nx.t === T.Declare) {
        pipe.isAssign = nx.t === T.Assign;
        this.nextNonSpace();
        pipe.decl.push({k: 'variable', pos: v.pos, ident: [v.v]});
        this.vars.push(v.v);
      } else if (nx.t === T.Char && nx.v === ',') {
        this.nextNonSpace();
        pipe.decl.push({k: 'variable', pos: v.pos, ident: [v.v]});
        this.vars.push(v.v);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().t;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (afterVar.t === T.Space) {
        this.backup(v, afterVar);
      } else {
        this.backup(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.t === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          const k = c.args[0].k;
          if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
            this.errorf(`non executable command in pipeline stage ${i + 2}`);
          }
        });
        return pipe;
      }
      switch (t.t) {
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup(t);
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = {k: 'command', pos: this.peekNonSpace().pos, args: []};
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.t === T.Space) continue;
      if (t.t === T.RightDelim || t.t === T.RightParen) this.backup(t);
      else if (t.t !== T.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().t !== T.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().t === T.Field) fields.push(this.next().v.slice(1));
    switch (node.k) {
      case 'field':
        return {k: 'field', pos, ident: [...node.ident, ...fields]};
      case 'variable':
        return {k: 'variable', pos, ident: [...node.ident, ...fields]};
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.errorf(`unexpected . after term ${goQuote(argString(node))}`);
    }
    return {k: 'chain', pos, node, field: fields};
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.t) {
      case T.Identifier:
        if (!this.hasFunction(t.v)) this.errorf(`function ${goQuote(t.v)} not defined`);
        return {k: 'identifier', pos: t.pos, ident: t.v};
      case T.Dot:
        return {k: 'dot', pos: t.pos};
      case T.Nil:
        return {k: 'nil', pos: t.pos};
      case T.Variable: {
        const ident = t.v.split('.');
        if (!this.vars.includes(ident[0])) this.errorf(`undefined variable ${goQuote(ident[0])}`);
        return {k: 'variable', pos: t.pos, ident};
      }
      case T.Field:
        return {k: 'field', pos: t.pos, ident: [t.v.slice(1)]};
      case T.Bool:
        return {k: 'bool', pos: t.pos, value: t.v === 'true'};
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        try {
          return newNumber(t.pos, t.v, t.t);
        } catch (e) {
          return this.errorf((e as Error).message);
        }
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        try {
          return {k: 'string', pos: t.pos, quoted: t.v, text: unquote(t.v)};
        } catch (e) {
          return this.errorf((e as Error).message);
        }
    }
    this.backup(t);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Functions

type ParamKind = 'any' | 'value' | 'string' | 'int' | 'strings';

interface FuncSpec {
  params: ParamKind[];
  variadic?: ParamKind;
  fn: (args: unknown[], st: State) => unknown;
}

const KIND_NAMES: Record<ParamKind, string> = {
  any: 'interface {}',
  value: 'reflect.Value',
  string: 'string',
  int: 'int',
  strings: '[]string',
};

const NO_COMPARISON = 'missing argument for comparison';
const BAD_COMPARISON = 'incompatible types for comparison';
const BAD_COMPARISON_TYPE = 'invalid type for comparison';

type BasicKind = 'bool' | 'num' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'num';
    case 'string':
      return 'string';
  }
  return 'invalid';
}

function lessThan(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'invalid' || kb === 'invalid') throw new Error(BAD_COMPARISON_TYPE);
  if (ka !== kb) throw new Error(BAD_COMPARISON);
  if (ka === 'bool') throw new Error(BAD_COMPARISON_TYPE);
  if (ka === 'string') return compareStrings(a as string, b as string) < 0;
  return (a as number) < (b as number);
}

function equal(a: unknown, rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error(NO_COMPARISON);
  const ka = kindOf(a);
  for (const b of rest) {
    const kb = kindOf(b);
    const ba = basicKind(a);
    const bb = basicKind(b);
    if (ba !== 'invalid' || bb !== 'invalid') {
      if (ba !== bb) {
        if (ka !== 'invalid' && ka !== 'nil' && kb !== 'invalid' && kb !== 'nil') throw new Error(BAD_COMPARISON);
        continue;
      }
      // Compare numbers by value so 1 and 1n match as Go ints would.
      if (ba === 'num' ? Number(a) === Number(b) : a === b) return true;
      continue;
    }
    const nilA = ka === 'invalid' || ka === 'nil';
    const nilB = kb === 'invalid' || kb === 'nil';
    if (nilA || nilB) {
      if (nilA && nilB) return true;
      continue;
    }
    if (ka === 'slice' || ka === 'map' || ka === 'func') throw new Error(`non-comparable type ${goSprintValue(a)}: ${goTypeName(a)}`);
    if (kb === 'slice' || kb === 'map' || kb === 'func') throw new Error(`non-comparable type ${goSprintValue(b)}: ${goTypeName(b)}`);
    if (a === b) return true;
  }
  return false;
}

function indexArg(index: unknown, cap: number): number {
  if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  if (typeof index === 'bigint') index = Number(index);
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (index < 0 || index > cap) throw new Error(`index out of range: ${index}`);
  return index;
}

/** The zero value a missing map key yields under `index`: "" for string maps like Labels, else no value. */
function mapZero(m: object): unknown {
  const values = m instanceof Map ? [...m.values()] : Object.values(m);
  if (values.every((x) => typeof x === 'string')) return '';
  if (values.every((x) => typeof x === 'number')) return 0;
  if (values.every((x) => typeof x === 'boolean')) return false;
  return undefined;
}

function goIndex(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined) throw new Error('index of untyped nil');
  for (const index of indexes) {
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(index, bytes.length);
      if (x >= bytes.length) throw new Error(`index out of range: ${x}`);
      item = bytes[x];
    } else if (isList(item)) {
      const list = toList(item);
      const x = indexArg(index, list.length);
      if (x >= list.length) throw new Error(`index out of range: ${x}`);
      item = list[x];
    } else if (typeof item === 'object' && kindOf(item) !== 'slice') {
      const m = item as object;
      if (m instanceof Map) {
        item = m.has(index) ? m.get(index) : mapZero(m);
      } else {
        if (index === undefined || index === null) throw new Error('value is nil; should be of type string');
        if (typeof index !== 'string') throw new Error(`value has type ${goTypeName(index)}; should be string`);
        item = Object.prototype.hasOwnProperty.call(m, index) ? (m as Record<string, unknown>)[index] : mapZero(m);
      }
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function goSlice(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = utf8Length(item);
  } else if (isList(item)) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return toList(item as ArrayLike<unknown>).slice(idx[0], idx[1]);
}

/** Go's text/template evalArgs: a lone string stays as is, anything else goes through fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : goSprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({'\0': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;'})[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20) out += '\\u00' + hexN(c, 2).toUpperCase();
    else if (c < 0x80 || isPrintRune(c)) out += ch;
    else out += '\\u' + hexN(c, 4).toUpperCase();
  }
  return out;
}

function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + hexN(b, 2).toUpperCase();
  }
  return out;
}

/** strings.Title: upper-cases the first letter of each word (words split at non-letters/digits/_). */
function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = /^[A-Za-z0-9_]$/.test(prev) ? false : prev < '\x80' ? true : /^[\p{L}\p{Nd}]$/u.test(prev) ? false : /^\s$/u.test(prev);
    out += sep ? simpleCase(ch, true) : ch;
    prev = ch;
  }
  return out;
}

/** Go maps case rune by rune; a rune whose case form is several runes (ß -> SS) stays as it is. */
function simpleCase(ch: string, upper: boolean): string {
  const m = upper ? ch.toUpperCase() : ch.toLowerCase();
  return [...m].length === 1 ? m : ch;
}

function mapCase(s: string, upper: boolean): string {
  // ASCII fast path: no multi-rune case forms possible.
  if (/^[\x00-\x7f]*$/.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) out += simpleCase(ch, upper);
  return out;
}

function goSplit(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

function goTruncate(s: string, n: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length < n) return s;
  return bytes.subarray(0, Math.max(n, 0)).toString('utf8');
}

let builtins: Map<string, FuncSpec> | undefined;

function getBuiltins(): Map<string, FuncSpec> {
  if (builtins) return builtins;
  const cmp = (op: (a: unknown, b: unknown) => boolean): FuncSpec => ({params: ['value', 'value'], fn: ([a, b]) => op(a, b)});
  builtins = new Map<string, FuncSpec>([
    // text/template builtins; `and` and `or` short-circuit, see State.evalCall.
    ['and', {params: ['value'], variadic: 'value', fn: () => undefined}],
    ['or', {params: ['value'], variadic: 'value', fn: () => undefined}],
    ['not', {params: ['value'], fn: ([a]) => !isTrue(a)}],
    [
      'call',
      {
        params: ['value'],
        variadic: 'value',
        fn: ([f, ...rest]) => {
          if (f === undefined || f === null) throw new Error('call of nil');
          if (typeof f !== 'function') throw new Error(`non-function ${goSprintValue(f)} of type ${goTypeName(f)}`);
          return (f as (...a: unknown[]) => unknown)(...rest);
        },
      },
    ],
    ['html', {params: [], variadic: 'any', fn: (a) => htmlEscape(evalArgs(a))}],
    ['js', {params: [], variadic: 'any', fn: (a) => jsEscape(evalArgs(a))}],
    ['urlquery', {params: [], variadic: 'any', fn: (a) => queryEscape(evalArgs(a))}],
    ['index', {params: ['value'], variadic: 'value', fn: ([item, ...idx], st) => (st.headerMode && typeof item === 'string' ? item : goIndex(item, idx))}],
    ['slice', {params: ['value'], variadic: 'value', fn: ([item, ...idx]) => goSlice(item, idx)}],
    [
      'len',
      {
        params: ['value'],
        fn: ([v]) => {
          switch (kindOf(v)) {
            case 'invalid':
              throw new Error('len of untyped nil');
            case 'nil':
              return 0;
            case 'string':
              return utf8Length(v as string);
            case 'slice':
              return (v as ArrayLike<unknown>).length;
            case 'map':
              return mapSize(v as object);
          }
          throw new Error(`len of type ${goTypeName(v)}`);
        },
      },
    ],
    ['print', {params: [], variadic: 'any', fn: (a) => goSprint(a)}],
    ['printf', {params: ['string'], variadic: 'any', fn: ([f, ...a]) => goSprintf(f as string, a)}],
    ['println', {params: [], variadic: 'any', fn: (a) => goSprintln(a)}],
    ['eq', {params: ['value'], variadic: 'value', fn: ([a, ...rest]) => equal(a, rest)}],
    ['ne', cmp((a, b) => !equal(a, [b]))],
    ['lt', cmp((a, b) => lessThan(a, b))],
    ['le', cmp((a, b) => lessThan(a, b) || equal(a, [b]))],
    ['gt', cmp((a, b) => !(lessThan(a, b) || equal(a, [b])))],
    ['ge', cmp((a, b) => !lessThan(a, b))],
    // containers/common pkg/report DefaultFuncs.
    [
      'join',
      {
        params: ['strings', 'string'],
        fn: ([list, sep], st) => {
          // Podman renders headers with this same template, where the column is a plain string.
          if (typeof list === 'string' && st.headerMode) return list;
          return (list as unknown[]).map((x) => (typeof x === 'string' ? x : goSprintValue(x))).join(sep as string);
        },
      },
    ],
    [
      'json',
      {
        params: ['any'],
        fn: ([v]) => {
          try {
            return goJson(v, {escapeHTML: false});
          } catch {
            // Podman ignores the encoder's error and prints what it buffered: nothing.
            return '';
          }
        },
      },
    ],
    ['lower', {params: ['string'], fn: ([s]) => mapCase(s as string, false)}],
    ['upper', {params: ['string'], fn: ([s]) => mapCase(s as string, true)}],
    ['title', {params: ['string'], fn: ([s]) => goTitle(s as string)}],
    ['split', {params: ['string', 'string'], fn: ([s, sep]) => goSplit(s as string, sep as string)}],
    ['truncate', {params: ['string', 'int'], fn: ([s, n]) => goTruncate(s as string, n as number)}],
    [
      'pad',
      {
        params: ['string', 'int', 'int'],
        fn: ([s, pre, post]) => (s === '' ? '' : ' '.repeat(Math.max(pre as number, 0)) + s + ' '.repeat(Math.max(post as number, 0))),
      },
    ],
  ]);
  return builtins;
}

// ---------------------------------------------------------------------------------------------------------
// Execution

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const NO_FINAL = Symbol('missing');
type Final = unknown | typeof NO_FINAL;

const MAX_DEPTH = 1000;

export interface ExecuteOptions {
  /**
   * Evaluates as Podman does for a table's header row: a field read from a header string yields that string,
   * and `join`/`index` pass it through, so `{{.Labels.foo}}` or `{{join .Names ","}}` head their column.
   */
  headerMode?: boolean;
}

class State {
  private vars: Array<{name: string; value: unknown}>;
  out = '';
  depth = 0;

  constructor(
    private readonly tmpl: GoTemplate,
    data: unknown,
    readonly headerMode: boolean,
  ) {
    this.vars = [{name: '$', value: data}];
  }

  fail(node: {pos: number} & (Node | Arg | CommandNode), msg: string): never {
    const text = this.tmpl.text.slice(0, node.pos);
    const nl = text.lastIndexOf('\n');
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    const col = nl < 0 ? utf8Length(text) : utf8Length(text.slice(nl + 1));
    let context = nodeString(node as Node);
    if (runeCount(context) > 20) context = truncateRunes(context, 20) + '...';
    const name = this.tmpl.name;
    throw new InvalidInputError(`template: ${name}:${line}:${col}: executing ${goQuote(name)} at <${context}>: ${msg}`);
  }

  walk(dot: unknown, node: Node): void {
    switch (node.k) {
      case 'text':
        this.out += node.text;
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.walk(node.k === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walk(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private printValue(node: ActionNode, v: unknown): void {
    if (v === undefined) {
      this.out += '<no value>';
      return;
    }
    if (typeof v === 'function') this.fail(node, `can't print ${nodeString(node)} of type func`);
    this.out += typeof v === 'string' ? v : goSprintValue(v);
  }

  private walkRange(dot: unknown, r: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const bodyMark = this.vars.length;
      const one = (index: unknown, elem: unknown): void => {
        const decl = r.pipe.decl;
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(r, decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(r, decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = bodyMark;
        }
      };
      let ran = false;
      try {
        switch (kindOf(val)) {
          case 'slice': {
            const list = toList(val as ArrayLike<unknown>);
            list.forEach((e, i) => one(i, e));
            ran = list.length > 0;
            break;
          }
          case 'map':
          case 'struct': {
            const entries = sortedEntries(val as object);
            for (const [k, v] of entries) one(k, v);
            ran = entries.length > 0;
            break;
          }
          case 'int': {
            if (r.pipe.decl.length > 1) this.fail(r, `can't use ${goSprintValue(val)} to iterate over more than one variable`);
            const n = Number(val);
            for (let i = 0; i < n; i++) one(i, i);
            ran = n > 0;
            break;
          }
          case 'invalid':
          case 'nil':
            break;
          default:
            this.fail(r, `range can't iterate over ${goSprintValue(val)}`);
        }
      } catch (e) {
        if (e !== BREAK) throw e;
        ran = true;
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    const tree = t.name === this.tmpl.name ? {root: this.tmpl.root} : this.tmpl.defs.get(t.name);
    if (!tree) this.fail(t, `template ${goQuote(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.fail(t, `exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = this.vars;
    // No dynamic scoping: a template invocation sees only its own $.
    this.vars = [{name: '$', value: newDot}];
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } finally {
      this.depth--;
      this.vars = saved;
    }
  }

  private setVar(node: Node | Arg, name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(node, `undefined variable: ${name}`);
  }

  private varValue(node: Arg, name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.fail(node, `undefined variable: ${name}`);
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v, v.ident[0], value);
      else this.vars.push({name: v.ident[0], value});
    }
    return value === NO_FINAL ? undefined : value;
  }

  private notAFunction(args: Arg[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(args[0], `can't give argument to non-function ${argString(args[0])}`);
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.k) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.fail(first, 'nil is not a command');
      case 'number':
        return first.value;
      case 'string':
        return first.text;
    }
  }

  private evalChain(dot: unknown, chain: ChainNode, args: Arg[], final: Final): unknown {
    if (chain.node.k === 'nil') this.fail(chain, `indirection through explicit nil in ${argString(chain)}`);
    const receiver = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.field, args, final);
  }

  private evalVariable(dot: unknown, v: VariableNode, args: Arg[], final: Final): unknown {
    const value = this.varValue(v, v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: Arg, ident: string[], args: Arg[], final: Final): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i], node, [], NO_FINAL, receiver);
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  private evalField(dot: unknown, name: string, node: Arg, args: Arg[], final: Final, receiver: unknown): unknown {
    // Go yields an invalid value for fields of a missing key; nil receivers are treated the same way.
    if (receiver === undefined || receiver === null) return undefined;
    if (this.headerMode && typeof receiver === 'string') return receiver;
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    if (typeof receiver === 'object' && !isList(receiver)) {
      if (receiver instanceof Map) {
        if (hasArgs && !this.headerMode) this.fail(node, `${name} is not a method but has arguments`);
        return receiver.has(name) ? receiver.get(name) : undefined;
      }
      const rec = receiver as Record<string, unknown>;
      if (isGoMap(receiver)) {
        if (hasArgs) this.fail(node, `${name} is not a method but has arguments`);
        return Object.prototype.hasOwnProperty.call(rec, name) ? rec[name] : undefined;
      }
      if (hasStructField(receiver, name)) {
        const v = rec[name];
        if (typeof v === 'function') return this.callMethod(dot, receiver, v as (...a: unknown[]) => unknown, name, node, args, final);
        if (hasArgs) this.fail(node, `${name} has arguments but cannot be invoked as function`);
        return v;
      }
      const fields = structFieldNames(receiver);
      const known = fields.length ? ` (valid fields: ${fields.join(', ')})` : '';
      this.fail(node, `can't evaluate field ${name} in type ${goTypeName(receiver)}${known}`);
    }
    this.fail(node, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private callMethod(dot: unknown, receiver: object, fn: (...a: unknown[]) => unknown, name: string, node: Arg, args: Arg[], final: Final): unknown {
    const argv = args.slice(1).map((a) => this.evalArg(dot, 'any', a));
    if (final !== NO_FINAL) argv.push(final === undefined ? null : final);
    try {
      return fn.apply(receiver, argv);
    } catch (e) {
      this.fail(node, `error calling ${name}: ${(e as Error).message ?? String(e)}`);
    }
  }

  private evalFunction(dot: unknown, node: IdentifierNode, args: Arg[], final: Final): unknown {
    const name = node.ident;
    const spec = getBuiltins().get(name);
    if (!spec) this.fail(node, `${goQuote(name)} is not a defined function`);
    const callArgs = args.slice(1);
    const numIn = callArgs.length + (final !== NO_FINAL ? 1 : 0);
    const numFixed = spec.params.length;
    if (spec.variadic) {
      if (numIn < numFixed) this.fail(node, `wrong number of args for ${name}: want at least ${numFixed} got ${callArgs.length}`);
    } else if (numIn !== numFixed) {
      this.fail(node, `wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    const kindAt = (i: number): ParamKind => (i < numFixed ? spec.params[i] : spec.variadic!);
    if (name === 'and' || name === 'or') {
      let v: unknown;
      for (const a of callArgs) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final !== NO_FINAL ? final : v;
    }
    const argv = callArgs.map((a, i) => this.evalArg(dot, kindAt(i), a));
    if (final !== NO_FINAL) argv.push(this.validate(node, final, kindAt(numIn - 1)));
    try {
      return spec.fn(argv, this);
    } catch (e) {
      if (e instanceof InvalidInputError) throw e;
      this.fail(node, `error calling ${name}: ${(e as Error).message}`);
    }
  }

  private validate(node: Arg | CommandNode, v: unknown, kind: ParamKind): unknown {
    switch (kind) {
      case 'value':
        return v;
      case 'any':
        return v === undefined ? null : v;
      case 'string':
        if (typeof v === 'string') return v;
        break;
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        if (typeof v === 'bigint') return Number(v);
        break;
      case 'strings':
        if (v === undefined || v === null) return [];
        if (isList(v)) return toList(v);
        if (this.headerMode && typeof v === 'string') return v;
        break;
    }
    if (v === undefined || v === null) this.fail(node, `invalid value; expected ${KIND_NAMES[kind]}`);
    this.fail(node, `wrong type for value; expected ${KIND_NAMES[kind]}; got ${goTypeName(v)}`);
  }

  evalArg(dot: unknown, kind: ParamKind, n: Arg): unknown {
    switch (n.k) {
      case 'dot':
        return this.validate(n, dot, kind);
      case 'nil':
        if (kind === 'any' || kind === 'value' || kind === 'strings') return null;
        return this.fail(n, `cannot assign nil to ${KIND_NAMES[kind]}`);
      case 'field':
        return this.validate(n, this.evalFieldChain(dot, dot, n, n.ident, [n], NO_FINAL), kind);
      case 'variable':
        return this.validate(n, this.evalVariable(dot, n, [n], NO_FINAL), kind);
      case 'pipe':
        return this.validate(n, this.evalPipeline(dot, n), kind);
      case 'identifier':
        return this.validate(n, this.evalFunction(dot, n, [n], NO_FINAL), kind);
      case 'chain':
        return this.validate(n, this.evalChain(dot, n, [n], NO_FINAL), kind);
    }
    switch (kind) {
      case 'string':
        if (n.k === 'string') return n.text;
        return this.fail(n, `expected string; found ${argString(n)}`);
      case 'int':
        if (n.k === 'number' && n.isInt) return Number(n.value);
        return this.fail(n, `expected integer; found ${argString(n)}`);
      case 'strings':
        this.fail(n, `can't handle ${argString(n)} for arg of type []string`);
    }
    switch (n.k) {
      case 'bool':
        return n.value;
      case 'number':
        return n.value;
      case 'string':
        return n.text;
    }
  }
}

/** A parsed template; `execute` renders it against data. */
export class GoTemplate {
  /** @internal */ readonly root: ListNode;
  /** @internal */ readonly defs: Map<string, Tree>;

  constructor(
    readonly text: string,
    readonly name: string,
  ) {
    const parser = new Parser(text, (fn) => getBuiltins().has(fn));
    try {
      this.root = parser.parse();
    } catch (e) {
      if (e instanceof ParseError) throw new InvalidInputError(`template: ${name}:${e.line}: ${e.message}`);
      throw e;
    }
    this.defs = parser.defs;
  }

  execute(data: unknown, opts: ExecuteOptions = {}): string {
    const st = new State(this, data, opts.headerMode ?? false);
    try {
      st.walk(data, this.root);
    } catch (e) {
      if (e instanceof RangeError) throw new InvalidInputError(`template: ${this.name}: exceeded maximum template depth`);
      throw e;
    }
    return st.out;
  }
}

/** Parses `text` as a Go template; throws InvalidInputError with Go's message for bad templates. */
export function parseTemplate(text: string, name = 'template'): GoTemplate {
  return new GoTemplate(text, name);
}

/**
 * Compiles a Go text/template into a render function. Parse errors throw at once; execution errors (an unknown
 * struct field, a wrong argument type) throw InvalidInputError from the render function, worded as Go's.
 */
export function compileTemplate(text: string, name = 'template'): (data: unknown) => string {
  const t = new GoTemplate(text, name);
  return (data) => t.execute(data);
}
