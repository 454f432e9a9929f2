import {Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';
import {renderInspect} from '../../src/format/output';

export default class ImageInspect extends BurrowCommand {
  static override summary = 'Show details of images';
  static override strict = false;
  static override examples = ['<%= config.bin %> image inspect localhost/demo', '<%= config.bin %> image inspect --format "{{.Id}} {{.Config.Cmd}}" localhost/demo'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template applied to each image'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(ImageInspect);
    this.applyGlobals(flags);
    if (argv.length === 0) this.error('inspect requires at least one image name or ID', {exit: 125});
    const engine = await this.engine(flags);
    const reports = await engine.inspect(argv as string[], 'image');
    const found = reports.filter((r) => !r.error).map((r) => r.value!);
    if (found.length > 0 || !flags.format) process.stdout.write(renderInspect(found, flags.format));
    this.reportErrors(reports);
  }
}
