import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Rmi extends BurrowCommand {
  static override summary = 'Remove one or more images';
  static override description = 'An image used by a container is not removed unless --force, which removes those containers too.';
  static override aliases = ['image:rm'];
  static override strict = false;
  static override examples = ['<%= config.bin %> rmi localhost/demo', '<%= config.bin %> rmi -f 3f2a1b', '<%= config.bin %> rmi -a'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'remove containers that use the image, and images with several names'}),
    all: Flags.boolean({char: 'a', description: 'remove all images'}),
    ignore: Flags.boolean({char: 'i', description: 'ignore errors about images that do not exist'}),
  };
}
