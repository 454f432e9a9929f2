import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Logs extends BurrowCommand {
  static override summary = 'Show the output of a container';
  static override aliases = ['container:logs'];
  static override examples = ['<%= config.bin %> logs web', '<%= config.bin %> logs -f --tail 10 web', '<%= config.bin %> logs -t --since 10m web'];
  static override args = {container: Args.string({description: 'container name or id', required: true})};
  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'follow the output until the container stops'}),
    tail: Flags.integer({description: 'show only the last N lines (-1 for all)', default: -1}),
    timestamps: Flags.boolean({char: 't', description: 'prefix each line with its time'}),
    since: Flags.string({description: 'show lines since a time (RFC 3339, Unix time or a duration like 10m)'}),
    until: Flags.string({description: 'show lines until a time'}),
  };
}
