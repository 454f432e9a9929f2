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
    const reports = await engine.start(refs);
    this.reportErrors(reports);
    if (flags.attach && refs.length === 1 && !reports[0].error) {
      const code = await (async () => {
        let last: number | undefined;
        for await (const r of engine.logs(refs[0], {follow: true})) (r.stream === 'stderr' ? process.stderr : process.stdout).write(r.data);
        const [w] = await engine.wait(refs);
        last = w.value;
        return last ?? 0;
      })();
      process.exitCode = code;
      return;
    }
    for (const r of reports) if (!r.error) this.log(r.ref);
  }
}
