// Network verbs and `port`: flags → one engine call → output, as Podman prints them.
import {InvalidInputError} from '../../errors';
import {formatList} from '../list-output';
import {renderInspect} from '../../format/output';
import {parseLabels} from '../../runtime/container-manager';
import {formatPortLine} from '../../network/network-options';
import {type Action, confirmPrune, forEachReported, reportErrors} from './context';

const strs = (v: unknown) => (v as string[] | undefined) ?? [];

const NETWORK_HEADERS: Record<string, string> = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Labels: 'LABELS', Created: 'CREATED', Subnets: 'SUBNETS', Gateway: 'GATEWAY',
  Internal: 'INTERNAL', DNSEnabled: 'DNS', IPv6Enabled: 'IPV6', NetworkInterface: 'INTERFACE',
};

export const networkCreate: Action = async ({flags, args}, cli) => {
  const def = await cli.engine().networks.create({
    name: args.name, subnet: flags.subnet as string | undefined, gateway: flags.gateway as string | undefined, internal: flags.internal === true,
    disableDns: flags['disable-dns'] === true, labels: parseLabels(strs(flags.label)), driver: flags.driver as string | undefined,
    ignoreExisting: flags.ignore === true,
  });
  cli.out(`${def.name}\n`);
};

export const networkList: Action = async ({flags}, cli) => {
  const data = cli.engine().networks.list(strs(flags.filter));
  if (flags.quiet) {
    cli.out(data.rows.map((r) => `${(r as {Name: string}).Name}\n`).join(''));
    return;
  }
  cli.out(formatList(data, {defaultFormat: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}', headers: NETWORK_HEADERS, jsonIndent: 5},
    {format: flags.format as string | undefined, noHeading: flags.noheading === true}));
};

export const networkInspect: Action = async ({flags, argv}, cli) => {
  if (argv.length === 0) throw new InvalidInputError('network inspect requires at least one network name or ID');
  const engine = cli.engine();
  const found: object[] = [];
  const reports = await forEachReported(argv, (ref) => {
    found.push(engine.networks.inspect(ref));
  });
  if (found.length > 0 || !flags.format) cli.out(renderInspect(found, flags.format as string | undefined));
  reportErrors(reports);
  if (reports.length > 0) process.exitCode = 125;
};

export const networkRemove: Action = async ({flags, argv}, cli) => {
  if (argv.length === 0) throw new InvalidInputError('network rm requires at least one network name or ID');
  const engine = cli.engine();
  const reports = await forEachReported(argv, async (ref) => {
    const r = await engine.networks.remove(ref, {force: flags.force === true, time: flags.time as number | undefined});
    cli.out(`${r.name}\n`);
  });
  reportErrors(reports);
  if (reports.length > 0) process.exitCode = Math.max(...reports.map((r) => (r.error as {exitCode?: number}).exitCode ?? 125));
};

export const networkPrune: Action = async ({flags}, cli) => {
  if (!flags.force && !(await confirmPrune(cli, 'networks'))) return;
  for (const n of await cli.engine().networks.prune(strs(flags.filter))) cli.out(`${n}\n`);
};

export const networkExists: Action = async ({args}, cli) => {
  if (!cli.engine().networks.exists(args.network!)) process.exitCode = 1;
};

export const networkConnect: Action = async ({flags, args}, cli) => {
  await cli.engine().containers.connect(args.container!, args.network!, strs(flags.alias));
};

export const networkDisconnect: Action = async ({args}, cli) => {
  await cli.engine().containers.disconnect(args.container!, args.network!);
};

/** `port CONTAINER [PRIVATE_PORT[/PROTO]]`, or `port -a`. */
export const port: Action = async ({flags, argv}, cli) => {
  const engine = cli.engine();
  let refs: string[];
  if (flags.all) {
    if (argv.length > 0) throw new InvalidInputError('no arguments are needed with --all');
    refs = (await engine.ps({all: false, filters: []})).rows.map((r) => String((r as {ID: string}).ID));
  } else if (flags.latest) {
    refs = (await engine.ps({all: true, filters: [], latest: true})).rows.map((r) => String((r as {ID: string}).ID));
  } else {
    if (argv.length === 0) throw new InvalidInputError('you must supply a running container name or ID', {hint: 'burrow port NAME [PORT[/PROTO]]'});
    refs = [argv[0]];
  }
  const wanted = !flags.all && argv[1] !== undefined ? argv[1] : undefined;
  let matched = false;
  for (const ref of refs) {
    const {config, ports} = engine.containers.ports(ref);
    for (const p of ports) {
      if (wanted !== undefined) {
        const [num, proto = 'tcp'] = wanted.split('/');
        if (Number(num) !== p.containerPort || proto !== p.protocol) continue;
        matched = true;
        cli.out(`${p.hostIp || '0.0.0.0'}:${p.hostPort}\n`);
      } else {
        cli.out(`${flags.all ? `${config.id.slice(0, 12)}\t` : ''}${formatPortLine(p)}\n`);
      }
    }
  }
  if (wanted !== undefined && !matched) throw new InvalidInputError(`failed to find published port "${wanted}"`, {hint: `list what ${refs[0]} publishes with: burrow port ${refs[0]}`});
};
