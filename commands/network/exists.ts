import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkExists extends BurrowCommand {
  static override summary = 'Check whether a network exists';
  static override description = 'Prints nothing: exits 0 when the network exists, 1 when it does not.';
  static override examples = ['<%= config.bin %> network exists backend || <%= config.bin %> network create backend'];
  static override args = {network: Args.string({description: 'network name or id', required: true})};
}
