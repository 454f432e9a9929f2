import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkRm extends BurrowCommand {
  static override summary = 'Remove networks';
  static override description = 'A network that a container names cannot be removed (exit 2) unless --force, which removes those containers first.';
  static override aliases = ['network:remove'];
  static override strict = false;
  static override examples = ['<%= config.bin %> network rm backend', '<%= config.bin %> network rm -f backend'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'remove the containers that use the network too'}),
    time: Flags.integer({char: 't', description: 'seconds to wait for those containers to stop before killing them'}),
  };
}
