// Consecutive server-side failures of running each variant, counted in this isolate: a variant that keeps
// failing (RUN_FAILURE_LIMIT in a row, no success between) is marked unhealthy like one that fails to load.
// Client errors (4xx) are the caller's fault and never count.

export const RUN_FAILURE_LIMIT = 3;

const streaks = new Map<string, number>();

function keyOf(model: string, variant: string): string {
  return `${model}\u0000${variant}`;
}

export function noteRunSuccess(model: string, variant: string): void {
  streaks.delete(keyOf(model, variant));
}

/** Count one 5xx from running the variant; true once the streak reaches the limit (the streak restarts). */
export function noteRunFailure(model: string, variant: string): boolean {
  const key = keyOf(model, variant);
  const streak = (streaks.get(key) ?? 0) + 1;
  if (streak < RUN_FAILURE_LIMIT) {
    streaks.set(key, streak);
    return false;
  }
  streaks.delete(key);
  return true;
}
