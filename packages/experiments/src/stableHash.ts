// FNV-1a (32-bit) over UTF-8 bytes: stable across isolates, runtimes and deploys, and cheap.

const encoder = new TextEncoder();

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (from murmur3's fmix32) so that near-identical keys spread evenly.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The unit's position in [0, 10000): which slice of traffic it falls in, for a given model. A salt (the model's
 * experiment salt) reshuffles every unit for a new experiment; the empty salt is the hash splits always had.
 */
export function unitSlot(model: string, unit: string, salt = ''): number {
  return fnv1a32(salt === '' ? `${model}\u0000${unit}` : `${model}\u0000${salt}\u0000${unit}`) % 10000;
}

/** A coarse bucket (0..99) of the unit, recorded with each event so per-unit analysis needs no raw ids. */
export function unitBucket(model: string, unit: string): number {
  return fnv1a32(`bucket\u0000${model}\u0000${unit}`) % 100;
}
