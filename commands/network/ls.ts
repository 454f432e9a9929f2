import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkLs extends BurrowCommand {
  static override summary = 'List networks';
  static override aliases = ['network:list'];
  static override examples = ['<%= config.bin %> network ls', '<%= config.bin %> network ls --format "{{.Name}} {{.Subnets}}"', '<%= config.bin %> network ls -q --filter label=team=web'];
  static override flags = {
    quiet: Flags.boolean({char: 'q', description: 'print only network names'}),
    format: Flags.string({description: 'json, or a Go template such as "{{.Name}} {{.Subnets}}"'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'filter: name, id, driver, label'}),
    noheading: Flags.boolean({char: 'n', description: 'do not print the header line'}),
  };
}
