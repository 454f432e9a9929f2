import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class History extends BurrowCommand {
  static override summary = 'Show the history of an image';
  static override description = 'One line per history entry of the image config, newest first, with the size of the layer the entry made (0 for entries that made none). As in Podman, the newest entry, and any entry whose layers are exactly those of another local image, show that image\'s id; the others show <missing>.';
  static override aliases = ['image:history'];
  static override examples = [
    '<%= config.bin %> history localhost/demo',
    '<%= config.bin %> history --no-trunc --human=false localhost/demo',
    '<%= config.bin %> history --format "{{.Size}}\\t{{.CreatedBy}}" localhost/demo',
  ];
  static override args = {image: Args.string({description: 'image name or id', required: true})};
  static override flags = {
    human: Flags.boolean({char: 'H', default: true, description: 'show the creation time as a duration ("3 weeks ago"); --human=false prints RFC 3339'}),
    'no-trunc': Flags.boolean({description: 'do not truncate ids and CREATED BY'}),
    quiet: Flags.boolean({char: 'q', description: 'print only the ids'}),
    format: Flags.string({description: 'json, or a Go template over ID, Created, CreatedBy, Size, Comment, Tags'}),
  };
}
