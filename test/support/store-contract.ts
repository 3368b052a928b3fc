/* eslint-disable jest/no-export -- the contract is defined once here and run by each implementation's test file (docs/CONVENTIONS.md "Contract suites"). */
import type { Store } from '../../src/cohort/store';

/** What a contract run needs: a fresh, empty store per test, and a way to dispose of it. */
export interface StoreHarness {
  readonly store: Store;
  /** Removes everything this test wrote (Redis: SCAN + DEL of its own key prefix). */
  cleanup(): Promise<void>;
}

/** Real time passes between a write with a short TTL and the read that must miss it. */
const SHORT_TTL_MS = 40;
const AFTER_EXPIRY_MS = 120;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The one Store contract, run against every implementation (memory and Redis): the same
 * behaviour, asserted once. See: docs/CONVENTIONS.md "Contract suites".
 */
export function defineStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await makeStore();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('reads back what it wrote and misses absent keys', async () => {
      expect(await h.store.get('a')).toBeUndefined();
      expect(await h.store.set('a', 'one')).toBe(true);
      expect(await h.store.get('a')).toBe('one');
      await h.store.set('a', 'two');
      expect(await h.store.get('a')).toBe('two');
    });

    it('keeps values byte for byte (unicode, JSON, empty string)', async () => {
      const values = ['', '{"k":[1,2,{"é":"ü"}]}', 'line\nbreak', '😀 emoji', ' spaced '];
      for (const [i, v] of values.entries()) await h.store.set(`v${i}`, v);
      for (const [i, v] of values.entries()) expect(await h.store.get(`v${i}`)).toBe(v);
    });

    it('set onlyIfAbsent writes once and reports whether it wrote', async () => {
      expect(await h.store.set('once', 'first', { onlyIfAbsent: true })).toBe(true);
      expect(await h.store.set('once', 'second', { onlyIfAbsent: true })).toBe(false);
      expect(await h.store.get('once')).toBe('first');
    });

    it('expires keys after their TTL and reports remaining TTL', async () => {
      await h.store.set('short', 'x', { ttlMs: SHORT_TTL_MS });
      await h.store.set('long', 'y', { ttlMs: 60_000 });
      await h.store.set('forever', 'z');
      const t = await h.store.ttlMs('long');
      expect(t).toBeGreaterThan(50_000);
      expect(t).toBeLessThanOrEqual(60_000);
      expect(await h.store.ttlMs('forever')).toBe(Infinity);
      expect(await h.store.ttlMs('absent')).toBeUndefined();
      await sleep(AFTER_EXPIRY_MS);
      expect(await h.store.get('short')).toBeUndefined();
      expect(await h.store.ttlMs('short')).toBeUndefined();
      expect(await h.store.get('long')).toBe('y');
      // An expired key is absent for onlyIfAbsent too.
      expect(await h.store.set('short', 'again', { onlyIfAbsent: true })).toBe(true);
    });

    it('expire() sets a TTL on an existing key only', async () => {
      await h.store.set('e', '1');
      expect(await h.store.expire('e', SHORT_TTL_MS)).toBe(true);
      expect(await h.store.expire('nope', 1000)).toBe(false);
      await sleep(AFTER_EXPIRY_MS);
      expect(await h.store.get('e')).toBeUndefined();
    });

    it('mget returns values in key order with undefined for misses; mset writes all', async () => {
      expect(await h.store.mget([])).toEqual([]);
      await h.store.mset([
        ['m1', 'a'],
        ['m2', 'b'],
      ]);
      expect(await h.store.mget(['m2', 'missing', 'm1'])).toEqual(['b', undefined, 'a']);
      await h.store.mset([['m3', 'c']], { ttlMs: SHORT_TTL_MS });
      expect(await h.store.get('m3')).toBe('c');
      await sleep(AFTER_EXPIRY_MS);
      expect(await h.store.get('m3')).toBeUndefined();
      await h.store.mset([]);
    });

    it('delete removes keys and counts the ones that existed', async () => {
      await h.store.mset([
        ['d1', 'a'],
        ['d2', 'b'],
      ]);
      expect(await h.store.delete('d1', 'd2', 'd3')).toBe(2);
      expect(await h.store.get('d1')).toBeUndefined();
      expect(await h.store.delete()).toBe(0);
    });

    it('incr counts from zero, by any step, and keeps a TTL it had', async () => {
      expect(await h.store.incr('n')).toBe(1);
      expect(await h.store.incr('n', 5)).toBe(6);
      expect(await h.store.incr('n', -2)).toBe(4);
      expect(await h.store.get('n')).toBe('4');
      await h.store.set('t', '10', { ttlMs: 60_000 });
      expect(await h.store.incr('t')).toBe(11);
      expect(await h.store.ttlMs('t')).toBeLessThanOrEqual(60_000);
    });

    it('incr is atomic under concurrent callers', async () => {
      await Promise.all(Array.from({ length: 50 }, () => h.store.incr('race')));
      expect(await h.store.get('race')).toBe('50');
    });

    it('incr on a non-integer value rejects', async () => {
      await h.store.set('word', 'abc');
      await expect(h.store.incr('word')).rejects.toThrow();
    });

    it('keys(prefix) lists live keys under a prefix only, without the store prefix', async () => {
      await h.store.mset([
        ['job:1', 'a'],
        ['job:2', 'b'],
        ['jobs-other', 'c'],
        ['x:job:3', 'd'],
      ]);
      await h.store.set('job:gone', 'e', { ttlMs: SHORT_TTL_MS });
      await sleep(AFTER_EXPIRY_MS);
      expect((await h.store.keys('job:')).sort()).toEqual(['job:1', 'job:2']);
      expect(await h.store.keys('nothing:')).toEqual([]);
    });

    it('keys(prefix) treats glob characters literally', async () => {
      await h.store.mset([
        ['a*b', '1'],
        ['axb', '2'],
      ]);
      expect(await h.store.keys('a*')).toEqual(['a*b']);
    });

    it('answers ping', async () => {
      await expect(h.store.ping()).resolves.toBeUndefined();
    });

    it('rejects every operation after close(), which is idempotent', async () => {
      await h.store.set('a', '1');
      await h.store.close();
      await h.store.close();
      await expect(h.store.ping()).rejects.toThrow();
      await expect(h.store.get('a')).rejects.toThrow();
      await expect(h.store.set('a', '2')).rejects.toThrow();
    });
  });
}
