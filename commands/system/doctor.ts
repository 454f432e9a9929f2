import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class SystemDoctor extends BurrowCommand {
  static override summary = 'Check whether containers and their units outlive your login session';
  static override description = 'Reports lingering (loginctl enable-linger), the systemd user manager, burrow-restart.service and the containers with a restart policy. '
    + 'Unlike podman system check it does not check storage.';
  static override examples = ['<%= config.bin %> system doctor', '<%= config.bin %> system doctor --format json'];
  static override flags = {
    format: Flags.string({description: 'json for the report as JSON'}),
  };
}
