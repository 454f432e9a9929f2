import {BurrowCommand} from '../../src/cli/base-command';

export default class SystemMigrate extends BurrowCommand {
  static override summary = 'Restart the user namespace after /etc/subuid or /etc/subgid changed';
  static override description = 'Stops running containers and the pause process; the next command creates a new namespace with the current subordinate ranges.';
  static override examples = ['<%= config.bin %> system migrate'];
}
