// The man pages written by scripts/gen-man.js from oclif.manifest.json: one per visible command with its
// summary, flags and examples, a main page listing every command, and roff that man renders without a
// warning. The generator runs into a temporary directory, so the test does not depend on a prior build
// of man/ (only on the manifest).
import {expect} from 'chai';
import {execFileSync, spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');

interface Flag {name: string; char?: string; hidden?: boolean}
interface Command {id: string; summary?: string; hidden?: boolean; aliases?: string[]; examples?: (string | {command: string})[]; flags: Record<string, Flag>}

const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, Command>};
const visible = Object.values(manifest.commands).filter((c) => !c.hidden);
const hidden = Object.values(manifest.commands).filter((c) => c.hidden);
const pageFile = (id: string) => `burrow-${id.split(':').join('-')}.1`;
const exampleText = (e: string | {command: string}) => (typeof e === 'string' ? e : e.command).replace(/<%=\s*config\.bin\s*%>/g, 'burrow');

/** The text a roff source line shows, for the escapes the generator writes (one left-to-right pass). */
function plain(roff: string): string {
  const glyphs: Record<string, string> = {aq: "'", ga: '`', ti: '~', ha: '^'};
  return roff.replace(/\\(f[BIRP]|-|\(..|\[u([0-9A-F]+)\]|&|e| |\|)/g, (_m, esc: string, hex?: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (esc.startsWith('(')) return glyphs[esc.slice(1)] ?? `\\${esc}`;
    return ({'-': '-', e: '\\', ' ': ' '} as Record<string, string>)[esc] ?? '';
  });
}

function generate(dir: string): void {
  execFileSync(process.execPath, [path.join(repo, 'scripts/gen-man.js'), dir], {stdio: ['ignore', 'ignore', 'inherit']});
}

describe('unit: man pages (scripts/gen-man.js)', () => {
  let dir: string;
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-man-'));
    // man may read the pages as another user (man-db drops privileges as root).
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'burrow-gone.1'), 'a page of a command that no longer exists\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not generated\n');
    generate(dir);
  });
  after(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('writes one page per visible command, none for hidden commands, and removes stale pages only', () => {
    const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.1')).sort();
    expect(pages).to.deep.equal(['burrow.1', ...visible.map((c) => pageFile(c.id))].sort());
    for (const c of hidden) expect(pages).to.not.include(pageFile(c.id));
    expect(fs.existsSync(path.join(dir, 'README.md'))).to.equal(true);
  });

  for (const c of visible) {
    it(`${pageFile(c.id)}: summary, every visible flag, examples with burrow, aliases`, () => {
      const text = plain(read(pageFile(c.id)));
      expect(text).to.include(c.summary);
      for (const f of Object.values(c.flags).filter((f) => !f.hidden)) {
        expect(text, f.name).to.include(`--${f.name}`);
        if (f.char) expect(text, f.name).to.include(`-${f.char}`);
      }
      for (const f of Object.values(c.flags).filter((f) => f.hidden)) expect(text).to.not.match(new RegExp(`--${f.name}\\b`));
      expect(c.examples ?? [], 'the command has examples').to.not.be.empty;
      for (const e of c.examples ?? []) expect(text).to.include(exampleText(e));
      expect(text).to.not.include('<%');
      for (const a of c.aliases ?? []) expect(text).to.include(`burrow ${a.split(':').join(' ')}`);
    });
  }

  it('burrow.1 lists every command with its summary, the global options, files and exit codes', () => {
    const text = plain(read('burrow.1'));
    for (const c of visible) {
      expect(text).to.include(`${pageFile(c.id).slice(0, -2)}(1)`);
      expect(text).to.include(c.summary);
    }
    for (const c of hidden) expect(text).to.not.include(pageFile(c.id).slice(0, -2));
    for (const f of Object.values(visible[0].flags).filter((f) => (f as {helpGroup?: string}).helpGroup === 'GLOBAL')) {
      expect(text).to.include(`--${f.name}`);
    }
    expect(text).to.include('.local/share/burrow').and.include('storage.conf');
    for (const code of ['125', '126', '127']) expect(text).to.include(code);
  });

  it('is deterministic: a second run writes the same bytes', () => {
    const again = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-man-'));
    try {
      generate(again);
      for (const f of fs.readdirSync(again)) expect(read(f), f).to.equal(fs.readFileSync(path.join(again, f), 'utf8'));
    } finally {
      fs.rmSync(again, {recursive: true, force: true});
    }
  });

  it('man renders every page without a warning', function () {
    const version = spawnSync('man', ['--version'], {encoding: 'utf8'});
    // Absent man, or a stub (minimised Ubuntu images replace it with a notice): nothing to check with.
    if (version.error || !/^man /.test(version.stdout)) this.skip();
    this.timeout(60_000);
    const env = {...process.env, MANWIDTH: '80', LC_ALL: 'C', MANPAGER: 'cat', PAGER: 'cat'};
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.1'))) {
      const r = spawnSync('man', ['--warnings', '-l', path.join(dir, f)], {env, encoding: 'utf8'});
      expect(r.stderr, f).to.equal('');
      expect(r.status, f).to.equal(0);
      expect(r.stdout, f).to.include(f === 'burrow.1' ? 'BURROW(1)' : 'SYNOPSIS');
    }
  });
});
