import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Diff extends BurrowCommand {
  static override summary = 'Show the files a container (or an image\'s top layer) added, changed or deleted';
  static override description = 'One line per path: A added, C changed, D deleted, read from the overlay upper directory (whiteouts and opaque directories included). For an image, its top layer against the layers below. Containers on the vfs driver keep no record of changes and are refused.';
  static override aliases = ['container:diff'];
  static override examples = ['<%= config.bin %> diff web', '<%= config.bin %> diff --format json web'];
  static override args = {
    name: Args.string({description: 'container or image', required: true}),
  };
  static override flags = {
    format: Flags.string({description: 'json, or a Go template over .Kind and .Path'}),
  };
}
