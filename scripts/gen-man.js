#!/usr/bin/env node
'use strict';
// Writes the man pages (burrow.1 and burrow-COMMAND.1) from oclif.manifest.json, the same metadata
// `--help` shows, so the two cannot drift apart. Run by `npm run build` after `oclif manifest`.
//   node scripts/gen-man.js [OUTDIR]    (default: man/)
// Output is deterministic (no date, the package version in .TH) so rebuilding changes nothing.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'man'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
const bin = pkg.oclif.bin;

// Escapes text for roff. Backslashes first, since the other escapes add some. Every '-' becomes '\-'
// so that options and commands render (and copy) as ASCII minus; quotes, '~' and '^' would otherwise
// be typeset as curly quotes and modifier letters in UTF-8 output, breaking copied examples.
function esc(text) {
  return String(text)
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/'/g, '\\(aq')
    .replace(/`/g, '\\(ga')
    .replace(/~/g, '\\(ti')
    .replace(/\^/g, '\\(ha')
    // An ellipsis as three dots: no glyph in the ascii device a C locale renders with.
    .replace(/\u2026/g, '...')
    // Other non-ASCII as \[uXXXX]: troff then needs no input-encoding step (preconv) to read the page.
    .replace(/[^\x00-\x7f]/gu, (ch) => `\\[u${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}
// A text line starting with '.' or "'" would be read as a request; \& is a zero-width guard. Applied to
// whole lines of text, once they are assembled.
const guard = (lines) => lines.replace(/^[.']/gm, '\\&$&');
const bold = (t) => `\\fB${esc(t)}\\fR`;
const ital = (t) => `\\fI${esc(t)}\\fR`;
// `code` in help texts (as Markdown writes it) is set in bold, the man-page way.
const inline = (text) => String(text).split(/`([^`\n]+)`/).map((s, i) => (i % 2 ? bold(s) : esc(s))).join('');
// Filled text: one source line per input line, leading blanks dropped (they would force a break),
// blank lines turned into paragraph breaks.
const para = (text) => String(text).split(/\n\s*\n/).map((p) => guard(inline(p.split('\n').map((l) => l.trim()).join('\n')))).join('\n.PP\n');
// Help texts for flags and arguments are fragments; a full stop lets the notes that follow read as
// sentences. No capitalising: a fragment may start with a literal (json).
const sentence = (text) => para(text + (/[.!?]$/.test(text) ? '' : '.'));

const words = (id) => id.split(':').join(' ');
const pageName = (id) => `${bin}-${id.split(':').join('-')}`;
const commands = Object.values(manifest.commands)
  .filter((c) => !c.hidden)
  // Plain code-unit order, not localeCompare: the output must not depend on the build machine's locale.
  .sort((a, b) => (words(a.id) < words(b.id) ? -1 : 1));
const visibleFlags = (c) => Object.values(c.flags).filter((f) => !f.hidden);
const own = (c) => visibleFlags(c).filter((f) => f.helpGroup !== 'GLOBAL');
// The global flags, in manifest order: every command carries the same set from the base command.
const globals = [...new Map(commands.flatMap(visibleFlags).filter((f) => f.helpGroup === 'GLOBAL').map((f) => [f.name, f])).values()];

// No automatic hyphenation (.nh, and HY 0 because .EE restores hyphenation from HY), so words and option
// names in running text are rendered, searched and copied whole; left-adjusted (.ad l), since long paths
// in justified text leave wide gaps.
function th(name) {
  return `.TH ${name.toUpperCase().replace(/-/g, '\\-')} 1 "" "${bin} ${pkg.version}" "User Commands"\n.nr HY 0\n.nh\n.ad l`;
}

// One .TP entry per flag: **--name**, **-n**=*value*, then its description and what the manifest adds.
function option(f) {
  const names = [`--${f.name}`, ...(f.aliases || []).map((a) => `--${a}`)].map(bold);
  if (f.char) names.push(bold(`-${f.char}`));
  let tag = names.join(', ');
  if (f.type === 'option') tag += '=' + ital(f.options ? f.options.join('|') : 'value');
  const notes = [];
  if (f.multiple) notes.push('It can be given more than once.');
  if (f.allowNo) notes.push(`${bold(`--no-${f.name}`)} turns it off.`);
  if (f.default !== undefined && f.default !== false) notes.push(`The default is ${bold(String(f.default))}.`);
  return ['.TP', tag, [f.description ? sentence(f.description) : '', ...notes].filter(Boolean).join('\n')].join('\n');
}

function synopsis(c, id) {
  const args = Object.values(c.args).map((a) => (a.required ? ital(a.name.toUpperCase()) : `[${ital(a.name.toUpperCase())}]`));
  // A non-strict command takes any number of arguments after the declared ones.
  if (c.strict === false) {
    if (!args.length) args.push(`[${ital('ARG')}]`);
    args[args.length - 1] += '\\ .\\|.\\|.';
  }
  return [bold(`${bin} ${words(id)}`), own(c).length ? `[${ital('options')}]` : '', ...args].filter(Boolean).join(' ');
}

function examples(c) {
  return (c.examples || []).map((ex) => {
    const e = typeof ex === 'string' ? {command: ex} : ex;
    const text = (s) => s.replace(/<%=\s*config\.bin\s*%>/g, bin).replace(/<%=\s*command\.id\s*%>/g, words(c.id));
    return [e.description ? `.PP\n${para(text(e.description))}` : '', '.PP\n.EX', guard(esc(text(e.command))), '.EE'].filter(Boolean).join('\n');
  });
}

function commandPage(c) {
  const aliases = c.aliases || [];
  const out = [th(pageName(c.id)), '.SH NAME', `${esc(pageName(c.id))} \\- ${esc(c.summary || '')}`];
  out.push('.SH SYNOPSIS', [c.id, ...aliases].map((id) => synopsis(c, id)).join('\n.br\n'));
  out.push('.SH DESCRIPTION', c.description ? para(c.description) : sentence(c.summary || ''));
  if (aliases.length) out.push('.PP', `${aliases.map((a) => bold(`${bin} ${words(a)}`)).join(', ')} ${aliases.length > 1 ? 'are aliases' : 'is an alias'} of ${bold(`${bin} ${words(c.id)}`)}.`);
  for (const a of Object.values(c.args)) if (a.description) out.push('.TP', ital(a.name.toUpperCase()), sentence(a.description));
  if (own(c).length) out.push('.SH OPTIONS', ...own(c).map(option));
  if (globals.length) {
    out.push('.SH GLOBAL OPTIONS', `These may also be given before the command; see ${bold(bin)}(1).`, ...globals.map(option));
  }
  const ex = examples(c);
  if (ex.length) out.push('.SH EXAMPLES', ...ex);
  // Related pages: the main page and the other commands the examples use (create → start).
  const used = commands.filter((o) => o !== c && (c.examples || []).some((e) => `${e.command || e} `.includes(`%> ${words(o.id)} `)));
  out.push('.SH SEE ALSO', [`${bold(bin)}(1)`, ...used.map((o) => `${bold(pageName(o.id))}(1)`)].join(', '));
  return out.join('\n') + '\n';
}

function mainPage() {
  const out = [th(bin), '.SH NAME', `${bin} \\- ${esc(pkg.description)}`];
  out.push('.SH SYNOPSIS', `${bold(bin)} [${ital('global options')}] ${ital('command')} [${ital('options')}] [${ital('arguments')}]`);
  out.push('.SH DESCRIPTION', para(`${bin} runs containers as an ordinary user, without a daemon and without root: each command is a short-lived process, containers live in the user's own storage, and a user namespace built from the subordinate ids in /etc/subuid and /etc/subgid gives them their own root.
It follows Podman's command-line interface (commands, flags, exit codes, --format and JSON field names), so scripts written for Podman or Docker mostly keep working.

Help for each command, with examples, is given by \`${bin} COMMAND --help\` and by its own page, listed under COMMANDS.`));
  out.push('.SH GLOBAL OPTIONS', 'Global options come before the command, and may also be given after it.');
  out.push(...globals.map(option));
  out.push('.TP', `${bold('--help')}, ${bold('-h')}`, para('Show help for burrow or for a command (`-h` only where the command has no `-h` option of its own).'));
  out.push('.TP', `${bold('--version')}, ${bold('-v')}`, 'Print the version.');
  out.push('.SH COMMANDS');
  for (const c of commands) {
    const also = (c.aliases || []).length ? ` (also ${(c.aliases || []).map((a) => bold(`${bin} ${words(a)}`)).join(', ')})` : '';
    out.push('.TP', `${bold(pageName(c.id))}(1)`, `${esc(c.summary || '')}${also}`);
  }
  out.push('.SH FILES');
  const file = (name, text) => out.push('.TP', name, para(text));
  file(`${ital('$XDG_DATA_HOME')}${esc('/burrow')}`, 'The storage root: blobs, image records, extracted layers and containers. Without XDG_DATA_HOME it is ~/.local/share/burrow; for root, /var/lib/burrow. Set it with --root or graphroot. It must be on a local disk: a home directory on NFS cannot hold container layers.');
  file(`${ital('$XDG_RUNTIME_DIR')}${esc('/burrow')}`, 'The run root: pause process pid, locks, exit codes and runtime state. When XDG_RUNTIME_DIR is missing or belongs to somebody else (after su or sudo -u, in cron), a private /tmp/burrow-run-UID is used instead; for root, /run/burrow. Set it with --runroot or runroot.');
  file(`${ital('$XDG_CONFIG_HOME')}${esc('/burrow/storage.conf')}`, 'Storage settings, in TOML (default ~/.config/burrow/storage.conf; for root, /etc/burrow/storage.conf). The flags --root and --runroot take precedence. For example:');
  out.push('.RS', '.PP', '.EX', guard(esc('[storage]\ngraphroot = "/scratch/me/burrow"   # storage root\nrunroot = "/tmp/me-burrow-run"     # run root\ndriver = "overlay"                 # overlay | fuse-overlayfs | vfs')), '.EE', '.RE');
  file(`${esc('/etc/subuid')}, ${esc('/etc/subgid')}`, 'The subordinate ids mapped into the user namespace. Without a range only your own uid is mapped. After the ranges change, run `burrow system migrate`.');
  out.push('.SH EXIT STATUS');
  out.push('.TP', bold('125'), para('burrow itself failed (bad flags, missing image, host misconfiguration).'));
  out.push('.TP', bold('126'), para('The container command was found but could not be invoked.'));
  out.push('.TP', bold('127'), para('The container command was not found.'));
  out.push('.PP', para('Otherwise the exit code is the container command\'s own (`burrow run`, `burrow wait`). `burrow rm` and `burrow rmi` exit with 1 when an object does not exist and 2 when it is in use.'));
  out.push('.SH SEE ALSO', [...commands.map((c) => `${bold(pageName(c.id))}(1)`), `${bold('podman')}(1)`, `${bold('subuid')}(5)`, `${bold('subgid')}(5)`, `${bold('newuidmap')}(1)`, `${bold('crun')}(1)`, `${bold('runc')}(8)`, `${bold('conmon')}(8)`, `${bold('fuse-overlayfs')}(1)`].join(', '));
  return out.join('\n') + '\n';
}

fs.mkdirSync(outDir, {recursive: true});
// Pages of commands that no longer exist must not linger; only generated names are touched.
for (const f of fs.readdirSync(outDir)) if (/^burrow.*\.1$/.test(f)) fs.rmSync(path.join(outDir, f));
fs.writeFileSync(path.join(outDir, `${bin}.1`), mainPage());
for (const c of commands) fs.writeFileSync(path.join(outDir, `${pageName(c.id)}.1`), commandPage(c));
