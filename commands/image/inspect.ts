import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class ImageInspect extends BurrowCommand {
  static override summary = 'Show details of images';
  static override strict = false;
  static override examples = ['<%= config.bin %> image inspect localhost/demo', '<%= config.bin %> image inspect --format "{{.Id}} {{.Config.Cmd}}" localhost/demo'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template applied to each image'}),
  };
}
