// Podman's confirmation prompts read one line from standard input whatever it is (terminal, pipe, file):
// a line starting with y or Y says yes, any other line no, and end of input is an error ("EOF").
import {InvalidInputError} from '../errors';

/** One line from `input`, newline included; undefined when the input ends first. */
export function readLine(input: NodeJS.ReadableStream = process.stdin): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (fn: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      // A paused standard input no longer keeps the process alive.
      input.pause();
      fn();
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) finish(() => resolve(text.slice(0, nl + 1)));
    };
    const onEnd = () => finish(() => resolve(undefined));
    const onError = (e: Error) => finish(() => reject(e));
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

/** Writes `question` with `out` and reads the answer; true for yes, as Podman's `strings.ToLower(answer)[0] == 'y'`. */
export async function confirm(question: string, out: (text: string) => void, input?: NodeJS.ReadableStream): Promise<boolean> {
  out(question);
  const answer = await readLine(input);
  if (answer === undefined) throw new InvalidInputError('EOF', {hint: 'no answer on standard input; use -f (--force) to go ahead without being asked'});
  return answer[0]?.toLowerCase() === 'y';
}
