import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {attachFlags} from '../src/cli/container-flags';

export default class Attach extends BurrowCommand {
  static override summary = 'Attach to a running container';
  static override description = 'Connects the terminal to the container\'s main process: its output, and its input when it was started with -i. The detach keys (default ctrl-p,ctrl-q) leave it running; otherwise burrow exits with the container\'s exit code when it ends.';
  static override aliases = ['container:attach'];
  static override examples = [
    '<%= config.bin %> attach box',
    '<%= config.bin %> attach --no-stdin --detach-keys ctrl-x web',
  ];
  static override args = {container: Args.string({description: 'container name or id', required: true})};
  static override flags = {
    'no-stdin': Flags.boolean({description: 'do not attach standard input'}),
    ...attachFlags,
  };
}
