// `--filter` of `image prune`: Podman's image filter keys (libimage) that mean something for burrow's
// images, compiled into one predicate. Every filter must match (as in Podman 4.3, which ANDs them).
import {InvalidInputError} from '../errors';
import type {ImageView} from '../storage/image-store';
import {splitName} from './reference';

export type ImagePredicate = (img: ImageView) => boolean;

export interface FilterContext {
  /** a time, a Unix timestamp or a Go duration before now, in ms since the epoch (engine's parseTime) */
  parseTime: (value: string) => number;
  /** the image a `before=`/`since=` value names (throws when there is none) */
  resolve: (ref: string) => ImageView;
}

const KEYS = ['before', 'dangling', 'id', 'label', 'label!', 'reference', 'since', 'until'];

export function compileImageFilters(filters: readonly string[], c: FilterContext): ImagePredicate {
  const preds: ImagePredicate[] = filters.map((f) => {
    const eq = f.indexOf('=');
    // "label!=a" splits at its "=" like any other filter, leaving the key "label!".
    if (eq <= 0) throw new InvalidInputError(`filter input must be in the form of filter=value: ${f} is invalid`, {hint: 'e.g. --filter label=KEY=VALUE or --filter until=24h'});
    const key = f.slice(0, eq);
    const value = f.slice(eq + 1);
    switch (key) {
      case 'dangling': {
        const want = parseBool(value);
        if (want === undefined) throw new InvalidInputError(`non-boolean value "${value}" for dangling filter`, {hint: 'use dangling=true or dangling=false'});
        return (img) => (img.names.length === 0) === want;
      }
      case 'label':
        return (img) => hasLabel(img, value);
      case 'label!':
        return (img) => !hasLabel(img, value);
      case 'until': {
        const t = c.parseTime(value);
        return (img) => Date.parse(created(img)) < t;
      }
      case 'before': {
        const t = Date.parse(created(c.resolve(value)));
        return (img) => Date.parse(created(img)) < t;
      }
      case 'since': {
        const t = Date.parse(created(c.resolve(value)));
        return (img) => Date.parse(created(img)) > t;
      }
      case 'id':
        return (img) => img.id.startsWith(value.replace(/^sha256:/, ''));
      case 'reference':
        // The same matching as `burrow images --filter reference=`.
        return (img) => img.names.some((n) => {
          const {repository, tag} = splitName(n);
          return `${repository}:${tag}`.includes(value) || repository.endsWith(value);
        });
      default:
        throw new InvalidInputError(`unsupported image filter "${key}"`, {hint: `supported: ${KEYS.join(', ')}`});
    }
  });
  return (img) => preds.every((p) => p(img));
}

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** "KEY" matches an image with that label, "KEY=VALUE" one with that value. */
function hasLabel(img: ImageView, spec: string): boolean {
  const labels = img.config.config?.Labels ?? {};
  const eq = spec.indexOf('=');
  if (eq < 0) return Object.prototype.hasOwnProperty.call(labels, spec);
  const k = spec.slice(0, eq);
  return Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === spec.slice(eq + 1);
}

/** The creation time Podman filters on: the config's, else when the record was made. */
function created(img: ImageView): string {
  return img.config.created ?? img.created;
}
