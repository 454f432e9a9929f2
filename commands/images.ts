import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {formatList} from '../src/cli/list-output';

const HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Id: 'IMAGE ID', Digest: 'DIGEST', Created: 'CREATED', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE', Containers: 'CONTAINERS', Labels: 'LABELS', ReadOnly: 'R/O',
};

export default class Images extends BurrowCommand {
  static override summary = 'List images in local storage';
  static override aliases = ['image:ls', 'image:list'];
  static override examples = ['<%= config.bin %> images', '<%= config.bin %> images --format "{{.Repository}}:{{.Tag}} {{.Size}}"', '<%= config.bin %> images -q --filter dangling=true'];
  static override args = {reference: Args.string({description: 'show only images whose name matches'})};
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'show all images (there are no intermediate images yet)'}),
    quiet: Flags.boolean({char: 'q', description: 'print only image ids'}),
    format: Flags.string({description: 'json, or a Go template such as "{{.Repository}}:{{.Tag}}"'}),
    filter: Flags.string({char: 'f', multiple: true, multipleNonGreedy: true, description: 'filter: reference, dangling, label, id'}),
    digests: Flags.boolean({description: 'show digests'}),
    'no-trunc': Flags.boolean({description: 'do not truncate image ids'}),
    noheading: Flags.boolean({char: 'n', description: 'do not print the header line'}),
  };

  async run(): Promise<void> {
    const {flags, args} = await this.parse(Images);
    this.applyGlobals(flags);
    const engine = await this.engine(flags);
    const filters = [...(flags.filter ?? []), ...(args.reference ? [`reference=${args.reference}`] : [])];
    const data = await engine.imageList({all: flags.all, filters, noTrunc: flags['no-trunc'], digests: flags.digests});
    if (flags.quiet) {
      process.stdout.write([...new Set(data.rows.map((r) => String(r.ID)))].map((id) => `${id}\n`).join(''));
      return;
    }
    const cols = flags.digests ? '{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}' : '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}';
    process.stdout.write(formatList(data, {defaultFormat: `table ${cols}`, headers: HEADERS, jsonIndent: 4}, {format: flags.format, noHeading: flags.noheading}));
  }
}
