import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {platformFlags, registryFlags} from '../src/cli/registry-flags';

export default class Pull extends BurrowCommand {
  static override summary = 'Pull images from a registry';
  static override description = 'Fetches the image (choosing the platform from a manifest list), checks every blob against its digest and stores it. Short names are resolved through registries.conf (aliases, then unqualified-search-registries). Prints the image id.';
  static override aliases = ['image:pull'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> pull docker.io/library/busybox',
    '<%= config.bin %> pull --tls-verify=false 127.0.0.1:5000/team/app:1.2',
    '<%= config.bin %> pull --platform linux/arm64 quay.io/org/image:1.2',
  ];
  static override args = {
    image: Args.string({description: 'image to pull: [REGISTRY/]NAME[:TAG][@DIGEST]', required: true}),
  };
  static override flags = {
    ...registryFlags,
    ...platformFlags,
    quiet: Flags.boolean({char: 'q', description: 'print no progress, only the image id'}),
  };
}
