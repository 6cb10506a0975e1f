// The one bounded cache every per-isolate cache uses: least recently used first out, capped by entry count
// and by an approximate byte size per entry (an isolate has 128 MB). A value a caller still holds (acquire)
// leaves the cache at once but its onRemove callback waits until the last hold is released.

export interface BoundedLruOptions<K, V> {
  maxEntries: number;
  /** Sum of the entries' byte estimates the cache keeps; the newest entry stays even alone above it. */
  maxBytes?: number;
  /** Called once per value that leaves the cache (evicted, deleted, replaced), after its last hold ends. */
  onRemove?: (key: K, value: V) => void;
}

interface Entry<V> {
  value: V;
  bytes: number;
  holds: number;
  removed: boolean;
}

export class BoundedLru<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  #bytes = 0;
  #awaitingRelease = 0;
  #maxEntries: number;
  #maxBytes: number;
  readonly #onRemove: ((key: K, value: V) => void) | undefined;

  constructor(options: BoundedLruOptions<K, V>) {
    this.#maxEntries = options.maxEntries;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#onRemove = options.onRemove;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The sum of the entries' byte estimates. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Values that left the cache but are still held (their onRemove has not run yet). */
  get awaitingRelease(): number {
    return this.#awaitingRelease;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The value, recency unchanged. */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Store (or re-size, for the same value) an entry as the most recently used, then evict beyond the limits. */
  set(key: K, value: V, bytes = 0): void {
    const existing = this.#entries.get(key);
    if (existing && existing.value === value) {
      this.#bytes += bytes - existing.bytes;
      existing.bytes = bytes;
      this.#entries.delete(key);
      this.#entries.set(key, existing);
    } else {
      if (existing) this.#remove(key, existing);
      this.#entries.set(key, { value, bytes, holds: 0, removed: false });
      this.#bytes += bytes;
    }
    this.#evict();
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#remove(key, entry);
    return true;
  }

  /** Hold the entry's value: if it leaves the cache meanwhile, onRemove waits for the returned release. */
  acquire(key: K): (() => void) | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    entry.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holds--;
      if (entry.holds === 0 && entry.removed) {
        this.#awaitingRelease--;
        this.#onRemove?.(key, entry.value);
      }
    };
  }

  /** Change the limits (a config read per request); evicts at once if they shrank. */
  setLimits(limits: { maxEntries?: number; maxBytes?: number }): void {
    if (limits.maxEntries !== undefined) this.#maxEntries = limits.maxEntries;
    if (limits.maxBytes !== undefined) this.#maxBytes = limits.maxBytes;
    this.#evict();
  }

  #remove(key: K, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    entry.removed = true;
    if (entry.holds > 0) this.#awaitingRelease++;
    else this.#onRemove?.(key, entry.value);
  }

  #evict(): void {
    while (this.#entries.size > Math.max(this.#maxEntries, 1) || (this.#bytes > this.#maxBytes && this.#entries.size > 1)) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [K, Entry<V>];
      this.#remove(oldestKey, oldest);
    }
  }
}
