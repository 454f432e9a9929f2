import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {renderInspect} from '../src/format/output';

export default class Version extends BurrowCommand {
  static override summary = 'Show the burrow version';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --format "{{.Client.Version}}"'];
  static override flags = {format: Flags.string({char: 'f', description: 'json, or a Go template'})};

  async run(): Promise<void> {
    const {flags} = await this.parse(Version);
    this.applyGlobals(flags);
    const version = this.config.version;
    const client = {APIVersion: version, Version: version, GoVersion: process.version, GitCommit: '', BuiltTime: '', Built: 0, OsArch: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`, Os: 'linux'};
    if (flags.format === 'json') {
      process.stdout.write(JSON.stringify({Client: client}, null, 4) + '\n');
    } else if (flags.format) {
      process.stdout.write(renderInspect([{Client: client}], flags.format));
    } else {
      this.log(`Client:       burrow\nVersion:      ${version}\nAPI Version:  ${version}\nNode Version: ${process.version}\nOS/Arch:      ${client.OsArch}`);
    }
  }
}
