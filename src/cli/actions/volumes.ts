// Volume verbs: flags → one engine call → output, as Podman prints them.
import * as fs from 'node:fs';
import {InvalidInputError} from '../../errors';
import {formatList} from '../list-output';
import {renderInspect} from '../../format/output';
import {parseLabels} from '../../runtime/container-manager';
import {type Action, confirmPrune, forEachReported, reportErrors} from './context';

const strs = (v: unknown) => (v as string[] | undefined) ?? [];

const VOLUME_HEADERS: Record<string, string> = {Name: 'VOLUME NAME', Driver: 'DRIVER', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS', Options: 'OPTIONS', CreatedAt: 'CREATED AT'};

/** --opt KEY=VALUE (a bare KEY means an empty value), as Podman's volume create reads them. */
function parseOpts(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of list) {
    const eq = o.indexOf('=');
    if (eq === 0) throw new InvalidInputError(`invalid volume option "${o}"`, {hint: 'use --opt KEY=VALUE'});
    out[eq < 0 ? o : o.slice(0, eq)] = eq < 0 ? '' : o.slice(eq + 1);
  }
  return out;
}

/** The exit code of the worst failure: Podman's 1 for "no such", 2 for "in use", else 125. */
function exitFor(reports: {error?: Error}[]): void {
  if (reports.length > 0) process.exitCode = Math.max(...reports.map((r) => (r.error?.name === 'NoSuchObjectError' ? 1 : (r.error as {exitCode?: number}).exitCode ?? 125)));
}

export const volumeCreate: Action = async ({flags, args}, cli) => {
  const rec = await cli.engine().volumes.create({
    name: args.name, labels: parseLabels(strs(flags.label)), options: parseOpts(strs(flags.opt)), driver: flags.driver as string | undefined,
    ignoreExisting: flags.ignore === true,
  });
  cli.out(`${rec.Name}\n`);
};

export const volumeList: Action = async ({flags}, cli) => {
  const data = await cli.engine().volumes.list(strs(flags.filter));
  if (flags.quiet) {
    cli.out(data.rows.map((r) => `${(r as {Name: string}).Name}\n`).join(''));
    return;
  }
  cli.out(formatList(data, {defaultFormat: 'table {{.Driver}}\t{{.Name}}', headers: VOLUME_HEADERS, jsonIndent: 4},
    {format: flags.format as string | undefined, noHeading: flags.noheading === true}));
};

export const volumeInspect: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  let names = argv;
  if (flags.all) names = (await engine.volumes.list([])).rows.map((r) => (r as {Name: string}).Name);
  else if (argv.length === 0) throw new InvalidInputError('provide one or more volume names or use --all');
  const found: object[] = [];
  const reports = await forEachReported(names, async (name) => {
    found.push(await engine.volumes.inspect(name));
  });
  if (found.length > 0 || !flags.format) cli.out(renderInspect(found, flags.format as string | undefined));
  reportErrors(reports);
  if (reports.length > 0) process.exitCode = 125;
};

export const volumeRemove: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  let names = argv;
  if (flags.all) {
    if (argv.length > 0) throw new InvalidInputError('when using the --all flag, you may not pass any volume names');
    names = (await engine.volumes.list([])).rows.map((r) => (r as {Name: string}).Name);
  } else if (argv.length === 0) {
    throw new InvalidInputError('choose either one or more volumes or all');
  }
  const reports = await forEachReported(names, async (name) => {
    const r = await engine.volumes.remove(name, {force: flags.force === true, time: flags.time as number | undefined});
    cli.out(`${r.name}\n`);
  });
  reportErrors(reports);
  exitFor(reports);
};

export const volumePrune: Action = async ({flags}, cli) => {
  if (!flags.force && !(await confirmPrune(cli, 'volumes'))) return;
  for (const n of await cli.engine().volumes.prune(strs(flags.filter))) cli.out(`${n}\n`);
};

export const volumeExists: Action = async ({args}, cli) => {
  if (!cli.engine().volumes.exists(args.name!)) process.exitCode = 1;
};

export const volumeExport: Action = async ({flags, args}, cli) => {
  const output = flags.output as string | undefined;
  if (!output && process.stdout.isTTY) throw new InvalidInputError('cannot write to terminal, use command-line redirection or the --output flag');
  await cli.engine().volumes.exportVolume(args.name!, {output, stdout: output ? undefined : process.stdout});
};

export const volumeImport: Action = async ({args}, cli) => {
  const source = args.source!;
  let input: AsyncIterable<Buffer>;
  if (source === '-') {
    if (process.stdin.isTTY) throw new InvalidInputError('cannot read from terminal, use command-line redirection or give a file');
    input = process.stdin as AsyncIterable<Buffer>;
  } else {
    try {
      fs.accessSync(source, fs.constants.R_OK);
    } catch (e) {
      throw new InvalidInputError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {hint: 'give a readable tar file, or - for standard input'});
    }
    input = fs.createReadStream(source);
  }
  await cli.engine().volumes.importVolume(args.name!, input);
};
