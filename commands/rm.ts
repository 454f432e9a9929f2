import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Rm extends BurrowCommand {
  static override summary = 'Remove one or more containers';
  static override aliases = ['container:rm'];
  static override strict = false;
  static override examples = ['<%= config.bin %> rm job', '<%= config.bin %> rm -f web', '<%= config.bin %> rm -a', '<%= config.bin %> rm -v job'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'kill and remove running containers'}),
    all: Flags.boolean({char: 'a', description: 'remove all containers'}),
    ignore: Flags.boolean({char: 'i', description: 'ignore errors about containers that do not exist'}),
    volumes: Flags.boolean({char: 'v', description: 'remove the container\'s anonymous volumes too (named volumes stay)'}),
  };
}
