// Typed errors of the engine. Each carries the exit code the CLI must use and a hint that names the fix;
// only the CLI's top-level handler prints them and sets the exit code.

/** Podman's exit codes (libpod/define/exec_codes.go). */
export const ExitCode = {
  /** burrow itself failed */
  Engine: 125,
  /** the container command was found but could not be invoked */
  CannotInvoke: 126,
  /** the container command was not found */
  NotFound: 127,
} as const;

export class BurrowError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, opts: {exitCode?: number; hint?: string; cause?: unknown} = {}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause});
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? ExitCode.Engine;
    this.hint = opts.hint;
  }
}

/** A named object (container, image, layer) does not exist. */
export class NoSuchObjectError extends BurrowError {}
/** A name or id is already taken. */
export class NameInUseError extends BurrowError {}
/** The object is in a state that does not allow the operation (e.g. removing a running container). */
export class InvalidStateError extends BurrowError {}
/** Bad user input: flags, references, files. */
export class InvalidInputError extends BurrowError {}
/** The host lacks something burrow needs (a tool, a subordinate range, a filesystem feature). */
export class HostConfigError extends BurrowError {}
/** A child process failed. */
export class ProcessError extends BurrowError {
  readonly argv: readonly string[];
  readonly stderr: string;
  readonly status: number | null;
  constructor(message: string, argv: readonly string[], stderr: string, status: number | null, hint?: string) {
    super(message, {hint});
    this.argv = argv;
    this.stderr = stderr;
    this.status = status;
  }
}
/** A layer tarball broke a safety rule; `entry` names the offending member. */
export class LayerRejectedError extends BurrowError {
  readonly entry: string;
  constructor(entry: string, reason: string) {
    super(`layer entry "${entry}": ${reason}`, {hint: 'the archive is unsafe or corrupt; rebuild it from a trusted source'});
    this.entry = entry;
  }
}
/** The container's command could not be found or executed (exit 127 / 126). */
export class ContainerCommandError extends BurrowError {}
