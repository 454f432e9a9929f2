import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeExists extends BurrowCommand {
  static override summary = 'Check whether a volume exists';
  static override description = 'Prints nothing: exits 0 when the volume exists, 1 when it does not.';
  static override examples = ['<%= config.bin %> volume exists cache || <%= config.bin %> volume create cache'];
  static override args = {name: Args.string({description: 'volume name', required: true})};
}
