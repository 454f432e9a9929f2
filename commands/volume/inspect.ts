import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeInspect extends BurrowCommand {
  static override summary = 'Show details of volumes';
  static override strict = false;
  static override examples = ['<%= config.bin %> volume inspect cache', '<%= config.bin %> volume inspect --format "{{.Mountpoint}}" cache', '<%= config.bin %> volume inspect -a'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json (default), or a Go template'}),
    all: Flags.boolean({char: 'a', description: 'inspect every volume'}),
  };
}
