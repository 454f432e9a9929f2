// What the engine needs from "root": a way to run a command where it may chown, mount and start
// containers. Rootless, that is the pause process's namespace; as real root, the host itself.
import * as runner from '../src/process/runner';

export interface PrivilegedExec {
  readonly rootless: boolean;
  /** argv, prefixed as needed to run inside the namespace */
  wrap(argv: readonly string[]): Promise<string[]>;
  /** environment for such children */
  childEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  run(argv: readonly string[], opts?: runner.RunOptions): Promise<runner.RunResult>;
  /** a process whose /proc/PID/mountinfo shows the mounts burrow makes */
  mountInfoPid(): Promise<number | 'self'>;
}

/** Real root needs no namespace. */
export class HostRootExec implements PrivilegedExec {
  readonly rootless = false;
  async wrap(argv: readonly string[]): Promise<string[]> {
    return [...argv];
  }
  childEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {...base};
  }
  run(argv: readonly string[], opts: runner.RunOptions = {}): Promise<runner.RunResult> {
    return runner.run(argv, opts);
  }
  async mountInfoPid(): Promise<'self'> {
    return 'self';
  }
}
