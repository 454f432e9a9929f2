import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {renderInspect} from '../src/format/output';
import {goFieldView} from '../src/format/go-field-view';

export default class Info extends BurrowCommand {
  static override summary = 'Show how burrow is set up on this host, and why';
  static override description = 'Reports the OCI runtime and storage driver in use and why the others were skipped, the uid/gid mappings, storage paths and where they came from.';
  static override aliases = ['system:info'];
  static override examples = ['<%= config.bin %> info', '<%= config.bin %> info --format "{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}"', '<%= config.bin %> info --format json'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template over Podman\'s field names'}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(Info);
    this.applyGlobals(flags);
    const engine = await this.engine(flags);
    const info = await engine.info();
    if (!flags.format || flags.format === 'json') {
      process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      return;
    }
    // Podman's templates use Go field names (Host.OCIRuntime.Name) for JSON keys like host.ociRuntime.name.
    process.stdout.write(renderInspect([goFieldView(info)], flags.format));
  }
}
