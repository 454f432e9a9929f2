import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Port extends BurrowCommand {
  static override summary = 'List the published ports of a container';
  static override description = 'Prints each published port as PRIVATE/PROTO -> HOST_IP:HOST_PORT, or only HOST_IP:HOST_PORT when a private port is given. Host ports chosen by -P or -p CONTAINER_PORT are the ones bound while the container runs.';
  static override aliases = ['container:port'];
  static override strict = false;
  static override examples = ['<%= config.bin %> port web', '<%= config.bin %> port web 80/tcp', '<%= config.bin %> port -a'];
  static override args = {container: Args.string({description: 'container name or id'}), port: Args.string({description: 'private port, PORT[/tcp|/udp]'})};
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'list the ports of every running container'}),
    latest: Flags.boolean({char: 'l', description: 'act on the latest container burrow knows of'}),
  };
}
