// Human-readable durations and sizes exactly as Podman prints them (docker/go-units semantics).

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3600000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3600000 / 24 / 365)} years`;
}

export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  return `${humanDuration(now - Date.parse(iso))} ago`;
}

/** go-units HumanSizeWithPrecision(size, 3): decimal units, three significant digits. */
export function humanSize(bytes: number): string {
  const [size, unit] = decimalUnit(bytes);
  return `${formatG(size, 3)} ${unit}`;
}

/** go-units HumanSize (four significant digits, no space), as inspect shows a log size: "10MB", "0B". */
export function compactHumanSize(bytes: number): string {
  const [size, unit] = decimalUnit(bytes);
  return `${formatG(size, 4)}${unit}`;
}

function decimalUnit(bytes: number): [number, string] {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return [size, units[i]];
}

/** Go's %.Ng: N significant digits, no trailing zeros. */
function formatG(n: number, digits: number): string {
  if (n === 0) return '0';
  return String(Number(n.toPrecision(digits)));
}
