import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';
import {containerCreateFlags, createOptions, type CreateFlagValues} from '../src/cli/container-flags';
import {flagShape, splitRunArgv} from '../src/cli/argv-split';
import {InvalidInputError} from '../src/errors';

export default class Run extends BurrowCommand {
  static override summary = 'Run a command in a new container';
  static override description = 'Creates a container from IMAGE and starts it. In the foreground its output is streamed and burrow exits with the container\'s exit code; with -d the container id is printed.';
  static override aliases = ['container:run'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run --rm localhost/demo id',
    '<%= config.bin %> run -d --name web localhost/demo httpd -f -p 8080',
    '<%= config.bin %> run --rm -e GREETING=hi -w /tmp localhost/demo sh -c \'echo $GREETING from $(pwd)\'',
  ];
  static override args = {image: Args.string({description: 'image to run', required: true}), command: Args.string({description: 'command and arguments'})};
  static override flags = {
    ...containerCreateFlags,
    detach: Flags.boolean({char: 'd', description: 'run in the background and print the container id'}),
  };

  async run(): Promise<void> {
    const {head, command} = splitRunArgv(this.argv, flagShape({...Run.flags, ...BurrowCommand.baseFlags} as never));
    const {flags, args} = await this.parse(Run, head);
    this.applyGlobals(flags);
    const f = flags as unknown as CreateFlagValues & {detach: boolean};
    if (f.interactive || f.tty) throw new InvalidInputError('interactive terminals (-i, -t) are not supported yet', {hint: 'run without -i/-t, or use -d and `burrow logs -f`'});
    const engine = await this.engine(flags);
    const opts = createOptions(f, args.image, command, this.argv);
    if (f.detach) {
      this.log(await engine.runDetached(opts));
      return;
    }
    let id: string | undefined;
    const forward = (sig: NodeJS.Signals) => {
      if (id) engine.containers.kill(id, sig).catch(() => undefined);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
    for (const s of signals) process.on(s, forward);
    try {
      const code = await engine.runAttached(opts, (r) => (r.stream === 'stderr' ? process.stderr : process.stdout).write(r.data), (cid) => {
        id = cid;
      });
      process.exitCode = code;
    } finally {
      for (const s of signals) process.off(s, forward);
    }
  }
}
