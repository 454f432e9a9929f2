import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumePrune extends BurrowCommand {
  static override summary = 'Remove volumes no container uses';
  static override examples = ['<%= config.bin %> volume prune -f', '<%= config.bin %> volume prune -f --filter label=team=web'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'do not ask for confirmation'}),
    filter: Flags.string({multiple: true, multipleNonGreedy: true, description: 'only volumes matching: name, label, label!, anonymous, until'}),
  };
}
