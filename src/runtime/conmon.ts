// Starts conmon, the per-container monitor. conmon runs `runtime create`, reports the container's pid
// (or the runtime's error) on a sync pipe, writes the exit code to exits/<id> when the container ends and
// then runs burrow's exit command (`container cleanup`), so no burrow process has to stay around.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {ContainerCommandError, ExitCode, HostConfigError, ProcessError} from '../errors';
import {logLevel} from '../log';
import type {PrivilegedExec} from '../../rootless/privileged';
import * as runner from '../process/runner';
import {findTool} from './host-tools';
import {readPidFile} from '../../rootless/proc';
import {conmonLogArgs, type LogConfig} from './log-config';

export interface ConmonStart {
  id: string;
  name: string;
  bundle: string;
  runtimePath: string;
  runtimeRoot: string;
  logPath: string;
  /** absent: k8s-file */
  log?: LogConfig;
  exitDir: string;
  socketDir: string;
  exitCommand: string[];
  /** the container has a pseudo-terminal (conmon receives its master through the console socket) */
  terminal?: boolean;
  /** keep a pipe to the container's stdin, fed from the attach socket */
  stdin?: boolean;
  /** host NOTIFY_SOCKET to which conmon relays the container's READY=1 (from <bundle>/notify/notify.sock) */
  sdNotifySocket?: string;
}

export interface ConmonStarted {
  pid: number;
  conmonPid?: number;
}

/** An exec session run by its own conmon: `bundle` is the session's directory. */
export interface ConmonExecStart extends Omit<ConmonStart, 'exitCommand' | 'socketDir' | 'name'> {
  name: string;
  processSpec: string;
  /** wait for a client on the attach socket before the process starts */
  attach: boolean;
}

export interface ConmonExecStarted {
  pid: number;
  /** the process's exit status, reported by conmon when it ends */
  wait(): Promise<number>;
  /** lets the session run on without this process (its pipes closed) */
  release(): void;
}

export function conmonArgs(o: ConmonStart, conmon: string): string[] {
  const args = [conmon, '--api-version', '1', '-c', o.id, '-u', o.id, '-r', o.runtimePath, '-b', o.bundle,
    '-p', path.join(o.bundle, 'pidfile'), '-n', o.name, '--exit-dir', o.exitDir, '--persist-dir', o.bundle,
    '--socket-dir-path', o.socketDir, '--full-attach', ...conmonLogArgs(o.log, o.logPath), '--log-level', conmonLogLevel(),
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', `--runtime-arg=${path.join(o.bundle, 'oci-log')}`,
    '--runtime-arg', '--root', `--runtime-arg=${o.runtimeRoot}`,
    '--conmon-pidfile', path.join(o.bundle, 'conmon.pid'), '--syslog'];
  // As Podman: a terminal is its own input (conmon keeps the pty master open across clients); -i for a
  // terminal would make the first client that detaches close it.
  if (o.terminal) args.push('-t');
  else if (o.stdin) args.push('-i');
  if (o.sdNotifySocket) args.push('--sdnotify-socket', o.sdNotifySocket);
  if (o.exitCommand.length > 0) {
    args.push('--exit-command', o.exitCommand[0]);
    for (const a of o.exitCommand.slice(1)) args.push('--exit-command-arg', a);
  }
  return args;
}

export function conmonExecArgs(o: ConmonExecStart, conmon: string): string[] {
  const args = [conmon, '--api-version', '1', '-c', o.id, '-u', path.basename(o.bundle), '-r', o.runtimePath, '-b', o.bundle,
    '-p', path.join(o.bundle, 'pidfile'), '-n', o.name, '--exit-dir', o.exitDir, '--persist-dir', o.bundle, '--full-attach',
    '-l', `k8s-file:${o.logPath}`, '--log-level', conmonLogLevel(),
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', `--runtime-arg=${path.join(o.bundle, 'oci-log')}`,
    '--runtime-arg', '--root', `--runtime-arg=${o.runtimeRoot}`,
    '--conmon-pidfile', path.join(o.bundle, 'conmon.pid'), '--syslog', '-e', '--exec-process-spec', o.processSpec];
  if (o.terminal) args.push('-t');
  if (o.stdin) args.push('-i');
  if (o.attach) args.push('--exec-attach');
  return args;
}

function conmonLogLevel(): string {
  const l = logLevel();
  return l === 'warn' ? 'warning' : l;
}

/** Starts conmon inside the namespace and waits for the container's pid. */
export async function startConmon(priv: PrivilegedExec, o: ConmonStart): Promise<ConmonStarted> {
  const conmon = findTool('conmon');
  if (!conmon) throw new HostConfigError('conmon is not installed', {hint: 'install the conmon package (apt install conmon)'});
  fs.rmSync(path.join(o.bundle, 'oci-log'), {force: true});
  const argv = await priv.wrap(conmonArgs(o, conmon));
  // passthrough: conmon hands its own stdout/stderr (ours) to the container.
  const passthrough = o.log?.driver === 'passthrough';
  const child = runner.start(argv, {
    stdio: ['ignore', passthrough ? 'inherit' : 'ignore', passthrough ? 'inherit' : 'pipe', 'pipe'],
    env: {...priv.childEnv(), _OCI_SYNCPIPE: '3'},
    detached: true,
  });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  const sync = child.stdio[3] as NodeJS.ReadableStream;
  const message = await new Promise<string>((resolve, reject) => {
    let text = '';
    sync.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('\n')) resolve(text);
    });
    sync.on('end', () => resolve(text));
    sync.on('error', () => resolve(text));
    child.on('error', reject);
  });
  (sync as unknown as {destroy(): void}).destroy();
  child.stderr?.destroy();
  child.unref();
  const line = message.split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) {
    throw new ProcessError(`conmon failed to start the container${stderr.length ? `: ${Buffer.concat(stderr).toString().trim()}` : ''}`, argv, Buffer.concat(stderr).toString(), null);
  }
  const parsed = JSON.parse(line) as {data: number; message?: string};
  if (parsed.data < 0) throw runtimeFailure(parsed.message ?? '', readOciLog(o.bundle));
  return {pid: parsed.data, conmonPid: readPidFile(path.join(o.bundle, 'conmon.pid'))};
}

/**
 * Starts an exec session's conmon. The handshake is Podman's: conmon first waits on the start pipe (fd 4);
 * with `attach` it then reports its attach socket ready on fd 5, `onAttachReady` connects, and a second
 * write to the start pipe lets the runtime start the process. The sync pipe (fd 3) carries the pid, then
 * the exit status.
 */
export async function startConmonExec(priv: PrivilegedExec, o: ConmonExecStart, onAttachReady?: () => Promise<void>): Promise<ConmonExecStarted> {
  const conmon = findTool('conmon');
  if (!conmon) throw new HostConfigError('conmon is not installed', {hint: 'install the conmon package (apt install conmon)'});
  const argv = await priv.wrap(conmonExecArgs(o, conmon));
  const child = runner.start(argv, {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: {...priv.childEnv(), _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5'},
    detached: true,
  });
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(b));
  const fds = child.stdio as unknown as (NodeJS.ReadWriteStream & {destroy(): void})[];
  const sync = new SyncMessages(fds[3]);
  const startPipe = fds[4];
  const failed = () => new ProcessError(`conmon failed to start the exec session${stderr.length ? `: ${Buffer.concat(stderr).toString().trim()}` : ''}`, argv, Buffer.concat(stderr).toString(), null);
  startPipe.write('0');
  if (o.attach) {
    const ready = await new SyncMessages(fds[5]).next();
    if (ready === undefined) throw failed();
    await onAttachReady?.();
    startPipe.write('0');
  }
  const first = await sync.next();
  if (first === undefined) throw failed();
  if (first.data < 0) throw runtimeFailure(first.message ?? '', readOciLog(o.bundle));
  child.unref();
  const release = () => {
    for (const fd of fds.slice(2)) fd.destroy();
  };
  return {
    pid: first.data,
    release,
    wait: async () => {
      const m = await sync.next();
      release();
      return m?.data ?? readExitCode(path.join(o.exitDir, o.id));
    },
  };
}

function readExitCode(file: string): number {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return ExitCode.Engine;
  }
}

/** conmon's sync pipe: one JSON object per line. */
class SyncMessages {
  private text = '';
  private ended = false;
  private waiting?: () => void;

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (b: Buffer) => {
      this.text += b.toString();
      this.waiting?.();
    });
    const end = () => {
      this.ended = true;
      this.waiting?.();
    };
    stream.on('end', end);
    stream.on('error', end);
  }

  async next(): Promise<{data: number; message?: string} | undefined> {
    for (;;) {
      const nl = this.text.indexOf('\n');
      if (nl >= 0) {
        const line = this.text.slice(0, nl).trim();
        this.text = this.text.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        return JSON.parse(line) as {data: number; message?: string};
      }
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }
}

/** The runtime's own words, from its JSON log. */
function readOciLog(bundle: string): string {
  try {
    const lines = fs.readFileSync(path.join(bundle, 'oci-log'), 'utf8').trim().split('\n');
    const errors = lines.map((l) => {
      try {
        return JSON.parse(l) as {level?: string; msg?: string};
      } catch {
        return {msg: l};
      }
    }).filter((e) => e.level === 'error' || e.level === undefined);
    return errors.map((e) => e.msg ?? '').filter(Boolean).pop() ?? '';
  } catch {
    return '';
  }
}

/** Podman's mapping: a missing command is 127, one that cannot be executed 126, anything else 125. */
export function runtimeFailure(conmonMessage: string, runtimeMessage: string): Error {
  const text = runtimeMessage || conmonMessage;
  const cleaned = text.replace(/^(runc (create|run) failed|exec failed): /, '').replace(/^unable to start container process: /, '');
  if (/executable file not found|no such file or directory/i.test(text)) {
    return new ContainerCommandError(`${cleaned}: OCI runtime attempted to invoke a command that was not found`, {exitCode: ExitCode.NotFound});
  }
  if (/permission denied|exec format error|is a directory/i.test(text)) {
    return new ContainerCommandError(`${cleaned}: OCI permission denied`, {exitCode: ExitCode.CannotInvoke});
  }
  return new ContainerCommandError(`OCI runtime error: ${cleaned || 'the runtime failed to create the container'}`, {exitCode: ExitCode.Engine});
}
