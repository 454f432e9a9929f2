import {Args} from '@oclif/core';
import {BurrowCommand} from '../../src/cli/base-command';

export default class HealthcheckRun extends BurrowCommand {
  static override summary = 'Run a container\'s health check once';
  static override description = 'Runs the health check command inside the running container, records the result (inspect shows State.Health, ps shows "(healthy)" or "(unhealthy)") and applies --health-on-failure when the container becomes unhealthy. Exits 0 when the check passed; prints "unhealthy" and exits 1 when it failed; 125 when the container has no health check or is not running. Where a systemd user manager runs, a timer runs this on the --health-interval; elsewhere run it yourself.';
  static override examples = ['<%= config.bin %> healthcheck run web', 'while sleep 30; do <%= config.bin %> healthcheck run web >/dev/null; done'];
  static override args = {container: Args.string({description: 'container name or ID', required: true})};
}
