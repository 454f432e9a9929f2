// generate systemd, system doctor.
import {InvalidInputError} from '../../errors';
import {intFlag} from '../argv-parser';
import type {Action} from './context';

export const generateSystemd: Action = async ({flags, args}, cli) => {
  const prefix = flags['container-prefix'] as string | undefined;
  const r = await cli.engine().generateSystemd(args.container!, {
    useName: flags.name === true, newContainer: flags.new === true, restartPolicy: (flags['restart-policy'] as string | undefined) ?? 'on-failure',
    stopTimeout: intFlag(flags.time, 'time'), containerPrefix: prefix ?? 'container', separator: (flags.separator as string | undefined) ?? '-',
    header: flags['no-header'] !== true,
  }, flags.files ? process.cwd() : undefined);
  if (r.file) cli.out(`${r.file}\n`);
  else cli.out(r.text);
};

export const systemDoctor: Action = async ({flags}, cli) => {
  const report = await cli.engine().doctor();
  if (flags.format === 'json') {
    cli.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (flags.format) throw new InvalidInputError(`unsupported --format "${String(flags.format)}"`, {hint: 'use --format json'});
  for (const c of report.checks) cli.out(`${c.ok ? 'ok  ' : 'WARN'}  ${c.name}: ${c.message}\n`);
};
