import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkPrune extends BurrowCommand {
  static override summary = 'Remove networks no container uses';
  static override examples = ['<%= config.bin %> network prune -f', '<%= config.bin %> network prune -f --filter label=team=web'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'do not ask for confirmation'}),
    filter: Flags.string({multiple: true, multipleNonGreedy: true, description: 'only networks matching: name, id, label'}),
  };
}
