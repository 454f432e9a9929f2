// The flags `run` and `create` share, with Podman's names, short forms and defaults.
import {Flags} from '@oclif/core';
import {platformFlags, registryFlags} from './registry-flags';

export const containerCreateFlags = {
  name: Flags.string({description: 'assign a name to the container'}),
  rm: Flags.boolean({description: 'remove the container when it exits'}),
  env: Flags.string({char: 'e', multiple: true, multipleNonGreedy: true, description: 'set an environment variable (NAME=VALUE, or NAME to copy it from your environment)'}),
  'env-file': Flags.string({multiple: true, multipleNonGreedy: true, description: 'read environment variables from a file (one NAME=VALUE per line)'}),
  workdir: Flags.string({char: 'w', description: 'working directory inside the container'}),
  user: Flags.string({char: 'u', description: 'user (name or uid[:gid]) that runs the command'}),
  entrypoint: Flags.string({description: 'override the image ENTRYPOINT (a command or a JSON array)'}),
  hostname: Flags.string({char: 'h', description: 'container host name'}),
  label: Flags.string({char: 'l', multiple: true, multipleNonGreedy: true, description: 'set a label (KEY=VALUE)'}),
  network: Flags.string({aliases: ['net'], description: 'network mode: host (default for now) or none'}),
  'read-only': Flags.boolean({description: 'mount the root filesystem read-only (with tmpfs on /tmp, /var/tmp, /run)'}),
  'cap-add': Flags.string({multiple: true, multipleNonGreedy: true, description: 'add a Linux capability (e.g. NET_ADMIN, or ALL)'}),
  'cap-drop': Flags.string({multiple: true, multipleNonGreedy: true, description: 'drop a Linux capability (e.g. CHOWN, or ALL)'}),
  init: Flags.boolean({description: 'run an init (catatonit) as pid 1 that forwards signals and reaps zombies'}),
  'stop-signal': Flags.string({description: 'signal that stops the container (default SIGTERM or the image STOPSIGNAL)'}),
  'stop-timeout': Flags.integer({description: 'seconds to wait after the stop signal before SIGKILL', default: 10}),
  pull: Flags.string({description: 'pull the image: missing (default), always, newer or never', default: 'missing'}),
  quiet: Flags.boolean({char: 'q', description: 'print no pull progress'}),
  ...platformFlags,
  authfile: registryFlags.authfile,
  'cert-dir': registryFlags['cert-dir'],
  creds: registryFlags.creds,
  'tls-verify': registryFlags['tls-verify'],
  interactive: Flags.boolean({char: 'i', hidden: true, description: 'keep stdin open (not supported yet)'}),
  tty: Flags.boolean({char: 't', hidden: true, description: 'allocate a pseudo-TTY (not supported yet)'}),
};
