import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Completion extends BurrowCommand {
  static override summary = 'Print the shell completion script for bash, zsh or fish';
  static override description = 'The set-up installs these scripts already; this prints one for a shell started some other way. Completions offer commands, flags, flag values and live names (running containers for stop and exec, all containers for rm, images, volumes, networks), read from storage without entering the user namespace.';
  static override examples = [
    'source <(<%= config.bin %> completion bash)',
    '<%= config.bin %> completion zsh > "${fpath[1]}/_burrow"',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/burrow.fish',
  ];
  static override args = {shell: Args.string({description: 'bash, zsh or fish', required: true, options: ['bash', 'zsh', 'fish']})};
}
