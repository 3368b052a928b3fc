import fc from 'fast-check';
import seedrandom from 'seedrandom';

import { rngFromSeed, streamFamily, streamFor } from '../../../src/random';
import { canonicalJson, sha256Hex } from '../../../src/util';

function draws(next: () => number, n: number): number[] {
  return Array.from({ length: n }, () => next());
}

describe('rngFromSeed (Alea re-implemented)', () => {
  it('gives exactly seedrandom.alea’s numbers, for hex seeds and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/)), (seed) => {
        const ref = seedrandom.alea(seed);
        const rng = rngFromSeed(seed);
        expect(draws(() => rng.next(), 50)).toEqual(draws(() => ref(), 50));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
  it('keeps the reference stream of a patient key (RNG_ALGORITHM unchanged)', () => {
    const key = { modelHash: 'm', cohortId: 'c', index: 3, part: 'profile' };
    const ref = seedrandom.alea(sha256Hex(canonicalJson(key)));
    const rng = streamFor(key);
    expect(draws(() => rng.next(), 1000)).toEqual(draws(() => ref(), 1000));
  });
});

describe('streamFamily', () => {
  it('equals streamFor for every index, with strings that need escaping', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.nat(), (modelHash, cohortId, part, index) => {
        const a = streamFamily({ modelHash, cohortId, part })(index);
        const b = streamFor({ modelHash, cohortId, index, part });
        expect(draws(() => a.next(), 5)).toEqual(draws(() => b.next(), 5));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
  it('refuses a non-finite index as streamFor does', () => {
    expect(() => streamFamily({ modelHash: 'm', cohortId: 'c', part: 'p' })(Number.NaN)).toThrow(/non-finite/);
  });
});
