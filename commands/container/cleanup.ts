import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class ContainerCleanup extends BurrowCommand {
  static override summary = 'Clean up after a container that has exited (run by conmon)';
  static override hidden = true;
  static override examples = ['<%= config.bin %> container cleanup 3f2a1b'];
  static override args = {container: Args.string({required: true})};
}
