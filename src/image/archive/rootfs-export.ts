// `export`: a tar of a container's filesystem as the container sees it (image layers plus its changes),
// which `import` turns back into an image. A running container's rootfs is already mounted; otherwise it
// is mounted for the export under the container lock (so start and cleanup wait) and unmounted after.
// GNU tar runs as namespaced root so that it can read every file and records ids as the container sees
// them (--numeric-owner); names are written without a "./" prefix, as Podman's export does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {EngineContext} from '../../engine/context';
import * as runner from '../../process/runner';
import {withRootfs} from '../../runtime/rootfs-access';
import {observedState} from '../../runtime/container-state';
import {toFile, toStream} from './archive-save';

export interface ExportOptions {
  output?: string;
  stdout?: NodeJS.WritableStream;
}

/** $1 is the root to archive. Top-level names come from find so that no "./" entry or prefix is written. */
const TAR_SCRIPT = `cd "$1" || exit 1
find . -mindepth 1 -maxdepth 1 -printf '%P\\0' | LC_ALL=C sort -z | tar -c -f - --numeric-owner --sort=name --null --no-unquote -T -`;

export async function exportContainer(ctx: EngineContext, ref: string, o: ExportOptions): Promise<string> {
  await ctx.ready();
  const id = ctx.containers.resolve(ref).config.id;
  const fill = (fd: number) => ctx.containers.update(id, (v) => withRootfs(ctx, v, observedState(v, ctx.exitDir), (merged) => tarInto(ctx, merged, fd)));
  if (o.output) await toFile(path.resolve(o.output), fill);
  else await toStream(ctx, o.stdout ?? process.stdout, fill, 'export');
  return id;
}

/** Writes a tar of `root` (as namespaced root, numeric owners, no "./" prefix) to `fd`; `volume export` uses it too. */
export async function tarInto(ctx: EngineContext, root: string, fd: number): Promise<void> {
  const argv = await ctx.priv.wrap(['sh', '-c', TAR_SCRIPT, 'burrow-export', root]);
  const child = runner.start(argv, {stdio: ['ignore', fd, 'pipe'], env: ctx.priv.childEnv()});
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(b));
  const {code, signal} = await new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({code: c, signal: s}));
  });
  if (code !== 0) throw runner.failure(['tar', '-c', root], code, signal, Buffer.concat(stderr).toString());
  fs.fsyncSync(fd);
}
