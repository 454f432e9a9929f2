import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeRm extends BurrowCommand {
  static override summary = 'Remove volumes';
  static override description = 'A volume that a container uses cannot be removed (exit 2) unless --force, which removes those containers first. A volume that does not exist exits 1.';
  static override aliases = ['volume:remove'];
  static override strict = false;
  static override examples = ['<%= config.bin %> volume rm cache', '<%= config.bin %> volume rm -f cache', '<%= config.bin %> volume rm -a'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'remove the containers that use the volume too'}),
    all: Flags.boolean({char: 'a', description: 'remove every volume'}),
    time: Flags.integer({char: 't', description: 'seconds to wait for those containers to stop before killing them'}),
  };
}
