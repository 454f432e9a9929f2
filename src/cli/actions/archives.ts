// Archive verbs: save, load, export. Binary output goes to -o FILE or to a redirected standard output,
// never to a terminal (as Podman refuses); load reads a file or a redirected standard input.
import {InvalidInputError} from '../../errors';
import type {Action} from './context';

export const save: Action = async ({flags, argv}, cli) => {
  const output = flags.output as string | undefined;
  if (!output && process.stdout.isTTY) throw new InvalidInputError('refusing to save to terminal. Use -o flag or redirect');
  await cli.engine().saveImages({
    refs: argv, format: flags.format as string | undefined, multiImage: flags['multi-image-archive'] === true,
    output, stdout: output ? undefined : process.stdout,
  });
};

export const load: Action = async ({flags}, cli) => {
  const input = flags.input as string | undefined;
  if ((input === undefined || input === '-') && process.stdin.isTTY) {
    throw new InvalidInputError('cannot read from terminal, use command-line redirection or the --input flag');
  }
  const r = await cli.engine().loadImages({input, stdin: input === undefined || input === '-' ? process.stdin as AsyncIterable<Buffer> : undefined});
  // One line per name, as Podman prints them; an image without names is shown by its id.
  const lines = r.images.flatMap((img) => (img.names.length > 0 ? img.names : [`sha256:${img.id}`]));
  cli.out(lines.map((l) => `Loaded image: ${l}\n`).join(''));
};

export const exportContainer: Action = async ({flags, args}, cli) => {
  const output = flags.output as string | undefined;
  if (!output && process.stdout.isTTY) throw new InvalidInputError('refusing to export to terminal. Use -o flag or redirect');
  await cli.engine().exportContainer(args.container!, {output, stdout: output ? undefined : process.stdout});
};
