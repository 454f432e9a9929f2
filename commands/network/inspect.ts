import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkInspect extends BurrowCommand {
  static override summary = 'Show the configuration of networks';
  static override strict = false;
  static override examples = ['<%= config.bin %> network inspect backend', '<%= config.bin %> network inspect --format "{{range .subnets}}{{.subnet}}{{end}}" backend'];
  static override flags = {format: Flags.string({char: 'f', description: 'json (default), or a Go template'})};
}
