import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeLs extends BurrowCommand {
  static override summary = 'List volumes';
  static override aliases = ['volume:list'];
  static override examples = [
    '<%= config.bin %> volume ls',
    '<%= config.bin %> volume ls -q --filter dangling=true',
    '<%= config.bin %> volume ls --format "{{.Name}} {{.Mountpoint}}"',
  ];
  static override flags = {
    quiet: Flags.boolean({char: 'q', description: 'print only volume names'}),
    format: Flags.string({description: 'json, or a Go template such as "{{.Name}} {{.Mountpoint}}"'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'filter: name, label, label!, driver, dangling, anonymous, opt, until'}),
    noheading: Flags.boolean({char: 'n', description: 'do not print the header line'}),
  };
}
