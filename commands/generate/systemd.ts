import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class GenerateSystemd extends BurrowCommand {
  static override summary = 'Generate a systemd user unit that runs a container';
  static override description = 'Prints the unit (or, with --files, writes CONTAINER-PREFIX-NAME.service in the current directory). '
    + 'Copy it into ~/.config/systemd/user/, then: systemctl --user daemon-reload; systemctl --user enable --now UNIT. '
    + 'Without lingering (loginctl enable-linger) the unit stops when you log out: see burrow system doctor.';
  static override examples = [
    '<%= config.bin %> generate systemd --new --name web',
    '<%= config.bin %> generate systemd --files --name --restart-policy always web',
  ];
  static override args = {container: Args.string({required: true, description: 'container name or ID'})};
  static override flags = {
    name: Flags.boolean({char: 'n', description: 'use the container name instead of its ID in the unit'}),
    new: Flags.boolean({description: 'create a new container on every start (Type=notify) instead of starting this one'}),
    files: Flags.boolean({char: 'f', description: 'write the unit file into the current directory and print its path'}),
    'restart-policy': Flags.string({description: 'systemd Restart= value: no, on-success, on-failure (default), on-abnormal, on-watchdog, on-abort or always'}),
    time: Flags.integer({char: 't', description: 'seconds to wait for the container to stop before it is killed (default: its stop timeout)'}),
    'container-prefix': Flags.string({description: 'unit name prefix (default container)'}),
    separator: Flags.string({description: 'between the prefix and the name (default -)'}),
    'no-header': Flags.boolean({description: 'leave out the header comment with the date'}),
  };
}
