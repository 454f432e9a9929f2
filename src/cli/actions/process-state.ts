// pause, unpause, stats: verbs about a running container's processes.
import {InvalidInputError} from '../../errors';
import {intFlag} from '../argv-parser';
import {type Action, reportErrors} from './context';

function pauseAction(pause: boolean): Action {
  return async ({flags, argv}, cli) => {
    if (!flags.all && argv.length === 0) throw new InvalidInputError('you must provide at least one container name or ID', {hint: `or -a for every ${pause ? 'running' : 'paused'} container`});
    const reports = await cli.engine().setPaused(flags.all ? undefined : argv, pause);
    for (const r of reports) if (r.value) cli.out(`${r.value}\n`);
    reportErrors(reports);
  };
}

export const pause = pauseAction(true);
export const unpause = pauseAction(false);

export const stats: Action = async ({flags, argv}, cli) => {
  const {STATS_FORMAT, STATS_HEADERS, statsJson, statsRow} = require('../../runtime/stats/stats-report') as typeof import('../../runtime/stats/stats-report');
  const {renderList} = require('../../format/output') as typeof import('../../format/output');
  const intervalSec = intFlag(flags.interval, 'interval') ?? 5;
  if (intervalSec < 1) throw new InvalidInputError('--interval must be at least 1 second', {hint: 'e.g. --interval 2'});
  const sampler = cli.engine().statsSampler(argv, flags.all === true);
  const format = flags.format as string | undefined;
  const stream = flags['no-stream'] !== true;
  // On a terminal a stream redraws in place; piped, each reading is printed after the last.
  const redraw = stream && process.stdout.isTTY === true && flags['no-reset'] !== true;
  for (;;) {
    const values = sampler.sample();
    let text: string;
    if (format === 'json') {
      text = `${JSON.stringify(values.map(statsJson), null, 4)}\n`;
    } else {
      const rows = values.map((v) => ({...statsRow(v), ID: flags['no-trunc'] ? v.ContainerID : v.ContainerID.slice(0, 12)}));
      text = renderList(rows, {format: format ?? STATS_FORMAT, defaultFormat: STATS_FORMAT, headers: STATS_HEADERS});
    }
    cli.out(redraw ? `\x1b[2J\x1b[H${text}` : text);
    if (!stream) return;
    await new Promise((r) => setTimeout(r, intervalSec * 1000));
  }
};
