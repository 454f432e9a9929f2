// --cidfile and --replace of run/create, and rm --cidfile: the container id kept in a file a service
// manager can hand to the next command (Quadlet's ExecStop removes by it), and a name taken over.
import * as fs from 'node:fs';
import {InvalidInputError, NoSuchObjectError} from '../errors';
import {writeFileAtomic} from '../storage/atomic-file';

/** Checked before anything is created: an existing id file means another container may own it. */
export function checkCidfile(file: string, replace: boolean): void {
  if (replace || !fs.existsSync(file)) return;
  throw new InvalidInputError(`container id file exists. Ensure another container is not using it or delete ${file}`, {hint: 'remove the file, or pass --replace'});
}

export function writeCidfile(file: string, id: string): void {
  try {
    writeFileAtomic(file, id);
  } catch (e) {
    throw new InvalidInputError(`cannot write container id file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {hint: 'check that its directory exists and is writable'});
  }
}

/** The ids an `rm --cidfile` names (one per file); a missing file is "no such container". */
export function readCidfile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new NoSuchObjectError(`reading CIDFile ${file}: ${(e as NodeJS.ErrnoException).code}`, {hint: 'the container was probably removed already; rm -i ignores this'});
  }
  const id = text.trim();
  if (!/^[a-f0-9]{64}$/.test(id)) throw new InvalidInputError(`CIDFile ${file} holds no container id`, {hint: 'remove the file'});
  return id;
}
