// Verbs on a container's files: cp, diff, mount, unmount.
import {InvalidInputError} from '../../errors';
import type {Action} from './context';

export const cp: Action = async ({flags, args, given}, cli) => {
  if (args.dest === '-' && process.stdout.isTTY) throw new InvalidInputError('refusing to write an archive to a terminal', {hint: 'redirect standard output to a file'});
  if (args.src === '-' && process.stdin.isTTY) throw new InvalidInputError('cannot read an archive from a terminal', {hint: 'redirect standard input from a tar file'});
  await cli.engine().copy(args.src!, args.dest!, {
    // Podman's --archive is true unless given as false (a boolean's default is not in the manifest).
    archive: given?.has('archive') ? flags.archive === true : true, followLink: flags['follow-link'] === true, overwrite: flags.overwrite === true,
  });
};
