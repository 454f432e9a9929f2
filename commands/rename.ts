import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Rename extends BurrowCommand {
  static override summary = 'Rename a container';
  static override description = 'The container keeps its id, state and files; a running container keeps running. The new name must be free.';
  static override aliases = ['container:rename'];
  static override examples = ['<%= config.bin %> rename web web-old'];
  static override args = {container: Args.string({description: 'container name or id', required: true}), name: Args.string({description: 'the new name', required: true})};
}
