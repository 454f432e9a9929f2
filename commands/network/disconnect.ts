import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkDisconnect extends BurrowCommand {
  static override summary = 'Disconnect a container from a network';
  static override examples = ['<%= config.bin %> network disconnect backend web'];
  static override args = {network: Args.string({description: 'network name or id', required: true}), container: Args.string({description: 'container name or id', required: true})};
}
