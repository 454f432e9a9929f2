// The flags every registry verb shares (Podman's names), and their reading into engine options.
import {Flags} from '@oclif/core';
import type {ParsedCommandLine} from './argv-parser';
import {intFlag} from './argv-parser';
import {InvalidInputError} from '../errors';
import type {RegistryOptions} from '../registry/registry-session';

export const registryFlags = {
  authfile: Flags.string({description: 'path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json; also REGISTRY_AUTH_FILE)'}),
  'cert-dir': Flags.string({description: 'use certificates (*.crt, *.cert, *.key) at this path to talk to the registry'}),
  creds: Flags.string({description: 'credentials USERNAME:PASSWORD for the registry (instead of the auth file)'}),
  'tls-verify': Flags.boolean({description: 'require HTTPS and verify certificates (default true, or false for registries marked insecure in registries.conf)'}),
  retry: Flags.integer({description: 'times to retry a failed transfer (default 3, or engine.retry in containers.conf)'}),
  'retry-delay': Flags.string({description: 'delay before the first retry, doubled each time (e.g. 2s; default 1s)'}),
};

export const platformFlags = {
  platform: Flags.string({description: 'pick the image for this OS/ARCH[/VARIANT] from a manifest list'}),
  arch: Flags.string({description: 'pick the image for this architecture (e.g. arm64)'}),
  os: Flags.string({description: 'pick the image for this OS'}),
  variant: Flags.string({description: 'pick the image for this architecture variant (e.g. v7)'}),
};

export function registryOptions(cmd: Pick<ParsedCommandLine, 'flags' | 'given'>): RegistryOptions {
  const f = cmd.flags;
  const delay = f['retry-delay'] as string | undefined;
  let retryDelayMs: number | undefined;
  if (delay !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(delay);
    if (!m) throw new InvalidInputError(`invalid --retry-delay "${delay}"`, {hint: 'use a duration such as 500ms or 2s'});
    retryDelayMs = Number(m[1]) * ({ms: 1, s: 1000, m: 60_000} as Record<string, number>)[m[2] ?? 's'];
  }
  return {
    tlsVerify: cmd.given.has('tls-verify') ? f['tls-verify'] === true : undefined,
    authfile: (f.authfile as string | undefined) ?? process.env.REGISTRY_AUTH_FILE ?? undefined,
    certDir: f['cert-dir'] as string | undefined,
    creds: f.creds as string | undefined,
    retries: intFlag(f.retry, 'retry'),
    retryDelayMs,
  };
}
