import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Start extends BurrowCommand {
  static override summary = 'Start one or more containers';
  static override aliases = ['container:start'];
  static override strict = false;
  static override examples = ['<%= config.bin %> start web', '<%= config.bin %> start -a job'];
  static override flags = {
    attach: Flags.boolean({char: 'a', description: 'attach to the container output and exit with its code'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Start);
    this.applyGlobals(flags);
    const refs = argv as string[];
    if (refs.length === 0) this.error('start requires at least one container name or ID', {exit: 125});
    const engine = await this.engine(flags);
    if (flags.attach) {
      if (refs.length !== 1) this.error('you cannot start and attach multiple containers at once', {exit: 125});
      process.exitCode = await engine.startAttached(refs[0], (r) => (r.stream === 'stderr' ? process.stderr : process.stdout).write(r.data));
      return;
    }
    const reports = await engine.start(refs);
    this.reportErrors(reports);
    for (const r of reports) if (!r.error) this.log(r.ref);
  }
}
