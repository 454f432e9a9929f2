import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Cp extends BurrowCommand {
  static override summary = 'Copy files between a container and the host';
  static override description = 'SRC and DEST are host paths or CONTAINER:PATH, running or stopped; "-" is a tar archive on standard input (extracted into DEST, a directory) or written to standard output. Paths follow docker cp: a trailing "/." copies a directory\'s contents, a missing DEST is created. Paths in a container are resolved inside its root, symlinks included. Files copied in belong to the container\'s user; files copied out belong to you.';
  static override aliases = ['container:cp'];
  static override examples = [
    '<%= config.bin %> cp ./config.yaml web:/etc/app/',
    '<%= config.bin %> cp web:/var/log/app ./logs',
    '<%= config.bin %> cp web:/etc/app - > app.tar',
    '<%= config.bin %> cp - web:/srv < site.tar',
  ];
  static override args = {
    src: Args.string({description: 'source: host path, CONTAINER:PATH or -', required: true}),
    dest: Args.string({description: 'destination: host path, CONTAINER:PATH or -', required: true}),
  };
  static override flags = {
    archive: Flags.boolean({char: 'a', description: 'give what is copied in to the container\'s user (the default: true); --archive=false keeps the source\'s ids'}),
    'follow-link': Flags.boolean({char: 'L', description: 'follow a symbolic link given as SRC'}),
    overwrite: Flags.boolean({description: 'replace a directory by a file and a file by a directory'}),
  };
}
