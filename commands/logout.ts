import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {registryFlags} from '../src/cli/registry-flags';

export default class Logout extends BurrowCommand {
  static override summary = 'Log out of a registry';
  static override description = 'Removes the stored credentials for the registry from the auth file.';
  static override examples = ['<%= config.bin %> logout quay.io', '<%= config.bin %> logout --all'];
  static override args = {
    registry: Args.string({description: 'registry host[:port]'}),
  };
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'remove the credentials of every registry'}),
    authfile: registryFlags.authfile,
  };
}
