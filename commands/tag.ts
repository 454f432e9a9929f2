import {Args} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Tag extends BurrowCommand {
  static override summary = 'Add names to an image';
  static override aliases = ['image:tag'];
  static override strict = false;
  static override examples = ['<%= config.bin %> tag localhost/demo localhost/demo:v1 mybox'];
  static override args = {image: Args.string({description: 'image to name', required: true})};

  async run(): Promise<void> {
    const {flags, args, argv} = await this.parse(Tag);
    this.applyGlobals(flags);
    const targets = (argv as string[]).slice(1);
    if (targets.length === 0) this.error('tag requires at least two arguments: IMAGE TARGET_NAME [TARGET_NAME...]', {exit: 125});
    const engine = await this.engine(flags);
    await engine.tag(args.image, targets);
  }
}
