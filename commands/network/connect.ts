import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkConnect extends BurrowCommand {
  static override summary = 'Connect a container to a network';
  static override description = 'A running container on user-defined networks gets another interface at once; a stopped container joins when it next starts.';
  static override examples = ['<%= config.bin %> network connect backend web', '<%= config.bin %> network connect --alias api backend web'];
  static override args = {network: Args.string({description: 'network name or id', required: true}), container: Args.string({description: 'container name or id', required: true})};
  static override flags = {alias: Flags.string({multiple: true, multipleNonGreedy: true, description: 'another name for the container on this network'})};
}
