import { normCdf, normInv } from '../random';

/**
 * The weighted empirical-quantile (normal-scores) transform: z = Φ⁻¹(F(t)), where F is the
 * piecewise-linear weighted CDF of the data after dequantisation (each reported value v on a grid of
 * step h stands for the cell [v − h/2, v + h/2)). Its inverse is exact, so marginals come back as
 * the data's (weighted) marginals, top-codes (age 80 = "80+") keep their point mass, and rounding a
 * sampled t to the grid returns a value NHANES could have reported.
 * Privacy: knots sit between groups of at least `minRecords` records, so no knot isolates a person.
 * See: docs/MODEL.md "Transforms"; Bogner et al., "Transformations for the normal
 * score" (Hydrol. Earth Syst. Sci., 2012) for normal-score transforms.
 */
export interface QuantileTransform {
  readonly kind: 'quantile';
  /** Knot positions in the (dequantised) value space, non-decreasing. */
  readonly x: readonly number[];
  /** F at each knot: 0 first, 1 last, non-decreasing (flat over gaps with no data). */
  readonly p: readonly number[];
}

/** p is clamped to [P_CLAMP, 1 − P_CLAMP] before Φ⁻¹, so z stays finite (|z| ≤ 5.2). */
export const P_CLAMP = 1e-7;

/** Share of records at each end grouped by k only (finer knots where tails are long). */
export const TAIL_FRACTION = 0.02;

/** Default cap on the number of knot intervals (keeps the model file small; 0.4% of mass each). */
export const MAX_QUANTILE_INTERVALS = 256;

export interface QuantileTransformOptions {
  /** Grid step of reported values (10^−decimals); 0 for a continuum (no dequantisation). */
  readonly step: number;
  /** Fewest (unweighted) records between two knots (the k of k-anonymity). */
  readonly minRecords: number;
  readonly maxIntervals?: number;
  /** Ends used when step is 0 (e.g. 0 and 1 for a fraction); default: the extreme data values. */
  readonly lower?: number;
  readonly upper?: number;
}

/** Builds the transform from values and (normalised or raw) weights. */
export function buildQuantileTransform(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  options: QuantileTransformOptions,
): QuantileTransform {
  const n = values.length;
  if (n === 0) return { kind: 'quantile', x: [0, 1], p: [0, 1] };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  // Distinct values with their weight and count.
  const vals: number[] = [];
  const wts: number[] = [];
  const cnt: number[] = [];
  let total = 0;
  for (const i of order) {
    const v = values[i];
    const w = weights[i];
    total += w;
    if (vals.length > 0 && vals[vals.length - 1] === v) {
      wts[wts.length - 1] += w;
      cnt[cnt.length - 1] += 1;
    } else {
      vals.push(v);
      wts.push(w);
      cnt.push(1);
    }
  }
  const bodyGroup = Math.max(options.minRecords, Math.ceil(n / (options.maxIntervals ?? MAX_QUANTILE_INTERVALS)));
  const tail = Math.floor(n * TAIL_FRACTION);
  // Greedy grouping of consecutive distinct values into groups of ≥ minGroup records: k records
  // in the tails (so a heavy tail is not smeared over one wide interval), coarser in the body.
  const groups: { first: number; last: number; w: number; sum: number }[] = [];
  let cur: { first: number; last: number; w: number; c: number; sum: number } | undefined;
  let seen = 0;
  for (let j = 0; j < vals.length; j++) {
    // A value that fills a group on its own (a top-code's point mass, a common value) keeps
    // its own group: an unfinished group before it joins the previous group instead.
    const needHere = seen + cnt[j] <= tail || seen >= n - tail ? options.minRecords : bodyGroup;
    if (cur !== undefined && cnt[j] >= needHere && groups.length > 0) {
      const g = groups[groups.length - 1];
      g.last = cur.last;
      g.w += cur.w;
      g.sum += cur.sum;
      cur = undefined;
    }
    if (cur === undefined) cur = { first: vals[j], last: vals[j], w: 0, c: 0, sum: 0 };
    cur.last = vals[j];
    cur.w += wts[j];
    cur.sum += wts[j] * vals[j];
    cur.c += cnt[j];
    seen += cnt[j];
    const inTail = seen <= tail || seen >= n - tail;
    if (cur.c >= (inTail ? options.minRecords : bodyGroup)) {
      groups.push(cur);
      cur = undefined;
    }
  }
  if (cur !== undefined) {
    if (groups.length === 0) groups.push(cur);
    else {
      const g = groups[groups.length - 1];
      g.last = cur.last;
      g.w += cur.w;
      g.sum += cur.sum;
    }
  }
  const half = options.step / 2;
  const x: number[] = [];
  const p: number[] = [];
  let acc = 0;
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g];
    let start: number;
    let end: number;
    if (half > 0) {
      start = grp.first - half;
      end = grp.last + half;
      // The end groups span a mean-preserving interval, not up to the extreme record: a uniform
      // spread to the maximum would give a heavy tail far more mass out there than the data has.
      const mean = grp.sum / grp.w;
      if (groups.length > 1 && g === groups.length - 1) end = Math.min(end, Math.max(start + 2 * half, 2 * mean - start));
      if (groups.length > 1 && g === 0) start = Math.max(start, Math.min(end - 2 * half, 2 * mean - end));
    } else {
      start = g === 0 ? (options.lower ?? grp.first) : x[x.length - 1];
      end = g === groups.length - 1 ? (options.upper ?? grp.last) : (grp.last + groups[g + 1].first) / 2;
    }
    if (x.length === 0 || x[x.length - 1] < start) {
      x.push(start);
      p.push(acc);
    }
    acc += grp.w / total;
    if (end <= x[x.length - 1]) end = x[x.length - 1] + (half > 0 ? 2 * half : 1e-9);
    x.push(end);
    p.push(g === groups.length - 1 ? 1 : Math.min(1, acc));
  }
  return { kind: 'quantile', x, p };
}

/** The normal scores of the knots: Φ⁻¹(p) clamped to [Φ⁻¹(P_CLAMP), Φ⁻¹(1 − P_CLAMP)]. */
export function zKnotsOf(p: readonly number[]): Float64Array {
  return Float64Array.from(p, (u) => normInv(Math.min(1 - P_CLAMP, Math.max(P_CLAMP, u))));
}

/**
 * t → z, linear between knots (x_j, z_j): the transform maps each knot interval onto the normal
 * scores of its cumulative mass, so the mass of every interval is exact; within an interval the
 * mapping is linear in z (cheaper than Φ, and invisible after rounding to the reporting grid).
 */
export function knotForward(x: ArrayLike<number>, zk: ArrayLike<number>, t: number): number {
  const last = x.length - 1;
  if (t <= x[0]) return zk[0];
  if (t >= x[last]) return zk[last];
  let lo = 1;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  const dx = x[lo] - x[lo - 1];
  return dx > 0 ? zk[lo - 1] + ((t - x[lo - 1]) / dx) * (zk[lo] - zk[lo - 1]) : zk[lo];
}

/** z → t, the exact inverse of knotForward (never inside a flat gap). */
export function knotInverse(x: ArrayLike<number>, zk: ArrayLike<number>, z: number): number {
  const last = x.length - 1;
  if (z <= zk[0]) return x[0];
  if (z >= zk[last]) return x[last];
  let lo = 1;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (zk[mid] >= z) hi = mid;
    else lo = mid + 1;
  }
  const dz = zk[lo] - zk[lo - 1];
  return dz > 0 ? x[lo - 1] + ((z - zk[lo - 1]) / dz) * (x[lo] - x[lo - 1]) : x[lo - 1];
}

/**
 * A guide table for knotInverse (an "indexed search", Chen & Asau 1974): the z range of the knots
 * cut into equal buckets, each holding the first knot index whose score reaches the bucket's start.
 * knotInverseGuided starts there and steps to the same index the binary search finds, so it returns
 * the same bits in one or two steps instead of log2(knots) unpredictable branches (issue 11 §4:
 * the inverse was a tenth of the sampler's time).
 */
export interface KnotGuide {
  readonly z0: number;
  /** Buckets per unit of z. */
  readonly perUnit: number;
  readonly start: Int32Array;
}

export function knotGuideOf(zk: ArrayLike<number>): KnotGuide {
  const last = zk.length - 1;
  const buckets = Math.max(1, 2 * last);
  const z0 = zk[0];
  const span = zk[last] - z0;
  const perUnit = span > 0 ? buckets / span : 0;
  const start = new Int32Array(buckets);
  let j = 1;
  for (let b = 0; b < buckets; b++) {
    const from = z0 + b / perUnit;
    while (j < last && zk[j] < from) j++;
    start[b] = j;
  }
  return { z0, perUnit, start };
}

/** knotInverse(x, zk, z), bit for bit, through the guide table of zk. */
export function knotInverseGuided(x: ArrayLike<number>, zk: ArrayLike<number>, guide: KnotGuide, z: number): number {
  const last = x.length - 1;
  if (z <= zk[0]) return x[0];
  if (z >= zk[last]) return x[last];
  const b = Math.floor((z - guide.z0) * guide.perUnit);
  if (!(b >= 0 && b < guide.start.length)) return knotInverse(x, zk, z);
  // The first index in [1, last] whose score reaches z: forward from the guide, then back over
  // any the bucket's rounding skipped (the scores are non-decreasing, so it is unique).
  let lo = guide.start[b];
  while (lo < last && zk[lo] < z) lo++;
  while (lo > 1 && zk[lo - 1] >= z) lo--;
  const dz = zk[lo] - zk[lo - 1];
  return dz > 0 ? x[lo - 1] + ((z - zk[lo - 1]) / dz) * (x[lo] - x[lo - 1]) : x[lo - 1];
}

/** log dz/dt at t (−Infinity outside the support or on a flat gap). */
export function knotLogSlope(x: ArrayLike<number>, zk: ArrayLike<number>, t: number): number {
  const last = x.length - 1;
  if (t < x[0] || t > x[last]) return -Infinity;
  let j = 1;
  while (j < last && x[j] <= t) j++;
  const dx = x[j] - x[j - 1];
  const dz = zk[j] - zk[j - 1];
  return dx > 0 && dz > 0 ? Math.log(dz / dx) : -Infinity;
}

/** F(t) = Φ(knotForward(t)) with the ends at exactly 0 and 1 (for tests and reports). */
export function quantileCdf(tr: QuantileTransform, t: number): number {
  if (t <= tr.x[0]) return 0;
  if (t >= tr.x[tr.x.length - 1]) return 1;
  return normCdf(knotForward(tr.x, zKnotsOf(tr.p), t));
}
