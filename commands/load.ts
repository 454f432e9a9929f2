import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Load extends BurrowCommand {
  static override summary = 'Load images from an archive or layout directory';
  static override description = 'Reads a docker-archive or oci-archive (plain, gzip or zstd; its format is detected) from standard input or -i FILE, or an OCI layout or dir: layout directory. TRANSPORT:PATH picks the format: docker-archive:FILE[:NAME|:@N], oci-archive:FILE[:NAME], oci:DIR[:NAME], dir:DIR. Every member name, size and digest is checked before anything is stored. Prints "Loaded image: NAME" per name (or the id of an unnamed image).';
  static override aliases = ['image:load'];
  static override examples = [
    '<%= config.bin %> load -i demo.tar',
    'gzip -dc demo.tar.gz | <%= config.bin %> load',
    '<%= config.bin %> load -i oci:./layout:localhost/demo:latest',
  ];
  static override flags = {
    input: Flags.string({char: 'i', description: 'archive file, layout directory or TRANSPORT:PATH to read instead of standard input'}),
    quiet: Flags.boolean({char: 'q', description: 'print only the names of the loaded images'}),
  };
}
