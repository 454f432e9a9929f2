import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Save extends BurrowCommand {
  static override summary = 'Save images to an archive or layout directory';
  static override description = 'Writes a docker-archive (the default: layers uncompressed, readable by `docker load` and `podman load`), an oci-archive, an OCI layout directory (oci-dir) or a dir: layout (docker-dir). Without -o the archive goes to standard output, which must not be a terminal. Extra names after the image are recorded as more names of it, unless --multi-image-archive makes each one an image of its own.';
  static override aliases = ['image:save'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> save -o demo.tar localhost/demo',
    '<%= config.bin %> save --format oci-archive localhost/demo > demo-oci.tar',
    '<%= config.bin %> save -m -o both.tar localhost/demo docker.io/library/busybox',
    '<%= config.bin %> save --format oci-dir -o ./layout localhost/demo',
  ];
  static override args = {
    image: Args.string({description: 'image to save (name or id); with -m, more images may follow', required: true}),
  };
  static override flags = {
    output: Flags.string({char: 'o', description: 'write to this file (or directory, for oci-dir and docker-dir) instead of standard output'}),
    format: Flags.string({description: 'archive format', options: ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'], default: 'docker-archive'}),
    'multi-image-archive': Flags.boolean({char: 'm', description: 'every argument is an image to put in the archive (docker-archive, oci-archive, oci-dir)'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing'}),
  };
}
