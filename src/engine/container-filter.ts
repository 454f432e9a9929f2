// `ps --filter`: Podman's keys (id, name, status, label, ancestor, exited, before, since, volume, restart-policy), where the
// same key given twice matches either value and different keys must all match.
import {InvalidInputError} from '../errors';
import type {ContainerSnapshot} from './container-views';

export type Filters = Map<string, string[]>;

const KEYS = ['id', 'name', 'status', 'label', 'ancestor', 'exited', 'before', 'since', 'volume', 'restart-policy'];
const STATUSES = ['created', 'running', 'paused', 'exited', 'stopping', 'removing', 'stopped', 'unknown', 'configured'];

export function parseFilters(list: readonly string[]): Filters {
  const out: Filters = new Map();
  for (const f of list) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    if (!KEYS.includes(key)) throw new InvalidInputError(`invalid filter "${key}"`, {hint: `supported filters: ${KEYS.join(', ')}`});
    if (key === 'status' && !STATUSES.includes(value)) throw new InvalidInputError(`invalid status "${value}"`, {hint: `use one of ${STATUSES.join(', ')}`});
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

/** `createdOf` gives another container's creation time, for since= and before= (it throws for an unknown one). */
export function matchesFilters(s: ContainerSnapshot, filters: Filters, imageId: (ref: string) => string | undefined, createdOf?: (ref: string) => string): boolean {
  for (const [key, values] of filters) {
    if (!values.some((v) => matchOne(s, key, v, imageId, createdOf))) return false;
  }
  return true;
}

function matchOne(s: ContainerSnapshot, key: string, v: string, imageId: (ref: string) => string | undefined, createdOf?: (ref: string) => string): boolean {
  const c = s.config;
  switch (key) {
    case 'id':
      return c.id.startsWith(v);
    case 'name':
      return safeRegex(v).test(c.name);
    case 'status':
      return s.state.status === v || (v === 'stopped' && s.state.status === 'exited');
    case 'label': {
      const eq = v.indexOf('=');
      const k = eq < 0 ? v : v.slice(0, eq);
      return k in c.labels && (eq < 0 || c.labels[k] === v.slice(eq + 1));
    }
    case 'ancestor':
      return c.imageName === v || c.imageName.endsWith(`/${v}`) || c.imageName === `${v}:latest` || c.imageName.endsWith(`/${v}:latest`) || c.imageId.startsWith(v) || imageId(v) === c.imageId;
    case 'restart-policy':
      // A container created without --restart has no policy, which is what "no" means.
      return (c.restartPolicy?.name || 'no') === (v === 'never' ? 'no' : v);
    case 'exited':
      return s.state.status === 'exited' && String(s.state.exitCode) === v;
    case 'volume':
      // Podman: a volume name, or the destination of any of the container's mounts.
      return (c.mounts ?? []).some((m) => (m.type === 'volume' && m.source === v) || m.destination === v);
    case 'since':
    case 'before': {
      if (!createdOf) throw new InvalidInputError(`filter ${key} needs a container to compare with`);
      const other = Date.parse(createdOf(v));
      return key === 'since' ? Date.parse(c.created) > other : Date.parse(c.created) < other;
    }
    default:
      return true;
  }
}

function safeRegex(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    throw new InvalidInputError(`invalid name filter "${v}": not a regular expression`, {hint: 'escape special characters'});
  }
}
