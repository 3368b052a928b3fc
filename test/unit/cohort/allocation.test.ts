import fc from 'fast-check';

import { allocate } from '../../../src/cohort';
import { StratumBlocks } from '../../../src/cohort/allocation';

const sharesArb = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }).filter((s) => s.some((x) => x > 0));

describe('allocate (largest remainder)', () => {
  it('is exact: the counts sum to the size and each is within 1 of size × share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), sharesArb, (size, raw) => {
        const total = raw.reduce((a, b) => a + b, 0);
        const counts = allocate(size, raw);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(size);
        counts.forEach((c, i) => {
          expect(Number.isInteger(c) && c >= 0).toBe(true);
          expect(Math.abs(c - (size * raw[i]) / total)).toBeLessThan(1);
          expect(raw[i] === 0 ? c : 0).toBe(0);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('gives the leftover patients to the largest remainders, ties to the earlier stratum', () => {
    // 10 over 4 equal shares: quota 2.5 each, two leftovers go to the first two strata.
    expect(allocate(10, [1, 1, 1, 1])).toEqual([3, 3, 2, 2]);
    // 10,000 over 12 uniform strata (the bench case): 833 each, 4 leftovers to strata 0-3.
    expect(allocate(10_000, new Array<number>(12).fill(1))).toEqual([834, 834, 834, 834, ...new Array<number>(8).fill(833)]);
    // Largest remainder wins regardless of position: quotas 1.2, 1.7, 2.1 → 1, 2, 2.
    expect(allocate(5, [0.24, 0.34, 0.42])).toEqual([1, 2, 2]);
    // A stratum with share 0 never gets a leftover.
    expect(allocate(3, [0, 1, 1])).toEqual([0, 2, 1]);
  });

  it('gives n equal strata ⌊size/n⌋ each and one more to the first size mod n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 40 }), (size, n) => {
        const counts = allocate(size, new Array<number>(n).fill(1));
        const extras = size % n;
        counts.forEach((c, i) => expect(c).toBe(Math.floor(size / n) + (i < extras ? 1 : 0)));
      }),
    );
  });
});

describe('StratumBlocks', () => {
  it('maps each index to the stratum whose contiguous block holds it, empty strata included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }).filter((c) => c.some((x) => x > 0)), (counts) => {
        const blocks = new StratumBlocks(counts);
        let index = 0;
        counts.forEach((c, s) => {
          expect(blocks.startOf(s)).toBe(index);
          for (let k = 0; k < c; k++, index++) expect(blocks.stratumOf(index)).toBe(s);
        });
      }),
    );
  });
});
