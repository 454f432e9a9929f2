// `history`: an image's history entries, newest first, built as Podman 4's libimage builds them, and the
// row and JSON shapes `podman history` prints. Pure functions over image records, so unit tests cover them.
//
// libimage walks the history from the newest entry while it walks the layers from the top: an entry that
// is not an `empty_layer` takes the size of the current layer and moves to the layer below. An entry whose
// current layer is the top layer of a local image (its layer chain, in burrow: the same diff ids in the
// same order) shows that image's id, once; the newest entry always shows the image's own id; every other
// entry shows "<missing>". Podman 4.3 never fills Tags.
import type {ImageRecord} from '../storage/image-store';
import {humanDuration, humanSize} from '../format/human';

export const MISSING_ID = '<missing>';

export interface HistoryEntry {
  id: string;
  /** as written in the image config (RFC 3339); undefined when the entry has none */
  created?: string;
  createdBy: string;
  /** uncompressed size of the entry's layer; 0 for empty layers */
  size: number;
  comment: string;
  tags: string[];
}

export function historyEntries(img: ImageRecord, images: readonly ImageRecord[]): HistoryEntry[] {
  const history = img.config.history ?? [];
  const chain = img.layers.map((l) => l.diffId);
  // Images by their layer chain; the image itself first, then the oldest (c/storage lists images in the
  // order they were stored, and libimage takes the first).
  const byChain = new Map<string, ImageRecord[]>();
  for (const other of images) {
    if (other.layers.length === 0) continue;
    const key = other.layers.map((l) => l.diffId).join(' ');
    byChain.set(key, [...(byChain.get(key) ?? []), other]);
  }
  const rank = (r: ImageRecord) => (r.id === img.id ? '0' : `1${r.created}${r.id}`);
  for (const list of byChain.values()) list.sort((a, b) => rank(a).localeCompare(rank(b)));

  const used = new Set<string>();
  let layer = chain.length - 1;
  const out: HistoryEntry[] = [];
  for (let x = history.length - 1; x >= 0; x--) {
    const h = history[x];
    const e: HistoryEntry = {id: x === history.length - 1 ? img.id : MISSING_ID, created: h.created, createdBy: h.created_by ?? '', size: 0, comment: h.comment ?? '', tags: []};
    if (layer >= 0) {
      if (!h.empty_layer) e.size = img.layers[layer].size;
      const owner = byChain.get(chain.slice(0, layer + 1).join(' '))?.[0];
      if (owner && !used.has(owner.id)) {
        e.id = owner.id;
        used.add(owner.id);
      }
      if (!h.empty_layer) layer--;
    }
    out.push(e);
  }
  return out;
}

export interface HistoryViewOptions {
  /** --human: "3 weeks ago" rather than RFC 3339 for Created */
  human: boolean;
  noTrunc: boolean;
  now?: number;
}

/** What `--format` templates see, with Podman's field names. */
export function historyRow(e: HistoryEntry, o: HistoryViewOptions): Record<string, unknown> {
  return {
    ID: !o.noTrunc && e.id.length >= 12 ? e.id.slice(0, 12) : e.id,
    Created: o.human ? `${humanDuration(sinceMs(e.created, o.now ?? Date.now()))} ago` : goTime(e.created, false),
    CreatedBy: truncateCreatedBy(e.createdBy, o.noTrunc),
    Size: humanSize(e.size),
    Comment: e.comment,
    Tags: e.tags,
  };
}

/**
 * `--format json`: Podman encodes its report struct, whose embedded `created` (Go's time encoding, with
 * nanoseconds) sits next to its own `Created` (RFC 3339, seconds); empty CreatedBy, tags and comment are
 * omitted. Full ids, whatever --no-trunc says.
 */
export function historyJson(e: HistoryEntry): Record<string, unknown> {
  const j: Record<string, unknown> = {id: e.id, created: goTime(e.created, true)};
  if (e.createdBy) j.CreatedBy = e.createdBy;
  if (e.tags.length > 0) j.tags = e.tags;
  j.size = e.size;
  if (e.comment) j.comment = e.comment;
  j.Created = goTime(e.created, false);
  return j;
}

/** Podman cuts CREATED BY at 45 bytes (42 and "..."), counting bytes as Go does. */
export function truncateCreatedBy(s: string, noTrunc: boolean): string {
  const b = Buffer.from(s, 'utf8');
  if (noTrunc || b.length <= 45) return s;
  return `${b.subarray(0, 42).toString('utf8')}...`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;
/** Go's zero time: what an entry without a creation time decodes to. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
/** time.Since of the zero time saturates at Go's largest duration (about 292 years). */
const MAX_GO_DURATION_MS = 9_223_372_036_854.775;

/**
 * An RFC 3339 time as Go prints it in the time's own offset: time.RFC3339 (seconds), or the JSON encoding
 * (RFC 3339 with nanoseconds, trailing zeros dropped). A zero offset is "Z".
 */
export function goTime(created: string | undefined, nano: boolean): string {
  const m = created === undefined ? null : RFC3339.exec(created);
  if (!m) return ZERO_TIME;
  const [, date, time, frac, zone] = m;
  const offset = /^[Zz]$|^[+-]00:00$/.test(zone) ? 'Z' : zone;
  const fraction = nano && frac ? frac.slice(0, 9).replace(/0+$/, '') : '';
  return `${date}T${time}${fraction ? `.${fraction}` : ''}${offset}`;
}

function sinceMs(created: string | undefined, now: number): number {
  const t = created === undefined || !RFC3339.test(created) ? NaN : Date.parse(created);
  return Number.isNaN(t) ? MAX_GO_DURATION_MS : now - t;
}
