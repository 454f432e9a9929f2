// Assembles a container's root filesystem from image layers. Native overlay inside the user namespace
// is preferred (fast, no copies); fuse-overlayfs where the kernel refuses that; a copying driver last.
// The choice is probed once per boot and cached, with the reason, for `burrow info`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {HostConfigError} from '../errors';
import type {PrivilegedExec} from '../../rootless/privileged';
import {bootId} from '../../rootless/proc';
import {readJson, writeJsonAtomic} from '../storage/atomic-file';
import {findTool} from './host-tools';
import {fuseMapping, type IdMaps} from './userns';

export type DriverName = 'overlay' | 'fuse-overlayfs' | 'vfs';

export interface DriverVerdict {
  name: DriverName;
  usable: boolean;
  reason: string;
}

export interface DriverChoice {
  name: DriverName;
  verdicts: DriverVerdict[];
}

export interface RootfsLayout {
  /** layer directories, bottom first */
  lowers: string[];
  upper: string;
  work: string;
  merged: string;
  /** an empty directory, for images without layers */
  empty: string;
  /** the container's own user namespace: the rootfs is shown through its maps (fuse-overlayfs only) */
  idmap?: IdMaps;
}

export const DRIVER_ORDER: DriverName[] = ['overlay', 'fuse-overlayfs', 'vfs'];

export async function chooseDriver(priv: PrivilegedExec, runroot: string, scratch: string, forced?: string): Promise<DriverChoice> {
  if (forced !== undefined && !DRIVER_ORDER.includes(forced as DriverName)) {
    throw new HostConfigError(`unknown storage driver "${forced}"`, {hint: `use one of ${DRIVER_ORDER.join(', ')}`});
  }
  const cacheFile = path.join(runroot, 'driver.json');
  const cached = readJson<DriverChoice & {bootId: string; forced?: string}>(cacheFile);
  if (cached && cached.bootId === bootId() && cached.forced === forced) return {name: cached.name, verdicts: cached.verdicts};
  const verdicts: DriverVerdict[] = [];
  let chosen: DriverName | undefined;
  for (const name of forced ? [forced as DriverName] : DRIVER_ORDER) {
    const probed = await probeDriver(priv, scratch, name);
    const v = forced && probed.usable ? {...probed, reason: `asked for (--storage-driver or storage.conf); ${probed.reason}`} : probed;
    verdicts.push(v);
    if (v.usable) {
      chosen = name;
      break;
    }
  }
  if (!chosen) throw new HostConfigError(`storage driver ${forced} cannot work here: ${verdicts[0].reason}`, {hint: 'drop the driver setting to let burrow choose'});
  const choice = {name: chosen, verdicts};
  writeJsonAtomic(cacheFile, {...choice, bootId: bootId(), forced});
  return choice;
}

async function probeDriver(priv: PrivilegedExec, scratch: string, name: DriverName): Promise<DriverVerdict> {
  if (name === 'vfs') return {name, usable: true, reason: 'copies every layer into each container (slow, uses disk)'};
  if (name === 'fuse-overlayfs') {
    if (!findTool('fuse-overlayfs')) return {name, usable: false, reason: 'fuse-overlayfs is not installed'};
    try {
      fs.accessSync('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      return {name, usable: false, reason: '/dev/fuse is not usable by you (as root: chmod 0666 /dev/fuse)'};
    }
  }
  fs.mkdirSync(scratch, {recursive: true});
  const dir = fs.mkdtempSync(path.join(scratch, `probe-${name}-`));
  const layout: RootfsLayout = {lowers: [path.join(dir, 'l')], upper: path.join(dir, 'u'), work: path.join(dir, 'w'), merged: path.join(dir, 'm'), empty: path.join(dir, 'l')};
  for (const d of [layout.lowers[0], layout.upper, layout.work, layout.merged]) fs.mkdirSync(d);
  try {
    await mountRootfs(priv, name, layout);
    await unmountRootfs(priv, name, layout.merged);
    return {name, usable: true, reason: name === 'overlay' ? `kernel overlayfs mounts inside the user namespace${priv.rootless ? ' (userxattr)' : ''}` : 'a FUSE overlay test mount works'};
  } catch (e) {
    return {name, usable: false, reason: `test mount failed: ${(e as Error).message.split('\n')[0]}`};
  } finally {
    await priv.run(['rm', '-rf', '--one-file-system', '--', dir]).catch(() => undefined);
  }
}

function overlayOptions(layout: RootfsLayout, rootless: boolean, fuse: boolean): string {
  const lowers = layout.lowers.length > 0 ? [...layout.lowers].reverse() : [layout.empty];
  const opts = [`lowerdir=${lowers.join(':')}`, `upperdir=${layout.upper}`, `workdir=${layout.work}`];
  if (rootless && !fuse) opts.push('userxattr');
  // allow_other: the container's root is a subordinate id, not the user who mounted it (FUSE then still
  // admits only processes inside the mounting user namespace).
  if (fuse && layout.idmap) opts.push('allow_other', `uidmapping=${fuseMapping(layout.idmap.uidMap)}`, `gidmapping=${fuseMapping(layout.idmap.gidMap)}`);
  return opts.join(',');
}

/** Mounts (or, for vfs, copies) the rootfs at layout.merged. */
export async function mountRootfs(priv: PrivilegedExec, driver: DriverName, layout: RootfsLayout): Promise<void> {
  if (layout.idmap && driver !== 'fuse-overlayfs') throw new HostConfigError(`a container with its own user namespace needs fuse-overlayfs, not ${driver}`, {hint: 'recreate the container'});
  switch (driver) {
    case 'overlay':
      await priv.run(['mount', '-t', 'overlay', 'overlay', '-o', overlayOptions(layout, priv.rootless, false), layout.merged]);
      return;
    case 'fuse-overlayfs':
      await priv.run(['fuse-overlayfs', '-o', overlayOptions(layout, priv.rootless, true), layout.merged]);
      return;
    case 'vfs':
      // Copy each layer over the previous one; a whiteout (char device 0/0) then deletes what it hides.
      await priv.run(['sh', '-ec', VFS_SCRIPT, 'vfs', layout.merged, ...layout.lowers]);
      return;
  }
}

/**
 * How a container with its own user namespace (--userns=keep-id|auto) gets its rootfs. The layers are
 * owned as the pause namespace maps them, so the container must see them through its own maps. Kernel
 * idmapped mounts need CAP_SYS_ADMIN over the layers' filesystem (the host's, owned by the initial
 * namespace) and overlayfs itself cannot be idmapped, so rootless that is out of reach; fuse-overlayfs
 * shifts ids itself (uidmapping=/gidmapping=), as Podman uses it. Probed with a real shifted mount,
 * once per boot.
 */
export async function probeIdmappedRootfs(priv: PrivilegedExec, runroot: string, scratch: string): Promise<DriverVerdict> {
  const cacheFile = path.join(runroot, 'idmap-driver.json');
  const cached = readJson<DriverVerdict & {bootId: string}>(cacheFile);
  if (cached && cached.bootId === bootId()) return {name: cached.name, usable: cached.usable, reason: cached.reason};
  const name: DriverName = 'fuse-overlayfs';
  let verdict: DriverVerdict;
  if (!findTool('fuse-overlayfs')) {
    verdict = {name, usable: false, reason: 'fuse-overlayfs is not installed (kernel idmapped mounts need privilege over the layers\' filesystem)'};
  } else {
    fs.mkdirSync(scratch, {recursive: true});
    const dir = fs.mkdtempSync(path.join(scratch, 'probe-idmap-'));
    const layout: RootfsLayout = {lowers: [path.join(dir, 'l')], upper: path.join(dir, 'u'), work: path.join(dir, 'w'), merged: path.join(dir, 'm'), empty: path.join(dir, 'l'),
      idmap: {uidMap: [{containerId: 0, hostId: 1, size: 1}], gidMap: [{containerId: 0, hostId: 1, size: 1}]}};
    for (const d of [layout.lowers[0], layout.upper, layout.work, layout.merged]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(dir, 'l', 'f'), '');
    try {
      await mountRootfs(priv, name, layout);
      // The file is ours on disk (pause id 0); through the map it must show as pause id 1.
      const res = await priv.run(['stat', '-c', '%u:%g', path.join(layout.merged, 'f')]);
      await unmountRootfs(priv, name, layout.merged);
      verdict = res.stdout.trim() === '1:1'
        ? {name, usable: true, reason: 'fuse-overlayfs shifts ids (uidmapping/gidmapping); kernel idmapped mounts need privilege over the layers\' filesystem'}
        : {name, usable: false, reason: `fuse-overlayfs ignored uidmapping (a file showed as ${res.stdout.trim()})`};
    } catch (e) {
      verdict = {name, usable: false, reason: `fuse-overlayfs test mount with uidmapping failed: ${(e as Error).message.split('\n')[0]}`};
    } finally {
      await priv.run(['rm', '-rf', '--one-file-system', '--', dir]).catch(() => undefined);
    }
  }
  writeJsonAtomic(cacheFile, {...verdict, bootId: bootId()});
  return verdict;
}

const VFS_SCRIPT = `dest="$1"; shift
if [ -e "$dest.vfs-done" ]; then exit 0; fi
for layer in "$@"; do
  cp -a --reflink=auto "$layer/." "$dest/"
  find "$dest" -xdev -type c -exec sh -c 'for f; do [ "$(stat -c %t:%T "$f")" = 0:0 ] && rm -f "$f"; done; true' sh {} +
done
touch "$dest.vfs-done"`;

/** Mount points at or below `dir` in burrow's mount namespace (octal escapes of mountinfo decoded). */
export async function mountsUnder(priv: PrivilegedExec, dir: string): Promise<string[]> {
  const pid = await priv.mountInfoPid();
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const decoded = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (decoded === dir || decoded.startsWith(`${dir}/`)) out.push(decoded);
  }
  return out;
}

/** Unmounts the rootfs if (and only if) something is mounted there; the deepest mounts go first. */
export async function unmountRootfs(priv: PrivilegedExec, driver: DriverName, merged: string): Promise<void> {
  if (driver === 'vfs') return;
  const mounted = await mountsUnder(priv, merged);
  for (const mp of mounted.sort((a, b) => b.length - a.length)) await unmountOne(priv, mp);
}

async function unmountOne(priv: PrivilegedExec, merged: string): Promise<void> {
  const res = await priv.run(['umount', merged], {okStatuses: [0, 1, 32]});
  if (res.status !== 0 && !/not mounted|no mount point/i.test(res.stderr)) {
    // Busy: detach lazily so storage can still be removed; the kernel frees it when the last user goes.
    await priv.run(['umount', '-l', merged], {okStatuses: [0, 1, 32]});
  }
}
