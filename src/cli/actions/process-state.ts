// pause, unpause, stats: verbs about a running container's processes.
import {InvalidInputError} from '../../errors';
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
