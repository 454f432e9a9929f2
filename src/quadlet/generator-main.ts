// burrow-generator: the systemd user generator. systemd runs it with three output directories (normal,
// early, late) at boot of the user manager and on `systemctl --user daemon-reload`; it reads the
// quadlet files of the user and writes one service unit per file into the first directory, linking
// units with [Install] WantedBy=/RequiredBy= into TARGET.wants/ (.requires/). `--dryrun` prints them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {UnitFile, UnitFileError} from './unit-file';
import {generateUnits, sourceKind, type Diagnostic, type GenerateResult, type QuadletSource} from './quadlet';
import {writeFileAtomic} from '../storage/atomic-file';

/** Where quadlet files are looked for: QUADLET_UNIT_DIRS (as Podman's), else burrow's and Podman's user dirs. */
export function unitDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.QUADLET_UNIT_DIRS) return env.QUADLET_UNIT_DIRS.split(':').filter(Boolean);
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return [path.join(config, 'burrow', 'systemd'), path.join(config, 'containers', 'systemd')];
}

/** The sources found; the first file of a name wins, as in Quadlet. Unreadable files are errors. */
export function readSources(dirs: readonly string[], errors: Diagnostic[]): QuadletSource[] {
  const seen = new Set<string>();
  const out: QuadletSource[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const f of names) {
      const kind = sourceKind(f);
      if (!kind || seen.has(f)) continue;
      seen.add(f);
      const file = path.join(dir, f);
      try {
        out.push({name: f.slice(0, -kind.length - 1), kind, path: file, unit: UnitFile.parse(fs.readFileSync(file, 'utf8'), file)});
      } catch (e) {
        errors.push(e instanceof UnitFileError ? {file, line: e.line, message: e.message.slice(`${file}:${e.line}: `.length)} : {file, message: (e as Error).message});
      }
    }
  }
  return out;
}

export function burrowBinary(): string {
  return path.resolve(__dirname, '../../../bin/burrow');
}

export function generate(dirs: readonly string[], burrow = burrowBinary()): GenerateResult {
  const errors: Diagnostic[] = [];
  const result = generateUnits(readSources(dirs, errors), burrow);
  return {...result, errors: [...errors, ...result.errors]};
}

/** Writes the units into systemd's output directory, with the .wants/.requires links of [Install]. */
export function writeUnits(result: GenerateResult, outDir: string): void {
  fs.mkdirSync(outDir, {recursive: true});
  for (const u of result.units) {
    writeFileAtomic(path.join(outDir, u.fileName), u.text);
    for (const [targets, suffix] of [[u.wantedBy, 'wants'], [u.requiredBy, 'requires']] as const) {
      for (const t of targets) {
        const dir = path.join(outDir, `${t}.${suffix}`);
        fs.mkdirSync(dir, {recursive: true});
        const link = path.join(dir, u.fileName);
        fs.rmSync(link, {force: true});
        fs.symlinkSync(path.join('..', u.fileName), link);
      }
    }
  }
}

const where = (d: Diagnostic) => `${d.file}${d.line ? `:${d.line}` : ''}`;

export function main(argv: string[]): void {
  const flags = argv.filter((a) => a.startsWith('-'));
  const dirs = argv.filter((a) => !a.startsWith('-'));
  const dryrun = flags.some((f) => f === '-dryrun' || f === '--dryrun');
  const unknown = flags.filter((f) => !['-dryrun', '--dryrun', '-user', '--user', '-v', '--verbose', '-no-kmsg-log', '--no-kmsg-log'].includes(f));
  if (unknown.length > 0 || (!dryrun && dirs.length === 0)) {
    process.stderr.write(`burrow-generator: ${unknown.length ? `unknown option ${unknown[0]}` : 'missing output directory'}\n` +
      'usage: burrow-generator [--dryrun] | burrow-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n');
    process.exitCode = 1;
    return;
  }
  const result = generate(unitDirs());
  for (const w of result.warnings) process.stderr.write(`burrow-generator: ${where(w)}: ${w.message}\n`);
  for (const e of result.errors) process.stderr.write(`burrow-generator: ${where(e)}: ${e.message}; no unit written for it\n`);
  if (dryrun) {
    for (const u of result.units) process.stdout.write(`---${u.fileName}---\n${u.text}\n`);
  } else {
    writeUnits(result, dirs[0]);
  }
  if (result.errors.length > 0) process.exitCode = 1;
}
