// Where a container path lives in the container's root filesystem, found from the host without mounting
// anything and without ever following a symlink on the host: the layer directories are searched top
// down for each component (a 0/0 character device is overlay's whiteout), and a symlink found on the way
// is resolved as the container would, against the container's root. The result names a path inside the
// rootfs with no symlink in it, safe to hand to a copy running as namespaced root.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RootfsEntry {
  /** the path inside the rootfs, symlinks resolved ("/var/lib/data") */
  path: string;
  isDirectory: boolean;
}

const MAX_LINKS = 40;

/** `layers` are directories, top first (the container's own changes, then the image's layers). */
export function resolveInLayers(layers: readonly string[], containerPath: string): RootfsEntry | undefined {
  let todo = splitPath(containerPath);
  let done: string[] = [];
  // The layers whose `done` is a real directory, in the contiguous run overlay merges (top down).
  let dirLayers = [...layers];
  let isDirectory = true;
  let links = 0;
  const restart = (parts: string[]) => {
    todo = parts;
    done = [];
    dirLayers = [...layers];
  };
  while (todo.length > 0) {
    const name = todo.shift()!;
    if (name === '..') {
      restart([...done.slice(0, -1), ...todo]);
      continue;
    }
    const found = lookup(dirLayers, [...done, name].join('/'));
    if (!found) return undefined;
    const {index, stat} = found;
    if (stat.isSymbolicLink()) {
      if (++links > MAX_LINKS) return undefined;
      const target = fs.readlinkSync(path.join(dirLayers[index], ...done, name));
      // Absolute targets start again at the container's root; relative ones from the link's directory.
      restart([...(target.startsWith('/') ? [] : done), ...splitPath(target), ...todo]);
      continue;
    }
    isDirectory = stat.isDirectory();
    if (!isDirectory) {
      if (todo.length > 0) return undefined;
      done.push(name);
      break;
    }
    done.push(name);
    const next: string[] = [];
    for (const layer of dirLayers.slice(index)) {
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(path.join(layer, ...done));
      } catch {
        continue;
      }
      if (!st.isDirectory()) break; // a file, link or whiteout here hides everything below
      next.push(layer);
    }
    dirLayers = next;
  }
  return {path: '/' + done.join('/'), isDirectory};
}

function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/** The first layer that has `rel` (every parent of it being a real directory there, which the caller ensures). */
function lookup(layers: readonly string[], rel: string): {index: number; stat: fs.Stats} | undefined {
  for (let i = 0; i < layers.length; i++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(layers[i], rel));
    } catch {
      continue;
    }
    if (stat.isCharacterDevice() && stat.rdev === 0) return undefined; // a whiteout hides it below
    return {index: i, stat};
  }
  return undefined;
}
