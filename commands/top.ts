import {BurrowCommand} from '../src/cli/base-command';

export default class Top extends BurrowCommand {
  static override summary = 'Show the processes of a running container';
  static override description = 'Lists the container\'s processes with ps-style fields, as the container sees them (its pids, its users). Descriptors after the container choose the columns: user, huser, group, hgroup, pid, hpid, ppid, pcpu, etime, tty, time, args, comm, nice, state (default: user pid ppid pcpu etime tty time args). Read from /proc: no process is started in the container.';
  static override aliases = ['container:top'];
  static override strict = false;
  static override examples = ['<%= config.bin %> top web', '<%= config.bin %> top web pid hpid user huser args'];
}
