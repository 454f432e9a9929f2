// Turns what `load -i` names into images to commit: "docker-archive:PATH[:NAME|:@N]",
// "oci-archive:PATH[:NAME]", "oci:DIR[:NAME]", "dir:DIR", or a bare path whose format is detected (a tar
// with manifest.json is a docker-archive, one with oci-layout an oci-archive; a directory is an OCI layout
// or a dir: layout). Standard input is spooled to a scratch file first, and a gzip or zstd compressed
// archive is decompressed into one, because a tar is read twice: once to index and check it, then per layer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {InvalidInputError} from '../../errors';
import type {ArchiveImage} from './archive-image';
import {isDirLayout, readDirLayout} from './dir-transport-reader';
import {readDockerArchive, type ArchiveSelection} from './docker-archive-reader';
import {decompress, fileCompression, fileRange} from './layer-streams';
import {DirFiles, TarIndex} from './layout-files';
import {readOciLayout} from './oci-layout-reader';
import type {Scratch} from './scratch';

export type Transport = 'docker-archive' | 'oci-archive' | 'oci' | 'dir';
const TRANSPORTS: Transport[] = ['docker-archive', 'oci-archive', 'oci', 'dir'];

export interface SourceSpec {
  transport?: Transport;
  path: string;
  select: ArchiveSelection;
}

/** Splits TRANSPORT:PATH[:REF]; a path that exists as given wins over a split at its first colon. */
export function parseSourceSpec(input: string, exists: (p: string) => boolean = fs.existsSync): SourceSpec {
  const colon = input.indexOf(':');
  const prefix = colon > 0 ? input.slice(0, colon) : '';
  if (!TRANSPORTS.includes(prefix as Transport) || exists(input)) return {path: input, select: {}};
  const transport = prefix as Transport;
  const rest = input.slice(colon + 1);
  if (rest === '') throw new InvalidInputError(`"${input}" names no path`, {hint: `use ${transport}:PATH`});
  const split = rest.indexOf(':');
  if (transport === 'dir' || split < 0 || exists(rest)) return {transport, path: rest, select: {}};
  const ref = rest.slice(split + 1);
  const p = rest.slice(0, split);
  if (ref === '') return {transport, path: p, select: {}};
  if (ref.startsWith('@')) {
    if (transport !== 'docker-archive' || !/^@\d{1,6}$/.test(ref)) throw new InvalidInputError(`invalid image selector "${ref}" in "${input}"`, {hint: 'docker-archive:PATH:@N picks the N-th image (from 0)'});
    return {transport, path: p, select: {index: Number(ref.slice(1))}};
  }
  return {transport, path: p, select: {name: ref}};
}

export interface OpenedSource {
  format: 'docker-archive' | 'oci-archive' | 'oci-dir' | 'docker-dir';
  images: ArchiveImage[];
}

/** Reads the source named by `input` (or the bytes of `stdin`) into checked images, using `scratch` for temp files. */
export async function openSource(input: string | undefined, stdin: AsyncIterable<Buffer> | undefined, scratch: Scratch): Promise<OpenedSource> {
  if (input === undefined || input === '-') {
    if (!stdin) throw new InvalidInputError('no archive to load', {hint: 'give -i FILE or pipe an archive into burrow load'});
    const file = await scratch.spool('load', stdin);
    if (fs.statSync(file).size === 0) throw new InvalidInputError('nothing was read from standard input', {hint: 'pipe an archive in, or give -i FILE'});
    return openTar(file, 'the archive on standard input', undefined, {}, scratch);
  }
  const spec = parseSourceSpec(input);
  let st: fs.Stats;
  try {
    st = fs.statSync(spec.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`${spec.path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, {hint: 'give the path of a docker-archive or oci-archive file, or of an OCI layout directory'});
  }
  if (st.isDirectory()) return openDir(path.resolve(spec.path), spec);
  if (!st.isFile()) throw new InvalidInputError(`${spec.path} is not a regular file or a directory`, {hint: 'give the path of an image archive'});
  if (spec.transport === 'oci' || spec.transport === 'dir') throw new InvalidInputError(`${spec.transport}:${spec.path} must be a directory`, {hint: 'use oci-archive: or docker-archive: for a tar file'});
  return openTar(path.resolve(spec.path), `archive ${spec.path}`, spec.transport, spec.select, scratch);
}

async function openDir(dir: string, spec: SourceSpec): Promise<OpenedSource> {
  const files = new DirFiles(dir);
  if (spec.transport === 'docker-archive' || spec.transport === 'oci-archive') {
    throw new InvalidInputError(`${spec.transport}:${dir} is a directory, not an archive file`, {hint: `use oci:${dir} for an OCI layout, dir:${dir} for a dir: layout`});
  }
  const isOci = spec.transport === 'oci' || (spec.transport === undefined && files.exists('oci-layout'));
  if (isOci) return {format: 'oci-dir', images: await readOciLayout(files, spec.select)};
  if (spec.transport === 'dir' || isDirLayout(files)) return {format: 'docker-dir', images: [readDirLayout(files)]};
  throw new InvalidInputError(`${dir} is neither an OCI layout (no oci-layout file) nor a dir: layout (no manifest.json and version)`, {hint: 'give an image archive or layout'});
}

async function openTar(file: string, label: string, transport: Transport | undefined, select: ArchiveSelection, scratch: Scratch): Promise<OpenedSource> {
  const compression = fileCompression(file);
  if (compression !== 'none') {
    file = await scratch.spool('unpack', decompress(fileRange(file), compression, label));
  }
  const index = await TarIndex.build(file, label);
  const hasDocker = index.exists('manifest.json');
  const hasOci = index.exists('oci-layout') && index.exists('index.json');
  const format = transport === 'oci-archive' ? 'oci-archive' : transport === 'docker-archive' ? 'docker-archive' : hasDocker ? 'docker-archive' : hasOci ? 'oci-archive' : undefined;
  if (format === 'docker-archive') {
    if (!hasDocker) throw new InvalidInputError(`${label} is not a docker-archive: it has no manifest.json`, {hint: hasOci ? 'it is an oci-archive; load it as oci-archive:PATH' : 'give a docker-archive'});
    return {format, images: await readDockerArchive(index, select)};
  }
  if (format === 'oci-archive') {
    if (!hasOci) throw new InvalidInputError(`${label} is not an oci-archive: it has no oci-layout and index.json`, {hint: hasDocker ? 'it is a docker-archive; load it as docker-archive:PATH' : 'give an oci-archive'});
    return {format, images: await readOciLayout(index, select)};
  }
  throw new InvalidInputError(`${label} is neither a docker-archive (no manifest.json) nor an oci-archive (no oci-layout and index.json)`, {hint: 'give an archive made by `save`, `podman save` or `docker save`'});
}
