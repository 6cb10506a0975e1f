// Counts of the faults an origin noticed, for `GET /metrics` (Prometheus text): each one is also logged
// where it happens. Per process; a dashboard sums them over the origins.
import type { Exposition } from '@pare/prometheus';

export const COUNTER_HELP = {
  attempts_stalled_total: 'Jobs taken over from an attempt whose worker died or stalled.',
  attempts_fenced_total: 'Attempts that lost their job to another attempt and whose results were discarded.',
  attempts_requeued_total: 'Attempts given back to the queue because this origin shut down.',
  jobs_vanished_total: 'Jobs delivered or running whose record was gone from the store.',
  store_data_lost_total: 'Times the job store was found emptied under a running origin (a Redis restarted without its data).',
} as const;

export type CounterName = keyof typeof COUNTER_HELP;

export class OriginCounters {
  private readonly values = new Map<CounterName, number>();

  add(name: CounterName, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: CounterName): number {
    return this.values.get(name) ?? 0;
  }

  /** Every counter, prefixed `pare_origin_`, added to an exposition. */
  exposeIn(exposition: Exposition): Exposition {
    for (const [name, help] of Object.entries(COUNTER_HELP)) exposition.counter(`pare_origin_${name}`, help, [{ labels: {}, value: this.get(name as CounterName) }]);
    return exposition;
  }
}
