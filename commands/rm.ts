import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Rm extends BurrowCommand {
  static override summary = 'Remove one or more containers';
  static override aliases = ['container:rm'];
  static override strict = false;
  static override examples = ['<%= config.bin %> rm job', '<%= config.bin %> rm -f web', '<%= config.bin %> rm -a'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'kill and remove running containers'}),
    all: Flags.boolean({char: 'a', description: 'remove all containers'}),
    ignore: Flags.boolean({char: 'i', description: 'ignore errors about containers that do not exist'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Rm);
    this.applyGlobals(flags);
    if (argv.length === 0 && !flags.all) this.error('you must provide at least one container name or ID', {exit: 125});
    const engine = await this.engine(flags);
    const reports = await engine.remove(argv as string[], {force: flags.force, all: flags.all, ignore: flags.ignore});
    for (const r of reports) if (!r.error) this.log(flags.all ? String(r.value) : r.ref);
    this.reportErrors(reports);
    // Podman: 1 when a container does not exist, 2 when one is running.
    for (const r of reports) {
      if (r.error?.name === 'NoSuchObjectError') process.exitCode = 1;
    }
  }
}
