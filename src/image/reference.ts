// Image names in Podman's grammar, for local use: [registry/]path[:tag][@digest]. Short names are
// qualified with localhost/ when burrow creates an image, and matched against any registry on lookup.
// Registry resolution (search registries, aliases) belongs to the registry client.
import {InvalidInputError} from '../errors';

export interface ImageReference {
  /** registry host (with port), e.g. "localhost" or "docker.io" */
  domain: string;
  /** repository path below the domain, e.g. "library/busybox" */
  path: string;
  tag?: string;
  digest?: string;
  /** true when the input named no registry */
  short: boolean;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Splits and validates a reference without regular expressions that can backtrack on hostile input. */
export function parseReference(input: string): ImageReference {
  const bad = (why: string) => new InvalidInputError(`invalid image reference "${input}": ${why}`, {hint: 'use NAME[:TAG][@sha256:DIGEST], e.g. localhost/demo:latest'});
  if (input.length === 0 || input.length > 512) throw bad('empty or too long');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('digest must be sha256: followed by 64 hex digits');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag "${tag}" may hold only letters, digits, _ . - (at most 128, not starting with . or -)`);
  }
  const parts = rest.split('/');
  let domain = '';
  const first = parts[0];
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    parts.shift();
    if (!/^[A-Za-z0-9.-]+(?::\d+)?$/.test(domain) && !/^\[[0-9a-fA-F:]+\](?::\d+)?$/.test(domain)) throw bad(`registry "${domain}" is not a host name`);
  }
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw bad(p === p.toLowerCase() ? `"${p}" is not a valid name component` : 'repository names must be lowercase');
  }
  // Docker's limit, on the canonical name: keeps every canonical reference under the 512-character input limit.
  if (`${domain || 'localhost'}/${parts.join('/')}`.length > 255) throw bad('repository name must not be more than 255 characters');
  return {domain: domain || 'localhost', path: parts.join('/'), tag, digest, short: domain === ''};
}

/** The full name images are stored under: domain/path:tag (":latest" when neither tag nor digest). */
export function canonicalName(ref: ImageReference): string {
  const base = `${ref.domain}/${ref.path}`;
  if (ref.digest && !ref.tag) return `${base}@${ref.digest}`;
  return `${base}:${ref.tag ?? 'latest'}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Repository and tag as `images` prints them. */
export function splitName(name: string): {repository: string; tag: string} {
  const at = name.indexOf('@');
  const noDigest = at >= 0 ? name.slice(0, at) : name;
  const colon = noDigest.lastIndexOf(':');
  if (colon > noDigest.lastIndexOf('/')) return {repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1)};
  return {repository: noDigest, tag: '<none>'};
}
