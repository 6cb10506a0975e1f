import { expect, it } from 'vitest';
import { slotStarts } from './slotStarts';

it('lists every slot of the window on the slot grid D1 groups by', () => {
  const minute = 60000;
  // 15-minute slots over an hour that starts mid-slot: the first slot is the one holding the window's start.
  const starts = slotStarts(1000 * minute + 7 * minute + 5, 1060 * minute + 3 * minute, 15);
  expect(starts.map((t) => t / minute)).toEqual([1005, 1020, 1035, 1050]);
  expect(slotStarts(0, 59 * minute, 1)).toHaveLength(60);
});
