// Verbs on a container's files: cp, diff, mount, unmount.
import {InvalidInputError} from '../../errors';
import {type Action, reportErrors} from './context';

export const cp: Action = async ({flags, args, given}, cli) => {
  if (args.dest === '-' && process.stdout.isTTY) throw new InvalidInputError('refusing to write an archive to a terminal', {hint: 'redirect standard output to a file'});
  if (args.src === '-' && process.stdin.isTTY) throw new InvalidInputError('cannot read an archive from a terminal', {hint: 'redirect standard input from a tar file'});
  await cli.engine().copy(args.src!, args.dest!, {
    // Podman's --archive is true unless given as false (a boolean's default is not in the manifest).
    archive: given?.has('archive') ? flags.archive === true : true, followLink: flags['follow-link'] === true, overwrite: flags.overwrite === true,
  });
};

export const diff: Action = async ({flags, args}, cli) => {
  const changes = await cli.engine().diff(args.name!);
  const format = flags.format as string | undefined;
  if (format === 'json') {
    const {changesJson} = require('../../runtime/changes/layer-changes') as typeof import('../../runtime/changes/layer-changes');
    cli.out(`${JSON.stringify(changesJson(changes), null, 4)}\n`);
  } else if (format) {
    const {renderList} = require('../../format/output') as typeof import('../../format/output');
    cli.out(renderList(changes.map((c) => ({Kind: c.kind, Path: c.path})), {format, defaultFormat: '{{.Kind}} {{.Path}}', headers: {Kind: 'KIND', Path: 'PATH'}}));
  } else {
    cli.out(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
  }
};

export const mount: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  const refs = flags.all ? [] : argv;
  if (refs.length > 0 || flags.all) {
    const targets = flags.all ? engine.mountedContainers(true).map((m) => m.id) : refs;
    const reports = await engine.mount(targets);
    for (const r of reports) if (r.value) cli.out(`${r.value}\n`);
    reportErrors(reports);
    return;
  }
  const list = engine.mountedContainers(false);
  const format = flags.format as string | undefined;
  if (format === 'json') {
    cli.out(`${JSON.stringify(list, null, 4)}\n`);
    return;
  }
  const {renderList} = require('../../format/output') as typeof import('../../format/output');
  const rows = list.map((m) => ({ID: flags.notruncate ? m.id : m.id.slice(0, 12), Names: m.names.join(','), Mountpoint: m.mountpoint, Path: m.mountpoint}));
  cli.out(renderList(rows, {format: format ?? 'table {{.ID}}\t{{.Mountpoint}}', defaultFormat: '{{.ID}}\t{{.Mountpoint}}', headers: {ID: 'CONTAINER ID', Names: 'NAMES', Mountpoint: 'MOUNTPOINT', Path: 'MOUNTPOINT'}, noHeading: format === undefined}));
};

export const unmount: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  if (!flags.all && argv.length === 0) throw new InvalidInputError('you must provide at least one container name or ID', {hint: 'or -a to unmount every mounted container'});
  const targets = flags.all ? engine.mountedContainers(false).map((m) => m.id) : argv;
  const reports = await engine.unmount(targets, flags.force === true);
  for (const r of reports) if (r.value) cli.out(`${r.value}\n`);
  reportErrors(reports);
};
