import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {registryFlags} from '../src/cli/registry-flags';

export default class Search extends BurrowCommand {
  static override summary = 'Search a registry for images';
  static override description = 'Lists repositories whose name contains TERM, from the catalog of the named registry (or of each unqualified-search registry). Many public registries offer no catalog; burrow says so. --list-tags lists the tags of one repository.';
  static override examples = [
    '<%= config.bin %> search 127.0.0.1:5000/busy',
    '<%= config.bin %> search --list-tags 127.0.0.1:5000/team/app',
  ];
  static override args = {
    term: Args.string({description: '[REGISTRY/]TEXT', required: true}),
  };
  static override flags = {
    limit: Flags.integer({description: 'at most this many results per registry', default: 25}),
    'list-tags': Flags.boolean({description: 'list the tags of the named repository'}),
    format: Flags.string({description: 'Go template or json'}),
    'no-trunc': Flags.boolean({description: 'do not truncate the output'}),
    authfile: registryFlags.authfile,
    'cert-dir': registryFlags['cert-dir'],
    creds: registryFlags.creds,
    'tls-verify': registryFlags['tls-verify'],
  };
}
