import {Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Logs extends BurrowCommand {
  static override summary = 'Show the output of one or more containers';
  static override description = 'Reads the k8s-file log that conmon writes (the default log driver). With several containers each line is prefixed by the container\'s short id, or its name with --names; with --follow all are followed at once until every one has exited.';
  static override aliases = ['container:logs'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> logs web',
    '<%= config.bin %> logs -f --tail 10 web',
    '<%= config.bin %> logs -t --since 10m --until 2026-01-02T15:04:05Z web',
    '<%= config.bin %> logs -f -n web db',
  ];
  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'follow the output until the container exits'}),
    tail: Flags.integer({description: 'show only the last N lines (-1 for all)', default: -1}),
    timestamps: Flags.boolean({char: 't', description: 'prefix each line with its time (RFC 3339 with nanoseconds)'}),
    since: Flags.string({description: 'show lines since a time: RFC 3339, a Unix timestamp, or a duration before now (10m, 1h30m)'}),
    until: Flags.string({description: 'show lines until a time: RFC 3339, a Unix timestamp, or a duration after now'}),
    names: Flags.boolean({char: 'n', description: 'prefix lines with the container name instead of its id (several containers)'}),
    latest: Flags.boolean({char: 'l', description: 'show the logs of the latest created container'}),
  };
}
