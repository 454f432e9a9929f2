// `burrow run [flags] IMAGE [COMMAND [ARG...]]`: everything after the image belongs to the container,
// even when it looks like a flag (`run demo ls -l`). oclif parses flags anywhere, so the argv is cut at
// the image first. Grouped short booleans (`-dt`) are expanded, as Podman's parser allows them.

export interface FlagShape {
  /** long names (without --) and short chars that take a value */
  valued: Set<string>;
  /** short chars that are booleans */
  booleanShort: Set<string>;
}

export function flagShape(flags: Record<string, {type: string; char?: string; aliases?: string[]}>): FlagShape {
  const valued = new Set<string>();
  const booleanShort = new Set<string>();
  for (const [name, f] of Object.entries(flags)) {
    if (f.type === 'option') {
      valued.add(name);
      for (const a of f.aliases ?? []) valued.add(a);
      if (f.char) valued.add(f.char);
    } else if (f.char) {
      booleanShort.add(f.char);
    }
  }
  return {valued, booleanShort};
}

/** Returns the tokens for oclif (flags + image) and the container's command. */
export function splitRunArgv(argv: readonly string[], shape: FlagShape): {head: string[]; command: string[]} {
  const head: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (a === '--') {
      if (i + 1 < argv.length) head.push(argv[i + 1]);
      return {head, command: argv.slice(i + 2)};
    }
    if (a.startsWith('--')) {
      head.push(a);
      const name = a.slice(2);
      if (!name.includes('=') && shape.valued.has(name) && i + 1 < argv.length) head.push(argv[++i]);
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const chars = a.slice(1);
      if (chars.length > 1 && [...chars.slice(0, -1)].every((c) => shape.booleanShort.has(c))) {
        for (const c of chars) head.push(`-${c}`);
        if (shape.valued.has(chars[chars.length - 1]) && i + 1 < argv.length) head.push(argv[++i]);
      } else {
        head.push(a);
        if (chars.length === 1 && shape.valued.has(chars) && i + 1 < argv.length) head.push(argv[++i]);
      }
      i++;
      continue;
    }
    head.push(a);
    return {head, command: argv.slice(i + 1)};
  }
  return {head, command: []};
}
