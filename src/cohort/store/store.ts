/**
 * The one storage interface behind the cohort registry, paging result sets and (later) Bulk Data
 * export jobs. Two implementations pass the same contract suite (test/contract/store-*.test.ts):
 * memory.ts (the embedded default) and redis.ts (shared by stateless replicas).
 * Values are strings; callers own their encoding (JSON). Keys are given without the store's
 * prefix. See: docs/ARCHITECTURE.md "Cohorts", "Scale"; docs/CONVENTIONS.md "One interface, two implementations, one contract suite".
 */
export interface SetOptions {
  /** Time to live in milliseconds; absent means no expiry. */
  readonly ttlMs?: number;
  /** Write only when the key does not exist yet (Redis `SET NX`). */
  readonly onlyIfAbsent?: boolean;
}

export interface Store {
  /** Which implementation this is ('memory' | 'redis'), for logs and /healthz. */
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  /** Returns false only when `onlyIfAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Values in the order of `keys`; undefined for absent ones. */
  mget(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Sets every entry (same options for all), atomically with respect to readers. */
  mset(entries: ReadonlyArray<readonly [string, string]>, options?: { readonly ttlMs?: number }): Promise<void>;
  /** Deletes keys; returns how many existed. */
  delete(...keys: string[]): Promise<number>;
  /** Adds `by` (default 1) to an integer counter (absent = 0) and returns the new value. */
  incr(key: string, by?: number): Promise<number>;
  /** Sets a key's time to live; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Remaining time to live in ms: undefined when absent, Infinity when it never expires. */
  ttlMs(key: string): Promise<number | undefined>;
  /** Every live key starting with `prefix` (unordered; for housekeeping, not hot paths). */
  keys(prefix: string): Promise<string[]>;
  /** Resolves when the store answers; rejects (SERVICE_UNAVAILABLE) when it does not. */
  ping(): Promise<void>;
  /** Releases connections and timers. The store is unusable afterwards. */
  close(): Promise<void>;
}
