import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {containerCreateFlags} from '../src/cli/container-flags';

export default class Create extends BurrowCommand {
  static override summary = 'Create a container without starting it';
  static override aliases = ['container:create'];
  static override strict = false;
  static override examples = ['<%= config.bin %> create --name job localhost/demo echo hello', '<%= config.bin %> start -a job'];
  static override args = {image: Args.string({description: 'image', required: true}), command: Args.string({description: 'command and arguments'})};
  static override flags = containerCreateFlags;
}
