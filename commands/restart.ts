import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Restart extends BurrowCommand {
  static override summary = 'Restart one or more containers';
  static override aliases = ['container:restart'];
  static override strict = false;
  static override examples = ['<%= config.bin %> restart web', '<%= config.bin %> restart -t 1 web'];
  static override flags = {
    time: Flags.integer({char: 't', description: 'seconds to wait before killing the container'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Restart);
    this.applyGlobals(flags);
    if (argv.length === 0) this.error('you must provide at least one container name or ID', {exit: 125});
    const engine = await this.engine(flags);
    const reports = await engine.restart(argv as string[], {timeout: flags.time});
    for (const r of reports) if (!r.error) this.log(String(r.value));
    this.reportErrors(reports);
  }
}
