// `stats`: readings of the containers asked for (or of every running one, or with -a every one),
// remembered between calls so that a stream shows CPU % over each interval. A container of real root
// is read from its cgroup (/burrow/ID); rootless ones have none here and are read from /proc (see
// proc-stats.ts). A container that is not running shows "--".
import type {EngineContext} from '../../engine/context';
import {isRunning, observedState} from '../container-state';
import {hostMemTotal, readContainer} from './proc-stats';
import {statsValues, type StatsHistory, type StatsValues} from './stats-report';

export class StatsSampler {
  private readonly history = new Map<string, StatsHistory>();
  private readonly memTotal = hostMemTotal();

  constructor(private readonly ctx: EngineContext, private readonly refs: string[], private readonly all: boolean) {
    for (const r of refs) ctx.containers.resolve(r); // an unknown name is an error before the first reading
  }

  sample(now = () => Date.now()): StatsValues[] {
    const views = this.refs.length > 0 ? this.refs.map((r) => this.ctx.containers.resolve(r)) : this.ctx.containers.list();
    const out: StatsValues[] = [];
    for (const v of views) {
      const st = observedState(v, this.ctx.exitDir);
      const running = isRunning(st) && st.pid !== undefined;
      if (!running && this.refs.length === 0 && !this.all) continue;
      let reading;
      try {
        reading = running ? readContainer(st.pid!, now(), this.ctx.identity.rootless ? undefined : `/burrow/${v.config.id}`) : undefined;
      } catch {
        reading = undefined; // it stopped between the state read and /proc
      }
      const h = this.history.get(v.config.id) ?? {avgCpu: 0, points: 0};
      this.history.set(v.config.id, h);
      out.push(statsValues({id: v.config.id, name: v.config.name, reading, startedAtMs: Date.parse(st.startedAt ?? '') || now(), memLimit: this.memTotal}, h));
    }
    return out;
  }
}
