// Small helpers the unit tests share: the error a call throws, and files written into a temp tree.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The error `fn` throws; the test fails when it throws nothing. */
export function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** The error `fn` throws, which must be an instance of `type`. */
export function caughtAs<T extends Error>(type: new (...args: never[]) => T, fn: () => unknown): T {
  const e = caught(fn);
  expect(e).to.be.instanceOf(type);
  return e as T;
}

/** Writes `data` to `file`, creating its directories; returns the path. */
export function putFile(file: string, data: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, data);
  return file;
}
