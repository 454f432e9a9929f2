// The usual way a command runs: find it in oclif's manifest, parse its command line with the specs the
// manifest holds, and run its action — without loading oclif, which costs more than the rest of a
// `burrow ps`. Help, unknown commands and usage errors that ask for help go to oclif.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {parseCommandLine, type ArgSpec, type CommandSpec, type FlagSpec} from './argv-parser';
import {ACTIONS} from './actions/registry';
import {cliContext, printError} from './actions/context';

interface ManifestCommand {
  id: string;
  aliases?: string[];
  strict?: boolean;
  flags: Record<string, FlagSpec>;
  args: Record<string, ArgSpec>;
}

const root = path.resolve(__dirname, '../../..');

function loadManifest(): Record<string, ManifestCommand> | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}).commands;
  } catch {
    return undefined;
  }
}

/** The command a command line names (topics are separated by spaces, as in Podman), with its alias. */
export function findCommand(commands: Record<string, ManifestCommand>, tokens: readonly string[]): {typed: string; cmd: ManifestCommand; consumed: number} | undefined {
  const byAlias = new Map<string, ManifestCommand>();
  for (const c of Object.values(commands)) for (const a of c.aliases ?? []) byAlias.set(a, c);
  for (const n of [2, 1]) {
    if (tokens.length < n || tokens.slice(0, n).some((t) => t.startsWith('-'))) continue;
    const typed = tokens.slice(0, n).join(':');
    const cmd = commands[typed] ?? byAlias.get(typed);
    if (cmd) return {typed, cmd, consumed: n};
  }
  return undefined;
}

export type FastResult = {handled: true} | {handled: false; argv: string[]};

/** Runs the command if it can be done without oclif; otherwise says what oclif should be given. */
export async function runFast(tokens: readonly string[], version: string): Promise<FastResult> {
  const toOclif: FastResult = {handled: false, argv: [...tokens]};
  if (process.env.BURROW_NO_FAST_PATH) return toOclif;
  const commands = loadManifest();
  if (!commands) return toOclif;
  const found = findCommand(commands, tokens);
  if (!found) return toOclif;
  const entry = ACTIONS[found.typed] ?? ACTIONS[found.cmd.id];
  if (!entry) return toOclif;
  const rest = tokens.slice(found.consumed);
  // oclif knows only --help; a command's -h (where it is not another flag) means the same.
  const help: FastResult = {handled: false, argv: [...tokens.slice(0, found.consumed), '--help']};
  if (entry.passThrough === 'all' && (rest[0] === '--help' || rest[0] === '-h')) return help;
  const spec: CommandSpec = {id: found.cmd.id, flags: withHelp(found.cmd.flags), args: found.cmd.args, strict: found.cmd.strict, passThrough: entry.passThrough};
  let parsed;
  try {
    parsed = parseCommandLine(spec, rest);
  } catch (e) {
    if (rest.includes('--help')) return help;
    printError(e);
    return {handled: true};
  }
  if (parsed.flags.help === true) return help;
  try {
    await entry.load()(parsed, cliContext(parsed.flags, version));
  } catch (e) {
    printError(e);
  }
  return {handled: true};
}

/** --help (and -h where the command does not use it, as run's --hostname does) asks for oclif's help. */
function withHelp(flags: Record<string, FlagSpec>): Record<string, FlagSpec> {
  const hTaken = Object.values(flags).some((f) => f.char === 'h');
  return {...flags, help: {name: 'help', type: 'boolean', ...(hTaken ? {} : {char: 'h'})}};
}
