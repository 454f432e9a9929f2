// Registry verbs: pull, push, login, logout, search. Progress goes to stderr (bars on a terminal, one
// line when piped); stdout carries only what scripts read (the image id, search results).
import * as fs from 'node:fs';
import {InvalidInputError} from '../../errors';
import {requestedPlatform, type Platform} from '../../image/manifest';
import {formatList} from '../list-output';
import {registryOptions} from '../registry-flags';
import {TransferProgress} from '../transfer-progress';
import {humanSize} from '../../format/human';
import type {ParsedCommandLine} from '../argv-parser';
import type {Action, CliContext} from './context';
import {readSecret} from '../secret-prompt';

export function platformOf(flags: Record<string, unknown>): Platform {
  return requestedPlatform({platform: flags.platform as string | undefined, os: flags.os as string | undefined, arch: flags.arch as string | undefined, variant: flags.variant as string | undefined});
}

/** Pulls with progress on stderr; shared by `pull` and `run`/`create` when the image is missing. */
export async function pullWithProgress(cli: CliContext, cmd: ParsedCommandLine, ref: string, quiet: boolean, policy?: string): Promise<string | undefined> {
  const progress = TransferProgress.for(process.stderr, quiet);
  const opts = {...registryOptions(cmd), platform: platformOf(cmd.flags)};
  let pulled: {id: string; name: string; fetched: number; skipped: number; bytes: number; foreign?: number} | undefined;
  const onEvent = (e: {kind: string}) => progress.event(e);
  try {
    if (policy === undefined) {
      const r = await cli.engine().pull(ref, opts, onEvent);
      pulled = {id: r.image.id, name: r.name, fetched: r.fetched, skipped: r.skipped, bytes: r.bytes, foreign: r.foreign};
    } else {
      await cli.engine().ensureImage(ref, policy, opts, (e) => {
        if (e.kind === 'stored') pulled = {id: (e as {id: string}).id, name: ref, fetched: 0, skipped: 0, bytes: 0};
        onEvent(e);
      });
    }
  } catch (e) {
    progress.abort();
    throw e;
  }
  if (pulled) {
    const secs = progress.elapsedSeconds;
    const what = pulled.fetched + pulled.skipped > 0 ? ` (${pulled.fetched} layer${pulled.fetched === 1 ? '' : 's'} fetched${pulled.skipped ? `, ${pulled.skipped} already present` : ''}, ${humanSize(pulled.bytes)} in ${secs.toFixed(1)}s)` : '';
    const foreign = pulled.foreign ? `; ${pulled.foreign} foreign layer${pulled.foreign === 1 ? '' : 's'} skipped (not distributable, not needed on Linux)` : '';
    progress.finish(`Pulled ${pulled.name}${what}${foreign}`);
  }
  return pulled?.id;
}

export const pull: Action = async (cmd, cli) => {
  const refs = cmd.argv;
  if (refs.length === 0) throw new InvalidInputError('pull requires at least one image name', {hint: 'e.g. burrow pull docker.io/library/busybox'});
  for (const ref of refs) {
    const id = await pullWithProgress(cli, cmd, ref, cmd.flags.quiet === true);
    cli.out(`${id}\n`);
  }
};

export const push: Action = async (cmd, cli) => {
  const [source, destination] = cmd.argv;
  if (!source) throw new InvalidInputError('push requires an image', {hint: 'burrow push IMAGE [DESTINATION]'});
  const progress = TransferProgress.for(process.stderr, cmd.flags.quiet === true);
  let r;
  try {
    r = await cli.engine().push(source, destination?.replace(/^docker:\/\//, ''), {...registryOptions(cmd), format: cmd.flags.format as string | undefined}, progress.event);
  } catch (e) {
    progress.abort();
    throw e;
  }
  progress.finish(`Pushed ${r.destination} (${r.uploaded} blob${r.uploaded === 1 ? '' : 's'} uploaded, ${r.skipped} already there) ${r.digest}`);
  const digestFile = cmd.flags.digestfile as string | undefined;
  if (digestFile) fs.writeFileSync(digestFile, r.digest);
};

export const login: Action = async (cmd, cli) => {
  const registry = cmd.args.registry;
  if (!registry) throw new InvalidInputError('login requires a registry', {hint: 'e.g. burrow login quay.io'});
  const f = cmd.flags;
  let username = f.username as string | undefined;
  let password = f.password as string | undefined;
  if (f['password-stdin']) {
    if (password !== undefined) throw new InvalidInputError('--password and --password-stdin cannot be used together');
    password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  }
  if (username === undefined) username = await readSecret('Username: ', {echo: true});
  if (password === undefined) password = await readSecret('Password: ', {echo: false});
  if (!username || !password) throw new InvalidInputError('login needs a user name and a password', {hint: 'use -u USER --password-stdin, or run it on a terminal to be asked'});
  await cli.engine().login(registry, {username, password}, registryOptions(cmd));
  cli.out('Login Succeeded!\n');
};

export const logout: Action = async (cmd, cli) => {
  const registry = cmd.args.registry;
  if (!registry && !cmd.flags.all) throw new InvalidInputError('logout requires a registry, or --all');
  cli.engine().logout(cmd.flags.all ? undefined : registry, registryOptions(cmd));
  cli.out(cmd.flags.all ? 'Removed login credentials for all registries\n' : `Removed login credentials for ${registry}\n`);
};

export const search: Action = async (cmd, cli) => {
  const term = cmd.args.term;
  if (!term) throw new InvalidInputError('search requires a search term');
  const listTags = cmd.flags['list-tags'] === true;
  const rows = await cli.engine().search(term, {...registryOptions(cmd), limit: Number(cmd.flags.limit ?? 25), listTags});
  const data = {json: rows as unknown as Record<string, unknown>[], rows: rows as unknown as Record<string, unknown>[]};
  cli.out(formatList(data, {
    defaultFormat: listTags ? 'table {{.Name}}\t{{.Tag}}' : 'table {{.Name}}\t{{.Description}}',
    headers: {Index: 'INDEX', Name: 'NAME', Description: 'DESCRIPTION', Tag: 'TAG', Stars: 'STARS', Official: 'OFFICIAL', Automated: 'AUTOMATED'},
    jsonIndent: 4,
  }, {format: cmd.flags.format as string | undefined}));
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString();
}
