// Parses a command line against a command's flag and argument specs — the ones oclif records in its
// manifest — without loading oclif (whose import alone costs more than a whole `burrow ps` should).
// Podman's conventions: flags anywhere before the first argument of `run`/`create` (the rest is the
// container's command), grouped short booleans (-dt), --flag=value and --flag value, repeated flags
// for lists, and `--` to end flags.
import {InvalidInputError} from '../errors';

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'option';
  char?: string;
  aliases?: string[];
  multiple?: boolean;
  default?: unknown;
  options?: readonly string[];
  allowNo?: boolean;
}

export interface ArgSpec {
  name: string;
  required?: boolean;
}

export interface CommandSpec {
  id: string;
  flags: Record<string, FlagSpec>;
  args: Record<string, ArgSpec>;
  /** false: extra arguments are allowed (they land in `argv`) */
  strict?: boolean;
  /** 'after-first': everything after the first argument is passed through (run IMAGE CMD…); 'all': every token is */
  passThrough?: 'after-first' | 'all';
}

export interface ParsedCommandLine {
  flags: Record<string, unknown>;
  args: Record<string, string | undefined>;
  /** every positional argument, in order */
  argv: string[];
  /** tokens passed through untouched (the container's command) */
  rest: string[];
  /** flags the user gave (the others hold defaults): tells `--tls-verify` unset from `--tls-verify=true` */
  given: Set<string>;
}

const usage = (id: string, message: string) => new InvalidInputError(message, {hint: `see \`burrow ${id.replace(/:/g, ' ')} --help\``});

export function parseCommandLine(spec: CommandSpec, tokens: readonly string[]): ParsedCommandLine {
  const byLong = new Map<string, FlagSpec>();
  const byChar = new Map<string, FlagSpec>();
  for (const f of Object.values(spec.flags)) {
    byLong.set(f.name, f);
    for (const a of f.aliases ?? []) byLong.set(a, f);
    if (f.char) byChar.set(f.char, f);
  }
  const values: Record<string, unknown> = {};
  const set = (f: FlagSpec, value: unknown) => {
    if (f.type === 'option' && f.options && !f.options.includes(value as string)) {
      throw usage(spec.id, `Expected --${f.name}=${value} to be one of: ${f.options.join(', ')}`);
    }
    if (f.multiple) values[f.name] = [...((values[f.name] as unknown[]) ?? []), value];
    else values[f.name] = value;
  };
  const positionals: string[] = [];
  let rest: string[] = [];
  if (spec.passThrough === 'all') return finish(spec, values, positionals, [...tokens]);

  let i = 0;
  const takeValue = (shown: string): string => {
    if (i + 1 >= tokens.length) throw usage(spec.id, `Flag ${shown} expects a value`);
    return tokens[++i];
  };
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '--') {
      positionals.push(...tokens.slice(i + 1));
      if (spec.passThrough === 'after-first' && positionals.length > 0) rest = positionals.splice(1);
      break;
    }
    if (t.startsWith('--') && t.length > 2) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      let f = byLong.get(name);
      if (!f && name.startsWith('no-')) {
        const positive = byLong.get(name.slice(3));
        if (positive?.type === 'boolean' && positive.allowNo) {
          set(positive, false);
          continue;
        }
      }
      if (!f) throw usage(spec.id, `Nonexistent flag: --${name}`);
      if (f.type === 'boolean') {
        if (eq >= 0) set(f, parseBool(t.slice(eq + 1), spec.id, name));
        else set(f, true);
      } else {
        set(f, eq >= 0 ? t.slice(eq + 1) : takeValue(`--${name}`));
      }
      continue;
    }
    if (t.startsWith('-') && t.length > 1 && t !== '-') {
      const chars = t.slice(1);
      for (let k = 0; k < chars.length; k++) {
        const f = byChar.get(chars[k]);
        if (!f) throw usage(spec.id, `Nonexistent flag: -${chars[k]}`);
        if (f.type === 'boolean') {
          set(f, true);
          continue;
        }
        // An option takes the rest of the group (-efoo=bar) or the next token.
        const inline = chars.slice(k + 1);
        set(f, inline !== '' ? inline.replace(/^=/, '') : takeValue(`-${chars[k]}`));
        break;
      }
      continue;
    }
    positionals.push(t);
    if (spec.passThrough === 'after-first') {
      rest = tokens.slice(i + 1);
      break;
    }
  }
  return finish(spec, values, positionals, rest);
}

function parseBool(v: string, id: string, name: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw usage(id, `Flag --${name} takes true or false, not "${v}"`);
}

function finish(spec: CommandSpec, values: Record<string, unknown>, positionals: string[], rest: string[]): ParsedCommandLine {
  const given = new Set(Object.keys(values));
  for (const f of Object.values(spec.flags)) {
    if (values[f.name] !== undefined) continue;
    if (f.default !== undefined) values[f.name] = f.multiple && !Array.isArray(f.default) ? [f.default] : f.default;
    else if (f.type === 'boolean') values[f.name] = false;
  }
  const argSpecs = Object.values(spec.args);
  const args: Record<string, string | undefined> = {};
  argSpecs.forEach((a, k) => {
    args[a.name] = positionals[k];
  });
  const missing = argSpecs.filter((a, k) => a.required && positionals[k] === undefined);
  if (missing.length > 0) {
    throw usage(spec.id, `Missing ${missing.length} required arg${missing.length > 1 ? 's' : ''}: ${missing.map((a) => a.name).join(', ')}`);
  }
  if (spec.strict !== false && positionals.length > argSpecs.length) {
    throw usage(spec.id, `Unexpected argument: ${positionals[argSpecs.length]}`);
  }
  return {flags: values, args, argv: positionals, rest, given};
}

/** An integer flag value (the parser keeps strings; oclif's own parser may already give a number). */
export function intFlag(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw new InvalidInputError(`--${name} expects an integer, not "${value}"`, {hint: `e.g. --${name} 10`});
  return n;
}
