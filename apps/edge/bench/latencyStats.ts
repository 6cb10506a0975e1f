/** Percentile (nearest rank) of samples in ms. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function mean(samples: readonly number[]): number {
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/**
 * Mean of the samples left after dropping `trim` of them at each end: for timings read off a whole-millisecond
 * clock (workerd's), whose median is a whole number too, while the mean of many readings is not.
 */
export function trimmedMean(samples: readonly number[], trim = 0.1): number {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * trim);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.length ? kept.reduce((s, x) => s + x, 0) / kept.length : Number.NaN;
}

/** The `dur` of one metric in a server-timing header. */
export function serverTiming(header: string | null, name: string): number | undefined {
  const match = new RegExp(`(?:^|,\\s*)${name};dur=([\\d.]+)`).exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A cold load's own steps in server-timing (apps/edge/src/inference/serverTiming.ts): R2 read, sha256, fold, session creation. */
export function loadTiming(header: string | null): number | undefined {
  const steps = ['fetch', 'verify', 'fold', 'initwait', 'create'].map((name) => serverTiming(header, name));
  return steps[0] === undefined ? undefined : steps.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
}

export function fmt(ms: number, digits = 2): string {
  return Number.isFinite(ms) ? ms.toFixed(digits) : '-';
}
