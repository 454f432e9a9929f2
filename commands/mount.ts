import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Mount extends BurrowCommand {
  static override summary = "Mount a container's root filesystem and print where";
  static override description = 'Rootless, the mount exists only in burrow\'s user namespace: run it inside `burrow unshare` (it is refused elsewhere, as with Podman). Without a container, lists the mounted containers. Each mount is counted; `burrow unmount` takes one back, and a running container\'s rootfs stays mounted until it stops.';
  static override aliases = ['container:mount'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> unshare sh -c \'ls "$(<%= config.bin %> mount web)/etc"\'',
    '<%= config.bin %> unshare <%= config.bin %> mount',
  ];
  static override args = {
    container: Args.string({description: 'container name or id (several may be given)'}),
  };
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'mount all containers'}),
    format: Flags.string({description: 'json, or a Go template over .ID, .Names and .Mountpoint (listing only)'}),
    notruncate: Flags.boolean({description: 'do not truncate ids in the listing'}),
  };
}
