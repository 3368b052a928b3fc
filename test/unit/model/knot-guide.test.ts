import fc from 'fast-check';

import { knotGuideOf, knotInverse, knotInverseGuided, zKnotsOf } from '../../../src/model/quantile-transform';

/**
 * The guided inverse (issue 11 §4) must return knotInverse's exact bits for every z: the sampled
 * bytes of every seed depend on it.
 */
describe('knotInverseGuided', () => {
  /** Non-decreasing knots and probabilities, with repeats (flat gaps, point masses) allowed. */
  const knots = fc
    .array(fc.tuple(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 2, maxLength: 300 })
    .map((pairs) => {
      const x = pairs.map(([a]) => a).sort((a, b) => a - b);
      const p = pairs.map(([, b]) => b).sort((a, b) => a - b);
      p[0] = 0;
      p[p.length - 1] = 1;
      return { x, p };
    });

  it('equals knotInverse at random z, at every knot score and just around it', () => {
    fc.assert(
      fc.property(knots, fc.array(fc.double({ min: -7, max: 7, noNaN: true }), { maxLength: 50 }), ({ x, p }, zs) => {
        const zk = zKnotsOf(p);
        const guide = knotGuideOf(zk);
        const probes = [...zs, ...Array.from(zk).flatMap((z) => [z, z - 1e-12, z + 1e-12, z - 1e-3, z + 1e-3])];
        for (const z of probes) expect(Object.is(knotInverseGuided(x, zk, guide, z), knotInverse(x, zk, z))).toBe(true);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('equals knotInverse for NaN and infinities, and with every score equal', () => {
    const x = [1, 2, 3, 4];
    const zk = zKnotsOf([0, 0.3, 0.6, 1]);
    const guide = knotGuideOf(zk);
    for (const z of [NaN, Infinity, -Infinity, 0]) expect(Object.is(knotInverseGuided(x, zk, guide, z), knotInverse(x, zk, z))).toBe(true);
    const flat = zKnotsOf([0.5, 0.5, 0.5]);
    const flatGuide = knotGuideOf(flat);
    for (const z of [-1, flat[0], 1]) expect(Object.is(knotInverseGuided([1, 2, 3], flat, flatGuide, z), knotInverse([1, 2, 3], flat, z))).toBe(true);
  });
});
