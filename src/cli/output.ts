// Writing results: one id or name per line for multi-container verbs (as Podman prints them), and the
// --format handling shared by list and inspect commands.
import type {ItemReport} from '../engine/engine';

export function printReports(reports: ItemReport<unknown>[], print: (line: string) => void, label?: (r: ItemReport<unknown>) => string): void {
  for (const r of reports) if (!r.error) print(label ? label(r) : r.ref);
}
