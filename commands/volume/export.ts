import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeExport extends BurrowCommand {
  static override summary = 'Write the content of a volume as a tar archive';
  static override description = 'Owners are written as numbers, as containers see them. Without -o the archive goes to standard output, which must not be a terminal.';
  static override examples = ['<%= config.bin %> volume export -o cache.tar cache', '<%= config.bin %> volume export cache | gzip > cache.tar.gz'];
  static override args = {name: Args.string({description: 'volume name', required: true})};
  static override flags = {output: Flags.string({char: 'o', description: 'write to this file instead of standard output'})};
}
