import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Tag extends BurrowCommand {
  static override summary = 'Add names to an image';
  static override aliases = ['image:tag'];
  static override strict = false;
  static override examples = ['<%= config.bin %> tag localhost/demo localhost/demo:v1 mybox'];
  static override args = {image: Args.string({description: 'image to name', required: true})};
}
