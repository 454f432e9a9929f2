import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Untag extends BurrowCommand {
  static override summary = 'Remove names from an image (all names when none is given)';
  static override aliases = ['image:untag'];
  static override strict = false;
  static override examples = ['<%= config.bin %> untag localhost/demo localhost/demo:v1'];
  static override args = {image: Args.string({description: 'image', required: true})};
}
