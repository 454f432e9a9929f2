// A client of conmon's attach socket and terminal control fifo, for `run -i/-t`, `start -a`, `attach`
// and `exec -t`. conmon listens on `<bundle>/attach` (SOCK_SEQPACKET, hence node-unix-socket: Node's
// net module only speaks stream sockets). Each packet conmon sends is one read of the container's
// output, its first byte naming the stream (2 stdout, 3 stderr); what the client writes is the
// container's stdin as is. A half-close (shutdown of our write side) closes the container's stdin. The
// window size goes to `<bundle>/ctl` as "1 ROWS COLS\n".
import * as fs from 'node:fs';
import * as path from 'node:path';
import {ContainerCommandError, ExitCode} from '../errors';
import type {SeqpacketSocket} from 'node-unix-socket';

export type AttachStream = 'stdout' | 'stderr';

const PACKET_MAX = 8192;

export class AttachConnection {
  private ended = false;
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: SeqpacketSocket, private readonly bundle: string, onOutput: (stream: AttachStream, data: Buffer) => void) {
    socket.on('data', (buf: Buffer) => {
      if (buf.length < 2) return;
      const stream = buf[0] === 3 ? 'stderr' : buf[0] === 2 ? 'stdout' : undefined;
      if (stream) onOutput(stream, buf.subarray(1));
    });
    this.closed = new Promise((resolve) => {
      socket.on('end', () => resolve());
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
  }

  /**
   * Connects to the session whose conmon bundle is `bundle`. The path goes through /proc/self/fd so that
   * a deep storage path does not hit the 108-byte limit of socket addresses.
   */
  static async open(bundle: string, onOutput: (stream: AttachStream, data: Buffer) => void): Promise<AttachConnection> {
    const {SeqpacketSocket: Socket} = require('node-unix-socket') as typeof import('node-unix-socket');
    const dirFd = fs.openSync(bundle, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const socket = new Socket();
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        try {
          socket.connect(`/proc/self/fd/${dirFd}/attach`, () => {
            socket.off('error', reject);
            resolve();
          });
        } catch (e) {
          reject(e);
        }
      }).catch((e: Error) => {
        throw new ContainerCommandError(`cannot attach to the container: ${e.message}`, {exitCode: ExitCode.Engine, hint: 'is it still running? see `burrow ps -a`'});
      });
      return new AttachConnection(socket, bundle, onOutput);
    } finally {
      fs.closeSync(dirFd);
    }
  }

  write(data: Buffer): void {
    if (this.ended) return;
    // conmon reads each packet into a 32 KiB buffer and a packet is never split: larger ones would be cut.
    for (let off = 0; off < data.length; off += PACKET_MAX) this.socket.write(data.subarray(off, off + PACKET_MAX));
  }

  /** No more input: the container's stdin reaches end of file. */
  endInput(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
  }

  /** Sets the window size of the session's terminal. */
  resize(rows: number, cols: number): void {
    resizeTerminal(this.bundle, rows, cols);
  }

  /** Resolves when conmon closes the connection (the process ended, or its output did). */
  done(): Promise<void> {
    return this.closed;
  }

  /** Leaves the session without touching the container's stdin. */
  close(): void {
    this.socket.destroy();
  }
}

/** conmon's control fifo accepts resize requests from any client, attached or not. */
export function resizeTerminal(bundle: string, rows: number, cols: number): void {
  if (!(rows > 0 && cols > 0)) return;
  let fd: number | undefined;
  try {
    // Non-blocking: a conmon that has gone away must not hang the client on open.
    fd = fs.openSync(path.join(bundle, 'ctl'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.writeSync(fd, `1 ${Math.min(rows, 1000)} ${Math.min(cols, 1000)}\n`);
  } catch {
    // no reader: the session is over
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** How a session ended for the client. */
export type AttachEnd = 'detached' | 'done';

/** What the session offers: a terminal, and an open stdin (only then is input passed on). */
export interface SessionKind {
  tty: boolean;
  stdin: boolean;
}

/** The client's side of a session: the engine connects, the caller moves the bytes. */
export interface AttachIO {
  /** the client wants to pass its input on (-i; `attach` unless --no-stdin) */
  wantsInput: boolean;
  output(stream: AttachStream, data: Buffer): void;
  /** the client terminal's size, given to the session's terminal before the process runs */
  size(): {rows: number; cols: number} | undefined;
  /** copies input and resizes until the user detaches or the session's output ends */
  drive(conn: AttachConnection, kind: SessionKind): Promise<AttachEnd>;
}

/** What an attached command returns: the process's exit code, or nothing when the user detached. */
export interface AttachOutcome {
  detached: boolean;
  exitCode?: number;
}
