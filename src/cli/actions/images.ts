// Image verbs: import, images, rmi, tag, untag, history, image exists, image prune.
import {InvalidInputError} from '../../errors';
import {formatList} from '../list-output';
import {isJsonFormat, renderList} from '../../format/output';
import {type Action, reportErrors} from './context';

const IMAGE_HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Id: 'IMAGE ID', Digest: 'DIGEST', Created: 'CREATED', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE', Containers: 'CONTAINERS', Labels: 'LABELS', ReadOnly: 'R/O',
};

export const importImage: Action = async ({flags, args}, cli) => {
  const img = await cli.engine().importImage({source: args.source!, name: args.reference, changes: (flags.change as string[]) ?? [], message: flags.message as string | undefined});
  cli.out(`${img.id}\n`);
};

export const images: Action = async ({flags, args}, cli) => {
  const filters = [...((flags.filter as string[]) ?? []), ...(args.reference ? [`reference=${args.reference}`] : [])];
  const data = await cli.engine().imageList({all: flags.all === true, filters, noTrunc: flags['no-trunc'] === true, digests: flags.digests === true});
  if (flags.quiet) {
    cli.out([...new Set(data.rows.map((r) => String(r.ID)))].map((id) => `${id}\n`).join(''));
    return;
  }
  const cols = flags.digests ? '{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}' : '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}';
  cli.out(formatList(data, {defaultFormat: `table ${cols}`, headers: IMAGE_HEADERS, jsonIndent: 4}, {format: flags.format as string | undefined, noHeading: flags.noheading === true}));
};

export const rmi: Action = async ({flags, argv}, cli) => {
  if (argv.length === 0 && !flags.all) throw new InvalidInputError('image name or ID must be specified');
  let reports = await cli.engine().removeImages(argv, {force: flags.force === true, all: flags.all === true});
  if (flags.ignore) reports = reports.filter((r) => r.error?.name !== 'NoSuchObjectError');
  for (const r of reports) {
    if (r.error) continue;
    for (const u of r.value!.untagged) cli.out(`Untagged: ${u}\n`);
    for (const d of r.value!.deleted) cli.out(`Deleted: ${d}\n`);
  }
  reportErrors(reports);
  // Podman: 1 when an image does not exist, 2 when it is in use.
  for (const r of reports) if (r.error?.name === 'NoSuchObjectError') process.exitCode = 1;
};

export const tag: Action = async ({argv}, cli) => {
  if (argv.length < 2) throw new InvalidInputError('tag requires at least two arguments: IMAGE TARGET_NAME [TARGET_NAME...]');
  await cli.engine().tag(argv[0], argv.slice(1));
};

export const untag: Action = async ({argv}, cli) => {
  await cli.engine().untag(argv[0], argv.slice(1));
};

const HISTORY_HEADERS: Record<string, string> = {ID: 'ID', Created: 'CREATED', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT'};

export const history: Action = async ({flags, args, given}, cli) => {
  const entries = await cli.engine().imageHistory(args.image!);
  const {historyJson, historyRow} = require('../../image/image-history') as typeof import('../../image/image-history');
  const format = flags.format as string | undefined;
  // Podman's order: JSON wins over --quiet, which wins over a template.
  if (format !== undefined && isJsonFormat(format)) {
    const {goJson} = require('../../format/go-template') as typeof import('../../format/go-template');
    cli.out(`${entries.length === 0 ? '[]' : goJson(entries.map(historyJson), {indent: '', escapeHTML: true})}\n`);
    return;
  }
  // --human defaults to true, a default oclif's manifest does not record for booleans.
  const human = given.has('human') ? flags.human === true : true;
  const rows = entries.map((e) => historyRow(e, {human, noTrunc: flags['no-trunc'] === true}));
  if (flags.quiet) {
    cli.out(rows.map((r) => `${r.ID}\n`).join(''));
    return;
  }
  cli.out(renderList(rows, {format, defaultFormat: 'table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', headers: HISTORY_HEADERS, name: 'history'}));
};

/** Podman: exit 0 when the image exists, 1 when not, and no output either way. */
export const imageExists: Action = async ({args}, cli) => {
  if (!(await cli.engine().imageExists(args.image!))) process.exitCode = 1;
};

export const imagePrune: Action = async ({flags}, cli) => {
  const all = flags.all === true;
  if (!flags.force) {
    const {confirm} = require('../confirm') as typeof import('../confirm');
    const what = all ? 'all images without at least one container associated with them' : 'all dangling images';
    if (!(await confirm(`WARNING! This command removes ${what}.\nAre you sure you want to continue? [y/N] `, cli.out))) return;
  }
  const report = await cli.engine().pruneImages({all, filters: (flags.filter as string[] | undefined) ?? []});
  cli.out(report.images.map((id) => `${id}\n`).join(''));
};
