// systemd's readiness protocol (sd_notify): when burrow runs under a Type=notify unit, systemd gives it
// NOTIFY_SOCKET, a unix datagram socket. `--sdnotify` decides who says READY=1, as in Podman:
//   conmon    — burrow itself, once the container runs, with MAINPID = conmon (the process that stays);
//   container — the container's own process: conmon relays its READY=1 (--sdnotify-socket), the socket
//               directory being bind-mounted at /run/notify; burrow sends only MAINPID;
//   ignore    — nobody; the variable is dropped.
// The variable never reaches the runtime: runc would otherwise hold `runc start` until the container
// reported ready, and proxy the socket itself.
import {InvalidInputError} from '../errors';

export type SdNotifyMode = 'container' | 'conmon' | 'ignore';

export const SD_NOTIFY_MODES: readonly SdNotifyMode[] = ['container', 'conmon', 'ignore'];

/** Where the socket appears inside the container in `container` mode (Podman's path). */
export const CONTAINER_NOTIFY_DIR = '/run/notify';
export const CONTAINER_NOTIFY_SOCKET = `${CONTAINER_NOTIFY_DIR}/notify.sock`;

export function parseSdNotifyMode(value: string | undefined): SdNotifyMode | undefined {
  if (value === undefined) return undefined;
  if (!(SD_NOTIFY_MODES as readonly string[]).includes(value)) {
    throw new InvalidInputError(`invalid --sdnotify value "${value}"`, {hint: 'use container, conmon or ignore'});
  }
  return value as SdNotifyMode;
}

let taken: {socket?: string} | undefined;

/**
 * NOTIFY_SOCKET as this process received it, removed from the environment so that no child (conmon,
 * the runtime) inherits it. Read once per process: a `start` of several containers sees the same value.
 */
export function takeNotifySocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!taken) {
    taken = {socket: env.NOTIFY_SOCKET || undefined};
    delete env.NOTIFY_SOCKET;
  }
  return taken.socket;
}

/** A socket conmon can reach by path: abstract sockets ("@name") and over-long paths cannot be relayed. */
export function relayableSocket(socket: string): boolean {
  return socket.startsWith('/') && Buffer.byteLength(socket) < 108;
}

/** The datagram burrow sends once the container runs. */
export function readyMessage(mode: SdNotifyMode, conmonPid: number | undefined): string | undefined {
  if (mode === 'ignore') return undefined;
  const lines = conmonPid ? [`MAINPID=${conmonPid}`] : [];
  if (mode === 'conmon') lines.push('READY=1');
  return lines.length ? `${lines.join('\n')}\n` : undefined;
}

/** Parses one notify datagram into its assignments (the test listener and anything else reading them). */
export function parseNotifyMessage(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Sends one datagram to the socket (abstract addresses start with "@"). */
export async function sendNotify(socket: string, message: string): Promise<void> {
  const {DgramSocket} = require('node-unix-socket') as typeof import('node-unix-socket');
  const s = new DgramSocket();
  const dest = socket.startsWith('@') ? `\0${socket.slice(1)}` : socket;
  try {
    await new Promise<void>((resolve, reject) => {
      const buf = Buffer.from(message);
      s.sendTo(buf, 0, buf.length, dest, (err?: Error) => (err ? reject(err) : resolve()));
    });
  } finally {
    s.close();
  }
}

/** `container` mode: the directory holding conmon's relay socket appears at /run/notify, NOTIFY_SOCKET names it. */
export function addNotifySocketToSpec(spec: Record<string, unknown>, hostDir: string): void {
  const mounts = (spec.mounts ?? (spec.mounts = [])) as {destination: string; type: string; source: string; options: string[]}[];
  mounts.push({destination: CONTAINER_NOTIFY_DIR, type: 'bind', source: hostDir, options: ['bind', 'rw', 'nosuid', 'nodev', 'noexec']});
  const proc = spec.process as {env?: string[]};
  proc.env = [...(proc.env ?? []).filter((e) => !e.startsWith('NOTIFY_SOCKET=')), `NOTIFY_SOCKET=${CONTAINER_NOTIFY_SOCKET}`];
}
