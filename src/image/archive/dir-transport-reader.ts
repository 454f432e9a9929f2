// Reads containers/image's dir: layout: manifest.json, a version file, and every blob as a file named by
// its hex digest (".tar" appended by format 1.0). A manifest list keeps each instance's manifest in
// "<hex>.manifest.json"; the host's platform is chosen. The layout holds no names.
import {InvalidInputError} from '../../errors';
import {sha256} from '../image-commit';
import {choosePlatform, hostPlatform, parseManifest, type Platform} from '../manifest';
import {checkSize, isList, parseImageManifest, type ArchiveImage} from './archive-image';
import {DOCUMENT_LIMIT, type LayoutFiles} from './layout-files';

export const DIR_VERSION_TEXT = 'Directory Transport Version: 1.1\n';

export function isDirLayout(files: LayoutFiles): boolean {
  return files.exists('manifest.json') && files.exists('version');
}

export function readDirLayout(files: LayoutFiles, platform: Platform = hostPlatform()): ArchiveImage {
  const version = files.read('version', 4096).toString('utf8');
  if (!/^Directory Transport Version: 1\.\d+\n?$/.test(version)) {
    throw new InvalidInputError(`${files.label}: unsupported dir: layout version "${version.trim()}"`, {hint: 'burrow reads dir: layouts of version 1.x'});
  }
  const where = files.label;
  let bytes = files.read('manifest.json', DOCUMENT_LIMIT);
  if (isList(bytes)) {
    const top = parseManifest(bytes);
    if (top.kind !== 'index') throw new InvalidInputError(`${where}: manifest.json is not a manifest list`, {hint: 'the layout is corrupt'});
    const pick = choosePlatform(top, platform);
    bytes = files.read(`${pick.digest.slice(7)}.manifest.json`, DOCUMENT_LIMIT);
    checkSize(`${where}: manifest ${pick.digest}`, pick.size, bytes.length);
    if (sha256(bytes) !== pick.digest) throw new InvalidInputError(`${where}: manifest ${pick.digest} failed its digest check`, {hint: 'the layout is corrupt'});
  }
  const m = parseImageManifest(bytes, where);
  const config = files.read(blobFile(files, m.config.digest), DOCUMENT_LIMIT);
  checkSize(`${where}: config`, m.config.size, config.length);
  const layers = m.layers.map((l) => {
    if (l.urls?.length && !files.exists(l.digest.slice(7)) && !files.exists(`${l.digest.slice(7)}.tar`)) return {descriptor: l, open: async () => files.open(l.digest.slice(7))};
    const file = blobFile(files, l.digest);
    checkSize(`${where}: layer ${file}`, l.size, files.size(file));
    return {descriptor: l, open: async () => files.open(file)};
  });
  return {names: [], manifest: bytes, manifestMediaType: m.mediaType, config, configDigest: m.config.digest, layers, where};
}

function blobFile(files: LayoutFiles, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return files.exists(hex) || !files.exists(`${hex}.tar`) ? hex : `${hex}.tar`;
}
