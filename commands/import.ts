import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Import extends BurrowCommand {
  static override summary = 'Create an image from a tarball of a root filesystem';
  static override description = 'The tarball (plain or gzip, a file or - for stdin) becomes the single layer of a new image. Short names are stored under localhost/.';
  static override aliases = ['image:import'];
  static override examples = [
    '<%= config.bin %> import rootfs.tar localhost/demo',
    'tar -C rootfs -c . | <%= config.bin %> import --change CMD=/bin/sh - mybox',
  ];
  static override args = {
    source: Args.string({description: 'tarball path, or - for stdin', required: true}),
    reference: Args.string({description: 'name for the image, e.g. localhost/demo:latest'}),
  };
  static override flags = {
    change: Flags.string({char: 'c', multiple: true, multipleNonGreedy: true, description: 'apply a Containerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR'}),
    message: Flags.string({char: 'm', description: 'commit message stored in the image history'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing but the image id'}),
  };
}
