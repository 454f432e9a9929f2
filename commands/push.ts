import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {registryFlags} from '../src/cli/registry-flags';

export default class Push extends BurrowCommand {
  static override summary = 'Push an image to a registry';
  static override description = 'Uploads the blobs the registry lacks (in parallel, exactly as stored, so a pulled image keeps its digest), then the manifest.';
  static override aliases = ['image:push'];
  static override examples = [
    '<%= config.bin %> push 127.0.0.1:5000/team/app:1.2',
    '<%= config.bin %> push localhost/demo 127.0.0.1:5000/demo:latest',
  ];
  static override args = {
    image: Args.string({description: 'local image to push', required: true}),
    destination: Args.string({description: 'where to push it: REGISTRY/NAME[:TAG] (default: the image name)'}),
  };
  static override flags = {
    ...registryFlags,
    format: Flags.string({char: 'f', description: 'manifest type: oci or v2s2 (default: as stored)'}),
    digestfile: Flags.string({description: 'write the digest of the pushed manifest to this file'}),
    quiet: Flags.boolean({char: 'q', description: 'print no progress'}),
  };
}
