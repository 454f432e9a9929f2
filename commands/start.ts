import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {attachFlags} from '../src/cli/container-flags';

export default class Start extends BurrowCommand {
  static override summary = 'Start one or more containers';
  static override aliases = ['container:start'];
  static override strict = false;
  static override examples = ['<%= config.bin %> start web', '<%= config.bin %> start -a job', '<%= config.bin %> start -ai box', '<%= config.bin %> start --all --filter restart-policy=always'];
  static override flags = {
    attach: Flags.boolean({char: 'a', description: 'attach to the container output and exit with its code'}),
    interactive: Flags.boolean({char: 'i', description: 'with -a: also attach standard input'}),
    all: Flags.boolean({description: 'start every container (with --filter: every matching one)'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'start only the containers matching KEY=VALUE (the keys of ps --filter, e.g. restart-policy=always)'}),
    ...attachFlags,
  };
}
