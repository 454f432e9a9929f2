import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {attachFlags, containerCreateFlags} from '../src/cli/container-flags';

export default class Run extends BurrowCommand {
  static override summary = 'Run a command in a new container';
  static override description = 'Creates a container from IMAGE and starts it. In the foreground its output is streamed and burrow exits with the container\'s exit code; with -d the container id is printed.';
  static override aliases = ['container:run'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run --rm localhost/demo id',
    '<%= config.bin %> run -it --name box localhost/demo sh',
    '<%= config.bin %> run -d --name web localhost/demo httpd -f -p 8080',
    '<%= config.bin %> run --rm -e GREETING=hi -w /tmp localhost/demo sh -c \'echo $GREETING from $(pwd)\'',
    '<%= config.bin %> run --rm --userns=keep-id -v "$PWD":/src -w /src localhost/demo id',
  ];
  static override args = {image: Args.string({description: 'image to run', required: true}), command: Args.string({description: 'command and arguments'})};
  static override flags = {
    ...containerCreateFlags,
    detach: Flags.boolean({char: 'd', description: 'run in the background and print the container id'}),
    'sig-proxy': attachFlags['sig-proxy'],
  };
}
