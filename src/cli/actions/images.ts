// Image verbs: import, images, rmi, tag, untag.
import {InvalidInputError} from '../../errors';
import {formatList} from '../list-output';
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
