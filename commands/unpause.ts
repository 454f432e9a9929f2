import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Unpause extends BurrowCommand {
  static override summary = 'Resume the processes of paused containers';
  static override description = 'The runtime thaws the container\'s cgroup (see `burrow pause`).';
  static override aliases = ['container:unpause'];
  static override strict = false;
  static override examples = ['<%= config.bin %> unpause web', '<%= config.bin %> unpause -a'];
  static override args = {container: Args.string({description: 'container name or id (several may be given)'})};
  static override flags = {all: Flags.boolean({char: 'a', description: 'unpause all paused containers'})};
}
