import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {renderInspect} from '../src/format/output';

export default class Inspect extends BurrowCommand {
  static override summary = 'Show details of containers or images';
  static override aliases = ['container:inspect'];
  static override strict = false;
  static override examples = ['<%= config.bin %> inspect web', '<%= config.bin %> inspect --format "{{.State.Running}}" web', '<%= config.bin %> inspect --type image localhost/demo'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template applied to each object'}),
    type: Flags.string({char: 't', description: 'what to inspect', options: ['all', 'container', 'image'], default: 'all'}),
    latest: Flags.boolean({char: 'l', description: 'the most recently created container'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Inspect);
    this.applyGlobals(flags);
    const engine = await this.engine(flags);
    let refs = argv as string[];
    if (flags.latest) refs = (await engine.ps({all: true, filters: [], latest: true})).rows.map((r) => String(r.ID));
    if (refs.length === 0) this.error('inspect requires at least one name or ID', {exit: 125});
    const type = (this.id?.startsWith('container') ? 'container' : flags.type) as 'all' | 'container' | 'image';
    const reports = await engine.inspect(refs, type);
    const found = reports.filter((r) => !r.error).map((r) => r.value!);
    if (found.length > 0 || !flags.format) process.stdout.write(renderInspect(found, flags.format));
    this.reportErrors(reports);
  }
}
