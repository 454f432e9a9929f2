import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class NetworkCreate extends BurrowCommand {
  static override summary = 'Create a network';
  static override description = 'Creates a bridge network that rootless containers join with --network NAME. Its members reach each other by name (aardvark-dns), reach the outside through slirp4netns, and cannot reach members of other networks. Without --subnet the first free 10.89.N.0/24 is used. Nothing runs until a member starts.';
  static override examples = ['<%= config.bin %> network create backend', '<%= config.bin %> network create --subnet 10.89.20.0/24 --label team=web web', '<%= config.bin %> network create --internal isolated'];
  static override args = {name: Args.string({description: 'network name (default podmanN)'})};
  static override flags = {
    subnet: Flags.string({description: 'IPv4 subnet in CIDR form'}),
    gateway: Flags.string({description: 'address of the bridge (serves DNS); default the first of the subnet'}),
    internal: Flags.boolean({description: 'no outside access (and no published ports)'}),
    'disable-dns': Flags.boolean({description: 'no name resolution between members'}),
    label: Flags.string({multiple: true, multipleNonGreedy: true, description: 'set a label (KEY=VALUE)'}),
    driver: Flags.string({char: 'd', description: 'driver: bridge (the only one)'}),
    ignore: Flags.boolean({description: 'do not fail when the network exists'}),
  };
}
