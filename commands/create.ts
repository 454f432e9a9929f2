import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {containerCreateFlags, createOptions, type CreateFlagValues} from '../src/cli/container-flags';
import {flagShape, splitRunArgv} from '../src/cli/argv-split';

export default class Create extends BurrowCommand {
  static override summary = 'Create a container without starting it';
  static override aliases = ['container:create'];
  static override strict = false;
  static override examples = ['<%= config.bin %> create --name job localhost/demo echo hello', '<%= config.bin %> start -a job'];
  static override args = {image: Args.string({description: 'image', required: true}), command: Args.string({description: 'command and arguments'})};
  static override flags = containerCreateFlags;

  async run(): Promise<void> {
    const {head, command} = splitRunArgv(this.argv, flagShape({...Create.flags, ...BurrowCommand.baseFlags} as never));
    const {flags, args} = await this.parse(Create, head);
    this.applyGlobals(flags);
    const engine = await this.engine(flags);
    this.log(await engine.create(createOptions(flags as unknown as CreateFlagValues, args.image, command, this.argv)));
  }
}
