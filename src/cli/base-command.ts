// Base of every command: Podman's global flags, lazy engine construction (so `--help` and completions
// never load the engine), and the one place that turns errors into "Error: …" and exit codes.
import {Command, Flags} from '@oclif/core';
import type {Engine} from '../engine/engine';
import {globalOptions} from './global-options';
import {parseLevel, setLogLevel} from '../log';

export abstract class BurrowCommand extends Command {
  static override baseFlags = {
    root: Flags.string({description: 'path to the storage root directory', helpGroup: 'GLOBAL'}),
    runroot: Flags.string({description: 'path to the run root directory (pause pid, locks, runtime state)', helpGroup: 'GLOBAL'}),
    'log-level': Flags.string({description: 'log messages at and above this level (debug, info, warn, error)', helpGroup: 'GLOBAL'}),
    runtime: Flags.string({description: 'OCI runtime to use (crun, runc or a path)', helpGroup: 'GLOBAL'}),
    'storage-driver': Flags.string({description: 'storage driver (overlay, fuse-overlayfs, vfs)', helpGroup: 'GLOBAL'}),
  };

  private engineInstance?: Engine;

  /** Applies --log-level (command flag or global). Call right after this.parse(). */
  protected applyGlobals(flags: Record<string, unknown>): void {
    const level = (flags['log-level'] as string | undefined) ?? globalOptions['log-level'];
    if (level) {
      const l = parseLevel(level);
      if (!l) this.error(`invalid log level "${level}" (use debug, info, warn or error)`, {exit: 125});
      setLogLevel(l);
    }
  }

  protected async engine(flags: Record<string, unknown>): Promise<Engine> {
    if (!this.engineInstance) {
      // Loaded here, not at import time: `--help` and completions must not pay for the engine.
      const {Engine} = require('../engine/engine') as typeof import('../engine/engine');
      this.engineInstance = new Engine({
        root: (flags.root as string | undefined) ?? globalOptions.root,
        runroot: (flags.runroot as string | undefined) ?? globalOptions.runroot,
        runtime: (flags.runtime as string | undefined) ?? globalOptions.runtime,
        storageDriver: (flags['storage-driver'] as string | undefined) ?? globalOptions['storage-driver'],
      });
    }
    return this.engineInstance;
  }

  /** Prints one line per failed item (Podman style) and sets the exit code of the last failure. */
  protected reportErrors(reports: {error?: Error}[]): void {
    for (const r of reports) if (r.error) this.printError(r.error);
  }

  protected printError(e: Error): void {
    const err = e as Error & {exitCode?: number; hint?: string};
    process.stderr.write(`Error: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    process.exitCode = err.exitCode ?? 125;
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (err.oclif?.exit === 0) return;
    if (err.exitCode !== undefined || err.name?.endsWith('Error') && !err.oclif) {
      this.printError(err);
      return;
    }
    // oclif's own parse errors: Podman uses 125 for bad flags and arguments. Kept to one line.
    const lines = err.message.split('\n');
    const end = lines.findIndex((l) => /^\s*(Note:|See more help)/.test(l));
    const text = (end < 0 ? lines : lines.slice(0, end)).map((l) => l.trim().replace(/\s{2,}/g, ': ')).filter(Boolean).join(' ');
    process.stderr.write(`Error: ${text} (see \`${[this.config.bin, this.id, '--help'].filter(Boolean).join(' ')}\`)\n`);
    process.exitCode = 125;
  }
}
