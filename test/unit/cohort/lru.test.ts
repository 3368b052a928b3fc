import { LruCache } from '../../../src/cohort';

describe('LruCache', () => {
  it('bounded by entries: evicts the least recently used (a get refreshes)', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.peek('b')).toBeUndefined();
    expect(c.peek('a')).toBe(1);
    expect(c.stats()).toMatchObject({ entries: 2, hits: 1, misses: 0, evictions: 1, maxBytes: Infinity });
  });

  it('bounded by bytes: evicts until the weights fit, keeps counters, refuses an entry heavier than the bound', () => {
    const c = new LruCache<string, string>({ maxEntries: 100, maxBytes: 100 });
    c.set('a', 'x', 40);
    c.set('b', 'y', 40);
    expect(c.bytes).toBe(80);
    c.set('c', 'z', 40);
    expect(c.peek('a')).toBeUndefined();
    expect(c.bytes).toBe(80);
    c.set('b', 'y2', 10); // re-set replaces the weight
    expect(c.bytes).toBe(50);
    c.set('huge', 'h', 101);
    expect(c.peek('huge')).toBeUndefined();
    expect(c.bytes).toBe(50);
    expect(c.get('nope')).toBeUndefined();
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 50, maxBytes: 100, misses: 1, evictions: 1 });
    c.delete('b');
    expect(c.bytes).toBe(40);
    c.clear();
    expect(c.bytes).toBe(0);
  });

  it('0 entries or 0 bytes disables caching', () => {
    const a = new LruCache<string, number>(0);
    a.set('k', 1);
    expect(a.size).toBe(0);
    const b = new LruCache<string, number>({ maxEntries: 10, maxBytes: 0 });
    b.set('k', 1, 0);
    expect(b.size).toBe(0);
  });
});
