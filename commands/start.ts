import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Start extends BurrowCommand {
  static override summary = 'Start one or more containers';
  static override aliases = ['container:start'];
  static override strict = false;
  static override examples = ['<%= config.bin %> start web', '<%= config.bin %> start -a job'];
  static override flags = {
    attach: Flags.boolean({char: 'a', description: 'attach to the container output and exit with its code'}),
  };
}
