import { PareError } from '@pare/errors';

export const STATS_WINDOWS = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

export function parseStatsWindow(value: string | undefined, fallback: StatsWindow = '1h'): StatsWindow {
  if (value === undefined || value === '') return fallback;
  if (Object.hasOwn(STATS_WINDOWS, value)) return value as StatsWindow;
  throw new PareError('window_invalid', `Unknown window "${value}"; use one of ${Object.keys(STATS_WINDOWS).join(', ')}.`, { status: 400 });
}
