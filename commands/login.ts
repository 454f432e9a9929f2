import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {registryFlags} from '../src/cli/registry-flags';

export default class Login extends BurrowCommand {
  static override summary = 'Log in to a registry';
  static override description = 'Checks the credentials with the registry, then stores them (mode 0600) in ${XDG_RUNTIME_DIR}/containers/auth.json, or the --authfile / REGISTRY_AUTH_FILE file, where Podman and skopeo find them too.';
  static override examples = [
    'echo "$TOKEN" | <%= config.bin %> login -u me --password-stdin quay.io',
    '<%= config.bin %> login --tls-verify=false 127.0.0.1:5000',
  ];
  static override args = {
    registry: Args.string({description: 'registry host[:port], optionally with a namespace'}),
  };
  static override flags = {
    username: Flags.string({char: 'u', description: 'user name'}),
    password: Flags.string({char: 'p', description: 'password (visible in the process list: prefer --password-stdin)'}),
    'password-stdin': Flags.boolean({description: 'read the password from stdin'}),
    authfile: registryFlags.authfile,
    'cert-dir': registryFlags['cert-dir'],
    'tls-verify': registryFlags['tls-verify'],
  };
}
