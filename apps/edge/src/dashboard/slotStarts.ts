// The start of every time slot of a window, as D1 groups minutes into slots (packages/db histogramReads.ts
// readLatencySeries: minute / slot * slot), so a slot with no rows can be shown as the gap it is.

export function slotStarts(sinceMs: number, nowMs: number, slotMinutes: number): number[] {
  const slot = Math.max(1, Math.floor(slotMinutes));
  const first = Math.floor(Math.floor(sinceMs / 60000) / slot) * slot;
  const last = Math.floor(Math.floor(nowMs / 60000) / slot) * slot;
  const out: number[] = [];
  for (let m = first; m <= last; m += slot) out.push(m * 60000);
  return out;
}
