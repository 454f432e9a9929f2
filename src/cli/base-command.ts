// Base of every oclif command. Commands hold only metadata (summary, flags, args, examples) for help,
// the manifest and completions; running one means parsing its command line with burrow's parser and
// calling its action — the same code the manifest-driven fast path runs.
import {Command, Flags} from '@oclif/core';
import {parseCommandLine, type ArgSpec, type FlagSpec} from './argv-parser';
import {cliContext, printError} from './actions/context';

export abstract class BurrowCommand extends Command {
  static override baseFlags = {
    root: Flags.string({description: 'path to the storage root directory', helpGroup: 'GLOBAL'}),
    runroot: Flags.string({description: 'path to the run root directory (pause pid, locks, runtime state)', helpGroup: 'GLOBAL'}),
    'log-level': Flags.string({description: 'log messages at and above this level (debug, info, warn, error)', helpGroup: 'GLOBAL'}),
    runtime: Flags.string({description: 'OCI runtime to use (crun, runc or a path)', helpGroup: 'GLOBAL'}),
    'storage-driver': Flags.string({description: 'storage driver (overlay, fuse-overlayfs, vfs)', helpGroup: 'GLOBAL'}),
  };

  async run(): Promise<void> {
    const {ACTIONS} = require('./actions/registry') as typeof import('./actions/registry');
    const entry = ACTIONS[this.id!];
    const ctor = this.constructor as unknown as {baseFlags: object; flags?: object; args?: object; strict?: boolean};
    const named = <T>(o: object | undefined) => Object.fromEntries(Object.entries(o ?? {}).map(([name, v]) => [name, {...(v as object), name} as T]));
    const parsed = parseCommandLine({
      id: this.id!, flags: named<FlagSpec>({...ctor.baseFlags, ...ctor.flags}), args: named<ArgSpec>(ctor.args), strict: ctor.strict, passThrough: entry.passThrough,
    }, this.argv);
    await entry.load()(parsed, cliContext(parsed.flags, this.config.version));
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (err.oclif?.exit === 0) return;
    if (!err.oclif) {
      printError(err);
      return;
    }
    // oclif's own errors: Podman uses 125 for bad flags and arguments. Kept to one line.
    const lines = err.message.split('\n');
    const end = lines.findIndex((l) => /^\s*(Note:|See more help)/.test(l));
    const text = (end < 0 ? lines : lines.slice(0, end)).map((l) => l.trim().replace(/\s{2,}/g, ': ')).filter(Boolean).join(' ');
    process.stderr.write(`Error: ${text} (see \`${[this.config.bin, this.id, '--help'].filter(Boolean).join(' ')}\`)\n`);
    process.exitCode = 125;
  }
}
