import {BurrowCommand} from '../../src/cli/base-command';

export default class SystemMigrate extends BurrowCommand {
  static override summary = 'Restart the user namespace after /etc/subuid or /etc/subgid changed';
  static override description = 'Stops running containers and the pause process; the next command creates a new namespace with the current subordinate ranges.';
  static override examples = ['<%= config.bin %> system migrate'];

  async run(): Promise<void> {
    const {flags} = await this.parse(SystemMigrate);
    this.applyGlobals(flags);
    const engine = await this.engine(flags);
    const res = await engine.migrate();
    for (const n of res.stopped) process.stderr.write(`stopped container ${n}\n`);
  }
}
