import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Ps extends BurrowCommand {
  static override summary = 'List containers';
  static override aliases = ['container:ps', 'container:ls', 'container:list'];
  static override examples = [
    '<%= config.bin %> ps -a',
    '<%= config.bin %> ps -a --filter status=exited --format "{{.Names}} {{.Status}}"',
    '<%= config.bin %> ps -q',
    '<%= config.bin %> ps --format json',
  ];
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'show all containers, not only running ones'}),
    quiet: Flags.boolean({char: 'q', description: 'print only container ids'}),
    format: Flags.string({description: 'json, or a Go template such as "{{.ID}} {{.Names}}" ("table …" adds headers)'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'filter: id, name, status, label, ancestor, exited'}),
    'no-trunc': Flags.boolean({description: 'do not truncate ids and commands'}),
    noheading: Flags.boolean({char: 'n', description: 'do not print the header line'}),
    last: Flags.integer({description: 'show the N most recently created containers (all states)'}),
    latest: Flags.boolean({char: 'l', description: 'show the most recently created container (all states)'}),
  };
}
