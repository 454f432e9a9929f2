import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class ImageExists extends BurrowCommand {
  static override summary = 'Check whether an image exists in local storage';
  static override description = 'Prints nothing: exits 0 when the image exists, 1 when it does not, 125 on other errors (such as a malformed name).';
  static override examples = ['<%= config.bin %> image exists localhost/demo && echo present'];
  static override args = {image: Args.string({description: 'image name or id', required: true})};
}
