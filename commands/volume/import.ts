import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeImport extends BurrowCommand {
  static override summary = 'Add the content of a tar archive to a volume';
  static override description = 'The archive (plain or gzipped) is checked as an untrusted image layer would be (no absolute or climbing names, nothing written through links); its files are added to the volume, replacing files of the same name, with the owners it records.';
  static override examples = ['<%= config.bin %> volume import cache cache.tar', 'gunzip -c cache.tar.gz | <%= config.bin %> volume import cache -'];
  static override args = {
    name: Args.string({description: 'volume name', required: true}),
    source: Args.string({description: 'tar file, or - for standard input', required: true}),
  };
}
