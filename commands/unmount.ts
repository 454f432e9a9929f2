import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Unmount extends BurrowCommand {
  static override summary = "Unmount a container's root filesystem";
  static override description = 'Takes back one `burrow mount`; the rootfs is unmounted when none is left and the container is not running (a running container keeps it until it stops). Prints the id of each container.';
  static override aliases = ['umount', 'container:unmount', 'container:umount'];
  static override strict = false;
  static override examples = ['<%= config.bin %> unshare <%= config.bin %> unmount web', '<%= config.bin %> unmount -a'];
  static override args = {
    container: Args.string({description: 'container name or id (several may be given)'}),
  };
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'unmount every mounted container'}),
    force: Flags.boolean({char: 'f', description: 'drop every mount taken by `burrow mount`, not just one'}),
  };
}
