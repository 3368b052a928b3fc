import type { Rng } from '../random';
import type { EmData, EmStratum } from './em-types';
import { NOT_APPLICABLE } from './em-types';
import { stratumSide } from './em-strata';

/** Lloyd iterations after the k-means++ seeding (a start, not a fit: EM does the rest). */
const KMEANS_ITERATIONS = 10;

/**
 * The features k-means sees: the core normal scores (0 = the marginal mean when unobserved) and,
 * scaled to the same order, indicators of the first two states of each categorical (so diabetics
 * and smokers can seed their own components).
 */
function initFeatures(data: EmData): { x: Float64Array; p: number } {
  const { n } = data;
  const { d, z } = data.core;
  const catCols = data.cats.length;
  const p = d + catCols;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = z[i * d + j];
      x[i * p + j] = Number.isNaN(v) ? 0 : v;
    }
    data.cats.forEach((c, v) => {
      const s = c.x[i];
      // Half weight: a categorical difference counts like half a standard deviation squared.
      x[i * p + d + v] = s === NOT_APPLICABLE ? 0 : s === 0 ? 0.7 : -0.7;
    });
  }
  return { x, p };
}

/**
 * Hard responsibilities (n × K, one-hot) from weighted k-means++ seeding and a few Lloyd steps.
 * See: Arthur & Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007.
 */
export function initialResponsibilities(
  data: EmData,
  K: number,
  rng: Rng,
  group: Int8Array,
  strata: readonly EmStratum[],
): Float64Array {
  const { n, w } = data;
  const { x, p } = initFeatures(data);
  const S = strata.length;
  // Row side of each stratum: 1 in it, 0 outside, −1 either (not applicable).
  const rowGroup = new Int8Array(n * S).fill(-1);
  strata.forEach((st, s) => {
    for (let i = 0; i < n; i++) rowGroup[i * S + s] = stratumSide(data, st, i);
  });
  const allowed = (i: number, k: number): boolean => {
    for (let s = 0; s < S; s++) {
      const r = rowGroup[i * S + s];
      const g = group[k * S + s];
      if (r >= 0 && g >= 0 && r !== g) return false;
    }
    return true;
  };
  // Seeds of a component come from rows that match it on every stratum they are defined for.
  const seedable = (i: number, k: number): boolean => {
    for (let s = 0; s < S; s++)
      if (group[k * S + s] >= 0 && rowGroup[i * S + s] !== group[k * S + s]) return false;
    return true;
  };
  const centers = new Float64Array(K * p);
  const dist = new Float64Array(n).fill(Infinity);
  const pickWeighted = (weights: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    let u = rng.next() * total;
    for (let i = 0; i < n; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return n - 1;
  };
  const score = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++)
      score[i] = !seedable(i, k) ? 0 : k === 0 || dist[i] === Infinity ? w[i] : w[i] * dist[i];
    const c = pickWeighted(score);
    for (let j = 0; j < p; j++) centers[k * p + j] = x[c * p + j];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) {
        const dd = x[i * p + j] - centers[k * p + j];
        s += dd * dd;
      }
      if (s < dist[i]) dist[i] = s;
    }
  }
  const assign = new Int32Array(n);
  const sums = new Float64Array(K * p);
  const mass = new Float64Array(K);
  for (let it = 0; it < KMEANS_ITERATIONS; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        if (!allowed(i, k)) continue;
        let s = 0;
        for (let j = 0; j < p; j++) {
          const dd = x[i * p + j] - centers[k * p + j];
          s += dd * dd;
        }
        if (s < bestD) {
          bestD = s;
          best = k;
        }
      }
      assign[i] = best;
    }
    sums.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const k = assign[i];
      mass[k] += w[i];
      for (let j = 0; j < p; j++) sums[k * p + j] += w[i] * x[i * p + j];
    }
    for (let k = 0; k < K; k++) {
      if (mass[k] > 0) for (let j = 0; j < p; j++) centers[k * p + j] = sums[k * p + j] / mass[k];
    }
  }
  const resp = new Float64Array(n * K);
  for (let i = 0; i < n; i++) resp[i * K + assign[i]] = 1;
  return resp;
}
