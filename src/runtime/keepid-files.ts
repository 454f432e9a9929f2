// --userns=keep-id: the container runs as you, so, as Podman does, /etc/passwd and /etc/group get an
// entry for you when the image has none for your ids (programs that look their user up keep working),
// and HOME is your home directory when it is mounted in, else the working directory. Pure.
import {parseGroup, parsePasswd} from './user-resolver';

export interface HostUser {
  name: string;
  /** GECOS field */
  gecos: string;
  home: string;
}

/** Your /etc/passwd entry on the host (name, GECOS, home), for the one inside. */
export function hostUserEntry(passwdText: string, uid: number, fallback: HostUser): HostUser {
  const f = passwdText.split('\n').map((l) => l.split(':')).find((x) => x.length >= 7 && x[2] === String(uid));
  return f ? {name: f[0], gecos: f[4], home: f[5] || fallback.home} : fallback;
}

/** Podman's rule: your home directory when it (or a directory above it) is a mount destination. */
export function keepIdHome(hostHome: string, mountDestinations: readonly string[], workdir: string): string {
  const dests = new Set(mountDestinations.map((d) => d.replace(/\/+$/, '') || '/'));
  for (let d = hostHome; d !== '/' && d !== '.' && d !== ''; d = d.slice(0, d.lastIndexOf('/')) || '/') {
    if (dests.has(d)) return hostHome;
  }
  return workdir || '/';
}

/** The image's passwd with your entry added; undefined when the image already has the uid. */
export function passwdWithUser(imagePasswd: string | undefined, user: HostUser, uid: number, gid: number, home: string): string | undefined {
  const text = imagePasswd ?? '';
  if (parsePasswd(text).some((e) => e.uid === uid)) return undefined;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${user.name}:*:${uid}:${gid}:${user.gecos}:${home}:/bin/sh\n`;
}

/** The image's group file with your group added; undefined when the image already has the gid. */
export function groupWithUser(imageGroup: string | undefined, name: string, gid: number): string | undefined {
  const text = imageGroup ?? '';
  if (parseGroup(text).some((g) => g.gid === gid)) return undefined;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${name}:x:${gid}:${name}\n`;
}
