/** How an LruCache is bounded: by entries, and optionally by the bytes its entries weigh (set's third argument). */
export interface LruBounds {
  /** Most entries kept (0 disables caching). */
  readonly maxEntries: number;
  /** Most bytes kept (unset: no byte bound). An entry heavier than this is not kept. */
  readonly maxBytes?: number;
}

/** A cache's counters, for /metrics. */
export interface LruStats {
  readonly entries: number;
  readonly bytes: number;
  readonly maxEntries: number;
  /** Infinity when unbounded by bytes. */
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
}

/**
 * A least-recently-used map bounded by a number of entries and, optionally, by bytes (each entry
 * weighed by the caller when set, evicting the least recently used until both bounds hold). Map keeps
 * insertion order, so re-inserting on read makes the first key the least recently used. Counts
 * hits, misses and evictions (`stats()`).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private totalBytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  /** `new LruCache(n)`: at most n entries; or bounds with a byte budget. */
  constructor(bounds: number | LruBounds) {
    const b: LruBounds = typeof bounds === 'number' ? { maxEntries: bounds } : bounds;
    this.maxEntries = Math.max(0, b.maxEntries);
    this.maxBytes = b.maxBytes ?? Infinity;
  }

  /** The entry bound (kept for callers of the count-only form). */
  get capacity(): number {
    return this.maxEntries;
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes held (the sum of the weights given to set). */
  get bytes(): number {
    return this.totalBytes;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Like get, without counting or refreshing recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Keeps `value` under `key`, weighing `bytes` (0 when the cache is bounded by entries only). */
  set(key: K, value: V, bytes = 0): void {
    if (this.maxEntries <= 0 || this.maxBytes <= 0) return;
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.map.set(key, { value, bytes: Math.max(0, bytes) });
    this.totalBytes += Math.max(0, bytes);
    while (this.map.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
      this.evictions++;
    }
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.map.delete(key);
    this.totalBytes -= e.bytes;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.totalBytes = 0;
  }

  stats(): LruStats {
    return {
      entries: this.map.size,
      bytes: this.totalBytes,
      maxEntries: this.maxEntries,
      maxBytes: this.maxBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }
}
