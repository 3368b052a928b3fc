import type { Store } from '../../cohort';

/**
 * The NDJSON of one (cohort, patient range, type): what an export file holds when `_since` keeps
 * everything. Bulk Data files hold one type each, but a patient is generated whole, so serving the
 * four files of a partition one by one would generate every patient four times. Instead, while a
 * file is generated, the other requested types' lines are kept (each up to `maxSideBytes`; the
 * Observations of a large partition are not) and served from here: in-process first (an LRU bounded
 * in bytes), then Redis (shared by the replicas, with a TTL: evictable under `volatile-lru`).
 * Measured in bench/redis-cache.ts: a Redis hit of a patient's serialized resources costs about a
 * fifth of regenerating and serializing them; records as objects (GET + JSON.parse) would not pay.
 */
export interface PartitionCacheOptions {
  /** In-process bytes (UTF-16 chars ≈ bytes for this ASCII JSON) kept across partitions. */
  readonly maxBytes: number;
  /** Largest side buffer kept per type while a file is generated. */
  readonly maxSideBytes: number;
  /** The shared tier (Redis), when there is one; entries live `sharedTtlMs`. */
  readonly shared?: Store;
  readonly sharedTtlMs: number;
}

/** Cache key of one partition file's NDJSON (independent of the job: same cohort, range, type → same bytes). */
export function partitionKey(cohortId: string, start: number, end: number, type: string): string {
  return `export:ndjson:${cohortId}:${start}-${end}:${type}`;
}

export class PartitionCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly options: PartitionCacheOptions) {}

  /** The NDJSON for a key, from this process or the shared tier (a shared-tier failure is a miss). */
  async get(key: string): Promise<string | undefined> {
    const local = this.entries.get(key);
    if (local !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, local);
      return local;
    }
    if (this.options.shared === undefined) return undefined;
    try {
      return await this.options.shared.get(key);
    } catch {
      return undefined;
    }
  }

  /** Keeps a file's NDJSON here and in the shared tier (best effort: the cache only saves work). */
  async put(key: string, ndjson: string): Promise<void> {
    if (ndjson.length <= this.options.maxBytes) {
      const old = this.entries.get(key);
      if (old !== undefined) this.bytes -= old.length;
      this.entries.set(key, ndjson);
      this.bytes += ndjson.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.options.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.length;
      }
    }
    if (this.options.shared === undefined) return;
    try {
      await this.options.shared.set(key, ndjson, { ttlMs: this.options.sharedTtlMs });
    } catch {
      // Redis down or full: the next request regenerates.
    }
  }

  get maxSideBytes(): number {
    return this.options.maxSideBytes;
  }

  /** Bytes held in this process. */
  get size(): number {
    return this.bytes;
  }
}
