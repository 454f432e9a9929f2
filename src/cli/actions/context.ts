// What an action (the body of a command) gets: the parsed command line, a lazily built engine, and
// output functions. Both entry points — the manifest-driven fast path and oclif — run the same actions.
import type {Engine} from '../../engine/engine';
import type {ParsedCommandLine} from '../argv-parser';
import {globalOptions} from '../global-options';
import {parseLevel, setLogLevel} from '../../log';
import {InvalidInputError} from '../../errors';

export interface CliContext {
  engine(): Engine;
  out(text: string): void;
  err(text: string): void;
  version: string;
}

export type Action = (cmd: ParsedCommandLine, cli: CliContext) => Promise<void>;

/** Applies --log-level and builds the context; the engine module is loaded only when first asked for. */
export function cliContext(flags: Record<string, unknown>, version: string): CliContext {
  const opt = (name: string) => (flags[name] as string | undefined) ?? globalOptions[name];
  const level = opt('log-level');
  if (level) {
    const l = parseLevel(level);
    if (!l) throw new InvalidInputError(`invalid log level "${level}"`, {hint: 'use debug, info, warn or error'});
    setLogLevel(l);
  }
  let engine: Engine | undefined;
  return {
    engine() {
      if (!engine) {
        const {Engine} = require('../../engine/engine') as typeof import('../../engine/engine');
        engine = new Engine({root: opt('root'), runroot: opt('runroot'), runtime: opt('runtime'), storageDriver: opt('storage-driver')});
      }
      return engine;
    },
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    version,
  };
}

/** Podman prints "Error: …" once per failure; the last failure's code becomes the exit code. */
export function printError(e: unknown): void {
  const err = e as Error & {exitCode?: number; hint?: string};
  process.stderr.write(`Error: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
  process.exitCode = err.exitCode ?? 125;
}

export function reportErrors(reports: {error?: Error}[]): void {
  for (const r of reports) if (r.error) printError(r.error);
}

/** Podman's question before `network prune` / `volume prune` without -f; false when the answer is no. */
export async function confirmPrune(cli: CliContext, what: 'networks' | 'volumes'): Promise<boolean> {
  const {confirm} = require('../confirm') as typeof import('../confirm');
  return confirm(`WARNING! This will remove all ${what} not used by at least one container.\nAre you sure you want to continue? [y/N] `, cli.out);
}

/**
 * Runs `fn` for each item in order; an item's failure does not stop the others. The failures are
 * printed (one line each) after all the output, as Podman does, and returned for the exit code.
 */
export async function forEachReported<T>(items: readonly T[], fn: (item: T) => Promise<void> | void): Promise<{error?: Error}[]> {
  const reports: {error?: Error}[] = [];
  for (const item of items) {
    try {
      await fn(item);
    } catch (e) {
      reports.push({error: e as Error});
    }
  }
  return reports;
}
