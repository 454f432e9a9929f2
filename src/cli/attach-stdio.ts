// The user's end of an attached session: the terminal in raw mode while a container's terminal is
// driven, typed input passed on until the detach keys, window resizes forwarded, output written as it
// comes, and the terminal restored however the session ends.
import type {AttachConnection, AttachEnd, AttachIO, SessionKind} from '../runtime/attach-socket';
import {DEFAULT_DETACH_KEYS, DetachKeyFilter, parseDetachKeys} from '../runtime/detach-keys';

/**
 * `wantsInput`: pass standard input on (-i); `detachKeys` as given to --detach-keys (undefined: Podman's
 * default).
 */
export function stdioAttach(wantsInput: boolean, detachKeys: string | undefined): AttachIO {
  // Parsed up front so a bad sequence is refused before anything starts.
  const keys = parseDetachKeys(detachKeys ?? DEFAULT_DETACH_KEYS);
  const out = process.stdout;
  return {
    wantsInput,
    output: (stream, data) => (stream === 'stderr' ? process.stderr : out).write(data),
    size: () => (out.isTTY ? {rows: out.rows, cols: out.columns} : undefined),
    drive: (conn, kind) => drive(conn, kind, keys),
  };
}

function drive(conn: AttachConnection, o: SessionKind, keys: Buffer): Promise<AttachEnd> {
  const input = process.stdin;
  const out = process.stdout;
  const raw = o.stdin && o.tty && input.isTTY === true;
  // Only a person at a terminal types the detach keys: piped input is data, and a binary stream that
  // happens to hold ctrl-p,ctrl-q must reach the process whole (Docker draws the same line).
  const filter = new DetachKeyFilter(raw ? keys : Buffer.alloc(0));
  return new Promise<AttachEnd>((resolve) => {
    let finished = false;
    const onData = (b: Buffer) => {
      const r = filter.feed(b);
      conn.write(r.forward);
      if (r.detach) finish('detached');
    };
    const onEnd = () => conn.endInput();
    const onResize = () => conn.resize(out.rows, out.columns);
    const finish = (end: AttachEnd) => {
      if (finished) return;
      finished = true;
      if (o.stdin) {
        input.off('data', onData);
        input.off('end', onEnd);
        input.pause();
        if (raw) input.setRawMode(false);
      }
      out.off('resize', onResize);
      resolve(end);
    };
    if (o.stdin) {
      if (raw) input.setRawMode(true);
      input.on('data', onData);
      input.on('end', onEnd);
      input.resume();
    }
    if (o.tty && out.isTTY) out.on('resize', onResize);
    conn.done().then(() => finish('done'), () => finish('done'));
  });
}
