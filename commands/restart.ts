import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Restart extends BurrowCommand {
  static override summary = 'Restart one or more containers';
  static override aliases = ['container:restart'];
  static override strict = false;
  static override examples = ['<%= config.bin %> restart web', '<%= config.bin %> restart -t 1 web'];
  static override flags = {
    time: Flags.integer({char: 't', description: 'seconds to wait before killing the container'}),
  };
}
