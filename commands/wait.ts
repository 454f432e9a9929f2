import {BurrowCommand} from '../src/cli/base-command';

export default class Wait extends BurrowCommand {
  static override summary = 'Wait for containers to stop and print their exit codes';
  static override aliases = ['container:wait'];
  static override strict = false;
  static override examples = ['<%= config.bin %> wait job'];

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Wait);
    this.applyGlobals(flags);
    if (argv.length === 0) this.error('you must provide at least one container name or ID', {exit: 125});
    const engine = await this.engine(flags);
    const reports = await engine.wait(argv as string[]);
    for (const r of reports) if (!r.error) this.log(String(r.value));
    this.reportErrors(reports);
  }
}
