// A path as a container sees it, resolved inside its root filesystem: every symlink, at any component,
// is followed as if the root were "/" (an absolute target restarts at the root, ".." stops there), so
// a link planted by the container never leads outside. Used where the kernel cannot do it for us (the
// copier chroots for its file work; this decides, before that, whether a path falls into a -v bind).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../../errors';

/** What the resolver may ask of the tree. Paths given are container-absolute ("/etc/x"). */
export interface RootTree {
  /** 'link' for a symlink, 'dir', 'other', or undefined when nothing is there */
  kind(p: string): 'link' | 'dir' | 'other' | undefined;
  readlink(p: string): string;
}

const MAX_LINKS = 40; // Linux's MAXSYMLINKS

/**
 * The container-absolute path `p` (relative paths start at "/") leads to. The final component is
 * followed only with `followFinal`. Components that do not exist are kept as written.
 */
export function resolveInRoot(p: string, tree: RootTree, followFinal = true): string {
  const done: string[] = [];
  let todo = p.split('/').filter((c) => c !== '' && c !== '.');
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const candidate = `/${[...done, c].join('/')}`;
    const isLast = todo.length === 0;
    if ((!isLast || followFinal) && tree.kind(candidate) === 'link') {
      if (++links > MAX_LINKS) throw new InvalidInputError(`too many levels of symbolic links resolving "${p}"`, {hint: 'the container holds a symlink loop'});
      const target = tree.readlink(candidate);
      if (target.startsWith('/')) done.length = 0;
      todo = [...target.split('/').filter((x) => x !== '' && x !== '.'), ...todo];
      continue;
    }
    done.push(c);
  }
  return `/${done.join('/')}`;
}

/** The tree under a host directory, read without following anything. */
export function hostRootTree(root: string): RootTree {
  const host = (p: string) => path.join(root, p);
  return {
    kind(p) {
      try {
        const st = fs.lstatSync(host(p));
        return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'other';
      } catch {
        return undefined;
      }
    },
    readlink: (p) => fs.readlinkSync(host(p)),
  };
}

/** Whether container path `p` is `dir` or below it; returns the part below ("" for `dir` itself). */
export function below(p: string, dir: string): string | undefined {
  const d = dir.replace(/\/+$/, '');
  if (d === '') return p.replace(/^\/+/, '');
  if (p === d) return '';
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : undefined;
}
