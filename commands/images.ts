import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Images extends BurrowCommand {
  static override summary = 'List images in local storage';
  static override aliases = ['image:ls', 'image:list'];
  static override examples = ['<%= config.bin %> images', '<%= config.bin %> images --format "{{.Repository}}:{{.Tag}} {{.Size}}"', '<%= config.bin %> images -q --filter dangling=true'];
  static override args = {reference: Args.string({description: 'show only images whose name matches'})};
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'show all images (there are no intermediate images yet)'}),
    quiet: Flags.boolean({char: 'q', description: 'print only image ids'}),
    format: Flags.string({description: 'json, or a Go template such as "{{.Repository}}:{{.Tag}}"'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'filter: reference, dangling, label, id'}),
    digests: Flags.boolean({description: 'show digests'}),
    'no-trunc': Flags.boolean({description: 'do not truncate image ids'}),
    noheading: Flags.boolean({char: 'n', description: 'do not print the header line'}),
  };
}
