import {Args, Flags} from '@oclif/core';
import {BurrowCommand} from '../src/cli/base-command';

export default class Stats extends BurrowCommand {
  static override summary = 'Show the resource use of containers';
  static override description = 'A container with a cgroup of its own (as real root) is read from it (CPU, memory without inactive cache, its limit, block I/O, pids). Rootless containers here have none, so the numbers come from /proc of the container\'s processes: CPU % is their CPU time (utime+stime, with reaped children) over the interval, or since the start for the first reading and --no-stream (100 % is one core); MEM USAGE is the sum of their resident memory (VmRSS) against the host\'s MemTotal; NET IO the bytes of the container\'s network namespace (/proc/PID/net/dev, loopback left out); BLOCK IO read_bytes/write_bytes of /proc/PID/io for the processes you may read (those running as the container\'s root); PIDS their number. On a terminal the stream redraws in place; piped, each reading is printed in turn.';
  static override aliases = ['container:stats'];
  static override strict = false;
  static override examples = [
    '<%= config.bin %> stats --no-stream',
    '<%= config.bin %> stats --no-stream --format "{{.Name}} {{.CPUPerc}} {{.MemUsage}}" web',
    '<%= config.bin %> stats --interval 2 web db',
  ];
  static override args = {container: Args.string({description: 'container name or id (several may be given)'})};
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'show all containers (stopped ones with --)'}),
    'no-stream': Flags.boolean({description: 'print one reading and exit'}),
    'no-reset': Flags.boolean({description: 'do not clear the terminal between readings'}),
    format: Flags.string({description: 'json, or a Go template over ID, Name, CPUPerc, MemUsage, MemPerc, NetIO, BlockIO, PIDS, CPUTime, AVGCPU'}),
    interval: Flags.integer({char: 'i', description: 'seconds between readings (default 5)'}),
    'no-trunc': Flags.boolean({description: 'do not truncate ids'}),
  };
}
