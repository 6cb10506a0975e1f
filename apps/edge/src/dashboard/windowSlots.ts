// The time-slot width of the latency-over-time chart for each window: about 15–170 points, so a line is
// readable on a phone and a 7-day window does not ship 10,080 minutes.
import type { StatsWindow } from '../metrics/statsWindow';

export const SLOT_MINUTES: Record<StatsWindow, number> = { '15m': 1, '1h': 1, '24h': 15, '7d': 60 };
