import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Version extends BurrowCommand {
  static override summary = 'Show the burrow version';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --format "{{.Client.Version}}"'];
  static override flags = {format: Flags.string({char: 'f', description: 'json, or a Go template'})};
}
