// --format for list commands: `json` prints the Podman JSON objects, anything else is a Go template
// over the row objects (a `table` template gets headers and aligned columns).
import {renderList} from '../format/output';

export interface ListSpec {
  defaultFormat: string;
  headers: Record<string, string>;
  /** Podman's indent differs per command: 2 for ps, 4 for images */
  jsonIndent: number;
}

export function formatList(data: {json: object[]; rows: object[]}, spec: ListSpec, opts: {format?: string; quiet?: boolean; noHeading?: boolean}): string {
  if (opts.quiet) return data.rows.map((r) => `${(r as Record<string, unknown>).ID}\n`).join('');
  const f = opts.format?.trim();
  if (f === 'json') return JSON.stringify(data.json, null, spec.jsonIndent) + '\n';
  return renderList(data.rows, {format: opts.format, defaultFormat: spec.defaultFormat, headers: spec.headers, noHeading: opts.noHeading});
}
