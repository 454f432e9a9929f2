// Asks for a user name or password on the controlling terminal, without echo for secrets. Not a
// terminal: returns undefined, so the caller can say which flag to use instead of hanging.
import * as readline from 'node:readline';

export async function readSecret(prompt: string, o: {echo: boolean}): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const rl = readline.createInterface({input: process.stdin, output: process.stderr, terminal: true});
  if (!o.echo) {
    // Keep readline from echoing what is typed; the prompt itself is written before muting.
    const out = rl as unknown as {_writeToOutput: (s: string) => void};
    let prompted = false;
    out._writeToOutput = (s: string) => {
      if (!prompted) {
        process.stderr.write(s);
        prompted = true;
      } else if (s.includes('\n')) process.stderr.write('\n');
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
  }
}
