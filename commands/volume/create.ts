import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class VolumeCreate extends BurrowCommand {
  static override summary = 'Create a volume';
  static override description = 'A volume is a directory in burrow\'s storage that outlives containers. The first container to mount it copies the image\'s content at the mount point into it and gives it to the container\'s user. Without NAME a random name is chosen.';
  static override examples = [
    '<%= config.bin %> volume create cache',
    '<%= config.bin %> volume create --label team=web --opt o=uid=1000,gid=1000 webdata',
    '<%= config.bin %> volume create --ignore cache',
  ];
  static override args = {name: Args.string({description: 'volume name'})};
  static override flags = {
    driver: Flags.string({char: 'd', description: 'volume driver: local (the only one)'}),
    label: Flags.string({char: 'l', multiple: true, multipleNonGreedy: true, description: 'set a label (KEY=VALUE)'}),
    opt: Flags.string({char: 'o', multiple: true, multipleNonGreedy: true, description: 'driver option KEY=VALUE; o=uid=N,gid=N sets the owner'}),
    ignore: Flags.boolean({description: 'do not fail when the volume exists'}),
  };
}
