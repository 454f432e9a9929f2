// Container verbs: flags → one engine call → output, as Podman prints it.
import {InvalidInputError} from '../../errors';
import {intFlag} from '../argv-parser';
import {formatList} from '../list-output';
import {renderInspect} from '../../format/output';
import {type Action, type CliContext, reportErrors} from './context';
import type {ParsedCommandLine} from '../argv-parser';
import type {LogRecord} from '../../runtime/k8s-log';

const write = (r: LogRecord) => (r.stream === 'stderr' ? process.stderr : process.stdout).write(r.data);
const need = (refs: string[], what = 'you must provide at least one container name or ID') => {
  if (refs.length === 0) throw new InvalidInputError(what);
};
const strs = (v: unknown) => (v as string[] | undefined) ?? [];

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', Created: 'CREATED', CreatedHuman: 'CREATED', CreatedAt: 'CREATED AT',
  Status: 'STATUS', Ports: 'PORTS', Names: 'NAMES', State: 'STATE', Labels: 'LABELS', RunningFor: 'CREATED', Networks: 'NETWORKS',
  Pod: 'POD ID', PodName: 'PODNAME', Size: 'SIZE', Pid: 'PID', ExitCode: 'EXIT CODE',
};

function createOptions(f: Record<string, unknown>, image: string, command: string[]) {
  return {
    image, command, name: f.name as string | undefined, env: strs(f.env), envFiles: strs(f['env-file']), workdir: f.workdir as string | undefined,
    user: f.user as string | undefined, entrypoint: f.entrypoint as string | undefined, hostname: f.hostname as string | undefined,
    labels: strs(f.label), network: strs(f.network), networkAliases: strs(f['network-alias']), publish: strs(f.publish),
    publishAll: f['publish-all'] === true, expose: strs(f.expose), dns: strs(f.dns), dnsSearch: strs(f['dns-search']),
    dnsOption: strs(f['dns-option']), addHost: strs(f['add-host']), noHosts: f['no-hosts'] === true,
    macAddress: f['mac-address'] as string | undefined, volumes: strs(f.volume), tmpfs: strs(f.tmpfs), mount: strs(f.mount), volumesFrom: strs(f['volumes-from']), readOnly: f['read-only'] === true, capAdd: strs(f['cap-add']),
    capDrop: strs(f['cap-drop']), init: f.init === true, stopSignal: f['stop-signal'] as string | undefined,
    stopTimeout: intFlag(f['stop-timeout'], 'stop-timeout'), rm: f.rm === true, createCommand: ['burrow', ...process.argv.slice(2)],
    tty: f.tty === true, interactive: f.interactive === true,
    logDriver: f['log-driver'] as string | undefined, logOpts: strs(f['log-opt']),
    userns: f.userns as string | undefined, uidmap: strs(f.uidmap), gidmap: strs(f.gidmap),
    health: {
      cmd: f['health-cmd'] as string | undefined, interval: f['health-interval'] as string | undefined, retries: intFlag(f['health-retries'], 'health-retries'),
      startPeriod: f['health-start-period'] as string | undefined, timeout: f['health-timeout'] as string | undefined,
      onFailure: f['health-on-failure'] as string | undefined, none: f['no-healthcheck'] === true,
    },
    cidfile: f.cidfile as string | undefined, replace: f.replace === true,
    restart: f.restart as string | undefined, sdnotify: f.sdnotify as string | undefined,
  };
}

/** Podman's --pull=missing: a local image costs one lookup; only a pull loads the registry code. */
async function pullIfNeeded(cmd: ParsedCommandLine, cli: CliContext): Promise<void> {
  const policy = (cmd.flags.pull as string | undefined) ?? 'missing';
  if (policy === 'missing' && cli.engine().hasImage(cmd.args.image!)) return;
  // localhost/ names images made here (import, load, build): there is no registry to ask, so the
  // clear "image not known" from create beats a connection error from localhost:443.
  if (policy === 'missing' && cmd.args.image!.startsWith('localhost/')) return;
  const {pullWithProgress} = require('./registries') as typeof import('./registries');
  await pullWithProgress(cli, cmd, cmd.args.image!, cmd.flags.quiet === true, policy);
}

export const run: Action = async (cmd, cli) => {
  const {flags, args, rest} = cmd;
  // -i or -t: input and output through conmon's attach socket; otherwise output follows the log.
  let attach = !flags.detach && (flags.interactive || flags.tty) ? attachOptions(flags, flags.interactive === true) : undefined;
  await pullIfNeeded(cmd, cli);
  const engine = cli.engine();
  const opts = createOptions(flags, args.image!, rest);
  // With --log-driver none there is no log to follow: the output comes through the socket too, as in Podman.
  if (!flags.detach && !attach && engine.containers.logConfig(opts).driver === 'none') attach = attachOptions(flags, false);
  if (flags.detach) {
    const id = await engine.runDetached(opts);
    // As Podman: with passthrough the terminal belongs to the container, so no id is printed.
    if (engine.containers.logConfig(opts).driver !== 'passthrough') cli.out(`${id}\n`);
    return;
  }
  await withSignalProxy(cli, cmd, async (started) => {
    if (attach) return reportOutcome(await engine.runInteractive(opts, attach, started));
    process.exitCode = await engine.runAttached(opts, write, started);
  });
};

/** The stdio client of an attached session. */
function attachOptions(flags: Record<string, unknown>, wantsInput: boolean) {
  const {stdioAttach} = require('../attach-stdio') as typeof import('../attach-stdio');
  return stdioAttach(wantsInput, flags['detach-keys'] as string | undefined);
}

function reportOutcome(o: {detached: boolean; exitCode?: number}): void {
  process.exitCode = o.detached ? 0 : o.exitCode ?? 0;
}

/**
 * --sig-proxy (default on): signals sent to burrow go to the container's process while it is attached.
 * `body` receives the callback that names the container once it runs.
 */
async function withSignalProxy(cli: CliContext, cmd: ParsedCommandLine, body: (started: (id: string) => void) => Promise<void>): Promise<void> {
  // On unless --sig-proxy=false was given (the manifest keeps no boolean defaults, so absence means on).
  if (cmd.given.has('sig-proxy') && cmd.flags['sig-proxy'] === false) {
    await body(() => undefined);
    return;
  }
  let id: string | undefined;
  const forward = (sig: NodeJS.Signals) => {
    if (id) cli.engine().containers.kill(id, sig).catch(() => undefined);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  for (const s of signals) process.on(s, forward);
  try {
    await body((cid) => {
      id = cid;
    });
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

export const exec: Action = async ({flags, args, rest}, cli) => {
  if (rest.length === 0) throw new InvalidInputError('exec requires the name or ID of a container and a command to execute', {hint: 'burrow exec CONTAINER COMMAND [ARG...]'});
  const {expandEnv, readEnvFiles} = require('../../runtime/container-manager') as typeof import('../../runtime/container-manager');
  const io = flags.tty ? attachOptions(flags, flags.interactive === true) : undefined;
  const r = await cli.engine().containers.exec(args.container!, {
    command: rest, env: [...readEnvFiles(strs(flags['env-file'])), ...expandEnv(strs(flags.env))], workdir: flags.workdir as string | undefined,
    user: flags.user as string | undefined, privileged: flags.privileged === true, detach: flags.detach === true, interactive: flags.interactive === true,
    tty: flags.tty === true,
  }, {stdin: 'inherit', stderr: (b) => process.stderr.write(b)}, io);
  if (flags.detach) cli.out(`${r.session}\n`);
  else process.exitCode = r.code;
};

export const top: Action = async ({argv}, cli) => {
  need(argv, 'you must provide the name or ID of a running container');
  const {formatTable} = require('../../format/tabwriter') as typeof import('../../format/tabwriter');
  const rows = cli.engine().containers.top(argv[0], argv.slice(1));
  cli.out(formatTable(rows.map((r) => r.join('\t'))));
};

export const rename: Action = async ({args}, cli) => {
  await cli.engine().containers.rename(args.container!, args.name!);
};

export const create: Action = async (cmd, cli) => {
  const {flags, args, rest} = cmd;
  await pullIfNeeded(cmd, cli);
  cli.out(`${await cli.engine().create(createOptions(flags, args.image!, rest))}\n`);
};

export const start: Action = async (cmd, cli) => {
  const {flags, argv} = cmd;
  if (!flags.all) need(argv, 'start requires at least one container name or ID');
  const engine = cli.engine();
  if (flags.attach) {
    if (argv.length !== 1) throw new InvalidInputError('you cannot start and attach multiple containers at once');
    const io = flags.interactive || engine.containers.view(argv[0]).config.log?.driver === 'none' ? attachOptions(flags, flags.interactive === true) : undefined;
    await withSignalProxy(cli, cmd, async (started) => {
      if (io) return reportOutcome(await engine.startInteractive(argv[0], io, started));
      started(argv[0]);
      process.exitCode = await engine.startAttached(argv[0], write);
    });
    return;
  }
  const reports = await engine.start(argv, {all: flags.all === true, filters: strs(flags.filter)});
  for (const r of reports) if (!r.error) cli.out(`${r.ref}\n`);
  reportErrors(reports);
};

export const attach: Action = async (cmd, cli) => {
  const {flags, args} = cmd;
  const io = attachOptions(flags, flags['no-stdin'] !== true);
  await withSignalProxy(cli, cmd, async (attached) => reportOutcome(await cli.engine().attach(args.container!, io, attached)));
};

export const stop: Action = async ({flags, argv}, cli) => {
  if (!flags.all) need(argv);
  let reports = await cli.engine().stop(argv, {timeout: intFlag(flags.time, 'time'), all: flags.all === true});
  if (flags.ignore) reports = reports.filter((r) => r.error?.name !== 'NoSuchObjectError');
  for (const r of reports) if (!r.error) cli.out(`${r.ref}\n`);
  reportErrors(reports);
};

export const kill: Action = async ({flags, argv}, cli) => {
  if (!flags.all) need(argv);
  const reports = await cli.engine().kill(argv, {signal: flags.signal as string, all: flags.all === true});
  for (const r of reports) if (!r.error) cli.out(`${r.ref}\n`);
  reportErrors(reports);
};

export const restart: Action = async ({flags, argv}, cli) => {
  need(argv);
  const reports = await cli.engine().restart(argv, {timeout: intFlag(flags.time, 'time')});
  for (const r of reports) if (!r.error) cli.out(`${r.value}\n`);
  reportErrors(reports);
};

export const rm: Action = async ({flags, argv}, cli) => {
  const cidfiles = strs(flags.cidfile);
  if (!flags.all && cidfiles.length === 0) need(argv);
  const reports = await cli.engine().remove(argv, {force: flags.force === true, all: flags.all === true, ignore: flags.ignore === true, volumes: flags.volumes === true, cidfiles});
  for (const r of reports) if (!r.error) cli.out(`${flags.all ? r.value : r.ref}\n`);
  reportErrors(reports);
  // Podman: 1 when a container does not exist, 2 when one is running.
  for (const r of reports) if (r.error?.name === 'NoSuchObjectError') process.exitCode = 1;
};

export const ps: Action = async ({flags}, cli) => {
  const last = intFlag(flags.last, 'last');
  const all = flags.all === true || flags.latest === true || last !== undefined;
  const data = await cli.engine().ps({all, filters: strs(flags.filter), last, latest: flags.latest === true, noTrunc: flags['no-trunc'] === true});
  cli.out(formatList(data, {
    defaultFormat: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Created}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
    headers: PS_HEADERS,
    jsonIndent: 2,
  }, {format: flags.format as string | undefined, quiet: flags.quiet === true, noHeading: flags.noheading === true}));
};

export const logs: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  let refs = argv;
  if (flags.latest) {
    if (argv.length > 0) throw new InvalidInputError('--latest and containers cannot be used together');
    refs = (await engine.ps({all: true, filters: [], latest: true})).rows.map((r) => String(r.ID));
    need(refs, 'no containers to show the logs of');
  }
  need(refs, 'logs requires at least one container name or ID');
  const {formatLogTime} = require('../../runtime/k8s-log') as typeof import('../../runtime/k8s-log');
  // Podman prefixes lines only when several containers are shown: the short id, or the name with --names.
  const multi = refs.length > 1;
  const midLine = new Set<string>();
  // A reader that goes away (`logs -f web | head`) ends the command quietly, followers included.
  const stop = new AbortController();
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stop.abort();
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  const opts = {follow: flags.follow === true, tail: intFlag(flags.tail, 'tail'), since: flags.since as string | undefined, until: flags.until as string | undefined, signal: stop.signal};
  await engine.logs(refs, opts, (r) => {
    if (stop.signal.aborted) return;
    const key = `${r.id} ${r.stream}`;
    let prefix = '';
    if (!midLine.has(key)) {
      if (multi) prefix += `${flags.names ? r.name : r.id.slice(0, 12)} `;
      if (flags.timestamps) prefix += `${formatLogTime(r.time)} `;
    }
    if (r.data.endsWith('\n')) midLine.delete(key);
    else midLine.add(key);
    (r.stream === 'stderr' ? process.stderr : process.stdout).write(prefix + r.data);
  });
};

export const wait: Action = async ({argv}, cli) => {
  need(argv);
  const reports = await cli.engine().wait(argv);
  for (const r of reports) if (!r.error) cli.out(`${r.value}\n`);
  reportErrors(reports);
};

export function inspectAs(type: 'all' | 'container' | 'image'): Action {
  return async ({flags, argv}, cli) => {
    const engine = cli.engine();
    let refs = argv;
    if (flags.latest) refs = (await engine.ps({all: true, filters: [], latest: true})).rows.map((r) => String(r.ID));
    need(refs, 'inspect requires at least one name or ID');
    const reports = await engine.inspect(refs, type === 'all' ? (flags.type as 'all' | 'container' | 'image') ?? 'all' : type);
    const found = reports.filter((r) => !r.error).map((r) => r.value!);
    if (found.length > 0 || !flags.format) cli.out(renderInspect(found, flags.format as string | undefined));
    reportErrors(reports);
  };
}

export const cleanup: Action = async ({args}, cli) => {
  await cli.engine().cleanup(args.container!);
};

/** Podman prints the status and exits 1 when the check failed; 0 and nothing when it passed. */
export const healthcheckRun: Action = async ({args}, cli) => {
  const r = await cli.engine().healthcheckRun(args.container!);
  if (!r.passed) {
    cli.out('unhealthy\n');
    process.exitCode = 1;
  }
};
