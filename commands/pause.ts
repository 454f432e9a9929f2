import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Pause extends BurrowCommand {
  static override summary = 'Pause all the processes of running containers';
  static override description = 'The runtime freezes the container\'s cgroup. Rootless this needs cgroup v2 with a cgroup delegated to your user; on a host without it the command says so and changes nothing.';
  static override aliases = ['container:pause'];
  static override strict = false;
  static override examples = ['<%= config.bin %> pause web', '<%= config.bin %> pause -a'];
  static override args = {container: Args.string({description: 'container name or id (several may be given)'})};
  static override flags = {all: Flags.boolean({char: 'a', description: 'pause all running containers'})};
}
