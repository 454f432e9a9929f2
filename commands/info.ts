import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Info extends BurrowCommand {
  static override summary = 'Show how burrow is set up on this host, and why';
  static override description = 'Reports the OCI runtime and storage driver in use and why the others were skipped, the uid/gid mappings, storage paths and where they came from.';
  static override aliases = ['system:info'];
  static override examples = ['<%= config.bin %> info', '<%= config.bin %> info --format "{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}"', '<%= config.bin %> info --format json'];
  static override flags = {
    format: Flags.string({char: 'f', description: 'json, or a Go template over Podman\'s field names'}),
  };
}
