import {BurrowCommand} from '../src/cli/base-command';

export default class Wait extends BurrowCommand {
  static override summary = 'Wait for containers to stop and print their exit codes';
  static override aliases = ['container:wait'];
  static override strict = false;
  static override examples = ['<%= config.bin %> wait job'];
}
