// Synthetic A/B traffic for the dashboard and A/B tests: per-minute latency histograms for two variants of
// a model over 7 days (every minute for the last hour, every 10 minutes for the last day, hourly before),
// plus labelled feedback. Returned as SQL so workerd tests (D1 binding) and the browser test (local D1 of a
// running worker) seed the same rows. Deterministic: the same `now` gives the same rows.
import { LATENCY_BUCKET_BOUNDS_MS } from '@pare/db';

export interface SeedOptions {
  model: string;
  /** [baseline, candidate]: the candidate is faster by `speedup` (0.4 = 40 % lower latency). */
  variants: [string, string];
  now: number;
  speedup?: number;
  /** Requests per seeded minute and variant. */
  perMinute?: number;
  labelled?: { total: number; correctA: number; correctB: number };
}

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKET_BOUNDS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKET_BOUNDS_MS.length : i;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function seedAbTrafficSql(o: SeedOptions): string[] {
  const perMinute = o.perMinute ?? 40;
  const speedup = o.speedup ?? 0.4;
  const nowMinute = Math.floor(o.now / 60000);
  const minutes: number[] = [];
  for (let m = 0; m < 60; m++) minutes.push(nowMinute - m);
  for (let m = 60; m < 1440; m += 10) minutes.push(nowMinute - m);
  for (let m = 1440; m < 7 * 1440; m += 60) minutes.push(nowMinute - m);

  const rows: string[] = [];
  for (const minute of minutes) {
    const age = nowMinute - minute;
    // Older traffic ran slower (a cold cache, say): the windows then show different figures.
    const drift = 1 + Math.min(1, age / 1440) * 0.5 + 0.1 * Math.sin(minute / 7);
    o.variants.forEach((variant, vi) => {
      const base = 8 * drift * (vi === 0 ? 1 : 1 - speedup);
      const counts = new Map<number, number>();
      // A skewed shape: quantiles of a log-normal-ish spread around the base latency.
      for (let k = 0; k < perMinute; k++) {
        const u = (k + 0.5) / perMinute;
        const ms = base * Math.exp(0.45 * Math.log(u / (1 - u)) * 0.6);
        counts.set(bucketOf(ms), (counts.get(bucketOf(ms)) ?? 0) + 1);
      }
      const errorsAt = (minute + vi) % 50 === 0 ? 1 : 0;
      let first = true;
      for (const [bucket, count] of counts) {
        rows.push(`(${minute}, ${quote(o.model)}, ${quote(variant)}, 'isolate', ${bucket}, ${count}, ${first ? errorsAt : 0})`);
        first = false;
      }
    });
  }
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += 400) {
    statements.push(
      `INSERT INTO latency_histograms (minute, model, variant, source, bucket, count, errors) VALUES ${rows.slice(i, i + 400).join(', ')} ` +
        'ON CONFLICT (minute, model, variant, source, pinned, bucket) DO UPDATE SET count = excluded.count, errors = excluded.errors',
    );
  }
  const labelled = o.labelled ?? { total: 600, correctA: 540, correctB: 537 };
  const feedback: string[] = [];
  o.variants.forEach((variant, vi) => {
    const correct = vi === 0 ? labelled.correctA : labelled.correctB;
    for (let k = 0; k < labelled.total; k++) {
      const ts = o.now - ((k * 5000) % 3_000_000);
      const right = k < correct;
      feedback.push(`(${quote(`seed-${o.model}-${variant}-${k}`)}, 0, ${quote(o.model)}, ${quote(variant)}, 'spam', ${quote(right ? 'spam' : 'ham')}, ${right ? 1 : 0}, ${ts}, ${o.now})`);
    }
  });
  for (let i = 0; i < feedback.length; i += 400) {
    statements.push(`INSERT OR REPLACE INTO feedback (request_id, item, model, variant, predicted, label, correct, request_ts, created_at) VALUES ${feedback.slice(i, i + 400).join(', ')}`);
  }
  return statements;
}
