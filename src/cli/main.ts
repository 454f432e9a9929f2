// CLI bootstrap: takes Podman's global flags that come before the command (burrow --root X ps), then
// hands the rest to oclif, which loads only the one command asked for (through its manifest).
import {setLogLevel, parseLevel} from '../log';
import {globalOptions} from './global-options';
import {runFast} from './fast-path';

const GLOBAL_WITH_VALUE = new Set(['--root', '--runroot', '--log-level', '--runtime', '--storage-driver']);

export function splitGlobalFlags(argv: readonly string[]): {rest: string[]; globals: Record<string, string>} {
  const globals: Record<string, string> = {};
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!GLOBAL_WITH_VALUE.has(name)) break;
    if (eq > 0) {
      globals[name.slice(2)] = a.slice(eq + 1);
      i += 1;
    } else {
      globals[name.slice(2)] = argv[i + 1] ?? '';
      i += 2;
    }
  }
  return {rest: argv.slice(i), globals};
}

export async function main(argv: readonly string[]): Promise<void> {
  const {rest, globals} = splitGlobalFlags(argv);
  Object.assign(globalOptions, globals);
  if (globals['log-level']) {
    const level = parseLevel(globals['log-level']);
    if (!level) {
      process.stderr.write(`Error: invalid log level "${globals['log-level']}" (use debug, info, warn or error)\n`);
      process.exitCode = 125;
      return;
    }
    setLogLevel(level);
  }
  const version = (require('../../../package.json') as {version: string}).version;
  if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-v')) {
    process.stdout.write(`burrow version ${version}\n`);
    return;
  }
  let argvForOclif = rest.length ? rest : ['--help'];
  if (rest.length > 0) {
    const fast = await runFast(rest, version);
    if (fast.handled) return;
    argvForOclif = fast.argv;
  }
  const oclif = require('@oclif/core') as typeof import('@oclif/core');
  try {
    await oclif.run(argvForOclif, require.resolve('../../../package.json'));
    await oclif.flush();
  } catch (e) {
    const err = e as {oclif?: {exit?: number}; message?: string};
    if (err.oclif?.exit === 0) return;
    process.stderr.write(`Error: ${err.message ?? String(e)}\n`);
    process.exitCode = 125;
  }
}
