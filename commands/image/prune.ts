import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class ImagePrune extends BurrowCommand {
  static override summary = 'Remove unused images';
  static override description = 'Removes dangling images (images without a name) that no container uses, or with --all every image no container uses, and prints their ids. Also deletes the layers and blobs no image references any more and what interrupted imports and pulls left behind; unreferenced ones younger than 10 minutes are kept while a pull or import may still be about to use them. Asks for confirmation (a line on standard input) unless --force.';
  static override examples = ['<%= config.bin %> image prune -f', '<%= config.bin %> image prune -a -f --filter until=24h', '<%= config.bin %> image prune -a --filter label=stage=build'];
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'remove every image no container uses, not only dangling ones'}),
    force: Flags.boolean({char: 'f', description: 'do not ask for confirmation'}),
    filter: Flags.string({multiple: true, multipleNonGreedy: true, description: 'only images matching: until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE], dangling, id, reference, before, since'}),
  };
}
