import {BurrowCommand} from '../src/cli/base-command';

export default class Unshare extends BurrowCommand {
  static override summary = 'Run a command inside burrow\'s user namespace';
  static override description = 'Runs COMMAND (default: your shell) as root of the rootless user namespace, in burrow\'s mount namespace, so files owned by subordinate ids can be read and removed. Global flags go before `unshare`.';
  static override strict = false;
  static override examples = ['<%= config.bin %> unshare cat /proc/self/uid_map', '<%= config.bin %> unshare rm -rf ~/.local/share/burrow'];
}
