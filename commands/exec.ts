import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {containerCreateFlags} from '../src/cli/container-flags';

export default class Exec extends BurrowCommand {
  static override summary = 'Run a process in a running container';
  static override description = 'Runs COMMAND inside the running container, with the container\'s environment, working directory, user and capabilities unless flags say otherwise, and exits with the command\'s exit code (126 when it cannot be invoked, 127 when it is not found, 125 when burrow fails). With -d it is started in the background.';
  static override aliases = ['container:exec'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> exec web cat /etc/hostname',
    '<%= config.bin %> exec -e DEBUG=1 -w /tmp -u 1000 web sh -c \'echo $DEBUG from $(pwd) as $(id -u)\'',
    'echo hello | <%= config.bin %> exec -i web cat',
    '<%= config.bin %> exec -it web sh',
  ];
  static override args = {container: Args.string({description: 'container name or id', required: true}), command: Args.string({description: 'command and arguments'})};
  static override flags = {
    env: containerCreateFlags.env,
    'env-file': containerCreateFlags['env-file'],
    workdir: containerCreateFlags.workdir,
    user: containerCreateFlags.user,
    detach: Flags.boolean({char: 'd', description: 'run in the background and print the exec session id'}),
    privileged: Flags.boolean({description: 'give the process every capability'}),
    interactive: Flags.boolean({char: 'i', description: 'pass standard input to the process'}),
    tty: Flags.boolean({char: 't', description: 'give the process a pseudo-terminal'}),
    'detach-keys': containerCreateFlags['detach-keys'],
  };
}
