import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Rmi extends BurrowCommand {
  static override summary = 'Remove one or more images';
  static override description = 'An image used by a container is not removed unless --force, which removes those containers too.';
  static override aliases = ['image:rm'];
  static override strict = false;
  static override examples = ['<%= config.bin %> rmi localhost/demo', '<%= config.bin %> rmi -f 3f2a1b', '<%= config.bin %> rmi -a'];
  static override flags = {
    force: Flags.boolean({char: 'f', description: 'remove containers that use the image, and images with several names'}),
    all: Flags.boolean({char: 'a', description: 'remove all images'}),
    ignore: Flags.boolean({char: 'i', description: 'ignore errors about images that do not exist'}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Rmi);
    this.applyGlobals(flags);
    if (argv.length === 0 && !flags.all) this.error('image name or ID must be specified', {exit: 125});
    const engine = await this.engine(flags);
    let reports = await engine.removeImages(argv as string[], {force: flags.force, all: flags.all});
    if (flags.ignore) reports = reports.filter((r) => r.error?.name !== 'NoSuchObjectError');
    for (const r of reports) {
      if (r.error) continue;
      for (const u of r.value!.untagged) this.log(`Untagged: ${u}`);
      for (const d of r.value!.deleted) this.log(`Deleted: ${d}`);
    }
    this.reportErrors(reports);
    // Podman: 1 when an image does not exist, 2 when it is in use.
    for (const r of reports) if (r.error?.name === 'NoSuchObjectError') process.exitCode = 1;
  }
}
