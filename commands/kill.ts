import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Kill extends BurrowCommand {
  static override summary = 'Send a signal to one or more running containers';
  static override aliases = ['container:kill'];
  static override strict = false;
  static override examples = ['<%= config.bin %> kill web', '<%= config.bin %> kill -s HUP web'];
  static override flags = {
    signal: Flags.string({char: 's', description: 'signal to send (name or number)', default: 'KILL'}),
    all: Flags.boolean({char: 'a', description: 'signal all running containers'}),
  };
}
