// info, version, unshare, system migrate, completion.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../../errors';
import {renderInspect} from '../../format/output';
import {goFieldView} from '../../format/go-field-view';
import type {Action} from './context';
import {goArch} from '../../config/platform';

export const info: Action = async ({flags}, cli) => {
  const data = await cli.engine().info();
  const format = flags.format as string | undefined;
  if (!format || format === 'json') {
    cli.out(JSON.stringify(data, null, 2) + '\n');
    return;
  }
  // Podman's templates use Go field names (Host.OCIRuntime.Name) for JSON keys like host.ociRuntime.name.
  cli.out(renderInspect([goFieldView(data)], format));
};

export const version: Action = async ({flags}, cli) => {
  const v = cli.version;
  const client = {APIVersion: v, Version: v, GoVersion: process.version, GitCommit: '', BuiltTime: '', Built: 0, OsArch: `linux/${goArch()}`, Os: 'linux'};
  const format = flags.format as string | undefined;
  if (format === 'json') cli.out(JSON.stringify({Client: client}, null, 4) + '\n');
  else if (format) cli.out(renderInspect([{Client: client}], format));
  else cli.out(`Client:       burrow\nVersion:      ${v}\nAPI Version:  ${v}\nNode Version: ${process.version}\nOS/Arch:      ${client.OsArch}\n`);
};

export const unshare: Action = async ({rest}, cli) => {
  // Everything after `unshare` is the command, flags included (as with `podman unshare`).
  process.exitCode = await cli.engine().unshare(rest[0] === '--' ? rest.slice(1) : rest);
};

export const migrate: Action = async (_cmd, cli) => {
  const res = await cli.engine().migrate();
  for (const n of res.stopped) cli.err(`stopped container ${n}\n`);
};

const COMPLETION_FILES: Record<string, string> = {bash: 'burrow.bash', zsh: '_burrow', fish: 'burrow.fish'};

export const completion: Action = async ({args}, cli) => {
  const file = COMPLETION_FILES[args.shell!];
  if (!file) throw new InvalidInputError(`no completion script for shell "${args.shell}"`, {hint: 'choose bash, zsh or fish'});
  // Written by the build next to the man pages (scripts/gen-completions.js).
  cli.out(fs.readFileSync(path.resolve(__dirname, '../../../../completions', file), 'utf8'));
};
