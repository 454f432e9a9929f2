import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Stop extends BurrowCommand {
  static override summary = 'Stop one or more running containers';
  static override description = 'Sends the stop signal, waits --time seconds, then SIGKILL.';
  static override aliases = ['container:stop'];
  static override strict = false;
  static override examples = ['<%= config.bin %> stop web', '<%= config.bin %> stop -t 2 web db', '<%= config.bin %> stop --all'];
  static override flags = {
    time: Flags.integer({char: 't', description: 'seconds to wait before killing the container'}),
    all: Flags.boolean({char: 'a', description: 'stop all running containers'}),
    ignore: Flags.boolean({char: 'i', description: 'ignore errors about containers that do not exist'}),
  };
}
