import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {attachFlags} from '../src/cli/container-flags';

export default class Start extends BurrowCommand {
  static override summary = 'Start one or more containers';
  static override aliases = ['container:start'];
  static override strict = false;
  static override examples = ['<%= config.bin %> start web', '<%= config.bin %> start -a job', '<%= config.bin %> start -ai box'];
  static override flags = {
    attach: Flags.boolean({char: 'a', description: 'attach to the container output and exit with its code'}),
    interactive: Flags.boolean({char: 'i', description: 'with -a: also attach standard input'}),
    ...attachFlags,
  };
}
