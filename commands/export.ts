import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Export extends BurrowCommand {
  static override summary = "Export a container's filesystem as a tar archive";
  static override description = 'The archive holds the container\'s root filesystem as the container sees it (its image plus its changes), with numeric owners; `burrow import` turns it back into an image. Without -o it goes to standard output, which must not be a terminal.';
  static override aliases = ['container:export'];
  static override examples = [
    '<%= config.bin %> export -o rootfs.tar mycontainer',
    '<%= config.bin %> export mycontainer | <%= config.bin %> import - localhost/snapshot',
  ];
  static override args = {
    container: Args.string({description: 'container name or id', required: true}),
  };
  static override flags = {
    output: Flags.string({char: 'o', description: 'write to this file instead of standard output'}),
  };
}
