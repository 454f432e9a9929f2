// Turns a container user spec ("", "1000", "app", "app:staff", "1000:1000") into numeric ids, home and
// supplementary groups, reading the container's /etc/passwd and /etc/group as Podman does.
import {InvalidInputError} from '../errors';
import type {ProcessUser} from './oci-spec';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 7 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5]}));
}

export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 4 && /^\d+$/.test(f[2]))
    .map((f) => ({name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').map((m) => m.trim()).filter(Boolean) : []}));
}

export function resolveUser(spec: string, passwdText: string | undefined, groupText: string | undefined): ProcessUser {
  const passwd = parsePasswd(passwdText ?? '');
  const groups = parseGroup(groupText ?? '');
  const [userPart, groupPart] = spec === '' ? ['0', undefined] : spec.split(':', 2);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new InvalidInputError(`unable to find user ${userPart}: no matching entries in passwd file`, {hint: 'use a numeric uid or a user that exists in the image'});
    uid = entry.uid;
  }
  let gid: number;
  if (groupPart === undefined || groupPart === '') {
    gid = entry?.gid ?? 0;
  } else if (/^\d+$/.test(groupPart)) {
    gid = Number(groupPart);
  } else {
    const g = groups.find((x) => x.name === groupPart);
    if (!g) throw new InvalidInputError(`unable to find group ${groupPart}: no matching entries in group file`, {hint: 'use a numeric gid or a group that exists in the image'});
    gid = g.gid;
  }
  const additionalGids = entry && groupPart === undefined
    ? groups.filter((g) => g.members.includes(entry!.name) && g.gid !== gid).map((g) => g.gid)
    : [];
  return {uid, gid, additionalGids, home: entry?.home || (uid === 0 ? '/root' : '/')};
}
