import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Inspect extends BurrowCommand {
  static override summary = 'Show details of containers or images';
  static override aliases = ['container:inspect'];
  static override strict = false;
  static override examples = ['<%= config.bin %> inspect web', '<%= config.bin %> inspect --format "{{.State.Running}}" web', '<%= config.bin %> inspect --type image localhost/demo'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template applied to each object'}),
    type: Flags.string({char: 't', description: 'what to inspect', options: ['all', 'container', 'image'], default: 'all'}),
    latest: Flags.boolean({char: 'l', description: 'the most recently created container'}),
  };
}
