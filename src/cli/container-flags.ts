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
  network: Flags.string({aliases: ['net'], multiple: true, multipleNonGreedy: true,
    description: 'network: pasta[:OPTIONS] or slirp4netns[:OPTIONS] (own namespace; the default is containers.conf default_rootless_network_cmd, else pasta), host, none, container:NAME, ns:PATH, or user-defined network names (repeat or comma-separate)'}),
  'network-alias': Flags.string({multiple: true, multipleNonGreedy: true, description: 'another name for the container on its user-defined networks'}),
  publish: Flags.string({char: 'p', multiple: true, multipleNonGreedy: true, description: 'publish a port: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp], ranges allowed (e.g. -p 8080:80, -p 127.0.0.1:5000-5002:5000-5002/udp)'}),
  'publish-all': Flags.boolean({char: 'P', description: 'publish every exposed port (image EXPOSE and --expose) to a free host port'}),
  expose: Flags.string({multiple: true, multipleNonGreedy: true, description: 'expose a port or range (PORT[/tcp|/udp]) for -P, without publishing it'}),
  dns: Flags.string({multiple: true, multipleNonGreedy: true, description: 'DNS server for /etc/resolv.conf (none: no servers)'}),
  'dns-search': Flags.string({multiple: true, multipleNonGreedy: true, description: 'DNS search domain for /etc/resolv.conf (. for none)'}),
  'dns-option': Flags.string({multiple: true, multipleNonGreedy: true, description: 'DNS resolver option for /etc/resolv.conf (e.g. ndots:2)'}),
  'add-host': Flags.string({multiple: true, multipleNonGreedy: true, description: 'add a line to /etc/hosts: NAME:IP (NAME:host-gateway for the host)'}),
  'no-hosts': Flags.boolean({description: 'do not create /etc/hosts: the image\'s own file is used'}),
  'mac-address': Flags.string({description: 'MAC address of the container on its first user-defined network'}),
  volume: Flags.string({char: 'v', multiple: true, multipleNonGreedy: true, description: 'bind a host path: /HOST:/CONTAINER[:OPTIONS], options ro, rw, z, Z, nosuid, nodev, noexec, shared, slave, private (comma-separated)'}),
  tmpfs: Flags.string({multiple: true, multipleNonGreedy: true, description: 'mount a tmpfs: /CONTAINER[:size=64m,mode=1777,…]'}),
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
  interactive: Flags.boolean({char: 'i', description: 'keep standard input open: attached clients write to it'}),
  tty: Flags.boolean({char: 't', description: 'give the process a pseudo-terminal (with -i: an interactive shell)'}),
  'detach-keys': Flags.string({description: 'key sequence that detaches from the container and leaves it running (default ctrl-p,ctrl-q; empty: none)'}),
  restart: Flags.string({description: 'restart policy when the container exits: no, on-failure[:MAX_RETRIES], always or unless-stopped (not after stop or kill)'}),
  sdnotify: Flags.string({description: 'who tells systemd (NOTIFY_SOCKET) the service is ready: container (default), conmon or ignore', options: ['container', 'conmon', 'ignore']}),
  replace: Flags.boolean({description: 'if a container with the same --name exists, remove it first'}),
};

/** Flags of every verb that stays attached to a process (run, start -a, attach). */
export const attachFlags = {
  'detach-keys': containerCreateFlags['detach-keys'],
  'sig-proxy': Flags.boolean({default: true, description: 'forward the signals burrow receives to the process (--sig-proxy=false to not)'}),
};
